//! The one error type of the web layer.
//!
//! Server functions return [`AppError`]; its variant decides the HTTP status (see
//! [`AppError::status`]) and its text is what a person sees, so every message is
//! plain Swedish. Internal details are logged on the server and never sent.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// Content type the server sends errors with; the status middleware looks for it.
pub const ERROR_CONTENT_TYPE: &str = "application/json";

/// Most characters of a parser's complaint a message repeats: enough for
/// "invalid digit found in string", never a whole field.
const DETAIL_CHARS: usize = 60;

/// Errors a person can be shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request could not be read (malformed body, missing field): 400.
    #[error("{0}")]
    BadRequest(String),
    /// Nobody is signed in, or the sign-in has timed out: 401.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but this account may not do this: 403.
    #[error("{0}")]
    Forbidden(String),
    /// Too many failed attempts; try later or ask for help: 429.
    #[error("{0}")]
    TooManyAttempts(String),
    /// The thing asked for does not exist, or is not this person's: 404.
    #[error("{0}")]
    NotFound(String),
    /// The request clashes with what is stored (an occasion already answered): 409.
    #[error("{0}")]
    Conflict(String),
    /// The request was read but its content is not allowed: 422.
    #[error("{0}")]
    Invalid(String),
    /// An uploaded file was read but refused, with every problem found: 422.
    #[error("Filen kan inte användas: {}", .0.join(" "))]
    InvalidFile(Vec<String>),
    /// Something failed on the server; details are in the log: 500.
    #[error("Något gick fel hos oss. Försök igen om en stund.")]
    Internal,
    /// The server is overloaded (no database connection came free in time);
    /// the request can be sent again, and the phone's outbox does so: 503.
    #[error("Det är många som använder Stegvis just nu. Försök igen om en stund.")]
    Busy,
    /// The phone could not reach the server (only ever made in the browser).
    #[error("Vi når inte servern just nu. Kontrollera att du är uppkopplad och försök igen.")]
    Unreachable,
}

impl AppError {
    /// The HTTP status code for this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Unauthorized(_) => 401,
            Self::Forbidden(_) => 403,
            Self::TooManyAttempts(_) => 429,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::Invalid(_) | Self::InvalidFile(_) => 422,
            Self::Internal => 500,
            Self::Busy | Self::Unreachable => 503,
        }
    }

    /// Staff pages and actions without a valid sign-in.
    pub fn signed_out() -> Self {
        Self::Unauthorized(
            "Du är inte inloggad, eller så har du varit borta för länge. Logga in igen.".into(),
        )
    }

    /// A participant page without a connected phone or a signed-in participant.
    #[cfg(feature = "ssr")]
    pub fn participant_signed_out() -> Self {
        crate::participant_error::ParticipantError::SignedOut.into()
    }

    /// A participant that is not in the staff member's organisation, or does
    /// not exist: said the same way, so ids reveal nothing.
    pub fn unknown_participant() -> Self {
        Self::NotFound("Deltagaren finns inte.".into())
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The detail may quote what was sent: only a short, escaped excerpt.
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                Self::BadRequest(format!(
                    "{} ({})",
                    unreadable_form(),
                    stegvis_domain::text::excerpt_of(&detail, DETAIL_CHARS)
                ))
            }
            ServerFnErrorErr::Request(_) => Self::Unreachable,
            // On the server this means the request body could not be read; in the
            // browser, that the server's answer could not be.
            ServerFnErrorErr::Deserialization(_) if cfg!(feature = "ssr") => {
                Self::BadRequest(unreadable_form())
            }
            ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::Serialization(_)
            | ServerFnErrorErr::Registration(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_)
            | ServerFnErrorErr::Response(_) => Self::Internal,
        }
    }
}

/// "The form could not be read", in the language of the request.
fn unreadable_form() -> String {
    crate::prefs::current_prefs()
        .lang
        .texts()
        .error_unreadable_form
        .clone()
}

#[cfg(feature = "ssr")]
impl From<stegvis_store::StoreError> for AppError {
    fn from(err: stegvis_store::StoreError) -> Self {
        use stegvis_store::StoreError as S;
        match err {
            // Only a participant's check-in (alone or together with their
            // case manager) meets these: said in their language.
            S::OccasionAlreadyAnswered => {
                crate::participant_error::ParticipantError::AlreadyAnswered.into()
            }
            S::SubmissionIdTaken => crate::participant_error::ParticipantError::NotSaved.into(),
            S::EmailTaken => {
                Self::Conflict("Det finns redan ett konto med den e-postadressen.".into())
            }
            S::UnstorableText => Self::Invalid(
                "Texten innehåller ett tecken som inte går att spara. Skriv den igen.".into(),
            ),
            S::Busy(err) => {
                tracing::warn!(error = %err, "database busy: answered 503");
                Self::Busy
            }
            other => {
                tracing::error!(error = %other, "store error");
                Self::Internal
            }
        }
    }
}

/// A free-text field that broke the plain-text rule: the message names the
/// field and the character, never the text.
impl From<stegvis_domain::text::TextError> for AppError {
    fn from(err: stegvis_domain::text::TextError) -> Self {
        Self::Invalid(err.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<stegvis_domain::check_in::CheckInError> for AppError {
    /// Only an outdated or altered check-in meets these (the screens ask
    /// every question with its own options): the detail goes to the log, the
    /// participant reads what to do in their language.
    fn from(err: stegvis_domain::check_in::CheckInError) -> Self {
        tracing::info!(error = %err, "check-in refused");
        crate::participant_error::ParticipantError::AnswersMismatch.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_arguments_are_the_clients_fault() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("step".into()));
        assert_eq!(err.status(), 400);
        let err = AppError::from_server_fn_error(ServerFnErrorErr::MissingArg("token".into()));
        assert_eq!(err.status(), 400);
    }

    #[test]
    fn an_unreadable_form_echoes_only_a_short_escaped_excerpt() {
        let sent = format!("invalid value: \u{202E}\u{0}{}", "x".repeat(60_000));
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args(sent));
        let message = err.to_string();
        assert!(message.chars().count() < 120, "{message}");
        assert!(message.contains("\\u{202E}\\u{0000}"), "{message}");
        assert!(!message.contains('\u{202E}') && !message.contains('\u{0}'));
    }

    #[test]
    fn errors_survive_the_wire() {
        let err = AppError::Invalid("Välj ett svar.".into());
        let bytes = err.ser();
        assert_eq!(AppError::de(bytes), err);
    }
}
