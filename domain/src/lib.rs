//! Stegvis domain model: instruments, occasions, scheduling, readability and indices,
//! participant registration, access codes and login throttling, and the
//! evaluator statistics (indices, distance travelled, outcomes by gender).
//!
//! Everything here is plain Rust with plain `#[test]`s. The web app and the store
//! depend on it; it depends on neither, so the rules that decide what a participant
//! is asked and how answers are scored can be read and tested on their own.

pub mod access;
pub mod check_in;
pub mod easy_read;
pub mod instrument;
pub mod instrument_changes;
pub mod lix;
pub mod ndi;
pub mod occasion;
pub mod participant;
pub mod personnummer;
pub mod population;
pub mod progress;
pub mod retention;
pub mod schedule;
pub mod stats;
pub mod text;
pub mod throttle;
