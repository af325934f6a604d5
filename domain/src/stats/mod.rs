//! Evaluator statistics: NöjdDeltagarIndex aggregates, distance travelled per
//! indicator and exit outcomes, always split by gender, filtered by
//! programme, period, age band, referral and municipality, and protected
//! against small cells.
//!
//! Evaluators report these figures to boards and to the ESF; what they export
//! must be right, split by gender (*könsuppdelad statistik*) and unable to
//! single anyone out. The rules live here as pure functions over plain data
//! ([`Respondent`], [`CheckInScores`], [`ItemIndex`]) so that the dashboard,
//! the exports and the command line show the same numbers, and plain tests
//! pin them down with hand-computed values.
//!
//! Every report carries a [`ReportBasis`]: the filter, how the period was
//! applied, the small-cell threshold k and the interval methods, so an
//! exported figure always states what it is. Shares are proportions (0–1)
//! with Wilson 95 % intervals; means have t intervals. A hidden count hides
//! the share and interval computed from it; a hidden group n hides every
//! figure of that group, means included.

mod distance;
mod filter;
#[cfg(test)]
mod fixture;
mod input;
mod interval;
mod outcomes;
mod satisfaction;
mod suppress;

pub use distance::{
    distance_report, respondent_change, DistanceFigures, DistanceReport, IndicatorDistance,
    TargetFigure, BASELINE_RULE, TARGETS,
};
pub use filter::{AgeBand, AgeFilter, AgeReference, Filter, Period, PeriodBasis};
pub use input::{CheckInScores, IndexedItem, ItemIndex, Respondent};
pub use interval::{
    t_975, wilson, IntMeanAccumulator, Interval, Mean, MeanAccumulator, MEAN_INTERVAL_METHOD,
    SHARE_INTERVAL_METHOD, Z_95,
};
pub use outcomes::{outcome_report, OutcomeFigures, OutcomeReport, OutcomeShare};
pub use satisfaction::{
    ndi_report, respondent_ndi, BandShare, NdiBand, NdiFigures, NdiReport, NdiSelection,
};
pub use suppress::{
    protect_fixed, protect_row, protect_table, Cell, ProtectedRow, ProtectedTable,
    SuppressionError, DEFAULT_K,
};

use crate::participant::Gender;
use serde::Serialize;

/// One figure (or set of figures) for everyone and for each gender.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Split<T> {
    /// Everyone who passed the filter.
    pub total: T,
    /// One row per gender, always all of them, in [`Gender::ALL`] order.
    pub by_gender: Vec<GenderRow<T>>,
}

impl<T> Split<T> {
    /// The figures of one gender.
    pub fn gender(&self, gender: Gender) -> Option<&T> {
        self.by_gender
            .iter()
            .find(|r| r.gender == gender)
            .map(|r| &r.figures)
    }
}

/// One gender's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GenderRow<T> {
    pub gender: Gender,
    pub figures: T,
}

/// What a report was computed over and how, stated in every export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportBasis {
    pub filter: Filter,
    /// How the period was applied, when there is one.
    pub period_rule: Option<&'static str>,
    /// Small-cell threshold: counts below it are hidden.
    pub k: u32,
    pub share_interval: &'static str,
    pub mean_interval: &'static str,
}

impl ReportBasis {
    fn new(filter: &Filter, k: u32) -> Self {
        Self {
            filter: filter.clone(),
            period_rule: filter.period.map(|p| p.basis.description()),
            k,
            share_interval: SHARE_INTERVAL_METHOD,
            mean_interval: MEAN_INTERVAL_METHOD,
        }
    }
}

/// A share of a group: the count, the proportion (0–1) and its Wilson
/// interval. Proportion and interval are `None` when the count or the
/// group's n is hidden, or n is zero.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Share {
    pub count: Cell,
    pub proportion: Option<f64>,
    pub interval: Option<Interval>,
}

impl Share {
    fn new(count: Cell, n: Cell) -> Self {
        match (count, n) {
            (Cell::Shown(x), Cell::Shown(n)) if n > 0 => Self {
                count,
                proportion: Some(x as f64 / n as f64),
                interval: wilson(x, n),
            },
            _ => Self {
                count,
                proportion: None,
                interval: None,
            },
        }
    }
}

/// The position of a gender in [`Gender::ALL`], for per-gender arrays.
fn gender_slot(gender: Gender) -> usize {
    match gender {
        Gender::Woman => 0,
        Gender::Man => 1,
        Gender::Other => 2,
        Gender::Undisclosed => 3,
    }
}

/// Counts per gender and category, protected, as the group n and one share
/// per category, for the total and each gender. `make` builds the figures
/// of one group from its n, its shares and its slot (`None` for the total).
fn split_shares<const C: usize, T>(
    counts: &[[u64; C]; 4],
    k: u32,
    mut make: impl FnMut(Option<usize>, Cell, Vec<Share>) -> T,
) -> Split<T> {
    let table = protect_fixed(counts, k);
    let mut figures = |slot: Option<usize>, row: &ProtectedRow| {
        let shares = row
            .cells
            .iter()
            .map(|&c| Share::new(c, row.total))
            .collect();
        make(slot, row.total, shares)
    };
    let total = figures(None, &table.total);
    let by_gender = Gender::ALL
        .iter()
        .zip(&table.groups)
        .enumerate()
        .map(|(slot, (&gender, row))| GenderRow {
            gender,
            figures: figures(Some(slot), row),
        })
        .collect();
    Split { total, by_gender }
}

#[cfg(test)]
mod tests {
    use super::fixture::*;
    use super::*;
    use crate::occasion::OccasionKind;
    use crate::participant::Referral;

    /// Three people with the same answers (NDI 7, 7, 7 at exit; closeness to
    /// work 2 → 4) who differ in one fact each from the fixture's person.
    fn people() -> Vec<Respondent> {
        let answered = |mut r: Respondent| {
            let exit = r.start_date + chrono::Days::new(200);
            r.check_ins = vec![
                intake(r.start_date, &[("nara", Some(2))]),
                check_in(
                    OccasionKind::Exit,
                    0,
                    exit,
                    &[
                        ("nara", Some(4)),
                        ("n1", Some(7)),
                        ("n2", Some(7)),
                        ("n3", Some(7)),
                    ],
                ),
            ];
            r
        };
        // Woman in Steget, born 1985, kommun, Haninge, started 2025-01-10.
        let a = answered(person(Gender::Woman));
        // Man in another programme, referred by AF, living in Tyresö, born 2003.
        let mut b = person(Gender::Man);
        b.programme = "Vidare".into();
        b.referral = Some(Referral::Arbetsformedlingen);
        b.municipality = Some("Tyresö".into());
        b.birth_year = Some(2003);
        let b = answered(b);
        // Anonymous woman who started in 2024 (her other facts are ignored).
        let mut c = person(Gender::Woman);
        c.anonymous = true;
        c.start_date = date(2024, 3, 1);
        let c = answered(c);
        vec![a, b, c]
    }

    fn ns(filter: &Filter) -> (Cell, Cell) {
        let items = index();
        let ndi = ndi_report(&items, &people(), filter, NdiSelection::Latest, 0);
        let distance = distance_report(&items, &people(), filter, 0);
        let nara = distance.indicator("nara").map(|i| i.figures.total.n);
        (ndi.figures.total.n, nara.unwrap_or(Cell::Small))
    }

    fn both(n: u64) -> (Cell, Cell) {
        (Cell::Shown(n), Cell::Shown(n))
    }

    #[test]
    fn every_filter_narrows_every_report() {
        assert_eq!(ns(&Filter::default()), both(3));
        fn with(f: impl FnOnce(&mut Filter)) -> (Cell, Cell) {
            let mut filter = Filter::default();
            f(&mut filter);
            ns(&filter)
        }
        assert_eq!(with(|f| f.programme = Some("Vidare".into())), both(1));
        assert_eq!(with(|f| f.programme = Some("Steget".into())), both(2));
        assert_eq!(with(|f| f.referral = Some(Referral::Kommun)), both(1));
        assert_eq!(with(|f| f.municipality = Some("Tyresö".into())), both(1));
        // Age at intake 2025: 40 (35–44) and 22 (18–24); the anonymous
        // woman has no age band and is never included.
        let age = |band| AgeFilter {
            band,
            reference: AgeReference::AtIntake,
        };
        assert_eq!(with(|f| f.age = Some(age(AgeBand::From35To44))), both(1));
        assert_eq!(with(|f| f.age = Some(age(AgeBand::From18To24))), both(1));
        assert_eq!(with(|f| f.age = Some(age(AgeBand::From45To54))), both(0));
        // Started in 2024: the anonymous woman only.
        assert_eq!(
            with(|f| f.period = Some(Period {
                basis: PeriodBasis::IntakeDate,
                from: date(2024, 1, 1),
                to: date(2024, 12, 31),
            })),
            both(1)
        );
        // Check-ins in 2025: the two 2025 starters exit 2025-07-29; the
        // anonymous woman exited 2024-09-17, outside.
        assert_eq!(
            with(|f| f.period = Some(Period {
                basis: PeriodBasis::CheckInDate,
                from: date(2025, 1, 1),
                to: date(2025, 12, 31),
            })),
            both(2)
        );
    }

    #[test]
    fn reports_state_their_basis() {
        let filter = Filter {
            period: Some(Period {
                basis: PeriodBasis::IntakeDate,
                from: date(2025, 1, 1),
                to: date(2025, 6, 30),
            }),
            ..Filter::default()
        };
        let report = ndi_report(&index(), &people(), &filter, NdiSelection::Latest, 7);
        assert_eq!(report.basis.k, 7);
        assert_eq!(report.basis.filter, filter);
        assert_eq!(
            report.basis.period_rule,
            Some("deltagare med startdatum i perioden")
        );
        assert_eq!(report.basis.share_interval, SHARE_INTERVAL_METHOD);
        assert_eq!(report.basis.mean_interval, MEAN_INTERVAL_METHOD);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["weighting"], crate::ndi::WEIGHTING);
        assert_eq!(json["figures"]["total"]["n"], serde_json::json!("small"));
        assert_eq!(json["figures"]["by_gender"][0]["gender"], "kvinna");
    }
}
