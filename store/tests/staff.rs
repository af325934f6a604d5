//! The staff side of the store against a real database (SQLite or
//! PostgreSQL, see `stegvis_store::testing`): accounts and
//! roles, registration (anonymous mode, the separate personnummer), scoping by
//! organisation, access codes and phones, lockout records, sessions, audit log.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use chrono::{Duration, NaiveDate, Utc};
use stegvis_store::testing::{self, TestDatabase};
use stegvis_store::{
    AttemptKind, Consent, Keyring, NewAuditEntry, NewParticipant, NewStaff, Role, Store, StoreError,
};

struct Org {
    store: Store,
    _db: TestDatabase,
    org: String,
    case_manager: String,
}

/// The stored hash of an issued code, as the redeeming step keeps it.
async fn hash(o: &Org, code: &str) -> String {
    o.store.access_code(code).await.unwrap().unwrap().code_hash
}

async fn setup() -> Org {
    let (store, db) = testing::store().await;
    let store = store.with_secrets(Keyring::for_tests());
    let org = store
        .create_organisation("Samordningsförbundet Test")
        .await
        .unwrap();
    let cm = store
        .create_staff(&NewStaff {
            organisation_id: &org.id,
            email: "Lotta@Example.se",
            name: "Lotta Lots",
            password_hash: "hash",
            roles: &[Role::CaseManager],
        })
        .await
        .unwrap();
    Org {
        store,
        _db: db,
        org: org.id,
        case_manager: cm.id,
    }
}

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

fn new_participant<'a>(o: &'a Org, code: &'a str) -> NewParticipant<'a> {
    NewParticipant {
        organisation_id: &o.org,
        case_manager_id: &o.case_manager,
        programme_id: None,
        code,
        start_date: start(),
        gender: "kvinna",
        birth_year: Some(1985),
        municipality: Some("Haninge"),
        referral: Some("af"),
        protected_identity: false,
        consent: Some(Consent {
            at: Utc::now(),
            by: o.case_manager.clone(),
            version: "samtycke-1".into(),
        }),
        personnummer: Some("19850314-1234"),
    }
}

#[tokio::test]
async fn staff_accounts_are_found_by_email_in_any_case_with_their_roles() {
    let o = setup().await;
    let found = o
        .store
        .staff_credentials("  LOTTA@example.SE ")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.staff.id, o.case_manager);
    assert_eq!(found.staff.email, "lotta@example.se");
    assert_eq!(found.staff.roles, vec![Role::CaseManager]);
    assert_eq!(found.password_hash, "hash");
    assert!(!found.staff.two_factor);

    let again = o
        .store
        .create_staff(&NewStaff {
            organisation_id: &o.org,
            email: "lotta@example.se",
            name: "Someone else",
            password_hash: "x",
            roles: &[Role::Admin],
        })
        .await;
    assert!(matches!(again, Err(StoreError::EmailTaken)));

    let admin = o
        .store
        .create_staff(&NewStaff {
            organisation_id: &o.org,
            email: "adam@example.se",
            name: "Adam Admin",
            password_hash: "x",
            roles: &[Role::Evaluator, Role::Admin],
        })
        .await
        .unwrap();
    let listed = o.store.list_staff(&o.org).await.unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|s| (s.name.as_str(), s.roles.clone()))
            .collect::<Vec<_>>(),
        vec![
            ("Adam Admin", vec![Role::Admin, Role::Evaluator]),
            ("Lotta Lots", vec![Role::CaseManager]),
        ]
    );
    assert_eq!(o.store.staff(&admin.id).await.unwrap().unwrap(), listed[0]);
    let other = o.store.create_organisation("Annat").await.unwrap();
    assert!(o.store.list_staff(&other.id).await.unwrap().is_empty());

    o.store
        .set_totp_secret(&o.case_manager, Some("SECRET"))
        .await
        .unwrap();
    let found = o
        .store
        .staff_credentials_by_id(&o.case_manager)
        .await
        .unwrap()
        .unwrap();
    assert!(found.staff.two_factor);
    assert_eq!(found.totp_secret.as_deref(), Some("SECRET"));
    // Secrets never show in debug output (logs).
    assert!(!format!("{found:?}").contains("SECRET"));
}

#[tokio::test]
async fn the_personnummer_is_stored_apart_and_never_in_participant_rows() {
    let o = setup().await;
    let id = o
        .store
        .register_participant(&new_participant(&o, "KXA-AAA"))
        .await
        .unwrap();
    assert_eq!(
        o.store.personnummer(&id).await.unwrap().as_deref(),
        Some("19850314-1234")
    );
    let detail = o.store.participant_in(&o.org, &id).await.unwrap().unwrap();
    assert!(!format!("{detail:?}").contains("19850314-1234"));
    assert_eq!(detail.birth_year, Some(1985));
    assert_eq!(detail.municipality.as_deref(), Some("Haninge"));
    // No column of participants holds it.
    let rows = o
        .store
        .test_sql()
        .rows("SELECT * FROM participants WHERE id = $1", &[(&id).into()])
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    // (The whole number, with or without its hyphen: a timestamp column
    // may hold any four digits by chance.)
    for (i, value) in rows[0].iter().enumerate() {
        if let Some(text) = value {
            assert!(
                !text.contains("19850314-1234") && !text.contains("198503141234"),
                "column {i} holds the personnummer: {text}"
            );
        }
    }
}

#[tokio::test]
async fn anonymous_participants_keep_only_gender_and_start() {
    let o = setup().await;
    let mut new = new_participant(&o, "KXA-AAC");
    new.consent = None;
    new.birth_year = None;
    new.municipality = None;
    new.referral = None;
    new.personnummer = None;
    let id = o.store.register_participant(&new).await.unwrap();
    let rows = o
        .store
        .test_sql()
        .rows(
            "SELECT gender, intake_date, birth_year, municipality, referral, consent_at
             FROM participants WHERE id = $1",
            &[(&id).into()],
        )
        .await
        .unwrap();
    let [gender, intake_date, birth_year, municipality, referral, consent_at] =
        <[Option<String>; 6]>::try_from(rows[0].clone()).unwrap();
    assert_eq!(gender.as_deref(), Some("kvinna"));
    assert_eq!(intake_date.unwrap().parse::<NaiveDate>().unwrap(), start());
    assert_eq!(birth_year, None);
    assert_eq!(municipality, None);
    assert_eq!(referral, None);
    assert_eq!(consent_at, None);
    assert_eq!(o.store.personnummer(&id).await.unwrap(), None);
}

#[tokio::test]
async fn a_protected_identity_never_gets_a_personnummer() {
    let o = setup().await;
    let mut new = new_participant(&o, "KXA-AAD");
    new.protected_identity = true;
    let refused = o.store.register_participant(&new).await;
    assert!(matches!(refused, Err(StoreError::Refused(_))));
    // Nothing half-written.
    let n = o
        .store
        .test_sql()
        .count("SELECT COUNT(*) AS n FROM participants", &[])
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn another_organisations_participant_is_not_found() {
    let o = setup().await;
    let id = o
        .store
        .register_participant(&new_participant(&o, "KXA-AAE"))
        .await
        .unwrap();
    let other = o.store.create_organisation("Annat förbund").await.unwrap();
    assert!(o
        .store
        .participant_in(&other.id, &id)
        .await
        .unwrap()
        .is_none());
    assert!(o.store.caseload(&other.id, None).await.unwrap().is_empty());
    assert!(!o
        .store
        .record_exit(&other.id, &id, start(), "arbete")
        .await
        .unwrap());
    assert_eq!(o.store.caseload(&o.org, None).await.unwrap().len(), 1);
    assert_eq!(
        o.store
            .caseload(&o.org, Some(&o.case_manager))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(o
        .store
        .caseload(&o.org, Some("someone-else"))
        .await
        .unwrap()
        .is_empty());
    assert!(o
        .store
        .record_exit(&o.org, &id, start(), "arbete")
        .await
        .unwrap());
    let detail = o.store.participant_in(&o.org, &id).await.unwrap().unwrap();
    assert_eq!(detail.exit_date, Some(start()));
    assert_eq!(detail.exit_outcome.as_deref(), Some("arbete"));
}

#[tokio::test]
async fn codes_expire_are_single_use_and_can_be_revoked() {
    let o = setup().await;
    let id = o
        .store
        .register_participant(&new_participant(&o, "KXA-AAF"))
        .await
        .unwrap();
    let now = Utc::now();

    // Expired: refused.
    o.store
        .issue_access_code(
            &id,
            "AAAA-CCCC",
            &o.case_manager,
            now - Duration::minutes(1),
        )
        .await
        .unwrap();
    assert!(!o
        .store
        .access_code("AAAA-CCCC")
        .await
        .unwrap()
        .unwrap()
        .usable_at(now));
    assert!(o
        .store
        .connect_device(&hash(&o, "AAAA-CCCC").await, "t1", "pin", now)
        .await
        .unwrap()
        .is_none());

    // A new code revokes the previous one.
    o.store
        .issue_access_code(&id, "AAAA-DDDD", &o.case_manager, now + Duration::days(14))
        .await
        .unwrap();
    o.store
        .issue_access_code(&id, "AAAA-EEEE", &o.case_manager, now + Duration::days(14))
        .await
        .unwrap();
    assert!(o
        .store
        .access_code("AAAA-DDDD")
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_some());
    assert_eq!(
        o.store
            .usable_access_code(&id, now)
            .await
            .unwrap()
            .unwrap()
            .code_hash,
        hash(&o, "AAAA-EEEE").await
    );

    // Redeemed once; the second time it is used up.
    let (device, owner) = o
        .store
        .connect_device(&hash(&o, "AAAA-EEEE").await, "t2", "pin", now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner, id);
    assert!(o
        .store
        .connect_device(&hash(&o, "AAAA-EEEE").await, "t3", "pin", now)
        .await
        .unwrap()
        .is_none());
    assert_eq!(o.store.device("t2").await.unwrap().unwrap().id, device);
    assert_eq!(o.store.active_devices(&id).await.unwrap(), 1);

    // Revoking access disconnects phones and voids unused codes.
    o.store
        .issue_access_code(&id, "AAAA-FFFF", &o.case_manager, now + Duration::days(14))
        .await
        .unwrap();
    o.store.revoke_access(&id).await.unwrap();
    assert!(o.store.device("t2").await.unwrap().unwrap().revoked);
    assert!(o
        .store
        .connect_device(&hash(&o, "AAAA-FFFF").await, "t4", "pin", now)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn wrong_pins_lock_the_phone_at_the_limit() {
    let o = setup().await;
    let id = o
        .store
        .register_participant(&new_participant(&o, "KXA-AAG"))
        .await
        .unwrap();
    let now = Utc::now();
    o.store
        .issue_access_code(&id, "CCCC-AAAA", &o.case_manager, now + Duration::days(1))
        .await
        .unwrap();
    let (device, _) = o
        .store
        .connect_device(&hash(&o, "CCCC-AAAA").await, "tok", "pin", now)
        .await
        .unwrap()
        .unwrap();
    for expected in 1..=2 {
        assert_eq!(
            o.store.reserve_pin_attempt(&device, 3).await.unwrap(),
            Some(expected)
        );
        assert_eq!(
            o.store.record_pin_failure(&device, 3).await.unwrap(),
            expected
        );
        assert!(!o.store.device("tok").await.unwrap().unwrap().locked);
    }
    o.store.record_pin_success(&device).await.unwrap();
    assert_eq!(
        o.store.device("tok").await.unwrap().unwrap().pin_failures,
        0
    );
    for _ in 0..3 {
        assert!(o
            .store
            .reserve_pin_attempt(&device, 3)
            .await
            .unwrap()
            .is_some());
        o.store.record_pin_failure(&device, 3).await.unwrap();
    }
    assert!(o.store.device("tok").await.unwrap().unwrap().locked);
    // Locked: no further attempt is even reserved.
    assert_eq!(o.store.reserve_pin_attempt(&device, 3).await.unwrap(), None);
}

#[tokio::test]
async fn failed_attempts_are_counted_per_key_and_cleared() {
    let o = setup().await;
    let now = Utc::now();
    let hour_ago = now - Duration::hours(1);
    for _ in 0..3 {
        o.store
            .record_failed_attempt(AttemptKind::LoginAccount, "a@x.se", now)
            .await
            .unwrap();
    }
    o.store
        .record_failed_attempt(AttemptKind::LoginAccount, "a@x.se", hour_ago)
        .await
        .unwrap();
    o.store
        .record_failed_attempt(AttemptKind::LoginAddress, "a@x.se", now)
        .await
        .unwrap();
    let since = now - Duration::minutes(15);
    let found = o
        .store
        .failed_attempts_since(AttemptKind::LoginAccount, "a@x.se", since)
        .await
        .unwrap();
    assert_eq!(found.len(), 3);
    o.store
        .clear_failed_attempts(AttemptKind::LoginAccount, "a@x.se", since)
        .await
        .unwrap();
    assert!(o
        .store
        .failed_attempts_since(AttemptKind::LoginAccount, "a@x.se", hour_ago)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        o.store
            .failed_attempts_since(AttemptKind::LoginAddress, "a@x.se", since)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn sessions_expire() {
    use stegvis_store::SessionWrite;
    let o = setup().await;
    let until = |expires_at, data| SessionWrite {
        data,
        expires_at,
        staff_id: None,
        participant_id: None,
        label: None,
    };
    assert!(o
        .store
        .create_session("s1", &until(100, "{}"))
        .await
        .unwrap());
    assert!(!o
        .store
        .create_session("s1", &until(100, "{}"))
        .await
        .unwrap());
    assert_eq!(
        o.store.load_session("s1", 99).await.unwrap().as_deref(),
        Some("{}")
    );
    assert_eq!(o.store.load_session("s1", 100).await.unwrap(), None);
    o.store
        .save_session("s1", &until(200, "{\"a\":1}"))
        .await
        .unwrap();
    assert_eq!(
        o.store.load_session("s1", 150).await.unwrap().as_deref(),
        Some("{\"a\":1}")
    );
    assert_eq!(o.store.delete_expired_sessions(300).await.unwrap(), 1);
    assert_eq!(o.store.load_session("s1", 0).await.unwrap(), None);
}

#[tokio::test]
async fn audit_records_are_listed_per_organisation() {
    let o = setup().await;
    let id = o
        .store
        .register_participant(&new_participant(&o, "KXA-AAH"))
        .await
        .unwrap();
    o.store
        .audit(&NewAuditEntry {
            organisation_id: &o.org,
            staff_id: Some(&o.case_manager),
            action: "read-answers",
            participant_id: Some(&id),
            detail: "intake",
        })
        .await
        .unwrap();
    let log = o.store.audit_log(&o.org, 10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "read-answers");
    assert_eq!(log[0].participant_code.as_deref(), Some("KXA-AAH"));
    assert_eq!(log[0].staff_name.as_deref(), Some("Lotta Lots"));
    let other = o.store.create_organisation("Annat").await.unwrap();
    assert!(o.store.audit_log(&other.id, 10).await.unwrap().is_empty());
}
