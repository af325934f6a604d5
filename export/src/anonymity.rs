//! k-anonymity for the answer-level export.
//!
//! A pseudonym hides who answered, but the facts beside it can point at a
//! person anyway: among the demo population most people were the only one of
//! their gender, age band, municipality, referral and programme who answered
//! on their first day. The consent text promises that evaluators see figures
//! for many people together, so before a row is written every person in the
//! file must share *all* their quasi-identifiers with at least k − 1 others,
//! k being the organisation's smallest-group setting.
//!
//! The quasi-identifiers of a person are everything the file says about them
//! besides their answers: gender, age band, municipality, referral,
//! programme, and for every check-in its instrument version, occasion, number
//! and date. A person with several check-ins is recognised by all of their
//! dates together, so all of them count, as one sorted list.
//!
//! [`anonymise`] generalises the whole file the same way (global recoding,
//! so a value means the same on every row) along a fixed ladder of
//! [`LADDER`] steps, least loss first: dates to month, then quarter; age in
//! ten-year bands, then three wide bands; then dates to the year; then the
//! municipality column, the referral column and the age column are left
//! empty; last, dates are left out. At every step values of municipality,
//! referral and programme held by fewer than k people are merged into
//! "Övriga" (with a companion, so that a single merged value cannot be read
//! back by elimination), and the genders of a group smaller than k are left
//! empty. It takes the first step at which at most [`SUPPRESSION_LIMIT_PERCENT`]
//! per cent of the people still stand in a group smaller than k (or else the
//! step that leaves the fewest), and then leaves those people out of the
//! file. What was done is in the [`Report`], which every file carries.

use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::participant::{Gender, Referral};
use stegvis_domain::stats::AgeBand;

/// The value written for merged rare municipalities and programmes.
pub const OTHER: &str = "Övriga";

/// The code written for merged rare referrals (the column holds codes).
pub const OTHER_CODE: &str = "ovriga";

/// A step on the ladder is taken when at most this share of the people (in
/// per cent, rounded down) would still have to be left out.
pub const SUPPRESSION_LIMIT_PERCENT: usize = 5;

/// How precisely dates are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DatePrecision {
    /// The day (only with full detail, see [`full_detail`]).
    Day,
    /// `2025-04`.
    Month,
    /// `2025-Q2`.
    Quarter,
    /// `2025`.
    Year,
    /// No date at all.
    Hidden,
}

impl DatePrecision {
    /// The period a date falls in at this precision.
    pub fn period(self, date: NaiveDate) -> Period {
        match self {
            Self::Day => Period::Day(date),
            Self::Month => Period::Month(date.year(), date.month()),
            Self::Quarter => Period::Quarter(date.year(), date.month().div_ceil(3)),
            Self::Year => Period::Year(date.year()),
            Self::Hidden => Period::Hidden,
        }
    }

    /// How the files describe it, in Swedish.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Day => "dag (ÅÅÅÅ-MM-DD)",
            Self::Month => "månad (ÅÅÅÅ-MM)",
            Self::Quarter => "kvartal (ÅÅÅÅ-Qn, Q1 = januari–mars)",
            Self::Year => "år (ÅÅÅÅ)",
            Self::Hidden => "utelämnat",
        }
    }
}

/// A date as written: a day, a month, a quarter, a year or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Day(NaiveDate),
    Month(i32, u32),
    Quarter(i32, u32),
    Year(i32),
    Hidden,
}

impl Period {
    /// The day, when the period is one.
    pub fn day(self) -> Option<NaiveDate> {
        match self {
            Self::Day(d) => Some(d),
            _ => None,
        }
    }
}

impl fmt::Display for Period {
    /// `2025-04-10`, `2025-04`, `2025-Q2`, `2025`, or nothing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Self::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            Self::Quarter(y, q) => write!(f, "{y:04}-Q{q}"),
            Self::Year(y) => write!(f, "{y:04}"),
            Self::Hidden => Ok(()),
        }
    }
}

/// How precisely ages are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgePrecision {
    /// The statistics' bands: under 18, 18–24, 25–34, …, 65 och äldre.
    Bands,
    /// Three bands: under 25, 25–44, 45 och äldre.
    Wide,
    /// No age at all.
    Hidden,
}

/// The wide bands, youngest first.
pub const WIDE_AGE_BANDS: [&str; 3] = ["under 25", "25–44", "45 och äldre"];

impl AgePrecision {
    /// The band written for an age in years; `None` without an age.
    pub fn band(self, age: Option<i32>) -> Option<&'static str> {
        let age = age?;
        match self {
            Self::Bands => Some(AgeBand::of(age).label()),
            Self::Wide => Some(match age {
                i32::MIN..=24 => WIDE_AGE_BANDS[0],
                25..=44 => WIDE_AGE_BANDS[1],
                _ => WIDE_AGE_BANDS[2],
            }),
            Self::Hidden => None,
        }
    }

    /// How the files describe it, in Swedish.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Bands => {
                "tioårsgrupper (under 18, 18–24, 25–34, 35–44, 45–54, 55–64, 65 och äldre)"
            }
            Self::Wide => "breda grupper (under 25, 25–44, 45 och äldre)",
            Self::Hidden => "utelämnad",
        }
    }
}

/// One step of generalisation: how precise each quasi-identifier is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    pub dates: DatePrecision,
    pub ages: AgePrecision,
    /// Whether the municipality column is written at all.
    pub municipality: bool,
    /// Whether the referral column is written at all.
    pub referral: bool,
}

const fn level(
    dates: DatePrecision,
    ages: AgePrecision,
    municipality: bool,
    referral: bool,
) -> Level {
    Level {
        dates,
        ages,
        municipality,
        referral,
    }
}

/// The steps [`anonymise`] tries, in order of growing loss. Gender and
/// programme are kept on every step: every report is split by gender and
/// evaluators report per programme; rare values of them are merged instead.
pub const LADDER: [Level; 8] = {
    use AgePrecision::{Bands, Hidden as NoAge, Wide};
    use DatePrecision::{Hidden as NoDate, Month, Quarter, Year};
    [
        level(Month, Bands, true, true),
        level(Quarter, Bands, true, true),
        level(Quarter, Wide, true, true),
        level(Year, Wide, true, true),
        level(Year, Wide, false, true),
        level(Year, Wide, false, false),
        level(Year, NoAge, false, false),
        level(NoDate, NoAge, false, false),
    ]
};

/// One check-in of a person as the file would show it, before generalising.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInFacts {
    /// The instrument version (`id@hash`).
    pub instrument: String,
    pub occasion: OccasionKind,
    pub number: u32,
    pub date: NaiveDate,
}

/// Everything the file would say about a person besides their answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    pub gender: Gender,
    /// Age in years at the reference date; `None` when unknown (and for
    /// people registered anonymously).
    pub age: Option<i32>,
    pub municipality: Option<String>,
    pub referral: Option<Referral>,
    /// The programme's name.
    pub programme: String,
    /// Every check-in that goes into the file.
    pub check_ins: Vec<CheckInFacts>,
}

/// What the file says about a person who is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Released {
    /// `None` when the person's gender group is smaller than k.
    pub gender: Option<Gender>,
    pub age_band: Option<&'static str>,
    /// The municipality, [`OTHER`], or `None` (column left out or unknown).
    pub municipality: Option<String>,
    /// The referral code, [`OTHER_CODE`], or `None`.
    pub referral: Option<&'static str>,
    /// The programme's name or [`OTHER`].
    pub programme: String,
}

/// What was generalised, merged and left out, for the file's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The smallest group allowed.
    pub k: u32,
    /// Whether the file is in full detail (nothing generalised).
    pub full_detail: bool,
    /// The step taken.
    pub level: Level,
    /// People who would be in the file.
    pub people: usize,
    /// People left out because they still stood in a group smaller than k.
    pub suppressed: usize,
    /// Genders written as empty because fewer than k people have them.
    pub hidden_genders: Vec<Gender>,
    /// Values merged into "Övriga" (`None` is "unknown").
    pub merged_municipalities: Vec<Option<String>>,
    pub merged_referrals: Vec<Option<Referral>>,
    pub merged_programmes: Vec<String>,
}

impl Report {
    /// The report as name–value rows in Swedish, the same in every file
    /// (XLSX sheet, CSV sidecar, FHIR bundle, codebook).
    pub fn notes(&self) -> Vec<(String, String)> {
        let list = |values: Vec<String>| {
            if values.is_empty() {
                "inga".to_owned()
            } else {
                values.join(", ")
            }
        };
        let unknown = |v: Option<String>| v.unwrap_or_else(|| "(okänd)".to_owned());
        let mut notes = vec![
            (
                "Skydd mot identifiering".to_owned(),
                if self.full_detail {
                    "inget: full detaljnivå, uttagen med angivet syfte (se granskningsloggen)"
                        .to_owned()
                } else {
                    format!(
                        "k-anonymitet: varje person delar kön, åldersgrupp, kommun, remittent, \
                         insats och alla mättillfällen med datum med minst {} personer i filen",
                        self.k
                    )
                },
            ),
            ("Minsta grupp (k)".to_owned(), self.k.to_string()),
            ("Datum".to_owned(), self.level.dates.describe().to_owned()),
            (
                "Åldersgrupp".to_owned(),
                self.level.ages.describe().to_owned(),
            ),
            (
                "Kommun".to_owned(),
                if self.level.municipality {
                    format!(
                        "skriven; slogs ihop till \"{OTHER}\": {}",
                        list(
                            self.merged_municipalities
                                .iter()
                                .cloned()
                                .map(unknown)
                                .collect()
                        )
                    )
                } else {
                    "utelämnad".to_owned()
                },
            ),
            (
                "Remittent".to_owned(),
                if self.level.referral {
                    format!(
                        "skriven; slogs ihop till \"{OTHER_CODE}\": {}",
                        list(
                            self.merged_referrals
                                .iter()
                                .map(|r| unknown(r.map(|r| r.code().to_owned())))
                                .collect()
                        )
                    )
                } else {
                    "utelämnad".to_owned()
                },
            ),
            (
                "Insats".to_owned(),
                format!(
                    "skriven; slogs ihop till \"{OTHER}\": {}",
                    list(self.merged_programmes.clone())
                ),
            ),
            (
                "Kön".to_owned(),
                format!(
                    "skrivet; tomt för grupper med färre än k personer: {}",
                    list(
                        self.hidden_genders
                            .iter()
                            .map(|g| g.code().to_owned())
                            .collect()
                    )
                ),
            ),
            ("Personer i urvalet".to_owned(), self.people.to_string()),
            (
                "Personer som utelämnats".to_owned(),
                format!(
                    "{} (stod ensamma eller i en grupp med färre än k personer)",
                    self.suppressed
                ),
            ),
        ];
        notes.retain(|(_, v)| !v.is_empty());
        notes
    }
}

/// The generalised file: who is kept, as what, and how dates are written.
#[derive(Debug, Clone)]
pub struct Anonymised<K: Ord> {
    released: BTreeMap<K, Released>,
    report: Report,
}

impl<K: Ord> Anonymised<K> {
    /// What to write about a person; `None` when they are left out.
    pub fn person(&self, key: &K) -> Option<&Released> {
        self.released.get(key)
    }

    /// The period to write for a check-in's date.
    pub fn period(&self, date: NaiveDate) -> Period {
        self.report.level.dates.period(date)
    }

    /// What was done.
    pub fn report(&self) -> &Report {
        &self.report
    }
}

/// The values of one column that are merged into "Övriga": every value held
/// by fewer than k people, and while the merged ones hold fewer than k people
/// or are a single value (which could be read back by elimination, since the
/// list of values is public), the smallest value kept as well.
fn merged<V: Ord + Clone>(counts: &BTreeMap<V, usize>, k: usize) -> BTreeSet<V> {
    let mut merged: BTreeSet<V> = counts
        .iter()
        .filter(|(_, &n)| n < k)
        .map(|(v, _)| v.clone())
        .collect();
    loop {
        let held: usize = merged.iter().filter_map(|v| counts.get(v)).sum();
        if merged.is_empty() || (held >= k && merged.len() >= 2) {
            break;
        }
        let next = counts
            .iter()
            .filter(|(v, _)| !merged.contains(*v))
            .min_by_key(|&(v, &n)| (n, v.clone()))
            .map(|(v, _)| v.clone());
        match next {
            Some(v) => {
                merged.insert(v);
            }
            None => break,
        }
    }
    merged
}

fn counts<V: Ord + Clone>(values: impl Iterator<Item = V>) -> BTreeMap<V, usize> {
    let mut counts = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_insert(0) += 1;
    }
    counts
}

/// The merges that hold on every step: they depend on people, not on the step.
struct Merges {
    genders: BTreeSet<Gender>,
    municipalities: BTreeSet<Option<String>>,
    referrals: BTreeSet<Option<Referral>>,
    programmes: BTreeSet<String>,
}

impl Merges {
    fn new(people: &[&PersonFacts], k: usize) -> Self {
        let genders = counts(people.iter().map(|p| p.gender))
            .into_iter()
            .filter(|&(_, n)| n < k)
            .map(|(g, _)| g)
            .collect();
        Self {
            genders,
            municipalities: merged(&counts(people.iter().map(|p| p.municipality.clone())), k),
            referrals: merged(&counts(people.iter().map(|p| p.referral)), k),
            programmes: merged(&counts(people.iter().map(|p| p.programme.clone())), k),
        }
    }

    fn release(&self, level: &Level, p: &PersonFacts) -> Released {
        Released {
            gender: (!self.genders.contains(&p.gender)).then_some(p.gender),
            age_band: level.ages.band(p.age),
            municipality: if !level.municipality {
                None
            } else if self.municipalities.contains(&p.municipality) {
                Some(OTHER.to_owned())
            } else {
                p.municipality.clone()
            },
            referral: if !level.referral {
                None
            } else if self.referrals.contains(&p.referral) {
                Some(OTHER_CODE)
            } else {
                p.referral.map(Referral::code)
            },
            programme: if self.programmes.contains(&p.programme) {
                OTHER.to_owned()
            } else {
                p.programme.clone()
            },
        }
    }
}

/// Everything the file shows of a person on one step, as one comparable value.
type Signature = (
    Option<&'static str>,
    Option<&'static str>,
    Option<String>,
    Option<&'static str>,
    String,
    Vec<(String, OccasionKind, u32, Period)>,
);

/// The quasi-identifiers of a released person with their check-ins' periods.
pub fn signature(
    released: &Released,
    check_ins: &[CheckInFacts],
    dates: DatePrecision,
) -> Signature {
    let mut visits: Vec<(String, OccasionKind, u32, Period)> = check_ins
        .iter()
        .map(|c| {
            (
                c.instrument.clone(),
                c.occasion,
                c.number,
                dates.period(c.date),
            )
        })
        .collect();
    visits.sort();
    (
        released.gender.map(Gender::code),
        released.age_band,
        released.municipality.clone(),
        released.referral,
        released.programme.clone(),
        visits,
    )
}

/// Makes the file k-anonymous; see the module documentation. People without
/// check-ins are ignored (they are not in the file). With k ≤ 1 nothing
/// needs protecting, yet dates still go no finer than the month.
pub fn anonymise<K: Ord + Clone>(people: Vec<(K, PersonFacts)>, k: u32) -> Anonymised<K> {
    let people: Vec<(K, PersonFacts)> = people
        .into_iter()
        .filter(|(_, p)| !p.check_ins.is_empty())
        .collect();
    let k_people = usize::try_from(k).unwrap_or(usize::MAX);
    let facts: Vec<&PersonFacts> = people.iter().map(|(_, p)| p).collect();
    let merges = Merges::new(&facts, k_people);
    let limit = people.len() * SUPPRESSION_LIMIT_PERCENT / 100;
    // Per step: each person's release and whether they stand in too small a group.
    let mut best: Option<(usize, Level, Vec<Released>, Vec<bool>)> = None;
    for level in LADDER {
        let released: Vec<Released> = facts.iter().map(|p| merges.release(&level, p)).collect();
        let signatures: Vec<Signature> = released
            .iter()
            .zip(&facts)
            .map(|(r, p)| signature(r, &p.check_ins, level.dates))
            .collect();
        let sizes = counts(signatures.iter());
        let small: Vec<bool> = signatures.iter().map(|s| sizes[s] < k_people).collect();
        let suppressed = small.iter().filter(|&&s| s).count();
        let better = best.as_ref().is_none_or(|b| suppressed < b.0);
        if better {
            best = Some((suppressed, level, released, small));
        }
        if suppressed <= limit {
            break;
        }
    }
    let (suppressed, level, released, small) =
        best.unwrap_or((0, LADDER[0], Vec::new(), Vec::new()));
    let kept: BTreeMap<K, Released> = people
        .iter()
        .zip(released)
        .zip(small)
        .filter(|(_, small)| !small)
        .map(|(((key, _), r), _)| (key.clone(), r))
        .collect();
    let report = Report {
        k,
        full_detail: false,
        level,
        people: people.len(),
        suppressed,
        hidden_genders: merges.genders.into_iter().collect(),
        merged_municipalities: if level.municipality {
            merges.municipalities.into_iter().collect()
        } else {
            Vec::new()
        },
        merged_referrals: if level.referral {
            merges.referrals.into_iter().collect()
        } else {
            Vec::new()
        },
        merged_programmes: merges.programmes.into_iter().collect(),
    };
    Anonymised {
        released: kept,
        report,
    }
}

/// The file in full detail: days, ten-year age bands, every value as it is,
/// nobody left out. Only for a documented purpose that allows it (the command
/// line asks for the purpose and writes it to the audit log); never in the web
/// interface. The file is then still pseudonymised, but not k-anonymous.
pub fn full_detail<K: Ord + Clone>(people: Vec<(K, PersonFacts)>, k: u32) -> Anonymised<K> {
    let level = Level {
        dates: DatePrecision::Day,
        ages: AgePrecision::Bands,
        municipality: true,
        referral: true,
    };
    let none = Merges {
        genders: BTreeSet::new(),
        municipalities: BTreeSet::new(),
        referrals: BTreeSet::new(),
        programmes: BTreeSet::new(),
    };
    let people: Vec<(K, PersonFacts)> = people
        .into_iter()
        .filter(|(_, p)| !p.check_ins.is_empty())
        .collect();
    let report = Report {
        k,
        full_detail: true,
        level,
        people: people.len(),
        suppressed: 0,
        hidden_genders: Vec::new(),
        merged_municipalities: Vec::new(),
        merged_referrals: Vec::new(),
        merged_programmes: Vec::new(),
    };
    Anonymised {
        released: people
            .into_iter()
            .map(|(key, p)| {
                let r = none.release(&level, &p);
                (key, r)
            })
            .collect(),
        report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn visit(occasion: OccasionKind, number: u32, date: NaiveDate) -> CheckInFacts {
        CheckInFacts {
            instrument: "stegvis-bas@1".into(),
            occasion,
            number,
            date,
        }
    }

    fn person(gender: Gender, age: i32, municipality: &str, start: NaiveDate) -> PersonFacts {
        PersonFacts {
            gender,
            age: Some(age),
            municipality: Some(municipality.into()),
            referral: Some(Referral::Arbetsformedlingen),
            programme: "Steget".into(),
            check_ins: vec![visit(OccasionKind::Intake, 0, start)],
        }
    }

    /// Every kept person's signature is shared by at least k kept people.
    fn assert_k_anonymous(people: &[(usize, PersonFacts)], out: &Anonymised<usize>, k: u32) {
        let mut sizes: BTreeMap<Signature, usize> = BTreeMap::new();
        for (key, p) in people {
            if let Some(r) = out.person(key) {
                *sizes
                    .entry(signature(r, &p.check_ins, out.report().level.dates))
                    .or_default() += 1;
            }
        }
        for (signature, n) in sizes {
            assert!(
                n >= usize::try_from(k).unwrap(),
                "group of {n} < {k}: {signature:?}"
            );
        }
    }

    #[test]
    fn periods_are_written_as_month_quarter_or_year() {
        let d = date(2025, 11, 30);
        assert_eq!(DatePrecision::Day.period(d).to_string(), "2025-11-30");
        assert_eq!(DatePrecision::Month.period(d).to_string(), "2025-11");
        assert_eq!(DatePrecision::Quarter.period(d).to_string(), "2025-Q4");
        assert_eq!(
            DatePrecision::Quarter.period(date(2025, 1, 1)).to_string(),
            "2025-Q1"
        );
        assert_eq!(
            DatePrecision::Quarter.period(date(2025, 3, 31)).to_string(),
            "2025-Q1"
        );
        assert_eq!(DatePrecision::Year.period(d).to_string(), "2025");
        assert_eq!(DatePrecision::Hidden.period(d).to_string(), "");
    }

    #[test]
    fn wide_age_bands_cover_every_age() {
        assert_eq!(AgePrecision::Wide.band(Some(17)), Some("under 25"));
        assert_eq!(AgePrecision::Wide.band(Some(25)), Some("25–44"));
        assert_eq!(AgePrecision::Wide.band(Some(44)), Some("25–44"));
        assert_eq!(AgePrecision::Wide.band(Some(80)), Some("45 och äldre"));
        assert_eq!(AgePrecision::Bands.band(Some(40)), Some("35–44"));
        assert_eq!(AgePrecision::Hidden.band(Some(40)), None);
        assert_eq!(AgePrecision::Wide.band(None), None);
    }

    #[test]
    fn rare_values_are_merged_with_a_companion() {
        let c = |pairs: &[(&str, usize)]| -> BTreeMap<String, usize> {
            pairs.iter().map(|(v, n)| (v.to_string(), *n)).collect()
        };
        // Nothing rare: nothing merged.
        assert!(merged(&c(&[("Haninge", 47), ("Tyresö", 33), ("Nynäshamn", 20)]), 5).is_empty());
        // One rare value alone could be read back: the next smallest joins it.
        assert_eq!(
            merged(&c(&[("Haninge", 47), ("Tyresö", 33), ("Nynäshamn", 3)]), 5),
            ["Nynäshamn", "Tyresö"].map(String::from).into()
        );
        // Two rare ones reaching k together protect each other.
        assert_eq!(
            merged(&c(&[("Haninge", 40), ("Tyresö", 2), ("Nynäshamn", 3)]), 5),
            ["Nynäshamn", "Tyresö"].map(String::from).into()
        );
        // Two rare ones below k together take the next smallest.
        assert_eq!(
            merged(
                &c(&[
                    ("Haninge", 40),
                    ("Tyresö", 1),
                    ("Nynäshamn", 2),
                    ("Salem", 9)
                ]),
                5
            )
            .len(),
            3
        );
        // k = 0 merges nothing.
        assert!(merged(&c(&[("Haninge", 1)]), 0).is_empty());
    }

    #[test]
    fn a_person_alone_on_a_day_is_hidden_in_a_month_and_the_report_says_so() {
        // Ten women of the same age and place, one check-in each in March
        // 2025 on different days: unique by day, one group by month.
        let people: Vec<(usize, PersonFacts)> = (0..10)
            .map(|i| {
                let p = person(Gender::Woman, 40, "Haninge", date(2025, 3, 1 + i as u32));
                (i, p)
            })
            .collect();
        let out = anonymise(people.clone(), 5);
        assert_k_anonymous(&people, &out, 5);
        let report = out.report();
        assert_eq!(report.level, LADDER[0]);
        assert_eq!(report.suppressed, 0);
        assert_eq!(out.period(date(2025, 3, 7)).to_string(), "2025-03");
        let released = out.person(&3).unwrap();
        assert_eq!(released.municipality.as_deref(), Some("Haninge"));
        assert_eq!(released.age_band, Some("35–44"));
        let notes = report.notes();
        assert!(notes
            .iter()
            .any(|(n, v)| n == "Datum" && v.starts_with("månad")));
        assert!(notes
            .iter()
            .any(|(n, v)| n == "Personer som utelämnats" && v.starts_with('0')));
    }

    #[test]
    fn the_ladder_climbs_until_few_people_stand_alone() {
        // Each person alone in a month, but 6 per quarter: the quarter step.
        let people: Vec<(usize, PersonFacts)> = (0..12)
            .map(|i| {
                let month = if i < 6 {
                    1 + (i as u32 % 3)
                } else {
                    4 + (i as u32 % 3)
                };
                let p = person(Gender::Man, 30, "Tyresö", date(2025, month, 1 + i as u32));
                (i, p)
            })
            .collect();
        let out = anonymise(people.clone(), 5);
        assert_k_anonymous(&people, &out, 5);
        assert_eq!(out.report().level.dates, DatePrecision::Quarter);
        assert_eq!(out.report().suppressed, 0);
        assert_eq!(out.period(date(2025, 5, 2)).to_string(), "2025-Q2");
    }

    #[test]
    fn a_small_gender_group_loses_its_gender_and_rare_programmes_merge() {
        let mut people: Vec<(usize, PersonFacts)> = (0..12)
            .map(|i| (i, person(Gender::Woman, 40, "Haninge", date(2025, 3, 1))))
            .collect();
        for i in 12..14 {
            people.push((i, person(Gender::Other, 40, "Haninge", date(2025, 3, 1))));
        }
        people[0].1.programme = "Liten".into();
        let out = anonymise(people.clone(), 5);
        assert_k_anonymous(&people, &out, 5);
        let report = out.report();
        assert_eq!(report.hidden_genders, vec![Gender::Other]);
        assert_eq!(report.merged_programmes.len(), 2, "with a companion");
        // The two people of the small gender group are written without a
        // gender and then stand alone: left out.
        assert_eq!(out.person(&12), None);
        assert_eq!(out.person(&0).unwrap().programme, OTHER);
        assert!(report.suppressed >= 2);
    }

    #[test]
    fn people_without_check_ins_are_not_counted() {
        let mut p = person(Gender::Man, 30, "Tyresö", date(2025, 1, 1));
        p.check_ins.clear();
        let out = anonymise(vec![(0, p)], 5);
        assert_eq!(out.report().people, 0);
        assert_eq!(out.person(&0), None);
    }

    #[test]
    fn full_detail_keeps_every_value_and_says_so() {
        let people = vec![(0, person(Gender::Man, 30, "Tyresö", date(2025, 1, 9)))];
        let out = full_detail(people, 5);
        assert_eq!(out.period(date(2025, 1, 9)).to_string(), "2025-01-09");
        assert_eq!(
            out.person(&0).unwrap().municipality.as_deref(),
            Some("Tyresö")
        );
        assert!(out.report().notes()[0].1.contains("full detaljnivå"));
    }

    /// A random population shaped like the domain's (skewed genders,
    /// municipalities and referrals, one to five check-ins over three years,
    /// anonymous people without age, municipality or referral).
    fn random_people(rng: &mut StdRng, n: usize) -> Vec<(usize, PersonFacts)> {
        let genders = [
            Gender::Woman,
            Gender::Woman,
            Gender::Man,
            Gender::Other,
            Gender::Undisclosed,
        ];
        let municipalities = ["Haninge", "Haninge", "Tyresö", "Nynäshamn", "Salem"];
        let programmes = ["Steget", "Steget", "Vidare", "Liten"];
        (0..n)
            .map(|i| {
                let anonymous = rng.random_ratio(1, 10);
                let start = date(2024, 1, 1) + chrono::Days::new(rng.random_range(0..1000_u64));
                let visits = rng.random_range(0..6_u32);
                let check_ins = (0..visits)
                    .map(|v| {
                        let kind = match v {
                            0 => OccasionKind::Intake,
                            _ if v + 1 == visits && rng.random_bool(0.3) => OccasionKind::Exit,
                            _ => OccasionKind::FollowUp,
                        };
                        let number = if kind == OccasionKind::FollowUp { v } else { 0 };
                        let instrument = if rng.random_ratio(1, 20) {
                            "b@2"
                        } else {
                            "b@1"
                        };
                        CheckInFacts {
                            instrument: instrument.into(),
                            occasion: kind,
                            number,
                            date: start
                                + chrono::Days::new(u64::from(v) * 91 + rng.random_range(0..30)),
                        }
                    })
                    .collect();
                let facts = PersonFacts {
                    gender: genders[rng.random_range(0..genders.len())],
                    age: (!anonymous).then(|| rng.random_range(16..70)),
                    municipality: (!anonymous)
                        .then(|| municipalities[rng.random_range(0..municipalities.len())].into()),
                    referral: (!anonymous)
                        .then(|| Referral::ALL[rng.random_range(0..Referral::ALL.len())]),
                    programme: programmes[rng.random_range(0..programmes.len())].into(),
                    check_ins,
                };
                (i, facts)
            })
            .collect()
    }

    #[test]
    fn any_input_gives_a_k_anonymous_file() {
        let mut rng = StdRng::seed_from_u64(11);
        for round in 0..300 {
            let n = rng.random_range(0..400);
            let k = rng.random_range(0..12);
            let people = random_people(&mut rng, n);
            let out = anonymise(people.clone(), k);
            assert_k_anonymous(&people, &out, k);
            let report = out.report();
            let with_check_ins = people
                .iter()
                .filter(|(_, p)| !p.check_ins.is_empty())
                .count();
            assert_eq!(report.people, with_check_ins, "round {round}");
            let kept = people
                .iter()
                .filter(|(key, _)| out.person(key).is_some())
                .count();
            assert_eq!(kept + report.suppressed, with_check_ins, "round {round}");
            // No merged value is ever written as itself.
            for (key, p) in &people {
                if let Some(r) = out.person(key) {
                    if report.merged_programmes.contains(&p.programme) {
                        assert_eq!(r.programme, OTHER);
                    }
                    if report.merged_municipalities.contains(&p.municipality) {
                        assert_eq!(r.municipality.as_deref(), Some(OTHER));
                    }
                    if report.hidden_genders.contains(&p.gender) {
                        assert_eq!(r.gender, None);
                    }
                }
            }
        }
    }
}
