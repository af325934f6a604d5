//! Checking a participant's answers against the instrument version and occasion
//! they were given under, before anything is stored.
//!
//! The same rules serve every way answers arrive (one step at a time from a form,
//! or a whole submission from a client that was offline), so they live here and
//! not in a request handler.

use crate::instrument::{AnswerValue, Instrument, Item};
use crate::occasion::OccasionKind;
use std::collections::BTreeMap;

/// Largest number of answers one submission may carry; more is refused unread.
pub const MAX_ANSWERS: usize = 200;

/// Why an answer or a submission was refused. Messages are shown to people, so
/// they say what is wrong in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckInError {
    #[error("Frågan \"{item}\" finns inte i formuläret.")]
    UnknownItem { item: String },
    #[error("Frågan \"{item}\" ställs inte vid det här tillfället.")]
    NotAskedAtOccasion { item: String, occasion: OccasionKind },
    #[error("Svaret \"{value}\" finns inte för frågan \"{item}\".")]
    UnknownOption { item: String, value: String },
    #[error("Frågan \"{item}\" har inget svar än.")]
    Missing { item: String },
    #[error("För många svar i samma inskick.")]
    TooManyAnswers,
}

/// Checks one answer and returns the score to store beside it.
pub fn check_answer<'i>(
    instrument: &'i Instrument,
    occasion: OccasionKind,
    item_id: &str,
    value: &AnswerValue,
) -> Result<(&'i Item, Option<i32>), CheckInError> {
    let item = instrument
        .item(item_id)
        .ok_or_else(|| CheckInError::UnknownItem {
            item: item_id.to_owned(),
        })?;
    if !item.asked_at(occasion) {
        return Err(CheckInError::NotAskedAtOccasion {
            item: item_id.to_owned(),
            occasion,
        });
    }
    match value {
        AnswerValue::Declined => Ok((item, None)),
        AnswerValue::Option(code) => item
            .option(code)
            .map(|o| (item, o.score))
            .ok_or_else(|| CheckInError::UnknownOption {
                item: item_id.to_owned(),
                value: code.clone(),
            }),
    }
}

/// A complete, checked check-in: every item of the occasion answered once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedAnswer {
    pub item_id: String,
    pub value: AnswerValue,
    pub score: Option<i32>,
}

/// Checks a whole submission: no unknown items, every asked item answered
/// ("Vill inte svara" counts as an answer). Returns the answers in item order.
pub fn check_submission(
    instrument: &Instrument,
    occasion: OccasionKind,
    answers: &BTreeMap<String, AnswerValue>,
) -> Result<Vec<CheckedAnswer>, CheckInError> {
    if answers.len() > MAX_ANSWERS {
        return Err(CheckInError::TooManyAnswers);
    }
    for (item_id, value) in answers {
        check_answer(instrument, occasion, item_id, value)?;
    }
    instrument
        .items_for(occasion)
        .into_iter()
        .map(|item| {
            let value = answers
                .get(&item.id)
                .ok_or_else(|| CheckInError::Missing {
                    item: item.id.clone(),
                })?;
            let (_, score) = check_answer(instrument, occasion, &item.id, value)?;
            Ok(CheckedAnswer {
                item_id: item.id.clone(),
                value: value.clone(),
                score,
            })
        })
        .collect()
}
