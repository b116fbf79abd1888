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
/// Closing an investigation-list entry (re-exported for the CLI and the app).
pub use toponym_store::{Closure, InvestigationEntry};
use toponym_store::{NewInvestigationEntry, Store};

use crate::OpsError;

/// The two editions to compare: the shipped ones, or files given by the user.
pub fn load_editions(
    old: Option<&Path>,
    new: Option<&Path>,
) -> Result<(Edition, Edition), OpsError> {
    let read = |p: &Path| read_text(p);
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

/// Reads a text file; bytes that are not UTF-8 are reported with their line, and a file
/// that stops inside a multi-byte character is reported as truncated.
pub fn read_text(p: &Path) -> Result<String, OpsError> {
    let file = p.display().to_string();
    let bytes = std::fs::read(p).map_err(|source| OpsError::Io {
        action: "read",
        path: p.to_owned(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..good].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        if e.utf8_error().error_len().is_none() {
            RefError::Truncated {
                file,
                line,
                reason: "the file stops inside a UTF-8 character".into(),
            }
            .into()
        } else {
            RefError::Malformed {
                file,
                line,
                reason: format!("byte {good} is not UTF-8"),
            }
            .into()
        }
    })
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
) -> Result<BaselineReport, OpsError> {
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

fn prov_json(p: &Provenance, scope: Option<&str>) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    if let (Some(s), Some(o)) = (scope, v.as_object_mut()) {
        o.insert(
            "scope".into(),
            json!(format!("rows whose code starts with {s}")),
        );
    }
    v
}

/// Loads every shipped reference table into the survey (read-only there), optionally only
/// the rows of one province or prefecture (`scope` = code prefix such as `37`), which keeps a
/// county's survey small; the scope is recorded in the provenance. Returns (table id, rows).
pub fn load_reference_tables(
    store: &mut Store,
    scope: Option<&str>,
) -> Result<Vec<(String, u64)>, OpsError> {
    let within = |code: &str| scope.is_none_or(|s| code.starts_with(s));
    let mut out = Vec::new();
    let d = builtin::divisions()?;
    let n = store.load_reference_table(
        &d.provenance.id,
        &prov_json(&d.provenance, scope),
        &rows(
            d.iter()
                .filter(|x| within(&x.short_code))
                .map(|x| (x.short_code.clone(), x)),
        ),
    )?;
    out.push((d.provenance.id.clone(), n));
    let h = builtin::code_history()?;
    let n = store.load_reference_table(
        &h.provenance.id,
        &prov_json(&h.provenance, scope),
        &rows(
            h.iter()
                .filter(|s| within(&s.code))
                .map(|s| (format!("{}:{}:{}", s.code, s.start_year, s.line), s)),
        ),
    )?;
    out.push((h.provenance.id.clone(), n));
    let t = builtin::township_changes()?;
    let n = store.load_reference_table(
        &t.provenance.id,
        &prov_json(&t.provenance, scope),
        &rows(
            t.changes
                .iter()
                .filter(|c| {
                    within(&c.province_code)
                        || scope.is_some_and(|s| c.province_code.starts_with(s))
                })
                .map(|c| (format!("{}:{:04}:{}", c.year, c.seq, c.line), c)),
        ),
    )?;
    out.push((t.provenance.id.clone(), n));
    let a = builtin::aliases()?;
    let n = store.load_reference_table(
        &a.short_names_provenance.id,
        &prov_json(&a.short_names_provenance, scope),
        &rows(
            a.short_names
                .iter()
                .filter(|s| within(&s.code))
                .enumerate()
                .map(|(i, s)| (format!("{}:{}:{i:05}", s.code, s.level), s)),
        ),
    )?;
    out.push((a.short_names_provenance.id.clone(), n));
    let n = store.load_reference_table(
        &a.renamings_provenance.id,
        &prov_json(&a.renamings_provenance, None),
        &rows(a.renamings.iter().map(|r| (format!("{:04}", r.line), r))),
    )?;
    out.push((a.renamings_provenance.id.clone(), n));
    // Derived: per county-level code, its 简称 and 曾用名 (documented renamings joined to
    // the division table, plus earlier names of the same code in the code history).
    let (resolved, _unresolved) = a.resolve(&d);
    let mut by_code: std::collections::BTreeMap<String, (Option<String>, Vec<Value>)> =
        Default::default();
    for sn in a.short_names.iter().filter(|s| within(&s.code)) {
        by_code
            .entry(sn.code.clone())
            .or_default()
            .0
            .get_or_insert_with(|| sn.short_name.clone());
    }
    for f in resolved.iter().filter(|f| within(&f.code)) {
        by_code.entry(f.code.clone()).or_default().1.push(json!({
            "name": f.former_name, "until": f.until.to_string(), "source": a.renamings_provenance.id,
        }));
    }
    for span in h.iter().filter(|s| within(&s.code)) {
        for (name, from, to) in h.former_names(&span.code) {
            let list = &mut by_code.entry(span.code.clone()).or_default().1;
            let v = json!({ "name": name, "from_year": from, "to_year": to, "source": h.provenance.id });
            if !list.contains(&v) {
                list.push(v);
            }
        }
    }
    let derived = Provenance {
        id: "aliases_by_code".into(),
        file: "(derived)".into(),
        title: "简称与曾用名（按代码）".into(),
        source: format!(
            "derived on load from {}, {} (joined to {}) and {}",
            a.short_names_provenance.id, a.renamings_provenance.id, d.provenance.id, h.provenance.id
        ),
        licence: "as the sources".into(),
        edition: d.provenance.edition.clone(),
        reference_date: d.provenance.reference_date.clone(),
        crs: "none".into(),
        conversion: None,
        notes: Some("Renamings whose new unit is not in the division table (e.g. the source's typo 云岗区) are left out.".into()),
        sha256: String::new(),
    };
    let n = store.load_reference_table(
        &derived.id,
        &prov_json(&derived, scope),
        &by_code
            .into_iter()
            .map(|(code, (short, former))| {
                (code, json!({ "short_name": short, "former_names": former }))
            })
            .collect::<Vec<_>>(),
    )?;
    out.push((derived.id.clone(), n));
    let b = builtin::taian_boundaries()?;
    let n = store.load_reference_table(
        &b.provenance.id,
        &prov_json(&b.provenance, None),
        &rows(b.areas.iter().map(|x| (x.code.clone(), x))),
    )?;
    out.push((b.provenance.id.clone(), n));
    let (rp, river) = builtin::yellow_river()?;
    let n = store.load_reference_table(
        &rp.id,
        &prov_json(&rp, None),
        &[(
            "huang".to_owned(),
            json!({ "properties": river.properties, "geometry": river.geometry }),
        )],
    )?;
    out.push((rp.id.clone(), n));
    Ok(out)
}
