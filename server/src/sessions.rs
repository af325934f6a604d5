//! Sessions kept in Stegvis's own database through the [`Store`], so they
//! survive restarts and live wherever the data lives (SQLite or a shared
//! server). `tower-sessions` handles cookies, ids and expiry; this is only
//! the storage. (Its ready-made sqlx store is built on an older sqlx.)
//!
//! The layer saves every session at the end of every request (so the cookie's
//! idle expiry moves on), but requests of one browser overlap: a request that
//! only read the session must not write back the data it read over what
//! another request changed meanwhile (a kept access-sheet code, the mark that
//! staff answer together with a participant). So `load` notes the data it
//! read, and `save` writes the data only when it changed, else only renews
//! the expiry.

use app::session::ssr::{LABEL_KEY, PARTICIPANT_KEY, STAFF_KEY};
use async_trait::async_trait;
use std::collections::{BTreeMap, HashMap};
use stegvis_store::{SessionWrite, Store};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};

/// The session storage handed to the session layer.
#[derive(Debug, Clone)]
pub struct StoreSessions(pub Store);

fn backend(err: stegvis_store::StoreError) -> Error {
    Error::Backend(err.to_string())
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Where `load` notes the data it read (in [`canonical`] spelling); never stored.
const LOADED_KEY: &str = "__loaded";

/// The session's data in one canonical spelling (keys sorted, the note of
/// [`LOADED_KEY`] left out): what is stored, and what `save` compares.
fn canonical(data: &HashMap<String, serde_json::Value>) -> Result<String> {
    let sorted: BTreeMap<&String, &serde_json::Value> =
        data.iter().filter(|(k, _)| *k != LOADED_KEY).collect();
    serde_json::to_string(&sorted).map_err(|e| Error::Encode(e.to_string()))
}

/// A text value of the session's data, if it has one under `key`.
fn text<'a>(record: &'a Record, key: &str) -> Option<&'a str> {
    record.data.get(key).and_then(serde_json::Value::as_str)
}

/// The participant a phone's session is signed in as: the id inside the
/// value under [`PARTICIPANT_KEY`] (a `ParticipantSession`).
fn participant_id(record: &Record) -> Option<&str> {
    record
        .data
        .get(PARTICIPANT_KEY)
        .and_then(|v| v.get("participant_id"))
        .and_then(serde_json::Value::as_str)
}

/// What the store writes for a record: its data and expiry, the staff
/// account or participant it is signed in as and the browser's label.
fn write<'a>(record: &'a Record, data: &'a str) -> SessionWrite<'a> {
    SessionWrite {
        data,
        expires_at: record.expiry_date.unix_timestamp(),
        staff_id: text(record, STAFF_KEY),
        participant_id: participant_id(record),
        label: text(record, LABEL_KEY),
    }
}

#[async_trait]
impl SessionStore for StoreSessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let data = canonical(&record.data)?;
        // A fresh id on the (astronomically unlikely) clash.
        while !self
            .0
            .create_session(&record.id.to_string(), &write(record, &data))
            .await
            .map_err(backend)?
        {
            record.id = Id::default();
        }
        Ok(())
    }

    /// Saves a session that was loaded at the start of the request: its data
    /// only when this request changed it, else just a later expiry. When
    /// another request deleted it meanwhile (sign-out in a second tab, a new
    /// id at sign-in), it stays deleted: the browser's next request finds no
    /// session, instead of this one bringing a signed-out session back.
    async fn save(&self, record: &Record) -> Result<()> {
        let data = canonical(&record.data)?;
        let id = record.id.to_string();
        let unchanged = text(record, LOADED_KEY) == Some(data.as_str());
        let kept = if unchanged {
            self.0
                .touch_session(&id, record.expiry_date.unix_timestamp())
                .await
        } else {
            self.0.save_session(&id, &write(record, &data)).await
        }
        .map_err(backend)?;
        if !kept {
            tracing::debug!("session ended by another request; not saved again");
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some(data) = self
            .0
            .load_session(&id.to_string(), now())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let mut data: HashMap<String, serde_json::Value> =
            serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?;
        let read = canonical(&data)?;
        data.insert(LOADED_KEY.into(), read.into());
        // The stored expiry is checked by the query; the layer sets a new one on save.
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::minutes(1),
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.0
            .delete_session(&id.to_string())
            .await
            .map_err(backend)
    }
}

/// Removes expired sessions now and then, so the table stays small.
pub async fn prune_expired(store: Store) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(15 * 60));
    loop {
        every.tick().await;
        match store.delete_expired_sessions(now()).await {
            Ok(n) if n > 0 => tracing::debug!(removed = n, "expired sessions removed"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "could not remove expired sessions"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn record(data: serde_json::Value) -> Record {
        Record {
            id: Id::default(),
            data: serde_json::from_value(data).unwrap(),
            expiry_date: time::OffsetDateTime::now_utc(),
        }
    }

    #[test]
    fn a_phones_session_is_written_with_its_participant_and_a_staff_session_without() {
        let phone = record(serde_json::json!({
            PARTICIPANT_KEY: {"participant_id": "p-1", "device_id": "d-1"},
        }));
        let written = write(&phone, "{}");
        assert_eq!(written.participant_id, Some("p-1"));
        assert_eq!(written.staff_id, None);
        // A case manager assisting p-1 holds its id, but is not signed in as it.
        let staff = record(serde_json::json!({STAFF_KEY: "s-1", "assisting": "p-1"}));
        let written = write(&staff, "{}");
        assert_eq!(written.participant_id, None);
        assert_eq!(written.staff_id, Some("s-1"));
    }
}
