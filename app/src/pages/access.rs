//! The participant's way in: the start page (code, PIN or "start answering"),
//! typing the access code, choosing a PIN, and typing the PIN next time.
//! Plain forms, easy-read texts in the participant's language.

use super::common::{action_error, loaded};
use crate::access::{
    load_access_state, AccessState, ChoosePin, EnterPin, Leave, RedeemCode, CHECK_IN_HOME,
};
use crate::prefs::Prefs;
use crate::texts::Texts;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn texts() -> &'static Texts {
    use_context::<Prefs>().unwrap_or_default().lang.texts()
}

/// The start page: what to do depends on whether this phone is known.
#[component]
pub fn Home() -> impl IntoView {
    let t = texts();
    // Signing out redirects to this same page, which the router does not
    // load again: ask what to show again once it is done.
    let leave = ServerAction::<Leave>::new();
    let state = Resource::new(move || leave.version().get(), |_| load_access_state());
    loaded(state, move |state| match state {
        AccessState::SignedIn => view! { <SignedIn t leave /> }.into_any(),
        AccessState::ChoosePin => view! { <NewPinForm t /> }.into_any(),
        AccessState::KnownPhone => view! { <PinForm t /> }.into_any(),
        AccessState::NewPhone => view! { <CodeForm t /> }.into_any(),
    })
}

#[component]
fn SignedIn(t: &'static Texts, leave: ServerAction<Leave>) -> impl IntoView {
    view! {
        <Title text=t.signed_in_heading.as_str() />
        <h1>{t.signed_in_heading.as_str()}</h1>
        <p>
            <a class="button button-primary" href=CHECK_IN_HOME>{t.start_answering.as_str()}</a>
        </p>
        <p>
            <a class="button" href=crate::progress::JOURNEY_PATH>{t.journey_link.as_str()}</a>
        </p>
        <p>
            <a class="button" href=crate::my_answers::MY_ANSWERS_PATH>
                {t.answers_link.as_str()}
            </a>
        </p>
        <ActionForm action=leave>
            <button type="submit" class="button">{t.leave.as_str()}</button>
        </ActionForm>
    }
}

/// Typing (or scanning) the access code; `?k=` from the QR code fills it in.
#[component]
pub fn CodePage() -> impl IntoView {
    view! { <CodeForm t=texts() /> }
}

#[component]
fn CodeForm(t: &'static Texts) -> impl IntoView {
    let redeem = ServerAction::<RedeemCode>::new();
    let query = use_query_map();
    let prefilled = query.read_untracked().get("k").unwrap_or_default();
    view! {
        <Title text=t.code_heading.as_str() />
        <h1>{t.code_heading.as_str()}</h1>
        <p id="code-help">{t.code_help.as_str()}</p>
        <ActionForm action=redeem>
            <label for="code">{t.code_label.as_str()}</label>
            <input
                id="code"
                name="code"
                type="text"
                class="code-input"
                autocomplete="one-time-code"
                autocapitalize="characters"
                spellcheck="false"
                maxlength="12"
                aria-describedby="code-help"
                value=prefilled
                required
            />
            {action_error(redeem)}
            <button type="submit" class="button button-primary">{t.go_on.as_str()}</button>
        </ActionForm>
        <p class="staff-link">
            <a href="/logga-in" lang="sv">"Logga in som personal"</a>
        </p>
    }
}

/// A labelled PIN field: digits only on phones, hidden as typed. A new PIN
/// must be 4–6 digits (checked by the browser too); typing an existing one
/// is left to the server, which counts the failures.
#[component]
fn PinInput(
    name: &'static str,
    label: &'static str,
    new: bool,
    #[prop(optional)] described_by: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label for=name>{label}</label>
        <input
            id=name
            name=name
            type="password"
            inputmode="numeric"
            pattern=new.then_some("[0-9]{4,6}")
            minlength=new.then_some("4")
            maxlength="6"
            autocomplete=if new { "new-password" } else { "current-password" }
            aria-describedby=described_by
            required
        />
    }
}

/// Choosing the PIN after the code was accepted.
#[component]
pub fn NewPinPage() -> impl IntoView {
    view! { <NewPinForm t=texts() /> }
}

#[component]
fn NewPinForm(t: &'static Texts) -> impl IntoView {
    let choose = ServerAction::<ChoosePin>::new();
    view! {
        <Title text=t.pin_new_heading.as_str() />
        <h1>{t.pin_new_heading.as_str()}</h1>
        <p id="pin-help">{t.pin_new_help.as_str()}</p>
        <ActionForm action=choose>
            <PinInput name="pin" label=t.pin_label.as_str() new=true described_by="pin-help" />
            <PinInput name="repeat" label=t.pin_repeat_label.as_str() new=true />
            {action_error(choose)}
            <button type="submit" class="button button-primary">{t.go_on.as_str()}</button>
        </ActionForm>
    }
}

/// Typing the PIN on a phone that is already connected.
#[component]
pub fn PinPage() -> impl IntoView {
    view! { <PinForm t=texts() /> }
}

#[component]
fn PinForm(t: &'static Texts) -> impl IntoView {
    let enter = ServerAction::<EnterPin>::new();
    view! {
        <Title text=t.pin_heading.as_str() />
        <h1>{t.pin_heading.as_str()}</h1>
        <p id="pin-help">{t.pin_help.as_str()}</p>
        <ActionForm action=enter>
            <PinInput name="pin" label=t.pin_label.as_str() new=false described_by="pin-help" />
            {action_error(enter)}
            <button type="submit" class="button button-primary">{t.go_on.as_str()}</button>
        </ActionForm>
        <p>
            <a href="/kod">{t.new_code_link.as_str()}</a>
        </p>
    }
}
