//! What changed between two versions of an instrument, and whether a new
//! version may stand beside the ones already in use.
//!
//! Statistics match answers across versions and programmes by item id: the
//! NöjdDeltagarIndex by the satisfaction items, distance travelled by the
//! indicators. That is only sound while an id keeps one meaning, so an
//! uploaded version that gives a known id another domain, answer kind or
//! direction is refused ([`conflicts`]), and the version history lists every
//! change ([`changes`]) so an evaluator can see when figures stay comparable.

use crate::instrument::{Instrument, InstrumentError, Item, Texts};
use crate::occasion::OccasionKind;
use std::collections::BTreeSet;

/// One difference between an earlier and a later version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstrumentChange {
    /// The instrument's own name changed in some language.
    Renamed,
    /// Languages the later version has complete texts for and the earlier did not.
    LanguagesAdded(Vec<String>),
    /// Languages the later version no longer has texts for.
    LanguagesRemoved(Vec<String>),
    /// A new item.
    ItemAdded { item: String },
    /// An item no longer asked.
    ItemRemoved { item: String },
    /// The question, help text or short name changed in these languages.
    Reworded {
        item: String,
        languages: Vec<String>,
    },
    /// Option labels or pictures changed (codes and scores are fixed by the kind,
    /// or for `choice` by the codes, which are compared too).
    OptionsChanged { item: String },
    /// The item is asked at other occasions.
    OccasionsChanged {
        item: String,
        before: Vec<OccasionKind>,
        after: Vec<OccasionKind>,
    },
    /// The item's domain, kind or direction changed. [`conflicts`] refuses
    /// such an upload; the change can still be met between versions loaded
    /// from configuration, so the history names it.
    Redefined { item: String },
}

/// Every change from `before` to `after`, items in the later version's order
/// and then the removed ones.
pub fn changes(before: &Instrument, after: &Instrument) -> Vec<InstrumentChange> {
    use InstrumentChange as C;
    let mut out = Vec::new();
    if before.name != after.name {
        out.push(C::Renamed);
    }
    let old_langs: BTreeSet<&String> = before.languages.iter().collect();
    let new_langs: BTreeSet<&String> = after.languages.iter().collect();
    let added: Vec<String> = new_langs
        .difference(&old_langs)
        .map(|l| (*l).clone())
        .collect();
    let removed: Vec<String> = old_langs
        .difference(&new_langs)
        .map(|l| (*l).clone())
        .collect();
    if !added.is_empty() {
        out.push(C::LanguagesAdded(added));
    }
    if !removed.is_empty() {
        out.push(C::LanguagesRemoved(removed));
    }
    for item in &after.items {
        let Some(old) = before.item(&item.id) else {
            out.push(C::ItemAdded {
                item: item.id.clone(),
            });
            continue;
        };
        if !same_meaning(old, item) {
            out.push(C::Redefined {
                item: item.id.clone(),
            });
        }
        let mut languages = BTreeSet::new();
        for (old_texts, new_texts) in [
            (&old.text, &item.text),
            (&old.help, &item.help),
            (&old.short, &item.short),
        ] {
            languages.extend(changed_languages(old_texts, new_texts));
        }
        if !languages.is_empty() {
            out.push(C::Reworded {
                item: item.id.clone(),
                languages: languages.into_iter().collect(),
            });
        }
        if old.options != item.options {
            out.push(C::OptionsChanged {
                item: item.id.clone(),
            });
        }
        if old.occasions != item.occasions {
            out.push(C::OccasionsChanged {
                item: item.id.clone(),
                before: old.occasions.iter().copied().collect(),
                after: item.occasions.iter().copied().collect(),
            });
        }
    }
    for old in &before.items {
        if after.item(&old.id).is_none() {
            out.push(C::ItemRemoved {
                item: old.id.clone(),
            });
        }
    }
    out
}

/// Problems that keep `new` from standing beside `known` versions: an item id
/// that another version uses with another domain, kind or direction. Each
/// names the item and the version it clashes with.
pub fn conflicts<'a>(
    known: impl IntoIterator<Item = &'a Instrument>,
    new: &Instrument,
) -> Vec<InstrumentError> {
    let mut out = Vec::new();
    let mut reported = BTreeSet::new();
    for other in known {
        for item in &new.items {
            let Some(old) = other.item(&item.id) else {
                continue;
            };
            if !same_meaning(old, item) && reported.insert(item.id.clone()) {
                out.push(InstrumentError::Item {
                    item: item.id.clone(),
                    problem: format!(
                        "the id is used in {} as a {} item in domain \"{}\"{}; \
                         give an item a new id when its meaning changes",
                        other.version(),
                        old.kind,
                        old.domain.as_str(),
                        if old.higher_is_better {
                            ""
                        } else {
                            " with higher_is_better = false"
                        },
                    ),
                });
            }
        }
    }
    out
}

/// Whether two items with one id can be counted together.
fn same_meaning(a: &Item, b: &Item) -> bool {
    a.domain == b.domain && a.kind == b.kind && a.higher_is_better == b.higher_is_better
}

/// Languages whose text differs (added, removed or changed).
fn changed_languages(before: &Texts, after: &Texts) -> Vec<String> {
    let langs: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    langs
        .into_iter()
        .filter(|l| before.get(*l) != after.get(*l))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
id = "prov"
languages = ["sv", "en"]
name = { sv = "Prov", en = "Trial" }

[[items]]
id = "halsa"
domain = "health"
kind = "scale5"
occasions = ["intake", "exit"]
text = { sv = "Hur mår du?", en = "How are you?" }
options = [
  { text = { sv = "1", en = "1" }, picture = "face-1" },
  { text = { sv = "2", en = "2" }, picture = "face-2" },
  { text = { sv = "3", en = "3" }, picture = "face-3" },
  { text = { sv = "4", en = "4" }, picture = "face-4" },
  { text = { sv = "5", en = "5" }, picture = "face-5" },
]

[[items]]
id = "nojd"
domain = "satisfaction"
kind = "scale10"
occasions = ["exit"]
text = { sv = "Hur nöjd är du?", en = "How satisfied are you?" }
options = [{ text = { sv = "Inte alls", en = "Not at all" } }, { text = { sv = "Mycket", en = "Very" } }]
"#;

    fn load(source: &str) -> Instrument {
        Instrument::from_toml(source).expect("test instrument is valid")
    }

    #[test]
    fn the_same_file_has_no_changes_and_no_conflicts() {
        let a = load(BASE);
        assert!(changes(&a, &a).is_empty());
        assert!(conflicts([&a], &a).is_empty());
    }

    #[test]
    fn rewording_options_occasions_and_items_are_each_named() {
        let before = load(BASE);
        let after = load(
            &BASE
                .replace("How are you?", "How do you feel?")
                .replace("picture = \"face-5\"", "picture = \"face-4\"")
                .replace(
                    "occasions = [\"intake\", \"exit\"]",
                    "occasions = [\"intake\", \"follow-up\", \"exit\"]",
                )
                .replace("[[items]]\nid = \"nojd\"", "[[items]]\nid = \"nojd2\""),
        );
        assert_eq!(
            changes(&before, &after),
            vec![
                InstrumentChange::Reworded {
                    item: "halsa".into(),
                    languages: vec!["en".into()]
                },
                InstrumentChange::OptionsChanged {
                    item: "halsa".into()
                },
                InstrumentChange::OccasionsChanged {
                    item: "halsa".into(),
                    before: vec![OccasionKind::Intake, OccasionKind::Exit],
                    after: vec![
                        OccasionKind::Intake,
                        OccasionKind::FollowUp,
                        OccasionKind::Exit
                    ],
                },
                InstrumentChange::ItemAdded {
                    item: "nojd2".into()
                },
                InstrumentChange::ItemRemoved {
                    item: "nojd".into()
                },
            ]
        );
    }

    #[test]
    fn a_new_language_and_a_new_name_are_named() {
        let before = load(BASE);
        let after = load(
            &BASE
                .replace("[\"sv\", \"en\"]", "[\"sv\", \"en\", \"so\"]")
                .replace("en = \"Trial\" }", "en = \"Trial\", so = \"Tijaabo\" }")
                .replace(
                    "en = \"How are you?\"",
                    "en = \"How are you?\", so = \"Sidee tahay?\"",
                )
                .replace(
                    "en = \"How satisfied are you?\"",
                    "en = \"How satisfied are you?\", so = \"Intee ku qanacsan tahay?\"",
                )
                .replace("en = \"Not at all\"", "en = \"Not at all\", so = \"Maya\"")
                .replace("en = \"Very\"", "en = \"Very\", so = \"Aad\"")
                .replace("en = \"1\"", "en = \"1\", so = \"1\"")
                .replace("en = \"2\"", "en = \"2\", so = \"2\"")
                .replace("en = \"3\"", "en = \"3\", so = \"3\"")
                .replace("en = \"4\"", "en = \"4\", so = \"4\"")
                .replace("en = \"5\"", "en = \"5\", so = \"5\""),
        );
        let found = changes(&before, &after);
        assert!(found.contains(&InstrumentChange::Renamed));
        assert!(found.contains(&InstrumentChange::LanguagesAdded(vec!["so".into()])));
        assert!(found.contains(&InstrumentChange::Reworded {
            item: "halsa".into(),
            languages: vec!["so".into()]
        }));
    }

    #[test]
    fn an_id_that_changes_direction_or_domain_conflicts_and_names_the_version() {
        let known = load(BASE);
        let reversed = load(&BASE.replace(
            "kind = \"scale5\"",
            "kind = \"scale5\"\nhigher_is_better = false",
        ));
        let found = conflicts([&known], &reversed);
        assert_eq!(found.len(), 1);
        let message = found[0].to_string();
        assert!(
            message.starts_with("item \"halsa\": the id is used in prov@"),
            "{message}"
        );
        assert!(message.contains("new id"), "{message}");
        assert_eq!(
            changes(&known, &reversed),
            vec![InstrumentChange::Redefined {
                item: "halsa".into()
            }]
        );

        let moved = load(&BASE.replace("domain = \"health\"", "domain = \"life\""));
        assert_eq!(conflicts([&known, &reversed], &moved).len(), 1);
    }

    #[test]
    fn a_reversed_item_under_a_new_id_stands_beside_the_old_one() {
        let known = load(BASE);
        let added = load(&format!(
            "{BASE}
[[items]]
id = \"smarta\"
domain = \"health\"
kind = \"scale5\"
higher_is_better = false
occasions = [\"intake\", \"exit\"]
text = {{ sv = \"Hur ont har du?\", en = \"How much pain?\" }}
options = [
  {{ text = {{ sv = \"1\", en = \"1\" }} }},
  {{ text = {{ sv = \"2\", en = \"2\" }} }},
  {{ text = {{ sv = \"3\", en = \"3\" }} }},
  {{ text = {{ sv = \"4\", en = \"4\" }} }},
  {{ text = {{ sv = \"5\", en = \"5\" }} }},
]
"
        ));
        assert!(conflicts([&known], &added).is_empty());
    }
}
