//! Pure helpers of the app use cases: the template → form conversion, the values the app
//! fills in from the geometry (定位点, 至东经/至北纬 extent, 起点/止点), the townships of the
//! survey area and the map's reference layers. No IO; all testable with plain values.

use std::collections::HashSet;

use geo::{Coord, InteriorPoint, LineInterpolatePoint, LineString as GeoLine};
use serde_json::{json, Value};
use toponym_core::{Geometry, GeometryKind, Record};
use toponym_forms::{Condition, FieldDef, FieldGroup, FieldKind, FieldCheck, Template};

use super::dto::*;
use super::AppError;

/// Fields the surveyor does not type: ids, derived codes, the CRS constant, the extent, and
/// the reviewer's fields (filled by the review tool, not the field app).
const READONLY: &[&str] = &[
    "record_id",
    "template_id",
    "place_code",
    "category",
    "class_code",
    "crs",
    "extent",
    "workflow_status",
    "reviewer",
    "reviewed_at",
    "review_result",
];

/// Form sections in census order with their titles.
pub const GROUPS: &[(&str, &str, &str)] = &[
    ("identity", "标识与分类", "Identity and classification"),
    ("names", "名称", "Names"),
    ("romanisation", "罗马字母拼写与读音", "Romanisation and pronunciation"),
    ("time", "时间与状态", "Time and status"),
    ("location", "位置与空间", "Location and geometry"),
    ("narrative", "相关信息", "Narrative"),
    ("provenance", "登记与审核", "Provenance and review"),
    ("specific", "样表专有信息", "Template fields"),
];

fn group_id(g: FieldGroup) -> &'static str {
    match g {
        FieldGroup::Identity => "identity",
        FieldGroup::Names => "names",
        FieldGroup::Romanisation => "romanisation",
        FieldGroup::Time => "time",
        FieldGroup::Location => "location",
        FieldGroup::Narrative => "narrative",
        FieldGroup::Provenance => "provenance",
        FieldGroup::Specific => "specific",
    }
}

fn condition_text(c: &Condition) -> String {
    match c {
        Condition::Always => "always".into(),
        Condition::Eq { field, value } => format!("{field} = {value}"),
        Condition::Ne { field, value } => format!("{field} ≠ {value}"),
        Condition::Geometry { value } => format!("geometry = {}", value.as_str()),
        Condition::TemplateIn { values } => format!("template ∈ {}", values.join(", ")),
        Condition::Stage { value } => format!("stage ≥ {value:?}").to_lowercase(),
    }
}

/// The UI kind of a field: one input component per kind.
fn ui_kind(f: &FieldDef) -> &'static str {
    match f.kind {
        FieldKind::Text if f.checks.contains(&FieldCheck::Narrative) => "textarea",
        FieldKind::Text | FieldKind::Person | FieldKind::Uuid | FieldKind::Bbox => "text",
        FieldKind::Int => "int",
        FieldKind::Dec => "dec",
        FieldKind::Year => "year",
        FieldKind::Date => "date",
        FieldKind::Datetime => "datetime",
        FieldKind::Bool => "bool",
        FieldKind::Enum => "enum",
        FieldKind::Ref => "ref",
        FieldKind::Point => "point",
        FieldKind::AdminCodes => "admin_codes",
        FieldKind::File => "file",
        FieldKind::Object => "object",
        FieldKind::Geometry => "geometry",
        FieldKind::List if f.key == "media" => "media",
        FieldKind::List => "list",
        #[allow(unreachable_patterns)]
        _ => "text",
    }
}

fn field_spec(f: &FieldDef) -> FieldSpec {
    let item = f.item.as_deref();
    let mut ref_templates = f.ref_templates.clone();
    let mut values = f.values.clone();
    let mut items: Vec<FieldSpec> = Vec::new();
    if let Some(it) = item {
        items = it.fields.iter().map(field_spec).collect();
        if items.is_empty() {
            ref_templates.extend(it.ref_templates.iter().cloned());
            values.extend(it.values.iter().cloned());
        }
    }
    FieldSpec {
        key: f.key.clone(),
        label_zh: f.label_zh.clone(),
        label_en: f.label_en.clone(),
        kind: ui_kind(f).to_owned(),
        unit: f.unit.clone(),
        required: f.required,
        required_if: f.required_if.as_ref().map(condition_text),
        values,
        item: items,
        ref_templates,
        group: group_id(f.group).to_owned(),
        readonly: READONLY.contains(&f.key.as_str()),
    }
}

/// The generated form of one template: every field in form order, grouped.
pub fn form_spec(t: &Template, fields: &[FieldDef]) -> FormSpec {
    FormSpec {
        template: super::session::template_dto(t),
        groups: GROUPS
            .iter()
            .map(|(id, zh, en)| GroupDto { id: (*id).into(), name_zh: (*zh).into(), name_en: (*en).into() })
            .collect(),
        fields: fields.iter().filter(|f| f.kind != FieldKind::Geometry).map(field_spec).collect(),
    }
}

fn ring_line(v: &[[f64; 2]]) -> GeoLine<f64> {
    GeoLine(v.iter().map(|p| Coord { x: p[0], y: p[1] }).collect())
}

/// Fills what the geometry determines when the surveyor left it empty: 定位点 (point on
/// the line at half its length, or a point inside the polygon, never an outside
/// centroid), the extent of lines and polygons, and a line's start and end points.
pub fn fill_derived(r: &mut Record, kind: GeometryKind) {
    let Some(g) = r.geometry.clone() else { return };
    if r.rep_point().is_none() {
        let p = match (&g, kind) {
            (Geometry::Point(p), _) => Some(*p),
            (Geometry::LineString(l), _) if l.len() >= 2 => {
                ring_line(l).line_interpolate_point(0.5).map(|p| [p.x(), p.y()])
            }
            (Geometry::MultiLineString(ls), _) => ls
                .iter()
                .find(|l| l.len() >= 2)
                .and_then(|l| ring_line(l).line_interpolate_point(0.5))
                .map(|p| [p.x(), p.y()]),
            (Geometry::Polygon(_) | Geometry::MultiPolygon(_), _) => {
                g.to_geo().interior_point().map(|p| [p.x(), p.y()])
            }
            _ => None,
        };
        if let Some(p) = p {
            r.fields.insert("rep_point".into(), json!(p));
        }
    }
    if kind != GeometryKind::Point {
        if let Some(b) = g.bbox() {
            r.fields.insert("extent".into(), json!(b));
        }
    }
    if kind == GeometryKind::Line {
        let line: Option<&Vec<[f64; 2]>> = match &g {
            Geometry::LineString(l) => Some(l),
            Geometry::MultiLineString(ls) => ls.first(),
            _ => None,
        };
        if let Some(l) = line.filter(|l| l.len() >= 2) {
            if !r.fields.contains_key("start_point") {
                r.fields.insert("start_point".into(), json!(l[0]));
            }
            if !r.fields.contains_key("end_point") {
                r.fields.insert("end_point".into(), json!(l[l.len() - 1]));
            }
        }
    }
}

/// Townships (乡级) of the given 6-digit counties, from the built-in division table.
pub fn townships_of(counties: &HashSet<String>) -> Vec<TownshipDto> {
    let Ok(table) = toponym_reference::builtin::divisions() else { return Vec::new() };
    let mut out: Vec<TownshipDto> = table
        .iter()
        .filter(|d| d.level == toponym_reference::DivisionLevel::Township)
        .filter(|d| d.code.len() >= 9 && counties.contains(&d.code[..6]))
        .map(|d| TownshipDto { code: d.code[..9].to_owned(), name: d.full_name.clone() })
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out.dedup_by(|a, b| a.code == b.code);
    out
}

/// County outlines of 泰安 and the Yellow River, as GeoJSON for the map.
pub fn map_layers() -> Result<MapLayers, AppError> {
    let bad = |e: toponym_reference::RefError| AppError::Store(format!("reference data: {e}"));
    let b = toponym_reference::builtin::taian_boundaries().map_err(bad)?;
    let mut bbox: Option<[f64; 4]> = None;
    let boundaries: Vec<Value> = b
        .areas
        .iter()
        .map(|a| {
            let level = if a.code.ends_with("00") { "prefecture" } else { "county" };
            if level == "county" {
                if let Some(x) = a.geometry.bbox() {
                    bbox = Some(match bbox {
                        None => x,
                        Some(o) => [o[0].min(x[0]), o[1].min(x[1]), o[2].max(x[2]), o[3].max(x[3])],
                    });
                }
            }
            json!({
                "type": "Feature",
                "properties": { "code": a.code, "name": a.name, "level": level },
                "geometry": a.geometry,
            })
        })
        .collect();
    let (_, river) = toponym_reference::builtin::yellow_river().map_err(bad)?;
    let rivers = vec![json!({
        "type": "Feature",
        "properties": { "name": "黄河", "name_en": "Yellow River" },
        "geometry": river.geometry,
    })];
    Ok(MapLayers {
        boundaries: json!({ "type": "FeatureCollection", "features": boundaries }),
        rivers: json!({ "type": "FeatureCollection", "features": rivers }),
        bbox,
    })
}
