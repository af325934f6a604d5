//! Stegvis domain model: instruments, occasions, scheduling, readability and indices.
//!
//! Everything here is plain Rust with plain `#[test]`s. The web app and the store
//! depend on it; it depends on neither, so the rules that decide what a participant
//! is asked and how answers are scored can be read and tested on their own.

pub mod check_in;
pub mod instrument;
pub mod lix;
pub mod occasion;
pub mod schedule;
