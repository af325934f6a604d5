//! Instruments an association manages: uploads, activations per programme,
//! retirement, and which version a participant's next check-in uses, on
//! every engine.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use chrono::NaiveDate;
use stegvis_domain::instrument::Instrument;
use stegvis_domain::schedule::Window;
use stegvis_store::testing;
use stegvis_store::{NewStaff, Role, Store, UploadOutcome};

const DEFAULT: &str = include_str!("../../instruments/stegvis-bas.toml");

fn other_source(name: &str) -> String {
    format!(
        r#"
id = "prov"
languages = ["sv"]
name = {{ sv = "{name}" }}

[[items]]
id = "halsa"
domain = "health"
kind = "scale5"
occasions = ["intake", "exit"]
text = {{ sv = "Hur mår du?" }}
options = [{{ text = {{ sv = "1" }} }}, {{ text = {{ sv = "2" }} }}, {{ text = {{ sv = "3" }} }}, {{ text = {{ sv = "4" }} }}, {{ text = {{ sv = "5" }} }}]
"#
    )
}

struct Org {
    id: String,
    admin: String,
}

async fn org(store: &Store, name: &str) -> Org {
    let org = store.create_organisation(name).await.unwrap();
    let admin = store
        .create_staff(&NewStaff {
            organisation_id: &org.id,
            email: &format!("admin@{}.se", name.to_lowercase()),
            name: &format!("Admin {name}"),
            password_hash: "x",
            roles: &[Role::Admin],
        })
        .await
        .unwrap();
    Org {
        id: org.id,
        admin: admin.id,
    }
}

async fn participant_in(store: &Store, programme_id: &str) -> String {
    let code = format!("P{:05}", store.participant_count().await.unwrap());
    let p = store
        .create_participant(&code, NaiveDate::from_ymd_opt(2026, 1, 5).unwrap())
        .await
        .unwrap();
    store.assign_programme(&p.id, programme_id).await.unwrap();
    p.id
}

#[tokio::test]
async fn an_activated_upload_is_the_programmes_until_it_is_retired() {
    let (store, _db) = testing::store().await;
    let default = Instrument::from_toml(DEFAULT).unwrap();
    store.register_instrument(&default, DEFAULT).await.unwrap();
    let a = org(&store, "Norr").await;
    let programme = store
        .create_programme_in(&a.id, "Steget", Window::default())
        .await
        .unwrap();
    let other = store
        .create_programme_in(&a.id, "Vägen", Window::default())
        .await
        .unwrap();
    let person = participant_in(&store, &programme.id).await;
    let elsewhere = participant_in(&store, &other.id).await;
    assert_eq!(
        store.participant_instrument_version(&person).await.unwrap(),
        None
    );

    let source = other_source("Prov");
    let uploaded = Instrument::from_toml(&source).unwrap();
    assert_eq!(
        store
            .upload_instrument(&a.id, &uploaded, &source, &a.admin)
            .await
            .unwrap(),
        UploadOutcome::Added
    );
    assert_eq!(
        store
            .upload_instrument(&a.id, &uploaded, &source, &a.admin)
            .await
            .unwrap(),
        UploadOutcome::AlreadyUploaded
    );
    // Uploaded is not yet in use.
    assert_eq!(
        store.participant_instrument_version(&person).await.unwrap(),
        None
    );
    let uploads = store.instrument_uploads(&a.id).await.unwrap();
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].version, uploaded.version());
    assert_eq!(uploads[0].uploaded_by, "Admin Norr");
    assert_eq!(uploads[0].retired, None);
    // The source can be read back by version, as for any check-in's version.
    assert_eq!(
        store
            .instrument_source(&uploaded.version())
            .await
            .unwrap()
            .as_deref(),
        Some(source.as_str())
    );

    store
        .activate_instrument(&programme.id, &uploaded.version(), &a.admin)
        .await
        .unwrap();
    assert_eq!(
        store.participant_instrument_version(&person).await.unwrap(),
        Some(uploaded.version())
    );
    // Only that programme.
    assert_eq!(
        store
            .participant_instrument_version(&elsewhere)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.active_instrument_versions(&a.id).await.unwrap(),
        vec![(programme.id.clone(), uploaded.version())]
    );

    // A later activation of the default wins.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    store
        .activate_instrument(&programme.id, &default.version(), &a.admin)
        .await
        .unwrap();
    assert_eq!(
        store.participant_instrument_version(&person).await.unwrap(),
        Some(default.version())
    );
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    store
        .activate_instrument(&programme.id, &uploaded.version(), &a.admin)
        .await
        .unwrap();
    let history = store.instrument_activations(&a.id).await.unwrap();
    assert_eq!(
        history
            .iter()
            .map(|h| (h.programme_name.as_str(), h.version.clone()))
            .collect::<Vec<_>>(),
        vec![
            ("Steget", uploaded.version()),
            ("Steget", default.version()),
            ("Steget", uploaded.version()),
        ]
    );
    assert_eq!(history[0].activated_by, "Admin Norr");

    assert!(store
        .retire_instrument(&a.id, &uploaded.version(), &a.admin)
        .await
        .unwrap());
    assert!(!store
        .retire_instrument(&a.id, &uploaded.version(), &a.admin)
        .await
        .unwrap());
    assert_eq!(
        store.participant_instrument_version(&person).await.unwrap(),
        None
    );
    assert!(store
        .active_instrument_versions(&a.id)
        .await
        .unwrap()
        .is_empty());
    let retired = store.instrument_uploads(&a.id).await.unwrap();
    assert_eq!(
        retired[0].retired.as_ref().map(|r| r.0.as_str()),
        Some("Admin Norr")
    );
}

#[tokio::test]
async fn uploads_belong_to_their_organisation() {
    let (store, _db) = testing::store().await;
    let a = org(&store, "Norr").await;
    let b = org(&store, "Syd").await;
    let source = other_source("Prov");
    let uploaded = Instrument::from_toml(&source).unwrap();
    store
        .upload_instrument(&a.id, &uploaded, &source, &a.admin)
        .await
        .unwrap();
    assert!(store.instrument_uploads(&b.id).await.unwrap().is_empty());
    // Another organisation cannot retire it ...
    assert!(!store
        .retire_instrument(&b.id, &uploaded.version(), &b.admin)
        .await
        .unwrap());
    // ... and uploading the same file makes it theirs too, with its own record.
    assert_eq!(
        store
            .upload_instrument(&b.id, &uploaded, &source, &b.admin)
            .await
            .unwrap(),
        UploadOutcome::Added
    );
    assert_eq!(
        store.instrument_uploads(&b.id).await.unwrap()[0].uploaded_by,
        "Admin Syd"
    );
    let programme = store
        .create_programme_in(&a.id, "Steget", Window::default())
        .await
        .unwrap();
    store
        .activate_instrument(&programme.id, &uploaded.version(), &a.admin)
        .await
        .unwrap();
    assert!(store
        .instrument_activations(&b.id)
        .await
        .unwrap()
        .is_empty());
    // Retired in b, still active in a.
    assert!(store
        .retire_instrument(&b.id, &uploaded.version(), &b.admin)
        .await
        .unwrap());
    let person = participant_in(&store, &programme.id).await;
    assert_eq!(
        store.participant_instrument_version(&person).await.unwrap(),
        Some(uploaded.version())
    );
}

#[tokio::test]
async fn a_language_review_is_confirmed_once_per_organisation() {
    let (store, _db) = testing::store().await;
    let a = org(&store, "Norr").await;
    let b = org(&store, "Syd").await;
    assert!(store.confirm_language(&a.id, "so", &a.admin).await.unwrap());
    assert!(!store.confirm_language(&a.id, "so", &a.admin).await.unwrap());
    let reviews = store.language_reviews(&a.id).await.unwrap();
    assert_eq!(reviews.len(), 1);
    assert_eq!(
        (
            reviews[0].language.as_str(),
            reviews[0].confirmed_by.as_str()
        ),
        ("so", "Admin Norr")
    );
    assert!(store.language_reviews(&b.id).await.unwrap().is_empty());
}
