//! N-9 (WARNING, record): no generic-only or pure-ordinal names for new features.
//!
//! For a newly named feature (see N-6's `new_name`: a recent 命名时间, or 新增 without
//! one) the standard name is split at its generic (`generic_part` when the name ends with
//! it, else the longest generic of the N-7 dictionary that ends the name). It is flagged
//! when what stands before the generic is
//! - nothing, only modifiers (新村 = 新 + 村, 南大街) or itself a generic (花园小区):
//!   a generic-only name;
//! - a pure ordinal: numerals with an optional 第 and 号 (一号路, 第三小区, 3号楼).
//!
//! Existing names are not judged (老街, 新村 are old names everywhere). Templates numbered
//! by practice and organisations are exempt (`schemas/qa/params/N-9.json`).

use serde::Deserialize;
use toponym_core::Severity;

use super::n_6_rare_chars::{new_name, NewName};
use crate::{msg, parse_params, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "N-9",
    severity: Severity::Warning,
    stage: Stage::Record,
    basis: "reg (local rules)",
    title_zh: "新命名不得仅用通名或序数",
    title_en: "No generic-only or ordinal-only new names",
    checks: "New names only (命名时间 within new_name_years of 登记时间, or 新增 without a naming date), templates not exempt (schemas/qa/params/N-9.json): the part of fields.standard_name before its generic (N-7 dictionary) is empty, only modifiers (东西南北中新老…), a generic itself, or a pure ordinal (第? numerals 号?).",
    prepare: Some(parse_params::<Params>),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Params {
    modifiers: String,
    numerals: String,
    exempt: Vec<String>,
    new_name_years: i32,
}

fn exempt(p: &Params, id: &str) -> bool {
    p.exempt.iter().any(|e| match e.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None => e == id,
    })
}

fn pure_ordinal(p: &Params, s: &str) -> bool {
    let s = s.strip_prefix('第').unwrap_or(s);
    let s = s.strip_suffix('号').unwrap_or(s);
    !s.is_empty() && s.chars().all(|c| p.numerals.contains(c))
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let p: &Params = p.get();
    if exempt(p, &cx.template.id) {
        return;
    }
    let Some(name) = cx.text("standard_name") else {
        return;
    };
    let Some(why) = new_name(cx, p.new_name_years) else {
        return;
    };
    let dict = super::n_7_generic_fits::shipped();
    let at = match cx.text("generic_part") {
        Some(g) if name.ends_with(g) && g.len() < name.len() => Some(name.len() - g.len()),
        Some(g) if name == g => Some(0),
        _ => dict.generic_start(name),
    };
    let Some(at) = at else {
        return; // no generic: nothing to judge (N-7 says whether one is expected)
    };
    let (specific, generic) = name.split_at(at);
    let generic_only = specific.chars().all(|c| p.modifiers.contains(c)) || dict.is_generic(specific);
    let ordinal = !generic_only && pure_ordinal(p, specific);
    if !generic_only && !ordinal {
        return;
    }
    let why_zh = match why {
        NewName::Named(y) => format!("{y}年命名"),
        NewName::Added => "新增".to_owned(),
    };
    let (code, zh, en) = if generic_only {
        (
            "name.generic_only",
            format!("新命名地名“{name}”（{why_zh}）只有通名“{generic}”，缺少专名：命名应由专名和通名组成"),
            format!("the new name \"{name}\" is only the generic '{generic}' without a specific part: a name needs a specific and a generic"),
        )
    } else {
        (
            "name.ordinal_only",
            format!("新命名地名“{name}”（{why_zh}）的专名“{specific}”为单纯序数：新命名不宜使用单纯序数"),
            format!("the new name \"{name}\" has a purely ordinal specific part '{specific}': new names should not be bare ordinals"),
        )
    };
    out.emit(
        "fields.standard_name",
        msg(code, zh, en)
            .with("specific", specific)
            .with("generic", generic),
    );
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use serde_json::json;

    fn new(t: &str, name: &str) -> Vec<crate::QaFinding> {
        findings(
            "N-9",
            &record(t, json!({ "standard_name": name, "census_status": "新增" }), None),
        )
    }

    #[test]
    fn generic_only_and_ordinal_new_names_are_flagged() {
        assert_eq!(new("settlement.urban", "新村")[0].message.code, "name.generic_only");
        assert_eq!(new("transport.urban_road", "南大街")[0].message.code, "name.generic_only");
        assert_eq!(new("settlement.urban", "花园小区")[0].message.code, "name.generic_only");
        assert_eq!(new("transport.urban_road", "一号路")[0].message.code, "name.ordinal_only");
        assert_eq!(new("settlement.urban", "第三小区")[0].message.code, "name.ordinal_only");
        assert_eq!(new("transport.street_lane", "十二街").len(), 1);
    }

    #[test]
    fn named_new_features_old_names_and_numbered_templates_pass() {
        assert!(new("transport.urban_road", "纬一路").is_empty());
        assert!(new("settlement.urban", "阳光花园").is_empty());
        assert!(new("selfgov.community", "东郡社区居民委员会").is_empty());
        assert!(new("transport.urban_road", "十里铺路").is_empty());
        assert!(new("selfgov.villager_group", "第一村民小组").is_empty());
        assert!(new("unit.school", "第三中学").is_empty());
        // Not new: an old 新村 is an existing name.
        let old = record(
            "settlement.urban",
            json!({ "standard_name": "新村", "census_status": "不变" }),
            None,
        );
        assert!(findings("N-9", &old).is_empty());
        let named_long_ago = record(
            "transport.urban_road",
            json!({ "standard_name": "一号路", "census_status": "新增", "named_date": "1958", "registered_at": "2026-05-01T09:00:00+08:00" }),
            None,
        );
        assert!(findings("N-9", &named_long_ago).is_empty());
    }
}
