//! The charts' SVG for fixed inputs, kept as snapshots: any change in what is
//! drawn shows up as a diff to review (`cargo insta review`, or run with
//! `INSTA_UPDATE=always` and read the diff in git).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use stegvis_charts::{
    indicator_chart, ndi_chart, star_chart, star_value, start_now_chart, ChartText, SeriesStyle,
    StarSeries, StartNow,
};

fn text(id: &str, desc: &str) -> ChartText {
    ChartText {
        id: id.into(),
        title: format!("Diagram {id}"),
        desc: desc.into(),
    }
}

#[test]
fn an_indicator_with_a_missed_occasion() {
    let (journey, labels) = common::sample_journey();
    let halsa = &journey.indicators[0];
    assert_eq!(halsa.item_id, "halsa");
    // Start, 1, 2 (missed), 3, 4, exit.
    assert_eq!(labels.len(), 6);
    let svg =
        indicator_chart(halsa, &labels, &text("halsa", "Hälsa: från 1 till 5 av 5.")).unwrap();
    insta::assert_snapshot!("indicator_with_gap", svg);
}

#[test]
fn an_indicator_with_a_declined_answer() {
    let (journey, labels) = common::sample_journey();
    let livet = &journey.indicators[2];
    let svg = indicator_chart(livet, &labels, &text("livet", "Livet.")).unwrap();
    insta::assert_snapshot!("indicator_with_declined", svg);
}

#[test]
fn the_star_of_start_previous_and_latest() {
    let (journey, _) = common::sample_journey();
    let axes: Vec<String> = journey.indicators.iter().map(|i| i.name.clone()).collect();
    let series = [
        (0, SeriesStyle::First),
        (4, SeriesStyle::Previous),
        (5, SeriesStyle::Latest),
    ]
    .map(|(col, style)| StarSeries {
        name: format!("{style:?}"),
        style,
        values: journey
            .indicators
            .iter()
            .map(|i| star_value(i, i.readings[col]))
            .collect(),
    });
    let svg = star_chart(&axes, &series, &text("stjarna", "Start och nu.")).unwrap();
    insta::assert_snapshot!("star", svg);
}

#[test]
fn the_ndi_over_follow_ups_and_exit() {
    let (journey, labels) = common::sample_journey();
    assert_eq!(journey.ndi[0], None, "no NDI at intake");
    let svg = ndi_chart(&journey.ndi, &labels, &text("ndi", "NDI.")).unwrap();
    insta::assert_snapshot!("ndi", svg);
}

/// "Min resa" rows: better, same, worse, one answer, none.
fn start_now_rows(names: [&str; 5]) -> Vec<StartNow> {
    let levels = [
        (Some(1), Some(3)),
        (Some(2), Some(2)),
        (Some(4), Some(0)),
        (Some(2), None),
        (None, None),
    ];
    names
        .iter()
        .zip(levels)
        .map(|(name, (first, latest))| StartNow {
            name: (*name).to_owned(),
            first,
            latest,
            levels: 5,
        })
        .collect()
}

#[test]
fn start_and_now_left_to_right() {
    let rows = start_now_rows(["Hälsa", "Livet", "Kontakt", "Påverka", "Nästa steg"]);
    let html = start_now_chart(
        &rows,
        &text("min-resa", "Hälsa: från 2 till 4 av 5."),
        false,
    );
    insta::assert_snapshot!("start_now_ltr", html);
}

#[test]
fn start_and_now_right_to_left() {
    let rows = start_now_rows(["الصحة", "الحياة", "التواصل", "التأثير", "الخطوة التالية"]);
    let html = start_now_chart(&rows, &text("min-resa", "الصحة: من 2 إلى 4 من 5."), true);
    insta::assert_snapshot!("start_now_rtl", html);
}
