//! Property tests ("fuzzing") of the parsers that read what people and files
//! send: the instrument file parser, personnummer and access and participant
//! codes, and the plain-text rule for names. Each runs a bounded number of
//! generated cases in `cargo test` (256 by default; `PROPTEST_CASES=100000`
//! runs a longer session by hand). A failing case is shrunk to the smallest
//! input that still fails and printed, so it can become a plain test.
//!
//! What must hold: no input makes any of them panic; what they accept is in
//! canonical form and accepting it again changes nothing; a valid instrument
//! survives being written out and read back.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use proptest::prelude::*;
use stegvis_domain::access::{normalise_access_code, normalise_participant_code, CODE_ALPHABET};
use stegvis_domain::instrument::{Instrument, InstrumentSpec};
use stegvis_domain::personnummer::parse_on;
use stegvis_domain::text::{excerpt, is_forbidden, optional_plain_text, EXCERPT_CHARS};

const SOURCE: &str = include_str!("../../instruments/stegvis-bas.toml");

fn config() -> ProptestConfig {
    ProptestConfig {
        // Writes no regression files into the source tree; a failure prints its case.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Any text, weighted toward what breaks parsers: control and direction
/// characters, digits and separators, code symbols, and long runs.
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        any::<char>().prop_map(String::from),
        "[0-9+\\- ]{1,14}",
        "[ACDEFGHJKMNPQRTUVWXY34679a-z\\- ]{1,12}",
        Just("\u{0}".to_owned()),
        Just("\u{202E}".to_owned()),
        Just("\u{FEFF}".to_owned()),
        Just("\r\n".to_owned()),
        "\\PC{0,40}",
    ];
    proptest::collection::vec(pieces, 0..8).prop_map(|p| p.concat())
}

fn today() -> impl Strategy<Value = NaiveDate> {
    (1950_i32..2100, 1_u32..=12, 1_u32..=28)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

/// A valid personnummer written in one of the accepted ways, the day it is
/// typed, and its canonical form.
fn typed_personnummer() -> impl Strategy<Value = (String, NaiveDate, String)> {
    (
        1900_i32..2020,
        1_u32..=12,
        1_u32..=28,
        0_u32..1000,
        any::<bool>(),
        0_usize..4,
    )
        .prop_map(|(year, month, day, serial, samordning, style)| {
            let day_field = if samordning { day + 60 } else { day };
            let nine = format!("{:02}{month:02}{day_field:02}{serial:03}", year % 100);
            let check = luhn_digit(&nine);
            let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
            let short = format!("{nine}{check}");
            let (date, tail) = short.split_at(6);
            let typed = match style {
                0 => format!("{year}{}-{tail}", &date[2..]),
                1 => format!("{year}{}{tail}", &date[2..]),
                // A 10-digit form is read as the latest fitting century: the
                // same number only when the person is under 100.
                2 if year > 1926 => format!("{date}-{tail}"),
                3 if year > 1926 => format!(" {date}{tail} "),
                _ => format!("{year}{}-{tail}", &date[2..]),
            };
            let canonical = format!("{year}{month:02}{day_field:02}-{serial:03}{check}");
            (typed, today, canonical)
        })
}

fn luhn_digit(nine: &str) -> u32 {
    let sum: u32 = nine
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            let p = if i % 2 == 0 { d * 2 } else { d };
            p / 10 + p % 10
        })
        .sum();
    (10 - sum % 10) % 10
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn personnummer_never_panics_and_accepted_ones_are_canonical(input in hostile_text(), today in today()) {
        if let Ok(p) = parse_on(&input, today) {
            let canonical = p.as_str().to_owned();
            prop_assert_eq!(canonical.len(), 13);
            prop_assert_eq!(canonical.as_bytes()[8], b'-');
            prop_assert!(canonical.bytes().enumerate().all(|(i, b)| i == 8 || b.is_ascii_digit()));
            let again = parse_on(&canonical, today).expect("the canonical form is accepted again");
            prop_assert_eq!(again.as_str(), canonical.as_str());
        }
    }

    #[test]
    fn valid_personnummer_in_any_accepted_spelling_is_read_the_same((typed, today, canonical) in typed_personnummer()) {
        let p = parse_on(&typed, today).expect("a valid number is accepted");
        prop_assert_eq!(p.as_str(), canonical.as_str());
        let again = parse_on(p.as_str(), today).unwrap();
        prop_assert_eq!(again.as_str(), p.as_str());
    }

    #[test]
    fn codes_never_panic_and_accepted_ones_are_canonical(input in hostile_text()) {
        for (normalised, symbols) in [
            (normalise_access_code(&input), 8_usize),
            (normalise_participant_code(&input), 6),
        ] {
            if let Some(code) = normalised {
                prop_assert_eq!(code.chars().count(), symbols + 1);
                prop_assert_eq!(code.chars().nth(symbols / 2), Some('-'));
                prop_assert!(code.chars().filter(|c| *c != '-').all(|c| CODE_ALPHABET.contains(c)));
                let again = if symbols == 8 { normalise_access_code(&code) } else { normalise_participant_code(&code) };
                prop_assert_eq!(again.as_deref(), Some(code.as_str()));
            }
        }
    }

    #[test]
    fn codes_typed_loosely_are_found(symbols in proptest::collection::vec(proptest::sample::select(CODE_ALPHABET.chars().collect::<Vec<_>>()), 8), spaced in any::<bool>(), lower in any::<bool>()) {
        let canonical = format!("{}-{}", symbols[..4].iter().collect::<String>(), symbols[4..].iter().collect::<String>());
        let mut typed: String = symbols.iter().collect();
        if spaced { typed = format!(" {} {} ", &typed[..4], &typed[4..]); }
        if lower { typed = typed.to_lowercase(); }
        prop_assert_eq!(normalise_access_code(&typed), Some(canonical));
    }

    #[test]
    fn any_instrument_text_is_refused_or_read_without_panic(input in hostile_text()) {
        let _ = Instrument::from_toml(&input);
    }

    #[test]
    fn a_mutated_instrument_is_refused_or_read_without_panic(
        at in 0.0_f64..1.0,
        cut in 0_usize..64,
        insert in hostile_text(),
    ) {
        // Replace a stretch of the real file at a random place with random text.
        let mut chars: Vec<char> = SOURCE.chars().collect();
        let start = ((chars.len() as f64) * at) as usize;
        let end = (start + cut).min(chars.len());
        chars.splice(start..end, insert.chars());
        let mutated: String = chars.into_iter().collect();
        if let Ok(instrument) = Instrument::from_toml(&mutated) {
            prop_assert!(!instrument.items.is_empty());
            prop_assert!(instrument.languages.iter().any(|l| l == "sv"));
        }
    }

    #[test]
    fn a_valid_instrument_round_trips(drop in proptest::collection::btree_set(0_usize..15, 0..10)) {
        // Valid variants: the real file with some items left out.
        let mut spec: InstrumentSpec = toml::from_str(SOURCE).unwrap();
        let mut i = 0;
        spec.items.retain(|_| { let keep = !drop.contains(&i); i += 1; keep });
        prop_assume!(!spec.items.is_empty());
        let written = toml::to_string(&spec).unwrap();
        let read = Instrument::from_toml(&written).expect("a valid instrument reads back");
        let written_again = toml::to_string(&toml::from_str::<InstrumentSpec>(&written).unwrap()).unwrap();
        prop_assert_eq!(&written, &written_again);
        prop_assert_eq!(read.items.len(), spec.items.len());
        let direct = Instrument::from_spec(spec, read.hash.clone()).unwrap();
        prop_assert_eq!(direct, read);
    }

    #[test]
    fn plain_text_never_keeps_a_refused_character_and_is_idempotent(input in hostile_text()) {
        if let Ok(Some(text)) = optional_plain_text(&input, "Namn", 100) {
            prop_assert!(!text.chars().any(is_forbidden));
            prop_assert!(text.chars().count() <= 100);
            prop_assert_eq!(text.trim(), text.as_str());
            prop_assert_eq!(optional_plain_text(&text, "Namn", 100), Ok(Some(text.clone())));
        }
        let quoted = excerpt(&input);
        prop_assert!(!quoted.chars().any(is_forbidden));
        prop_assert!(quoted.chars().count() <= 10 * EXCERPT_CHARS + 1);
    }
}
