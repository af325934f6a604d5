//! Pages: one component per route.

mod access;
mod accessibility;
mod accounts;
mod admin;
mod caseload;
mod check_in;
mod common;
mod lifecycle;
mod progress;
mod staff_auth;
mod statistics;

pub use access::{CodePage, Home, NewPinPage, PinPage};
pub use accessibility::{AccessibilityPage, SiteFooter, STATEMENT_PATH};
pub use accounts::{PasswordResetPage, StaffAccountPage};
pub use admin::{AdminPage, AuditPage};
pub use caseload::{AnswersPage, CaseloadPage, ParticipantPage, RegisterPage, SheetPage};
pub use check_in::{
    CheckInStart, OfflinePage, QuestionPage, ReviewPage, SettingsPanel, ThanksPage,
};
#[cfg(not(feature = "ssr"))]
pub use common::ServerRendered;
pub use common::{NavigationWatcher, NotFound};
pub use lifecycle::{
    LifecycleAdminPage, MyAnswersPage, ParticipantLifecycleSection, StaffAnswersCopyPage,
};
pub use progress::{JourneyPage, MeetingPage};
pub use staff_auth::{AccountPage, LoginPage, StaffBar, TwoFactorPage};
pub use statistics::StatisticsPage;
