//! LIX readability index for Swedish (and other alphabetic) text.
//!
//! Participants include people with low literacy, cognitive disabilities and little
//! Swedish, so every question and answer label should be easy to read. LIX
//! (*läsbarhetsindex*) makes that measurable, which lets instrument authors and the
//! build check texts against a target instead of arguing about taste:
//!
//! `LIX = words / sentences + 100 × long_words / words`, where a long word has more
//! than six letters.
//!
//! # How text is counted
//!
//! Counting rules are fixed here so that the number shown to authors is reproducible
//! and matches what a careful person counting by hand would get:
//!
//! - **Letters** are Unicode alphabetic characters (`char::is_alphabetic`): `å`, `ä`,
//!   `ö`, `é` and Arabic letters count as one letter each. Combining marks (a
//!   decomposed `å` is `a` + U+030A, Arabic vowel signs), the Arabic tatweel, soft
//!   hyphens and zero-width (non-)joiners belong to the word but are not letters.
//!   Digits and punctuation are not letters.
//! - A **word** is a maximal run of letters, digits and marks that contains at least
//!   one letter. Whitespace and punctuation split words, except that a hyphen
//!   (`-`, U+2010, U+2011), an apostrophe (`'`, `’`), a full stop or a colon *directly
//!   between two letters or digits* keeps the word together: `e-post`, `rock'n'roll`,
//!   `t.ex`, `www.av.se` and `10:30` are one token each. Such joiners are not letters
//!   (`e-post` has five). A token without letters (`112`, `10:30`, `2025`) is not a
//!   word, so numbers neither lengthen nor shorten the sentence.
//! - A **sentence** ends at `.`, `!`, `?`, `:`, `…` or the Arabic question mark `؟`,
//!   unless that character joins a word as above. A sentence only counts if it
//!   contains at least one word, so a run of terminators (`?!`, `...`, `. . .`) ends
//!   one sentence, and leading or stray punctuation ends none. Words after the last
//!   terminator form a final sentence, so a text with no terminator is one sentence.
//!   A text with no words has no sentences and a LIX of 0.
//! - Abbreviations are not recognised: `Ta med t.ex. pass.` is two sentences, as
//!   when counting full stops by hand. Write easy-read text without abbreviations.

use serde::{Deserialize, Serialize};

/// The counts LIX is built from, kept so an author can see *why* a text scores as
/// it does (too many long words, or too few full stops).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Readability {
    /// Words: runs containing at least one letter (numbers are not words).
    pub words: usize,
    /// Sentences that contain at least one word.
    pub sentences: usize,
    /// Words with more than six letters.
    pub long_words: usize,
}

impl Readability {
    /// The LIX value, so callers holding the counts need not repeat the formula.
    ///
    /// Returns 0.0 when there are no words. Counts built by hand with words but no
    /// sentences are treated as one sentence rather than dividing by zero.
    pub fn lix(&self) -> f64 {
        if self.words == 0 {
            return 0.0;
        }
        let words = self.words as f64;
        let sentences = self.sentences.max(1) as f64;
        words / sentences + 100.0 * self.long_words as f64 / words
    }

    /// The easy-read band of this text, for showing a verdict next to the number.
    pub fn band(&self) -> LixBand {
        band(self.lix())
    }
}

/// Counts words, sentences and long words in `text` by the rules in the module docs,
/// so authoring tools can show the counts and not only the index.
pub fn readability(text: &str) -> Readability {
    let chars: Vec<char> = text.chars().collect();
    let mut counts = Readability::default();
    // Letters in the word being read, and whether we are inside a word-like token.
    let mut in_token = false;
    let mut letters = 0usize;
    // Words seen since the last counted sentence end.
    let mut words_in_sentence = 0usize;

    for (i, &c) in chars.iter().enumerate() {
        // Inside a token the previous character is always a word character (a joiner
        // is only taken when a word character follows it), so checking the next one
        // is enough to know the joiner stands between two.
        let joins = is_joiner(c) && in_token && chars.get(i + 1).copied().is_some_and(is_word_char);
        if is_word_char(c) || joins {
            in_token = true;
            if is_letter(c) {
                letters += 1;
            }
            continue;
        }
        // `c` separates tokens: close the one we were reading.
        if in_token {
            finish_token(letters, &mut counts, &mut words_in_sentence);
            in_token = false;
            letters = 0;
        }
        if is_terminator(c) && words_in_sentence > 0 {
            counts.sentences += 1;
            words_in_sentence = 0;
        }
    }
    if in_token {
        finish_token(letters, &mut counts, &mut words_in_sentence);
    }
    if words_in_sentence > 0 {
        counts.sentences += 1;
    }
    counts
}

/// The LIX of `text`, for callers that only need the number (0.0 for text without words).
pub fn lix(text: &str) -> f64 {
    readability(text).lix()
}

/// How easy a text is to read, in the bands used for Swedish easy-read (*lättläst*)
/// text, so screens and checks can speak in words rather than decimals.
///
/// Bands are half-open at the lower end: very easy below 25, easy from 25 up to but
/// not including 30, medium from 30 up to and including 40, hard above 40. "Above 40
/// is hard" is taken literally, so exactly 40 is still medium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LixBand {
    /// LIX below 25: children's books, easy-read (*lättläst*) text. The target for
    /// everything a participant reads.
    VeryEasy,
    /// LIX 25 to under 30: simple text, fiction for young people.
    Easy,
    /// LIX 30 to 40: ordinary newspaper text; too hard for many participants.
    Medium,
    /// LIX above 40: official and specialist text; must be rewritten before use.
    Hard,
}

impl LixBand {
    /// A stable identifier for exports and checks, matching the serde names.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VeryEasy => "very-easy",
            Self::Easy => "easy",
            Self::Medium => "medium",
            Self::Hard => "hard",
        }
    }
}

/// The band a LIX value falls in (see [`LixBand`] for the exact boundaries).
///
/// The exact value is banded, not a rounded one: a screen that shows LIX rounded to
/// whole numbers may show "25" for 24.6, which is still very easy, so show one
/// decimal next to a band. A NaN (never produced by [`lix`]) is treated as hard, so
/// a broken value can never pass an easy-read check.
pub fn band(lix: f64) -> LixBand {
    if lix < 25.0 {
        LixBand::VeryEasy
    } else if lix < 30.0 {
        LixBand::Easy
    } else if lix <= 40.0 {
        LixBand::Medium
    } else {
        LixBand::Hard
    }
}

fn finish_token(letters: usize, counts: &mut Readability, words_in_sentence: &mut usize) {
    if letters == 0 {
        return;
    }
    counts.words += 1;
    *words_in_sentence += 1;
    if letters > 6 {
        counts.long_words += 1;
    }
}

/// Characters that are part of a word but not letters of it.
fn is_in_word_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'   // combining diacritical marks (decomposed å, ä, ö, é)
        | '\u{1AB0}'..='\u{1AFF}' // combining diacritical marks extended
        | '\u{1DC0}'..='\u{1DFF}' // combining diacritical marks supplement
        | '\u{20D0}'..='\u{20FF}' // combining marks for symbols
        | '\u{FE20}'..='\u{FE2F}' // combining half marks
        | '\u{0610}'..='\u{061A}' // Arabic signs
        | '\u{064B}'..='\u{065F}' // Arabic vowel signs (harakat)
        | '\u{0670}'              // Arabic superscript alef
        | '\u{06D6}'..='\u{06ED}' // Arabic Quranic annotation signs
        | '\u{0640}'              // Arabic tatweel (stretches a word, is no letter)
        | '\u{00AD}'              // soft hyphen
        | '\u{200C}' | '\u{200D}' // zero-width non-joiner and joiner
    )
}

fn is_letter(c: char) -> bool {
    c.is_alphabetic() && !is_in_word_mark(c)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_in_word_mark(c)
}

/// Characters that keep a word together when they stand between two word characters.
fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' | '\u{2011}' | '\'' | '\u{2019}' | '.' | ':'
    )
}

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ':' | '\u{2026}' | '\u{061F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(words: usize, sentences: usize, long_words: usize) -> Readability {
        Readability {
            words,
            sentences,
            long_words,
        }
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-9,
            "expected {expected}, got {actual}"
        );
    }

    #[test]
    fn short_swedish_sentence() {
        // Jag(3) mår(3) bra(3) idag(4): 4 words, 1 sentence, no long word.
        let r = readability("Jag mår bra idag.");
        assert_eq!(r, counts(4, 1, 0));
        assert_close(r.lix(), 4.0);
        assert_close(lix("Jag mår bra idag."), 4.0);
    }

    #[test]
    fn long_words_raise_the_index() {
        // Arbetsförmedlingen(18) hjälper(7) dig(3): 3 words, 2 long.
        // 3/1 + 100·2/3 = 69.666…
        let r = readability("Arbetsförmedlingen hjälper dig.");
        assert_eq!(r, counts(3, 1, 2));
        assert_close(r.lix(), 3.0 + 200.0 / 3.0);
        assert_eq!(r.band(), LixBand::Hard);
    }

    #[test]
    fn empty_and_wordless_text_scores_zero() {
        for text in ["", "   \n\t", "...", "?! 2025 – 112."] {
            let r = readability(text);
            assert_eq!(r, counts(0, 0, 0), "{text:?}");
            assert_close(r.lix(), 0.0);
        }
    }

    #[test]
    fn several_sentences() {
        // Välkommen(9, long) | Vad heter du | Svara här | skriv ditt namn
        // 9 words, 4 sentences (! ? : .), 1 long: 9/4 + 100/9 = 13.3611…
        let r = readability("Välkommen! Vad heter du? Svara här: skriv ditt namn.");
        assert_eq!(r, counts(9, 4, 1));
        assert_close(r.lix(), 2.25 + 100.0 / 9.0);
    }

    #[test]
    fn text_without_terminator_is_one_sentence() {
        assert_eq!(readability("Jag mår bra"), counts(3, 1, 0));
        // Words after the last terminator form one more sentence.
        assert_eq!(readability("Hej. Jag mår bra"), counts(4, 2, 0));
    }

    #[test]
    fn a_run_of_terminators_counts_once() {
        assert_eq!(readability("Vad?! Nej... Jo!!!"), counts(3, 3, 0));
        assert_eq!(readability("Hej . . . då"), counts(2, 2, 0));
        assert_eq!(readability("Vänta…"), counts(1, 1, 0));
        // Leading punctuation ends no sentence.
        assert_eq!(readability("... och sedan?"), counts(2, 1, 0));
    }

    #[test]
    fn swedish_letters_count_as_one_letter_each() {
        // Dörrar(6) öppnas(6) väldigt(7) tidigt(6): only väldigt is long, although
        // Dörrar and öppnas take 7 bytes each. 4/1 + 100·1/4 = 29.
        let r = readability("Dörrar öppnas väldigt tidigt.");
        assert_eq!(r, counts(4, 1, 1));
        assert_close(r.lix(), 29.0);
        assert_eq!(r.band(), LixBand::Easy);
    }

    #[test]
    fn decomposed_letters_count_once() {
        // "öppnar" written as o + U+0308: still six letters, not long.
        assert_eq!(readability("o\u{0308}ppnar"), counts(1, 1, 0));
        // "försöka" decomposed: seven letters, long, and still one word.
        assert_eq!(readability("fo\u{0308}rso\u{0308}ka"), counts(1, 1, 1));
    }

    #[test]
    fn numbers_are_not_words() {
        // Ring(4) före(4) klockan(7): 112 and 10:30 are not words, and the colon
        // inside 10:30 ends no sentence. 3/1 + 100/3 = 36.333…
        let r = readability("Ring 112 före klockan 10:30.");
        assert_eq!(r, counts(3, 1, 1));
        assert_close(r.lix(), 3.0 + 100.0 / 3.0);
        // A token with both digits and letters is a word; only letters count.
        assert_eq!(readability("Vitamin B12 och 3D"), counts(4, 1, 1));
    }

    #[test]
    fn hyphens_and_apostrophes_inside_words_join() {
        // e-post is one word of five letters; a trailing hyphen splits.
        assert_eq!(readability("Skicka e-post"), counts(2, 1, 0));
        // barn(4) och(3) ungdomsvård(11)
        assert_eq!(readability("barn- och ungdomsvård"), counts(3, 1, 1));
        // rock'n'roll: one word, r o c k n r o l l = 9 letters.
        assert_eq!(readability("rock'n'roll"), counts(1, 1, 1));
        // Quotes around a word do not join it to anything.
        assert_eq!(readability("'Hej' sa hon"), counts(3, 1, 0));
    }

    #[test]
    fn abbreviations_end_a_sentence_like_a_full_stop() {
        // Ta med t.ex pass: 4 words; the full stop after t.ex ends a sentence.
        assert_eq!(readability("Ta med t.ex. pass."), counts(4, 2, 0));
    }

    #[test]
    fn arabic_letters_are_letters() {
        // أنا(3) بخير(4): 2 words, 1 sentence, no long word.
        assert_eq!(readability("أنا بخير."), counts(2, 1, 0));
        // المستشفيات: 10 letters, long. The Arabic question mark ends a sentence.
        assert_eq!(readability("أين المستشفيات؟ هنا"), counts(3, 2, 1));
        // Vowel signs are not letters: كَتَبَ has three letters.
        assert_eq!(readability("كَتَبَ"), counts(1, 1, 0));
    }

    #[test]
    fn seven_letters_is_long_six_is_not() {
        assert_eq!(readability("sexbok"), counts(1, 1, 0));
        assert_eq!(readability("sjubokx"), counts(1, 1, 1));
    }

    #[test]
    fn hand_built_counts_without_sentences_do_not_divide_by_zero() {
        assert_close(counts(4, 0, 0).lix(), 4.0);
        assert_close(counts(0, 0, 0).lix(), 0.0);
    }

    #[test]
    fn band_boundaries() {
        assert_eq!(band(0.0), LixBand::VeryEasy);
        assert_eq!(band(24.99), LixBand::VeryEasy);
        assert_eq!(band(25.0), LixBand::Easy);
        assert_eq!(band(29.99), LixBand::Easy);
        assert_eq!(band(30.0), LixBand::Medium);
        assert_eq!(band(40.0), LixBand::Medium);
        assert_eq!(band(40.01), LixBand::Hard);
        assert_eq!(band(f64::NAN), LixBand::Hard);
    }

    #[test]
    fn band_identifiers_match_serde_names() {
        assert_eq!(LixBand::VeryEasy.as_str(), "very-easy");
        assert_eq!(LixBand::Hard.as_str(), "hard");
        let toml = toml::to_string(&std::collections::BTreeMap::from([(
            "band",
            LixBand::VeryEasy,
        )]))
        .expect("serialises");
        assert!(toml.contains("\"very-easy\""), "{toml}");
    }
}
