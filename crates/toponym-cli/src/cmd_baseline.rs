//! `toponym survey import-baseline <survey> --county 370902`: fills a county's
//! investigation list (地名调查目录) from the 2016 and 2021 statistical division tables.
//! A thin adapter over `toponym_ops::baseline`; every source is parsed before the survey is
//! touched, so a bad file changes nothing and is reported with its file, line and reason.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use toponym_ops::baseline::{import_baseline, load_editions, load_reference_tables};
use toponym_ops::survey::Passphrase;

/// Arguments of `toponym survey import-baseline`.
#[derive(Args)]
pub struct ImportBaselineArgs {
    /// The survey file.
    survey: PathBuf,
    /// County code (6 digits); repeat for several, e.g. --county 370902 --county 370911.
    #[arg(long, required = true)]
    county: Vec<String>,
    /// The older edition (Vonng/adcode 2016 CSV layout) instead of the shipped one.
    #[arg(long)]
    old: Option<PathBuf>,
    /// The newer edition (NBS code,name,parent_code,level CSV) instead of the shipped one.
    #[arg(long)]
    new: Option<PathBuf>,
    /// Also load the shipped reference tables (division codes, code history, …) read-only.
    #[arg(long)]
    with_reference: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn passphrase() -> Result<Passphrase, String> {
    crate::cmd_survey::passphrase(false)
}

/// Runs the import; exit 0 on success, 2 on a usage, input or store error.
pub fn run(a: ImportBaselineArgs) -> ExitCode {
    match run_inner(a) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_inner(a: ImportBaselineArgs) -> Result<(), String> {
    for c in &a.county {
        if c.len() != 6 || !c.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "--county {c}: a county code has 6 digits, e.g. 370902"
            ));
        }
    }
    // Parse both editions first: a malformed file must not leave a half-imported survey.
    let (old, new) =
        load_editions(a.old.as_deref(), a.new.as_deref()).map_err(|e| e.to_string())?;
    let pass = passphrase()?;
    let mut store = crate::open_survey(&a.survey, &pass).map_err(|e| e.to_string())?;
    let mut reports = Vec::new();
    let mut tables = Vec::new();
    if a.with_reference {
        tables = load_reference_tables(&mut store, None).map_err(|e| e.to_string())?;
    }
    for c in &a.county {
        reports.push(import_baseline(&mut store, c, &old, &new).map_err(|e| e.to_string())?);
    }
    if a.json {
        let v = serde_json::json!({ "reference_tables": tables, "counties": reports });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return Ok(());
    }
    for (id, n) in &tables {
        println!("参考表 reference table {id}: {n} rows");
    }
    for r in &reports {
        let by: Vec<String> = r
            .counts
            .by_status
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        println!(
            "{} {}: {} 条目 entries ({}) from {} rows ({}) and {} rows ({}); {} new in the survey; {} rows skipped",
            r.county_name,
            r.county,
            r.counts.entries,
            by.join(", "),
            r.counts.old_rows,
            old.year,
            r.counts.new_rows,
            new.year,
            r.added,
            r.skipped.len()
        );
        for s in &r.skipped {
            println!(
                "  skipped {}, line {}: {} — {}",
                s.file, s.line, s.code, s.reason
            );
        }
    }
    Ok(())
}

/// Arguments of `toponym survey investigation`: list or close investigation-list entries.
#[derive(Args)]
pub struct InvestigationArgs {
    /// The survey file.
    survey: PathBuf,
    /// Only this county (6 digits).
    #[arg(long)]
    county: Option<String>,
    /// Only entries neither filled nor closed (what QA rule C-8 reports).
    #[arg(long)]
    open: bool,
    /// Close the entry with this code instead of listing.
    #[arg(long, value_name = "CODE")]
    close: Option<String>,
    /// How to close: 注销, 查无此地 (both need --reason) or form (needs --record).
    #[arg(long = "as", value_name = "KIND", requires = "close")]
    kind: Option<String>,
    /// Why the entry is closed as 注销/查无此地.
    #[arg(long)]
    reason: Option<String>,
    /// The record that fills the entry.
    #[arg(long)]
    record: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Lists (exit 1 when `--open` finds entries) or closes entries; 2 on errors.
pub fn run_investigation(a: InvestigationArgs) -> ExitCode {
    match investigation_inner(a) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn investigation_inner(a: InvestigationArgs) -> Result<ExitCode, String> {
    use toponym_ops::baseline::Closure;
    use toponym_ops::survey::Actor;
    let pass = passphrase()?;
    let mut store = crate::open_survey(&a.survey, &pass).map_err(|e| e.to_string())?;
    if let Some(code) = &a.close {
        let closure =
            match (a.kind.as_deref(), a.reason, a.record) {
                (Some("注销"), Some(reason), _) => Closure::Abolished { reason },
                (Some("查无此地"), Some(reason), _) => Closure::NotFound { reason },
                (Some("form"), _, Some(record_id)) => Closure::Form { record_id },
                _ => return Err(
                    "--close needs --as 注销|查无此地 with --reason, or --as form with --record"
                        .into(),
                ),
            };
        // The unlocked member closes it (the store names them).
        let who = store.actor_or(&Actor::new("toponym"));
        store
            .close_investigation_entry(code, &closure, &who)
            .map_err(|e| e.to_string())?;
        println!("已关闭 closed {code}");
        return Ok(ExitCode::SUCCESS);
    }
    let list = if a.open {
        store.open_investigation_entries(a.county.as_deref())
    } else {
        store.investigation_list(a.county.as_deref())
    }
    .map_err(|e| e.to_string())?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
    } else {
        for e in &list {
            let state = match &e.closure {
                None => "open".to_owned(),
                Some(c) => serde_json::to_value(c)
                    .ok()
                    .and_then(|v| v["kind"].as_str().map(str::to_owned))
                    .unwrap_or_default(),
            };
            println!(
                "{}\t{}\t{}\t{}\t{}",
                e.code, e.standard_name, e.template_id, e.suggested_status, state
            );
        }
        eprintln!("{} 条目 entries", list.len());
    }
    Ok(if a.open && !list.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
