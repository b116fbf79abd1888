//! N-10 (WARNING, record): naming-policy vocabulary.
//!
//! The standard name is searched for the words of each category of
//! `schemas/qa/params/N-10.json`, on the templates the category applies to:
//! - state leaders' names (《地名管理条例》 2022 第十条, 1986 第四条), on every template
//!   except memorials (毛泽东故居) and organisations; full names only;
//! - foreign place and personal names (威尼斯, 曼哈顿, 维也纳 …) on estates, buildings,
//!   urban roads and streets, parks, district areas and development zones;
//! - enterprise words (集团, 公司 …: "XX集团大道") on estates, roads, bridges, squares,
//!   parks; developers' trademarks on new estates and buildings only;
//! - inflated words (中国, 中华, 国际, 世界, 宇宙, 天下, 中央 …) on estates and buildings
//!   only, so that old street names (中华路, 中央大街) pass.
//!
//! Each finding names the word, the category and the basis. A category with scope `new`
//! judges new names only (N-6's `new_name`); for an existing name the message asks for a
//! review (established names with historical value are kept), for a new one it says the
//! name should not be approved.

use serde::Deserialize;
use toponym_core::Severity;

use super::n_6_rare_chars::new_name;
use crate::{msg, Check, Out, Prep, Prepared, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "N-10",
    severity: Severity::Warning,
    stage: Stage::Record,
    basis: "reg (1986 Art. 4; 2022 revision; local rules)",
    title_zh: "命名用词规范",
    title_en: "Naming-policy vocabulary",
    checks: "fields.standard_name contains a word of a category of schemas/qa/params/N-10.json on the templates it applies to: state leaders' full names (not on memorials or organisations), foreign place/personal names and enterprise words (estates, buildings, roads, parks …), developers' trademarks (new names only), inflated words such as 中国/中华/国际/世界 (estates and buildings only). The message cites 地名管理条例 2022 Art. 10 / 1986 Art. 4 or the local rules.",
    prepare: Some(prepare),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Category {
    id: String,
    label_zh: String,
    label_en: String,
    basis_zh: String,
    basis_en: String,
    scope: String,
    templates: Vec<String>,
    except_templates: Vec<String>,
    words: Vec<String>,
}

#[derive(Deserialize)]
struct Params {
    new_name_years: i32,
    categories: Vec<Category>,
}

fn prepare(v: &serde_json::Value) -> Result<Prepared, String> {
    let mut p = Params::deserialize(v).map_err(|e| e.to_string())?;
    for c in &mut p.categories {
        if c.scope != "all" && c.scope != "new" {
            return Err(format!("category {}: scope is all or new, not {}", c.id, c.scope));
        }
        c.words.retain(|w| !w.trim().is_empty());
    }
    Ok(Box::new(p))
}

fn matches(patterns: &[String], id: &str) -> bool {
    patterns.iter().any(|e| match e.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None => e == id,
    })
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let p: &Params = p.get();
    let Some(name) = cx.text("standard_name") else {
        return;
    };
    let id = cx.template.id.as_str();
    let mut is_new = None;
    for c in &p.categories {
        if !matches(&c.templates, id) || matches(&c.except_templates, id) {
            continue;
        }
        let Some(word) = c.words.iter().find(|w| name.contains(w.as_str())) else {
            continue;
        };
        let new = *is_new.get_or_insert_with(|| new_name(cx, p.new_name_years).is_some());
        if c.scope == "new" && !new {
            continue;
        }
        let (zh, en) = if new {
            (
                format!("新命名地名“{name}”含{}“{word}”，不应予以命名（{}）", c.label_zh, c.basis_zh),
                format!("the new name \"{name}\" contains {} '{word}' and should not be approved ({})", c.label_en, c.basis_en),
            )
        } else {
            (
                format!("“{name}”含{}“{word}”，请审核是否属于不规范地名；已约定俗成、有历史文化价值的地名可保留（{}）", c.label_zh, c.basis_zh),
                format!("\"{name}\" contains {} '{word}': review whether it is a non-standard name; established names of historical value are kept ({})", c.label_en, c.basis_en),
            )
        };
        out.emit(
            "fields.standard_name",
            msg("name.policy_vocabulary", zh, en)
                .with("category", c.id.as_str())
                .with("word", word.as_str())
                .with("new_name", new.to_string()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use serde_json::json;

    fn f(t: &str, name: &str, status: &str) -> Vec<crate::QaFinding> {
        findings(
            "N-10",
            &record(t, json!({ "standard_name": name, "census_status": status }), None),
        )
    }

    #[test]
    fn policy_words_are_flagged_with_their_category() {
        let x = f("settlement.urban", "威尼斯水城", "新增");
        assert_eq!(x.len(), 1, "{x:?}");
        assert_eq!(x[0].message.params["category"], "foreign");
        assert_eq!(x[0].message.params["new_name"], "true");
        assert!(x[0].message.zh.contains("第十条"), "{}", x[0].message.zh);
        assert_eq!(f("transport.urban_road", "金星集团大道", "不变")[0].message.params["category"], "enterprise");
        assert_eq!(f("building.tower", "环球国际大厦", "不变")[0].message.params["category"], "inflated");
        assert_eq!(f("transport.urban_road", "邓小平大道", "不变")[0].message.params["category"], "leader");
        assert_eq!(f("settlement.urban", "万科城", "新增").len(), 1);
    }

    #[test]
    fn old_streets_memorials_villages_and_existing_trademarks_pass() {
        assert!(f("transport.urban_road", "中华路", "不变").is_empty());
        assert!(f("transport.urban_road", "中央大街", "不变").is_empty());
        assert!(f("memorial.memorial_site", "毛泽东故居", "不变").is_empty());
        assert!(f("settlement.village", "罗马庄", "不变").is_empty());
        assert!(f("transport.airport", "泰山国际机场", "新增").is_empty());
        assert!(f("settlement.urban", "万科城", "不变").is_empty());
        assert!(f("settlement.urban", "阳光花园", "新增").is_empty());
    }
}
