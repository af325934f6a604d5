//! "Mina svar": everything a participant has answered, in their language
//! (GDPR articles 15 and 20). The participant reads it on their phone, prints
//! it, or downloads it as CSV or JSON; the case manager can open and print the
//! same in a meeting. Each check-in is shown with the instrument version it was
//! answered with, so an old answer keeps the wording it was given under.
//! Every view and download is written to the audit log.

use crate::error::AppError;
use crate::texts::Lang;
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

/// The participant-facing words of these pages, one table per language.
#[derive(Debug)]
pub struct MyAnswersTexts {
    pub heading: &'static str,
    pub intro: &'static str,
    pub nothing: &'static str,
    pub answered_on: &'static str,
    pub question: &'static str,
    pub answer: &'static str,
    pub print: &'static str,
    pub save_heading: &'static str,
    pub save_help: &'static str,
    pub save_csv: &'static str,
    pub save_json: &'static str,
    pub link: &'static str,
    pub back: &'static str,
}

static SV: MyAnswersTexts = MyAnswersTexts {
    heading: "Mina svar",
    intro: "Här ser du alla svar du har skickat.",
    nothing: "Du har inte skickat några svar än.",
    answered_on: "Svar från {date}",
    question: "Fråga",
    answer: "Ditt svar",
    print: "Skriv ut",
    save_heading: "Spara dina svar",
    save_help: "Du kan spara en fil med dina svar.",
    save_csv: "Spara som tabell (CSV)",
    save_json: "Spara som fil för datorer (JSON)",
    link: "Se mina svar",
    back: "Till start",
};

static EN: MyAnswersTexts = MyAnswersTexts {
    heading: "My answers",
    intro: "Here you see all the answers you have sent.",
    nothing: "You have not sent any answers yet.",
    answered_on: "Answers from {date}",
    question: "Question",
    answer: "Your answer",
    print: "Print",
    save_heading: "Save your answers",
    save_help: "You can save a file with your answers.",
    save_csv: "Save as a table (CSV)",
    save_json: "Save as a file for computers (JSON)",
    link: "See my answers",
    back: "Back to start",
};

static AR: MyAnswersTexts = MyAnswersTexts {
    heading: "إجاباتي",
    intro: "هنا ترى كل الإجابات التي أرسلتها.",
    nothing: "لم ترسل أي إجابات بعد.",
    answered_on: "إجابات من {date}",
    question: "السؤال",
    answer: "إجابتك",
    print: "اطبع",
    save_heading: "احفظ إجاباتك",
    save_help: "يمكنك حفظ ملف بإجاباتك.",
    save_csv: "احفظ كجدول (CSV)",
    save_json: "احفظ كملف للحاسوب (JSON)",
    link: "انظر إجاباتي",
    back: "العودة إلى البداية",
};

/// The words of these pages in a language.
pub fn texts(lang: Lang) -> &'static MyAnswersTexts {
    match lang {
        Lang::Sv => &SV,
        Lang::En => &EN,
        Lang::Ar => &AR,
    }
}

/// The signed-in participant's answers, in their language. Audited.
#[server(prefix = "/api", endpoint = "my-answers")]
pub async fn load_my_answers() -> Result<MyAnswers, AppError> {
    let (participant_id, assisted_by) = crate::check_in::ssr::whose_check_in().await?;
    let lang = crate::prefs::current_prefs().lang;
    let answers = ssr::answers_of(&participant_id, lang).await?;
    ssr::audit_participant(
        &participant_id,
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
    let (participant_id, assisted_by) = crate::check_in::ssr::whose_check_in().await?;
    let lang = crate::prefs::current_prefs().lang;
    let (body, content_type, name) = match format.as_str() {
        "csv" => (
            ssr::csv(&ssr::answers_of(&participant_id, lang).await?)?,
            "text/csv; charset=utf-8",
            "mina-svar.csv",
        ),
        "json" => (
            serde_json::to_string_pretty(&ssr::answers_of(&participant_id, lang).await?)
                .map_err(|_| AppError::Internal)?,
            "application/json; charset=utf-8",
            "mina-svar.json",
        ),
        _ => return Err(AppError::BadRequest("Välj csv eller json.".into())),
    };
    ssr::audit_participant(
        &participant_id,
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
    let answers = ssr::answers_of(&p.id, Lang::Sv).await?;
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
    use stegvis_domain::instrument::{AnswerValue, Texts, REQUIRED_LANGUAGE};

    /// Text in `lang`, else in Swedish (every instrument has Swedish).
    fn in_lang(texts: &Texts, lang: Lang) -> String {
        texts
            .get(lang.code())
            .or_else(|| texts.get(REQUIRED_LANGUAGE))
            .cloned()
            .unwrap_or_default()
    }

    /// Every check-in of a participant with questions and answers in `lang`,
    /// each under the instrument version it was answered with.
    pub async fn answers_of(participant_id: &str, lang: Lang) -> Result<MyAnswers, AppError> {
        let state = app_state()?;
        let participant = state
            .store
            .participant(participant_id)
            .await?
            .ok_or_else(AppError::participant_signed_out)?;
        let mut check_ins = Vec::new();
        for (check_in, answers) in state.store.check_ins_with_answers(participant_id).await? {
            let instrument = state.instrument(&check_in.instrument_version).await?;
            let language = state
                .store
                .check_in_language(&check_in.submission_id)
                .await?
                .unwrap_or_default();
            let rows = instrument
                .items_for(check_in.occasion.kind)
                .into_iter()
                .filter_map(|item| {
                    let answer = answers.iter().find(|a| a.item_id == item.id)?;
                    let (text, code) = match &answer.value {
                        AnswerValue::Declined => (lang.texts().decline.to_owned(), None),
                        AnswerValue::Option(code) => (
                            item.option(code)
                                .map(|o| in_lang(&o.text, lang))
                                .filter(|t| !t.is_empty())
                                .unwrap_or_else(|| code.clone()),
                            Some(code.clone()),
                        ),
                    };
                    Some(MyAnswer {
                        item_id: item.id.clone(),
                        question: in_lang(&item.text, lang),
                        answer: text,
                        code,
                    })
                })
                .collect();
            check_ins.push(MyCheckIn {
                occasion: occasion_title(lang, check_in.occasion.kind, check_in.occasion.number),
                answered_on: check_in
                    .submitted_at
                    .with_timezone(&chrono::Local)
                    .date_naive()
                    .to_string(),
                answered_in: language,
                instrument_version: check_in.instrument_version.clone(),
                answers: rows,
            });
        }
        Ok(MyAnswers {
            language: lang.code().into(),
            participant_code: participant.code,
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
                    neutralise(&a.question).as_str(),
                    a.code.as_deref().unwrap_or(""),
                    neutralise(&a.answer).as_str(),
                ])
                .map_err(failed)?;
            }
        }
        let bytes = out.into_inner().map_err(|_| AppError::Internal)?;
        let text = String::from_utf8(bytes).map_err(|_| AppError::Internal)?;
        Ok(format!("\u{feff}{text}"))
    }

    /// A cell a spreadsheet would read as a formula gets a leading apostrophe.
    fn neutralise(cell: &str) -> String {
        if cell.starts_with(['=', '+', '-', '@']) {
            format!("'{cell}")
        } else {
            cell.to_owned()
        }
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
        participant_id: &str,
        assisted_by: Option<&str>,
        action: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        let store = &app_state()?.store;
        let Some(organisation_id) = store.participant_organisation(participant_id).await? else {
            tracing::warn!(action, "participant without organisation: not audited");
            return Ok(());
        };
        store
            .audit(&stegvis_store::NewAuditEntry {
                organisation_id: &organisation_id,
                staff_id: assisted_by,
                action,
                participant_id: Some(participant_id),
                detail,
            })
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stegvis_domain::lix::lix;

    fn swedish() -> Vec<(&'static str, &'static str)> {
        let t = &SV;
        vec![
            ("heading", t.heading),
            ("intro", t.intro),
            ("nothing", t.nothing),
            ("answered_on", t.answered_on),
            ("question", t.question),
            ("answer", t.answer),
            ("print", t.print),
            ("save_heading", t.save_heading),
            ("save_help", t.save_help),
            ("save_csv", t.save_csv),
            ("save_json", t.save_json),
            ("link", t.link),
            ("back", t.back),
        ]
    }

    #[test]
    fn every_swedish_text_is_easy_to_read() {
        for (name, text) in swedish() {
            let value = lix(&text.replace("{date}", "3 mars"));
            assert!(value <= 30.0, "{name}: \"{text}\" has LIX {value:.1}");
        }
        let all: Vec<&str> = swedish().into_iter().map(|(_, t)| t).collect();
        assert!(lix(&all.join(" ")) <= 30.0);
    }

    #[test]
    fn every_language_has_every_text() {
        for lang in Lang::ALL {
            let t = texts(lang);
            for text in [
                t.heading,
                t.intro,
                t.nothing,
                t.answered_on,
                t.question,
                t.answer,
                t.print,
                t.save_heading,
                t.save_help,
                t.save_csv,
                t.save_json,
                t.link,
                t.back,
            ] {
                assert!(!text.is_empty(), "{lang:?}");
            }
            assert!(t.answered_on.contains("{date}"));
        }
    }
}
