//! Distance travelled (*stegförflyttning*) per indicator: the share of
//! participants who improved, stayed the same or got worse, the mean change
//! and n, per gender; and the target-style figures evaluators report ("60 %
//! feel closer to the labour market").
//!
//! The rule (stated in every report as [`BASELINE_RULE`]) is the one the
//! participant's own journey uses ([`crate::progress::Indicator::change`]),
//! so the evaluator's figures and what people see about themselves agree:
//!
//! - Only answered readings count. "Vill inte svara", an option without a
//!   score and a missed occasion are gaps, never zero.
//! - The baseline is the first answered reading: the intake when it was
//!   answered, otherwise the earliest later answer. The comparison is the
//!   latest answered reading: the exit when it was answered, otherwise the
//!   latest follow-up. With a period by check-in date the latest reading
//!   must lie in the period; the baseline may lie before it.
//! - A participant needs two answered readings at different check-ins;
//!   with fewer they are left out of n.
//! - Change = latest − baseline in score points, with the sign flipped for
//!   items where a lower score is better, so a positive change is always an
//!   improvement.

use super::{
    gender_slot, split_shares, Cell, Filter, IntMeanAccumulator, ItemIndex, Mean, ReportBasis,
    Respondent, Share, Split,
};
use crate::instrument::Domain;
use serde::Serialize;

/// The comparison rule in words, for reports and exports.
pub const BASELINE_RULE: &str = "första besvarade mätningen (inskrivningen om den besvarats) \
     jämförs med den senaste besvarade (utskrivningen om den besvarats); \
     \"Vill inte svara\" och missade tillfällen hoppas över; minst två besvarade mätningar";

/// The domains behind the targets evaluators report, with the statement
/// "share who …" in Swedish: improved on an item of that domain.
pub const TARGETS: [(Domain, &str); 4] = [
    (
        Domain::ClosenessToWork,
        "Andel som känner sig närmare arbete eller studier",
    ),
    (
        Domain::Influence,
        "Andel som fått mer inflytande över sin planering",
    ),
    (Domain::Life, "Andel som fått bättre livskvalitet"),
    (
        Domain::Belief,
        "Andel som tror mer på sina chanser till arbete eller studier",
    ),
];

/// One group's distance travelled on one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistanceFigures {
    /// Participants with two answered readings.
    pub n: Cell,
    pub improved: Share,
    pub unchanged: Share,
    pub worse: Share,
    /// Mean change in score points (positive = better) with its t interval;
    /// `None` when n is hidden or zero.
    pub mean_change: Option<Mean>,
}

/// Distance travelled on one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorDistance {
    pub item_id: String,
    pub domain: Domain,
    pub higher_is_better: bool,
    pub figures: Split<DistanceFigures>,
}

/// A target-style figure: the share improved on an indicator of a domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetFigure<'a> {
    pub domain: Domain,
    /// "Andel som …", from [`TARGETS`].
    pub label: &'static str,
    /// The indicator; its `figures.*.improved` is the share.
    pub indicator: &'a IndicatorDistance,
}

/// The distance travelled report: every indicator of the instrument.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistanceReport {
    pub basis: ReportBasis,
    /// [`BASELINE_RULE`].
    pub rule: &'static str,
    /// In instrument order.
    pub indicators: Vec<IndicatorDistance>,
}

impl DistanceReport {
    /// The indicator with this item id.
    pub fn indicator(&self, item_id: &str) -> Option<&IndicatorDistance> {
        self.indicators.iter().find(|i| i.item_id == item_id)
    }

    /// The indicators of a domain, in instrument order.
    pub fn for_domain(&self, domain: Domain) -> impl Iterator<Item = &IndicatorDistance> {
        self.indicators.iter().filter(move |i| i.domain == domain)
    }

    /// The target-style figures: for each of [`TARGETS`], every indicator of
    /// that domain (the default instrument has one each; an instrument
    /// without the domain gives none).
    pub fn targets(&self) -> Vec<TargetFigure<'_>> {
        TARGETS
            .iter()
            .flat_map(|&(domain, label)| {
                self.for_domain(domain).map(move |indicator| TargetFigure {
                    domain,
                    label,
                    indicator,
                })
            })
            .collect()
    }
}

/// The participant's change on the item at `position` (positive = better),
/// or `None` when they are filtered out or have fewer than two answered
/// readings to compare.
pub fn respondent_change(
    items: &ItemIndex,
    respondent: &Respondent,
    position: usize,
    filter: &Filter,
) -> Option<i32> {
    if !filter.includes(respondent) {
        return None;
    }
    let higher_is_better = items.items().get(position)?.higher_is_better;
    change_at(respondent, position, higher_is_better, filter)
}

fn change_at(
    respondent: &Respondent,
    position: usize,
    higher_is_better: bool,
    filter: &Filter,
) -> Option<i32> {
    let mut first = None;
    let mut latest = None;
    for check_in in &respondent.check_ins {
        let Some(score) = check_in.score(position) else {
            continue;
        };
        let key = check_in.order_key();
        if first.is_none_or(|(k, _)| key < k) {
            first = Some((key, score));
        }
        if filter.counts_check_in(check_in) && latest.is_none_or(|(k, _)| key > k) {
            latest = Some((key, score));
        }
    }
    let ((first_key, baseline), (latest_key, last)) = (first?, latest?);
    if first_key >= latest_key {
        return None;
    }
    let change = last - baseline;
    Some(if higher_is_better { change } else { -change })
}

/// Running figures for one indicator: improved / unchanged / worse per
/// gender, and the change per gender and in total (slot 4).
#[derive(Debug, Clone, Default)]
struct Tally {
    counts: [[u64; 3]; 4],
    changes: [IntMeanAccumulator; 5],
}

/// Distance travelled on every indicator over the respondents that pass the
/// filter, split by gender, with counts below `k` hidden.
pub fn distance_report(
    items: &ItemIndex,
    respondents: &[Respondent],
    filter: &Filter,
    k: u32,
) -> DistanceReport {
    let indicators: Vec<(usize, bool)> = items
        .indicator_positions()
        .iter()
        .filter_map(|&p| items.items().get(p).map(|i| (p, i.higher_is_better)))
        .collect();
    let mut tallies = vec![Tally::default(); indicators.len()];
    for respondent in respondents {
        if !filter.includes(respondent) {
            continue;
        }
        let slot = gender_slot(respondent.gender);
        for (tally, &(position, higher_is_better)) in tallies.iter_mut().zip(&indicators) {
            let Some(change) = change_at(respondent, position, higher_is_better, filter) else {
                continue;
            };
            let direction = match change {
                c if c > 0 => 0,
                0 => 1,
                _ => 2,
            };
            tally.counts[slot][direction] += 1;
            tally.changes[slot].push(change);
            tally.changes[4].push(change);
        }
    }
    let indicators = indicators
        .iter()
        .zip(&tallies)
        .filter_map(|(&(position, _), tally)| {
            let item = items.items().get(position)?;
            let figures = split_shares(&tally.counts, k, |slot, n, shares| {
                let [improved, unchanged, worse] = [0, 1, 2].map(|i| shares[i]);
                DistanceFigures {
                    n,
                    improved,
                    unchanged,
                    worse,
                    mean_change: n
                        .shown()
                        .and_then(|_| tally.changes[slot.unwrap_or(4)].finish()),
                }
            });
            Some(IndicatorDistance {
                item_id: item.id.clone(),
                domain: item.domain,
                higher_is_better: item.higher_is_better,
                figures,
            })
        })
        .collect();
    DistanceReport {
        basis: ReportBasis::new(filter, k),
        rule: BASELINE_RULE,
        indicators,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::super::{CheckInScores, Period, PeriodBasis};
    use super::*;
    use crate::occasion::OccasionKind::{Exit, FollowUp};
    use crate::participant::Gender;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.0005
    }

    fn with(gender: Gender, check_ins: Vec<CheckInScores>) -> Respondent {
        let mut r = person(gender);
        r.check_ins = check_ins;
        r
    }

    fn change(r: &Respondent, item: &str) -> Option<i32> {
        let items = index();
        respondent_change(&items, r, items.position(item).unwrap(), &Filter::default())
    }

    #[test]
    fn reversed_items_count_a_lower_score_as_better() {
        // Worry 5 at intake, 2 at exit: three steps better.
        let r = with(
            Gender::Woman,
            vec![
                intake(date(2025, 1, 10), &[("oro", Some(5)), ("halsa", Some(2))]),
                check_in(
                    Exit,
                    0,
                    date(2025, 9, 1),
                    &[("oro", Some(2)), ("halsa", Some(4))],
                ),
            ],
        );
        assert_eq!(change(&r, "oro"), Some(3));
        assert_eq!(change(&r, "halsa"), Some(2));
    }

    /// The comparison is with the exit when it was answered, as the rule
    /// says, even when a follow-up is dated after the exit check-in.
    #[test]
    fn the_exit_is_the_latest_reading_whatever_the_dates() {
        let r = with(
            Gender::Man,
            vec![
                intake(date(2025, 1, 10), &[("halsa", Some(2))]),
                check_in(Exit, 0, date(2025, 6, 1), &[("halsa", Some(5))]),
                check_in(FollowUp, 2, date(2025, 6, 8), &[("halsa", Some(1))]),
            ],
        );
        assert_eq!(change(&r, "halsa"), Some(3));
    }

    #[test]
    fn gaps_are_skipped_never_read_as_zero() {
        let r = with(
            Gender::Woman,
            vec![
                // Intake: health declined, worry 4.
                intake(date(2025, 1, 10), &[("halsa", None), ("oro", Some(4))]),
                // Follow-up 1: health 2 (the first answer: the baseline).
                check_in(FollowUp, 1, date(2025, 4, 10), &[("halsa", Some(2))]),
                // Follow-up 2 missed: no check-in at all.
                // Exit: health 4, worry declined.
                check_in(
                    Exit,
                    0,
                    date(2025, 9, 1),
                    &[("halsa", Some(4)), ("oro", None)],
                ),
                // Follow-up 3 (listed out of order): worry 3.
                check_in(FollowUp, 3, date(2025, 8, 1), &[("oro", Some(3))]),
            ],
        );
        // Health: follow-up 1 (2) → exit (4) = +2.
        assert_eq!(change(&r, "halsa"), Some(2));
        // Worry: intake 4 → follow-up 3 (3), lower is better: +1.
        assert_eq!(change(&r, "oro"), Some(1));
        // Closeness to work never answered; one answer is not a change.
        assert_eq!(change(&r, "nara"), None);
        let once = with(
            Gender::Woman,
            vec![intake(date(2025, 1, 10), &[("nara", Some(3))])],
        );
        assert_eq!(change(&once, "nara"), None);
    }

    /// Five women and three men on `nara`, from intake to exit:
    /// women +2, +1, 0, −1, +2; men +1, +1, 0.
    fn group() -> Vec<Respondent> {
        let pairs = [
            (Gender::Woman, 2, 4),
            (Gender::Woman, 3, 4),
            (Gender::Woman, 3, 3),
            (Gender::Woman, 4, 3),
            (Gender::Woman, 1, 3),
            (Gender::Man, 2, 3),
            (Gender::Man, 1, 2),
            (Gender::Man, 5, 5),
        ];
        pairs
            .iter()
            .map(|&(gender, from, to)| {
                with(
                    gender,
                    vec![
                        intake(date(2025, 1, 10), &[("nara", Some(from))]),
                        check_in(Exit, 0, date(2025, 9, 1), &[("nara", Some(to))]),
                    ],
                )
            })
            .collect()
    }

    #[test]
    fn shares_and_mean_change_split_by_gender() {
        let report = distance_report(&index(), &group(), &Filter::default(), 0);
        let nara = report.indicator("nara").unwrap();
        assert_eq!(nara.domain, Domain::ClosenessToWork);

        // Total: 5 improved, 2 unchanged, 1 worse of 8.
        let total = &nara.figures.total;
        assert_eq!(total.n, Cell::Shown(8));
        assert_eq!(total.improved.count, Cell::Shown(5));
        assert_eq!(total.unchanged.count, Cell::Shown(2));
        assert_eq!(total.worse.count, Cell::Shown(1));
        assert!(close(total.improved.proportion.unwrap(), 0.625));
        // Wilson 5/8: centre (0.625 + 0.240091) / 1.480182 = 0.584447,
        // half 1.324119 · √(0.029297 + 0.015006) = 0.278690 → 0.3058–0.8631.
        let i = total.improved.interval.unwrap();
        assert!(close(i.low, 0.3058) && close(i.high, 0.8631));
        // Mean change 6 / 8 = 0.75; Σx² = 12, sd = √((12 − 8 · 0.5625) / 7)
        // = 1.035098, se = 0.365963, t(7) = 2.364624 → 0.75 ± 0.865372.
        let mean = total.mean_change.unwrap();
        assert!(close(mean.value, 0.75));
        assert!(close(mean.sd.unwrap(), 1.035098));
        let i = mean.interval.unwrap();
        assert!(close(i.low, -0.115372) && close(i.high, 1.615372));

        // Women: 3 improved, 1 unchanged, 1 worse; mean 4 / 5 = 0.8.
        let women = nara.figures.gender(Gender::Woman).unwrap();
        assert_eq!(women.n, Cell::Shown(5));
        assert_eq!(women.improved.count, Cell::Shown(3));
        assert!(close(women.mean_change.unwrap().value, 0.8));
        // Men: 2 improved, 1 unchanged; mean 2 / 3.
        let men = nara.figures.gender(Gender::Man).unwrap();
        assert_eq!(men.improved.count, Cell::Shown(2));
        assert_eq!(men.worse.count, Cell::Shown(0));
        assert!(close(men.mean_change.unwrap().value, 2.0 / 3.0));
        // Nobody else: zero, no share.
        let other = nara.figures.gender(Gender::Other).unwrap();
        assert_eq!(other.n, Cell::Shown(0));
        assert_eq!(other.improved.proportion, None);
    }

    #[test]
    fn small_counts_are_hidden_with_their_complements() {
        let report = distance_report(&index(), &group(), &Filter::default(), 3);
        let nara = report.indicator("nara").unwrap();
        // Men: n = 3 is shown, but 2, 1 and 0 are all below 3.
        let men = nara.figures.gender(Gender::Man).unwrap();
        assert_eq!(men.n, Cell::Shown(3));
        assert_eq!(men.improved.count, Cell::Small);
        assert_eq!(men.improved.proportion, None);
        assert!(men.mean_change.is_some());
        // Women: 3 improved is shown; 1 and 1 protect each other.
        let women = nara.figures.gender(Gender::Woman).unwrap();
        assert_eq!(women.improved.count, Cell::Shown(3));
        assert_eq!(women.unchanged.count, Cell::Small);
        assert_eq!(women.worse.count, Cell::Small);
        // Total: 5 improved; 2 and 1 are small.
        let total = &nara.figures.total;
        assert_eq!(total.improved.count, Cell::Shown(5));
        assert_eq!(total.worse.count, Cell::Small);
    }

    #[test]
    fn target_figures_are_found_by_domain() {
        let report = distance_report(&index(), &group(), &Filter::default(), 0);
        let targets = report.targets();
        let domains: Vec<Domain> = targets.iter().map(|t| t.domain).collect();
        // The test instrument has no Belief item.
        assert_eq!(
            domains,
            vec![Domain::ClosenessToWork, Domain::Influence, Domain::Life]
        );
        assert_eq!(targets[0].indicator.item_id, "nara");
        assert_eq!(
            targets[0].indicator.figures.total.improved.count,
            Cell::Shown(5)
        );
        // Nobody answered influence twice.
        assert_eq!(targets[1].indicator.figures.total.n, Cell::Shown(0));
        assert_eq!(report.for_domain(Domain::Health).count(), 2);
        assert_eq!(report.rule, BASELINE_RULE);
    }

    #[test]
    fn a_check_in_period_picks_the_latest_reading_in_it() {
        let r = with(
            Gender::Man,
            vec![
                intake(date(2025, 1, 10), &[("nara", Some(1))]),
                check_in(FollowUp, 1, date(2025, 4, 10), &[("nara", Some(3))]),
                check_in(Exit, 0, date(2025, 9, 1), &[("nara", Some(2))]),
            ],
        );
        let items = index();
        let p = items.position("nara").unwrap();
        let period = |from, to| Filter {
            period: Some(Period {
                basis: PeriodBasis::CheckInDate,
                from,
                to,
            }),
            ..Filter::default()
        };
        // Spring: intake 1 → follow-up 1 (3).
        let spring = period(date(2025, 4, 1), date(2025, 6, 30));
        assert_eq!(respondent_change(&items, &r, p, &spring), Some(2));
        // Autumn: intake 1 → exit 2.
        let autumn = period(date(2025, 7, 1), date(2025, 12, 31));
        assert_eq!(respondent_change(&items, &r, p, &autumn), Some(1));
        // January holds only the intake: nothing to compare it with.
        let january = period(date(2025, 1, 1), date(2025, 1, 31));
        assert_eq!(respondent_change(&items, &r, p, &january), None);
    }
}
