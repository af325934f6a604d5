//! The evaluator's dashboard: filters as a plain GET form, every figure as a
//! table with the number of people behind it (small groups hidden), the NDI
//! by gender as a chart, and links to the exports of the same selection.

use super::common::loaded;
use crate::evaluator::{load_statistics, FigureTable, StatsQuery};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// A table of figures, its rows headed by the group.
#[component]
fn Figures(table: FigureTable) -> impl IntoView {
    view! { <super::progress::Table table corner="Grupp" /> }
}

fn select(
    id: &'static str,
    label: &'static str,
    all: &'static str,
    choices: Vec<(String, String)>,
    current: Option<String>,
) -> impl IntoView {
    view! {
        <div>
            <label for=id>{label}</label>
            <select id=id name=id>
                <option value="">{all}</option>
                {choices.into_iter().map(|(value, text)| {
                    let selected = current.as_deref() == Some(value.as_str());
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// `/utvardering`.
#[component]
pub fn StatisticsPage() -> impl IntoView {
    let query = use_query_map();
    let stats_query = Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
        StatsQuery {
            insats: get("insats"),
            grund: get("grund"),
            fran: get("fran"),
            till: get("till"),
            alder: get("alder"),
            remiss: get("remiss"),
            kommun: get("kommun"),
        }
    });
    let stats = Resource::new(
        move || stats_query.get(),
        |q| {
            load_statistics(
                q.insats, q.grund, q.fran, q.till, q.alder, q.remiss, q.kommun,
            )
        },
    );
    view! {
        <Title text="Utvärdering" />
        <h1>"Utvärdering"</h1>
        {loaded(stats, move |d| {
            let q = stats_query.get_untracked();
            let export = |report: &str, format: &str| {
                let mut href = format!("/utvardering/export/{report}.{format}");
                if !d.query.is_empty() {
                    href.push('?');
                    href.push_str(&d.query);
                }
                href
            };
            let basis_svar = q.grund.as_deref() == Some("svar");
            view! {
                <p>{format!("{}. Grupper med färre än {} personer visas inte.", d.organisation, d.k)}</p>
                <form method="get" action="/utvardering" class="filters" role="search" aria-label="Filtrera statistiken">
                    {select("insats", "Insats", "Alla insatser", d.programmes.iter().map(|c| (c.value.clone(), c.label.clone())).collect(), q.insats.clone())}
                    <div>
                        <label for="grund">"Period efter"</label>
                        <select id="grund" name="grund">
                            <option value="intag" selected=!basis_svar>"Startdatum"</option>
                            <option value="svar" selected=basis_svar>"Svarsdatum"</option>
                        </select>
                    </div>
                    <div>
                        <label for="fran">"Från"</label>
                        <input id="fran" name="fran" type="date" value=q.fran.clone().unwrap_or_default() />
                    </div>
                    <div>
                        <label for="till">"Till"</label>
                        <input id="till" name="till" type="date" value=q.till.clone().unwrap_or_default() />
                    </div>
                    {select("alder", "Ålder", "Alla åldrar", d.age_bands.iter().map(|b| (b.clone(), b.clone())).collect(), q.alder.clone())}
                    {select("remiss", "Remitterad från", "Alla", d.referrals.iter().map(|c| (c.value.clone(), c.label.clone())).collect(), q.remiss.clone())}
                    {select("kommun", "Kommun", "Alla kommuner", d.municipalities.iter().map(|m| (m.clone(), m.clone())).collect(), q.kommun.clone())}
                    <button type="submit" class="button">"Visa"</button>
                </form>
                <p role="status">{format!("Urval: {}.", d.filter_summary)}</p>
                {d.period_rule.clone().map(|r| view! { <p class="hint">{r}</p> })}
                <section aria-labelledby="ndi-heading">
                    <h2 id="ndi-heading">"Nöjd deltagarindex"</h2>
                    <p class="hint">{format!("Viktning: {}. {}", d.weighting, d.selection_rule)}</p>
                    <div class="chart-svg" inner_html=d.ndi_chart.clone()></div>
                    <Figures table=d.ndi.clone() />
                </section>
                <section aria-labelledby="targets-heading">
                    <h2 id="targets-heading">"Stegförflyttning: målen"</h2>
                    <p class="hint">{d.distance_rule.clone()}</p>
                    {d.targets.iter().cloned().zip(d.target_charts.iter().cloned()).map(|(t, svg)| view! {
                        <div class="chart-svg" inner_html=svg></div>
                        <Figures table=t />
                    }).collect_view()}
                    <details>
                        <summary>"Alla områden"</summary>
                        {d.distance.iter().cloned().map(|t| view! { <Figures table=t /> }).collect_view()}
                    </details>
                </section>
                <section aria-labelledby="outcomes-heading">
                    <h2 id="outcomes-heading">"Avslut"</h2>
                    <Figures table=d.outcomes.clone() />
                </section>
                <section aria-labelledby="versions-heading">
                    <h2 id="versions-heading">"Formulärversioner bakom siffrorna"</h2>
                    <p class="hint">
                        "Siffrorna räknas över alla formulär som föreningens insatser använder. "
                        "Frågor räknas ihop mellan versioner och insatser när de har samma id. "
                        "Exporterna räknar också hur många incheckningar varje version har. "
                        "Vad som ändrats mellan versionerna står under "
                        <a href="/admin/formular" rel="external">"Formulär"</a>
                        "."
                    </p>
                    <dl>
                        {d.instrument_versions.iter().cloned().map(|(name, value)| view! {
                            <dt>{name}</dt>
                            <dd>{value}</dd>
                        }).collect_view()}
                    </dl>
                </section>
                <section aria-labelledby="export-heading">
                    <h2 id="export-heading">"Exportera"</h2>
                    <p class="hint">{d.intervals.clone()}</p>
                    // rel="external": the files come from the server, so the router
                    // must let the browser follow these links (and download)
                    // instead of looking for a page of that name.
                    <ul class="plain-list">
                        <li><a rel="external" href=export("sammanstallning", "xlsx")>"Sammanställning (Excel, XLSX)"</a></li>
                        <li><a rel="external" href=export("ndi", "csv")>"Nöjd deltagarindex (CSV)"</a></li>
                        <li><a rel="external" href=export("stegforflyttning", "csv")>"Stegförflyttning (CSV)"</a></li>
                        <li><a rel="external" href=export("avslut", "csv")>"Avslut (CSV)"</a></li>
                        <li><a rel="external" href=export("svar", "csv")>"Svar per fråga, pseudonymiserade (CSV)"</a></li>
                        <li><a rel="external" href=export("svar", "xlsx")>"Svar per fråga, pseudonymiserade (XLSX)"</a></li>
                        <li><a rel="external" href=export("kodbok", "sps")>"Kodbok för SPSS"</a></li>
                        <li><a rel="external" href=export("kodbok", "R")>"Kodbok för R"</a></li>
                        <li><a rel="external" href=export("fhir", "json")>"FHIR QuestionnaireResponse (JSON)"</a></li>
                    </ul>
                    <p class="hint">"CSV-filerna har semikolon som avgränsare, som svenska Excel vill ha. Lägg till sep=komma i adressen för kommatecken."</p>
                </section>
            }
        })}
    }
}
