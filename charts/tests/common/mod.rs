//! A fixed journey for snapshot tests and the benchmark: the default
//! instrument, answered at intake and four follow-ups and exit, with one
//! missed follow-up and one "Vill inte svara".

#![allow(dead_code)] // each test target uses part of it

use chrono::NaiveDate;
use std::collections::BTreeMap;
use stegvis_domain::instrument::{AnswerValue, Instrument};
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::progress::{journey, CheckInRecord, Journey};
use stegvis_domain::schedule::Schedule;

pub const SOURCE: &str = include_str!("../../../instruments/stegvis-bas.toml");

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

/// Intake 2025-01-10; follow-ups 1, 3, 4 answered, 2 missed; exit 2026-03-10.
pub fn sample_journey() -> (Journey, Vec<String>) {
    let instrument = Instrument::from_toml(SOURCE).expect("the default instrument loads");
    let mut schedule = Schedule::new(date(2025, 1, 10));
    schedule.exit = Some(date(2026, 3, 10));
    let occasions = [
        (OccasionKind::Intake, 0, date(2025, 1, 12), 0),
        (OccasionKind::FollowUp, 1, date(2025, 4, 11), 1),
        (OccasionKind::FollowUp, 3, date(2025, 10, 14), 2),
        (OccasionKind::FollowUp, 4, date(2026, 1, 9), 3),
        (OccasionKind::Exit, 0, date(2026, 3, 11), 3),
    ];
    let records: Vec<CheckInRecord> = occasions
        .iter()
        .map(|(kind, number, date, step)| {
            let answers: BTreeMap<String, AnswerValue> = instrument
                .items_for(*kind)
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let value = if i == 2 && *step == 2 {
                        AnswerValue::Declined
                    } else {
                        let last = item.options.len() - 1;
                        let index = (step + i % 3).min(last);
                        AnswerValue::Option(item.options[index].code.clone())
                    };
                    (item.id.clone(), value)
                })
                .collect();
            CheckInRecord {
                kind: *kind,
                number: *number,
                date: *date,
                answers,
            }
        })
        .collect();
    let answered: Vec<_> = records.iter().map(|r| (r.kind, r.number)).collect();
    let states = schedule.states_on(date(2026, 6, 1), &answered);
    let journey = journey(&instrument, "sv", &states, &records);
    let labels = journey
        .columns
        .iter()
        .map(|c| match c.kind {
            OccasionKind::Intake => "Start".to_owned(),
            OccasionKind::FollowUp => format!("Uppföljning {}", c.number),
            OccasionKind::Exit => "Avslut".to_owned(),
        })
        .collect();
    (journey, labels)
}
