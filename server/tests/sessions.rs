//! Overlapping requests of one browser, at the session storage: a request
//! that only read the session ends after another one changed it. The reader
//! must renew the expiry and leave the other's data alone (a lost update once
//! dropped a kept access-sheet code and the mark that staff answer together
//! with a participant).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use serde_json::json;
use stegvis_server::sessions::StoreSessions;
use tower_sessions::session::{Id, Record};
use tower_sessions::SessionStore;

fn in_seconds(seconds: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds)
}

#[tokio::test]
async fn a_reader_finishing_late_keeps_what_a_writer_changed_and_renews_the_expiry() {
    let app = common::app("sessions-overlap").await;
    let sessions = StoreSessions(app.store.clone());
    let mut first = Record {
        id: Id::default(),
        data: [("kept".to_owned(), json!("before"))].into(),
        expiry_date: in_seconds(60),
    };
    sessions.create(&mut first).await.unwrap();

    // Two requests load the session; the second changes it and ends first.
    let mut reader = sessions.load(&first.id).await.unwrap().unwrap();
    let mut writer = sessions.load(&first.id).await.unwrap().unwrap();
    writer.data.insert("kept".into(), json!("after"));
    writer.data.insert("sheet".into(), json!("sealed code"));
    writer.expiry_date = in_seconds(60);
    sessions.save(&writer).await.unwrap();
    // The reader ends later, with the data it read and a later expiry.
    reader.expiry_date = in_seconds(3600);
    sessions.save(&reader).await.unwrap();

    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let stored = app
        .store
        .load_session(&first.id.to_string(), now)
        .await
        .unwrap()
        .unwrap();
    let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(stored, json!({"kept": "after", "sheet": "sealed code"}));
    // The reader's save moved the expiry on: still there after the writer's.
    let later = now + 600;
    assert!(app
        .store
        .load_session(&first.id.to_string(), later)
        .await
        .unwrap()
        .is_some());

    // A request that changed the data writes it, whatever it read.
    let mut changer = sessions.load(&first.id).await.unwrap().unwrap();
    changer.data.remove("sheet");
    sessions.save(&changer).await.unwrap();
    let stored = app
        .store
        .load_session(&first.id.to_string(), now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stored).unwrap(),
        json!({"kept": "after"})
    );
}
