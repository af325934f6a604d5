//! Exports for evaluators and scheduled reporting: the same figures as the
//! dashboard (NDI, distance travelled, exit outcomes) as CSV or XLSX, the
//! pseudonymised answer-level file, its codebook for SPSS and R, and FHIR
//! `QuestionnaireResponse`s. Served at `/utvardering/export/<name>.<ext>` to a
//! signed-in evaluator, and written by `stegvis export` from the command line.
//! Every export is written to the audit log with its filter.
//!
//! The answer-level files (CSV, XLSX, FHIR) are k-anonymous with the
//! organisation's smallest-group setting: [`AnswerPlan`] reads every
//! check-in first, `stegvis_export::anonymise` decides how coarse each
//! quasi-identifier is written and who is left out, and only then are the
//! answers streamed. Full detail ([`Detail::Full`]) is only for the command
//! line with a written purpose, which goes into the audit log.

use app::evaluator::StatsQuery;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::stats::{self, ItemIndex, NdiSelection};
use stegvis_export::{CsvOptions, Separator};
use stegvis_store::{OrganisationRow, Role, Store};

use crate::state::ServerState;

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    NdiCsv,
    DistanceCsv,
    OutcomesCsv,
    AggregatesXlsx,
    AnswersCsv,
    AnswersXlsx,
    CodebookSpss,
    CodebookR,
    FhirJson,
    /// What the answer-level file's k-anonymity did (the CSV's metadata).
    AnswersAbout,
}

/// How much detail the answer-level files keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// k-anonymous: the only choice in the web interface.
    KAnonymous,
    /// Days, ten-year age bands and every value, nobody left out: only from
    /// the command line, with a written purpose in the audit log.
    Full,
}

impl Export {
    /// Reads a file name such as `ndi.csv`.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "ndi.csv" => Self::NdiCsv,
            "stegforflyttning.csv" => Self::DistanceCsv,
            "avslut.csv" => Self::OutcomesCsv,
            "sammanstallning.xlsx" => Self::AggregatesXlsx,
            "svar.csv" => Self::AnswersCsv,
            "svar.xlsx" => Self::AnswersXlsx,
            "kodbok.sps" => Self::CodebookSpss,
            "kodbok.R" => Self::CodebookR,
            "fhir.json" => Self::FhirJson,
            "svar-om.csv" => Self::AnswersAbout,
            _ => return None,
        })
    }

    /// Whether the export is the answer-level file (streamed, pseudonymised).
    pub fn is_answer_level(self) -> bool {
        matches!(self, Self::AnswersCsv | Self::AnswersXlsx | Self::FhirJson)
    }

    /// The content type of the file.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::NdiCsv
            | Self::DistanceCsv
            | Self::OutcomesCsv
            | Self::AnswersCsv
            | Self::AnswersAbout => "text/csv; charset=utf-8",
            Self::AggregatesXlsx | Self::AnswersXlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            Self::CodebookSpss | Self::CodebookR => "text/plain; charset=utf-8",
            Self::FhirJson => "application/fhir+json",
        }
    }
}

/// Query parameters of an export link: the dashboard's filter and the CSV separator.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExportParams {
    #[serde(flatten)]
    pub query: StatsQuery,
    /// `semikolon` (default) or `komma`.
    #[serde(default)]
    pub sep: Option<String>,
}

/// Why an export was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportFailure {
    #[error("{0}")]
    Refused(app::error::AppError),
    #[error("store: {0}")]
    Store(#[from] stegvis_store::StoreError),
    #[error("export: {0}")]
    Export(#[from] stegvis_export::ExportError),
}

impl From<app::error::AppError> for ExportFailure {
    fn from(e: app::error::AppError) -> Self {
        Self::Refused(e)
    }
}

impl IntoResponse for ExportFailure {
    fn into_response(self) -> Response {
        match self {
            Self::Refused(e) => {
                let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
                (status, e.to_string()).into_response()
            }
            other => {
                tracing::error!(error = %other, "export failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    app::error::AppError::Internal.to_string(),
                )
                    .into_response()
            }
        }
    }
}

/// The three aggregate reports for an organisation under a filter.
pub struct Reports {
    pub ndi: stats::NdiReport,
    pub distance: stats::DistanceReport,
    pub outcomes: stats::OutcomeReport,
}

/// Computes the reports the dashboard shows, for the same filter.
pub async fn reports(
    store: &Store,
    org: &OrganisationRow,
    index: &ItemIndex,
    filter: &stats::Filter,
) -> Result<Reports, ExportFailure> {
    let respondents = store.statistics_respondents(&org.id, index).await?;
    let k = org.small_cell_k;
    let mut reports = Reports {
        ndi: stats::ndi_report(index, &respondents, filter, NdiSelection::Latest, k),
        distance: stats::distance_report(index, &respondents, filter, k),
        outcomes: stats::outcome_report(&respondents, filter, k),
    };
    // The files name the programme, not its internal id.
    if let Some(id) = &filter.programme {
        let name = store
            .programmes(&org.id)
            .await?
            .into_iter()
            .find(|p| &p.id == id)
            .map(|p| p.name);
        for basis in [
            &mut reports.ndi.basis,
            &mut reports.distance.basis,
            &mut reports.outcomes.basis,
        ] {
            basis.filter.programme = name.clone();
        }
    }
    Ok(reports)
}

/// Writes an aggregate export (not the answer-level ones) into bytes.
/// `naming` names the indicators; `notes` (the instrument versions behind
/// the figures, see [`app::evaluator::ssr::version_notes`]) are added to
/// the metadata of the NDI and distance tables.
pub fn aggregate_bytes(
    export: Export,
    reports: &Reports,
    options: &CsvOptions,
    naming: &stegvis_domain::instrument::Instrument,
    notes: &[(&str, String)],
) -> Result<Vec<u8>, ExportFailure> {
    use stegvis_export::{distance_table, ndi_table, outcome_table, tables_xlsx, write_table_csv};
    let with_notes = |mut table: stegvis_export::Table| {
        for (name, value) in notes {
            table = table.with_note(*name, value.clone());
        }
        table
    };
    let ndi = || with_notes(ndi_table(&reports.ndi));
    let distance = || with_notes(distance_table(&reports.distance, Some(naming)));
    let mut out = Vec::new();
    match export {
        Export::NdiCsv => write_table_csv(&ndi(), options, &mut out)?,
        Export::DistanceCsv => write_table_csv(&distance(), options, &mut out)?,
        Export::OutcomesCsv => {
            write_table_csv(&outcome_table(&reports.outcomes), options, &mut out)?
        }
        Export::AggregatesXlsx => {
            out = tables_xlsx(&[ndi(), distance(), outcome_table(&reports.outcomes)])?
        }
        _ => {}
    }
    Ok(out)
}

/// One instrument that names every item of `instruments`: the first (the
/// default) with the items only later ones have appended, so a figure of
/// another programme's instrument is named by its own question.
pub fn naming_instrument(
    instruments: &[std::sync::Arc<stegvis_domain::instrument::Instrument>],
) -> Option<stegvis_domain::instrument::Instrument> {
    let (first, rest) = instruments.split_first()?;
    let mut naming = first.as_ref().clone();
    for other in rest {
        for item in &other.items {
            if naming.item(&item.id).is_none() {
                naming.items.push(item.clone());
            }
        }
    }
    Some(naming)
}

/// The separator asked for, semicolon by default.
pub fn separator(sep: Option<&str>) -> Result<Separator, ExportFailure> {
    match sep.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Separator::Semicolon),
        Some(s) => s.parse().map_err(|_| {
            ExportFailure::Refused(app::error::AppError::Invalid(
                "Välj semikolon eller komma som avgränsare.".into(),
            ))
        }),
    }
}

/// `GET /utvardering/export/<name>.<ext>`: for signed-in evaluators only.
pub async fn download(
    State(ServerState(state)): State<ServerState>,
    session: tower_sessions::Session,
    Path(name): Path<String>,
    Query(params): Query<ExportParams>,
) -> Result<Response, ExportFailure> {
    let export = Export::from_name(&name)
        .ok_or_else(|| app::error::AppError::NotFound("Den exporten finns inte.".into()))?;
    let staff = app::auth::ssr::staff_of(&session, &state.store)
        .await?
        .ok_or_else(app::error::AppError::signed_out)?;
    let staff = app::auth::ssr::check_role(staff, Role::Evaluator)?;
    let org = state
        .store
        .organisation(&staff.organisation_id)
        .await?
        .ok_or(app::error::AppError::Internal)?;
    let filter = app::evaluator::ssr::filter_from(&params.query)?;
    let options = CsvOptions::from(separator(params.sep.as_deref())?);
    record_export(
        &state.store,
        &org,
        Some(&staff.id),
        &format!("{name} {}", params.query.to_query_string()),
    )
    .await?;
    let file_name = format!("stegvis-{}-{}", chrono::Local::now().date_naive(), name);
    let instruments = state.organisation_instruments(&org.id).await?;
    let body = if export.is_answer_level() {
        // Streamed: rows go from the database to the client chunk by chunk.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(8);
        let store = state.store.clone();
        tokio::spawn(async move {
            let send = |chunk: Vec<u8>| {
                let tx = tx.clone();
                async move { tx.send(Ok(chunk)).await.is_ok() }
            };
            let written = write_export(
                &store,
                &org,
                export,
                filter,
                options,
                Detail::KAnonymous,
                &instruments,
                send,
            )
            .await;
            if let Err(e) = written {
                tracing::error!(error = %e, "answer export stopped");
                let _ = tx
                    .send(Err(std::io::Error::other("the export stopped")))
                    .await;
            }
        });
        Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)))
    } else {
        // Small: made whole first, so a failure is still a clean error status.
        let mut bytes = Vec::new();
        write_export(
            &state.store,
            &org,
            export,
            filter,
            options,
            Detail::KAnonymous,
            &instruments,
            |chunk| {
                bytes.extend_from_slice(&chunk);
                std::future::ready(true)
            },
        )
        .await?;
        Body::from(bytes)
    };
    Ok((
        [
            (header::CONTENT_TYPE, export.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// `GET /admin/logg.csv`: the organisation's whole audit log for its data
/// protection officer, for signed-in admins only. Every entry with its place
/// in the chain and every field its hash covers, so the chain can be checked
/// outside Stegvis (docs/security.md). The download is itself an audit entry,
/// written first, so the file ends with it.
pub async fn audit_log_download(
    State(ServerState(state)): State<ServerState>,
    session: tower_sessions::Session,
) -> Result<Response, ExportFailure> {
    let staff = app::auth::ssr::staff_of(&session, &state.store)
        .await?
        .ok_or_else(app::error::AppError::signed_out)?;
    let staff = app::auth::ssr::check_role(staff, Role::Admin)?;
    state
        .store
        .audit(&stegvis_store::NewAuditEntry {
            organisation_id: &staff.organisation_id,
            staff_id: Some(&staff.id),
            action: "export-audit-log",
            participant_id: None,
            detail: "logg.csv",
        })
        .await?;
    let entries = state.store.audit_entries(&staff.organisation_id).await?;
    let rows = entries.into_iter().map(|e| {
        [
            e.seq.map(|s| s.to_string()).unwrap_or_default(),
            e.at,
            e.staff_name.unwrap_or_default(),
            e.staff_id.unwrap_or_default(),
            e.action.clone(),
            app::admin::action_label(&e.action).to_owned(),
            e.participant_code.unwrap_or_default(),
            e.participant_ref.unwrap_or_default(),
            e.detail,
            e.id,
            e.organisation_id,
            e.prev_hash.unwrap_or_default(),
            e.hash.unwrap_or_default(),
        ]
    });
    let mut bytes = Vec::new();
    stegvis_export::write_text_csv(&AUDIT_COLUMNS, rows, Separator::Semicolon, &mut bytes)?;
    let file_name = format!("stegvis-{}-logg.csv", chrono::Local::now().date_naive());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The columns of the audit log download.
pub const AUDIT_COLUMNS: [&str; 13] = [
    "seq",
    "at",
    "staff",
    "staff_id",
    "action",
    "action_text",
    "participant_code",
    "participant_ref",
    "detail",
    "id",
    "organisation_id",
    "prev_hash",
    "hash",
];

/// Writes any export for an organisation under a filter, handing the bytes
/// to `send` (which answers whether to go on): the aggregate reports whole,
/// the codebook whole, the answer-level files chunk by chunk as they stream
/// from the database. The one way both the download and `stegvis export` write.
/// `detail` applies to the answer-level files, their metadata and codebook.
/// `instruments` are every instrument the organisation's check-ins can
/// have (the default first): see [`app::state::AppState::organisation_instruments`].
#[allow(clippy::too_many_arguments)]
pub async fn write_export<F, Fut>(
    store: &Store,
    org: &OrganisationRow,
    export: Export,
    filter: stats::Filter,
    options: CsvOptions,
    detail: Detail,
    instruments: &[std::sync::Arc<stegvis_domain::instrument::Instrument>],
    mut send: F,
) -> Result<u64, ExportFailure>
where
    F: FnMut(Vec<u8>) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    // The default names items in the codebooks and answer files; the
    // aggregates count and name every instrument's items.
    let naming = naming_instrument(instruments).ok_or(app::error::AppError::Internal)?;
    let instrument = &naming;
    if export.is_answer_level() {
        let plan = AnswerPlan::new(store, org, filter, detail).await?;
        return write_answers(store, &org.id, &plan, export, options, instrument, send).await;
    }
    let bytes = match export {
        Export::CodebookR => {
            let plan = AnswerPlan::new(store, org, filter, detail).await?;
            stegvis_export::r_script(instrument, options.separator, "svar.csv", &plan.notes())
                .into_bytes()
        }
        Export::CodebookSpss => {
            let plan = AnswerPlan::new(store, org, filter, detail).await?;
            stegvis_export::spss_syntax(instrument, options.separator, "svar.csv", &plan.notes())
                .into_bytes()
        }
        Export::AnswersAbout => {
            let plan = AnswerPlan::new(store, org, filter, detail).await?;
            let mut out = Vec::new();
            stegvis_export::write_notes_csv(&plan.notes(), options, &mut out)?;
            out
        }
        _ => {
            let index = ItemIndex::merged(instruments.iter().map(|i| i.as_ref()));
            let reports = reports(store, org, &index, &filter).await?;
            let notes =
                app::evaluator::ssr::version_notes(store, &org.id, &index, instruments).await?;
            aggregate_bytes(export, &reports, &options, &naming, &notes.rows())?
        }
    };
    send(bytes).await;
    Ok(0)
}

/// Writes the audit record of an export: who (`None` for the command
/// line), which file, and the filter.
pub async fn record_export(
    store: &Store,
    org: &OrganisationRow,
    staff_id: Option<&str>,
    detail: &str,
) -> Result<(), ExportFailure> {
    store
        .audit(&stegvis_store::NewAuditEntry {
            organisation_id: &org.id,
            staff_id,
            action: "export",
            participant_id: None,
            detail,
        })
        .await?;
    Ok(())
}

/// What the answer-level export writes about each participant: pseudonyms
/// (a fresh key per export) and the k-anonymous generalisation of everything
/// else the file says about them, decided from all their check-ins before the
/// first answer is written.
pub struct AnswerPlan {
    pub filter: stats::Filter,
    pub pseudonyms: stegvis_export::Pseudonyms,
    /// Who is written, as what, by participant id.
    pub anonymised: stegvis_export::Anonymised<String>,
    /// The check-ins (occasion and number) the plan saw per participant: a
    /// check-in stored while the export runs is not written, since it was not
    /// part of the groups the plan made.
    pub check_ins: BTreeMap<String, BTreeSet<(OccasionKind, u32)>>,
}

impl AnswerPlan {
    /// A fresh plan for one export: reads every check-in of the organisation
    /// that the filter lets through and makes the file k-anonymous with the
    /// organisation's smallest-group setting (or keeps full detail).
    pub async fn new(
        store: &Store,
        org: &OrganisationRow,
        filter: stats::Filter,
        detail: Detail,
    ) -> Result<Self, ExportFailure> {
        use stegvis_export::anonymity::{CheckInFacts, PersonFacts};
        let records = store.export_check_ins(&org.id).await?;
        let mut people: Vec<(String, PersonFacts)> = Vec::new();
        let mut check_ins: BTreeMap<String, BTreeSet<(OccasionKind, u32)>> = BTreeMap::new();
        let mut included = false;
        for record in records {
            let date = record.submitted_at.date_naive();
            if people.last().map(|p| p.0.as_str()) != Some(record.participant_id.as_str()) {
                let facts = Facts::of(&record);
                included = filter.includes(&facts.respondent());
                if included {
                    people.push((record.participant_id.clone(), facts.person()));
                }
            }
            if !included || !filter.counts_date(date) {
                continue;
            }
            if let Some((_, person)) = people.last_mut() {
                person.check_ins.push(CheckInFacts {
                    instrument: record.instrument_version.clone(),
                    occasion: record.occasion_kind,
                    number: record.occasion_number,
                    date,
                });
            }
            check_ins
                .entry(record.participant_id)
                .or_default()
                .insert((record.occasion_kind, record.occasion_number));
        }
        let anonymised = match detail {
            Detail::KAnonymous => stegvis_export::anonymise(people, org.small_cell_k),
            Detail::Full => stegvis_export::full_detail(people, org.small_cell_k),
        };
        Ok(Self {
            filter,
            pseudonyms: stegvis_export::Pseudonyms::new(),
            anonymised,
            check_ins,
        })
    }

    /// The file's notes: what was generalised, merged and left out.
    pub fn notes(&self) -> Vec<(String, String)> {
        self.anonymised.report().notes()
    }

    /// Whether an answer of this participant's check-in goes into the file.
    fn writes(&self, participant_id: &str, occasion: (OccasionKind, u32)) -> bool {
        self.anonymised.person(&participant_id.to_owned()).is_some()
            && self
                .check_ins
                .get(participant_id)
                .is_some_and(|c| c.contains(&occasion))
    }
}

/// A participant's facts as stored, read once for both the filter and the
/// anonymisation.
struct Facts {
    gender: stegvis_domain::participant::Gender,
    birth_year: Option<i32>,
    referral: Option<stegvis_domain::participant::Referral>,
    municipality: Option<String>,
    programme_id: String,
    programme: String,
    start_date: chrono::NaiveDate,
    anonymous: bool,
}

impl Facts {
    fn of(r: &stegvis_store::CheckInRecord) -> Self {
        use stegvis_domain::participant::Gender;
        Self {
            gender: r
                .gender
                .as_deref()
                .and_then(|g| g.parse().ok())
                .unwrap_or(Gender::Undisclosed),
            birth_year: r.birth_year,
            referral: r.referral.as_deref().and_then(|v| v.parse().ok()),
            municipality: r.municipality.clone(),
            programme_id: r.programme_id.clone().unwrap_or_default(),
            programme: r.programme.clone().unwrap_or_default(),
            start_date: r.start_date,
            anonymous: r.anonymous,
        }
    }

    /// As the statistics filter reads them.
    fn respondent(&self) -> stats::Respondent {
        stats::Respondent {
            gender: self.gender,
            birth_year: self.birth_year,
            referral: self.referral,
            municipality: self.municipality.clone(),
            programme: self.programme_id.clone(),
            start_date: self.start_date,
            anonymous: self.anonymous,
            exit: None,
            check_ins: Vec::new(),
        }
    }

    /// What the file may say about them before generalising: people
    /// registered anonymously have only gender (and programme); age is
    /// counted at the start date from the birth year.
    fn person(&self) -> stegvis_export::anonymity::PersonFacts {
        use chrono::Datelike;
        let keep = !self.anonymous;
        stegvis_export::anonymity::PersonFacts {
            gender: self.gender,
            age: self
                .birth_year
                .filter(|_| keep)
                .map(|y| self.start_date.year() - y),
            municipality: self.municipality.clone().filter(|_| keep),
            referral: self.referral.filter(|_| keep),
            programme: self.programme.clone(),
            check_ins: Vec::new(),
        }
    }
}

/// One check-in in the answer stream: pseudonym, instrument version, date,
/// occasion kind and number. Consecutive rows with the same key are one
/// `QuestionnaireResponse`.
type CheckInKey = (String, String, stegvis_export::Period, OccasionKind, u32);

/// Bytes written so far, handed on in chunks of about this size.
const CHUNK: usize = 64 * 1024;

/// A `Write` that fills a shared buffer; the loop hands the buffer on when it
/// is full, so the export never holds more than a chunk.
#[derive(Clone, Default)]
struct Chunks(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Chunks {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("buffer poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Chunks {
    fn take_if(&self, at_least: usize) -> Option<Vec<u8>> {
        let mut buf = self.0.lock().ok()?;
        (buf.len() >= at_least && !buf.is_empty()).then(|| std::mem::take(&mut *buf))
    }
}

/// Writes the answer-level export of an organisation to `send`, chunk by
/// chunk, reading the answers as a stream. CSV and FHIR stream all the way;
/// XLSX is built in constant-memory mode and sent when complete.
pub async fn write_answers<F, Fut>(
    store: &Store,
    org_id: &str,
    plan: &AnswerPlan,
    export: Export,
    options: CsvOptions,
    instrument: &stegvis_domain::instrument::Instrument,
    mut send: F,
) -> Result<u64, ExportFailure>
where
    F: FnMut(Vec<u8>) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    use stegvis_domain::instrument::AnswerValue;
    let chunks = Chunks::default();
    let notes = plan.notes();
    let mut csv = None;
    let mut xlsx = None;
    let mut fhir = None;
    match export {
        Export::AnswersCsv => {
            csv = Some(stegvis_export::AnswerCsvWriter::new(
                chunks.clone(),
                options,
            )?)
        }
        Export::AnswersXlsx => {
            let mut writer = stegvis_export::AnswerXlsxWriter::new()?;
            for (name, value) in &notes {
                writer.note(name.as_str(), value.as_str());
            }
            xlsx = Some(writer)
        }
        Export::FhirJson => {
            fhir = Some(stegvis_export::BundleWriter::with_notes(
                chunks.clone(),
                &notes,
            )?)
        }
        _ => return Ok(0),
    }
    // FHIR: one QuestionnaireResponse per check-in, from consecutive rows.
    let mut group: Option<CheckInKey> = None;
    let mut answers: BTreeMap<String, AnswerValue> = BTreeMap::new();
    let mut rows = 0_u64;
    let mut stream = store.answer_stream(org_id);
    let flush_group = |fhir: &mut Option<stegvis_export::BundleWriter<Chunks>>,
                       group: &Option<CheckInKey>,
                       answers: &mut BTreeMap<String, AnswerValue>|
     -> Result<(), ExportFailure> {
        if let (Some(writer), Some((pseudonym, _, date, kind, number))) = (fhir.as_mut(), group) {
            if !answers.is_empty() {
                let resource = stegvis_export::questionnaire_response(
                    instrument,
                    pseudonym,
                    stegvis_export::Authored::Period(*date),
                    Some((*kind, *number)),
                    answers,
                )?;
                writer.push(&resource)?;
            }
        }
        answers.clear();
        Ok(())
    };
    // Rows come ordered by participant: look the participant up in the plan
    // and make their pseudonym once, at their first row, not for every answer.
    let mut participant: Option<(String, Option<stegvis_export::Released>, String)> = None;
    while let Some(record) = stream.next().await {
        let record = record?;
        if participant.as_ref().map(|p| p.0.as_str()) != Some(record.participant_id.as_str()) {
            participant = Some((
                record.participant_id.clone(),
                plan.anonymised.person(&record.participant_id).cloned(),
                plan.pseudonyms.pseudonym(&record.participant_id),
            ));
        }
        let Some((_, Some(released), pseudonym)) = &participant else {
            continue;
        };
        let occasion = (record.occasion_kind, record.occasion_number);
        if !plan.writes(&record.participant_id, occasion)
            || !plan.filter.counts_date(record.submitted_at.date_naive())
        {
            continue;
        }
        let pseudonym = pseudonym.clone();
        let date = plan.anonymised.period(record.submitted_at.date_naive());
        if fhir.is_some() {
            let key = (
                pseudonym.clone(),
                record.instrument_version.clone(),
                date,
                record.occasion_kind,
                record.occasion_number,
            );
            if group.as_ref() != Some(&key) {
                flush_group(&mut fhir, &group, &mut answers)?;
                group = Some(key);
            }
            answers.insert(
                record.item_id.clone(),
                match &record.value {
                    Some(v) if !record.declined => AnswerValue::Option(v.clone()),
                    _ => AnswerValue::Declined,
                },
            );
        } else {
            let row = stegvis_export::AnswerRow {
                pseudonym: &pseudonym,
                gender: released.gender,
                age_band: released.age_band,
                municipality: released.municipality.as_deref(),
                referral: released.referral,
                programme: &released.programme,
                instrument: &record.instrument_version,
                occasion: record.occasion_kind,
                occasion_number: record.occasion_number,
                date,
                item_id: &record.item_id,
                value: if record.declined {
                    None
                } else {
                    record.value.as_deref()
                },
                score: if record.declined { None } else { record.score },
                declined: record.declined,
            };
            if let Some(w) = csv.as_mut() {
                w.write(&row)?;
            }
            if let Some(w) = xlsx.as_mut() {
                w.write(&row)?;
            }
        }
        rows += 1;
        if let Some(chunk) = chunks.take_if(CHUNK) {
            if !send(chunk).await {
                return Ok(rows);
            }
        }
    }
    flush_group(&mut fhir, &group, &mut answers)?;
    if let Some(w) = csv {
        w.finish()?;
    }
    if let Some(w) = fhir {
        w.finish()?;
    }
    if let Some(w) = xlsx {
        let bytes = w.finish()?;
        send(bytes).await;
    }
    if let Some(rest) = chunks.take_if(1) {
        send(rest).await;
    }
    Ok(rows)
}
