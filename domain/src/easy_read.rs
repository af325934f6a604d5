//! Easy-read (*lättläst*) patterns that LIX does not see.
//!
//! LIX counts sentence length and long words, so "Det finns inga rätt eller fel
//! svar." scores as very easy while its negation still trips readers up. The
//! rules of Myndigheten för tillgängliga medier also ask for no negations, no long
//! compound words, no abstract nouns and no idioms. These checks find each pattern
//! in a Swedish text, so the tests of the screen texts and of the default
//! instrument can fail on it; where a pattern is truly needed, those tests keep a
//! short allow-list with the reason.

/// Negation words, matched as whole words in any case.
pub const NEGATIONS: [&str; 6] = ["inte", "ej", "aldrig", "ingen", "inget", "inga"];

/// Idioms and elliptic phrases readers with little Swedish take word by word
/// ("Både och", "Helt och hållet", support "held together"), matched as whole
/// words in any case.
pub const IDIOMS: [&str; 7] = [
    "både och",
    "helt och hållet",
    "håller ihop",
    "hålla ihop",
    "i ett",
    "för det mesta",
    "till och med",
];

/// A word with more letters than this is a long compound ("Arbetsförmedlingen",
/// "tillgänglighetsredogörelse"): hard to take in at one glance.
pub const MAX_WORD_LETTERS: usize = 14;

/// Endings of abstract nouns ("trygghet", "upplevelse", "boende", "situation"),
/// with their definite and plural forms.
const ABSTRACT_ENDINGS: [&str; 16] = [
    "het", "heten", "heter", "heterna", "else", "elsen", "elser", "elserna", "ande", "andet",
    "ende", "endet", "tion", "tionen", "tioner", "tionerna",
];

/// Shortest word an abstract ending counts in: "het" (hot), "ande" and "ende"
/// alone, or "hände", are no abstract nouns.
const ABSTRACT_MIN_LETTERS: usize = 6;

/// The text's words, lower-cased; anything that is not a letter or digit splits words.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The phrases of `list` (whole words, any case) that occur in `text`.
pub fn phrases_in(text: &str, list: &[&str]) -> Vec<String> {
    let words = words(text);
    list.iter()
        .filter(|phrase| {
            let phrase = self::words(phrase);
            !phrase.is_empty() && words.windows(phrase.len()).any(|w| w == phrase.as_slice())
        })
        .map(|phrase| (*phrase).to_owned())
        .collect()
}

/// The negation words in `text`.
pub fn negations(text: &str) -> Vec<String> {
    phrases_in(text, &NEGATIONS)
}

/// The idioms in `text`.
pub fn idioms(text: &str) -> Vec<String> {
    phrases_in(text, &IDIOMS)
}

/// The words in `text` longer than [`MAX_WORD_LETTERS`] letters.
pub fn long_words(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() > MAX_WORD_LETTERS)
        .collect()
}

/// The words in `text` that look like abstract nouns (by their ending).
pub fn abstract_nouns(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| {
            w.chars().count() >= ABSTRACT_MIN_LETTERS
                && ABSTRACT_ENDINGS.iter().any(|end| w.ends_with(end))
        })
        .collect()
}

/// Every easy-read problem in `text` except those `allowed` (whole words or
/// phrases, lower case), one line each: "negation \"inte\"".
pub fn problems(text: &str, allowed: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (kind, words) in [
        ("negation", negations(text)),
        ("idiom", idioms(text)),
        ("long compound word", long_words(text)),
        ("abstract noun", abstract_nouns(text)),
    ] {
        for word in words {
            if !allowed.contains(&word.as_str()) {
                found.push(format!("{kind} \"{word}\""));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negations_are_whole_words_in_any_case() {
        assert_eq!(negations("Mår du INTE bra?"), ["inte"]);
        assert_eq!(negations("Ingen, inga, inget, aldrig?").len(), 4);
        // Parts of longer words are no match.
        assert!(negations("Intensiv ingenjör, hej dej?").is_empty());
    }

    #[test]
    fn the_old_screen_and_instrument_texts_are_caught() {
        assert_eq!(negations("Det finns inga rätt eller fel svar."), ["inga"]);
        assert_eq!(negations("Du har inget att svara på nu"), ["inget"]);
        assert_eq!(negations("Dina svar är inte skickade än"), ["inte"]);
        assert_eq!(negations("Inget svar än"), ["inget"]);
        assert_eq!(idioms("Både och"), ["både och"]);
        assert_eq!(idioms("Helt och hållet"), ["helt och hållet"]);
        assert_eq!(
            idioms("Hur mycket känner du att någon håller ihop ditt stöd?"),
            ["håller ihop"]
        );
        assert_eq!(idioms("Stöd i ett"), ["i ett"]);
        assert_eq!(
            long_words("Ring Arbetsförmedlingen."),
            ["arbetsförmedlingen"]
        );
        assert_eq!(abstract_nouns("Nöjd helhet"), ["helhet"]);
    }

    #[test]
    fn abstract_endings_need_a_long_enough_word() {
        assert_eq!(
            abstract_nouns("Din trygghet, en upplevelse, ditt boende, en situation."),
            ["trygghet", "upplevelse", "boende", "situation"]
        );
        assert!(abstract_nouns("Det är het mat. Vad hände?").is_empty());
        assert!(long_words("Handläggare, sjukskriven, uppföljning.").is_empty());
    }

    #[test]
    fn problems_name_each_pattern_and_skip_the_allowed() {
        assert_eq!(
            problems("Vill inte svara, helt och hållet.", &[]),
            ["negation \"inte\"", "idiom \"helt och hållet\""]
        );
        assert!(problems("Vill inte svara.", &["inte"]).is_empty());
    }
}
