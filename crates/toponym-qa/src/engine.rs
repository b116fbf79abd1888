//! The engine: the registry's rules with their prepared parameters under one profile, and
//! the runs of each stage. Form validation (value shapes and the rules that live in the
//! form pass, see `toponym_forms::RULES`) runs first on every record; then the entry
//! rules over every name field, the record rules, and the bundle rules over the survey.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use toponym_core::{Message, Record, Severity};
use toponym_forms::{Catalog, FieldDef, FieldKind, Template};

use crate::ctx::{EntryCtx, Options, RecordCtx, Refs, SurveyCtx};
use crate::out::{Out, QaFinding, Skip};
use crate::profile::{Profile, ProfileInfo};
use crate::report::{Coverage, CoverageStatus, Report};
use crate::rule::{Check, Prep, Prepared, Rule, Stage};

use crate::rules::REGISTRY;

/// Every rule this crate implements, with its source file, in catalogue order.
pub fn rules() -> impl Iterator<Item = (&'static Rule, &'static str)> {
    REGISTRY.iter().map(|(r, _, f, _)| (*r, *f))
}

/// The registry as built: (rule, the id its file name gives, file), for the tidy test.
pub fn registry() -> &'static [(
    &'static Rule,
    &'static str,
    &'static str,
    Option<&'static str>,
)] {
    REGISTRY
}

/// An error in a profile or the parameter file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// The profile names a rule that does not exist.
    #[error("profile {profile}: unknown rule {rule}")]
    UnknownRule {
        /// Profile id.
        profile: String,
        /// The id it gave.
        rule: String,
    },
    /// The profile sets a parameter the rule does not have.
    #[error("profile {profile}: rule {rule} has no parameter {key}")]
    UnknownParam {
        /// Profile id.
        profile: String,
        /// Rule id.
        rule: String,
        /// The key it gave.
        key: String,
    },
    /// A parameter does not have the rule's type.
    #[error("profile {profile}: parameters of rule {rule}: {detail}")]
    BadParam {
        /// Profile id.
        profile: String,
        /// Rule id.
        rule: String,
        /// What is wrong.
        detail: String,
    },
}

struct Active {
    rule: &'static Rule,
    prepared: Prepared,
}

/// The rules of one profile, ready to run.
pub struct Engine {
    active: Vec<Active>,
    info: ProfileInfo,
}

/// What a survey run looks at.
pub struct SurveyInput<'a> {
    /// Every record.
    pub records: &'a [Record],
    /// The investigation list.
    pub list: &'a [crate::ctx::ListEntry],
    /// The media store.
    pub media: &'a [crate::ctx::MediaItem],
    /// Creations from the audit log.
    pub changes: &'a [crate::ctx::Change],
    /// Whether media and audit log were supplied (a survey file) or not (record files).
    pub has_store: bool,
    /// Templates.
    pub catalog: &'a Catalog,
    /// Reference data.
    pub refs: &'a Refs,
    /// Caller settings.
    pub options: &'a Options,
}

impl Engine {
    /// The rules under a profile.
    pub fn new(profile: &Profile) -> Result<Engine, ProfileError> {
        let known = |id: &str| REGISTRY.iter().any(|(r, _, _, _)| r.id == id);
        let known_any = |id: &str| known(id) || toponym_forms::rules::info(id).is_some();
        for id in profile.disabled.iter().chain(profile.params.keys()) {
            if !known_any(id) && crate::catalogue::entry(id).is_none() {
                return Err(ProfileError::UnknownRule {
                    profile: profile.id.clone(),
                    rule: id.clone(),
                });
            }
        }
        let mut active = Vec::new();
        for (rule, _, _, params) in REGISTRY {
            if profile.disabled.iter().any(|d| d == rule.id) {
                continue;
            }
            let mut section: Map<String, Value> = match params {
                Some(text) => serde_json::from_str(text).map_err(|e| ProfileError::BadParam {
                    profile: profile.id.clone(),
                    rule: rule.id.into(),
                    detail: format!("schemas/qa/params/{}.json: {e}", rule.id),
                })?,
                None => Map::new(),
            };
            if let Some(over) = profile.params.get(rule.id) {
                for (k, v) in over {
                    if !section.contains_key(k) {
                        return Err(ProfileError::UnknownParam {
                            profile: profile.id.clone(),
                            rule: rule.id.into(),
                            key: k.clone(),
                        });
                    }
                    section.insert(k.clone(), v.clone());
                }
            }
            let prepared: Prepared = match rule.prepare {
                Some(f) => f(&Value::Object(section)).map_err(|detail| ProfileError::BadParam {
                    profile: profile.id.clone(),
                    rule: rule.id.into(),
                    detail,
                })?,
                None => Box::new(()),
            };
            active.push(Active { rule, prepared });
        }
        Ok(Engine {
            active,
            info: ProfileInfo {
                id: profile.id.clone(),
                version: profile.version.clone(),
                params_version: crate::profile::PARAMS_VERSION.into(),
                disabled: profile.disabled.clone(),
                changed: profile.params.keys().cloned().collect(),
            },
        })
    }

    /// The engine of the shipped default profile.
    pub fn builtin() -> &'static Engine {
        static E: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
        E.get_or_init(|| {
            Engine::new(&Profile::default_profile()).expect("the default profile is valid")
        })
    }

    /// Which profile this engine runs.
    pub fn profile(&self) -> &ProfileInfo {
        &self.info
    }

    fn disabled(&self, id: &str) -> bool {
        self.info.disabled.iter().any(|d| d == id)
    }

    /// The entry rules on one text field while it is typed.
    pub fn check_entry(
        &self,
        template: &Template,
        field: &FieldDef,
        path: &str,
        value: &str,
    ) -> Vec<QaFinding> {
        let mut findings = Vec::new();
        let mut skips = Vec::new();
        let cx = EntryCtx {
            template,
            field,
            path,
            value,
        };
        for a in &self.active {
            if let Check::Entry(f) = a.rule.check {
                let mut out = Out::new(a.rule, None, &mut findings, &mut skips);
                f(&cx, &Prep(a.prepared.as_ref()), &mut out);
            }
        }
        findings
    }

    /// Everything up to the record stage on one record: form validation, the entry rules
    /// over its name fields, the record rules.
    pub fn check_record(
        &self,
        catalog: &Catalog,
        refs: &Refs,
        options: &Options,
        record: &Record,
    ) -> Vec<QaFinding> {
        let mut findings = Vec::new();
        let mut tally = Tally::default();
        self.record_pass(catalog, refs, options, record, &mut findings, &mut tally);
        findings
    }

    fn record_pass(
        &self,
        catalog: &Catalog,
        refs: &Refs,
        options: &Options,
        record: &Record,
        findings: &mut Vec<QaFinding>,
        tally: &mut Tally,
    ) {
        let rid = record.record_id;
        for f in toponym_forms::validate_with(catalog, record, &options.validate) {
            if f.rule.as_deref().is_some_and(|r| self.disabled(r)) {
                continue;
            }
            let stage = f
                .rule
                .as_deref()
                .and_then(crate::catalogue::entry)
                .and_then(|c| c.stages.first())
                .and_then(|s| s.parse().ok())
                .unwrap_or(Stage::Record);
            findings.push(QaFinding {
                rule: f.rule,
                severity: f.severity,
                stage,
                record_id: Some(rid.to_string()),
                path: f.path,
                message: f.message,
            });
        }
        let Some(template) = catalog.template(&record.template.id) else {
            return; // form validation has said so (BLOCKER); no rule can judge the record
        };
        let fields = catalog.form_fields(&template.id).unwrap_or(&[]);
        for (i, a) in self.active.iter().enumerate() {
            let skips = tally.skips(i);
            let skipped = match a.rule.check {
                Check::Entry(f) => {
                    let mut out = Out::new(a.rule, Some(rid), findings, skips);
                    each_text(record, fields, &mut |def, path, value| {
                        let cx = EntryCtx {
                            template,
                            field: def,
                            path,
                            value,
                        };
                        f(&cx, &Prep(a.prepared.as_ref()), &mut out);
                    });
                    out.skipped_now
                }
                Check::Record(f) => {
                    let cx = RecordCtx {
                        record,
                        template,
                        catalog,
                        refs,
                        options,
                    };
                    let mut out = Out::new(a.rule, Some(rid), findings, skips);
                    f(&cx, &Prep(a.prepared.as_ref()), &mut out);
                    out.skipped_now
                }
                Check::Survey(_) => false,
            };
            tally.count(i, skipped);
        }
    }

    /// Runs every rule up to `stage` over a survey.
    pub fn run(&self, input: &SurveyInput<'_>, stage: Stage) -> Report {
        let mut findings = Vec::new();
        let mut tally = Tally::default();
        for r in input.records {
            self.record_pass(
                input.catalog,
                input.refs,
                input.options,
                r,
                &mut findings,
                &mut tally,
            );
        }
        if stage >= Stage::Bundle {
            let templates: Vec<Option<&Template>> = input
                .records
                .iter()
                .map(|r| input.catalog.template(&r.template.id))
                .collect();
            let cx = SurveyCtx {
                records: input.records,
                templates: &templates,
                list: input.list,
                media: input.media,
                changes: input.changes,
                has_store: input.has_store,
                catalog: input.catalog,
                refs: input.refs,
                options: input.options,
            };
            for (i, a) in self.active.iter().enumerate() {
                if let Check::Survey(f) = a.rule.check {
                    let skips = tally.skips(i);
                    let mut out = Out::new(a.rule, None, &mut findings, skips);
                    f(&cx, &Prep(a.prepared.as_ref()), &mut out);
                    let skipped = out.skipped_now;
                    tally.count(i, skipped);
                }
            }
        }
        let coverage = self.coverage(stage, input.records.len() as u64, &findings, &tally);
        Report::new(
            self.info.clone(),
            stage,
            input.records,
            findings,
            coverage,
            input.refs,
        )
    }

    fn coverage(
        &self,
        stage: Stage,
        records: u64,
        findings: &[QaFinding],
        tally: &Tally,
    ) -> Vec<Coverage> {
        let mut by_rule: BTreeMap<&str, u64> = BTreeMap::new();
        for f in findings {
            if let Some(r) = &f.rule {
                *by_rule.entry(r.as_str()).or_default() += 1;
            }
        }
        let mut out = Vec::new();
        for c in crate::catalogue::catalogue() {
            let first: Stage = c
                .stages
                .first()
                .and_then(|s| s.parse().ok())
                .unwrap_or(Stage::Record);
            let n = by_rule.get(c.id.as_str()).copied().unwrap_or(0);
            let sev = match c.severity.as_str() {
                "BLOCKER" => Severity::Blocker,
                "ERROR" => Severity::Error,
                "WARNING" => Severity::Warning,
                _ => Severity::Info,
            };
            let base = Coverage {
                rule: c.id.clone(),
                stage: first,
                severity: sev,
                title_zh: String::new(),
                title_en: String::new(),
                status: CoverageStatus::Ran,
                checked: 0,
                skipped: Vec::new(),
                findings: n,
                implemented_in: String::new(),
            };
            let cov = if self.disabled(&c.id) {
                Coverage {
                    status: CoverageStatus::Disabled,
                    ..base
                }
            } else if first > stage {
                Coverage {
                    status: CoverageStatus::LaterStage,
                    ..base
                }
            } else if let Some(i) = self.active.iter().position(|a| a.rule.id == c.id) {
                let a = &self.active[i];
                let (skipped_units, skipped) = tally.of(i);
                let units = if matches!(a.rule.check, Check::Survey(_)) {
                    1
                } else {
                    records
                };
                let checked = units.saturating_sub(skipped_units);
                let status = if skipped_units == 0 {
                    CoverageStatus::Ran
                } else if checked == 0 {
                    CoverageStatus::NotChecked
                } else {
                    CoverageStatus::Partly
                };
                Coverage {
                    title_zh: a.rule.title_zh.into(),
                    title_en: a.rule.title_en.into(),
                    status,
                    checked,
                    skipped,
                    implemented_in: "toponym-qa".into(),
                    ..base
                }
            } else if let Some(fr) = toponym_forms::rules::info(&c.id) {
                Coverage {
                    title_zh: fr.title_zh.into(),
                    title_en: fr.title_en.into(),
                    checked: records,
                    implemented_in: "toponym-forms".into(),
                    ..base
                }
            } else {
                Coverage {
                    status: CoverageStatus::NotImplemented,
                    skipped: vec![Skip {
                        reason: Message::new(
                            "qa.not_implemented",
                            "本版本尚未实现此规则",
                            "this rule is not implemented in this version",
                        ),
                        count: 1,
                    }],
                    ..base
                }
            };
            out.push(cov);
        }
        out
    }
}

/// Per active rule: how many units it could not check, and why.
#[derive(Default)]
struct Tally {
    rows: Vec<(u64, Vec<Skip>)>,
}

impl Tally {
    fn skips(&mut self, i: usize) -> &mut Vec<Skip> {
        if self.rows.len() <= i {
            self.rows.resize_with(i + 1, Default::default);
        }
        &mut self.rows[i].1
    }
    fn count(&mut self, i: usize, skipped: bool) {
        if skipped {
            self.rows[i].0 += 1;
        }
    }
    fn of(&self, i: usize) -> (u64, Vec<Skip>) {
        self.rows.get(i).cloned().unwrap_or_default()
    }
}

fn is_name(def: &FieldDef) -> bool {
    def.checks
        .iter()
        .any(|c| matches!(c, toponym_forms::FieldCheck::Name))
}

/// Calls `f` on every value of a name field (`checks: [name]`), top level and one level
/// into lists and objects (aliases, former names), with its path. Entry rules judge names
/// as they are typed; other text is the record rules' business, and skipping it keeps the
/// path strings off the hot path.
fn each_text(record: &Record, fields: &[FieldDef], f: &mut dyn FnMut(&FieldDef, &str, &str)) {
    for def in fields {
        let Some(v) = record.fields.get(&def.key) else {
            continue;
        };
        match (def.kind, v) {
            (FieldKind::Text, Value::String(s)) if is_name(def) => {
                f(def, &format!("fields.{}", def.key), s)
            }
            (FieldKind::List, Value::Array(items)) => {
                let Some(item) = def.item.as_deref() else {
                    continue;
                };
                let max = toponym_forms::limits::builtin().list_max_items;
                for (i, it) in items.iter().enumerate().take(max) {
                    match (item.scalar(), it) {
                        (Some(sd), Value::String(s))
                            if sd.kind == FieldKind::Text && is_name(sd) =>
                        {
                            f(sd, &format!("fields.{}[{i}]", def.key), s)
                        }
                        (None, Value::Object(o)) => {
                            for sd in &item.fields {
                                if let (FieldKind::Text, true, Some(Value::String(s))) =
                                    (sd.kind, is_name(sd), o.get(&sd.key))
                                {
                                    f(sd, &format!("fields.{}[{i}].{}", def.key, sd.key), s);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}
