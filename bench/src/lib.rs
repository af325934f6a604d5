//! The load benchmark (`scripts/bench-load.sh`): phones doing whole
//! check-ins over HTTP against the release server, the same client against a
//! minimal endpoint, the database engine's own commit rate, and the check
//! that every acknowledged check-in was stored exactly once. See
//! docs/performance.md, "Load: check-ins over HTTP".

pub mod client;
pub mod load;
pub mod raw;
pub mod report;
pub mod stats;
pub mod verify;
