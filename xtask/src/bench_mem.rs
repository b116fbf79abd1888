//! `cargo xtask bench-mem [--cap-mib N] [--files K]`: peak resident memory of
//! `toponym survey add` and `toponym validate` on inputs at the record-file cap (issue 12:
//! input caps). Each command runs in a release build under `/usr/bin/time`, whose `%M` is
//! the child's peak RSS from `wait4` (the kernel's figure, not a sample). The inputs:
//!
//! * one file of many ordinary records, just under the cap;
//! * one file holding a single record whose description fills the cap;
//! * K files (default 4) of many records, each just under the cap;
//! * a one-record file, for the floor (what the process needs with no input at all).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde_json::Value;
use toponym_core::{IdGenerator, SeededIdGenerator};
use toponym_store::{KdfParams, Passphrase, Store};

const USAGE: &str = "usage: cargo xtask bench-mem [--cap-mib N] [--files K] [--debug]";
const PASS: &str = "bench-mem-passphrase";

/// One measured command.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// The input.
    pub case: String,
    /// `survey add` or `validate`.
    pub command: &'static str,
    /// Bytes of input.
    pub input_bytes: u64,
    /// Peak RSS in KiB.
    pub peak_kib: u64,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Exit code (1 from `validate` only means findings).
    pub exit: i32,
}

/// Entry point.
pub fn main(root: &Path, args: &[String]) -> Result<()> {
    let mut cap_mib: u64 = 32;
    let mut files: usize = 4;
    let mut release = true;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--cap-mib" => {
                cap_mib = it.next().context(USAGE)?.parse().context("--cap-mib")?;
            }
            "--files" => files = it.next().context(USAGE)?.parse().context("--files")?,
            "--debug" => release = false,
            _ => bail!("unknown argument {a}; {USAGE}"),
        }
    }
    if !Path::new("/usr/bin/time").exists() {
        bail!("/usr/bin/time is missing (apt-get install time)");
    }
    let bins = crate::soak::build_bins(root, release)?;
    let work = std::env::temp_dir().join(format!("toponym-bench-mem-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let r = measure_all(root, &bins.toponym, &work, cap_mib << 20, files);
    let _ = std::fs::remove_dir_all(&work);
    let rows = r?;
    println!(
        "bench-mem: cap {cap_mib} MiB per record file, {} build, {}",
        if release { "release" } else { "debug" },
        bins.toponym.display()
    );
    print!("{}", table(&rows));
    Ok(())
}

/// The figures as a Markdown table.
pub fn table(rows: &[Measurement]) -> String {
    let mut s = String::from(
        "| input | command | input MiB | peak RSS MiB | RSS / input | wall s | exit |\n\
         |---|---|---:|---:|---:|---:|---:|\n",
    );
    for m in rows {
        let input = m.input_bytes as f64 / 1048576.0;
        let peak = m.peak_kib as f64 / 1024.0;
        let _ = writeln!(
            s,
            "| {} | {} | {input:.1} | {peak:.0} | {:.1}× | {:.2} | {} |",
            m.case,
            m.command,
            if input >= 1.0 { peak / input } else { 0.0 },
            m.seconds,
            m.exit
        );
    }
    s
}

/// Sample records to build inputs from.
fn samples(root: &Path) -> Result<Vec<Value>> {
    let dir = root.join("samples/taishan/records");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&f)?)?;
        if let Some(o) = v.as_object_mut() {
            o.remove("workflow_status"); // drafts may be incomplete
        }
        if let Some(fields) = v.get_mut("fields").and_then(Value::as_object_mut) {
            fields.remove("media");
        }
        out.push(v);
    }
    if out.is_empty() {
        bail!("no sample records in {}", dir.display());
    }
    Ok(out)
}

/// A JSON array of sample records under fresh ids, as large as fits under `cap` bytes.
fn many_records(samples: &[Value], ids: &SeededIdGenerator, cap: u64) -> Result<Vec<u8>> {
    let mut out = b"[".to_vec();
    for i in 0.. {
        let mut v = samples[i % samples.len()].clone();
        v["record_id"] = Value::String(ids.next_id().to_string());
        let text = serde_json::to_vec(&v)?;
        if (out.len() + text.len() + 2) as u64 > cap {
            break;
        }
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&text);
    }
    out.push(b']');
    Ok(out)
}

/// One record whose description makes the file just under `cap` bytes.
fn one_big_record(samples: &[Value], ids: &SeededIdGenerator, cap: u64) -> Result<Vec<u8>> {
    let mut v = samples[0].clone();
    v["record_id"] = Value::String(ids.next_id().to_string());
    v["fields"]["description"] = Value::String(String::new());
    let base = serde_json::to_vec(&v)?.len() as u64;
    // 描 is three bytes of UTF-8.
    let n = cap.saturating_sub(base + 16) / 3;
    v["fields"]["description"] = Value::String("描".repeat(n as usize));
    Ok(serde_json::to_vec(&v)?)
}

fn measure_all(
    root: &Path,
    toponym: &Path,
    work: &Path,
    cap: u64,
    files: usize,
) -> Result<Vec<Measurement>> {
    let samples = samples(root)?;
    let ids = SeededIdGenerator::new(1_780_000_000_000, 0xBE7C);
    let mut cases: Vec<(String, Vec<PathBuf>)> = Vec::new();
    let write = |name: &str, bytes: Vec<u8>| -> Result<PathBuf> {
        let p = work.join(name);
        std::fs::write(&p, bytes)?;
        Ok(p)
    };
    let one = write("one-record.json", many_records(&samples, &ids, 6000)?)?;
    cases.push(("one record (floor)".into(), vec![one]));
    let many = write("many.json", many_records(&samples, &ids, cap)?)?;
    cases.push(("records, one file at the cap".into(), vec![many]));
    let big = write("big-field.json", one_big_record(&samples, &ids, cap)?)?;
    cases.push(("one record, one field filling the cap".into(), vec![big]));
    let mut several = Vec::new();
    for k in 0..files {
        several.push(write(
            &format!("many-{k}.json"),
            many_records(&samples, &ids, cap)?,
        )?);
    }
    cases.push((format!("records, {files} files at the cap"), several));

    let mut rows = Vec::new();
    for (i, (case, inputs)) in cases.iter().enumerate() {
        let input_bytes: u64 = inputs
            .iter()
            .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
            .sum();
        let mut validate = vec!["validate".to_owned()];
        validate.extend(inputs.iter().map(|p| p.display().to_string()));
        rows.push(measure(
            toponym,
            work,
            case,
            "validate",
            &validate,
            input_bytes,
        )?);

        let survey = work.join(format!("survey-{i}.toponym"));
        Store::create(
            &survey,
            &Passphrase::new(PASS),
            KdfParams::insecure_for_tests(),
        )?;
        let mut add = vec![
            "survey".to_owned(),
            "add".to_owned(),
            survey.display().to_string(),
        ];
        add.extend(inputs.iter().map(|p| p.display().to_string()));
        rows.push(measure(
            toponym,
            work,
            case,
            "survey add",
            &add,
            input_bytes,
        )?);
    }
    Ok(rows)
}

fn measure(
    toponym: &Path,
    work: &Path,
    case: &str,
    command: &'static str,
    args: &[String],
    input_bytes: u64,
) -> Result<Measurement> {
    let report = work.join("time.txt");
    let t = Instant::now();
    let status = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(toponym)
        .args(args)
        .env("TOPONYM_PASSPHRASE", PASS)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .context("running /usr/bin/time")?;
    let seconds = t.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&report)?;
    // GNU time prefixes "Command exited with non-zero status N" on its own line.
    let peak_kib: u64 = text
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .with_context(|| format!("cannot read /usr/bin/time's report: {text:?}"))?;
    let exit = status.code().unwrap_or(-1);
    if command == "survey add" && exit != 0 {
        eprintln!("bench-mem: warning: `survey add` on {case} exited {exit}");
    }
    Ok(Measurement {
        case: case.to_owned(),
        command,
        input_bytes,
        peak_kib,
        seconds,
        exit,
    })
}
