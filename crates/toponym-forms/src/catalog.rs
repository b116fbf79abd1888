//! The catalogue: all template files loaded, cross-checked and compiled into per-template
//! lookup tables, so validation does one hash lookup per field and nothing else.
//!
//! The built-in catalogue is embedded at compile time (see `build.rs`) and parsed once;
//! `load_dir` reads the same layout from disk for tools and tests.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use toponym_core::{Clock, Record, RecordId, TemplateRef};

use crate::error::FormsError;
use crate::model::{
    CategoriesFile, Category, ClassCode, ClassCodeTable, CommonFile, Condition, FieldDef,
    FieldKind, Template,
};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The format version this code reads.
pub const FORMAT_VERSION: u32 = 1;

/// Most fields one form (common + own) may have; validation keeps per-field state in a
/// fixed array of this size so that it never allocates for a clean record.
pub const MAX_FIELDS: usize = 128;

/// A template compiled for validation: common and own fields merged, with an index.
#[derive(Debug, Clone)]
pub(crate) struct Form {
    /// Common fields (overridden in place by same-key template fields), then own fields.
    pub fields: Vec<FieldDef>,
    /// Key → position in `fields` (Fx hash: keys are short, trusted template data).
    pub index: FxHashMap<String, usize>,
}

/// All templates, categories, common fields and class codes.
#[derive(Debug, Clone)]
pub struct Catalog {
    common: CommonFile,
    categories: CategoriesFile,
    templates: Vec<Template>,
    forms: Vec<Form>,
    by_id: FxHashMap<String, usize>,
    class_codes: ClassCodeTable,
    code_by_key: HashMap<String, usize>,
}

fn parse<T: DeserializeOwned>(path: &str, text: &str) -> Result<(T, Value), FormsError> {
    let value: Value = serde_json::from_str(text).map_err(|e| FormsError::Json {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let typed = serde_path_to_error::deserialize(&value).map_err(|e| FormsError::Schema {
        path: path.to_owned(),
        json_path: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    Ok((typed, value))
}

/// Canonical JSON: object keys sorted, no whitespace. Used for content hashes so that
/// re-indenting a file does not change the hash.
pub(crate) fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), canonical(&m[k]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

fn sha256_of(v: &Value) -> String {
    let bytes = serde_json::to_vec(&canonical(v)).unwrap_or_default();
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

fn synth_items(fields: &mut [FieldDef]) {
    for f in fields {
        if let Some(item) = f.item.as_mut() {
            synth_items(&mut item.fields);
            if let Some(kind) = item.kind {
                item.scalar = Some(Box::new(FieldDef {
                    key: f.key.clone(),
                    label_zh: f.label_zh.clone(),
                    label_en: f.label_en.clone(),
                    kind,
                    unit: f.unit.clone(),
                    required: false,
                    required_if: None,
                    values: item.values.clone(),
                    item: None,
                    ref_templates: item.ref_templates.clone(),
                    length: None,
                    max_chars: None,
                    digits_only: false,
                    min: None,
                    min_exclusive: false,
                    group: f.group,
                    rule: None,
                    checks: Vec::new(),
                    help_zh: None,
                    help_en: None,
                }));
            }
        }
    }
}

fn check_fields(path: &str, at: &str, fields: &[FieldDef]) -> Result<(), FormsError> {
    let mut seen = HashSet::new();
    for (i, f) in fields.iter().enumerate() {
        let bad = |m: String| FormsError::Schema {
            path: path.to_owned(),
            json_path: format!("{at}[{i}]"),
            message: m,
        };
        if !seen.insert(f.key.as_str()) {
            return Err(bad(format!("duplicate field key `{}`", f.key)));
        }
        if f.key.is_empty()
            || !f
                .key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(bad(format!(
                "field key `{}` must be lower-case ASCII, digits and _",
                f.key
            )));
        }
        match f.kind {
            FieldKind::Enum if f.values.is_empty() => {
                return Err(bad(format!("enum field `{}` has no values", f.key)))
            }
            FieldKind::List | FieldKind::Object => {
                let Some(item) = &f.item else {
                    return Err(bad(format!(
                        "{} field `{}` has no item",
                        f.kind.as_str(),
                        f.key
                    )));
                };
                if item.kind.is_none() && item.fields.is_empty() {
                    return Err(bad(format!(
                        "field `{}`: item needs a kind or fields",
                        f.key
                    )));
                }
                if item.kind == Some(FieldKind::Enum) && item.values.is_empty() {
                    return Err(bad(format!("field `{}`: enum items have no values", f.key)));
                }
                check_fields(path, &format!("{at}[{i}].item.fields"), &item.fields)?;
            }
            _ => {}
        }
        if let Some(rule) = &f.rule {
            if crate::rules::info(rule).is_none() {
                return Err(bad(format!("unknown rule `{rule}`")));
            }
        }
    }
    Ok(())
}

fn ref_pattern_ok(pat: &str, ids: &HashSet<&str>, cats: &HashSet<&str>) -> bool {
    match pat.strip_suffix(".*") {
        Some(cat) => cats.contains(cat),
        None => ids.contains(pat),
    }
}

impl Catalog {
    /// The catalogue shipped in the binary (parsed on first use).
    ///
    /// The embedded files are checked by this crate's tests, so a failure here is a build
    /// defect. Rather than panic in a surveyor's hands, an empty catalogue is returned and
    /// `builtin_error()` says what went wrong (the CLI and the app check it at start-up).
    pub fn builtin() -> &'static Catalog {
        static EMPTY: OnceLock<Catalog> = OnceLock::new();
        match Self::builtin_result() {
            Ok(c) => c,
            Err(_) => EMPTY.get_or_init(Catalog::empty),
        }
    }

    /// Why the embedded catalogue failed to load, if it did.
    pub fn builtin_error() -> Option<&'static str> {
        Self::builtin_result().as_ref().err().map(String::as_str)
    }

    fn builtin_result() -> &'static Result<Catalog, String> {
        static CELL: OnceLock<Result<Catalog, String>> = OnceLock::new();
        CELL.get_or_init(|| {
            let sources: Vec<(String, &str)> = embedded::EMBEDDED
                .iter()
                .map(|(p, t)| ((*p).to_owned(), *t))
                .collect();
            Catalog::from_sources(&sources).map_err(|e| e.to_string())
        })
    }

    fn empty() -> Catalog {
        Catalog {
            common: CommonFile {
                format_version: FORMAT_VERSION,
                id: "common".into(),
                version: "0".into(),
                description: String::new(),
                envelope: vec![],
                fields: vec![],
            },
            categories: CategoriesFile {
                format_version: FORMAT_VERSION,
                id: "categories".into(),
                version: "0".into(),
                description: String::new(),
                categories: vec![],
            },
            templates: vec![],
            forms: vec![],
            by_id: FxHashMap::default(),
            class_codes: ClassCodeTable {
                format_version: FORMAT_VERSION,
                id: "class-codes".into(),
                version: "0".into(),
                description: String::new(),
                codes: vec![],
            },
            code_by_key: HashMap::new(),
        }
    }

    /// Loads a `schemas/` directory: `templates/common.json`, `templates/categories.json`,
    /// `templates/<category>/<name>.json` and `class-codes.json`.
    pub fn load_dir(schemas: &Path) -> Result<Catalog, FormsError> {
        fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<(), FormsError> {
            let rd = std::fs::read_dir(dir).map_err(|e| FormsError::Io {
                path: dir.to_owned(),
                source: e,
            })?;
            for e in rd {
                let e = e.map_err(|e| FormsError::Io {
                    path: dir.to_owned(),
                    source: e,
                })?;
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out)?;
                } else if p.extension().is_some_and(|x| x == "json") {
                    out.push(p);
                }
            }
            Ok(())
        }
        let mut files = Vec::new();
        walk(&schemas.join("templates"), &mut files)?;
        files.push(schemas.join("class-codes.json"));
        files.sort();
        let mut texts = Vec::new();
        for f in &files {
            let t = std::fs::read_to_string(f).map_err(|e| FormsError::Io {
                path: f.clone(),
                source: e,
            })?;
            let rel = f
                .strip_prefix(schemas)
                .unwrap_or(f)
                .to_string_lossy()
                .replace('\\', "/");
            texts.push((rel, t));
        }
        let sources: Vec<(String, &str)> =
            texts.iter().map(|(p, t)| (p.clone(), t.as_str())).collect();
        Catalog::from_sources(&sources)
    }

    /// Builds a catalogue from (path relative to `schemas/`, text) pairs.
    pub fn from_sources(sources: &[(String, &str)]) -> Result<Catalog, FormsError> {
        let find = |name: &str| {
            sources
                .iter()
                .find(|(p, _)| p == name)
                .map(|(_, t)| *t)
                .ok_or_else(|| FormsError::Inconsistent {
                    path: name.to_owned(),
                    message: "file is missing".into(),
                })
        };
        let common_path = "templates/common.json";
        let (mut common, common_raw): (CommonFile, Value) = parse(common_path, find(common_path)?)?;
        let cats_path = "templates/categories.json";
        let (categories, _): (CategoriesFile, Value) = parse(cats_path, find(cats_path)?)?;
        let codes_path = "class-codes.json";
        let (class_codes, _): (ClassCodeTable, Value) = parse(codes_path, find(codes_path)?)?;
        for (p, fv, id) in [
            (common_path, common.format_version, common.id.as_str()),
            (cats_path, categories.format_version, categories.id.as_str()),
            (
                codes_path,
                class_codes.format_version,
                class_codes.id.as_str(),
            ),
        ] {
            if fv != FORMAT_VERSION {
                return Err(FormsError::Schema {
                    path: p.into(),
                    json_path: "format_version".into(),
                    message: format!(
                        "format_version {fv} is not supported (expected {FORMAT_VERSION})"
                    ),
                });
            }
            if id.is_empty() {
                return Err(FormsError::Schema {
                    path: p.into(),
                    json_path: "id".into(),
                    message: "empty id".into(),
                });
            }
        }
        check_fields(common_path, "fields", &common.fields)?;
        synth_items(&mut common.fields);

        let mut code_by_key = HashMap::new();
        for (i, c) in class_codes.codes.iter().enumerate() {
            let ok = c.code.len() == 5 && c.code.bytes().all(|b| b.is_ascii_digit() || b == b'x');
            if !ok {
                return Err(FormsError::Schema {
                    path: codes_path.into(),
                    json_path: format!("codes[{i}].code"),
                    message: format!("`{}` is not a 5-character code of digits and x", c.code),
                });
            }
            if c.code.contains('x') != (c.evidence == crate::model::Evidence::P) {
                return Err(FormsError::Schema {
                    path: codes_path.into(),
                    json_path: format!("codes[{i}].evidence"),
                    message: "codes with x digits must have evidence P and only those".into(),
                });
            }
            if code_by_key.insert(c.key.clone(), i).is_some() {
                return Err(FormsError::Schema {
                    path: codes_path.into(),
                    json_path: format!("codes[{i}].key"),
                    message: format!("duplicate key `{}`", c.key),
                });
            }
        }

        let cat_ids: HashSet<&str> = categories
            .categories
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        let mut templates = Vec::new();
        for (path, text) in sources {
            if !path.starts_with("templates/") || path == common_path || path == cats_path {
                continue;
            }
            let (mut t, raw): (Template, Value) = parse(path, text)?;
            if t.format_version != FORMAT_VERSION {
                return Err(FormsError::Schema {
                    path: path.clone(),
                    json_path: "format_version".into(),
                    message: format!("format_version {} is not supported", t.format_version),
                });
            }
            let expected = format!("templates/{}.json", t.id.replacen('.', "/", 1));
            if *path != expected {
                return Err(FormsError::Inconsistent {
                    path: path.clone(),
                    message: format!("template id `{}` belongs in {expected}", t.id),
                });
            }
            if !cat_ids.contains(t.category.as_str())
                || !t.id.starts_with(&format!("{}.", t.category))
            {
                return Err(FormsError::Schema {
                    path: path.clone(),
                    json_path: "category".into(),
                    message: format!(
                        "category `{}` is unknown or does not prefix the id",
                        t.category
                    ),
                });
            }
            check_fields(path, "fields", &t.fields)?;
            synth_items(&mut t.fields);
            for k in std::iter::once(&t.class_code.default).chain(t.class_code.values.values()) {
                if !code_by_key.contains_key(k) {
                    return Err(FormsError::Schema {
                        path: path.clone(),
                        json_path: "class_code".into(),
                        message: format!("class-code key `{k}` is not in class-codes.json"),
                    });
                }
            }
            if let Some(sel) = &t.class_code.by_field {
                let f = t.fields.iter().find(|f| &f.key == sel);
                let ok = f.is_some_and(|f| {
                    f.kind == FieldKind::Enum
                        && f.values.iter().all(|v| t.class_code.values.contains_key(v))
                });
                if !ok {
                    return Err(FormsError::Schema {
                        path: path.clone(),
                        json_path: "class_code.by_field".into(),
                        message: format!(
                            "`{sel}` must be an enum field whose every value has a code"
                        ),
                    });
                }
            }
            t.hash = sha256_of(&serde_json::json!({ "common": common_raw, "template": raw }));
            templates.push(t);
        }
        templates.sort_by_key(|t| {
            let cat = categories
                .categories
                .iter()
                .position(|c| c.id == t.category)
                .unwrap_or(usize::MAX);
            (cat, t.seq)
        });
        let mut by_id = FxHashMap::default();
        for (i, t) in templates.iter().enumerate() {
            if by_id.insert(t.id.clone(), i).is_some() {
                return Err(FormsError::Inconsistent {
                    path: format!("templates/{}.json", t.id),
                    message: format!("duplicate template id `{}`", t.id),
                });
            }
        }
        // Cross-template references must name real templates or categories.
        let ids: HashSet<&str> = templates.iter().map(|t| t.id.as_str()).collect();
        for t in &templates {
            let all = t.fields.iter().flat_map(|f| {
                let item = f
                    .item
                    .as_ref()
                    .map(|i| i.ref_templates.iter())
                    .into_iter()
                    .flatten();
                f.ref_templates.iter().chain(item)
            });
            for r in all {
                if !ref_pattern_ok(r, &ids, &cat_ids) {
                    return Err(FormsError::Inconsistent {
                        path: format!("templates/{}.json", t.id.replacen('.', "/", 1)),
                        message: format!("ref target `{r}` names no template or category"),
                    });
                }
            }
        }
        let forms: Vec<Form> = templates.iter().map(|t| compile(&common, t)).collect();
        for (t, f) in templates.iter().zip(&forms) {
            // Conditions must name fields that exist on the form they are evaluated on.
            let conds = f
                .fields
                .iter()
                .filter_map(|d| d.required_if.as_ref())
                .chain(t.photo_required.as_ref());
            for c in conds {
                if let Condition::Eq { field, .. } | Condition::Ne { field, .. } = c {
                    if !f.index.contains_key(field) {
                        return Err(FormsError::Inconsistent {
                            path: format!("templates/{}.json", t.id.replacen('.', "/", 1)),
                            message: format!("a condition refers to `{field}`, which is not a field of this form"),
                        });
                    }
                }
            }
            if f.fields.len() > MAX_FIELDS {
                return Err(FormsError::Inconsistent {
                    path: format!("templates/{}.json", t.id.replacen('.', "/", 1)),
                    message: format!(
                        "the form has {} fields; at most {MAX_FIELDS} are supported",
                        f.fields.len()
                    ),
                });
            }
        }
        Ok(Catalog {
            common,
            categories,
            templates,
            forms,
            by_id,
            class_codes,
            code_by_key,
        })
    }

    /// All templates in census order.
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// One template by id.
    pub fn template(&self, id: &str) -> Option<&Template> {
        self.by_id.get(id).map(|&i| &self.templates[i])
    }

    pub(crate) fn form(&self, id: &str) -> Option<(&Template, &Form)> {
        self.by_id
            .get(id)
            .map(|&i| (&self.templates[i], &self.forms[i]))
    }

    /// The 12 categories in census order.
    pub fn categories(&self) -> &[Category] {
        &self.categories.categories
    }

    /// The common fields of every form.
    pub fn common_fields(&self) -> &[FieldDef] {
        &self.common.fields
    }

    /// Versions of the data files: (`common`, `categories`, `class-codes`).
    pub fn data_versions(&self) -> [(&str, &str); 3] {
        [
            ("common", self.common.version.as_str()),
            ("categories", self.categories.version.as_str()),
            ("class-codes", self.class_codes.version.as_str()),
        ]
    }

    /// The full field list of a template's form: common fields (with template overrides)
    /// followed by the template's own fields.
    pub fn form_fields(&self, template_id: &str) -> Option<&[FieldDef]> {
        self.by_id
            .get(template_id)
            .map(|&i| self.forms[i].fields.as_slice())
    }

    /// The class-code table.
    pub fn class_codes(&self) -> &ClassCodeTable {
        &self.class_codes
    }

    /// A class-code row by key (`transport.highway#县道`).
    pub fn class_code(&self, key: &str) -> Option<&ClassCode> {
        self.code_by_key
            .get(key)
            .map(|&i| &self.class_codes.codes[i])
    }

    /// The template's default class-code row (before any sub-type selects another).
    pub fn default_class_code(&self, t: &Template) -> Option<&ClassCode> {
        self.class_code(&t.class_code.default)
    }

    /// The 5-digit class code of a record: the sub-type enum value selects the code
    /// where the template has one (国道 → 23211), otherwise the template default.
    pub fn class_code_for(&self, t: &Template, r: &Record) -> String {
        let key = t
            .class_code
            .by_field
            .as_ref()
            .and_then(|f| r.fields.get(f))
            .and_then(Value::as_str)
            .and_then(|v| t.class_code.values.get(v))
            .unwrap_or(&t.class_code.default);
        self.class_code(key)
            .map(|c| c.code.clone())
            .unwrap_or_default()
    }

    /// Up to three known template ids closest to `id` (for "did you mean").
    pub fn closest_ids(&self, id: &str) -> Vec<String> {
        let mut scored: Vec<(f64, &str)> = self
            .templates
            .iter()
            .map(|t| {
                let mut s = strsim::jaro_winkler(id, &t.id);
                // A bare template part (`river`) should find `water.river`.
                if let Some((_, short)) = t.id.split_once('.') {
                    s = s.max(strsim::jaro_winkler(id, short));
                }
                (s, t.id.as_str())
            })
            .filter(|(s, _)| *s >= 0.7)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored
            .into_iter()
            .take(5)
            .map(|(_, i)| i.to_owned())
            .collect()
    }

    /// A blank record for a template: template ref, category, class code, CRS, default
    /// 密级, 登记时间 and 使用时间 = 现今地名 (the usual case; the surveyor changes it for a
    /// historical name) filled. `None` if the template id is unknown.
    pub fn new_record(&self, template_id: &str, id: RecordId, clock: &dyn Clock) -> Option<Record> {
        let t = self.template(template_id)?;
        let mut fields = Map::new();
        fields.insert("category".into(), Value::String(t.category.clone()));
        let code = self
            .default_class_code(t)
            .map(|c| c.code.clone())
            .unwrap_or_default();
        fields.insert("class_code".into(), Value::String(code));
        fields.insert("crs".into(), Value::String("CGCS2000".into()));
        fields.insert("secrecy".into(), Value::String(t.secrecy.clone()));
        fields.insert("usage".into(), Value::String("现今地名".into()));
        let now = clock.now().format(&Rfc3339).unwrap_or_default();
        fields.insert("registered_at".into(), Value::String(now));
        Some(Record {
            record_id: id,
            workflow_status: Default::default(),
            template: TemplateRef {
                id: t.id.clone(),
                version: t.version.clone(),
                hash: t.hash.clone(),
            },
            fields,
            geometry: None,
        })
    }

    /// The template reference a record made now with `template_id` would carry.
    pub fn template_ref(&self, template_id: &str) -> Option<TemplateRef> {
        self.template(template_id).map(|t| TemplateRef {
            id: t.id.clone(),
            version: t.version.clone(),
            hash: t.hash.clone(),
        })
    }
}

fn compile(common: &CommonFile, t: &Template) -> Form {
    let own: HashMap<&str, &FieldDef> = t.fields.iter().map(|f| (f.key.as_str(), f)).collect();
    let mut fields: Vec<FieldDef> = common
        .fields
        .iter()
        .map(|c| {
            own.get(c.key.as_str())
                .map(|f| (*f).clone())
                .unwrap_or_else(|| c.clone())
        })
        .collect();
    let common_keys: HashSet<&str> = common.fields.iter().map(|f| f.key.as_str()).collect();
    fields.extend(
        t.fields
            .iter()
            .filter(|f| !common_keys.contains(f.key.as_str()))
            .cloned(),
    );
    // Resolve template-level conditions now so validation does not re-evaluate them.
    for f in &mut fields {
        match &f.required_if {
            Some(Condition::Geometry { value }) => {
                f.required = *value == t.geometry;
                f.required_if = None;
            }
            Some(Condition::TemplateIn { values }) => {
                f.required = f.required || values.iter().any(|v| v == &t.id);
                f.required_if = None;
            }
            _ => {}
        }
    }
    let index = fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.key.clone(), i))
        .collect();
    Form { fields, index }
}
