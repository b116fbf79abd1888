//! The survey-wide quality check (`toponym qa`, and the app's quality screen): reads a
//! survey's records, investigation list, media and creation log through the store, fills
//! the QA engine's contexts with them and the built-in reference data, and runs every
//! rule up to the stage asked for. The engine itself (`toponym-qa`) does no I/O.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use toponym_core::{Record, Severity};
use toponym_forms::{Catalog, ValidateOptions};
use toponym_qa::{
    Change, Engine, ListClosure, ListEntry, MediaItem, Options, Profile, Refs, Report, Stage,
    SurveyInput,
};
use toponym_reference::{builtin, UnitLevel};
use toponym_store::Store;
use toponym_store::{Closure, Override};

use crate::{OpsError, Result};

/// The most bytes a profile file may have.
pub const MAX_PROFILE_BYTES: u64 = toponym_qa::profile::MAX_PROFILE_BYTES;

/// Reads a county's profile file (capped, UTF-8, parsed strictly); errors name the file.
pub fn load_profile(path: &Path) -> Result<Engine> {
    let text =
        toponym_io::read_capped_text(path, MAX_PROFILE_BYTES, "QA profile").map_err(|e| {
            OpsError::Profile {
                path: path.to_owned(),
                detail: e.to_string(),
            }
        })?;
    let profile = Profile::parse(&text).map_err(|detail| OpsError::Profile {
        path: path.to_owned(),
        detail,
    })?;
    Engine::new(&profile).map_err(|e| OpsError::Profile {
        path: path.to_owned(),
        detail: e.to_string(),
    })
}

/// The reference data the machine ships: county outlines of 泰安 (S-3), the committee
/// centres of the 2016 statistical edition converted to CGCS2000 (S-8), and unit names
/// from the division table and the 2021 statistical codes (report labels).
pub fn builtin_refs() -> Refs {
    let mut refs = Refs::default();
    if let Ok(b) = builtin::taian_boundaries() {
        refs.boundaries.push(b);
    }
    let mut current = rustc_hash::FxHashSet::default();
    if let Ok(d) = builtin::divisions() {
        for div in d.iter() {
            refs.unit_names
                .insert(div.short_code.clone(), div.full_name.clone());
            current.insert(div.short_code.clone());
        }
    }
    // Base points: the 2016 centres, only for codes that still name the same unit in the
    // 2021 edition (a code reassigned to another committee would place it kilometres off).
    if let (Ok(old), new) = (builtin::taian_2016(), builtin::taian_2021()) {
        for u in old.units.values() {
            let same = new.as_ref().map_or(true, |n| {
                n.units.get(&u.code).is_some_and(|v| v.name == u.name)
            });
            if let (Some(p), true) = (u.point, same) {
                refs.base_points.insert(u.code.clone(), p);
            }
        }
    }
    if let Ok(e) = builtin::taian_2021() {
        for u in e.units.values() {
            let short = match u.level {
                UnitLevel::City => &u.code[..4],
                UnitLevel::County => &u.code[..6],
                UnitLevel::Town => &u.code[..9],
                UnitLevel::Village => &u.code[..],
            };
            refs.unit_names
                .entry(short.to_owned())
                .or_insert_with(|| u.name.clone());
            // Village-level codes of the latest edition (K-4 judges 12-digit codes only
            // in counties such a table covers).
            if u.level == UnitLevel::Village && current.contains(&u.code[..9]) {
                current.insert(u.code.clone());
            }
        }
    }
    if !current.is_empty() {
        refs.current_units = Some(current);
        refs.reference_date = Some("2023（县、乡级，全国）/ 2021（村级，泰安市）".to_owned());
    }
    refs
}

/// [`builtin_refs`], built once per process (they are parsed from the shipped tables,
/// which takes longer than checking one record).
pub fn shared_refs() -> &'static Refs {
    static REFS: std::sync::OnceLock<Refs> = std::sync::OnceLock::new();
    REFS.get_or_init(builtin_refs)
}

/// A stored record as the quality rules judge it: without `workflow_status`, which belongs
/// to the store's workflow (the app writes it on every save), not to the form, so form
/// validation would take it for an unknown field (the app's live checks drop it as well).
pub fn form_view(mut record: Record) -> Record {
    record.fields.remove("workflow_status");
    record
}

/// Everything of a survey the bundle stage looks at, read through the store.
pub struct SurveyData {
    /// Every record.
    pub records: Vec<Record>,
    /// The investigation list.
    pub list: Vec<ListEntry>,
    /// The media store.
    pub media: Vec<MediaItem>,
    /// The audit log (one summary per entry, oldest first).
    pub changes: Vec<Change>,
}

/// Reads what the QA engine needs from an open survey.
pub fn read_survey(store: &Store) -> Result<SurveyData> {
    let at = |e: toponym_store::StoreError| OpsError::Store(e.in_file(store.path()));
    let records: Vec<Record> = store
        .all_records()
        .map_err(at)?
        .into_iter()
        .map(form_view)
        .collect();
    let list = store
        .investigation_list(None)
        .map_err(at)?
        .into_iter()
        .map(|e| ListEntry {
            code: e.code,
            template_id: e.template_id,
            standard_name: e.standard_name,
            closure: e.closure.map(|c| match c {
                Closure::Form { record_id } => ListClosure::Form(record_id),
                Closure::Abolished { reason } => ListClosure::Without {
                    kind: "注销".into(),
                    reason,
                },
                Closure::NotFound { reason } => ListClosure::Without {
                    kind: "查无此地".into(),
                    reason,
                },
            }),
        })
        .collect();
    let media = store
        .media_check()
        .map_err(at)?
        .into_iter()
        .map(|(m, intact)| MediaItem {
            sha256: m.sha256,
            file_name: m.file_name,
            intact,
            exif_point: m.exif_point,
            exif_time: m.exif_time,
        })
        .collect();
    let changes = store
        .changes()
        .map_err(at)?
        .into_iter()
        .map(|c| Change {
            record_id: c.record_id,
            at: c.at,
            actor: c.actor,
            field: c.field,
        })
        .collect();
    Ok(SurveyData {
        records,
        list,
        media,
        changes,
    })
}

/// Runs every rule up to `stage` over a survey's data.
pub fn check_survey(
    engine: &Engine,
    data: &SurveyData,
    catalog: &Catalog,
    validate: ValidateOptions,
    stage: Stage,
) -> Report {
    let refs = builtin_refs();
    let options = Options { validate };
    engine.run(
        &SurveyInput {
            records: &data.records,
            list: &data.list,
            media: &data.media,
            changes: &data.changes,
            has_store: true,
            catalog,
            refs: &refs,
            options: &options,
        },
        stage,
    )
}

/// A report with the warnings surveyors accepted with a reason: every finding is still
/// listed; an overridden WARNING carries its override (reason, who, when), and the counts
/// say how many warnings are overridden (by rule, template, township and registrar).
/// Overrides whose finding is gone are not shown. Serialises as the report's JSON with an
/// `override` object on each overridden finding and an `overridden` count section.
#[derive(Debug, Clone, PartialEq)]
pub struct QaReport {
    /// The engine's report.
    pub report: Report,
    /// The override of each finding of `report.findings` (same index), if any.
    pub overrides: Vec<Option<Override>>,
    /// How many warnings are overridden.
    pub overridden: OverriddenCounts,
}

/// Counts of overridden warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OverriddenCounts {
    /// All overridden warnings.
    pub warnings: u64,
    /// By rule id.
    pub by_rule: BTreeMap<String, u64>,
    /// By template id.
    pub by_template: BTreeMap<String, u64>,
    /// By township code.
    pub by_township: BTreeMap<String, u64>,
    /// By registrar.
    pub by_registrar: BTreeMap<String, u64>,
}

impl QaReport {
    /// Marks the findings of `report` that `overrides` accept: a WARNING of the same
    /// record, rule and path.
    pub fn new(report: Report, overrides: &[Override]) -> QaReport {
        let index: BTreeMap<(&str, &str, &str), &Override> = overrides
            .iter()
            .map(|o| ((o.record_id.as_str(), o.rule.as_str(), o.path.as_str()), o))
            .collect();
        let mut counts = OverriddenCounts::default();
        let marks: Vec<Option<Override>> = report
            .findings
            .iter()
            .map(|f| {
                if f.severity != Severity::Warning {
                    return None;
                }
                let key = (f.record_id.as_deref()?, f.rule.as_deref()?, f.path.as_str());
                let o = index.get(&key)?;
                counts.warnings += 1;
                *counts.by_rule.entry(key.1.to_owned()).or_default() += 1;
                if let Some(s) = report.subjects.get(key.0) {
                    *counts.by_template.entry(s.template.clone()).or_default() += 1;
                    *counts.by_township.entry(s.township.clone()).or_default() += 1;
                    *counts.by_registrar.entry(s.registrar.clone()).or_default() += 1;
                }
                Some((*o).clone())
            })
            .collect();
        QaReport {
            report,
            overrides: marks,
            overridden: counts,
        }
    }

    /// A report without overrides (record files have none).
    pub fn unmarked(report: Report) -> QaReport {
        QaReport::new(report, &[])
    }

    /// The override of finding `i`, if it has one.
    pub fn override_of(&self, i: usize) -> Option<&Override> {
        self.overrides.get(i).and_then(Option::as_ref)
    }

    /// Whether an ERROR or BLOCKER is open (overrides never close one).
    pub fn has_open_errors(&self) -> bool {
        self.report.has_open_errors()
    }

    /// The report as JSON: the engine's report, an `override` object (`reason`, `actor`,
    /// `at`, `seq`) on each overridden finding, and `overridden` counts.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(&self.report).unwrap_or_default();
        if let Some(list) = v.get_mut("findings").and_then(|f| f.as_array_mut()) {
            for (f, o) in list.iter_mut().zip(&self.overrides) {
                if let (Some(obj), Some(o)) = (f.as_object_mut(), o) {
                    obj.insert(
                        "override".into(),
                        serde_json::json!({
                            "reason": o.reason,
                            "actor": o.actor,
                            "at": o.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
                            "seq": o.seq,
                        }),
                    );
                }
            }
        }
        if let Some(obj) = v.as_object_mut() {
            obj.insert(
                "overridden".into(),
                serde_json::to_value(&self.overridden).unwrap_or_default(),
            );
        }
        v
    }
}

impl Serialize for QaReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

/// The survey-wide check of an open survey with its overrides: reads the survey, runs
/// every rule up to `stage` and marks the accepted warnings.
pub fn check_store(
    engine: &Engine,
    store: &Store,
    catalog: &Catalog,
    validate: ValidateOptions,
    stage: Stage,
) -> Result<QaReport> {
    let data = read_survey(store)?;
    let report = check_survey(engine, &data, catalog, validate, stage);
    let overrides = store
        .overrides()
        .map_err(|e| OpsError::Store(e.in_file(store.path())))?;
    Ok(QaReport::new(report, &overrides))
}

/// Runs every rule up to `stage` over record files (no list, media or log: the rules
/// that need them say "not checked").
pub fn check_records(
    engine: &Engine,
    records: &[Record],
    catalog: &Catalog,
    validate: ValidateOptions,
    stage: Stage,
) -> Report {
    let refs = builtin_refs();
    let options = Options { validate };
    engine.run(
        &SurveyInput {
            records,
            list: &[],
            media: &[],
            changes: &[],
            has_store: false,
            catalog,
            refs: &refs,
            options: &options,
        },
        stage,
    )
}

/// Writes the report as an XLSX workbook through the one safe-output path: a summary
/// sheet, the findings, counts by rule, template, township and registrar, and the
/// coverage table; Chinese headers, frozen header rows and filters on every sheet. An
/// overridden warning has its reason, who and when in the findings sheet, and the counts
/// have a column of overridden warnings.
pub fn write_xlsx(report: &QaReport, out: &Path, replace: bool) -> Result<std::path::PathBuf> {
    let bytes = xlsx_bytes(report).map_err(|e| OpsError::Generator(format!("XLSX: {e}")))?;
    let file = toponym_io::OutputFile::create(out, toponym_io::OutputOptions::replacing(replace))?;
    Ok(file.write_all_and_commit(&bytes)?)
}

fn xlsx_bytes(marked: &QaReport) -> std::result::Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let report = &marked.report;
    let overridden = &marked.overridden;
    use rust_xlsxwriter::{Format, Workbook, Worksheet};
    let mut wb = Workbook::new();
    let head = Format::new().set_bold().set_background_color("#DDEBF7");
    // Column widths by hand: autofit counts a CJK character as half its width.
    fn table(
        ws: &mut Worksheet,
        head: &Format,
        headers: &[(&str, f64)],
        rows: &[Vec<String>],
    ) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
        for (c, (h, w)) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, head)?;
            ws.set_column_width(c as u16, *w)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                // Counts are numbers (so that filters and sums work); codes stay text.
                match v.parse::<u64>() {
                    Ok(n) if headers[c as usize].1 < 11.0 => ws.write_number(r, c, n as f64)?,
                    _ => ws.write_string(r, c, v)?,
                };
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(
            0,
            0,
            rows.len() as u32,
            headers.len().saturating_sub(1) as u16,
        )?;
        Ok(())
    }
    let t = &report.totals;
    let summary = vec![
        vec![
            "质检方案 Profile".into(),
            format!("{} v{}", report.profile.id, report.profile.version),
        ],
        vec![
            "参数版本 Parameters".into(),
            report.profile.params_version.clone(),
        ],
        vec![
            "停用规则 Disabled".into(),
            report.profile.disabled.join("、"),
        ],
        vec![
            "检查阶段 Stage".into(),
            format!("{} {}", report.stage.zh(), report.stage.as_str()),
        ],
        vec!["记录数 Records".into(), report.records.to_string()],
        vec!["BLOCKER".into(), t.blocker.to_string()],
        vec!["ERROR".into(), t.error.to_string()],
        vec!["WARNING".into(), t.warning.to_string()],
        vec![
            "其中已说明理由接受 WARNING overridden".into(),
            overridden.warnings.to_string(),
        ],
        vec!["INFO".into(), t.info.to_string()],
    ];
    table(
        wb.add_worksheet().set_name("概况")?,
        &head,
        &[("项目", 24.0), ("值", 40.0)],
        &summary,
    )?;
    let findings: Vec<Vec<String>> = report
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let s = f.record_id.as_ref().and_then(|id| report.subjects.get(id));
            let o = marked.override_of(i);
            vec![
                f.severity.as_str().into(),
                f.rule.clone().unwrap_or_else(|| "-".into()),
                f.stage.zh().into(),
                f.record_id.clone().unwrap_or_default(),
                s.map(|s| s.name.clone()).unwrap_or_default(),
                s.map(|s| s.template.clone()).unwrap_or_default(),
                s.map(|s| s.township_name.clone()).unwrap_or_default(),
                s.map(|s| s.registrar.clone()).unwrap_or_default(),
                f.path.clone(),
                f.message.zh.clone(),
                f.message.en.clone(),
                o.map(|_| "已说明理由接受 accepted".to_owned())
                    .unwrap_or_default(),
                o.map(|o| o.reason.clone()).unwrap_or_default(),
                o.map(|o| o.actor.clone()).unwrap_or_default(),
                o.map(|o| {
                    o.at.format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default()
                })
                .unwrap_or_default(),
            ]
        })
        .collect();
    table(
        wb.add_worksheet().set_name("问题清单")?,
        &head,
        &[
            ("严重程度", 11.0),
            ("规则", 7.0),
            ("阶段", 9.0),
            ("记录标识", 38.0),
            ("标准名称", 20.0),
            ("样表", 26.0),
            ("乡镇", 14.0),
            ("登记人", 10.0),
            ("字段", 24.0),
            ("问题说明", 70.0),
            ("Message", 70.0),
            ("处理", 22.0),
            ("接受理由", 50.0),
            ("接受人", 12.0),
            ("接受时间", 26.0),
        ],
        &findings,
    )?;
    let counts = |m: &BTreeMap<String, toponym_qa::Counts>,
                  accepted: &BTreeMap<String, u64>,
                  label: &dyn Fn(&str) -> String| {
        m.iter()
            .map(|(k, c)| {
                vec![
                    k.clone(),
                    label(k),
                    c.blocker.to_string(),
                    c.error.to_string(),
                    c.warning.to_string(),
                    accepted.get(k).copied().unwrap_or(0).to_string(),
                    c.info.to_string(),
                    c.total().to_string(),
                ]
            })
            .collect::<Vec<_>>()
    };
    let cols = |a: &'static str, b: &'static str| {
        [
            (a, 26.0),
            (b, 30.0),
            ("BLOCKER", 10.0),
            ("ERROR", 10.0),
            ("WARNING", 10.0),
            ("其中已接受", 10.0),
            ("INFO", 10.0),
            ("合计", 8.0),
        ]
    };
    let title = |id: &str| {
        report
            .coverage
            .iter()
            .find(|c| c.rule == id)
            .map(|c| c.title_zh.clone())
            .unwrap_or_default()
    };
    table(
        wb.add_worksheet().set_name("按规则")?,
        &head,
        &cols("规则", "名称"),
        &counts(&report.by_rule, &overridden.by_rule, &title),
    )?;
    let catalog = Catalog::builtin();
    let tname = |id: &str| {
        catalog
            .template(id)
            .map(|t| t.name_zh.clone())
            .unwrap_or_default()
    };
    table(
        wb.add_worksheet().set_name("按样表")?,
        &head,
        &cols("样表", "样表名称"),
        &counts(&report.by_template, &overridden.by_template, &tname),
    )?;
    let refs = builtin_refs();
    let uname = |c: &str| refs.unit_name(c).to_owned();
    table(
        wb.add_worksheet().set_name("按乡镇")?,
        &head,
        &cols("行政区代码", "名称"),
        &counts(&report.by_township, &overridden.by_township, &uname),
    )?;
    table(
        wb.add_worksheet().set_name("按登记人")?,
        &head,
        &cols("登记人", "-"),
        &counts(&report.by_registrar, &overridden.by_registrar, &|_| {
            String::new()
        }),
    )?;
    let coverage: Vec<Vec<String>> = report
        .coverage
        .iter()
        .map(|c| {
            vec![
                c.rule.clone(),
                c.title_zh.clone(),
                c.stage.zh().into(),
                c.severity.as_str().into(),
                c.status.zh().into(),
                c.checked.to_string(),
                c.skipped
                    .iter()
                    .map(|s| format!("{}（{}）", s.reason.zh, s.count))
                    .collect::<Vec<_>>()
                    .join("；"),
                c.findings.to_string(),
                c.implemented_in.clone(),
            ]
        })
        .collect();
    table(
        wb.add_worksheet().set_name("检查覆盖")?,
        &head,
        &[
            ("规则", 7.0),
            ("名称", 26.0),
            ("阶段", 9.0),
            ("严重程度", 11.0),
            ("状态", 10.0),
            ("已检查", 8.0),
            ("未检查原因", 50.0),
            ("问题数", 8.0),
            ("实现", 16.0),
        ],
        &coverage,
    )?;
    wb.save_to_buffer()
}
