//! Finds the participant languages: every `locales/<code>.ftl` file is one
//! language, so adding a language is adding a file (and rebuilding), never a
//! change to the Rust code.
//!
//! Each file is parsed here, once, at build time: a file that does not parse,
//! is not named by a language tag or lacks its `language_name` stops the
//! build. What every build needs of a language (its code, own name, writing
//! direction and review status) becomes a small table; the server build
//! embeds the files themselves for Fluent, while the browser bundle (staff
//! pages, which are Swedish) gets only Swedish's plain messages, so it carries
//! neither Fluent nor the other languages.

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use std::{env, fmt::Write as _, fs, path::Path};

const BASE_LANGUAGE: &str = "sv";

/// The text of a message with no variables or other placeables, if it is one.
fn plain(pattern: &Pattern<&str>) -> Option<String> {
    pattern
        .elements
        .iter()
        .map(|element| match element {
            PatternElement::TextElement { value } => Some((*value).to_owned()),
            PatternElement::Placeable {
                expression: Expression::Inline(InlineExpression::StringLiteral { value }),
            } => Some((*value).to_owned()),
            PatternElement::Placeable { .. } => None,
        })
        .collect()
}

struct Language {
    code: String,
    path: String,
    name: String,
    rtl: bool,
    preliminary: bool,
    plain: Vec<(String, String)>,
}

fn read(path: &Path) -> Language {
    let code = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_owned();
    let id: unic_langid::LanguageIdentifier = code
        .parse()
        .unwrap_or_else(|e| panic!("locales/{code}.ftl: not a language tag: {e}"));
    let source =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let resource = fluent_syntax::parser::parse(source.as_str())
        .unwrap_or_else(|(_, errors)| panic!("locales/{code}.ftl does not parse: {errors:?}"));
    let plain: Vec<(String, String)> = resource
        .body
        .iter()
        .filter_map(|entry| match entry {
            Entry::Message(m) => Some((m.id.name.to_owned(), plain(m.value.as_ref()?)?)),
            _ => None,
        })
        .collect();
    let message = |id: &str| plain.iter().find(|(k, _)| k == id).map(|(_, v)| v.clone());
    let name = message("language_name")
        .unwrap_or_else(|| panic!("locales/{code}.ftl has no plain language_name"));
    let preliminary = message("translation_status").as_deref() != Some("reviewed");
    Language {
        rtl: matches!(
            id.character_direction(),
            unic_langid::CharacterDirection::RTL
        ),
        path: path.display().to_string(),
        code,
        name,
        preliminary,
        plain,
    }
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut languages: Vec<Language> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ftl"))
        .map(|path| read(&path))
        .collect();
    languages.sort_by(|a, b| {
        (a.code != BASE_LANGUAGE, &a.code).cmp(&(b.code != BASE_LANGUAGE, &b.code))
    });
    assert!(
        languages.first().is_some_and(|l| l.code == BASE_LANGUAGE),
        "locales/{BASE_LANGUAGE}.ftl is missing"
    );
    let mut out = String::new();
    out.push_str("/// Every language found in `locales/`, Swedish first and the rest by code.\n");
    out.push_str("pub(crate) const LANGUAGES: &[LanguageInfo] = &[\n");
    for l in &languages {
        let _ = writeln!(
            out,
            "    LanguageInfo {{ code: {:?}, name: {:?}, rtl: {}, preliminary: {} }},",
            l.code, l.name, l.rtl, l.preliminary
        );
    }
    out.push_str(
        "];\n\n/// The files, in the order of [`LANGUAGES`].\n#[cfg(feature = \"ssr\")]\n",
    );
    out.push_str("pub(crate) const LOCALE_FILES: &[&str] = &[\n");
    for l in &languages {
        let _ = writeln!(out, "    include_str!({:?}),", l.path);
    }
    out.push_str("];\n\n/// Swedish's messages without variables: the browser bundle's texts.\n");
    out.push_str("#[cfg_attr(all(feature = \"ssr\", not(test)), allow(dead_code))]\n");
    out.push_str("pub(crate) const SWEDISH_PLAIN: &[(&str, &str)] = &[\n");
    for (id, text) in &languages[0].plain {
        let _ = writeln!(out, "    ({id:?}, {text:?}),");
    }
    out.push_str("];\n");
    let path = Path::new(&env::var("OUT_DIR").unwrap_or_default()).join("locales.rs");
    if let Err(err) = fs::write(&path, out) {
        panic!("writing {}: {err}", path.display());
    }
}
