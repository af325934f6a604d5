//! Finds the participant languages: every `locales/<code>.ftl` file is one
//! language, embedded in the binary, so adding a language is adding a file
//! (and rebuilding), never a change to the Rust code.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<(String, String)> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "ftl"))
                .filter_map(|path| {
                    let code = path.file_stem()?.to_str()?.to_owned();
                    Some((code, path.display().to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let entries: String = files
        .iter()
        .map(|(code, path)| format!("    ({code:?}, include_str!({path:?})),\n"))
        .collect();
    let out = Path::new(&env::var("OUT_DIR").unwrap_or_default()).join("locales.rs");
    let source = format!(
        "/// Every `locales/*.ftl` file as (language code, contents), sorted by code.\n\
         pub(crate) const LOCALE_FILES: &[(&str, &str)] = &[\n{entries}];\n"
    );
    if let Err(err) = fs::write(&out, source) {
        panic!("writing {}: {err}", out.display());
    }
}
