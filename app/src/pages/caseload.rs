//! The case manager's pages: the caseload (a page at a time), registering a participant, the
//! participant's page, their answers, and the printable access sheet.

use super::common::{action_error, loaded};
use crate::staff::{
    load_access_sheet, load_caseload, load_check_in_answers, load_participant_overview,
    load_registration_options, participant_path, Choice, IssueAccessCode, RecordExit,
    RegisterParticipant, RevokeAccess, StartAssistedCheckIn,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn query_value(name: &'static str) -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(name).filter(|v| !v.is_empty()))
}

fn param(name: &'static str) -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get(name).unwrap_or_default())
}

fn options(choices: &[Choice], selected: Option<&str>) -> impl IntoView {
    choices
        .iter()
        .map(|c| {
            let is = selected == Some(c.value.as_str());
            view! { <option value=c.value.clone() selected=is>{c.label.clone()}</option> }
        })
        .collect_view()
}

/// The caseload: who is due, overdue or has missed a check-in. Filters are a
/// plain GET form, so every view has its own address.
#[component]
pub fn CaseloadPage() -> impl IntoView {
    let search = query_value("sok");
    let status = query_value("status");
    let programme = query_value("insats");
    let sort = query_value("sortera");
    let scope = query_value("visa");
    let page = query_value("sida");
    let rows = Resource::new(
        move || {
            (
                search.get(),
                status.get(),
                programme.get(),
                sort.get(),
                scope.get(),
                page.get(),
            )
        },
        |(search, status, programme, sort, scope, page)| {
            load_caseload(search, status, programme, sort, scope, page)
        },
    );
    // The address of another page with the same filters: plain links, so
    // paging works without JavaScript too.
    let page_link = move |to: usize| {
        let mut pairs: Vec<(&str, String)> = [
            ("sok", search),
            ("status", status),
            ("insats", programme),
            ("sortera", sort),
            ("visa", scope),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.get_untracked().map(|v| (name, v)))
        .collect();
        if to > 1 {
            pairs.push(("sida", to.to_string()));
        }
        let query = pairs
            .iter()
            .map(|(name, value)| format!("{name}={}", urlencoding_component(value)))
            .collect::<Vec<_>>()
            .join("&");
        if query.is_empty() {
            "/personal".to_owned()
        } else {
            format!("/personal?{query}")
        }
    };
    view! {
        <Title text="Deltagare" />
        <h1>"Deltagare"</h1>
        {loaded(rows, move |c| {
            let status_choices = [
                ("", "Alla"),
                ("due", "Att svara"),
                ("overdue", "Försenade"),
                ("missed", "Har missat"),
                ("exited", "Avslutade"),
            ];
            let sort_choices = [("", "Mest brådskande"), ("code", "Kod"), ("last", "Senaste svar")];
            let scope_choices = [("", "Mina deltagare"), ("all", "Alla i förbundet")];
            let pick = |choices: &[(&'static str, &'static str)], current: Option<String>| {
                choices
                    .iter()
                    .map(|(v, l)| {
                        let is = current.as_deref().unwrap_or("") == *v;
                        view! { <option value=*v selected=is>{*l}</option> }
                    })
                    .collect_view()
            };
            let first = (c.page - 1) * crate::staff::CASELOAD_PAGE_SIZE + 1;
            let last = first + c.rows.len().saturating_sub(1);
            let summary = if c.pages > 1 {
                format!(
                    "Visar {first}–{last} av {} deltagare (sida {} av {}).",
                    c.matching, c.page, c.pages
                )
            } else {
                format!("Visar {} av {} deltagare.", c.matching, c.total)
            };
            let pager = (c.pages > 1).then(|| {
                let (page, pages) = (c.page, c.pages);
                view! {
                    <nav class="pagination" aria-label="Sidor i deltagarlistan">
                        <ul>
                            {(page > 1).then(|| view! {
                                <li><a href=page_link(page - 1) rel="prev">"Föregående sida"</a></li>
                            })}
                            {page_numbers(page, pages).into_iter().map(|n| match n {
                                Some(n) if n == page => view! {
                                    <li><a href=page_link(n) aria-current="page" aria-label=format!("Sida {n}")>{n}</a></li>
                                }.into_any(),
                                Some(n) => view! {
                                    <li><a href=page_link(n) aria-label=format!("Sida {n}")>{n}</a></li>
                                }.into_any(),
                                None => view! { <li aria-hidden="true">"…"</li> }.into_any(),
                            }).collect_view()}
                            {(page < pages).then(|| view! {
                                <li><a href=page_link(page + 1) rel="next">"Nästa sida"</a></li>
                            })}
                        </ul>
                    </nav>
                }
            });
            view! {
                <p>
                    <a class="button button-primary" href="/personal/ny-deltagare">"Registrera deltagare"</a>
                </p>
                <form method="get" action="/personal" class="filters" role="search" aria-label="Filtrera deltagare">
                    <div>
                        <label for="sok">"Sök deltagarkod"</label>
                        <input id="sok" name="sok" type="search" value=search.get_untracked().unwrap_or_default() />
                    </div>
                    <div>
                        <label for="status">"Status"</label>
                        <select id="status" name="status">{pick(&status_choices, status.get_untracked())}</select>
                    </div>
                    <div>
                        <label for="insats">"Insats"</label>
                        <select id="insats" name="insats">
                            <option value="">"Alla insatser"</option>
                            {options(&c.programmes, programme.get_untracked().as_deref())}
                        </select>
                    </div>
                    <div>
                        <label for="sortera">"Sortera"</label>
                        <select id="sortera" name="sortera">{pick(&sort_choices, sort.get_untracked())}</select>
                    </div>
                    <div>
                        <label for="visa">"Visa"</label>
                        <select id="visa" name="visa">{pick(&scope_choices, scope.get_untracked())}</select>
                    </div>
                    <button type="submit" class="button">"Visa"</button>
                </form>
                <p role="status">{summary}</p>
                <div class="table-scroll" tabindex="0" role="region" aria-label="Deltagarlista">
                    <table class="caseload">
                        <caption class="visually-hidden">"Deltagare med status"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Kod"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Nästa tillfälle"</th>
                                <th scope="col">"Datum"</th>
                                <th scope="col">"Missade"</th>
                                <th scope="col">"Senaste svar"</th>
                                <th scope="col">"Insats"</th>
                                <th scope="col">"Handläggare"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {c.rows.into_iter().map(|r| view! {
                                <tr>
                                    <th scope="row"><a href=participant_path(&r.id)>{r.code}</a></th>
                                    <td><span class=format!("status status-{}", r.status)>{r.status_label}</span></td>
                                    <td>{r.next_occasion}</td>
                                    <td>{r.next_date.unwrap_or_else(|| "–".into())}</td>
                                    <td>{r.missed}</td>
                                    <td>{r.last_check_in.unwrap_or_else(|| "–".into())}</td>
                                    <td>{r.programme}</td>
                                    <td>{r.case_manager}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {pager}
            }
        })}
    }
}

/// The page numbers a pager links to: the first, the last, and two on each
/// side of the current one; `None` where numbers are left out.
fn page_numbers(current: usize, pages: usize) -> Vec<Option<usize>> {
    let mut shown = Vec::new();
    for n in 1..=pages {
        if n == 1 || n == pages || n.abs_diff(current) <= 2 {
            shown.push(Some(n));
        } else if shown.last() != Some(&None) {
            shown.push(None);
        }
    }
    shown
}

/// A value for a query string: letters, digits and `-_.~` as they are,
/// everything else percent-encoded (UTF-8).
fn urlencoding_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{page_numbers, urlencoding_component};

    #[test]
    fn a_pager_shows_the_ends_and_the_pages_around_the_current_one() {
        assert_eq!(page_numbers(1, 1), vec![Some(1)]);
        assert_eq!(
            page_numbers(1, 10),
            vec![Some(1), Some(2), Some(3), None, Some(10)]
        );
        assert_eq!(
            page_numbers(6, 10),
            vec![
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(10)
            ]
        );
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(urlencoding_component("AB-12"), "AB-12");
        assert_eq!(urlencoding_component("a b&c=ö"), "a%20b%26c%3D%C3%B6");
    }
}

/// Registering a participant, with consent, anonymous mode and protected identity.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = ServerAction::<RegisterParticipant>::new();
    let choices = Resource::new(|| (), |_| load_registration_options());
    view! {
        <Title text="Registrera deltagare" />
        <h1>"Registrera deltagare"</h1>
        {loaded(choices, move |o| view! {
            <ActionForm action=register attr:class="stacked-form">
                <fieldset>
                    <legend>"Samtycke"</legend>
                    <blockquote class="consent-text">{o.consent_text.clone()}</blockquote>
                    <label class="check">
                        <input type="checkbox" name="consent" value="ja" />
                        " Deltagaren samtycker"
                    </label>
                    <p class="hint">"Utan samtycke registreras deltagaren anonymt: bara kön och startår sparas."</p>
                </fieldset>
                <label for="gender">"Kön"</label>
                <select id="gender" name="gender" required>
                    <option value="">"Välj"</option>
                    {options(&o.genders, None)}
                </select>
                <label for="start_date">"Startdatum"</label>
                <input id="start_date" name="start_date" type="date" value=o.today.clone() required />
                <label for="programme">"Insats"</label>
                <select id="programme" name="programme">
                    <option value="">"Ingen insats vald"</option>
                    {options(&o.programmes, None)}
                </select>
                <fieldset>
                    <legend>"Uppgifter som bara sparas med samtycke"</legend>
                    <label for="birth_year">"Födelseår"</label>
                    <input id="birth_year" name="birth_year" type="text" inputmode="numeric" maxlength="4" />
                    <label for="municipality">"Kommun"</label>
                    <input id="municipality" name="municipality" type="text" maxlength="60" />
                    <label for="referral">"Remitterad från"</label>
                    <select id="referral" name="referral">
                        <option value="">"Välj"</option>
                        {options(&o.referrals, None)}
                    </select>
                    <label class="check">
                        <input type="checkbox" name="protected_identity" value="ja" />
                        " Skyddad identitet (inget personnummer sparas)"
                    </label>
                    <label for="personnummer">"Personnummer (frivilligt)"</label>
                    <p class="hint" id="personnummer-hint">"ÅÅÅÅMMDD-NNNN. Visas bara för deltagarens handläggare."</p>
                    <input
                        id="personnummer"
                        name="personnummer"
                        type="text"
                        autocomplete="off"
                        maxlength="13"
                        aria-describedby="personnummer-hint"
                    />
                </fieldset>
                {action_error(register)}
                <button type="submit" class="button button-primary">"Registrera"</button>
            </ActionForm>
        })}
    }
}

/// A participant's page: facts, check-ins, phone access, exit.
#[component]
pub fn ParticipantPage() -> impl IntoView {
    let id = param("id");
    let exit = ServerAction::<RecordExit>::new();
    let issue = ServerAction::<IssueAccessCode>::new();
    let revoke = ServerAction::<RevokeAccess>::new();
    let assist = ServerAction::<StartAssistedCheckIn>::new();
    // Made here, before the page waits for its data (see `AdminPage`).
    let lifecycle = super::LifecycleData::new(id);
    // Recording the exit and blocking access redirect back to this page,
    // which the router does not load again: ask again when they are done.
    let overview = Resource::new(
        move || (id.get(), exit.version().get(), revoke.version().get()),
        |(id, _, _)| load_participant_overview(id),
    );
    loaded(overview, move |p| {
        let id = p.id.clone();
        let occasion_rows = p
            .occasions
            .iter()
            .map(|o| {
                let link = o.submission_id.clone().map(|s| {
                    let href = format!("{}/svar/{s}", participant_path(&id));
                    let label = format!("Visa svar: {}", o.name);
                    let assisted = o
                        .assisted_by
                        .clone()
                        .map(|a| format!(" (tillsammans med {a})"));
                    view! { <a href=href aria-label=label>"Visa svar"</a>{assisted} }
                });
                view! {
                    <tr>
                        <th scope="row">{o.name.clone()}</th>
                        <td>{o.answered_at.clone().unwrap_or_else(|| o.due.clone())}</td>
                        <td>{o.state.clone()}</td>
                        <td>{link}</td>
                    </tr>
                }
            })
            .collect_view();
        let assist_form = p.open_now.then({ let id = id.clone(); move || view! {
                    <ActionForm action=assist>
                        <input type="hidden" name="id" value=id.clone() />
                        <button type="submit" class="button button-primary">"Starta incheckning tillsammans"</button>
                    </ActionForm>
                }});
        let exit_section = (!p.exited).then({ let id = id.clone(); move || view! {
                <section aria-labelledby="exit-heading">
                    <h2 id="exit-heading">"Avsluta"</h2>
                    <p>"Slutdatumet öppnar incheckningen vid avslut."</p>
                    <ActionForm action=exit attr:class="stacked-form">
                        <input type="hidden" name="id" value=id.clone() />
                        <label for="exit_date">"Slutdatum"</label>
                        <input id="exit_date" name="exit_date" type="date" value=p.today.clone() required />
                        <label for="outcome">"Går vidare till"</label>
                        <select id="outcome" name="outcome" required>
                            <option value="">"Välj"</option>
                            {options(&p.exit_outcomes, None)}
                        </select>
                        {action_error(exit)}
                        <button type="submit" class="button">"Registrera avslut"</button>
                    </ActionForm>
                </section>
            }});
        // The server keeps only a hash of the code: a sheet cannot be
        // printed again later, only replaced by a new code.
        let sheet_note = p.code_expires.is_some().then(|| {
            view! {
                <p>"Koden syns bara på lappen när den skapas. Har lappen kommit bort? Skapa en ny kod. Den gamla slutar då att gälla."</p>
            }
        });
        let id_issue = id.clone();
        let id_revoke = id;
        view! {
            <Title text=format!("Deltagare {}", p.code) />
            <h1>{format!("Deltagare {}", p.code)}</h1>
            <dl class="facts">
                {p.facts.iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}
                {p.personnummer.clone().map(|pnr| view! { <dt>"Personnummer"</dt><dd>{pnr}</dd> })}
            </dl>
            <p>
                <a class="button button-primary" href=crate::progress::meeting_path(&p.id)>"Öppna mötesvyn"</a>
            </p>
            {(!p.stuck.is_empty()).then(|| view! {
                <section class="notice" aria-labelledby="stuck-heading">
                    <h2 id="stuck-heading">"Svar som fastnat i telefonen"</h2>
                    <ul>
                        {p.stuck.iter().map(|s| view! {
                            <li>{format!(
                                "Telefonen kunde inte skicka incheckningen {} ({}, {} försök): {}",
                                s.code, s.last_tried, s.attempts, s.reason,
                            )}</li>
                        }).collect_view()}
                    </ul>
                    <p>"Svaren finns kvar i deltagarens telefon. Be deltagaren visa sidan med koden."</p>
                </section>
            })}
            <section aria-labelledby="occasions-heading">
                <h2 id="occasions-heading">"Incheckningar"</h2>
                <div class="table-scroll" tabindex="0" role="region" aria-label="Tabell över incheckningar">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">"Tillfälle"</th>
                                <th scope="col">"Datum"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Svar"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {occasion_rows}
                        </tbody>
                    </table>
                </div>
                {assist_form}
            </section>
            <section aria-labelledby="access-heading">
                <h2 id="access-heading">"Svara i mobilen"</h2>
                <p>{match &p.code_expires {
                    Some(d) => format!("Det finns en giltig kod till {d}."),
                    None => "Det finns ingen giltig kod.".to_owned(),
                }}</p>
                <p>{format!("Kopplade telefoner: {}", p.connected_phones)}</p>
                {sheet_note}
                <ActionForm action=issue>
                    <input type="hidden" name="id" value=id_issue />
                    <button type="submit" class="button">"Skapa ny kod"</button>
                </ActionForm>
                <ActionForm action=revoke>
                    <input type="hidden" name="id" value=id_revoke />
                    <button type="submit" class="button">"Spärra koder och telefoner"</button>
                </ActionForm>
                {action_error(issue)}
                {action_error(revoke)}
                {action_error(assist)}
            </section>
            {exit_section}
            <super::ParticipantLifecycleSection data=lifecycle />
        }
    })
}

/// One check-in's answers. Opening this page is written to the audit log.
#[component]
pub fn AnswersPage() -> impl IntoView {
    let id = param("id");
    let submission = param("submission");
    let answers = Resource::new(
        move || (id.get(), submission.get()),
        |(id, submission)| load_check_in_answers(id, submission),
    );
    loaded(answers, |a| {
        view! {
            <Title text=format!("Svar {} – {}", a.participant_code, a.occasion) />
            <h1>{format!("{}: {}", a.participant_code, a.occasion)}</h1>
            <p>{format!("Skickade {}", a.submitted_at)}
                {a.assisted_by.map(|s| format!(", tillsammans med {s}"))}
            </p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Svar">
                <table>
                    <thead>
                        <tr><th scope="col">"Fråga"</th><th scope="col">"Svar"</th></tr>
                    </thead>
                    <tbody>
                        {a.rows.into_iter().map(|r| view! {
                            <tr><th scope="row">{r.question}</th><td>{r.answer}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p><a href=participant_path(&a.participant_id)>"Tillbaka till deltagaren"</a></p>
        }
    })
}

/// "Så svarar du i mobilen": the easy-read sheet with code and QR code, for
/// printing in the participant's language (`?sprak=fa`; Swedish without it).
/// The sheet's words are the `sheet_*` messages of the language files.
#[component]
pub fn SheetPage() -> impl IntoView {
    use crate::texts::Lang;
    let id = param("id");
    let query = leptos_router::hooks::use_query_map();
    let sheet = Resource::new(
        move || (id.get(), query.read().get("sprak")),
        |(id, lang)| load_access_sheet(id, lang),
    );
    loaded(sheet, move |s| {
        let w = s.words;
        let path = crate::staff::sheet_path(&s.participant_id);
        let current_code = w.lang.clone();
        view! {
            <Title text=w.heading.clone() />
            <nav class="no-print sheet-languages" aria-label="Lappens språk">
                <p>"Skriv ut lappen på deltagarens språk:"</p>
                <ul class="plain-list">
                    {Lang::all()
                        .map(|other| {
                            let href = format!("{path}?sprak={}", other.code());
                            let current = (other.code() == current_code).then_some("page");
                            view! {
                                <li>
                                    // A whole page load: the sheet is drawn once per language.
                                    <a href=href rel="external" aria-current=current lang=other.code() dir=other.dir()>
                                        {other.native_name()}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <article class="access-sheet" lang=w.lang dir=w.dir>
                <h1>{w.heading}</h1>
                <ol class="sheet-steps">
                    {w.steps.into_iter().map(|step| view! { <li>{step}</li> }).collect_view()}
                </ol>
                <div class="sheet-qr" role="img" aria-label=w.qr_label inner_html=s.qr_svg></div>
                <p>{w.or_type}</p>
                <p class="sheet-link" dir="ltr">{s.link}</p>
                <p>{w.your_code}</p>
                <p class="sheet-code" dir="ltr">{s.code}</p>
                <p>{w.then_pin}</p>
                <p>{w.valid_until}</p>
            </article>
            <p class="no-print">
                <button type="button" class="button button-primary" on:click=move |_| print_page()>"Skriv ut"</button>
                " "
                <a href=participant_path(&s.participant_id)>"Tillbaka till deltagaren"</a>
            </p>
        }
    })
}

/// Opens the browser's print dialog: a handler of the WASM bundle, since the
/// Content-Security-Policy runs no inline `onclick` attribute.
fn print_page() {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().print();
    }
}
