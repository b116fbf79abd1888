//! W-5 (BLOCKER, bundle): confidentiality. Every record keeps at least its template's
//! default 密级 (the census forms default to 秘密): a record marked lower (公开 or 内部 on a
//! 秘密 template) would leave the survey through a channel meant for open data, so the
//! bundle is blocked until the 密级 is restored. Levels, lowest first: 公开, 内部, 秘密,
//! 机密, 绝密. A value outside the ladder is L-6's (enumerations); a missing one C-1's.
//!
//! The other half of the catalogue's W-5 ("export only to encrypted bundles, no plaintext
//! copies on removable media") is enforced where files are written: `survey export-gpkg`
//! refuses records above 公开 unless `--allow-classified` is given, and bundles are
//! encrypted (the bundle issue). This rule checks what the survey itself holds.

use toponym_core::Severity;

use crate::{msg, view, Check, Out, Prep, Rule, Stage, SurveyCtx};

pub(crate) static RULE: Rule = Rule {
    id: "W-5",
    severity: Severity::Blocker,
    stage: Stage::Bundle,
    basis: "census (密级 秘密)",
    title_zh: "保密：不低于样表默认密级",
    title_en: "Confidentiality: at least the template's default secrecy",
    checks: "fields.secrecy of every record ranks at least the template's default (公开 < 内部 < 秘密 < 机密 < 绝密); unknown values are left to L-6, missing ones to C-1.",
    prepare: None,
    check: Check::Survey(check),
};

/// Rank of a 密级 (higher is more secret), `None` if it is not one.
pub(crate) fn rank(level: &str) -> Option<u8> {
    match level {
        "公开" => Some(0),
        "内部" => Some(1),
        "秘密" => Some(2),
        "机密" => Some(3),
        "绝密" => Some(4),
        _ => None,
    }
}

fn check(cx: &SurveyCtx<'_>, _: &Prep<'_>, out: &mut Out<'_>) {
    for (r, t) in cx.records.iter().zip(cx.templates) {
        let Some(t) = t else { continue };
        let (Some(level), Some(default)) = (view::text(r, "secrecy"), rank(&t.secrecy)) else {
            continue;
        };
        let Some(have) = rank(level) else { continue };
        if have >= default {
            continue;
        }
        out.emit_for(
            r.record_id,
            "fields.secrecy",
            msg(
                "secrecy.below_default",
                format!("密级“{level}”低于样表“{}”的默认密级“{}”：普查成果不得降密导出", t.name_zh, t.secrecy),
                format!("secrecy {level} is below the default {} of template {}: census results must not be declassified on export", t.secrecy, t.id),
            )
            .with("secrecy", level)
            .with("default", t.secrecy.clone()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{record, survey};
    use serde_json::json;

    #[test]
    fn a_record_below_its_template_default_is_blocked() {
        let r = |s: &str| record("settlement.village", json!({"standard_name": "东王庄", "secrecy": s}), None);
        let rep = survey(&[r("公开"), r("秘密"), r("机密"), r("内部"), r("未定")]);
        let f: Vec<_> = rep.of_rule("W-5").collect();
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f.iter().all(|f| f.path == "fields.secrecy"));
        let mut levels: Vec<&str> = f.iter().map(|f| f.message.params["secrecy"].as_str()).collect();
        levels.sort_unstable();
        assert_eq!(levels, ["公开", "内部"]);
    }
}
