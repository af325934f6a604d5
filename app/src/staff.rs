//! The case manager's side: the caseload, registering a participant, their
//! page (facts, check-ins, exit), phone access (code, QR, printed sheet), reading
//! answers (audited) and running a check-in together on the staff device.
//!
//! Every function here requires the case-manager role and looks participants
//! up within the staff member's organisation only, so another organisation's
//! participant is "not found" (404), whatever its id.

// Server functions take one argument per form field, so a plain HTML form
// (without JavaScript) posts straight to them; the registration form has nine.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Version of the consent text participants agree to; stored with each consent.
pub const CONSENT_VERSION: &str = "samtycke-2026-1";

/// The consent text read to (or by) the participant before registration.
pub const CONSENT_TEXT: &str =
    "Jag vill vara med i Stegvis. Mina svar sparas hos samordningsförbundet. \
Min handläggare får se mina svar. Utvärderare får bara se siffror för många personer tillsammans. \
Jag kan ångra mig när jag vill.";

/// A choice in a select list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// One participant in the caseload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadRow {
    pub id: String,
    pub code: String,
    pub programme: String,
    /// `due`, `overdue`, `upcoming` or `exited`.
    pub status: String,
    pub status_label: String,
    /// The occasion that is open or comes next, with its date.
    pub next_occasion: String,
    pub next_date: Option<String>,
    pub missed: usize,
    pub last_check_in: Option<String>,
    pub case_manager: String,
}

/// The caseload with the filters it was made with: one page of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caseload {
    /// The participants on this page, at most [`CASELOAD_PAGE_SIZE`].
    pub rows: Vec<CaseloadRow>,
    /// How many participants before filtering.
    pub total: usize,
    /// How many participants the filters let through, on every page.
    pub matching: usize,
    /// This page, counted from 1.
    pub page: usize,
    /// How many pages the matching participants fill (at least 1).
    pub pages: usize,
    pub programmes: Vec<Choice>,
}

/// Participants per caseload page: a case manager with thousands of
/// participants still gets a small, quick page (a whole caseload of 5 000
/// was a 2.9 MB page).
pub const CASELOAD_PAGE_SIZE: usize = 50;

/// The caseload page to show: `requested` (from 1) when it exists, else the
/// nearest one; and the number of pages `matching` participants fill.
pub fn caseload_page(requested: Option<usize>, matching: usize) -> (usize, usize) {
    let pages = matching.div_ceil(CASELOAD_PAGE_SIZE).max(1);
    (requested.unwrap_or(1).clamp(1, pages), pages)
}

/// What the registration form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationOptions {
    pub programmes: Vec<Choice>,
    pub genders: Vec<Choice>,
    pub referrals: Vec<Choice>,
    pub today: String,
    pub consent_text: String,
}

/// One occasion on a participant's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OccasionRow {
    pub name: String,
    pub due: String,
    pub state: String,
    pub submission_id: Option<String>,
    pub answered_at: Option<String>,
    pub assisted_by: Option<String>,
}

/// A participant's own page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantOverview {
    pub id: String,
    pub code: String,
    /// Label and value of each recorded fact.
    pub facts: Vec<(String, String)>,
    /// Shown only to the participant's own case manager.
    pub personnummer: Option<String>,
    pub exited: bool,
    pub occasions: Vec<OccasionRow>,
    pub code_expires: Option<String>,
    pub connected_phones: i64,
    pub exit_outcomes: Vec<Choice>,
    pub today: String,
    pub open_now: bool,
    /// Check-ins a phone could not deliver because the server refused them:
    /// the answers wait on the participant's phone.
    pub stuck: Vec<StuckRow>,
}

/// A check-in a phone reported as refused, for the case manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StuckRow {
    /// The code the phone shows the participant (start of the submission id).
    pub code: String,
    pub reason: String,
    pub last_tried: String,
    pub attempts: u32,
}

/// The printable sheet "Så svarar du i mobilen".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessSheet {
    pub participant_id: String,
    pub participant_code: String,
    pub code: String,
    pub link: String,
    pub qr_svg: String,
    /// The sheet's words in the participant's language, worded on the server.
    pub words: SheetWords,
}

/// The words of "Så svarar du i mobilen" in one language (the `sheet_*`
/// messages), with the last day the code works as people say it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetWords {
    pub lang: String,
    pub dir: String,
    pub heading: String,
    pub steps: Vec<String>,
    pub qr_label: String,
    pub or_type: String,
    pub your_code: String,
    pub then_pin: String,
    pub valid_until: String,
}

/// One answer of a check-in as staff read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRow {
    pub question: String,
    pub answer: String,
}

/// A check-in's answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInAnswers {
    pub participant_id: String,
    pub participant_code: String,
    pub occasion: String,
    pub submitted_at: String,
    pub assisted_by: Option<String>,
    pub rows: Vec<AnswerRow>,
}

/// The case manager's participants with what is due, filtered and sorted.
///
/// `scope` is `mine` (default) or `all` (the whole organisation); `status` one
/// of `due`, `overdue`, `missed`, `exited`; `sort` one of `code`, `next`, `last`;
/// `page` the page of [`CASELOAD_PAGE_SIZE`] participants, from 1 (a page past
/// the end shows the last one).
#[server(prefix = "/api", endpoint = "staff/caseload")]
pub async fn load_caseload(
    search: Option<String>,
    status: Option<String>,
    programme: Option<String>,
    sort: Option<String>,
    scope: Option<String>,
    page: Option<String>,
) -> Result<Caseload, AppError> {
    let requested = page
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<usize>()
                .map_err(|_| AppError::Invalid("Sidnumret ska vara ett heltal.".into()))
        })
        .transpose()?;
    let staff = crate::auth::ssr::require_role(stegvis_store::Role::CaseManager).await?;
    let state = crate::state::app_state()?;
    let mine = scope.as_deref() != Some("all");
    let entries = state
        .store
        .caseload(&staff.organisation_id, mine.then_some(staff.id.as_str()))
        .await?;
    let programmes = ssr::programme_choices(&state, &staff.organisation_id).await?;
    let total = entries.len();
    let today = state.today();
    let search = search
        .map(|s| s.trim().to_uppercase().replace([' ', '-'], ""))
        .filter(|s| !s.is_empty());
    let programme = programme.filter(|p| !p.is_empty());
    // What is due is worked out for everyone in scope (it decides the order);
    // rows with their words are made for the page shown only.
    let mut due: Vec<(stegvis_store::CaseloadEntry, ssr::CaseloadStatus)> = entries
        .into_iter()
        .filter(|e| {
            search
                .as_ref()
                .is_none_or(|s| e.code.replace('-', "").contains(s.as_str()))
        })
        .filter(|e| {
            programme
                .as_deref()
                .is_none_or(|p| e.programme_id.as_deref() == Some(p))
        })
        .map(|e| {
            let status = ssr::caseload_status(&state, &e, today);
            (e, status)
        })
        .filter(|(_, s)| match status.as_deref() {
            Some("due") => s.code == "due" || s.code == "overdue",
            Some("overdue") => s.code == "overdue",
            Some("missed") => s.missed > 0,
            Some("exited") => s.code == "exited",
            _ => true,
        })
        .collect();
    match sort.as_deref() {
        Some("code") => due.sort_unstable_by(|a, b| a.0.code.cmp(&b.0.code)),
        Some("last") => due.sort_unstable_by(|a, b| {
            b.0.last_check_in
                .cmp(&a.0.last_check_in)
                .then_with(|| a.0.code.cmp(&b.0.code))
        }),
        // Default: most urgent first, then by the date of the next occasion.
        _ => due.sort_unstable_by(|a, b| {
            ssr::urgency(a.1.code)
                .cmp(&ssr::urgency(b.1.code))
                .then(a.1.due().cmp(&b.1.due()))
                .then_with(|| a.0.code.cmp(&b.0.code))
        }),
    }
    let matching = due.len();
    let (page, pages) = caseload_page(requested, matching);
    Ok(Caseload {
        rows: due
            .iter()
            .skip((page - 1) * CASELOAD_PAGE_SIZE)
            .take(CASELOAD_PAGE_SIZE)
            .map(|(entry, status)| ssr::caseload_row(entry, status))
            .collect(),
        total,
        matching,
        page,
        pages,
        programmes,
    })
}

/// The choices of the registration form.
#[server(prefix = "/api", endpoint = "staff/registration-options")]
pub async fn load_registration_options() -> Result<RegistrationOptions, AppError> {
    use stegvis_domain::participant::{Gender, Referral};
    let staff = crate::auth::ssr::require_role(stegvis_store::Role::CaseManager).await?;
    let state = crate::state::app_state()?;
    Ok(RegistrationOptions {
        programmes: ssr::programme_choices(&state, &staff.organisation_id).await?,
        genders: Gender::ALL
            .iter()
            .map(|g| Choice {
                value: g.code().into(),
                label: g.label().into(),
            })
            .collect(),
        referrals: Referral::ALL
            .iter()
            .map(|r| Choice {
                value: r.code().into(),
                label: r.label().into(),
            })
            .collect(),
        today: state.today().to_string(),
        consent_text: CONSENT_TEXT.into(),
    })
}

/// Registers a participant and opens their page. Without consent only gender
/// and start date are kept (anonymous mode); a protected identity never gets
/// a personnummer.
#[server(prefix = "/api", endpoint = "staff/register")]
pub async fn register_participant(
    consent: Option<String>,
    protected_identity: Option<String>,
    gender: Option<String>,
    birth_year: Option<String>,
    municipality: Option<String>,
    referral: Option<String>,
    start_date: Option<String>,
    personnummer: Option<String>,
    programme: Option<String>,
) -> Result<(), AppError> {
    use stegvis_domain::participant::{check_registration_all, RegistrationInput};
    let staff = crate::auth::ssr::require_role(stegvis_store::Role::CaseManager).await?;
    let state = crate::state::app_state()?;
    let input = RegistrationInput {
        consent: ticked(consent.as_deref(), "Samtycke")?,
        protected_identity: ticked(protected_identity.as_deref(), "Skyddad identitet")?,
        gender,
        birth_year,
        municipality,
        referral,
        start_date,
        personnummer,
    };
    let registration = check_registration_all(&input, state.today()).map_err(|errors| {
        AppError::Invalid(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        )
    })?;
    let programme = programme.filter(|p| !p.is_empty());
    if let Some(p) = &programme {
        let known = state.store.programmes(&staff.organisation_id).await?;
        if !known.iter().any(|k| &k.id == p) {
            return Err(AppError::Invalid("Välj en insats i listan.".into()));
        }
    }
    let consent = registration.consent.then(|| stegvis_store::Consent {
        at: chrono::Utc::now(),
        by: staff.id.clone(),
        version: CONSENT_VERSION.into(),
    });
    let mut attempts = 0;
    let id = loop {
        let code = stegvis_store::ids::participant_code();
        let new = stegvis_store::NewParticipant {
            organisation_id: &staff.organisation_id,
            case_manager_id: &staff.id,
            programme_id: programme.as_deref(),
            code: &code,
            start_date: registration.start_date,
            gender: registration.gender.code(),
            birth_year: registration.birth_year,
            municipality: registration.municipality.as_deref(),
            referral: registration.referral.map(|r| r.code()),
            protected_identity: registration.protected_identity,
            consent: consent.clone(),
            personnummer: registration.personnummer.as_ref().map(|p| p.as_str()),
        };
        match state.store.register_participant(&new).await {
            Err(stegvis_store::StoreError::CodeTaken) if attempts < 5 => attempts += 1,
            other => break other?,
        }
    };
    ssr::audit(&staff, "register-participant", Some(&id), "").await?;
    leptos_axum::redirect(&participant_path(&id));
    Ok(())
}

/// A checkbox as a browser sends it: absent when not ticked, its value
/// (`ja` here, `on` by default) when ticked. Anything else is refused rather
/// than read as a yes: consent must be an explicit, checked value.
#[cfg(feature = "ssr")]
fn ticked(value: Option<&str>, label: &str) -> Result<bool, AppError> {
    match value {
        None => Ok(false),
        Some("ja" | "on") => Ok(true),
        Some(_) => Err(AppError::BadRequest(format!(
            "{label}: kryssa i rutan eller lämna den tom."
        ))),
    }
}

/// Where a participant's page is.
pub fn participant_path(id: &str) -> String {
    format!("/personal/deltagare/{id}")
}

/// A participant's page: facts, occasions, phone access. Opening it is audited.
#[server(prefix = "/api", endpoint = "staff/participant")]
pub async fn load_participant_overview(id: String) -> Result<ParticipantOverview, AppError> {
    use crate::texts::{occasion_title, Lang};
    use stegvis_domain::participant::{ExitOutcome, Gender, Referral};
    let (staff, state, p) = ssr::own_participant(&id).await?;
    let today = state.today();
    let check_ins = state.store.check_ins_of(&p.id).await?;
    let schedule = state.schedule(p.start_date, p.exit_date, p.window);
    let answered: Vec<_> = check_ins
        .iter()
        .map(|c| (c.occasion.kind, c.occasion.number))
        .collect();
    let occasions = schedule
        .states_on(today, &answered)
        .into_iter()
        .map(|(o, s)| {
            let stored = check_ins
                .iter()
                .find(|c| c.occasion.kind == o.kind && c.occasion.number == o.number);
            OccasionRow {
                name: occasion_title(Lang::SV, o.kind, o.number),
                due: o.due.to_string(),
                state: ssr::state_label(s).into(),
                submission_id: stored.map(|c| c.submission_id.clone()),
                answered_at: stored.map(|c| ssr::local_date(c.submitted_at)),
                assisted_by: stored.and_then(|c| c.assisted_by.clone()),
            }
        })
        .collect();
    let label = |code: &Option<String>, f: &dyn Fn(&str) -> Option<&'static str>| {
        code.as_deref().and_then(f).unwrap_or("–").to_owned()
    };
    let mut facts = vec![
        (
            "Insats".to_owned(),
            p.programme_name.clone().unwrap_or_else(|| "–".into()),
        ),
        (
            "Handläggare".to_owned(),
            p.case_manager_name.clone().unwrap_or_else(|| "–".into()),
        ),
        ("Startdatum".to_owned(), p.start_date.to_string()),
        (
            "Kön".to_owned(),
            label(&p.gender, &|c| c.parse::<Gender>().ok().map(Gender::label)),
        ),
    ];
    match &p.consent {
        Some(consent) => {
            facts.push((
                "Födelseår".into(),
                p.birth_year.map_or("–".into(), |y| y.to_string()),
            ));
            facts.push((
                "Kommun".into(),
                p.municipality.clone().unwrap_or_else(|| "–".into()),
            ));
            facts.push((
                "Remitterad från".into(),
                label(&p.referral, &|c| {
                    c.parse::<Referral>().ok().map(Referral::label)
                }),
            ));
            facts.push((
                "Samtycke".into(),
                format!("{} ({})", ssr::local_date(consent.at), consent.version),
            ));
        }
        None => facts.push((
            "Samtycke".into(),
            "Nej – anonym: bara kön och startår sparas".into(),
        )),
    }
    if p.protected_identity {
        facts.push(("Skyddad identitet".into(), "Ja".into()));
    }
    if let Some(exit) = p.exit_date {
        facts.push(("Slutdatum".into(), exit.to_string()));
        facts.push((
            "Resultat vid avslut".into(),
            label(&p.exit_outcome, &|c| {
                c.parse::<ExitOutcome>().ok().map(ExitOutcome::label)
            }),
        ));
    }
    let personnummer = if p.case_manager_id.as_deref() == Some(staff.id.as_str()) {
        state.store.personnummer(&p.id).await?
    } else {
        None
    };
    let now = chrono::Utc::now();
    let code = state.store.usable_access_code(&p.id, now).await?;
    let open_now = schedule.status_on(today, &answered).open_now.is_some();
    ssr::audit(&staff, "read-participant", Some(&p.id), "").await?;
    Ok(ParticipantOverview {
        id: p.id.clone(),
        code: p.code.clone(),
        facts,
        personnummer,
        exited: p.exit_date.is_some(),
        occasions,
        code_expires: code.map(|c| ssr::local_date(c.expires_at)),
        connected_phones: state.store.active_devices(&p.id).await?,
        exit_outcomes: ExitOutcome::ALL
            .iter()
            .map(|o| Choice {
                value: o.code().into(),
                label: o.label().into(),
            })
            .collect(),
        today: today.to_string(),
        open_now,
        stuck: state
            .store
            .stuck_check_ins(&p.id)
            .await?
            .into_iter()
            .map(|s| StuckRow {
                code: s
                    .submission_id
                    .chars()
                    .take(8)
                    .collect::<String>()
                    .to_uppercase(),
                reason: s.reason,
                last_tried: ssr::local_date(s.last_reported_at),
                attempts: s.attempts,
            })
            .collect(),
    })
}

/// Records the exit date and outcome; the exit check-in opens from that date.
#[server(prefix = "/api", endpoint = "staff/exit")]
pub async fn record_exit(id: String, exit_date: String, outcome: String) -> Result<(), AppError> {
    use stegvis_domain::participant::ExitOutcome;
    let (staff, state, p) = ssr::own_participant(&id).await?;
    let date = chrono::NaiveDate::parse_from_str(exit_date.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::Invalid("Skriv slutdatum som ÅÅÅÅ-MM-DD.".into()))?;
    if date < p.start_date {
        return Err(AppError::Invalid(
            "Slutdatum kan inte vara före startdatum.".into(),
        ));
    }
    if date > state.today() + chrono::Days::new(90) {
        return Err(AppError::Invalid(
            "Slutdatum kan vara högst 90 dagar fram i tiden.".into(),
        ));
    }
    let outcome: ExitOutcome = outcome
        .parse()
        .map_err(|_| AppError::Invalid("Välj vad deltagaren går vidare till.".into()))?;
    state
        .store
        .record_exit(&staff.organisation_id, &p.id, date, outcome.code())
        .await?;
    ssr::audit(&staff, "record-exit", Some(&p.id), outcome.code()).await?;
    leptos_axum::redirect(&participant_path(&p.id));
    Ok(())
}

/// Issues a new access code (the previous one stops working) and opens the
/// sheet. Only the code's hash is stored; the code itself is kept sealed in
/// this case manager's session for [`ssr::SHEET_SHOWN_FOR`], so the sheet
/// can be printed, and can never be shown again after that.
#[server(prefix = "/api", endpoint = "staff/access-code")]
pub async fn issue_access_code(id: String) -> Result<(), AppError> {
    let (staff, state, p) = ssr::own_participant(&id).await?;
    crate::lifecycle::ssr::refuse_if_withdrawn(&p.id).await?;
    let lifetime = state
        .store
        .organisation(&staff.organisation_id)
        .await?
        .map_or(14, |o| o.code_lifetime_days);
    let expires = chrono::Utc::now() + chrono::Duration::days(i64::from(lifetime));
    let mut attempts = 0;
    let code = loop {
        let code = stegvis_domain::access::generate_access_code(&mut rand::rng());
        match state
            .store
            .issue_access_code(&p.id, &code, &staff.id, expires)
            .await
        {
            Err(stegvis_store::StoreError::CodeTaken) if attempts < 5 => attempts += 1,
            other => {
                other?;
                break code;
            }
        }
    };
    ssr::keep_for_sheet(&p.id, &code).await?;
    ssr::audit(&staff, "issue-access-code", Some(&p.id), "").await?;
    leptos_axum::redirect(&sheet_path(&p.id));
    Ok(())
}

/// Where the printable access sheet of a participant is.
pub fn sheet_path(id: &str) -> String {
    format!("/personal/deltagare/{id}/blad")
}

/// The printable access sheet with the code just issued and its QR code. The
/// code can be shown only by the case manager who issued it, shortly after
/// (the server keeps no readable copy): a lost sheet means a new code.
#[server(prefix = "/api", endpoint = "staff/access-sheet")]
pub async fn load_access_sheet(id: String, lang: Option<String>) -> Result<AccessSheet, AppError> {
    use crate::texts::{format_date, Lang};
    let lang = match lang.as_deref() {
        None | Some("") => Lang::SV,
        Some(code) => Lang::from_code(code).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Språket \"{}\" finns inte.",
                stegvis_domain::text::excerpt(code)
            ))
        })?,
    };
    let (_, state, p) = ssr::own_participant(&id).await?;
    let now = chrono::Utc::now();
    let shown = match ssr::code_for_sheet(&p.id, now).await? {
        Some(code) => state
            .store
            .access_code(&code)
            .await?
            .filter(|row| row.usable_at(now))
            .map(|row| (code, row)),
        None => None,
    };
    let (code, row) = shown.ok_or_else(|| {
        AppError::NotFound(
            "Koden visas bara när den skapas. Skapa en ny kod för att skriva ut ett nytt blad; \
             den gamla koden slutar då att gälla."
                .into(),
        )
    })?;
    let link = format!("{}/kod?k={}", ssr::public_base(&state), code.as_str());
    Ok(AccessSheet {
        participant_id: p.id.clone(),
        participant_code: p.code.clone(),
        qr_svg: crate::qr::svg(&link)?,
        code: code.to_string(),
        link,
        words: {
            let last_day = row.expires_at.with_timezone(&chrono::Local).date_naive();
            let today = chrono::Local::now().date_naive();
            let say = |id: &str| lang.format(id, &[]);
            SheetWords {
                lang: lang.code().into(),
                dir: lang.dir().into(),
                heading: say("sheet_heading"),
                steps: lang.lines("sheet_steps", &[]),
                qr_label: say("sheet_qr_label"),
                or_type: say("sheet_or_type"),
                your_code: say("sheet_your_code"),
                then_pin: say("sheet_then_pin"),
                valid_until: lang.format(
                    "sheet_valid_until",
                    &[("date", format_date(lang, last_day, today).into())],
                ),
            }
        },
    })
}

/// Stops every code and disconnects every phone of the participant.
#[server(prefix = "/api", endpoint = "staff/revoke-access")]
pub async fn revoke_access(id: String) -> Result<(), AppError> {
    let (staff, state, p) = ssr::own_participant(&id).await?;
    state.store.revoke_access(&p.id).await?;
    ssr::audit(&staff, "revoke-access", Some(&p.id), "").await?;
    leptos_axum::redirect(&participant_path(&p.id));
    Ok(())
}

/// The answers of one check-in, in Swedish. Every read is audited.
#[server(prefix = "/api", endpoint = "staff/answers")]
pub async fn load_check_in_answers(
    id: String,
    submission: String,
) -> Result<CheckInAnswers, AppError> {
    use crate::texts::{occasion_title, Lang};
    let (staff, state, p) = ssr::own_participant(&id).await?;
    let submission = crate::check_in::ssr::canonical_uuid(&submission).unwrap_or(submission);
    let check_in = state
        .store
        .check_ins_of(&p.id)
        .await?
        .into_iter()
        .find(|c| c.submission_id == submission)
        .ok_or_else(|| AppError::NotFound("Svaren finns inte.".into()))?;
    let instrument = state.instrument(&check_in.instrument_version).await?;
    let answers = state.store.answers(&submission).await?;
    let sv = |texts: &stegvis_domain::instrument::Texts| {
        texts
            .get(stegvis_domain::instrument::REQUIRED_LANGUAGE)
            .cloned()
            .unwrap_or_default()
    };
    let rows = instrument
        .items_for(check_in.occasion.kind)
        .into_iter()
        .filter_map(|item| {
            let answer = answers.iter().find(|a| a.item_id == item.id)?;
            let text = match &answer.value {
                stegvis_domain::instrument::AnswerValue::Declined => "Vill inte svara".to_owned(),
                stegvis_domain::instrument::AnswerValue::Option(code) => item
                    .option(code)
                    .map(|o| {
                        let label = sv(&o.text);
                        if label.is_empty() || label == *code {
                            code.clone()
                        } else {
                            format!("{code} – {label}")
                        }
                    })
                    .unwrap_or_else(|| code.clone()),
            };
            Some(AnswerRow {
                question: sv(&item.text),
                answer: text,
            })
        })
        .collect();
    let occasion = occasion_title(Lang::SV, check_in.occasion.kind, check_in.occasion.number);
    ssr::audit(&staff, "read-answers", Some(&p.id), &occasion).await?;
    Ok(CheckInAnswers {
        participant_id: p.id.clone(),
        participant_code: p.code.clone(),
        occasion,
        submitted_at: ssr::local_date(check_in.submitted_at),
        assisted_by: check_in.assisted_by,
        rows,
    })
}

/// Starts the participant's open check-in on this (the case manager's) device.
#[server(prefix = "/api", endpoint = "staff/assist")]
pub async fn start_assisted_check_in(id: String) -> Result<(), AppError> {
    let (staff, _, p) = ssr::own_participant(&id).await?;
    crate::lifecycle::ssr::refuse_if_withdrawn(&p.id).await?;
    let session = crate::auth::ssr::session().await?;
    crate::auth::ssr::insert(&session, crate::auth::ssr::ASSISTING_KEY, &p.id).await?;
    ssr::audit(&staff, "assisted-check-in", Some(&p.id), "").await?;
    leptos_axum::redirect(crate::check_in::START_PATH);
    Ok(())
}

/// Ends the check-in together and returns to the participant's page.
#[server(prefix = "/api", endpoint = "staff/assist/stop")]
pub async fn stop_assisting() -> Result<(), AppError> {
    crate::auth::ssr::require_staff().await?;
    let session = crate::auth::ssr::session().await?;
    let id: Option<String> =
        crate::auth::ssr::get(&session, crate::auth::ssr::ASSISTING_KEY).await?;
    crate::auth::ssr::remove(&session, crate::auth::ssr::ASSISTING_KEY).await?;
    leptos_axum::redirect(&id.map_or_else(|| "/personal".to_owned(), |id| participant_path(&id)));
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Lookups and formatting shared by the case manager's functions.

    use super::{CaseloadRow, Choice};
    use crate::error::AppError;
    use crate::state::{app_state, AppState};
    use chrono::{DateTime, NaiveDate, Utc};
    use stegvis_domain::schedule::DueState;
    use stegvis_store::{CaseloadEntry, ParticipantDetail, Role, StaffRow};

    /// How long after issuing a code its sheet can be shown (and printed
    /// again) in the issuing session.
    pub const SHEET_SHOWN_FOR: chrono::Duration = chrono::Duration::minutes(30);

    /// Session key of the code waiting to be printed.
    const SHEET_KEY: &str = "access-sheet";

    /// What a kept code is sealed for: this participant's sheet only.
    fn sheet_context(participant_id: &str) -> String {
        format!("access-sheet/{participant_id}")
    }

    /// Keeps a newly issued code, sealed, in this session for the sheet.
    pub async fn keep_for_sheet(participant_id: &str, code: &str) -> Result<(), AppError> {
        crate::session::ssr::keep_sealed(
            SHEET_KEY,
            &sheet_context(participant_id),
            code,
            SHEET_SHOWN_FOR,
        )
        .await
    }

    /// The code kept by [`keep_for_sheet`] for this participant, while it may
    /// be shown (it stays for printing again until then).
    pub async fn code_for_sheet(
        participant_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<stegvis_store::zeroize::Zeroizing<String>>, AppError> {
        use crate::session::ssr::{take_sealed, Afterwards};
        take_sealed(
            SHEET_KEY,
            &sheet_context(participant_id),
            now,
            Afterwards::Keep,
        )
        .await
    }

    /// The signed-in case manager and a participant of their organisation, or 404.
    pub async fn own_participant(
        id: &str,
    ) -> Result<(StaffRow, AppState, ParticipantDetail), AppError> {
        let staff = crate::auth::ssr::require_role(Role::CaseManager).await?;
        let state = app_state()?;
        // Ids are UUIDs: any spelling of one finds the participant, anything
        // else finds nobody (and reaches no query).
        let id =
            crate::check_in::ssr::canonical_uuid(id).ok_or_else(AppError::unknown_participant)?;
        let participant = state
            .store
            .participant_in(&staff.organisation_id, &id)
            .await?
            .ok_or_else(AppError::unknown_participant)?;
        Ok((staff, state, participant))
    }

    /// Writes an audit record for the staff member's organisation.
    pub async fn audit(
        staff: &StaffRow,
        action: &str,
        participant_id: Option<&str>,
        detail: &str,
    ) -> Result<(), AppError> {
        app_state()?
            .store
            .audit(&stegvis_store::NewAuditEntry {
                organisation_id: &staff.organisation_id,
                staff_id: Some(&staff.id),
                action,
                participant_id,
                detail,
            })
            .await?;
        Ok(())
    }

    /// The organisation's programmes as choices.
    pub async fn programme_choices(
        state: &AppState,
        organisation_id: &str,
    ) -> Result<Vec<Choice>, AppError> {
        Ok(state
            .store
            .programmes(organisation_id)
            .await?
            .into_iter()
            .map(|p| Choice {
                value: p.id,
                label: p.name,
            })
            .collect())
    }

    /// A date in Sweden's time, as staff read it.
    pub fn local_date(at: DateTime<Utc>) -> String {
        at.with_timezone(&chrono::Local).date_naive().to_string()
    }

    pub fn state_label(state: DueState) -> &'static str {
        match state {
            DueState::Upcoming => "Kommer",
            DueState::Open => "Att svara",
            DueState::Overdue => "Försenad",
            DueState::Missed => "Missad",
            DueState::Answered => "Besvarad",
        }
    }

    /// Sort order of statuses: what needs action first.
    pub fn urgency(status: &str) -> u8 {
        match status {
            "overdue" => 0,
            "due" => 1,
            "upcoming" => 2,
            _ => 3,
        }
    }

    /// Where a participant stands today: what the caseload filters and
    /// sorts by, worked out for every participant in scope.
    #[derive(Debug, Clone, Copy)]
    pub struct CaseloadStatus {
        /// `due`, `overdue`, `upcoming` or `exited`.
        pub code: &'static str,
        pub label: &'static str,
        /// The occasion that is open or comes next.
        pub occasion: Option<stegvis_domain::schedule::ScheduledOccasion>,
        pub missed: usize,
    }

    impl CaseloadStatus {
        /// The date the open or next occasion is due.
        pub fn due(&self) -> Option<NaiveDate> {
            self.occasion.map(|o| o.due)
        }
    }

    /// Where the participant stands on `today`, by their schedule and the
    /// occasions they answered.
    pub fn caseload_status(
        state: &AppState,
        entry: &CaseloadEntry,
        today: NaiveDate,
    ) -> CaseloadStatus {
        let status = state
            .schedule(entry.start_date, entry.exit_date, entry.window)
            .status_on(today, &entry.answered);
        let (code, label, occasion) = match (&status.open_now, &status.next) {
            (Some(open), _) => {
                if open.state_on(today, false) == DueState::Overdue {
                    ("overdue", "Försenad", Some(*open))
                } else {
                    ("due", "Att svara", Some(*open))
                }
            }
            (None, Some(next)) => ("upcoming", "Klar för nu", Some(*next)),
            (None, None) => ("exited", "Avslutad", None),
        };
        CaseloadStatus {
            code,
            label,
            occasion,
            missed: status.missed.len(),
        }
    }

    /// One caseload row as shown.
    pub fn caseload_row(entry: &CaseloadEntry, status: &CaseloadStatus) -> CaseloadRow {
        use crate::texts::{occasion_title, Lang};
        CaseloadRow {
            id: entry.id.clone(),
            code: entry.code.clone(),
            programme: entry.programme_name.clone().unwrap_or_else(|| "–".into()),
            status: status.code.into(),
            status_label: status.label.into(),
            next_occasion: status
                .occasion
                .map(|o| occasion_title(Lang::SV, o.kind, o.number))
                .unwrap_or_else(|| "–".into()),
            next_date: status.occasion.map(|o| o.due.to_string()),
            missed: status.missed,
            last_check_in: entry.last_check_in.map(local_date),
            case_manager: entry
                .case_manager_name
                .clone()
                .unwrap_or_else(|| "–".into()),
        }
    }

    /// The address participants use, for links on printed sheets: the
    /// configured public origin, never the request's `Host` header (which
    /// any client sets, and which would put its own address on the sheet).
    pub fn public_base(state: &AppState) -> String {
        state.public_url.clone()
    }
}
