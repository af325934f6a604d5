//! One table model for every aggregate report, so CSV and XLSX (and any later
//! format) are written by the same code and show the same cells.
//!
//! A [`Table`] is long: one [`TableRow`] per figure and group, with the
//! group's n, the count behind a share, the value and its interval. The
//! groups are always Totalt, Kvinna, Man, Annan and Vill inte ange, in that
//! order (*könsuppdelad statistik*). Each table also carries its metadata:
//! the filter, the period rule, k, the weighting and the interval methods,
//! so no exported figure is without its basis.
//!
//! Small-cell protection is the domain's ([`stegvis_domain::stats`]); this
//! module only refuses to undo it. A row whose group n or count is hidden
//! never carries a value or an interval, whatever the report holds, so a
//! suppressed cell cannot reappear as a share or a mean in an export.

use stegvis_domain::instrument::Instrument;
use stegvis_domain::ndi::MIN_ANSWERED;
use stegvis_domain::participant::Gender;
use stegvis_domain::stats::{
    AgeReference, Cell, DistanceFigures, DistanceReport, Interval, Mean, NdiFigures, NdiReport,
    OutcomeFigures, OutcomeReport, ReportBasis, Share, Split, TARGETS,
};

/// The weighting stated by reports that have none to choose: every
/// participant counts once.
pub const UNWEIGHTED: &str = "ingen viktning: varje deltagare räknas en gång";

/// The column headings of every aggregate table, in order.
pub const COLUMNS: [&str; 10] = [
    "Mått",
    "Fråga",
    "Frågetext",
    "Grupp",
    "n",
    "Antal",
    "Värde",
    "Enhet",
    "KI låg",
    "KI hög",
];

/// Which report a table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportKind {
    /// NöjdDeltagarIndex.
    Ndi,
    /// Distance travelled per indicator.
    Distance,
    /// Exit outcomes.
    Outcomes,
}

impl ReportKind {
    /// The report's name, for titles and metadata.
    pub fn title(self) -> &'static str {
        match self {
            Self::Ndi => "NöjdDeltagarIndex (NDI)",
            Self::Distance => "Stegförflyttning",
            Self::Outcomes => "Avslut: vart deltagarna gick",
        }
    }

    /// The XLSX sheet name (at most 31 characters, none of `[]:*?/\`).
    pub fn sheet_name(self) -> &'static str {
        match self {
            Self::Ndi => "NDI",
            Self::Distance => "Stegförflyttning",
            Self::Outcomes => "Avslut",
        }
    }
}

/// What a row's value is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A proportion from 0 to 1 (0.625 = 62.5 %), with a Wilson interval.
    Share,
    /// The NDI, 0–100, with a t interval.
    Index,
    /// A mean change in score points (positive = better), with a t interval.
    Points,
}

impl Unit {
    /// The unit in words, for the "Enhet" column.
    pub fn label(self) -> &'static str {
        match self {
            Self::Share => "andel (0–1)",
            Self::Index => "index (0–100)",
            Self::Points => "skalsteg",
        }
    }

    /// Decimals written in CSV: 0.6250, 72.22, 0.75. XLSX keeps full
    /// precision and formats the display instead.
    pub fn places(self) -> usize {
        match self {
            Self::Share => 4,
            Self::Index | Self::Points => 2,
        }
    }
}

/// One figure for one group.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// "NDI, medelvärde", "Förbättrad", "Arbete", …
    pub figure: String,
    /// The item id, for distance travelled.
    pub item_id: Option<String>,
    /// The item's short Swedish name and question, when the instrument was given.
    pub item_text: Option<String>,
    /// `None` for Totalt, otherwise the gender.
    pub gender: Option<Gender>,
    /// The group's n.
    pub n: Cell,
    /// The count behind a share; `None` for means.
    pub count: Option<Cell>,
    /// Never `Some` when `n` or `count` is hidden.
    pub value: Option<f64>,
    /// What `value` and `interval` are measured in.
    pub unit: Unit,
    /// Never `Some` when `value` is `None`.
    pub interval: Option<Interval>,
}

impl TableRow {
    /// "Totalt" or the gender's label.
    pub fn group_label(&self) -> &'static str {
        self.gender.map_or("Totalt", Gender::label)
    }

    /// A share row. A count shown under a hidden n is hidden too (as
    /// "dold"), and a hidden n or count carries no value or interval.
    fn share(figure: &str, item: &Item, gender: Option<Gender>, n: Cell, share: &Share) -> Self {
        let count = match (n, share.count) {
            (n, Cell::Shown(_)) if n.is_hidden() => Cell::Complementary,
            (_, count) => count,
        };
        let open = !n.is_hidden() && !count.is_hidden();
        Self {
            figure: figure.to_owned(),
            item_id: item.id.clone(),
            item_text: item.text.clone(),
            gender,
            n,
            count: Some(count),
            value: share.proportion.filter(|_| open),
            unit: Unit::Share,
            interval: share
                .interval
                .filter(|_| open && share.proportion.is_some()),
        }
    }

    /// A mean row; a hidden n carries no value or interval.
    fn mean(
        figure: &str,
        item: &Item,
        gender: Option<Gender>,
        n: Cell,
        mean: Option<&Mean>,
        unit: Unit,
    ) -> Self {
        let mean = mean.filter(|_| !n.is_hidden());
        Self {
            figure: figure.to_owned(),
            item_id: item.id.clone(),
            item_text: item.text.clone(),
            gender,
            n,
            count: None,
            value: mean.map(|m| m.value),
            unit,
            interval: mean.and_then(|m| m.interval),
        }
    }
}

/// The item columns of a row.
#[derive(Default)]
struct Item {
    id: Option<String>,
    text: Option<String>,
}

/// One report as rows, with the metadata that says how it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Which report the table holds.
    pub kind: ReportKind,
    /// The small-cell threshold, for "färre än k".
    pub k: u32,
    /// (name, value) pairs in Swedish: filter, period rule, k, weighting,
    /// interval methods and the report's own rules. Always includes
    /// "Viktning".
    pub metadata: Vec<(String, String)>,
    /// Figure by figure, each for Totalt and the four genders.
    pub rows: Vec<TableRow>,
}

impl Table {
    /// Adds a metadata row (the caller's own: organisation, created, by whom).
    pub fn with_note(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.push((name.into(), value.into()));
        self
    }

    /// The rows of one figure and group, for tests and lookups.
    pub fn row(
        &self,
        figure: &str,
        item_id: Option<&str>,
        gender: Option<Gender>,
    ) -> Option<&TableRow> {
        self.rows
            .iter()
            .find(|r| r.figure == figure && r.item_id.as_deref() == item_id && r.gender == gender)
    }
}

/// The groups of a split, total first.
fn groups<T>(split: &Split<T>) -> impl Iterator<Item = (Option<Gender>, &T)> {
    std::iter::once((None, &split.total)).chain(
        split
            .by_gender
            .iter()
            .map(|row| (Some(row.gender), &row.figures)),
    )
}

/// The metadata every report shares.
fn basis_metadata(kind: ReportKind, basis: &ReportBasis, weighting: &str) -> Vec<(String, String)> {
    let filter = &basis.filter;
    let all = || "alla".to_owned();
    let period = filter.period.map_or_else(
        || "hela tiden".to_owned(),
        |p| format!("{} – {}", p.from, p.to),
    );
    let age = filter.age.map_or_else(all, |a| match a.reference {
        AgeReference::AtIntake => format!("{} (ålder vid start)", a.band.label()),
        AgeReference::On(date) => format!("{} (ålder under {})", a.band.label(), date.format("%Y")),
    });
    let k = basis.k;
    let pairs = [
        ("Rapport", kind.title().to_owned()),
        ("Program", filter.programme.clone().unwrap_or_else(all)),
        ("Period", period),
        (
            "Periodregel",
            basis.period_rule.unwrap_or("ingen period vald").to_owned(),
        ),
        ("Åldersgrupp", age),
        (
            "Remittent",
            filter.referral.map_or_else(all, |r| r.label().to_owned()),
        ),
        ("Kommun", filter.municipality.clone().unwrap_or_else(all)),
        (
            "Redovisas per",
            "kön: Totalt, Kvinna, Man, Annan, Vill inte ange".to_owned(),
        ),
        ("Viktning", weighting.to_owned()),
        ("Minsta redovisade antal (k)", k.to_string()),
        (
            "Små tal",
            format!(
                "antal under {k} visas som \"färre än {k}\"; \"dold\" är ett antal som döljs \
                 för att skydda ett annat; dolda antal har ingen andel, inget medelvärde och \
                 inget intervall"
            ),
        ),
        ("Intervall för andelar", basis.share_interval.to_owned()),
        ("Intervall för medelvärden", basis.mean_interval.to_owned()),
        ("Andelar", "mellan 0 och 1, där 1 är 100 %".to_owned()),
    ];
    pairs
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

/// The NDI report as a table: the mean index and the share in each band,
/// per group.
pub fn ndi_table(report: &NdiReport) -> Table {
    let mut metadata = basis_metadata(ReportKind::Ndi, &report.basis, report.weighting);
    metadata.push(("Urval".into(), report.selection_rule.to_owned()));
    metadata.push((
        "Index".into(),
        format!(
            "per svarande (medelvärdet av svaren 1–10 − 1) / 9 × 100; minst {MIN_ANSWERED} \
             av de tre frågorna besvarade"
        ),
    ));
    let mut rows = Vec::new();
    let none = Item::default;
    for (gender, f) in groups(&report.figures) {
        let f: &NdiFigures = f;
        rows.push(TableRow::mean(
            "NDI, medelvärde",
            &none(),
            gender,
            f.n,
            f.mean.as_ref(),
            Unit::Index,
        ));
    }
    let bands = report.figures.total.bands.len();
    for b in 0..bands {
        for (gender, f) in groups(&report.figures) {
            if let Some(band) = f.bands.get(b) {
                let figure = format!("NDI, andel {}", band.band.label());
                rows.push(TableRow::share(&figure, &none(), gender, f.n, &band.share));
            }
        }
    }
    Table {
        kind: ReportKind::Ndi,
        k: report.basis.k,
        metadata,
        rows,
    }
}

/// The text of an item for the "Frågetext" column: "Hälsa: Hur mår du nu?".
pub(crate) fn item_text(instrument: &Instrument, item_id: &str) -> Option<String> {
    let item = instrument.item(item_id)?;
    let question = item.text.get("sv")?;
    Some(match item.short.get("sv") {
        Some(short) => format!("{short}: {question}"),
        None => question.clone(),
    })
}

/// The distance travelled report as a table. For each indicator: the
/// target figure when the indicator's domain has one ("Andel som känner sig
/// närmare arbete eller studier", the same numbers as "Förbättrad"), then
/// improved, unchanged, worse and the mean change. With the instrument, the
/// "Frågetext" column holds the item's name and question.
pub fn distance_table(report: &DistanceReport, instrument: Option<&Instrument>) -> Table {
    let mut metadata = basis_metadata(ReportKind::Distance, &report.basis, UNWEIGHTED);
    metadata.push(("Jämförelse".into(), report.rule.to_owned()));
    metadata.push((
        "Förändring".into(),
        "senaste minus första besvarade mätningen i skalsteg; positivt är alltid bättre \
         (tecknet vänds för frågor där ett lägre svar är bättre)"
            .into(),
    ));
    if let Some(instrument) = instrument {
        metadata.push(("Frågeformulär".into(), instrument.version()));
    }
    let mut rows = Vec::new();
    for indicator in &report.indicators {
        let item = || Item {
            id: Some(indicator.item_id.clone()),
            text: instrument.and_then(|i| item_text(i, &indicator.item_id)),
        };
        let target = TARGETS
            .iter()
            .find(|(domain, _)| *domain == indicator.domain)
            .map(|&(_, label)| label);
        let figures = &indicator.figures;
        let mut shares = |label: &str, pick: fn(&DistanceFigures) -> &Share| {
            for (gender, f) in groups(figures) {
                rows.push(TableRow::share(label, &item(), gender, f.n, pick(f)));
            }
        };
        if let Some(label) = target {
            shares(label, |f| &f.improved);
        }
        shares("Förbättrad", |f| &f.improved);
        shares("Oförändrad", |f| &f.unchanged);
        shares("Försämrad", |f| &f.worse);
        for (gender, f) in groups(figures) {
            rows.push(TableRow::mean(
                "Medelförändring",
                &item(),
                gender,
                f.n,
                f.mean_change.as_ref(),
                Unit::Points,
            ));
        }
    }
    Table {
        kind: ReportKind::Distance,
        k: report.basis.k,
        metadata,
        rows,
    }
}

/// The exit outcome report as a table: one share per outcome and group.
pub fn outcome_table(report: &OutcomeReport) -> Table {
    let mut metadata = basis_metadata(ReportKind::Outcomes, &report.basis, UNWEIGHTED);
    metadata.push((
        "Underlag".into(),
        "deltagare med registrerat avslut; de som fortfarande deltar räknas inte".into(),
    ));
    let mut rows = Vec::new();
    let outcomes = report.figures.total.outcomes.len();
    for o in 0..outcomes {
        for (gender, f) in groups(&report.figures) {
            let f: &OutcomeFigures = f;
            if let Some(outcome) = f.outcomes.get(o) {
                rows.push(TableRow::share(
                    outcome.outcome.label(),
                    &Item::default(),
                    gender,
                    f.n,
                    &outcome.share,
                ));
            }
        }
    }
    Table {
        kind: ReportKind::Outcomes,
        k: report.basis.k,
        metadata,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;
    use stegvis_domain::ndi::WEIGHTING;

    #[test]
    fn every_table_states_its_weighting_and_basis() {
        let (ndi, distance, outcomes) = testdata::reports(5);
        let instrument = testdata::instrument();
        for (table, weighting) in [
            (ndi_table(&ndi), WEIGHTING),
            (distance_table(&distance, Some(&instrument)), UNWEIGHTED),
            (outcome_table(&outcomes), UNWEIGHTED),
        ] {
            let get = |name: &str| {
                table
                    .metadata
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.as_str())
            };
            assert_eq!(get("Viktning"), Some(weighting));
            assert_eq!(get("Minsta redovisade antal (k)"), Some("5"));
            assert_eq!(get("Program"), Some("Steget"));
            assert!(get("Periodregel").unwrap().contains("startdatum"));
            assert!(get("Intervall för andelar").unwrap().contains("Wilson"));
            // Five groups per figure, total first.
            let groups: Vec<&str> = table.rows[..5].iter().map(|r| r.group_label()).collect();
            assert_eq!(
                groups,
                ["Totalt", "Kvinna", "Man", "Annan", "Vill inte ange"]
            );
        }
    }

    #[test]
    fn a_hidden_count_never_keeps_its_share() {
        // A report that (wrongly) kept a proportion beside a hidden count,
        // and a shown count under a hidden n: the table hides both.
        let leaky = Share {
            count: Cell::Small,
            proportion: Some(0.25),
            interval: Some(Interval {
                low: 0.1,
                high: 0.4,
            }),
        };
        let row = TableRow::share("x", &Item::default(), None, Cell::Shown(12), &leaky);
        assert_eq!((row.value, row.interval), (None, None));
        let shown = Share {
            count: Cell::Shown(3),
            ..leaky
        };
        let row = TableRow::share("x", &Item::default(), None, Cell::Small, &shown);
        assert_eq!(row.count, Some(Cell::Complementary));
        assert_eq!((row.value, row.interval), (None, None));
        let mean = Mean {
            value: 70.0,
            sd: Some(3.0),
            interval: None,
        };
        let row = TableRow::mean(
            "m",
            &Item::default(),
            None,
            Cell::Complementary,
            Some(&mean),
            Unit::Index,
        );
        assert_eq!(row.value, None);
    }

    #[test]
    fn distance_rows_carry_targets_and_item_texts() {
        let (_, distance, _) = testdata::reports(0);
        let table = distance_table(&distance, Some(&testdata::instrument()));
        let target = table
            .row(
                "Andel som känner sig närmare arbete eller studier",
                Some("nara"),
                None,
            )
            .unwrap();
        let improved = table.row("Förbättrad", Some("nara"), None).unwrap();
        assert_eq!(target.value, improved.value);
        assert_eq!(target.count, improved.count);
        assert_eq!(
            improved.item_text.as_deref(),
            Some("Nära arbete: Hur nära arbete känner du dig?")
        );
    }
}
