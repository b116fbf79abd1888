//! N-11 (ERROR, record): the name variants are clean.
//!
//! - 简称 (`short_name`) is not the standard name itself;
//! - no 别名 (`aliases[].name`) equals the standard name;
//! - no 别名 is listed twice;
//! - no 曾用名 (`former_names[].name`) equals the standard name, unless the name was
//!   restored: then the entry gives the period it was used before (both `from_year` and
//!   `to_year`).
//!
//! Names are compared after trimming (spaces inside a name are N-2's business).

use serde_json::Value;
use toponym_core::Severity;

use crate::{msg, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "N-11",
    severity: Severity::Error,
    stage: Stage::Record,
    basis: "ours",
    title_zh: "名称变体规范",
    title_en: "Name variants are clean",
    checks: "fields.short_name ≠ standard_name; no aliases[].name equals standard_name; no alias name listed twice; no former_names[].name equals standard_name unless that entry gives from_year and to_year (a restored name).",
    prepare: None,
    check: Check::Record(check),
};

fn item_name(v: &Value) -> Option<&str> {
    match v {
        Value::Object(o) => o.get("name").and_then(Value::as_str),
        Value::String(s) => Some(s.as_str()),
        _ => None,
    }
    .map(str::trim)
    .filter(|s| !s.is_empty())
}

fn has_year(v: &Value, key: &str) -> bool {
    v.get(key).is_some_and(|y| match y {
        Value::Number(_) => true,
        Value::String(s) => !s.trim().is_empty(),
        _ => false,
    })
}

fn check(cx: &RecordCtx<'_>, _p: &Prep<'_>, out: &mut Out<'_>) {
    let Some(name) = cx.text("standard_name") else {
        return; // C-1
    };
    if cx.text("short_name") == Some(name) {
        out.emit(
            "fields.short_name",
            msg(
                "name.short_equals_standard",
                format!("简称“{name}”与标准名称相同：无简称时应留空"),
                format!("short name \"{name}\" equals the standard name: leave it empty when there is none"),
            )
            .with("name", name),
        );
    }
    if let Some(Value::Array(aliases)) = cx.get("aliases") {
        for (i, a) in aliases.iter().enumerate() {
            let Some(an) = item_name(a) else { continue };
            if an == name {
                out.emit(
                    format!("fields.aliases[{i}].name"),
                    msg(
                        "name.alias_equals_standard",
                        format!("别名“{an}”与标准名称相同，应删除"),
                        format!("alias \"{an}\" equals the standard name; remove it"),
                    )
                    .with("name", an),
                );
            } else if let Some(j) = aliases[..i].iter().position(|b| item_name(b) == Some(an)) {
                out.emit(
                    format!("fields.aliases[{i}].name"),
                    msg(
                        "name.alias_duplicate",
                        format!("别名“{an}”重复（同第{}条），应合并", j + 1),
                        format!("alias \"{an}\" is listed twice (as entry {}); merge them", j + 1),
                    )
                    .with("name", an)
                    .with("first", (j + 1).to_string()),
                );
            }
        }
    }
    if let Some(Value::Array(former)) = cx.get("former_names") {
        for (i, f) in former.iter().enumerate() {
            if item_name(f) != Some(name) {
                continue;
            }
            if has_year(f, "from_year") && has_year(f, "to_year") {
                continue; // a restored name with the period it was used before
            }
            out.emit(
                format!("fields.former_names[{i}].name"),
                msg(
                    "name.former_equals_standard",
                    format!("曾用名“{name}”与标准名称相同：若为恢复使用的旧名，请填写其曾经使用的起止年份；否则应删除"),
                    format!("former name \"{name}\" equals the standard name: if the name was restored, give the years it was used before (from and to); otherwise remove it"),
                )
                .with("name", name),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use serde_json::{json, Value};

    fn rec(extra: Value) -> toponym_core::Record {
        let mut f = json!({ "standard_name": "幸福大桥" });
        for (k, v) in extra.as_object().expect("object") {
            f[k] = v.clone();
        }
        record("transport.bridge", f, None)
    }

    #[test]
    fn short_name_and_aliases() {
        let f = findings("N-11", &rec(json!({ "short_name": "幸福大桥" })));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, "fields.short_name");
        assert!(findings("N-11", &rec(json!({ "short_name": "幸福桥" }))).is_empty());
        let aliases = json!({ "aliases": [
            { "name": "老桥", "kind": "俗称" },
            { "name": "幸福大桥", "kind": "其他" },
            { "name": "老桥", "kind": "俗称" },
            { "name": "老桥北", "kind": "俗称" }
        ]});
        let f = findings("N-11", &rec(aliases));
        let paths: Vec<&str> = f.iter().map(|x| x.path.as_str()).collect();
        assert_eq!(paths, ["fields.aliases[1].name", "fields.aliases[2].name"], "{f:?}");
        assert_eq!(f[1].message.code, "name.alias_duplicate");
    }

    #[test]
    fn a_former_name_equal_to_the_standard_name_needs_its_period() {
        let bare = json!({ "former_names": [{ "name": "幸福大桥" }] });
        assert_eq!(findings("N-11", &rec(bare)).len(), 1);
        let half = json!({ "former_names": [{ "name": "幸福大桥", "to_year": 1966 }] });
        assert_eq!(findings("N-11", &rec(half)).len(), 1);
        let restored = json!({ "former_names": [
            { "name": "幸福大桥", "from_year": 1950, "to_year": 1966 },
            { "name": "红卫桥", "from_year": 1966, "to_year": 1981 }
        ]});
        assert!(findings("N-11", &rec(restored)).is_empty());
    }
}
