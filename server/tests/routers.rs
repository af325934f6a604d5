//! A router built while another one serves pages must not stall them.
//! Working out the app's route list switches resource loading off for the
//! whole process while it runs; a page whose data was first asked for in
//! that moment waited forever (seen as a rare 30 s hang in these tests,
//! which build a router each, in parallel). The server works the list out
//! once per process now; this test builds routers without pause on another
//! thread while pages render, and fails on the old behaviour (the
//! client's 30 s limit, `common::ANSWER_WITHIN`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_routers_are_built() {
    let app = common::app("routers").await;
    let building = Arc::new(AtomicBool::new(true));
    let builder = {
        let (state, building) = (app.state.clone(), building.clone());
        tokio::task::spawn_blocking(move || {
            let mut built = 0_u32;
            while building.load(Ordering::Relaxed) {
                drop(stegvis_server::http::router(state.clone()));
                built += 1;
            }
            built
        })
    };
    let mut visitor = app.client();
    for round in 0..150 {
        // Pages that load their data through resources.
        for path in ["/", "/kod", "/logga-in"] {
            let res = visitor.get(path).await;
            assert!(
                res.status.is_success(),
                "{path} (round {round}): {}",
                res.status
            );
        }
    }
    building.store(false, Ordering::Relaxed);
    let built = builder.await.unwrap();
    assert!(built > 10, "routers were built alongside ({built})");
}
