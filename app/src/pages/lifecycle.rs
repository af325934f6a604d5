//! Pages of a record's whole life: the participant's "Mina svar" (with its
//! print view and downloads), the case manager's printable copy of the same,
//! the consent and erasure section of the participant page, and the admin's
//! page for erasure requests and retention.

use super::common::{action_error, loaded};
use crate::lifecycle::{
    load_lifecycle_admin, load_participant_lifecycle, ConfirmErasure, DeclineErasure,
    RequestErasure, SaveLifecycleSettings, WithdrawConsent, MAX_REASON_CHARS,
};
use crate::my_answers::{download_path, load_my_answers, load_participant_answers, MyAnswers};
use crate::prefs::Prefs;
use crate::staff::participant_path;
use crate::texts::Lang;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Every check-in with its questions and answers.
#[component]
fn AnswerList(answers: MyAnswers, lang: Lang) -> impl IntoView {
    let t = lang.texts();
    if answers.check_ins.is_empty() {
        return view! { <p>{t.answers_nothing.as_str()}</p> }.into_any();
    }
    answers
        .check_ins
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let heading = format!("svar-{i}");
            let labelled_by = heading.clone();
            view! {
                <section class="my-check-in" aria-labelledby=labelled_by>
                    <h2 id=heading>{c.occasion}</h2>
                    <p>{c.answered_words}</p>
                    <dl class="my-answers">
                        {c.answers.into_iter().map(|a| view! {
                            <dt>{a.question}</dt>
                            <dd>{a.answer}</dd>
                        }).collect_view()}
                    </dl>
                </section>
            }
        })
        .collect_view()
        .into_any()
}

/// "Mina svar": every check-in the participant sent, a print button (shown
/// by the participant script) and the two downloads.
#[component]
pub fn MyAnswersPage() -> impl IntoView {
    let lang = use_context::<Prefs>().unwrap_or_default().lang;
    let t = lang.texts();
    let answers = Resource::new(|| (), |_| load_my_answers());
    view! {
        <Title text=t.answers_heading.as_str() />
        <h1>{t.answers_heading.as_str()}</h1>
        {loaded(answers, move |answers| view! {
            <p>{t.answers_intro.as_str()}</p>
            <p class="no-print">
                <button type="button" class="button" data-print hidden>{t.answers_print.as_str()}</button>
            </p>
            <AnswerList answers lang />
            <section class="no-print" aria-labelledby="spara-heading">
                <h2 id="spara-heading">{t.answers_save_heading.as_str()}</h2>
                <p>{t.answers_save_help.as_str()}</p>
                <p><a class="button" href=download_path("csv") download="mina-svar.csv">{t.answers_save_csv.as_str()}</a></p>
                <p><a class="button" href=download_path("json") download="mina-svar.json">{t.answers_save_json.as_str()}</a></p>
            </section>
        })}
        <p class="no-print">
            <a class="button" href="/">{t.answers_back.as_str()}</a>
        </p>
    }
}

/// The case manager's printable copy of a participant's answers.
#[component]
pub fn StaffAnswersCopyPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let answers = Resource::new(move || id.get(), load_participant_answers);
    loaded(answers, move |answers| {
        let id = id.get_untracked();
        let code = answers.participant_code.clone();
        view! {
            <Title text=format!("Alla svar {code}") />
            <header class="print-header">
                <h1>{format!("Alla svar: deltagare {code}")}</h1>
            </header>
            <p class="no-print">
                <a href=participant_path(&id)>"Tillbaka till deltagaren"</a>
                " · "
                <button type="button" class="button button-small" on:click=|_| print_page()>"Skriv ut"</button>
            </p>
            <AnswerList answers lang=Lang::SV />
        }
    })
}

/// Opens the browser's print dialog (staff pages run the WASM bundle).
fn print_page() {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().print();
    }
}

/// The participant page's consent and erasure actions and their state.
/// Made with the page, before anything on it waits (see
/// [`super::AdminPage`] for why a resource must not be made inside a
/// waiting part of a hydrated page).
#[derive(Clone, Copy)]
pub struct LifecycleData {
    withdraw: ServerAction<WithdrawConsent>,
    request: ServerAction<RequestErasure>,
    id: Memo<String>,
    state: Resource<Result<crate::lifecycle::ParticipantLifecycle, crate::error::AppError>>,
}

impl LifecycleData {
    /// For the participant whose id `id` holds.
    pub fn new(id: Memo<String>) -> Self {
        let withdraw = ServerAction::<WithdrawConsent>::new();
        let request = ServerAction::<RequestErasure>::new();
        let state = Resource::new(
            move || (id.get(), withdraw.version().get(), request.version().get()),
            |(id, _, _)| load_participant_lifecycle(id),
        );
        Self {
            withdraw,
            request,
            id,
            state,
        }
    }
}

/// Consent and erasure on the participant page: record a withdrawal, ask for
/// an erasure, and see either once done.
#[component]
pub fn ParticipantLifecycleSection(data: LifecycleData) -> impl IntoView {
    let LifecycleData {
        withdraw,
        request,
        id,
        state,
    } = data;
    view! {
        <section class="no-print" aria-labelledby="lifecycle-heading">
            <h2 id="lifecycle-heading">"Samtycke och radering"</h2>
            <p>
                <a href=move || crate::my_answers::staff_copy_path(&id.get())>"Skriv ut alla svar"</a>
            </p>
            {loaded(state, move |s| {
                let (id_withdraw, id_request) = (s.id.clone(), s.id.clone());
                let withdrawal = match s.withdrawn.clone() {
                    Some(when) => view! {
                        <p>{format!("Samtycket återkallades {when}. Inga fler svar tas emot.")}</p>
                    }.into_any(),
                    None => view! {
                        <h3>"Återkalla samtycke"</h3>
                        <p>{if s.withdrawal_keeps_answers {
                            "Telefoner och koder slutar fungera. Svaren sparas utan identitet för statistik, under en ny kod."
                        } else {
                            "Telefoner och koder slutar fungera. Alla uppgifter om deltagaren raderas, också svaren."
                        }}</p>
                        <ActionForm action=withdraw attr:class="stacked-form">
                            <input type="hidden" name="id" value=id_withdraw />
                            <label for="withdraw-date">"Datum"</label>
                            <input id="withdraw-date" name="date" type="date" value=s.today.clone() required />
                            <label for="withdraw-how">"Hur"</label>
                            <select id="withdraw-how" name="how" required>
                                <option value="">"Välj"</option>
                                {s.ways.iter().map(|w| view! {
                                    <option value=w.value.clone()>{w.label.clone()}</option>
                                }).collect_view()}
                            </select>
                            {action_error(withdraw)}
                            <button type="submit" class="button">"Registrera återkallat samtycke"</button>
                        </ActionForm>
                    }.into_any(),
                };
                let erasure = match s.erasure_requested.clone() {
                    Some(when) => view! {
                        <p>{format!("Radering är begärd {when}. En administratör ska bekräfta den.")}</p>
                    }.into_any(),
                    None => view! {
                        <h3>"Begär radering"</h3>
                        <p>"En administratör bekräftar. Då raderas allt om deltagaren på en gång. Loggen sparar bara att det hände."</p>
                        <ActionForm action=request attr:class="stacked-form">
                            <input type="hidden" name="id" value=id_request />
                            <label for="erasure-reason">"Skäl"</label>
                            <textarea id="erasure-reason" name="reason" rows="3" maxlength=MAX_REASON_CHARS.to_string() required></textarea>
                            {action_error(request)}
                            <button type="submit" class="button">"Begär radering"</button>
                        </ActionForm>
                    }.into_any(),
                };
                view! { {withdrawal} {erasure} }
            })}
        </section>
    }
}

/// The admin's page: erasures waiting for confirmation, the retention
/// settings, and which records the next retention run erases.
#[component]
pub fn LifecycleAdminPage() -> impl IntoView {
    let confirm = ServerAction::<ConfirmErasure>::new();
    let decline = ServerAction::<DeclineErasure>::new();
    let save = ServerAction::<SaveLifecycleSettings>::new();
    let data = Resource::new(
        move || {
            (
                confirm.version().get(),
                decline.version().get(),
                save.version().get(),
            )
        },
        |_| load_lifecycle_admin(),
    );
    let query = use_query_map();
    let saved = move || match query.read().get("sparat").as_deref() {
        Some("raderat") => Some("Deltagarens uppgifter är raderade."),
        Some("avslaget") => Some("Begäran är avslagen. Inget raderades."),
        Some("installningar") => Some("Inställningarna är sparade."),
        _ => None,
    };
    view! {
        <Title text="Gallring och radering" />
        <h1>"Gallring och radering"</h1>
        {move || saved().map(|s| view! { <p class="notice" role="status">{s}</p> })}
        {action_error(confirm)}
        {action_error(decline)}
        {loaded(data, move |d| view! {
            <section aria-labelledby="requests-heading">
                <h2 id="requests-heading">"Begärda raderingar"</h2>
                {if d.requests.is_empty() {
                    view! { <p>"Inga raderingar väntar."</p> }.into_any()
                } else {
                    view! {
                        <p>"Bekräfta bara en radering som en annan person har begärt. Allt om deltagaren raderas i ett steg och kan inte återställas."</p>
                        <ul class="erasure-requests">
                            {d.requests.into_iter().map(|r| {
                                let label_confirm = format!("Bekräfta radering av {}", r.participant_code);
                                let label_decline = format!("Avslå radering av {}", r.participant_code);
                                let (id_confirm, id_decline) = (r.id.clone(), r.id.clone());
                                view! {
                                    <li>
                                        <p>
                                            <strong>{format!("Deltagare {}", r.participant_code)}</strong>
                                            {format!(", begärd {} av {}. Skäl: {}", r.requested_at, r.requested_by, r.reason)}
                                        </p>
                                        {if r.own {
                                            view! { <p>"Du begärde den själv. En annan administratör måste bekräfta."</p> }.into_any()
                                        } else {
                                            view! {
                                                <ActionForm action=confirm attr:class="inline-form">
                                                    <input type="hidden" name="request" value=id_confirm />
                                                    <button type="submit" class="button" aria-label=label_confirm>"Bekräfta radering"</button>
                                                </ActionForm>
                                            }.into_any()
                                        }}
                                        <ActionForm action=decline attr:class="inline-form">
                                            <input type="hidden" name="request" value=id_decline />
                                            <button type="submit" class="button" aria-label=label_decline>"Avslå"</button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section aria-labelledby="retention-heading">
                <h2 id="retention-heading">"Hur länge uppgifter sparas"</h2>
                <p>"Servern raderar uppgifter automatiskt en gång per dygn när tiden har gått ut."</p>
                <ActionForm action=save attr:class="stacked-form">
                    <label for="months-after-exit">"Månader efter avslut"</label>
                    <input id="months-after-exit" name="months_after_exit" type="number" min="1" max="240"
                        value=d.months_after_exit.to_string() required />
                    <label for="months-inactive">"Månader efter senaste aktivitet, utan avslut"</label>
                    <input id="months-inactive" name="months_inactive" type="number" min="1" max="240"
                        value=d.months_inactive.to_string() required />
                    <label class="check">
                        <input name="keep_answers" type="checkbox" value="ja"
                            checked=d.withdrawal_keeps_answers />
                        " Behåll svar utan identitet för statistik när någon återkallar sitt samtycke"
                    </label>
                    {action_error(save)}
                    <button type="submit" class="button">"Spara"</button>
                </ActionForm>
            </section>
            <section aria-labelledby="due-heading">
                <h2 id="due-heading">"Raderas vid nästa gallring"</h2>
                {if d.due.is_empty() {
                    view! { <p>"Inga uppgifter har passerat tiden."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" tabindex="0" role="region" aria-label="Tabell över uppgifter som raderas">
                            <table>
                                <thead>
                                    <tr>
                                        <th scope="col">"Deltagare"</th>
                                        <th scope="col">"Skäl"</th>
                                        <th scope="col">"Sedan"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {d.due.into_iter().map(|r| view! {
                                        <tr>
                                            <th scope="row">{r.participant_code}</th>
                                            <td>{r.reason}</td>
                                            <td>{r.due_from}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </section>
        })}
    }
}
