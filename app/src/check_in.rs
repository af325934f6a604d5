//! The participant's check-in: wire types and server functions.
//!
//! Every step is an ordinary form post to a server function, so the flow works
//! without JavaScript; with the WASM loaded the same forms are sent with `fetch`
//! and the router follows the redirect without a page load. Answers are saved to
//! a draft after each step (resumable on any device) and stored for good only
//! when the participant sends them from the review screen.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Form value of the Next button.
pub const GO_NEXT: &str = "next";
/// Form value of the Back button.
pub const GO_BACK: &str = "back";

/// The start screen of the check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Overview {
    /// An occasion is open: how far the participant has come.
    Open {
        /// What the check-in is, in whole sentences (`texts::occasion_sentence`).
        occasion: String,
        closes: String,
        total: usize,
        answered: usize,
        /// The step to continue at (1-based); `total + 1` means the review screen.
        resume_at: usize,
    },
    /// Nothing to answer now; when the next check-in opens, if one is planned.
    NothingDue { next_opens: Option<String> },
}

/// One answer option as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionView {
    pub value: String,
    pub label: String,
    pub picture: Option<String>,
}

/// One question screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionView {
    pub step: usize,
    pub total: usize,
    pub submission_id: String,
    pub item_id: String,
    pub question: String,
    pub help: Option<String>,
    pub options: Vec<OptionView>,
    pub selected: Option<String>,
}

/// One row of the review screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRow {
    pub step: usize,
    pub question: String,
    pub answer: Option<String>,
}

/// The review screen before sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    pub submission_id: String,
    pub rows: Vec<ReviewRow>,
    pub complete: bool,
}

/// Where the check-in starts.
pub const START_PATH: &str = crate::access::CHECK_IN_HOME;
/// The review screen.
pub const REVIEW_PATH: &str = "/svara/granska";
/// The thank-you screen.
pub const THANKS_PATH: &str = "/svara/tack";

/// The screen for question `step` (1-based).
pub fn question_path(step: usize) -> String {
    format!("/svara/fraga/{step}")
}

/// What the start screen of a link shows.
#[server(prefix = "/api", endpoint = "check-in/overview")]
pub async fn check_in_overview() -> Result<Overview, AppError> {
    use crate::texts::{format_date, occasion_sentence};
    let flow = ssr::Flow::load().await?;
    let today = flow.state.today();
    let Some(open) = flow.open_check_in().await? else {
        return Ok(Overview::NothingDue {
            next_opens: flow.next_opens.map(|d| format_date(flow.lang, d, today)),
        });
    };
    let items = open.items();
    let answers = open.answers();
    let answered = items.iter().filter(|i| answers.contains_key(&i.id)).count();
    let resume_at = items
        .iter()
        .position(|i| !answers.contains_key(&i.id))
        .map_or(items.len() + 1, |p| p + 1);
    Ok(Overview::Open {
        occasion: occasion_sentence(flow.lang, open.occasion.kind, open.occasion.number),
        closes: format_date(flow.lang, open.occasion.closes, today),
        total: items.len(),
        answered,
        resume_at,
    })
}

/// One question of the open check-in.
#[server(prefix = "/api", endpoint = "check-in/question")]
pub async fn check_in_question(step: usize) -> Result<QuestionView, AppError> {
    let flow = ssr::Flow::load().await?;
    let open = flow.require_open_check_in().await?;
    let items = open.items();
    let item = step
        .checked_sub(1)
        .and_then(|i| items.get(i))
        .ok_or(crate::participant_error::ParticipantError::NoSuchQuestion)?;
    let submission_id = open
        .draft
        .as_ref()
        .map(|d| d.submission_id.clone())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    Ok(QuestionView {
        step,
        total: items.len(),
        submission_id,
        item_id: item.id.clone(),
        question: flow.text(&item.text),
        help: (!item.help.is_empty()).then(|| flow.text(&item.help)),
        options: flow.option_views(item),
        selected: open.answers().get(&item.id).cloned(),
    })
}

/// Saves one answer to the draft and moves to the next or previous screen.
///
/// Going back never requires an answer; going forward does. "Vill inte svara"
/// is an answer.
#[server(prefix = "/api", endpoint = "check-in/answer")]
pub async fn save_answer(
    submission_id: String,
    step: usize,
    item: String,
    answer: Option<String>,
    go: String,
) -> Result<(), AppError> {
    use stegvis_domain::check_in::check_answer;
    use stegvis_domain::instrument::AnswerValue;
    let forward = match go.as_str() {
        GO_NEXT => true,
        GO_BACK => false,
        _ => return Err(crate::participant_error::ParticipantError::UnknownButton.into()),
    };
    let submission_id = ssr::canonical_submission_id(&submission_id)?;
    let flow = ssr::Flow::load().await?;
    let open = flow.require_open_check_in().await?;
    let total = open.items().len();
    if step == 0 || step > total {
        return Err(crate::participant_error::ParticipantError::NoSuchQuestion.into());
    }
    let answer = answer.filter(|a| !a.is_empty());
    // Going back without an answer still has to name a real item of this occasion.
    let checked_as = answer
        .as_deref()
        .map_or(AnswerValue::Declined, AnswerValue::from_form);
    if answer.is_none() && forward {
        return Err(AppError::Invalid(flow.lang.texts().choose_answer.clone()));
    }
    check_answer(&open.instrument, open.occasion.kind, &item, &checked_as)?;
    if let Some(value) = answer {
        let mut draft = match open.draft {
            Some(draft) => draft,
            None => open.new_draft(submission_id, flow.lang),
        };
        draft.language = flow.lang.code().into();
        draft.answers.insert(item, value);
        flow.state
            .store
            .save_draft(&flow.participant.id, &draft)
            .await?;
    }
    let next = match (forward, step) {
        (true, s) if s >= total => REVIEW_PATH.to_owned(),
        (true, s) => question_path(s + 1),
        (false, 1) => START_PATH.to_owned(),
        (false, s) => question_path(s - 1),
    };
    leptos_axum::redirect(&next);
    Ok(())
}

/// Everything answered so far, for the review screen.
#[server(prefix = "/api", endpoint = "check-in/review")]
pub async fn check_in_review() -> Result<ReviewView, AppError> {
    let flow = ssr::Flow::load().await?;
    let open = flow.require_open_check_in().await?;
    let answers = open.answers();
    let rows: Vec<ReviewRow> = open
        .items()
        .into_iter()
        .enumerate()
        .map(|(i, item)| ReviewRow {
            step: i + 1,
            question: flow.text(&item.text),
            answer: answers.get(&item.id).map(|v| flow.answer_label(item, v)),
        })
        .collect();
    Ok(ReviewView {
        submission_id: open
            .draft
            .as_ref()
            .map(|d| d.submission_id.clone())
            .unwrap_or_default(),
        complete: rows.iter().all(|r| r.answer.is_some()),
        rows,
    })
}

/// Sends the check-in: checks it whole, stores it atomically, and leads to the
/// thank-you screen. Sending the same submission again stores nothing new.
#[server(prefix = "/api", endpoint = "check-in/submit")]
pub async fn submit_check_in(submission_id: String) -> Result<(), AppError> {
    let submission_id = ssr::canonical_submission_id(&submission_id)?;
    let flow = ssr::Flow::load().await?;
    // Already stored (a resend): the draft is gone and the occasion may be
    // closed, so answer before looking at either.
    if flow.stored_before(&submission_id).await? {
        leptos_axum::redirect(THANKS_PATH);
        return Ok(());
    }
    let open = flow.open_check_in().await?;
    let draft = open
        .as_ref()
        .and_then(|o| o.draft.as_ref())
        .filter(|d| d.submission_id == submission_id);
    let (Some(open), Some(draft)) = (open.as_ref(), draft) else {
        // Another send of the same submission may have been stored since the
        // look above (a resend while the first was still on its way).
        if flow.stored_before(&submission_id).await? {
            leptos_axum::redirect(THANKS_PATH);
            return Ok(());
        }
        if open.is_none() {
            return Err(crate::participant_error::ParticipantError::NothingDue.into());
        }
        return Err(crate::participant_error::ParticipantError::NothingToSend.into());
    };
    let answers = draft
        .answers
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                stegvis_domain::instrument::AnswerValue::from_form(v),
            )
        })
        .collect();
    let checked =
        stegvis_domain::check_in::check_submission(&open.instrument, open.occasion.kind, &answers)?;
    let outcome = flow
        .state
        .store
        .store_check_in(&stegvis_store::NewCheckIn {
            submission_id,
            participant_id: flow.participant.id.clone(),
            occasion: draft.occasion,
            instrument_version: draft.instrument_version.clone(),
            language: draft.language.clone(),
            answers: checked.into_iter().map(Into::into).collect(),
            assisted_by: flow.assisted_by.clone(),
            submitted_at: None,
            answered_at: None,
        })
        .await?;
    tracing::info!(
        ?outcome,
        assisted = flow.assisted_by.is_some(),
        "check-in sent"
    );
    leptos_axum::redirect(THANKS_PATH);
    Ok(())
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! Server-side steps shared by the check-in server functions.

    use crate::error::AppError;
    use crate::state::{app_state, AppState};
    use crate::texts::Lang;
    use chrono::NaiveDate;
    use std::collections::BTreeMap;
    use std::sync::Arc;
    use stegvis_domain::instrument::{AnswerKind, Instrument, Item, Texts, DECLINED};
    use stegvis_domain::schedule::ScheduledOccasion;
    use stegvis_store::{DraftRow, OccasionRef, ParticipantRow};

    /// The signed-in participant (or the one a staff member runs the check-in
    /// with) resolved to their open occasion and the language of this request
    /// (read once, used for every text).
    pub struct Flow {
        pub state: AppState,
        pub participant: ParticipantRow,
        /// The staff member answering together with the participant, if any.
        pub assisted_by: Option<String>,
        pub open: Option<ScheduledOccasion>,
        pub next_opens: Option<NaiveDate>,
        pub lang: Lang,
    }

    /// The open occasion with what has been answered so far and the instrument
    /// version it is answered under.
    pub struct OpenCheckIn {
        pub occasion: ScheduledOccasion,
        pub draft: Option<DraftRow>,
        pub instrument: Arc<Instrument>,
    }

    impl OpenCheckIn {
        /// The items asked at this occasion, in order.
        pub fn items(&self) -> Vec<&Item> {
            self.instrument.items_for(self.occasion.kind)
        }

        /// A draft with no answers yet, under the instrument version in use.
        pub fn new_draft(&self, submission_id: String, lang: Lang) -> DraftRow {
            DraftRow {
                submission_id,
                occasion: OccasionRef {
                    kind: self.occasion.kind,
                    number: self.occasion.number,
                },
                instrument_version: self.instrument.version(),
                language: lang.code().into(),
                answers: BTreeMap::new(),
            }
        }

        /// Item id → form value of every answer saved so far.
        pub fn answers(&self) -> BTreeMap<String, String> {
            self.draft
                .as_ref()
                .map(|d| d.answers.clone())
                .unwrap_or_default()
        }
    }

    impl Flow {
        /// Only the session decides whose check-in this is: a participant's
        /// own sign-in, or a case manager's "answer together" for a
        /// participant of their organisation.
        pub async fn load() -> Result<Self, AppError> {
            let state = app_state()?;
            let (participant_id, assisted_by) = whose_check_in().await?;
            let participant = state
                .store
                .participant(&participant_id)
                .await?
                .ok_or_else(AppError::participant_signed_out)?;
            let answered: Vec<_> = state
                .store
                .answered_occasions(&participant.id)
                .await?
                .into_iter()
                .map(|o| (o.kind, o.number))
                .collect();
            let status = state
                .schedule(
                    participant.intake_date,
                    participant.exit_date,
                    participant.window,
                )
                .status_on(state.today(), &answered);
            Ok(Self {
                next_opens: status.next.as_ref().map(|n| n.opens),
                open: status.open_now,
                lang: crate::prefs::current_prefs().lang,
                participant,
                assisted_by,
                state,
            })
        }

        /// The open check-in, if an occasion is open. A draft keeps the
        /// instrument version it was started with; a new one takes the
        /// participant's programme's active version (or the default).
        pub async fn open_check_in(&self) -> Result<Option<OpenCheckIn>, AppError> {
            let Some(occasion) = self.open else {
                return Ok(None);
            };
            let draft = self
                .state
                .store
                .draft(
                    &self.participant.id,
                    OccasionRef {
                        kind: occasion.kind,
                        number: occasion.number,
                    },
                )
                .await?;
            let instrument = match &draft {
                Some(d) => self.state.instrument(&d.instrument_version).await?,
                None => {
                    self.state
                        .instrument_for_participant(&self.participant.id)
                        .await?
                }
            };
            Ok(Some(OpenCheckIn {
                occasion,
                draft,
                instrument,
            }))
        }

        /// Whether this submission is stored already, as this participant's
        /// (a resend: answer as if stored now). Another participant's id is a 409.
        pub async fn stored_before(&self, submission_id: &str) -> Result<bool, AppError> {
            match self.state.store.check_in_owner(submission_id).await? {
                Some(owner) if owner == self.participant.id => Ok(true),
                Some(_) => Err(crate::participant_error::ParticipantError::NotSaved.into()),
                None => Ok(false),
            }
        }

        /// The open check-in, or a 409 when nothing is open.
        pub async fn require_open_check_in(&self) -> Result<OpenCheckIn, AppError> {
            self.open_check_in()
                .await?
                .ok_or_else(|| crate::participant_error::ParticipantError::NothingDue.into())
        }

        /// An instrument text in the participant's language, or in Swedish when the
        /// instrument (say, a licensed one) has no such translation.
        pub fn text(&self, texts: &Texts) -> String {
            self.text_in(self.lang, texts)
        }

        /// An instrument text in a given language (the phone keeps every one).
        pub fn text_in(&self, lang: Lang, texts: &Texts) -> String {
            stegvis_domain::instrument::text_in(texts, lang.code())
        }

        /// The item's options as shown, "Vill inte svara" last.
        pub fn option_views(&self, item: &Item) -> Vec<super::OptionView> {
            self.option_views_in(self.lang, item)
        }

        /// The item's options in a given language.
        pub fn option_views_in(&self, lang: Lang, item: &Item) -> Vec<super::OptionView> {
            option_views(lang, item)
        }

        /// A saved form value as the participant chose it.
        pub fn answer_label(&self, item: &Item, value: &str) -> String {
            if value == DECLINED {
                return self.lang.texts().decline.as_str().into();
            }
            item.option(value)
                .map(|o| option_label(self.lang, item, &o.code, &o.text))
                .unwrap_or_else(|| value.to_owned())
        }
    }

    /// An item's options as a participant reading `lang` sees them,
    /// "Vill inte svara" last: the check-in, the phone's offline copy and the
    /// admin's preview of an instrument all show them from here.
    pub fn option_views(lang: Lang, item: &Item) -> Vec<super::OptionView> {
        let mut views: Vec<_> = item
            .options
            .iter()
            .map(|o| super::OptionView {
                value: o.code.clone(),
                label: option_label(lang, item, &o.code, &o.text),
                picture: o.picture.clone(),
            })
            .collect();
        views.push(super::OptionView {
            value: DECLINED.into(),
            label: lang.texts().decline.as_str().into(),
            picture: None,
        });
        views
    }

    fn option_label(lang: Lang, item: &Item, code: &str, texts: &Texts) -> String {
        let label = stegvis_domain::instrument::text_in(texts, lang.code());
        match item.kind {
            AnswerKind::Scale10 if label.is_empty() => code.to_owned(),
            AnswerKind::Scale10 => format!("{code} – {label}"),
            _ => label,
        }
    }

    /// The participant of this session and, for a check-in run together with
    /// staff, the staff member. A participant whose phone was disconnected or
    /// locked is signed out at once.
    pub async fn whose_check_in() -> Result<(String, Option<String>), AppError> {
        use crate::auth::ssr as auth;
        if let Some(p) = crate::access::ssr::signed_in_participant().await? {
            let device = crate::access::ssr::known_device().await?;
            if device.is_some_and(|d| d.id == p.device_id && !d.locked) {
                return Ok((p.participant_id, None));
            }
            let session = auth::session().await?;
            auth::remove(&session, crate::access::ssr::PARTICIPANT_KEY).await?;
            return Err(AppError::participant_signed_out());
        }
        if let Some(staff) = auth::signed_in_staff().await? {
            let session = auth::session().await?;
            if let Some(id) = auth::get::<String>(&session, auth::ASSISTING_KEY).await? {
                let state = app_state()?;
                let allowed = staff.has(stegvis_store::Role::CaseManager)
                    && state
                        .store
                        .participant_in(&staff.organisation_id, &id)
                        .await?
                        .is_some();
                if allowed {
                    crate::lifecycle::ssr::refuse_if_withdrawn(&id).await?;
                    return Ok((id, Some(staff.id)));
                }
            }
        }
        Err(AppError::participant_signed_out())
    }

    /// A submission id in its one stored spelling: a UUID, lower case with
    /// hyphens. Upper case, braces, no hyphens and `urn:uuid:` name the same
    /// submission, so a resend in another spelling finds the first one;
    /// anything else is a 400.
    pub fn canonical_submission_id(id: &str) -> Result<String, AppError> {
        canonical_uuid(id)
            .ok_or_else(|| crate::participant_error::ParticipantError::NoSubmissionId.into())
    }

    /// Any spelling of a UUID as the lower-case hyphenated form the store keeps.
    pub fn canonical_uuid(id: &str) -> Option<String> {
        uuid::Uuid::try_parse(id.trim())
            .ok()
            .map(|u| u.hyphenated().to_string())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn every_spelling_of_a_uuid_is_stored_the_same_way() {
            let canonical = "5b0b7f55-2a53-4a8e-9a53-61b7f0c2d9aa";
            for spelling in [
                canonical,
                "5B0B7F55-2A53-4A8E-9A53-61B7F0C2D9AA",
                "{5b0b7f55-2a53-4a8e-9a53-61b7f0c2d9aa}",
                "5b0b7f552a534a8e9a5361b7f0c2d9aa",
                "urn:uuid:5b0b7f55-2a53-4a8e-9a53-61b7f0c2d9aa",
            ] {
                assert_eq!(canonical_submission_id(spelling).unwrap(), canonical);
            }
            for bad in [
                "",
                "x",
                "5b0b7f55-2a53-4a8e-9a53-61b7f0c2d9a",
                "5b0b7f55\u{0}",
            ] {
                assert_eq!(canonical_submission_id(bad).unwrap_err().status(), 400);
            }
        }
    }
}
