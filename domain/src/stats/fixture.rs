//! Test data shared by the statistics tests: a small instrument with a
//! reversed item, and builders for respondents and check-ins.

use super::{CheckInScores, ItemIndex, Respondent};
use crate::instrument::Instrument;
use crate::occasion::OccasionKind;
use crate::participant::{Gender, Referral};
use chrono::NaiveDate;

/// Items: `halsa` (health, 1–5), `oro` (health, 1–5, lower is better),
/// `nara` (closeness to work, 1–5), `paverka` (influence, 1–5), `livet`
/// (life, 1–5) and three NDI items `n1`–`n3` (1–10).
pub const INSTRUMENT: &str = r#"
id = "test"
name = { sv = "Test" }
languages = ["sv"]

[[items]]
id = "halsa"
domain = "health"
kind = "scale5"
occasions = ["intake", "follow-up", "exit"]
text = { sv = "Hur mår du?" }
options = [
  { text = { sv = "1" } }, { text = { sv = "2" } }, { text = { sv = "3" } },
  { text = { sv = "4" } }, { text = { sv = "5" } },
]

[[items]]
id = "oro"
domain = "health"
kind = "scale5"
higher_is_better = false
occasions = ["intake", "follow-up", "exit"]
text = { sv = "Hur orolig är du?" }
options = [
  { text = { sv = "1" } }, { text = { sv = "2" } }, { text = { sv = "3" } },
  { text = { sv = "4" } }, { text = { sv = "5" } },
]

[[items]]
id = "nara"
domain = "closeness-to-work"
kind = "scale5"
occasions = ["intake", "follow-up", "exit"]
text = { sv = "Hur nära arbete känner du dig?" }
options = [
  { text = { sv = "1" } }, { text = { sv = "2" } }, { text = { sv = "3" } },
  { text = { sv = "4" } }, { text = { sv = "5" } },
]

[[items]]
id = "paverka"
domain = "influence"
kind = "scale5"
occasions = ["intake", "follow-up", "exit"]
text = { sv = "Kan du påverka din planering?" }
options = [
  { text = { sv = "1" } }, { text = { sv = "2" } }, { text = { sv = "3" } },
  { text = { sv = "4" } }, { text = { sv = "5" } },
]

[[items]]
id = "livet"
domain = "life"
kind = "scale5"
occasions = ["intake", "follow-up", "exit"]
text = { sv = "Hur är livet?" }
options = [
  { text = { sv = "1" } }, { text = { sv = "2" } }, { text = { sv = "3" } },
  { text = { sv = "4" } }, { text = { sv = "5" } },
]

[[items]]
id = "n1"
domain = "satisfaction"
kind = "scale10"
occasions = ["follow-up", "exit"]
text = { sv = "Nöjd?" }
options = [{ text = { sv = "Inte alls" } }, { text = { sv = "Helt" } }]

[[items]]
id = "n2"
domain = "satisfaction"
kind = "scale10"
occasions = ["follow-up", "exit"]
text = { sv = "Förväntningar?" }
options = [{ text = { sv = "Inte alls" } }, { text = { sv = "Helt" } }]

[[items]]
id = "n3"
domain = "satisfaction"
kind = "scale10"
occasions = ["follow-up", "exit"]
text = { sv = "Bästa?" }
options = [{ text = { sv = "Inte alls" } }, { text = { sv = "Helt" } }]
"#;

pub fn instrument() -> Instrument {
    Instrument::from_toml(INSTRUMENT).unwrap()
}

pub fn index() -> ItemIndex {
    ItemIndex::new(&instrument())
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A consenting participant in programme "Steget", born 1985, referred by
/// the municipality, living in Haninge, started 2025-01-10.
pub fn person(gender: Gender) -> Respondent {
    Respondent {
        gender,
        birth_year: Some(1985),
        referral: Some(Referral::Kommun),
        municipality: Some("Haninge".into()),
        programme: "Steget".into(),
        start_date: date(2025, 1, 10),
        anonymous: false,
        exit: None,
        check_ins: Vec::new(),
    }
}

/// A check-in with scores by item id (`None`: declined).
pub fn check_in(
    kind: OccasionKind,
    number: u32,
    on: NaiveDate,
    scores: &[(&str, Option<i32>)],
) -> CheckInScores {
    CheckInScores {
        kind,
        number,
        date: on,
        scores: index().scores(scores.iter().copied()),
    }
}

pub fn intake(on: NaiveDate, scores: &[(&str, Option<i32>)]) -> CheckInScores {
    check_in(OccasionKind::Intake, 0, on, scores)
}

/// A check-in with only the three NDI answers.
pub fn ndi_check_in(
    kind: OccasionKind,
    number: u32,
    on: NaiveDate,
    answers: [Option<i32>; 3],
) -> CheckInScores {
    check_in(
        kind,
        number,
        on,
        &[("n1", answers[0]), ("n2", answers[1]), ("n3", answers[2])],
    )
}
