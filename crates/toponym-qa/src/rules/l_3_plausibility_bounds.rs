//! L-3 (WARNING, record): per-template plausibility bounds, table-driven
//! (schemas/qa/params/L-3.json). Three kinds of rows, each with its own source:
//! - `bounds`: a field's value lies in [min, max] (e.g. 河长 ≤ 6 300 km, the Yangtze;
//!   高程 ≤ 8 848.86 m, Everest; 高度 ≤ 700 m);
//! - `not_above`: one field is at most another plus a margin (`length_in_county_km` ≤
//!   `length_km`; 相对高度 ≤ 海拔 + 155 m);
//! - `densities`: population ÷ area is at most a density (100 000 people/km²).
//!
//! A row names its templates, or `*` for any template with the field. When a value 1 000
//! times smaller would fit, the message suggests a unit slip (metres typed into km).
//! Ours, beyond the catalogue: the catalogue's "bridge length ≤ 50 km" would flag the
//! 丹昆特大桥 (164.851 km, the longest bridge in China), so the bound is 165 km; a single
//! urban compound (settlement.urban) can exceed 100 000 people/km² legitimately (see the
//! parameter file), so its density bound is 200 000.

use rustc_hash::FxHashMap;
use serde::Deserialize;
use toponym_core::Severity;

use crate::rule::Prepared;
use crate::{msg, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "L-3",
    severity: Severity::Warning,
    stage: Stage::Record,
    basis: "ours",
    title_zh: "数值合理范围",
    title_en: "Plausibility bounds",
    checks: "Table schemas/qa/params/L-3.json per template: field bounds [min, max] (lengths, heights, elevations, capacities, areas), field ≤ other field + margin (length_in_county_km ≤ length_km), population / area ≤ density; a 1 000× unit slip is suggested.",
    prepare: Some(prepare),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Bound {
    templates: Vec<String>,
    field: String,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    unit: String,
    source: String,
}

#[derive(Deserialize)]
struct NotAbove {
    templates: Vec<String>,
    field: String,
    other: String,
    #[serde(default)]
    margin: f64,
    source: String,
}

#[derive(Deserialize)]
struct Density {
    templates: Vec<String>,
    population: String,
    area: String,
    /// Square kilometres per unit of the area field (1 for km², 1e-6 for m²).
    area_km2_per_unit: f64,
    max_per_km2: f64,
    source: String,
}

#[derive(Deserialize)]
struct Params {
    bounds: Vec<Bound>,
    not_above: Vec<NotAbove>,
    densities: Vec<Density>,
}

#[derive(Clone, Copy)]
enum Item {
    Bound(usize),
    NotAbove(usize),
    Density(usize),
}

struct Table {
    p: Params,
    by_template: FxHashMap<String, Vec<Item>>,
    any: Vec<Item>,
}

fn prepare(v: &serde_json::Value) -> Result<Prepared, String> {
    let p = Params::deserialize(v).map_err(|e| e.to_string())?;
    let mut by_template: FxHashMap<String, Vec<Item>> = FxHashMap::default();
    let mut any = Vec::new();
    let mut add = |templates: &[String], item: Item| {
        for t in templates {
            if t == "*" {
                any.push(item);
            } else {
                by_template.entry(t.clone()).or_default().push(item);
            }
        }
    };
    for (i, b) in p.bounds.iter().enumerate() {
        if b.min.is_none() && b.max.is_none() {
            return Err(format!("bound {i} ({}) has neither min nor max", b.field));
        }
        add(&b.templates, Item::Bound(i));
    }
    for (i, n) in p.not_above.iter().enumerate() {
        add(&n.templates, Item::NotAbove(i));
    }
    for (i, d) in p.densities.iter().enumerate() {
        add(&d.templates, Item::Density(i));
    }
    Ok(Box::new(Table {
        p,
        by_template,
        any,
    }))
}

fn label<'a>(cx: &'a RecordCtx<'_>, key: &'a str) -> (&'a str, &'a str) {
    cx.catalog
        .form_fields(&cx.template.id)
        .and_then(|fs| fs.iter().find(|f| f.key == key))
        .map(|f| (f.label_zh.as_str(), f.label_en.as_str()))
        .unwrap_or((key, key))
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let t: &Table = p.get();
    let own = t
        .by_template
        .get(cx.template.id.as_str())
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for item in own.iter().chain(&t.any) {
        match *item {
            Item::Bound(i) => bound(cx, &t.p.bounds[i], out),
            Item::NotAbove(i) => not_above(cx, &t.p.not_above[i], out),
            Item::Density(i) => density(cx, &t.p.densities[i], out),
        }
    }
}

fn bound(cx: &RecordCtx<'_>, b: &Bound, out: &mut Out<'_>) {
    let Some(v) = cx.num(&b.field) else {
        return;
    };
    let low = b.min.is_some_and(|m| v < m);
    let high = b.max.is_some_and(|m| v > m);
    if !low && !high {
        return;
    }
    let (zh, en) = label(cx, &b.field);
    let u = &b.unit;
    let range = match (b.min, b.max) {
        (Some(a), Some(z)) => format!("{a}–{z} {u}"),
        (Some(a), None) => format!("≥ {a} {u}"),
        (None, Some(z)) => format!("≤ {z} {u}"),
        (None, None) => String::new(),
    };
    let slip = high && b.max.is_some_and(|m| v / 1000.0 <= m) && b.min.is_none_or(|m| v / 1000.0 >= m);
    let (hint_zh, hint_en) = if slip {
        ("；若按千分之一则合理，是否单位填错（如把米填成千米）？", "; a value 1 000 times smaller would fit: a unit slip (metres typed into a km field)?")
    } else {
        ("", "")
    };
    out.emit(
        format!("fields.{}", b.field),
        msg(
            "plausibility.bound",
            format!("“{zh}”为 {v} {u}，超出合理范围 {range}（依据：{}）{hint_zh}", b.source),
            format!("{en} is {v} {u}, outside the plausible range {range} (basis: {}){hint_en}", b.source),
        )
        .with("field", b.field.clone())
        .with("value", v.to_string())
        .with("range", range),
    );
}

fn not_above(cx: &RecordCtx<'_>, n: &NotAbove, out: &mut Out<'_>) {
    let (Some(a), Some(b)) = (cx.num(&n.field), cx.num(&n.other)) else {
        return;
    };
    if a <= b + n.margin {
        return;
    }
    let (azh, aen) = label(cx, &n.field);
    let (bzh, ben) = label(cx, &n.other);
    let plus = if n.margin != 0.0 {
        format!(" + {}", n.margin)
    } else {
        String::new()
    };
    out.emit(
        format!("fields.{}", n.field),
        msg(
            "plausibility.not_above",
            format!("“{azh}”{a} 大于“{bzh}”{b}{plus}，应不大于（{}）", n.source),
            format!("{aen} {a} exceeds {ben} {b}{plus}; it cannot be larger ({})", n.source),
        )
        .with("field", n.field.clone())
        .with("other", n.other.clone())
        .with("value", a.to_string())
        .with("limit", (b + n.margin).to_string()),
    );
}

fn density(cx: &RecordCtx<'_>, d: &Density, out: &mut Out<'_>) {
    let (Some(pop), Some(area)) = (cx.num(&d.population), cx.num(&d.area)) else {
        return;
    };
    let km2 = area * d.area_km2_per_unit;
    if km2 <= 0.0 || pop <= 0.0 {
        return; // L-2 judges zero and negative values
    }
    let rho = pop / km2;
    if rho <= d.max_per_km2 {
        return;
    }
    out.emit(
        format!("fields.{}", d.population),
        msg(
            "plausibility.density",
            format!(
                "人口 {pop} 人、面积 {area} 得人口密度 {rho:.0} 人/km²，超过合理上限 {} 人/km²（{}）：人口或面积（单位）可能有误",
                d.max_per_km2, d.source
            ),
            format!(
                "population {pop} on an area of {area} gives {rho:.0} people/km², above the plausible {} people/km² ({}): the population or the area (its unit) is probably wrong",
                d.max_per_km2, d.source
            ),
        )
        .with("density", format!("{rho:.0}"))
        .with("max", d.max_per_km2.to_string()),
    );
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use serde_json::json;

    #[test]
    fn a_river_length_in_metres_is_flagged_and_a_long_river_passes() {
        let r = |len: f64, in_county: f64| {
            record("water.river", json!({"standard_name": "泮河", "length_km": len, "length_in_county_km": in_county}), None)
        };
        assert!(findings("L-3", &r(6300.0, 80.0)).is_empty(), "the Yangtze's length is plausible");
        let f = findings("L-3", &r(12_500.0, 12.0));
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].message.en.contains("unit slip"), "{}", f[0].message.en);
        let f = findings("L-3", &r(40.0, 45.0));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.code, "plausibility.not_above");
        assert!(findings("L-3", &r(40.0, 40.0)).is_empty(), "a river wholly in the county");
    }

    #[test]
    fn heights_and_elevations() {
        let tower = |h: f64| record("building.tower", json!({"height_m": h}), None);
        assert!(findings("L-3", &tower(632.0)).is_empty(), "上海中心大厦");
        assert_eq!(findings("L-3", &tower(7000.0)).len(), 1);
        let peak = |e: f64, rel: f64| {
            record("terrain.peak", json!({"elevation_m": e, "relative_height_m": rel}), None)
        };
        assert!(findings("L-3", &peak(8848.86, 3000.0)).is_empty(), "珠穆朗玛峰");
        assert_eq!(findings("L-3", &peak(8850.0, 3000.0)).len(), 1);
        assert_eq!(findings("L-3", &peak(1532.0, 1800.0)).len(), 1, "relative height above the elevation");
        let lake = record("water.lake", json!({"surface_elev_m": -154.31, "area_km2": 4400.0}), None);
        assert!(findings("L-3", &lake).is_empty(), "艾丁湖 and 青海湖 sizes");
        let deep = record("water.lake", json!({"surface_elev_m": -300.0}), None);
        assert_eq!(findings("L-3", &deep).len(), 1);
    }

    #[test]
    fn density_and_the_longest_bridge() {
        let v = |pop: i64, area: f64| record("settlement.village", json!({"population": pop, "area_km2": area}), None);
        assert!(findings("L-3", &v(800, 0.2)).is_empty());
        assert_eq!(findings("L-3", &v(800, 0.002)).len(), 1, "area typed in the wrong unit");
        let compound = record("settlement.urban", json!({"population": 15000, "area_km2": 0.12}), None);
        assert!(findings("L-3", &compound).is_empty(), "a high-rise compound at 125 000/km²");
        let bridge = |m: f64| record("transport.bridge", json!({"length_m": m}), None);
        assert!(findings("L-3", &bridge(164_851.0)).is_empty(), "丹昆特大桥");
        assert_eq!(findings("L-3", &bridge(1_200_000.0)).len(), 1);
        let res = |cap: f64| record("infra.reservoir", json!({"total_capacity_1e4m3": cap}), None);
        assert!(findings("L-3", &res(3_930_000.0)).is_empty(), "三峡水库");
        assert_eq!(findings("L-3", &res(39_300_000.0)).len(), 1);
    }
}
