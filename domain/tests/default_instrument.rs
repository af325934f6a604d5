//! The shipped default instrument, *Stegvis bas*, must load, cover every domain the
//! programmes report on, fit a five-minute check-in and follow the easy-read rules
//! in docs/instruments.md. Each rule is a test of its own, so a change to the file
//! that breaks one says which rule, which item and which text.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use std::collections::BTreeSet;
use std::path::Path;
use stegvis_domain::instrument::{AnswerKind, Domain, Instrument, Item, Texts};
use stegvis_domain::lix::lix;
use stegvis_domain::occasion::OccasionKind;

const SOURCE: &str = include_str!("../../instruments/stegvis-bas.toml");

/// Highest LIX allowed for any Swedish text a participant reads (25–30 is "easy").
const MAX_LIX: f64 = 30.0;

/// Fewest and most items at any occasion: enough to measure, few enough for five minutes.
const ITEMS_PER_OCCASION: std::ops::RangeInclusive<usize> = 8..=16;

/// The NöjdDeltagarIndex items, in the order the index formula expects them.
const NDI_ITEMS: [&str; 3] = ["ndi-helhet", "ndi-forvantningar", "ndi-basta"];

/// Negation words easy-read questions avoid (matched as whole words).
const NEGATIONS: [&str; 6] = ["inte", "ej", "aldrig", "ingen", "inget", "inga"];

/// Vague frequency words that fail for this group (matched as whole words or phrases).
const VAGUE_FREQUENCY: [&str; 5] = ["ibland", "ofta", "sällan", "ganska ofta", "för det mesta"];

fn instrument() -> Instrument {
    Instrument::from_toml(SOURCE).expect("default instrument is valid")
}

/// Every domain ([`Domain::ALL`]). The match fails to compile when a domain is
/// added, the reminder to add it to `Domain::ALL`, so the coverage test cannot
/// silently miss a new one.
fn all_domains() -> Vec<Domain> {
    let all = Domain::ALL.to_vec();
    for domain in &all {
        match domain {
            Domain::Health
            | Domain::Life
            | Domain::Capacity
            | Domain::ClosenessToWork
            | Domain::Belief
            | Domain::Influence
            | Domain::Coordination
            | Domain::Knowledge
            | Domain::Control
            | Domain::MeaningfulDays
            | Domain::SocialContact
            | Domain::Satisfaction
            | Domain::NextStep => {}
        }
    }
    all
}

fn sv(texts: &Texts) -> Option<&str> {
    texts.get("sv").map(String::as_str)
}

/// One text a participant reads, with where it comes from for failure messages.
struct Shown {
    item: String,
    what: String,
    text: String,
}

/// The question, the help text and every option label of an item, in one language.
/// Unlabelled options (the middle steps of a 1–10 scale) are left out.
fn shown_texts(item: &Item, language: &str) -> Vec<Shown> {
    let shown = |what: String, texts: &Texts| {
        texts.get(language).map(|text| Shown {
            item: item.id.clone(),
            what,
            text: text.clone(),
        })
    };
    let mut out = Vec::new();
    out.extend(shown("question".into(), &item.text));
    out.extend(shown("help text".into(), &item.help));
    for option in &item.options {
        out.extend(shown(format!("option {}", option.code), &option.text));
    }
    out
}

/// Every Swedish question, help text and option label. The instrument's name is
/// left out: "Stegvis" is a proper name, not a text to simplify.
fn swedish_texts(instrument: &Instrument) -> Vec<Shown> {
    instrument
        .items
        .iter()
        .flat_map(|item| shown_texts(item, "sv"))
        .collect()
}

/// The text's words, lower-cased; anything that is not a letter or digit splits words.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The forbidden words or phrases (whole words, any case) that occur in `text`.
fn forbidden_in(text: &str, forbidden: &[&str]) -> Vec<String> {
    let words = words(text);
    forbidden
        .iter()
        .filter(|phrase| {
            let phrase = self::words(phrase);
            words.windows(phrase.len()).any(|w| w == phrase.as_slice())
        })
        .map(|phrase| (*phrase).to_owned())
        .collect()
}

/// One line per text with a LIX above the limit, naming the item, the text and its LIX.
fn lix_problems(texts: &[Shown]) -> Vec<String> {
    texts
        .iter()
        .filter_map(|s| {
            let value = lix(&s.text);
            (value > MAX_LIX).then(|| {
                format!(
                    "item \"{}\", {}: {:?} has LIX {value:.1} (at most {MAX_LIX})",
                    s.item, s.what, s.text
                )
            })
        })
        .collect()
}

/// One line per question or help text with a negation or a vague frequency word.
fn word_problems(instrument: &Instrument) -> Vec<String> {
    let mut problems = Vec::new();
    for item in &instrument.items {
        for (what, texts) in [("question", &item.text), ("help text", &item.help)] {
            let Some(text) = sv(texts) else { continue };
            for (kind, list) in [
                ("negation", &NEGATIONS[..]),
                ("vague frequency word", &VAGUE_FREQUENCY[..]),
            ] {
                for found in forbidden_in(text, list) {
                    problems.push(format!(
                        "item \"{}\", {what}: {text:?} has the {kind} \"{found}\"",
                        item.id
                    ));
                }
            }
        }
    }
    problems
}

fn item<'a>(instrument: &'a Instrument, id: &str) -> &'a Item {
    instrument
        .item(id)
        .unwrap_or_else(|| panic!("the default instrument has no item \"{id}\""))
}

fn ids(items: &[&Item]) -> Vec<String> {
    items.iter().map(|i| i.id.clone()).collect()
}

// ---- (a) it loads and measures what the programmes report ----

#[test]
fn default_instrument_loads_and_asks_something_at_every_occasion() {
    let instrument = instrument();
    assert_eq!(instrument.id, "stegvis-bas");
    for occasion in OccasionKind::ALL {
        assert!(
            !instrument.items_for(occasion).is_empty(),
            "nothing is asked at {occasion}"
        );
    }
}

#[test]
fn the_first_two_items_keep_their_ids_kinds_and_labels() {
    let instrument = instrument();
    let first: Vec<&str> = instrument
        .items
        .iter()
        .take(2)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(first, ["halsa", "aktiva-timmar"]);

    let halsa = item(&instrument, "halsa");
    assert_eq!(halsa.kind, AnswerKind::Scale5);
    assert_eq!(halsa.domain, Domain::Health);
    assert_eq!(sv(&halsa.text), Some("Hur mår du nu?"));
    let labels: Vec<_> = halsa.options.iter().map(|o| sv(&o.text)).collect();
    assert_eq!(
        labels,
        ["Mycket dåligt", "Dåligt", "Okej", "Bra", "Mycket bra"].map(Some)
    );

    let hours = item(&instrument, "aktiva-timmar");
    assert_eq!(hours.kind, AnswerKind::HoursPerWeek);
    assert_eq!(hours.domain, Domain::MeaningfulDays);
    let labels: Vec<_> = hours.options.iter().map(|o| sv(&o.text)).collect();
    assert_eq!(
        labels,
        [
            "0 timmar",
            "1 till 9 timmar",
            "10 till 19 timmar",
            "20 till 29 timmar",
            "30 till 40 timmar",
        ]
        .map(Some)
    );
}

#[test]
fn every_domain_is_covered() {
    let instrument = instrument();
    let covered: BTreeSet<Domain> = instrument.items.iter().map(|i| i.domain).collect();
    let missing: Vec<Domain> = all_domains()
        .into_iter()
        .filter(|d| !covered.contains(d))
        .collect();
    assert!(missing.is_empty(), "no item covers {missing:?}");
}

#[test]
fn every_occasion_asks_few_enough_items_for_five_minutes() {
    let instrument = instrument();
    for occasion in OccasionKind::ALL {
        let asked = instrument.items_for(occasion);
        assert!(
            ITEMS_PER_OCCASION.contains(&asked.len()),
            "{occasion} asks {} items, expected {ITEMS_PER_OCCASION:?}: {:?}",
            asked.len(),
            ids(&asked)
        );
    }
}

#[test]
fn the_satisfaction_index_items_are_scale10_at_follow_up_and_exit_only() {
    let instrument = instrument();
    for id in NDI_ITEMS {
        let ndi = item(&instrument, id);
        assert_eq!(ndi.kind, AnswerKind::Scale10, "item \"{id}\"");
        assert_eq!(ndi.domain, Domain::Satisfaction, "item \"{id}\"");
        assert!(
            ndi.asked_at(OccasionKind::FollowUp),
            "\"{id}\" at follow-up"
        );
        assert!(ndi.asked_at(OccasionKind::Exit), "\"{id}\" at exit");
        assert!(!ndi.asked_at(OccasionKind::Intake), "\"{id}\" at intake");
        for end in [&ndi.options[0], &ndi.options[9]] {
            assert!(
                sv(&end.text).is_some(),
                "\"{id}\": {} has no label",
                end.code
            );
        }
    }
    let satisfaction: Vec<&str> = instrument
        .items
        .iter()
        .filter(|i| i.domain == Domain::Satisfaction)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(
        satisfaction, NDI_ITEMS,
        "only the index items measure satisfaction"
    );
}

#[test]
fn the_next_step_is_a_choice_asked_only_at_exit() {
    let instrument = instrument();
    let next = item(&instrument, "nasta-steg");
    assert_eq!(next.kind, AnswerKind::Choice);
    assert_eq!(next.domain, Domain::NextStep);
    assert_eq!(
        next.occasions,
        BTreeSet::from([OccasionKind::Exit]),
        "\"nasta-steg\" must be asked at exit only"
    );
    for option in &next.options {
        assert!(
            option
                .code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "option code {:?} must be a–z, digits or '-'",
            option.code
        );
    }
    for code in ["arbete", "studier", "soka-arbete", "vet-inte-an"] {
        assert!(next.option(code).is_some(), "no next step \"{code}\"");
    }
}

#[test]
fn at_most_one_item_counts_higher_as_worse() {
    let instrument = instrument();
    let reversed: Vec<&str> = instrument
        .items
        .iter()
        .filter(|i| !i.higher_is_better)
        .map(|i| i.id.as_str())
        .collect();
    assert!(
        reversed.len() <= 1,
        "prefer positively worded items; these count higher as worse: {reversed:?}"
    );
}

#[test]
fn five_step_items_show_the_faces_in_order_and_the_pictures_exist() {
    let instrument = instrument();
    let pictures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/pictures");
    for item in instrument
        .items
        .iter()
        .filter(|i| i.kind == AnswerKind::Scale5)
    {
        let shown: Vec<Option<&str>> = item.options.iter().map(|o| o.picture.as_deref()).collect();
        assert_eq!(
            shown,
            ["face-1", "face-2", "face-3", "face-4", "face-5"].map(Some),
            "item \"{}\"",
            item.id
        );
    }
    for item in &instrument.items {
        for name in item.options.iter().filter_map(|o| o.picture.as_deref()) {
            let file = pictures.join(format!("{name}.svg"));
            assert!(
                file.is_file(),
                "item \"{}\": picture {} is missing",
                item.id,
                file.display()
            );
        }
    }
}

// ---- (b) readability: LIX at most 30 ----

#[test]
fn every_swedish_text_has_lix_at_most_30_on_its_own() {
    let instrument = instrument();
    let texts = swedish_texts(&instrument);
    assert!(
        texts.len() > instrument.items.len(),
        "no texts were collected"
    );
    let problems = lix_problems(&texts);
    assert!(
        problems.is_empty(),
        "Swedish texts must be easy to read:\n{}",
        problems.join("\n")
    );
}

#[test]
fn all_swedish_questions_together_have_lix_at_most_30() {
    let instrument = instrument();
    let joined = instrument
        .items
        .iter()
        .filter_map(|i| sv(&i.text))
        .collect::<Vec<_>>()
        .join(" ");
    let value = lix(&joined);
    assert!(
        value <= MAX_LIX,
        "all questions together have LIX {value:.1} (at most {MAX_LIX}): {joined:?}"
    );
}

#[test]
fn the_lix_check_names_the_item_the_text_and_its_lix() {
    let hard = Shown {
        item: "prov".into(),
        what: "question".into(),
        text: "Arbetsförmedlingen hjälper dig.".into(),
    };
    let problems = lix_problems(&[hard]);
    assert_eq!(problems.len(), 1);
    let message = &problems[0];
    for part in ["\"prov\"", "Arbetsförmedlingen hjälper dig.", "69.7"] {
        assert!(message.contains(part), "{message} lacks {part}");
    }
}

// ---- (c) no negations and no vague frequency words ----

#[test]
fn swedish_questions_have_no_negations_or_vague_frequency_words() {
    let problems = word_problems(&instrument());
    assert!(
        problems.is_empty(),
        "easy-read questions avoid negations and vague frequency words:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_word_check_matches_whole_words_in_any_case() {
    assert_eq!(forbidden_in("Mår du INTE bra?", &NEGATIONS), ["inte"]);
    assert_eq!(forbidden_in("Ingen, inga, inget?", &NEGATIONS).len(), 3);
    assert_eq!(forbidden_in("Ej klar.", &NEGATIONS), ["ej"]);
    // Parts of longer words are no match: "intensiv", "Ingenjör", "dej".
    assert!(forbidden_in("Intensiv ingenjör, hej dej?", &NEGATIONS).is_empty());
    assert_eq!(
        forbidden_in("Gör du det ganska ofta?", &VAGUE_FREQUENCY),
        ["ofta", "ganska ofta"]
    );
    assert_eq!(
        forbidden_in("Är du för det mesta glad?", &VAGUE_FREQUENCY),
        ["för det mesta"]
    );
    assert!(forbidden_in("Är det mesta bra?", &VAGUE_FREQUENCY).is_empty());
    assert_eq!(forbidden_in("Ibland, sällan.", &VAGUE_FREQUENCY).len(), 2);
}

#[test]
fn swedish_questions_are_questions_without_numbers() {
    let instrument = instrument();
    for item in &instrument.items {
        let question = sv(&item.text).unwrap_or_default();
        assert!(
            question.trim_end().ends_with('?'),
            "item \"{}\": {question:?} must end with \"?\"",
            item.id
        );
        assert!(
            !question.chars().any(|c| c.is_ascii_digit()),
            "item \"{}\": {question:?} has a number; easy-read avoids them",
            item.id
        );
    }
}

// ---- (c2) no idioms, long compounds or abstract nouns, in any text shown ----

/// Words the easy-read checks flag that a text truly needs: (item, word, why).
const EASY_READ_ALLOWED: [(&str, &str, &str); 1] = [(
    "nasta-steg",
    "inte",
    "\"Jag vet inte än\" is a real answer about the next step, and the plain way to say it",
)];

/// Every Swedish question, help text, option label and short name (charts and
/// Min resa show the short names), with what it is.
fn every_swedish_text(instrument: &Instrument) -> Vec<Shown> {
    let mut texts = swedish_texts(instrument);
    for item in &instrument.items {
        if let Some(short) = sv(&item.short) {
            texts.push(Shown {
                item: item.id.clone(),
                what: "short name".into(),
                text: short.to_owned(),
            });
        }
    }
    texts
}

/// One line per negation, idiom, long compound word or abstract noun.
fn easy_read_problems(texts: &[Shown]) -> Vec<String> {
    texts
        .iter()
        .flat_map(|s| {
            let allowed: Vec<&str> = EASY_READ_ALLOWED
                .iter()
                .filter(|(item, _, _)| *item == s.item)
                .map(|(_, word, _)| *word)
                .collect();
            stegvis_domain::easy_read::problems(&s.text, &allowed)
                .into_iter()
                .map(|problem| {
                    format!(
                        "item \"{}\", {}: {:?} has the {problem}",
                        s.item, s.what, s.text
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn swedish_texts_and_short_names_avoid_idioms_long_and_abstract_words() {
    let texts = every_swedish_text(&instrument());
    assert!(texts.iter().any(|s| s.what == "short name"));
    let problems = easy_read_problems(&texts);
    assert!(
        problems.is_empty(),
        "easy-read texts avoid negations, idioms, words over 14 letters and abstract nouns \
         (or allow one in EASY_READ_ALLOWED with a reason):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_easy_read_check_catches_the_old_wording() {
    let old = |item: &str, what: &str, text: &str| Shown {
        item: item.into(),
        what: what.into(),
        text: text.into(),
    };
    let problems = easy_read_problems(&[
        old("vet-nasta", "option 3", "Både och"),
        old("styra", "option 5", "Helt och hållet"),
        old("hall-ihop", "short name", "Stöd i ett"),
        old(
            "hall-ihop",
            "question",
            "Hur mycket känner du att någon håller ihop ditt stöd?",
        ),
        old("ndi-helhet", "short name", "Nöjd helhet"),
        old("nasta-steg", "option annat", "Jag vet inte än"),
    ]);
    assert_eq!(problems.len(), 5, "{problems:#?}");
    assert!(problems[0].contains("\"vet-nasta\", option 3") && problems[0].contains("både och"));
}

#[test]
fn the_nested_questions_are_asked_in_plain_words() {
    // The wording of 2026-11 (a sentence inside a sentence, "håller ihop",
    // "det du hade tänkt dig") is gone; the satisfaction items still ask about
    // the support as a whole, the expectations and the best support there is.
    let instrument = instrument();
    let question = |id: &str| {
        sv(&item(&instrument, id).text)
            .unwrap_or_default()
            .to_owned()
    };
    for (id, old) in [
        (
            "hall-ihop",
            "Hur mycket känner du att någon håller ihop ditt stöd?",
        ),
        (
            "ndi-forvantningar",
            "Hur väl stämmer stödet med det du hade tänkt dig?",
        ),
        (
            "ndi-basta",
            "Tänk dig det bästa stöd du kan få. Hur nära det bästa är stödet du har fått?",
        ),
        (
            "chans",
            "Hur stor chans tror du att du har att få jobb eller börja studera?",
        ),
        (
            "aktiva-timmar",
            "Hur många timmar i veckan gör du något som du tycker är bra?",
        ),
    ] {
        assert_ne!(question(id), old, "item \"{id}\"");
    }
    assert!(question("ndi-helhet").contains("nöjd"));
    assert!(question("ndi-helhet").contains("allt stöd"));
    assert!(question("ndi-forvantningar").contains("väntade dig"));
    assert!(question("ndi-basta").contains("bästa"));
    // One "att"-clause at most: "tror du att du har att få" nested two.
    for item in &instrument.items {
        let text = sv(&item.text).unwrap_or_default();
        let atts = stegvis_domain::easy_read::words(text)
            .iter()
            .filter(|w| *w == "att")
            .count();
        assert!(atts <= 1, "item \"{}\": {text:?} nests clauses", item.id);
    }
}

// ---- (d) every text in every language ----

/// The languages the default instrument promises, in the order the file lists them.
const LANGUAGES: [&str; 5] = ["sv", "en", "ar", "fa", "so"];

/// The languages written right to left, in the Arabic script.
const RIGHT_TO_LEFT: [&str; 2] = ["ar", "fa"];

/// Everything a participant or a staff member reads in one language: the
/// instrument's name, and every question, help text, option label and short name.
/// Unlabelled options (the middle steps of a 1–10 scale) are left out.
fn every_text_in(instrument: &Instrument, language: &str) -> Vec<Shown> {
    let mut texts: Vec<Shown> = instrument
        .name
        .get(language)
        .map(|name| Shown {
            item: "(instrument)".into(),
            what: "name".into(),
            text: name.clone(),
        })
        .into_iter()
        .collect();
    for item in &instrument.items {
        texts.extend(shown_texts(item, language));
        texts.extend(item.short.get(language).map(|short| Shown {
            item: item.id.clone(),
            what: "short name".into(),
            text: short.clone(),
        }));
    }
    texts
}

#[test]
fn every_text_is_in_every_language() {
    let instrument = instrument();
    assert_eq!(instrument.languages, LANGUAGES);
    let swedish = every_text_in(&instrument, "sv").len();
    assert!(swedish > instrument.items.len(), "no texts were collected");
    for item in &instrument.items {
        let mut texts = vec![("question", &item.text)];
        if !item.help.is_empty() {
            texts.push(("help text", &item.help));
        }
        if !item.short.is_empty() {
            texts.push(("short name", &item.short));
        }
        texts.extend(
            item.options
                .iter()
                .filter(|o| !o.text.is_empty())
                .map(|o| ("option", &o.text)),
        );
        for (what, text) in texts {
            for language in LANGUAGES {
                assert!(
                    text.get(language).is_some_and(|t| !t.trim().is_empty()),
                    "item \"{}\": a {what} has no \"{language}\" text",
                    item.id
                );
            }
        }
    }
    for language in LANGUAGES {
        assert_eq!(
            every_text_in(&instrument, language).len(),
            swedish,
            "\"{language}\" lacks texts that Swedish has"
        );
        assert!(
            instrument
                .name
                .get(language)
                .is_some_and(|t| !t.trim().is_empty()),
            "the instrument has no \"{language}\" name"
        );
    }
}

// ---- (e) each language is written in its own script ----

fn is_arabic_script(c: char) -> bool {
    ('\u{0600}'..='\u{06FF}').contains(&c)
}

#[test]
fn right_to_left_texts_are_in_arabic_script_without_latin_letters() {
    let instrument = instrument();
    for language in RIGHT_TO_LEFT {
        let texts = every_text_in(&instrument, language);
        assert!(
            texts.len() > instrument.items.len(),
            "no \"{language}\" texts were collected"
        );
        for s in texts {
            assert!(
                s.text.chars().any(is_arabic_script),
                "item \"{}\", {} ({language}): {:?} has no Arabic-script letters",
                s.item,
                s.what,
                s.text
            );
            assert!(
                !s.text.chars().any(|c| c.is_ascii_alphabetic()),
                "item \"{}\", {} ({language}): {:?} has Latin letters",
                s.item,
                s.what,
                s.text
            );
        }
    }
}

#[test]
fn persian_texts_use_persian_yeh_and_keheh() {
    // Arabic yeh (ي), alef maksura (ى) and kaf (ك) look alike but sort, search
    // and read aloud differently; Persian writes ی and ک.
    let arabic_only = ['\u{064A}', '\u{0649}', '\u{0643}'];
    for s in every_text_in(&instrument(), "fa") {
        let found: Vec<char> = s.text.chars().filter(|c| arabic_only.contains(c)).collect();
        assert!(
            found.is_empty(),
            "item \"{}\", {} (fa): {:?} has the Arabic letters {found:?}",
            s.item,
            s.what,
            s.text
        );
    }
}

#[test]
fn somali_texts_are_in_latin_letters() {
    // Standard Somali orthography needs only a–z and the apostrophe (glottal stop).
    let instrument = instrument();
    let texts = every_text_in(&instrument, "so");
    assert!(
        texts.len() > instrument.items.len(),
        "no texts were collected"
    );
    for s in texts {
        assert!(
            s.text.is_ascii(),
            "item \"{}\", {} (so): {:?} has letters outside a–z",
            s.item,
            s.what,
            s.text
        );
        assert!(
            s.text.chars().any(|c| c.is_ascii_alphabetic()),
            "item \"{}\", {} (so): {:?} has no letters",
            s.item,
            s.what,
            s.text
        );
    }
}
