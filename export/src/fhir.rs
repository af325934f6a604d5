//! Check-ins as FHIR R4: the instrument as a `Questionnaire`, each check-in
//! as a `QuestionnaireResponse`, and a streaming writer for a `collection`
//! `Bundle` that carries them.
//!
//! Regions and some municipalities run systems that speak FHIR; with these
//! resources a check-in can move there without a custom format. The mapping
//! (also in `docs/exports.md`):
//!
//! - **Questionnaire**: `url` is `urn:stegvis:questionnaire:<instrument id>`,
//!   `version` the instrument's content hash, `identifier` the full version
//!   `id@hash`. One item per instrument item: `linkId` = item id, `type`
//!   `choice`, `required` false (every item can be declined), the Swedish
//!   question as `text` with other languages as `translation` extensions,
//!   and `answerOption.valueCoding` {system, code, display} per option, the
//!   score as an `ordinalValue` extension on the coding.
//! - **QuestionnaireResponse**: `status` `completed`, `questionnaire` the
//!   canonical `url|version`, `subject` an identifier-only reference holding
//!   the export's pseudonym (never a resource id, so nothing can be resolved
//!   back to the person), `authored` the date (or date and time), the
//!   occasion as an extension, and one item per answered item, in instrument
//!   order, with `answer.valueCoding`.
//! - **"Vill inte svara"**: the item is kept, without `answer` (R4 allows an
//!   item without answers), and carries the standard `data-absent-reason`
//!   extension with `asked-declined` ("the source was asked but declined to
//!   answer"). Omitting the item would make "declined" look like "not
//!   asked", which the statistics treat differently.

use crate::{ExportError, Result};
use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};
use rand::RngCore;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use stegvis_domain::instrument::{AnswerValue, Instrument, Item, Texts, REQUIRED_LANGUAGE};
use stegvis_domain::occasion::OccasionKind;

/// The prefix of every Stegvis questionnaire's canonical URL.
pub const CANONICAL_PREFIX: &str = "urn:stegvis:questionnaire:";
/// The identifier system of instrument versions (`id@hash`).
pub const VERSION_SYSTEM: &str = "urn:stegvis:instrument-version";
/// The identifier system of export pseudonyms: they mean something only
/// within the export they came with.
pub const PSEUDONYM_SYSTEM: &str = "urn:stegvis:export-pseudonym";
/// The extension carrying the occasion (kind and number) of a response.
pub const OCCASION_EXTENSION: &str = "urn:stegvis:fhir:occasion";

/// The extension holding the period a check-in was answered in, when the
/// export writes dates coarser than a day (`2025-04`, `2025-Q2`, `2025`):
/// `authored` can hold a month or a year but not a quarter.
pub const PERIOD_EXTENSION: &str = "urn:stegvis:fhir:answered-in-period";

/// The extension on the bundle's `meta` holding one line of the export's
/// notes (what was generalised, merged and left out).
pub const EXPORT_NOTE_EXTENSION: &str = "urn:stegvis:fhir:export-note";
/// HL7's data-absent-reason extension.
pub const DATA_ABSENT_REASON: &str = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
/// HL7's ordinalValue extension (the score of an option).
pub const ORDINAL_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
/// HL7's translation extension.
pub const TRANSLATION: &str = "http://hl7.org/fhir/StructureDefinition/translation";

/// The canonical URL of an instrument's questionnaire (all versions).
pub fn canonical_url(instrument: &Instrument) -> String {
    format!("{CANONICAL_PREFIX}{}", instrument.id)
}

/// The versioned canonical reference a response points at: `url|hash`.
pub fn canonical_reference(instrument: &Instrument) -> String {
    format!("{}|{}", canonical_url(instrument), instrument.hash)
}

/// The code system of one item's options.
fn answer_system(instrument: &Instrument, item: &Item) -> String {
    format!("{}:{}", canonical_url(instrument), item.id)
}

/// A FHIR id (`[A-Za-z0-9-.]{1,64}`) from instrument id and hash.
fn resource_id(instrument: &Instrument) -> String {
    format!("{}-{}", instrument.id, instrument.hash)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect()
}

/// A machine-friendly name (`StegvisBas`) from an id, as FHIR's que-0 wants.
fn machine_name(id: &str) -> String {
    let name: String = id
        .split(['-', '_'])
        .filter(|p| !p.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_uppercase()) {
        name
    } else {
        format!("Q{name}")
    }
}

/// The Swedish text, with the other languages as a `_field` element of
/// translation extensions (or `None` when there are none).
fn texts(texts: &Texts) -> (Option<String>, Option<Value>) {
    let main = texts.get(REQUIRED_LANGUAGE).cloned();
    let translations: Vec<Value> = texts
        .iter()
        .filter(|(lang, text)| lang.as_str() != REQUIRED_LANGUAGE && !text.trim().is_empty())
        .map(|(lang, text)| {
            json!({
                "url": TRANSLATION,
                "extension": [
                    { "url": "lang", "valueCode": lang },
                    { "url": "content", "valueString": text },
                ],
            })
        })
        .collect();
    let extension = (!translations.is_empty()).then(|| json!({ "extension": translations }));
    (main, extension)
}

/// Sets `field` and `_field` from texts.
fn put_texts(object: &mut Map<String, Value>, field: &str, value: &Texts) {
    let (main, translations) = texts(value);
    if let Some(main) = main {
        object.insert(field.to_owned(), Value::String(main));
        if let Some(t) = translations {
            object.insert(format!("_{field}"), t);
        }
    }
}

/// An option's display: its Swedish text, or its code when it has none.
fn display(option: &stegvis_domain::instrument::AnswerOption) -> String {
    option
        .text
        .get(REQUIRED_LANGUAGE)
        .filter(|t| !t.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| option.code.clone())
}

/// The instrument as a FHIR R4 `Questionnaire` (see the module documentation).
pub fn questionnaire(instrument: &Instrument) -> Value {
    let items: Vec<Value> = instrument
        .items
        .iter()
        .map(|item| {
            let system = answer_system(instrument, item);
            let options: Vec<Value> = item
                .options
                .iter()
                .map(|option| {
                    let mut coding = Map::new();
                    if let Some(score) = option.score {
                        coding.insert(
                            "extension".into(),
                            json!([{ "url": ORDINAL_VALUE, "valueDecimal": score }]),
                        );
                    }
                    coding.insert("system".into(), json!(system));
                    coding.insert("code".into(), json!(option.code));
                    coding.insert("display".into(), json!(display(option)));
                    if let (_, Some(t)) = texts(&option.text) {
                        coding.insert("_display".into(), t);
                    }
                    json!({ "valueCoding": coding })
                })
                .collect();
            let mut object = Map::new();
            object.insert("linkId".into(), json!(item.id));
            put_texts(&mut object, "text", &item.text);
            object.insert("type".into(), json!("choice"));
            object.insert("required".into(), json!(false));
            object.insert("answerOption".into(), Value::Array(options));
            Value::Object(object)
        })
        .collect();
    let mut q = Map::new();
    q.insert("resourceType".into(), json!("Questionnaire"));
    q.insert("id".into(), json!(resource_id(instrument)));
    q.insert("url".into(), json!(canonical_url(instrument)));
    q.insert(
        "identifier".into(),
        json!([{ "system": VERSION_SYSTEM, "value": instrument.version() }]),
    );
    q.insert("version".into(), json!(instrument.hash));
    q.insert("name".into(), json!(machine_name(&instrument.id)));
    put_texts(&mut q, "title", &instrument.name);
    q.insert("status".into(), json!("active"));
    q.insert("language".into(), json!(REQUIRED_LANGUAGE));
    q.insert("subjectType".into(), json!(["Patient"]));
    q.insert("item".into(), Value::Array(items));
    Value::Object(q)
}

/// When a check-in was answered: a date (what the pseudonymised CSV has, and
/// the better choice for pseudonymised exports) or an instant with its offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authored {
    /// The day only.
    Date(NaiveDate),
    /// Date and time with its offset.
    DateTime(DateTime<FixedOffset>),
    /// A generalised period (k-anonymous exports): a month or year is written
    /// as such, a quarter as its year (with the quarter in an extension), a
    /// hidden date not at all.
    Period(crate::anonymity::Period),
}

impl Authored {
    /// The FHIR `dateTime` text: `2025-04-10`, `2025-04-10T09:30:00+02:00`,
    /// `2025-04` or `2025`; `None` for a hidden date.
    pub fn to_fhir(self) -> Option<String> {
        use crate::anonymity::Period;
        match self {
            Self::Date(d) | Self::Period(Period::Day(d)) => Some(d.format("%Y-%m-%d").to_string()),
            Self::DateTime(t) => Some(t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            Self::Period(p @ (Period::Month(..) | Period::Year(_))) => Some(p.to_string()),
            Self::Period(Period::Quarter(year, _)) => Some(format!("{year:04}")),
            Self::Period(Period::Hidden) => None,
        }
    }

    /// The period for [`PERIOD_EXTENSION`], when coarser than a day.
    fn coarse_period(self) -> Option<String> {
        use crate::anonymity::Period;
        match self {
            Self::Period(p @ (Period::Month(..) | Period::Quarter(..) | Period::Year(_))) => {
                Some(p.to_string())
            }
            _ => None,
        }
    }
}

impl From<NaiveDate> for Authored {
    fn from(date: NaiveDate) -> Self {
        Self::Date(date)
    }
}

impl From<DateTime<FixedOffset>> for Authored {
    fn from(time: DateTime<FixedOffset>) -> Self {
        Self::DateTime(time)
    }
}

impl From<DateTime<Utc>> for Authored {
    fn from(time: DateTime<Utc>) -> Self {
        Self::DateTime(time.fixed_offset())
    }
}

/// One check-in as a FHIR R4 `QuestionnaireResponse` (see the module
/// documentation). `answers` are by item id, as the check-in stores them;
/// items without an entry were not asked and are left out. An item id the
/// instrument does not have, or an option code its item does not have, is
/// an error rather than a silently wrong resource.
pub fn questionnaire_response(
    instrument: &Instrument,
    pseudonym: &str,
    authored: impl Into<Authored>,
    occasion: Option<(OccasionKind, u32)>,
    answers: &BTreeMap<String, AnswerValue>,
) -> Result<Value> {
    if let Some(unknown) = answers.keys().find(|id| instrument.item(id).is_none()) {
        return Err(ExportError::UnknownItem {
            instrument: instrument.version(),
            item: unknown.clone(),
        });
    }
    let mut items = Vec::new();
    for item in &instrument.items {
        let Some(answer) = answers.get(&item.id) else {
            continue;
        };
        let mut object = Map::new();
        object.insert("linkId".into(), json!(item.id));
        if let Some(text) = item.text.get(REQUIRED_LANGUAGE) {
            object.insert("text".into(), json!(text));
        }
        match answer {
            AnswerValue::Option(code) => {
                let option = item
                    .option(code)
                    .ok_or_else(|| ExportError::UnknownOption {
                        item: item.id.clone(),
                        code: code.clone(),
                    })?;
                object.insert(
                    "answer".into(),
                    json!([{
                        "valueCoding": {
                            "system": answer_system(instrument, item),
                            "code": option.code,
                            "display": display(option),
                        }
                    }]),
                );
            }
            AnswerValue::Declined => {
                object.insert(
                    "extension".into(),
                    json!([{ "url": DATA_ABSENT_REASON, "valueCode": "asked-declined" }]),
                );
            }
        }
        items.push(Value::Object(object));
    }
    let authored = authored.into();
    let mut r = Map::new();
    r.insert("resourceType".into(), json!("QuestionnaireResponse"));
    let mut extensions = Vec::new();
    if let Some((kind, number)) = occasion {
        extensions.push(json!({
            "url": OCCASION_EXTENSION,
            "extension": [
                { "url": "kind", "valueCode": kind.as_str() },
                { "url": "number", "valueInteger": number },
            ],
        }));
    }
    if let Some(period) = authored.coarse_period() {
        extensions.push(json!({ "url": PERIOD_EXTENSION, "valueString": period }));
    }
    if !extensions.is_empty() {
        r.insert("extension".into(), Value::Array(extensions));
    }
    r.insert(
        "questionnaire".into(),
        json!(canonical_reference(instrument)),
    );
    r.insert("status".into(), json!("completed"));
    r.insert(
        "subject".into(),
        json!({
            "type": "Patient",
            "identifier": { "system": PSEUDONYM_SYSTEM, "value": pseudonym },
        }),
    );
    if let Some(authored) = authored.to_fhir() {
        r.insert("authored".into(), json!(authored));
    }
    // FHIR JSON never has an empty array: no answers, no "item".
    if !items.is_empty() {
        r.insert("item".into(), Value::Array(items));
    }
    Ok(Value::Object(r))
}

/// A random `urn:uuid:` (version 4) for an entry's `fullUrl`.
fn random_urn() -> String {
    let mut b = [0_u8; 16];
    rand::rng().fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Streams a FHIR `Bundle` of type `collection` to a writer, one entry at a
/// time, so a large export never holds its resources in memory. Each entry
/// gets a random `urn:uuid:` `fullUrl`. The JSON is complete only after
/// [`BundleWriter::finish`].
#[derive(Debug)]
pub struct BundleWriter<W: Write> {
    out: BufWriter<W>,
    entries: u64,
}

impl<W: Write> BundleWriter<W> {
    /// Starts the bundle.
    pub fn new(writer: W) -> Result<Self> {
        Self::with_notes(writer, &[])
    }

    /// Starts the bundle with the export's notes in its `meta`: one
    /// [`EXPORT_NOTE_EXTENSION`] per note (name and value), and the security
    /// label "pseudonymised" (HL7 v3 ObservationValue `PSEUDED`).
    pub fn with_notes(writer: W, notes: &[(String, String)]) -> Result<Self> {
        let mut out = BufWriter::new(writer);
        out.write_all(br#"{"resourceType":"Bundle""#)?;
        if !notes.is_empty() {
            let extension: Vec<Value> = notes
                .iter()
                .map(|(name, value)| {
                    json!({
                        "url": EXPORT_NOTE_EXTENSION,
                        "extension": [
                            { "url": "name", "valueString": name },
                            { "url": "value", "valueString": value },
                        ],
                    })
                })
                .collect();
            let meta = json!({
                "extension": extension,
                "security": [{
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
                    "code": "PSEUDED",
                    "display": "pseudonymized",
                }],
            });
            out.write_all(br#","meta":"#)?;
            serde_json::to_writer(&mut out, &meta)?;
        }
        out.write_all(br#","type":"collection""#)?;
        Ok(Self { out, entries: 0 })
    }

    /// Adds a resource (a JSON object with `resourceType`).
    pub fn push(&mut self, resource: &Value) -> Result<()> {
        if !resource.get("resourceType").is_some_and(Value::is_string) {
            return Err(ExportError::NotAResource);
        }
        // FHIR JSON never has an empty array, so "entry" opens with the first.
        self.out.write_all(if self.entries == 0 {
            br#","entry":["#
        } else {
            b","
        })?;
        self.out.write_all(br#"{"fullUrl":"#)?;
        serde_json::to_writer(&mut self.out, &random_urn())?;
        self.out.write_all(br#","resource":"#)?;
        serde_json::to_writer(&mut self.out, resource)?;
        self.out.write_all(b"}")?;
        self.entries += 1;
        Ok(())
    }

    /// How many entries were written.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Closes the bundle and gives the writer back.
    pub fn finish(mut self) -> Result<W> {
        self.out
            .write_all(if self.entries == 0 { b"}" } else { b"]}" })?;
        self.out
            .into_inner()
            .map_err(|e| ExportError::Io(e.into_error()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    #[test]
    fn the_questionnaire_has_the_required_fields() {
        let instrument = testdata::instrument();
        let q = questionnaire(&instrument);
        assert_eq!(q["resourceType"], "Questionnaire");
        assert_eq!(q["status"], "active");
        assert_eq!(q["url"], "urn:stegvis:questionnaire:test");
        assert_eq!(q["version"], instrument.hash.as_str());
        assert_eq!(q["identifier"][0]["value"], instrument.version());
        assert_eq!(q["name"], "Test");
        assert_eq!(q["id"], format!("test-{}", instrument.hash));
        let items = q["item"].as_array().unwrap();
        assert_eq!(items.len(), instrument.items.len());
        let halsa = &items[0];
        assert_eq!(halsa["linkId"], "halsa");
        assert_eq!(halsa["type"], "choice");
        assert_eq!(halsa["text"], "Hur mår du nu?");
        assert_eq!(halsa["_text"]["extension"][0]["url"], TRANSLATION);
        assert_eq!(
            halsa["_text"]["extension"][0]["extension"][1]["valueString"],
            "How do you feel now?"
        );
        let first = &halsa["answerOption"][0]["valueCoding"];
        assert_eq!(first["code"], "1");
        assert_eq!(first["display"], "Mycket dåligt");
        assert_eq!(first["system"], "urn:stegvis:questionnaire:test:halsa");
        assert_eq!(first["extension"][0]["url"], ORDINAL_VALUE);
        assert_eq!(first["extension"][0]["valueDecimal"], 1);
        // A choice item's options have no score; a 1–10 middle step shows its code.
        let gor_nu = &items[3]["answerOption"][2]["valueCoding"];
        assert_eq!(gor_nu["code"], "oklart");
        assert!(gor_nu.get("extension").is_none());
        assert_eq!(items[5]["answerOption"][4]["valueCoding"]["display"], "5");
    }

    #[test]
    fn a_response_has_the_required_fields_and_declines_explicitly() {
        let instrument = testdata::instrument();
        let mut answers = BTreeMap::new();
        answers.insert("nara".to_owned(), AnswerValue::Option("4".into()));
        answers.insert("halsa".to_owned(), AnswerValue::Declined);
        answers.insert(
            "vill-arbeta".to_owned(),
            AnswerValue::Option("dont-know".into()),
        );
        let r = questionnaire_response(
            &instrument,
            "a1b2c3d4e5f60718",
            testdata::date(2025, 4, 10),
            Some((OccasionKind::FollowUp, 1)),
            &answers,
        )
        .unwrap();
        assert_eq!(r["resourceType"], "QuestionnaireResponse");
        assert_eq!(r["status"], "completed");
        assert_eq!(
            r["questionnaire"],
            format!("urn:stegvis:questionnaire:test|{}", instrument.hash)
        );
        assert_eq!(r["subject"]["identifier"]["value"], "a1b2c3d4e5f60718");
        assert_eq!(r["subject"]["identifier"]["system"], PSEUDONYM_SYSTEM);
        assert!(r["subject"].get("reference").is_none());
        assert_eq!(r["authored"], "2025-04-10");
        assert_eq!(r["extension"][0]["extension"][0]["valueCode"], "follow-up");
        assert_eq!(r["extension"][0]["extension"][1]["valueInteger"], 1);
        // Instrument order: halsa, nara, vill-arbeta.
        let items = r["item"].as_array().unwrap();
        let ids: Vec<&str> = items
            .iter()
            .map(|i| i["linkId"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["halsa", "nara", "vill-arbeta"]);
        assert!(items[0].get("answer").is_none());
        assert_eq!(items[0]["extension"][0]["url"], DATA_ABSENT_REASON);
        assert_eq!(items[0]["extension"][0]["valueCode"], "asked-declined");
        let coding = &items[1]["answer"][0]["valueCoding"];
        assert_eq!(coding["code"], "4");
        assert_eq!(coding["display"], "Nära");
        assert_eq!(coding["system"], "urn:stegvis:questionnaire:test:nara");
        assert_eq!(items[2]["answer"][0]["valueCoding"]["display"], "Vet inte");
    }

    #[test]
    fn unknown_items_and_codes_are_errors() {
        let instrument = testdata::instrument();
        let date = testdata::date(2025, 4, 10);
        let mut answers = BTreeMap::new();
        answers.insert("okand".to_owned(), AnswerValue::Option("1".into()));
        assert!(matches!(
            questionnaire_response(&instrument, "p", date, None, &answers),
            Err(ExportError::UnknownItem { .. })
        ));
        let mut answers = BTreeMap::new();
        answers.insert("halsa".to_owned(), AnswerValue::Option("9".into()));
        assert!(matches!(
            questionnaire_response(&instrument, "p", date, None, &answers),
            Err(ExportError::UnknownOption { .. })
        ));
    }

    #[test]
    fn instants_keep_their_offset() {
        let t = DateTime::parse_from_rfc3339("2025-04-10T09:30:00+02:00").unwrap();
        assert_eq!(
            Authored::from(t).to_fhir().unwrap(),
            "2025-04-10T09:30:00+02:00"
        );
        let utc = t.with_timezone(&Utc);
        assert_eq!(
            Authored::from(utc).to_fhir().unwrap(),
            "2025-04-10T07:30:00Z"
        );
    }

    #[test]
    fn coarse_periods_are_valid_fhir_dates_with_the_period_beside() {
        use crate::anonymity::Period;
        let instrument = testdata::instrument();
        let mut answers = BTreeMap::new();
        answers.insert("nara".to_owned(), AnswerValue::Option("2".into()));
        let response = |period| {
            questionnaire_response(
                &instrument,
                "p1",
                Authored::Period(period),
                Some((OccasionKind::Intake, 0)),
                &answers,
            )
            .unwrap()
        };
        let month = response(Period::Month(2025, 4));
        assert_eq!(month["authored"], "2025-04");
        let quarter = response(Period::Quarter(2025, 2));
        assert_eq!(quarter["authored"], "2025");
        let extensions = quarter["extension"].as_array().unwrap();
        assert_eq!(extensions.len(), 2);
        assert_eq!(extensions[1]["url"], PERIOD_EXTENSION);
        assert_eq!(extensions[1]["valueString"], "2025-Q2");
        let hidden = response(Period::Hidden);
        assert!(hidden.get("authored").is_none());
        assert_eq!(hidden["extension"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn a_bundle_carries_the_export_notes_in_its_meta() {
        let notes = vec![("Datum".to_owned(), "kvartal".to_owned())];
        let bundle = BundleWriter::with_notes(Vec::new(), &notes).unwrap();
        let value: Value = serde_json::from_slice(&bundle.finish().unwrap()).unwrap();
        assert_eq!(value["type"], "collection");
        assert_eq!(value["meta"]["security"][0]["code"], "PSEUDED");
        let note = &value["meta"]["extension"][0];
        assert_eq!(note["url"], EXPORT_NOTE_EXTENSION);
        assert_eq!(note["extension"][0]["valueString"], "Datum");
        assert_eq!(note["extension"][1]["valueString"], "kvartal");
    }

    #[test]
    fn a_bundle_streams_entries_and_parses_as_json() {
        let instrument = testdata::instrument();
        let mut bundle = BundleWriter::new(Vec::new()).unwrap();
        bundle.push(&questionnaire(&instrument)).unwrap();
        let mut answers = BTreeMap::new();
        answers.insert("nara".to_owned(), AnswerValue::Option("2".into()));
        for i in 0..3 {
            let r = questionnaire_response(
                &instrument,
                &format!("p{i}"),
                testdata::date(2025, 1, 10),
                Some((OccasionKind::Intake, 0)),
                &answers,
            )
            .unwrap();
            bundle.push(&r).unwrap();
        }
        assert!(matches!(
            bundle.push(&json!({ "not": "a resource" })),
            Err(ExportError::NotAResource)
        ));
        assert_eq!(bundle.entries(), 4);
        let bytes = bundle.finish().unwrap();
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(value["resourceType"], "Bundle");
        assert_eq!(value["type"], "collection");
        let entries = value["entry"].as_array().unwrap();
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[0]["resource"]["resourceType"], "Questionnaire");
        assert_eq!(
            entries[3]["resource"]["subject"]["identifier"]["value"],
            "p2"
        );
        let urls: std::collections::BTreeSet<&str> = entries
            .iter()
            .map(|e| e["fullUrl"].as_str().unwrap())
            .collect();
        assert_eq!(urls.len(), 4);
        assert!(urls
            .iter()
            .all(|u| u.starts_with("urn:uuid:") && u.len() == 45));
        // An empty bundle is valid JSON too, without an empty array.
        let empty = BundleWriter::new(Vec::new()).unwrap().finish().unwrap();
        let value: Value = serde_json::from_slice(&empty).unwrap();
        assert_eq!(value["type"], "collection");
        assert!(value.get("entry").is_none());
    }
}
