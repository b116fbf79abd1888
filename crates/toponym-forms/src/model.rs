//! The form model: what a template file says, as Rust types.
//!
//! One model serves all 75 templates: a template is a list of `FieldDef`s on top of the
//! common fields, so the app renders every form from the same data and validation walks
//! the same structure. Every type here is `Serialize` for the app and `Deserialize` with
//! `deny_unknown_fields`, so a typo in a template file is an error, not a silent default.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toponym_core::GeometryKind;

/// The value type of a field (`categories-and-templates.md` §1.5 plus the envelope kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// A string.
    Text,
    /// An integer.
    Int,
    /// A decimal number.
    Dec,
    /// A year as an integer.
    Year,
    /// `YYYY-MM-DD` (partial `YYYY` / `YYYY-MM` for `named_date`).
    Date,
    /// RFC 3339 timestamp.
    Datetime,
    /// true / false.
    Bool,
    /// One of `values`.
    Enum,
    /// An array of items described by `item`.
    List,
    /// The record id of another record.
    Ref,
    /// A file: `{sha256, file_name}`.
    File,
    /// `[lon, lat]` in CGCS2000 degrees.
    Point,
    /// `[west, south, east, north]`.
    Bbox,
    /// Array of 6/9/12-digit administrative code strings.
    AdminCodes,
    /// A UUID string.
    Uuid,
    /// A person: a name string or `{name, …}`.
    Person,
    /// A fixed set of named sub-fields (e.g. 四至), described by `item.fields`.
    Object,
    /// The record geometry (envelope only).
    Geometry,
}

impl FieldKind {
    /// The snake_case name used in data files.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Int => "int",
            FieldKind::Dec => "dec",
            FieldKind::Year => "year",
            FieldKind::Date => "date",
            FieldKind::Datetime => "datetime",
            FieldKind::Bool => "bool",
            FieldKind::Enum => "enum",
            FieldKind::List => "list",
            FieldKind::Ref => "ref",
            FieldKind::File => "file",
            FieldKind::Point => "point",
            FieldKind::Bbox => "bbox",
            FieldKind::AdminCodes => "admin_codes",
            FieldKind::Uuid => "uuid",
            FieldKind::Person => "person",
            FieldKind::Object => "object",
            FieldKind::Geometry => "geometry",
        }
    }
}

/// Where a field sits on the form (the sections of the 登记表).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldGroup {
    /// Identity and classification.
    Identity,
    /// Names.
    Names,
    /// Romanisation and pronunciation.
    Romanisation,
    /// Time and status.
    Time,
    /// Location and geometry.
    Location,
    /// The census "相关信息".
    Narrative,
    /// Provenance, review and confidentiality.
    Provenance,
    /// The template's own fields.
    Specific,
}

/// Extra value checks a field opts into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldCheck {
    /// A place name: rules N-1, N-2, N-3, N-12.
    Name,
    /// A narrative text: rule C-2.
    Narrative,
}

/// The workflow stage at which a requirement applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// On save (the default for validation).
    #[default]
    Record,
    /// Before signing or export.
    Export,
}

/// A structured condition ("R if usage = 历史地名", "R for line templates", "photo R").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// Always true.
    Always,
    /// The field holds exactly this text.
    Eq {
        /// Field key.
        field: String,
        /// Expected value.
        value: String,
    },
    /// The field is filled and holds something other than this text.
    Ne {
        /// Field key.
        field: String,
        /// Excluded value.
        value: String,
    },
    /// The template's primary geometry is this kind.
    Geometry {
        /// Geometry kind.
        value: GeometryKind,
    },
    /// The template is one of these ids.
    TemplateIn {
        /// Template ids.
        values: Vec<String>,
    },
    /// Validation runs at (or after) this stage.
    Stage {
        /// Stage.
        value: Stage,
    },
}

/// The shape of list items or of an object's sub-fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ItemDef {
    /// Kind of each list item when items are scalars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<FieldKind>,
    /// Allowed values for enum items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Templates a ref item may point to (`water.*` allowed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ref_templates: Vec<String>,
    /// Sub-fields when items are objects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldDef>,
    /// A field definition synthesised from `kind`/`values` for scalar items (not in files).
    #[serde(skip)]
    pub(crate) scalar: Option<Box<FieldDef>>,
}

impl ItemDef {
    /// The synthesised definition of scalar items (`None` when items are objects).
    pub fn scalar(&self) -> Option<&FieldDef> {
        self.scalar.as_deref()
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Stable key (`length_km`).
    pub key: String,
    /// Chinese label.
    pub label_zh: String,
    /// English label.
    pub label_en: String,
    /// Value type.
    pub kind: FieldKind,
    /// Unit as printed on the form (km, km², 万m³ …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Required on every record.
    #[serde(default)]
    pub required: bool,
    /// Required only when this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_if: Option<Condition>,
    /// Allowed values (enum).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Item shape for lists, sub-fields for objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<Box<ItemDef>>,
    /// Templates a ref may point to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ref_templates: Vec<String>,
    /// Exact length in characters (codes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
    /// Most characters of a text value; when absent, the limit of the field's check class
    /// in `schemas/limits.json` applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chars: Option<u32>,
    /// Only ASCII digits allowed (codes).
    #[serde(default, skip_serializing_if = "is_false")]
    pub digits_only: bool,
    /// Lowest allowed number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// `min` itself is not allowed (lengths and areas must be > 0).
    #[serde(default, skip_serializing_if = "is_false")]
    pub min_exclusive: bool,
    /// Form section.
    pub group: FieldGroup,
    /// Quality rule raised when the field is missing (default C-4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Extra checks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<FieldCheck>,
    /// Help text, Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_zh: Option<String>,
    /// Help text, English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_en: Option<String>,
}

/// How a template's 5-digit class code is chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassCodeSpec {
    /// Class-code table key used when no sub-type selects another.
    pub default: String,
    /// Enum field whose value selects the code (国道/省道 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_field: Option<String>,
    /// Enum value → class-code table key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, String>,
}

/// One template (样表).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Data format version of the file.
    pub format_version: u32,
    /// Stable id, `category.template`.
    pub id: String,
    /// Template version (semver).
    pub version: String,
    /// Position in census order (1–75).
    pub seq: u32,
    /// Category id.
    pub category: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// What the template covers, in Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_zh: Option<String>,
    /// Primary geometry type.
    pub geometry: GeometryKind,
    /// Class code selection.
    pub class_code: ClassCodeSpec,
    /// Default 密级.
    pub secrecy: String,
    /// "photo R": when at least one photo is expected (rule C-7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_required: Option<Condition>,
    /// The template's own fields (a key shared with a common field overrides it).
    pub fields: Vec<FieldDef>,
    /// `sha256:` + hex of the canonical content (common fields + this template).
    #[serde(default, skip_deserializing)]
    pub hash: String,
}

/// One of the 12 categories (大类).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stable id (`water`).
    pub id: String,
    /// Census order, 1–12.
    pub seq: u32,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// GB/T 18521 code prefix.
    pub gb_prefix: String,
}

/// How well a class code is attested (`census-standards.md` §0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Evidence {
    /// Seen in census records or live national-database responses.
    N,
    /// Seen in GB/T 18521.
    G,
    /// Used by third-party software.
    T,
    /// Inferred from siblings.
    I,
    /// Placeholder; `x` digits must be filled before export.
    P,
}

/// One row of the class-code table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassCode {
    /// Lookup key: a template id, or `template#sub-type`.
    pub key: String,
    /// 5-digit code; `x` marks an unknown digit.
    pub code: String,
    /// Evidence mark.
    pub evidence: Evidence,
    /// Chinese class name.
    pub name_zh: String,
    /// English class name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `schemas/class-codes.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassCodeTable {
    /// Data format version.
    pub format_version: u32,
    /// Always `class-codes`.
    pub id: String,
    /// Table version; bundles record it.
    pub version: String,
    /// What the table is.
    #[serde(default)]
    pub description: String,
    /// Rows.
    pub codes: Vec<ClassCode>,
}

/// An envelope entry of `common.json` (documented, validated by the envelope checks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeDef {
    /// Top-level key.
    pub key: String,
    /// Chinese label.
    pub label_zh: String,
    /// English label.
    pub label_en: String,
    /// Kind.
    pub kind: FieldKind,
}

/// `schemas/templates/common.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonFile {
    /// Data format version.
    pub format_version: u32,
    /// Always `common`.
    pub id: String,
    /// Version.
    pub version: String,
    /// What the file is.
    #[serde(default)]
    pub description: String,
    /// Top-level record keys.
    pub envelope: Vec<EnvelopeDef>,
    /// The common fields of every form.
    pub fields: Vec<FieldDef>,
}

/// `schemas/templates/categories.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoriesFile {
    /// Data format version.
    pub format_version: u32,
    /// Always `categories`.
    pub id: String,
    /// Version.
    pub version: String,
    /// What the file is.
    #[serde(default)]
    pub description: String,
    /// The categories in census order.
    pub categories: Vec<Category>,
}
