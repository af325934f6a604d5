//! The evaluator's figures read fast give the same respondents as reading
//! every answer row, and the in-memory respondents follow every change in
//! the database: a new check-in, an exit, a withdrawal, an erasure, also
//! when another server process (another `Store` on the same database) made
//! the change. An erased person is never counted again and leaves nothing
//! in the change log. The caseload's compact reading says what each
//! participant's own check-ins say.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use chrono::{NaiveDate, TimeZone, Utc};
use std::collections::BTreeMap;
use stegvis_domain::check_in::check_submission;
use stegvis_domain::instrument::{AnswerValue, Instrument};
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::stats::{ItemIndex, Respondent};
use stegvis_store::testing::TestDatabase;
use stegvis_store::{
    Consent, Keyring, NewCheckIn, NewParticipant, NewStaff, OccasionRef, Role, Store, WithdrawalHow,
};

const SOURCE: &str = include_str!("../../instruments/stegvis-bas.toml");

struct World {
    store: Store,
    /// The database `store` is on (removed when the world is dropped).
    db: Option<TestDatabase>,
    instrument: Instrument,
    index: ItemIndex,
    org: String,
    case_manager: String,
}

async fn world() -> World {
    let db = TestDatabase::migrated().await;
    let store = db.store().await.with_secrets(Keyring::for_tests());
    let instrument = Instrument::from_toml(SOURCE).unwrap();
    store
        .register_instrument(&instrument, SOURCE)
        .await
        .unwrap();
    let org = store.create_organisation("Förbundet").await.unwrap().id;
    let case_manager = store
        .create_staff(&NewStaff {
            organisation_id: &org,
            email: "lots@forbund.se",
            name: "Lots",
            password_hash: "hash",
            roles: &[Role::CaseManager],
        })
        .await
        .unwrap()
        .id;
    World {
        index: ItemIndex::new(&instrument),
        store,
        db: Some(db),
        instrument,
        org,
        case_manager,
    }
}

impl World {
    /// Another server process on the same database: its own `Store` and memory.
    async fn other_server(&self) -> Store {
        self.db
            .as_ref()
            .unwrap()
            .store()
            .await
            .with_secrets(Keyring::for_tests())
    }

    async fn participant(&self, org: &str, code: &str, consent: bool, day: u32) -> String {
        let case_manager = if org == self.org {
            self.case_manager.clone()
        } else {
            self.store
                .create_staff(&NewStaff {
                    organisation_id: org,
                    email: "annan@forbund.se",
                    name: "Annan",
                    password_hash: "hash",
                    roles: &[Role::CaseManager],
                })
                .await
                .unwrap()
                .id
        };
        self.store
            .register_participant(&NewParticipant {
                organisation_id: org,
                case_manager_id: &case_manager,
                programme_id: None,
                code,
                start_date: NaiveDate::from_ymd_opt(2026, 1, day).unwrap(),
                gender: if day.is_multiple_of(2) {
                    "kvinna"
                } else {
                    "man"
                },
                birth_year: consent.then_some(1980 + i32::try_from(day).unwrap()),
                municipality: consent.then_some("Haninge"),
                referral: consent.then_some("af"),
                protected_identity: false,
                consent: consent.then(|| Consent {
                    at: Utc::now(),
                    by: case_manager.clone(),
                    version: "samtycke-2026-1".into(),
                }),
                personnummer: None,
            })
            .await
            .unwrap()
    }

    /// A check-in answering option `pick` of every item (clamped), with
    /// "Vill inte svara" on the item at `declined`.
    async fn check_in(&self, id: &str, occasion: OccasionRef, pick: usize, declined: usize) {
        let answers: BTreeMap<_, _> = self
            .instrument
            .items_for(occasion.kind)
            .iter()
            .enumerate()
            .map(|(n, i)| {
                let value = if n == declined {
                    AnswerValue::Declined
                } else {
                    AnswerValue::Option(i.options[pick.min(i.options.len() - 1)].code.clone())
                };
                (i.id.clone(), value)
            })
            .collect();
        let checked = check_submission(&self.instrument, occasion.kind, &answers).unwrap();
        self.store
            .store_check_in(&NewCheckIn {
                submission_id: uuid::Uuid::new_v4().to_string(),
                participant_id: id.to_owned(),
                occasion,
                instrument_version: self.instrument.version(),
                language: "sv".into(),
                answers: checked.into_iter().map(Into::into).collect(),
                assisted_by: None,
                submitted_at: Some(Utc.with_ymd_and_hms(2026, 2, 3, 10, 0, 0).unwrap()),
                answered_at: None,
            })
            .await
            .unwrap();
    }

    /// The straightforward reading: every answer row, every time.
    async fn by_answer(&self) -> Vec<Respondent> {
        self.store
            .respondents(&self.org, &self.index)
            .await
            .unwrap()
    }

    async fn cached(&self, store: &Store) -> Vec<Respondent> {
        store
            .statistics_respondents(&self.org, &self.index)
            .await
            .unwrap()
            .as_ref()
            .clone()
    }
}

const INTAKE: OccasionRef = OccasionRef {
    kind: OccasionKind::Intake,
    number: 0,
};

fn follow_up(number: u32) -> OccasionRef {
    OccasionRef {
        kind: OccasionKind::FollowUp,
        number,
    }
}

#[tokio::test]
async fn compact_reading_gives_the_same_respondents_as_reading_every_answer() {
    let w = world().await;
    let other_org = w.store.create_organisation("Grannen").await.unwrap().id;
    for n in 1..=12u32 {
        let id = w
            .participant(&w.org, &format!("AAA-{n:03}"), !n.is_multiple_of(3), n)
            .await;
        if !n.is_multiple_of(4) {
            w.check_in(&id, INTAKE, n as usize % 5, n as usize % 7)
                .await;
        }
        // Participant 4 has answered nothing.
        if n.is_multiple_of(2) && n != 4 {
            w.check_in(&id, follow_up(1), 3, 99).await;
        }
        if n.is_multiple_of(5) {
            w.store
                .record_exit(
                    &w.org,
                    &id,
                    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
                    "arbete",
                )
                .await
                .unwrap();
        }
    }
    let stranger = w.participant(&other_org, "BBB-001", true, 3).await;
    w.check_in(&stranger, INTAKE, 2, 0).await;

    let expected = w.by_answer().await;
    assert_eq!(expected.len(), 12, "only the organisation's participants");
    assert!(expected.iter().any(|r| r.check_ins.is_empty()));
    assert!(expected.iter().any(|r| r.exit.is_some()));
    assert!(expected
        .iter()
        .flat_map(|r| &r.check_ins)
        .any(|c| c.scores.iter().any(Option::is_none)));
    let loaded = w.store.load_respondents(&w.org, &w.index).await.unwrap();
    assert_eq!(loaded.respondents, expected);
    assert_eq!(loaded.participant_ids.len(), 12);
    assert!(loaded.participant_ids.windows(2).all(|p| p[0] < p[1]));
    assert!(!w.store.statistics_held(&w.org));
    assert_eq!(w.cached(&w.store).await, expected);
    assert!(w.store.statistics_held(&w.org));
    assert!(!w.store.statistics_held(&other_org));
    let mut organisations = w.store.organisation_ids().await.unwrap();
    organisations.sort();
    let mut both = vec![w.org.clone(), other_org.clone()];
    both.sort();
    assert_eq!(organisations, both);
}

/// The caseload reads a few columns per participant and the answered
/// occasions; they say the same as each participant's own check-ins.
#[tokio::test]
async fn the_caseload_entries_match_each_participants_check_ins() {
    let w = world().await;
    let other_org = w.store.create_organisation("Grannen").await.unwrap().id;
    let mut ids = Vec::new();
    for n in 1..=9u32 {
        let id = w.participant(&w.org, &format!("CCC-{n:03}"), true, n).await;
        if n % 3 != 0 {
            w.check_in(&id, INTAKE, 1, 99).await;
        }
        if n % 3 == 1 {
            w.check_in(&id, follow_up(1), 2, 99).await;
            w.check_in(&id, follow_up(2), 2, 99).await;
        }
        ids.push(id);
    }
    let stranger = w.participant(&other_org, "DDD-001", true, 3).await;
    w.check_in(&stranger, INTAKE, 2, 0).await;

    let all = w.store.caseload(&w.org, None).await.unwrap();
    let mine = w
        .store
        .caseload(&w.org, Some(&w.case_manager))
        .await
        .unwrap();
    assert_eq!(all, mine);
    assert!(w
        .store
        .caseload(&w.org, Some("someone-else"))
        .await
        .unwrap()
        .is_empty());
    let mut listed: Vec<_> = all.iter().map(|e| e.id.clone()).collect();
    assert!(listed.windows(2).all(|p| p[0] < p[1]), "in id order");
    listed.sort();
    ids.sort();
    assert_eq!(listed, ids, "the organisation's participants, nobody else");
    for entry in &all {
        let detail = w
            .store
            .participant_in(&w.org, &entry.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(entry.code, detail.code);
        assert_eq!(entry.start_date, detail.start_date);
        assert_eq!(entry.exit_date, detail.exit_date);
        assert_eq!(entry.case_manager_name.as_deref(), Some("Lots"));
        let check_ins = w.store.check_ins_of(&entry.id).await.unwrap();
        let mut expected: Vec<_> = check_ins
            .iter()
            .map(|c| (c.occasion.kind, c.occasion.number))
            .collect();
        let mut answered = entry.answered.clone();
        expected.sort();
        answered.sort();
        assert_eq!(answered, expected, "{}", entry.code);
        assert_eq!(
            entry.last_check_in,
            check_ins.iter().map(|c| c.submitted_at).max()
        );
    }
    assert!(all.iter().any(|e| e.answered.len() == 3));
    assert!(all.iter().any(|e| e.answered.is_empty()));
}

#[tokio::test]
async fn kept_respondents_follow_every_change_also_from_another_server() {
    let w = world().await;
    // A second server process on the same database: its own Store and memory.
    let other_server = w.other_server().await;
    let first = w.participant(&w.org, "CCC-001", true, 4).await;
    let second = w.participant(&w.org, "CCC-002", false, 5).await;
    w.check_in(&first, INTAKE, 1, 0).await;
    assert_eq!(w.cached(&w.store).await, w.by_answer().await);
    assert_eq!(w.cached(&other_server).await, w.by_answer().await);

    // Stored through the other server: this one sees it.
    let other_world = World {
        store: other_server.clone(),
        db: None,
        instrument: w.instrument.clone(),
        index: w.index.clone(),
        org: w.org.clone(),
        case_manager: w.case_manager.clone(),
    };
    other_world.check_in(&second, INTAKE, 4, 2).await;
    other_world.check_in(&first, follow_up(1), 3, 99).await;
    let third = other_world.participant(&w.org, "CCC-003", true, 6).await;
    let now = w.by_answer().await;
    assert_eq!(now.len(), 3);
    assert_eq!(w.cached(&w.store).await, now);

    // An exit and a withdrawal that keeps the answers.
    other_server
        .record_exit(
            &w.org,
            &third,
            NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
            "studier",
        )
        .await
        .unwrap();
    other_server
        .withdraw_consent(
            &w.org,
            &first,
            NaiveDate::from_ymd_opt(2026, 5, 2).unwrap(),
            WithdrawalHow::Verbally,
            &w.case_manager,
            true,
        )
        .await
        .unwrap();
    assert_eq!(w.cached(&w.store).await, w.by_answer().await);

    // Erased through the other server: never counted here again.
    let before = w.cached(&w.store).await;
    assert!(other_server
        .erase_participant(&w.org, &second)
        .await
        .unwrap());
    let after = w.cached(&w.store).await;
    assert_eq!(after, w.by_answer().await);
    assert_eq!(after.len(), before.len() - 1);
    let left = w
        .store
        .test_sql()
        .count(
            "SELECT COUNT(*) FROM statistics_changes WHERE participant_id = $1",
            &[(&second).into()],
        )
        .await
        .unwrap();
    assert_eq!(left, 0, "the change log still names the erased person");
    assert_eq!(w.cached(&other_server).await, after);
}

#[tokio::test]
async fn a_server_behind_the_pruned_log_reads_everything_again() {
    let w = world().await;
    let first = w.participant(&w.org, "DDD-001", true, 7).await;
    assert_eq!(w.cached(&w.store).await, w.by_answer().await);
    let before = w.store.statistics_version(&w.org).await.unwrap();
    for n in 2..=4u32 {
        let id = w.participant(&w.org, &format!("DDD-{n:03}"), true, n).await;
        w.check_in(&id, INTAKE, 2, 0).await;
    }
    w.check_in(&first, INTAKE, 1, 1).await;
    let dropped = w.store.prune_statistics_changes(1).await.unwrap();
    assert!(dropped > 0);
    let after = w.store.statistics_version(&w.org).await.unwrap();
    assert!(after.pruned_through > before.seq);
    // The changes this store had not seen are gone from the log: it must
    // not patch from what is left.
    let cached = w.cached(&w.store).await;
    assert_eq!(cached.len(), 4);
    assert_eq!(cached, w.by_answer().await);
}

#[tokio::test]
async fn storing_a_check_in_logs_one_change_not_one_per_answer() {
    let w = world().await;
    let id = w.participant(&w.org, "EEE-001", true, 8).await;
    let before = w.store.statistics_version(&w.org).await.unwrap();
    w.check_in(&id, INTAKE, 2, 0).await;
    let after = w.store.statistics_version(&w.org).await.unwrap();
    assert_eq!(after.seq, before.seq + 1);
    assert_eq!(after.epoch, before.epoch);
}
