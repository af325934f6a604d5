//! Pages: one component per route.

mod access;
mod accessibility;
mod accounts;
mod admin;
mod caseload;
// The check-in screens word counts and dates with Fluent and are drawn by
// the server only: participant pages never hydrate (see `participant_page!`).
#[cfg(feature = "ssr")]
mod check_in;
mod common;
// Admin pages rendered on the server only (see `is_server_only_staff_path`).
#[cfg(feature = "ssr")]
mod instruments;
mod lifecycle;
mod progress;
mod settings;
mod staff_auth;
mod statistics;

pub use access::{CodePage, Home, NewPinPage, PinPage};
#[cfg(feature = "ssr")]
pub use accessibility::AccessibilityPage;
pub use accessibility::{SiteFooter, STATEMENT_PATH};
pub use accounts::{PasswordResetPage, StaffAccountPage};
pub use admin::{AdminPage, AuditPage};
pub use caseload::{AnswersPage, CaseloadPage, ParticipantPage, RegisterPage, SheetPage};
#[cfg(feature = "ssr")]
pub use check_in::{CheckInStart, OfflinePage, QuestionPage, ReviewPage, ThanksPage};
pub use common::NotFound;
#[cfg(not(feature = "ssr"))]
pub use common::ServerRendered;
#[cfg(feature = "ssr")]
pub use instruments::{InstrumentPreviewPage, InstrumentsPage};
pub use lifecycle::{
    LifecycleAdminPage, LifecycleData, MyAnswersPage, ParticipantLifecycleSection,
    StaffAnswersCopyPage,
};
pub use progress::{JourneyPage, MeetingPage};
pub use settings::SettingsPanel;
pub use staff_auth::{AccountPage, LoginPage, StaffBar, TwoFactorPage};
pub use statistics::StatisticsPage;
