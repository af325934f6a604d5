//! The evaluator's figures at scale: an organisation's statistics
//! respondents read compactly and kept in memory between requests.
//!
//! Reading every answer row and building respondents on every request cost
//! about 250 µs per participant (half a minute at 100 000 participants).
//! Instead:
//!
//! - each check-in carries its scores in one compact column
//!   (`item=score;…`, kept by database triggers from the answer rows, see
//!   migration 0012), so loading reads one row per participant and one per
//!   check-in, in two plain queries put in order here (sorting in the
//!   database cost more than reading them) ([`Store::load_respondents`]);
//! - a [`RespondentCache`] keeps each organisation's respondents and, on every
//!   request, asks the database only for the organisation's change counter
//!   (one primary-key read). Triggers log every change that can move a figure
//!   with the participant it concerns; the cache reloads just those
//!   participants. An erasure bumps the organisation's epoch and clears its
//!   log entries, and a changed epoch makes the cache load everything again,
//!   so figures never count an erased person once the erasure is committed.
//!   The counter lives in the database, so several server processes sharing
//!   one database stay correct.
//!
//! See docs/statistics.md, "Figures at scale".

use crate::{Store, StoreError, StoreResult};
use std::collections::HashMap;
use std::sync::Arc;
use stegvis_domain::stats::{ItemIndex, Respondent};

/// Where an organisation's figures stand in the database: the number of its
/// last logged change, its erasure epoch, and the last change number no
/// longer kept in the log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatisticsVersion {
    pub seq: i64,
    pub epoch: i64,
    pub pruned_through: i64,
}

/// Respondents in participant-id order, with their ids beside them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadedRespondents {
    pub participant_ids: Vec<String>,
    pub respondents: Vec<Respondent>,
}

/// The participant columns a respondent is made of, in the order
/// [`respondent_from_row`] reads them.
pub(crate) const PARTICIPANTS_SELECT: &str =
    "SELECT p.id, p.gender, p.birth_year, p.municipality, p.referral, p.consent_at,
            p.programme_id, p.intake_date, p.exit_date, p.exit_outcome
     FROM participants p WHERE p.organisation_id = $1";

pub(crate) const CHECK_INS_SELECT: &str =
    "SELECT c.participant_id, c.occasion_kind, c.occasion_number, c.submitted_at, c.scores,
            c.submission_id
     FROM check_ins c JOIN participants p ON p.id = c.participant_id
     WHERE p.organisation_id = $1 AND c.scores IS NOT NULL";

/// Limits a query above to the participants changed after change `$2`.
pub(crate) const CHANGED_ONLY: &str = " AND p.id IN (SELECT participant_id FROM statistics_changes
                                          WHERE organisation_id = $1 AND seq > $2)";

/// A check-in's score vector from its compact `item=score;…` text. Items the
/// index does not know are ignored, as the row-by-row reading does.
pub(crate) fn scores_from_compact(index: &ItemIndex, text: &str) -> StoreResult<Vec<Option<i32>>> {
    let items = index.items();
    let mut scores = vec![None; items.len()];
    // Answers are usually written in instrument order: try the next position first.
    let mut next = 0;
    for entry in text.split(';') {
        let Some((item, score)) = entry.rsplit_once('=') else {
            return Err(StoreError::Corrupt(format!("check-in scores {entry:?}")));
        };
        let position = if items.get(next).is_some_and(|i| i.id == item) {
            Some(next)
        } else {
            index.position(item)
        };
        if let Some(p) = position {
            scores[p] = if score.is_empty() {
                None
            } else {
                Some(
                    score
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("check-in score {score:?}")))?,
                )
            };
            next = p + 1;
        }
    }
    Ok(scores)
}

/// One organisation's respondents as last read, and the version they match.
#[derive(Debug)]
struct Cached {
    index: ItemIndex,
    version: StatisticsVersion,
    participant_ids: Vec<String>,
    respondents: Arc<Vec<Respondent>>,
}

type Slot = Arc<tokio::sync::Mutex<Option<Cached>>>;

/// Each organisation's respondents, kept in memory between requests and
/// checked against the database's change counter on every use. Shared by
/// every clone of a [`Store`].
#[derive(Debug, Default)]
pub struct RespondentCache {
    organisations: std::sync::Mutex<HashMap<String, Slot>>,
}

impl RespondentCache {
    /// The organisation's respondents as the database holds them now.
    /// Requests for one organisation take turns, so a reload happens once,
    /// not once per waiting request.
    pub async fn get(
        &self,
        store: &Store,
        organisation_id: &str,
        index: &ItemIndex,
    ) -> StoreResult<Arc<Vec<Respondent>>> {
        let slot = {
            let mut map = self
                .organisations
                .lock()
                .map_err(|_| StoreError::Corrupt("respondent cache lock poisoned".into()))?;
            map.entry(organisation_id.to_owned()).or_default().clone()
        };
        let mut cached = slot.lock().await;
        // Read the version first: whatever is loaded after it is at least as new.
        let version = store.statistics_version(organisation_id).await?;
        if let Some(c) = cached.as_mut() {
            let usable = c.index == *index
                && c.version.epoch == version.epoch
                && c.version.seq <= version.seq
                && c.version.seq >= version.pruned_through;
            if usable {
                if c.version.seq < version.seq {
                    let changed = store
                        .changed_participants(organisation_id, c.version.seq)
                        .await?;
                    let fresh = store
                        .load_respondents_where(organisation_id, Some(c.version.seq), index)
                        .await?;
                    apply_changes(c, &changed, fresh);
                    c.version = version;
                }
                return Ok(c.respondents.clone());
            }
        }
        let loaded = store.load_respondents(organisation_id, index).await?;
        let respondents = Arc::new(loaded.respondents);
        *cached = Some(Cached {
            index: index.clone(),
            version,
            participant_ids: loaded.participant_ids,
            respondents: respondents.clone(),
        });
        Ok(respondents)
    }

    /// Whether the organisation's respondents are held (loaded once, and
    /// not being loaded right now).
    pub fn holds(&self, organisation_id: &str) -> bool {
        let Ok(map) = self.organisations.lock() else {
            return false;
        };
        map.get(organisation_id)
            .and_then(|slot| slot.try_lock().ok().map(|c| c.is_some()))
            .unwrap_or(false)
    }

    /// Forgets everything (tests, and a database restored under a running server).
    pub fn clear(&self) {
        if let Ok(mut map) = self.organisations.lock() {
            map.clear();
        }
    }
}

/// Puts freshly read participants in place, and removes changed ones the
/// database no longer has in the organisation.
fn apply_changes(cached: &mut Cached, changed: &[String], fresh: LoadedRespondents) {
    let respondents = Arc::make_mut(&mut cached.respondents);
    let ids = &mut cached.participant_ids;
    let mut fresh_by_id: HashMap<String, Respondent> = fresh
        .participant_ids
        .into_iter()
        .zip(fresh.respondents)
        .collect();
    for id in changed {
        let found = ids.binary_search(id);
        match (found, fresh_by_id.remove(id)) {
            (Ok(at), Some(r)) => respondents[at] = r,
            (Err(at), Some(r)) => {
                ids.insert(at, id.clone());
                respondents.insert(at, r);
            }
            (Ok(at), None) => {
                ids.remove(at);
                respondents.remove(at);
            }
            (Err(_), None) => {}
        }
    }
    // Changed after the change list was read: in place as well.
    for (id, r) in fresh_by_id {
        match ids.binary_search(&id) {
            Ok(at) => respondents[at] = r,
            Err(at) => {
                ids.insert(at, id);
                respondents.insert(at, r);
            }
        }
    }
}
