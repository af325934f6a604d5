//! Checking a participant's answers against the instrument version and occasion
//! they were given under, before anything is stored.
//!
//! The same rules serve every way answers arrive (one step at a time from a form,
//! or a whole submission from a client that was offline), so they live here and
//! not in a request handler.

use crate::instrument::{AnswerValue, Instrument, Item};
use crate::occasion::OccasionKind;
use crate::text::excerpt;
use std::collections::BTreeMap;

/// Largest number of answers one submission may carry; more is refused unread.
pub const MAX_ANSWERS: usize = 200;

/// Why an answer or a submission was refused. Messages are shown to people, so
/// they say what is wrong in plain words, quoting what was sent only as a
/// short [`excerpt`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckInError {
    #[error("Frågan \"{}\" finns inte i formuläret.", excerpt(.item))]
    UnknownItem { item: String },
    #[error("Frågan \"{}\" ställs inte vid det här tillfället.", excerpt(.item))]
    NotAskedAtOccasion {
        item: String,
        occasion: OccasionKind,
    },
    #[error("Svaret \"{}\" finns inte för frågan \"{}\".", excerpt(.value), excerpt(.item))]
    UnknownOption { item: String, value: String },
    #[error("Frågan \"{}\" har inget svar än.", excerpt(.item))]
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
        AnswerValue::Option(code) => {
            item.option(code)
                .map(|o| (item, o.score))
                .ok_or_else(|| CheckInError::UnknownOption {
                    item: item_id.to_owned(),
                    value: code.clone(),
                })
        }
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
            let value = answers.get(&item.id).ok_or_else(|| CheckInError::Missing {
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

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"
id = "test"
languages = ["sv"]
name = { sv = "Test" }

[[items]]
id = "halsa"
domain = "health"
kind = "scale5"
occasions = ["intake", "follow-up", "exit"]
text = { sv = "Hur mår du?" }
options = [
  { text = { sv = "Mycket dåligt" } },
  { text = { sv = "Dåligt" } },
  { text = { sv = "Okej" } },
  { text = { sv = "Bra" } },
  { text = { sv = "Mycket bra" } },
]

[[items]]
id = "vill-arbeta"
domain = "closeness-to-work"
kind = "yes-no"
occasions = ["intake", "exit"]
text = { sv = "Vill du arbeta?" }
options = [
  { text = { sv = "Ja" } },
  { text = { sv = "Nej" } },
  { text = { sv = "Vet inte" } },
]

[[items]]
id = "aktiva-timmar"
domain = "meaningful-days"
kind = "hours-per-week"
occasions = ["intake", "follow-up", "exit"]
text = { sv = "Hur många timmar?" }
options = [
  { text = { sv = "0" } },
  { text = { sv = "1-9" } },
  { text = { sv = "10-19" } },
  { text = { sv = "20-29" } },
  { text = { sv = "30-40" } },
]

[[items]]
id = "nasta-steg"
domain = "next-step"
kind = "choice"
occasions = ["exit"]
text = { sv = "Vad gör du sen?" }
options = [
  { code = "work", text = { sv = "Jobb" } },
  { code = "study", text = { sv = "Plugg" } },
]
"#;

    fn instrument() -> Instrument {
        Instrument::from_toml(SOURCE).expect("the test instrument is valid")
    }

    fn opt(code: &str) -> AnswerValue {
        AnswerValue::Option(code.into())
    }

    fn answers(pairs: &[(&str, AnswerValue)]) -> BTreeMap<String, AnswerValue> {
        pairs
            .iter()
            .map(|(id, value)| ((*id).to_owned(), value.clone()))
            .collect()
    }

    /// Answers to every item asked at intake.
    fn intake_answers() -> BTreeMap<String, AnswerValue> {
        answers(&[
            ("aktiva-timmar", opt("10-19")),
            ("halsa", opt("4")),
            ("vill-arbeta", opt("no")),
        ])
    }

    // ---- check_answer ----

    #[test]
    fn valid_option_returns_its_item_and_score() {
        let instrument = instrument();
        let (item, score) =
            check_answer(&instrument, OccasionKind::Intake, "halsa", &opt("4")).unwrap();
        assert_eq!(item.id, "halsa");
        assert_eq!(score, Some(4));
        let cases = [
            ("halsa", "1", Some(1)),
            ("halsa", "5", Some(5)),
            ("vill-arbeta", "yes", Some(1)),
            ("vill-arbeta", "no", Some(0)),
            ("vill-arbeta", "dont-know", None),
            ("aktiva-timmar", "0", Some(0)),
            ("aktiva-timmar", "30-40", Some(4)),
        ];
        for (item_id, code, expected) in cases {
            let (item, score) =
                check_answer(&instrument, OccasionKind::Intake, item_id, &opt(code)).unwrap();
            assert_eq!(item.id, item_id);
            assert_eq!(score, expected, "{item_id}={code}");
        }
        let (_, score) =
            check_answer(&instrument, OccasionKind::Exit, "nasta-steg", &opt("study")).unwrap();
        assert_eq!(score, None);
    }

    #[test]
    fn unknown_item_is_refused() {
        let err =
            check_answer(&instrument(), OccasionKind::Intake, "saknas", &opt("1")).unwrap_err();
        assert_eq!(
            err,
            CheckInError::UnknownItem {
                item: "saknas".into()
            }
        );
        assert!(err.to_string().contains("\"saknas\""), "{err}");
    }

    #[test]
    fn item_not_asked_at_the_occasion_is_refused() {
        let instrument = instrument();
        let err = check_answer(
            &instrument,
            OccasionKind::FollowUp,
            "vill-arbeta",
            &opt("yes"),
        )
        .unwrap_err();
        assert_eq!(
            err,
            CheckInError::NotAskedAtOccasion {
                item: "vill-arbeta".into(),
                occasion: OccasionKind::FollowUp,
            }
        );
        assert!(err.to_string().contains("\"vill-arbeta\""), "{err}");
        // Declining does not get round it either.
        assert_eq!(
            check_answer(
                &instrument,
                OccasionKind::Intake,
                "nasta-steg",
                &AnswerValue::Declined
            ),
            Err(CheckInError::NotAskedAtOccasion {
                item: "nasta-steg".into(),
                occasion: OccasionKind::Intake,
            })
        );
    }

    #[test]
    fn unknown_option_code_is_refused() {
        let instrument = instrument();
        let err = check_answer(
            &instrument,
            OccasionKind::Exit,
            "nasta-steg",
            &opt("travel"),
        )
        .unwrap_err();
        assert_eq!(
            err,
            CheckInError::UnknownOption {
                item: "nasta-steg".into(),
                value: "travel".into(),
            }
        );
        let message = err.to_string();
        assert!(message.contains("\"travel\"") && message.contains("\"nasta-steg\""));
        for code in ["", "Yes", "ja", "1", "declined "] {
            assert_eq!(
                check_answer(&instrument, OccasionKind::Exit, "vill-arbeta", &opt(code)),
                Err(CheckInError::UnknownOption {
                    item: "vill-arbeta".into(),
                    value: code.into(),
                }),
                "{code:?}"
            );
        }
    }

    #[test]
    fn out_of_range_scale_value_is_refused() {
        let instrument = instrument();
        for code in ["6", "0", "-1", "10", "3.5", " 3"] {
            assert_eq!(
                check_answer(&instrument, OccasionKind::Intake, "halsa", &opt(code)),
                Err(CheckInError::UnknownOption {
                    item: "halsa".into(),
                    value: code.into(),
                }),
                "{code:?}"
            );
        }
    }

    #[test]
    fn declined_is_accepted_with_no_score() {
        let instrument = instrument();
        for item_id in ["halsa", "vill-arbeta", "aktiva-timmar"] {
            let (item, score) = check_answer(
                &instrument,
                OccasionKind::Intake,
                item_id,
                &AnswerValue::Declined,
            )
            .unwrap();
            assert_eq!(item.id, item_id);
            assert_eq!(score, None);
        }
    }

    // ---- check_submission ----

    #[test]
    fn complete_submission_returns_answers_in_item_order() {
        let checked =
            check_submission(&instrument(), OccasionKind::Intake, &intake_answers()).unwrap();
        assert_eq!(
            checked,
            [
                CheckedAnswer {
                    item_id: "halsa".into(),
                    value: opt("4"),
                    score: Some(4),
                },
                CheckedAnswer {
                    item_id: "vill-arbeta".into(),
                    value: opt("no"),
                    score: Some(0),
                },
                CheckedAnswer {
                    item_id: "aktiva-timmar".into(),
                    value: opt("10-19"),
                    score: Some(2),
                },
            ]
        );
    }

    #[test]
    fn submission_covers_exactly_the_items_of_the_occasion() {
        let instrument = instrument();
        let follow_up = answers(&[("aktiva-timmar", opt("0")), ("halsa", opt("2"))]);
        let checked = check_submission(&instrument, OccasionKind::FollowUp, &follow_up).unwrap();
        let ids: Vec<&str> = checked.iter().map(|a| a.item_id.as_str()).collect();
        assert_eq!(ids, ["halsa", "aktiva-timmar"]);

        let mut exit = intake_answers();
        exit.insert("nasta-steg".into(), opt("work"));
        let checked = check_submission(&instrument, OccasionKind::Exit, &exit).unwrap();
        let ids: Vec<&str> = checked.iter().map(|a| a.item_id.as_str()).collect();
        assert_eq!(ids, ["halsa", "vill-arbeta", "aktiva-timmar", "nasta-steg"]);
        assert_eq!(checked[3].score, None);
    }

    #[test]
    fn missing_item_is_named() {
        let mut submitted = intake_answers();
        submitted.remove("vill-arbeta");
        let err = check_submission(&instrument(), OccasionKind::Intake, &submitted).unwrap_err();
        assert_eq!(
            err,
            CheckInError::Missing {
                item: "vill-arbeta".into()
            }
        );
        assert!(err.to_string().contains("\"vill-arbeta\""), "{err}");
    }

    #[test]
    fn first_missing_item_in_item_order_is_named() {
        let submitted = answers(&[("vill-arbeta", opt("yes"))]);
        assert_eq!(
            check_submission(&instrument(), OccasionKind::Intake, &submitted),
            Err(CheckInError::Missing {
                item: "halsa".into()
            })
        );
    }

    #[test]
    fn empty_submission_is_missing_the_first_item() {
        assert_eq!(
            check_submission(&instrument(), OccasionKind::Exit, &BTreeMap::new()),
            Err(CheckInError::Missing {
                item: "halsa".into()
            })
        );
    }

    #[test]
    fn extra_unknown_item_is_refused() {
        let mut submitted = intake_answers();
        submitted.insert("okand".into(), opt("1"));
        assert_eq!(
            check_submission(&instrument(), OccasionKind::Intake, &submitted),
            Err(CheckInError::UnknownItem {
                item: "okand".into()
            })
        );
    }

    #[test]
    fn answer_to_an_item_not_asked_at_the_occasion_is_refused() {
        let mut submitted = intake_answers();
        submitted.insert("nasta-steg".into(), opt("work"));
        assert_eq!(
            check_submission(&instrument(), OccasionKind::Intake, &submitted),
            Err(CheckInError::NotAskedAtOccasion {
                item: "nasta-steg".into(),
                occasion: OccasionKind::Intake,
            })
        );
    }

    #[test]
    fn unknown_option_in_a_submission_is_refused() {
        let mut submitted = intake_answers();
        submitted.insert("halsa".into(), opt("6"));
        assert_eq!(
            check_submission(&instrument(), OccasionKind::Intake, &submitted),
            Err(CheckInError::UnknownOption {
                item: "halsa".into(),
                value: "6".into(),
            })
        );
    }

    #[test]
    fn too_many_answers_are_refused_unread() {
        let instrument = instrument();
        // Over the limit: refused before any item is looked at (all are unknown).
        let mut submitted: BTreeMap<String, AnswerValue> = (0..=MAX_ANSWERS)
            .map(|n| (format!("x{n}"), opt("1")))
            .collect();
        assert_eq!(submitted.len(), MAX_ANSWERS + 1);
        assert_eq!(
            check_submission(&instrument, OccasionKind::Intake, &submitted),
            Err(CheckInError::TooManyAnswers)
        );
        // At the limit the answers are read, so the unknown item is what is refused.
        submitted.remove("x0");
        assert_eq!(submitted.len(), MAX_ANSWERS);
        assert_eq!(
            check_submission(&instrument, OccasionKind::Intake, &submitted),
            Err(CheckInError::UnknownItem { item: "x1".into() })
        );
    }

    #[test]
    fn declined_counts_as_answered_with_no_score() {
        let mut submitted = intake_answers();
        submitted.insert("halsa".into(), AnswerValue::Declined);
        submitted.insert("aktiva-timmar".into(), AnswerValue::Declined);
        let checked = check_submission(&instrument(), OccasionKind::Intake, &submitted).unwrap();
        assert_eq!(checked.len(), 3);
        assert_eq!(checked[0].item_id, "halsa");
        assert_eq!(checked[0].value, AnswerValue::Declined);
        assert_eq!(checked[0].score, None);
        assert_eq!(checked[1].score, Some(0));
        assert_eq!(checked[2].item_id, "aktiva-timmar");
        assert_eq!(checked[2].value, AnswerValue::Declined);
        assert_eq!(checked[2].score, None);
    }

    #[test]
    fn declined_every_item_is_a_complete_submission() {
        let instrument = instrument();
        let submitted: BTreeMap<String, AnswerValue> = instrument
            .items_for(OccasionKind::Exit)
            .into_iter()
            .map(|item| (item.id.clone(), AnswerValue::Declined))
            .collect();
        let checked = check_submission(&instrument, OccasionKind::Exit, &submitted).unwrap();
        assert_eq!(checked.len(), 4);
        assert!(checked
            .iter()
            .all(|a| a.value == AnswerValue::Declined && a.score.is_none()));
    }

    #[test]
    fn messages_quote_only_a_short_escaped_excerpt_of_what_was_sent() {
        let instrument = Instrument::from_toml(SOURCE).unwrap();
        let sent = format!("x\u{202E}\u{0}{}", "y".repeat(60_000));
        let err = check_answer(
            &instrument,
            OccasionKind::Intake,
            &sent,
            &AnswerValue::Option("1".into()),
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(message.chars().count() < 100, "{message}");
        assert!(message.contains("x\\u{202E}\\u{0000}y"), "{message}");
        let err = check_answer(
            &instrument,
            OccasionKind::Intake,
            "halsa",
            &AnswerValue::Option(sent.clone()),
        )
        .unwrap_err();
        assert!(err.to_string().chars().count() < 120, "{err}");
    }
}
