//! Aggregate exports: the NDI, distance travelled and exit outcome reports
//! as CSV and XLSX, written from [`Table`]s so every format shows the same
//! cells.
//!
//! **CSV layout.** A CSV file holds one table, so the metadata come first as
//! two-field rows (name, value: report, programme, period, period rule, age
//! band, referral, municipality, weighting, k, small-cell rule, interval
//! methods, the report's own rules, the file's separator and decimal mark),
//! then one empty line, then the table with the header row [`COLUMNS`].
//! Comment lines (`#`) were rejected: Excel shows them as data anyway and
//! most CSV readers fail on them. Metadata at the top is the first thing a
//! person sees in Excel; a program finds the table at the row that starts
//! with `Mått` (R: `read.csv2(f, skip = …)`; the `csv` crate and pandas read
//! the rows flexibly).
//!
//! **XLSX layout.** The first sheet, "Om exporten", holds the metadata of
//! every report; then one sheet per report with the same columns as the CSV
//! table, counts and values as numbers (full precision, shares shown as
//! percent) and hidden counts as the text "färre än k" or "dold".

use crate::format::decimal;
use crate::table::{distance_table, ndi_table, outcome_table, Table, TableRow, Unit, COLUMNS};
use crate::{CsvOptions, Result};
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use std::collections::BTreeSet;
use std::io::Write;
use stegvis_domain::instrument::Instrument;
use stegvis_domain::stats::{Cell, DistanceReport, NdiReport, OutcomeReport};
use stegvis_domain::text::guard_text;

/// The metadata name of the CSV dialect row.
const DIALECT: &str = "Avgränsare och decimaltecken";

/// The cells of a row as CSV fields.
fn csv_fields(row: &TableRow, k: u32, options: &CsvOptions) -> [String; 10] {
    let sep = options.separator;
    let number =
        |v: Option<f64>| v.map_or_else(String::new, |v| decimal(v, row.unit.places(), sep));
    [
        guard_text(&row.figure).into_owned(),
        row.item_id.clone().unwrap_or_default(),
        row.item_text
            .as_deref()
            .map_or_else(String::new, |t| guard_text(t).into_owned()),
        row.group_label().to_owned(),
        row.n.label(k),
        row.count.map_or_else(String::new, |c| c.label(k)),
        number(row.value),
        row.unit.label().to_owned(),
        number(row.interval.map(|i| i.low)),
        number(row.interval.map(|i| i.high)),
    ]
}

/// Writes a table as CSV: metadata rows, an empty line, the header and the
/// rows (see the module documentation).
pub fn write_table_csv<W: Write>(table: &Table, options: &CsvOptions, writer: W) -> Result<()> {
    let mut csv = options.writer(writer)?;
    for (name, value) in &table.metadata {
        csv.write_record([guard_text(name).as_ref(), guard_text(value).as_ref()])?;
    }
    csv.write_record([DIALECT, options.separator.description()])?;
    // The csv writer cannot write an empty line (an empty record becomes
    // `""`), so the line goes straight to the file between two writers.
    let mut out = csv
        .into_inner()
        .map_err(|e| crate::ExportError::Io(e.into_error()))?;
    out.write_all(b"\r\n")?;
    let mut csv = options.continuing(out);
    csv.write_record(COLUMNS)?;
    for row in &table.rows {
        csv.write_record(csv_fields(row, table.k, options))?;
    }
    csv.flush()?;
    Ok(())
}

/// Writes the NDI report as CSV ([`ndi_table`]).
pub fn write_ndi_csv<W: Write>(report: &NdiReport, options: &CsvOptions, writer: W) -> Result<()> {
    write_table_csv(&ndi_table(report), options, writer)
}

/// Writes the distance travelled report as CSV ([`distance_table`]); with
/// the instrument, the "Frågetext" column names each indicator.
pub fn write_distance_csv<W: Write>(
    report: &DistanceReport,
    instrument: Option<&Instrument>,
    options: &CsvOptions,
    writer: W,
) -> Result<()> {
    write_table_csv(&distance_table(report, instrument), options, writer)
}

/// Writes the exit outcome report as CSV ([`outcome_table`]).
pub fn write_outcomes_csv<W: Write>(
    report: &OutcomeReport,
    options: &CsvOptions,
    writer: W,
) -> Result<()> {
    write_table_csv(&outcome_table(report), options, writer)
}

/// The three reports as one XLSX workbook: "Om exporten", "NDI",
/// "Stegförflyttning" and "Avslut".
pub fn aggregates_xlsx(
    ndi: &NdiReport,
    distance: &DistanceReport,
    outcomes: &OutcomeReport,
    instrument: Option<&Instrument>,
) -> Result<Vec<u8>> {
    tables_xlsx(&[
        ndi_table(ndi),
        distance_table(distance, instrument),
        outcome_table(outcomes),
    ])
}

/// Any tables as one XLSX workbook: an "Om exporten" sheet with every
/// table's metadata, then one sheet per table (a repeated report kind gets
/// "NDI (2)" and so on).
pub fn tables_xlsx(tables: &[Table]) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let about = workbook.add_worksheet();
    about.set_name("Om exporten")?;
    about.set_column_width(0, 32)?;
    about.set_column_width(1, 100)?;
    about.write_string_with_format(0, 0, "Om exporten", &bold)?;
    about.write_string(
        1,
        0,
        "Varje flik efter denna är en rapport, uppdelad på kön. Här står hur den är gjord.",
    )?;
    let mut row = 3;
    let mut names = BTreeSet::new();
    let mut sheet_names = Vec::with_capacity(tables.len());
    for table in tables {
        let mut name = table.kind.sheet_name().to_owned();
        let mut copy = 1;
        while !names.insert(name.clone()) {
            copy += 1;
            name = format!("{} ({copy})", table.kind.sheet_name());
        }
        about.write_string_with_format(row, 0, format!("Flik: {name}"), &bold)?;
        row += 1;
        for (key, value) in &table.metadata {
            about.write_string(row, 0, key)?;
            about.write_string_with_format(row, 1, value, &wrap)?;
            row += 1;
        }
        row += 1;
        sheet_names.push(name);
    }
    for (table, name) in tables.iter().zip(sheet_names) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        write_table_sheet(sheet, table, &bold)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// The display format of a unit's numbers.
fn unit_format(unit: Unit) -> Format {
    Format::new().set_num_format(match unit {
        Unit::Share => "0.0%",
        Unit::Index => "0.0",
        Unit::Points => "0.00",
    })
}

/// A count: a number when shown, otherwise its label.
fn write_cell(sheet: &mut Worksheet, row: u32, col: u16, cell: Cell, k: u32) -> Result<()> {
    match cell {
        Cell::Shown(n) => sheet.write_number(row, col, n as f64)?,
        hidden => sheet.write_string(row, col, hidden.label(k))?,
    };
    Ok(())
}

fn write_table_sheet(sheet: &mut Worksheet, table: &Table, bold: &Format) -> Result<()> {
    for (col, heading) in (0..).zip(COLUMNS) {
        sheet.write_string_with_format(0, col, heading, bold)?;
    }
    for (col, width) in (0..).zip([34, 14, 40, 14, 12, 12, 10, 14, 10, 10]) {
        sheet.set_column_width(col, width)?;
    }
    let formats = [Unit::Share, Unit::Index, Unit::Points].map(|u| (u, unit_format(u)));
    let format = |unit: Unit| formats.iter().find(|(u, _)| *u == unit).map(|(_, f)| f);
    let mut r = 0;
    for row in &table.rows {
        r += 1;
        sheet.write_string(r, 0, &row.figure)?;
        if let Some(id) = &row.item_id {
            sheet.write_string(r, 1, id)?;
        }
        if let Some(text) = &row.item_text {
            sheet.write_string(r, 2, text)?;
        }
        sheet.write_string(r, 3, row.group_label())?;
        write_cell(sheet, r, 4, row.n, table.k)?;
        if let Some(count) = row.count {
            write_cell(sheet, r, 5, count, table.k)?;
        }
        let values = [
            (6, row.value),
            (8, row.interval.map(|i| i.low)),
            (9, row.interval.map(|i| i.high)),
        ];
        for (col, value) in values {
            if let (Some(v), Some(f)) = (value.filter(|v| v.is_finite()), format(row.unit)) {
                sheet.write_number_with_format(r, col, v, f)?;
            }
        }
        sheet.write_string(r, 7, row.unit.label())?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, r.max(1), 9)?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::testdata;
    use crate::{Separator, Table};
    use stegvis_domain::participant::Gender;
    use stegvis_domain::stats::{Interval, Share};

    /// The metadata and table rows of a CSV file, read with the `csv` crate.
    pub fn read_csv(bytes: &[u8], separator: Separator) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(separator.byte())
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let records: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        let header = records.iter().position(|r| r[0] == "Mått").unwrap();
        assert_eq!(records[header], COLUMNS);
        (records[..header].to_vec(), records[header + 1..].to_vec())
    }

    /// A CSV number back as f64, whatever the decimal mark.
    fn number(field: &str, separator: Separator) -> Option<f64> {
        if field.is_empty() {
            return None;
        }
        Some(
            field
                .replace(separator.decimal_mark(), ".")
                .parse()
                .unwrap(),
        )
    }

    fn close(a: Option<f64>, b: Option<f64>, places: usize) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() <= 0.5 * 10f64.powi(-(places as i32)) + 1e-12,
            (None, None) => true,
            _ => false,
        }
    }

    /// Every row of the table read back from CSV matches the table's row.
    fn assert_csv_matches(table: &Table, separator: Separator) {
        let mut bytes = Vec::new();
        write_table_csv(table, &CsvOptions::from(separator), &mut bytes).unwrap();
        assert!(bytes.starts_with(crate::format::BOM));
        let text = String::from_utf8(bytes.clone()).unwrap();
        let (metadata, rows) = read_csv(&bytes, separator);
        assert!(metadata.iter().any(|m| m[0] == "Viktning"));
        assert!(metadata
            .iter()
            .any(|m| m[0] == DIALECT && m[1] == separator.description()));
        assert_eq!(rows.len(), table.rows.len(), "{text}");
        for (row, expected) in rows.iter().zip(&table.rows) {
            assert_eq!(row.len(), COLUMNS.len());
            assert_eq!(row[0], expected.figure);
            assert_eq!(row[1], expected.item_id.clone().unwrap_or_default());
            assert_eq!(row[3], expected.group_label());
            assert_eq!(row[4], expected.n.label(table.k));
            assert_eq!(
                row[5],
                expected.count.map(|c| c.label(table.k)).unwrap_or_default()
            );
            let places = expected.unit.places();
            assert!(close(number(&row[6], separator), expected.value, places));
            assert!(close(
                number(&row[8], separator),
                expected.interval.map(|i| i.low),
                places
            ));
            assert!(close(
                number(&row[9], separator),
                expected.interval.map(|i| i.high),
                places
            ));
        }
    }

    #[test]
    fn csv_reads_back_as_the_report_with_either_separator() {
        let instrument = testdata::instrument();
        for k in [0, 5] {
            let (ndi, distance, outcomes) = testdata::reports(k);
            for separator in [Separator::Comma, Separator::Semicolon] {
                assert_csv_matches(&ndi_table(&ndi), separator);
                assert_csv_matches(&distance_table(&distance, Some(&instrument)), separator);
                assert_csv_matches(&outcome_table(&outcomes), separator);
            }
        }
    }

    /// The report's own figures, independent of the table model: the NDI
    /// mean for women and the share with "Arbete" in total.
    #[test]
    fn csv_figures_equal_the_reports_own_numbers() {
        let (ndi, _, outcomes) = testdata::reports(5);
        for separator in [Separator::Comma, Separator::Semicolon] {
            let mut bytes = Vec::new();
            write_ndi_csv(&ndi, &CsvOptions::from(separator), &mut bytes).unwrap();
            let (metadata, rows) = read_csv(&bytes, separator);
            let weighting = metadata.iter().find(|m| m[0] == "Viktning").unwrap();
            assert_eq!(weighting[1], stegvis_domain::ndi::WEIGHTING);
            let women = ndi.figures.gender(Gender::Woman).unwrap();
            let row = rows
                .iter()
                .find(|r| r[0] == "NDI, medelvärde" && r[3] == "Kvinna")
                .unwrap();
            assert_eq!(row[4], women.n.label(5));
            let mean = women.mean.unwrap();
            assert!(close(number(&row[6], separator), Some(mean.value), 2));
            assert!(close(
                number(&row[8], separator),
                mean.interval.map(|i| i.low),
                2
            ));

            let mut bytes = Vec::new();
            write_outcomes_csv(&outcomes, &CsvOptions::from(separator), &mut bytes).unwrap();
            let (_, rows) = read_csv(&bytes, separator);
            let work = outcomes.figures.total.outcomes[0].share;
            let row = rows
                .iter()
                .find(|r| r[0] == "Arbete" && r[3] == "Totalt")
                .unwrap();
            assert_eq!(row[5], work.count.label(5));
            assert!(close(number(&row[6], separator), work.proportion, 4));
        }
    }

    /// No number in a row whose n or count is hidden; the label is "färre än k".
    fn assert_no_leak(rows: &[Vec<String>], k: u32) -> usize {
        let small = format!("färre än {k}");
        let mut hidden = 0;
        for row in rows {
            if row[4] == small || row[4] == "dold" || row[5] == small || row[5] == "dold" {
                hidden += 1;
                assert!(
                    row[6].is_empty() && row[8].is_empty() && row[9].is_empty(),
                    "{row:?}"
                );
                assert!(
                    !row[5].chars().any(|c| c.is_ascii_digit()) || row[5] == small,
                    "{row:?}"
                );
            }
            if row[4] == small || row[4] == "dold" {
                assert!(
                    row[5].is_empty() || row[5] == small || row[5] == "dold",
                    "{row:?}"
                );
            }
        }
        hidden
    }

    #[test]
    fn suppressed_cells_show_fewer_than_k_and_never_a_number() {
        let (ndi, distance, outcomes) = testdata::reports(5);
        // Two people of another gender: their group is hidden everywhere.
        let other = ndi.figures.gender(Gender::Other).unwrap();
        assert_eq!(other.n, Cell::Small);
        for table in [
            ndi_table(&ndi),
            distance_table(&distance, None),
            outcome_table(&outcomes),
        ] {
            let mut bytes = Vec::new();
            write_table_csv(&table, &CsvOptions::default(), &mut bytes).unwrap();
            let (_, rows) = read_csv(&bytes, Separator::Semicolon);
            assert!(assert_no_leak(&rows, 5) > 0);
            let others: Vec<&Vec<String>> = rows.iter().filter(|r| r[3] == "Annan").collect();
            assert!(others
                .iter()
                .all(|r| r[4] == "färre än 5" && r[6].is_empty()));
        }
        // A table that tries to leak: the proportion beside a hidden count
        // is not written.
        let leaky = Share {
            count: Cell::Small,
            proportion: Some(0.1),
            interval: Some(Interval {
                low: 0.01,
                high: 0.3,
            }),
        };
        let mut outcomes = outcomes;
        outcomes.figures.total.outcomes[0].share = leaky;
        let mut bytes = Vec::new();
        write_outcomes_csv(&outcomes, &CsvOptions::default(), &mut bytes).unwrap();
        let (_, rows) = read_csv(&bytes, Separator::Semicolon);
        let row = rows
            .iter()
            .find(|r| r[0] == "Arbete" && r[3] == "Totalt")
            .unwrap();
        assert_eq!(row[5], "färre än 5");
        assert!(row[6].is_empty() && row[8].is_empty());
    }

    #[test]
    fn the_bom_is_optional() {
        let (ndi, _, _) = testdata::reports(5);
        let mut bytes = Vec::new();
        let options = CsvOptions {
            separator: Separator::Comma,
            bom: false,
        };
        write_ndi_csv(&ndi, &options, &mut bytes).unwrap();
        assert!(bytes.starts_with("Rapport,".as_bytes()));
        assert!(String::from_utf8(bytes)
            .unwrap()
            .contains("\r\n\r\nMått,Fråga,"));
    }

    /// Reads the sheets of an XLSX file back with calamine.
    pub fn read_xlsx(bytes: &[u8]) -> Vec<(String, Vec<Vec<calamine::Data>>)> {
        use calamine::{open_workbook_from_rs, Reader, Xlsx};
        let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        workbook
            .sheet_names()
            .into_iter()
            .map(|name| {
                let range = workbook.worksheet_range(&name).unwrap();
                let rows = range.rows().map(<[calamine::Data]>::to_vec).collect();
                (name, rows)
            })
            .collect()
    }

    fn xlsx_text(cell: &calamine::Data) -> String {
        match cell {
            calamine::Data::String(s) => s.clone(),
            calamine::Data::Empty => String::new(),
            other => panic!("expected text, found {other:?}"),
        }
    }

    fn xlsx_number(cell: &calamine::Data) -> Option<f64> {
        match cell {
            calamine::Data::Float(f) => Some(*f),
            calamine::Data::Int(i) => Some(*i as f64),
            calamine::Data::Empty => None,
            other => panic!("expected a number, found {other:?}"),
        }
    }

    /// A count cell: a number when shown, the label otherwise.
    fn xlsx_count(cell: &calamine::Data, k: u32) -> String {
        match cell {
            calamine::Data::Float(_) | calamine::Data::Int(_) => {
                format!("{}", xlsx_number(cell).unwrap_or_default() as u64)
            }
            other => {
                let text = xlsx_text(other);
                assert!(text == format!("färre än {k}") || text == "dold" || text.is_empty());
                text
            }
        }
    }

    #[test]
    fn xlsx_reads_back_as_the_report() {
        let instrument = testdata::instrument();
        let (ndi, distance, outcomes) = testdata::reports(5);
        let bytes = aggregates_xlsx(&ndi, &distance, &outcomes, Some(&instrument)).unwrap();
        let sheets = read_xlsx(&bytes);
        let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Om exporten", "NDI", "Stegförflyttning", "Avslut"]);
        // The metadata sheet states each report's weighting.
        let about = &sheets[0].1;
        let weightings: Vec<String> = about
            .iter()
            .filter(|r| xlsx_text(&r[0]) == "Viktning")
            .map(|r| xlsx_text(&r[1]))
            .collect();
        assert_eq!(
            weightings,
            [
                stegvis_domain::ndi::WEIGHTING,
                crate::table::UNWEIGHTED,
                crate::table::UNWEIGHTED
            ]
        );
        let tables = [
            ndi_table(&ndi),
            distance_table(&distance, Some(&instrument)),
            outcome_table(&outcomes),
        ];
        let mut hidden = 0;
        for ((_, rows), table) in sheets[1..].iter().zip(&tables) {
            let header: Vec<String> = rows[0].iter().map(xlsx_text).collect();
            assert_eq!(header, COLUMNS);
            assert_eq!(rows.len() - 1, table.rows.len());
            for (row, expected) in rows[1..].iter().zip(&table.rows) {
                assert_eq!(xlsx_text(&row[0]), expected.figure);
                assert_eq!(xlsx_text(&row[3]), expected.group_label());
                assert_eq!(xlsx_count(&row[4], 5), expected.n.label(5));
                let count = expected.count.map(|c| c.label(5)).unwrap_or_default();
                assert_eq!(xlsx_count(&row[5], 5), count);
                // Full precision in XLSX.
                assert_eq!(xlsx_number(&row[6]), expected.value);
                assert_eq!(xlsx_number(&row[8]), expected.interval.map(|i| i.low));
                assert_eq!(xlsx_number(&row[9]), expected.interval.map(|i| i.high));
                if expected.n.is_hidden() || expected.count.is_some_and(Cell::is_hidden) {
                    hidden += 1;
                    assert_eq!(row[6], calamine::Data::Empty);
                }
            }
        }
        assert!(hidden > 0);
        // Independent of the table: the women's NDI mean.
        let women = ndi.figures.gender(Gender::Woman).unwrap().mean.unwrap();
        let row = sheets[1]
            .1
            .iter()
            .find(|r| xlsx_text(&r[0]) == "NDI, medelvärde" && xlsx_text(&r[3]) == "Kvinna")
            .unwrap();
        assert_eq!(xlsx_number(&row[6]), Some(women.value));
    }

    #[test]
    fn repeated_reports_get_their_own_sheets() {
        let (ndi, _, _) = testdata::reports(5);
        let bytes = tables_xlsx(&[ndi_table(&ndi), ndi_table(&ndi)]).unwrap();
        let names: Vec<String> = read_xlsx(&bytes).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["Om exporten", "NDI", "NDI (2)"]);
    }
}
