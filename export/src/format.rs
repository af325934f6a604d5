//! CSV dialects and how numbers and text are written into them.
//!
//! Swedish Excel opens a file with `;` between fields and `,` as the decimal
//! mark; R (`read.csv2`) and SPSS read the same. Everyone else expects `,`
//! between fields and `.` in numbers. The decimal mark therefore follows the
//! separator and is not a separate choice: a `;` file always has decimal
//! commas, a `,` file always decimal points, so no number ever needs quoting
//! and no reader has to be told two things.

use std::fmt;
use std::str::FromStr;

/// The UTF-8 byte order mark: Excel reads a CSV file as UTF-8 only when it
/// starts with one.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The field separator of a CSV file, which also decides its decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Separator {
    /// `,` between fields, `.` in numbers (international).
    Comma,
    /// `;` between fields, `,` in numbers (Swedish Excel, `read.csv2`).
    #[default]
    Semicolon,
}

impl Separator {
    /// The separator byte.
    pub fn byte(self) -> u8 {
        match self {
            Self::Comma => b',',
            Self::Semicolon => b';',
        }
    }

    /// The separator as a character.
    pub fn as_char(self) -> char {
        char::from(self.byte())
    }

    /// The decimal mark used with this separator.
    pub fn decimal_mark(self) -> char {
        match self {
            Self::Comma => '.',
            Self::Semicolon => ',',
        }
    }

    /// The dialect in words, for metadata rows.
    pub fn description(self) -> &'static str {
        match self {
            Self::Comma => "kommatecken (,) mellan fält, punkt (.) som decimaltecken",
            Self::Semicolon => "semikolon (;) mellan fält, komma (,) som decimaltecken",
        }
    }
}

impl fmt::Display for Separator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Comma => "comma",
            Self::Semicolon => "semicolon",
        })
    }
}

/// Returned when a text names no separator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown separator \"{0}\" (expected comma, semicolon, ',' or ';')")]
pub struct UnknownSeparator(pub String);

impl FromStr for Separator {
    type Err = UnknownSeparator;

    /// Reads `comma`, `semicolon`, `,` or `;` (for the command line).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "," | "comma" | "komma" => Ok(Self::Comma),
            ";" | "semicolon" | "semikolon" => Ok(Self::Semicolon),
            other => Err(UnknownSeparator(other.to_owned())),
        }
    }
}

/// How a CSV file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CsvOptions {
    /// The field separator, which also decides the decimal mark.
    pub separator: Separator,
    /// Start the file with a UTF-8 byte order mark, so Excel reads å, ä and ö
    /// right. R (`fileEncoding = "UTF-8-BOM"`) and the SPSS syntax from
    /// [`crate::codebook`] read files with or without it.
    pub bom: bool,
}

impl Default for CsvOptions {
    /// Semicolons and a byte order mark: what Swedish Excel opens directly.
    fn default() -> Self {
        Self {
            separator: Separator::Semicolon,
            bom: true,
        }
    }
}

impl From<Separator> for CsvOptions {
    /// This separator, with a byte order mark.
    fn from(separator: Separator) -> Self {
        Self {
            separator,
            bom: true,
        }
    }
}

impl CsvOptions {
    /// A `csv` writer in this dialect (CRLF line ends, as RFC 4180 and Excel
    /// have them; `flexible` lets metadata rows be shorter than the table).
    pub(crate) fn writer<W: std::io::Write>(&self, mut out: W) -> std::io::Result<csv::Writer<W>> {
        if self.bom {
            out.write_all(BOM)?;
        }
        Ok(self.continuing(out))
    }

    /// The same writer without the byte order mark, to go on writing into a
    /// file that has been started.
    pub(crate) fn continuing<W: std::io::Write>(&self, out: W) -> csv::Writer<W> {
        csv::WriterBuilder::new()
            .delimiter(self.separator.byte())
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(out)
    }
}

/// A number with a fixed number of decimals and the separator's decimal
/// mark. Rounding to zero never leaves a sign ("-0,00"); a value that is not
/// finite is written as an empty field.
pub(crate) fn decimal(value: f64, places: usize, separator: Separator) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let mut text = format!("{value:.places$}");
    if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') {
        text.remove(0);
    }
    if separator == Separator::Semicolon {
        text = text.replace('.', ",");
    }
    text
}

/// Whether a text is a code: non-empty, only a–z, 0–9, '-' and '_' (item
/// ids and option codes are validated to this shape by the instrument).
pub(crate) fn is_code(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use stegvis_domain::text::guard_text;

    #[test]
    fn decimals_follow_the_separator() {
        assert_eq!(decimal(0.625, 4, Separator::Comma), "0.6250");
        assert_eq!(decimal(0.625, 4, Separator::Semicolon), "0,6250");
        assert_eq!(decimal(72.2222, 2, Separator::Semicolon), "72,22");
        assert_eq!(decimal(-0.75, 2, Separator::Comma), "-0.75");
        assert_eq!(decimal(-0.0001, 2, Separator::Semicolon), "0,00");
        assert_eq!(decimal(f64::NAN, 2, Separator::Comma), "");
    }

    #[test]
    fn separators_parse_from_the_command_line() {
        assert_eq!("semicolon".parse(), Ok(Separator::Semicolon));
        assert_eq!(";".parse(), Ok(Separator::Semicolon));
        assert_eq!(",".parse(), Ok(Separator::Comma));
        assert!("tab".parse::<Separator>().is_err());
        assert_eq!(Separator::Semicolon.decimal_mark(), ',');
    }

    #[test]
    fn formula_like_names_stay_text() {
        assert_eq!(guard_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard_text("-Steget"), "'-Steget");
        assert_eq!(guard_text("Haninge"), "Haninge");
        assert!(is_code("nara-arbete") && is_code("1-9") && !is_code("Fri text") && !is_code(""));
    }
}
