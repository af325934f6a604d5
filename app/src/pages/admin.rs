//! The administrator's pages (staff accounts, programmes, the audit log) and
//! the evaluator's overview.

use super::common::{action_error, loaded};
use crate::admin::{
    audit_entries, language_reviews, load_organisation_settings, programme_list, staff_accounts,
    ConfirmLanguage, CreateProgramme, CreateStaffAccount, SaveOrganisationSettings,
};
use crate::auth::MIN_PASSWORD_CHARS;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Staff accounts and programmes of the organisation. Only an admin may see
/// them: that is checked once, first, so anyone else gets one error notice
/// (with its status) rather than every form and an error in each section.
///
/// Every list and form action of the page is made here, before anything
/// waits ([`AdminData`]), not in the parts drawn once the check is done: a
/// resource made inside a waiting part can be made twice on the server (once
/// in a pass that is thrown away, where it finds no context) and its
/// numbering then no longer matches the browser's, so the page would not
/// hydrate.
#[component]
pub fn AdminPage() -> impl IntoView {
    let access = Resource::new(|| (), |_| staff_accounts());
    let data = AdminData::new();
    loaded(access, move |_| view! { <AdminForms data /> })
}

/// The administration page's lists and the actions that change them. Each
/// form redirects back to this page, which the router does not load again:
/// the lists are asked again when their form is done.
#[derive(Clone, Copy)]
struct AdminData {
    create_staff: ServerAction<CreateStaffAccount>,
    create_programme: ServerAction<CreateProgramme>,
    save_settings: ServerAction<SaveOrganisationSettings>,
    confirm_language: ServerAction<ConfirmLanguage>,
    staff: Resource<Result<Vec<crate::admin::StaffAccount>, crate::error::AppError>>,
    programmes: Resource<Result<Vec<crate::admin::ProgrammeView>, crate::error::AppError>>,
    settings: Resource<Result<crate::admin::OrganisationSettings, crate::error::AppError>>,
    reviews: Resource<Result<Vec<crate::admin::LanguageReviewView>, crate::error::AppError>>,
}

impl AdminData {
    fn new() -> Self {
        let create_staff = ServerAction::<CreateStaffAccount>::new();
        let create_programme = ServerAction::<CreateProgramme>::new();
        let save_settings = ServerAction::<SaveOrganisationSettings>::new();
        let confirm_language = ServerAction::<ConfirmLanguage>::new();
        Self {
            create_staff,
            create_programme,
            save_settings,
            confirm_language,
            staff: Resource::new(move || create_staff.version().get(), |_| staff_accounts()),
            programmes: Resource::new(
                move || create_programme.version().get(),
                |_| programme_list(),
            ),
            settings: Resource::new(
                move || save_settings.version().get(),
                |_| load_organisation_settings(),
            ),
            reviews: Resource::new(
                move || confirm_language.version().get(),
                |_| language_reviews(),
            ),
        }
    }
}

/// The languages participants can choose, from the language files, and which
/// translations still wait for a native speaker's review (docs/languages.md).
/// An association confirms a review here, for itself.
#[component]
fn ParticipantLanguages(data: AdminData) -> impl IntoView {
    use crate::texts::Lang;
    let confirm = data.confirm_language;
    let reviews = data.reviews;
    view! {
        <section aria-labelledby="languages-heading">
            <h2 id="languages-heading">"Språk för deltagare"</h2>
            <p>
                "Deltagarens sidor och meddelanden finns på de här språken. En preliminär "
                "översättning bör granskas av någon som har språket som modersmål innan ni "
                "förlitar er på den. När ni har låtit granska den bekräftar ni det här."
            </p>
            {action_error(confirm)}
            {loaded(reviews, move |reviews| view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label="Tabell över språk för deltagare">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">"Språk"</th>
                                <th scope="col">"Kod"</th>
                                <th scope="col">"Skrivriktning"</th>
                                <th scope="col">"Översättning"</th>
                                <th scope="col">"Granskad hos er"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {Lang::all()
                                .map(|lang| {
                                    let status = if lang == Lang::SV {
                                        "Originaltext (lättläst svenska)"
                                    } else if lang.preliminary() {
                                        "Preliminär: låt en modersmålstalare granska"
                                    } else {
                                        "Granskad"
                                    };
                                    let confirmed = reviews
                                        .iter()
                                        .find(|r| r.code == lang.code())
                                        .map(|r| r.confirmed.clone());
                                    let ours = match (lang.preliminary(), confirmed) {
                                        (false, _) => view! { "Behövs inte" }.into_any(),
                                        (true, Some(when)) => view! { {format!("Ja, {when}")} }.into_any(),
                                        (true, None) => view! {
                                            <ActionForm action=confirm attr:class="inline-form">
                                                <input type="hidden" name="lang" value=lang.code() />
                                                <button type="submit" class="button button-small">
                                                    {format!("Bekräfta granskning av {}", lang.code())}
                                                </button>
                                            </ActionForm>
                                        }
                                        .into_any(),
                                    };
                                    view! {
                                        <tr>
                                            <th scope="row">
                                                <span lang=lang.code() dir=lang.dir()>{lang.native_name()}</span>
                                            </th>
                                            <td>{lang.code()}</td>
                                            <td>{if lang.dir() == "rtl" { "Höger till vänster" } else { "Vänster till höger" }}</td>
                                            <td>{status}</td>
                                            <td>{ours}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

/// The administration page, once the viewer is known to be an admin.
#[component]
fn AdminForms(data: AdminData) -> impl IntoView {
    let AdminData {
        create_staff,
        create_programme,
        save_settings,
        staff,
        programmes,
        settings,
        ..
    } = data;
    let query = use_query_map();
    let saved = move || match query.read().get("sparat").as_deref() {
        Some("konto") => Some("Kontot är skapat."),
        Some("insats") => Some("Insatsen är skapad."),
        Some("installningar") => Some("Inställningarna är sparade."),
        _ => None,
    };
    view! {
        <Title text="Administration" />
        <h1>"Administration"</h1>
        {move || saved().map(|s| view! { <p class="notice" role="status">{s}</p> })}
        <section aria-labelledby="staff-heading">
            <h2 id="staff-heading">"Personal"</h2>
            {loaded(staff, |rows| view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label="Tabell över personal">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">"Namn"</th>
                                <th scope="col">"E-post"</th>
                                <th scope="col">"Roller"</th>
                                <th scope="col">"Tvåsteg"</th>
                                <th scope="col">"Status"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|s| view! {
                                <tr>
                                    <th scope="row">
                                        <a href=format!("/admin/personal/{}", s.id)>{s.name}</a>
                                    </th>
                                    <td>{s.email}</td>
                                    <td>{s.roles}</td>
                                    <td>{if s.two_factor { "Ja" } else { "Nej" }}</td>
                                    <td>{if s.disabled { "Avstängt" } else { "Aktivt" }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            <h3>"Nytt konto"</h3>
            <ActionForm action=create_staff attr:class="stacked-form">
                <label for="staff-name">"Namn"</label>
                <input id="staff-name" name="name" type="text" autocomplete="off" required />
                <label for="staff-email">"E-postadress"</label>
                <input id="staff-email" name="email" type="email" autocomplete="off" required />
                <label for="staff-password">"Första lösenord"</label>
                <p class="hint" id="staff-password-hint">
                    {format!("Minst {MIN_PASSWORD_CHARS} tecken. Personen byter det under Mitt konto.")}
                </p>
                <input
                    id="staff-password"
                    name="password"
                    type="password"
                    autocomplete="new-password"
                    aria-describedby="staff-password-hint"
                    required
                />
                <fieldset>
                    <legend>"Roller"</legend>
                    <label class="check"><input type="checkbox" name="case_manager" value="ja" />" Handläggare"</label>
                    <label class="check"><input type="checkbox" name="evaluator" value="ja" />" Utvärderare"</label>
                    <label class="check"><input type="checkbox" name="admin" value="ja" />" Administratör"</label>
                </fieldset>
                {action_error(create_staff)}
                <button type="submit" class="button button-primary">"Skapa konto"</button>
            </ActionForm>
        </section>
        <section aria-labelledby="programmes-heading">
            <h2 id="programmes-heading">"Insatser"</h2>
            {loaded(programmes, |rows| view! {
                <ul class="plain-list">
                    {rows.into_iter().map(|p| view! {
                        <li>{format!("{}: {} ({} deltagare)", p.name, p.window, p.participants)}</li>
                    }).collect_view()}
                </ul>
            })}
            <h3>"Ny insats"</h3>
            <ActionForm action=create_programme attr:class="stacked-form">
                <label for="programme-name">"Namn"</label>
                <input id="programme-name" name="name" type="text" required />
                <label for="before-days">"Dagar före ett tillfälle som det går att svara"</label>
                <input id="before-days" name="before_days" type="number" min="0" max="90" value="14" required />
                <label for="after-days">"Dagar efter ett tillfälle som det går att svara"</label>
                <input id="after-days" name="after_days" type="number" min="0" max="90" value="28" required />
                {action_error(create_programme)}
                <button type="submit" class="button">"Skapa insats"</button>
            </ActionForm>
        </section>
        <section aria-labelledby="settings-heading">
            <h2 id="settings-heading">"Inställningar och formulär"</h2>
            {loaded(settings, move |o| view! {
                <p>{o.name.clone()}</p>
                <ActionForm action=save_settings attr:class="stacked-form">
                    <label for="code-days">"Hur många dagar en kod till mobilen gäller"</label>
                    <input id="code-days" name="code_lifetime_days" type="number" min="1" max="365" value=o.code_lifetime_days.to_string() required />
                    <label for="small-cell">"Minsta grupp som visas i statistik"</label>
                    <input id="small-cell" name="small_cell_k" type="number" min="2" max="100" value=o.small_cell_k.to_string() required />
                    {action_error(save_settings)}
                    <button type="submit" class="button">"Spara inställningar"</button>
                </ActionForm>
                <h3>"Formulär"</h3>
                <p>{format!("Nya incheckningar använder {}.", o.current_instrument)}</p>
                <ul class="plain-list">
                    {o.instrument_versions.into_iter().map(|(v, at)| view! {
                        <li>{format!("{v} (inläst {at})")}</li>
                    }).collect_view()}
                </ul>
                <p>
                    "Ladda upp, förhandsgranska och aktivera formulär per insats under "
                    <a href="/admin/formular" rel="external">"Formulär"</a>
                    ". Gamla svar behåller sin formulärversion."
                </p>
            })}
        </section>
        <ParticipantLanguages data />
    }
}

/// The organisation's audit log, newest first.
#[component]
pub fn AuditPage() -> impl IntoView {
    let entries = Resource::new(|| (), |_| audit_entries());
    view! {
        <Title text="Logg" />
        <h1>"Logg"</h1>
        <p>"Vem som har öppnat eller ändrat vad om en deltagare, och när."</p>
        // rel="external": a file from the server, not a page of the app.
        <p><a rel="external" href="/admin/logg.csv">"Ladda ner hela loggen (CSV) för dataskyddsombudet"</a></p>
        {loaded(entries, |rows| view! {
            <div class="table-scroll" tabindex="0" role="region" aria-label="Logg">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Tid"</th>
                            <th scope="col">"Vem"</th>
                            <th scope="col">"Vad"</th>
                            <th scope="col">"Deltagare"</th>
                            <th scope="col">"Detalj"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|a| view! {
                            <tr>
                                <td>{a.at}</td>
                                <td>{a.who}</td>
                                <td>{a.action}</td>
                                <td>{a.participant}</td>
                                <td>{a.detail}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
    }
}
