//! Record validation: one pass over the record's fields against the compiled form, then
//! the presence pass and the record-level rules. Never panics and never returns an error:
//! every problem, including a structurally broken record, becomes a `Finding`.
//!
//! Speed matters (a county imports 100 000 records at once), so the hot path allocates
//! nothing unless a finding is raised: paths are lazy (`P`), presence is a bitset.

use std::fmt;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use toponym_core::{Finding, Geometry, Message, Record, RecordId, Severity};

use crate::catalog::{Catalog, Form, MAX_FIELDS};
use crate::model::{Condition, FieldCheck, FieldDef, FieldKind, Stage, Template};
use crate::rules;

/// Settings that the caller, not the record, decides.
#[derive(Debug, Clone, Default)]
pub struct ValidateOptions {
    /// "Today", from the caller's `Clock`; future-date checks are skipped when `None`.
    pub now: Option<OffsetDateTime>,
    /// The project's survey window for 登记时间 (W-3), if configured.
    pub project_window: Option<(OffsetDateTime, OffsetDateTime)>,
    /// The project province's bounding box (west, south, east, north) for S-1.
    pub province_bbox: Option<[f64; 4]>,
    /// Workflow stage; `Export` also requires the review fields.
    pub stage: Stage,
}

/// A lazily formatted field path such as `fields.aliases[2].name`.
#[derive(Clone, Copy)]
pub(crate) enum P<'a> {
    /// A top-level envelope key (`geometry`, `record_id`).
    Top(&'a str),
    /// `fields.<key>`.
    Field(&'a str),
    /// `<parent>[i]`.
    Index(&'a P<'a>, usize),
    /// `<parent>.<key>`.
    Key(&'a P<'a>, &'a str),
}

impl fmt::Display for P<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            P::Top(s) => f.write_str(s),
            P::Field(k) => write!(f, "fields.{k}"),
            P::Index(p, i) => write!(f, "{p}[{i}]"),
            P::Key(p, k) => write!(f, "{p}.{k}"),
        }
    }
}

/// Everything a rule needs to look at one record.
pub(crate) struct Ctx<'a> {
    pub catalog: &'a Catalog,
    pub template: &'a Template,
    pub form: &'a Form,
    pub fields: &'a Map<String, Value>,
    pub geometry: Option<&'a Geometry>,
    pub opts: &'a ValidateOptions,
    pub out: Vec<Finding>,
    /// Findings not kept because the record already had the most a report holds.
    pub suppressed: usize,
    /// Filled values by form-field position: the per-record lookup table every rule uses.
    pub vals: [Option<&'a Value>; MAX_FIELDS],
}

/// Builds a message.
pub(crate) fn msg(code: &str, zh: impl Into<String>, en: impl Into<String>) -> Message {
    Message::new(code, zh, en)
}

impl<'a> Ctx<'a> {
    /// Raises a finding for a catalogued rule at that rule's severity.
    pub fn emit(&mut self, rule: &'static str, path: &dyn fmt::Display, message: Message) {
        if self.full() {
            return;
        }
        let sev = rules::info(rule)
            .map(|r| r.severity)
            .unwrap_or(Severity::Error);
        self.out
            .push(Finding::new(Some(rule), sev, path.to_string(), message));
    }

    /// Raises a finding that no catalogued rule covers.
    pub fn emit_plain(&mut self, sev: Severity, path: &dyn fmt::Display, message: Message) {
        if self.full() {
            return;
        }
        self.out
            .push(Finding::new(None, sev, path.to_string(), message));
    }

    /// Whether the report already holds the most findings one record may have; then the
    /// finding is only counted, so a record of a million bad values costs no more memory
    /// than one of a few hundred.
    pub(crate) fn full(&mut self) -> bool {
        if self.out.len() >= crate::limits::builtin().findings_per_record_max {
            self.suppressed += 1;
            return true;
        }
        false
    }

    /// A form field's value, if filled (looked up in the per-record table, not the map).
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.form
            .index
            .get(key)
            .and_then(|&i| self.vals.get(i).copied().flatten())
    }

    /// A field's non-blank text.
    pub fn text(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(Value::as_str)
    }

    /// A field's integer.
    pub fn int(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(Value::as_i64)
    }

    /// Whether a field is filled (not null, not blank, not an empty list or object).
    pub fn filled(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn holds(&self, c: &Condition) -> bool {
        match c {
            Condition::Always => true,
            Condition::Eq { field, value } => self.text(field) == Some(value.as_str()),
            Condition::Ne { field, value } => self.text(field).is_some_and(|v| v.trim() != value),
            Condition::Geometry { value } => self.template.geometry == *value,
            Condition::TemplateIn { values } => values.iter().any(|v| v == &self.template.id),
            Condition::Stage { value } => self.opts.stage >= *value,
        }
    }

    /// Whether a condition holds for this record.
    pub fn condition(&self, c: &Condition) -> bool {
        self.holds(c)
    }
}

impl PartialOrd for Stage {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.rank().cmp(&other.rank()))
    }
}

impl Stage {
    fn rank(self) -> u8 {
        match self {
            Stage::Record => 0,
            Stage::Export => 1,
        }
    }
}

/// Whether a value counts as filled in.
pub(crate) fn is_filled(v: &Value) -> bool {
    match v {
        Value::Null => false,
        // Fast path: a string that starts with a visible ASCII byte is filled.
        Value::String(s) => match s.as_bytes().first() {
            Some(b) if *b > b' ' && *b < 0x80 => true,
            _ => !s.trim().is_empty(),
        },
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

/// Validates a record against its template with default options (no clock: future-date
/// checks are skipped).
pub fn validate(catalog: &Catalog, record: &Record) -> Vec<Finding> {
    validate_with(catalog, record, &ValidateOptions::default())
}

/// Validates a record against its template.
pub fn validate_with(catalog: &Catalog, record: &Record, opts: &ValidateOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    if record.record_id.0.is_nil() {
        out.push(Finding::new(
            None,
            Severity::Blocker,
            "record_id",
            msg(
                "record.id_nil",
                "记录标识不能为全零UUID",
                "record_id must not be the nil UUID",
            ),
        ));
    } else if record.record_id.0.get_version_num() != 7 {
        out.push(Finding::new(
            None,
            Severity::Warning,
            "record_id",
            msg(
                "record.id_not_v7",
                "记录标识应为设备生成的UUID v7",
                "record_id should be a device-generated UUID version 7",
            )
            .with("version", record.record_id.0.get_version_num().to_string()),
        ));
    }
    let (tid, tver, thash) = (
        record.template.id.as_str(),
        record.template.version.as_str(),
        record.template.hash.as_str(),
    );
    validate_parts(
        catalog,
        tid,
        Some((tver, thash)),
        &record.fields,
        record.geometry.as_ref(),
        opts,
        &mut out,
    );
    out
}

/// Validates a record given as JSON, reporting structural problems (missing record_id,
/// unknown template, malformed geometry …) as findings too.
pub fn validate_json(catalog: &Catalog, value: &Value) -> Vec<Finding> {
    validate_json_with(catalog, value, &ValidateOptions::default())
}

/// `validate_json` with options.
pub fn validate_json_with(
    catalog: &Catalog,
    value: &Value,
    opts: &ValidateOptions,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let blocker = |out: &mut Vec<Finding>, path: &str, code: &str, zh: &str, en: &str| {
        out.push(Finding::new(
            None,
            Severity::Blocker,
            path,
            msg(code, zh, en),
        ));
    };
    let Some(obj) = value.as_object() else {
        blocker(
            &mut out,
            "",
            "record.not_object",
            "记录必须是JSON对象",
            "a record must be a JSON object",
        );
        return out;
    };
    match obj.get("record_id") {
        None | Some(Value::Null) => blocker(
            &mut out,
            "record_id",
            "record.id_missing",
            "缺少记录标识 record_id",
            "record_id is missing",
        ),
        Some(Value::String(s)) => match s.parse::<RecordId>() {
            Ok(id) if id.0.is_nil() => blocker(
                &mut out,
                "record_id",
                "record.id_nil",
                "记录标识不能为全零UUID",
                "record_id must not be the nil UUID",
            ),
            Ok(id) if id.0.get_version_num() != 7 => out.push(Finding::new(
                None,
                Severity::Warning,
                "record_id",
                msg(
                    "record.id_not_v7",
                    "记录标识应为设备生成的UUID v7",
                    "record_id should be a device-generated UUID version 7",
                )
                .with("version", id.0.get_version_num().to_string()),
            )),
            Ok(_) => {}
            Err(_) => out.push(Finding::new(
                None,
                Severity::Blocker,
                "record_id",
                msg(
                    "record.id_invalid",
                    "记录标识不是UUID",
                    "record_id is not a UUID",
                )
                .with("value", s.clone()),
            )),
        },
        Some(_) => blocker(
            &mut out,
            "record_id",
            "record.id_invalid",
            "记录标识不是UUID",
            "record_id is not a UUID",
        ),
    }
    for k in obj.keys() {
        // `_`-prefixed keys are annotations of tools and test data (e.g. `_expect`).
        if !matches!(k.as_str(), "record_id" | "template" | "fields" | "geometry")
            && !k.starts_with('_')
        {
            out.push(Finding::new(
                None,
                Severity::Warning,
                k.as_str(),
                msg(
                    "record.unknown_key",
                    "记录含未知的顶层键",
                    "the record has an unknown top-level key",
                )
                .with("key", k.clone()),
            ));
        }
    }
    let template = obj.get("template").and_then(Value::as_object);
    let tid = template.and_then(|t| t.get("id")).and_then(Value::as_str);
    let Some(tid) = tid else {
        blocker(
            &mut out,
            "template.id",
            "record.template_missing",
            "缺少样表标识 template.id",
            "template.id is missing",
        );
        return out;
    };
    let tver = template
        .and_then(|t| t.get("version"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let thash = template
        .and_then(|t| t.get("hash"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let empty = Map::new();
    let fields = match obj.get("fields") {
        Some(Value::Object(m)) => m,
        None | Some(Value::Null) => &empty,
        Some(_) => {
            blocker(
                &mut out,
                "fields",
                "record.fields_not_object",
                "fields 必须是对象",
                "fields must be an object",
            );
            &empty
        }
    };
    let mut geometry_bad = false;
    let geometry = match obj.get("geometry") {
        None | Some(Value::Null) => None,
        Some(g) => match <Geometry as serde::Deserialize>::deserialize(g) {
            Ok(g) => Some(g),
            Err(e) => {
                geometry_bad = true;
                out.push(Finding::new(
                    Some("S-5"),
                    Severity::Error,
                    "geometry",
                    msg(
                        "geometry.malformed",
                        "空间位置不是有效的GeoJSON几何",
                        "geometry is not a valid GeoJSON geometry",
                    )
                    .with("detail", e.to_string()),
                ));
                None
            }
        },
    };
    validate_parts(
        catalog,
        tid,
        Some((tver, thash)),
        fields,
        geometry.as_ref(),
        opts,
        &mut out,
    );
    if geometry_bad {
        // The S-5 finding already says what is wrong; do not also call it missing.
        out.retain(|f| !(f.path == "geometry" && f.message.code == "field.required"));
    }
    out
}

fn validate_parts(
    catalog: &Catalog,
    tid: &str,
    tref: Option<(&str, &str)>,
    fields: &Map<String, Value>,
    geometry: Option<&Geometry>,
    opts: &ValidateOptions,
    out: &mut Vec<Finding>,
) {
    let Some((template, form)) = catalog.form(tid) else {
        let close = catalog.closest_ids(tid);
        out.push(Finding::new(
            None,
            Severity::Blocker,
            "template.id",
            msg(
                "template.unknown",
                format!("未知样表“{tid}”；相近的有：{}", close.join("、")),
                format!(
                    "unknown template `{tid}`; closest known ids: {}",
                    close.join(", ")
                ),
            )
            .with("id", tid)
            .with("closest", close.join(",")),
        ));
        return;
    };
    if let Some((ver, hash)) = tref {
        if ver != template.version {
            out.push(Finding::new(
                None,
                Severity::Warning,
                "template.version",
                msg(
                    "template.version_mismatch",
                    format!("记录使用样表版本 {ver}，当前为 {}", template.version),
                    format!(
                        "record was made with template version {ver}; current is {}",
                        template.version
                    ),
                )
                .with("record", ver)
                .with("current", template.version.clone()),
            ));
        } else if hash != template.hash {
            out.push(Finding::new(
                None,
                Severity::Warning,
                "template.hash",
                msg(
                    "template.hash_mismatch",
                    "记录的样表哈希与当前样表内容不一致",
                    "the record's template hash differs from the current template content",
                )
                .with("record", hash)
                .with("current", template.hash.clone()),
            ));
        }
    }
    let mut cx = Ctx {
        catalog,
        template,
        form,
        fields,
        geometry,
        opts,
        out: std::mem::take(out),
        suppressed: 0,
        vals: [None; MAX_FIELDS],
    };
    run(&mut cx);
    if cx.suppressed > 0 {
        let n = cx.suppressed;
        cx.out.push(Finding::new(
            None,
            Severity::Error,
            "fields",
            msg(
                "record.too_many_findings",
                format!(
                    "另有 {n} 个问题未列出（每条记录最多列出 {} 个）",
                    cx.out.len()
                ),
                format!(
                    "{n} more finding(s) not listed (at most {} per record)",
                    cx.out.len()
                ),
            )
            .with("more", n.to_string()),
        ));
    }
    *out = cx.out;
}

fn run(cx: &mut Ctx<'_>) {
    let fields = cx.fields;
    // Pass 1: map every filled value to its form position (so that rules can look at any
    // field whatever the key order in the file), reporting keys the form does not have.
    for (key, v) in fields {
        let Some(&i) = cx.form.index.get(key.as_str()) else {
            if key.starts_with('_') {
                continue; // private annotations of tools (e.g. `_note`) are not form data
            }
            if cx.full() {
                continue; // counted; the closest-key search below is not worth its cost
            }
            let near = cx
                .form
                .fields
                .iter()
                .map(|f| (strsim::jaro_winkler(key, &f.key), &f.key))
                .fold(
                    (0.0, None),
                    |acc, (s, k)| if s > acc.0 { (s, Some(k)) } else { acc },
                );
            let hint = match near {
                (s, Some(k)) if s >= 0.8 => k.clone(),
                _ => String::new(),
            };
            cx.emit_plain(
                Severity::Warning,
                &P::Field(key),
                msg(
                    "field.unknown",
                    format!(
                        "样表“{}”没有字段 {key}{}",
                        cx.template.name_zh,
                        if hint.is_empty() {
                            String::new()
                        } else {
                            format!("（是否为 {hint}？）")
                        }
                    ),
                    format!(
                        "template `{}` has no field `{key}`{}",
                        cx.template.id,
                        if hint.is_empty() {
                            String::new()
                        } else {
                            format!(" (did you mean `{hint}`?)")
                        }
                    ),
                )
                .with("key", key.clone())
                .with("closest", hint),
            );
            continue;
        };
        if is_filled(v) {
            if let Some(slot) = cx.vals.get_mut(i) {
                *slot = Some(v);
            }
        }
    }
    // Pass 2, in form order: check each value, or whether a missing one is required.
    let form = cx.form;
    for (i, def) in form.fields.iter().enumerate() {
        if let Some(v) = cx.vals.get(i).copied().flatten() {
            check_value(cx, def, v, &P::Field(&def.key));
            continue;
        }
        let needed = def.required || def.required_if.as_ref().is_some_and(|c| cx.condition(c));
        if needed {
            missing(cx, def, &P::Field(&def.key));
        }
    }
    if cx.geometry.is_none() {
        cx.emit(
            "C-4",
            &P::Top("geometry"),
            msg(
                "field.required",
                "缺少必填项“空间位置”",
                "required item 'geometry' is missing",
            )
            .with("key", "geometry"),
        );
    }
    derived(cx);
    rules::c_6_sources::check(cx);
    rules::c_7_photo::check(cx);
    rules::l_1_date_order::check(cx);
    rules::k_5_stats_code::check(cx);
    rules::r_1_roman_letters::check(cx);
    rules::s_1_rep_point_extent::check(cx);
    rules::s_5_geometry_kind::check(cx);
    rules::w_3_timestamps::check(cx);
}

fn missing(cx: &mut Ctx<'_>, def: &FieldDef, path: &P<'_>) {
    let rule: &'static str = def
        .rule
        .as_deref()
        .and_then(rules::info)
        .map(|r| r.id)
        .unwrap_or("C-4");
    cx.emit(
        rule,
        path,
        msg(
            "field.required",
            format!("缺少必填字段“{}”({})", def.label_zh, def.key),
            format!("required field '{}' ({}) is missing", def.label_en, def.key),
        )
        .with("key", def.key.clone()),
    );
}

/// category and class_code are derived from the template; a mismatch means the record
/// was edited by hand or moved between templates.
fn derived(cx: &mut Ctx<'_>) {
    if let Some(c) = cx.text("category") {
        if c != cx.template.category {
            cx.emit_plain(
                Severity::Error,
                &P::Field("category"),
                msg(
                    "field.derived_mismatch",
                    format!("大类“{c}”与样表大类“{}”不符", cx.template.category),
                    format!(
                        "category `{c}` does not match the template's `{}`",
                        cx.template.category
                    ),
                )
                .with("key", "category"),
            );
        }
    }
    let t = cx.template;
    // With the sub-type still empty, C-4 already reports it; the code cannot be judged.
    let undecided = t
        .class_code
        .by_field
        .as_ref()
        .is_some_and(|f| cx.text(f).is_none());
    if let Some(code) = cx.text("class_code").filter(|_| !undecided) {
        let key = t
            .class_code
            .by_field
            .as_ref()
            .and_then(|f| cx.text(f))
            .and_then(|v| t.class_code.values.get(v))
            .unwrap_or(&t.class_code.default);
        if let Some(expected) = cx.catalog.class_code(key) {
            if expected.code != code {
                let e = expected.code.clone();
                cx.emit_plain(
                    Severity::Error,
                    &P::Field("class_code"),
                    msg(
                        "field.derived_mismatch",
                        format!("类别代码 {code} 应为 {e}"),
                        format!("class_code {code} should be {e}"),
                    )
                    .with("key", "class_code")
                    .with("expected", e),
                );
            }
        }
    }
}

fn type_error(cx: &mut Ctx<'_>, def: &FieldDef, path: &P<'_>, expected: &str) {
    cx.emit_plain(
        Severity::Error,
        path,
        msg(
            "field.type",
            format!("“{}”的值应为{expected}", def.label_zh),
            format!("'{}' must be {expected}", def.label_en),
        )
        .with("key", def.key.clone())
        .with("expected", expected),
    );
}

fn check_value(cx: &mut Ctx<'_>, def: &FieldDef, v: &Value, path: &P<'_>) {
    match def.kind {
        FieldKind::Text => {
            let Some(s) = v.as_str() else {
                return type_error(cx, def, path, "text");
            };
            let max = crate::limits::text_max_chars(def);
            // A string of at most `max` bytes has at most `max` characters: only longer
            // ones are counted.
            if s.len() > max {
                let n = s.chars().count();
                if n > max {
                    // The other checks are skipped: they would only repeat themselves over
                    // text that must be shortened anyway.
                    return cx.emit_plain(
                        Severity::Error,
                        path,
                        msg(
                            "field.too_long",
                            format!("“{}”有 {n} 个字符，最多 {max} 个", def.label_zh),
                            format!(
                                "'{}' has {n} characters; at most {max} are allowed",
                                def.label_en
                            ),
                        )
                        .with("key", def.key.clone())
                        .with("max", max.to_string())
                        .with("found", n.to_string()),
                    );
                }
            }
            rules::l_6_enum_values::check_code_text(cx, def, s, path);
            for c in &def.checks {
                match c {
                    FieldCheck::Name => {
                        rules::n_1_stand_in_notation::check(cx, s, path);
                        rules::n_2_spaces_separators::check(cx, s, path);
                        rules::n_3_fullwidth_digits::check(cx, s, path);
                        rules::n_12_latin_letters::check(cx, s, path);
                    }
                    FieldCheck::Narrative => {
                        rules::c_2_placeholder_narrative::check(cx, def, s, path)
                    }
                }
            }
        }
        FieldKind::Int | FieldKind::Year | FieldKind::Dec => {
            rules::l_2_numeric_range::check(cx, def, v, path)
        }
        FieldKind::Date => {
            let Some(s) = v.as_str() else {
                return type_error(cx, def, path, "YYYY-MM-DD");
            };
            if parse_date(s, def.key == "named_date").is_none() {
                type_error(cx, def, path, "YYYY-MM-DD");
            }
        }
        FieldKind::Datetime => rules::w_3_timestamps::check_format(cx, def, v, path),
        FieldKind::Bool => {
            if !v.is_boolean() {
                type_error(cx, def, path, "true/false");
            }
        }
        FieldKind::Enum => rules::l_6_enum_values::check(cx, def, v, path),
        FieldKind::List => {
            let Some(items) = v.as_array() else {
                return type_error(cx, def, path, "a list");
            };
            let Some(item) = def.item.as_deref() else {
                return;
            };
            let max = crate::limits::builtin().list_max_items;
            if items.len() > max {
                cx.emit_plain(
                    Severity::Error,
                    path,
                    msg(
                        "field.too_many_items",
                        format!("“{}”有 {} 项，最多 {max} 项", def.label_zh, items.len()),
                        format!(
                            "'{}' has {} items; at most {max} are allowed",
                            def.label_en,
                            items.len()
                        ),
                    )
                    .with("key", def.key.clone())
                    .with("max", max.to_string())
                    .with("found", items.len().to_string()),
                );
            }
            for (i, it) in items.iter().enumerate().take(max) {
                let p = P::Index(path, i);
                if let Some(scalar) = item.scalar.as_deref() {
                    if is_filled(it) {
                        check_value(cx, scalar, it, &p);
                    } else {
                        type_error(cx, def, &p, "a filled list item");
                    }
                } else {
                    check_object(cx, def, &item.fields, it, &p);
                }
            }
        }
        FieldKind::Object => {
            let Some(item) = def.item.as_deref() else {
                return;
            };
            check_object(cx, def, &item.fields, v, path);
        }
        FieldKind::Ref | FieldKind::Uuid => {
            let ok = v.as_str().is_some_and(|s| s.parse::<uuid::Uuid>().is_ok());
            if !ok {
                type_error(cx, def, path, "a record id (UUID)");
            }
        }
        FieldKind::File => {
            let ok = v.as_object().is_some_and(|o| {
                o.get("sha256")
                    .and_then(Value::as_str)
                    .is_some_and(is_sha256)
                    && o.get("file_name")
                        .and_then(Value::as_str)
                        .is_some_and(|s| !s.is_empty())
            });
            if !ok {
                type_error(cx, def, path, "{sha256, file_name}");
            }
        }
        FieldKind::Point => rules::s_2_dms_text::check_point(cx, def, v, path),
        FieldKind::Bbox => {
            let ok = v.as_array().is_some_and(|a| {
                let n: Vec<f64> = a.iter().filter_map(Value::as_f64).collect();
                a.len() == 4
                    && n.len() == 4
                    && n.iter().all(|x| x.is_finite())
                    && n[0] <= n[2]
                    && n[1] <= n[3]
            });
            if !ok {
                type_error(cx, def, path, "[west, south, east, north]");
            }
        }
        FieldKind::AdminCodes => rules::l_6_enum_values::check_admin_codes(cx, def, v, path),
        FieldKind::Person => {
            let ok = match v {
                // Fast path: a string that starts with a visible ASCII byte is filled.
                Value::String(s) => match s.as_bytes().first() {
                    Some(b) if *b > b' ' && *b < 0x80 => true,
                    _ => !s.trim().is_empty(),
                },
                Value::Object(o) => o
                    .get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.trim().is_empty()),
                _ => false,
            };
            if !ok {
                type_error(cx, def, path, "a person's name");
            }
        }
        FieldKind::Geometry => {}
    }
}

fn check_object(cx: &mut Ctx<'_>, def: &FieldDef, subs: &[FieldDef], v: &Value, path: &P<'_>) {
    let Some(o) = v.as_object() else {
        return type_error(cx, def, path, "an object");
    };
    for (k, sv) in o {
        match subs.iter().find(|s| &s.key == k) {
            Some(sd) if is_filled(sv) => check_value(cx, sd, sv, &P::Key(path, k)),
            Some(_) => {}
            None => cx.emit_plain(
                Severity::Warning,
                &P::Key(path, k),
                msg(
                    "field.unknown",
                    format!("未知子字段 {k}"),
                    format!("unknown sub-field `{k}`"),
                )
                .with("key", k.clone()),
            ),
        }
    }
    for sd in subs {
        if sd.required && !o.get(&sd.key).is_some_and(is_filled) {
            missing(cx, sd, &P::Key(path, &sd.key));
        }
    }
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parses `YYYY-MM-DD` (or `YYYY` / `YYYY-MM` when `partial`) into (year, month, day).
pub(crate) fn parse_date(s: &str, partial: bool) -> Option<(i32, u8, u8)> {
    fn num(p: &str, n: usize) -> Option<u32> {
        if p.len() == n && p.bytes().all(|b| b.is_ascii_digit()) {
            p.parse().ok()
        } else {
            None
        }
    }
    let mut parts = s.split('-');
    let y = num(parts.next()?, 4)? as i32;
    let m = parts.next();
    let d = parts.next();
    if parts.next().is_some() {
        return None;
    }
    match (m, d) {
        (None, _) if partial => Some((y, 0, 0)),
        (Some(m), None) if partial => {
            let m = num(m, 2)?;
            (1..=12).contains(&m).then_some((y, m as u8, 0))
        }
        (Some(m), Some(d)) => {
            let (m, d) = (num(m, 2)?, num(d, 2)?);
            let month = time::Month::try_from(m as u8).ok()?;
            time::Date::from_calendar_date(y, month, d as u8).ok()?;
            Some((y, m as u8, d as u8))
        }
        _ => None,
    }
}
