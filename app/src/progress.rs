//! Progress: the participant's "Min resa" (one big star chart and one short
//! sentence per indicator, easy-read) and the case manager's meeting view
//! (every chart, the answers side by side, and the case manager's own rating
//! next to the participant's). Charts are drawn on the server as SVG.

use crate::error::AppError;
use crate::staff::Choice;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A chart's data as a table, offered beside every chart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataTable {
    pub caption: String,
    pub columns: Vec<String>,
    /// Row header and one cell per column.
    pub rows: Vec<(String, Vec<String>)>,
}

/// A chart with its data table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartView {
    /// The chart's markup: an inline SVG, or for "Min resa" HTML rows with
    /// small SVG tracks (see `stegvis_charts::start_now_chart`).
    pub svg: String,
    pub table: DataTable,
}

/// "Min resa".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyJourney {
    /// The chart of start and now, once there is something to draw.
    pub chart: Option<ChartView>,
    /// The chart's visible legend: each marker's shape and what it stands for.
    pub legend: Vec<LegendEntry>,
    /// One short sentence per indicator.
    pub sentences: Vec<String>,
}

/// One entry of a chart's visible legend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegendEntry {
    /// The marker as a small decorative SVG (`aria-hidden`).
    pub mark: String,
    /// What it stands for, e.g. "Nu (Uppföljning 2)".
    pub text: String,
}

/// One row of the meeting view's rating table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRow {
    pub item_id: String,
    pub name: String,
    pub participant: String,
    pub staff: Option<String>,
    /// The case manager's rating differs from the participant's answer.
    pub differs: bool,
    pub options: Vec<Choice>,
    pub staff_value: Option<String>,
}

/// The case manager's meeting view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingView {
    pub id: String,
    pub code: String,
    pub programme: String,
    pub today: String,
    pub star: Option<ChartView>,
    pub ndi: Option<ChartView>,
    pub indicators: Vec<ChartView>,
    /// Answers by occasion, side by side.
    pub answers: DataTable,
    /// The occasion ratings are recorded for (the latest answered), as
    /// `kind:number`, with its name.
    pub rating_occasion: Option<(String, String)>,
    pub ratings: Vec<RatingRow>,
    pub show_previous: bool,
}

/// Where "Min resa" is.
pub const JOURNEY_PATH: &str = "/svara/min-resa";

/// Where a participant's meeting view is.
pub fn meeting_path(id: &str) -> String {
    format!("/personal/deltagare/{id}/mote")
}

/// The signed-in participant's own journey, in their language.
#[server(prefix = "/api", endpoint = "journey")]
pub async fn load_my_journey() -> Result<MyJourney, AppError> {
    let (participant_id, _) = crate::check_in::ssr::whose_check_in().await?;
    let state = crate::state::app_state()?;
    let lang = crate::prefs::current_prefs().lang;
    let participant = state
        .store
        .participant(&participant_id)
        .await?
        .ok_or_else(AppError::participant_signed_out)?;
    let schedule = state.schedule(
        participant.intake_date,
        participant.exit_date,
        participant.window,
    );
    let journey = ssr::journey(&state, &participant_id, &schedule, lang.code()).await?;
    let sentences = journey
        .indicators
        .iter()
        .map(|i| format!("{}: {}", i.name, ssr::sentence(i, lang)))
        .collect();
    let answered = journey.columns.iter().filter(|c| !c.missed).count();
    let (chart, legend) = if answered == 0 {
        (None, Vec::new())
    } else {
        let (chart, legend) = ssr::start_and_now(&journey, lang)?;
        (Some(chart), legend)
    };
    Ok(MyJourney {
        chart,
        legend,
        sentences,
    })
}

/// The meeting view of a participant. Opening it is written to the audit log.
#[server(prefix = "/api", endpoint = "staff/meeting")]
pub async fn load_meeting_view(id: String, previous: bool) -> Result<MeetingView, AppError> {
    use crate::texts::Lang;
    let (staff, state, p) = crate::staff::ssr::own_participant(&id).await?;
    let schedule = state.schedule(p.start_date, p.exit_date, p.window);
    let journey = ssr::journey(&state, &p.id, &schedule, Lang::SV.code()).await?;
    let labels = ssr::column_labels(&journey, Lang::SV);
    let answered = journey.columns.iter().filter(|c| !c.missed).count();
    let star = (answered > 0)
        .then(|| ssr::star(&journey, previous, Lang::SV, "mote-stjarna"))
        .transpose()?;
    let ndi = journey
        .ndi
        .iter()
        .any(Option::is_some)
        .then(|| ssr::ndi(&journey, &labels))
        .transpose()?;
    let indicators = journey
        .indicators
        .iter()
        .map(|i| ssr::indicator(i, &journey, &labels))
        .collect::<Result<Vec<_>, _>>()?;
    let answers = DataTable {
        caption: "Svar per tillfälle".into(),
        columns: labels.clone(),
        rows: journey
            .indicators
            .iter()
            .map(|i| {
                (
                    i.name.clone(),
                    i.readings
                        .iter()
                        .map(|r| ssr::reading_label(i, *r))
                        .collect(),
                )
            })
            .collect(),
    };
    let (rating_occasion, ratings) = ssr::ratings(&state, &p.id, &journey, &labels).await?;
    crate::staff::ssr::audit(&staff, "read-meeting-view", Some(&p.id), "").await?;
    Ok(MeetingView {
        id: p.id.clone(),
        code: p.code.clone(),
        programme: p.programme_name.clone().unwrap_or_else(|| "–".into()),
        today: state.today().to_string(),
        star,
        ndi,
        indicators,
        answers,
        rating_occasion,
        ratings,
        show_previous: previous,
    })
}

/// Records the case manager's own rating of an item at an occasion, next to
/// the participant's answer (which stays as it is).
#[server(prefix = "/api", endpoint = "staff/rating")]
pub async fn save_staff_rating(
    id: String,
    occasion: String,
    item: String,
    value: String,
) -> Result<(), AppError> {
    use stegvis_domain::occasion::OccasionKind;
    let (staff, state, p) = crate::staff::ssr::own_participant(&id).await?;
    let (kind, number) = occasion
        .split_once(':')
        .and_then(|(k, n)| Some((k.parse::<OccasionKind>().ok()?, n.parse::<u32>().ok()?)))
        .ok_or_else(|| AppError::BadRequest("Okänt tillfälle.".into()))?;
    let answered = state
        .store
        .check_ins_of(&p.id)
        .await?
        .into_iter()
        .any(|c| c.occasion.kind == kind && c.occasion.number == number);
    if !answered {
        return Err(AppError::Invalid(
            "Deltagaren har inte svarat vid det tillfället.".into(),
        ));
    }
    let instrument = state.instrument_for_participant(&p.id).await?;
    let valid = instrument
        .item(&item)
        .filter(|i| stegvis_domain::progress::is_indicator(i))
        .is_some_and(|i| i.options.iter().any(|o| o.code == value));
    if !valid {
        return Err(AppError::Invalid("Välj en bedömning i listan.".into()));
    }
    state
        .store
        .save_staff_rating(
            &p.id,
            stegvis_store::OccasionRef { kind, number },
            &item,
            &value,
            &staff.id,
        )
        .await?;
    crate::staff::ssr::audit(&staff, "record-rating", Some(&p.id), &item).await?;
    leptos_axum::redirect(&format!("{}#bedomning", meeting_path(&p.id)));
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Building chart data and drawing the charts for both views.

    use super::{ChartView, DataTable, LegendEntry, RatingRow};
    use crate::error::AppError;
    use crate::staff::Choice;
    use crate::state::AppState;
    use crate::texts::{occasion_title, Lang};
    use std::collections::BTreeMap;
    use stegvis_charts::{ChartText, SeriesStyle, StarSeries};
    use stegvis_domain::progress::{self, Change, CheckInRecord, Indicator, Journey, Reading};
    use stegvis_domain::schedule::Schedule;

    fn chart_error(e: stegvis_charts::ChartError) -> AppError {
        tracing::error!(error = %e, "chart could not be drawn");
        AppError::Internal
    }

    /// The participant's journey from their stored check-ins.
    pub async fn journey(
        state: &AppState,
        participant_id: &str,
        schedule: &Schedule,
        lang: &str,
    ) -> Result<Journey, AppError> {
        let stored = state.store.check_ins_with_answers(participant_id).await?;
        // Charted with the instrument of their latest check-in (items are
        // matched by id across versions), or the one their next would use.
        let instrument = match stored.last() {
            Some((latest, _)) => state.instrument(&latest.instrument_version).await?,
            None => state.instrument_for_participant(participant_id).await?,
        };
        let records: Vec<CheckInRecord> = stored
            .into_iter()
            .map(|(c, answers)| CheckInRecord {
                kind: c.occasion.kind,
                number: c.occasion.number,
                date: c.submitted_at.with_timezone(&chrono::Local).date_naive(),
                answers: answers
                    .into_iter()
                    .map(|a| (a.item_id, a.value))
                    .collect::<BTreeMap<_, _>>(),
            })
            .collect();
        let answered: Vec<_> = records.iter().map(|r| (r.kind, r.number)).collect();
        let states = schedule.states_on(state.today(), &answered);
        Ok(progress::journey(&instrument, lang, &states, &records))
    }

    /// The occasion names of the columns, capitalised.
    pub fn column_labels(journey: &Journey, lang: Lang) -> Vec<String> {
        journey
            .columns
            .iter()
            .map(|c| occasion_title(lang, c.kind, c.number))
            .collect()
    }

    /// A reading as a table cell.
    pub fn reading_label(indicator: &Indicator, reading: Reading) -> String {
        match reading {
            Reading::Level(l) => format!(
                "{} ({} av {})",
                indicator.label(l),
                l + 1,
                indicator.levels.len()
            ),
            Reading::Declined => "Vill inte svara".into(),
            Reading::Missed => "Missat".into(),
            Reading::NotAsked => "–".into(),
        }
    }

    /// What "Min resa" says about an indicator, in the participant's
    /// language: better, the same or worse when there are two answers to
    /// compare; otherwise how many times they answered, counting "Vill inte
    /// svara" as an answer and saying how often they chose it.
    pub fn sentence(indicator: &Indicator, lang: Lang) -> String {
        let t = lang.texts();
        match indicator.change() {
            Change::Better => return t.journey_better.as_str().into(),
            Change::Same => return t.journey_same.as_str().into(),
            Change::Worse => return t.journey_worse.as_str().into(),
            Change::Unknown => {}
        }
        let counts = indicator.answer_counts();
        let count = |id: &str, n: usize| lang.format(id, &[("n", n.into())]);
        match (counts.answered, counts.declined) {
            (0, 0) => t.journey_later.as_str().into(),
            (0, 1) => t.journey_declined_only.as_str().into(),
            (_, 0) => count("journey_answered", counts.times()),
            (_, declined) => format!(
                "{} {}",
                count("journey_answered", counts.times()),
                count("journey_declined", declined)
            ),
        }
    }

    /// "Hälsa: från 2 till 4 av 5 (Dåligt → Bra)." — the change in words,
    /// for `<desc>`, in `lang`.
    fn change_in_words(indicator: &Indicator, lang: Lang) -> String {
        let of = indicator.levels.len();
        match indicator.first_and_latest() {
            Some((a, b)) => lang.format(
                "chart_change",
                &[
                    ("name", indicator.name.as_str().into()),
                    ("from", (a + 1).into()),
                    ("to", (b + 1).into()),
                    ("of", of.into()),
                    ("from_label", indicator.label(a).into()),
                    ("to_label", indicator.label(b).into()),
                ],
            ),
            None => {
                let level = indicator.readings.iter().find_map(|r| r.level());
                let said = level.map(|l| {
                    lang.format(
                        "chart_one",
                        &[
                            ("name", indicator.name.as_str().into()),
                            ("level", (l + 1).into()),
                            ("of", of.into()),
                            ("label", indicator.label(l).into()),
                        ],
                    )
                });
                let how = sentence(indicator, lang);
                match said {
                    Some(said) => format!("{said} {how}"),
                    None => format!("{}: {how}", indicator.name),
                }
            }
        }
    }

    /// The first, previous and latest answered columns.
    fn answered_columns(journey: &Journey) -> Vec<usize> {
        journey
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.missed)
            .map(|(i, _)| i)
            .collect()
    }

    /// The star chart: start and latest (and the one before, on request).
    pub fn star(
        journey: &Journey,
        previous: bool,
        lang: Lang,
        id: &str,
    ) -> Result<ChartView, AppError> {
        let t = lang.texts();
        let answered = answered_columns(journey);
        let mut picks: Vec<(usize, SeriesStyle, &str)> = Vec::new();
        if let Some(first) = answered.first() {
            picks.push((*first, SeriesStyle::First, t.journey_start.as_str()));
        }
        if answered.len() > 2 && previous {
            picks.push((
                answered[answered.len() - 2],
                SeriesStyle::Previous,
                t.journey_before.as_str(),
            ));
        }
        if let Some(last) = answered
            .last()
            .filter(|l| answered.len() > 1 && Some(*l) != answered.first())
        {
            picks.push((*last, SeriesStyle::Latest, t.journey_now.as_str()));
        }
        let axes: Vec<String> = journey.indicators.iter().map(|i| i.name.clone()).collect();
        let series: Vec<StarSeries> = picks
            .iter()
            .map(|(col, style, name)| StarSeries {
                name: (*name).to_owned(),
                style: *style,
                values: journey
                    .indicators
                    .iter()
                    .map(|i| stegvis_charts::star_value(i, i.readings[*col]))
                    .collect(),
            })
            .collect();
        let labels = column_labels(journey, lang);
        let desc = journey
            .indicators
            .iter()
            .map(|i| change_in_words(i, lang))
            .collect::<Vec<_>>()
            .join(" ");
        let legend = picks
            .iter()
            .map(|(col, style, name)| {
                let how = match style {
                    SeriesStyle::First => t.journey_legend_first.as_str(),
                    SeriesStyle::Previous => t.journey_legend_previous.as_str(),
                    SeriesStyle::Latest => t.journey_legend_latest.as_str(),
                };
                format!("{name} ({}): {how}", labels[*col])
            })
            .collect::<Vec<_>>()
            .join(". ");
        let svg = stegvis_charts::star_chart(
            &axes,
            &series,
            &ChartText {
                id: id.into(),
                title: format!("{}. {legend}.", t.journey_star_title.as_str()),
                desc,
            },
        )
        .map_err(chart_error)?;
        Ok(ChartView {
            svg,
            table: compared_table(
                journey,
                &picks.iter().map(|(c, _, n)| (*c, *n)).collect::<Vec<_>>(),
                &labels,
                lang,
            ),
        })
    }

    /// The answers of the compared check-ins (column, series name) per indicator.
    fn compared_table(
        journey: &Journey,
        picks: &[(usize, &str)],
        labels: &[String],
        lang: Lang,
    ) -> DataTable {
        let t = lang.texts();
        DataTable {
            caption: t.journey_star_title.as_str().into(),
            columns: picks
                .iter()
                .map(|(c, name)| format!("{name} ({})", labels[*c]))
                .collect(),
            rows: journey
                .indicators
                .iter()
                .map(|i| {
                    let cells = picks
                        .iter()
                        .map(|(c, _)| match i.readings[*c] {
                            Reading::Level(l) => i.label(l).to_owned(),
                            Reading::Declined => t.decline.as_str().to_owned(),
                            _ => "–".to_owned(),
                        })
                        .collect();
                    (i.name.clone(), cells)
                })
                .collect(),
        }
    }

    /// The participant's chart: each indicator's first and latest answer on
    /// a row from worst to best (mirrored for a right-to-left language), and
    /// its visible legend.
    pub fn start_and_now(
        journey: &Journey,
        lang: Lang,
    ) -> Result<(ChartView, Vec<LegendEntry>), AppError> {
        let t = lang.texts();
        let answered = answered_columns(journey);
        let first = answered.first().copied();
        let latest = answered.last().copied().filter(|l| Some(*l) != first);
        let rows: Vec<stegvis_charts::StartNow> = journey
            .indicators
            .iter()
            .map(|i| stegvis_charts::StartNow {
                name: i.name.clone(),
                first: first.and_then(|c| i.readings[c].level()),
                latest: latest.and_then(|c| i.readings[c].level()),
                levels: i.levels.len(),
            })
            .collect();
        let labels = column_labels(journey, lang);
        let mut picks = vec![];
        if let Some(c) = first {
            picks.push((
                c,
                SeriesStyle::First,
                t.journey_start.as_str(),
                t.journey_legend_first.as_str(),
            ));
        }
        if let Some(c) = latest {
            picks.push((
                c,
                SeriesStyle::Latest,
                t.journey_now.as_str(),
                t.journey_legend_latest.as_str(),
            ));
        }
        let legend = picks
            .iter()
            .map(|(c, _, name, how)| format!("{name} ({}): {how}", labels[*c]))
            .collect::<Vec<_>>()
            .join(". ");
        let html = stegvis_charts::start_now_chart(
            &rows,
            &ChartText {
                id: "min-resa".into(),
                title: format!("{}. {legend}.", t.journey_star_title.as_str()),
                desc: journey
                    .indicators
                    .iter()
                    .map(|i| change_in_words(i, lang))
                    .collect::<Vec<_>>()
                    .join(" "),
            },
            lang.dir() == "rtl",
        );
        // The visible legend names the occasion only when it says more
        // than the series name ("Nu (Uppföljning 2)", but "Start").
        let visible = picks
            .iter()
            .map(|(c, style, name, _)| LegendEntry {
                mark: stegvis_charts::legend_mark(*style),
                text: if labels[*c] == *name {
                    (*name).to_owned()
                } else {
                    format!("{name} ({})", labels[*c])
                },
            })
            .collect();
        Ok((
            ChartView {
                svg: html,
                table: compared_table(
                    journey,
                    &picks
                        .iter()
                        .map(|(c, _, n, _)| (*c, *n))
                        .collect::<Vec<_>>(),
                    &labels,
                    lang,
                ),
            },
            visible,
        ))
    }

    /// One indicator's line chart.
    pub fn indicator(
        indicator: &Indicator,
        journey: &Journey,
        labels: &[String],
    ) -> Result<ChartView, AppError> {
        let direction = if indicator.higher_is_better {
            ""
        } else {
            " Frågan är vänd: ett lägre svar är bättre, så diagrammet visar bättre uppåt."
        };
        let svg = stegvis_charts::indicator_chart(
            indicator,
            labels,
            &ChartText {
                id: format!("diagram-{}", indicator.item_id),
                title: format!("{}: {}", indicator.name, indicator.question),
                desc: format!("{}{direction}", change_in_words(indicator, Lang::SV)),
            },
        )
        .map_err(chart_error)?;
        Ok(ChartView {
            svg,
            table: DataTable {
                caption: indicator.name.clone(),
                columns: vec!["Svar".into()],
                rows: journey
                    .columns
                    .iter()
                    .zip(labels)
                    .zip(&indicator.readings)
                    .map(|((c, label), r)| {
                        (
                            format!("{label} ({})", c.date),
                            vec![reading_label(indicator, *r)],
                        )
                    })
                    .collect(),
            },
        })
    }

    /// The NDI chart over follow-ups and exit.
    pub fn ndi(journey: &Journey, labels: &[String]) -> Result<ChartView, AppError> {
        let shown: Vec<String> = journey
            .ndi
            .iter()
            .zip(labels)
            .filter_map(|(v, l)| v.map(|v| format!("{l}: {v:.0}")))
            .collect();
        let svg = stegvis_charts::ndi_chart(
            &journey.ndi,
            labels,
            &ChartText {
                id: "diagram-ndi".into(),
                title: "Nöjd deltagarindex (0–100)".into(),
                desc: format!("Nöjd deltagarindex. {}.", shown.join(", ")),
            },
        )
        .map_err(chart_error)?;
        Ok(ChartView {
            svg,
            table: DataTable {
                caption: "Nöjd deltagarindex (0–100, lika vikter)".into(),
                columns: vec!["Index".into()],
                rows: labels
                    .iter()
                    .zip(&journey.ndi)
                    .map(|(l, v)| (l.clone(), vec![v.map_or("–".into(), |v| format!("{v:.0}"))]))
                    .collect(),
            },
        })
    }

    /// The rating table for the latest answered occasion.
    pub async fn ratings(
        state: &AppState,
        participant_id: &str,
        journey: &Journey,
        labels: &[String],
    ) -> Result<(Option<(String, String)>, Vec<RatingRow>), AppError> {
        let Some(col) = answered_columns(journey).last().copied() else {
            return Ok((None, Vec::new()));
        };
        let column = journey.columns[col];
        let saved = state.store.staff_ratings(participant_id).await?;
        let rows = journey
            .indicators
            .iter()
            .map(|i| {
                let rating = saved.iter().rev().find(|r| {
                    r.item_id == i.item_id
                        && r.occasion.kind == column.kind
                        && r.occasion.number == column.number
                });
                // The staff rating as a level, to compare with the participant's.
                let staff_level = rating.and_then(|r| i.level_of(&r.value));
                let options = i
                    .codes
                    .iter()
                    .zip(&i.levels)
                    .map(|(code, label)| Choice {
                        value: code.clone(),
                        label: label.clone(),
                    })
                    .collect();
                RatingRow {
                    item_id: i.item_id.clone(),
                    name: i.name.clone(),
                    participant: reading_label(i, i.readings[col]),
                    staff: staff_level
                        .map(|l| format!("{} ({} av {})", i.label(l), l + 1, i.levels.len())),
                    differs: match (i.readings[col], staff_level) {
                        (Reading::Level(a), Some(b)) => a != b,
                        _ => false,
                    },
                    options,
                    staff_value: rating.map(|r| r.value.clone()),
                }
            })
            .collect();
        Ok((
            Some((
                format!("{}:{}", column.kind.as_str(), column.number),
                labels[col].clone(),
            )),
            rows,
        ))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn indicator(name: &str, readings: Vec<Reading>) -> Indicator {
            Indicator {
                item_id: "livet".into(),
                question: "?".into(),
                name: name.into(),
                higher_is_better: true,
                codes: ["1", "2", "3", "4", "5"].map(String::from).to_vec(),
                levels: ["A", "B", "C", "D", "E"].map(String::from).to_vec(),
                readings,
            }
        }

        #[test]
        fn a_declined_answer_is_counted_and_said() {
            let livet = indicator("Livet", vec![Reading::Level(2), Reading::Declined]);
            assert_eq!(
                sentence(&livet, Lang::SV),
                "Du har svarat 2 gånger. En gång valde du ”Vill inte svara”."
            );
            assert_eq!(
                sentence(&livet, Lang::from_code("en").unwrap()),
                "You have answered twice. Once you chose “I do not want to answer”."
            );
            assert_eq!(
                sentence(&livet, Lang::from_code("ar").unwrap()),
                "أجبت مرتين. مرة واحدة اخترت «لا أريد الإجابة»."
            );
            let more = indicator(
                "Livet",
                vec![Reading::Declined, Reading::Level(1), Reading::Declined],
            );
            assert_eq!(
                sentence(&more, Lang::SV),
                "Du har svarat 3 gånger. 2 gånger valde du ”Vill inte svara”."
            );
            let only = indicator("Livet", vec![Reading::Declined, Reading::Missed]);
            assert_eq!(sentence(&only, Lang::SV), "Du valde ”Vill inte svara”.");
            let once = indicator("Livet", vec![Reading::Level(1), Reading::Missed]);
            assert_eq!(sentence(&once, Lang::SV), "Du har svarat en gång.");
            let none = indicator("Livet", vec![Reading::NotAsked]);
            assert_eq!(sentence(&none, Lang::SV), "Du får den här frågan senare.");
            let better = indicator(
                "Livet",
                vec![Reading::Level(1), Reading::Declined, Reading::Level(3)],
            );
            assert_eq!(sentence(&better, Lang::SV), "Det har blivit bättre.");
        }

        /// Swedish words the chart texts used to mix into other languages.
        const SWEDISH: [&str; 6] = ["från", "till", "av", "svar", "ett", "inga"];

        fn words(text: &str) -> Vec<String> {
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect()
        }

        #[test]
        fn chart_descriptions_are_in_the_participants_language() {
            let cases = [
                indicator("الصحة", vec![Reading::Level(1), Reading::Level(3)]),
                indicator("الصحة", vec![Reading::Level(1), Reading::Declined]),
                indicator("الصحة", vec![Reading::Level(1)]),
                indicator("الصحة", vec![Reading::NotAsked]),
            ];
            for lang in [
                Lang::from_code("ar").unwrap(),
                Lang::from_code("en").unwrap(),
            ] {
                for case in &cases {
                    let desc = change_in_words(case, lang);
                    for word in words(&desc) {
                        assert!(!SWEDISH.contains(&word.as_str()), "{lang:?}: {desc}");
                    }
                }
            }
            assert_eq!(
                change_in_words(&cases[0], Lang::from_code("ar").unwrap()),
                "الصحة: من 2 إلى 4 من 5 (من B إلى D)."
            );
            assert_eq!(
                change_in_words(&cases[0], Lang::SV),
                "الصحة: från 2 till 4 av 5 (B → D)."
            );
            assert_eq!(
                change_in_words(&cases[2], Lang::from_code("en").unwrap()),
                "الصحة: 2 of 5 (B). You have answered once."
            );
        }
    }
}
