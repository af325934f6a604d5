//! The list of received check-ins: proof that answers arrive and are stored.

use super::common::loaded;
use crate::check_in::list_check_ins;
use leptos::prelude::*;
use leptos_meta::Title;

/// Shows the newest stored check-ins.
#[component]
pub fn CheckInsPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| list_check_ins());
    view! {
        <Title text="Inkomna svar" />
        <h1>"Inkomna svar"</h1>
        {loaded(rows, |rows| {
                match rows {
                    rows if rows.is_empty() => {
                        view! { <p>"Inga svar har kommit in än."</p> }.into_any()
                    }
                    rows => {
                        view! {
                            <div class="table-scroll" tabindex="0" role="region" aria-label="Inkomna svar">
                                <table>
                                    <caption>{format!("{} senaste incheckningarna", rows.len())}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">"Deltagare"</th>
                                            <th scope="col">"Tillfälle"</th>
                                            <th scope="col">"Skickad"</th>
                                            <th scope="col">"Svar"</th>
                                            <th scope="col">"Vill inte svara"</th>
                                            <th scope="col">"Formulär"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rows
                                            .into_iter()
                                            .map(|r| {
                                                view! {
                                                    <tr>
                                                        <td>{r.participant_code}</td>
                                                        <td>{r.occasion}</td>
                                                        <td>{r.submitted_at}</td>
                                                        <td>{r.answers}</td>
                                                        <td>{r.declined}</td>
                                                        <td>{r.instrument_version}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                            .into_any()
                    }
                }
        })}
    }
}
