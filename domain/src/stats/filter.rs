//! Which respondents and check-ins a report covers: programme, period (by
//! intake date or by check-in date), age band, referring organisation and
//! municipality.
//!
//! Evaluators report per programme and period, and a figure is only
//! comparable with another when both state how the period was applied, so
//! the filter is plain data that every report carries with it.

use super::input::{CheckInScores, Respondent};
use crate::participant::Referral;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a period is applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PeriodBasis {
    /// Participants who started (were registered with a start date) in the
    /// period; all their check-ins and their exit count, whenever dated.
    IntakeDate,
    /// Check-ins answered in the period (and, for exit outcomes, exits dated
    /// in it). Distance travelled compares the latest reading in the period
    /// with the first reading, which may lie before the period.
    CheckInDate,
}

impl PeriodBasis {
    /// How the period was applied, for reports and exports.
    pub fn description(self) -> &'static str {
        match self {
            Self::IntakeDate => "deltagare med startdatum i perioden",
            Self::CheckInDate => "mätningar (och avslut) daterade i perioden",
        }
    }
}

/// A period, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub basis: PeriodBasis,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// Whether a date lies in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

/// Age bands, by age reached during the reference year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AgeBand {
    Under18,
    From18To24,
    From25To34,
    From35To44,
    From45To54,
    From55To64,
    From65,
}

impl AgeBand {
    /// Every band, youngest first.
    pub const ALL: [AgeBand; 7] = [
        Self::Under18,
        Self::From18To24,
        Self::From25To34,
        Self::From35To44,
        Self::From45To54,
        Self::From55To64,
        Self::From65,
    ];

    /// The band an age falls in.
    pub fn of(age: i32) -> Self {
        match age {
            i32::MIN..=17 => Self::Under18,
            18..=24 => Self::From18To24,
            25..=34 => Self::From25To34,
            35..=44 => Self::From35To44,
            45..=54 => Self::From45To54,
            55..=64 => Self::From55To64,
            _ => Self::From65,
        }
    }

    /// The label for tables and exports.
    pub fn label(self) -> &'static str {
        match self {
            Self::Under18 => "under 18",
            Self::From18To24 => "18–24",
            Self::From25To34 => "25–34",
            Self::From35To44 => "35–44",
            Self::From45To54 => "45–54",
            Self::From55To64 => "55–64",
            Self::From65 => "65 och äldre",
        }
    }
}

/// The date ages are counted at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AgeReference {
    /// Each participant's start date: the age band does not drift over time.
    AtIntake,
    /// One date for everybody, such as the end of the reporting period.
    On(NaiveDate),
}

/// Keep participants in one age band. Only the birth year is known, so age
/// is the reference year minus the birth year. Participants without a birth
/// year (anonymous ones) have no band and are left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AgeFilter {
    pub band: AgeBand,
    pub reference: AgeReference,
}

/// The filters of a report; `None` (the default) means "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Filter {
    pub programme: Option<String>,
    pub period: Option<Period>,
    pub age: Option<AgeFilter>,
    /// Leaves out participants without a known referral (anonymous ones).
    pub referral: Option<Referral>,
    /// Compared exactly; leaves out participants without a known
    /// municipality (anonymous ones).
    pub municipality: Option<String>,
}

impl Filter {
    /// Whether the participant's own facts (and, for an intake-date period,
    /// their start date) pass the filter.
    pub fn includes(&self, r: &Respondent) -> bool {
        if self.programme.as_ref().is_some_and(|p| *p != r.programme) {
            return false;
        }
        if let Some(period) = &self.period {
            if period.basis == PeriodBasis::IntakeDate && !period.contains(r.start_date) {
                return false;
            }
        }
        if let Some(age) = &self.age {
            let on = match age.reference {
                AgeReference::AtIntake => r.start_date,
                AgeReference::On(date) => date,
            };
            if r.age_in_year_of(on).map(AgeBand::of) != Some(age.band) {
                return false;
            }
        }
        if self.referral.is_some() && r.known_referral() != self.referral {
            return false;
        }
        if let Some(m) = &self.municipality {
            if r.known_municipality() != Some(m.as_str()) {
                return false;
            }
        }
        true
    }

    /// Whether a check-in's date counts as "in the period": always, unless
    /// the period is by check-in date.
    pub fn counts_check_in(&self, check_in: &CheckInScores) -> bool {
        self.counts_date(check_in.date)
    }

    /// The same for any dated event (an exit).
    pub fn counts_date(&self, date: NaiveDate) -> bool {
        match &self.period {
            Some(p) if p.basis == PeriodBasis::CheckInDate => p.contains(date),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::participant::Gender;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn person() -> Respondent {
        Respondent {
            gender: Gender::Man,
            birth_year: Some(2000),
            referral: Some(Referral::Arbetsformedlingen),
            municipality: Some("Tyresö".into()),
            programme: "Steget".into(),
            start_date: date(2024, 5, 1),
            anonymous: false,
            exit: None,
            check_ins: Vec::new(),
        }
    }

    #[test]
    fn age_bands_have_their_edges_where_the_labels_say() {
        assert_eq!(AgeBand::of(17), AgeBand::Under18);
        assert_eq!(AgeBand::of(18), AgeBand::From18To24);
        assert_eq!(AgeBand::of(24), AgeBand::From18To24);
        assert_eq!(AgeBand::of(25), AgeBand::From25To34);
        assert_eq!(AgeBand::of(64), AgeBand::From55To64);
        assert_eq!(AgeBand::of(65), AgeBand::From65);
        assert_eq!(AgeBand::From65.label(), "65 och äldre");
    }

    #[test]
    fn each_filter_narrows() {
        let p = person();
        assert!(Filter::default().includes(&p));
        let f = |f: Filter| f.includes(&p);
        assert!(f(Filter {
            programme: Some("Steget".into()),
            ..Filter::default()
        }));
        assert!(!f(Filter {
            programme: Some("Annat".into()),
            ..Filter::default()
        }));
        assert!(f(Filter {
            referral: Some(Referral::Arbetsformedlingen),
            ..Filter::default()
        }));
        assert!(!f(Filter {
            referral: Some(Referral::Kommun),
            ..Filter::default()
        }));
        assert!(f(Filter {
            municipality: Some("Tyresö".into()),
            ..Filter::default()
        }));
        assert!(!f(Filter {
            municipality: Some("Haninge".into()),
            ..Filter::default()
        }));
        // Born 2000, started 2024: 24 at intake, 25 in 2025.
        let age = |band, reference| Filter {
            age: Some(AgeFilter { band, reference }),
            ..Filter::default()
        };
        assert!(f(age(AgeBand::From18To24, AgeReference::AtIntake)));
        assert!(!f(age(AgeBand::From25To34, AgeReference::AtIntake)));
        assert!(f(age(
            AgeBand::From25To34,
            AgeReference::On(date(2025, 1, 1))
        )));
        // Intake-date period: start date in it, ends included.
        let period = |basis, from, to| Filter {
            period: Some(Period { basis, from, to }),
            ..Filter::default()
        };
        assert!(f(period(
            PeriodBasis::IntakeDate,
            date(2024, 5, 1),
            date(2024, 5, 1)
        )));
        assert!(!f(period(
            PeriodBasis::IntakeDate,
            date(2024, 5, 2),
            date(2024, 12, 31)
        )));
        // A check-in-date period keeps the person and selects check-ins instead.
        let by_check_in = period(
            PeriodBasis::CheckInDate,
            date(2024, 6, 1),
            date(2024, 6, 30),
        );
        assert!(by_check_in.includes(&p));
        assert!(by_check_in.counts_date(date(2024, 6, 30)));
        assert!(!by_check_in.counts_date(date(2024, 7, 1)));
        assert!(Filter::default().counts_date(date(1999, 1, 1)));
    }

    #[test]
    fn anonymous_participants_drop_out_of_filters_on_what_they_did_not_give() {
        let mut p = person();
        p.anonymous = true;
        for filter in [
            Filter {
                age: Some(AgeFilter {
                    band: AgeBand::From18To24,
                    reference: AgeReference::AtIntake,
                }),
                ..Filter::default()
            },
            Filter {
                referral: Some(Referral::Arbetsformedlingen),
                ..Filter::default()
            },
            Filter {
                municipality: Some("Tyresö".into()),
                ..Filter::default()
            },
        ] {
            assert!(!filter.includes(&p), "{filter:?}");
        }
        // Programme and period still apply to them.
        assert!(Filter {
            programme: Some("Steget".into()),
            ..Filter::default()
        }
        .includes(&p));
    }
}
