//! The baseline of an investigation list (地名调查目录): one entry per township and per
//! villagers' or residents' committee of a county, from two editions of the statistical
//! division table, with the template chosen from the code, pre-filled fields, and the
//! census status (地名普查状态) suggested by comparing the editions.
//!
//! Pure: takes two parsed editions, returns a plan (entries plus rows it could not use,
//! each with a reason). The store applies the plan in one transaction.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::editions::{Edition, StatUnit, UnitLevel};
use crate::error::RefError;

/// 地名普查状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum CensusStatus {
    /// 不变: same code, same name.
    #[serde(rename = "不变")]
    Unchanged,
    /// 修改: same code, different name.
    #[serde(rename = "修改")]
    Modified,
    /// 新增: code only in the newer edition.
    #[serde(rename = "新增")]
    Added,
    /// 注销: code only in the older edition.
    #[serde(rename = "注销")]
    Removed,
}

impl CensusStatus {
    /// The census term.
    pub fn as_zh(self) -> &'static str {
        match self {
            CensusStatus::Unchanged => "不变",
            CensusStatus::Modified => "修改",
            CensusStatus::Added => "新增",
            CensusStatus::Removed => "注销",
        }
    }
}

/// One investigation-list entry to create.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineEntry {
    /// 12-digit statistical code.
    pub code: String,
    /// Template id (`admin.township`, `selfgov.community`, `selfgov.village_committee`).
    pub template_id: String,
    /// Suggested 地名普查状态.
    pub status: CensusStatus,
    /// Name in the newer edition (the older one for 注销).
    pub standard_name: String,
    /// Name in the older edition when it differs.
    pub old_name: Option<String>,
    /// For 新增/注销: the code of a vanished/appeared unit in the same township with the same
    /// 专名, i.e. probably the same place re-coded (村委会 → 社区居委会).
    pub related_code: Option<String>,
    /// Pre-filled record fields, keyed as in `categories-and-templates.md`.
    pub prefill: Map<String, Value>,
}

/// A source row that did not become an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedRow {
    /// File.
    pub file: String,
    /// Line.
    pub line: u64,
    /// Code on that line.
    pub code: String,
    /// Why it was not used.
    pub reason: String,
}

/// Counts that let a person check the plan against the source tables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BaselineCounts {
    /// Township and committee rows of the county in the older edition.
    pub old_rows: usize,
    /// Same in the newer edition.
    pub new_rows: usize,
    /// Entries by status.
    pub by_status: BTreeMap<String, usize>,
    /// Entries by template.
    pub by_template: BTreeMap<String, usize>,
    /// Entries in total.
    pub entries: usize,
    /// Rows skipped.
    pub skipped: usize,
}

/// The result of [`plan_baseline`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselinePlan {
    /// 6-digit county code.
    pub county: String,
    /// County name (newer edition).
    pub county_name: String,
    /// Older edition year.
    pub old_year: i32,
    /// Newer edition year.
    pub new_year: i32,
    /// Entries in code order.
    pub entries: Vec<BaselineEntry>,
    /// Rows not used, with reasons.
    pub skipped: Vec<SkippedRow>,
    /// Counts.
    pub counts: BaselineCounts,
}

/// Which template a 12-digit code asks for, or why none fits.
pub fn template_for_code(
    code: &str,
    level: UnitLevel,
) -> Result<(&'static str, Option<&'static str>), String> {
    let town: u32 = code
        .get(6..9)
        .and_then(|s| s.parse().ok())
        .ok_or("code has no township segment")?;
    let village: u32 = code
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .ok_or("code has no village segment")?;
    match (level, village) {
        (UnitLevel::Town, 0) => match town {
            1..=99 => Ok(("admin.township", Some("街道"))),
            100..=199 => Ok(("admin.township", Some("镇"))),
            200..=399 => Ok(("admin.township", Some("乡"))),
            400..=599 => Err(format!(
                "township segment {town:03} is a 政企合一 unit (GB/T 10114 400–599), not a township template"
            )),
            _ => Err(format!("township segment {town:03} is outside the GB/T 10114 ranges")),
        },
        (UnitLevel::Town, _) => Err("level is town but the village segment is not 000".into()),
        (UnitLevel::Village, 0) => Err("level is village but the village segment is 000".into()),
        (UnitLevel::Village, 1..=199) => Ok(("selfgov.community", None)),
        (UnitLevel::Village, 200..=399) => Ok(("selfgov.village_committee", None)),
        (UnitLevel::Village, v) => Err(format!(
            "village segment {v:03} is a statistics-only unit (400–599, e.g. a farm 管理区), not a committee"
        )),
        _ => Err("not a township or committee row".into()),
    }
}

/// The name with the organ suffixes the editions disagree on made uniform, for comparison
/// only (泰前街道办事处 = 泰前街道; 村民委员会 = 村委会; 居民委员会 = 居委会).
pub fn comparable_name(name: &str) -> String {
    let mut n = name.trim().to_owned();
    if let Some(s) = n.strip_suffix("办事处") {
        n = s.to_owned();
    }
    n.replace("村民委员会", "村委会")
        .replace("居民委员会", "居委会")
}

/// The 专名-like core of a committee name, used to spot a village re-coded as a community.
fn core_name(name: &str) -> String {
    let mut n = comparable_name(name);
    for suffix in ["社区居委会", "居委会", "村委会", "社区"] {
        if let Some(s) = n.strip_suffix(suffix) {
            n = s.to_owned();
            break;
        }
    }
    n
}

fn prefill(
    u: &StatUnit,
    other: Option<&StatUnit>,
    template: &str,
    division_type: Option<&str>,
    status: CensusStatus,
    old: &Edition,
    new: &Edition,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("standard_name".into(), json!(u.name));
    m.insert("census_status".into(), json!(status.as_zh()));
    let county = &u.code[..6];
    let town = &u.code[..9];
    if template == "admin.township" {
        m.insert("division_code".into(), json!(town));
        if let Some(t) = division_type {
            let t = if t == "乡" && u.name.contains("民族乡") {
                "民族乡"
            } else {
                t
            };
            m.insert("division_type".into(), json!(t));
        }
        m.insert("admin_areas".into(), json!([county]));
    } else {
        m.insert("stats_code".into(), json!(u.code));
        m.insert("admin_areas".into(), json!([county, town]));
    }
    if status != CensusStatus::Removed {
        m.insert("usage".into(), json!("现今地名"));
    }
    // 城乡分类代码 and the centre come only from the older edition (2016 has them).
    let with_extra = if u.urban_rural_code.is_some() || u.point.is_some() {
        Some(u)
    } else {
        other
    };
    let mut sources = vec![json!({
        "kind": "文献",
        "detail": format!("统计用区划代码 {} ({})", new.year, new.provenance.source),
    })];
    if let Some(src) = with_extra {
        if let Some(ur) = &src.urban_rural_code {
            m.insert("urban_rural_code".into(), json!(ur));
        }
        if let Some(p) = src.point {
            m.insert("rep_point".into(), json!([round6(p[0]), round6(p[1])]));
            m.insert("crs".into(), json!("CGCS2000"));
            m.insert("survey_method".into(), json!("图解"));
            m.insert("position_source".into(), json!("资料"));
            sources.push(json!({
                "kind": "文献",
                "detail": format!(
                    "定位点: {} {} centre, published in GCJ-02, converted to CGCS2000 ({})",
                    old.year,
                    old.provenance.id,
                    old.provenance.conversion.as_deref().unwrap_or("converted"),
                ),
            }));
        }
    }
    m.insert("sources".into(), Value::Array(sources));
    if let (CensusStatus::Modified, Some(o)) = (status, other) {
        m.insert(
            "former_names".into(),
            json!([{ "name": o.name, "note": format!("统计用区划代码 {} 名称", old.year) }]),
        );
    }
    m
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Plans the investigation-list baseline of one county from an older and a newer edition.
pub fn plan_baseline(county: &str, old: &Edition, new: &Edition) -> Result<BaselinePlan, RefError> {
    let key = format!("{county}000000");
    let county_name = new
        .units
        .get(&key)
        .or_else(|| old.units.get(&key))
        .map(|u| u.name.clone())
        .ok_or_else(|| RefError::NotFound {
            what: format!("county {county}"),
            table: format!("{} and {}", old.provenance.file, new.provenance.file),
        })?;
    let olds: BTreeMap<&str, &StatUnit> = old
        .in_county(county)
        .map(|u| (u.code.as_str(), u))
        .collect();
    let news: BTreeMap<&str, &StatUnit> = new
        .in_county(county)
        .map(|u| (u.code.as_str(), u))
        .collect();
    let codes: BTreeSet<&str> = olds.keys().chain(news.keys()).copied().collect();
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for code in codes {
        let (o, n) = (olds.get(code).copied(), news.get(code).copied());
        let (status, main, other) = match (o, n) {
            (Some(o), Some(n)) if comparable_name(&o.name) == comparable_name(&n.name) => {
                (CensusStatus::Unchanged, n, Some(o))
            }
            (Some(o), Some(n)) => (CensusStatus::Modified, n, Some(o)),
            (None, Some(n)) => (CensusStatus::Added, n, None),
            (Some(o), None) => (CensusStatus::Removed, o, None),
            (None, None) => continue,
        };
        match template_for_code(code, main.level) {
            Ok((template, division_type)) => {
                let prefill = prefill(main, other, template, division_type, status, old, new);
                entries.push(BaselineEntry {
                    code: code.to_owned(),
                    template_id: template.to_owned(),
                    status,
                    standard_name: main.name.clone(),
                    old_name: other
                        .filter(|o| o.name != main.name)
                        .map(|o| o.name.clone()),
                    related_code: None,
                    prefill,
                });
            }
            Err(reason) => {
                // Report the row in each edition it appears in.
                for (u, ed) in [(o, old), (n, new)] {
                    if let Some(u) = u {
                        skipped.push(SkippedRow {
                            file: ed.provenance.file.clone(),
                            line: u.line,
                            code: code.to_owned(),
                            reason: reason.clone(),
                        });
                    }
                }
            }
        }
    }
    link_recoded(&mut entries);
    let mut counts = BaselineCounts {
        old_rows: olds.len(),
        new_rows: news.len(),
        entries: entries.len(),
        skipped: skipped.len(),
        ..Default::default()
    };
    for e in &entries {
        *counts
            .by_status
            .entry(e.status.as_zh().to_owned())
            .or_default() += 1;
        *counts.by_template.entry(e.template_id.clone()).or_default() += 1;
    }
    Ok(BaselinePlan {
        county: county.to_owned(),
        county_name,
        old_year: old.year,
        new_year: new.year,
        entries,
        skipped,
        counts,
    })
}

/// Pairs 注销 and 新增 committees of one township that share a core name.
fn link_recoded(entries: &mut [BaselineEntry]) {
    let removed: Vec<(usize, String, String)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.status == CensusStatus::Removed && e.template_id != "admin.township")
        .map(|(i, e)| (i, e.code[..9].to_owned(), core_name(&e.standard_name)))
        .collect();
    for (ri, town, core) in removed {
        let hit = entries.iter().position(|e| {
            e.status == CensusStatus::Added
                && e.related_code.is_none()
                && e.code.starts_with(&town)
                && core_name(&e.standard_name) == core
        });
        if let Some(ai) = hit {
            let (rc, ac) = (entries[ri].code.clone(), entries[ai].code.clone());
            entries[ri].related_code = Some(ac);
            entries[ai].related_code = Some(rc);
        }
    }
}
