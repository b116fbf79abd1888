//! `toponym survey import-baseline <survey> --county 370902`: fills a county's
//! investigation list (地名调查目录) from the 2016 and 2021 statistical division tables.
//! A thin adapter over `toponym_ops::baseline`; every source is parsed before the survey is
//! touched, so a bad file changes nothing and is reported with its file, line and reason.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use toponym_ops::baseline::{import_baseline, load_editions, load_reference_tables};
use toponym_ops::survey::{self, Passphrase};

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
    if let Ok(p) = std::env::var("TOPONYM_PASSPHRASE") {
        return Ok(Passphrase::new(p));
    }
    rpassword::prompt_password("口令 Passphrase: ")
        .map(Passphrase::new)
        .map_err(|e| format!("cannot read passphrase: {e}"))
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
    let mut store = survey::open(&a.survey, &pass).map_err(|e| e.to_string())?;
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
