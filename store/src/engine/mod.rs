//! The database engines behind [`crate::Store`].
//!
//! Every statement is written once, in `queries/`, with `$1`-style
//! placeholders both engines accept, and compiled once per engine: each
//! engine module includes `queries/` with its own `Db` type, so the shared
//! code is concrete for that engine (no generic bounds, no runtime dispatch
//! inside a method). An engine module adds only what differs: opening the
//! pool, write transactions, its migrations, schema inspection and backups.
//! Adding an engine is adding a module here, its migrations folder, and one
//! variant of [`crate::Store`]'s engine. See docs/store.md.

pub(crate) mod backup;
pub(crate) mod postgres;
pub(crate) mod sqlite;
