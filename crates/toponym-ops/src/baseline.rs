//! Use case: build a county's investigation list (地名调查目录) from the 2016 and 2021
//! statistical division tables, and load the shipped reference tables into a survey.
//!
//! Every source file is parsed and checked before the survey is touched, and the entries
//! are written in one transaction, so a malformed or truncated file leaves the survey as
//! it was and the error names the file, line and reason.

use std::path::Path;

use serde::Serialize;
use serde_json::{json, Value};
use toponym_reference::{
    builtin, plan_baseline, BaselineCounts, Edition, Provenance, RefError, SkippedRow,
};
use toponym_store::{NewInvestigationEntry, Store, StoreError};

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BaselineError {
    /// A source table is malformed or truncated.
    #[error(transparent)]
    Reference(#[from] RefError),
    /// A source file cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The survey refused the write.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The two editions to compare: the shipped ones, or files given by the user.
pub fn load_editions(
    old: Option<&Path>,
    new: Option<&Path>,
) -> Result<(Edition, Edition), BaselineError> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|source| BaselineError::Io {
            path: p.display().to_string(),
            source,
        })
    };
    let old = match old {
        Some(p) => {
            let (shipped, _) = builtin::table("taian_2016")?;
            let prov = Provenance {
                file: p.display().to_string(),
                source: format!("file {}", p.display()),
                sha256: String::new(),
                ..shipped
            };
            Edition::parse_vonng(prov, 2016, &read(p)?)?
        }
        None => builtin::taian_2016()?,
    };
    let new = match new {
        Some(p) => {
            let (shipped, _) = builtin::table("taian_2021")?;
            let prov = Provenance {
                file: p.display().to_string(),
                source: format!("file {}", p.display()),
                sha256: String::new(),
                ..shipped
            };
            Edition::parse_nbs(prov, 2021, &read(p)?)?
        }
        None => builtin::taian_2021()?,
    };
    Ok((old, new))
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct BaselineReport {
    /// County code.
    pub county: String,
    /// County name.
    pub county_name: String,
    /// Source files.
    pub sources: Vec<String>,
    /// Counts from the plan (source rows, entries by status and template, skipped).
    pub counts: BaselineCounts,
    /// Entries newly added to the survey (0 on a repeated import).
    pub added: usize,
    /// Source rows not used, with the reason.
    pub skipped: Vec<SkippedRow>,
}

/// Plans and writes one county's investigation list.
pub fn import_baseline(
    store: &mut Store,
    county: &str,
    old: &Edition,
    new: &Edition,
) -> Result<BaselineReport, BaselineError> {
    let plan = plan_baseline(county, old, new)?;
    let source = format!(
        "{} ({}) vs {} ({})",
        old.provenance.file, old.year, new.provenance.file, new.year
    );
    let entries: Vec<NewInvestigationEntry> = plan
        .entries
        .iter()
        .map(|e| NewInvestigationEntry {
            county: county.to_owned(),
            code: e.code.clone(),
            template_id: e.template_id.clone(),
            suggested_status: e.status.as_zh().to_owned(),
            standard_name: e.standard_name.clone(),
            old_name: e.old_name.clone(),
            related_code: e.related_code.clone(),
            prefill: e.prefill.clone(),
            source: source.clone(),
        })
        .collect();
    let added = store.add_investigation_entries(&entries)?;
    Ok(BaselineReport {
        county: county.to_owned(),
        county_name: plan.county_name,
        sources: vec![old.provenance.file.clone(), new.provenance.file.clone()],
        counts: plan.counts,
        added,
        skipped: plan.skipped,
    })
}

fn rows<T: Serialize>(items: impl IntoIterator<Item = (String, T)>) -> Vec<(String, Value)> {
    items
        .into_iter()
        .map(|(k, v)| (k, serde_json::to_value(v).unwrap_or(Value::Null)))
        .collect()
}

fn prov_json(p: &Provenance) -> Value {
    serde_json::to_value(p).unwrap_or(Value::Null)
}

/// Loads every shipped reference table into the survey (read-only there). Returns
/// (table id, rows) per table.
pub fn load_reference_tables(store: &mut Store) -> Result<Vec<(String, u64)>, BaselineError> {
    let mut out = Vec::new();
    let d = builtin::divisions()?;
    let n = store.load_reference_table(
        &d.provenance.id,
        &prov_json(&d.provenance),
        &rows(d.iter().map(|x| (x.short_code.clone(), x))),
    )?;
    out.push((d.provenance.id.clone(), n));
    let h = builtin::code_history()?;
    let n = store.load_reference_table(
        &h.provenance.id,
        &prov_json(&h.provenance),
        &rows(
            h.iter()
                .map(|s| (format!("{}:{}:{}", s.code, s.start_year, s.line), s)),
        ),
    )?;
    out.push((h.provenance.id.clone(), n));
    let t = builtin::township_changes()?;
    let n = store.load_reference_table(
        &t.provenance.id,
        &prov_json(&t.provenance),
        &rows(
            t.changes
                .iter()
                .map(|c| (format!("{}:{:04}:{}", c.year, c.seq, c.line), c)),
        ),
    )?;
    out.push((t.provenance.id.clone(), n));
    let a = builtin::aliases()?;
    let n = store.load_reference_table(
        &a.short_names_provenance.id,
        &prov_json(&a.short_names_provenance),
        &rows(
            a.short_names
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("{}:{}:{i:05}", s.code, s.level), s)),
        ),
    )?;
    out.push((a.short_names_provenance.id.clone(), n));
    let n = store.load_reference_table(
        &a.renamings_provenance.id,
        &prov_json(&a.renamings_provenance),
        &rows(a.renamings.iter().map(|r| (format!("{:04}", r.line), r))),
    )?;
    out.push((a.renamings_provenance.id.clone(), n));
    let b = builtin::taian_boundaries()?;
    let n = store.load_reference_table(
        &b.provenance.id,
        &prov_json(&b.provenance),
        &rows(b.areas.iter().map(|x| (x.code.clone(), x))),
    )?;
    out.push((b.provenance.id.clone(), n));
    let (rp, river) = builtin::yellow_river()?;
    let n = store.load_reference_table(
        &rp.id,
        &prov_json(&rp),
        &[(
            "huang".to_owned(),
            json!({ "properties": river.properties, "geometry": river.geometry }),
        )],
    )?;
    out.push((rp.id.clone(), n));
    Ok(out)
}
