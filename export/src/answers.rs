//! The pseudonymised answer-level file: one row per answer, streamed to CSV
//! or XLSX in bounded memory.
//!
//! Evaluators who run their own analyses need answers, not only aggregates,
//! but must not be able to tell who gave them. So a row holds only:
//!
//! - a **pseudonym** from [`Pseudonyms`], stable within one export and
//!   unlinkable across exports;
//! - gender, the **age band** (never the birth year), the municipality, the
//!   referring organisation and the programme, as far as
//!   [`crate::anonymity`] lets them stand;
//! - the occasion, its date (a month, quarter or year unless the file is in
//!   full detail), the item id and the answer as an **option code** with its
//!   score, or "declined".
//!
//! There is no column for a personnummer, a name or free text, and the
//! writers refuse an item id or answer value that is not a code, so free text
//! cannot slip in through them.
//!
//! The writers hold no rows: the CSV writer owns a `csv::Writer` with its
//! fixed buffer, the XLSX writer uses rust_xlsxwriter's constant-memory
//! worksheets, which write each finished row to a temporary file. A sheet
//! holds at most 1 048 575 answers (Excel's limit); the XLSX writer goes on
//! in "Svar 2", "Svar 3", ….

use crate::anonymity::Period;
use crate::format::is_code;
use crate::{CsvOptions, ExportError, Result};
use chrono::NaiveDate;
use rand::RngCore;
use rust_xlsxwriter::{Format, Workbook};
use sha2::{Digest, Sha256};
use std::fmt::{self, Write as _};
use std::io::Write;
use std::path::Path;
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::participant::Gender;
use stegvis_domain::text::guard_text;

/// The columns of the answer-level file, in order. The names are ASCII so
/// SPSS and R can use them as variable names unchanged.
pub const ANSWER_COLUMNS: [&str; 14] = [
    "pseudonym",
    "gender",
    "age_band",
    "municipality",
    "referral",
    "programme",
    "instrument",
    "occasion",
    "occasion_number",
    "date",
    "item_id",
    "value",
    "score",
    "declined",
];

/// One answer, as exported. Borrowed, so a caller streaming millions of
/// answers builds each row from data it already holds without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerRow<'a> {
    /// From [`Pseudonyms::pseudonym`]; must be a code (lowercase hex).
    pub pseudonym: &'a str,
    /// Written as its code: kvinna, man, annan, vill-inte-ange; `None` (empty)
    /// when the person's gender group is smaller than k.
    pub gender: Option<Gender>,
    /// The age band's label ("35–44", "25–44"). `None` for anonymous
    /// participants and when the column is left out.
    pub age_band: Option<&'a str>,
    /// The municipality or "Övriga"; `None` when left out or unknown.
    pub municipality: Option<&'a str>,
    /// A referral code (af, fk, kommun, varden, egen, ovriga); must be a code.
    pub referral: Option<&'a str>,
    /// The programme (insats) the answer belongs to, or "Övriga".
    pub programme: &'a str,
    /// The instrument version the answer was given under (`id@hash`).
    pub instrument: &'a str,
    /// Written as intake, follow-up or exit.
    pub occasion: OccasionKind,
    /// 0 for intake and exit, n for follow-up n.
    pub occasion_number: u32,
    /// When the check-in was answered, as precisely as the file allows.
    pub date: Period,
    /// The item id; must be a code.
    pub item_id: &'a str,
    /// The option code; `None` when declined. Must be a code.
    pub value: Option<&'a str>,
    /// The option's score; `None` when declined or the option has none
    /// ("vet inte").
    pub score: Option<i32>,
    /// "Vill inte svara"; written as 1, otherwise 0.
    pub declined: bool,
}

impl AnswerRow<'_> {
    /// Refuses rows that could carry free text or contradict themselves.
    fn check(&self) -> Result<()> {
        let code = |column: &'static str, value: &str| {
            if is_code(value) {
                Ok(())
            } else {
                Err(ExportError::NotACode {
                    column,
                    value: value.to_owned(),
                })
            }
        };
        code("pseudonym", self.pseudonym)?;
        code("item_id", self.item_id)?;
        if let Some(referral) = self.referral {
            code("referral", referral)?;
        }
        if let Some(value) = self.value {
            code("value", value)?;
        }
        if self.declined && (self.value.is_some() || self.score.is_some()) {
            return Err(ExportError::DeclinedWithValue {
                item: self.item_id.to_owned(),
            });
        }
        Ok(())
    }
}

/// Reusable text buffers for the numeric fields of a CSV row.
#[derive(Debug, Default)]
struct Scratch {
    number: String,
    date: String,
    score: String,
}

/// Streams answer rows to CSV: the header row ([`ANSWER_COLUMNS`]) first,
/// then one line per [`AnswerRow`]. UTF-8, optional byte order mark, `,` or
/// `;` between fields; the file has no decimals, so the decimal mark does
/// not matter. Holds no rows: memory stays flat however many are written.
#[derive(Debug)]
pub struct AnswerCsvWriter<W: Write> {
    csv: csv::Writer<W>,
    rows: u64,
    scratch: Scratch,
}

impl<W: Write> AnswerCsvWriter<W> {
    /// Starts the file and writes the header row. Accepts a [`CsvOptions`]
    /// or just a [`crate::Separator`] (with a byte order mark).
    pub fn new(writer: W, options: impl Into<CsvOptions>) -> Result<Self> {
        let mut csv = options.into().writer(writer)?;
        csv.write_record(ANSWER_COLUMNS)?;
        Ok(Self {
            csv,
            rows: 0,
            scratch: Scratch::default(),
        })
    }

    /// Writes one answer.
    pub fn write(&mut self, row: &AnswerRow<'_>) -> Result<()> {
        row.check()?;
        let s = &mut self.scratch;
        s.number.clear();
        s.date.clear();
        s.score.clear();
        // Writing into a String cannot fail.
        let _ = write!(s.number, "{}", row.occasion_number);
        let _ = write!(s.date, "{}", row.date);
        if let Some(score) = row.score {
            let _ = write!(s.score, "{score}");
        }
        let csv = &mut self.csv;
        csv.write_field(row.pseudonym)?;
        csv.write_field(row.gender.map_or("", Gender::code))?;
        csv.write_field(row.age_band.unwrap_or(""))?;
        csv.write_field(guard_text(row.municipality.unwrap_or("")).as_ref())?;
        csv.write_field(row.referral.unwrap_or(""))?;
        csv.write_field(guard_text(row.programme).as_ref())?;
        csv.write_field(guard_text(row.instrument).as_ref())?;
        csv.write_field(row.occasion.as_str())?;
        csv.write_field(&s.number)?;
        csv.write_field(&s.date)?;
        csv.write_field(row.item_id)?;
        csv.write_field(row.value.unwrap_or(""))?;
        csv.write_field(&s.score)?;
        csv.write_field(if row.declined { "1" } else { "0" })?;
        csv.write_record(None::<&[u8]>)?;
        self.rows += 1;
        Ok(())
    }

    /// How many answers were written.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Flushes the last rows and gives the writer back.
    pub fn finish(self) -> Result<W> {
        self.csv
            .into_inner()
            .map_err(|e| ExportError::Io(e.into_error()))
    }
}

/// Writes the answer file's notes (see [`crate::anonymity::Report::notes`])
/// as a CSV file of its own, `uppgift` and `värde` per row: the metadata of
/// the answer CSV, which itself holds only the table so that R, SPSS and
/// pandas read it without skipping lines.
pub fn write_notes_csv<W: Write>(
    notes: &[(String, String)],
    options: impl Into<CsvOptions>,
    out: W,
) -> Result<()> {
    let fixed = [
        (
            "Innehåll",
            "pseudonymiserade svar, en rad per svar; inga personnummer, namn eller fritext",
        ),
        (
            "Pseudonym",
            "gäller bara i denna export; samma person har en annan pseudonym i nästa export",
        ),
    ];
    let notes = notes.iter().map(|(n, v)| (n.as_str(), v.as_str()));
    write_text_csv(
        &["uppgift", "värde"],
        fixed.into_iter().chain(notes).map(|(n, v)| [n, v]),
        options,
        out,
    )
}

/// Writes a plain table of text as CSV: the header, then the rows, every
/// cell guarded against spreadsheet formulas (a leading `'` before `=`, `+`,
/// `-`, `@`). For small files such as the notes and the audit log.
pub fn write_text_csv<W, R, C>(
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
    options: impl Into<CsvOptions>,
    out: W,
) -> Result<()>
where
    W: Write,
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut csv = options.into().writer(out)?;
    csv.write_record(header)?;
    for row in rows {
        for cell in row {
            csv.write_field(guard_text(cell.as_ref()).as_ref())?;
        }
        csv.write_record(None::<&[u8]>)?;
    }
    csv.flush()?;
    Ok(())
}

/// Excel's rows per sheet, less the header row.
const ROWS_PER_SHEET: u32 = 1_048_575;

/// Streams answer rows to an XLSX workbook in rust_xlsxwriter's
/// constant-memory mode: each finished row goes to a temporary file, so
/// memory stays flat. Sheets "Svar", "Svar 2", … hold the rows with the
/// header [`ANSWER_COLUMNS`]; dates are real dates (yyyy-mm-dd), numbers
/// are numbers. An "Om filen" sheet with the caller's notes comes last.
pub struct AnswerXlsxWriter {
    workbook: Workbook,
    /// Index of the sheet being written.
    sheet: usize,
    /// The next row on that sheet.
    row: u32,
    rows: u64,
    sheets: usize,
    notes: Vec<(String, String)>,
    date: Format,
    bold: Format,
}

impl fmt::Debug for AnswerXlsxWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnswerXlsxWriter")
            .field("rows", &self.rows)
            .field("sheets", &self.sheets)
            .finish_non_exhaustive()
    }
}

impl AnswerXlsxWriter {
    /// Starts a workbook whose temporary files go to the system's temporary
    /// directory.
    pub fn new() -> Result<Self> {
        Self::start(Workbook::new())
    }

    /// Starts a workbook whose temporary files go to `dir` (use a disk, not a
    /// memory-backed /tmp, for large exports).
    pub fn with_tempdir(dir: impl AsRef<Path>) -> Result<Self> {
        let mut workbook = Workbook::new();
        workbook.set_tempdir(dir)?;
        Self::start(workbook)
    }

    fn start(workbook: Workbook) -> Result<Self> {
        let mut writer = Self {
            workbook,
            sheet: 0,
            row: 0,
            rows: 0,
            sheets: 0,
            notes: Vec::new(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            bold: Format::new().set_bold(),
        };
        writer.new_sheet()?;
        Ok(writer)
    }

    fn new_sheet(&mut self) -> Result<()> {
        self.sheets += 1;
        let name = match self.sheets {
            1 => "Svar".to_owned(),
            n => format!("Svar {n}"),
        };
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        for (col, width) in (0..).zip([18, 14, 12, 16, 10, 20, 24, 11, 8, 12, 18, 10, 7, 8]) {
            sheet.set_column_width(col, width)?;
        }
        for (col, heading) in (0..).zip(ANSWER_COLUMNS) {
            sheet.write_string_with_format(0, col, heading, &self.bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        self.sheet = self.sheets - 1;
        self.row = 1;
        Ok(())
    }

    /// Adds a row to the "Om filen" sheet (filter, k, dropped municipalities, …).
    pub fn note(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.notes.push((name.into(), value.into()));
    }

    /// Writes one answer.
    pub fn write(&mut self, row: &AnswerRow<'_>) -> Result<()> {
        row.check()?;
        if self.row > ROWS_PER_SHEET {
            self.new_sheet()?;
        }
        let r = self.row;
        let sheet = self.workbook.worksheet_from_index(self.sheet)?;
        sheet.write_string(r, 0, row.pseudonym)?;
        if let Some(gender) = row.gender {
            sheet.write_string(r, 1, gender.code())?;
        }
        if let Some(band) = row.age_band {
            sheet.write_string(r, 2, band)?;
        }
        if let Some(m) = row.municipality {
            sheet.write_string(r, 3, m)?;
        }
        if let Some(referral) = row.referral {
            sheet.write_string(r, 4, referral)?;
        }
        sheet.write_string(r, 5, row.programme)?;
        sheet.write_string(r, 6, row.instrument)?;
        sheet.write_string(r, 7, row.occasion.as_str())?;
        sheet.write_number(r, 8, row.occasion_number)?;
        match row.date {
            Period::Day(day) => {
                sheet.write_number_with_format(r, 9, excel_serial(day), &self.date)?;
            }
            Period::Hidden => {}
            period => {
                sheet.write_string(r, 9, period.to_string())?;
            }
        }
        sheet.write_string(r, 10, row.item_id)?;
        if let Some(value) = row.value {
            sheet.write_string(r, 11, value)?;
        }
        if let Some(score) = row.score {
            sheet.write_number(r, 12, score)?;
        }
        sheet.write_number(r, 13, u8::from(row.declined))?;
        self.row += 1;
        self.rows += 1;
        Ok(())
    }

    /// How many answers were written.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    fn close(&mut self) -> Result<()> {
        for index in 0..self.sheets {
            let last = if index + 1 == self.sheets {
                self.row.saturating_sub(1).max(1)
            } else {
                ROWS_PER_SHEET
            };
            let sheet = self.workbook.worksheet_from_index(index)?;
            sheet.autofilter(0, 0, last, 13)?;
        }
        let about = self.workbook.add_worksheet();
        about.set_name("Om filen")?;
        about.set_column_width(0, 30)?;
        about.set_column_width(1, 90)?;
        let fixed = [
            (
                "Innehåll",
                "pseudonymiserade svar, en rad per svar; inga personnummer, namn eller fritext",
            ),
            (
                "Pseudonym",
                "gäller bara i denna export; samma person har en annan pseudonym i nästa export",
            ),
        ];
        let notes = self.notes.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        for (r, (name, value)) in (0..).zip(fixed.into_iter().chain(notes)) {
            about.write_string_with_format(r, 0, name, &self.bold)?;
            about.write_string(r, 1, value)?;
        }
        Ok(())
    }

    /// Finishes the workbook and returns the file's bytes (the compressed
    /// file is held in memory; use [`Self::finish_to`] for a file or socket).
    pub fn finish(mut self) -> Result<Vec<u8>> {
        self.close()?;
        Ok(self.workbook.save_to_buffer()?)
    }

    /// Finishes the workbook into a writer.
    pub fn finish_to<W: Write + Send>(mut self, writer: W) -> Result<()> {
        self.close()?;
        self.workbook.save_to_writer(writer)?;
        Ok(())
    }
}

/// Excel's serial day number of a date (1900 date system, days since
/// 1899-12-30; right for every date after February 1900).
fn excel_serial(date: NaiveDate) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or(NaiveDate::MIN);
    (date - epoch).num_days() as f64
}

/// The number of hex digits in a pseudonym: 64 bits, so two of even a
/// million participants share one with a probability of about 3 · 10⁻⁸.
pub const PSEUDONYM_LEN: usize = 16;

/// Pseudonyms for one export: the first [`PSEUDONYM_LEN`] hex digits of
/// SHA-256(key ‖ participant id), with a random 256-bit key made for this
/// export and never stored or written anywhere.
///
/// The same participant gets the same pseudonym throughout one export (all
/// their answers, the CSV and the FHIR bundle made with the same
/// `Pseudonyms`), without a table of ids in memory. Two exports have two
/// keys, so their pseudonyms cannot be linked, and without the key a
/// pseudonym cannot be traced back to the participant id (a counter in
/// first-seen order was rejected: the same data in the same order would give
/// the same numbers in every export).
pub struct Pseudonyms {
    key: [u8; 32],
}

impl Pseudonyms {
    /// A new export's pseudonyms, with a key from the operating system's
    /// random source (through `rand`'s thread generator).
    pub fn new() -> Self {
        let mut key = [0_u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self { key }
    }

    /// Pseudonyms with a given key, for reproducible tests. Never use a fixed
    /// key for a real export: it makes exports linkable.
    pub fn from_key(key: [u8; 32]) -> Self {
        Self { key }
    }

    /// The participant's pseudonym in this export.
    pub fn pseudonym(&self, participant_id: &str) -> String {
        let mut hash = Sha256::new();
        hash.update(self.key);
        hash.update(participant_id.as_bytes());
        let digest = hash.finalize();
        let mut out = String::with_capacity(PSEUDONYM_LEN);
        for byte in digest.iter().take(PSEUDONYM_LEN / 2) {
            let _ = write!(out, "{byte:02x}");
        }
        out
    }
}

impl Default for Pseudonyms {
    /// Same as [`Pseudonyms::new`]: a fresh random key.
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Pseudonyms {
    /// Never shows the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pseudonyms { key: <hidden> }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregates::tests::read_xlsx;
    use crate::Separator;
    use std::collections::BTreeSet;

    fn row(i: u64, pseudonym: &str) -> AnswerRow<'_> {
        let declined = i.is_multiple_of(7);
        AnswerRow {
            pseudonym,
            gender: Some(Gender::ALL[(i % 4) as usize]),
            age_band: (!i.is_multiple_of(5)).then_some("35–44"),
            municipality: i.is_multiple_of(3).then_some("Tyresö"),
            referral: Some("af"),
            programme: "Steget",
            instrument: "stegvis-bas@0123456789abcdef",
            occasion: OccasionKind::FollowUp,
            occasion_number: 2,
            date: Period::Day(NaiveDate::from_ymd_opt(2025, 4, 10).unwrap()),
            item_id: "nara-arbete",
            value: (!declined).then_some("4"),
            score: (!declined).then_some(4),
            declined,
        }
    }

    #[test]
    fn csv_rows_read_back_with_codes_and_labels() {
        for separator in [Separator::Comma, Separator::Semicolon] {
            let mut writer = AnswerCsvWriter::new(Vec::new(), separator).unwrap();
            let p = Pseudonyms::from_key([7; 32]).pseudonym("participant-1");
            for i in 0..8 {
                writer.write(&row(i, &p)).unwrap();
            }
            assert_eq!(writer.rows(), 8);
            let bytes = writer.finish().unwrap();
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(separator.byte())
                .from_reader(bytes.as_slice());
            assert_eq!(reader.headers().unwrap(), &ANSWER_COLUMNS[..]);
            let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
            assert_eq!(rows.len(), 8);
            assert_eq!(
                &rows[3],
                &[
                    p.as_str(),
                    "vill-inte-ange",
                    "35–44",
                    "Tyresö",
                    "af",
                    "Steget",
                    "stegvis-bas@0123456789abcdef",
                    "follow-up",
                    "2",
                    "2025-04-10",
                    "nara-arbete",
                    "4",
                    "4",
                    "0"
                ][..]
            );
            // Declined: no value, no score; unknown age band and dropped
            // municipality: empty.
            let fields: Vec<&str> = rows[0].iter().collect();
            assert_eq!(fields[11..], ["", "", "1"]);
            assert_eq!((&rows[0][2], &rows[1][3]), ("", ""));
        }
    }

    #[test]
    fn free_text_and_contradictions_are_refused() {
        let mut writer = AnswerCsvWriter::new(Vec::new(), Separator::Semicolon).unwrap();
        let mut bad = row(1, "abc123");
        bad.value = Some("Jag mår dåligt för att …");
        assert!(matches!(
            writer.write(&bad),
            Err(ExportError::NotACode {
                column: "value",
                ..
            })
        ));
        let mut named = row(1, "Anna Andersson");
        named.value = Some("4");
        assert!(matches!(
            writer.write(&named),
            Err(ExportError::NotACode {
                column: "pseudonym",
                ..
            })
        ));
        let mut declined = row(1, "abc123");
        declined.declined = true;
        assert!(matches!(
            writer.write(&declined),
            Err(ExportError::DeclinedWithValue { .. })
        ));
        assert_eq!(writer.rows(), 0);
    }

    /// Counts the bytes that reach the sink while rows are written.
    struct Counting {
        bytes: u64,
    }

    impl Write for Counting {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.bytes += buf.len() as u64;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn two_hundred_thousand_rows_stream_without_being_held() {
        let pseudonyms = Pseudonyms::from_key([1; 32]);
        // Rows are made one at a time from an iterator; nothing collects them.
        let mut sink = AnswerCsvWriter::new(std::io::sink(), Separator::Semicolon).unwrap();
        let mut counting =
            AnswerCsvWriter::new(Counting { bytes: 0 }, Separator::Semicolon).unwrap();
        for i in 0..200_000_u64 {
            let p = pseudonyms.pseudonym(&(i / 20).to_string());
            let r = row(i, &p);
            sink.write(&r).unwrap();
            counting.write(&r).unwrap();
        }
        assert_eq!(sink.rows(), 200_000);
        assert!(sink.finish().is_ok());
        // The writer is a fixed-size value: no row storage grows inside it.
        assert!(std::mem::size_of::<AnswerCsvWriter<std::io::Sink>>() < 1024);
        // Before finishing, all but at most one buffer (8 KiB) of the output
        // has already reached the writer: the rows went out as they came.
        let before = counting.csv.get_ref().bytes;
        let total = counting.finish().unwrap().bytes;
        assert!(total > 200_000 * 60);
        assert!(total - before <= 8 * 1024, "{total} − {before}");
    }

    #[test]
    fn xlsx_rows_read_back_in_constant_memory_sheets() {
        let p = Pseudonyms::from_key([3; 32]).pseudonym("x");
        let mut writer = AnswerXlsxWriter::new().unwrap();
        writer.note("Kommuner som utelämnats", "Nynäshamn");
        for i in 0..30 {
            writer.write(&row(i, &p)).unwrap();
        }
        assert_eq!(writer.rows(), 30);
        let bytes = writer.finish().unwrap();
        let sheets = read_xlsx(&bytes);
        assert_eq!(sheets[0].0, "Svar");
        assert_eq!(sheets[1].0, "Om filen");
        let rows = &sheets[0].1;
        assert_eq!(rows.len(), 31);
        let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
        assert_eq!(header, ANSWER_COLUMNS);
        use calamine::Data;
        let r = &rows[4];
        assert_eq!(r[0], Data::String(p.clone()));
        assert_eq!(r[1], Data::String("vill-inte-ange".into()));
        assert_eq!(r[2], Data::String("35–44".into()));
        assert_eq!(r[7], Data::String("follow-up".into()));
        assert_eq!(r[8], Data::Float(2.0));
        // 2025-04-10 is day 45757 in Excel's 1900 date system.
        match &r[9] {
            Data::DateTime(d) => assert_eq!(d.as_f64(), 45757.0),
            other => panic!("expected a date, found {other:?}"),
        }
        assert_eq!(r[11], Data::String("4".into()));
        assert_eq!(r[12], Data::Float(4.0));
        assert_eq!(r[13], Data::Float(0.0));
        // Row 1 (i = 0) is declined.
        assert_eq!(
            (&rows[1][11], &rows[1][12], &rows[1][13]),
            (&Data::Empty, &Data::Empty, &Data::Float(1.0))
        );
        let notes = &sheets[1].1;
        assert!(notes
            .iter()
            .any(|r| r[1] == Data::String("Nynäshamn".into())));
    }

    #[test]
    fn the_notes_file_reads_back_as_two_columns() {
        let notes = vec![("Datum".to_owned(), "kvartal (ÅÅÅÅ-Qn)".to_owned())];
        let mut out = Vec::new();
        write_notes_csv(&notes, Separator::Semicolon, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        let rows: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap())
            .collect();
        assert!(rows.iter().all(|r| r.len() == 2));
        assert_eq!(&rows[2], &["Datum", "kvartal (ÅÅÅÅ-Qn)"][..]);
    }

    #[test]
    fn pseudonyms_are_stable_within_an_export_and_differ_across() {
        let one = Pseudonyms::new();
        let two = Pseudonyms::new();
        let a = one.pseudonym("participant-42");
        assert_eq!(a, one.pseudonym("participant-42"));
        assert_eq!(a.len(), PSEUDONYM_LEN);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_ne!(a, one.pseudonym("participant-43"));
        assert_ne!(a, two.pseudonym("participant-42"));
        // A fixed key reproduces; the key never shows.
        let fixed = Pseudonyms::from_key([9; 32]);
        assert_eq!(
            fixed.pseudonym("p"),
            Pseudonyms::from_key([9; 32]).pseudonym("p")
        );
        assert_eq!(format!("{fixed:?}"), "Pseudonyms { key: <hidden> }");
        // No collisions among 100 000 participants.
        let all: BTreeSet<String> = (0..100_000)
            .map(|i| one.pseudonym(&i.to_string()))
            .collect();
        assert_eq!(all.len(), 100_000);
    }
}
