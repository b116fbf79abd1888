//! N-13 (INFO, record): a 简称 on a class below township level.
//!
//! The census filled 简称 mainly for divisions of township level and above; a short name
//! on any other template (a bridge, a village, a school) is counted for the statistics
//! (the templates at township level and above: `schemas/qa/params/N-13.json`).

use serde::Deserialize;
use toponym_core::Severity;

use crate::{msg, parse_params, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "N-13",
    severity: Severity::Info,
    stage: Stage::Record,
    basis: "census (training)",
    title_zh: "乡级以下类别填写简称",
    title_en: "Short name below township level",
    checks: "fields.short_name filled on a template not listed in township_and_above (schemas/qa/params/N-13.json: admin.province, admin.prefecture, admin.county, admin.township).",
    prepare: Some(parse_params::<Params>),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Params {
    township_and_above: Vec<String>,
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let Some(short) = cx.text("short_name") else {
        return;
    };
    let p: &Params = p.get();
    if p.township_and_above.contains(&cx.template.id) {
        return;
    }
    let tpl = &cx.template.name_zh;
    out.emit(
        "fields.short_name",
        msg(
            "name.short_below_township",
            format!("“{tpl}”类地名填写了简称“{short}”：普查中简称主要用于乡级及以上行政区划，请确认确有通行简称"),
            format!("a {} has the short name \"{short}\": the census used 简称 mainly for township level and above; confirm it is in established use", cx.template.name_en),
        )
        .with("short_name", short)
        .with("template", cx.template.id.as_str()),
    );
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use serde_json::json;

    #[test]
    fn short_names_below_township_are_counted() {
        let bridge = record(
            "transport.bridge",
            json!({ "standard_name": "幸福大桥", "short_name": "幸福桥" }),
            None,
        );
        let f = findings("N-13", &bridge);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].severity, toponym_core::Severity::Info);
        let town = record(
            "admin.township",
            json!({ "standard_name": "省庄镇", "short_name": "省庄" }),
            None,
        );
        assert!(findings("N-13", &town).is_empty());
        let plain = record("transport.bridge", json!({ "standard_name": "幸福大桥" }), None);
        assert!(findings("N-13", &plain).is_empty());
    }
}
