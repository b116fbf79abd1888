//! L-4 (WARNING, record): a reservoir's scale (规模) agrees with its total capacity by the
//! SL 252 classes (parameters in schemas/qa/params/L-4.json).

use serde::Deserialize;
use toponym_core::Severity;

use crate::{msg, parse_params, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "L-4",
    severity: Severity::Warning,
    stage: Stage::Record,
    basis: "std (water-engineering grading)",
    title_zh: "水库规模与总库容一致",
    title_en: "Reservoir scale agrees with total capacity",
    checks: "Any record with both fields.scale and fields.total_capacity_1e4m3: the capacity lies in the SL 252 range of the scale.",
    prepare: Some(parse_params::<Params>),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Class {
    scale: String,
    min: f64,
    max: Option<f64>,
}

#[derive(Deserialize)]
struct Params {
    capacity_field: String,
    scale_field: String,
    classes: Vec<Class>,
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let p: &Params = p.get();
    let (Some(scale), Some(cap)) = (cx.text(&p.scale_field), cx.num(&p.capacity_field)) else {
        return;
    };
    let Some(class) = p.classes.iter().find(|c| c.scale == scale) else {
        return; // not an SL 252 class: L-6 judges the enumeration
    };
    let fits = cap >= class.min && class.max.is_none_or(|m| cap < m);
    if fits {
        return;
    }
    let right = p
        .classes
        .iter()
        .find(|c| cap >= c.min && c.max.is_none_or(|m| cap < m))
        .map(|c| c.scale.as_str())
        .unwrap_or("小(2)型以下");
    let range = match class.max {
        Some(m) => format!("{}–{} 万m³", class.min, m),
        None => format!("≥ {} 万m³", class.min),
    };
    out.emit(
        format!("fields.{}", p.capacity_field),
        msg(
            "reservoir.scale_capacity",
            format!("规模“{scale}”要求总库容 {range}，实为 {cap} 万m³（按 SL 252 应为“{right}”）"),
            format!("scale {scale} needs a total capacity of {range}; it is {cap} 万m³ ({right} by SL 252)"),
        )
        .with("scale", scale)
        .with("capacity", cap.to_string())
        .with("expected", right),
    );
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use serde_json::json;

    #[test]
    fn scale_and_capacity() {
        let r = |scale: &str, cap: f64| {
            record("infra.reservoir", json!({"standard_name": "黄前水库", "scale": scale, "total_capacity_1e4m3": cap}), None)
        };
        let f = findings("L-4", &r("小(2)型", 5000.0));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.params["expected"], "中型");
        assert!(findings("L-4", &r("中型", 5000.0)).is_empty());
        assert!(findings("L-4", &r("大(1)型", 250000.0)).is_empty());
        assert_eq!(findings("L-4", &r("小(1)型", 99.0)).len(), 1);
    }
}
