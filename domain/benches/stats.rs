//! How long the evaluator statistics take over a whole association: 100 000
//! generated participants shaped like the domain brief (two thirds women,
//! the Södertörn referral mix, gaps where people missed occasions), up to
//! five occasions each. Timed: NDI aggregates and distance travelled on every
//! indicator, split by gender and protected, for everyone. The target is
//! well under one second. Run with `cargo bench -p stegvis-domain --bench stats`.
//!
//! Turning the generated plans into answers is done once, outside the timed
//! part: each answered occasion's `progress` (0 = lowest option, 1 =
//! highest) becomes a score on every item asked at that occasion, with a
//! deterministic sprinkling of "Vill inte svara".

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark fails loudly

use chrono::{Days, NaiveDate};
use std::sync::LazyLock;
use stegvis_domain::instrument::{AnswerKind, Instrument};
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::population::{self, PersonPlan};
use stegvis_domain::stats::{
    distance_report, ndi_report, outcome_report, CheckInScores, Filter, ItemIndex, NdiSelection,
    Respondent, DEFAULT_K,
};

const PEOPLE: usize = 100_000;
const MAX_OCCASIONS: usize = 5;

fn main() {
    summary();
    divan::main();
}

/// Prints the headline figures once, so a run shows that the data is
/// realistic and the computation did real work.
fn summary() {
    let data = &*DATA;
    let all = Filter::default();
    let ndi = ndi_report(
        &data.items,
        &data.respondents,
        &all,
        NdiSelection::Latest,
        DEFAULT_K,
    );
    let distance = distance_report(&data.items, &data.respondents, &all, DEFAULT_K);
    let check_ins: usize = data.respondents.iter().map(|r| r.check_ins.len()).sum();
    let five: usize = data.five_each.iter().map(|r| r.check_ins.len()).sum();
    assert_eq!(five, 5 * PEOPLE);
    let total = &ndi.figures.total;
    eprintln!(
        "{} respondents, {check_ins} answered check-ins; NDI n = {}, mean = {:.1}",
        data.respondents.len(),
        total.n.label(DEFAULT_K),
        total.mean.map_or(f64::NAN, |m| m.value),
    );
    for target in distance.targets() {
        let figures = &target.indicator.figures;
        let share = |f: &stegvis_domain::stats::DistanceFigures| {
            f.improved.proportion.map_or(f64::NAN, |p| p * 100.0)
        };
        eprintln!(
            "{}: {:.1} % of n = {} (kvinnor {:.1} %, män {:.1} %)",
            target.label,
            share(&figures.total),
            figures.total.n.label(DEFAULT_K),
            figures
                .by_gender
                .first()
                .map_or(f64::NAN, |g| share(&g.figures)),
            figures
                .by_gender
                .get(1)
                .map_or(f64::NAN, |g| share(&g.figures)),
        );
    }
    assert!(total.n.shown().is_some_and(|n| n > 50_000));
}

struct Data {
    items: ItemIndex,
    /// Occasions as the generator plans them: answered ones only, so people
    /// who started recently or missed occasions have fewer than five.
    respondents: Vec<Respondent>,
    /// The worst case the issue names: every participant with five answered
    /// occasions (intake, three follow-ups, exit), 500 000 check-ins.
    five_each: Vec<Respondent>,
}

static DATA: LazyLock<Data> = LazyLock::new(|| {
    let instrument =
        Instrument::from_toml(include_str!("../../instruments/stegvis-bas.toml")).unwrap();
    let today = NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
    let people = population::generate(2025, PEOPLE, today);
    let items = ItemIndex::new(&instrument);
    let respondents = people
        .iter()
        .enumerate()
        .map(|(n, p)| {
            let planned = p
                .answered
                .iter()
                .filter(|o| o.answered)
                .map(|o| (o.kind, o.number, o.date, o.progress));
            respondent(&instrument, n, p, planned)
        })
        .collect();
    let five_each = people
        .iter()
        .enumerate()
        .map(|(n, p)| respondent(&instrument, n, p, five_occasions(p)))
        .collect();
    Data {
        items,
        respondents,
        five_each,
    }
});

/// Intake, follow-ups at 3, 6 and 9 months and exit at 12 months, with
/// progress moving in a straight line from the person's first planned
/// reading to their last.
fn five_occasions(
    p: &PersonPlan,
) -> impl Iterator<Item = (OccasionKind, u32, NaiveDate, f64)> + '_ {
    let first = p.answered.first().map_or(0.3, |o| o.progress);
    let last = p.answered.last().map_or(first, |o| o.progress);
    (0..5_u32).map(move |i| {
        let kind = match i {
            0 => OccasionKind::Intake,
            4 => OccasionKind::Exit,
            _ => OccasionKind::FollowUp,
        };
        let number = if kind == OccasionKind::FollowUp { i } else { 0 };
        let date = p.start_date + Days::new(91 * u64::from(i));
        (
            kind,
            number,
            date,
            first + (last - first) * f64::from(i) / 4.0,
        )
    })
}

/// A respondent with answers drawn from each occasion's progress.
fn respondent(
    instrument: &Instrument,
    n: usize,
    p: &PersonPlan,
    occasions: impl Iterator<Item = (OccasionKind, u32, NaiveDate, f64)>,
) -> Respondent {
    let check_ins = occasions
        .take(MAX_OCCASIONS)
        .enumerate()
        .map(|(occasion, (kind, number, date, progress))| CheckInScores {
            kind,
            number,
            date,
            scores: instrument
                .items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let declined = (n * 31 + i * 17 + occasion * 7).is_multiple_of(29);
                    if !item.asked_at(kind) || declined {
                        return None;
                    }
                    let steps = |lowest: i32, highest: i32, at: f64| {
                        lowest + (at * f64::from(highest - lowest)).round() as i32
                    };
                    match item.kind {
                        AnswerKind::Scale5 if item.higher_is_better => Some(steps(1, 5, progress)),
                        AnswerKind::Scale5 => Some(steps(1, 5, 1.0 - progress)),
                        AnswerKind::HoursPerWeek => Some(steps(0, 4, progress)),
                        // Satisfaction sits higher than progress, varying by item.
                        AnswerKind::Scale10 => {
                            let at = (0.35 + 0.6 * progress + 0.05 * (i % 3) as f64).min(1.0);
                            Some(steps(1, 10, at))
                        }
                        AnswerKind::YesNo | AnswerKind::Choice => None,
                    }
                })
                .collect(),
        })
        .collect();
    Respondent {
        gender: p.gender,
        birth_year: p.consent.then_some(p.birth_year),
        referral: p.consent.then_some(p.referral),
        municipality: p.consent.then(|| p.municipality.to_owned()),
        programme: format!("Insats {}", p.programme + 1),
        start_date: p.start_date,
        anonymous: !p.consent,
        exit: p.exit,
        check_ins,
    }
}

/// The figure the issue asks for: NDI and distance travelled for everyone.
#[divan::bench(sample_count = 30)]
fn ndi_and_distance_100k(bencher: divan::Bencher) {
    let data = &*DATA;
    let all = Filter::default();
    bencher.bench(|| {
        let ndi = ndi_report(
            &data.items,
            &data.respondents,
            &all,
            NdiSelection::Latest,
            DEFAULT_K,
        );
        let distance = distance_report(&data.items, &data.respondents, &all, DEFAULT_K);
        divan::black_box((ndi, distance))
    });
}

/// The same with five answered occasions for every participant.
#[divan::bench(sample_count = 30)]
fn ndi_and_distance_100k_five_occasions_each(bencher: divan::Bencher) {
    let data = &*DATA;
    let all = Filter::default();
    bencher.bench(|| {
        let ndi = ndi_report(
            &data.items,
            &data.five_each,
            &all,
            NdiSelection::Latest,
            DEFAULT_K,
        );
        let distance = distance_report(&data.items, &data.five_each, &all, DEFAULT_K);
        divan::black_box((ndi, distance))
    });
}

/// The same for one programme, as the dashboard filters it.
#[divan::bench(sample_count = 30)]
fn ndi_and_distance_100k_one_programme(bencher: divan::Bencher) {
    let data = &*DATA;
    let filter = Filter {
        programme: Some("Insats 1".into()),
        ..Filter::default()
    };
    bencher.bench(|| {
        let ndi = ndi_report(
            &data.items,
            &data.respondents,
            &filter,
            NdiSelection::Latest,
            DEFAULT_K,
        );
        let distance = distance_report(&data.items, &data.respondents, &filter, DEFAULT_K);
        divan::black_box((ndi, distance))
    });
}

/// Exit outcomes for everyone.
#[divan::bench(sample_count = 30)]
fn outcomes_100k(bencher: divan::Bencher) {
    let data = &*DATA;
    let all = Filter::default();
    bencher.bench(|| divan::black_box(outcome_report(&data.respondents, &all, DEFAULT_K)));
}
