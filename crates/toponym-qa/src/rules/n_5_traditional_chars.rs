//! N-5 (ERROR, record): 标准名称 uses standard simplified characters.
//!
//! A character of the standard name is flagged, with its simplified form, when it is
//! - a traditional form of `schemas/qa/tables/traditional-simplified.tsv` (OpenCC
//!   TSCharacters: 臺 → 台, 縣 → 县), or
//! - an eliminated variant of the parameter list (濬 → 浚, 塲 → 场),
//!
//! unless the `approved` list keeps it for that place (shipped: the township names of the
//! 2023 统计用区划代码 that keep such a character, 洩湖, 濛江, 鮀江 …). A traditional form
//! whose simplified form is not among the 8 105 is not folded (表外字不类推简化, 壠 → 垅);
//! N-6 reports it as rare. Keys of the table that are
//! themselves among the 8 105 standard characters (乾, 於, 徵, 昇 … 21 in all) are standard
//! in some uses: they are folded only in context (the name already has other traditional
//! forms, as in 長徵路, or it contains a word of `dual_words`), and never when they are
//! place-name characters of `keep` (乾县, 於潜, 氾水). The message suggests the whole name
//! in simplified characters.
//!
//! Old glyph forms (旧字形) and variants that neither list has are outside the 8 105 and
//! are reported by N-6 as 生僻字 instead.
//!
//! The character tables are parsed once per process and shared with N-6 (`tongyong()`,
//! `traditional()`).

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;
use toponym_core::Severity;

use crate::{ctx::view, msg, Check, Out, Prep, Prepared, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "N-5",
    severity: Severity::Error,
    stage: Stage::Record,
    basis: "census (training: no 旧体字, 异体字)",
    title_zh: "标准名称使用规范简化字",
    title_en: "Standard name in standard simplified characters",
    checks: "fields.standard_name: a traditional form (OpenCC TSCharacters, schemas/qa/tables/traditional-simplified.tsv) or an eliminated variant (variants in schemas/qa/params/N-5.json) is flagged with the simplified name, unless on the county's approved list for that place. The 21 table keys that are standard characters are folded only in context (other traditional forms in the name, or dual_words), never those of keep (乾, 於, 氾, 吒, 薳).",
    prepare: Some(prepare),
    check: Check::Record(check),
};

fn data_lines(text: &'static str) -> impl Iterator<Item = (char, &'static str)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let (a, b) = l.split_once('\t')?;
            let mut cs = a.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => Some((c, b)),
                _ => None,
            }
        })
}

/// The 8 105 characters of 《通用规范汉字表》 with their level (1, 2, 3).
pub(crate) fn tongyong() -> &'static FxHashMap<char, u8> {
    static T: OnceLock<FxHashMap<char, u8>> = OnceLock::new();
    T.get_or_init(|| {
        data_lines(include_str!(
            "../../../../schemas/qa/tables/tongyong-guifan-8105.txt"
        ))
        .map(|(c, l)| (c, l.trim().parse().unwrap_or(3)))
        .collect()
    })
}

/// Traditional → simplified, one character each (OpenCC TSCharacters).
pub(crate) fn traditional() -> &'static FxHashMap<char, char> {
    static T: OnceLock<FxHashMap<char, char>> = OnceLock::new();
    T.get_or_init(|| {
        data_lines(include_str!(
            "../../../../schemas/qa/tables/traditional-simplified.tsv"
        ))
        .filter_map(|(c, s)| {
            let mut cs = s.trim().chars();
            match (cs.next(), cs.next()) {
                (Some(t), None) => Some((c, t)),
                _ => None,
            }
        })
        .collect()
    })
}

#[derive(Deserialize)]
struct Variant {
    from: char,
    to: char,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
struct Keep {
    char: char,
}

#[derive(Deserialize)]
struct DualWord {
    word: String,
    char: char,
}

/// An approved exception (its `basis`, the approval, is for people and not read here).
#[derive(Deserialize, Clone)]
struct Approved {
    name: String,
    chars: String,
    #[serde(default)]
    admin: Option<String>,
}

#[derive(Deserialize)]
struct File {
    variants: Vec<Variant>,
    keep: Vec<Keep>,
    dual_words: Vec<DualWord>,
    approved: Vec<Approved>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Traditional,
    Variant,
}

/// What N-5 and N-6 need: folds of non-standard characters.
pub(crate) struct Folds {
    /// Always folded: traditional forms that are not standard characters, and variants.
    plain: FxHashMap<char, (char, Kind)>,
    /// Standard characters that are also traditional forms (folded only in context).
    dual: FxHashMap<char, char>,
    dual_words: Vec<DualWord>,
    approved: Vec<Approved>,
    notes: FxHashMap<char, String>,
}

impl Folds {
    /// Whether N-5 reports `c` wherever it stands (so N-6 need not).
    pub(crate) fn folds(&self, c: char) -> bool {
        self.plain.contains_key(&c)
    }
}

fn build(f: File) -> Folds {
    let std = tongyong();
    let keep: FxHashSet<char> = f.keep.iter().map(|k| k.char).collect();
    let mut plain = FxHashMap::default();
    let mut dual = FxHashMap::default();
    for (&t, &s) in traditional() {
        if keep.contains(&t) {
            continue;
        }
        if !std.contains_key(&s) {
            // 表外字不类推简化: a simplified form outside the 8 105 is no standard either
            // (壠 → 垅); N-6 reports such a character as rare.
            continue;
        }
        if std.contains_key(&t) {
            dual.insert(t, s);
        } else {
            plain.insert(t, (s, Kind::Traditional));
        }
    }
    let mut notes = FxHashMap::default();
    for v in &f.variants {
        if !keep.contains(&v.from) {
            plain.insert(v.from, (v.to, Kind::Variant));
            if !v.note.is_empty() {
                notes.insert(v.from, v.note.clone());
            }
        }
    }
    let dual_words = f
        .dual_words
        .into_iter()
        .filter(|w| dual.contains_key(&w.char) && w.word.contains(w.char))
        .collect();
    Folds {
        plain,
        dual,
        dual_words,
        approved: f.approved,
        notes,
    }
}

/// The folds as shipped (for N-6).
pub(crate) fn shipped() -> &'static Folds {
    static F: OnceLock<Folds> = OnceLock::new();
    F.get_or_init(|| {
        let f: File = serde_json::from_str(include_str!("../../../../schemas/qa/params/N-5.json"))
            .expect("schemas/qa/params/N-5.json parses");
        build(f)
    })
}

fn prepare(v: &serde_json::Value) -> Result<Prepared, String> {
    let f = File::deserialize(v).map_err(|e| e.to_string())?;
    for a in &f.approved {
        if a.name.trim().is_empty() || a.chars.trim().is_empty() {
            return Err("approved: every entry needs a name and its chars".into());
        }
    }
    Ok(Box::new(build(f)))
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let f: &Folds = p.get();
    let Some(name) = cx.text("standard_name") else {
        return;
    };
    let plain_hit = name.chars().any(|c| f.plain.contains_key(&c));
    let word_hit = f.dual_words.iter().any(|w| name.contains(w.word.as_str()));
    if !plain_hit && !word_hit {
        return;
    }
    // Approved exceptions for this place.
    let admin = view::admin_areas(cx.record);
    let approved: Vec<&Approved> = f
        .approved
        .iter()
        .filter(|a| name.contains(a.name.as_str()))
        .filter(|a| {
            a.admin
                .as_deref()
                .is_none_or(|p| admin.iter().any(|c| c.starts_with(p)))
        })
        .collect();
    let kept = |c: char| approved.iter().any(|a| a.chars.contains(c));
    let mut found: Vec<(char, char, Kind)> = Vec::new();
    for c in name.chars() {
        if found.iter().any(|x| x.0 == c) || kept(c) {
            continue;
        }
        if let Some(&(s, k)) = f.plain.get(&c) {
            found.push((c, s, k));
        }
    }
    // Context for the dual characters: other traditional forms, or a listed word.
    let in_context = found.iter().any(|x| x.2 == Kind::Traditional);
    for c in name.chars() {
        let Some(&s) = f.dual.get(&c) else { continue };
        if found.iter().any(|x| x.0 == c) || kept(c) {
            continue;
        }
        let by_word = f
            .dual_words
            .iter()
            .any(|w| w.char == c && name.contains(w.word.as_str()));
        if in_context || by_word {
            found.push((c, s, Kind::Traditional));
        }
    }
    if found.is_empty() {
        return;
    }
    let suggestion: String = name
        .chars()
        .map(|c| found.iter().find(|x| x.0 == c).map_or(c, |x| x.1))
        .collect();
    let list_zh: Vec<String> = found
        .iter()
        .map(|&(c, s, k)| {
            let kind = if k == Kind::Traditional {
                "繁体字"
            } else {
                "异体字"
            };
            match f.notes.get(&c) {
                Some(n) => format!("“{c}”为{kind}，应作“{s}”（{n}）"),
                None => format!("“{c}”为{kind}，应作“{s}”"),
            }
        })
        .collect();
    let list_en: Vec<String> = found
        .iter()
        .map(|&(c, s, k)| {
            let kind = if k == Kind::Traditional {
                "a traditional form"
            } else {
                "an eliminated variant"
            };
            format!("'{c}' is {kind} of '{s}'")
        })
        .collect();
    let chars: String = found.iter().map(|x| x.0).collect();
    out.emit(
        "fields.standard_name",
        msg(
            "name.non_standard_chars",
            format!("标准名称“{name}”未使用规范简化字：{}；应为“{suggestion}”（如该地经批准保留此字，请列入本县例外表）", list_zh.join("；")),
            format!("standard name \"{name}\" is not in standard simplified characters: {}; it should be \"{suggestion}\" (if the place is approved to keep the character, add it to the county's exception list)", list_en.join("; ")),
        )
        .with("chars", chars)
        .with("suggestion", suggestion),
    );
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use crate::{Engine, Options, Profile, Refs};
    use serde_json::json;
    use toponym_forms::Catalog;

    fn county(name: &str) -> toponym_core::Record {
        record(
            "admin.county",
            json!({ "standard_name": name, "admin_areas": ["410621"] }),
            None,
        )
    }

    #[test]
    fn tables_load() {
        assert_eq!(super::tongyong().len(), 8105);
        assert_eq!(super::traditional().get(&'臺'), Some(&'台'));
    }

    #[test]
    fn traditional_forms_and_variants_are_flagged_with_the_simplified_name() {
        let f = findings("N-5", &county("臺州市"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.params["suggestion"], "台州市");
        let f = findings("N-5", &county("濬縣"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.params["suggestion"], "浚县");
        assert_eq!(f[0].message.params["chars"], "濬縣");
        assert!(findings("N-5", &county("浚县")).is_empty());
    }

    #[test]
    fn standard_characters_that_are_also_traditional_forms_need_context() {
        // 乾 is kept (乾县), 於 too; 徵 alone is a standard character.
        assert!(findings("N-5", &county("乾县")).is_empty());
        assert!(findings("N-5", &county("於潜镇")).is_empty());
        assert!(findings("N-5", &county("徵羽村")).is_empty());
        // In a name written in traditional characters, 徵 is folded too.
        let f = findings("N-5", &county("長徵路"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.params["suggestion"], "长征路");
        // 乾縣: only 縣 is wrong.
        let f = findings("N-5", &county("乾縣"));
        assert_eq!(f[0].message.params["suggestion"], "乾县");
        // A listed word is context enough.
        assert_eq!(findings("N-5", &county("长徵路")).len(), 1);
    }

    #[test]
    fn an_approved_exception_keeps_the_character_for_that_place_only() {
        let mut p = Profile::default_profile();
        p.params.insert(
            "N-5".into(),
            serde_json::from_value(json!({ "approved": [
                { "name": "臺头村", "chars": "臺", "admin": "410621", "basis": "test approval" }
            ]}))
            .expect("object"),
        );
        let e = Engine::new(&p).expect("profile");
        let run = |r: &toponym_core::Record| {
            e.check_record(Catalog::builtin(), &Refs::default(), &Options::default(), r)
                .into_iter()
                .filter(|f| f.rule.as_deref() == Some("N-5"))
                .count()
        };
        assert_eq!(run(&county("臺头村")), 0);
        let elsewhere = record(
            "admin.county",
            json!({ "standard_name": "臺头村", "admin_areas": ["370902"] }),
            None,
        );
        assert_eq!(run(&elsewhere), 1);
        assert_eq!(run(&county("臺州")), 1);
    }

    #[test]
    fn shipped_exceptions_and_characters_outside_the_table() {
        let r = |name: &str, admin: &str| {
            record(
                "selfgov.village_committee",
                json!({ "standard_name": name, "admin_areas": [admin] }),
                None,
            )
        };
        // 洩湖镇 (蓝田县) keeps 洩; so does a committee named after it, in that county only.
        assert!(findings("N-5", &r("洩湖村委会", "610122101")).is_empty());
        assert_eq!(findings("N-5", &r("洩湖村委会", "370902001")).len(), 1);
        // 壠 → 垅, but 垅 is not among the 8 105: left to N-6.
        assert!(findings("N-5", &r("大壠村委会", "370902001")).is_empty());
        assert_eq!(findings("N-6", &r("大壠村委会", "370902001")).len(), 1);
    }
}
