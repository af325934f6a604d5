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
    /// Parses and validates an instrument file.
    pub fn from_toml(source: &str) -> Result<Self, InstrumentError> {
        let spec: InstrumentSpec =
            toml::from_str(source).map_err(|e| InstrumentError::Syntax(e.to_string()))?;
        Self::from_spec(spec, content_hash(source))
    }

    /// Validates a parsed file. `hash` identifies the version.
    pub fn from_spec(spec: InstrumentSpec, hash: String) -> Result<Self, InstrumentError> {
        use InstrumentError as E;
        if spec.id.trim().is_empty() {
            return Err(E::MissingId);
        }
        if !spec.languages.iter().any(|l| l == REQUIRED_LANGUAGE) {
            return Err(E::MissingLanguage {
                language: REQUIRED_LANGUAGE.into(),
            });
        }
        require_languages(&spec.name, &spec.languages, "(instrument)", "name")?;
        if spec.items.is_empty() {
            return Err(E::NoItems);
        }
        let mut seen = BTreeSet::new();
        let mut items = Vec::with_capacity(spec.items.len());
        for item in spec.items {
            if item.id.trim().is_empty() || !is_code(&item.id) {
                return Err(E::Item {
                    item: item.id.clone(),
                    problem: "the id must be letters a–z, digits, '-' or '_'".into(),
                });
            }
            if !seen.insert(item.id.clone()) {
                return Err(E::Item {
                    item: item.id.clone(),
                    problem: "the id is used by more than one item".into(),
                });
            }
            items.push(validate_item(item, &spec.languages)?);
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

fn require_languages(
    texts: &Texts,
    languages: &[String],
    item: &str,
    field: &str,
) -> Result<(), InstrumentError> {
    for lang in languages {
        match texts.get(lang) {
            Some(t) if !t.trim().is_empty() => {}
            _ => {
                return Err(InstrumentError::Item {
                    item: item.into(),
                    problem: format!("{field} has no text in \"{lang}\""),
                })
            }
        }
    }
    Ok(())
}

fn validate_item(spec: ItemSpec, languages: &[String]) -> Result<Item, InstrumentError> {
    let item_err = |problem: String| InstrumentError::Item {
        item: spec.id.clone(),
        problem,
    };
    require_languages(&spec.text, languages, &spec.id, "the question")?;
    if !spec.help.is_empty() {
        require_languages(&spec.help, languages, &spec.id, "the help text")?;
    }
    if spec.occasions.is_empty() {
        return Err(item_err("no occasions are given".into()));
    }
    let mut occasions = BTreeSet::new();
    for o in &spec.occasions {
        let kind = o
            .parse::<OccasionKind>()
            .map_err(|e| item_err(e.to_string()))?;
        occasions.insert(kind);
    }
    match spec.kind.expected_option_count() {
        Some(n) if spec.options.len() != n => {
            return Err(item_err(format!(
                "a {:?} item needs {n} options, the file gives {}",
                spec.kind,
                spec.options.len()
            )))
        }
        None if spec.options.len() < 2 => {
            return Err(item_err("a choice item needs at least 2 options".into()))
        }
        _ => {}
    }
    for (i, o) in spec.options.iter().enumerate() {
        require_languages(&o.text, languages, &spec.id, &format!("option {}", i + 1))?;
    }
    let options = build_options(&spec).map_err(item_err)?;
    Ok(Item {
        id: spec.id,
        domain: spec.domain,
        kind: spec.kind,
        text: spec.text,
        help: spec.help,
        options,
        occasions,
        higher_is_better: spec.higher_is_better,
    })
}

const HOUR_BANDS: [&str; 5] = ["0", "1-9", "10-19", "20-29", "30-40"];
const YES_NO: [(&str, Option<i32>); 3] = [("yes", Some(1)), ("no", Some(0)), ("dont-know", None)];

fn build_options(spec: &ItemSpec) -> Result<Vec<AnswerOption>, String> {
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
            let mut out = Vec::new();
            for (i, o) in spec.options.iter().enumerate() {
                let code = o
                    .code
                    .clone()
                    .ok_or_else(|| format!("option {} of a choice item needs a code", i + 1))?;
                if !is_code(&code) || code == DECLINED {
                    return Err(format!("option code \"{code}\" is not allowed"));
                }
                if !codes.insert(code.clone()) {
                    return Err(format!("option code \"{code}\" is used twice"));
                }
                out.push(from(i, code, None));
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

impl fmt::Display for AnswerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
