//! Access codes, participant codes and PINs: how participants get in without
//! an e-mail address or a password.
//!
//! A case manager hands a participant a short access code (on paper or read out
//! in a meeting); the participant types it on their own phone once and then
//! picks a PIN for that device. Many participants have reading difficulties or
//! little Swedish, so codes use only symbols that cannot be mistaken for one
//! another (no 0/O, 1/I/L, 5/S, 2/Z, 8/B) and accept lower case, spaces and
//! missing hyphens. The participant code shown on caseload screens uses the same
//! alphabet and carries no personal data.
//!
//! Generation takes the random source as an argument so tests and seeds are
//! reproducible; production passes a cryptographically secure generator.

use rand::Rng;

/// The symbols codes are made of: 25 letters and digits that are hard to confuse
/// when read aloud, handwritten or typed on a small screen.
pub const CODE_ALPHABET: &str = "ACDEFGHJKMNPQRTUVWXY34679";

/// Symbols in an access code: 25⁸ ≈ 1.5 × 10¹¹ values (about 37 bits), plenty
/// with the per-address throttle on guesses.
pub const ACCESS_CODE_SYMBOLS: usize = 8;

/// Symbols in a participant code: 25⁶ ≈ 2.4 × 10⁸ values, so codes rarely collide
/// within an association (the store still checks).
pub const PARTICIPANT_CODE_SYMBOLS: usize = 6;

/// Shortest and longest PIN, in digits.
pub const PIN_LENGTH: std::ops::RangeInclusive<usize> = 4..=6;

/// Why a PIN was refused, in easy-read Swedish for participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum PinError {
    /// Too short, too long, or something other than digits.
    #[error("Skriv 4 till 6 siffror.")]
    Format,
}

/// A new access code, `XXXX-XXXX`, for a case manager to hand to a participant.
pub fn generate_access_code<R: Rng + ?Sized>(rng: &mut R) -> String {
    generate(rng, ACCESS_CODE_SYMBOLS)
}

/// A new participant code, `XXX-XXX`: the name staff and exports use for a
/// participant instead of anything that identifies them.
pub fn generate_participant_code<R: Rng + ?Sized>(rng: &mut R) -> String {
    generate(rng, PARTICIPANT_CODE_SYMBOLS)
}

/// The canonical `XXXX-XXXX` form of an access code as typed, or `None` if it
/// cannot be one. Case, spaces and hyphens are ignored, so "kx7m 4qat" works.
pub fn normalise_access_code(input: &str) -> Option<String> {
    normalise(input, ACCESS_CODE_SYMBOLS)
}

/// The canonical `XXX-XXX` form of a participant code as typed, or `None`, so
/// staff can search for "kx7 m4q" and find `KX7-M4Q`.
pub fn normalise_participant_code(input: &str) -> Option<String> {
    normalise(input, PARTICIPANT_CODE_SYMBOLS)
}

/// Checks that a PIN is 4 to 6 digits (0–9 only; nothing is trimmed, so what is
/// checked is exactly what will be hashed).
pub fn check_pin(pin: &str) -> Result<(), PinError> {
    if PIN_LENGTH.contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(PinError::Format)
    }
}

fn generate<R: Rng + ?Sized>(rng: &mut R, symbols: usize) -> String {
    let alphabet = CODE_ALPHABET.as_bytes();
    let chars: Vec<char> = (0..symbols)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect();
    group(&chars)
}

fn normalise(input: &str, symbols: usize) -> Option<String> {
    // Anything much longer than a code is not one; refuse it before copying.
    if input.len() > 4 * symbols + 16 {
        return None;
    }
    let chars: Vec<char> = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let valid = chars.len() == symbols && chars.iter().all(|&c| CODE_ALPHABET.contains(c));
    valid.then(|| group(&chars))
}

/// Joins symbols in two equal halves with a hyphen, the form people read aloud.
fn group(chars: &[char]) -> String {
    let (first, second) = chars.split_at(chars.len() / 2);
    let mut out: String = first.iter().collect();
    out.push('-');
    out.extend(second);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;
    use std::collections::HashSet;

    #[test]
    fn alphabet_has_no_confusable_symbols() {
        assert_eq!(CODE_ALPHABET.len(), 25);
        for c in "0O1IL5S2Z8B".chars() {
            assert!(!CODE_ALPHABET.contains(c), "{c} is in the alphabet");
        }
        let unique: HashSet<char> = CODE_ALPHABET.chars().collect();
        assert_eq!(unique.len(), 25);
    }

    #[test]
    fn access_codes_have_the_agreed_shape() {
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..200 {
            let code = generate_access_code(&mut rng);
            assert_eq!(code.len(), 9, "{code}");
            assert_eq!(code.as_bytes()[4], b'-', "{code}");
            assert!(code
                .chars()
                .filter(|&c| c != '-')
                .all(|c| CODE_ALPHABET.contains(c)));
            // A generated code is already canonical.
            assert_eq!(normalise_access_code(&code).as_deref(), Some(code.as_str()));
        }
    }

    #[test]
    fn participant_codes_have_the_agreed_shape() {
        let mut rng = StdRng::seed_from_u64(2);
        for _ in 0..200 {
            let code = generate_participant_code(&mut rng);
            assert_eq!(code.len(), 7, "{code}");
            assert_eq!(code.as_bytes()[3], b'-', "{code}");
            assert_eq!(
                normalise_participant_code(&code).as_deref(),
                Some(code.as_str())
            );
        }
    }

    #[test]
    fn generation_uses_the_whole_alphabet_and_rarely_repeats() {
        let mut rng = StdRng::seed_from_u64(3);
        let codes: Vec<String> = (0..2000).map(|_| generate_access_code(&mut rng)).collect();
        let unique: HashSet<&String> = codes.iter().collect();
        assert_eq!(unique.len(), codes.len());
        let seen: HashSet<char> = codes.iter().flat_map(|c| c.chars()).collect();
        for c in CODE_ALPHABET.chars() {
            assert!(seen.contains(&c), "{c} never drawn");
        }
    }

    #[test]
    fn same_seed_same_codes() {
        let a = generate_access_code(&mut StdRng::seed_from_u64(7));
        let b = generate_access_code(&mut StdRng::seed_from_u64(7));
        assert_eq!(a, b);
    }

    #[test]
    fn typed_codes_are_normalised() {
        for typed in [
            "KX7M-4QAT",
            "kx7m 4qat",
            "kx7m4qat",
            "  KX7M - 4QAT ",
            "K X 7 M 4 Q A T",
            "kx7m-\t4qat",
            "kx-7m-4q-at",
        ] {
            assert_eq!(
                normalise_access_code(typed).as_deref(),
                Some("KX7M-4QAT"),
                "{typed:?}"
            );
        }
        assert_eq!(
            normalise_participant_code("kx7 m4q").as_deref(),
            Some("KX7-M4Q")
        );
    }

    #[test]
    fn impossible_codes_are_refused() {
        for typed in [
            "",
            "KX7M-4QA",   // too short
            "KX7M-4QATT", // too long
            "KX7M-4QA0",  // zero is not in the alphabet
            "KX7M-4QAO",  // nor is O
            "KX7M-4QA1",  // nor 1
            "KX7M_4QAT",  // underscore
            "KX7M-4QAÅ",  // not ASCII
            "KX7M-4QAT!",
        ] {
            assert_eq!(normalise_access_code(typed), None, "{typed:?}");
        }
        assert_eq!(normalise_access_code(&"A".repeat(10_000)), None);
        assert_eq!(normalise_participant_code("KX7M-4QAT"), None);
    }

    #[test]
    fn pins_are_four_to_six_digits() {
        for ok in ["0000", "1234", "12345", "123456"] {
            assert_eq!(check_pin(ok), Ok(()), "{ok}");
        }
        for bad in [
            "", "123", "1234567", "12a4", " 1234", "1234 ", "12 34", "١٢٣٤", "-123",
        ] {
            assert_eq!(check_pin(bad), Err(PinError::Format), "{bad:?}");
        }
        assert_eq!(PinError::Format.to_string(), "Skriv 4 till 6 siffror.");
    }
}
