//! "Min resa" for the participant and the meeting view for the case manager.
//! Charts come from the server as SVG; each has its data as a table in a
//! `<details>` beside it, so nothing is only visible as a picture.

use super::common::{action_error, loaded};
use crate::prefs::Prefs;
use crate::progress::{
    load_meeting_view, load_my_journey, meeting_path, ChartView, DataTable, SaveStaffRating,
};
use crate::staff::participant_path;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A data table: a caption, column headers, and rows with a header cell;
/// `corner` heads the row-header column.
#[component]
pub fn Table(table: DataTable, #[prop(default = "")] corner: &'static str) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=table.caption.clone()>
            <table>
                <caption>{table.caption.clone()}</caption>
                <thead>
                    <tr>
                        {if corner.is_empty() {
                            view! { <td></td> }.into_any()
                        } else {
                            view! { <th scope="col">{corner}</th> }.into_any()
                        }}
                        {table.columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {table.rows.into_iter().map(|(head, cells)| view! {
                        <tr>
                            <th scope="row">{head}</th>
                            {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A chart with its table under a disclosure.
#[component]
fn Chart(
    chart: ChartView,
    toggle: &'static str,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    view! {
        <figure class=format!("chart-figure {class}")>
            <div class="chart-svg" inner_html=chart.svg></div>
            <details class="chart-data">
                <summary>{toggle}</summary>
                <Table table=chart.table />
            </details>
        </figure>
    }
    .into_any()
}

/// "Min resa": one big chart with a visible legend (the markers' shapes in
/// words), and one short sentence per indicator.
#[component]
pub fn JourneyPage() -> impl IntoView {
    let t = use_context::<Prefs>().unwrap_or_default().lang.texts();
    let journey = Resource::new(|| (), |_| load_my_journey());
    view! {
        <Title text=t.journey_heading.as_str() />
        <h1>{t.journey_heading.as_str()}</h1>
        {loaded(journey, move |j| match j.chart {
            None => view! { <p>{t.journey_nothing.as_str()}</p> }.into_any(),
            Some(chart) => view! {
                <p>{t.journey_intro.as_str()}</p>
                <p>{t.journey_outward.as_str()}</p>
                <figure class="chart-figure journey-chart">
                    <ul class="chart-legend">
                        {j.legend.into_iter().map(|e| view! {
                            <li><span class="legend-mark-box" inner_html=e.mark></span>{e.text}</li>
                        }).collect_view()}
                    </ul>
                    <div class="chart-svg" inner_html=chart.svg></div>
                    <details class="chart-data">
                        <summary>{t.journey_table.as_str()}</summary>
                        <Table table=chart.table />
                    </details>
                </figure>
                <ul class="journey-sentences">
                    {j.sentences.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                </ul>
            }
            .into_any(),
        })}
        <p>
            <a class="button" href="/">{t.answers_back.as_str()}</a>
        </p>
    }
}

/// The meeting view: charts, answers side by side, the case manager's ratings.
#[component]
pub fn MeetingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let previous = Memo::new(move |_| query.read().get("tidigare").as_deref() == Some("1"));
    let rate = ServerAction::<SaveStaffRating>::new();
    // A saved rating shows at once: the view reloads after each save.
    let view_data = Resource::new(
        move || (id.get(), previous.get(), rate.version().get()),
        |(id, previous, _)| load_meeting_view(id, previous),
    );
    loaded(view_data, move |m| {
        let toggle_previous = if m.show_previous {
            (meeting_path(&m.id), "Visa bara start och senaste")
        } else {
            (
                format!("{}?tidigare=1", meeting_path(&m.id)),
                "Visa även förra gången",
            )
        };
        let id = m.id.clone();
        let occasion = m.rating_occasion.clone();
        view! {
            <Title text=format!("Möte {}", m.code) />
            <header class="print-header">
                <h1>{format!("Möte: deltagare {}", m.code)}</h1>
                <p>{format!("Insats: {}. Utskrivet {}.", m.programme, m.today)}</p>
            </header>
            <p class="no-print">
                <a href=participant_path(&m.id)>"Tillbaka till deltagaren"</a>
                " · "
                <button type="button" class="button button-small" on:click=move |_| print_page()>"Skriv ut"</button>
            </p>
            <section class="meeting-summary" aria-labelledby="summary-heading">
                <h2 id="summary-heading">"Sammanfattning"</h2>
                {match m.star {
                    Some(star) => view! {
                        <p class="no-print"><a href=toggle_previous.0>{toggle_previous.1}</a></p>
                        <p>"Längre ut är bättre. Start: bruna ringar och streckad linje. Förra gången: grå trianglar och prickad linje. Senast: blå rutor och hel linje."</p>
                        <Chart chart=star toggle="Visa som tabell" class="star-chart" />
                    }.into_any(),
                    None => view! { <p>"Deltagaren har inte svarat än."</p> }.into_any(),
                }}
                <Table table=m.answers />
                {m.ndi.map(|ndi| view! {
                    <h3>"Nöjd deltagarindex"</h3>
                    <Chart chart=ndi toggle="Visa som tabell" class="ndi-chart" />
                })}
            </section>
            {occasion.map(|(key, name)| {
                let id = id.clone();
                view! {
                    <section id="bedomning" class="ratings no-print" aria-labelledby="ratings-heading">
                        <h2 id="ratings-heading">{format!("Din bedömning: {name}")}</h2>
                        <p>"Skriv in din egen bedömning bredvid deltagarens svar. Deltagarens svar ändras inte."</p>
                        {action_error(rate)}
                        <div class="table-scroll" tabindex="0" role="region" aria-label="Bedömningar">
                            <table>
                                <thead>
                                    <tr>
                                        <th scope="col">"Område"</th>
                                        <th scope="col">"Deltagaren"</th>
                                        <th scope="col">"Handläggaren"</th>
                                        <th scope="col">"Ny bedömning"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {m.ratings.into_iter().map(|r| {
                                        let (id, key) = (id.clone(), key.clone());
                                        let select_id = format!("betyg-{}", r.item_id);
                                        let label = format!("Din bedömning: {}", r.name);
                                        view! {
                                            <tr>
                                                <th scope="row">{r.name.clone()}</th>
                                                <td>{r.participant.clone()}</td>
                                                <td>
                                                    {r.staff.clone().unwrap_or_else(|| "–".into())}
                                                    {r.differs.then(|| view! { <span class="badge">" Olika"</span> })}
                                                </td>
                                                <td>
                                                    <ActionForm action=rate attr:class="rating-form">
                                                        <input type="hidden" name="id" value=id />
                                                        <input type="hidden" name="occasion" value=key />
                                                        <input type="hidden" name="item" value=r.item_id.clone() />
                                                        <label class="visually-hidden" for=select_id.clone()>{label}</label>
                                                        <select id=select_id name="value" required>
                                                            <option value="">"Välj"</option>
                                                            {r.options.iter().map(|o| {
                                                                let selected = r.staff_value.as_deref() == Some(o.value.as_str());
                                                                view! { <option value=o.value.clone() selected=selected>{o.label.clone()}</option> }
                                                            }).collect_view()}
                                                        </select>
                                                        <button type="submit" class="button button-small">"Spara"</button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                }
                .into_any()
            })}
            <section class="indicator-charts no-print" aria-labelledby="indicators-heading">
                <h2 id="indicators-heading">"Varje område över tid"</h2>
                {m.indicators.into_iter().map(|c| view! { <Chart chart=c toggle="Visa som tabell" /> }).collect_view()}
            </section>
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
