//! A record's whole life on the staff side: the case manager records a
//! withdrawal of consent and asks for an erasure; an admin (another account)
//! confirms or declines it, sets how long records are kept and what a
//! withdrawal does, and sees which records the next retention run erases.
//!
//! The audit log keeps every step. Once a record is erased its rows there
//! keep who did what and when, with no link to the person.

use crate::error::AppError;
use crate::staff::Choice;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Longest erasure reason kept; it only lives until the erasure is decided.
pub const MAX_REASON_CHARS: usize = 500;

/// Where the admin's page for erasure and retention is.
pub const ADMIN_PATH: &str = "/admin/gallring";

/// What the participant page shows about consent and erasure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantLifecycle {
    pub id: String,
    /// "2026-03-02, muntligt" once consent is withdrawn.
    pub withdrawn: Option<String>,
    /// "2026-03-02 av Lotta Lots" while an erasure waits for an admin.
    pub erasure_requested: Option<String>,
    pub ways: Vec<Choice>,
    pub today: String,
    /// Whether a withdrawal keeps the answers (pseudonymised) or erases them.
    pub withdrawal_keeps_answers: bool,
}

/// An erasure waiting for an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureRequestView {
    pub id: String,
    pub participant_code: String,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
    /// The admin asked for it themselves and cannot confirm it.
    pub own: bool,
}

/// A record the next retention run erases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionDueView {
    pub participant_code: String,
    pub reason: String,
    pub due_from: String,
}

/// The admin's page for erasure and retention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleAdmin {
    pub requests: Vec<ErasureRequestView>,
    pub months_after_exit: u32,
    pub months_inactive: u32,
    pub withdrawal_keeps_answers: bool,
    pub due: Vec<RetentionDueView>,
}

/// Consent and erasure state of a participant, for their page.
#[server(prefix = "/api", endpoint = "staff/participant-lifecycle")]
pub async fn load_participant_lifecycle(id: String) -> Result<ParticipantLifecycle, AppError> {
    use stegvis_store::WithdrawalHow;
    let (staff, state, p) = crate::staff::ssr::own_participant(&id).await?;
    let withdrawn = state
        .store
        .withdrawal(&p.id)
        .await?
        .map(|w| format!("{}, {}", w.on, w.how.label().to_lowercase()));
    let erasure_requested = state.store.erasure_request_for(&p.id).await?.map(|r| {
        format!(
            "{} av {}",
            crate::staff::ssr::local_date(r.requested_at),
            r.requested_by_name
        )
    });
    let settings = state
        .store
        .lifecycle_settings(&staff.organisation_id)
        .await?;
    Ok(ParticipantLifecycle {
        id: p.id.clone(),
        withdrawn,
        erasure_requested,
        ways: WithdrawalHow::ALL
            .iter()
            .map(|h| Choice {
                value: h.code().into(),
                label: h.label().into(),
            })
            .collect(),
        today: state.today().to_string(),
        withdrawal_keeps_answers: settings.withdrawal_keeps_answers,
    })
}

/// Records that the participant withdrew their consent: when and how. Phones
/// and codes stop working at once and no check-in is taken after it. By the
/// organisation's setting the whole record is then erased (default), or the
/// answers stay for statistics under a new code without identity.
#[server(prefix = "/api", endpoint = "staff/withdraw-consent")]
pub async fn withdraw_consent(id: String, date: String, how: String) -> Result<(), AppError> {
    use stegvis_store::{WithdrawalHow, WithdrawalOutcome};
    let (staff, state, p) = crate::staff::ssr::own_participant(&id).await?;
    let on = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::Invalid("Skriv datumet som ÅÅÅÅ-MM-DD.".into()))?;
    if on > state.today() {
        return Err(AppError::Invalid(
            "Datumet kan inte vara i framtiden.".into(),
        ));
    }
    if on < p.start_date {
        return Err(AppError::Invalid(
            "Datumet kan inte vara före startdatum.".into(),
        ));
    }
    let how = WithdrawalHow::from_code(how.trim())
        .ok_or_else(|| AppError::Invalid("Välj hur deltagaren återkallade samtycket.".into()))?;
    if state.store.withdrawal(&p.id).await?.is_some() {
        return Err(AppError::Conflict("Samtycket är redan återkallat.".into()));
    }
    let settings = state
        .store
        .lifecycle_settings(&staff.organisation_id)
        .await?;
    let outcome = state
        .store
        .withdraw_consent(
            &staff.organisation_id,
            &p.id,
            on,
            how,
            &staff.id,
            settings.withdrawal_keeps_answers,
        )
        .await?;
    let detail = format!("{on}, {}", how.code());
    match outcome {
        WithdrawalOutcome::NotFound => Err(AppError::unknown_participant()),
        WithdrawalOutcome::Erased => {
            crate::staff::ssr::audit(&staff, "withdraw-consent-erased", None, &detail).await?;
            leptos_axum::redirect("/personal?sparat=aterkallat");
            Ok(())
        }
        WithdrawalOutcome::Pseudonymised => {
            crate::staff::ssr::audit(&staff, "withdraw-consent", Some(&p.id), &detail).await?;
            leptos_axum::redirect(&crate::staff::participant_path(&p.id));
            Ok(())
        }
    }
}

/// Asks for the participant's erasure (article 17). An admin must confirm it.
#[server(prefix = "/api", endpoint = "staff/erasure-request")]
pub async fn request_erasure(id: String, reason: String) -> Result<(), AppError> {
    let (staff, state, p) = crate::staff::ssr::own_participant(&id).await?;
    // The reason is shown to the admin who decides: no control, direction
    // or invisible characters, as in every other text staff type.
    let reason = stegvis_domain::text::plain_text(&reason, "Skäl", MAX_REASON_CHARS)?;
    let created = state
        .store
        .request_erasure(&staff.organisation_id, &p.id, &reason, &staff.id)
        .await?;
    if !created {
        return Err(AppError::Conflict(
            "Radering är redan begärd för deltagaren.".into(),
        ));
    }
    crate::staff::ssr::audit(&staff, "request-erasure", Some(&p.id), "").await?;
    leptos_axum::redirect(&crate::staff::participant_path(&p.id));
    Ok(())
}

/// Waiting erasures, the retention settings and what retention erases next.
#[server(prefix = "/api", endpoint = "admin/lifecycle")]
pub async fn load_lifecycle_admin() -> Result<LifecycleAdmin, AppError> {
    let admin = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    let settings = state
        .store
        .lifecycle_settings(&admin.organisation_id)
        .await?;
    let requests = state
        .store
        .erasure_requests(&admin.organisation_id)
        .await?
        .into_iter()
        .map(|r| ErasureRequestView {
            own: r.requested_by == admin.id,
            id: r.id,
            participant_code: r.participant_code,
            reason: r.reason,
            requested_by: r.requested_by_name,
            requested_at: crate::staff::ssr::local_date(r.requested_at),
        })
        .collect();
    let due = state
        .store
        .retention_due(Some(&admin.organisation_id), state.today())
        .await?
        .into_iter()
        .map(|c| RetentionDueView {
            participant_code: c.participant_code,
            reason: c.reason.label().into(),
            due_from: c.due_from.to_string(),
        })
        .collect();
    Ok(LifecycleAdmin {
        requests,
        months_after_exit: settings.retention.months_after_exit,
        months_inactive: settings.retention.months_inactive,
        withdrawal_keeps_answers: settings.withdrawal_keeps_answers,
        due,
    })
}

/// Confirms an erasure a case manager asked for: the participant's record
/// is deleted in one transaction. The admin must be another person.
#[server(prefix = "/api", endpoint = "admin/erasure/confirm")]
pub async fn confirm_erasure(request: String) -> Result<(), AppError> {
    use stegvis_store::ErasureDecision;
    let admin = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    let unknown = || AppError::NotFound("Begäran finns inte.".into());
    if request.len() > 64 {
        return Err(unknown());
    }
    match state
        .store
        .confirm_erasure(&admin.organisation_id, &request, &admin.id)
        .await?
    {
        ErasureDecision::NotFound => Err(unknown()),
        ErasureDecision::SamePerson => Err(AppError::Forbidden(
            "Du begärde raderingen själv. En annan administratör måste bekräfta den.".into(),
        )),
        ErasureDecision::Erased(r) => {
            // No personal data: the request, who asked and when; the admin
            // and the time are the record's own.
            let detail = format!(
                "begäran {}, begärd av {} {}",
                r.id,
                r.requested_by,
                r.requested_at.to_rfc3339()
            );
            crate::staff::ssr::audit(&admin, "erase-participant", None, &detail).await?;
            leptos_axum::redirect(&format!("{ADMIN_PATH}?sparat=raderat"));
            Ok(())
        }
    }
}

/// Declines an erasure a case manager asked for; the record stays.
#[server(prefix = "/api", endpoint = "admin/erasure/decline")]
pub async fn decline_erasure(request: String) -> Result<(), AppError> {
    let admin = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    if request.len() > 64 {
        return Err(AppError::NotFound("Begäran finns inte.".into()));
    }
    let removed = state
        .store
        .cancel_erasure(&admin.organisation_id, &request)
        .await?
        .ok_or_else(|| AppError::NotFound("Begäran finns inte.".into()))?;
    crate::staff::ssr::audit(
        &admin,
        "decline-erasure",
        Some(&removed.participant_id),
        &format!("begäran {}", removed.id),
    )
    .await?;
    leptos_axum::redirect(&format!("{ADMIN_PATH}?sparat=avslaget"));
    Ok(())
}

/// Changes how long records are kept and what a withdrawal of consent does.
#[server(prefix = "/api", endpoint = "admin/lifecycle/save")]
pub async fn save_lifecycle_settings(
    months_after_exit: String,
    months_inactive: String,
    keep_answers: Option<String>,
) -> Result<(), AppError> {
    use stegvis_domain::retention::RetentionPolicy;
    let admin = crate::auth::ssr::require_role(stegvis_store::Role::Admin).await?;
    let state = crate::state::app_state()?;
    let months = |s: &str| s.trim().parse::<u32>().unwrap_or(0);
    let retention = RetentionPolicy::new(months(&months_after_exit), months(&months_inactive))
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let keep = match keep_answers.as_deref() {
        None => false,
        Some("ja" | "on") => true,
        Some(_) => {
            return Err(AppError::BadRequest(
                "Behåll svar: kryssa i rutan eller lämna den tom.".into(),
            ))
        }
    };
    let settings = stegvis_store::LifecycleSettings {
        retention,
        withdrawal_keeps_answers: keep,
    };
    state
        .store
        .update_lifecycle_settings(&admin.organisation_id, &settings)
        .await?;
    crate::staff::ssr::audit(
        &admin,
        "change-retention",
        None,
        &format!(
            "after exit {} months, inactive {} months, withdrawal keeps answers {keep}",
            retention.months_after_exit, retention.months_inactive
        ),
    )
    .await?;
    leptos_axum::redirect(&format!("{ADMIN_PATH}?sparat=installningar"));
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Checks other flows make so nothing new starts after a withdrawal.

    use crate::error::AppError;

    /// Refuses when the participant has withdrawn their consent: no codes,
    /// phones or check-ins after that.
    pub async fn refuse_if_withdrawn(participant_id: &str) -> Result<(), AppError> {
        let state = crate::state::app_state()?;
        if state.store.withdrawal(participant_id).await?.is_some() {
            return Err(AppError::Conflict(
                "Deltagaren har återkallat sitt samtycke. Inga fler svar tas emot.".into(),
            ));
        }
        Ok(())
    }
}
