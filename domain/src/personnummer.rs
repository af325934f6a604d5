//! Swedish personal identity numbers (*personnummer* and *samordningsnummer*).
//!
//! A personnummer is the most sensitive thing a case manager can type into
//! Stegvis: it identifies the person behind answers about health and social
//! life. It is optional, stored apart from the answers, and never stored for
//! people with protected identity. When it is given it must at least be a real
//! number, so a typo does not attach one person's answers to someone else.
//!
//! People write the number in several ways (with or without century, with or
//! without hyphen, `+` for people aged 100 or more). Everything is normalised to
//! the 12-digit form `ÅÅÅÅMMDD-NNNN`, which is unambiguous and sorts by birth
//! date. The century of a 10-digit form depends on today's date, so parsing takes
//! `today` as an argument and stays a pure function.
//!
//! The value never appears in logs: [`Personnummer`] has a hand-written `Debug`
//! that prints only asterisks, and no `Display` or `Serialize`, so it cannot be
//! written out by accident. Code that stores it calls [`Personnummer::as_str`].

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// A checked personnummer or samordningsnummer in the form `ÅÅÅÅMMDD-NNNN`.
///
/// Only [`parse_on`] creates one, so holding a `Personnummer` means the date
/// exists, is not in the future, and the check digit is right.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Personnummer(String);

/// Why a typed personnummer was refused. Shown to case managers, so each
/// message says what to do in plain Swedish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum PersonnummerError {
    /// Wrong number of digits or stray characters.
    #[error("Skriv personnumret som ÅÅÅÅMMDD-NNNN.")]
    Format,
    /// The birth date does not exist (30 February) or lies in the future.
    #[error("Datumet i personnumret finns inte.")]
    Date,
    /// The last digit does not match the others: almost always a typo.
    #[error("Personnumret stämmer inte. Kontrollera siffrorna.")]
    Checksum,
}

impl Personnummer {
    /// The normalised `ÅÅÅÅMMDD-NNNN` form, for storage only: never log or show it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date part with the last four digits hidden, `ÅÅÅÅMMDD-****`, so
    /// staff can tell people apart on a screen without the whole number showing.
    pub fn masked(&self) -> String {
        let date = self.0.get(..8).unwrap_or_default();
        format!("{date}-****")
    }

    /// The year of birth, so a registration can check the number against the
    /// birth year typed beside it.
    pub fn birth_year(&self) -> i32 {
        self.0
            .bytes()
            .take(4)
            .fold(0, |year, b| year * 10 + i32::from(b.wrapping_sub(b'0')))
    }

    /// Whether this is a samordningsnummer (day of birth + 60), given to people
    /// who are not or have not been registered in Sweden.
    pub fn is_samordningsnummer(&self) -> bool {
        self.0.as_bytes().get(6).is_some_and(|&b| b >= b'6')
    }
}

impl fmt::Debug for Personnummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Personnummer(********-****)")
    }
}

/// Parses and checks a personnummer typed by a person, as of `today`.
///
/// Accepts `ÅÅÅÅMMDD-NNNN`, `ÅÅÅÅMMDDNNNN`, `ÅÅMMDD-NNNN`, `ÅÅMMDDNNNN` and
/// `ÅÅMMDD+NNNN`, with surrounding whitespace. A 10-digit form gets the latest
/// century that does not put the birth date after `today`; with `+` the person is
/// 100 or older, so another hundred years are taken off. A day of month plus 60
/// (samordningsnummer) is accepted and checked as the real day. The birth date
/// must exist and not be after `today`, and the Luhn check digit must match.
pub fn parse_on(input: &str, today: NaiveDate) -> Result<Personnummer, PersonnummerError> {
    let text = input.trim();
    if !text.is_ascii() {
        return Err(PersonnummerError::Format);
    }
    let (digits, separator) = split_digits(text)?;
    let (year, rest) = match digits.len() {
        12 if separator != Some('+') => {
            let (century, rest) = digits.split_at(2);
            let year = number(century) * 100 + number(rest.get(..2).unwrap_or_default());
            (year, rest)
        }
        10 => (
            ten_digit_year(&digits, separator == Some('+'), today)?,
            digits.as_str(),
        ),
        _ => return Err(PersonnummerError::Format),
    };
    // `rest` is the 10 digits ÅÅMMDDNNNC that the check digit is computed over.
    let month = number(rest.get(2..4).unwrap_or_default());
    let day_field = number(rest.get(4..6).unwrap_or_default());
    let day = if day_field > 60 {
        day_field - 60
    } else {
        day_field
    };
    let birth = u32::try_from(month)
        .ok()
        .zip(u32::try_from(day).ok())
        .and_then(|(m, d)| NaiveDate::from_ymd_opt(year, m, d))
        .ok_or(PersonnummerError::Date)?;
    if birth > today {
        return Err(PersonnummerError::Date);
    }
    if !luhn_ok(rest) {
        return Err(PersonnummerError::Checksum);
    }
    let tail = rest.get(6..).unwrap_or_default();
    Ok(Personnummer(format!(
        "{year:04}{}-{tail}",
        rest.get(2..6).unwrap_or_default()
    )))
}

/// Splits `ÅÅ(ÅÅ)MMDD[-+]NNNN` into its digits and the separator, if any. The
/// separator may only stand before the last four digits.
fn split_digits(text: &str) -> Result<(String, Option<char>), PersonnummerError> {
    let mut digits = String::with_capacity(12);
    let mut separator = None;
    for (i, c) in text.char_indices() {
        match c {
            '0'..='9' => digits.push(c),
            '-' | '+' if separator.is_none() && i + 5 == text.len() => separator = Some(c),
            _ => return Err(PersonnummerError::Format),
        }
    }
    Ok((digits, separator))
}

/// The full birth year for a 10-digit number: the latest year ending in `ÅÅ`
/// whose birthday (month and day, compared as numbers) is not after `today`.
fn ten_digit_year(digits: &str, plus: bool, today: NaiveDate) -> Result<i32, PersonnummerError> {
    let yy = number(digits.get(..2).unwrap_or_default());
    let month = number(digits.get(2..4).unwrap_or_default());
    let day_field = number(digits.get(4..6).unwrap_or_default());
    let day = if day_field > 60 {
        day_field - 60
    } else {
        day_field
    };
    let this_year = today.year();
    let mut year = this_year - (this_year - yy).rem_euclid(100);
    // Compare as numbers so an impossible date still gets a century (and is then
    // refused as a date rather than as a format).
    let birthday_passed = (month, day) <= (today.month() as i32, today.day() as i32);
    if year == this_year && !birthday_passed {
        year -= 100;
    }
    if plus {
        year -= 100;
    }
    if year < 1 {
        return Err(PersonnummerError::Date);
    }
    Ok(year)
}

/// The value of a short run of ASCII digits (callers pass only digits).
fn number(digits: &str) -> i32 {
    digits
        .bytes()
        .fold(0, |n, b| n * 10 + i32::from(b.wrapping_sub(b'0')))
}

/// Luhn check over `ÅÅMMDDNNNC`: weights 2, 1, 2, 1, … from the left, the digits
/// of each product summed; the total must be divisible by ten.
fn luhn_ok(ten_digits: &str) -> bool {
    let sum: u32 = ten_digits
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let digit = u32::from(b.wrapping_sub(b'0'));
            let product = if i % 2 == 0 { digit * 2 } else { digit };
            product / 10 + product % 10
        })
        .sum();
    ten_digits.len() == 10 && sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn today() -> NaiveDate {
        d(2025, 6, 15)
    }

    fn parse(input: &str) -> Result<String, PersonnummerError> {
        parse_on(input, today()).map(|p| p.as_str().to_owned())
    }

    // Check digits worked by hand (weights 2,1,2,1,… over ÅÅMMDDNNN, digit sums,
    // check = (10 − sum mod 10) mod 10):
    //
    // 121212-121C: 1·2=2, 2, 1·2=2, 2, 1·2=2, 2, 1·2=2, 2, 1·2=2 → 18 → C = 2
    // 811218-987C: 8·2=16→7, 1, 1·2=2, 2, 1·2=2, 8, 9·2=18→9, 8, 7·2=14→5 → 44 → C = 6
    // 900101-001C: 9·2=18→9, 0, 0, 1, 0, 1, 0, 0, 1·2=2 → 13 → C = 7
    // 701063-239C: 7·2=14→5, 0, 1·2=2, 0, 6·2=12→3, 3, 2·2=4, 3, 9·2=18→9 → 29 → C = 1
    // 000229-123C: 0, 0, 0, 2, 2·2=4, 9, 1·2=2, 2, 3·2=6 → 25 → C = 5

    #[test]
    fn known_valid_numbers_parse_to_the_twelve_digit_form() {
        assert_eq!(parse("19121212-1212").unwrap(), "19121212-1212");
        assert_eq!(parse("191212121212").unwrap(), "19121212-1212");
        assert_eq!(parse("811218-9876").unwrap(), "19811218-9876");
        assert_eq!(parse("8112189876").unwrap(), "19811218-9876");
        assert_eq!(parse("19900101-0017").unwrap(), "19900101-0017");
        assert_eq!(parse("900101-0017").unwrap(), "19900101-0017");
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        assert_eq!(parse("  811218-9876 \n").unwrap(), "19811218-9876");
        assert_eq!(parse("\t19900101-0017").unwrap(), "19900101-0017");
    }

    #[test]
    fn wrong_check_digit_is_a_checksum_error() {
        assert_eq!(parse("811218-9877"), Err(PersonnummerError::Checksum));
        assert_eq!(parse("19121212-1213"), Err(PersonnummerError::Checksum));
        assert_eq!(parse("19900101-0018"), Err(PersonnummerError::Checksum));
        // Two swapped digits are caught too.
        assert_eq!(parse("811218-9786"), Err(PersonnummerError::Checksum));
    }

    #[test]
    fn impossible_dates_are_refused() {
        // 30 February, month 13, day 0 and day 32, whatever the check digit.
        for input in [
            "19900230-0010",
            "19901301-0010",
            "19900100-0010",
            "19900132-0010",
        ] {
            assert_eq!(parse(input), Err(PersonnummerError::Date), "{input}");
        }
    }

    #[test]
    fn leap_day_depends_on_the_century() {
        // 000229 is 29 February 2000 (a leap year) with a hyphen ...
        assert_eq!(parse("000229-1235").unwrap(), "20000229-1235");
        // ... but 1900 was not a leap year, so with a plus the date does not exist.
        assert_eq!(parse("000229+1235"), Err(PersonnummerError::Date));
    }

    #[test]
    fn future_birth_dates_are_refused() {
        // 16 June 2025 is the day after `today`: a 12-digit future date.
        // Check digit for 250616-000C: 2·2=4, 5, 0, 6, 1·2=2, 6, 0, 0, 0 → 23 → C = 7.
        assert_eq!(parse("20250616-0007"), Err(PersonnummerError::Date));
        assert_eq!(parse("21000101-0007"), Err(PersonnummerError::Date));
        // Born today is fine.
        // Check digit for 250615-000C: 4, 5, 0, 6, 2, 5, 0, 0, 0 → 22 → C = 8.
        assert_eq!(parse("20250615-0008").unwrap(), "20250615-0008");
    }

    #[test]
    fn ten_digit_century_keeps_the_birth_date_in_the_past() {
        // Born today: this century.
        assert_eq!(parse("250615-0008").unwrap(), "20250615-0008");
        // Tomorrow's date in '25 cannot be 2025, so it is 1925.
        assert_eq!(parse("250616-0007").unwrap(), "19250616-0007");
        // '12 is 2012 with a hyphen.
        assert_eq!(parse("121212-1212").unwrap(), "20121212-1212");
        // '30 has not happened yet this century: 1930.
        // Check digit for 300101-000C: 3·2=6, 0, 0, 1, 0, 1, 0, 0, 0 → 8 → C = 2.
        assert_eq!(parse("300101-0002").unwrap(), "19300101-0002");
    }

    #[test]
    fn plus_sign_means_a_hundred_years_or_older() {
        assert_eq!(parse("121212+1212").unwrap(), "19121212-1212");
        assert_eq!(parse("300101+0002").unwrap(), "18300101-0002");
        // A plus is only written in the 10-digit form.
        assert_eq!(parse("19121212+1212"), Err(PersonnummerError::Format));
    }

    #[test]
    fn samordningsnummer_adds_sixty_to_the_day() {
        let p = parse_on("701063-2391", today()).unwrap();
        assert_eq!(p.as_str(), "19701063-2391");
        assert!(p.is_samordningsnummer());
        assert_eq!(p.birth_year(), 1970);
        // Day 63 is the 3rd; day 92 would be the 32nd.
        // Check digit for 701092-239C: 5, 0, 2, 0, 9·2=18→9, 2, 4, 3, 9 → 34 → C = 6.
        assert_eq!(parse("701092-2396"), Err(PersonnummerError::Date));
        // Samordningsnummer for 30 February does not exist either.
        assert_eq!(parse("19700290-0000"), Err(PersonnummerError::Date));
        let plain = parse_on("811218-9876", today()).unwrap();
        assert!(!plain.is_samordningsnummer());
    }

    #[test]
    fn malformed_input_is_a_format_error() {
        for input in [
            "",
            "   ",
            "811218",
            "811218-987",
            "811218-98766",
            "81121-89876",
            "8112-18-9876",
            "811218 9876",
            "811218--9876",
            "811218–9876", // en dash
            "ABCDEF-GHIJ",
            "1981121898761",
            "١٩٨١١٢١٨٩٨٧٦", // Arabic-Indic digits
        ] {
            assert_eq!(parse(input), Err(PersonnummerError::Format), "{input:?}");
        }
    }

    #[test]
    fn debug_never_shows_the_number() {
        let p = parse_on("811218-9876", today()).unwrap();
        let shown = format!("{p:?} {:?}", Some(&p));
        assert!(!shown.contains("9876"), "{shown}");
        assert!(!shown.contains("811218"), "{shown}");
        assert_eq!(format!("{p:?}"), "Personnummer(********-****)");
    }

    #[test]
    fn masked_shows_only_the_birth_date() {
        let p = parse_on("811218-9876", today()).unwrap();
        assert_eq!(p.masked(), "19811218-****");
        assert_eq!(p.birth_year(), 1981);
    }

    #[test]
    fn the_stored_form_parses_back_to_itself() {
        let p = parse_on("8112189876", today()).unwrap();
        // Years later the stored 12-digit form still reads the same.
        let again = parse_on(p.as_str(), d(2090, 1, 1)).unwrap();
        assert_eq!(again, p);
    }

    #[test]
    fn messages_are_plain_swedish() {
        assert_eq!(
            PersonnummerError::Format.to_string(),
            "Skriv personnumret som ÅÅÅÅMMDD-NNNN."
        );
        assert_eq!(
            PersonnummerError::Date.to_string(),
            "Datumet i personnumret finns inte."
        );
        assert_eq!(
            PersonnummerError::Checksum.to_string(),
            "Personnumret stämmer inte. Kontrollera siffrorna."
        );
    }
}
