//! Pages of a staff account's life: the admin's page of one account
//! (disable, enable, reset link, reset second factor), the page where a reset
//! link's holder sets a new password, and the list of one's own sessions on
//! *Mitt konto*.

use super::common::{action_error, loaded};
use crate::accounts::{
    check_reset_link, my_sessions, staff_account, ConfirmPassword, DisableStaff, EnableStaff,
    EndSession, MakeResetLink, ResetTwoFactor, UseResetLink, OTHER_SESSIONS, RESET_LINK_HOURS,
};
use crate::auth::MIN_PASSWORD_CHARS;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The signed-in staff member's sessions, with a way to end each other one
/// or all others at once. Part of *Mitt konto*.
#[component]
pub fn SessionsSection() -> impl IntoView {
    let end = ServerAction::<EndSession>::new();
    let sessions = Resource::new(move || end.version().get(), |_| my_sessions());
    view! {
        <section aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">"Inloggningar"</h2>
            <p>"Här är de webbläsare där du är inloggad. Avsluta en inloggning som du inte känner igen, och byt då lösenord."</p>
            {loaded(sessions, move |rows| {
                let others = rows.iter().filter(|s| !s.current).count();
                view! {
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Dina inloggningar">
                        <table>
                            <thead>
                                <tr>
                                    <th scope="col">"Webbläsare"</th>
                                    <th scope="col">"Inloggad"</th>
                                    <th scope="col">"Senast använd"</th>
                                    <th scope="col"><span class="visually-hidden">"Åtgärd"</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|s| {
                                    let label = format!("Avsluta inloggningen i {} från {}", s.browser, s.started);
                                    view! {
                                        <tr>
                                            <th scope="row">
                                                {s.browser.clone()}
                                                {s.current.then_some(" (den här)")}
                                            </th>
                                            <td>{s.started.clone()}</td>
                                            <td>{s.last_used.clone()}</td>
                                            <td>
                                                {(!s.current).then(|| view! {
                                                    <ActionForm action=end attr:class="inline-form">
                                                        <input type="hidden" name="key" value=s.key.clone() />
                                                        <button type="submit" class="button button-small" aria-label=label>"Avsluta"</button>
                                                    </ActionForm>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {(others > 0).then(|| view! {
                        <ActionForm action=end>
                            <input type="hidden" name="key" value=OTHER_SESSIONS />
                            <button type="submit" class="button">"Logga ut överallt utom här"</button>
                        </ActionForm>
                    })}
                }
            })}
            {action_error(end)}
        </section>
    }
}

/// One staff account, for its admin: what it is, and the security changes
/// an admin can make to it.
#[component]
pub fn StaffAccountPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let confirm = ServerAction::<ConfirmPassword>::new();
    let disable = ServerAction::<DisableStaff>::new();
    let enable = ServerAction::<EnableStaff>::new();
    let reset_link = ServerAction::<MakeResetLink>::new();
    let reset_two_factor = ServerAction::<ResetTwoFactor>::new();
    let account = Resource::new(
        move || {
            (
                id.get(),
                confirm.version().get(),
                disable.version().get(),
                enable.version().get(),
                reset_link.version().get(),
                reset_two_factor.version().get(),
            )
        },
        |(id, ..)| staff_account(id),
    );
    let query = use_query_map();
    let saved = move || match query.read().get("sparat").as_deref() {
        Some("avstangt") => Some("Kontot är avstängt. Alla dess inloggningar är avslutade."),
        Some("pa") => Some("Kontot är påslaget igen."),
        Some("lank") => Some("En ny länk är skapad."),
        Some("tvasteg") => {
            Some("Tvåstegsinloggningen är nollställd. Alla kontots inloggningar är avslutade.")
        }
        _ => None,
    };
    view! {
        <Title text="Konto" />
        {loaded(account, move |a| {
            let (id_enable, id_disable, id_link, id_factor) =
                (a.id.clone(), a.id.clone(), a.id.clone(), a.id.clone());
            view! {
                <h1>{a.name.clone()}</h1>
                {move || saved().map(|s| view! { <p class="notice" role="status">{s}</p> })}
                <dl class="facts">
                    <dt>"E-post"</dt><dd>{a.email.clone()}</dd>
                    <dt>"Roller"</dt><dd>{a.roles.clone()}</dd>
                    <dt>"Tvåstegsinloggning"</dt><dd>{if a.two_factor { "På" } else { "Av" }}</dd>
                    <dt>"Status"</dt><dd>{if a.disabled { "Avstängt" } else { "Aktivt" }}</dd>
                </dl>
                {a.reset_link.clone().map(|link| view! {
                    <section class="notice" aria-labelledby="link-heading">
                        <h2 id="link-heading">"Länk för nytt lösenord"</h2>
                        <p>{format!("Ge länken till {} på ett säkert sätt. Den fungerar en gång, i {RESET_LINK_HOURS} timmar. Länken visas bara nu.", a.name)}</p>
                        <p><code class="secret">{link}</code></p>
                    </section>
                })}
                {if a.own {
                    view! {
                        <p>"Det här är ditt eget konto. Byt lösenord och tvåstegsinloggning under "<a href="/konto">"Mitt konto"</a>"."</p>
                    }.into_any()
                } else if !a.recent_sign_in {
                    view! {
                        <section aria-labelledby="confirm-heading">
                            <h2 id="confirm-heading">"Bekräfta att det är du"</h2>
                            <p>"Skriv ditt lösenord innan du ändrar någon annans konto."</p>
                            <ActionForm action=confirm>
                                <label for="confirm-password">"Ditt lösenord"</label>
                                <input id="confirm-password" name="password" type="password" autocomplete="current-password" required />
                                {action_error(confirm)}
                                <button type="submit" class="button button-primary">"Bekräfta"</button>
                            </ActionForm>
                        </section>
                    }.into_any()
                } else {
                    view! {
                        <section aria-labelledby="changes-heading">
                            <h2 id="changes-heading">"Ändra kontot"</h2>
                            {if a.disabled {
                                view! {
                                    <ActionForm action=enable>
                                        <input type="hidden" name="id" value=id_enable />
                                        {action_error(enable)}
                                        <button type="submit" class="button">"Slå på kontot"</button>
                                    </ActionForm>
                                }.into_any()
                            } else {
                                view! {
                                    <h3>"Stäng av kontot"</h3>
                                    <p>"Personen loggas ut direkt och kan inte logga in förrän kontot slås på igen."</p>
                                    <ActionForm action=disable>
                                        <input type="hidden" name="id" value=id_disable />
                                        {action_error(disable)}
                                        <button type="submit" class="button">"Stäng av kontot"</button>
                                    </ActionForm>
                                    <h3>"Nytt lösenord"</h3>
                                    <p>{format!("Skapar en länk som personen använder för att välja ett nytt lösenord. Den fungerar en gång, i {RESET_LINK_HOURS} timmar. Alla personens inloggningar avslutas när länken används.")}</p>
                                    <ActionForm action=reset_link>
                                        <input type="hidden" name="id" value=id_link />
                                        {action_error(reset_link)}
                                        <button type="submit" class="button">"Skapa länk för nytt lösenord"</button>
                                    </ActionForm>
                                }.into_any()
                            }}
                            {a.two_factor.then(|| view! {
                                <h3>"Tvåstegsinloggning"</h3>
                                <p>"Om personen har tappat bort sin app: nollställ, så loggar personen in med lösenord och ställer in appen igen."</p>
                                <ActionForm action=reset_two_factor>
                                    <input type="hidden" name="id" value=id_factor />
                                    {action_error(reset_two_factor)}
                                    <button type="submit" class="button">"Nollställ tvåstegsinloggning"</button>
                                </ActionForm>
                            })}
                        </section>
                    }.into_any()
                }}
                <p><a href="/admin">"Tillbaka till Administration"</a></p>
            }
        })}
    }
}

/// Where the holder of a reset link sets a new password.
#[component]
pub fn PasswordResetPage() -> impl IntoView {
    let query = use_query_map();
    let token = Memo::new(move |_| query.read().get("t").unwrap_or_default());
    let set = ServerAction::<UseResetLink>::new();
    let link = Resource::new(move || token.get(), check_reset_link);
    view! {
        <Title text="Nytt lösenord" />
        <h1>"Nytt lösenord"</h1>
        {loaded(link, move |who| view! {
            <p>{format!("Välj ett nytt lösenord för {} ({}).", who.name, who.email)}</p>
            <ActionForm action=set>
                <input type="hidden" name="token" value=move || token.get() />
                <label for="reset-password">"Nytt lösenord"</label>
                <p class="hint" id="reset-password-hint">{format!("Minst {MIN_PASSWORD_CHARS} tecken.")}</p>
                <input
                    id="reset-password"
                    name="new_password"
                    type="password"
                    autocomplete="new-password"
                    aria-describedby="reset-password-hint"
                    required
                />
                <label for="reset-repeat">"Nytt lösenord igen"</label>
                <input id="reset-repeat" name="repeat" type="password" autocomplete="new-password" required />
                {action_error(set)}
                <button type="submit" class="button button-primary">"Spara lösenordet"</button>
            </ActionForm>
        })}
    }
}
