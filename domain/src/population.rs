//! A made-up population of participants for demos and load tests.
//!
//! Demo screens and benchmarks are only convincing when the data looks like a
//! real association's: about two thirds women, mean age around 40, most
//! referrals from the municipality and the employment service, gaps where
//! people missed a follow-up, and about a third leaving for work or studies. The
//! shapes follow the Resursmodellen Södertörn figures in the domain brief.
//!
//! The generator is a pure function of a seed, a count and today's date, so the
//! demo seed (about 400 people) and benchmarks (100 000) get the same people on
//! every run. It only plans: storing people, drawing answers from `progress` and
//! dropping identifying facts for anonymous participants is left to the caller.
//! Output is stable for a given version of the `rand` crate, not across versions.

use crate::occasion::OccasionKind;
use crate::participant::{ExitOutcome, Gender, Referral};
use crate::schedule::Schedule;
use chrono::{Datelike, Days, Months, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Gender shares: about two thirds women, as in the real projects.
pub const GENDER_SHARES: [(Gender, f64); 4] = [
    (Gender::Woman, 0.64),
    (Gender::Man, 0.33),
    (Gender::Other, 0.02),
    (Gender::Undisclosed, 0.01),
];

/// Residence shares in Resursmodellen Södertörn.
pub const MUNICIPALITY_SHARES: [(&str, f64); 3] =
    [("Haninge", 0.47), ("Tyresö", 0.33), ("Nynäshamn", 0.20)];

/// Referral shares in Resursmodellen Södertörn.
pub const REFERRAL_SHARES: [(Referral, f64); 4] = [
    (Referral::Arbetsformedlingen, 0.31),
    (Referral::Forsakringskassan, 0.23),
    (Referral::Kommun, 0.44),
    (Referral::Varden, 0.02),
];

/// Share of participants who consent; the rest are registered anonymously.
pub const CONSENT_SHARE: f64 = 0.94;
/// Share of participants with protected identity.
pub const PROTECTED_IDENTITY_SHARE: f64 = 0.01;
/// Share in programme 0; the rest are in programme 1.
pub const FIRST_PROGRAMME_SHARE: f64 = 0.60;
/// Start dates are spread over this many months before today.
pub const START_MONTHS_BACK: u32 = 18;
/// Programmes last between these many days (6 to 12 months), drawn per person.
pub const PROGRAMME_DAYS: std::ops::RangeInclusive<u64> = 182..=365;
/// Occasions are planned only up to this many days before today, so the most
/// recent ones are left open for the demo to show as due.
pub const PAST_MARGIN_DAYS: u64 = 30;
/// Youngest and oldest age at start.
pub const AGE_RANGE: std::ops::RangeInclusive<i32> = 18..=64;
/// Share of answered occasions by kind, on average over people.
pub const ANSWER_SHARE_INTAKE: f64 = 0.85;
/// See [`ANSWER_SHARE_INTAKE`].
pub const ANSWER_SHARE_FOLLOW_UP: f64 = 0.70;
/// See [`ANSWER_SHARE_INTAKE`].
pub const ANSWER_SHARE_EXIT: f64 = 0.75;

/// One planned participant. Identifying facts are drawn for everyone so the
/// other shares do not depend on consent; for a participant without consent the
/// caller stores only gender and start date.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonPlan {
    pub gender: Gender,
    pub birth_year: i32,
    pub municipality: &'static str,
    pub referral: Referral,
    pub consent: bool,
    pub protected_identity: bool,
    /// Index of the programme: 0 or 1.
    pub programme: usize,
    pub start_date: NaiveDate,
    /// Exit date and outcome, for people whose programme length has passed.
    pub exit: Option<(NaiveDate, ExitOutcome)>,
    /// Past occasions (up to [`PAST_MARGIN_DAYS`] before today), in date order,
    /// answered or missed.
    pub answered: Vec<OccasionPlan>,
}

/// One past occasion of a planned participant.
#[derive(Debug, Clone, PartialEq)]
pub struct OccasionPlan {
    pub kind: OccasionKind,
    /// 0 for intake and exit, n for follow-up n, as in [`crate::schedule`].
    pub number: u32,
    /// The due date; answers are dated on it or a little after.
    pub date: NaiveDate,
    /// The last day the app accepts an answer to it (its window's close, from
    /// [`Schedule`]): a follow-up answered later would fall after the exit
    /// and be a check-in the app itself never allows.
    pub last_day: NaiveDate,
    /// Whether the person answered; `false` leaves the occasion missed.
    pub answered: bool,
    /// How far along each scale this person's answers sit, 0.0 (lowest option)
    /// to 1.0 (highest), so answers show distance travelled.
    pub progress: f64,
}

/// Plans `count` participants as of `today`; the same seed gives the same people.
pub fn generate(seed: u64, count: usize, today: NaiveDate) -> Vec<PersonPlan> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count).map(|_| person(&mut rng, today)).collect()
}

/// How a person's answers move over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Course {
    Better,
    Unchanged,
    Worse,
}

fn person(rng: &mut StdRng, today: NaiveDate) -> PersonPlan {
    let gender = pick(rng, &GENDER_SHARES);
    let municipality = pick(rng, &MUNICIPALITY_SHARES);
    let referral = pick(rng, &REFERRAL_SHARES);
    let consent = chance(rng, CONSENT_SHARE);
    let protected_identity = chance(rng, PROTECTED_IDENTITY_SHARE);
    let programme = usize::from(!chance(rng, FIRST_PROGRAMME_SHARE));

    let earliest = today
        .checked_sub_months(Months::new(START_MONTHS_BACK))
        .unwrap_or(today);
    let span = u64::try_from((today - earliest).num_days()).unwrap_or(0);
    let start_date = plus_days(earliest, rng.random_range(0..=span));
    let birth_year = start_date.year() - age(rng);

    let course = pick(
        rng,
        &[
            (Course::Better, 0.70),
            (Course::Unchanged, 0.18),
            (Course::Worse, 0.12),
        ],
    );
    let exit_date = plus_days(start_date, rng.random_range(PROGRAMME_DAYS));
    let outcome = exit_outcome(rng, course);
    let exit = (exit_date <= today).then_some((exit_date, outcome));

    // Progress starts low, around 0.3, and moves by `drift` per quarter.
    let start_progress = (0.3 + 0.1 * standard_noise(rng)).clamp(0.0, 1.0);
    let drift = match course {
        Course::Better => rng.random_range(0.04..0.12),
        Course::Unchanged => rng.random_range(-0.01..0.01),
        Course::Worse => rng.random_range(-0.08..-0.03),
    };
    // Some people answer almost everything, some miss a lot.
    let engagement = rng.random_range(-0.15..0.15);

    let cutoff = today
        .checked_sub_days(Days::new(PAST_MARGIN_DAYS))
        .unwrap_or(today);
    let mut occasions = Vec::new();
    let scheduled = Schedule {
        exit: exit.map(|(date, _)| date),
        ..Schedule::new(start_date)
    }
    .occasions_through(today);
    let mut plan =
        |rng: &mut StdRng, kind: OccasionKind, number: u32, date: NaiveDate, share: f64| {
            let quarters = (date - start_date).num_days() as f64 / 91.3;
            let noise = rng.random_range(-0.04..0.04);
            let last_day = scheduled
                .iter()
                .find(|o| o.matches(kind, number))
                .map_or(date, |o| o.closes);
            occasions.push(OccasionPlan {
                kind,
                number,
                date,
                last_day,
                answered: chance(rng, share + engagement),
                progress: (start_progress + drift * quarters + noise).clamp(0.0, 1.0),
            });
        };
    if start_date <= cutoff {
        plan(
            rng,
            OccasionKind::Intake,
            0,
            start_date,
            ANSWER_SHARE_INTAKE,
        );
    }
    let mut number = 1;
    while let Some(due) = Schedule::follow_up_due(start_date, number) {
        if due > cutoff || exit.is_some_and(|(exit, _)| due >= exit) {
            break;
        }
        plan(
            rng,
            OccasionKind::FollowUp,
            number,
            due,
            ANSWER_SHARE_FOLLOW_UP,
        );
        number += 1;
    }
    if let Some((exit, _)) = exit.filter(|&(exit, _)| exit <= cutoff) {
        plan(rng, OccasionKind::Exit, 0, exit, ANSWER_SHARE_EXIT);
    }

    PersonPlan {
        gender,
        birth_year,
        municipality,
        referral,
        consent,
        protected_identity,
        programme,
        start_date,
        exit,
        answered: occasions,
    }
}

/// Age at start: roughly normal around 40 (sd 11), within [`AGE_RANGE`].
fn age(rng: &mut StdRng) -> i32 {
    for _ in 0..100 {
        let age = (40.0 + 11.0 * standard_noise(rng)).round() as i32;
        if AGE_RANGE.contains(&age) {
            return age;
        }
    }
    40
}

/// Where people go on leaving. Those whose answers improved go to work or
/// studies more often (40 %) than the others (17 %), about a third overall.
fn exit_outcome(rng: &mut StdRng, course: Course) -> ExitOutcome {
    use ExitOutcome::*;
    match course {
        Course::Better => pick(
            rng,
            &[
                (Work, 0.27),
                (Studies, 0.13),
                (JobSeeking, 0.25),
                (OtherProgramme, 0.15),
                (SickLeave, 0.10),
                (Other, 0.10),
            ],
        ),
        Course::Unchanged | Course::Worse => pick(
            rng,
            &[
                (Work, 0.11),
                (Studies, 0.06),
                (JobSeeking, 0.25),
                (OtherProgramme, 0.20),
                (SickLeave, 0.25),
                (Other, 0.13),
            ],
        ),
    }
}

/// Picks a value with the given weights (they need not sum to one).
fn pick<T: Copy>(rng: &mut StdRng, weighted: &[(T, f64)]) -> T {
    let total: f64 = weighted.iter().map(|&(_, w)| w).sum();
    let mut roll = rng.random::<f64>() * total;
    for &(value, weight) in weighted {
        if roll < weight {
            return value;
        }
        roll -= weight;
    }
    // Rounding can leave the roll just past the last weight.
    weighted[weighted.len() - 1].0
}

/// True with probability `p`; a `p` outside 0..=1 acts as 0 or 1 instead of panicking.
fn chance(rng: &mut StdRng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// Approximately standard normal noise (mean 0, sd 1, within ±3.5), from the sum
/// of four uniform numbers: cheap and good enough for demo data.
fn standard_noise(rng: &mut StdRng) -> f64 {
    let sum: f64 = (0..4).map(|_| rng.random::<f64>()).sum();
    (sum - 2.0) * 3.0_f64.sqrt()
}

fn plus_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 15).unwrap()
    }

    fn big() -> Vec<PersonPlan> {
        generate(42, 10_000, today())
    }

    fn share<T>(people: &[T], test: impl Fn(&T) -> bool) -> f64 {
        people.iter().filter(|p| test(p)).count() as f64 / people.len() as f64
    }

    fn assert_between(what: &str, value: f64, low: f64, high: f64) {
        assert!(
            (low..=high).contains(&value),
            "{what}: {value:.3} not in {low}..={high}"
        );
    }

    #[test]
    fn same_seed_same_people() {
        assert_eq!(generate(7, 300, today()), generate(7, 300, today()));
        assert_ne!(generate(7, 300, today()), generate(8, 300, today()));
        // A longer run starts with the same people as a shorter one.
        assert_eq!(generate(7, 500, today())[..300], generate(7, 300, today()));
        assert!(generate(7, 0, today()).is_empty());
    }

    #[test]
    fn shares_follow_the_real_projects() {
        let people = big();
        assert_eq!(people.len(), 10_000);
        assert_between(
            "women",
            share(&people, |p| p.gender == Gender::Woman),
            0.60,
            0.70,
        );
        assert_between(
            "men",
            share(&people, |p| p.gender == Gender::Man),
            0.29,
            0.37,
        );
        assert_between(
            "other and undisclosed",
            share(&people, |p| {
                matches!(p.gender, Gender::Other | Gender::Undisclosed)
            }),
            0.015,
            0.05,
        );
        assert_between(
            "Haninge",
            share(&people, |p| p.municipality == "Haninge"),
            0.44,
            0.50,
        );
        assert_between(
            "Tyresö",
            share(&people, |p| p.municipality == "Tyresö"),
            0.30,
            0.36,
        );
        assert_between(
            "Nynäshamn",
            share(&people, |p| p.municipality == "Nynäshamn"),
            0.17,
            0.23,
        );
        let referral = |r: Referral| share(&people, |p| p.referral == r);
        assert_between("AF", referral(Referral::Arbetsformedlingen), 0.28, 0.34);
        assert_between("FK", referral(Referral::Forsakringskassan), 0.20, 0.26);
        assert_between("kommun", referral(Referral::Kommun), 0.41, 0.47);
        assert_between("vården", referral(Referral::Varden), 0.01, 0.03);
        assert_between("consent", share(&people, |p| p.consent), 0.92, 0.96);
        assert_between(
            "protected identity",
            share(&people, |p| p.protected_identity),
            0.005,
            0.02,
        );
        assert_between(
            "programme 0",
            share(&people, |p| p.programme == 0),
            0.57,
            0.63,
        );
        assert!(people.iter().all(|p| p.programme <= 1));
    }

    #[test]
    fn ages_centre_on_forty() {
        let people = big();
        let ages: Vec<i32> = people
            .iter()
            .map(|p| p.start_date.year() - p.birth_year)
            .collect();
        assert!(ages.iter().all(|a| AGE_RANGE.contains(a)));
        let mean = ages.iter().map(|&a| f64::from(a)).sum::<f64>() / ages.len() as f64;
        assert_between("mean age", mean, 38.0, 42.0);
        assert!(ages.contains(&18) && ages.contains(&64));
    }

    #[test]
    fn start_dates_cover_the_past_eighteen_months() {
        let people = big();
        let earliest = NaiveDate::from_ymd_opt(2023, 12, 15).unwrap();
        assert!(people
            .iter()
            .all(|p| earliest <= p.start_date && p.start_date <= today()));
        // Roughly uniform: each half of the span holds about half the people.
        let middle = NaiveDate::from_ymd_opt(2024, 9, 15).unwrap();
        assert_between(
            "first half",
            share(&people, |p| p.start_date < middle),
            0.45,
            0.55,
        );
    }

    #[test]
    fn exits_follow_six_to_twelve_months_and_a_third_go_to_work_or_studies() {
        let people = big();
        let leavers: Vec<&PersonPlan> = people.iter().filter(|p| p.exit.is_some()).collect();
        assert!(leavers.len() > 3_000, "{} leavers", leavers.len());
        for p in &people {
            match p.exit {
                Some((exit, _)) => {
                    let days = u64::try_from((exit - p.start_date).num_days()).unwrap();
                    assert!(PROGRAMME_DAYS.contains(&days));
                    assert!(exit <= today());
                }
                // Nobody still in a programme has been in it for more than 12 months.
                None => assert!((today() - p.start_date).num_days() <= 365),
            }
        }
        let work_or_studies = share(&leavers, |p| {
            p.exit.is_some_and(|(_, o)| o.is_work_or_studies())
        });
        assert_between("work or studies", work_or_studies, 0.28, 0.38);
    }

    #[test]
    fn occasions_are_past_ordered_and_match_the_schedule() {
        let cutoff = today() - Days::new(PAST_MARGIN_DAYS);
        for p in big() {
            let mut previous: Option<NaiveDate> = None;
            for o in &p.answered {
                assert!(o.date <= cutoff && o.date <= today(), "{o:?}");
                assert!(previous.is_none_or(|d| d < o.date), "{p:?}");
                assert!((0.0..=1.0).contains(&o.progress));
                previous = Some(o.date);
            }
            // Intake on the start date, if it is far enough in the past.
            let intake = p.answered.iter().find(|o| o.kind == OccasionKind::Intake);
            assert_eq!(intake.is_some(), p.start_date <= cutoff);
            if let Some(intake) = intake {
                assert_eq!((intake.date, intake.number), (p.start_date, 0));
            }
            // Follow-ups numbered 1, 2, … on the schedule's dates, before exit.
            let follow_ups: Vec<&OccasionPlan> = p
                .answered
                .iter()
                .filter(|o| o.kind == OccasionKind::FollowUp)
                .collect();
            for (i, o) in follow_ups.iter().enumerate() {
                let n = u32::try_from(i + 1).unwrap();
                assert_eq!(o.number, n);
                assert_eq!(Some(o.date), Schedule::follow_up_due(p.start_date, n));
                assert!(p.exit.is_none_or(|(exit, _)| o.date < exit));
            }
            // Exit on the exit date, once it is far enough in the past.
            let exit = p.answered.iter().find(|o| o.kind == OccasionKind::Exit);
            match p.exit {
                Some((date, _)) if date <= cutoff => {
                    assert_eq!(exit.map(|o| (o.date, o.number)), Some((date, 0)));
                }
                _ => assert!(exit.is_none()),
            }
        }
    }

    #[test]
    fn answer_rates_leave_realistic_gaps() {
        let people = big();
        let rate = |kind: OccasionKind| {
            let list: Vec<&OccasionPlan> = people
                .iter()
                .flat_map(|p| &p.answered)
                .filter(|o| o.kind == kind)
                .collect();
            share(&list, |o| o.answered)
        };
        assert_between("intake answered", rate(OccasionKind::Intake), 0.82, 0.88);
        assert_between(
            "follow-ups answered",
            rate(OccasionKind::FollowUp),
            0.66,
            0.74,
        );
        assert_between("exit answered", rate(OccasionKind::Exit), 0.71, 0.79);
        // Some people with several occasions missed at least one.
        let with_gap = people
            .iter()
            .filter(|p| p.answered.len() >= 3 && p.answered.iter().any(|o| !o.answered))
            .count();
        assert!(with_gap > 1_000, "{with_gap}");
    }

    #[test]
    fn most_people_move_closer_but_not_all() {
        let people = big();
        let mut better = 0;
        let mut not_better = 0;
        let mut intake_sum = 0.0;
        let mut intakes = 0;
        for p in &people {
            let (Some(first), Some(last)) = (p.answered.first(), p.answered.last()) else {
                continue;
            };
            if first.kind == OccasionKind::Intake {
                intake_sum += first.progress;
                intakes += 1;
            }
            if p.answered.len() < 3 {
                continue;
            }
            if last.progress > first.progress {
                better += 1;
            } else {
                not_better += 1;
            }
        }
        assert_between(
            "intake progress",
            intake_sum / f64::from(intakes),
            0.27,
            0.33,
        );
        let better_share = f64::from(better) / f64::from(better + not_better);
        assert_between("moved closer", better_share, 0.6, 0.85);
    }
}
