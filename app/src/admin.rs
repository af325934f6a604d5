//! The administrator's side (staff accounts, programmes, the audit log) and
//! the evaluator's overview, which holds counts only, never a person.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A staff account in the admin's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    /// For the link to the account's own page.
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: String,
    pub two_factor: bool,
    pub disabled: bool,
}

/// A programme in the admin's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeView {
    pub name: String,
    pub window: String,
    pub participants: i64,
}

/// One audit record as the admin reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub at: String,
    pub who: String,
    pub action: String,
    pub participant: String,
    pub detail: String,
}

/// A count in the evaluator's overview; small groups are hidden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCount {
    pub group: String,
    /// The count as shown: a number, or "färre än k".
    pub shown: String,
}

/// The evaluator's overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluatorOverview {
    pub organisation: String,
    pub threshold: u32,
    pub by_gender: Vec<GroupCount>,
}

/// The organisation's settings and the instruments in use, for the admin page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationSettings {
    pub name: String,
    pub small_cell_k: u32,
    pub code_lifetime_days: u32,
    /// The instrument new check-ins use.
    pub current_instrument: String,
    /// Every instrument version with answers or drafts possible, with when it was loaded.
    pub instrument_versions: Vec<(String, String)>,
}

/// A participant language this association has confirmed as reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageReviewView {
    /// The language code.
    pub code: String,
    /// "2026-12-04 av Anna Admin".
    pub confirmed: String,
}

/// The preliminary translations this association has had reviewed.
#[server(prefix = "/api", endpoint = "admin/languages")]
pub async fn language_reviews() -> Result<Vec<LanguageReviewView>, AppError> {
    let admin = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    Ok(state
        .store
        .language_reviews(&admin.organisation_id)
        .await?
        .into_iter()
        .map(|r| LanguageReviewView {
            code: r.language,
            confirmed: format!(
                "{} av {}",
                crate::staff::ssr::local_date(r.confirmed_at),
                r.confirmed_by
            ),
        })
        .collect())
}

/// Confirms, for this association, that a native speaker has reviewed a
/// preliminary translation (docs/languages.md, "Reviewing a translation").
#[server(prefix = "/api", endpoint = "admin/languages/confirm")]
pub async fn confirm_language(lang: String) -> Result<(), AppError> {
    let me = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    let language = crate::texts::Lang::from_code(&lang)
        .ok_or_else(|| AppError::NotFound("Språket finns inte.".into()))?;
    if !language.preliminary() {
        return Err(AppError::Invalid(
            "Den översättningen är inte preliminär och behöver ingen bekräftelse.".into(),
        ));
    }
    if state
        .store
        .confirm_language(&me.organisation_id, language.code(), &me.id)
        .await?
    {
        crate::staff::ssr::audit(&me, "confirm-language", None, language.code()).await?;
    }
    Ok(())
}

/// The Swedish name of a role.
pub fn role_label(code: &str) -> &'static str {
    match code {
        "admin" => "Administratör",
        "case-manager" => "Handläggare",
        "evaluator" => "Utvärderare",
        _ => "Okänd roll",
    }
}

/// The organisation's staff accounts.
#[server(prefix = "/api", endpoint = "admin/staff")]
pub async fn staff_accounts() -> Result<Vec<StaffAccount>, AppError> {
    let admin = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    Ok(state
        .store
        .list_staff(&admin.organisation_id)
        .await?
        .into_iter()
        .map(|s| StaffAccount {
            roles: s
                .roles
                .iter()
                .map(|r| role_label(r.code()))
                .collect::<Vec<_>>()
                .join(", "),
            two_factor: s.two_factor,
            disabled: s.disabled,
            id: s.id,
            name: s.name,
            email: s.email,
        })
        .collect())
}

/// Creates a staff account in the admin's organisation with a first password
/// that the admin hands over; the new member changes it under Mitt konto.
#[server(prefix = "/api", endpoint = "admin/staff/create")]
pub async fn create_staff_account(
    name: String,
    email: String,
    password: String,
    admin: Option<String>,
    case_manager: Option<String>,
    evaluator: Option<String>,
) -> Result<(), AppError> {
    use stegvis_store::Role;
    let me = crate::auth::ssr::require_role(Role::Admin).await?;
    let state = crate::state::app_state()?;
    let name =
        stegvis_domain::text::plain_text(&name, "Namn", stegvis_domain::text::NAME_MAX_CHARS)?;
    let name = name.as_str();
    let email = email.trim();
    if !looks_like_email(email) {
        return Err(AppError::Invalid("Skriv en giltig e-postadress.".into()));
    }
    crate::auth::check_new_password(&password, &password)?;
    let ticked = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
    let roles: Vec<Role> = [
        (ticked(&admin), Role::Admin),
        (ticked(&case_manager), Role::CaseManager),
        (ticked(&evaluator), Role::Evaluator),
    ]
    .into_iter()
    .filter_map(|(on, role)| on.then_some(role))
    .collect();
    if roles.is_empty() {
        return Err(AppError::Invalid("Välj minst en roll.".into()));
    }
    let hash = crate::auth::ssr::hash_secret(&password)?;
    let created = state
        .store
        .create_staff(&stegvis_store::NewStaff {
            organisation_id: &me.organisation_id,
            email,
            name,
            password_hash: &hash,
            roles: &roles,
        })
        .await?;
    crate::staff::ssr::audit(&me, "create-staff", None, &created.email).await?;
    leptos_axum::redirect("/admin?sparat=konto");
    Ok(())
}

/// A minimal plausibility check; the real check is that the person can sign in.
pub fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && !email.chars().any(stegvis_domain::text::is_forbidden)
}

/// The organisation's settings and instruments.
#[server(prefix = "/api", endpoint = "admin/settings")]
pub async fn load_organisation_settings() -> Result<OrganisationSettings, AppError> {
    let admin = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    let org = state
        .store
        .organisation(&admin.organisation_id)
        .await?
        .ok_or(AppError::Internal)?;
    Ok(OrganisationSettings {
        name: org.name,
        small_cell_k: org.small_cell_k,
        code_lifetime_days: org.code_lifetime_days,
        current_instrument: state.current_instrument().version(),
        instrument_versions: state
            .store
            .instrument_versions()
            .await?
            .into_iter()
            .map(|(v, at)| (v, crate::staff::ssr::local_date(at)))
            .collect(),
    })
}

/// Changes how long access codes last and the smallest group aggregates show.
#[server(prefix = "/api", endpoint = "admin/settings/save")]
pub async fn save_organisation_settings(
    code_lifetime_days: String,
    small_cell_k: String,
) -> Result<(), AppError> {
    let me = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    let lifetime = code_lifetime_days
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=365).contains(d))
        .ok_or_else(|| {
            AppError::Invalid("Kodens giltighet: skriv ett tal från 1 till 365.".into())
        })?;
    let k = small_cell_k
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|k| (2..=100).contains(k))
        .ok_or_else(|| AppError::Invalid("Minsta grupp: skriv ett tal från 2 till 100.".into()))?;
    state
        .store
        .update_organisation_settings(&me.organisation_id, k, lifetime)
        .await?;
    crate::staff::ssr::audit(
        &me,
        "change-settings",
        None,
        &format!("code days {lifetime}, smallest group {k}"),
    )
    .await?;
    leptos_axum::redirect("/admin?sparat=installningar");
    Ok(())
}

/// The organisation's programmes.
#[server(prefix = "/api", endpoint = "admin/programmes")]
pub async fn programme_list() -> Result<Vec<ProgrammeView>, AppError> {
    let admin = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    Ok(state
        .store
        .programmes(&admin.organisation_id)
        .await?
        .into_iter()
        .map(|p| ProgrammeView {
            name: p.name,
            window: format!(
                "{} dagar före, {} dagar efter",
                p.window.before_days, p.window.after_days
            ),
            participants: p.participants,
        })
        .collect())
}

/// Adds a programme with its check-in window.
#[server(prefix = "/api", endpoint = "admin/programmes/create")]
pub async fn create_programme(
    name: String,
    before_days: String,
    after_days: String,
) -> Result<(), AppError> {
    let me = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    let name =
        stegvis_domain::text::plain_text(&name, "Namn", stegvis_domain::text::PROGRAMME_MAX_CHARS)?;
    let name = name.as_str();
    let days = |v: &str, what: &str| {
        v.trim()
            .parse::<u32>()
            .ok()
            .filter(|d| *d <= 90)
            .ok_or_else(|| {
                AppError::Invalid(format!("Dagar {what}: skriv ett tal från 0 till 90."))
            })
    };
    let window = stegvis_domain::schedule::Window {
        before_days: days(&before_days, "före")?,
        after_days: days(&after_days, "efter")?,
    };
    state
        .store
        .create_programme_in(&me.organisation_id, name, window)
        .await?;
    crate::staff::ssr::audit(&me, "create-programme", None, name).await?;
    leptos_axum::redirect("/admin?sparat=insats");
    Ok(())
}

/// The newest audit records of the organisation.
#[server(prefix = "/api", endpoint = "admin/audit")]
pub async fn audit_entries() -> Result<Vec<AuditView>, AppError> {
    let admin = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    Ok(state
        .store
        .audit_log(&admin.organisation_id, 500)
        .await?
        .into_iter()
        .map(|a| AuditView {
            at: a
                .at
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            who: a.staff_name.unwrap_or_else(|| "–".into()),
            action: action_label(&a.action).into(),
            participant: a.participant_code.unwrap_or_else(|| "–".into()),
            detail: a.detail,
        })
        .collect())
}

/// The Swedish wording of an audit action.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "read-participant" => "Öppnade deltagarsidan",
        "read-answers" => "Läste svar",
        "register-participant" => "Registrerade deltagare",
        "record-exit" => "Registrerade avslut",
        "issue-access-code" => "Skapade kod",
        "revoke-access" => "Spärrade åtkomst",
        "assisted-check-in" => "Startade incheckning tillsammans",
        "create-staff" => "Skapade konto",
        "create-programme" => "Skapade insats",
        "change-settings" => "Ändrade inställningar",
        "read-meeting-view" => "Öppnade mötesvyn",
        "record-rating" => "Skrev in bedömning",
        "change-password" => "Bytte sitt lösenord",
        "enable-two-factor" => "Slog på tvåstegsinloggning",
        "end-session" => "Avslutade inloggning",
        "disable-staff" => "Stängde av konto",
        "enable-staff" => "Slog på konto",
        "password-reset-link" => "Skapade länk för nytt lösenord",
        "password-reset-used" => "Valde nytt lösenord med länk",
        "reset-two-factor" => "Nollställde tvåstegsinloggning",
        "export" => "Exporterade",
        "export-audit-log" => "Exporterade loggen",
        "withdraw-consent" => "Registrerade återkallat samtycke",
        "withdraw-consent-erased" => "Registrerade återkallat samtycke och raderade",
        "request-erasure" => "Begärde radering",
        "decline-erasure" => "Avslog radering",
        "erase-participant" => "Bekräftade radering",
        "change-retention" => "Ändrade gallring",
        "print-participant-answers" => "Skrev ut alla svar",
        "participant-read-own-answers" => "Deltagaren läste sina svar",
        "participant-download-answers" => "Deltagaren sparade sina svar",
        "retention-erase" => "Gallrade uppgifter",
        "upload-instrument" => "Laddade upp formulär",
        "activate-instrument" => "Aktiverade formulär för insats",
        "retire-instrument" => "Drog tillbaka formulär",
        "confirm-language" => "Bekräftade granskad översättning",
        _ => "Annan händelse",
    }
}

/// Every action the app and the server write to the audit log. Each has a
/// label in [`action_label`]; a test finds every action written in the
/// sources and checks that it is here, so a new one is not shown as
/// "Annan händelse".
pub const AUDIT_ACTIONS: &[&str] = &[
    "read-participant",
    "read-answers",
    "register-participant",
    "record-exit",
    "issue-access-code",
    "revoke-access",
    "assisted-check-in",
    "create-staff",
    "create-programme",
    "change-settings",
    "read-meeting-view",
    "record-rating",
    "change-password",
    "enable-two-factor",
    "end-session",
    "disable-staff",
    "enable-staff",
    "password-reset-link",
    "password-reset-used",
    "reset-two-factor",
    "export",
    "export-audit-log",
    "withdraw-consent",
    "withdraw-consent-erased",
    "request-erasure",
    "decline-erasure",
    "erase-participant",
    "change-retention",
    "print-participant-answers",
    "participant-read-own-answers",
    "participant-download-answers",
    "retention-erase",
    "upload-instrument",
    "activate-instrument",
    "retire-instrument",
    "confirm-language",
];

/// Participants per gender, with groups below the organisation's threshold hidden.
#[server(prefix = "/api", endpoint = "evaluator/overview")]
pub async fn load_evaluator_overview() -> Result<EvaluatorOverview, AppError> {
    use stegvis_domain::participant::Gender;
    let me = crate::auth::ssr::require_role(stegvis_store::Role::Evaluator).await?;
    let state = crate::state::app_state()?;
    let organisation = state
        .store
        .organisation(&me.organisation_id)
        .await?
        .ok_or(AppError::Internal)?;
    let counts = state
        .store
        .participants_by_gender(&me.organisation_id)
        .await?;
    let k = organisation.small_cell_k;
    let by_gender = Gender::ALL
        .iter()
        .map(|g| {
            let n = counts
                .iter()
                .find(|(code, _)| code == g.code())
                .map_or(0, |(_, n)| *n);
            GroupCount {
                group: g.label().into(),
                shown: if n > 0 && n < i64::from(k) {
                    format!("färre än {k}")
                } else {
                    n.to_string()
                },
            }
        })
        .collect();
    Ok(EvaluatorOverview {
        organisation: organisation.name,
        threshold: k,
        by_gender,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_plausibility() {
        assert!(looks_like_email("anna.lind@forbund.se"));
        assert!(!looks_like_email("anna.lind"));
        assert!(!looks_like_email("anna@se"));
        assert!(!looks_like_email("an na@forbund.se"));
        assert!(!looks_like_email("@forbund.se"));
    }

    #[test]
    fn every_audit_action_has_a_label() {
        for action in AUDIT_ACTIONS {
            assert_ne!(action_label(action), "Annan händelse", "{action}");
        }
    }

    /// The `.rs` files under `dir`, recursively.
    fn sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                // Tests (like this one) are not writers.
                let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                out.push((path.display().to_string(), code.to_owned()));
            }
        }
    }

    /// The first string literal of each audit call (`audit(…, "action", …)`,
    /// `audit_participant(…)`) and each `action: "…"` in `text`.
    fn written_actions(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for needle in ["audit(", "audit_participant(", "action: \""] {
            for (at, _) in text.match_indices(needle) {
                if text[..at].ends_with("fn ") {
                    continue;
                }
                let statement = &text[at + needle.len() - 1..];
                let statement = &statement[..statement.find(';').unwrap_or(statement.len())];
                let mut parts = statement.split('"');
                if let (Some(_), Some(action)) = (parts.next(), parts.next()) {
                    found.push(action.to_owned());
                }
            }
        }
        found
    }

    #[test]
    fn every_action_written_to_the_audit_log_is_listed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources(&root.join("src"), &mut files);
        sources(&root.join("../server/src"), &mut files);
        let mut written = std::collections::BTreeSet::new();
        for (path, text) in &files {
            for action in written_actions(text) {
                assert!(
                    AUDIT_ACTIONS.contains(&action.as_str()),
                    "{path} writes the audit action {action:?}, which AUDIT_ACTIONS lacks"
                );
                written.insert(action);
            }
        }
        // The search finds the writers of every kind (staff, participant, server).
        for action in [
            "create-staff",
            "change-password",
            "participant-read-own-answers",
            "export",
            "retention-erase",
        ] {
            assert!(written.contains(action), "{action} not found: {written:?}");
        }
    }
}
