//! Exit outcomes: where participants went on leaving (work, studies, job
//! seeking, another programme, sick leave or sickness compensation, other),
//! as shares of those who left, per gender.
//!
//! n is the participants with a recorded exit that pass the filter; people
//! still in the programme are not in it. With a period by check-in date the
//! exit date must lie in the period ("who left this quarter, and where to");
//! with a period by intake date the start date must, and the exit may come
//! later.

use super::{gender_slot, split_shares, Cell, Filter, ReportBasis, Respondent, Share, Split};
use crate::participant::ExitOutcome;
use serde::Serialize;

/// The share of a group with one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OutcomeShare {
    pub outcome: ExitOutcome,
    pub share: Share,
}

/// One group's exit outcomes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeFigures {
    /// Participants who left.
    pub n: Cell,
    /// One share per outcome, in [`ExitOutcome::ALL`] order.
    pub outcomes: Vec<OutcomeShare>,
}

/// The exit outcome report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeReport {
    pub basis: ReportBasis,
    pub figures: Split<OutcomeFigures>,
}

fn outcome_slot(outcome: ExitOutcome) -> usize {
    ExitOutcome::ALL
        .iter()
        .position(|&o| o == outcome)
        .unwrap_or(ExitOutcome::ALL.len() - 1)
}

/// Exit outcomes of the respondents that pass the filter, split by gender,
/// with counts below `k` hidden.
pub fn outcome_report(respondents: &[Respondent], filter: &Filter, k: u32) -> OutcomeReport {
    let mut counts = [[0_u64; ExitOutcome::ALL.len()]; 4];
    for respondent in respondents {
        let Some((date, outcome)) = respondent.exit else {
            continue;
        };
        if filter.includes(respondent) && filter.counts_date(date) {
            counts[gender_slot(respondent.gender)][outcome_slot(outcome)] += 1;
        }
    }
    let figures = split_shares(&counts, k, |_, n, shares| OutcomeFigures {
        n,
        outcomes: ExitOutcome::ALL
            .iter()
            .zip(shares)
            .map(|(&outcome, share)| OutcomeShare { outcome, share })
            .collect(),
    });
    OutcomeReport {
        basis: ReportBasis::new(filter, k),
        figures,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::super::{Period, PeriodBasis};
    use super::*;
    use crate::participant::{Gender, Referral};
    use ExitOutcome::*;

    fn leaver(gender: Gender, on: (i32, u32, u32), outcome: ExitOutcome) -> Respondent {
        let mut r = person(gender);
        r.exit = Some((date(on.0, on.1, on.2), outcome));
        r
    }

    fn people() -> Vec<Respondent> {
        let mut people = vec![
            leaver(Gender::Woman, (2025, 3, 1), Work),
            leaver(Gender::Woman, (2025, 3, 2), Work),
            leaver(Gender::Woman, (2025, 8, 1), Studies),
            leaver(Gender::Woman, (2025, 8, 2), SickLeave),
            leaver(Gender::Man, (2025, 8, 3), Work),
            leaver(Gender::Man, (2025, 8, 4), JobSeeking),
        ];
        // Still taking part: not in n.
        people.push(person(Gender::Woman));
        people[5].referral = Some(Referral::Arbetsformedlingen);
        people
    }

    fn count(figures: &OutcomeFigures, outcome: ExitOutcome) -> Cell {
        figures.outcomes[outcome_slot(outcome)].share.count
    }

    #[test]
    fn shares_of_those_who_left_by_gender() {
        let report = outcome_report(&people(), &Filter::default(), 0);
        let total = &report.figures.total;
        assert_eq!(total.n, Cell::Shown(6));
        assert_eq!(count(total, Work), Cell::Shown(3));
        assert_eq!(count(total, OtherProgramme), Cell::Shown(0));
        let work = total.outcomes[0].share;
        assert_eq!(total.outcomes[0].outcome, Work);
        assert!((work.proportion.unwrap() - 0.5).abs() < 1e-12);
        // Wilson 3/6: 0.1876–0.8124.
        let i = work.interval.unwrap();
        assert!((i.low - 0.1876).abs() < 0.0001 && (i.high - 0.8124).abs() < 0.0001);
        let women = report.figures.gender(Gender::Woman).unwrap();
        assert_eq!(women.n, Cell::Shown(4));
        assert_eq!(count(women, Work), Cell::Shown(2));
        let men = report.figures.gender(Gender::Man).unwrap();
        assert_eq!(count(men, JobSeeking), Cell::Shown(1));
        assert_eq!(men.outcomes.len(), ExitOutcome::ALL.len());
    }

    #[test]
    fn filters_apply_to_exits() {
        // Exits dated in August.
        let august = Filter {
            period: Some(Period {
                basis: PeriodBasis::CheckInDate,
                from: date(2025, 8, 1),
                to: date(2025, 8, 31),
            }),
            ..Filter::default()
        };
        let report = outcome_report(&people(), &august, 0);
        assert_eq!(report.figures.total.n, Cell::Shown(4));
        assert_eq!(count(&report.figures.total, Work), Cell::Shown(1));
        assert_eq!(
            report.basis.period_rule,
            Some(PeriodBasis::CheckInDate.description())
        );
        // Referred by the employment service: one man.
        let af = Filter {
            referral: Some(Referral::Arbetsformedlingen),
            ..Filter::default()
        };
        let report = outcome_report(&people(), &af, 0);
        assert_eq!(report.figures.total.n, Cell::Shown(1));
        // With k = 5 the same figure is hidden.
        let report = outcome_report(&people(), &af, 5);
        assert_eq!(report.figures.total.n, Cell::Small);
        assert!(report
            .figures
            .total
            .outcomes
            .iter()
            .all(|o| o.share.count.is_hidden() && o.share.proportion.is_none()));
    }
}
