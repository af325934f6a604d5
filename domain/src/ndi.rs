//! NöjdDeltagarIndex (NDI), built like SCB's Nöjd Kund Index: three questions
//! answered 1–10, index = (mean answer − 1) / 9 × 100, so 1 → 0 and 10 → 100.
//!
//! Weighting: equal weights (SCB fits weights with a model Stegvis does not
//! have); every figure states this through [`WEIGHTING`].
//!
//! "Vill inte svara": a respondent's index is the mean of the items they did
//! answer when at least two of the three are answered; with one or none the
//! respondent has no index for that occasion (and is not counted in n). One
//! answer alone says too little about satisfaction "as a whole", and dropping
//! the respondent entirely when one item is declined would lose many people
//! who answered the other two.

use crate::instrument::{AnswerValue, Domain, Instrument};
use std::collections::BTreeMap;

/// How the three items are weighted, stated in every report and export.
pub const WEIGHTING: &str = "lika vikter (medelvärdet av de tre frågorna)";

/// The fewest answered NDI items that give a respondent an index.
pub const MIN_ANSWERED: usize = 2;

/// The index for a mean answer on the 1–10 scale.
pub fn index_of_mean(mean: f64) -> f64 {
    (mean - 1.0) / 9.0 * 100.0
}

/// The respondent's index from their 1–10 scores (declined items left out),
/// or `None` when fewer than [`MIN_ANSWERED`] are answered.
pub fn respondent_index(scores: &[i32]) -> Option<f64> {
    if scores.len() < MIN_ANSWERED {
        return None;
    }
    let sum: i32 = scores.iter().sum();
    Some(index_of_mean(f64::from(sum) / scores.len() as f64))
}

/// The ids of the instrument's satisfaction (NDI) items.
pub fn ndi_items(instrument: &Instrument) -> Vec<&str> {
    instrument
        .items
        .iter()
        .filter(|i| i.domain == Domain::Satisfaction)
        .map(|i| i.id.as_str())
        .collect()
}

/// The respondent's index for one check-in's answers, scored with the
/// instrument; `None` when the check-in had no (or too few) NDI answers.
pub fn check_in_index(
    instrument: &Instrument,
    answers: &BTreeMap<String, AnswerValue>,
) -> Option<f64> {
    let scores: Vec<i32> = ndi_items(instrument)
        .into_iter()
        .filter_map(|id| {
            let item = instrument.item(id)?;
            match answers.get(id)? {
                AnswerValue::Option(code) => item.option(code)?.score,
                AnswerValue::Declined => None,
            }
        })
        .collect();
    respondent_index(&scores)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scbs_published_pairs_hold() {
        // SCB: mean 7.5 → 72, mean 8.7 → 85 (72.2 and 85.6 before rounding).
        assert!((index_of_mean(7.5) - 72.22).abs() < 0.01);
        assert!((index_of_mean(8.7) - 85.56).abs() < 0.01);
        assert_eq!(index_of_mean(1.0), 0.0);
        assert_eq!(index_of_mean(10.0), 100.0);
    }

    #[test]
    fn a_respondent_needs_two_of_three_answers() {
        assert_eq!(respondent_index(&[10, 10, 10]), Some(100.0));
        // 8, 9, 7 → mean 8 → (8 − 1) / 9 × 100 = 77.78
        assert!((respondent_index(&[8, 9, 7]).unwrap() - 77.777).abs() < 0.01);
        // One declined: mean of the other two, 6 and 8 → 7 → 66.67
        assert!((respondent_index(&[6, 8]).unwrap() - 66.666).abs() < 0.01);
        assert_eq!(respondent_index(&[9]), None);
        assert_eq!(respondent_index(&[]), None);
    }

    #[test]
    fn the_default_instrument_has_three_ndi_items_scored_1_to_10() {
        let source = include_str!("../../instruments/stegvis-bas.toml");
        let instrument = Instrument::from_toml(source).unwrap();
        let items = ndi_items(&instrument);
        assert_eq!(items.len(), 3);
        let mut answers = BTreeMap::new();
        answers.insert(items[0].to_owned(), AnswerValue::Option("10".into()));
        answers.insert(items[1].to_owned(), AnswerValue::Option("1".into()));
        answers.insert(items[2].to_owned(), AnswerValue::Declined);
        // 10 and 1 → mean 5.5 → 50
        assert_eq!(check_in_index(&instrument, &answers), Some(50.0));
        answers.insert(items[1].to_owned(), AnswerValue::Declined);
        assert_eq!(check_in_index(&instrument, &answers), None);
    }
}
