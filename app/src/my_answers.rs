//! "Mina svar": everything a participant has answered, in their language
//! (GDPR articles 15 and 20). The participant reads it on their phone, prints
//! it, or downloads it as CSV or JSON; the case manager can open and print the
//! same in a meeting. Each check-in is shown with the instrument version it was
//! answered with, so an old answer keeps the wording it was given under.
//! Every view and download is written to the audit log.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::{GetUrl, StreamingText, TextStream};

/// Where the participant's page is.
pub const MY_ANSWERS_PATH: &str = "/mina-svar";

/// Where the case manager's printable copy of a participant's answers is.
pub fn staff_copy_path(id: &str) -> String {
    format!("/personal/deltagare/{id}/alla-svar")
}

/// The download of the participant's answers in a format (`csv` or `json`).
pub fn download_path(format: &str) -> String {
    format!("/api/my-answers/download?format={format}")
}

/// One answer as the participant gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyAnswer {
    pub item_id: String,
    pub question: String,
    /// The chosen option's text, or "I do not want to answer".
    pub answer: String,
    /// The option's code; `None` when the question was not answered.
    pub code: Option<String>,
}

/// One sent check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyCheckIn {
    pub occasion: String,
    /// The day it was answered (YYYY-MM-DD).
    pub answered_on: String,
    /// "Dina svar från …": the same day as the page says it, in the reader's
    /// language (worded on the server, as the browser bundle has no Fluent).
    pub answered_words: String,
    /// The language it was answered in.
    pub answered_in: String,
    pub instrument_version: String,
    pub answers: Vec<MyAnswer>,
}

/// Everything a participant has answered, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyAnswers {
    /// The language the texts are in.
    pub language: String,
    pub participant_code: String,
    pub check_ins: Vec<MyCheckIn>,
}

/// The signed-in participant's answers, in their language. Audited.
#[server(prefix = "/api", endpoint = "my-answers")]
pub async fn load_my_answers() -> Result<MyAnswers, AppError> {
    let (p, assisted_by) = ssr::whose_answers().await?;
    let lang = crate::prefs::current_prefs().lang;
    let answers = ssr::answers_of(&p.id, &p.code, lang).await?;
    ssr::audit_participant(
        &p,
        assisted_by.as_deref(),
        "participant-read-own-answers",
        "",
    )
    .await?;
    Ok(answers)
}

/// The signed-in participant's answers as a file: `format=csv` (a table with
/// one row per answer, semicolon-separated, for a spreadsheet) or
/// `format=json` (the same as [`MyAnswers`]). Audited.
#[server(
    prefix = "/api",
    endpoint = "my-answers/download",
    input = GetUrl,
    output = StreamingText
)]
pub async fn download_my_answers(format: String) -> Result<TextStream<AppError>, AppError> {
    let (p, assisted_by) = ssr::whose_answers().await?;
    let lang = crate::prefs::current_prefs().lang;
    let (body, content_type, name) = match format.as_str() {
        "csv" => (
            ssr::csv(&ssr::answers_of(&p.id, &p.code, lang).await?)?,
            "text/csv; charset=utf-8",
            "mina-svar.csv",
        ),
        "json" => (
            serde_json::to_string_pretty(&ssr::answers_of(&p.id, &p.code, lang).await?)
                .map_err(|_| AppError::Internal)?,
            "application/json; charset=utf-8",
            "mina-svar.json",
        ),
        _ => return Err(crate::participant_error::ParticipantError::ChooseFileKind.into()),
    };
    ssr::audit_participant(
        &p,
        assisted_by.as_deref(),
        "participant-download-answers",
        &format,
    )
    .await?;
    ssr::attachment(content_type, name);
    Ok(TextStream::new(futures_util::stream::once(async move {
        Ok(body)
    })))
}

/// The same answers for the participant's case manager, in Swedish, to print
/// in a meeting. Audited.
#[server(prefix = "/api", endpoint = "staff/participant-answers")]
pub async fn load_participant_answers(id: String) -> Result<MyAnswers, AppError> {
    let (staff, _, p) = crate::staff::ssr::own_participant(&id).await?;
    let answers = ssr::answers_of(&p.id, &p.code, crate::texts::Lang::SV).await?;
    crate::staff::ssr::audit(&staff, "print-participant-answers", Some(&p.id), "").await?;
    Ok(answers)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Building the answers from the store and writing the files.

    use super::{MyAnswer, MyAnswers, MyCheckIn};
    use crate::error::AppError;
    use crate::state::app_state;
    use crate::texts::{occasion_title, Lang};
    use stegvis_domain::instrument::{text_in, AnswerValue};
    use stegvis_domain::text::guard_text;
    use stegvis_store::ParticipantRow;

    /// The participant whose answers this browser may read (signed in on
    /// their phone, or answering together with their case manager), read
    /// once for their code and organisation, and the staff member with them.
    pub async fn whose_answers() -> Result<(ParticipantRow, Option<String>), AppError> {
        let (participant_id, assisted_by) = crate::check_in::ssr::whose_check_in().await?;
        let participant = app_state()?
            .store
            .participant(&participant_id)
            .await?
            .ok_or_else(AppError::participant_signed_out)?;
        Ok((participant, assisted_by))
    }

    /// Every check-in of a participant with questions and answers in `lang`,
    /// each under the instrument version it was answered with.
    pub async fn answers_of(
        participant_id: &str,
        participant_code: &str,
        lang: Lang,
    ) -> Result<MyAnswers, AppError> {
        let state = app_state()?;
        let mut check_ins = Vec::new();
        for (check_in, answers) in state.store.check_ins_with_answers(participant_id).await? {
            let instrument = state.instrument(&check_in.instrument_version).await?;
            let rows = instrument
                .items_for(check_in.occasion.kind)
                .into_iter()
                .filter_map(|item| {
                    let answer = answers.iter().find(|a| a.item_id == item.id)?;
                    let (text, code) = match &answer.value {
                        AnswerValue::Declined => (lang.texts().decline.as_str().to_owned(), None),
                        AnswerValue::Option(code) => (
                            item.option(code)
                                .map(|o| text_in(&o.text, lang.code()))
                                .filter(|t| !t.is_empty())
                                .unwrap_or_else(|| code.clone()),
                            Some(code.clone()),
                        ),
                    };
                    Some(MyAnswer {
                        item_id: item.id.clone(),
                        question: text_in(&item.text, lang.code()),
                        answer: text,
                        code,
                    })
                })
                .collect();
            let answered_on = crate::staff::ssr::local_date(check_in.submitted_at);
            check_ins.push(MyCheckIn {
                occasion: occasion_title(lang, check_in.occasion.kind, check_in.occasion.number),
                answered_words: lang
                    .format("answers_from", &[("date", answered_on.as_str().into())]),
                answered_on,
                answered_in: check_in.language,
                instrument_version: check_in.instrument_version,
                answers: rows,
            });
        }
        Ok(MyAnswers {
            language: lang.code().into(),
            participant_code: participant_code.to_owned(),
            check_ins,
        })
    }

    /// The answers as CSV: one row per answer, semicolon-separated with a
    /// byte-order mark, as spreadsheets in Sweden open it.
    pub fn csv(answers: &MyAnswers) -> Result<String, AppError> {
        let mut out = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(Vec::new());
        let failed = |e: csv::Error| {
            tracing::error!(error = %e, "answers could not be written as CSV");
            AppError::Internal
        };
        out.write_record([
            "tillfalle",
            "datum",
            "sprak",
            "instrumentversion",
            "fraga_id",
            "fraga",
            "svar_kod",
            "svar",
        ])
        .map_err(failed)?;
        for c in &answers.check_ins {
            for a in &c.answers {
                out.write_record([
                    c.occasion.as_str(),
                    c.answered_on.as_str(),
                    c.answered_in.as_str(),
                    c.instrument_version.as_str(),
                    a.item_id.as_str(),
                    guard_text(&a.question).as_ref(),
                    a.code.as_deref().unwrap_or(""),
                    guard_text(&a.answer).as_ref(),
                ])
                .map_err(failed)?;
            }
        }
        let bytes = out.into_inner().map_err(|_| AppError::Internal)?;
        let text = String::from_utf8(bytes).map_err(|_| AppError::Internal)?;
        Ok(format!("\u{feff}{text}"))
    }

    /// Makes the response a download with its own type and file name.
    pub fn attachment(content_type: &'static str, name: &str) {
        use axum::http::{header, HeaderValue};
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            res.insert_header(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                res.insert_header(header::CONTENT_DISPOSITION, value);
            }
            res.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }

    /// Writes an audit record of something a participant (or a case manager
    /// together with them) did with their own data.
    pub async fn audit_participant(
        participant: &ParticipantRow,
        assisted_by: Option<&str>,
        action: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        let Some(organisation_id) = participant.organisation_id.as_deref() else {
            tracing::warn!(action, "participant without organisation: not audited");
            return Ok(());
        };
        app_state()?
            .store
            .audit(&stegvis_store::NewAuditEntry {
                organisation_id,
                staff_id: assisted_by,
                action,
                participant_id: Some(&participant.id),
                detail,
            })
            .await?;
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn cells_a_spreadsheet_would_run_stay_text() {
            let answer = |text: &str| MyAnswer {
                item_id: "q1".into(),
                question: text.into(),
                answer: text.into(),
                code: None,
            };
            let answers = MyAnswers {
                language: "sv".into(),
                participant_code: "K7".into(),
                check_ins: vec![MyCheckIn {
                    occasion: "Start".into(),
                    answered_on: "2026-03-03".into(),
                    answered_words: "Svar från 2026-03-03".into(),
                    answered_in: "sv".into(),
                    instrument_version: "1".into(),
                    answers: vec![answer("=1+1"), answer("\t=1+1"), answer("\r=1+1")],
                }],
            };
            let csv = csv(&answers).unwrap_or_default();
            let mut lines = csv.lines().skip(1);
            for cell in ["'=1+1", "'\t=1+1"] {
                let line = lines.next().unwrap_or_default();
                assert_eq!(line.matches(cell).count(), 2, "{line:?}");
            }
            assert!(csv.contains("'\r=1+1"), "{csv:?}");
        }
    }
}
