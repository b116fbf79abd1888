//! Pure helpers of the app use cases: the template → form conversion, the values the app
//! fills in from the geometry (定位点, 至东经/至北纬 extent, 起点/止点), the townships of the
//! survey area and the map's reference layers. No IO; all testable with plain values.

use geo::line_measures::{Haversine, InterpolatableLine};
use geo::{Coord, InteriorPoint, LineString as GeoLine};
use serde_json::json;
use toponym_core::{Geometry, GeometryKind, Record};
use toponym_forms::{Condition, FieldCheck, FieldDef, FieldGroup, FieldKind, Template};

use super::dto::*;

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
    (
        "romanisation",
        "罗马字母拼写与读音",
        "Romanisation and pronunciation",
    ),
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
        template: template_dto(t),
        groups: GROUPS
            .iter()
            .map(|(id, zh, en)| GroupDto {
                id: (*id).into(),
                name_zh: (*zh).into(),
                name_en: (*en).into(),
            })
            .collect(),
        fields: fields
            .iter()
            .filter(|f| f.kind != FieldKind::Geometry)
            .map(field_spec)
            .collect(),
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
            (Geometry::LineString(l), _) if l.len() >= 2 => ring_line(l)
                .point_at_ratio_from_start(&Haversine, 0.5)
                .map(|p| [p.x(), p.y()]),
            (Geometry::MultiLineString(ls), _) => ls
                .iter()
                .find(|l| l.len() >= 2)
                .and_then(|l| ring_line(l).point_at_ratio_from_start(&Haversine, 0.5))
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

/// A template without its fields, for the IPC.
pub fn template_dto(t: &Template) -> TemplateDto {
    TemplateDto {
        id: t.id.clone(),
        name_zh: t.name_zh.clone(),
        name_en: t.name_en.clone(),
        category: t.category.clone(),
        geometry: t.geometry.as_str().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use toponym_core::{FixedClock, IdGenerator, SeededIdGenerator};
    use toponym_forms::Catalog;

    fn clock() -> FixedClock {
        FixedClock(time::macros::datetime!(2026-11-23 08:00 UTC))
    }

    #[test]
    fn every_template_renders_through_the_one_form_model() {
        let cat = Catalog::builtin();
        assert_eq!(cat.templates().len(), 75);
        for t in cat.templates() {
            let spec = form_spec(t, cat.form_fields(&t.id).unwrap_or(&[]));
            // Common fields keep the census order of common.json.
            let common: Vec<&str> = cat.common_fields().iter().map(|f| f.key.as_str()).collect();
            let in_spec: Vec<&str> = spec
                .fields
                .iter()
                .map(|f| f.key.as_str())
                .filter(|k| common.contains(k))
                .collect();
            let expected: Vec<&str> = common
                .iter()
                .copied()
                .filter(|k| in_spec.contains(k))
                .collect();
            assert_eq!(in_spec, expected, "{}: common fields in census order", t.id);
            let keys: Vec<&str> = spec.fields.iter().map(|f| f.key.as_str()).collect();
            assert!(
                keys.contains(&"standard_name") && keys.contains(&"roman"),
                "{}",
                t.id
            );
            assert!(
                spec.fields.iter().any(|f| f.required),
                "{}: required marks",
                t.id
            );
            for f in &spec.fields {
                assert!(
                    spec.groups.iter().any(|g| g.id == f.group),
                    "{}.{}: group {}",
                    t.id,
                    f.key,
                    f.group
                );
                if f.kind == "enum" {
                    assert!(
                        !f.values.is_empty(),
                        "{}.{}: enum without values",
                        t.id,
                        f.key
                    );
                }
            }
        }
    }

    #[test]
    fn lists_carry_item_fields_and_refs_carry_targets() {
        let cat = Catalog::builtin();
        let t = cat.template("water.lake").unwrap();
        let spec = form_spec(t, cat.form_fields("water.lake").unwrap());
        let aliases = spec.fields.iter().find(|f| f.key == "aliases").unwrap();
        assert_eq!(aliases.kind, "list");
        assert_eq!(
            aliases
                .item
                .iter()
                .map(|i| i.key.as_str())
                .collect::<Vec<_>>(),
            ["name", "kind", "note"]
        );
        let area = spec.fields.iter().find(|f| f.key == "area_km2").unwrap();
        assert_eq!(
            (area.kind.as_str(), area.unit.as_deref(), area.required),
            ("dec", Some("km²"), true)
        );
        let inflows = spec.fields.iter().find(|f| f.key == "inflows").unwrap();
        assert_eq!(inflows.kind, "list");
        assert!(
            inflows
                .ref_templates
                .iter()
                .any(|r| r.starts_with("water.river")),
            "{:?}",
            inflows.ref_templates
        );
        assert!(
            spec.fields
                .iter()
                .find(|f| f.key == "class_code")
                .unwrap()
                .readonly
        );
        assert_eq!(
            spec.fields.iter().find(|f| f.key == "media").unwrap().kind,
            "media"
        );
    }

    #[test]
    fn line_geometry_fills_point_at_half_length_extent_and_ends() {
        let cat = Catalog::builtin();
        let ids = SeededIdGenerator::new(1_700_000_000_000, 7);
        let mut r = cat
            .new_record("water.river", ids.next_id(), &clock())
            .unwrap();
        r.geometry = Some(Geometry::LineString(vec![
            [117.0, 36.0],
            [117.0, 36.2],
            [117.0, 36.3],
        ]));
        fill_derived(&mut r, GeometryKind::Line);
        let p = r.rep_point().unwrap();
        assert!(
            (p[0] - 117.0).abs() < 1e-9 && (p[1] - 36.15).abs() < 1e-6,
            "{p:?}"
        );
        assert_eq!(r.fields["extent"], json!([117.0, 36.0, 117.0, 36.3]));
        assert_eq!(r.fields["start_point"], json!([117.0, 36.0]));
        assert_eq!(r.fields["end_point"], json!([117.0, 36.3]));
    }

    #[test]
    fn polygon_rep_point_is_inside_even_for_a_horseshoe() {
        let cat = Catalog::builtin();
        let ids = SeededIdGenerator::new(1_700_000_000_000, 8);
        let mut r = cat
            .new_record("water.lake", ids.next_id(), &clock())
            .unwrap();
        // A U shape whose centroid lies outside the polygon.
        let ring = vec![
            [0.0, 0.0],
            [3.0, 0.0],
            [3.0, 3.0],
            [2.0, 3.0],
            [2.0, 1.0],
            [1.0, 1.0],
            [1.0, 3.0],
            [0.0, 3.0],
            [0.0, 0.0],
        ];
        r.geometry = Some(Geometry::Polygon(vec![ring]));
        fill_derived(&mut r, GeometryKind::Polygon);
        let p = r.rep_point().unwrap();
        use geo::Contains;
        assert!(
            r.geometry
                .as_ref()
                .unwrap()
                .to_geo()
                .contains(&geo::Point::new(p[0], p[1])),
            "{p:?}"
        );
        // A surveyor's own point is never overwritten.
        r.fields.insert("rep_point".into(), json!([0.5, 0.5]));
        fill_derived(&mut r, GeometryKind::Polygon);
        assert_eq!(r.rep_point(), Some([0.5, 0.5]));
    }
}
