//! What a rule may see, one context per stage: one field while typing ([`EntryCtx`]), one
//! record with its template and the reference tables ([`RecordCtx`]), a whole survey
//! ([`SurveyCtx`]); the merge and province stages will see the gazetteer through
//! [`GazetteerView`]. Contexts are plain data: the caller (a store, a bundle reader, a
//! test) fills them, so the engine never does I/O.

use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value;
use time::OffsetDateTime;
use toponym_core::{Record, RecordId};
use toponym_forms::{Catalog, FieldDef, Template, ValidateOptions};
use toponym_reference::Boundaries;

/// Reference data the caller has (each part optional: a rule that needs a missing part
/// says "not checked, because …").
#[derive(Debug, Default)]
pub struct Refs {
    /// Administrative outlines (county level today), for S-3 and S-4.
    pub boundaries: Vec<Boundaries>,
    /// Names of administrative units by code (any level), for reports.
    pub unit_names: FxHashMap<String, String>,
    /// Codes of the units valid on the reference date (K-4); `None` if no table is loaded.
    pub current_units: Option<FxHashSet<String>>,
    /// The reference date of `current_units` (for messages).
    pub reference_date: Option<String>,
    /// Base points in CGCS2000 by 12-digit statistical code (e.g. committee seats of a
    /// statistical edition), for the GCJ-02 offset test of S-8.
    pub base_points: FxHashMap<String, [f64; 2]>,
    /// Raster indexes of the outlines, built at first use (leave it at its default).
    pub index: OutlineIndex,
    /// A digital elevation model, for S-10; `None` when none is loaded.
    pub dem: Option<Box<dyn Elevation>>,
}

/// Prepared outlines of `Refs::boundaries` (raster indexes and edge trees), built at the
/// first spatial test.
#[derive(Default)]
pub struct OutlineIndex(std::sync::OnceLock<crate::outline::Outlines>);

impl std::fmt::Debug for OutlineIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutlineIndex")
    }
}

impl Refs {
    /// The outline of a unit (6-digit county code), if any table has it.
    pub fn outline(&self, code: &str) -> Option<&toponym_reference::AdminArea> {
        self.boundaries.iter().find_map(|b| b.area(code))
    }

    /// The prepared outlines (built at the first call).
    pub(crate) fn outlines(&self) -> &crate::outline::Outlines {
        self.index
            .0
            .get_or_init(|| crate::outline::Outlines::new(&self.boundaries))
    }

    /// Whether the point is within `buffer_m` of the unit; `None` if no outline is loaded.
    /// The same answer as `Boundaries::within` of the first table with the unit: a point
    /// well inside is answered from the raster index, and the distance is measured only
    /// to the outline's edges near the point.
    pub fn within(&self, code: &str, p: [f64; 2], buffer_m: f64) -> Option<bool> {
        Some(self.outlines().get(code)?.within(p, buffer_m))
    }

    /// A unit's name, or its code.
    pub fn unit_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.unit_names
            .get(code)
            .map(String::as_str)
            .unwrap_or(code)
    }
}

/// Settings the caller decides (the clock, the project's window and extent).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Form validation options (clock, project window, province box, stage).
    pub validate: ValidateOptions,
}

impl Options {
    /// "Today", if the caller gave a clock.
    pub fn now(&self) -> Option<OffsetDateTime> {
        self.validate.now
    }
}

/// One text field while it is typed.
pub struct EntryCtx<'a> {
    /// The record's template.
    pub template: &'a Template,
    /// The field's definition (its label and checks).
    pub field: &'a FieldDef,
    /// Its path in the record (`fields.standard_name`, `fields.aliases[0].name`).
    pub path: &'a str,
    /// The text.
    pub value: &'a str,
}

impl EntryCtx<'_> {
    /// Whether the field holds a place name (`checks: [name]`).
    pub fn is_name(&self) -> bool {
        self.field
            .checks
            .iter()
            .any(|c| matches!(c, toponym_forms::FieldCheck::Name))
    }
}

/// One record on save.
pub struct RecordCtx<'a> {
    /// The record.
    pub record: &'a Record,
    /// Its template.
    pub template: &'a Template,
    /// All templates (for class codes and field definitions).
    pub catalog: &'a Catalog,
    /// Reference data.
    pub refs: &'a Refs,
    /// Caller settings.
    pub options: &'a Options,
}

impl<'a> RecordCtx<'a> {
    /// A field's non-blank text.
    pub fn text(&self, key: &str) -> Option<&'a str> {
        view::text(self.record, key)
    }
    /// A field's number (integer or decimal, or a numeric string).
    pub fn num(&self, key: &str) -> Option<f64> {
        view::num(self.record, key)
    }
    /// A field's raw value, if present and not null.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.record.fields.get(key).filter(|v| !v.is_null())
    }
}

/// An entry of the investigation list (地名调查目录) as the bundle stage sees it.
#[derive(Debug, Clone)]
pub struct ListEntry {
    /// The entry's key in the list (statistical code or list number).
    pub code: String,
    /// Template expected.
    pub template_id: String,
    /// Name in the list.
    pub standard_name: String,
    /// How it was closed, if it was.
    pub closure: Option<ListClosure>,
}

/// How an investigation-list entry was closed.
#[derive(Debug, Clone)]
pub enum ListClosure {
    /// By a form (the record's id).
    Form(String),
    /// 注销 or 查无此地, with the reason given.
    Without {
        /// `注销` or `查无此地`.
        kind: String,
        /// The reason (may be blank: C-8 then says so).
        reason: String,
    },
}

/// A stored media file as the bundle stage sees it.
#[derive(Debug, Clone)]
pub struct MediaItem {
    /// Its SHA-256 as recorded (hex).
    pub sha256: String,
    /// Name it was added under.
    pub file_name: String,
    /// Whether its bytes still hash to `sha256`.
    pub intact: bool,
    /// The camera's position (lon, lat), if recorded.
    pub exif_point: Option<[f64; 2]>,
    /// The camera's time (`YYYY-MM-DDTHH:MM:SS[+HH:MM]`), if recorded.
    pub exif_time: Option<String>,
}

/// One entry of the audit log as the bundle stage sees it: which record, when, by whom,
/// and what (`*` for its creation, else `template`, `geometry` or `fields.<key>`).
#[derive(Debug, Clone)]
pub struct Change {
    /// The record.
    pub record_id: String,
    /// When (the store's clock).
    pub at: OffsetDateTime,
    /// The actor the store recorded.
    pub actor: String,
    /// What changed: `*` (created), `template`, `geometry` or `fields.<key>`.
    pub field: String,
}

impl Change {
    /// Whether this entry is the record's creation.
    pub fn is_creation(&self) -> bool {
        self.field == "*"
    }
}

/// A whole survey, for the bundle stage.
pub struct SurveyCtx<'a> {
    /// Every record.
    pub records: &'a [Record],
    /// Each record's template (`None` for an unknown template), by position.
    pub templates: &'a [Option<&'a Template>],
    /// The investigation list.
    pub list: &'a [ListEntry],
    /// The media store.
    pub media: &'a [MediaItem],
    /// The audit log, oldest first (empty if the caller has no log).
    pub changes: &'a [Change],
    /// Whether the caller supplied a media store and an audit log at all (a set of record
    /// files has neither; rules that need them then say "not checked").
    pub has_store: bool,
    /// All templates.
    pub catalog: &'a Catalog,
    /// Reference data.
    pub refs: &'a Refs,
    /// Caller settings.
    pub options: &'a Options,
}

/// The gazetteer as the merge and province stages will see it (read only). The county
/// gazetteer store implements it; no rule of this crate needs it yet.
pub trait GazetteerView {
    /// Entities whose standard name is exactly `name`, as (entity id, template, admin
    /// codes) triples.
    fn entities_named(&self, name: &str) -> Vec<(String, String, Vec<String>)>;
    /// Whether a 20-digit place-name code is already issued.
    fn code_issued(&self, code: &str) -> bool;
}

/// Readers of record fields shared by the rules.
pub mod view {
    use super::*;

    /// A field's non-blank text.
    pub fn text<'a>(r: &'a Record, key: &str) -> Option<&'a str> {
        r.fields
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// A field's number (integer, decimal or numeric string).
    pub fn num(r: &Record, key: &str) -> Option<f64> {
        match r.fields.get(key)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A person field's name (a string, or an object with `name`).
    pub fn person<'a>(r: &'a Record, key: &str) -> Option<&'a str> {
        match r.fields.get(key)? {
            Value::String(s) => Some(s.trim()).filter(|s| !s.is_empty()),
            Value::Object(o) => o
                .get("name")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty()),
            _ => None,
        }
    }

    /// The codes listed in 所在(跨)行政区.
    pub fn admin_areas(r: &Record) -> Vec<&str> {
        r.fields
            .get("admin_areas")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| match v {
                        Value::String(s) => Some(s.trim()),
                        Value::Object(o) => o.get("code").and_then(Value::as_str).map(str::trim),
                        _ => None,
                    })
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The record's township (9-digit code): the first 9-or-longer admin code, else the
    /// statistical code's first 9 digits.
    pub fn township(r: &Record) -> Option<String> {
        admin_areas(r)
            .into_iter()
            .find(|c| c.len() >= 9 && c.bytes().all(|b| b.is_ascii_digit()))
            .map(|c| c[..9].to_owned())
            .or_else(|| {
                text(r, "stats_code")
                    .filter(|c| c.len() >= 9 && c.bytes().all(|b| b.is_ascii_digit()))
                    .map(|c| c[..9].to_owned())
            })
    }

    /// The record's county (6-digit code).
    pub fn county(r: &Record) -> Option<String> {
        admin_areas(r)
            .into_iter()
            .chain(text(r, "stats_code"))
            .find(|c| c.len() >= 6 && c.bytes().all(|b| b.is_ascii_digit()))
            .map(|c| c[..6].to_owned())
    }

    /// The representative point (定位点), or the geometry's point.
    pub fn point(r: &Record) -> Option<[f64; 2]> {
        let geometry_point = match &r.geometry {
            Some(toponym_core::Geometry::Point(p)) => Some(*p),
            _ => None,
        };
        r.rep_point()
            .or(geometry_point)
            .filter(|p| toponym_core::limits::is_degree_pair(*p))
    }

    /// Whether a point lies in China's extent (lon 73.4–135.1 E, lat 3.8–53.6 N, rule
    /// S-1): rules that measure from a point skip one that S-1 already reports (swapped
    /// or out of range), instead of reporting the same slip again in kilometres.
    pub fn in_china(p: [f64; 2]) -> bool {
        (73.4..=135.1).contains(&p[0]) && (3.8..=53.6).contains(&p[1])
    }

    /// The record id as text.
    pub fn id(r: &Record) -> RecordId {
        r.record_id
    }
}

/// An elevation source (a DEM), for the elevation check of S-10.
pub trait Elevation: Send + Sync {
    /// The ground elevation in metres (1985 national height datum) at a CGCS2000 point,
    /// or `None` outside the model or on a void.
    fn elevation_m(&self, lon: f64, lat: f64) -> Option<f64>;

    /// What the model is (name, resolution, datum), for messages.
    fn describe(&self) -> &str {
        "DEM"
    }
}

impl std::fmt::Debug for dyn Elevation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Elevation({})", self.describe())
    }
}
