//! Secrets at rest through the server: the `stegvis` binary generates its key
//! into a private data directory (database files 0600, key 0600, directory
//! 0700), refuses a malformed key without echoing it, and rotates keys; the
//! access sheet shows a new code only to the case manager who issued it, and
//! the database never holds the code, the TOTP secret or the personnummer.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use axum::http::StatusCode;
use common::{app, TestApp};
use std::path::{Path, PathBuf};
use std::process::Command;
use stegvis_store::{Role, SecretKey};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stegvis-secrets-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs `stegvis <args>` against `data_dir` with `env`; (success, stdout + stderr).
fn stegvis(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stegvis"));
    command
        .args(args)
        .env_clear()
        .env("STEGVIS_CONFIG", "/dev/null")
        .env("STEGVIS_DATA_DIR", data_dir)
        .env("STEGVIS_LOG", "info");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn a_first_start_generates_the_key_and_keeps_every_file_private() {
    let dir = temp("fresh");
    let (ok, log) = stegvis(&dir, &["migrate"], &[]);
    assert!(ok, "{log}");
    let key_file = dir.join("secret.key");
    assert!(
        log.contains("generated") && log.contains(&key_file.display().to_string()),
        "{log}"
    );
    assert!(log.contains("apart from the database"), "{log}");
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&key_file), 0o600);
    for file in ["stegvis.db", "stegvis.db-wal", "stegvis.db-shm"] {
        let path = dir.join(file);
        if path.exists() || file == "stegvis.db" {
            assert_eq!(mode(&path), 0o600, "{file}");
        }
    }
    let key = SecretKey::parse(&std::fs::read_to_string(&key_file).unwrap()).unwrap();
    // The log names the key by its id, never by its value.
    assert!(log.contains(&key.id()), "{log}");
    assert!(!log.contains(key.to_base64().as_str()), "{log}");

    // A second start reads the same key, and tightens what someone loosened.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        dir.join("stegvis.db"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let (ok, log) = stegvis(&dir, &["migrate"], &[]);
    assert!(ok, "{log}");
    assert!(!log.contains("generated"), "{log}");
    assert!(log.contains("tightened"), "{log}");
    assert_eq!(mode(&dir.join("stegvis.db")), 0o600);
    assert_eq!(
        SecretKey::parse(&std::fs::read_to_string(&key_file).unwrap()).unwrap(),
        key
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_malformed_key_stops_the_start_without_showing_it() {
    let dir = temp("malformed");
    let bad = "dGhpcy1pcy1ub3QtMzItYnl0ZXM=";
    let (ok, log) = stegvis(&dir, &["migrate"], &[("STEGVIS_SECRET_KEY", bad)]);
    assert!(!ok, "{log}");
    assert!(
        log.contains("STEGVIS_SECRET_KEY") && log.contains("32 random bytes"),
        "{log}"
    );
    assert!(!log.contains(bad), "{log}");
    assert!(!dir.join("stegvis.db").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn keys_rotate_reseals_under_the_new_key() {
    let dir = temp("rotate");
    let old = SecretKey::generate();
    let new = SecretKey::generate();
    let old_b64 = old.to_base64();
    let new_b64 = new.to_base64();
    let (ok, log) = stegvis(
        &dir,
        &["demo", "--participants", "20"],
        &[("STEGVIS_SECRET_KEY", old_b64.as_str())],
    );
    assert!(ok, "{log}");
    // The new key alone cannot rotate what the old one sealed: a clear error.
    let (ok, log) = stegvis(
        &dir,
        &["keys", "rotate"],
        &[("STEGVIS_SECRET_KEY", new_b64.as_str())],
    );
    assert!(!ok, "{log}");
    assert!(
        log.contains(&old.id()) && log.contains("not configured"),
        "{log}"
    );
    let (ok, log) = stegvis(
        &dir,
        &["keys", "rotate"],
        &[
            ("STEGVIS_SECRET_KEY", new_b64.as_str()),
            ("STEGVIS_OLD_SECRET_KEYS", old_b64.as_str()),
        ],
    );
    assert!(ok, "{log}");
    assert!(
        log.contains(&format!("Re-sealed under key {}", new.id())),
        "{log}"
    );
    assert!(log.contains("1 two-factor secrets"), "{log}");
    // Now the new key alone is enough.
    let (ok, log) = stegvis(
        &dir,
        &["keys", "rotate"],
        &[("STEGVIS_SECRET_KEY", new_b64.as_str())],
    );
    assert!(ok, "{log}");
    assert!(
        log.contains("0 two-factor secrets, 0 personnummer"),
        "{log}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Whether any stored value of any table contains `needle`.
async fn stored_anywhere(app: &TestApp, needle: &str) -> Vec<(String, String)> {
    app.store
        .all_stored_text()
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, _, v)| v.contains(needle))
        .map(|(t, c, _)| (t, c))
        .collect()
}

#[tokio::test]
async fn a_new_code_is_shown_once_to_its_case_manager_and_never_stored() {
    let app = app("sheet-once").await;
    let org = app.organisation("Södertörn").await;
    let cm = app
        .staff(&org, "cm@sodertorn.se", &[Role::CaseManager])
        .await;
    let participant = app.participant(&cm).await;
    let mut staff = app.signed_in(&cm, None).await;

    let res = staff
        .post("/api/staff/access-code", &format!("id={participant}"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let sheet: app::staff::AccessSheet = staff
        .post("/api/staff/access-sheet", &format!("id={participant}"))
        .await
        .json();
    // Shown again on a reload, for printing.
    let again: app::staff::AccessSheet = staff
        .post("/api/staff/access-sheet", &format!("id={participant}"))
        .await
        .json();
    assert_eq!(again.code, sheet.code);
    // Not in any table, not even the session that keeps it for the sheet.
    assert_eq!(stored_anywhere(&app, &sheet.code).await, vec![]);
    assert_eq!(
        stored_anywhere(&app, &sheet.code.replace('-', "")).await,
        vec![]
    );

    // Another sign-in of the same case manager cannot show it.
    let mut elsewhere = app.signed_in(&cm, None).await;
    let res = elsewhere
        .post("/api/staff/access-sheet", &format!("id={participant}"))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text);
    assert!(res.text.contains("Skapa en ny kod"), "{}", res.text);
    assert!(!res.text.contains(&sheet.code));

    // A new code replaces it: the old one stops working, the new one connects.
    elsewhere
        .post("/api/staff/access-code", &format!("id={participant}"))
        .await;
    let new: app::staff::AccessSheet = elsewhere
        .post("/api/staff/access-sheet", &format!("id={participant}"))
        .await
        .json();
    assert_ne!(new.code, sheet.code);
    let old = app.store.access_code(&sheet.code).await.unwrap().unwrap();
    assert!(old.revoked_at.is_some());
    // The first session no longer shows the revoked code either.
    let res = staff
        .post("/api/staff/access-sheet", &format!("id={participant}"))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text);
    let mut phone = app.client();
    phone.connect_phone(&new.code, common::PIN).await;
    assert_eq!(
        phone.post("/api/check-in/overview", "").await.status,
        StatusCode::OK
    );
    assert_eq!(stored_anywhere(&app, &new.code).await, vec![]);
}

#[tokio::test]
async fn two_factor_secrets_and_personnummer_set_over_http_are_sealed() {
    let app = app("sealed-http").await;
    let org = app.organisation("Södertörn").await;
    let cm = app
        .staff(&org, "cm@sodertorn.se", &[Role::CaseManager])
        .await;
    let secret = app.enable_totp(&cm).await;
    let mut staff = app.signed_in(&cm, Some(&secret)).await;
    assert_eq!(stored_anywhere(&app, &secret).await, vec![]);
    let res = staff
        .post(
            "/api/staff/register",
            &format!(
                "consent=on&gender=kvinna&birth_year=1981&municipality=Haninge&referral=af&start_date={}&personnummer=811218-9876",
                chrono::Local::now().date_naive()
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    for spelling in ["811218-9876", "8112189876", "1218-9876", "12189876"] {
        assert_eq!(stored_anywhere(&app, spelling).await, vec![], "{spelling}");
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM participant_identities")
            .await,
        1
    );
}
