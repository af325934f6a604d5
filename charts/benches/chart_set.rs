//! How long one participant's whole chart set takes to draw: eleven
//! indicator line charts, the star chart and the NDI chart, as the meeting
//! view draws them. Run with `cargo bench -p stegvis-charts`; the figure is
//! recorded in docs/performance.md.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark fails loudly

#[path = "../tests/common/mod.rs"]
mod common;

use stegvis_charts::{
    indicator_chart, ndi_chart, star_chart, star_value, ChartText, SeriesStyle, StarSeries,
};

fn main() {
    divan::main();
}

fn text(id: &str) -> ChartText {
    ChartText {
        id: id.into(),
        title: "Diagram".into(),
        desc: "Beskrivning.".into(),
    }
}

#[divan::bench]
fn one_participants_chart_set(bencher: divan::Bencher) {
    let (journey, labels) = common::sample_journey();
    let axes: Vec<String> = journey.indicators.iter().map(|i| i.name.clone()).collect();
    bencher.bench_local(|| {
        let mut bytes = 0;
        for indicator in &journey.indicators {
            bytes += indicator_chart(indicator, &labels, &text(&indicator.item_id))
                .unwrap()
                .len();
        }
        let series = [
            (0, SeriesStyle::First),
            (4, SeriesStyle::Previous),
            (5, SeriesStyle::Latest),
        ]
        .map(|(col, style)| StarSeries {
            name: String::new(),
            style,
            values: journey
                .indicators
                .iter()
                .map(|i| star_value(i, i.readings[col]))
                .collect(),
        });
        bytes += star_chart(&axes, &series, &text("star")).unwrap().len();
        bytes += ndi_chart(&journey.ndi, &labels, &text("ndi"))
            .unwrap()
            .len();
        divan::black_box(bytes)
    });
}
