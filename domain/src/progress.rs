//! One participant's journey as chart data: for each indicator, one reading
//! per occasion, placed so that up always means better, with "Vill inte
//! svara" and missed occasions kept as gaps (never zero); and the NDI index
//! per follow-up and exit.
//!
//! The charts (and their data tables and sentences) are drawn from this, so
//! the rules live here where plain tests can pin them down.

use crate::instrument::{AnswerKind, AnswerValue, Domain, Instrument, Item};
use crate::occasion::OccasionKind;
use crate::schedule::{DueState, ScheduledOccasion};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// A stored check-in as the journey needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInRecord {
    pub kind: OccasionKind,
    pub number: u32,
    /// The day it was answered.
    pub date: NaiveDate,
    pub answers: BTreeMap<String, AnswerValue>,
}

/// One occasion on the x axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub kind: OccasionKind,
    pub number: u32,
    /// When it was answered, or its due date when it was missed.
    pub date: NaiveDate,
    pub missed: bool,
}

/// What one indicator shows at one occasion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// An answer, as a level counted from the worst (0) towards the best.
    Level(usize),
    /// "Vill inte svara": a gap.
    Declined,
    /// The occasion was missed: a gap.
    Missed,
    /// The item was not asked at this occasion.
    NotAsked,
}

impl Reading {
    /// The level, when there is one to draw.
    pub fn level(self) -> Option<usize> {
        match self {
            Reading::Level(l) => Some(l),
            _ => None,
        }
    }
}

/// One indicator (item) across the journey.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub item_id: String,
    /// The question, in the requested language.
    pub question: String,
    /// The item's short name for charts, or the question when it has none.
    pub name: String,
    /// Whether the instrument scores this item with higher = better. When it
    /// does not, levels are counted the other way so that up is still better.
    pub higher_is_better: bool,
    /// The answer labels from the worst (level 0) to the best.
    pub levels: Vec<String>,
    /// The option code of each level, in the same order.
    pub codes: Vec<String>,
    /// One reading per column.
    pub readings: Vec<Reading>,
}

impl Indicator {
    /// The first and the latest drawn levels, when both exist and differ in time.
    pub fn first_and_latest(&self) -> Option<(usize, usize)> {
        let mut drawn = self.readings.iter().filter_map(|r| r.level());
        let first = drawn.next()?;
        let latest = drawn.next_back()?;
        Some((first, latest))
    }

    /// The level of an option code, if the code is one of the item's scored options.
    pub fn level_of(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|c| c == code)
    }

    /// The label of a level.
    pub fn label(&self, level: usize) -> &str {
        self.levels.get(level).map_or("", String::as_str)
    }
}

/// The whole journey.
#[derive(Debug, Clone, PartialEq)]
pub struct Journey {
    pub columns: Vec<Column>,
    pub indicators: Vec<Indicator>,
    /// The NDI index (0–100) per column; `None` where there is none.
    pub ndi: Vec<Option<f64>>,
}

/// Whether an item is drawn as an indicator: ordered answers with a score,
/// and not one of the satisfaction items (those make up the NDI chart).
pub fn is_indicator(item: &Item) -> bool {
    matches!(item.kind, AnswerKind::Scale5 | AnswerKind::HoursPerWeek)
        && item.domain != Domain::Satisfaction
}

/// Builds the journey from the schedule's occasions (with their states) and
/// the stored check-ins. Answered and missed occasions become columns; an
/// occasion that is still open or upcoming is not drawn yet.
pub fn journey(
    instrument: &Instrument,
    lang: &str,
    occasions: &[(ScheduledOccasion, DueState)],
    check_ins: &[CheckInRecord],
) -> Journey {
    let mut columns: Vec<(Column, Option<&CheckInRecord>)> = occasions
        .iter()
        .filter_map(|(o, state)| {
            let record = check_ins
                .iter()
                .find(|c| c.kind == o.kind && c.number == o.number);
            match (state, record) {
                (_, Some(r)) => Some((
                    Column {
                        kind: o.kind,
                        number: o.number,
                        date: r.date,
                        missed: false,
                    },
                    Some(r),
                )),
                (DueState::Missed, None) => Some((
                    Column {
                        kind: o.kind,
                        number: o.number,
                        date: o.due,
                        missed: true,
                    },
                    None,
                )),
                _ => None,
            }
        })
        .collect();
    // Check-ins for occasions the schedule no longer lists (a moved start
    // date) still belong on the chart.
    for record in check_ins {
        let listed = columns
            .iter()
            .any(|(c, _)| c.kind == record.kind && c.number == record.number);
        if !listed {
            columns.push((
                Column {
                    kind: record.kind,
                    number: record.number,
                    date: record.date,
                    missed: false,
                },
                Some(record),
            ));
        }
    }
    columns.sort_by_key(|(c, _)| c.date);

    let text = |texts: &crate::instrument::Texts| crate::instrument::text_in(texts, lang);
    let indicators = instrument
        .items
        .iter()
        .filter(|i| is_indicator(i))
        .map(|item| {
            // Options sorted by score, worst first.
            let mut options: Vec<_> = item.options.iter().filter(|o| o.score.is_some()).collect();
            options.sort_by_key(|o| o.score);
            if !item.higher_is_better {
                options.reverse();
            }
            let levels = options.iter().map(|o| text(&o.text)).collect();
            let codes = options.iter().map(|o| o.code.clone()).collect();
            let readings = columns
                .iter()
                .map(|(column, record)| match record {
                    None if column.missed => Reading::Missed,
                    None => Reading::NotAsked,
                    Some(r) => match r.answers.get(&item.id) {
                        None => Reading::NotAsked,
                        Some(AnswerValue::Declined) => Reading::Declined,
                        Some(AnswerValue::Option(code)) => options
                            .iter()
                            .position(|o| &o.code == code)
                            .map_or(Reading::NotAsked, Reading::Level),
                    },
                })
                .collect();
            let question = text(&item.text);
            let name = Some(text(&item.short))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| question.clone());
            Indicator {
                item_id: item.id.clone(),
                name,
                question,
                higher_is_better: item.higher_is_better,
                levels,
                codes,
                readings,
            }
        })
        .collect();
    let ndi = columns
        .iter()
        .map(|(_, record)| record.and_then(|r| crate::ndi::check_in_index(instrument, &r.answers)))
        .collect();
    Journey {
        columns: columns.into_iter().map(|(c, _)| c).collect(),
        indicators,
        ndi,
    }
}

/// How an indicator moved from the first to the latest answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Better,
    Same,
    Worse,
    /// Fewer than two answers to compare.
    Unknown,
}

/// How often a participant met an indicator's question: answers with a
/// level, and "Vill inte svara". Both are times they answered, so a sentence
/// that counts answers counts both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AnswerCounts {
    pub answered: usize,
    pub declined: usize,
}

impl AnswerCounts {
    /// Every time the question was answered, "Vill inte svara" included.
    pub fn times(self) -> usize {
        self.answered + self.declined
    }
}

impl Indicator {
    /// How many answers with a level and how many "Vill inte svara" there are.
    pub fn answer_counts(&self) -> AnswerCounts {
        self.readings
            .iter()
            .fold(AnswerCounts::default(), |mut counts, r| {
                match r {
                    Reading::Level(_) => counts.answered += 1,
                    Reading::Declined => counts.declined += 1,
                    Reading::Missed | Reading::NotAsked => {}
                }
                counts
            })
    }

    /// Better, same or worse, from the first answer to the latest.
    pub fn change(&self) -> Change {
        match self.first_and_latest() {
            None => Change::Unknown,
            Some((a, b)) if b > a => Change::Better,
            Some((a, b)) if b < a => Change::Worse,
            Some(_) => Change::Same,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Schedule;

    fn instrument() -> Instrument {
        Instrument::from_toml(
            r#"
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
  { text = { sv = "Mycket dåligt" } },
  { text = { sv = "Dåligt" } },
  { text = { sv = "Varken bra eller dåligt" } },
  { text = { sv = "Bra" } },
  { text = { sv = "Mycket bra" } },
]

[[items]]
id = "oro"
domain = "health"
kind = "scale5"
higher_is_better = false
occasions = ["intake", "follow-up", "exit"]
text = { sv = "Hur orolig är du?" }
options = [
  { text = { sv = "Inte alls" } },
  { text = { sv = "Lite" } },
  { text = { sv = "Ganska" } },
  { text = { sv = "Mycket" } },
  { text = { sv = "Väldigt mycket" } },
]

[[items]]
id = "nojd"
domain = "satisfaction"
kind = "scale10"
occasions = ["follow-up", "exit"]
text = { sv = "Hur nöjd är du?" }
options = [{ text = { sv = "Inte alls" } }, { text = { sv = "Helt" } }]

[[items]]
id = "nojd2"
domain = "satisfaction"
kind = "scale10"
occasions = ["follow-up", "exit"]
text = { sv = "Hur väl?" }
options = [{ text = { sv = "Inte alls" } }, { text = { sv = "Helt" } }]
"#,
        )
        .unwrap()
    }

    fn date(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn record(
        kind: OccasionKind,
        number: u32,
        date: NaiveDate,
        answers: &[(&str, &str)],
    ) -> CheckInRecord {
        CheckInRecord {
            kind,
            number,
            date,
            answers: answers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), AnswerValue::from_form(v)))
                .collect(),
        }
    }

    /// Intake 2 Jan (answered), follow-up 1 (2 Apr) missed, follow-up 2 (2 Jul)
    /// answered with "oro" declined; seen on 1 Sep.
    fn sample() -> Journey {
        let schedule = Schedule::new(date(1, 2));
        let today = date(9, 1);
        let check_ins = vec![
            record(
                OccasionKind::Intake,
                0,
                date(1, 3),
                &[("halsa", "2"), ("oro", "5")],
            ),
            record(
                OccasionKind::FollowUp,
                2,
                date(7, 4),
                &[
                    ("halsa", "4"),
                    ("oro", "declined"),
                    ("nojd", "8"),
                    ("nojd2", "10"),
                ],
            ),
        ];
        let answered: Vec<_> = check_ins.iter().map(|c| (c.kind, c.number)).collect();
        journey(
            &instrument(),
            "sv",
            &schedule.states_on(today, &answered),
            &check_ins,
        )
    }

    #[test]
    fn missed_occasions_and_declined_answers_are_gaps_not_zero() {
        let j = sample();
        assert_eq!(j.columns.len(), 3);
        assert!(j.columns[1].missed);
        assert_eq!(j.columns[1].date, date(4, 2));
        let halsa = &j.indicators[0];
        assert_eq!(
            halsa.readings,
            vec![Reading::Level(1), Reading::Missed, Reading::Level(3)]
        );
        let oro = &j.indicators[1];
        assert_eq!(oro.readings[1], Reading::Missed);
        assert_eq!(oro.readings[2], Reading::Declined);
    }

    #[test]
    fn lower_is_better_items_are_turned_so_up_is_better() {
        let j = sample();
        let oro = &j.indicators[1];
        assert!(!oro.higher_is_better);
        // "Väldigt mycket" worry is the worst level, drawn at the bottom.
        assert_eq!(
            oro.levels.first().map(String::as_str),
            Some("Väldigt mycket")
        );
        assert_eq!(oro.levels.last().map(String::as_str), Some("Inte alls"));
        assert_eq!(oro.readings[0], Reading::Level(0));
        // The codes run the same way: the level of "5" (very much worry) is 0.
        assert_eq!(oro.level_of("5"), Some(0));
        assert_eq!(oro.level_of("1"), Some(4));
        assert_eq!(oro.level_of("declined"), None);
    }

    #[test]
    fn scale_labels_come_from_the_instrument_worst_first() {
        let j = sample();
        let halsa = &j.indicators[0];
        assert_eq!(halsa.levels.len(), 5);
        assert_eq!(halsa.label(0), "Mycket dåligt");
        assert_eq!(halsa.label(4), "Mycket bra");
        assert_eq!(halsa.question, "Hur mår du?");
    }

    #[test]
    fn satisfaction_items_are_the_ndi_not_indicators() {
        let j = sample();
        assert_eq!(j.indicators.len(), 2);
        assert_eq!(j.ndi[0], None);
        assert_eq!(j.ndi[1], None);
        // 8 and 10 → mean 9 → 88.9
        assert!((j.ndi[2].unwrap() - 88.888).abs() < 0.01);
    }

    #[test]
    fn change_compares_first_and_latest_answer() {
        let j = sample();
        assert_eq!(j.indicators[0].change(), Change::Better);
        assert_eq!(j.indicators[0].first_and_latest(), Some((1, 3)));
        // Only one answer (the other declined): nothing to compare.
        assert_eq!(j.indicators[1].change(), Change::Unknown);
    }

    #[test]
    fn declined_answers_are_counted_apart_from_missed_occasions() {
        let j = sample();
        // Health: answered twice (the missed follow-up 1 is no answer).
        assert_eq!(
            j.indicators[0].answer_counts(),
            AnswerCounts {
                answered: 2,
                declined: 0
            }
        );
        // Worry: one answer and one "Vill inte svara": two times in all.
        let oro = j.indicators[1].answer_counts();
        assert_eq!(
            oro,
            AnswerCounts {
                answered: 1,
                declined: 1
            }
        );
        assert_eq!(oro.times(), 2);
    }

    #[test]
    fn open_and_upcoming_occasions_are_not_drawn() {
        let schedule = Schedule::new(date(1, 2));
        // On 5 Jan the intake is open and unanswered.
        let j = journey(
            &instrument(),
            "sv",
            &schedule.states_on(date(1, 5), &[]),
            &[],
        );
        assert!(j.columns.is_empty());
        assert!(j.indicators.iter().all(|i| i.readings.is_empty()));
    }
}
