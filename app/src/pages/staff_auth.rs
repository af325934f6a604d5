//! Staff sign-in (password, then a TOTP code when two-factor is on), the
//! account page (password change, two-factor setup) and the staff header.

use super::common::{action_error, loaded};
use crate::auth::{
    load_two_factor_setup, who_am_i, ChangePassword, ConfirmTwoFactor, LogIn, LogOut,
    TwoFactorSetup, VerifyTwoFactor, Viewer, MIN_PASSWORD_CHARS,
};
use crate::staff::StopAssisting;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The header line for staff: where to go, who is signed in, sign out; and
/// the banner while a check-in runs together with a participant.
#[component]
pub fn StaffBar() -> impl IntoView {
    // Asked again after every navigation: signing in or out, and starting or
    // ending a check-in together, are form posts that the router follows
    // without a page load, and the bar must change with them.
    let location = leptos_router::hooks::use_location();
    let viewer = Resource::new(move || location.pathname.get(), |_| who_am_i());
    let t = use_context::<crate::prefs::Prefs>()
        .unwrap_or_default()
        .lang
        .texts();
    // Transition, not Suspense: the bar stays as it is while it is asked again.
    view! {
        <Transition>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Viewer::Staff(staff)) => {
                        let log_out = ServerAction::<LogOut>::new();
                        let stop = ServerAction::<StopAssisting>::new();
                        view! {
                            <nav class="staff-nav" aria-label="Personal">
                                <ul>
                                    {staff.case_manager.then(|| view! { <li><a href="/personal">"Deltagare"</a></li> })}
                                    {staff.admin.then(|| view! { <li><a href="/admin">"Administration"</a></li> })}
                                    {staff.admin.then(|| view! { <li><a href="/admin/logg">"Logg"</a></li> })}
                                    {staff.evaluator.then(|| view! { <li><a href="/utvardering">"Utvärdering"</a></li> })}
                                    {(staff.admin || staff.evaluator).then(|| view! { <li><a href="/admin/formular" rel="external">"Formulär"</a></li> })}
                                    <li><a href="/konto">"Mitt konto"</a></li>
                                </ul>
                                <ActionForm action=log_out attr:class="inline-form">
                                    <button type="submit" class="button button-small">
                                        {format!("Logga ut {}", staff.name)}
                                    </button>
                                </ActionForm>
                            </nav>
                            {staff.assisting.map(|code| view! {
                                <div class="assist-banner" role="region" aria-label="Incheckning tillsammans">
                                    <p>{format!("{} ({code})", t.assisted_banner.as_str())}</p>
                                    <ActionForm action=stop attr:class="inline-form">
                                        <button type="submit" class="button button-small">"Avsluta tillsammans"</button>
                                    </ActionForm>
                                </div>
                            })}
                        }
                        .into_any()
                    }
                    _ => ().into_any(),
                }
            })}
        </Transition>
    }
}

/// Step one of signing in.
#[component]
pub fn LoginPage() -> impl IntoView {
    let log_in = ServerAction::<LogIn>::new();
    let query = use_query_map();
    let reset = Memo::new(move |_| query.read().get("nytt-losenord").is_some());
    view! {
        <Title text="Logga in" />
        <h1>"Logga in"</h1>
        {move || reset.get().then(|| view! {
            <p class="notice" role="status">"Ditt nya lösenord är sparat. Logga in med det."</p>
        })}
        <p>"För handläggare, utvärderare och administratörer."</p>
        <ActionForm action=log_in>
            <label for="email">"E-postadress"</label>
            <input id="email" name="email" type="email" autocomplete="username" required />
            <label for="password">"Lösenord"</label>
            <input
                id="password"
                name="password"
                type="password"
                autocomplete="current-password"
                required
            />
            {action_error(log_in)}
            <button type="submit" class="button button-primary">"Logga in"</button>
        </ActionForm>
    }
}

/// Step two: the code from the authenticator app.
#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let verify = ServerAction::<VerifyTwoFactor>::new();
    view! {
        <Title text="Kod från appen" />
        <h1>"Kod från appen"</h1>
        <p id="totp-help">"Skriv den sexsiffriga koden som din autentiseringsapp visar."</p>
        <ActionForm action=verify>
            <label for="totp">"Kod"</label>
            <input
                id="totp"
                name="code"
                type="text"
                inputmode="numeric"
                autocomplete="one-time-code"
                pattern="[0-9 ]{6,7}"
                maxlength="7"
                aria-describedby="totp-help"
                required
            />
            {action_error(verify)}
            <button type="submit" class="button button-primary">"Logga in"</button>
        </ActionForm>
    }
}

/// The signed-in staff member's account: password and two-factor sign-in.
#[component]
pub fn AccountPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    // Turning two-factor on redirects back to this page: ask again when done.
    let setup = Resource::new(move || confirm.version().get(), |_| load_two_factor_setup());
    let query = use_query_map();
    let saved = move || match query.read().get("sparat").as_deref() {
        Some("losenord") => Some("Lösenordet är bytt. Du är utloggad från alla andra webbläsare."),
        Some("tvasteg") => Some("Tvåstegsinloggning är på."),
        Some("sessioner") => Some("Inloggningen är avslutad."),
        _ => None,
    };
    view! {
        <Title text="Mitt konto" />
        <h1>"Mitt konto"</h1>
        {move || saved().map(|s| view! { <p class="notice" role="status">{s}</p> })}
        <section aria-labelledby="two-factor-heading">
            <h2 id="two-factor-heading">"Tvåstegsinloggning"</h2>
            {loaded(setup, move |setup| match setup {
                TwoFactorSetup::Enabled { required } => view! {
                    <p>"Tvåstegsinloggning är på. Du loggar in med lösenord och en kod från appen."</p>
                    {required.then(|| view! { <p>"Administratörer måste ha den på."</p> })}
                }
                .into_any(),
                TwoFactorSetup::Pending { secret, qr_svg, .. } => view! {
                    <p>"Skanna QR-koden med en autentiseringsapp (till exempel Microsoft Authenticator eller FreeOTP). Skriv sedan koden som appen visar."</p>
                    <figure class="qr-figure">
                        <div role="img" aria-label="QR-kod för autentiseringsappen" inner_html=qr_svg></div>
                        <figcaption>
                            "Kan du inte skanna? Skriv in nyckeln: "
                            <code class="secret">{secret}</code>
                        </figcaption>
                    </figure>
                    <ActionForm action=confirm>
                        <label for="totp-confirm">"Kod från appen"</label>
                        <input
                            id="totp-confirm"
                            name="code"
                            type="text"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            maxlength="7"
                            required
                        />
                        <label for="totp-password">"Ditt lösenord"</label>
                        <p class="hint" id="totp-password-hint">"Så vet vi att det är du som slår på tvåstegsinloggning."</p>
                        <input
                            id="totp-password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            aria-describedby="totp-password-hint"
                            required
                        />
                        {action_error(confirm)}
                        <button type="submit" class="button button-primary">"Slå på"</button>
                    </ActionForm>
                }
                .into_any(),
            })}
        </section>
        <section aria-labelledby="password-heading">
            <h2 id="password-heading">"Byt lösenord"</h2>
            <ActionForm action=change>
                <label for="current">"Nuvarande lösenord"</label>
                <input id="current" name="current" type="password" autocomplete="current-password" required />
                <label for="new-password">"Nytt lösenord"</label>
                <p class="hint" id="new-password-hint">{format!("Minst {MIN_PASSWORD_CHARS} tecken.")}</p>
                <input
                    id="new-password"
                    name="new_password"
                    type="password"
                    autocomplete="new-password"
                    aria-describedby="new-password-hint"
                    required
                />
                <label for="repeat-password">"Nytt lösenord igen"</label>
                <input id="repeat-password" name="repeat" type="password" autocomplete="new-password" required />
                {action_error(change)}
                <button type="submit" class="button button-primary">"Byt lösenord"</button>
            </ActionForm>
            <p class="hint">"När du byter lösenord loggas du ut från alla andra webbläsare."</p>
        </section>
        <super::accounts::SessionsSection />
    }
}
