//! Demo data, so a fresh install has something to click through: two
//! programmes, and participants whose intake, first follow-up or exit check-in
//! is open today.
//!
//! Seeding only ever runs against a database with no participants, so it can
//! never mix invented people into real data.

use app::check_in::start_path;
use chrono::{Months, NaiveDate};
use std::collections::BTreeMap;
use stegvis_domain::check_in::check_submission;
use stegvis_domain::instrument::{AnswerValue, Instrument};
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::schedule::Window;
use stegvis_store::{ids, NewCheckIn, OccasionRef, Store, StoreError};

/// How many demo participants get an open intake check-in.
pub const INTAKE_PARTICIPANTS: usize = 16;
/// How many get an open first follow-up (intake three months ago, answered).
pub const FOLLOW_UP_PARTICIPANTS: usize = 3;
/// How many get an open exit check-in (leaving today).
pub const EXIT_PARTICIPANTS: usize = 2;

/// A demo participant and the link they answer with.
#[derive(Debug, Clone)]
pub struct DemoParticipant {
    pub code: String,
    /// Which check-in is open: `intake`, `follow-up` or `exit`.
    pub open: OccasionKind,
    pub path: String,
}

/// Seeds demo participants. Returns `None` when the database already has
/// participants (then nothing is written).
pub async fn seed(
    store: &Store,
    instrument: &Instrument,
    today: NaiveDate,
) -> Result<Option<Vec<DemoParticipant>>, StoreError> {
    if store.participant_count().await? > 0 {
        return Ok(None);
    }
    let three_months_ago = today.checked_sub_months(Months::new(3)).unwrap_or(today);
    let five_months_ago = today.checked_sub_months(Months::new(5)).unwrap_or(today);
    let plan = std::iter::repeat_n((OccasionKind::Intake, today), INTAKE_PARTICIPANTS)
        .chain(std::iter::repeat_n(
            (OccasionKind::FollowUp, three_months_ago),
            FOLLOW_UP_PARTICIPANTS,
        ))
        .chain(std::iter::repeat_n(
            (OccasionKind::Exit, five_months_ago),
            EXIT_PARTICIPANTS,
        ));
    let programmes = [
        store
            .create_programme("Steget vidare", Window::default())
            .await?,
        store
            .create_programme(
                "Arbetsträning",
                Window {
                    before_days: 7,
                    after_days: 21,
                },
            )
            .await?,
    ];
    let mut seeded = Vec::new();
    for (i, (open, intake)) in plan.enumerate() {
        let token = ids::access_token();
        let p = store
            .create_participant(&ids::participant_code(), &token, intake)
            .await?;
        store
            .assign_programme(&p.id, &programmes[i % programmes.len()].id)
            .await?;
        if open != OccasionKind::Intake {
            answer(store, instrument, &p.id, OccasionKind::Intake, 0, 1).await?;
        }
        if open == OccasionKind::Exit {
            answer(store, instrument, &p.id, OccasionKind::FollowUp, 1, 2).await?;
            store.set_exit_date(&p.id, today).await?;
        }
        seeded.push(DemoParticipant {
            code: p.code,
            open,
            path: start_path(&token),
        });
    }
    Ok(Some(seeded))
}

/// Stores a past check-in: option `level` (0-based, capped) on every item.
async fn answer(
    store: &Store,
    instrument: &Instrument,
    participant_id: &str,
    kind: OccasionKind,
    number: u32,
    level: usize,
) -> Result<(), StoreError> {
    let answers: BTreeMap<String, AnswerValue> = instrument
        .items_for(kind)
        .into_iter()
        .map(|item| {
            let option = &item.options[level.min(item.options.len() - 1)];
            (item.id.clone(), AnswerValue::Option(option.code.clone()))
        })
        .collect();
    let checked = check_submission(instrument, kind, &answers)
        .map_err(|e| StoreError::Corrupt(format!("demo answers: {e}")))?;
    store
        .store_check_in(&NewCheckIn {
            submission_id: ids::submission_id(),
            participant_id: participant_id.to_owned(),
            occasion: OccasionRef { kind, number },
            instrument_version: instrument.version(),
            language: "sv".into(),
            answers: checked.into_iter().map(Into::into).collect(),
        })
        .await?;
    Ok(())
}
