//! The codebook of the answer-level file, as an SPSS syntax file and an R
//! script that read the CSV and apply variable and value labels.
//!
//! Evaluators work in SPSS or R; a CSV of codes alone ("nara-arbete", "4")
//! makes them retype the questionnaire. Both scripts are generated from the
//! instrument, so the labels are the exact Swedish wording the answers were
//! given under.
//!
//! The file is long (one row per answer), so `value` means different things
//! on different rows: "1" is "Mycket dåligt" for one item and "Inte alls
//! nöjd" for another. Value labels on `value` itself cannot express that, so
//! both scripts
//!
//! - label `item_id` with each item's name and question,
//! - add a variable `value_label` holding the option's Swedish text for each
//!   row (SPSS: `RECODE … INTO` per item inside `DO IF`; R: a lookup table),
//!   "Vill inte svara" for declined answers,
//! - list every item's options in comments at the top, as a readable codebook.
//!
//! The R script also builds the wide layout (`svar_bred`: one row per person
//! and occasion, one factor column per item with that item's option labels).
//! SPSS users get a `CASESTOVARS` recipe in `docs/exports.md` instead; it is
//! not generated because item ids with '-' are not valid SPSS variable names.

use crate::anonymity::{OTHER_CODE, WIDE_AGE_BANDS};
use crate::answers::ANSWER_COLUMNS;
use crate::format::Separator;
use std::fmt::Write as _;
use stegvis_domain::instrument::{AnswerOption, Instrument, Item};
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::participant::{Gender, Referral};
use stegvis_domain::stats::AgeBand;

/// Swedish labels of the occasions.
fn occasion_label(kind: OccasionKind) -> &'static str {
    match kind {
        OccasionKind::Intake => "Inskrivning",
        OccasionKind::FollowUp => "Uppföljning",
        OccasionKind::Exit => "Utskrivning",
    }
}

/// The label of the referral code for merged rare referrals.
const OTHER_REFERRAL_LABEL: &str = "Övriga (ovanliga remittenter sammanslagna)";

/// The notes of the answer file as comment lines, with a heading.
fn about_lines(notes: &[(String, String)]) -> Vec<String> {
    if notes.is_empty() {
        return Vec::new();
    }
    let mut lines = vec!["Om svarsfilen (skydd mot identifiering):".to_owned()];
    lines.extend(notes.iter().map(|(n, v)| format!("  {n}: {v}")));
    lines
}

/// The label for declined answers in `value_label`.
const DECLINED_LABEL: &str = "Vill inte svara";

/// Variable labels, in [`ANSWER_COLUMNS`] order, then `value_label`.
const VARIABLE_LABELS: [(&str, &str); 15] = [
    ("pseudonym", "Pseudonym (gäller bara i denna export)"),
    ("gender", "Kön"),
    ("age_band", "Åldersgrupp"),
    (
        "municipality",
        "Kommun (Övriga: kommuner med färre än k personer; tom: utelämnad eller okänd)",
    ),
    ("referral", "Remitterande organisation"),
    ("programme", "Insats"),
    ("instrument", "Frågeformulär och version"),
    ("occasion", "Mättillfälle"),
    (
        "occasion_number",
        "Uppföljningens nummer (0 vid inskrivning och utskrivning)",
    ),
    (
        "date",
        "Då frågorna besvarades (månad, kvartal eller år; se filens beskrivning)",
    ),
    ("item_id", "Fråga"),
    ("value", "Svarskod"),
    ("score", "Poäng (tom när svaret saknar poäng)"),
    ("declined", "Vill inte svara"),
    ("value_label", "Svar i text"),
];

/// The Swedish text of an option, or its code when it has none (the middle
/// steps of a 1–10 scale).
fn option_label(option: &AnswerOption) -> &str {
    option
        .text
        .get("sv")
        .map(String::as_str)
        .filter(|t| !t.trim().is_empty())
        .unwrap_or(&option.code)
}

/// "Hälsa: Hur mår du nu?", or the question alone; prefixed by the id so
/// two items with the same wording still get different labels.
fn item_label(item: &Item) -> String {
    let question = item.text.get("sv").map_or("", String::as_str);
    match item.short.get("sv") {
        Some(short) => format!("{}: {short}: {question}", item.id),
        None => format!("{}: {question}", item.id),
    }
}

/// The instrument's Swedish name.
fn instrument_name(instrument: &Instrument) -> &str {
    instrument
        .name
        .get("sv")
        .map_or(instrument.id.as_str(), String::as_str)
}

// ---------------------------------------------------------------- SPSS ----

/// A string literal in SPSS syntax: single quotes, inner ones doubled, no
/// line breaks.
fn spss_quote(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("'{}'", flat.replace('\'', "''"))
}

/// SPSS value labels are limited to 120 bytes; longer ones are cut at a
/// character boundary and end with "…".
fn spss_label(text: &str) -> String {
    const MAX: usize = 120;
    if text.len() <= MAX {
        return spss_quote(text);
    }
    let mut end = MAX - '…'.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    spss_quote(&format!("{}…", &text[..end]))
}

/// A comment line: `*` in column 1, ending with a period, without
/// apostrophes (an unbalanced one confuses some SPSS versions).
fn spss_comment(out: &mut String, text: &str) {
    let clean = text.replace('\'', "’").replace(['\r', '\n'], " ");
    let clean = clean.trim_end_matches('.');
    let _ = writeln!(out, "* {clean}.");
}

/// The width in bytes of the widest of these strings (at least 1).
fn width<'a>(values: impl IntoIterator<Item = &'a str>) -> usize {
    values.into_iter().map(str::len).max().unwrap_or(1).max(1)
}

/// SPSS syntax that reads the answer-level CSV `file_name` (written with
/// `separator`) and applies variable labels, value labels for the coded
/// columns and item questions, and the per-item option texts as
/// `value_label`. The text starts with a UTF-8 byte order mark so SPSS reads
/// the syntax file itself as UTF-8.
///
/// `notes` are the answer file's notes (what was generalised, merged and
/// left out, see [`crate::anonymity::Report::notes`]); they are written as
/// comments at the top.
pub fn spss_syntax(
    instrument: &Instrument,
    separator: Separator,
    file_name: &str,
    notes: &[(String, String)],
) -> String {
    let mut out = String::from('\u{feff}');
    spss_comment(&mut out, "Encoding: UTF-8");
    spss_comment(
        &mut out,
        &format!("Stegvis: kodbok för svarsfilen {file_name} (en rad per svar)"),
    );
    spss_comment(
        &mut out,
        &format!(
            "Frågeformulär: {} ({})",
            instrument_name(instrument),
            instrument.version()
        ),
    );
    spss_comment(
        &mut out,
        "Kör hela filen. Ange full sökväg i /FILE om svarsfilen inte ligger i arbetskatalogen",
    );
    for line in about_lines(notes) {
        spss_comment(&mut out, &line);
    }
    spss_comment(
        &mut out,
        "Svarsalternativ per fråga (kod = text); Vill inte svara har declined = 1 och tomt value",
    );
    for item in &instrument.items {
        spss_comment(&mut out, &format!("  {}", item_label(item)));
        let options: Vec<String> = item
            .options
            .iter()
            .map(|o| format!("{} = {}", o.code, option_label(o)))
            .collect();
        spss_comment(&mut out, &format!("    {}", options.join("; ")));
    }
    out.push('\n');

    let item_width = width(instrument.items.iter().map(|i| i.id.as_str()));
    let value_width = width(
        instrument
            .items
            .iter()
            .flat_map(|i| i.options.iter().map(|o| o.code.as_str())),
    );
    let label_width = width(
        instrument
            .items
            .iter()
            .flat_map(|i| i.options.iter().map(option_label))
            .chain([DECLINED_LABEL]),
    );
    let formats: [(&str, String); 14] = [
        ("pseudonym", "A16".into()),
        ("gender", "A16".into()),
        ("age_band", "A16".into()),
        ("municipality", "A100".into()),
        ("referral", "A8".into()),
        ("programme", "A200".into()),
        ("instrument", "A100".into()),
        ("occasion", "A10".into()),
        ("occasion_number", "F4.0".into()),
        ("date", "A10".into()),
        ("item_id", format!("A{item_width}")),
        ("value", format!("A{value_width}")),
        ("score", "F4.0".into()),
        ("declined", "F1.0".into()),
    ];
    debug_assert!(formats.iter().map(|f| f.0).eq(ANSWER_COLUMNS));
    out.push_str("GET DATA\n  /TYPE=TXT\n");
    let _ = writeln!(out, "  /FILE={}", spss_quote(file_name));
    out.push_str("  /ENCODING='UTF8'\n  /DELCASE=LINE\n");
    let _ = writeln!(out, "  /DELIMITERS=\"{}\"", separator.as_char());
    out.push_str("  /QUALIFIER='\"'\n  /ARRANGEMENT=DELIMITED\n  /FIRSTCASE=2\n  /VARIABLES=\n");
    for (i, (name, format)) in formats.iter().enumerate() {
        let end = if i + 1 == formats.len() { "." } else { "" };
        let _ = writeln!(out, "    {name} {format}{end}");
    }
    out.push_str("CACHE.\nEXECUTE.\nDATASET NAME svar WINDOW=FRONT.\n\n");

    spss_comment(&mut out, "Svaret i text för varje rad");
    let _ = writeln!(
        out,
        "STRING value_label (A{}).",
        label_width.max(value_width)
    );
    out.push_str("DO IF (declined = 1).\n");
    let _ = writeln!(
        out,
        "  COMPUTE value_label = {}.",
        spss_quote(DECLINED_LABEL)
    );
    for item in &instrument.items {
        let _ = writeln!(out, "ELSE IF (item_id = {}).", spss_quote(&item.id));
        out.push_str("  RECODE value\n");
        for option in &item.options {
            let _ = writeln!(
                out,
                "    ({}={})",
                spss_quote(&option.code),
                spss_quote(option_label(option))
            );
        }
        out.push_str("    (ELSE=COPY) INTO value_label.\n");
    }
    out.push_str("END IF.\nEXECUTE.\n\n");

    out.push_str("VARIABLE LABELS\n");
    for (i, (name, label)) in VARIABLE_LABELS.iter().enumerate() {
        let lead = if i == 0 { "  " } else { "  /" };
        let end = if i + 1 == VARIABLE_LABELS.len() {
            "."
        } else {
            ""
        };
        let _ = writeln!(out, "{lead}{name} {}{end}", spss_label(label));
    }
    out.push('\n');

    let mut groups: Vec<(&str, Vec<(String, String)>)> = vec![
        (
            "gender",
            Gender::ALL
                .iter()
                .map(|g| (spss_quote(g.code()), spss_label(g.label())))
                .collect(),
        ),
        (
            "referral",
            Referral::ALL
                .iter()
                .map(|r| (spss_quote(r.code()), spss_label(r.label())))
                .chain([(spss_quote(OTHER_CODE), spss_label(OTHER_REFERRAL_LABEL))])
                .collect(),
        ),
        (
            "occasion",
            OccasionKind::ALL
                .iter()
                .map(|o| (spss_quote(o.as_str()), spss_label(occasion_label(*o))))
                .collect(),
        ),
        (
            "declined",
            vec![
                ("0".into(), spss_quote("Nej")),
                ("1".into(), spss_quote("Ja, vill inte svara")),
            ],
        ),
    ];
    groups.push((
        "item_id",
        instrument
            .items
            .iter()
            .map(|i| (spss_quote(&i.id), spss_label(&item_label(i))))
            .collect(),
    ));
    out.push_str("VALUE LABELS\n");
    for (g, (name, pairs)) in groups.iter().enumerate() {
        let lead = if g == 0 { "  " } else { "  /" };
        let _ = writeln!(out, "{lead}{name}");
        for (p, (value, label)) in pairs.iter().enumerate() {
            let end = if g + 1 == groups.len() && p + 1 == pairs.len() {
                "."
            } else {
                ""
            };
            let _ = writeln!(out, "    {value} {label}{end}");
        }
    }
    out.push('\n');
    out.push_str("VARIABLE LEVEL score occasion_number (SCALE)\n  /declined (NOMINAL).\n");
    out
}

// ------------------------------------------------------------------- R ----

/// A string literal in R: double quotes, `\` and `"` escaped, control
/// characters as escapes.
fn r_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `c("a", "b")`, broken over lines with this indent.
fn r_vector<'a>(values: impl IntoIterator<Item = &'a str>, indent: &str) -> String {
    let items: Vec<String> = values.into_iter().map(r_quote).collect();
    format!(
        "c(\n{indent}  {}\n{indent})",
        items.join(&format!(",\n{indent}  "))
    )
}

/// A comment line.
fn r_comment(out: &mut String, text: &str) {
    let _ = writeln!(out, "# {}", text.replace(['\r', '\n'], " "));
}

/// An R script (base R only) that reads the answer-level CSV `file_name`
/// (written with `separator`), turns the coded columns into labelled
/// factors, adds `value_label` and `question`, sets a `label` attribute on
/// every variable (shown by RStudio's viewer) and builds the wide layout
/// `svar_bred`. Run it with `source("kodbok.R", encoding = "UTF-8")`.
/// `notes` are written as comments at the top, as for [`spss_syntax`].
pub fn r_script(
    instrument: &Instrument,
    separator: Separator,
    file_name: &str,
    notes: &[(String, String)],
) -> String {
    let mut out = String::new();
    r_comment(
        &mut out,
        &format!("Stegvis: kodbok för svarsfilen {file_name} (en rad per svar)"),
    );
    r_comment(
        &mut out,
        &format!(
            "Frågeformulär: {} ({})",
            instrument_name(instrument),
            instrument.version()
        ),
    );
    r_comment(
        &mut out,
        "Kör med: source(\"kodbok.R\", encoding = \"UTF-8\")",
    );
    r_comment(
        &mut out,
        "Resultat: svar (en rad per svar) och svar_bred (en rad per person och mättillfälle)",
    );
    for line in about_lines(notes) {
        r_comment(&mut out, &line);
    }
    r_comment(&mut out, "Svarsalternativ per fråga (kod = text):");
    for item in &instrument.items {
        r_comment(&mut out, &format!("  {}", item_label(item)));
        let options: Vec<String> = item
            .options
            .iter()
            .map(|o| format!("{} = {}", o.code, option_label(o)))
            .collect();
        r_comment(&mut out, &format!("    {}", options.join("; ")));
    }
    out.push('\n');

    let read = match separator {
        Separator::Semicolon => "read.csv2",
        Separator::Comma => "read.csv",
    };
    let class = |column: &str| match column {
        "occasion_number" | "score" | "declined" => "integer",
        _ => "character",
    };
    let classes: Vec<String> = ANSWER_COLUMNS
        .iter()
        .map(|c| format!("{c} = {}", r_quote(class(c))))
        .collect();
    let _ = writeln!(out, "fil <- {}", r_quote(file_name));
    let _ = writeln!(
        out,
        "svar <- {read}(fil, fileEncoding = \"UTF-8-BOM\", na.strings = \"\", \
         stringsAsFactors = FALSE,\n  colClasses = c(\n    {}\n  ))",
        classes.join(",\n    ")
    );
    out.push_str(
        "# Datum: dag (ÅÅÅÅ-MM-DD) bara i full detaljnivå, annars månad, kvartal eller år som text\n\
         if (all(grepl(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}$\", na.omit(svar$date)))) \
         svar$date <- as.Date(svar$date)\n",
    );
    out.push_str("svar$declined <- svar$declined == 1L\n\n");

    r_comment(&mut out, "Svaret i text för varje rad");
    let pairs: Vec<(&str, &str, &str)> = instrument
        .items
        .iter()
        .flat_map(|i| {
            i.options
                .iter()
                .map(move |o| (i.id.as_str(), o.code.as_str(), option_label(o)))
        })
        .collect();
    let _ = writeln!(
        out,
        "svarstexter <- data.frame(\n  item_id = {},\n  value = {},\n  label = {},\n  \
         stringsAsFactors = FALSE\n)",
        r_vector(pairs.iter().map(|p| p.0), "  "),
        r_vector(pairs.iter().map(|p| p.1), "  "),
        r_vector(pairs.iter().map(|p| p.2), "  "),
    );
    out.push_str(
        "svar$value_label <- svarstexter$label[match(\n  paste(svar$item_id, svar$value, sep = \"|\"),\n  \
         paste(svarstexter$item_id, svarstexter$value, sep = \"|\")\n)]\n",
    );
    let _ = writeln!(
        out,
        "svar$value_label[which(svar$declined)] <- {}\n",
        r_quote(DECLINED_LABEL)
    );

    r_comment(
        &mut out,
        "Kodade variabler som faktorer med svenska etiketter",
    );
    let factor = |out: &mut String, target: &str, source: &str, codes: &[&str], labels: &[&str]| {
        let _ = writeln!(
            out,
            "svar${target} <- factor(svar${source},\n  levels = {},\n  labels = {}\n)",
            r_vector(codes.iter().copied(), "  "),
            r_vector(labels.iter().copied(), "  ")
        );
    };
    let genders: Vec<&str> = Gender::ALL.iter().map(|g| g.code()).collect();
    let gender_labels: Vec<&str> = Gender::ALL.iter().map(|g| g.label()).collect();
    factor(&mut out, "gender", "gender", &genders, &gender_labels);
    // The ten-year bands or the wide ones, whichever the file has.
    let bands: Vec<&str> = AgeBand::ALL
        .iter()
        .map(|b| b.label())
        .chain(WIDE_AGE_BANDS)
        .collect();
    factor(&mut out, "age_band", "age_band", &bands, &bands);
    out.push_str("svar$age_band <- droplevels(svar$age_band)\n");
    let referrals: Vec<&str> = Referral::ALL
        .iter()
        .map(|r| r.code())
        .chain([OTHER_CODE])
        .collect();
    let referral_labels: Vec<&str> = Referral::ALL
        .iter()
        .map(|r| r.label())
        .chain([OTHER_REFERRAL_LABEL])
        .collect();
    factor(
        &mut out,
        "referral",
        "referral",
        &referrals,
        &referral_labels,
    );
    let occasions: Vec<&str> = OccasionKind::ALL.iter().map(|o| o.as_str()).collect();
    let occasion_labels: Vec<&str> = OccasionKind::ALL
        .iter()
        .map(|o| occasion_label(*o))
        .collect();
    factor(
        &mut out,
        "occasion",
        "occasion",
        &occasions,
        &occasion_labels,
    );
    let ids: Vec<&str> = instrument.items.iter().map(|i| i.id.as_str()).collect();
    let item_labels: Vec<String> = instrument.items.iter().map(item_label).collect();
    let item_labels: Vec<&str> = item_labels.iter().map(String::as_str).collect();
    factor(&mut out, "question", "item_id", &ids, &item_labels);
    out.push('\n');

    r_comment(&mut out, "Variabeletiketter (visas i RStudio)");
    let labels: Vec<String> = VARIABLE_LABELS
        .iter()
        .map(|(name, label)| format!("{name} = {}", r_quote(label)))
        .chain(std::iter::once(format!(
            "question = {}",
            r_quote("Fråga i text")
        )))
        .collect();
    let _ = writeln!(
        out,
        "variabeletiketter <- c(\n  {}\n)",
        labels.join(",\n  ")
    );
    out.push_str(
        "for (v in names(variabeletiketter)) {\n  attr(svar[[v]], \"label\") <- variabeletiketter[[v]]\n}\n\n",
    );

    r_comment(
        &mut out,
        "Bred form: en rad per person, insats och mättillfälle, en kolumn per fråga (value.<fråga>)",
    );
    out.push_str(
        "svar_bred <- reshape(\n  svar[, c(\"pseudonym\", \"programme\", \"occasion\", \"occasion_number\", \"date\", \"item_id\", \"value\")],\n  \
         idvar = c(\"pseudonym\", \"programme\", \"occasion\", \"occasion_number\", \"date\"),\n  \
         timevar = \"item_id\",\n  direction = \"wide\"\n)\n",
    );
    out.push_str(
        "for (fraga in unique(svarstexter$item_id)) {\n  kolumn <- paste0(\"value.\", fraga)\n  \
         if (kolumn %in% names(svar_bred)) {\n    alternativ <- svarstexter[svarstexter$item_id == fraga, ]\n    \
         svar_bred[[kolumn]] <- factor(svar_bred[[kolumn]], levels = alternativ$value, labels = alternativ$label)\n  }\n}\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    #[test]
    fn spss_reads_the_right_file_with_the_right_delimiter() {
        let instrument = testdata::instrument();
        let syntax = spss_syntax(&instrument, Separator::Semicolon, "svar 2025.csv", &[]);
        assert!(syntax.starts_with('\u{feff}'));
        assert!(syntax.contains("GET DATA\n  /TYPE=TXT\n  /FILE='svar 2025.csv'\n"));
        assert!(syntax.contains("  /ENCODING='UTF8'\n"));
        assert!(syntax.contains("  /DELIMITERS=\";\"\n"));
        assert!(syntax.contains("  /FIRSTCASE=2\n"));
        assert!(syntax.contains("    date A10\n"));
        assert!(syntax.contains("    declined F1.0.\n"));
        // The longest item id is "vill-arbeta" (11 bytes).
        assert!(syntax.contains("    item_id A11\n"));
        let comma = spss_syntax(&instrument, Separator::Comma, "svar.csv", &[]);
        assert!(comma.contains("  /DELIMITERS=\",\"\n"));
        // Every variable of the file is read, in order.
        let start = syntax.find("/VARIABLES=").unwrap();
        let names: Vec<&str> = syntax[start..]
            .lines()
            .skip(1)
            .take(ANSWER_COLUMNS.len())
            .map(|l| l.split_whitespace().next().unwrap())
            .collect();
        assert_eq!(names, ANSWER_COLUMNS);
    }

    #[test]
    fn spss_applies_labels_with_quotes_escaped() {
        let syntax = spss_syntax(
            &testdata::instrument(),
            Separator::Semicolon,
            "svar.csv",
            &[],
        );
        assert!(syntax.contains("VARIABLE LABELS\n  pseudonym 'Pseudonym (gäller bara i denna export)'\n  /gender 'Kön'\n"));
        assert!(syntax.contains("  /value_label 'Svar i text'.\n"));
        assert!(syntax.contains("VALUE LABELS\n  gender\n    'kvinna' 'Kvinna'\n"));
        assert!(syntax.contains("    'vill-inte-ange' 'Vill inte ange'\n"));
        assert!(syntax.contains("  /referral\n    'af' 'Arbetsförmedlingen'\n"));
        assert!(syntax.contains("  /occasion\n    'intake' 'Inskrivning'\n"));
        assert!(syntax.contains("    'halsa' 'halsa: Hälsa: Hur mår du nu?'\n"));
        // The value labels end with the last item, and a period.
        assert!(syntax.contains("    'n3' 'n3: Hur nära det bästa stödet är det du fått?'.\n"));
        // Per-item option texts; an apostrophe is doubled.
        assert!(syntax
            .contains("ELSE IF (item_id = 'halsa').\n  RECODE value\n    ('1'='Mycket dåligt')\n"));
        assert!(syntax.contains("    ('oklart'='Det är ''oklart''')\n"));
        assert!(syntax.contains("  COMPUTE value_label = 'Vill inte svara'.\n"));
        // Unlabelled middle steps of a 1–10 scale keep their code.
        assert!(syntax.contains("    ('5'='5')\n"));
        // Comments: one per line, each ending with a period, no apostrophes.
        for line in syntax.lines().filter(|l| l.starts_with('*')) {
            assert!(line.ends_with('.') && !line.contains('\''), "{line}");
        }
        // Every command ends with a period: no line after a command's last
        // line starts without indentation unless it begins a new command.
        assert!(syntax.contains("END IF.\nEXECUTE.\n"));
    }

    #[test]
    fn spss_labels_are_cut_at_120_bytes() {
        let long = "å".repeat(100);
        let label = spss_label(&long);
        assert!(label.len() <= 122);
        assert!(label.ends_with("…'"));
    }

    #[test]
    fn r_reads_the_right_file_with_the_right_function() {
        let instrument = testdata::instrument();
        let script = r_script(&instrument, Separator::Semicolon, "svar.csv", &[]);
        assert!(script.contains("fil <- \"svar.csv\"\n"));
        assert!(script
            .contains("svar <- read.csv2(fil, fileEncoding = \"UTF-8-BOM\", na.strings = \"\""));
        assert!(script.contains("    score = \"integer\",\n"));
        assert!(script.contains("    item_id = \"character\",\n"));
        let comma = r_script(&instrument, Separator::Comma, "svar.csv", &[]);
        assert!(comma.contains("svar <- read.csv(fil, "));
        assert!(!comma.contains("read.csv2"));
    }

    #[test]
    fn r_applies_labels_with_quotes_escaped() {
        let script = r_script(
            &testdata::instrument(),
            Separator::Semicolon,
            "svar.csv",
            &[],
        );
        assert!(script.contains(
            "svar$gender <- factor(svar$gender,\n  levels = c(\n    \"kvinna\",\n    \"man\",\n    \"annan\",\n    \"vill-inte-ange\"\n  ),\n  labels = c(\n    \"Kvinna\",\n    \"Man\",\n    \"Annan\",\n    \"Vill inte ange\"\n  )\n)"
        ));
        assert!(script.contains("svar$occasion <- factor(svar$occasion,"));
        assert!(script.contains("\"Inskrivning\""));
        assert!(script.contains("svar$question <- factor(svar$item_id,"));
        // A question with double quotes is escaped.
        assert!(script.contains("\"gor-nu: Vad gör du \\\"just nu\\\"?\""));
        assert!(script.contains("\"Det är 'oklart'\""));
        assert!(script.contains("svar$value_label[which(svar$declined)] <- \"Vill inte svara\"\n"));
        assert!(script.contains("attr(svar[[v]], \"label\") <- variabeletiketter[[v]]"));
        assert!(script.contains("  gender = \"Kön\",\n"));
        assert!(script.contains("direction = \"wide\""));
        // Balanced brackets and quotes: a cheap syntax check.
        let unescaped = script.replace("\\\\", "").replace("\\\"", "");
        let code: String = unescaped
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(code.matches('"').count() % 2, 0);
        let mut depth = 0_i32;
        let mut in_string = false;
        for c in code.chars() {
            match c {
                '"' => in_string = !in_string,
                '(' | '[' | '{' if !in_string => depth += 1,
                ')' | ']' | '}' if !in_string => depth -= 1,
                _ => {}
            }
            assert!(depth >= 0);
        }
        assert_eq!(depth, 0);
    }

    #[test]
    fn r_strings_escape_everything_r_needs() {
        assert_eq!(r_quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(spss_quote("it's"), "'it''s'");
    }
}
