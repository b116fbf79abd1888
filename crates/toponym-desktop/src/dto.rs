//! The typed shapes that cross the desktop app's IPC boundary.
//!
//! The Tauri shell serialises exactly these types; `ts-rs` generates their TypeScript twins
//! into `ui/src/api/bindings/` (run `cargo test -p toponym-ops export_bindings`), so the UI
//! and the Rust side cannot drift apart silently. Messages travel as a stable code plus
//! parameters (the UI translates them) with the core's Chinese and English texts as a
//! fallback for codes the UI does not know yet.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toponym_core::{Finding, Geometry, Message};
use ts_rs::TS;

/// Where the generated TypeScript files go, relative to this crate's `bindings/` default.
/// Kept in one place so every derive below points at the same folder.
macro_rules! ipc_type {
    ($item:item) => {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
        #[ts(export, export_to = "../../../ui/src/api/bindings/")]
        $item
    };
}

ipc_type! {
    /// 地名调查目录 status of one entry: the five states the survey home counts.
    #[derive(Copy, Eq, Hash)]
    #[serde(rename_all = "lowercase")]
    pub enum EntryStatus {
        /// Listed for investigation, no form saved yet (待调查).
        Todo,
        /// A form exists and is being filled (草稿).
        Draft,
        /// The surveyor marked it complete (已完成).
        Complete,
        /// A reviewer accepted it (已审核).
        Reviewed,
        /// A reviewer sent it back (退回).
        Returned,
    }
}

ipc_type! {
    /// A translatable message: stable code, parameters, and both ready-made texts.
    pub struct MessageDto {
        pub code: String,
        pub params: BTreeMap<String, String>,
        pub zh: String,
        pub en: String,
    }
}

impl From<&Message> for MessageDto {
    fn from(m: &Message) -> Self {
        Self {
            code: m.code.clone(),
            params: m.params.clone(),
            zh: m.zh.clone(),
            en: m.en.clone(),
        }
    }
}

ipc_type! {
    /// One finding, placed next to the field its `path` names.
    pub struct FindingDto {
        pub rule: Option<String>,
        /// `INFO`, `WARNING`, `ERROR` or `BLOCKER`.
        pub severity: String,
        /// `fields.<key>` (possibly with an index), `geometry`, or empty for the record.
        pub path: String,
        /// True for ERROR and BLOCKER: these refuse completion.
        pub blocking: bool,
        pub message: MessageDto,
        /// A WARNING the surveyor accepted with a reason (still shown, marked).
        pub overridden: Option<crate::quality::OverrideDto>,
    }
}

impl From<&toponym_qa::QaFinding> for FindingDto {
    fn from(f: &toponym_qa::QaFinding) -> Self {
        Self {
            rule: f.rule.clone(),
            severity: f.severity.as_str().to_owned(),
            path: f.path.clone(),
            blocking: f.severity.is_blocking(),
            message: (&f.message).into(),
            overridden: None,
        }
    }
}

impl From<&Finding> for FindingDto {
    fn from(f: &Finding) -> Self {
        Self {
            rule: f.rule.clone(),
            severity: f.severity.as_str().to_owned(),
            path: f.path.clone(),
            blocking: f.severity.is_blocking(),
            message: (&f.message).into(),
            overridden: None,
        }
    }
}

ipc_type! {
    /// A record geometry, GeoJSON-shaped, CGCS2000 lon/lat (longitude first).
    #[serde(tag = "type", content = "coordinates")]
    pub enum GeometryDto {
        Point([f64; 2]),
        LineString(Vec<[f64; 2]>),
        Polygon(Vec<Vec<[f64; 2]>>),
        MultiLineString(Vec<Vec<[f64; 2]>>),
        MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
    }
}

impl From<&Geometry> for GeometryDto {
    fn from(g: &Geometry) -> Self {
        match g {
            Geometry::Point(p) => Self::Point(*p),
            Geometry::LineString(l) => Self::LineString(l.clone()),
            Geometry::Polygon(p) => Self::Polygon(p.clone()),
            Geometry::MultiLineString(m) => Self::MultiLineString(m.clone()),
            Geometry::MultiPolygon(m) => Self::MultiPolygon(m.clone()),
        }
    }
}

impl From<GeometryDto> for Geometry {
    fn from(g: GeometryDto) -> Self {
        match g {
            GeometryDto::Point(p) => Self::Point(p),
            GeometryDto::LineString(l) => Self::LineString(l),
            GeometryDto::Polygon(p) => Self::Polygon(p),
            GeometryDto::MultiLineString(m) => Self::MultiLineString(m),
            GeometryDto::MultiPolygon(m) => Self::MultiPolygon(m),
        }
    }
}

ipc_type! {
    /// The open survey file.
    pub struct SurveyInfo {
        pub path: String,
        pub record_count: u32,
        pub entry_count: u32,
        /// Key derivation time of the unlock (deliberately slow, reported apart).
        pub kdf_ms: u32,
        /// Opening and indexing time of the unlock.
        pub open_ms: u32,
        /// The member unlocked as (`None` for a survey without members).
        pub member: Option<crate::people::MemberDto>,
    }
}

ipc_type! {
    /// How the unlock screen should start: the survey named on the command line, if any.
    pub struct StartupInfo {
        pub survey_path: Option<String>,
        pub recent: Vec<String>,
        /// The fewest characters a new survey's passphrase may have.
        pub min_passphrase_chars: u32,
    }
}

ipc_type! {
    /// Counts of entries per status.
    #[derive(Default, Eq)]
    pub struct StatusCounts {
        pub todo: u32,
        pub draft: u32,
        pub complete: u32,
        pub reviewed: u32,
        pub returned: u32,
    }
}

impl StatusCounts {
    /// Adds one entry in `status`.
    pub fn bump(&mut self, status: EntryStatus) {
        match status {
            EntryStatus::Todo => self.todo += 1,
            EntryStatus::Draft => self.draft += 1,
            EntryStatus::Complete => self.complete += 1,
            EntryStatus::Reviewed => self.reviewed += 1,
            EntryStatus::Returned => self.returned += 1,
        }
    }

    /// All entries counted.
    pub fn total(&self) -> u32 {
        self.todo + self.draft + self.complete + self.reviewed + self.returned
    }
}

ipc_type! {
    /// Progress of one template.
    pub struct TemplateProgress {
        pub template_id: String,
        pub counts: StatusCounts,
    }
}

ipc_type! {
    /// Progress of one category and its templates (only templates with entries).
    pub struct CategoryProgress {
        pub category: String,
        pub counts: StatusCounts,
        pub templates: Vec<TemplateProgress>,
    }
}

ipc_type! {
    /// The survey home: totals and per-category progress, in census category order.
    pub struct HomeSummary {
        pub survey: SurveyInfo,
        pub total: StatusCounts,
        pub categories: Vec<CategoryProgress>,
    }
}

ipc_type! {
    /// One of the 12 categories (大类).
    pub struct CategoryDto {
        pub id: String,
        pub name_zh: String,
        pub name_en: String,
    }
}

ipc_type! {
    /// One of the 75 templates (样表), without its fields.
    pub struct TemplateDto {
        pub id: String,
        pub name_zh: String,
        pub name_en: String,
        pub category: String,
        /// `point`, `line` or `polygon`.
        pub geometry: String,
    }
}

ipc_type! {
    /// A township (乡级行政区) of the survey area, for the list filter.
    pub struct TownshipDto {
        pub code: String,
        pub name: String,
    }
}

ipc_type! {
    /// What the UI needs once per session to label and filter things.
    pub struct CatalogDto {
        pub categories: Vec<CategoryDto>,
        pub templates: Vec<TemplateDto>,
        pub townships: Vec<TownshipDto>,
    }
}

ipc_type! {
    /// Filter of the investigation list; `None` means "any".
    #[derive(Default)]
    pub struct ListFilter {
        pub category: Option<String>,
        pub template_id: Option<String>,
        pub township: Option<String>,
        pub status: Option<EntryStatus>,
        /// Chinese name or pinyin (with or without tones/spaces).
        pub query: Option<String>,
    }
}

ipc_type! {
    /// One row of the investigation list.
    pub struct ListRow {
        pub id: String,
        pub name: String,
        pub roman: String,
        pub template_id: String,
        pub status: EntryStatus,
        pub township: Option<String>,
    }
}

ipc_type! {
    /// A window of the filtered list: the virtualised list asks for the rows it shows.
    pub struct ListPage {
        pub total: u32,
        pub offset: u32,
        pub rows: Vec<ListRow>,
    }
}

ipc_type! {
    /// A form group (common-field sections in census order, then the template's own).
    pub struct GroupDto {
        pub id: String,
        pub name_zh: String,
        pub name_en: String,
    }
}

ipc_type! {
    /// One field of the generated form.
    pub struct FieldSpec {
        pub key: String,
        pub label_zh: String,
        pub label_en: String,
        /// `text`, `textarea`, `int`, `dec`, `year`, `date`, `datetime`, `bool`, `enum`,
        /// `list`, `ref`, `point`, `admin_codes`, `media`, `const`.
        pub kind: String,
        pub unit: Option<String>,
        pub required: bool,
        /// A human-readable condition when the requirement is conditional.
        pub required_if: Option<String>,
        pub values: Vec<String>,
        /// Sub-fields of a list item (empty for a list of plain text).
        pub item: Vec<FieldSpec>,
        pub ref_templates: Vec<String>,
        pub group: String,
        /// Filled by the app (ids, derived codes, romanisation helpers), not typed.
        pub readonly: bool,
    }
}

ipc_type! {
    /// The whole generated form of one template.
    pub struct FormSpec {
        pub template: TemplateDto,
        pub groups: Vec<GroupDto>,
        pub fields: Vec<FieldSpec>,
    }
}

ipc_type! {
    /// A record as the form edits it.
    pub struct RecordDto {
        pub id: String,
        pub template_id: String,
        pub status: EntryStatus,
        #[ts(type = "Record<string, unknown>")]
        pub fields: serde_json::Map<String, serde_json::Value>,
        pub geometry: Option<GeometryDto>,
    }
}

ipc_type! {
    /// A record opened for editing, with its current findings.
    pub struct OpenedRecord {
        pub record: RecordDto,
        pub findings: Vec<FindingDto>,
    }
}

ipc_type! {
    /// What a save did. A refused completion still saved the draft.
    pub struct SaveOutcome {
        pub status: EntryStatus,
        pub findings: Vec<FindingDto>,
        /// True when "mark complete" was refused because of blocking findings.
        pub refused: bool,
    }
}

ipc_type! {
    /// Live romanisation of a name.
    pub struct RomanDto {
        pub roman: String,
        pub roman_generic: String,
        /// True when a character of the name has more than one reading (多音字).
        pub polyphone: bool,
        pub notes: Vec<MessageDto>,
    }
}

ipc_type! {
    /// A record found by the reference picker.
    pub struct RefHit {
        pub id: String,
        pub name: String,
        pub template_id: String,
    }
}

ipc_type! {
    /// One changed value in an audit entry.
    pub struct FieldChange {
        pub path: String,
        #[ts(type = "unknown")]
        pub before: serde_json::Value,
        #[ts(type = "unknown")]
        pub after: serde_json::Value,
    }
}

ipc_type! {
    /// One audit-log entry of a record: who changed what and when.
    pub struct HistoryEntry {
        /// RFC 3339, UTC.
        pub at: String,
        pub actor: String,
        pub action: String,
        pub changes: Vec<FieldChange>,
    }
}

ipc_type! {
    /// A photo attached to a record.
    pub struct MediaDto {
        pub id: String,
        pub file_name: String,
        /// A `data:image/jpeg;base64,…` thumbnail.
        pub thumbnail: String,
    }
}

ipc_type! {
    /// Reference layers of the survey area for the offline map (GeoJSON, CGCS2000).
    pub struct MapLayers {
        #[ts(type = "GeoJSON.FeatureCollection")]
        pub boundaries: serde_json::Value,
        #[ts(type = "GeoJSON.FeatureCollection")]
        pub rivers: serde_json::Value,
        /// [west, south, east, north] to fit on first show.
        pub bbox: Option<[f64; 4]>,
    }
}

ipc_type! {
    /// The serialised form of [`crate::AppError`] as the UI receives it.
    pub struct ErrorDto {
        pub code: String,
        pub message: String,
        pub params: BTreeMap<String, String>,
    }
}

ipc_type! {
    /// Coordinates typed by the surveyor (decimal degrees or DMS), parsed.
    pub struct CoordsDto {
        /// `[lon, lat]` when the text parsed.
        pub lon_lat: Option<[f64; 2]>,
        /// Why it did not parse, or warnings (e.g. latitude and longitude look swapped).
        pub findings: Vec<FindingDto>,
    }
}

ipc_type! {
    /// A local basemap file registered for this session.
    pub struct BasemapDto {
        /// URL the map fetches tiles from: `pmtiles://basemap://localhost/…` (a PMTiles
        /// archive) or a `basemap://localhost/…/{z}/{x}/{y}` tile template (MBTiles).
        pub url: String,
        /// `raster` or `vector`.
        pub kind: String,
        /// `pmtiles` or `mbtiles`: which of the two URL forms `url` is.
        pub format: String,
        /// The basemap's own name (MBTiles metadata) or the file name.
        pub name: String,
        pub min_zoom: u8,
        pub max_zoom: u8,
        pub bounds: Option<[f64; 4]>,
    }
}
