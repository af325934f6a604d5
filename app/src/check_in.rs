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

/// The start screen of a check-in link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Overview {
    /// An occasion is open: how far the participant has come.
    Open {
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

/// A stored check-in, for the list of received answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInRow {
    pub participant_code: String,
    pub occasion: String,
    pub submitted_at: String,
    pub answers: usize,
    pub declined: usize,
    pub instrument_version: String,
}

/// Swedish name of an occasion, as staff lists show it.
pub fn occasion_label(kind: stegvis_domain::occasion::OccasionKind, number: u32) -> String {
    use stegvis_domain::occasion::OccasionKind as K;
    match kind {
        K::Intake => "Start".into(),
        K::FollowUp => format!("Uppföljning {number}"),
        K::Exit => "Avslut".into(),
    }
}

/// Where the check-in of a link starts.
pub fn start_path(token: &str) -> String {
    format!("/c/{token}")
}

/// The screen for question `step` (1-based).
pub fn question_path(token: &str, step: usize) -> String {
    format!("/c/{token}/fraga/{step}")
}

/// The review screen.
pub fn review_path(token: &str) -> String {
    format!("/c/{token}/granska")
}

/// The thank-you screen.
pub fn thanks_path(token: &str) -> String {
    format!("/c/{token}/tack")
}

/// What the start screen of a link shows.
#[server(prefix = "/api", endpoint = "check-in/overview")]
pub async fn check_in_overview(token: String) -> Result<Overview, AppError> {
    let flow = ssr::Flow::load(&token).await?;
    let lang = ssr::lang();
    let today = flow.state.today();
    let Some(open) = flow.open else {
        return Ok(Overview::NothingDue {
            next_opens: flow
                .next_opens
                .map(|d| crate::texts::format_date(lang, d, today)),
        });
    };
    let draft = flow.draft(&open).await?;
    let instrument = flow.instrument_for(draft.as_ref()).await?;
    let items = instrument.items_for(open.kind);
    let answers = draft.map(|d| d.answers).unwrap_or_default();
    let answered = items.iter().filter(|i| answers.contains_key(&i.id)).count();
    let resume_at = items
        .iter()
        .position(|i| !answers.contains_key(&i.id))
        .map_or(items.len() + 1, |p| p + 1);
    Ok(Overview::Open {
        occasion: crate::texts::occasion_name(lang, open.kind, open.number),
        closes: crate::texts::format_date(lang, open.closes, today),
        total: items.len(),
        answered,
        resume_at,
    })
}

/// One question of the open check-in.
#[server(prefix = "/api", endpoint = "check-in/question")]
pub async fn check_in_question(token: String, step: usize) -> Result<QuestionView, AppError> {
    let flow = ssr::Flow::load(&token).await?;
    let open = flow.require_open()?;
    let draft = flow.draft(&open).await?;
    let instrument = flow.instrument_for(draft.as_ref()).await?;
    let items = instrument.items_for(open.kind);
    let item = step
        .checked_sub(1)
        .and_then(|i| items.get(i))
        .ok_or_else(|| AppError::NotFound("Den frågan finns inte.".into()))?;
    let submission_id = draft
        .as_ref()
        .map(|d| d.submission_id.clone())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let selected = draft
        .as_ref()
        .and_then(|d| d.answers.get(&item.id).cloned());
    Ok(QuestionView {
        step,
        total: items.len(),
        submission_id,
        item_id: item.id.clone(),
        question: ssr::text(&item.text),
        help: (!item.help.is_empty()).then(|| ssr::text(&item.help)),
        options: ssr::option_views(item),
        selected,
    })
}

/// Saves one answer to the draft and moves to the next or previous screen.
///
/// Going back never requires an answer; going forward does. "Vill inte svara"
/// is an answer.
#[server(prefix = "/api", endpoint = "check-in/answer")]
pub async fn save_answer(
    token: String,
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
        _ => return Err(AppError::BadRequest("Okänd knapp.".into())),
    };
    ssr::check_submission_id(&submission_id)?;
    let flow = ssr::Flow::load(&token).await?;
    let open = flow.require_open()?;
    let draft = flow.draft(&open).await?;
    let instrument = flow.instrument_for(draft.as_ref()).await?;
    let total = instrument.items_for(open.kind).len();
    if step == 0 || step > total {
        return Err(AppError::BadRequest("Den frågan finns inte.".into()));
    }
    let answer = answer.filter(|a| !a.is_empty());
    match &answer {
        Some(value) => {
            check_answer(
                &instrument,
                open.kind,
                &item,
                &AnswerValue::from_form(value),
            )?;
        }
        None if forward => return Err(AppError::Invalid(ssr::lang().texts().choose_answer.into())),
        None => {
            check_answer(&instrument, open.kind, &item, &AnswerValue::Declined)?;
        }
    }
    if let Some(value) = answer {
        let mut draft = draft.unwrap_or_else(|| stegvis_store::DraftRow {
            submission_id: submission_id.clone(),
            occasion: stegvis_store::OccasionRef {
                kind: open.kind,
                number: open.number,
            },
            instrument_version: instrument.version(),
            language: ssr::lang().code().into(),
            answers: Default::default(),
        });
        draft.language = ssr::lang().code().into();
        draft.answers.insert(item, value);
        flow.state
            .store
            .save_draft(&flow.participant.id, &draft)
            .await?;
    }
    let next = match (forward, step) {
        (true, s) if s >= total => review_path(&token),
        (true, s) => question_path(&token, s + 1),
        (false, 1) => start_path(&token),
        (false, s) => question_path(&token, s - 1),
    };
    leptos_axum::redirect(&next);
    Ok(())
}

/// Everything answered so far, for the review screen.
#[server(prefix = "/api", endpoint = "check-in/review")]
pub async fn check_in_review(token: String) -> Result<ReviewView, AppError> {
    let flow = ssr::Flow::load(&token).await?;
    let open = flow.require_open()?;
    let draft = flow.draft(&open).await?;
    let instrument = flow.instrument_for(draft.as_ref()).await?;
    let answers = draft
        .as_ref()
        .map(|d| d.answers.clone())
        .unwrap_or_default();
    let rows: Vec<ReviewRow> = instrument
        .items_for(open.kind)
        .into_iter()
        .enumerate()
        .map(|(i, item)| ReviewRow {
            step: i + 1,
            question: ssr::text(&item.text),
            answer: answers.get(&item.id).map(|v| ssr::answer_label(item, v)),
        })
        .collect();
    Ok(ReviewView {
        submission_id: draft.map(|d| d.submission_id).unwrap_or_default(),
        complete: rows.iter().all(|r| r.answer.is_some()),
        rows,
    })
}

/// Sends the check-in: checks it whole, stores it atomically, and leads to the
/// thank-you screen. Sending the same submission again stores nothing new.
#[server(prefix = "/api", endpoint = "check-in/submit")]
pub async fn submit_check_in(token: String, submission_id: String) -> Result<(), AppError> {
    ssr::check_submission_id(&submission_id)?;
    let flow = ssr::Flow::load(&token).await?;
    match flow.state.store.check_in_owner(&submission_id).await? {
        Some(owner) if owner == flow.participant.id => {
            leptos_axum::redirect(&thanks_path(&token));
            return Ok(());
        }
        Some(_) => return Err(AppError::unknown_link()),
        None => {}
    }
    let open = flow.require_open()?;
    let draft = flow
        .draft(&open)
        .await?
        .filter(|d| d.submission_id == submission_id)
        .ok_or_else(|| {
            AppError::Invalid("Det finns inga svar att skicka. Börja om från början.".into())
        })?;
    let instrument = flow.instrument_for(Some(&draft)).await?;
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
    let checked = stegvis_domain::check_in::check_submission(&instrument, open.kind, &answers)?;
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
        })
        .await?;
    tracing::info!(?outcome, "check-in sent");
    leptos_axum::redirect(&thanks_path(&token));
    Ok(())
}

/// The newest stored check-ins, so a person can see that answers arrived.
#[server(prefix = "/api", endpoint = "check-ins")]
pub async fn list_check_ins() -> Result<Vec<CheckInRow>, AppError> {
    let state = crate::state::app_state()?;
    let rows = state.store.recent_check_ins(100).await?;
    Ok(rows
        .into_iter()
        .map(|r| CheckInRow {
            participant_code: r.participant_code,
            occasion: occasion_label(r.occasion.kind, r.occasion.number),
            submitted_at: r.submitted_at.format("%Y-%m-%d %H:%M").to_string(),
            answers: r.answers,
            declined: r.declined,
            instrument_version: r.instrument_version,
        })
        .collect())
}

#[cfg(feature = "ssr")]
mod ssr {
    //! Server-side steps shared by the check-in server functions.

    use crate::error::AppError;
    use crate::state::{app_state, AppState};
    use chrono::NaiveDate;
    use std::sync::Arc;
    use stegvis_domain::instrument::{AnswerKind, Instrument, Item, Texts, DECLINED};
    use stegvis_domain::schedule::{Schedule, ScheduledOccasion};
    use stegvis_store::{DraftRow, OccasionRef, ParticipantRow};

    /// The language the participant chose for this request.
    pub fn lang() -> crate::texts::Lang {
        crate::prefs::current_prefs().lang
    }

    /// A check-in link resolved to its participant and their open occasion.
    pub struct Flow {
        pub state: AppState,
        pub participant: ParticipantRow,
        pub open: Option<ScheduledOccasion>,
        pub next_opens: Option<NaiveDate>,
    }

    impl Flow {
        pub async fn load(token: &str) -> Result<Self, AppError> {
            let state = app_state()?;
            if token.len() > 128 {
                return Err(AppError::unknown_link());
            }
            let participant = state
                .store
                .participant_by_token(token)
                .await?
                .ok_or_else(AppError::unknown_link)?;
            let answered: Vec<_> = state
                .store
                .answered_occasions(&participant.id)
                .await?
                .into_iter()
                .map(|o| (o.kind, o.number))
                .collect();
            let mut schedule = Schedule::new(participant.intake_date);
            schedule.exit = participant.exit_date;
            // The programme's window, else the server's default.
            schedule.window = participant.window.unwrap_or(state.window);
            let status = schedule.status_on(state.today(), &answered);
            Ok(Self {
                next_opens: status.next.as_ref().map(|n| n.opens),
                open: status.open_now,
                participant,
                state,
            })
        }

        pub fn require_open(&self) -> Result<ScheduledOccasion, AppError> {
            self.open
                .ok_or_else(|| AppError::Conflict("Du har inget att svara på just nu.".into()))
        }

        pub async fn draft(&self, open: &ScheduledOccasion) -> Result<Option<DraftRow>, AppError> {
            Ok(self
                .state
                .store
                .draft(
                    &self.participant.id,
                    OccasionRef {
                        kind: open.kind,
                        number: open.number,
                    },
                )
                .await?)
        }

        /// A draft keeps the instrument version it was started with.
        pub async fn instrument_for(
            &self,
            draft: Option<&DraftRow>,
        ) -> Result<Arc<Instrument>, AppError> {
            match draft {
                Some(d) => self.state.instrument(&d.instrument_version).await,
                None => Ok(self.state.current_instrument()),
            }
        }
    }

    pub fn check_submission_id(id: &str) -> Result<(), AppError> {
        uuid::Uuid::parse_str(id)
            .map(|_| ())
            .map_err(|_| AppError::BadRequest("Inskicket saknar ett giltigt id.".into()))
    }

    /// An instrument text in the participant's language, or in Swedish when the
    /// instrument (say, a licensed one) has no such translation.
    pub fn text(texts: &Texts) -> String {
        texts
            .get(lang().code())
            .or_else(|| texts.get(stegvis_domain::instrument::REQUIRED_LANGUAGE))
            .cloned()
            .unwrap_or_default()
    }

    pub fn option_views(item: &Item) -> Vec<super::OptionView> {
        let mut views: Vec<_> = item
            .options
            .iter()
            .map(|o| super::OptionView {
                value: o.code.clone(),
                label: option_label(item, &o.code, &o.text),
                picture: o.picture.clone(),
            })
            .collect();
        views.push(super::OptionView {
            value: DECLINED.into(),
            label: lang().texts().decline.into(),
            picture: None,
        });
        views
    }

    fn option_label(item: &Item, code: &str, texts: &Texts) -> String {
        let label = text(texts);
        match item.kind {
            AnswerKind::Scale10 if label.is_empty() => code.to_owned(),
            AnswerKind::Scale10 => format!("{code} – {label}"),
            _ => label,
        }
    }

    pub fn answer_label(item: &Item, value: &str) -> String {
        if value == DECLINED {
            return lang().texts().decline.into();
        }
        item.option(value)
            .map(|o| option_label(item, &o.code, &o.text))
            .unwrap_or_else(|| value.to_owned())
    }
}
