//! Demo data, so a fresh install has something real to click through: one
//! organisation with two programmes, one account per role, about 400
//! participants shaped like the figures in the domain brief (two thirds women,
//! the referral and municipality mix, intakes over the past 18 months,
//! follow-ups with gaps and missed occasions, some exits), plus a few
//! participants with an open check-in and a printed access code to try the
//! phone flow with.
//!
//! Seeding is deterministic (fixed seed; the same day gives the same data) and
//! only ever runs against an empty database, so it can never mix invented
//! people into real data.

use chrono::{Months, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use stegvis_domain::check_in::check_submission;
use stegvis_domain::instrument::{AnswerValue, Instrument};
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::population::{self, PersonPlan};
use stegvis_domain::schedule::Window;
use stegvis_store::{
    ids, Consent, NewCheckIn, NewParticipant, NewStaff, OccasionRef, Role, StaffRow, Store,
    StoreError,
};

/// The seed every demo database is drawn from.
pub const SEED: u64 = 20_121_014;
/// How many participants the population has.
pub const POPULATION: usize = 400;
/// Participants with an open intake and an access code, for trying the phone flow.
pub const INTAKE_SHOWCASE: usize = 32;
/// … with an open first follow-up.
pub const FOLLOW_UP_SHOWCASE: usize = 3;
/// … with an open exit check-in.
pub const EXIT_SHOWCASE: usize = 2;
/// … with intake and two follow-ups answered and nothing open: a journey to look at.
pub const JOURNEY_SHOWCASE: usize = 7;
/// Showcase check-ins are answered up to a week after they fell due.
const ANSWER_DELAY: chrono::Days = chrono::Days::new(7);
/// The password of every demo account. Demo only: printed at start.
pub const DEMO_PASSWORD: &str = "stegvis-demo-2026";
/// The demo admin's TOTP secret (base32), printed so it can be added to an
/// authenticator app. Demo only.
pub const DEMO_ADMIN_TOTP: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// A demo login.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub role: &'static str,
    pub email: String,
}

/// A showcase participant and the code their phone connects with.
#[derive(Debug, Clone)]
pub struct DemoParticipant {
    pub code: String,
    /// What the participant shows: `intake`, `follow-up` or `exit` (that
    /// check-in is open), or `journey` (three answered check-ins, nothing open).
    pub open: &'static str,
    pub access_code: String,
}

/// What seeding made.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub accounts: Vec<DemoAccount>,
    pub participants: usize,
    pub check_ins: usize,
    pub showcase: Vec<DemoParticipant>,
}

/// Seeds the demo. `hash` turns the demo password into a stored hash (the
/// app's argon2id). Returns `None`, writing nothing, when the database
/// already has an organisation or a participant.
pub async fn seed(
    store: &Store,
    instrument: &Instrument,
    today: NaiveDate,
    hash: impl Fn(&str) -> Result<String, StoreError>,
) -> Result<Option<Seeded>, StoreError> {
    seed_sized(store, instrument, today, hash, POPULATION).await
}

/// [`seed`] with a population of `population` people instead of
/// [`POPULATION`]: the same shapes at any size, for load tests and
/// benchmarks (`stegvis demo --participants N`).
pub async fn seed_sized(
    store: &Store,
    instrument: &Instrument,
    today: NaiveDate,
    hash: impl Fn(&str) -> Result<String, StoreError>,
    population: usize,
) -> Result<Option<Seeded>, StoreError> {
    if store.organisation_count().await? > 0 || store.participant_count().await? > 0 {
        return Ok(None);
    }
    let mut rng = StdRng::seed_from_u64(SEED);
    let org = store
        .create_organisation("Samordningsförbundet Södertörn (demo)")
        .await?;
    let programmes = [
        store
            .create_programme_in(&org.id, "Steget vidare", Window::default())
            .await?,
        store
            .create_programme_in(
                &org.id,
                "Arbetsträning",
                Window {
                    before_days: 7,
                    after_days: 21,
                },
            )
            .await?,
    ];
    let password_hash = hash(DEMO_PASSWORD)?;
    let account = |email: &'static str, name: &'static str, roles: &'static [Role]| NewStaff {
        organisation_id: &org.id,
        email,
        name,
        password_hash: &password_hash,
        roles,
    };
    let admin = store
        .create_staff(&account(
            "admin@demo.stegvis.se",
            "Alva Admin",
            &[Role::Admin],
        ))
        .await?;
    store
        .set_totp_secret(&admin.id, Some(DEMO_ADMIN_TOTP))
        .await?;
    let lead = store
        .create_staff(&account(
            "handlaggare@demo.stegvis.se",
            "Hanna Handläggare",
            &[Role::CaseManager],
        ))
        .await?;
    store
        .create_staff(&account(
            "utvarderare@demo.stegvis.se",
            "Ulf Utvärderare",
            &[Role::Evaluator],
        ))
        .await?;
    let mut case_managers = vec![lead.clone()];
    for (email, name) in [
        ("karim@demo.stegvis.se", "Karim Coach"),
        ("maja@demo.stegvis.se", "Maja Lots"),
        ("sofia@demo.stegvis.se", "Sofia Stöd"),
    ] {
        case_managers.push(
            store
                .create_staff(&account(email, name, &[Role::CaseManager]))
                .await?,
        );
    }

    let mut check_ins = 0;
    let people = population::generate(
        SEED,
        population.max(INTAKE_SHOWCASE + FOLLOW_UP_SHOWCASE + EXIT_SHOWCASE + JOURNEY_SHOWCASE),
        today,
    );
    for (i, person) in people.iter().enumerate() {
        let cm = &case_managers[i % case_managers.len()];
        let id = register(
            store,
            &mut rng,
            &org.id,
            cm,
            &programmes[person.programme].id,
            person,
        )
        .await?;
        if let Some((exit, outcome)) = person.exit {
            store
                .record_exit(&org.id, &id, exit, outcome.code())
                .await?;
        }
        for occasion in person.answered.iter().filter(|o| o.answered) {
            answer(
                store,
                &mut rng,
                instrument,
                &id,
                OccasionRef {
                    kind: occasion.kind,
                    number: occasion.number,
                },
                (occasion.date, occasion.last_day),
                occasion.progress,
            )
            .await?;
            check_ins += 1;
        }
    }

    let three_months_ago = today.checked_sub_months(Months::new(3)).unwrap_or(today);
    let five_months_ago = today.checked_sub_months(Months::new(5)).unwrap_or(today);
    // Follow-up 2 fell due six months after the start, ten days ago.
    let six_months_ago = (today - chrono::Days::new(10))
        .checked_sub_months(Months::new(6))
        .unwrap_or(today);
    let plan = std::iter::repeat_n(("intake", today), INTAKE_SHOWCASE)
        .chain(std::iter::repeat_n(
            ("follow-up", three_months_ago),
            FOLLOW_UP_SHOWCASE,
        ))
        .chain(std::iter::repeat_n(
            ("exit", five_months_ago),
            EXIT_SHOWCASE,
        ))
        .chain(std::iter::repeat_n(
            ("journey", six_months_ago),
            JOURNEY_SHOWCASE,
        ));
    let mut showcase = Vec::new();
    for (i, (open, start)) in plan.enumerate() {
        let person = PersonPlan {
            start_date: start,
            exit: None,
            answered: Vec::new(),
            ..people[i].clone()
        };
        let id = register(
            store,
            &mut rng,
            &org.id,
            &lead,
            &programmes[i % 2].id,
            &person,
        )
        .await?;
        if open != "intake" {
            answer(
                store,
                &mut rng,
                instrument,
                &id,
                intake(),
                (start, start + ANSWER_DELAY),
                0.3,
            )
            .await?;
        }
        let follow_ups = match open {
            "exit" => 1,
            "journey" => 2,
            _ => 0,
        };
        for number in 1..=follow_ups {
            let occasion = OccasionRef {
                kind: OccasionKind::FollowUp,
                number,
            };
            let due = start
                .checked_add_months(Months::new(3 * number))
                .unwrap_or(start);
            let progress = 0.3 + 0.2 * f64::from(number);
            let days = (due, due + ANSWER_DELAY);
            answer(store, &mut rng, instrument, &id, occasion, days, progress).await?;
        }
        if open == "exit" {
            store.record_exit(&org.id, &id, today, "arbete").await?;
        }
        let access_code = stegvis_domain::access::generate_access_code(&mut rng);
        store
            .issue_access_code(
                &id,
                &access_code,
                &lead.id,
                Utc::now() + chrono::Duration::days(14),
            )
            .await?;
        let code = store
            .participant(&id)
            .await?
            .map(|p| p.code)
            .unwrap_or_default();
        showcase.push(DemoParticipant {
            code,
            open,
            access_code,
        });
    }

    Ok(Some(Seeded {
        accounts: vec![
            DemoAccount {
                role: "admin",
                email: admin.email,
            },
            DemoAccount {
                role: "case manager",
                email: lead.email,
            },
            DemoAccount {
                role: "evaluator",
                email: "utvarderare@demo.stegvis.se".into(),
            },
        ],
        participants: people.len() + showcase.len(),
        check_ins,
        showcase,
    }))
}

fn intake() -> OccasionRef {
    OccasionRef {
        kind: OccasionKind::Intake,
        number: 0,
    }
}

/// Registers one planned person the way a case manager would: anonymous
/// people keep only gender and start date.
async fn register(
    store: &Store,
    rng: &mut StdRng,
    organisation_id: &str,
    case_manager: &StaffRow,
    programme_id: &str,
    person: &PersonPlan,
) -> Result<String, StoreError> {
    let consent = person.consent.then(|| Consent {
        at: Utc::now(),
        by: case_manager.id.clone(),
        version: "samtycke-2026-1".into(),
    });
    loop {
        let code = stegvis_domain::access::generate_participant_code(rng);
        let new = NewParticipant {
            organisation_id,
            case_manager_id: &case_manager.id,
            programme_id: Some(programme_id),
            code: &code,
            start_date: person.start_date,
            gender: person.gender.code(),
            birth_year: person.consent.then_some(person.birth_year),
            municipality: person.consent.then_some(person.municipality),
            referral: person.consent.then(|| person.referral.code()),
            protected_identity: person.protected_identity,
            consent: consent.clone(),
            personnummer: None,
        };
        match store.register_participant(&new).await {
            Err(StoreError::CodeTaken) => continue,
            other => return other,
        }
    }
}

/// Stores a past check-in whose answers sit about `progress` of the way up
/// each scale, with some noise and the odd "Vill inte svara".
async fn answer(
    store: &Store,
    rng: &mut StdRng,
    instrument: &Instrument,
    participant_id: &str,
    occasion: OccasionRef,
    (date, last_day): (NaiveDate, NaiveDate),
    progress: f64,
) -> Result<(), StoreError> {
    // Answered within a week or so of the occasion, during office hours, and
    // never after the last day the app would take it (a follow-up answered
    // after the exit check-in is not something the app allows).
    let day = (date + chrono::Days::new(rng.random_range(0..8))).min(last_day.max(date));
    let submitted_at = day
        .and_hms_opt(rng.random_range(9..16), rng.random_range(0..60), 0)
        .map_or_else(Utc::now, |t| t.and_utc())
        .min(Utc::now());
    let answers: BTreeMap<String, AnswerValue> = instrument
        .items_for(occasion.kind)
        .into_iter()
        .map(|item| {
            let value = if rng.random_bool(0.04) {
                AnswerValue::Declined
            } else {
                let last = item.options.len().saturating_sub(1);
                // Satisfaction with the support runs higher than self-rated
                // progress, as in real programmes (an NDI around 70).
                let centre = if item.domain == stegvis_domain::instrument::Domain::Satisfaction {
                    0.55 + 0.35 * progress
                } else {
                    progress
                };
                let noisy = (centre + rng.random_range(-0.15..0.15)).clamp(0.0, 1.0);
                // usize from a value in 0..=last: rounding a non-negative float.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let index = ((noisy * last as f64).round() as usize).min(last);
                AnswerValue::Option(item.options[index].code.clone())
            };
            (item.id.clone(), value)
        })
        .collect();
    let checked = check_submission(instrument, occasion.kind, &answers)
        .map_err(|e| StoreError::Corrupt(format!("demo answers: {e}")))?;
    store
        .store_check_in(&NewCheckIn {
            submission_id: ids::submission_id(),
            participant_id: participant_id.to_owned(),
            occasion,
            instrument_version: instrument.version(),
            language: "sv".into(),
            answers: checked.into_iter().map(Into::into).collect(),
            assisted_by: None,
            submitted_at: Some(submitted_at),
            answered_at: None,
        })
        .await?;
    Ok(())
}
