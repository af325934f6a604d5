//! Plain text that staff type: one rule for every free-text field, and one
//! way to quote input back in an error message.
//!
//! Names of staff, programmes and organisations end up on screens, in audit
//! records, in printed sheets and in exported files. A NUL byte there breaks
//! other programs that read the export; a right-to-left override (U+202E)
//! makes `Anna\u{202E}gnp.exe` show as "Annaexe.png"; a byte
//! order mark or a zero-width space makes two names that look the same
//! differ. None of these belongs in a name, so [`plain_text`] refuses them
//! (instead of silently removing them, which would store something the
//! person did not type) and says which character it found.
//!
//! Error messages never repeat what was sent in full: [`excerpt`] gives at
//! most [`EXCERPT_CHARS`] characters, with every refused character written as
//! `\u{…}`, so a 60 KB value or an invisible override cannot be mirrored back
//! into a page or a log line.

use std::fmt::Write as _;

/// Most characters of someone's input an error message repeats.
pub const EXCERPT_CHARS: usize = 40;

/// Longest name of a person, in characters.
pub const NAME_MAX_CHARS: usize = 100;

/// Longest name of a programme, in characters.
pub const PROGRAMME_MAX_CHARS: usize = 100;

/// Longest name of an organisation, in characters.
pub const ORGANISATION_MAX_CHARS: usize = 200;

/// Why a text was refused. The message names the field, in Swedish for staff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing but spaces.
    #[error("{field}: skriv något.")]
    Empty {
        /// The field's label as the form shows it.
        field: &'static str,
    },
    /// Longer than the field allows.
    #[error("{field}: högst {max} tecken.")]
    TooLong {
        /// The field's label as the form shows it.
        field: &'static str,
        /// Most characters allowed.
        max: usize,
    },
    /// A control, direction or invisible formatting character.
    #[error("{field}: tecknet {} går inte att använda. Skriv bara bokstäver, siffror, mellanslag och skiljetecken.", escape_char(*.found))]
    Forbidden {
        /// The field's label as the form shows it.
        field: &'static str,
        /// The first refused character.
        found: char,
    },
}

/// Whether a character may never appear in text staff type.
///
/// Refused: every control character (C0, DEL, C1; a name is one line, so tab
/// and line breaks too), the bidirectional embeddings, overrides, isolates and
/// marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), the byte
/// order mark and zero-width space and joiners-of-words (U+FEFF, U+200B,
/// U+2060–U+2064), line and paragraph separators, the soft hyphen, the other
/// invisible format characters of Unicode (category Cf), and noncharacters.
/// Allowed: the zero-width (non-)joiners U+200C and U+200D, which Persian,
/// Arabic and Indic names need to be spelled right.
pub fn is_forbidden(c: char) -> bool {
    let u = u32::from(c);
    c.is_control()
        || matches!(
            u,
            0x00AD
                | 0x0600..=0x0605
                | 0x061C
                | 0x06DD
                | 0x070F
                | 0x0890..=0x0891
                | 0x08E2
                | 0x180E
                | 0x200B
                | 0x200E..=0x200F
                | 0x2028..=0x202E
                | 0x2060..=0x2064
                | 0x2066..=0x206F
                | 0xFDD0..=0xFDEF
                | 0xFEFF
                | 0xFFF9..=0xFFFB
                | 0x110BD
                | 0x110CD
                | 0x13430..=0x1343F
                | 0x1BCA0..=0x1BCA3
                | 0x1D173..=0x1D17A
                | 0xE0001
                | 0xE0020..=0xE007F
        )
        || (u & 0xFFFE) == 0xFFFE
}

/// Checks one line of text typed into the field `field`: surrounding white
/// space is trimmed, and the result must be non-empty, at most `max_chars`
/// characters, and free of [`is_forbidden`] characters. Returns the trimmed
/// text to store.
pub fn plain_text(input: &str, field: &'static str, max_chars: usize) -> Result<String, TextError> {
    match optional_plain_text(input, field, max_chars)? {
        Some(text) => Ok(text),
        None => Err(TextError::Empty { field }),
    }
}

/// Like [`plain_text`] for a field that may be left empty: `None` when it is.
pub fn optional_plain_text(
    input: &str,
    field: &'static str,
    max_chars: usize,
) -> Result<Option<String>, TextError> {
    if let Some(found) = input.chars().find(|c| is_forbidden(*c)) {
        return Err(TextError::Forbidden { field, found });
    }
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max_chars {
        return Err(TextError::TooLong {
            field,
            max: max_chars,
        });
    }
    Ok(Some(text.to_owned()))
}

/// At most [`EXCERPT_CHARS`] characters of `input`, for quoting it in an
/// error message: refused characters are written as `\u{…}`, and a cut is
/// marked with `…`. Safe to show in a page (after the usual HTML escaping)
/// and to write to a log.
pub fn excerpt(input: &str) -> String {
    excerpt_of(input, EXCERPT_CHARS)
}

/// [`excerpt`] with a chosen length.
pub fn excerpt_of(input: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut chars = input.chars();
    for c in chars.by_ref().take(max_chars) {
        if is_forbidden(c) {
            out.push_str(&escape_char(c));
        } else {
            out.push(c);
        }
    }
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// A character as `\u{…}` in hex: how a refused one is named in a message.
pub fn escape_char(c: char) -> String {
    let mut out = String::new();
    let _ = write!(out, "\\u{{{:04X}}}", u32::from(c));
    out
}

/// Text written into a spreadsheet cell (CSV or XLSX export, a
/// participant's own answers) is prefixed with `'` when it starts with a
/// character a spreadsheet would read as the start of a formula (`=`, `+`,
/// `-`, `@`, or a tab or carriage return before one), so a name such as
/// `=HYPERLINK(…)` stays text (OWASP's advice on CSV injection). Codes and
/// numbers are never passed through it.
pub fn guard_text(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{text}")),
        _ => std::borrow::Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_guarded_including_tab_and_carriage_return() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(guard_text(cell), format!("'{cell}"));
        }
        assert_eq!(guard_text("Haninge"), "Haninge");
        assert_eq!(guard_text(""), "");
    }

    #[test]
    fn ordinary_names_pass_trimmed() {
        for (input, stored) in [
            ("  Anna Lind ", "Anna Lind"),
            ("Åsa Öberg-Ärlig", "Åsa Öberg-Ärlig"),
            ("محمد علي", "محمد علي"),
            // Persian needs the zero-width non-joiner to be spelled right.
            ("می\u{200C}خواهم", "می\u{200C}خواهم"),
            (
                "Steget vidare (ASF) 2.0 – Haninge",
                "Steget vidare (ASF) 2.0 – Haninge",
            ),
            ("O'Brien, Seán", "O'Brien, Seán"),
        ] {
            assert_eq!(plain_text(input, "Namn", 100), Ok(stored.to_owned()));
        }
    }

    #[test]
    fn control_direction_and_invisible_characters_are_refused() {
        let mut refused: Vec<char> = (0..=0x1F_u32)
            .chain([0x7F, 0x85, 0x9F])
            .filter_map(char::from_u32)
            .collect();
        refused.extend([
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{202E}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{200E}',
            '\u{200F}',
            '\u{061C}',
            '\u{FEFF}',
            '\u{200B}',
            '\u{2060}',
            '\u{2028}',
            '\u{2029}',
            '\u{00AD}',
            '\u{E0041}',
            '\u{FFFE}',
            '\u{1FFFF}',
        ]);
        for c in refused {
            let input = format!("Anna{c}Lind");
            assert_eq!(
                plain_text(&input, "Namn", 100),
                Err(TextError::Forbidden {
                    field: "Namn",
                    found: c
                }),
                "{:04X}",
                u32::from(c)
            );
            // At either end too: trimming must not hide it.
            assert!(plain_text(&format!("{c}Anna"), "Namn", 100).is_err());
            assert!(plain_text(&format!("Anna{c}"), "Namn", 100).is_err());
        }
    }

    #[test]
    fn the_message_names_the_character_escaped() {
        let err = plain_text("Anna\u{202E}gnp.exe", "Namn", 100).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("Namn: "), "{message}");
        assert!(message.contains("\\u{202E}"), "{message}");
        assert!(!message.contains('\u{202E}'), "{message}");
        assert!(!message.contains("gnp"), "{message}");
    }

    #[test]
    fn empty_and_too_long_are_refused() {
        assert_eq!(
            plain_text(" \u{A0} ", "Namn", 100),
            Err(TextError::Empty { field: "Namn" })
        );
        assert_eq!(optional_plain_text("   ", "Kommun", 60), Ok(None));
        let long = "å".repeat(101);
        assert_eq!(
            plain_text(&long, "Namn", 100),
            Err(TextError::TooLong {
                field: "Namn",
                max: 100
            })
        );
        assert!(plain_text(&"å".repeat(100), "Namn", 100).is_ok());
    }

    #[test]
    fn an_excerpt_is_short_and_shows_no_invisible_character() {
        let huge = "x".repeat(60_000);
        let short = excerpt(&huge);
        assert_eq!(short.chars().count(), EXCERPT_CHARS + 1);
        assert!(short.ends_with('…'));
        assert_eq!(excerpt("sv"), "sv");
        assert_eq!(
            excerpt("a\u{0}b\u{202E}c\n"),
            "a\\u{0000}b\\u{202E}c\\u{000A}"
        );
    }
}
