//! The phone's side of a check-in: what a phone keeps to answer without
//! network, and the one request its outbox sends when the network is back.
//!
//! When the start screen loads online, the phone fetches the open check-in as
//! a [`CheckInPackage`] (every item in every language, the screen texts and
//! the draft so far) and keeps it in IndexedDB. From then on the participant
//! can answer, go back, review and press Send with no network; the answers
//! wait in an outbox keyed by the submission id until [`send_check_in`] has
//! stored them. See docs/offline.md.

// The phone sends one flat JSON object; the server-function macro turns each
// of its fields into an argument, in the browser build as well.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How long after its window closed a check-in answered on the phone while the
/// window was open is still accepted. A phone can be without network for
/// weeks; after two months the answers say little about that occasion.
pub const LATE_DAYS: i64 = 60;

/// How far ahead of the server's clock a phone's clock may be before its
/// "answered at" is not believed (and the time of receipt is kept instead).
pub const CLOCK_SKEW_MINUTES: i64 = 10;

/// The open check-in as a phone keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckInPackage {
    /// Whose check-in this is: the phone never shows or sends one participant's
    /// answers while another is signed in.
    pub participant: String,
    pub submission_id: String,
    pub occasion_kind: String,
    pub occasion_number: u32,
    pub instrument_version: String,
    /// First and last day the occasion can be answered (ISO dates).
    pub opens: String,
    pub closes: String,
    /// Item ids in the order they are asked.
    pub items: Vec<String>,
    /// Item id → form value of every answer the server has in its draft.
    pub answers: BTreeMap<String, String>,
    /// The same check-in in every language the screens are offered in.
    pub languages: Vec<PackageLanguage>,
}

/// The check-in and the screen texts in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageLanguage {
    /// The language's tag: also the voice "Lyssna" asks for.
    pub code: String,
    pub dir: String,
    /// The language's name in itself, for the language choice.
    pub name: String,
    /// The occasion said as the start screen says it, whole sentences
    /// ("Nu svarar du igen. Det är uppföljning 2.").
    pub occasion: String,
    /// The last day to answer, as people say it.
    pub closes: String,
    /// Every screen text of [`crate::texts::Texts`] by message id, and the
    /// counted ones formatted for every count (see `package_texts`).
    pub texts: serde_json::Value,
    /// The questions in the order asked.
    pub questions: Vec<crate::check_in::QuestionView>,
}

/// What a phone may keep, for the participant signed in on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhoneCheckIn {
    /// The signed-in participant; `None` when staff answer together with
    /// them, so nothing is kept on the staff member's device.
    pub participant: Option<String>,
    /// The open check-in; `None` when nothing is open (the phone then
    /// forgets the one it kept).
    pub package: Option<CheckInPackage>,
}

/// What the server did with a sent check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendReceipt {
    /// `false` when the same submission had been stored before (a resend).
    pub stored_now: bool,
    /// When the participant can answer next (ISO date), for the thank-you
    /// screen; `None` when nothing more is planned.
    pub next_opens: Option<String>,
    /// The same date as people say it, in the language the answers were
    /// given in, for the thank-you screen the phone draws itself.
    pub next_opens_words: Option<String>,
}

/// Who is signed in and their open check-in, for the phone to keep. Only for
/// a participant's own sign-in: a check-in answered together with staff
/// leaves nothing on the staff member's device.
#[server(prefix = "/api", endpoint = "check-in/package", input = server_fn::codec::GetUrl)]
pub async fn load_phone_check_in() -> Result<PhoneCheckIn, AppError> {
    let flow = crate::check_in::ssr::Flow::load().await?;
    if flow.assisted_by.is_some() {
        return Ok(PhoneCheckIn {
            participant: None,
            package: None,
        });
    }
    let package = match flow.open_check_in().await? {
        Some(open) => {
            let draft = ssr::draft_for_package(&flow, &open).await?;
            Some(ssr::package(&flow, &open, draft))
        }
        None => None,
    };
    Ok(PhoneCheckIn {
        participant: Some(flow.participant.id.clone()),
        package,
    })
}

/// Stores a check-in answered on the phone, whole, in one request: the
/// outbox's only call. Idempotent by submission id (a resend stores nothing
/// and answers the same). A check-in answered while its occasion was open is
/// accepted after the window closed, up to [`LATE_DAYS`] later.
///
/// Every refusal other than "sign in first" is also recorded for the case
/// manager, since the phone will keep the answers and say so.
#[server(prefix = "/api", endpoint = "check-in/send", input = server_fn::codec::Json)]
pub async fn send_check_in(
    submission_id: String,
    participant: String,
    occasion_kind: String,
    occasion_number: u32,
    instrument_version: String,
    language: String,
    answers: BTreeMap<String, String>,
    answered_at: String,
) -> Result<SendReceipt, AppError> {
    let submission_id = crate::check_in::ssr::canonical_submission_id(&submission_id)?;
    let flow = crate::check_in::ssr::Flow::load().await?;
    let participant = crate::check_in::ssr::canonical_uuid(&participant).unwrap_or(participant);
    if participant != flow.participant.id {
        // Another participant is signed in on this phone: theirs waits.
        return Err(crate::participant_error::ParticipantError::SomeoneElse.into());
    }
    let sent = ssr::Sent {
        submission_id,
        occasion_kind,
        occasion_number,
        instrument_version,
        language,
        answers,
        answered_at,
    };
    let result = ssr::store_sent(&flow, &sent).await;
    if let Err(err) = &result {
        if !matches!(
            err,
            AppError::Unauthorized(_) | AppError::Forbidden(_) | AppError::Internal
        ) {
            if let Err(report) = flow
                .state
                .store
                .report_stuck_check_in(
                    &flow.participant.id,
                    &sent.submission_id,
                    err.status(),
                    &err.to_string(),
                )
                .await
            {
                tracing::error!(error = %report, "could not record a refused check-in");
            }
            tracing::warn!(status = err.status(), error = %err, "check-in from a phone refused");
        }
    }
    result
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! Building the package and checking what a phone sent.

    use super::{CheckInPackage, PackageLanguage, SendReceipt, CLOCK_SKEW_MINUTES, LATE_DAYS};
    use crate::check_in::ssr::{Flow, OpenCheckIn};
    use crate::error::AppError;
    use crate::texts::{format_date, occasion_sentence, Lang};
    use chrono::{DateTime, Duration, Utc};
    use std::collections::BTreeMap;
    use stegvis_domain::instrument::AnswerValue;
    use stegvis_domain::occasion::OccasionKind;
    use stegvis_store::{DraftRow, NewCheckIn, OccasionRef, StoreOutcome};

    /// The draft the package is answered under. Made (empty) when there is none,
    /// so the submission id the phone keeps is the one the server knows.
    pub async fn draft_for_package(flow: &Flow, open: &OpenCheckIn) -> Result<DraftRow, AppError> {
        if let Some(draft) = &open.draft {
            return Ok(draft.clone());
        }
        let draft = open.new_draft(uuid::Uuid::new_v4().to_string(), flow.lang);
        flow.state
            .store
            .save_draft(&flow.participant.id, &draft)
            .await?;
        Ok(draft)
    }

    /// The open check-in in every language.
    pub fn package(flow: &Flow, open: &OpenCheckIn, draft: DraftRow) -> CheckInPackage {
        let today = flow.state.today();
        let items = open.items();
        let languages = Lang::all()
            .map(|lang| PackageLanguage {
                code: lang.code().into(),
                dir: lang.dir().into(),
                name: lang.native_name().into(),
                occasion: occasion_sentence(lang, open.occasion.kind, open.occasion.number),
                closes: format_date(lang, open.occasion.closes, today),
                texts: package_texts(
                    lang,
                    items.len(),
                    &format_date(lang, open.occasion.closes, today),
                ),
                questions: items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| crate::check_in::QuestionView {
                        step: i + 1,
                        total: items.len(),
                        submission_id: draft.submission_id.clone(),
                        item_id: item.id.clone(),
                        question: flow.text_in(lang, &item.text),
                        help: (!item.help.is_empty()).then(|| flow.text_in(lang, &item.help)),
                        options: flow.option_views_in(lang, item),
                        selected: None,
                    })
                    .collect(),
            })
            .collect();
        CheckInPackage {
            participant: flow.participant.id.clone(),
            submission_id: draft.submission_id,
            occasion_kind: open.occasion.kind.as_str().into(),
            occasion_number: open.occasion.number,
            instrument_version: draft.instrument_version,
            opens: open.occasion.opens.to_string(),
            closes: open.occasion.closes.to_string(),
            items: items.iter().map(|i| i.id.clone()).collect(),
            answers: draft.answers,
            languages,
        }
    }

    /// Every screen text of one language, with the messages that need a
    /// count already formatted by the language's own rules for every count
    /// this check-in can show (`resume_count` by answers given, `progress`
    /// and `change_answer` by step), and the two templates the script fills
    /// in itself ([`crate::texts::script_templates`]).
    fn package_texts(lang: Lang, total: usize, closes: &str) -> serde_json::Value {
        let mut texts = serde_json::to_value(lang.texts()).unwrap_or_default();
        let Some(map) = texts.as_object_mut() else {
            return texts;
        };
        let counted = |id: &str, name: &str| -> serde_json::Value {
            (0..=total)
                .map(|n| lang.format(id, &[(name, n.into()), ("total", total.into())]))
                .collect::<Vec<_>>()
                .into()
        };
        map.insert("resume_count".into(), counted("resume_count", "answered"));
        map.insert("progress".into(), counted("progress", "step"));
        map.insert(
            "change_answer".into(),
            (0..=total)
                .map(|n| lang.format("change_answer", &[("n", n.into())]))
                .collect::<Vec<_>>()
                .into(),
        );
        map.insert(
            "start_count".into(),
            lang.format("start_count", &[("total", total.into())])
                .into(),
        );
        map.insert(
            "answer_until".into(),
            lang.format("answer_until", &[("date", closes.into())])
                .into(),
        );
        map.extend(crate::texts::script_templates(lang));
        texts
    }

    /// A check-in as the phone sent it.
    pub struct Sent {
        pub submission_id: String,
        pub occasion_kind: String,
        pub occasion_number: u32,
        pub instrument_version: String,
        pub language: String,
        pub answers: BTreeMap<String, String>,
        pub answered_at: String,
    }

    /// Checks a sent check-in against the participant's schedule and its
    /// instrument version, and stores it.
    pub async fn store_sent(flow: &Flow, sent: &Sent) -> Result<SendReceipt, AppError> {
        let store = &flow.state.store;
        let lang = Lang::from_code(&sent.language).unwrap_or_default();
        // A resend after the first was stored: answer the same, whatever the
        // schedule says now.
        if flow.stored_before(&sent.submission_id).await? {
            return receipt(flow, lang, false).await;
        }
        let kind: OccasionKind = sent
            .occasion_kind
            .parse()
            .map_err(|_| crate::participant_error::ParticipantError::UnknownOccasion)?;
        let now = Utc::now();
        let answered_at = answered_at(&sent.answered_at, now)?;
        let today = flow.state.today();
        let answered_day = answered_at
            .with_timezone(&chrono::Local)
            .date_naive()
            .min(today);
        let schedule = flow.state.schedule(
            flow.participant.intake_date,
            flow.participant.exit_date,
            flow.participant.window,
        );
        let occasion = schedule
            .occasions_through(today)
            .into_iter()
            .find(|o| o.matches(kind, sent.occasion_number))
            .ok_or(crate::participant_error::ParticipantError::OccasionNotYours)?;
        let open_now = occasion.is_open_on(today);
        let answered_in_window = occasion.is_open_on(answered_day);
        let late_days = (today - occasion.closes).num_days();
        let accepted_late = answered_in_window && late_days <= LATE_DAYS;
        if !(open_now || accepted_late) {
            return Err(crate::participant_error::ParticipantError::TooLate.into());
        }
        let instrument = flow
            .state
            .instrument(&sent.instrument_version)
            .await
            .map_err(|_| crate::participant_error::ParticipantError::QuestionsGone)?;
        let answers = sent
            .answers
            .iter()
            .map(|(k, v)| (k.clone(), AnswerValue::from_form(v)))
            .collect();
        let checked = stegvis_domain::check_in::check_submission(&instrument, kind, &answers)?;
        let outcome = store
            .store_check_in(&NewCheckIn {
                submission_id: sent.submission_id.clone(),
                participant_id: flow.participant.id.clone(),
                occasion: OccasionRef {
                    kind,
                    number: sent.occasion_number,
                },
                instrument_version: instrument.version(),
                language: lang.code().into(),
                answers: checked.into_iter().map(Into::into).collect(),
                assisted_by: None,
                submitted_at: Some(now),
                answered_at: Some(if open_now {
                    answered_at.min(now)
                } else {
                    answered_at
                }),
            })
            .await?;
        tracing::info!(?outcome, late = !open_now, "check-in sent from a phone");
        receipt(flow, lang, outcome == StoreOutcome::Stored).await
    }

    /// The receipt, with when the next check-in opens now that this one is stored.
    async fn receipt(flow: &Flow, lang: Lang, stored_now: bool) -> Result<SendReceipt, AppError> {
        let answered: Vec<_> = flow
            .state
            .store
            .answered_occasions(&flow.participant.id)
            .await?
            .into_iter()
            .map(|o| (o.kind, o.number))
            .collect();
        let status = flow
            .state
            .schedule(
                flow.participant.intake_date,
                flow.participant.exit_date,
                flow.participant.window,
            )
            .status_on(flow.state.today(), &answered);
        let today = flow.state.today();
        Ok(SendReceipt {
            stored_now,
            next_opens: status.next.as_ref().map(|n| n.opens.to_string()),
            next_opens_words: status.next.map(|n| format_date(lang, n.opens, today)),
        })
    }

    /// The phone's "answered at", believed unless it lies ahead of the
    /// server's clock by more than the skew allowed (then: now).
    fn answered_at(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, AppError> {
        let at = DateTime::parse_from_rfc3339(text)
            .map_err(|_| crate::participant_error::ParticipantError::UnreadableTime)?
            .with_timezone(&Utc);
        Ok(if at > now + Duration::minutes(CLOCK_SKEW_MINUTES) {
            now
        } else {
            at
        })
    }
}
