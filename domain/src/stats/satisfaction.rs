//! NöjdDeltagarIndex aggregates: the mean index with n and a 95 % t
//! interval, and the share in each band, per gender.
//!
//! The respondent index is [`crate::ndi`]'s (equal weights, at least two of
//! the three items answered); this module only decides which of a
//! respondent's check-ins counts and adds the respondents up. Each respondent
//! counts once, so a person with four follow-ups does not weigh four times
//! as much as one who answered once:
//!
//! - [`NdiSelection::Latest`]: the latest check-in (in the period, when the
//!   period is by check-in date) that gives an index, whatever its kind:
//!   the exit when it was answered, otherwise the latest follow-up. A later
//!   check-in where the NDI items were declined does not erase an earlier
//!   answer.
//! - [`NdiSelection::Occasion`]: the same, among check-ins of one kind only
//!   ("NDI at exit").

use super::{
    gender_slot, split_shares, Cell, CheckInScores, Filter, ItemIndex, Mean, MeanAccumulator,
    ReportBasis, Respondent, Share, Split,
};
use crate::ndi;
use crate::occasion::OccasionKind;
use serde::Serialize;

/// Which check-in of a respondent counts for the NDI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NdiSelection {
    /// The latest check-in that gives an index.
    Latest,
    /// The latest check-in of this kind that gives an index.
    Occasion(OccasionKind),
}

impl NdiSelection {
    /// The rule in words, for reports and exports.
    pub fn description(self) -> &'static str {
        match self {
            Self::Latest => {
                "varje deltagare en gång: den senaste mätningen med index \
                 (utskrivningen om den besvarats, annars senaste uppföljningen)"
            }
            Self::Occasion(OccasionKind::Intake) => {
                "varje deltagare en gång: inskrivningen, om den gav index"
            }
            Self::Occasion(OccasionKind::FollowUp) => {
                "varje deltagare en gång: den senaste uppföljningen med index"
            }
            Self::Occasion(OccasionKind::Exit) => {
                "varje deltagare en gång: utskrivningen, om den gav index"
            }
        }
    }
}

/// The usual NDI bands. Boundaries belong to the higher band: 40–54 means
/// 40 ≤ index < 55.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NdiBand {
    /// Below 40: poor.
    Under40,
    /// 40 up to 55.
    From40To54,
    /// 55 up to 75: satisfied.
    From55To74,
    /// 75 and above: very satisfied.
    From75,
}

impl NdiBand {
    /// Every band, lowest first.
    pub const ALL: [NdiBand; 4] = [
        Self::Under40,
        Self::From40To54,
        Self::From55To74,
        Self::From75,
    ];

    /// The band of an index.
    pub fn of(index: f64) -> Self {
        // A mean of at most three 1–10 answers never lands within 10⁻⁹ of a
        // boundary unless it is on it; the margin absorbs rounding there.
        const EPSILON: f64 = 1e-9;
        if index < 40.0 - EPSILON {
            Self::Under40
        } else if index < 55.0 - EPSILON {
            Self::From40To54
        } else if index < 75.0 - EPSILON {
            Self::From55To74
        } else {
            Self::From75
        }
    }

    /// The label for tables and exports.
    pub fn label(self) -> &'static str {
        match self {
            Self::Under40 => "under 40",
            Self::From40To54 => "40–54",
            Self::From55To74 => "55–74",
            Self::From75 => "75 och över",
        }
    }

    fn slot(self) -> usize {
        match self {
            Self::Under40 => 0,
            Self::From40To54 => 1,
            Self::From55To74 => 2,
            Self::From75 => 3,
        }
    }
}

/// The share of a group in one band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BandShare {
    pub band: NdiBand,
    pub share: Share,
}

/// One group's NDI figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NdiFigures {
    /// Respondents with an index.
    pub n: Cell,
    /// The mean index (0–100) with its t interval, clipped to 0–100; `None`
    /// when n is hidden or zero.
    pub mean: Option<Mean>,
    /// One share per band, in [`NdiBand::ALL`] order.
    pub bands: Vec<BandShare>,
}

/// The NDI report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NdiReport {
    pub basis: ReportBasis,
    pub selection: NdiSelection,
    /// [`NdiSelection::description`].
    pub selection_rule: &'static str,
    /// [`ndi::WEIGHTING`].
    pub weighting: &'static str,
    pub figures: Split<NdiFigures>,
}

/// The index of one check-in ([`ndi::respondent_index`] over its NDI items).
fn check_in_index(items: &ItemIndex, check_in: &CheckInScores) -> Option<f64> {
    let positions = items.ndi_positions();
    let mut buffer = [0_i32; 16];
    if positions.len() <= buffer.len() {
        let mut answered = 0;
        for score in positions.iter().filter_map(|&p| check_in.score(p)) {
            buffer[answered] = score;
            answered += 1;
        }
        ndi::respondent_index(&buffer[..answered])
    } else {
        let scores: Vec<i32> = positions
            .iter()
            .filter_map(|&p| check_in.score(p))
            .collect();
        ndi::respondent_index(&scores)
    }
}

/// The respondent's index under the selection rule, with the check-in it
/// came from; `None` when the respondent is filtered out or has no index.
pub fn respondent_ndi<'r>(
    items: &ItemIndex,
    respondent: &'r Respondent,
    filter: &Filter,
    selection: NdiSelection,
) -> Option<(f64, &'r CheckInScores)> {
    if !filter.includes(respondent) {
        return None;
    }
    selected_index(items, respondent, filter, selection)
}

fn selected_index<'r>(
    items: &ItemIndex,
    respondent: &'r Respondent,
    filter: &Filter,
    selection: NdiSelection,
) -> Option<(f64, &'r CheckInScores)> {
    let mut best: Option<(f64, &CheckInScores)> = None;
    for check_in in &respondent.check_ins {
        let kind_matches = match selection {
            NdiSelection::Latest => true,
            NdiSelection::Occasion(kind) => check_in.kind == kind,
        };
        if !kind_matches || !filter.counts_check_in(check_in) {
            continue;
        }
        if best.is_some_and(|(_, b)| b.order_key() >= check_in.order_key()) {
            continue;
        }
        if let Some(index) = check_in_index(items, check_in) {
            best = Some((index, check_in));
        }
    }
    best
}

/// NDI aggregates over the respondents that pass the filter, split by
/// gender, with counts below `k` hidden.
pub fn ndi_report(
    items: &ItemIndex,
    respondents: &[Respondent],
    filter: &Filter,
    selection: NdiSelection,
    k: u32,
) -> NdiReport {
    let mut counts = [[0_u64; 4]; 4];
    let mut means = [MeanAccumulator::default(); 5];
    for respondent in respondents {
        if !filter.includes(respondent) {
            continue;
        }
        let Some((index, _)) = selected_index(items, respondent, filter, selection) else {
            continue;
        };
        let slot = gender_slot(respondent.gender);
        counts[slot][NdiBand::of(index).slot()] += 1;
        means[slot].push(index);
        means[4].push(index);
    }
    let figures = split_shares(&counts, k, |slot, n, shares| NdiFigures {
        n,
        mean: n
            .shown()
            .and_then(|_| means[slot.unwrap_or(4)].finish(Some((0.0, 100.0)))),
        bands: NdiBand::ALL
            .iter()
            .zip(shares)
            .map(|(&band, share)| BandShare { band, share })
            .collect(),
    });
    NdiReport {
        basis: ReportBasis::new(filter, k),
        selection,
        selection_rule: selection.description(),
        weighting: ndi::WEIGHTING,
        figures,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::super::{Period, PeriodBasis};
    use super::*;
    use crate::participant::Gender;
    use OccasionKind::{Exit, FollowUp, Intake};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.001
    }

    /// A respondent whose only check-in is an exit with these NDI answers.
    fn rated(gender: Gender, answers: [Option<i32>; 3]) -> Respondent {
        let mut r = person(gender);
        r.check_ins
            .push(ndi_check_in(Exit, 0, date(2025, 6, 1), answers));
        r
    }

    fn report(people: &[Respondent], k: u32) -> NdiReport {
        ndi_report(
            &index(),
            people,
            &Filter::default(),
            NdiSelection::Latest,
            k,
        )
    }

    #[test]
    fn the_mean_index_reproduces_scbs_published_pairs() {
        // Mean answer 7.5: one respondent all 7s (66.667), one all 8s (77.778)
        // → mean index 72.222 = (7.5 − 1) / 9 × 100.
        let people = [
            rated(Gender::Woman, [Some(7); 3]),
            rated(Gender::Woman, [Some(8); 3]),
        ];
        let total = report(&people, 0).figures.total;
        assert_eq!(total.n, Cell::Shown(2));
        assert!(close(total.mean.unwrap().value, 72.222));

        // Mean answer 8.7: seven respondents all 9s (88.889) and three all 8s
        // (77.778) → 85.556. Deviations +3.333 (×7) and −7.778 (×3): sum of
        // squares 259.259, sd = √(259.259 / 9) = 5.3672, se = 1.69726,
        // t(9) = 2.262157, half-width 3.8395 → 81.716–89.395.
        let mut people: Vec<Respondent> =
            (0..7).map(|_| rated(Gender::Woman, [Some(9); 3])).collect();
        people.extend((0..3).map(|_| rated(Gender::Man, [Some(8); 3])));
        let total = report(&people, 0).figures.total;
        let mean = total.mean.unwrap();
        assert!(close(mean.value, 85.556));
        assert!(close(mean.sd.unwrap(), 5.3672));
        let interval = mean.interval.unwrap();
        assert!(close(interval.low, 81.716) && close(interval.high, 89.395));
    }

    #[test]
    fn declined_items_follow_the_two_of_three_rule() {
        let people = [
            // 4, 4, 4 → 33.33: under 40.
            rated(Gender::Woman, [Some(4), Some(4), Some(4)]),
            // 5, 6 and declined → 5.5 → 50: 40–54.
            rated(Gender::Woman, [Some(5), None, Some(6)]),
            // 7, 7, 7 → 66.67: 55–74.
            rated(Gender::Woman, [Some(7), Some(7), Some(7)]),
            // 9, 8 and declined → 8.5 → 83.33: 75 and over.
            rated(Gender::Woman, [None, Some(9), Some(8)]),
            // 10, 10, 10 → 100: 75 and over.
            rated(Gender::Woman, [Some(10); 3]),
            // Only one answered: no index, not in n.
            rated(Gender::Woman, [Some(2), None, None]),
        ];
        let total = report(&people, 0).figures.total;
        assert_eq!(total.n, Cell::Shown(5));
        // (33.333 + 50 + 66.667 + 83.333 + 100) / 5 = 66.667
        assert!(close(total.mean.unwrap().value, 66.667));
        let counts: Vec<Cell> = total.bands.iter().map(|b| b.share.count).collect();
        assert_eq!(
            counts,
            vec![
                Cell::Shown(1),
                Cell::Shown(1),
                Cell::Shown(1),
                Cell::Shown(2)
            ]
        );
        let top = total.bands[3].share;
        assert!(close(top.proportion.unwrap(), 0.4));
        // Wilson 2/5: 0.1176–0.7693.
        let i = top.interval.unwrap();
        assert!(close(i.low, 0.1176) && close(i.high, 0.7693));
    }

    #[test]
    fn band_edges_belong_to_the_higher_band() {
        assert_eq!(NdiBand::of(39.99), NdiBand::Under40);
        assert_eq!(NdiBand::of(40.0), NdiBand::From40To54);
        assert_eq!(NdiBand::of(54.99), NdiBand::From40To54);
        assert_eq!(NdiBand::of(55.0), NdiBand::From55To74);
        assert_eq!(NdiBand::of(74.99), NdiBand::From55To74);
        assert_eq!(NdiBand::of(75.0), NdiBand::From75);
        assert_eq!(NdiBand::of(100.0), NdiBand::From75);
    }

    /// The stated rule takes the exit when it gave an index, even when a
    /// follow-up is dated after it (data the app never makes, but an import
    /// or a corrected date can hold): taking the latest by date alone gave
    /// another figure than the rule the export states.
    #[test]
    fn the_exit_counts_before_a_follow_up_dated_after_it() {
        let mut r = person(Gender::Woman);
        r.check_ins = vec![
            intake(date(2025, 1, 10), &[]),
            // Exit: 9, 9, 9.
            ndi_check_in(Exit, 0, date(2025, 6, 1), [Some(9); 3]),
            // Follow-up 2 dated a week after the exit: 3, 3, 3.
            ndi_check_in(FollowUp, 2, date(2025, 6, 8), [Some(3); 3]),
        ];
        let items = index();
        let all = Filter::default();
        let (index_value, from) = respondent_ndi(&items, &r, &all, NdiSelection::Latest).unwrap();
        assert_eq!(from.kind, Exit);
        assert!(close(index_value, 88.889), "{index_value}");
        let report = ndi_report(&items, &[r], &all, NdiSelection::Latest, 0);
        assert!(report
            .figures
            .total
            .mean
            .is_some_and(|m| close(m.value, 88.889)));
    }

    #[test]
    fn the_latest_check_in_with_an_index_counts_once() {
        let mut r = person(Gender::Man);
        r.check_ins = vec![
            intake(date(2025, 1, 10), &[]),
            // Follow-up 1: 4, 4, 4 → 33.33.
            ndi_check_in(FollowUp, 1, date(2025, 4, 10), [Some(4); 3]),
            // Follow-up 2: 7, 7, 7 → 66.67.
            ndi_check_in(FollowUp, 2, date(2025, 7, 10), [Some(7); 3]),
            // Exit: two declined, no index.
            ndi_check_in(Exit, 0, date(2025, 9, 1), [Some(10), None, None]),
        ];
        let items = index();
        let all = Filter::default();
        let latest = respondent_ndi(&items, &r, &all, NdiSelection::Latest).unwrap();
        assert!(close(latest.0, 66.667));
        assert_eq!((latest.1.kind, latest.1.number), (FollowUp, 2));
        assert_eq!(
            respondent_ndi(&items, &r, &all, NdiSelection::Occasion(Exit)),
            None
        );
        assert_eq!(
            respondent_ndi(&items, &r, &all, NdiSelection::Occasion(Intake)),
            None
        );
        // By check-in date, a period holding only follow-up 1 picks it.
        let spring = Filter {
            period: Some(Period {
                basis: PeriodBasis::CheckInDate,
                from: date(2025, 4, 1),
                to: date(2025, 6, 30),
            }),
            ..Filter::default()
        };
        let picked = respondent_ndi(&items, &r, &spring, NdiSelection::Latest).unwrap();
        assert_eq!((picked.1.kind, picked.1.number), (FollowUp, 1));
        // One respondent, one count.
        let report = ndi_report(&items, &[r], &all, NdiSelection::Latest, 0);
        assert_eq!(report.figures.total.n, Cell::Shown(1));
        assert_eq!(report.weighting, ndi::WEIGHTING);
    }

    #[test]
    fn figures_are_split_by_gender_and_small_groups_hidden() {
        // Six women all 9s (88.889), five men all 6s (55.556), one person of
        // another gender all 1s (0).
        let mut people: Vec<Respondent> =
            (0..6).map(|_| rated(Gender::Woman, [Some(9); 3])).collect();
        people.extend((0..5).map(|_| rated(Gender::Man, [Some(6); 3])));
        people.push(rated(Gender::Other, [Some(1); 3]));

        // Unprotected (k = 0): each gender's own mean.
        let open = report(&people, 0).figures;
        assert_eq!(open.by_gender.len(), 4);
        assert!(close(
            open.gender(Gender::Woman).unwrap().mean.unwrap().value,
            88.889
        ));
        assert!(close(
            open.gender(Gender::Man).unwrap().mean.unwrap().value,
            55.556
        ));
        assert_eq!(open.gender(Gender::Other).unwrap().n, Cell::Shown(1));
        assert_eq!(open.gender(Gender::Undisclosed).unwrap().n, Cell::Shown(0));
        assert_eq!(open.gender(Gender::Undisclosed).unwrap().mean, None);
        // (6 × 88.889 + 5 × 55.556 + 0) / 12 = 67.593
        assert!(close(open.total.mean.unwrap().value, 67.593));

        // k = 5: the single person is hidden, and so are the men, or the
        // total minus the women and men would give that person's index.
        let safe = report(&people, 5).figures;
        let other = safe.gender(Gender::Other).unwrap();
        assert_eq!((other.n, other.mean), (Cell::Small, None));
        let men = safe.gender(Gender::Man).unwrap();
        assert_eq!((men.n, men.mean), (Cell::Complementary, None));
        assert!(men.bands.iter().all(|b| b.share.proportion.is_none()));
        assert_eq!(safe.gender(Gender::Woman).unwrap().n, Cell::Shown(6));
        assert_eq!(safe.total.n, Cell::Shown(12));
    }
}
