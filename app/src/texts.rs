//! Every participant-facing text, from one Project Fluent file per language
//! (`app/locales/<code>.ftl`).
//!
//! Adding a language is adding a file: `build.rs` finds every file, reads its
//! own name (`language_name`), review status and writing direction (from the
//! locale: Arabic, Persian and every other right-to-left script) into a small
//! table, and embeds the files in the server. Plurals and dates follow
//! Fluent's own rules. Swedish (easy-read) is the text that counts: a message
//! missing from another file falls back to Swedish, never to a raw id, and a
//! test makes every file complete. Instrument texts live in the instrument
//! files, not here.
//!
//! Only the server formats messages. Participant pages never hydrate, and
//! staff pages are Swedish, so the browser bundle carries the language table
//! and Swedish's plain messages alone: no Fluent, no other language.

#[cfg(feature = "ssr")]
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub use fluent_bundle::FluentValue;

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// What every build knows of a language file (made by `build.rs`).
pub(crate) struct LanguageInfo {
    code: &'static str,
    name: &'static str,
    rtl: bool,
    preliminary: bool,
}

/// A language the participant screens are offered in: a handle into the
/// languages found in `app/locales/`, so it is as cheap to pass as a number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Lang(u8);

impl Lang {
    /// Swedish, easy-read: the language every instrument must have (first
    /// in the table; `build.rs` refuses a build without it).
    pub const SV: Lang = Lang(0);

    fn info(self) -> &'static LanguageInfo {
        LANGUAGES.get(usize::from(self.0)).unwrap_or(&LANGUAGES[0])
    }

    /// Every offered language, in the order the language choice lists them.
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..LANGUAGES.len()).filter_map(|i| u8::try_from(i).ok().map(Lang))
    }

    /// BCP 47 code, as in instrument files, the `lang` attribute and speech
    /// synthesis.
    pub fn code(self) -> &'static str {
        self.info().code
    }

    /// Reads a code; anything unknown is `None`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::all().find(|l| l.code() == code)
    }

    /// Writing direction for the `dir` attribute.
    pub fn dir(self) -> &'static str {
        if self.info().rtl {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The language's name in itself, so people find their own.
    pub fn native_name(self) -> &'static str {
        self.info().name
    }

    /// Whether the file says its translation still waits for a native
    /// speaker's review (`translation_status = preliminary`).
    pub fn preliminary(self) -> bool {
        self.info().preliminary
    }

    /// The texts in this language. In the browser bundle, Swedish's for
    /// every language (only staff pages hydrate, and they are Swedish).
    pub fn texts(self) -> &'static Texts {
        #[cfg(feature = "ssr")]
        {
            &fluent::bundles()[usize::from(self.0)].texts
        }
        #[cfg(not(feature = "ssr"))]
        {
            static SWEDISH: std::sync::OnceLock<Texts> = std::sync::OnceLock::new();
            let _ = self;
            SWEDISH.get_or_init(swedish_from_table)
        }
    }
}

/// Swedish's texts from the table of its plain messages `build.rs` makes:
/// the browser bundle's texts, without Fluent.
#[cfg_attr(all(feature = "ssr", not(test)), allow(dead_code))]
fn swedish_from_table() -> Texts {
    let words: serde_json::Map<String, serde_json::Value> = SWEDISH_PLAIN
        .iter()
        .map(|(id, text)| ((*id).to_owned(), (*text).into()))
        .collect();
    serde_json::from_value(words.into()).unwrap_or_default()
}

#[cfg(feature = "ssr")]
impl Lang {
    /// The message `id` with its variables filled in by Fluent (plurals,
    /// selectors); Swedish when this language lacks it, the id itself only
    /// when Swedish lacks it too (which the tests forbid).
    pub fn format(self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        fluent::format(self, id, args)
    }

    /// A message whose lines are paragraphs or list entries.
    pub fn lines(self, id: &str, args: &[(&str, FluentValue<'_>)]) -> Vec<String> {
        self.format(id, args)
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// The Fluent bundles, one per language file, read once on the server.
#[cfg(feature = "ssr")]
mod fluent {
    use super::{Lang, Texts, LANGUAGES, LOCALE_FILES};
    use fluent_bundle::concurrent::FluentBundle;
    use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
    use std::sync::OnceLock;

    pub(super) struct Language {
        pub(super) bundle: FluentBundle<FluentResource>,
        pub(super) texts: Texts,
    }

    /// Every language's bundle, in the order of [`LANGUAGES`].
    pub(super) fn bundles() -> &'static [Language] {
        static BUNDLES: OnceLock<Vec<Language>> = OnceLock::new();
        BUNDLES.get_or_init(|| {
            let mut languages: Vec<Language> = Vec::with_capacity(LANGUAGES.len());
            for (info, source) in LANGUAGES.iter().zip(LOCALE_FILES) {
                // build.rs parsed the file and the tag already.
                let id = info
                    .code
                    .parse::<unic_langid::LanguageIdentifier>()
                    .unwrap_or_default();
                let resource = FluentResource::try_new((*source).to_owned())
                    .unwrap_or_else(|(resource, _)| resource);
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // The values put in are numbers, dates and names in the
                // reader's own language; isolation marks would only reach
                // the phone's script and the speech engine as stray characters.
                bundle.set_use_isolating(false);
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(language = info.code, ?errors, "language file");
                }
                let texts = texts_of(&bundle, languages.first().map(|sv| &sv.bundle));
                languages.push(Language { bundle, texts });
            }
            languages
        })
    }

    /// A message without variables, or `None` when the file lacks it.
    pub(super) fn plain_message(bundle: &FluentBundle<FluentResource>, id: &str) -> Option<String> {
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, None, &mut errors);
        errors.is_empty().then(|| text.into_owned())
    }

    /// The [`Texts`] of one file, each missing message taken from Swedish.
    fn texts_of(
        bundle: &FluentBundle<FluentResource>,
        base: Option<&FluentBundle<FluentResource>>,
    ) -> Texts {
        let ids = serde_json::to_value(Texts::default()).unwrap_or_default();
        let words: serde_json::Map<String, serde_json::Value> = ids
            .as_object()
            .into_iter()
            .flat_map(|fields| fields.keys())
            .filter_map(|id| {
                let text = plain_message(bundle, id).or_else(|| plain_message(base?, id))?;
                Some((id.clone(), text.into()))
            })
            .collect();
        serde_json::from_value(words.into()).unwrap_or_default()
    }

    pub(super) fn format(lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let all = bundles();
        [lang, Lang::SV]
            .into_iter()
            .filter_map(|l| all.get(usize::from(l.0)).map(|b| (l, &b.bundle)))
            .find_map(|(l, bundle)| {
                let pattern = bundle.get_message(id)?.value()?;
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
                if !errors.is_empty() {
                    tracing::error!(language = l.code(), id, ?errors, "message");
                }
                Some(text.into_owned())
            })
            .unwrap_or_else(|| id.to_owned())
    }
}

impl std::fmt::Debug for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Lang::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown language {code:?}")))
    }
}

/// Every message of one language that has no variables, by its id: the words
/// components show as they are. Messages with variables (counts, dates, names)
/// go through [`Lang::format`]. Serialised whole into the check-in a phone
/// keeps for answering offline.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Texts {
    pub loading: String,
    pub start_heading: String,
    /// What the check-in is, as whole sentences per occasion (see
    /// [`occasion_sentence`]): an occasion name inside one template read oddly
    /// ("Nu är det dags för slut.").
    pub start_intake: String,
    pub start_exit: String,
    pub no_right_answers: String,
    pub begin: String,
    pub resume: String,
    pub nothing_due_heading: String,
    pub occasion_intake: String,
    pub occasion_exit: String,
    pub back: String,
    pub next: String,
    pub choose_answer: String,
    pub decline: String,
    pub listen: String,
    pub review_heading: String,
    pub review_intro: String,
    pub no_answer_yet: String,
    pub send: String,
    pub answer_all_first: String,
    pub keep_answering: String,
    pub not_sent_heading: String,
    pub thanks_heading: String,
    pub thanks_received: String,
    pub thanks_next: String,
    pub settings: String,
    pub language: String,
    pub pictures: String,
    pub pictures_on: String,
    pub pictures_off: String,
    pub text_size: String,
    pub size_normal: String,
    pub size_large: String,
    pub size_larger: String,
    pub save: String,
    pub skip_to_content: String,
    pub code_heading: String,
    pub code_help: String,
    pub code_label: String,
    pub go_on: String,
    pub pin_new_heading: String,
    pub pin_new_help: String,
    pub pin_label: String,
    pub pin_repeat_label: String,
    pub pin_heading: String,
    pub pin_help: String,
    pub new_code_link: String,
    pub signed_in_heading: String,
    pub start_answering: String,
    pub leave: String,
    pub assisted_banner: String,
    pub journey_heading: String,
    pub journey_intro: String,
    pub journey_link: String,
    pub journey_nothing: String,
    pub journey_star_title: String,
    pub journey_outward: String,
    pub journey_table: String,
    pub journey_start: String,
    pub journey_before: String,
    pub journey_now: String,
    pub journey_legend_first: String,
    pub journey_legend_previous: String,
    pub journey_legend_latest: String,
    pub journey_better: String,
    pub journey_same: String,
    pub journey_worse: String,
    /// An indicator answered only with "Vill inte svara", once.
    pub journey_declined_only: String,
    /// An indicator not asked yet at any answered check-in.
    pub journey_later: String,
    /// Answers wait on the phone for a network: never said of sent answers.
    pub outbox_waiting: String,
    pub outbox_sending: String,
    pub outbox_sent: String,
    pub outbox_sign_in: String,
    pub outbox_stuck_heading: String,
    pub outbox_stuck_body: String,
    pub outbox_stuck_help: String,
    pub offline_heading: String,
    pub offline_body: String,
    pub new_version: String,
    pub update_now: String,
    pub leave_waiting: String,
    /// "Mina svar": the participant's own answers, printed or saved.
    pub answers_heading: String,
    pub answers_intro: String,
    pub answers_nothing: String,
    pub answers_question: String,
    pub answers_answer: String,
    pub answers_print: String,
    pub answers_save_heading: String,
    pub answers_save_help: String,
    pub answers_save_csv: String,
    pub answers_save_json: String,
    pub answers_link: String,
    pub answers_back: String,
    /// The accessibility statement's heading, also the footer link to it on
    /// every page (staff pages too, so it lives here and the statement itself
    /// stays out of the browser bundle).
    pub statement_heading: String,
    /// The heading of an error on a participant page.
    pub error_heading: String,
    pub go_to_start: String,
    /// An error of the server's own, and an overloaded server (try again).
    pub error_internal: String,
    /// A form the server could not read (a field missing or malformed).
    pub error_unreadable_form: String,
    pub error_busy: String,
}

#[cfg(feature = "ssr")]
/// The texts the participant script needs on a page before (or without) a
/// kept check-in, as JSON for a `<script type="application/json">`: what it
/// says about waiting answers, updates and signing out.
pub fn page_script_texts(lang: Lang) -> String {
    const KEYS: [&str; 15] = [
        "outbox_waiting",
        "outbox_sending",
        "outbox_sent",
        "outbox_sign_in",
        "outbox_stuck_heading",
        "outbox_stuck_body",
        "outbox_stuck_help",
        "new_version",
        "update_now",
        "leave_waiting",
        "pin_heading",
        "listen",
        "thanks_heading",
        "thanks_next",
        "journey_link",
    ];
    let all = serde_json::to_value(lang.texts()).unwrap_or_default();
    let mut picked: serde_json::Map<String, serde_json::Value> = KEYS
        .iter()
        .filter_map(|k| Some(((*k).to_owned(), all.get(*k)?.clone())))
        .collect();
    picked.extend(script_templates(lang));
    // `<` never reaches the script element as markup.
    serde_json::to_string(&picked)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
}

#[cfg(feature = "ssr")]
/// Messages the phone's script fills in itself, offline too, with a value
/// only it knows (the start of a stuck submission's id, the next date of a
/// receipt, already in words): each is formatted by Fluent with the
/// placeholder `{name}` as its value. Only messages whose variables are
/// plain words, never counts, so no plural rule is skipped.
pub fn script_templates(lang: Lang) -> serde_json::Map<String, serde_json::Value> {
    [("outbox_stuck_code", "code"), ("thanks_next_date", "date")]
        .into_iter()
        .map(|(id, name)| {
            let placeholder = format!("{{{name}}}");
            let text = lang.format(id, &[(name, placeholder.as_str().into())]);
            (id.to_owned(), text.into())
        })
        .collect()
}

#[cfg(feature = "ssr")]
/// A date the way people say it ("20 december"), with the year only when it is
/// not the current one: easier to read than 2026-12-20. The word order and
/// the month names are each language's own (`date_this_year`,
/// `date_other_year`).
pub fn format_date(lang: Lang, date: NaiveDate, today: NaiveDate) -> String {
    let day = FluentValue::from(date.day());
    let month = FluentValue::from(date.month());
    if date.year() == today.year() {
        lang.format("date_this_year", &[("day", day), ("month", month)])
    } else {
        let year = FluentValue::from(date.year());
        lang.format(
            "date_other_year",
            &[("day", day), ("month", month), ("year", year)],
        )
    }
}

#[cfg(feature = "ssr")]
/// The occasion as a heading or table label names it ("Uppföljning 2"):
/// [`occasion_name`] with a capital first letter.
pub fn occasion_title(
    lang: Lang,
    kind: stegvis_domain::occasion::OccasionKind,
    number: u32,
) -> String {
    let name = occasion_name(lang, kind, number);
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
/// The occasion as a label names it ("uppföljning 2"); sentences use
/// [`occasion_sentence`].
pub fn occasion_name(
    lang: Lang,
    kind: stegvis_domain::occasion::OccasionKind,
    number: u32,
) -> String {
    use stegvis_domain::occasion::OccasionKind as K;
    let t = lang.texts();
    match kind {
        K::Intake => t.occasion_intake.clone(),
        K::FollowUp => lang.format("occasion_follow_up", &[("n", number.into())]),
        K::Exit => t.occasion_exit.clone(),
    }
}

#[cfg(feature = "ssr")]
/// The occasion as the start screen says it, as whole sentences ("Det här är
/// första gången du svarar."): an occasion name put into one sentence frame
/// read oddly for some occasions.
pub fn occasion_sentence(
    lang: Lang,
    kind: stegvis_domain::occasion::OccasionKind,
    number: u32,
) -> String {
    use stegvis_domain::occasion::OccasionKind as K;
    let t = lang.texts();
    match kind {
        K::Intake => t.start_intake.clone(),
        K::FollowUp => lang.format("start_follow_up", &[("n", number.into())]),
        K::Exit => t.start_exit.clone(),
    }
}

#[cfg(test)]
#[cfg(feature = "ssr")]
mod tests {
    use super::*;
    use fluent_syntax::ast;
    use std::collections::{BTreeMap, BTreeSet};
    use stegvis_domain::lix::lix;

    /// Messages only translations have: the note that Swedish counts.
    const TRANSLATION_ONLY: [&str; 1] = ["statement_official"];
    /// Texts read as one document, measured as a whole: the accessibility
    /// statement and the printed access sheet.
    const DOCUMENTS: [&str; 2] = ["statement_", "sheet_"];
    /// Messages about the file, not shown as they are.
    const ABOUT_THE_FILE: [&str; 2] = ["language_name", "translation_status"];

    fn file(code: &str) -> &'static str {
        LOCALE_FILES[LANGUAGES.iter().position(|l| l.code == code).unwrap()]
    }

    fn codes() -> impl Iterator<Item = &'static str> {
        LANGUAGES.iter().map(|l| l.code)
    }

    fn variables_in_pattern(pattern: &ast::Pattern<&str>, into: &mut BTreeSet<String>) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                variables_in_expression(expression, into);
            }
        }
    }

    fn variables_in_expression(expression: &ast::Expression<&str>, into: &mut BTreeSet<String>) {
        match expression {
            ast::Expression::Select { selector, variants } => {
                variables_in_inline(selector, into);
                for variant in variants {
                    variables_in_pattern(&variant.value, into);
                }
            }
            ast::Expression::Inline(inline) => variables_in_inline(inline, into),
        }
    }

    fn variables_in_inline(inline: &ast::InlineExpression<&str>, into: &mut BTreeSet<String>) {
        match inline {
            ast::InlineExpression::VariableReference { id } => {
                into.insert(id.name.to_owned());
            }
            ast::InlineExpression::Placeable { expression } => {
                variables_in_expression(expression, into);
            }
            _ => {}
        }
    }

    /// Every message of a file with the variables it uses.
    fn messages(code: &str) -> BTreeMap<String, BTreeSet<String>> {
        let resource = fluent_syntax::parser::parse(file(code))
            .unwrap_or_else(|(_, errors)| panic!("{code}.ftl does not parse: {errors:?}"));
        resource
            .body
            .iter()
            .filter_map(|entry| match entry {
                ast::Entry::Message(message) => {
                    let mut variables = BTreeSet::new();
                    if let Some(value) = &message.value {
                        variables_in_pattern(value, &mut variables);
                    }
                    Some((message.id.name.to_owned(), variables))
                }
                _ => None,
            })
            .collect()
    }

    /// A typical value for each variable a message may use; counts are tried
    /// at several values so every plural form is read.
    fn examples(variable: &str) -> Vec<FluentValue<'static>> {
        match variable {
            "n" | "step" | "answered" | "level" | "from" | "to" => {
                vec![1.into(), 2.into(), 3.into(), 11.into()]
            }
            "total" | "of" => vec![12.into()],
            "day" => vec![20.into()],
            "month" => (1..=12).map(FluentValue::from).collect(),
            "year" => vec![2027.into()],
            "date" => vec!["20 december".into()],
            "code" => vec!["3F2A9C1B".into()],
            "name" => vec!["Hälsa".into()],
            "label" | "from_label" | "to_label" => vec!["Bra".into()],
            "contact" => vec!["info@exempel.se".into()],
            "languages" => vec!["Svenska, English".into()],
            "minutes" | "left" => vec![1.into(), 2.into(), 15.into()],
            other => panic!("no example value for ${other}: add one to this test"),
        }
    }

    /// A message formatted with every combination of example values.
    fn shown(lang: Lang, id: &str, variables: &BTreeSet<String>) -> Vec<String> {
        let mut combinations: Vec<Vec<(&str, FluentValue<'static>)>> = vec![Vec::new()];
        for variable in variables {
            combinations = combinations
                .into_iter()
                .flat_map(|done| {
                    examples(variable).into_iter().map(move |value| {
                        let mut next = done.clone();
                        next.push((variable.as_str(), value));
                        next
                    })
                })
                .collect();
        }
        combinations
            .iter()
            .flat_map(|args| lang.lines(id, args))
            .collect()
    }

    /// Every Swedish text as a participant reads it, each line and plural
    /// form on its own, with typical values filled in.
    fn swedish_as_shown() -> Vec<(String, String)> {
        messages("sv")
            .into_iter()
            .filter(|(id, _)| !ABOUT_THE_FILE.contains(&id.as_str()))
            .flat_map(|(id, variables)| {
                shown(Lang::SV, &id, &variables)
                    .into_iter()
                    .map(move |text| (id.clone(), text))
            })
            .collect()
    }

    fn lang(code: &str) -> Lang {
        Lang::from_code(code).unwrap()
    }

    /// The text with the declined option's own name ("Vill inte svara") left
    /// out: the one negation the screens need, since the option is a refusal,
    /// and texts that tell about the option name it by its label.
    fn without_the_declined_label(text: &str) -> String {
        text.replace(&Lang::SV.texts().decline, "")
    }

    #[test]
    fn every_file_parses_and_is_offered() {
        assert!(LANGUAGES.len() >= 5 && LOCALE_FILES.len() == LANGUAGES.len());
        for code in codes() {
            messages(code);
            let lang = lang(code);
            assert_eq!(lang.code(), code);
            assert_ne!(lang.native_name(), code, "{code}.ftl has no language_name");
        }
        assert_eq!(Lang::all().next(), Some(Lang::SV));
        assert_eq!(Lang::SV.code(), "sv");
    }

    #[test]
    fn every_language_has_every_message_with_the_same_placeholders() {
        let swedish = messages("sv");
        for code in codes().filter(|c| *c != "sv") {
            let translated = messages(code);
            for (id, variables) in &swedish {
                let Some(theirs) = translated.get(id) else {
                    panic!("{code}.ftl lacks {id}");
                };
                assert_eq!(theirs, variables, "{code}.ftl: {id} has other placeholders");
            }
            for id in translated.keys() {
                assert!(
                    swedish.contains_key(id) || TRANSLATION_ONLY.contains(&id.as_str()),
                    "{code}.ftl has {id}, which Swedish has not"
                );
            }
            for id in TRANSLATION_ONLY {
                assert!(translated.contains_key(id), "{code}.ftl lacks {id}");
            }
        }
    }

    #[test]
    fn every_text_is_there_in_every_language_and_none_is_a_raw_id() {
        let swedish = messages("sv");
        for lang in Lang::all() {
            let texts = serde_json::to_value(lang.texts()).unwrap();
            for (name, value) in texts.as_object().unwrap() {
                let text = value.as_str().unwrap_or_default();
                assert!(!text.trim().is_empty(), "{lang:?}: {name} is empty");
                assert!(swedish.contains_key(name), "sv.ftl lacks {name}");
            }
            for (id, variables) in &swedish {
                for text in shown(lang, id, variables) {
                    assert_ne!(&text, id, "{lang:?}: {id} shows its id");
                    assert!(!text.contains("{$"), "{lang:?}: {id}: {text}");
                    assert!(!text.contains('\u{2068}'), "{lang:?}: {id}: isolation mark");
                }
            }
        }
        // Deserialising strictly: every field of Texts is a Swedish message.
        let missing: Vec<String> = serde_json::to_value(Texts::default())
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .filter(|id| fluent::plain_message(&fluent::bundles()[0].bundle, id).is_none())
            .cloned()
            .collect();
        assert!(missing.is_empty(), "sv.ftl lacks {missing:?}");
    }

    #[test]
    fn swedish_screen_texts_avoid_negations_idioms_long_and_abstract_words() {
        let mut problems = Vec::new();
        for (name, text) in swedish_as_shown() {
            let checked = without_the_declined_label(&text);
            // An error says what is wrong: "Koden stämmer inte" is the
            // plainest way; everything else in the rule still holds for it.
            let allowed: &[&str] = if name.starts_with("error_") {
                &stegvis_domain::easy_read::NEGATIONS
            } else {
                &[]
            };
            for problem in stegvis_domain::easy_read::problems(&checked, allowed) {
                problems.push(format!("{name}: \"{text}\" has the {problem}"));
            }
        }
        assert!(
            problems.is_empty(),
            "easy-read texts avoid negations, idioms, words over 14 letters and abstract nouns:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn the_easy_read_check_fails_on_the_old_wording() {
        for old in [
            "Det finns inga rätt eller fel svar.",
            "Du har inget att svara på nu",
            "Dina svar är inte skickade än",
            "Inget svar än",
            "Du kan svara till och med 20 december.",
        ] {
            let checked = without_the_declined_label(old);
            assert!(
                !stegvis_domain::easy_read::problems(&checked, &[]).is_empty(),
                "{old:?} passes the check"
            );
            assert!(
                swedish_as_shown().iter().all(|(_, t)| t != old),
                "{old:?} is still shown"
            );
        }
        // Only the option's own name is let through, not a negation beside it.
        assert!(!stegvis_domain::easy_read::problems(
            &without_the_declined_label("Du kan inte välja Vill inte svara."),
            &[]
        )
        .is_empty());
    }

    #[test]
    fn the_start_screen_says_each_occasion_as_a_whole_sentence() {
        use stegvis_domain::occasion::OccasionKind as K;
        assert_eq!(
            occasion_sentence(Lang::SV, K::Intake, 0),
            "Det här är första gången du svarar."
        );
        assert_eq!(
            occasion_sentence(Lang::SV, K::FollowUp, 1),
            "Nu svarar du igen. Det är uppföljning 1."
        );
        assert!(occasion_sentence(lang("ar"), K::FollowUp, 3).contains('3'));
        for lang in Lang::all() {
            for kind in K::ALL {
                let sentence = occasion_sentence(lang, kind, 2);
                assert!(!sentence.contains('{'), "{lang:?} {kind}: {sentence}");
                // The label alone is no sentence: "Nu är det dags för slut."
                assert_ne!(sentence, occasion_name(lang, kind, 2));
            }
        }
    }

    #[test]
    fn the_access_code_and_the_pin_keep_their_own_names() {
        // "Kod" is the access code on the note; "pinkod" the digits the person chose.
        let t = Lang::SV.texts();
        for pin_text in [
            &t.pin_repeat_label,
            &t.pin_help,
            &t.pin_heading,
            &t.pin_label,
        ] {
            assert!(
                pin_text.to_lowercase().contains("pinkod"),
                "{pin_text:?} is about the PIN"
            );
        }
        // The printed code has a dash: no letter count the reader must check.
        assert!(!t.code_help.contains("åtta"), "{}", t.code_help);
    }

    #[test]
    fn every_swedish_screen_text_is_easy_to_read() {
        let mut too_hard = Vec::new();
        // Sentences one by one; a label or a date alone ("uppföljning 2",
        // "20 januari 2027") is no sentence to measure and counts in the
        // whole below, as do the accessibility statement and the access
        // sheet, each read as one text.
        for (name, text) in swedish_as_shown().into_iter().filter(|(name, text)| {
            text.ends_with(['.', '!', '?']) && !DOCUMENTS.iter().any(|d| name.starts_with(d))
        }) {
            let value = lix(&text);
            if value > 30.0 {
                too_hard.push(format!("{name}: \"{text}\" has LIX {value:.1}"));
            }
        }
        assert!(
            too_hard.is_empty(),
            "LIX above 30:\n{}",
            too_hard.join("\n")
        );
    }

    #[test]
    fn the_screens_together_are_easy_to_read() {
        let all: Vec<String> = swedish_as_shown().into_iter().map(|(_, t)| t).collect();
        let value = lix(&all.join(" "));
        assert!(
            value <= 30.0,
            "all screen texts together have LIX {value:.1}"
        );
    }

    #[test]
    fn the_swedish_statement_and_access_sheet_are_each_easy_to_read_as_a_whole() {
        for document in DOCUMENTS {
            let text: Vec<String> = swedish_as_shown()
                .into_iter()
                .filter(|(name, _)| name.starts_with(document))
                .map(|(_, text)| text)
                .collect();
            assert!(text.len() > 5, "{document}: {text:?}");
            let value = lix(&text.join(" "));
            assert!(value <= 30.0, "{document}* has LIX {value:.1}");
        }
    }

    #[test]
    fn the_page_script_gets_every_text_it_asks_for_in_every_language() {
        for lang in Lang::all() {
            let texts: serde_json::Value = serde_json::from_str(&page_script_texts(lang)).unwrap();
            let texts = texts.as_object().unwrap();
            assert_eq!(texts.len(), 17, "{lang:?}: {texts:?}");
            assert_eq!(
                texts["outbox_waiting"],
                lang.texts().outbox_waiting.as_str()
            );
            assert!(texts["outbox_stuck_code"]
                .as_str()
                .unwrap()
                .contains("{code}"));
            assert!(texts["thanks_next_date"]
                .as_str()
                .unwrap()
                .contains("{date}"));
        }
    }

    #[test]
    fn counts_follow_each_languages_plural_rules() {
        let answered =
            |code: &str, n: i64| lang(code).format("journey_answered", &[("n", n.into())]);
        assert_eq!(answered("sv", 1), "Du har svarat en gång.");
        assert_eq!(answered("sv", 2), "Du har svarat 2 gånger.");
        assert_eq!(answered("en", 2), "You have answered twice.");
        assert_eq!(answered("en", 5), "You have answered 5 times.");
        // Arabic has forms for one, two, a few (3–10) and many.
        let ar: Vec<String> = [1, 2, 3, 11].map(|n| answered("ar", n)).into();
        assert_eq!(ar.iter().collect::<BTreeSet<_>>().len(), 4, "{ar:?}");
        assert!(!ar[0].contains('1') && !ar[1].contains('2'), "{ar:?}");
    }

    #[test]
    fn dates_read_like_speech_with_the_year_only_when_needed() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        assert_eq!(format_date(Lang::SV, d, today), "20 december");
        assert_eq!(format_date(lang("en"), d, today), "20 December");
        let next_year = NaiveDate::from_ymd_opt(2027, 2, 3).unwrap();
        assert_eq!(format_date(Lang::SV, next_year, today), "3 februari 2027");
        for lang in Lang::all() {
            let months: BTreeSet<String> = (1..=12)
                .map(|m| format_date(lang, NaiveDate::from_ymd_opt(2026, m, 1).unwrap(), today))
                .collect();
            assert_eq!(months.len(), 12, "{lang:?}: {months:?}");
        }
    }

    #[test]
    fn right_to_left_comes_from_the_locale_and_codes_round_trip() {
        assert_eq!(lang("ar").dir(), "rtl");
        assert_eq!(lang("fa").dir(), "rtl");
        assert_eq!(Lang::SV.dir(), "ltr");
        assert_eq!(lang("so").dir(), "ltr");
        for lang in Lang::all() {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            let json = serde_json::to_string(&lang).unwrap();
            assert_eq!(serde_json::from_str::<Lang>(&json).unwrap(), lang);
        }
        assert_eq!(Lang::from_code("fi"), None);
        assert!(serde_json::from_str::<Lang>("\"fi\"").is_err());
    }

    #[test]
    fn the_browser_bundles_swedish_texts_are_the_servers() {
        // Staff pages hydrate with these: the same words as the server drew.
        let browser = serde_json::to_value(swedish_from_table()).unwrap();
        let server = serde_json::to_value(Lang::SV.texts()).unwrap();
        assert_eq!(browser, server);
        assert!(!Lang::SV.texts().skip_to_content.is_empty());
    }

    #[test]
    fn new_translations_are_marked_preliminary() {
        assert!(!Lang::SV.preliminary());
        assert!(lang("fa").preliminary() && lang("so").preliminary());
    }
}
