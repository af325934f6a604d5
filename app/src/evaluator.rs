//! The evaluator's statistics: NöjdDeltagarIndex, distance travelled with
//! the target figures, and exit outcomes, always split by gender, filtered
//! by programme, period, age band, referral and municipality, with small
//! groups hidden. The figures come from `stegvis_domain::stats`; this module
//! only reads the data, applies the filter and lays the figures out as tables.

use crate::error::AppError;
use crate::staff::Choice;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The dashboard's filter as it travels in the page address and in export
/// links. Empty means "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsQuery {
    /// Programme id.
    #[serde(default, skip_serializing_if = "blank")]
    pub insats: Option<String>,
    /// `intag` (intake date, the default) or `svar` (check-in date).
    #[serde(default, skip_serializing_if = "blank")]
    pub grund: Option<String>,
    /// Period start, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "blank")]
    pub fran: Option<String>,
    /// Period end, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "blank")]
    pub till: Option<String>,
    /// Age band label, e.g. `25–34`.
    #[serde(default, skip_serializing_if = "blank")]
    pub alder: Option<String>,
    /// Referral code.
    #[serde(default, skip_serializing_if = "blank")]
    pub remiss: Option<String>,
    #[serde(default, skip_serializing_if = "blank")]
    pub kommun: Option<String>,
}

/// An unset or empty filter field, left out of query strings.
fn blank(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|v| v.trim().is_empty())
}

impl StatsQuery {
    /// The query string of this filter, for links to exports and the audit log.
    #[cfg(feature = "ssr")]
    pub fn to_query_string(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }
}

/// A table of figures, already formatted: the same shape as a chart's data table.
pub use crate::progress::DataTable as FigureTable;

/// Everything the dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub organisation: String,
    pub k: u32,
    /// What the filter selected, in words.
    pub filter_summary: String,
    pub period_rule: Option<String>,
    pub weighting: String,
    pub selection_rule: String,
    pub distance_rule: String,
    pub intervals: String,
    pub programmes: Vec<Choice>,
    pub municipalities: Vec<String>,
    pub age_bands: Vec<String>,
    pub referrals: Vec<Choice>,
    pub ndi: FigureTable,
    pub ndi_chart: String,
    pub targets: Vec<FigureTable>,
    /// One bar chart per target, in the order of `targets`.
    pub target_charts: Vec<String>,
    pub distance: Vec<FigureTable>,
    pub outcomes: FigureTable,
    /// The filter as a query string, for the export links.
    pub query: String,
    /// The instrument versions behind the figures, as (what, which) lines.
    pub instrument_versions: Vec<(String, String)>,
}

/// The statistics for the evaluator's organisation under a filter (the
/// fields of [`StatsQuery`], one argument each so a plain form can post them).
#[server(prefix = "/api", endpoint = "evaluator/statistics")]
pub async fn load_statistics(
    insats: Option<String>,
    grund: Option<String>,
    fran: Option<String>,
    till: Option<String>,
    alder: Option<String>,
    remiss: Option<String>,
    kommun: Option<String>,
) -> Result<Dashboard, AppError> {
    use stegvis_domain::participant::Referral;
    use stegvis_domain::stats::{AgeBand, NdiSelection};
    let query = StatsQuery {
        insats,
        grund,
        fran,
        till,
        alder,
        remiss,
        kommun,
    };
    let me = crate::auth::ssr::require_role(stegvis_store::Role::Evaluator).await?;
    let state = crate::state::app_state()?;
    let org = state
        .store
        .organisation(&me.organisation_id)
        .await?
        .ok_or(AppError::Internal)?;
    let filter = ssr::filter_from(&query)?;
    // Every instrument the organisation's programmes can have used, items
    // matched by id across them.
    let instruments = state.organisation_instruments(&org.id).await?;
    let index = stegvis_domain::stats::ItemIndex::merged(instruments.iter().map(|i| i.as_ref()));
    // Kept in memory between loads and checked against the database each time.
    let respondents = state.store.statistics_respondents(&org.id, &index).await?;
    let k = org.small_cell_k;
    let ndi =
        stegvis_domain::stats::ndi_report(&index, &respondents, &filter, NdiSelection::Latest, k);
    let distance = stegvis_domain::stats::distance_report(&index, &respondents, &filter, k);
    let outcomes = stegvis_domain::stats::outcome_report(&respondents, &filter, k);
    let programmes = crate::staff::ssr::programme_choices(&state, &org.id).await?;
    let name_of = |item_id: &str| {
        instruments
            .iter()
            .find_map(|instrument| instrument.item(item_id))
            .and_then(|i| i.short.get("sv").or_else(|| i.text.get("sv")).cloned())
            .unwrap_or_else(|| item_id.to_owned())
    };
    let ndi_table = ssr::ndi_table(&ndi, k);
    let ndi_chart = ssr::ndi_chart(&ndi, k)?;
    let targets = distance
        .targets()
        .iter()
        .map(|t| ssr::distance_table(t.label.to_owned(), &t.indicator.figures, k))
        .collect();
    let target_charts = distance
        .targets()
        .iter()
        .enumerate()
        .map(|(i, t)| ssr::target_chart(&format!("mal-{i}"), t.label, &t.indicator.figures, k))
        .collect::<Result<Vec<_>, _>>()?;
    let distance_tables = distance
        .indicators
        .iter()
        .map(|i| ssr::distance_table(name_of(&i.item_id), &i.figures, k))
        .collect();
    let mut municipalities: Vec<String> = state
        .store
        .municipality_counts(&org.id)
        .await?
        .into_iter()
        .map(|(m, _)| m)
        .collect();
    municipalities.sort();
    let intervals = format!(
        "Andelar: {}. Medelvärden: {}.",
        ndi.basis.share_interval, ndi.basis.mean_interval
    );
    Ok(Dashboard {
        organisation: org.name,
        k,
        filter_summary: ssr::filter_summary(&query, &programmes),
        period_rule: ndi.basis.period_rule.map(str::to_owned),
        weighting: ndi.weighting.to_owned(),
        selection_rule: ndi.selection_rule.to_owned(),
        distance_rule: distance.rule.to_owned(),
        intervals,
        programmes,
        municipalities,
        age_bands: AgeBand::ALL.iter().map(|b| b.label().to_owned()).collect(),
        referrals: Referral::ALL
            .iter()
            .map(|r| Choice {
                value: r.code().into(),
                label: r.label().into(),
            })
            .collect(),
        ndi: ndi_table,
        ndi_chart,
        targets,
        target_charts,
        distance: distance_tables,
        outcomes: ssr::outcome_table(&outcomes, k),
        query: query.to_query_string(),
        instrument_versions: ssr::instrument_notes(&instruments, &index)
            .rows()
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect(),
    })
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Filters from the page address, and the reports laid out as tables.

    use super::{FigureTable, StatsQuery};
    use crate::error::AppError;
    use crate::staff::Choice;
    use chrono::NaiveDate;
    use stegvis_domain::participant::{ExitOutcome, Referral};
    use stegvis_domain::stats::{
        AgeBand, AgeFilter, AgeReference, Cell, DistanceFigures, Filter, Mean, NdiBand, NdiReport,
        OutcomeReport, Period, PeriodBasis, Share, Split,
    };

    /// The instrument versions behind an organisation's figures, in words
    /// for the dashboard and as metadata rows of every aggregate export:
    /// each version with how many check-ins were given with it, and for the
    /// NDI and each indicator the versions that ask that item. Figures are
    /// matched across versions by item id (see
    /// [`stegvis_domain::stats::ItemIndex::merged`]).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct VersionNotes {
        /// "stegvis-bas@… (120 incheckningar); prov@… (40 incheckningar)".
        pub versions: String,
        /// "ndi-helhet: stegvis-bas@…; …".
        pub ndi_items: String,
        /// "halsa: stegvis-bas@…, prov@…; …".
        pub indicators: String,
    }

    impl VersionNotes {
        /// As (name, value) metadata rows.
        pub fn rows(&self) -> [(&'static str, String); 3] {
            [
                ("Formulärversioner", self.versions.clone()),
                ("NDI-frågor och versioner", self.ndi_items.clone()),
                ("Indikatorer och versioner", self.indicators.clone()),
            ]
        }
    }

    /// The notes for the versions the organisation's check-ins were given
    /// with, counted from the database: what every aggregate export names.
    /// `known` are instruments already loaded (the organisation's): only
    /// versions among the check-ins that are not are read and parsed.
    pub async fn version_notes(
        store: &stegvis_store::Store,
        organisation_id: &str,
        index: &stegvis_domain::stats::ItemIndex,
        known: &[std::sync::Arc<stegvis_domain::instrument::Instrument>],
    ) -> Result<VersionNotes, AppError> {
        use stegvis_domain::instrument::Instrument;
        let counts = store.check_in_versions(organisation_id).await?;
        let mut instruments = Vec::with_capacity(counts.len());
        for (version, _) in &counts {
            if let Some(loaded) = known.iter().find(|i| i.version() == *version) {
                instruments.push(loaded.clone());
                continue;
            }
            let Some(source) = store.instrument_source(version).await? else {
                continue;
            };
            match Instrument::from_toml(&source) {
                Ok(instrument) => instruments.push(std::sync::Arc::new(instrument)),
                Err(e) => tracing::error!(version, error = %e, "stored instrument does not load"),
            }
        }
        let versions = if counts.is_empty() {
            "inga incheckningar ännu".to_owned()
        } else {
            counts
                .iter()
                .map(|(v, n)| format!("{v} ({n} incheckningar)"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        Ok(notes_for(versions, &instruments, index))
    }

    /// The notes for the instruments the figures are computed over (the
    /// default and every upload), without counting check-ins: what the
    /// dashboard shows, so a load reads nothing more than the figures need.
    pub fn instrument_notes(
        instruments: &[std::sync::Arc<stegvis_domain::instrument::Instrument>],
        index: &stegvis_domain::stats::ItemIndex,
    ) -> VersionNotes {
        let versions = instruments
            .iter()
            .map(|i| i.version())
            .collect::<Vec<_>>()
            .join("; ");
        notes_for(versions, instruments, index)
    }

    fn notes_for(
        versions: String,
        instruments: &[std::sync::Arc<stegvis_domain::instrument::Instrument>],
        index: &stegvis_domain::stats::ItemIndex,
    ) -> VersionNotes {
        let items_with_versions = |positions: &[usize]| {
            let listed: Vec<String> = positions
                .iter()
                .filter_map(|&p| index.items().get(p))
                .filter_map(|item| {
                    let with: Vec<String> = instruments
                        .iter()
                        .filter(|i| i.item(&item.id).is_some())
                        .map(|i| i.version())
                        .collect();
                    (!with.is_empty()).then(|| format!("{}: {}", item.id, with.join(", ")))
                })
                .collect();
            if listed.is_empty() {
                "inga".to_owned()
            } else {
                listed.join("; ")
            }
        };
        VersionNotes {
            ndi_items: items_with_versions(index.ndi_positions()),
            indicators: items_with_versions(index.indicator_positions()),
            versions,
        }
    }

    fn date(value: &str, what: &str) -> Result<NaiveDate, AppError> {
        NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::Invalid(format!("Skriv {what} som ÅÅÅÅ-MM-DD.")))
    }

    fn given(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }

    /// The statistics filter for a query; unreadable values are a 422 with
    /// a message naming the field.
    pub fn filter_from(q: &StatsQuery) -> Result<Filter, AppError> {
        let basis = match given(&q.grund) {
            None | Some("intag") => PeriodBasis::IntakeDate,
            Some("svar") => PeriodBasis::CheckInDate,
            Some(_) => {
                return Err(AppError::Invalid(
                    "Välj period efter startdatum eller svarsdatum.".into(),
                ))
            }
        };
        let period = match (given(&q.fran), given(&q.till)) {
            (None, None) => None,
            (from, to) => {
                let from = from
                    .map(|f| date(f, "från-datum"))
                    .transpose()?
                    .unwrap_or(NaiveDate::MIN);
                let to = to
                    .map(|t| date(t, "till-datum"))
                    .transpose()?
                    .unwrap_or(NaiveDate::MAX);
                if from > to {
                    return Err(AppError::Invalid(
                        "Från-datum ligger efter till-datum.".into(),
                    ));
                }
                Some(Period { basis, from, to })
            }
        };
        let age = given(&q.alder)
            .map(|label| {
                AgeBand::ALL
                    .into_iter()
                    .find(|b| b.label() == label)
                    .map(|band| AgeFilter {
                        band,
                        reference: AgeReference::AtIntake,
                    })
                    .ok_or_else(|| AppError::Invalid("Välj en åldersgrupp i listan.".into()))
            })
            .transpose()?;
        let referral = given(&q.remiss)
            .map(|r| {
                r.parse::<Referral>()
                    .map_err(|_| AppError::Invalid("Välj en remittent i listan.".into()))
            })
            .transpose()?;
        Ok(Filter {
            programme: given(&q.insats).map(str::to_owned),
            period,
            age,
            referral,
            municipality: given(&q.kommun).map(str::to_owned),
        })
    }

    /// The filter in words.
    pub fn filter_summary(q: &StatsQuery, programmes: &[Choice]) -> String {
        let mut parts = Vec::new();
        if let Some(p) = given(&q.insats) {
            let name = programmes
                .iter()
                .find(|c| c.value == p)
                .map_or(p, |c| c.label.as_str());
            parts.push(format!("insats {name}"));
        }
        match (given(&q.fran), given(&q.till)) {
            (None, None) => {}
            (from, to) => {
                let basis = if given(&q.grund) == Some("svar") {
                    "svar"
                } else {
                    "start"
                };
                parts.push(format!(
                    "{basis} {} – {}",
                    from.unwrap_or("…"),
                    to.unwrap_or("…")
                ));
            }
        }
        if let Some(a) = given(&q.alder) {
            parts.push(format!("ålder {a}"));
        }
        if let Some(r) = given(&q.remiss) {
            let label = r.parse::<Referral>().map_or(r, |r| r.label());
            parts.push(format!("remitterad från {label}"));
        }
        if let Some(m) = given(&q.kommun) {
            parts.push(format!("kommun {m}"));
        }
        if parts.is_empty() {
            "Alla deltagare".into()
        } else {
            parts.join(", ")
        }
    }

    fn groups<T>(split: &Split<T>) -> Vec<(&'static str, &T)> {
        std::iter::once(("Totalt", &split.total))
            .chain(
                split
                    .by_gender
                    .iter()
                    .map(|g| (g.gender.label(), &g.figures)),
            )
            .collect()
    }

    fn percent(share: &Share) -> String {
        match share.proportion {
            Some(p) => format!("{:.0} %", p * 100.0),
            None => "–".into(),
        }
    }

    fn share_interval(share: &Share) -> String {
        share.interval.map_or("–".into(), |i| {
            format!("{:.0}–{:.0} %", i.low * 100.0, i.high * 100.0)
        })
    }

    fn mean(m: &Option<Mean>, decimals: usize) -> (String, String) {
        match m {
            Some(m) => (
                format!("{:.*}", decimals, m.value),
                m.interval.map_or("–".into(), |i| {
                    format!("{:.*}–{:.*}", decimals, i.low, decimals, i.high)
                }),
            ),
            None => ("–".into(), "–".into()),
        }
    }

    fn n(cell: Cell, k: u32) -> String {
        cell.label(k)
    }

    /// NDI by gender: n, mean with interval, share per band.
    pub fn ndi_table(report: &NdiReport, k: u32) -> FigureTable {
        let mut columns = vec!["n".to_owned(), "Index".to_owned(), "95 % KI".to_owned()];
        columns.extend(NdiBand::ALL.iter().map(|b| format!("Andel {}", b.label())));
        FigureTable {
            caption: "Nöjd deltagarindex (0–100) per kön".into(),
            columns,
            rows: groups(&report.figures)
                .into_iter()
                .map(|(group, f)| {
                    let (value, interval) = mean(&f.mean, 1);
                    let mut cells = vec![n(f.n, k), value, interval];
                    cells.extend(f.bands.iter().map(|b| percent(&b.share)));
                    (group.to_owned(), cells)
                })
                .collect(),
        }
    }

    /// Improved / unchanged / worse by gender for one indicator or target.
    pub fn distance_table(caption: String, split: &Split<DistanceFigures>, k: u32) -> FigureTable {
        FigureTable {
            caption,
            columns: [
                "n",
                "Bättre",
                "95 % KI",
                "Oförändrat",
                "Sämre",
                "Medelförändring (steg)",
            ]
            .map(String::from)
            .to_vec(),
            rows: groups(split)
                .into_iter()
                .map(|(group, f)| {
                    (
                        group.to_owned(),
                        vec![
                            n(f.n, k),
                            percent(&f.improved),
                            share_interval(&f.improved),
                            percent(&f.unchanged),
                            percent(&f.worse),
                            mean(&f.mean_change, 2).0,
                        ],
                    )
                })
                .collect(),
        }
    }

    /// Exit outcomes by gender.
    pub fn outcome_table(report: &OutcomeReport, k: u32) -> FigureTable {
        let mut columns = vec!["n".to_owned()];
        columns.extend(ExitOutcome::ALL.iter().map(|o| o.label().to_owned()));
        FigureTable {
            caption: "Vad deltagarna gick vidare till vid avslut".into(),
            columns,
            rows: groups(&report.figures)
                .into_iter()
                .map(|(group, f)| {
                    let mut cells = vec![n(f.n, k)];
                    cells.extend(f.outcomes.iter().map(|o| percent(&o.share)));
                    (group.to_owned(), cells)
                })
                .collect(),
        }
    }

    fn n_label(cell: Cell, k: u32) -> String {
        match cell {
            Cell::Shown(n) => format!("n = {n}"),
            other => other.label(k),
        }
    }

    /// Bars by gender with intervals, described in words for screen readers.
    fn bars_chart(
        id: &str,
        title: String,
        unit: &str,
        bars: Vec<stegvis_charts::IntervalBar>,
    ) -> Result<String, AppError> {
        let desc = bars
            .iter()
            .map(|b| match b.value {
                Some(v) => format!("{}: {v:.0}{unit} ({})", b.label, b.n),
                None => format!("{}: visas inte ({})", b.label, b.n),
            })
            .collect::<Vec<_>>()
            .join(". ");
        stegvis_charts::interval_bar_chart(
            &bars,
            100.0,
            &stegvis_charts::ChartText {
                id: id.into(),
                title,
                desc,
            },
        )
        .map_err(|e| {
            tracing::error!(error = %e, "chart could not be drawn");
            AppError::Internal
        })
    }

    /// The share improved on a target, by gender, as bars (percent) with
    /// Wilson intervals.
    pub fn target_chart(
        id: &str,
        label: &str,
        split: &Split<DistanceFigures>,
        k: u32,
    ) -> Result<String, AppError> {
        let bars = groups(split)
            .into_iter()
            .map(|(group, f)| stegvis_charts::IntervalBar {
                label: group.to_owned(),
                value: f.improved.proportion.map(|p| p * 100.0),
                interval: f.improved.interval.map(|i| (i.low * 100.0, i.high * 100.0)),
                n: n_label(f.n, k),
            })
            .collect();
        bars_chart(
            id,
            format!("{label} (procent) per kön, med 95 % konfidensintervall"),
            " %",
            bars,
        )
    }

    /// The NDI by gender as bars with intervals.
    pub fn ndi_chart(report: &NdiReport, k: u32) -> Result<String, AppError> {
        let bars = groups(&report.figures)
            .into_iter()
            .map(|(group, f)| stegvis_charts::IntervalBar {
                label: group.to_owned(),
                value: f.mean.as_ref().map(|m| m.value),
                interval: f
                    .mean
                    .as_ref()
                    .and_then(|m| m.interval)
                    .map(|i| (i.low, i.high)),
                n: n_label(f.n, k),
            })
            .collect();
        bars_chart(
            "ndi-kon",
            "Nöjd deltagarindex per kön, med 95 % konfidensintervall".into(),
            "",
            bars,
        )
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_query_string_skips_empty_fields_and_encodes_values() {
        let query = StatsQuery {
            insats: Some("abc".into()),
            fran: Some(String::new()),
            alder: Some("25–34".into()),
            kommun: Some("Tyresö".into()),
            ..Default::default()
        };
        assert_eq!(
            query.to_query_string(),
            "insats=abc&alder=25%E2%80%9334&kommun=Tyres%C3%B6"
        );
        assert_eq!(StatsQuery::default().to_query_string(), "");
    }
}
