//! N-8 (WARNING, record): no stacked generics (重叠通名).
//!
//! The standard name's final generic is the longest word of the parameter lists that ends
//! it; the rest must not end with another generic of the same group (金港大厦 + 广场,
//! 翠湖苑 + 公寓, 阳光花园 + 小区, 中山路 + 街), nor with the same generic again when it is
//! one of `repeat` (张村 + 村, 泰山 + 山). Something must stand before the first generic
//! (花园小区 with nothing before it is a generic-only name, N-9's business).
//!
//! Generics of different kinds in a row are the normal way to name one feature after
//! another and pass: 南湖小区社区居委会 (a committee named after its estate), 羊西村村委会
//! (the committee of 羊西村), 解放路街道, 黑龙潭瀑布, 奈河河堤; so do the official 乌镇镇 and
//! 津市市 (the place 乌镇 plus 镇: administrative generics are not in `repeat`). Groups and repeats:
//! `schemas/qa/params/N-8.json`.

use rustc_hash::FxHashSet;
use serde::Deserialize;
use toponym_core::Severity;

use super::n_7_generic_fits::longest_suffix;
use crate::{msg, Check, Out, Prep, Prepared, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "N-8",
    severity: Severity::Warning,
    stage: Stage::Record,
    basis: "reg (local rules)",
    title_zh: "重叠通名",
    title_en: "Stacked generics",
    checks: "fields.standard_name: the final generic (longest word of schemas/qa/params/N-8.json) is preceded by another generic of its group (大厦广场, 苑公寓, 花园小区, 路街) or by itself when listed in repeat (村村, 山山), with a specific part before them.",
    prepare: Some(prepare),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct GroupFile {
    label_zh: String,
    label_en: String,
    generics: Vec<String>,
}

#[derive(Deserialize)]
struct File {
    groups: Vec<GroupFile>,
    repeat: Vec<String>,
}

struct Group {
    label_zh: String,
    label_en: String,
    words: FxHashSet<Box<str>>,
}

struct Params {
    groups: Vec<Group>,
    repeat: FxHashSet<Box<str>>,
    all: FxHashSet<Box<str>>,
    max_chars: usize,
}

fn prepare(v: &serde_json::Value) -> Result<Prepared, String> {
    let f = File::deserialize(v).map_err(|e| e.to_string())?;
    let set = |v: &[String]| -> FxHashSet<Box<str>> {
        v.iter()
            .map(|w| w.trim())
            .filter(|w| !w.is_empty())
            .map(Into::into)
            .collect()
    };
    let groups: Vec<Group> = f
        .groups
        .iter()
        .map(|g| Group {
            label_zh: g.label_zh.clone(),
            label_en: g.label_en.clone(),
            words: set(&g.generics),
        })
        .collect();
    let repeat = set(&f.repeat);
    let mut all = repeat.clone();
    for g in &groups {
        all.extend(g.words.iter().cloned());
    }
    let max_chars = all.iter().map(|w| w.chars().count()).max().unwrap_or(0);
    Ok(Box::new(Params {
        groups,
        repeat,
        all,
        max_chars,
    }))
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let p: &Params = p.get();
    let Some(name) = cx.text("standard_name") else {
        return;
    };
    let Some(at) = longest_suffix(name, &p.all, p.max_chars) else {
        return;
    };
    let (rest, last) = name.split_at(at);
    if rest.is_empty() {
        return;
    }
    // The first generic: same group, or the same word when it may not repeat.
    let mut hit = None;
    for g in p.groups.iter().filter(|g| g.words.contains(last)) {
        if let Some(i) = longest_suffix(rest, &g.words, p.max_chars) {
            hit = Some((i, g.label_zh.as_str(), g.label_en.as_str()));
            break;
        }
    }
    if hit.is_none() && p.repeat.contains(last) && rest.ends_with(last) {
        hit = Some((rest.len() - last.len(), "同一", "the same"));
    }
    let Some((i, kind_zh, kind_en)) = hit else {
        return;
    };
    if i == 0 {
        return; // nothing before the generics: a generic-only name (N-9)
    }
    let first = &rest[i..];
    out.emit(
        "fields.standard_name",
        msg(
            "name.stacked_generics",
            format!("“{name}”通名重叠：“{first}”与“{last}”同为{kind_zh}类通名，应只保留一个"),
            format!("\"{name}\" stacks generics: '{first}' and '{last}' are both {kind_en} generics; keep one"),
        )
        .with("first", first)
        .with("second", last),
    );
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use serde_json::json;

    fn n(t: &str, name: &str) -> usize {
        findings("N-8", &record(t, json!({ "standard_name": name }), None)).len()
    }

    #[test]
    fn stacked_generics_are_flagged() {
        assert_eq!(n("building.tower", "金港大厦广场"), 1);
        assert_eq!(n("settlement.urban", "翠湖苑公寓"), 1);
        assert_eq!(n("settlement.urban", "阳光花园小区"), 1);
        assert_eq!(n("transport.street_lane", "中山路街"), 1);
        assert_eq!(n("settlement.village", "张村村"), 1);
        assert_eq!(n("terrain.peak", "泰山山"), 1);
        let f = findings("N-8", &record("building.tower", json!({ "standard_name": "金港大厦广场" }), None));
        assert_eq!(f[0].message.params["first"], "大厦");
        assert_eq!(f[0].message.params["second"], "广场");
    }

    #[test]
    fn generics_of_different_kinds_and_ordinals_pass() {
        for (t, name) in [
            ("selfgov.community", "南湖小区社区居委会"),
            ("selfgov.village_committee", "羊西村村委会"),
            ("admin.township", "解放路街道"),
            ("water.waterfall", "黑龙潭瀑布"),
            ("infra.embankment", "奈河河堤"),
            ("transport.street_lane", "二道街"),
            ("building.square", "泰安中心广场"),
            ("terrain.peak", "五峰山"),
            ("settlement.urban", "东城小区"),
            ("settlement.urban", "花园小区"),
            ("transport.bridge", "解放路桥"),
            ("admin.township", "乌镇镇"),
            ("admin.county", "津市市"),
        ] {
            assert_eq!(n(t, name), 0, "{name}");
        }
    }
}
