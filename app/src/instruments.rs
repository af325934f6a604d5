//! Instruments managed by the association's admin: upload a file (checked
//! item by item, nothing stored when anything is wrong), preview it as a
//! participant would see it, activate a version per programme, retire one,
//! and read the history with what changed between versions. Evaluators read
//! the history too, to know when figures are comparable. Every change is
//! audited. See docs/instruments.md.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The instrument page: versions, history, upload and activation. Rendered
/// on the server only ([`crate::is_server_only_staff_path`]).
pub const PAGE: &str = "/admin/formular";

/// Where an upload is sent: the body limit is larger here than for any
/// other server function, since an instrument with many languages runs to
/// tens of kilobytes (see the server's body limit).
pub const UPLOAD_PATH: &str = "/api/admin/instruments/upload";

/// Largest instrument file accepted, in bytes of the sent form.
pub const MAX_UPLOAD_BYTES: usize = 1024 * 1024;

/// One version as the admin and the evaluator read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionView {
    /// `id@hash`.
    pub version: String,
    /// The instrument's Swedish name.
    pub name: String,
    pub languages: Vec<String>,
    pub items: usize,
    /// The server's own instrument, the fallback of every programme.
    pub is_default: bool,
    /// "2026-12-04 10:15 av Anna Admin", or how the default came to be.
    pub uploaded: String,
    /// When and by whom it was retired.
    pub retired: Option<String>,
    /// "Steget: 2026-12-04 10:20 av Anna Admin", oldest first.
    pub activations: Vec<String>,
    /// What changed from the version before it (for the first upload: from
    /// the default), in Swedish.
    pub changes: Vec<String>,
}

/// A programme and the instrument its next check-ins use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeInstrument {
    pub id: String,
    pub name: String,
    pub version: String,
}

/// The instrument page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstrumentHistory {
    /// Whether the viewer may upload, activate and retire (admins).
    pub can_manage: bool,
    /// Newest first; the default last.
    pub versions: Vec<VersionView>,
    pub programmes: Vec<ProgrammeInstrument>,
}

/// One question of a preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewQuestion {
    pub question: String,
    pub help: Option<String>,
    pub options: Vec<crate::check_in::OptionView>,
}

/// An instrument at one occasion in one language, as a participant sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewView {
    pub version: String,
    pub name: String,
    /// The language shown, its own name, and its writing direction.
    pub lang: String,
    pub lang_name: String,
    pub dir: String,
    /// Whether the instrument lacks this language, so the questions show
    /// in Swedish (as they would for the participant).
    pub swedish_fallback: bool,
    pub questions: Vec<PreviewQuestion>,
}

/// The versions, their history and each programme's instrument.
#[server(prefix = "/api", endpoint = "admin/instruments")]
pub async fn instruments_overview() -> Result<InstrumentHistory, AppError> {
    let me = ssr::require_reader().await?;
    let state = crate::state::app_state()?;
    ssr::overview(&state, &me).await
}

/// Checks and stores an uploaded instrument file. Every problem is named,
/// item by item, and nothing is stored unless there are none.
#[server(prefix = "/api", endpoint = "admin/instruments/upload")]
pub async fn upload_instrument(source: String) -> Result<String, AppError> {
    use stegvis_domain::instrument::Instrument;
    let me = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    if source.trim().is_empty() {
        return Err(AppError::Invalid(
            "Välj en formulärfil, eller klistra in filens innehåll.".into(),
        ));
    }
    let instrument = Instrument::check_toml(&source).map_err(ssr::refused)?;
    let known = state.organisation_instruments(&me.organisation_id).await?;
    let conflicts = stegvis_domain::instrument_changes::conflicts(
        known.iter().map(|i| i.as_ref()),
        &instrument,
    );
    if !conflicts.is_empty() {
        return Err(ssr::refused(conflicts));
    }
    let version = instrument.version();
    let outcome = state
        .store
        .upload_instrument(&me.organisation_id, &instrument, &source, &me.id)
        .await?;
    if outcome == stegvis_store::UploadOutcome::Added {
        crate::staff::ssr::audit(&me, "upload-instrument", None, &version).await?;
    }
    // The page is a plain form (rendered on the server only): it says what
    // was uploaded from the address it is sent back to.
    leptos_axum::redirect(&format!("{PAGE}?uppladdad={version}"));
    Ok(version)
}

/// Makes a version the programme's instrument for check-ins started from now.
#[server(prefix = "/api", endpoint = "admin/instruments/activate")]
pub async fn activate_instrument(programme: String, version: String) -> Result<(), AppError> {
    let me = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    let programme = state
        .store
        .programmes(&me.organisation_id)
        .await?
        .into_iter()
        .find(|p| p.id == programme)
        .ok_or_else(|| AppError::NotFound("Insatsen finns inte.".into()))?;
    ssr::usable_version(&state, &me.organisation_id, &version).await?;
    state
        .store
        .activate_instrument(&programme.id, &version, &me.id)
        .await?;
    crate::staff::ssr::audit(
        &me,
        "activate-instrument",
        None,
        &format!("{}: {version}", programme.name),
    )
    .await?;
    leptos_axum::redirect(&format!("{PAGE}?sparat=aktiverat"));
    Ok(())
}

/// Stops new check-ins with an uploaded version; programmes using it go
/// back to the default. Check-ins given with it keep it.
#[server(prefix = "/api", endpoint = "admin/instruments/retire")]
pub async fn retire_instrument(version: String) -> Result<(), AppError> {
    let me = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    if version == state.current_instrument().version() {
        return Err(AppError::Invalid(
            "Standardformuläret kan inte dras tillbaka: det används när en insats inte har något annat."
                .into(),
        ));
    }
    if !state
        .store
        .retire_instrument(&me.organisation_id, &version, &me.id)
        .await?
    {
        return Err(AppError::NotFound(
            "Formulärversionen finns inte, eller är redan tillbakadragen.".into(),
        ));
    }
    crate::staff::ssr::audit(&me, "retire-instrument", None, &version).await?;
    leptos_axum::redirect(&format!("{PAGE}?sparat=tillbakadraget"));
    Ok(())
}

/// A version's questions at one occasion, in one participant language.
#[server(prefix = "/api", endpoint = "admin/instruments/preview")]
pub async fn instrument_preview(
    version: String,
    occasion: String,
    lang: String,
) -> Result<PreviewView, AppError> {
    let me = ssr::require_reader().await?;
    let state = crate::state::app_state()?;
    ssr::preview(&state, &me, &version, &occasion, &lang).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::state::AppState;
    use crate::texts::Lang;
    use chrono::{DateTime, Utc};
    use std::sync::Arc;
    use stegvis_domain::instrument::{Instrument, InstrumentError, REQUIRED_LANGUAGE};
    use stegvis_domain::instrument_changes::{changes, InstrumentChange};
    use stegvis_domain::occasion::OccasionKind;
    use stegvis_store::{Role, StaffRow};

    /// Admins and evaluators read the versions and their history.
    pub async fn require_reader() -> Result<StaffRow, AppError> {
        let me = crate::auth::ssr::require_staff().await?;
        if me.has(Role::Evaluator) {
            crate::auth::ssr::check_role(me, Role::Evaluator)
        } else {
            crate::auth::ssr::check_role(me, Role::Admin)
        }
    }

    /// Longest problem shown: a parser's complaint quotes the line it
    /// stopped at, which may be anything the file holds.
    const PROBLEM_CHARS: usize = 240;

    /// A refused file: every problem, in the words of docs/instruments.md,
    /// with anything quoted from the file shortened and made visible.
    pub fn refused(problems: Vec<InstrumentError>) -> AppError {
        AppError::InvalidFile(
            problems
                .iter()
                .map(|p| stegvis_domain::text::excerpt_of(&p.to_string(), PROBLEM_CHARS))
                .collect(),
        )
    }

    /// A version the organisation may activate: the default, or one it
    /// uploaded and has not retired.
    pub async fn usable_version(
        state: &AppState,
        organisation_id: &str,
        version: &str,
    ) -> Result<(), AppError> {
        if version == state.current_instrument().version() {
            return Ok(());
        }
        let upload = state
            .store
            .instrument_uploads(organisation_id)
            .await?
            .into_iter()
            .find(|u| u.version == version)
            .ok_or_else(|| AppError::NotFound("Formulärversionen finns inte.".into()))?;
        if upload.retired.is_some() {
            return Err(AppError::Invalid(
                "Formulärversionen är tillbakadragen och kan inte användas igen. Ladda upp den som en ny version om den behövs."
                    .into(),
            ));
        }
        Ok(())
    }

    /// A version the viewer's organisation knows: the default or an upload.
    async fn known_version(
        state: &AppState,
        organisation_id: &str,
        version: &str,
    ) -> Result<Arc<Instrument>, AppError> {
        if version == state.current_instrument().version()
            || state
                .store
                .instrument_uploads(organisation_id)
                .await?
                .iter()
                .any(|u| u.version == version)
        {
            return state.instrument(version).await;
        }
        Err(AppError::NotFound("Formulärversionen finns inte.".into()))
    }

    fn when(at: DateTime<Utc>, by: &str) -> String {
        format!(
            "{} av {by}",
            at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M")
        )
    }

    fn swedish_name(instrument: &Instrument) -> String {
        stegvis_domain::instrument::text_in(&instrument.name, REQUIRED_LANGUAGE)
    }

    /// A change in the admin's and evaluator's words.
    pub fn describe(change: &InstrumentChange) -> String {
        use InstrumentChange as C;
        let occasions =
            |o: &[OccasionKind]| o.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ");
        match change {
            C::Renamed => "Formulärets namn är ändrat.".into(),
            C::LanguagesAdded(l) => format!("Nya språk: {}.", l.join(", ")),
            C::LanguagesRemoved(l) => format!("Språk som tagits bort: {}.", l.join(", ")),
            C::ItemAdded { item } => format!("Ny fråga: {item}."),
            C::ItemRemoved { item } => format!("Borttagen fråga: {item}."),
            C::Reworded { item, languages } => format!(
                "Frågan {item} har ny text på: {}.",
                languages.join(", ")
            ),
            C::OptionsChanged { item } => {
                format!("Frågan {item} har ändrade svarsalternativ.")
            }
            C::OccasionsChanged {
                item,
                before,
                after,
            } => format!(
                "Frågan {item} ställs vid andra tillfällen: förut {}, nu {}.",
                occasions(before),
                occasions(after)
            ),
            C::Redefined { item } => format!(
                "Frågan {item} mäter något annat (område, svarstyp eller riktning): jämför inte siffrorna före och efter."
            ),
        }
    }

    pub async fn overview(state: &AppState, me: &StaffRow) -> Result<InstrumentHistory, AppError> {
        let org = &me.organisation_id;
        let default = state.current_instrument();
        let default_version = default.version();
        let uploads = state.store.instrument_uploads(org).await?;
        let activations = state.store.instrument_activations(org).await?;
        let activations_of = |version: &str| -> Vec<String> {
            activations
                .iter()
                .filter(|a| a.version == version)
                .map(|a| {
                    format!(
                        "{}: {}",
                        a.programme_name,
                        when(a.activated_at, &a.activated_by)
                    )
                })
                .collect()
        };
        let mut versions = Vec::with_capacity(uploads.len() + 1);
        let mut previous = default.clone();
        for upload in &uploads {
            let instrument = state.instrument(&upload.version).await?;
            versions.push(VersionView {
                version: upload.version.clone(),
                name: swedish_name(&instrument),
                languages: instrument.languages.clone(),
                items: instrument.items.len(),
                is_default: upload.version == default_version,
                uploaded: when(upload.uploaded_at, &upload.uploaded_by),
                retired: upload.retired.as_ref().map(|(by, at)| when(*at, by)),
                activations: activations_of(&upload.version),
                changes: changes(&previous, &instrument)
                    .iter()
                    .map(describe)
                    .collect(),
            });
            previous = instrument;
        }
        versions.reverse();
        if !uploads.iter().any(|u| u.version == default_version) {
            versions.push(VersionView {
                version: default_version.clone(),
                name: swedish_name(&default),
                languages: default.languages.clone(),
                items: default.items.len(),
                is_default: true,
                uploaded: "Serverns standardformulär (läses in när servern startar)".into(),
                retired: None,
                activations: activations_of(&default_version),
                changes: Vec::new(),
            });
        }
        let active = state.store.active_instrument_versions(org).await?;
        let programmes = state
            .store
            .programmes(org)
            .await?
            .into_iter()
            .map(|p| ProgrammeInstrument {
                version: active
                    .iter()
                    .find(|(id, _)| *id == p.id)
                    .map_or_else(|| default_version.clone(), |(_, v)| v.clone()),
                id: p.id,
                name: p.name,
            })
            .collect();
        Ok(InstrumentHistory {
            can_manage: me.has(Role::Admin) && me.two_factor,
            versions,
            programmes,
        })
    }

    pub async fn preview(
        state: &AppState,
        me: &StaffRow,
        version: &str,
        occasion: &str,
        lang: &str,
    ) -> Result<PreviewView, AppError> {
        let occasion = occasion
            .parse::<OccasionKind>()
            .map_err(|_| AppError::BadRequest("Välj intake, follow-up eller exit.".into()))?;
        let lang = Lang::from_code(lang).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Språket {} finns inte.",
                stegvis_domain::text::excerpt(lang)
            ))
        })?;
        let instrument = known_version(state, &me.organisation_id, version).await?;
        let text = |t: &stegvis_domain::instrument::Texts| {
            stegvis_domain::instrument::text_in(t, lang.code())
        };
        Ok(PreviewView {
            version: instrument.version(),
            name: text(&instrument.name),
            lang: lang.code().into(),
            lang_name: lang.native_name().into(),
            dir: lang.dir().into(),
            swedish_fallback: !instrument.languages.iter().any(|l| l == lang.code()),
            questions: instrument
                .items_for(occasion)
                .into_iter()
                .map(|item| PreviewQuestion {
                    question: text(&item.text),
                    help: (!item.help.is_empty()).then(|| text(&item.help)),
                    options: crate::check_in::ssr::option_views(lang, item),
                })
                .collect(),
        })
    }
}
