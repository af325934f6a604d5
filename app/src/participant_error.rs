//! What went wrong, as participants are told it: typed variants whose words
//! come from the language files (`error_*` messages), resolved at the edge in
//! the participant's own language. Server functions return these instead of
//! building Swedish strings, so a person who chose Persian reads a locked or
//! expired code in Persian too.

use crate::error::AppError;
use crate::texts::{FluentValue, Lang};

/// Something a participant did or met that the server refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantError {
    /// The access code typed is none of the association's.
    CodeWrong,
    /// The access code exists but is spent, expired or withdrawn.
    CodeUnusable,
    /// Too many wrong codes or PINs.
    Locked,
    /// The chosen PIN is not 4–6 digits.
    PinDigits,
    /// The two PINs typed differ.
    PinMismatch,
    /// A wrong PIN, with how many tries are left.
    PinWrong { left: u32 },
    /// The phone has no known connection.
    PhoneUnknown,
    /// No participant is signed in (or the sign-in ended).
    SignedOut,
    /// A question number outside the check-in.
    NoSuchQuestion,
    /// A form button the check-in does not have.
    UnknownButton,
    /// No check-in is open.
    NothingDue,
    /// A submit with no answers.
    NothingToSend,
    /// The answers clash with a stored submission; start over.
    NotSaved,
    /// Answers that do not fit the instrument (an item or option it lacks,
    /// one missing): a phone with an outdated or altered check-in.
    AnswersMismatch,
    /// The occasion is answered already.
    AlreadyAnswered,
    /// Answers kept on a shared phone belong to another participant.
    SomeoneElse,
    /// An occasion that cannot be read.
    UnknownOccasion,
    /// An occasion outside this participant's plan.
    OccasionNotYours,
    /// Answers sent after the late limit.
    TooLate,
    /// The instrument version the answers were given under is gone.
    QuestionsGone,
    /// A time that cannot be read.
    UnreadableTime,
    /// A submit without a valid submission id.
    NoSubmissionId,
    /// A language no file offers.
    UnknownLanguage,
    /// Neither "with pictures" nor "only text".
    ChoosePictures,
    /// A text size that is not offered.
    ChooseTextSize,
    /// A download format that is not offered.
    ChooseFileKind,
}

impl ParticipantError {
    /// The message id in the language files.
    pub fn message_id(self) -> &'static str {
        use ParticipantError as E;
        match self {
            E::CodeWrong => "error_code_wrong",
            E::CodeUnusable => "error_code_unusable",
            E::Locked => "error_locked",
            E::PinDigits => "error_pin_digits",
            E::PinMismatch => "error_pin_mismatch",
            E::PinWrong { .. } => "error_pin_wrong",
            E::PhoneUnknown => "error_phone_unknown",
            E::SignedOut => "error_signed_out",
            E::NoSuchQuestion => "error_no_such_question",
            E::UnknownButton => "error_unknown_button",
            E::NothingDue => "error_nothing_due",
            E::NothingToSend => "error_nothing_to_send",
            E::NotSaved => "error_not_saved",
            E::AnswersMismatch => "error_answers_mismatch",
            E::AlreadyAnswered => "error_already_answered",
            E::SomeoneElse => "error_someone_else",
            E::UnknownOccasion => "error_unknown_occasion",
            E::OccasionNotYours => "error_occasion_not_yours",
            E::TooLate => "error_too_late",
            E::QuestionsGone => "error_questions_gone",
            E::UnreadableTime => "error_unreadable_time",
            E::NoSubmissionId => "error_no_submission_id",
            E::UnknownLanguage => "error_unknown_language",
            E::ChoosePictures => "error_choose_pictures",
            E::ChooseTextSize => "error_choose_text_size",
            E::ChooseFileKind => "error_choose_file_kind",
        }
    }

    /// The words in `lang`.
    pub fn words(self, lang: Lang) -> String {
        match self {
            Self::PinWrong { left } => lang.format(self.message_id(), &[("left", left.into())]),
            _ => lang.format(self.message_id(), &[] as &[(&str, FluentValue<'_>)]),
        }
    }

    /// The error in `lang`, with the status its kind calls for.
    pub fn in_language(self, lang: Lang) -> AppError {
        use ParticipantError as E;
        let words = self.words(lang);
        match self {
            E::Locked => AppError::TooManyAttempts(words),
            E::PhoneUnknown | E::SignedOut => AppError::Unauthorized(words),
            E::SomeoneElse => AppError::Forbidden(words),
            E::NoSuchQuestion
            | E::UnknownButton
            | E::UnknownOccasion
            | E::UnreadableTime
            | E::NoSubmissionId
            | E::ChooseFileKind => AppError::BadRequest(words),
            E::NothingDue | E::NotSaved | E::AlreadyAnswered | E::OccasionNotYours | E::TooLate => {
                AppError::Conflict(words)
            }
            E::CodeWrong
            | E::CodeUnusable
            | E::PinDigits
            | E::PinMismatch
            | E::PinWrong { .. }
            | E::NothingToSend
            | E::AnswersMismatch
            | E::QuestionsGone
            | E::UnknownLanguage
            | E::ChoosePictures
            | E::ChooseTextSize => AppError::Invalid(words),
        }
    }
}

/// In the language of the request being answered (the participant's choice,
/// kept in the preferences cookie).
impl From<ParticipantError> for AppError {
    fn from(err: ParticipantError) -> Self {
        err.in_language(crate::prefs::current_prefs().lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ParticipantError as E;

    const ALL: [ParticipantError; 26] = [
        E::AnswersMismatch,
        E::CodeWrong,
        E::CodeUnusable,
        E::Locked,
        E::PinDigits,
        E::PinMismatch,
        E::PinWrong { left: 3 },
        E::PhoneUnknown,
        E::SignedOut,
        E::NoSuchQuestion,
        E::UnknownButton,
        E::NothingDue,
        E::NothingToSend,
        E::NotSaved,
        E::AlreadyAnswered,
        E::SomeoneElse,
        E::UnknownOccasion,
        E::OccasionNotYours,
        E::TooLate,
        E::QuestionsGone,
        E::UnreadableTime,
        E::NoSubmissionId,
        E::UnknownLanguage,
        E::ChoosePictures,
        E::ChooseTextSize,
        E::ChooseFileKind,
    ];

    #[test]
    fn every_error_has_words_in_every_language_and_a_client_status() {
        for lang in Lang::all() {
            for err in ALL {
                let words = err.words(lang);
                assert!(
                    !words.is_empty() && !words.contains("error_"),
                    "{lang:?} {err:?}"
                );
                if lang != Lang::SV {
                    assert_ne!(words, err.words(Lang::SV), "{lang:?} {err:?} is Swedish");
                }
                let status = err.in_language(lang).status();
                assert!((400..500).contains(&status), "{err:?}: {status}");
            }
        }
    }

    #[test]
    fn tries_left_are_counted_in_words_of_the_language() {
        let sv = |left| E::PinWrong { left }.words(Lang::SV);
        assert_eq!(
            sv(4),
            "Fel pinkod. Försök igen. Du kan försöka 4 gånger till."
        );
        assert_eq!(
            sv(1),
            "Fel pinkod. Försök igen. Du kan försöka en gång till."
        );
    }
}
