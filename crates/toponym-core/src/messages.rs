//! The message catalogue: what an error or status code says, in Chinese and English.
//!
//! One data file, `schemas/messages/messages.json`, is read by the CLI (through this
//! module, embedded at build time) and by the UI (`ui/src/messages.ts`, bundled by Vite),
//! so a message is written once. Codes are the stable codes of the use-case errors
//! (`OpsError::code`, `AppError::code`, `StoreError::code`); placeholders `{name}` are
//! filled from the error's named parameters, and one left unfilled stays visible as
//! written (never silently dropped).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const CATALOGUE: &str = include_str!("../../../schemas/messages/messages.json");

/// One message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Entry {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

#[derive(Deserialize)]
struct File {
    messages: BTreeMap<String, Entry>,
}

/// Every message by code.
pub fn catalogue() -> &'static BTreeMap<String, Entry> {
    static C: OnceLock<BTreeMap<String, Entry>> = OnceLock::new();
    C.get_or_init(|| {
        serde_json::from_str::<File>(CATALOGUE)
            .map(|f| f.messages)
            // The file is checked by this module's tests and by `xtask tidy`; a broken
            // build would still print each error's own English text.
            .unwrap_or_default()
    })
}

/// Fills `{name}` placeholders of `template` from `params`.
pub fn fill(template: &str, params: &BTreeMap<&str, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j)
                if after[..j]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                match params.get(&after[..j]) {
                    Some(v) => out.push_str(v),
                    None => out.push_str(&rest[i..i + j + 2]),
                }
                rest = &after[j + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The message of `code` in both languages with `params` filled in; `None` for a code
/// the catalogue does not have.
pub fn render(code: &str, params: &BTreeMap<&str, String>) -> Option<(String, String)> {
    let e = catalogue().get(code)?;
    Some((fill(&e.zh, params), fill(&e.en, params)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        let mut rest = s;
        while let Some(i) = rest.find('{') {
            let after = &rest[i + 1..];
            let Some(j) = after.find('}') else { break };
            out.insert(after[..j].to_owned());
            rest = &after[j + 1..];
        }
        out
    }

    #[test]
    fn the_catalogue_parses_and_both_languages_use_the_same_placeholders() {
        let c = catalogue();
        assert!(c.len() >= 40, "{} messages", c.len());
        for (code, e) in c {
            assert!(!e.zh.trim().is_empty() && !e.en.trim().is_empty(), "{code}");
            assert!(
                e.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{code}: the zh text has no Chinese"
            );
            assert_eq!(placeholders(&e.zh), placeholders(&e.en), "{code}");
        }
    }

    #[test]
    fn render_fills_known_placeholders_and_keeps_unknown_ones_visible() {
        let mut p = BTreeMap::new();
        p.insert("path", "/media/u/a.toponym".to_owned());
        let (zh, en) = render("survey.damaged", &p).unwrap();
        assert!(
            zh.contains("/media/u/a.toponym") && zh.contains("损坏"),
            "{zh}"
        );
        assert!(en.contains("/media/u/a.toponym"), "{en}");
        assert_eq!(render("no.such.code", &p), None);
        assert_eq!(fill("a {x} b {y} {", &p), "a {x} b {y} {");
        p.insert("x", "1".into());
        assert_eq!(fill("a {x} b", &p), "a 1 b");
    }
}
