//! D-1 (ERROR, bundle): an exact duplicate inside one survey — same normalised name, same
//! template, representative points within `radius_m` (50 m). Each pair is reported on its
//! later record, naming the earlier one. The fuzzy cases (other spellings, other
//! templates, other bundles) belong to the dedup engine at the merge stage (D-2).

use std::collections::HashMap;

use serde::Deserialize;
use toponym_core::Severity;

use crate::{msg, parse_params, view, Check, Out, Prep, Rule, Stage, SurveyCtx};

pub(crate) static RULE: Rule = Rule {
    id: "D-1",
    severity: Severity::Error,
    stage: Stage::Bundle,
    basis: "ours",
    title_zh: "成果包内完全重复",
    title_en: "Exact duplicate within the survey",
    checks: "Two records of one template whose standard names are equal after removing white space and whose points lie within radius_m (default 50 m).",
    prepare: Some(parse_params::<Params>),
    check: Check::Survey(check),
};

#[derive(Deserialize)]
struct Params {
    radius_m: f64,
}

/// Ground distance in metres between two lon/lat points (haversine on the mean radius).
pub(crate) fn distance_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let dla = la2 - la1;
    let dlo = (b[0] - a[0]).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().min(1.0).asin()
}

fn check(cx: &SurveyCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let p: &Params = p.get();
    let mut groups: HashMap<(&str, String), Vec<usize>> = HashMap::new();
    for (i, r) in cx.records.iter().enumerate() {
        if let Some(name) = r.standard_name() {
            let key: String = name.chars().filter(|c| !c.is_whitespace()).collect();
            groups.entry((r.template.id.as_str(), key)).or_default().push(i);
        }
    }
    let mut keys: Vec<_> = groups.keys().cloned().collect();
    keys.sort();
    for k in keys {
        let idx = &groups[&k];
        for (n, &j) in idx.iter().enumerate().skip(1) {
            let Some(pj) = view::point(&cx.records[j]) else { continue };
            let earlier = idx[..n].iter().copied().find_map(|i| {
                let pi = view::point(&cx.records[i])?;
                let d = distance_m(pi, pj);
                (d <= p.radius_m).then_some((i, d))
            });
            if let Some((i, d)) = earlier {
                let other = cx.records[i].record_id;
                out.emit_for(
                    cx.records[j].record_id,
                    "fields.standard_name",
                    msg(
                        "duplicate.exact",
                        format!("与记录 {other}（同名“{}”、同样表）相距 {d:.0} 米，疑为重复登记", k.1),
                        format!("same name \"{}\" and template as record {other}, {d:.0} m apart: probably registered twice", k.1),
                    )
                    .with("other", other.to_string())
                    .with("distance_m", format!("{d:.0}")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::distance_m;
    use crate::testkit::{record, survey};
    use serde_json::json;

    fn bridge(name: &str, lon: f64, lat: f64) -> toponym_core::Record {
        record("transport.bridge", json!({"standard_name": name, "rep_point": [lon, lat]}), None)
    }

    #[test]
    fn near_twins_are_duplicates_far_ones_are_not() {
        assert!((distance_m([117.0, 36.0], [117.0, 36.001]) - 111.2).abs() < 1.0);
        let a = bridge("大汶口大桥", 117.0, 36.0);
        let b = bridge("大汶口 大桥", 117.0002, 36.0002);
        let c = bridge("大汶口大桥", 117.01, 36.0);
        let rep = survey(&[a.clone(), b.clone(), c]);
        let f: Vec<_> = rep.of_rule("D-1").collect();
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].record_id.as_deref(), Some(b.record_id.to_string().as_str()));
        assert_eq!(f[0].message.params["other"], a.record_id.to_string());
    }
}
