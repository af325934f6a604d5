//! Sessions kept in Stegvis's own database through the [`Store`], so they
//! survive restarts and live wherever the data lives (SQLite or a shared
//! server). `tower-sessions` handles cookies, ids and expiry; this is only
//! the storage. (Its ready-made sqlx store is built on an older sqlx.)
//!
//! The layer saves the session after every request, only to push the idle
//! expiry forward; on SQLite every save is a durable commit. So a save that
//! changes nothing but the expiry is skipped while the expiry last written
//! by this process is less than [`RENEW_AFTER_SECS`] older: a session is
//! written at most about once a minute unless its data changes, which is
//! written at once. What that costs, accepted on purpose:
//!
//! - the stored expiry can lag up to a minute behind the last use, so the
//!   idle timeout can end a session up to a minute early, never late;
//! - "last used" of a staff session (`staff_sessions`) can be up to a
//!   minute old.
//!
//! Each server process remembers only what it loaded and wrote itself.
//! Skipping a write only ever leaves the row as it is, so several processes
//! are safe: a session deleted elsewhere (sign-out, a new password) stays
//! deleted, and data another process wrote is noticed at the next load.

use app::session::ssr::{LABEL_KEY, PARTICIPANT_KEY, STAFF_KEY};
use async_trait::async_trait;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, PoisonError};
use stegvis_store::{SessionWrite, Store};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};

/// A save whose data is unchanged is written only once the new expiry is
/// this many seconds past the one last written (see the module header).
pub const RENEW_AFTER_SECS: i64 = 60;

/// Above this many remembered sessions, those past their expiry are
/// forgotten, so memory stays bounded by the sessions in use.
const PRUNE_ABOVE: usize = 10_000;

/// The session storage handed to the session layer. Clones share what was
/// written, so every request of one process sees the same memory.
#[derive(Debug, Clone)]
pub struct StoreSessions {
    store: Store,
    written: Arc<Written>,
}

impl StoreSessions {
    /// Sessions kept in `store`, with nothing yet remembered as written.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            written: Arc::new(Written::default()),
        }
    }
}

/// What this process last wrote of each session: the hash of its data and
/// its expiry (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    hash: u64,
    expires_at: i64,
}

/// The sessions this process wrote (or loaded unchanged since), to tell a
/// save that only pushes the expiry a little forward.
#[derive(Debug, Default)]
struct Written {
    /// Keyed per process at random, so nobody can choose data whose hash
    /// collides with another's.
    hasher: RandomState,
    seen: Mutex<HashMap<Id, Seen>>,
}

impl Written {
    fn seen(&self) -> std::sync::MutexGuard<'_, HashMap<Id, Seen>> {
        // The map holds no invariant a panic could break half-way.
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The hash of a session's data, the same whatever order its map holds
    /// the keys in.
    fn hash(&self, record: &Record) -> u64 {
        let sorted: BTreeMap<&String, &serde_json::Value> = record.data.iter().collect();
        self.hasher
            .hash_one(serde_json::to_string(&sorted).unwrap_or_default())
    }

    /// Whether saving `now` must reach the database: the data changed since
    /// it was last written, or the expiry moves by a minute or more (or
    /// backwards, which a skipped write would make late).
    fn must_write(&self, id: &Id, now: Seen) -> bool {
        match self.seen().get(id) {
            Some(last) => {
                last.hash != now.hash
                    || now.expires_at < last.expires_at
                    || now.expires_at >= last.expires_at + RENEW_AFTER_SECS
            }
            None => true,
        }
    }

    /// Remembers what was just written, forgetting expired sessions when
    /// the map grows large.
    fn wrote(&self, id: Id, now: Seen) {
        let mut seen = self.seen();
        if seen.len() >= PRUNE_ABOVE {
            let at = unix_now();
            seen.retain(|_, s| s.expires_at > at);
        }
        seen.insert(id, now);
    }

    /// A load found `hash`: if it differs from what this process wrote,
    /// another one changed the row, and the next save writes.
    fn loaded(&self, id: &Id, hash: u64) {
        let mut seen = self.seen();
        if seen.get(id).is_some_and(|s| s.hash != hash) {
            seen.remove(id);
        }
    }

    fn forget(&self, id: &Id) {
        self.seen().remove(id);
    }
}

fn backend(err: stegvis_store::StoreError) -> Error {
    Error::Backend(err.to_string())
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
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
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        // A fresh id on the (astronomically unlikely) clash.
        while !self
            .store
            .create_session(&record.id.to_string(), &write(record, &data))
            .await
            .map_err(backend)?
        {
            record.id = Id::default();
        }
        let seen = Seen {
            hash: self.written.hash(record),
            expires_at: record.expiry_date.unix_timestamp(),
        };
        self.written.wrote(record.id, seen);
        Ok(())
    }

    /// Saves a session that was loaded at the start of the request. When
    /// another request deleted it meanwhile (sign-out in a second tab, a new
    /// id at sign-in), it stays deleted: the browser's next request finds no
    /// session, instead of this one bringing a signed-out session back.
    ///
    /// Unchanged data with an expiry less than [`RENEW_AFTER_SECS`] past the
    /// one last written is not written at all (see the module header); that
    /// leaves the row as it is, deleted or not.
    async fn save(&self, record: &Record) -> Result<()> {
        let seen = Seen {
            hash: self.written.hash(record),
            expires_at: record.expiry_date.unix_timestamp(),
        };
        if !self.written.must_write(&record.id, seen) {
            return Ok(());
        }
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        let kept = self
            .store
            .save_session(&record.id.to_string(), &write(record, &data))
            .await
            .map_err(backend)?;
        if kept {
            self.written.wrote(record.id, seen);
        } else {
            self.written.forget(&record.id);
            tracing::debug!("session ended by another request; not saved again");
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some(data) = self
            .store
            .load_session(&id.to_string(), unix_now())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?;
        // The stored expiry is checked by the query; the layer sets a new one on save.
        let record = Record {
            id: *id,
            data,
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::minutes(1),
        };
        self.written.loaded(id, self.written.hash(&record));
        Ok(Some(record))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.written.forget(id);
        self.store
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
        match store.delete_expired_sessions(unix_now()).await {
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

    #[test]
    fn unchanged_data_is_written_again_only_once_the_expiry_moves_a_minute() {
        let written = Written::default();
        let mut phone = record(serde_json::json!({"a": 1, "b": "two", "c": [3]}));
        let id = phone.id;
        let at = |hash, expires_at| Seen { hash, expires_at };
        let hash = written.hash(&phone);
        assert!(
            written.must_write(&id, at(hash, 1_000)),
            "nothing written yet"
        );
        written.wrote(id, at(hash, 1_000));
        assert!(!written.must_write(&id, at(hash, 1_000)));
        assert!(!written.must_write(&id, at(hash, 1_059)));
        assert!(written.must_write(&id, at(hash, 1_060)), "a minute later");
        assert!(
            written.must_write(&id, at(hash, 999)),
            "earlier is never skipped"
        );

        // The same data in a map built another way hashes the same.
        let same = record(serde_json::json!({"c": [3], "b": "two", "a": 1}));
        assert_eq!(written.hash(&same), hash);
        phone.data.insert("b".into(), "three".into());
        assert!(
            written.must_write(&id, at(written.hash(&phone), 1_001)),
            "data changed"
        );

        // A load of other data (another process wrote it) forgets the entry;
        // a load of the same keeps it.
        written.loaded(&id, hash);
        assert!(!written.must_write(&id, at(hash, 1_001)));
        written.loaded(&id, written.hash(&phone));
        assert!(written.must_write(&id, at(hash, 1_001)));

        written.wrote(id, at(hash, 1_000));
        written.forget(&id);
        assert!(written.must_write(&id, at(hash, 1_001)), "deleted");
    }

    #[test]
    fn expired_entries_are_forgotten_when_the_map_grows() {
        let written = Written::default();
        for _ in 0..PRUNE_ABOVE {
            written.wrote(
                Id::default(),
                Seen {
                    hash: 0,
                    expires_at: 1,
                },
            );
        }
        let live = Id::default();
        let later = unix_now() + 600;
        written.wrote(
            live,
            Seen {
                hash: 0,
                expires_at: later,
            },
        );
        assert_eq!(written.seen().len(), 1);
        assert!(!written.must_write(
            &live,
            Seen {
                hash: 0,
                expires_at: later
            }
        ));
    }
}
