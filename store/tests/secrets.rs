//! Secrets at rest against a real database (SQLite or PostgreSQL): TOTP secrets and
//! personnummer are sealed and access codes hashed, so no text column of any
//! table holds them; values from older versions are sealed once; rotation
//! re-seals under a new key; a moved, altered or foreign value fails cleanly.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use chrono::{Duration, NaiveDate, Utc};
use stegvis_store::testing::TestDatabase;
use stegvis_store::{
    Consent, Keyring, NewParticipant, NewStaff, Role, SealError, SecretKey, SecretsReport, Store,
    StoreError,
};

const TOTP: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const PNR: &str = "19850314-1234";
const CODE: &str = "ABCD-EFGH";

struct World {
    store: Store,
    org: String,
    staff: String,
}

async fn world(store: Store) -> World {
    let org = store.create_organisation("Förbundet").await.unwrap();
    let staff = store
        .create_staff(&NewStaff {
            organisation_id: &org.id,
            email: "lotta@example.se",
            name: "Lotta Lots",
            password_hash: "hash",
            roles: &[Role::CaseManager],
        })
        .await
        .unwrap();
    World {
        store,
        org: org.id,
        staff: staff.id,
    }
}

async fn participant(w: &World, code: &str, pnr: Option<&str>) -> String {
    w.store
        .register_participant(&NewParticipant {
            organisation_id: &w.org,
            case_manager_id: &w.staff,
            programme_id: None,
            code,
            start_date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            gender: "kvinna",
            birth_year: Some(1985),
            municipality: Some("Haninge"),
            referral: Some("af"),
            protected_identity: false,
            consent: Some(Consent {
                at: Utc::now(),
                by: w.staff.clone(),
                version: "samtycke-1".into(),
            }),
            personnummer: pnr,
        })
        .await
        .unwrap()
}

/// Every (table, column) whose stored text contains any of `needles`.
async fn found_in_clear(store: &Store, needles: &[&str]) -> Vec<(String, String)> {
    store
        .all_stored_text()
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, _, v)| needles.iter().any(|n| v.contains(n)))
        .map(|(t, c, _)| (t, c))
        .collect()
}

/// The secret and its spellings without separators.
fn needles() -> Vec<&'static str> {
    vec![TOTP, PNR, "198503141234", "8503141234", CODE, "ABCDEFGH"]
}

#[tokio::test]
async fn no_text_column_of_any_table_holds_a_secret_in_clear() {
    let db = TestDatabase::migrated().await;
    let w = world(db.store().await.with_secrets(Keyring::for_tests())).await;
    w.store.set_totp_secret(&w.staff, Some(TOTP)).await.unwrap();
    let id = participant(&w, "KXA-AAA", Some(PNR)).await;
    w.store
        .issue_access_code(&id, CODE, &w.staff, Utc::now() + Duration::days(14))
        .await
        .unwrap();

    assert_eq!(found_in_clear(&w.store, &needles()).await, vec![]);
    // The scan does see stored text (it would find a name).
    assert!(!found_in_clear(&w.store, &["Lotta Lots"]).await.is_empty());

    // And everything reads back.
    let creds = w
        .store
        .staff_credentials_by_id(&w.staff)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(creds.totp_secret.as_deref(), Some(TOTP));
    assert_eq!(
        w.store.personnummer(&id).await.unwrap().as_deref(),
        Some(PNR)
    );
    let code = w.store.access_code(CODE).await.unwrap().unwrap();
    assert_eq!(code.participant_id, id);
    assert!(code.code_hash.starts_with("hmac1:"));
    assert!(w.store.access_code("ABCD-EFGJ").await.unwrap().is_none());
}

#[tokio::test]
async fn values_stored_in_clear_by_older_versions_are_sealed_once() {
    let db = TestDatabase::migrated().await;
    let w = world(db.store().await.with_secrets(Keyring::for_tests())).await;
    let id = participant(&w, "KXA-AAB", None).await;
    // What a version before sealing wrote.
    let sql = w.store.test_sql();
    sql.execute(
        "UPDATE staff SET totp_secret = $1 WHERE id = $2",
        &[TOTP.into(), (&w.staff).into()],
    )
    .await
    .unwrap();
    sql.execute(
        "INSERT INTO participant_identities (participant_id, personnummer, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4)",
        &[
            (&id).into(),
            PNR.into(),
            (&w.staff).into(),
            Utc::now().into(),
        ],
    )
    .await
    .unwrap();
    sql.execute(
        "INSERT INTO access_codes (code_hash, participant_id, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            CODE.into(),
            (&id).into(),
            (&w.staff).into(),
            Utc::now().into(),
            (Utc::now() + Duration::days(14)).into(),
        ],
    )
    .await
    .unwrap();
    assert_eq!(found_in_clear(&w.store, &needles()).await.len(), 3);

    let report = w.store.seal_plaintext_secrets().await.unwrap();
    assert_eq!(
        report,
        SecretsReport {
            totp_secrets: 1,
            personnummer: 1,
            access_codes: 1,
            access_codes_under_old_keys: 0,
        }
    );
    assert_eq!(found_in_clear(&w.store, &needles()).await, vec![]);
    // Idempotent: the next start finds nothing to do.
    assert!(!w.store.seal_plaintext_secrets().await.unwrap().changed());
    // The old values still work.
    let creds = w
        .store
        .staff_credentials_by_id(&w.staff)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(creds.totp_secret.as_deref(), Some(TOTP));
    assert_eq!(
        w.store.personnummer(&id).await.unwrap().as_deref(),
        Some(PNR)
    );
    assert!(w
        .store
        .access_code(CODE)
        .await
        .unwrap()
        .unwrap()
        .usable_at(Utc::now()));
}

#[tokio::test]
async fn rotation_reseals_everything_under_the_new_key() {
    let db = TestDatabase::migrated().await;
    let old = SecretKey::generate();
    let new = SecretKey::generate();
    let w = world(db.store().await.with_secrets(Keyring::new(&old, &[]))).await;
    w.store.set_totp_secret(&w.staff, Some(TOTP)).await.unwrap();
    let id = participant(&w, "KXA-AAC", Some(PNR)).await;
    w.store
        .issue_access_code(&id, CODE, &w.staff, Utc::now() + Duration::days(14))
        .await
        .unwrap();

    // The new key alone cannot read what the old one sealed: a clear error.
    let new_only = db.store().await.with_secrets(Keyring::new(&new, &[]));
    match new_only.personnummer(&id).await {
        Err(StoreError::Sealed {
            source: SealError::UnknownKey(key),
            ..
        }) => assert_eq!(key, old.id()),
        other => panic!("expected an unknown key, got {other:?}"),
    }
    assert!(new_only.rotate_secrets().await.is_err());

    // During the rotation both keys are configured; the old one only opens.
    let during = db
        .store()
        .await
        .with_secrets(Keyring::new(&new, std::slice::from_ref(&old)));
    let report = during.rotate_secrets().await.unwrap();
    assert_eq!(
        (
            report.totp_secrets,
            report.personnummer,
            report.access_codes_under_old_keys
        ),
        (1, 1, 1)
    );
    // A code issued under the old key still connects while that key is configured.
    assert!(during.access_code(CODE).await.unwrap().is_some());
    // Again: nothing left to re-seal.
    let again = during.rotate_secrets().await.unwrap();
    assert_eq!((again.totp_secrets, again.personnummer), (0, 0));

    // Afterwards the new key alone reads everything, and the old one nothing.
    let creds = new_only
        .staff_credentials_by_id(&w.staff)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(creds.totp_secret.as_deref(), Some(TOTP));
    assert_eq!(
        new_only.personnummer(&id).await.unwrap().as_deref(),
        Some(PNR)
    );
    let old_only = db.store().await.with_secrets(Keyring::new(&old, &[]));
    assert!(matches!(
        old_only.personnummer(&id).await,
        Err(StoreError::Sealed { .. })
    ));
    assert_eq!(found_in_clear(&new_only, &needles()).await, vec![]);
}

#[tokio::test]
async fn a_moved_or_altered_value_fails_cleanly() {
    let db = TestDatabase::migrated().await;
    let w = world(db.store().await.with_secrets(Keyring::for_tests())).await;
    let a = participant(&w, "KXA-AAD", Some(PNR)).await;
    let b = participant(&w, "KXA-AAE", Some("19900101-0017")).await;
    // Someone with write access to the database copies A's sealed value to B.
    let sql = w.store.test_sql();
    let copied = sql
        .execute(
            "UPDATE participant_identities SET personnummer =
               (SELECT personnummer FROM participant_identities WHERE participant_id = $1)
             WHERE participant_id = $2",
            &[(&a).into(), (&b).into()],
        )
        .await
        .unwrap();
    assert_eq!(copied, 1);
    assert!(matches!(
        w.store.personnummer(&b).await,
        Err(StoreError::Sealed {
            source: SealError::Tampered(_),
            ..
        })
    ));
    // A flipped character in A's own value.
    let flipped = sql
        .execute(
            "UPDATE participant_identities
             SET personnummer = substr(personnummer, 1, 39) ||
               CASE WHEN substr(personnummer, 40, 1) = 'A' THEN 'B' ELSE 'A' END ||
               substr(personnummer, 41)
             WHERE participant_id = $1",
            &[(&a).into()],
        )
        .await
        .unwrap();
    assert_eq!(flipped, 1);
    let err = w.store.personnummer(&a).await.unwrap_err();
    assert!(matches!(
        err,
        StoreError::Sealed {
            source: SealError::Tampered(_),
            ..
        }
    ));
    assert!(err
        .to_string()
        .contains("participant_identities.personnummer"));
}

#[tokio::test]
async fn a_store_without_a_key_refuses_to_write_secrets() {
    let db = TestDatabase::migrated().await;
    let w = world(db.store().await).await;
    assert!(matches!(
        w.store.set_totp_secret(&w.staff, Some(TOTP)).await,
        Err(StoreError::NoSecretKey)
    ));
    let id = participant(&w, "KXA-AAF", None).await;
    assert!(matches!(
        w.store
            .issue_access_code(&id, CODE, &w.staff, Utc::now() + Duration::days(1))
            .await,
        Err(StoreError::NoSecretKey)
    ));
    assert_eq!(found_in_clear(&w.store, &needles()).await, vec![]);
}
