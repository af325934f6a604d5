//! The Stegvis server: configuration, the HTTP router around the Leptos app, and
//! demo data. `main.rs` only wires these together, so tests can build the same
//! router against a temporary database.

pub mod config;
pub mod demo;
pub mod exports;
pub mod form_errors;
pub mod headers;
pub mod http;
pub mod keys;
pub mod offline;
pub mod retention;
pub mod serve;
pub mod sessions;
pub mod state;
