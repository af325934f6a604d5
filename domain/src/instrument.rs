//! Instruments as versioned data.
//!
//! An instrument (the set of statements a participant answers) is a TOML file, not
//! code, so that an association can load its own or a licensed one without a
//! release. Loading validates the whole file and names the item and the problem;
//! the file's content hash is its version, so every stored answer can point at
//! the exact wording it was given under.

use crate::occasion::OccasionKind;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Language every instrument must provide: Swedish easy-read.
pub const REQUIRED_LANGUAGE: &str = "sv";

/// The stored form of "Vill inte svara" (prefer not to answer). It is a choice of
/// its own on every item and never becomes a number.
pub const DECLINED: &str = "declined";

/// Text in several languages, keyed by a BCP 47 language code ("sv", "en", "ar").
pub type Texts = BTreeMap<String, String>;

/// The text in language `lang`, else in Swedish, which every instrument has
/// ([`REQUIRED_LANGUAGE`], checked when it is loaded), so a language added to
/// the app before an instrument is translated still shows every question.
pub fn text_in(texts: &Texts, lang: &str) -> String {
    texts
        .get(lang)
        .or_else(|| texts.get(REQUIRED_LANGUAGE))
        .cloned()
        .unwrap_or_default()
}

/// What a participant chooses for one item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type", content = "code")]
pub enum AnswerValue {
    /// One of the item's options, by its code.
    Option(String),
    /// "Vill inte svara": stored as such, left out of every score.
    Declined,
}

impl AnswerValue {
    /// Reads the form value of a radio button: an option code, or [`DECLINED`].
    pub fn from_form(value: &str) -> Self {
        if value == DECLINED {
            Self::Declined
        } else {
            Self::Option(value.to_owned())
        }
    }

    /// The value a form field carries for this answer.
    pub fn form_value(&self) -> &str {
        match self {
            Self::Option(code) => code,
            Self::Declined => DECLINED,
        }
    }
}

/// The life areas the default instrument covers; reports group indicators by them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Domain {
    Health,
    Life,
    Capacity,
    ClosenessToWork,
    Belief,
    Influence,
    Coordination,
    Knowledge,
    Control,
    MeaningfulDays,
    SocialContact,
    Satisfaction,
    NextStep,
}

impl Domain {
    /// Every domain, in the order of docs/instruments.md.
    pub const ALL: [Domain; 13] = [
        Self::Health,
        Self::Life,
        Self::Capacity,
        Self::ClosenessToWork,
        Self::Belief,
        Self::Influence,
        Self::Coordination,
        Self::Knowledge,
        Self::Control,
        Self::MeaningfulDays,
        Self::SocialContact,
        Self::Satisfaction,
        Self::NextStep,
    ];

    /// The domain as it is spelled in instrument files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Health => "health",
            Self::Life => "life",
            Self::Capacity => "capacity",
            Self::ClosenessToWork => "closeness-to-work",
            Self::Belief => "belief",
            Self::Influence => "influence",
            Self::Coordination => "coordination",
            Self::Knowledge => "knowledge",
            Self::Control => "control",
            Self::MeaningfulDays => "meaningful-days",
            Self::SocialContact => "social-contact",
            Self::Satisfaction => "satisfaction",
            Self::NextStep => "next-step",
        }
    }
}

/// How an item is answered. Each kind fixes its options, so a file cannot
/// describe a scale that reports cannot read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnswerKind {
    /// Five labelled steps, shown with faces; scores 1–5.
    Scale5,
    /// 1–10 with labelled ends (the satisfaction items); scores 1–10.
    Scale10,
    /// Hours a week in bands: 0, 1–9, 10–19, 20–29, 30–40; scores 0–4.
    HoursPerWeek,
    /// Yes / no / don't know; yes scores 1, no 0, don't know has no score.
    YesNo,
    /// One choice from the item's own list; no score.
    Choice,
}

impl AnswerKind {
    /// How many option labels the file must give for this kind (`None`: any number ≥ 2).
    pub fn expected_option_count(self) -> Option<usize> {
        match self {
            Self::Scale5 => Some(5),
            Self::Scale10 => Some(2),
            Self::HoursPerWeek => Some(5),
            Self::YesNo => Some(3),
            Self::Choice => None,
        }
    }
}

/// One option as given in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSpec {
    /// Stable code; required for `choice` items, generated for the other kinds.
    #[serde(default)]
    pub code: Option<String>,
    /// Label per language.
    pub text: Texts,
    /// Name of a picture under `public/pictures/` shown beside the label.
    #[serde(default)]
    pub picture: Option<String>,
}

/// One item as given in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemSpec {
    pub id: String,
    pub domain: Domain,
    pub kind: AnswerKind,
    /// The question per language.
    pub text: Texts,
    /// Optional short help shown under the question.
    #[serde(default)]
    pub help: Texts,
    /// Optional one- or two-word name for charts and tables ("Hälsa"); the
    /// question is used where it is missing.
    #[serde(default)]
    pub short: Texts,
    /// Option labels: for `scale10` the two end labels, for the others one per option.
    pub options: Vec<OptionSpec>,
    /// Occasions where the item is asked.
    pub occasions: Vec<String>,
    /// Whether a higher score means the participant is better off.
    #[serde(default = "default_true")]
    pub higher_is_better: bool,
}

fn default_true() -> bool {
    true
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstrumentSpec {
    pub id: String,
    pub name: Texts,
    /// Languages the file promises complete texts for; must include `sv`.
    pub languages: Vec<String>,
    #[serde(default)]
    pub items: Vec<ItemSpec>,
}

/// An answer option ready to show and to score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerOption {
    pub code: String,
    /// Label per language; empty for the unlabelled middle steps of a 1–10 scale.
    pub text: Texts,
    pub picture: Option<String>,
    /// Numeric score used by charts and statistics, when the kind has one.
    pub score: Option<i32>,
}

/// A validated item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub domain: Domain,
    pub kind: AnswerKind,
    pub text: Texts,
    pub help: Texts,
    /// Short name for charts; empty when the file gives none.
    pub short: Texts,
    pub options: Vec<AnswerOption>,
    pub occasions: BTreeSet<OccasionKind>,
    pub higher_is_better: bool,
}

impl Item {
    /// Finds the option a participant picked, so a stored code can be checked and scored.
    pub fn option(&self, code: &str) -> Option<&AnswerOption> {
        self.options.iter().find(|o| o.code == code)
    }

    /// Whether the item is asked at this occasion.
    pub fn asked_at(&self, occasion: OccasionKind) -> bool {
        self.occasions.contains(&occasion)
    }
}

/// A validated instrument at one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instrument {
    pub id: String,
    /// First 16 hex digits of the SHA-256 of the file: changes whenever the file does.
    pub hash: String,
    pub name: Texts,
    pub languages: Vec<String>,
    pub items: Vec<Item>,
}

impl Instrument {
    /// Parses and validates an instrument file, stopping at its first
    /// problem: what the server's start-up check reports.
    pub fn from_toml(source: &str) -> Result<Self, InstrumentError> {
        Self::check_toml(source).map_err(first_problem)
    }

    /// Parses and validates an instrument file and names every problem in
    /// it, item by item, so an admin can mend an uploaded file in one go.
    /// The list is never empty on `Err`.
    pub fn check_toml(source: &str) -> Result<Self, Vec<InstrumentError>> {
        let spec: InstrumentSpec =
            toml::from_str(source).map_err(|e| vec![InstrumentError::Syntax(e.to_string())])?;
        Self::check_spec(spec, content_hash(source))
    }

    /// Validates a parsed file, stopping at its first problem. `hash`
    /// identifies the version.
    pub fn from_spec(spec: InstrumentSpec, hash: String) -> Result<Self, InstrumentError> {
        Self::check_spec(spec, hash).map_err(first_problem)
    }

    /// Validates a parsed file and names every problem, in file order.
    pub fn check_spec(spec: InstrumentSpec, hash: String) -> Result<Self, Vec<InstrumentError>> {
        use InstrumentError as E;
        let mut problems = Vec::new();
        if spec.id.trim().is_empty() {
            problems.push(E::MissingId);
        }
        if !spec.languages.iter().any(|l| l == REQUIRED_LANGUAGE) {
            problems.push(E::MissingLanguage {
                language: REQUIRED_LANGUAGE.into(),
            });
        }
        problems.extend(missing_languages(
            &spec.name,
            &spec.languages,
            "(instrument)",
            "name",
        ));
        if spec.items.is_empty() {
            problems.push(E::NoItems);
        }
        let mut seen = BTreeSet::new();
        let mut items = Vec::with_capacity(spec.items.len());
        for item in spec.items {
            if item.id.trim().is_empty() || !is_code(&item.id) {
                problems.push(E::Item {
                    item: item.id.clone(),
                    problem: "the id must be letters a–z, digits, '-' or '_'".into(),
                });
            } else if !seen.insert(item.id.clone()) {
                problems.push(E::Item {
                    item: item.id.clone(),
                    problem: "the id is used by more than one item".into(),
                });
            }
            match validate_item(item, &spec.languages) {
                Ok(item) => items.push(item),
                Err(found) => problems.extend(found),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            id: spec.id,
            hash,
            name: spec.name,
            languages: spec.languages,
            items,
        })
    }

    /// The version identifier stored beside every answer: `id@hash`.
    pub fn version(&self) -> String {
        format!("{}@{}", self.id, self.hash)
    }

    /// Looks an item up by id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The items asked at an occasion, in file order.
    pub fn items_for(&self, occasion: OccasionKind) -> Vec<&Item> {
        self.items.iter().filter(|i| i.asked_at(occasion)).collect()
    }
}

/// The version hash of a file's text.
pub fn content_hash(source: &str) -> String {
    let digest = Sha256::digest(source.as_bytes());
    digest
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

fn is_code(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// The first of a non-empty list of problems (the start-up check's report).
fn first_problem(mut problems: Vec<InstrumentError>) -> InstrumentError {
    if problems.is_empty() {
        InstrumentError::Syntax("the file was refused without a reason".into())
    } else {
        problems.swap_remove(0)
    }
}

/// One problem for every listed language `texts` has no (or only a blank)
/// text in.
fn missing_languages(
    texts: &Texts,
    languages: &[String],
    item: &str,
    field: &str,
) -> Vec<InstrumentError> {
    languages
        .iter()
        .filter(|lang| texts.get(*lang).is_none_or(|t| t.trim().is_empty()))
        .map(|lang| InstrumentError::Item {
            item: item.into(),
            problem: format!("{field} has no text in \"{lang}\""),
        })
        .collect()
}

/// Checks one item and names every problem in it.
fn validate_item(spec: ItemSpec, languages: &[String]) -> Result<Item, Vec<InstrumentError>> {
    let item_err = |problem: String| InstrumentError::Item {
        item: spec.id.clone(),
        problem,
    };
    let mut problems = missing_languages(&spec.text, languages, &spec.id, "the question");
    if !spec.short.is_empty() {
        problems.extend(missing_languages(
            &spec.short,
            languages,
            &spec.id,
            "the short name",
        ));
    }
    if !spec.help.is_empty() {
        problems.extend(missing_languages(
            &spec.help,
            languages,
            &spec.id,
            "the help text",
        ));
    }
    if spec.occasions.is_empty() {
        problems.push(item_err("no occasions are given".into()));
    }
    let mut occasions = BTreeSet::new();
    for o in &spec.occasions {
        match o.parse::<OccasionKind>() {
            Ok(kind) => {
                occasions.insert(kind);
            }
            Err(e) => problems.push(item_err(e.to_string())),
        }
    }
    match spec.kind.expected_option_count() {
        Some(n) if spec.options.len() != n => {
            problems.push(item_err(format!(
                "a {} item needs {n} options, the file gives {}",
                spec.kind,
                spec.options.len()
            )));
        }
        None if spec.options.len() < 2 => {
            problems.push(item_err("a choice item needs at least 2 options".into()));
        }
        _ => {}
    }
    for (i, o) in spec.options.iter().enumerate() {
        problems.extend(missing_languages(
            &o.text,
            languages,
            &spec.id,
            &format!("option {}", i + 1),
        ));
    }
    let options = match build_options(&spec) {
        Ok(options) => options,
        Err(found) => {
            problems.extend(found.into_iter().map(item_err));
            Vec::new()
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Item {
        id: spec.id,
        domain: spec.domain,
        kind: spec.kind,
        text: spec.text,
        help: spec.help,
        short: spec.short,
        options,
        occasions,
        higher_is_better: spec.higher_is_better,
    })
}

const HOUR_BANDS: [&str; 5] = ["0", "1-9", "10-19", "20-29", "30-40"];
const YES_NO: [(&str, Option<i32>); 3] = [("yes", Some(1)), ("no", Some(0)), ("dont-know", None)];

/// The item's options with their fixed codes and scores; for `choice`,
/// every problem with the file's codes.
fn build_options(spec: &ItemSpec) -> Result<Vec<AnswerOption>, Vec<String>> {
    let given = |i: usize| spec.options.get(i);
    let from = |i: usize, code: String, score: Option<i32>| AnswerOption {
        code,
        text: given(i).map(|o| o.text.clone()).unwrap_or_default(),
        picture: given(i).and_then(|o| o.picture.clone()),
        score,
    };
    let options = match spec.kind {
        AnswerKind::Scale5 => (1..=5)
            .map(|n| from(n as usize - 1, n.to_string(), Some(n)))
            .collect(),
        AnswerKind::Scale10 => (1..=10)
            .map(|n| match n {
                1 => from(0, "1".into(), Some(1)),
                10 => from(1, "10".into(), Some(10)),
                _ => AnswerOption {
                    code: n.to_string(),
                    text: Texts::new(),
                    picture: None,
                    score: Some(n),
                },
            })
            .collect(),
        AnswerKind::HoursPerWeek => HOUR_BANDS
            .iter()
            .zip(0..)
            .map(|(code, score)| from(score as usize, (*code).into(), Some(score)))
            .collect(),
        AnswerKind::YesNo => YES_NO
            .iter()
            .enumerate()
            .map(|(i, (code, score))| from(i, (*code).into(), *score))
            .collect(),
        AnswerKind::Choice => {
            let mut codes = BTreeSet::new();
            let mut problems = Vec::new();
            let mut out = Vec::new();
            for (i, o) in spec.options.iter().enumerate() {
                let Some(code) = o.code.clone() else {
                    problems.push(format!("option {} of a choice item needs a code", i + 1));
                    continue;
                };
                if code.is_empty() || !is_code(&code) || code == DECLINED {
                    problems.push(format!("option code \"{code}\" is not allowed"));
                } else if !codes.insert(code.clone()) {
                    problems.push(format!("option code \"{code}\" is used twice"));
                }
                out.push(from(i, code, None));
            }
            if !problems.is_empty() {
                return Err(problems);
            }
            out
        }
    };
    Ok(options)
}

/// Why an instrument file was refused. Every message names the item and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstrumentError {
    #[error("the instrument file cannot be read: {0}")]
    Syntax(String),
    #[error("the instrument has no id")]
    MissingId,
    #[error("the instrument must list the language \"{language}\"")]
    MissingLanguage { language: String },
    #[error("the instrument has no items")]
    NoItems,
    #[error("item \"{item}\": {problem}")]
    Item { item: String, problem: String },
}

impl AnswerKind {
    /// The kind as it is spelled in instrument files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scale5 => "scale5",
            Self::Scale10 => "scale10",
            Self::HoursPerWeek => "hours-per-week",
            Self::YesNo => "yes-no",
            Self::Choice => "choice",
        }
    }
}

impl fmt::Display for AnswerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = r#"
id = "test"
languages = ["sv"]
name = { sv = "Test" }
"#;

    const VALID: &str = r#"
id = "test"
languages = ["sv", "en"]
name = { sv = "Test", en = "Test" }

[[items]]
id = "halsa"
domain = "health"
kind = "scale5"
occasions = ["intake", "follow-up", "exit"]
text = { sv = "Hur mår du?", en = "How are you?" }
help = { sv = "Välj en bild.", en = "Pick a picture." }
options = [
  { text = { sv = "Mycket dåligt", en = "Very bad" }, picture = "face-1" },
  { text = { sv = "Dåligt", en = "Bad" }, picture = "face-2" },
  { text = { sv = "Okej", en = "Okay" }, picture = "face-3" },
  { text = { sv = "Bra", en = "Good" }, picture = "face-4" },
  { text = { sv = "Mycket bra", en = "Very good" }, picture = "face-5" },
]

[[items]]
id = "nojd"
domain = "satisfaction"
kind = "scale10"
occasions = ["exit"]
text = { sv = "Hur nöjd är du?", en = "How satisfied are you?" }
options = [
  { text = { sv = "Inte alls nöjd", en = "Not at all" } },
  { text = { sv = "Mycket nöjd", en = "Very" } },
]

[[items]]
id = "timmar"
domain = "meaningful-days"
kind = "hours-per-week"
occasions = ["intake", "exit"]
text = { sv = "Hur många timmar?", en = "How many hours?" }
higher_is_better = false
options = [
  { text = { sv = "0", en = "0" } },
  { text = { sv = "1-9", en = "1-9" } },
  { text = { sv = "10-19", en = "10-19" } },
  { text = { sv = "20-29", en = "20-29" } },
  { text = { sv = "30-40", en = "30-40" } },
]

[[items]]
id = "vill-arbeta"
domain = "closeness-to-work"
kind = "yes-no"
occasions = ["follow-up"]
text = { sv = "Vill du arbeta?", en = "Do you want to work?" }
options = [
  { text = { sv = "Ja", en = "Yes" } },
  { text = { sv = "Nej", en = "No" } },
  { text = { sv = "Vet inte", en = "Don't know" } },
]

[[items]]
id = "nasta_steg"
domain = "next-step"
kind = "choice"
occasions = ["exit", "intake"]
text = { sv = "Vad gör du sen?", en = "What next?" }
options = [
  { code = "work", text = { sv = "Jobb", en = "Work" } },
  { code = "study", text = { sv = "Plugg", en = "Study" } },
  { code = "other", text = { sv = "Annat", en = "Other" } },
]
"#;

    fn valid() -> Instrument {
        Instrument::from_toml(VALID).expect("the test instrument is valid")
    }

    fn codes(item: &Item) -> Vec<&str> {
        item.options.iter().map(|o| o.code.as_str()).collect()
    }

    fn scores(item: &Item) -> Vec<Option<i32>> {
        item.options.iter().map(|o| o.score).collect()
    }

    fn sv(texts: &Texts) -> Option<&str> {
        texts.get("sv").map(String::as_str)
    }

    /// An instrument with the Swedish-only header and the given items.
    fn with_items(items: &str) -> String {
        format!("{HEADER}\n{items}")
    }

    /// A scale5 item with the given id, occasions and number of options.
    fn scale5(id: &str, occasions: &str, options: usize) -> String {
        let options: Vec<String> = (1..=options)
            .map(|n| format!("{{ text = {{ sv = \"Steg {n}\" }} }}"))
            .collect();
        format!(
            r#"
[[items]]
id = "{id}"
domain = "health"
kind = "scale5"
occasions = {occasions}
text = {{ sv = "Hur mår du?" }}
options = [{}]
"#,
            options.join(", ")
        )
    }

    /// Parses `source`, expects an item error and returns (item, problem, message).
    fn item_error(source: &str) -> (String, String, String) {
        match Instrument::from_toml(source) {
            Err(e @ InstrumentError::Item { .. }) => {
                let message = e.to_string();
                let InstrumentError::Item { item, problem } = e else {
                    unreachable!()
                };
                (item, problem, message)
            }
            other => panic!("expected an item error, got {other:?}"),
        }
    }

    fn assert_item_error(source: &str, expected_item: &str, problem_contains: &[&str]) {
        let (item, problem, message) = item_error(source);
        assert_eq!(item, expected_item, "wrong item named: {message}");
        assert!(
            message.contains(&format!("\"{expected_item}\"")),
            "message does not name the item: {message}"
        );
        for part in problem_contains {
            assert!(
                problem.contains(part),
                "problem {problem:?} does not mention {part:?}"
            );
        }
    }

    // ---- a valid instrument ----

    #[test]
    fn valid_instrument_parses_with_items_in_file_order() {
        let instrument = valid();
        assert_eq!(instrument.id, "test");
        assert_eq!(instrument.languages, ["sv", "en"]);
        assert_eq!(sv(&instrument.name), Some("Test"));
        let ids: Vec<&str> = instrument.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            ["halsa", "nojd", "timmar", "vill-arbeta", "nasta_steg"]
        );
        let halsa = instrument.item("halsa").unwrap();
        assert_eq!(halsa.domain, Domain::Health);
        assert_eq!(halsa.kind, AnswerKind::Scale5);
        assert_eq!(sv(&halsa.text), Some("Hur mår du?"));
        assert_eq!(sv(&halsa.help), Some("Välj en bild."));
        assert!(instrument.item("saknas").is_none());
    }

    #[test]
    fn scale5_options_are_coded_and_scored_one_to_five() {
        let instrument = valid();
        let item = instrument.item("halsa").unwrap();
        assert_eq!(codes(item), ["1", "2", "3", "4", "5"]);
        assert_eq!(scores(item), [1, 2, 3, 4, 5].map(Some));
        assert_eq!(sv(&item.options[0].text), Some("Mycket dåligt"));
        assert_eq!(sv(&item.options[4].text), Some("Mycket bra"));
        assert_eq!(item.options[0].picture.as_deref(), Some("face-1"));
        assert_eq!(item.options[4].picture.as_deref(), Some("face-5"));
        assert_eq!(item.option("3").and_then(|o| o.score), Some(3));
        assert!(item.option("6").is_none());
        assert!(item.option("0").is_none());
    }

    #[test]
    fn scale10_has_ten_options_labelled_only_at_the_ends() {
        let instrument = valid();
        let item = instrument.item("nojd").unwrap();
        assert_eq!(
            codes(item),
            ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]
        );
        assert_eq!(scores(item), (1..=10).map(Some).collect::<Vec<_>>());
        assert_eq!(sv(&item.options[0].text), Some("Inte alls nöjd"));
        assert_eq!(sv(&item.options[9].text), Some("Mycket nöjd"));
        for middle in &item.options[1..9] {
            assert!(middle.text.is_empty(), "option {} has a label", middle.code);
            assert_eq!(middle.picture, None);
        }
    }

    #[test]
    fn hours_per_week_options_are_bands_scored_zero_to_four() {
        let instrument = valid();
        let item = instrument.item("timmar").unwrap();
        assert_eq!(codes(item), ["0", "1-9", "10-19", "20-29", "30-40"]);
        assert_eq!(scores(item), [0, 1, 2, 3, 4].map(Some));
        assert_eq!(sv(&item.options[1].text), Some("1-9"));
    }

    #[test]
    fn yes_no_scores_yes_one_no_zero_and_dont_know_nothing() {
        let instrument = valid();
        let item = instrument.item("vill-arbeta").unwrap();
        assert_eq!(codes(item), ["yes", "no", "dont-know"]);
        assert_eq!(scores(item), [Some(1), Some(0), None]);
        assert_eq!(sv(&item.options[0].text), Some("Ja"));
        assert_eq!(sv(&item.options[2].text), Some("Vet inte"));
    }

    #[test]
    fn choice_options_keep_the_file_codes_and_have_no_score() {
        let instrument = valid();
        let item = instrument.item("nasta_steg").unwrap();
        assert_eq!(codes(item), ["work", "study", "other"]);
        assert_eq!(scores(item), [None, None, None]);
        assert_eq!(sv(&item.options[1].text), Some("Plugg"));
    }

    #[test]
    fn items_for_filters_by_occasion_in_file_order() {
        let instrument = valid();
        let ids = |o| -> Vec<String> {
            instrument
                .items_for(o)
                .into_iter()
                .map(|i| i.id.clone())
                .collect()
        };
        assert_eq!(ids(OccasionKind::Intake), ["halsa", "timmar", "nasta_steg"]);
        assert_eq!(ids(OccasionKind::FollowUp), ["halsa", "vill-arbeta"]);
        assert_eq!(
            ids(OccasionKind::Exit),
            ["halsa", "nojd", "timmar", "nasta_steg"]
        );
        let item = instrument.item("nasta_steg").unwrap();
        assert!(item.asked_at(OccasionKind::Exit));
        assert!(!item.asked_at(OccasionKind::FollowUp));
    }

    #[test]
    fn higher_is_better_defaults_to_true() {
        let instrument = valid();
        assert!(instrument.item("halsa").unwrap().higher_is_better);
        assert!(instrument.item("nasta_steg").unwrap().higher_is_better);
        assert!(!instrument.item("timmar").unwrap().higher_is_better);
    }

    // ---- errors for the whole file ----

    #[test]
    fn syntax_error_is_reported_as_syntax() {
        let source = with_items(&scale5("halsa", r#"["intake"]"#, 5)).replace("kind = ", "kind ");
        match Instrument::from_toml(&source) {
            Err(InstrumentError::Syntax(message)) => assert!(!message.is_empty()),
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn empty_id_is_refused() {
        let source = with_items(&scale5("halsa", r#"["intake"]"#, 5))
            .replace(r#"id = "test""#, r#"id = "  ""#);
        assert_eq!(
            Instrument::from_toml(&source),
            Err(InstrumentError::MissingId)
        );
    }

    #[test]
    fn languages_without_swedish_are_refused() {
        let source = with_items(&scale5("halsa", r#"["intake"]"#, 5))
            .replace(r#"languages = ["sv"]"#, r#"languages = ["en"]"#);
        let err = Instrument::from_toml(&source).unwrap_err();
        assert_eq!(
            err,
            InstrumentError::MissingLanguage {
                language: "sv".into()
            }
        );
        assert!(err.to_string().contains("\"sv\""));
    }

    #[test]
    fn instrument_without_items_is_refused() {
        assert_eq!(Instrument::from_toml(HEADER), Err(InstrumentError::NoItems));
        assert_eq!(
            Instrument::from_toml(&format!("{HEADER}items = []\n")),
            Err(InstrumentError::NoItems)
        );
    }

    #[test]
    fn instrument_name_must_have_every_language() {
        let source = with_items(&scale5("halsa", r#"["intake"]"#, 5))
            .replace(r#"languages = ["sv"]"#, r#"languages = ["sv", "en"]"#);
        // The item texts lack "en" too, but the name is checked first.
        assert_item_error(&source, "(instrument)", &["name", "\"en\""]);
    }

    // ---- errors for one item ----

    #[test]
    fn duplicate_item_id_is_refused() {
        let source = with_items(&format!(
            "{}{}{}",
            scale5("halsa", r#"["intake"]"#, 5),
            scale5("annan", r#"["intake"]"#, 5),
            scale5("halsa", r#"["exit"]"#, 5)
        ));
        assert_item_error(&source, "halsa", &["more than one item"]);
    }

    #[test]
    fn item_id_with_bad_characters_is_refused() {
        for bad in ["Halsa", "hälsa", "hur mår", "a.b", "a/b"] {
            let source = with_items(&scale5(bad, r#"["intake"]"#, 5));
            assert_item_error(&source, bad, &["id", "a–z"]);
        }
        let (item, problem, _) = item_error(&with_items(&scale5("", r#"["intake"]"#, 5)));
        assert_eq!(item, "");
        assert!(problem.contains("id"), "{problem}");
    }

    #[test]
    fn item_id_with_allowed_characters_is_accepted() {
        let source = with_items(&scale5("a-b_c-9", r#"["intake"]"#, 5));
        assert!(Instrument::from_toml(&source).is_ok());
    }

    #[test]
    fn missing_swedish_question_text_is_refused() {
        let source = with_items(&scale5("halsa", r#"["intake"]"#, 5).replace(
            r#"text = { sv = "Hur mår du?" }"#,
            r#"text = { en = "How are you?" }"#,
        ));
        assert_item_error(&source, "halsa", &["question", "\"sv\""]);
    }

    #[test]
    fn blank_swedish_question_text_is_refused() {
        let source = with_items(&scale5("halsa", r#"["intake"]"#, 5).replace(
            r#"text = { sv = "Hur mår du?" }"#,
            r#"text = { sv = "   " }"#,
        ));
        assert_item_error(&source, "halsa", &["question", "\"sv\""]);
    }

    #[test]
    fn missing_text_in_another_listed_language_is_refused() {
        let source = VALID.replace(
            r#"text = { sv = "Hur nöjd är du?", en = "How satisfied are you?" }"#,
            r#"text = { sv = "Hur nöjd är du?" }"#,
        );
        assert_ne!(source, VALID);
        assert_item_error(&source, "nojd", &["question", "\"en\""]);
    }

    #[test]
    fn missing_option_label_in_a_listed_language_is_refused() {
        let source = VALID.replace(
            r#"{ text = { sv = "Vet inte", en = "Don't know" } }"#,
            r#"{ text = { sv = "Vet inte" } }"#,
        );
        assert_ne!(source, VALID);
        assert_item_error(&source, "vill-arbeta", &["option 3", "\"en\""]);
    }

    #[test]
    fn incomplete_help_text_is_refused() {
        let source = VALID.replace(
            r#"help = { sv = "Välj en bild.", en = "Pick a picture." }"#,
            r#"help = { sv = "Välj en bild." }"#,
        );
        assert_ne!(source, VALID);
        assert_item_error(&source, "halsa", &["help", "\"en\""]);
    }

    #[test]
    fn empty_occasions_are_refused() {
        let source = with_items(&scale5("halsa", "[]", 5));
        assert_item_error(&source, "halsa", &["occasions"]);
    }

    #[test]
    fn unknown_occasion_is_refused_and_named() {
        let source = with_items(&scale5("halsa", r#"["intake", "midway"]"#, 5));
        assert_item_error(&source, "halsa", &["\"midway\""]);
    }

    #[test]
    fn scale5_with_four_options_is_refused() {
        let source = with_items(&format!(
            "{}{}",
            scale5("forsta", r#"["intake"]"#, 5),
            scale5("halsa", r#"["intake"]"#, 4)
        ));
        assert_item_error(&source, "halsa", &["5 options", "gives 4"]);
    }

    #[test]
    fn scale5_with_six_options_is_refused() {
        let source = with_items(&scale5("halsa", r#"["intake"]"#, 6));
        assert_item_error(&source, "halsa", &["5 options", "gives 6"]);
    }

    #[test]
    fn yes_no_with_two_options_is_refused() {
        let source = VALID.replace(
            r#"
  { text = { sv = "Vet inte", en = "Don't know" } },"#,
            "",
        );
        assert_ne!(source, VALID);
        assert_item_error(&source, "vill-arbeta", &["3 options", "gives 2"]);
    }

    #[test]
    fn scale10_with_three_options_is_refused() {
        let source = VALID.replace(
            r#"  { text = { sv = "Mycket nöjd", en = "Very" } },"#,
            r#"  { text = { sv = "Mitten", en = "Middle" } },
  { text = { sv = "Mycket nöjd", en = "Very" } },"#,
        );
        assert_ne!(source, VALID);
        assert_item_error(&source, "nojd", &["2 options", "gives 3"]);
    }

    #[test]
    fn hours_per_week_with_four_options_is_refused() {
        let source = VALID.replace(
            r#"
  { text = { sv = "30-40", en = "30-40" } },"#,
            "",
        );
        assert_ne!(source, VALID);
        assert_item_error(&source, "timmar", &["5 options", "gives 4"]);
    }

    /// A choice item with the given option lines.
    fn choice(options: &str) -> String {
        with_items(&format!(
            r#"
[[items]]
id = "nasta"
domain = "next-step"
kind = "choice"
occasions = ["exit"]
text = {{ sv = "Vad gör du sen?" }}
options = [{options}]
"#
        ))
    }

    #[test]
    fn choice_with_fewer_than_two_options_is_refused() {
        assert_item_error(
            &choice(r#"{ code = "work", text = { sv = "Jobb" } }"#),
            "nasta",
            &["at least 2 options"],
        );
        assert_item_error(&choice(""), "nasta", &["at least 2 options"]);
    }

    #[test]
    fn choice_option_without_code_is_refused() {
        let source =
            choice(r#"{ code = "work", text = { sv = "Jobb" } }, { text = { sv = "Plugg" } }"#);
        assert_item_error(&source, "nasta", &["option 2", "code"]);
    }

    #[test]
    fn duplicate_choice_code_is_refused() {
        let source = choice(
            r#"{ code = "work", text = { sv = "Jobb" } },
               { code = "study", text = { sv = "Plugg" } },
               { code = "work", text = { sv = "Arbete" } }"#,
        );
        assert_item_error(&source, "nasta", &["\"work\"", "twice"]);
    }

    #[test]
    fn choice_code_declined_is_refused() {
        let source = choice(
            r#"{ code = "work", text = { sv = "Jobb" } },
               { code = "declined", text = { sv = "Vill inte" } }"#,
        );
        assert_item_error(&source, "nasta", &["\"declined\"", "not allowed"]);
    }

    #[test]
    fn choice_code_with_bad_characters_is_refused() {
        for bad in ["Work", "jobb!", "två ord"] {
            let source = choice(&format!(
                r#"{{ code = "work", text = {{ sv = "Jobb" }} }},
                   {{ code = "{bad}", text = {{ sv = "Annat" }} }}"#
            ));
            assert_item_error(&source, "nasta", &[&format!("\"{bad}\""), "not allowed"]);
        }
    }

    #[test]
    fn empty_choice_code_is_refused() {
        let source = choice(
            r#"{ code = "work", text = { sv = "Jobb" } },
               { code = "", text = { sv = "Annat" } }"#,
        );
        assert_item_error(&source, "nasta", &["\"\"", "not allowed"]);
    }

    #[test]
    fn unknown_item_field_is_refused() {
        let source = with_items(
            &scale5("halsa", r#"["intake"]"#, 5).replace("kind = ", "colour = \"red\"\nkind = "),
        );
        match Instrument::from_toml(&source) {
            Err(InstrumentError::Syntax(message)) => {
                assert!(message.contains("colour"), "{message}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn unknown_option_and_top_level_fields_are_refused() {
        let source = with_items(&scale5("halsa", r#"["intake"]"#, 5).replace(
            "{ text = { sv = \"Steg 2\" } }",
            "{ text = { sv = \"Steg 2\" }, score = 9 }",
        ));
        assert!(source.contains("score = 9"));
        match Instrument::from_toml(&source) {
            Err(InstrumentError::Syntax(message)) => {
                assert!(message.contains("score"), "{message}")
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        let source = format!(
            "author = \"x\"\n{}",
            with_items(&scale5("halsa", r#"["intake"]"#, 5))
        );
        match Instrument::from_toml(&source) {
            Err(InstrumentError::Syntax(message)) => {
                assert!(message.contains("author"), "{message}")
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn unknown_kind_and_domain_are_refused() {
        let source =
            with_items(&scale5("halsa", r#"["intake"]"#, 5).replace("\"scale5\"", "\"scale7\""));
        assert!(matches!(
            Instrument::from_toml(&source),
            Err(InstrumentError::Syntax(m)) if m.contains("scale7")
        ));
        let source =
            with_items(&scale5("halsa", r#"["intake"]"#, 5).replace("\"health\"", "\"wealth\""));
        assert!(matches!(
            Instrument::from_toml(&source),
            Err(InstrumentError::Syntax(m)) if m.contains("wealth")
        ));
    }

    // ---- versions ----

    fn is_hex16(s: &str) -> bool {
        s.len() == 16
            && s.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    }

    #[test]
    fn check_names_every_problem_of_every_item_and_stores_nothing_half_read() {
        let source = format!(
            r#"{HEADER}
[[items]]
id = "forsta"
domain = "health"
kind = "scale5"
occasions = ["intake", "sometimes"]
text = {{ sv = "" }}
options = [{{ text = {{ sv = "a" }} }}]

[[items]]
id = "Andra"
domain = "life"
kind = "choice"
occasions = []
text = {{ sv = "Fråga" }}
options = [{{ text = {{ sv = "a" }} }}, {{ code = "declined", text = {{ sv = "b" }} }}]
"#
        );
        let problems = Instrument::check_toml(&source).unwrap_err();
        let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let expected = [
            "item \"forsta\": the question has no text in \"sv\"",
            "item \"forsta\": unknown occasion \"sometimes\"",
            "item \"forsta\": a scale5 item needs 5 options, the file gives 1",
            "item \"Andra\": the id must be letters",
            "item \"Andra\": no occasions are given",
            "item \"Andra\": option 1 of a choice item needs a code",
            "item \"Andra\": option code \"declined\" is not allowed",
        ];
        for e in expected {
            assert!(
                messages.iter().any(|m| m.starts_with(e)),
                "{e:?} missing from {messages:#?}"
            );
        }
        assert_eq!(messages.len(), expected.len(), "{messages:#?}");
        // The start-up check reports the first of them.
        assert_eq!(
            Instrument::from_toml(&source).unwrap_err().to_string(),
            messages[0]
        );
    }

    #[test]
    fn check_of_a_valid_file_gives_the_same_instrument_as_from_toml() {
        assert_eq!(Instrument::check_toml(VALID).unwrap(), valid());
    }

    #[test]
    fn domain_names_are_the_files_spelling() {
        for d in Domain::ALL {
            let parsed: Domain =
                serde::Deserialize::deserialize(toml::Value::String(d.as_str().into())).unwrap();
            assert_eq!(parsed, d);
        }
    }

    #[test]
    fn same_text_gives_same_version() {
        let a = valid();
        let b = valid();
        assert_eq!(a.hash, b.hash);
        assert_eq!(a.version(), b.version());
        assert_eq!(a.hash, content_hash(VALID));
    }

    #[test]
    fn any_change_gives_a_new_version() {
        let base = valid();
        let changes = [
            VALID.replace("Hur mår du?", "Hur  mår du?"),
            VALID.replace("Hur mår du?", "Hur mår du? "),
            VALID.replace("Jobb", "Arbete"),
            format!("{VALID}\n"),
            format!("# en kommentar\n{VALID}"),
        ];
        let mut seen = BTreeSet::from([base.hash.clone()]);
        for changed in &changes {
            assert_ne!(changed, VALID);
            let other = Instrument::from_toml(changed).unwrap();
            assert_eq!(other.id, base.id);
            assert_ne!(other.version(), base.version(), "{changed}");
            assert!(seen.insert(other.hash), "two changes share a hash");
        }
    }

    #[test]
    fn version_is_id_at_sixteen_hex_digits() {
        let instrument = valid();
        let version = instrument.version();
        let (id, hash) = version.split_once('@').unwrap();
        assert_eq!(id, "test");
        assert_eq!(hash, instrument.hash);
        assert!(is_hex16(hash), "{hash}");
        assert!(is_hex16(&content_hash("")));
        // SHA-256("") starts e3b0c44298fc1c14.
        assert_eq!(content_hash(""), "e3b0c44298fc1c14");
    }

    #[test]
    fn from_spec_keeps_the_hash_it_is_given() {
        let spec: InstrumentSpec = toml::from_str(VALID).unwrap();
        let instrument = Instrument::from_spec(spec, "0123456789abcdef".into()).unwrap();
        assert_eq!(instrument.version(), "test@0123456789abcdef");
    }

    // ---- answer values ----

    #[test]
    fn declined_form_value_is_declined_and_others_are_options() {
        assert_eq!(AnswerValue::from_form("declined"), AnswerValue::Declined);
        assert_eq!(AnswerValue::from_form(DECLINED), AnswerValue::Declined);
        assert_eq!(AnswerValue::from_form("3"), AnswerValue::Option("3".into()));
        assert_eq!(
            AnswerValue::from_form("dont-know"),
            AnswerValue::Option("dont-know".into())
        );
        assert_eq!(
            AnswerValue::from_form("Declined"),
            AnswerValue::Option("Declined".into())
        );
        assert_eq!(
            AnswerValue::from_form(""),
            AnswerValue::Option(String::new())
        );
    }

    #[test]
    fn form_value_round_trips() {
        for value in ["declined", "1", "10", "30-40", "yes", "dont-know", "work"] {
            assert_eq!(AnswerValue::from_form(value).form_value(), value);
        }
        for answer in [AnswerValue::Declined, AnswerValue::Option("study".into())] {
            assert_eq!(AnswerValue::from_form(answer.form_value()), answer);
        }
    }
}
