//! Demo data, so a fresh install has something to click through.
//!
//! Seeding only ever runs against a database with no participants, so it can
//! never mix invented people into real data.

use app::check_in::start_path;
use stegvis_store::{ids, Store, StoreError};

/// How many demo participants get an open intake check-in.
pub const DEMO_PARTICIPANTS: usize = 8;

/// A demo participant and the link they answer with.
#[derive(Debug, Clone)]
pub struct DemoParticipant {
    pub code: String,
    pub path: String,
}

/// Seeds demo participants whose intake is open today. Returns `None` when the
/// database already has participants (then nothing is written).
pub async fn seed(
    store: &Store,
    today: chrono::NaiveDate,
) -> Result<Option<Vec<DemoParticipant>>, StoreError> {
    if store.participant_count().await? > 0 {
        return Ok(None);
    }
    let mut seeded = Vec::with_capacity(DEMO_PARTICIPANTS);
    for _ in 0..DEMO_PARTICIPANTS {
        let token = ids::access_token();
        let participant = store
            .create_participant(&ids::participant_code(), &token, today)
            .await?;
        seeded.push(DemoParticipant {
            code: participant.code,
            path: start_path(&token),
        });
    }
    Ok(Some(seeded))
}
