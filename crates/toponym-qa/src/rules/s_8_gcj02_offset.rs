//! S-8 (WARNING, bundle): no systematic GCJ-02 offset.
//!
//! A point whose 位置来源 is a third-party web map (第三方地图) is always flagged: such maps
//! publish GCJ-02 or BD-09, offset by hundreds of metres. For each registrar, the points of
//! records that have a CGCS2000 base point (their statistical code in `Refs::base_points`)
//! are compared with it before and after the inverse GCJ-02 transform; if at least
//! `min_matched_points` points are on average more than `min_offset_m` away and the
//! transform brings them markedly closer, every point of that registrar is flagged. With no
//! base points loaded, this second part is reported as not checked.

use std::collections::BTreeMap;

use serde::Deserialize;
use toponym_core::Severity;
use toponym_geodesy::gcj02::gcj02_to_wgs84;

use crate::rules::d_1_exact_duplicate::distance_m;
use crate::{msg, parse_params, view, Check, Out, Prep, Rule, Stage, SurveyCtx};

pub(crate) static RULE: Rule = Rule {
    id: "S-8",
    severity: Severity::Warning,
    stage: Stage::Bundle,
    basis: "ours",
    title_zh: "坐标系偏移（GCJ-02）",
    title_en: "Systematic GCJ-02 offset",
    checks: "fields.position_source = 第三方地图 always; per registrar, points with a CGCS2000 base point (by stats_code): mean distance > min_offset_m (150 m) and the inverse GCJ-02 transform at least halves it.",
    prepare: Some(parse_params::<Params>),
    check: Check::Survey(check),
};

#[derive(Deserialize)]
struct Params {
    third_party_sources: Vec<String>,
    min_matched_points: usize,
    min_offset_m: f64,
    improvement_ratio: f64,
}

fn check(cx: &SurveyCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let p: &Params = p.get();
    for r in cx.records {
        if let Some(src) = view::text(r, "position_source") {
            if p.third_party_sources.iter().any(|s| s == src) {
                out.emit_for(
                    r.record_id,
                    "fields.position_source",
                    msg(
                        "spatial.third_party_map",
                        format!("定位点取自“{src}”：网络地图使用 GCJ-02 等加偏坐标，须改用实测或 CGCS2000 底图量取"),
                        format!("the point comes from \"{src}\": web maps use offset datums such as GCJ-02; measure it in the field or on the CGCS2000 basemap"),
                    )
                    .with("source", src),
                );
            }
        }
    }
    if cx.refs.base_points.is_empty() {
        out.not_checked(msg(
            "qa.no_base_points",
            "未载入 CGCS2000 基准点，未做系统偏移检验（仅检查位置来源）",
            "no CGCS2000 base points are loaded: the offset test was not run (only the position source was checked)",
        ));
        return;
    }
    // registrar → (record index, point, base point)
    type Matched = Vec<(usize, [f64; 2], [f64; 2])>;
    let mut by: BTreeMap<&str, Matched> = BTreeMap::new();
    for (i, r) in cx.records.iter().enumerate() {
        let (Some(who), Some(pt), Some(code)) =
            (view::person(r, "registrar"), view::point(r), view::text(r, "stats_code"))
        else {
            continue;
        };
        if let Some(base) = cx.refs.base_points.get(code) {
            by.entry(who).or_default().push((i, pt, *base));
        }
    }
    for (who, pts) in by {
        if pts.len() < p.min_matched_points {
            continue;
        }
        let n = pts.len() as f64;
        let before = pts.iter().map(|(_, a, b)| distance_m(*a, *b)).sum::<f64>() / n;
        let after = pts
            .iter()
            .map(|(_, a, b)| distance_m(gcj02_to_wgs84(*a), *b))
            .sum::<f64>()
            / n;
        if before > p.min_offset_m && after < before * p.improvement_ratio {
            for (i, _, _) in &pts {
                out.emit_for(
                    cx.records[*i].record_id,
                    "fields.rep_point",
                    msg(
                        "spatial.gcj02_offset",
                        format!("登记人“{who}”的 {} 个点平均偏离基准点 {before:.0} 米，按 GCJ-02 反算后仅 {after:.0} 米：疑似使用了加偏坐标", pts.len()),
                        format!("the {} points of registrar \"{who}\" lie {before:.0} m from their base points on average, {after:.0} m after the inverse GCJ-02 transform: probably offset coordinates", pts.len()),
                    )
                    .with("registrar", who)
                    .with("before_m", format!("{before:.0}"))
                    .with("after_m", format!("{after:.0}")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{record, survey, survey_refs};
    use crate::Refs;
    use serde_json::json;
    use toponym_geodesy::gcj02::wgs84_to_gcj02;

    #[test]
    fn third_party_source_always_flags() {
        let r = record("building.market", json!({"standard_name": "岱宗市场", "position_source": "第三方地图"}), None);
        let ok = record("building.market", json!({"standard_name": "泰山市场", "position_source": "GNSS"}), None);
        let rep = survey(&[r.clone(), ok]);
        let f: Vec<_> = rep.of_rule("S-8").collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].record_id.as_deref(), Some(r.record_id.to_string().as_str()));
    }

    #[test]
    fn a_registrar_whose_points_are_gcj02_is_flagged() {
        let mut refs = Refs::default();
        let mut recs = Vec::new();
        for i in 0..6 {
            let base = [117.1 + i as f64 * 0.01, 36.2];
            let code = format!("3709021002{i:02}");
            refs.base_points.insert(code.clone(), base);
            let shifted = wgs84_to_gcj02(base);
            recs.push(record("selfgov.village_committee", json!({"standard_name": format!("{i}村委会"), "registrar": "李秀英", "stats_code": code, "rep_point": shifted}), None));
            let code2 = format!("3709021012{i:02}");
            let base2 = [117.1 + i as f64 * 0.01, 36.3];
            refs.base_points.insert(code2.clone(), base2);
            recs.push(record("selfgov.village_committee", json!({"standard_name": format!("{i}庄村委会"), "registrar": "张建国", "stats_code": code2, "rep_point": [base2[0] + 0.00005, base2[1]]}), None));
        }
        let rep = survey_refs(&recs, &refs);
        let who: Vec<_> = rep.of_rule("S-8").map(|f| f.message.params["registrar"].as_str()).collect();
        assert_eq!(who, vec!["李秀英"; 6]);
    }
}
