//! The router's state, in a module of its own so that the handlers the
//! router mounts (exports, files) depend on it and not on the router: the
//! router depends on the handlers, never the other way round.

use app::state::AppState;
use axum::extract::FromRef;

/// Router state: the app state, from which Leptos takes its options.
#[derive(Clone, Debug)]
pub struct ServerState(pub AppState);

impl FromRef<ServerState> for leptos::config::LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.0.leptos_options.clone()
    }
}
