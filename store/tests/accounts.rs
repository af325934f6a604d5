//! Sign-in records against a real database (SQLite or PostgreSQL, see
//! `stegvis_store::testing`): attempts reserved before a
//! secret is checked (so a limit holds under concurrency), phones' PIN
//! reservations, sessions kept only as a hash and tied to their account, and
//! the account changes that end sessions (new password, disabling, reset
//! links, a reset second factor).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use chrono::{Duration, Utc};
use stegvis_domain::throttle::{LOGIN_PER_ACCOUNT, LOGIN_PER_ADDRESS};
use stegvis_store::testing::{self, TestDatabase};
use stegvis_store::{
    session_key, AttemptKind, AttemptLimit, NewStaff, Reservation, Role, SessionWrite, Store,
};

struct Org {
    store: Store,
    _db: TestDatabase,
    org: String,
    staff: String,
    admin: String,
}

async fn setup() -> Org {
    let (store, db) = testing::store().await;
    let org = store.create_organisation("Förbundet").await.unwrap();
    let mut ids = Vec::new();
    for (email, role) in [("lotta@x.se", Role::CaseManager), ("ada@x.se", Role::Admin)] {
        ids.push(
            store
                .create_staff(&NewStaff {
                    organisation_id: &org.id,
                    email,
                    name: email,
                    password_hash: "old-hash",
                    roles: &[role],
                })
                .await
                .unwrap()
                .id,
        );
    }
    Org {
        store,
        _db: db,
        org: org.id,
        admin: ids.pop().unwrap(),
        staff: ids.pop().unwrap(),
    }
}

fn account(key: &str) -> AttemptLimit<'_> {
    AttemptLimit {
        kind: AttemptKind::LoginAccount,
        key,
        policy: LOGIN_PER_ACCOUNT,
    }
}

fn address(key: &str) -> AttemptLimit<'_> {
    AttemptLimit {
        kind: AttemptKind::LoginAddress,
        key,
        policy: LOGIN_PER_ADDRESS,
    }
}

async fn rows(o: &Org, key: &str) -> i64 {
    o.store
        .test_sql()
        .count(
            "SELECT COUNT(*) FROM failed_attempts WHERE key = $1",
            &[key.into()],
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn an_attempt_is_recorded_before_the_check_and_released_when_it_succeeds() {
    let o = setup().await;
    let now = Utc::now();
    let Reservation::Allowed { attempt } = o
        .store
        .reserve_attempt(&[address("10.0.0.1"), account("a@x.se")], now)
        .await
        .unwrap()
    else {
        panic!("locked with no failures")
    };
    assert_eq!(
        (rows(&o, "10.0.0.1").await, rows(&o, "a@x.se").await),
        (1, 1)
    );
    o.store.release_attempt(&attempt).await.unwrap();
    assert_eq!(
        (rows(&o, "10.0.0.1").await, rows(&o, "a@x.se").await),
        (0, 0)
    );
    // Five reserved and never released: the sixth is locked and records nothing.
    for _ in 0..5 {
        assert!(matches!(
            o.store
                .reserve_attempt(&[account("a@x.se")], now)
                .await
                .unwrap(),
            Reservation::Allowed { .. }
        ));
    }
    let locked = o
        .store
        .reserve_attempt(&[address("10.0.0.2"), account("a@x.se")], now)
        .await
        .unwrap();
    // Locked from the newest counted attempt, which is at or after `now`.
    match locked {
        Reservation::Locked { until } => assert!(
            until >= now + LOGIN_PER_ACCOUNT.lockout
                && until < now + LOGIN_PER_ACCOUNT.lockout + chrono::Duration::minutes(1),
            "{until}"
        ),
        other => panic!("expected a lockout, got {other:?}"),
    }
    assert_eq!(
        (rows(&o, "10.0.0.2").await, rows(&o, "a@x.se").await),
        (0, 5)
    );
    // Later than the lock: allowed again.
    assert!(matches!(
        o.store
            .reserve_attempt(&[account("a@x.se")], now + Duration::minutes(16))
            .await
            .unwrap(),
        Reservation::Allowed { .. }
    ));
}

#[tokio::test]
async fn parallel_reservations_stop_exactly_at_the_limit() {
    let o = setup().await;
    let now = Utc::now();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = o.store.clone();
            tokio::spawn(async move {
                store
                    .reserve_attempt(&[account("b@x.se")], now)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut allowed = 0;
    for task in tasks {
        if matches!(task.await.unwrap(), Reservation::Allowed { .. }) {
            allowed += 1;
        }
    }
    assert_eq!(allowed, LOGIN_PER_ACCOUNT.max_failures);
    assert_eq!(rows(&o, "b@x.se").await, 5);
}

#[tokio::test]
async fn a_session_is_stored_only_under_the_hash_of_its_id() {
    let o = setup().await;
    let write = SessionWrite {
        data: "{}",
        expires_at: i64::MAX / 2,
        staff_id: Some(&o.staff),
        participant_id: None,
        label: Some("Firefox på Linux"),
    };
    assert!(o
        .store
        .create_session("cookie-value", &write)
        .await
        .unwrap());
    let stored: Vec<String> = o
        .store
        .test_sql()
        .rows("SELECT id FROM sessions", &[])
        .await
        .unwrap()
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect();
    assert_eq!(stored, [session_key("cookie-value")]);
    assert_ne!(stored[0], "cookie-value");
    assert_eq!(stored[0].len(), 64);
    // Found by the id the cookie holds, not by what the table holds.
    assert!(o
        .store
        .load_session("cookie-value", 0)
        .await
        .unwrap()
        .is_some());
    assert!(o.store.load_session(&stored[0], 0).await.unwrap().is_none());
    let listed = o.store.staff_sessions(&o.staff, 0).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].key, stored[0]);
    assert_eq!(listed[0].label.as_deref(), Some("Firefox på Linux"));
    assert!(listed[0].created_at.is_some() && listed[0].last_seen_at.is_some());
}

async fn sessions_of(o: &Org, staff: &str, ids: &[&str]) {
    for id in ids {
        o.store
            .create_session(
                id,
                &SessionWrite {
                    data: "{}",
                    expires_at: i64::MAX / 2,
                    staff_id: Some(staff),
                    participant_id: None,
                    label: None,
                },
            )
            .await
            .unwrap();
    }
}

async fn alive(o: &Org, id: &str) -> bool {
    o.store.load_session(id, 0).await.unwrap().is_some()
}

#[tokio::test]
async fn a_staff_member_ends_one_or_all_other_sessions_and_only_their_own() {
    let o = setup().await;
    sessions_of(&o, &o.staff, &["mine-1", "mine-2", "mine-3"]).await;
    sessions_of(&o, &o.admin, &["theirs"]).await;
    // Someone else's session is not theirs to end.
    assert!(!o
        .store
        .end_staff_session(&o.staff, &session_key("theirs"))
        .await
        .unwrap());
    assert!(o
        .store
        .end_staff_session(&o.staff, &session_key("mine-3"))
        .await
        .unwrap());
    assert!(!alive(&o, "mine-3").await);
    let ended = o
        .store
        .end_staff_sessions(&o.staff, Some(&session_key("mine-1")))
        .await
        .unwrap();
    assert_eq!(ended, 1);
    assert!(alive(&o, "mine-1").await && !alive(&o, "mine-2").await);
    assert!(alive(&o, "theirs").await);
}

#[tokio::test]
async fn a_new_password_ends_the_other_sessions() {
    let o = setup().await;
    sessions_of(&o, &o.staff, &["here", "elsewhere"]).await;
    sessions_of(&o, &o.admin, &["admin"]).await;
    let ended = o
        .store
        .change_password(&o.staff, "new-hash", Some(&session_key("here")))
        .await
        .unwrap();
    assert_eq!(ended, 1);
    assert!(alive(&o, "here").await && !alive(&o, "elsewhere").await && alive(&o, "admin").await);
    let creds = o
        .store
        .staff_credentials_by_id(&o.staff)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(creds.password_hash, "new-hash");
}

#[tokio::test]
async fn disabling_ends_every_session_and_only_within_the_organisation() {
    let o = setup().await;
    sessions_of(&o, &o.staff, &["s1", "s2"]).await;
    let other = o.store.create_organisation("Annat").await.unwrap();
    assert!(!o
        .store
        .set_staff_disabled(&other.id, &o.staff, true)
        .await
        .unwrap());
    assert!(alive(&o, "s1").await);
    assert!(o
        .store
        .set_staff_disabled(&o.org, &o.staff, true)
        .await
        .unwrap());
    assert!(!alive(&o, "s1").await && !alive(&o, "s2").await);
    assert!(o.store.staff(&o.staff).await.unwrap().unwrap().disabled);
    assert!(o
        .store
        .set_staff_disabled(&o.org, &o.staff, false)
        .await
        .unwrap());
    assert!(!o.store.staff(&o.staff).await.unwrap().unwrap().disabled);
}

#[tokio::test]
async fn a_reset_link_works_once_within_its_time_and_only_the_newest() {
    let o = setup().await;
    let now = Utc::now();
    let expires = now + Duration::hours(24);
    o.store
        .create_password_reset(&o.staff, &o.admin, "hash-1", expires)
        .await
        .unwrap();
    assert!(o
        .store
        .password_reset("hash-1", now)
        .await
        .unwrap()
        .is_some());
    // A newer link replaces it.
    o.store
        .create_password_reset(&o.staff, &o.admin, "hash-2", expires)
        .await
        .unwrap();
    assert!(o
        .store
        .password_reset("hash-1", now)
        .await
        .unwrap()
        .is_none());
    assert!(o
        .store
        .use_password_reset("hash-1", "x", now)
        .await
        .unwrap()
        .is_none());
    // Expired at its time.
    assert!(o
        .store
        .password_reset("hash-2", expires)
        .await
        .unwrap()
        .is_none());
    sessions_of(&o, &o.staff, &["s1"]).await;
    assert_eq!(
        o.store
            .use_password_reset("hash-2", "reset-hash", now)
            .await
            .unwrap()
            .as_deref(),
        Some(o.staff.as_str())
    );
    assert!(!alive(&o, "s1").await);
    let creds = o
        .store
        .staff_credentials_by_id(&o.staff)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(creds.password_hash, "reset-hash");
    // Used: never again.
    assert!(o
        .store
        .use_password_reset("hash-2", "again", now)
        .await
        .unwrap()
        .is_none());
    // Not for a disabled account.
    o.store
        .create_password_reset(&o.staff, &o.admin, "hash-3", expires)
        .await
        .unwrap();
    o.store
        .set_staff_disabled(&o.org, &o.staff, true)
        .await
        .unwrap();
    assert!(o
        .store
        .password_reset("hash-3", now)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn parallel_uses_of_one_reset_link_set_one_password() {
    let o = setup().await;
    let now = Utc::now();
    o.store
        .create_password_reset(&o.staff, &o.admin, "hash", now + Duration::hours(1))
        .await
        .unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let store = o.store.clone();
            tokio::spawn(async move {
                store
                    .use_password_reset("hash", &format!("hash-{i}"), now)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut used = 0;
    for task in tasks {
        used += usize::from(task.await.unwrap().is_some());
    }
    assert_eq!(used, 1);
}

#[tokio::test]
async fn a_reset_second_factor_is_off_and_the_sessions_end() {
    let o = setup().await;
    o.store
        .test_sql()
        .execute(
            "UPDATE staff SET totp_secret = 'x', totp_last_step = 5 WHERE id = $1",
            &[(&o.admin).into()],
        )
        .await
        .unwrap();
    sessions_of(&o, &o.admin, &["s1"]).await;
    let other = o.store.create_organisation("Annat").await.unwrap();
    assert!(!o.store.reset_two_factor(&other.id, &o.admin).await.unwrap());
    assert!(o.store.reset_two_factor(&o.org, &o.admin).await.unwrap());
    let rows = o
        .store
        .test_sql()
        .rows(
            "SELECT totp_secret, totp_last_step FROM staff WHERE id = $1",
            &[(&o.admin).into()],
        )
        .await
        .unwrap();
    // The secret and the last accepted step are both gone.
    assert_eq!(rows, [vec![None, None]]);
    assert!(!alive(&o, "s1").await);
}
