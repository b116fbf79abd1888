//! JSON Schema (draft 2020-12) for the records of each template, generated from the
//! record envelope (`toponym_core::Record`) and the template data, so that tools outside
//! Rust can check a complete record. `cargo xtask codegen` writes the files under
//! `schemas/json-schema/`; a test fails when the committed files are stale.
//!
//! The schema describes a *complete* record (all unconditional R fields required and the
//! conditional ones as if/then); the richer checks (name characters, extents, dates in
//! order) stay in `validate`, which is the authority.

use serde_json::{json, Map, Value};

use crate::catalog::Catalog;
use crate::model::{Condition, FieldDef, FieldKind, Template};
use toponym_core::GeometryKind;

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

fn describe(f: &FieldDef) -> String {
    match &f.unit {
        Some(u) => format!("{} [{u}]", f.label_en),
        None => f.label_en.clone(),
    }
}

fn scalar_schema(f: &FieldDef) -> Value {
    let mut s = match f.kind {
        FieldKind::Text => {
            let mut m = json!({"type": "string"});
            if let Some(n) = f.length {
                m["minLength"] = n.into();
                m["maxLength"] = n.into();
                if f.digits_only {
                    m["pattern"] = format!("^[0-9]{{{n}}}$").into();
                }
            }
            m
        }
        FieldKind::Int => json!({"type": "integer"}),
        FieldKind::Dec => json!({"type": "number"}),
        FieldKind::Year => json!({"type": "integer", "minimum": -3000, "maximum": 9999}),
        FieldKind::Date if f.key == "named_date" => {
            json!({"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"})
        }
        FieldKind::Date => json!({"type": "string", "format": "date"}),
        FieldKind::Datetime => json!({"type": "string", "format": "date-time"}),
        FieldKind::Bool => json!({"type": "boolean"}),
        FieldKind::Enum => json!({"enum": f.values}),
        FieldKind::Ref | FieldKind::Uuid => json!({"type": "string", "format": "uuid"}),
        FieldKind::File => json!({
            "type": "object",
            "required": ["sha256", "file_name"],
            "properties": {
                "sha256": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"},
                "file_name": {"type": "string", "minLength": 1}
            }
        }),
        FieldKind::Point => json!({"$ref": "#/$defs/lon_lat"}),
        FieldKind::Bbox => json!({
            "type": "array",
            "items": {"type": "number"},
            "minItems": 4,
            "maxItems": 4
        }),
        FieldKind::AdminCodes => json!({
            "type": "array",
            "items": {"type": "string", "pattern": "^([0-9]{6}|[0-9]{9}|[0-9]{12})$"}
        }),
        FieldKind::Person => json!({
            "oneOf": [
                {"type": "string", "minLength": 1},
                {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}}}
            ]
        }),
        FieldKind::List => {
            let items = match f.item.as_deref() {
                Some(i) if i.scalar.is_some() => {
                    i.scalar.as_deref().map(scalar_schema).unwrap_or(json!({}))
                }
                Some(i) => object_schema(&i.fields),
                None => json!({}),
            };
            json!({"type": "array", "items": items})
        }
        FieldKind::Object => f
            .item
            .as_deref()
            .map(|i| object_schema(&i.fields))
            .unwrap_or(json!({"type": "object"})),
        FieldKind::Geometry => json!({"$ref": "#/$defs/geometry"}),
    };
    if let Some(min) = f.min {
        s[if f.min_exclusive {
            "exclusiveMinimum"
        } else {
            "minimum"
        }] = json!(min);
    }
    s
}

fn field_schema(f: &FieldDef) -> Value {
    let mut s = scalar_schema(f);
    if let Value::Object(m) = &mut s {
        let mut out = Map::new();
        out.insert("title".into(), f.label_zh.clone().into());
        out.insert("description".into(), describe(f).into());
        out.extend(std::mem::take(m));
        return Value::Object(out);
    }
    s
}

fn object_schema(fields: &[FieldDef]) -> Value {
    let props: Map<String, Value> = fields
        .iter()
        .map(|f| (f.key.clone(), field_schema(f)))
        .collect();
    let req: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.key.as_str())
        .collect();
    json!({"type": "object", "required": req, "properties": props, "additionalProperties": false})
}

fn condition_schema(c: &Condition) -> Option<Value> {
    match c {
        Condition::Eq { field, value } => {
            Some(json!({"properties": {field.as_str(): {"const": value}}, "required": [field]}))
        }
        Condition::Ne { field, value } => Some(json!({
            "properties": {field.as_str(): {"type": "string", "minLength": 1, "not": {"const": value}}},
            "required": [field]
        })),
        // Template-level conditions are resolved when the form is compiled; stage-bound
        // requirements (before export) are not part of a saved record's shape.
        _ => None,
    }
}

fn geometry_defs() -> Value {
    json!({
        "lon_lat": {
            "type": "array",
            "prefixItems": [
                {"type": "number", "minimum": -180, "maximum": 180},
                {"type": "number", "minimum": -90, "maximum": 90}
            ],
            "minItems": 2,
            "maxItems": 2
        },
        "line": {"type": "array", "items": {"$ref": "#/$defs/lon_lat"}, "minItems": 2},
        "ring": {"type": "array", "items": {"$ref": "#/$defs/lon_lat"}, "minItems": 4},
        "polygon": {"type": "array", "items": {"$ref": "#/$defs/ring"}, "minItems": 1},
        "Point": {"type": "object", "required": ["type", "coordinates"], "properties": {"type": {"const": "Point"}, "coordinates": {"$ref": "#/$defs/lon_lat"}}},
        "LineString": {"type": "object", "required": ["type", "coordinates"], "properties": {"type": {"const": "LineString"}, "coordinates": {"$ref": "#/$defs/line"}}},
        "MultiLineString": {"type": "object", "required": ["type", "coordinates"], "properties": {"type": {"const": "MultiLineString"}, "coordinates": {"type": "array", "items": {"$ref": "#/$defs/line"}, "minItems": 1}}},
        "Polygon": {"type": "object", "required": ["type", "coordinates"], "properties": {"type": {"const": "Polygon"}, "coordinates": {"$ref": "#/$defs/polygon"}}},
        "MultiPolygon": {"type": "object", "required": ["type", "coordinates"], "properties": {"type": {"const": "MultiPolygon"}, "coordinates": {"type": "array", "items": {"$ref": "#/$defs/polygon"}, "minItems": 1}}}
    })
}

/// The JSON Schema of a complete record of template `t`.
pub fn record_schema(catalog: &Catalog, t: &Template) -> Value {
    let fields = catalog.form_fields(&t.id).unwrap_or(&[]);
    let mut props = Map::new();
    for f in fields {
        props.insert(f.key.clone(), field_schema(f));
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.key.as_str())
        .collect();
    let conditional: Vec<Value> = fields
        .iter()
        .filter_map(|f| {
            let cond = condition_schema(f.required_if.as_ref()?)?;
            Some(json!({"if": cond, "then": {"required": [f.key]}}))
        })
        .collect();
    let mut fields_schema = json!({
        "type": "object",
        "required": required,
        "properties": props,
        "patternProperties": {"^_": {}},
        "additionalProperties": false
    });
    if !conditional.is_empty() {
        fields_schema["allOf"] = Value::Array(conditional);
    }
    let geometry = match t.geometry {
        GeometryKind::Point => json!({"$ref": "#/$defs/Point"}),
        GeometryKind::Line => {
            json!({"oneOf": [{"$ref": "#/$defs/LineString"}, {"$ref": "#/$defs/MultiLineString"}]})
        }
        GeometryKind::Polygon => {
            json!({"oneOf": [{"$ref": "#/$defs/Polygon"}, {"$ref": "#/$defs/MultiPolygon"}]})
        }
    };
    json!({
        "$schema": DRAFT,
        "$id": format!("urn:toponym:record:{}:{}", t.id, t.version),
        "title": format!("{} — {} ({})", t.name_zh, t.name_en, t.id),
        "description": format!(
            "A complete 《地名普查登记表》 record of template {} version {} (content hash {}). Generated by `cargo xtask codegen` from schemas/templates; do not edit.",
            t.id, t.version, t.hash
        ),
        "type": "object",
        "required": ["record_id", "template", "fields", "geometry"],
        "additionalProperties": false,
        "properties": {
            "record_id": {"title": "记录标识", "description": "Record id, UUID v7 made on the device", "type": "string", "format": "uuid"},
            "template": {
                "type": "object",
                "required": ["id", "version", "hash"],
                "additionalProperties": false,
                "properties": {
                    "id": {"const": t.id},
                    "version": {"type": "string"},
                    "hash": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"}
                }
            },
            "workflow_status": {
                "title": "工作状态",
                "description": "The record's place in the 专人填写、专人审核 workflow; absent means draft",
                "enum": ["draft", "complete", "reviewed", "returned"]
            },
            "fields": fields_schema,
            "geometry": geometry
        },
        "$defs": geometry_defs()
    })
}

/// Every generated file: (path relative to `schemas/json-schema/`, pretty JSON text).
pub fn generate_all(catalog: &Catalog) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut index = Vec::new();
    for t in catalog.templates() {
        let name = format!("{}.json", t.id);
        let text =
            serde_json::to_string_pretty(&record_schema(catalog, t)).unwrap_or_default() + "\n";
        index.push(json!({"id": t.id, "version": t.version, "hash": t.hash, "file": name}));
        out.push((name, text));
    }
    let idx = json!({
        "format_version": crate::FORMAT_VERSION,
        "id": "json-schema-index",
        "version": "1.0.0",
        "description": "Record JSON Schemas (draft 2020-12), one per template. Generated by `cargo xtask codegen`; do not edit.",
        "schemas": index
    });
    out.push((
        "index.json".into(),
        serde_json::to_string_pretty(&idx).unwrap_or_default() + "\n",
    ));
    out
}
