//! Pages: one component per route.

mod check_in;
mod check_ins;
mod common;

pub use check_in::{CheckInStart, QuestionPage, ReviewPage, SettingsPanel, ThanksPage};
pub use check_ins::CheckInsPage;
pub use common::{Home, NavigationWatcher, NotFound};
