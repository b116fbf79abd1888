//! K-6 (WARNING, record): the 城乡分类代码 of a committee is plausible for its type.
//! A 社区/居委会 coded 210 or 220 (rural) is flagged; a 村委会 coded 111 (主城区) is flagged
//! when its township is a 乡 or 苏木, judged by the township's name in the reference
//! tables (a 村委会 in a 街道's 主城区 is an ordinary 城中村). The table of implausible
//! codes is data (schemas/qa/params/K-6.json).

use serde::Deserialize;
use toponym_core::Severity;

use crate::{msg, parse_params, view, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "K-6",
    severity: Severity::Warning,
    stage: Stage::Record,
    basis: "std",
    title_zh: "城乡分类代码与类型相符",
    title_en: "Urban-rural code plausible for the type",
    checks: "fields.urban_rural_code of selfgov.community (flagged: 210, 220) and selfgov.village_committee (flagged: 111 when the township's name ends in 乡/苏木); table in schemas/qa/params/K-6.json.",
    prepare: Some(parse_params::<Params>),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Implausible {
    template: String,
    codes: Vec<String>,
    /// Empty: always; else only when the township's name ends with one of these.
    township_generics: Vec<String>,
    why_zh: String,
    why_en: String,
}

#[derive(Deserialize)]
struct Params {
    field: String,
    implausible: Vec<Implausible>,
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let p: &Params = p.get();
    let Some(code) = cx.text(&p.field) else {
        return;
    };
    let id = cx.template.id.as_str();
    for rule in &p.implausible {
        if rule.template != id || !rule.codes.iter().any(|c| c == code) {
            continue;
        }
        let township = if rule.township_generics.is_empty() {
            None
        } else {
            let Some(t) = view::township(cx.record) else {
                return;
            };
            let name = cx.refs.unit_name(&t);
            if name == t || !rule.township_generics.iter().any(|g| name.ends_with(g.as_str())) {
                return; // unknown township, or not a rural one
            }
            Some(name.to_owned())
        };
        let place = township.as_deref().map(|t| format!("（{t}）")).unwrap_or_default();
        out.emit(
            format!("fields.{}", p.field),
            msg(
                "committee.urban_rural_implausible",
                format!("城乡分类代码 {code} 与类型不符：{}{place}，请核实", rule.why_zh),
                format!("urban-rural code {code} is implausible: {}{place}; please check", rule.why_en),
            )
            .with("code", code),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, findings_with, record};
    use crate::Refs;
    use serde_json::json;

    #[test]
    fn a_rural_community_is_flagged_an_urban_one_is_not() {
        let c = |code: &str| {
            record("selfgov.community", json!({"standard_name": "岱宗社区居委会", "urban_rural_code": code}), None)
        };
        assert_eq!(findings("K-6", &c("220")).len(), 1);
        assert!(findings("K-6", &c("111")).is_empty());
        assert!(findings("K-6", &c("122")).is_empty());
    }

    #[test]
    fn a_main_urban_village_committee_is_flagged_only_under_a_rural_township() {
        let mut refs = Refs::default();
        refs.unit_names.insert("370902001".into(), "岱庙街道".into());
        refs.unit_names.insert("370921201".into(), "马庄乡".into());
        let v = |admin: &str, code: &str| {
            record("selfgov.village_committee", json!({"standard_name": "东王村民委员会",
                "admin_areas": [admin], "urban_rural_code": code}), None)
        };
        assert_eq!(findings_with("K-6", &v("370921201", "111"), &refs).len(), 1);
        assert!(findings_with("K-6", &v("370902001", "111"), &refs).is_empty(), "城中村 in a 街道");
        assert!(findings_with("K-6", &v("370921201", "220"), &refs).is_empty());
        // Township unknown to the tables: not judged.
        assert!(findings_with("K-6", &v("370921299", "111"), &refs).is_empty());
    }
}
