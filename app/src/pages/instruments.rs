//! The instrument pages: versions with their history, upload, activation per
//! programme and retirement (`/admin/formular`), and the preview of a
//! version as a participant sees it, per occasion and language, in a
//! phone-wide frame (`/admin/formular/forhandsgranska`). Both are rendered on
//! the server only (see `crate::is_server_only_staff_path`): their code is not
//! in the staff pages' WASM, and their forms are plain form posts.

use super::common::{action_error, loaded};
use crate::error::AppError;
use crate::instruments::{
    instrument_preview, instruments_overview, ActivateInstrument, InstrumentHistory, PreviewView,
    RetireInstrument, UploadInstrument, VersionView,
};
use crate::texts::Lang;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The occasions a preview can show, as (value, Swedish label).
const OCCASIONS: [(&str, &str); 3] = [
    ("intake", "Inskrivning"),
    ("follow-up", "Uppföljning"),
    ("exit", "Utskrivning"),
];

/// `/admin/formular`.
#[component]
pub fn InstrumentsPage() -> impl IntoView {
    let upload = ServerAction::<UploadInstrument>::new();
    let activate = ServerAction::<ActivateInstrument>::new();
    let retire = ServerAction::<RetireInstrument>::new();
    // Rendered on the server only: every form is a plain post that comes
    // back here, saying what it did in the address.
    let overview = Resource::new(|| (), |_| instruments_overview());
    let query = use_query_map();
    let notice = move || {
        let q = query.read();
        if let Some(version) = q.get("uppladdad") {
            return Some(format!(
                "Formuläret {version} är uppladdat. Förhandsgranska det och aktivera det för en insats."
            ));
        }
        match q.get("sparat").as_deref() {
            Some("aktiverat") => Some("Formuläret är aktiverat för insatsen.".to_owned()),
            Some("tillbakadraget") => Some("Formulärversionen är tillbakadragen.".to_owned()),
            _ => None,
        }
    };
    view! {
        <Title text="Formulär" />
        <h1>"Formulär"</h1>
        <p>
            "Här finns formulären som deltagarna svarar på. Varje insats använder sitt aktiva "
            "formulär för nya incheckningar; svar som redan är lämnade behåller sin version."
        </p>
        {move || notice().map(|n| view! { <p class="notice" role="status">{n}</p> })}
        {loaded(overview, move |o: InstrumentHistory| {
            let can_manage = o.can_manage;
            view! {
                {can_manage.then(|| view! { <UploadForm upload /> })}
                {can_manage.then(|| view! { <ActivateForm activate overview=o.clone() /> })}
                <ProgrammeList overview=o.clone() />
                <VersionHistory versions=o.versions.clone() can_manage retire />
            }
        })}
    }
}

/// The upload form; the refused file's problems as a list.
#[component]
fn UploadForm(upload: ServerAction<UploadInstrument>) -> impl IntoView {
    let error = crate::form_error::form_error(upload);
    view! {
        <section aria-labelledby="upload-heading">
            <h2 id="upload-heading">"Ladda upp ett formulär"</h2>
            <p>
                "Formuläret är en TOML-fil som beskrivs i docs/instruments.md. Filen kontrolleras "
                "fråga för fråga; inget sparas om något är fel. Ett uppladdat formulär används "
                "först när du aktiverar det för en insats."
            </p>
            <ActionForm action=upload attr:class="stacked-form">
                <label for="instrument-file">"Formulärfil"</label>
                <input id="instrument-file" type="file" accept=".toml,text/plain" />
                <label for="instrument-source">"Filens innehåll"</label>
                <p class="hint" id="instrument-source-hint">
                    "Fylls i när du väljer en fil. Du kan också klistra in texten."
                </p>
                <textarea
                    id="instrument-source"
                    name="source"
                    rows="8"
                    spellcheck="false"
                    aria-describedby="instrument-source-hint"
                ></textarea>
                <div aria-live="assertive" class="form-error-slot">
                    {move || error.get().map(|e| view! { <UploadProblems error=e /> })}
                </div>
                <button type="submit" class="button button-primary">"Ladda upp"</button>
            </ActionForm>
        </section>
    }
}

/// Why a file was refused: one line per problem, as docs/instruments.md words them.
#[component]
fn UploadProblems(error: AppError) -> impl IntoView {
    super::common::set_http_status(error.status());
    match error {
        AppError::InvalidFile(problems) => view! {
            <div class="notice notice-error" role="alert">
                <p>{format!("Filen kan inte användas. Rätta de här {} felen och ladda upp den igen:", problems.len())}</p>
                <ul>
                    {problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                </ul>
            </div>
        }
        .into_any(),
        other => view! {
            <p class="notice notice-error" role="alert">{other.to_string()}</p>
        }
        .into_any(),
    }
}

/// Choose a programme and a version for it.
#[component]
fn ActivateForm(
    activate: ServerAction<ActivateInstrument>,
    overview: InstrumentHistory,
) -> impl IntoView {
    let usable: Vec<VersionView> = overview
        .versions
        .iter()
        .filter(|v| v.retired.is_none())
        .cloned()
        .collect();
    view! {
        <section aria-labelledby="activate-heading">
            <h2 id="activate-heading">"Aktivera ett formulär för en insats"</h2>
            {if overview.programmes.is_empty() {
                view! { <p>"Det finns inga insatser ännu. Skapa en under Administration."</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=activate attr:class="stacked-form">
                        <label for="activate-programme">"Insats"</label>
                        <select id="activate-programme" name="programme">
                            {overview.programmes.iter().map(|p| view! {
                                <option value=p.id.clone()>{p.name.clone()}</option>
                            }).collect_view()}
                        </select>
                        <label for="activate-version">"Formulärversion"</label>
                        <select id="activate-version" name="version">
                            {usable.into_iter().map(|v| view! {
                                <option value=v.version.clone()>{format!("{} ({})", v.name, v.version)}</option>
                            }).collect_view()}
                        </select>
                        {action_error(activate)}
                        <button type="submit" class="button">"Aktivera"</button>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}

/// Each programme and the version its next check-ins use.
#[component]
fn ProgrammeList(overview: InstrumentHistory) -> impl IntoView {
    view! {
        <section aria-labelledby="programme-instruments-heading">
            <h2 id="programme-instruments-heading">"Insatsernas formulär"</h2>
            <ul class="plain-list">
                {overview.programmes.into_iter().map(|p| view! {
                    <li>{format!("{}: {}", p.name, p.version)}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Every version, newest first, with who did what and what changed.
#[component]
fn VersionHistory(
    versions: Vec<VersionView>,
    can_manage: bool,
    retire: ServerAction<RetireInstrument>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">"Versioner och ändringar"</h2>
            {action_error(retire)}
            {versions.into_iter().map(|v| {
                let heading_id = format!("version-{}", v.version.replace('@', "-"));
                let preview = format!(
                    "/admin/formular/forhandsgranska?version={}&tillfalle=intake&sprak=sv",
                    v.version.replace('@', "%40")
                );
                let status = if v.retired.is_some() {
                    "Tillbakadragen"
                } else if v.is_default {
                    "Standardformulär"
                } else {
                    "Kan användas"
                };
                let version = v.version.clone();
                let labelled_by = heading_id.clone();
                view! {
                    <article class="version" aria-labelledby=labelled_by>
                        <h3 id=heading_id>{format!("{} ({})", v.name, v.version)}</h3>
                        <dl>
                            <dt>"Status"</dt>
                            <dd>{status}</dd>
                            <dt>"Uppladdat"</dt>
                            <dd>{v.uploaded.clone()}</dd>
                            {v.retired.clone().map(|r| view! { <dt>"Tillbakadraget"</dt><dd>{r}</dd> })}
                            <dt>"Språk"</dt>
                            <dd>{v.languages.join(", ")}</dd>
                            <dt>"Frågor"</dt>
                            <dd>{v.items}</dd>
                            <dt>"Aktiverat"</dt>
                            <dd>
                                {if v.activations.is_empty() {
                                    view! { "Inte aktiverat för någon insats" }.into_any()
                                } else {
                                    view! {
                                        <ul class="plain-list">
                                            {v.activations.iter().map(|a| view! { <li>{a.clone()}</li> }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </dd>
                        </dl>
                        {(!v.changes.is_empty()).then(|| view! {
                            <h4>"Ändringar från versionen före"</h4>
                            <ul>
                                {v.changes.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}
                            </ul>
                        })}
                        <p><a href=preview>{format!("Förhandsgranska {}", v.version)}</a></p>
                        {(can_manage && !v.is_default && v.retired.is_none()).then(|| view! {
                            <ActionForm action=retire attr:class="inline-form">
                                <input type="hidden" name="version" value=version.clone() />
                                <button type="submit" class="button button-small">
                                    {format!("Dra tillbaka {version}")}
                                </button>
                            </ActionForm>
                        })}
                    </article>
                }
            }).collect_view()}
        </section>
    }
}

/// `/admin/formular/forhandsgranska?version=…&tillfalle=…&sprak=…`.
#[component]
pub fn InstrumentPreviewPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        (
            q.get("version").unwrap_or_default(),
            q.get("tillfalle").unwrap_or_else(|| "intake".into()),
            q.get("sprak").unwrap_or_else(|| "sv".into()),
        )
    };
    let preview = Resource::new(params, |(version, occasion, lang)| {
        instrument_preview(version, occasion, lang)
    });
    view! {
        <Title text="Förhandsgranska formulär" />
        <h1>"Förhandsgranska formulär"</h1>
        <p><a href="/admin/formular">"Tillbaka till formulären"</a></p>
        {move || {
            let (version, occasion, lang) = params();
            view! { <PreviewChoices version occasion lang /> }
        }}
        {loaded(preview, |p: PreviewView| view! { <PhoneFrame preview=p /> })}
    }
}

/// The occasion and language to show: a plain GET form.
#[component]
fn PreviewChoices(version: String, occasion: String, lang: String) -> impl IntoView {
    view! {
        <form method="get" action="/admin/formular/forhandsgranska" class="filter-form">
            <input type="hidden" name="version" value=version />
            <div>
                <label for="preview-occasion">"Tillfälle"</label>
                <select id="preview-occasion" name="tillfalle">
                    {OCCASIONS.iter().map(|(value, label)| view! {
                        <option value=*value selected={occasion == *value}>{*label}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="preview-lang">"Språk"</label>
                <select id="preview-lang" name="sprak">
                    {Lang::all().map(|l| view! {
                        <option value=l.code() selected={lang == l.code()}>
                            {format!("{} ({})", l.native_name(), l.code())}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button">"Visa"</button>
        </form>
    }
}

/// The questions as the participant's phone shows them, one after another.
#[component]
fn PhoneFrame(preview: PreviewView) -> impl IntoView {
    let count = preview.questions.len();
    view! {
        <p>
            {format!("{} ({}): {count} frågor.", preview.name, preview.version)}
            {preview.swedish_fallback.then_some(" Formuläret saknar det här språket, så deltagaren ser frågorna på svenska.")}
        </p>
        <section class="phone-frame" aria-label="Så ser deltagaren formuläret" lang=preview.lang.clone() dir=preview.dir.clone()>
            {preview.questions.into_iter().enumerate().map(|(i, q)| view! {
                <fieldset class="question" disabled=true>
                    <legend>
                        <span class="progress">{format!("{} / {count}", i + 1)}</span>
                        " "
                        <strong>{q.question}</strong>
                    </legend>
                    {q.help.map(|h| view! { <p class="help">{h}</p> })}
                    <div class="options">
                        {q.options.into_iter().map(|o| {
                            let declined = o.value == stegvis_domain::instrument::DECLINED;
                            view! {
                                <label class="option" class:option-declined=declined>
                                    <input type="radio" name=format!("preview-{i}") value=o.value />
                                    {o.picture.map(|p| view! {
                                        <img class="option-picture" src=format!("/pictures/{p}.svg") alt="" width="48" height="48" />
                                    })}
                                    <span class="option-label">{o.label}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            }).collect_view()}
        </section>
    }
}
