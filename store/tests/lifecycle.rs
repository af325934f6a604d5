//! A record's whole life against a real database (SQLite or PostgreSQL, see
//! `stegvis_store::testing`): erasure removes
//! exactly one person's rows in every table and changes statistics only by
//! that person; withdrawal erases or pseudonymises by the organisation's
//! setting; an erasure needs a second person; retention finds what is due;
//! pruning removes what only lives for a while; and SQLite's migration 0010
//! (which rebuilds `participants`) keeps every row of every table.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use chrono::{Duration, NaiveDate, Utc};
use sqlx::{Connection, Row};
use std::collections::BTreeMap;
use std::str::FromStr;
use stegvis_domain::check_in::check_submission;
use stegvis_domain::instrument::{AnswerValue, Instrument};
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::retention::{RetentionPolicy, RetentionReason};
use stegvis_domain::stats::ItemIndex;
use stegvis_store::testing::{self, TestDatabase};
use stegvis_store::{
    Consent, DraftRow, EngineKind, ErasureDecision, Keyring, LifecycleSettings, NewAuditEntry,
    NewCheckIn, NewParticipant, NewStaff, OccasionRef, Role, SessionWrite, Store, WithdrawalHow,
    WithdrawalOutcome,
};

const SOURCE: &str = include_str!("../../instruments/stegvis-bas.toml");
const INTAKE: OccasionRef = OccasionRef {
    kind: OccasionKind::Intake,
    number: 0,
};

struct World {
    store: Store,
    _db: TestDatabase,
    instrument: Instrument,
    org: String,
    case_manager: String,
    admin: String,
}

async fn world() -> World {
    let (store, db) = testing::store().await;
    let store = store.with_secrets(Keyring::for_tests());
    let instrument = Instrument::from_toml(SOURCE).unwrap();
    store
        .register_instrument(&instrument, SOURCE)
        .await
        .unwrap();
    let org = store.create_organisation("Förbundet").await.unwrap().id;
    let staff = |email: &'static str, role: Role| {
        let store = store.clone();
        let org = org.clone();
        async move {
            store
                .create_staff(&NewStaff {
                    organisation_id: &org,
                    email,
                    name: email,
                    password_hash: "hash",
                    roles: &[role],
                })
                .await
                .unwrap()
                .id
        }
    };
    let case_manager = staff("lots@forbund.se", Role::CaseManager).await;
    let admin = staff("admin@forbund.se", Role::Admin).await;
    World {
        store,
        _db: db,
        instrument,
        org,
        case_manager,
        admin,
    }
}

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 12).unwrap()
}

impl World {
    /// A participant with something in every table that can hold their data:
    /// a personnummer, a check-in with answers, a draft, a staff rating, a
    /// stuck check-in, a code, a phone, a phone session and audit records.
    async fn full_participant(&self, code: &str, municipality: &str, pnr: &str) -> String {
        let id = self
            .store
            .register_participant(&NewParticipant {
                organisation_id: &self.org,
                case_manager_id: &self.case_manager,
                programme_id: None,
                code,
                start_date: start(),
                gender: "kvinna",
                birth_year: Some(1984),
                municipality: Some(municipality),
                referral: Some("af"),
                protected_identity: false,
                consent: Some(Consent {
                    at: Utc::now(),
                    by: self.case_manager.clone(),
                    version: "samtycke-2026-1".into(),
                }),
                personnummer: Some(pnr),
            })
            .await
            .unwrap();
        let items = self.instrument.items_for(OccasionKind::Intake);
        let answers: BTreeMap<_, _> = items
            .iter()
            .map(|i| (i.id.clone(), AnswerValue::Option(i.options[0].code.clone())))
            .collect();
        let checked = check_submission(&self.instrument, OccasionKind::Intake, &answers).unwrap();
        self.store
            .store_check_in(&NewCheckIn {
                submission_id: uuid::Uuid::new_v4().to_string(),
                participant_id: id.clone(),
                occasion: INTAKE,
                instrument_version: self.instrument.version(),
                language: "sv".into(),
                answers: checked.into_iter().map(Into::into).collect(),
                assisted_by: None,
                submitted_at: None,
                answered_at: None,
            })
            .await
            .unwrap();
        self.store
            .save_draft(
                &id,
                &DraftRow {
                    submission_id: uuid::Uuid::new_v4().to_string(),
                    occasion: OccasionRef {
                        kind: OccasionKind::FollowUp,
                        number: 1,
                    },
                    instrument_version: self.instrument.version(),
                    language: "sv".into(),
                    answers: BTreeMap::new(),
                },
            )
            .await
            .unwrap();
        let item = &items[0];
        self.store
            .save_staff_rating(
                &id,
                INTAKE,
                &item.id,
                &item.options[0].code,
                &self.case_manager,
            )
            .await
            .unwrap();
        self.store
            .report_stuck_check_in(&id, &uuid::Uuid::new_v4().to_string(), 422, "fel")
            .await
            .unwrap();
        self.store
            .issue_access_code(
                &id,
                &format!("{}-AAAA", &code[..4]),
                &self.case_manager,
                Utc::now() + Duration::days(14),
            )
            .await
            .unwrap();
        let now = Utc::now();
        self.store
            .test_sql()
            .execute(
                "INSERT INTO participant_devices
                   (id, participant_id, token_hash, pin_hash, created_at, last_seen_at)
                 VALUES ($1, $2, $3, 'pin', $4, $5)",
                &[
                    uuid::Uuid::new_v4().to_string().into(),
                    (&id).into(),
                    format!("token-{id}").into(),
                    now.into(),
                    now.into(),
                ],
            )
            .await
            .unwrap();
        let data = format!(r#"{{"participant":{{"participant_id":"{id}","device_id":"d"}}}}"#);
        self.store
            .create_session(
                &format!("session-{id}"),
                &SessionWrite {
                    data: &data,
                    expires_at: now.timestamp() + 3600,
                    staff_id: None,
                    participant_id: Some(&id),
                    label: None,
                },
            )
            .await
            .unwrap();
        for action in ["register-participant", "read-answers"] {
            self.store
                .audit(&NewAuditEntry {
                    organisation_id: &self.org,
                    staff_id: Some(&self.case_manager),
                    action,
                    participant_id: Some(&id),
                    detail: "",
                })
                .await
                .unwrap();
        }
        id
    }

    /// Rows naming the participant in every table with a `participant_id`
    /// column (found from the schema, so a new table is counted too; their
    /// sessions among them), their answers and their own row.
    async fn rows_of(&self, participant_id: &str) -> BTreeMap<String, i64> {
        // Each engine lists its schema its own way.
        let tables_sql = match self.store.engine() {
            EngineKind::Sqlite => {
                "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
                 WHERE m.type = 'table' AND c.name = 'participant_id' ORDER BY m.name"
            }
            EngineKind::Postgres => {
                "SELECT c.table_name::text FROM information_schema.columns c
                 JOIN information_schema.tables t
                   ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                 WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
                   AND c.column_name = 'participant_id'
                 ORDER BY 1"
            }
        };
        let tables: Vec<String> = self
            .store
            .test_sql()
            .rows(tables_sql, &[])
            .await
            .unwrap()
            .into_iter()
            .map(|r| r[0].clone().unwrap())
            .collect();
        assert!(!tables.is_empty(), "no table with a participant_id column");
        let mut counts = BTreeMap::new();
        for table in tables {
            let n = self
                .store
                .test_sql()
                .count(
                    &format!("SELECT COUNT(*) FROM {table} WHERE participant_id = $1"),
                    &[participant_id.into()],
                )
                .await
                .unwrap();
            counts.insert(table, n);
        }
        for (name, sql) in [
            (
                "answers",
                "SELECT COUNT(*) FROM answers WHERE submission_id IN
                   (SELECT submission_id FROM check_ins WHERE participant_id = $1)",
            ),
            (
                "participants",
                "SELECT COUNT(*) FROM participants WHERE id = $1",
            ),
        ] {
            let n = self
                .store
                .test_sql()
                .count(sql, &[participant_id.into()])
                .await
                .unwrap();
            counts.insert(name.into(), n);
        }
        counts
    }

    async fn count(&self, sql: &'static str) -> i64 {
        self.store.test_sql().count(sql, &[]).await.unwrap()
    }
}

#[tokio::test]
async fn erasure_removes_exactly_one_persons_rows_and_statistics_lose_only_them() {
    let w = world().await;
    let gone = w
        .full_participant("GON-E11", "Tyresö", "198401019806")
        .await;
    let kept = w
        .full_participant("KEP-T22", "Haninge", "198502029822")
        .await;
    let index = ItemIndex::new(&w.instrument);
    let stats_before = w.store.respondents(&w.org, &index).await.unwrap();
    let gone_before = w.rows_of(&gone).await;
    let kept_before = w.rows_of(&kept).await;
    // Every table that holds a participant's data has a row of theirs.
    for (table, n) in &gone_before {
        if table != "erasure_requests" {
            assert!(
                *n > 0,
                "no row in {table} to erase: the test misses a table"
            );
        }
    }
    let audit_before = w.count("SELECT COUNT(*) FROM audit_log").await;

    assert!(w.store.erase_participant(&w.org, &gone).await.unwrap());

    let gone_after = w.rows_of(&gone).await;
    assert!(
        gone_after.values().all(|n| *n == 0),
        "rows left: {gone_after:?}"
    );
    assert_eq!(
        w.rows_of(&kept).await,
        kept_before,
        "someone else's rows changed"
    );
    // The audit log keeps every record, with no link to the erased person.
    assert_eq!(
        w.count("SELECT COUNT(*) FROM audit_log").await,
        audit_before
    );
    assert_eq!(
        w.count("SELECT COUNT(*) FROM audit_log WHERE participant_id IS NULL")
            .await,
        2
    );
    // The personnummer is gone from the database file's tables altogether.
    assert_eq!(
        w.count("SELECT COUNT(*) FROM participant_identities").await,
        1
    );
    // Statistics differ by exactly that person.
    let stats_after = w.store.respondents(&w.org, &index).await.unwrap();
    assert_eq!(stats_after.len() + 1, stats_before.len());
    let missing: Vec<_> = stats_before
        .iter()
        .filter(|r| !stats_after.contains(r))
        .collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].municipality.as_deref(), Some("Tyresö"));
    // Erasing again, or in another organisation, finds nothing.
    assert!(!w.store.erase_participant(&w.org, &gone).await.unwrap());
    let other = w.store.create_organisation("Annat").await.unwrap().id;
    assert!(!w.store.erase_participant(&other, &kept).await.unwrap());
    assert_eq!(w.rows_of(&kept).await, kept_before);
}

#[tokio::test]
async fn withdrawal_erases_by_default() {
    let w = world().await;
    let id = w
        .full_participant("WIT-H33", "Tyresö", "198401019806")
        .await;
    let other = w
        .full_participant("OTH-E44", "Haninge", "198502029822")
        .await;
    let other_before = w.rows_of(&other).await;
    let settings = w.store.lifecycle_settings(&w.org).await.unwrap();
    assert!(!settings.withdrawal_keeps_answers);
    let outcome = w
        .store
        .withdraw_consent(
            &w.org,
            &id,
            start(),
            WithdrawalHow::Verbally,
            &w.case_manager,
            settings.withdrawal_keeps_answers,
        )
        .await
        .unwrap();
    assert_eq!(outcome, WithdrawalOutcome::Erased);
    assert!(w.rows_of(&id).await.values().all(|n| *n == 0));
    assert_eq!(w.rows_of(&other).await, other_before);
}

/// A case manager's session holds a participant's id (the participant they
/// assist, the sheet code they keep for them): erasing or withdrawing that
/// participant ends the participant's phone session, not the case manager's.
#[tokio::test]
async fn erasure_and_withdrawal_end_the_participants_sessions_not_staff_sessions_naming_them() {
    let w = world().await;
    let staff_session = |participant: &str| {
        format!(
            r#"{{"staff":"{}","assisting":"{participant}"}}"#,
            w.case_manager
        )
    };
    let erased = w
        .full_participant("ERA-S12", "Tyresö", "198401019806")
        .await;
    let withdrawn = w
        .full_participant("WIT-D34", "Haninge", "198502029822")
        .await;
    for (key, participant) in [("staff-1", &erased), ("staff-2", &withdrawn)] {
        let data = staff_session(participant);
        assert!(w
            .store
            .create_session(
                key,
                &SessionWrite {
                    data: &data,
                    expires_at: i64::MAX / 2,
                    staff_id: Some(&w.case_manager),
                    participant_id: None,
                    label: None,
                },
            )
            .await
            .unwrap());
    }
    let phone = |id: &str| format!("session-{id}");
    assert!(w
        .store
        .load_session(&phone(&erased), 0)
        .await
        .unwrap()
        .is_some());

    assert!(w.store.erase_participant(&w.org, &erased).await.unwrap());
    let outcome = w
        .store
        .withdraw_consent(
            &w.org,
            &withdrawn,
            start(),
            WithdrawalHow::Verbally,
            &w.case_manager,
            true,
        )
        .await
        .unwrap();
    assert_eq!(outcome, WithdrawalOutcome::Pseudonymised);

    for id in [&erased, &withdrawn] {
        assert!(
            w.store.load_session(&phone(id), 0).await.unwrap().is_none(),
            "the participant's phone session ended"
        );
    }
    for (key, participant) in [("staff-1", &erased), ("staff-2", &withdrawn)] {
        assert_eq!(
            w.store.load_session(key, 0).await.unwrap(),
            Some(staff_session(participant)),
            "the case manager's session naming the participant stays"
        );
    }
    assert_eq!(
        w.store
            .staff_sessions(&w.case_manager, 0)
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn withdrawal_can_keep_answers_without_identity_under_a_new_code() {
    let w = world().await;
    let id = w
        .full_participant("KEE-P55", "Tyresö", "198401019806")
        .await;
    let before = w.rows_of(&id).await;
    let outcome = w
        .store
        .withdraw_consent(
            &w.org,
            &id,
            start(),
            WithdrawalHow::InWriting,
            &w.case_manager,
            true,
        )
        .await
        .unwrap();
    assert_eq!(outcome, WithdrawalOutcome::Pseudonymised);
    let after = w.rows_of(&id).await;
    for kept in [
        "answers",
        "check_ins",
        "participants",
        "staff_ratings",
        "audit_log",
    ] {
        assert_eq!(after[kept], before[kept], "{kept}");
    }
    for gone in [
        "participant_identities",
        "participant_devices",
        "access_codes",
        "check_in_drafts",
        "stuck_check_ins",
        "sessions",
    ] {
        assert_eq!(after[gone], 0, "{gone}");
    }
    let code = w
        .store
        .test_sql()
        .rows(
            "SELECT code FROM participants WHERE id = $1",
            &[(&id).into()],
        )
        .await
        .unwrap()[0][0]
        .clone()
        .unwrap();
    assert_ne!(code, "KEE-P55");
    let withdrawal = w.store.withdrawal(&id).await.unwrap().unwrap();
    assert_eq!(withdrawal.on, start());
    assert_eq!(withdrawal.how, WithdrawalHow::InWriting);
}

#[tokio::test]
async fn an_erasure_needs_a_second_person() {
    let w = world().await;
    let id = w
        .full_participant("TWO-P66", "Tyresö", "198401019806")
        .await;
    assert!(w
        .store
        .request_erasure(&w.org, &id, "Deltagaren bad om det.", &w.admin)
        .await
        .unwrap());
    // One waiting request per participant.
    assert!(!w
        .store
        .request_erasure(&w.org, &id, "Igen.", &w.case_manager)
        .await
        .unwrap());
    let requests = w.store.erasure_requests(&w.org).await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].participant_code, "TWO-P66");
    // The one who asked cannot confirm.
    assert_eq!(
        w.store
            .confirm_erasure(&w.org, &requests[0].id, &w.admin)
            .await
            .unwrap(),
        ErasureDecision::SamePerson
    );
    assert_eq!(w.rows_of(&id).await["participants"], 1);
    // Another organisation cannot see it.
    let other = w.store.create_organisation("Annat").await.unwrap().id;
    assert_eq!(
        w.store
            .confirm_erasure(&other, &requests[0].id, &w.case_manager)
            .await
            .unwrap(),
        ErasureDecision::NotFound
    );
    // Someone else can.
    let decision = w
        .store
        .confirm_erasure(&w.org, &requests[0].id, &w.case_manager)
        .await
        .unwrap();
    assert!(matches!(decision, ErasureDecision::Erased(r) if r.participant_id == id));
    assert!(w.rows_of(&id).await.values().all(|n| *n == 0));
    assert!(w.store.erasure_requests(&w.org).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_declined_erasure_keeps_the_record() {
    let w = world().await;
    let id = w
        .full_participant("DEC-L77", "Tyresö", "198401019806")
        .await;
    w.store
        .request_erasure(&w.org, &id, "Skäl", &w.case_manager)
        .await
        .unwrap();
    let before = w.rows_of(&id).await;
    let request = w.store.erasure_request_for(&id).await.unwrap().unwrap();
    let removed = w.store.cancel_erasure(&w.org, &request.id).await.unwrap();
    assert_eq!(removed.map(|r| r.participant_id), Some(id.clone()));
    let after = w.rows_of(&id).await;
    assert_eq!(after["erasure_requests"], 0);
    assert_eq!(after["participants"], before["participants"]);
    assert_eq!(after["answers"], before["answers"]);
}

#[tokio::test]
async fn retention_finds_records_past_their_period_with_the_organisations_settings() {
    let w = world().await;
    let exited = w
        .full_participant("EXI-T88", "Tyresö", "198401019806")
        .await;
    let active = w
        .full_participant("ACT-I99", "Haninge", "198502029822")
        .await;
    w.store
        .record_exit(
            &w.org,
            &exited,
            NaiveDate::from_ymd_opt(2026, 2, 27).unwrap(),
            "arbete",
        )
        .await
        .unwrap();
    let settings = w.store.lifecycle_settings(&w.org).await.unwrap();
    assert_eq!(settings.retention, RetentionPolicy::default());
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert!(w
        .store
        .retention_due(Some(&w.org), day(2028, 2, 26))
        .await
        .unwrap()
        .is_empty());
    let due = w
        .store
        .retention_due(Some(&w.org), day(2028, 2, 27))
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].participant_id, exited);
    assert_eq!(due[0].reason, RetentionReason::AfterExit);
    // Shorter periods: the one without an exit goes 6 months after their
    // last check-in (today, as the check-in was stored now).
    w.store
        .update_lifecycle_settings(
            &w.org,
            &LifecycleSettings {
                retention: RetentionPolicy::new(1, 6).unwrap(),
                withdrawal_keeps_answers: true,
            },
        )
        .await
        .unwrap();
    let later = Utc::now().date_naive() + Duration::days(200);
    let due = w.store.retention_due(None, later).await.unwrap();
    let ids: Vec<_> = due.iter().map(|c| c.participant_id.as_str()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&active.as_str()));
    assert!(
        w.store
            .lifecycle_settings(&w.org)
            .await
            .unwrap()
            .withdrawal_keeps_answers
    );
}

#[tokio::test]
async fn pruning_removes_expired_sessions_old_attempts_and_spent_codes() {
    let w = world().await;
    let id = w
        .full_participant("PRU-N11", "Tyresö", "198401019806")
        .await;
    let now = Utc::now();
    let sql = w.store.test_sql();
    sql.execute(
        "INSERT INTO sessions (id, data, expires_at) VALUES ('old', '{}', $1)",
        &[(now.timestamp() - 10).into()],
    )
    .await
    .unwrap();
    for (key, at) in [
        ("old", now - Duration::days(3)),
        ("new", now - Duration::minutes(5)),
    ] {
        sql.execute(
            "INSERT INTO failed_attempts (kind, key, at) VALUES ('login-account', $1, $2)",
            &[key.into(), at.into()],
        )
        .await
        .unwrap();
    }
    // A spent code, an expired one; the usable one of `full_participant` stays.
    w.store
        .issue_access_code(&id, "SPEN-TTTT", &w.case_manager, now + Duration::days(3))
        .await
        .unwrap();
    sql.execute(
        "UPDATE access_codes SET redeemed_at = $1 WHERE participant_id = $2
           AND created_at = (SELECT MAX(created_at) FROM access_codes WHERE participant_id = $2)",
        &[now.into(), (&id).into()],
    )
    .await
    .unwrap();
    let report = w.store.prune(now, now - Duration::days(1)).await.unwrap();
    assert_eq!(report.sessions, 1);
    assert_eq!(report.failed_attempts, 1);
    assert!(report.access_codes >= 1);
    assert_eq!(w.count("SELECT COUNT(*) FROM failed_attempts").await, 1);
    assert_eq!(
        w.count("SELECT COUNT(*) FROM access_codes WHERE redeemed_at IS NOT NULL OR revoked_at IS NOT NULL")
            .await,
        0
    );
    // The phone's live session stays.
    assert_eq!(w.rows_of(&id).await["sessions"], 1);
}

/// SQLite's migrations, as the store compiles them in.
static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Migration 0010 rebuilds `participants` (to drop `access_token`) with
/// foreign keys off: a plain rebuild would have deleted every check-in,
/// draft, code and phone through ON DELETE CASCADE.
#[tokio::test]
async fn migration_0010_keeps_every_row_of_every_table() {
    if testing::engine() != EngineKind::Sqlite {
        eprintln!(
            "SQLite only: migration 0010 rebuilds a SQLite table; \
             PostgreSQL's schema was made after it"
        );
        return;
    }
    let db = TestDatabase::empty().await;
    let mut conn = sqlx::sqlite::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::from_str(&db.url)
            .unwrap()
            .create_if_missing(true)
            .foreign_keys(true),
    )
    .await
    .unwrap();
    for m in SQLITE_MIGRATOR.iter().filter(|m| m.version < 10) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(m.sql.as_str().to_owned()))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let t = "2026-01-12T10:00:00+00:00";
    let seed = [
        "INSERT INTO instrument_versions VALUES ('i@1', 'i', '1', 'src', '2026-01-01T00:00:00+00:00')",
        "INSERT INTO organisations (id, name, created_at) VALUES ('o', 'Förbundet', '2026-01-01T00:00:00+00:00')",
        "INSERT INTO staff (id, organisation_id, email, name, password_hash, created_at)
           VALUES ('s', 'o', 'a@b.se', 'A', 'h', '2026-01-01T00:00:00+00:00')",
        "INSERT INTO programmes (id, name, window_before_days, window_after_days, created_at, organisation_id)
           VALUES ('g', 'Steget', 14, 28, '2026-01-01T00:00:00+00:00', 'o')",
        "INSERT INTO participants (id, code, access_token, intake_date, created_at, programme_id,
           organisation_id, case_manager_id, gender, birth_year, municipality, referral,
           consent_at, consent_by, consent_version)
         VALUES ('p', 'AAA-BBB', 'tok', '2026-01-12', '2026-01-12T10:00:00+00:00', 'g', 'o', 's',
           'kvinna', 1984, 'Tyresö', 'af', '2026-01-12T10:00:00+00:00', 's', 'v1')",
        "INSERT INTO participants (id, code, intake_date, created_at, organisation_id)
         VALUES ('q', 'CCC-DDD', '2026-01-13', '2026-01-13T10:00:00+00:00', 'o')",
        "INSERT INTO check_ins (submission_id, participant_id, occasion_kind, occasion_number,
           instrument_version, language, submitted_at, assisted_by, answered_at)
         VALUES ('c', 'p', 'intake', 0, 'i@1', 'sv', '2026-01-12T10:00:00+00:00', 's', '2026-01-12T10:00:00+00:00')",
        "INSERT INTO answers (submission_id, item_id, value, declined, score) VALUES ('c', 'halsa', '3', FALSE, 3)",
        "INSERT INTO check_in_drafts VALUES ('p', 'follow-up', 1, 'd', 'i@1', 'sv', '{}', '2026-01-12T10:00:00+00:00')",
        "INSERT INTO staff_ratings VALUES ('p', 'intake', 0, 'halsa', '3', 's', '2026-01-12T10:00:00+00:00')",
        "INSERT INTO stuck_check_ins (submission_id, participant_id, status, reason, first_reported_at, last_reported_at)
           VALUES ('x', 'p', 422, 'fel', '2026-01-12T10:00:00+00:00', '2026-01-12T10:00:00+00:00')",
        "INSERT INTO participant_identities VALUES ('p', 'sealed', 's', '2026-01-12T10:00:00+00:00')",
        "INSERT INTO participant_devices (id, participant_id, token_hash, pin_hash, created_at, last_seen_at)
           VALUES ('dev', 'p', 'th', 'ph', '2026-01-12T10:00:00+00:00', '2026-01-12T10:00:00+00:00')",
        "INSERT INTO audit_log (id, organisation_id, staff_id, at, action, participant_id)
           VALUES ('a', 'o', 's', '2026-01-12T10:00:00+00:00', 'read-answers', 'p')",
    ];
    for sql in seed {
        sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
    }
    // Access codes were renamed in 0007; insert with whichever column exists.
    let code_column: String = sqlx::query_scalar(
        "SELECT name FROM pragma_table_info('access_codes') WHERE name IN ('code', 'code_hash')",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "INSERT INTO access_codes ({code_column}, participant_id, created_by, created_at, expires_at)
         VALUES ('h', 'p', 's', '{t}', '2026-01-26T10:00:00+00:00')"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    let tables = [
        "participants",
        "check_ins",
        "answers",
        "check_in_drafts",
        "staff_ratings",
        "stuck_check_ins",
        "participant_identities",
        "participant_devices",
        "access_codes",
        "audit_log",
    ];
    let mut before = Vec::new();
    for table in tables {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&mut conn)
                .await
                .unwrap();
        assert!(n > 0, "{table}");
        before.push(n);
    }

    let m10 = SQLITE_MIGRATOR.iter().find(|m| m.version == 10).unwrap();
    assert!(m10.no_tx, "0010 must run without sqlx's transaction");
    sqlx::raw_sql(sqlx::AssertSqlSafe(m10.sql.as_str().to_owned()))
        .execute(&mut conn)
        .await
        .unwrap();

    for (table, n) in tables.iter().zip(before) {
        let after: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&mut conn)
                .await
                .unwrap();
        assert_eq!(after, n, "{table}");
    }
    // The column is gone, the rest of the participant is as it was.
    let columns: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('participants')")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert!(!columns.contains(&"access_token".to_owned()));
    let row = sqlx::query(
        "SELECT code, municipality, consent_version, programme_id, withdrawn_at FROM participants WHERE id = 'p'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("code"), "AAA-BBB");
    assert_eq!(row.get::<String, _>("municipality"), "Tyresö");
    assert_eq!(row.get::<String, _>("consent_version"), "v1");
    assert_eq!(row.get::<String, _>("programme_id"), "g");
    assert_eq!(row.get::<Option<String>, _>("withdrawn_at"), None);
    // Foreign keys are on again and still hold.
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(fk, 1);
    let broken = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert!(broken.is_empty());
    // Deleting a participant still cascades to their rows (the references
    // now point at the rebuilt table).
    sqlx::raw_sql("DELETE FROM participants WHERE id = 'p'")
        .execute(&mut conn)
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM check_ins")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(left, 0);
    conn.close().await.unwrap();
}
