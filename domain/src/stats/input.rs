//! The plain data statistics are computed from: respondents with their facts
//! and their check-ins' scores, and an index of the instrument's items.
//!
//! Evaluator figures run over every participant of an association (the
//! benchmark uses 100 000 people with five occasions each), so a check-in
//! keeps its scores in a vector in the instrument's item order rather than a
//! map keyed by item id; [`ItemIndex`] does the translation once, when the
//! data is loaded, and knows which items are NDI items and which are
//! indicators.

use crate::instrument::{AnswerKind, AnswerValue, Domain, Instrument};
use crate::occasion::OccasionKind;
use crate::participant::{ExitOutcome, Gender, Referral};
use crate::progress::is_indicator;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// What statistics need to know about one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedItem {
    pub id: String,
    pub domain: Domain,
    pub kind: AnswerKind,
    pub higher_is_better: bool,
    /// Option codes with their scores, to score stored answers.
    options: Vec<(String, Option<i32>)>,
}

/// The instrument's items by position: position `i` of every
/// [`CheckInScores::scores`] holds the score of `items()[i]`, which is the
/// instrument's `items[i]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemIndex {
    items: Vec<IndexedItem>,
    ndi: Vec<usize>,
    indicators: Vec<usize>,
}

impl ItemIndex {
    /// Indexes an instrument's items, in file order.
    pub fn new(instrument: &Instrument) -> Self {
        Self::merged([instrument])
    }

    /// Indexes the items of every instrument in use, so figures over
    /// programmes with different instruments (or versions) count each item
    /// once: items are matched by id, in the order first met (the first
    /// instrument's file order, then what later ones add). An id keeps one
    /// meaning across versions (uploads that change it are refused, see
    /// [`crate::instrument_changes::conflicts`]); where it met two anyway,
    /// the first instrument's definition holds.
    pub fn merged<'a>(instruments: impl IntoIterator<Item = &'a Instrument>) -> Self {
        let mut items: Vec<IndexedItem> = Vec::new();
        let mut ndi = Vec::new();
        let mut indicators = Vec::new();
        for instrument in instruments {
            for item in &instrument.items {
                if items.iter().any(|known| known.id == item.id) {
                    continue;
                }
                let position = items.len();
                if item.domain == Domain::Satisfaction {
                    ndi.push(position);
                }
                if is_indicator(item) {
                    indicators.push(position);
                }
                items.push(IndexedItem {
                    id: item.id.clone(),
                    domain: item.domain,
                    kind: item.kind,
                    higher_is_better: item.higher_is_better,
                    options: item
                        .options
                        .iter()
                        .map(|o| (o.code.clone(), o.score))
                        .collect(),
                });
            }
        }
        Self {
            items,
            ndi,
            indicators,
        }
    }

    /// Every item, by position.
    pub fn items(&self) -> &[IndexedItem] {
        &self.items
    }

    /// The position of an item id.
    pub fn position(&self, item_id: &str) -> Option<usize> {
        self.items.iter().position(|i| i.id == item_id)
    }

    /// Positions of the satisfaction (NDI) items.
    pub fn ndi_positions(&self) -> &[usize] {
        &self.ndi
    }

    /// Positions of the indicators ([`crate::progress::is_indicator`]): the
    /// items distance travelled is reported for.
    pub fn indicator_positions(&self) -> &[usize] {
        &self.indicators
    }

    /// A check-in's score vector from (item id, score) pairs, as the store
    /// keeps them beside each answer. Unknown ids are ignored.
    pub fn scores<'a>(
        &self,
        pairs: impl IntoIterator<Item = (&'a str, Option<i32>)>,
    ) -> Vec<Option<i32>> {
        let mut scores = vec![None; self.items.len()];
        for (id, score) in pairs {
            if let Some(p) = self.position(id) {
                scores[p] = score;
            }
        }
        scores
    }

    /// A check-in's score vector from its answers, scored with the
    /// instrument: "Vill inte svara", unknown codes and options without a
    /// score ("vet inte") give no score.
    pub fn scores_from_answers(&self, answers: &BTreeMap<String, AnswerValue>) -> Vec<Option<i32>> {
        self.items
            .iter()
            .map(|item| match answers.get(&item.id) {
                Some(AnswerValue::Option(code)) => item
                    .options
                    .iter()
                    .find(|(c, _)| c == code)
                    .and_then(|&(_, score)| score),
                Some(AnswerValue::Declined) | None => None,
            })
            .collect()
    }
}

/// One answered check-in, as scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInScores {
    pub kind: OccasionKind,
    /// 0 for intake and exit, n for follow-up n.
    pub number: u32,
    /// The day it was answered.
    pub date: NaiveDate,
    /// One entry per [`ItemIndex`] position: the score, or `None` when there
    /// is no usable answer ("Vill inte svara", not asked, or an option
    /// without a score). A missed occasion has no `CheckInScores` at all.
    pub scores: Vec<Option<i32>>,
}

impl CheckInScores {
    /// The score at an item position.
    pub fn score(&self, position: usize) -> Option<i32> {
        self.scores.get(position).copied().flatten()
    }

    /// Orders check-ins as the programme runs: the intake first and the exit
    /// last whatever their dates, follow-ups by date and then number. "The
    /// first answered" is then the intake when it was answered and "the
    /// latest" the exit when it was answered, as the stated rules say, even
    /// for data where a follow-up is dated after the exit check-in (the app
    /// never allows one, but imported or corrected data may hold one).
    pub fn order_key(&self) -> (OccasionKind, NaiveDate, u32) {
        (self.kind, self.date, self.number)
    }
}

/// One participant as statistics see them: the facts reports are split and
/// filtered by, and their check-ins. Nothing identifying is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Respondent {
    pub gender: Gender,
    pub birth_year: Option<i32>,
    pub referral: Option<Referral>,
    pub municipality: Option<String>,
    /// The programme (insats) the participant takes part in.
    pub programme: String,
    pub start_date: NaiveDate,
    /// Registered without consent: only gender and start date are kept, so
    /// birth year, referral and municipality are ignored even when given and
    /// filters on them leave the participant out.
    pub anonymous: bool,
    pub exit: Option<(NaiveDate, ExitOutcome)>,
    /// Answered check-ins, in any order.
    pub check_ins: Vec<CheckInScores>,
}

impl Respondent {
    /// Birth year, unless anonymous.
    pub fn known_birth_year(&self) -> Option<i32> {
        self.birth_year.filter(|_| !self.anonymous)
    }

    /// Referring organisation, unless anonymous.
    pub fn known_referral(&self) -> Option<Referral> {
        self.referral.filter(|_| !self.anonymous)
    }

    /// Municipality, unless anonymous.
    pub fn known_municipality(&self) -> Option<&str> {
        if self.anonymous {
            None
        } else {
            self.municipality.as_deref()
        }
    }

    /// Age in whole years reached during the year of `on` (only the birth
    /// year is known), unless anonymous or unknown.
    pub fn age_in_year_of(&self, on: NaiveDate) -> Option<i32> {
        self.known_birth_year().map(|y| on.year() - y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instrument() -> Instrument {
        Instrument::from_toml(include_str!("../../../instruments/stegvis-bas.toml")).unwrap()
    }

    #[test]
    fn the_default_instrument_has_three_ndi_items_and_indicators() {
        let instrument = instrument();
        let index = ItemIndex::new(&instrument);
        assert_eq!(index.items().len(), instrument.items.len());
        assert_eq!(index.ndi_positions().len(), 3);
        let indicators: Vec<&str> = index
            .indicator_positions()
            .iter()
            .map(|&p| index.items()[p].id.as_str())
            .collect();
        assert!(indicators.contains(&"nara-arbete") && indicators.contains(&"aktiva-timmar"));
        assert!(!indicators.contains(&"ndi-helhet") && !indicators.contains(&"nasta-steg"));
    }

    #[test]
    fn merged_index_counts_shared_items_once_and_adds_the_others() {
        let base = instrument();
        // Another programme's instrument: one shared indicator, one own
        // reversed indicator and one own satisfaction item.
        let other = Instrument::from_toml(
            r#"
id = "annat"
languages = ["sv"]
name = { sv = "Annat" }

[[items]]
id = "halsa"
domain = "health"
kind = "scale5"
occasions = ["intake", "exit"]
text = { sv = "Hur mår du?" }
options = [{ text = { sv = "1" } }, { text = { sv = "2" } }, { text = { sv = "3" } }, { text = { sv = "4" } }, { text = { sv = "5" } }]

[[items]]
id = "oro"
domain = "health"
kind = "scale5"
higher_is_better = false
occasions = ["intake", "exit"]
text = { sv = "Hur orolig är du?" }
options = [{ text = { sv = "1" } }, { text = { sv = "2" } }, { text = { sv = "3" } }, { text = { sv = "4" } }, { text = { sv = "5" } }]

[[items]]
id = "nojd-stod"
domain = "satisfaction"
kind = "scale10"
occasions = ["exit"]
text = { sv = "Hur nöjd är du med stödet?" }
options = [{ text = { sv = "Inte alls" } }, { text = { sv = "Mycket" } }]
"#,
        )
        .unwrap();
        let alone = ItemIndex::new(&base);
        let merged = ItemIndex::merged([&base, &other]);
        assert_eq!(merged.items().len(), base.items.len() + 2);
        // The first instrument keeps its positions.
        assert_eq!(&merged.items()[..base.items.len()], alone.items());
        assert_eq!(merged.position("halsa"), alone.position("halsa"));
        let oro = merged.position("oro").unwrap();
        assert!(!merged.items()[oro].higher_is_better);
        assert!(merged.indicator_positions().contains(&oro));
        let nojd = merged.position("nojd-stod").unwrap();
        assert_eq!(
            merged.ndi_positions().len(),
            alone.ndi_positions().len() + 1
        );
        assert!(merged.ndi_positions().contains(&nojd));
        // Answers to the other instrument score at their merged positions.
        let scores = merged.scores([("oro", Some(2)), ("halsa", Some(5))]);
        assert_eq!(scores[oro], Some(2));
        assert_eq!(scores[merged.position("halsa").unwrap()], Some(5));
    }

    #[test]
    fn answers_become_scores_by_position() {
        let index = ItemIndex::new(&instrument());
        let mut answers = BTreeMap::new();
        answers.insert("halsa".to_owned(), AnswerValue::from_form("4"));
        answers.insert("livet".to_owned(), AnswerValue::Declined);
        answers.insert("aktiva-timmar".to_owned(), AnswerValue::from_form("10-19"));
        answers.insert("okand".to_owned(), AnswerValue::from_form("3"));
        let scores = index.scores_from_answers(&answers);
        let at = |id: &str| scores[index.position(id).unwrap()];
        assert_eq!(at("halsa"), Some(4));
        assert_eq!(at("livet"), None);
        assert_eq!(at("aktiva-timmar"), Some(2));
        assert_eq!(at("kontakt"), None);
        let pairs = index.scores([
            ("halsa", Some(4)),
            ("aktiva-timmar", Some(2)),
            ("x", Some(1)),
        ]);
        assert_eq!(pairs, scores);
    }

    #[test]
    fn anonymous_respondents_have_no_identifying_facts() {
        let date = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let mut r = Respondent {
            gender: Gender::Woman,
            birth_year: Some(1985),
            referral: Some(Referral::Kommun),
            municipality: Some("Haninge".into()),
            programme: "A".into(),
            start_date: date,
            anonymous: false,
            exit: None,
            check_ins: Vec::new(),
        };
        assert_eq!(r.age_in_year_of(date), Some(40));
        assert_eq!(r.known_municipality(), Some("Haninge"));
        r.anonymous = true;
        assert_eq!(r.age_in_year_of(date), None);
        assert_eq!(r.known_referral(), None);
        assert_eq!(r.known_municipality(), None);
    }
}
