//! `toponym dedup`: find the duplicate places of a records CSV and write clusters (and,
//! optionally, every link, review pair and look-alike with its signals). A thin adapter
//! over `toponym_dedup::Index`: this module does the file IO the engine never does —
//! streaming the CSV in chunks, a progress bar on stderr, and an atomic, private write of
//! the output through the one safe-output path (`toponym_io::OutputFile`).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Args as ClapArgs, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use toponym_dedup::input::Columns;
use toponym_dedup::{Index, Outcome, ReviewPolicy, Tables};

/// Records per chunk handed to the engine while reading.
const CHUNK: usize = 16_384;

/// What to do with review-band pairs when building clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Policy {
    /// Leave them in the review queue (clusters hold automatic links only).
    Queue,
    /// Accept a review pair when template and location agree, no `?` is involved and it is
    /// the best review pair of one of its records (an unattended stand-in for a reviewer).
    BestReview,
}

/// Arguments of `toponym dedup`.
#[derive(Debug, ClapArgs)]
#[command(about = "Find duplicate places in a records CSV and write clusters")]
pub struct Args {
    /// Records CSV with columns unique_id, name, template and optionally admin_code, lon,
    /// lat, aliases ('|'-separated); other columns are ignored.
    pub records: PathBuf,
    /// Output CSV: unique_id,cluster_id (cluster_id = the id of the cluster's first record).
    #[arg(long, value_name = "CSV")]
    pub out: PathBuf,
    /// Also write every automatic link, review pair and look-alike with its signals.
    #[arg(long, value_name = "CSV")]
    pub explain: Option<PathBuf>,
    /// Review-band pairs: keep them queued, or accept the best one per record.
    #[arg(long, value_enum, default_value_t = Policy::BestReview)]
    pub review_policy: Policy,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Replace existing output files (never the input, a store or a special file).
    #[arg(long)]
    pub replace: bool,
}

/// Runs the subcommand: 0 = written, 2 = bad input or usage.
pub fn run(args: Args) -> ExitCode {
    match run_inner(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            errln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The path as it will be once written (the file itself may not exist yet).
fn resolved(p: &Path) -> Result<PathBuf> {
    if let Ok(c) = p.canonicalize() {
        return Ok(c);
    }
    let parent = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let dir = parent
        .canonicalize()
        .with_context(|| format!("output directory {} does not exist", parent.display()))?;
    let name = p
        .file_name()
        .with_context(|| format!("{} is not a file path", p.display()))?;
    Ok(dir.join(name))
}

fn run_inner(args: &Args) -> Result<()> {
    let input = args
        .records
        .canonicalize()
        .with_context(|| format!("cannot open {}", args.records.display()))?;
    let out = resolved(&args.out)?;
    if out == input {
        bail!(
            "refusing to write {} over the input file",
            args.out.display()
        );
    }
    if let Some(ex) = &args.explain {
        let ex = resolved(ex)?;
        if ex == input || ex == out {
            bail!(
                "--explain {} must differ from the input and the output",
                ex.display()
            );
        }
    }
    let started = Instant::now();
    let bar = progress(
        args.quiet,
        std::fs::metadata(&input).map(|m| m.len()).unwrap_or(0),
    );
    let policy = match args.review_policy {
        Policy::Queue => ReviewPolicy::Queue,
        Policy::BestReview => ReviewPolicy::BestReview,
    };
    let mut index = Index::new(Tables::builtin().clone(), policy);
    if let Some(n) = args.threads {
        index = index.with_threads(n);
    }

    // Read in chunks on a thread of its own, so parsing the CSV overlaps with the keys
    // and pinyin of the previous chunk (which `push` computes on the worker threads).
    let file = args.records.display().to_string();
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(&input)
        .with_context(|| format!("cannot open {file}"))?;
    let header = rdr
        .headers()
        .with_context(|| format!("{file}: cannot read the header row"))?
        .clone();
    let cols = Columns::from_header(header.iter()).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<toponym_dedup::Observation>>(1);
    let row = std::thread::scope(|s| -> Result<usize> {
        let reader_bar = bar.clone();
        let file = &file;
        let reader = s.spawn(move || -> Result<usize> {
            let mut chunk = Vec::with_capacity(CHUNK);
            let mut rec = csv::StringRecord::new();
            let mut row = 0usize;
            loop {
                let more = rdr.read_record(&mut rec).map_err(|e| {
                    let line = e.position().map_or(0, |p| p.line());
                    anyhow::anyhow!("{file}, line {line}: {e}")
                })?;
                if more {
                    row += 1;
                    let o = cols
                        .observation(row, |i| rec.get(i))
                        .map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
                    chunk.push(o);
                }
                if chunk.len() == CHUNK || (!more && !chunk.is_empty()) {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                    if tx.send(full).is_err() {
                        break;
                    }
                    reader_bar.set_position(rdr.position().byte());
                    reader_bar.set_message(format!("read {row} records"));
                }
                if !more {
                    break;
                }
            }
            Ok(row)
        });
        for chunk in rx {
            index.push(&chunk);
        }
        reader
            .join()
            .map_err(|_| anyhow::anyhow!("{file}: the reader thread failed"))?
    })?;
    if row == 0 {
        bail!("{file} has no data rows");
    }
    let read_s = started.elapsed().as_secs_f64();
    bar.set_message(format!("linking {row} records"));
    let stats = index.link();
    bar.set_message("writing".to_string());
    let clusters = index.clusters();
    write_atomic(&out, args, |w| {
        writeln!(w, "unique_id,cluster_id")?;
        for (i, &c) in clusters.iter().enumerate() {
            writeln!(
                w,
                "{},{}",
                csv_field(index.id(i as u32)),
                csv_field(index.id(c))
            )?;
        }
        Ok(())
    })?;
    if let Some(ex) = &args.explain {
        write_atomic(ex, args, |w| write_explain(&index, w))?;
    }
    bar.finish_and_clear();
    let n_clusters = {
        let mut c = clusters.clone();
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    errln!(
        "{row} records → {n_clusters} clusters in {:.2} s: {} automatic links, {} accepted reviews, {} in review, {} held by cluster rules, {} look-alikes ({} candidate pairs)",
        started.elapsed().as_secs_f64(),
        stats.auto_links,
        stats.accepted_reviews,
        stats.reviews,
        stats.held,
        stats.look_alikes,
        stats.candidates
    );
    let st = stats.stage_seconds;
    errln!(
        "stages: reading and keys {read_s:.2} s, key blocks {:.2} s, spatial {:.2} s, scoring {:.2} s, decisions and clusters {:.2} s",
        st[0], st[1], st[2], st[3]
    );
    for n in index.notes().iter().take(5) {
        errln!(
            "note: record {}: {} ({})",
            index.id(n.record),
            n.message,
            n.code
        );
    }
    if index.notes().len() > 5 {
        errln!("note: … and {} more", index.notes().len() - 5);
    }
    Ok(())
}

fn progress(quiet: bool, len: u64) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{bar:30}] {bytes}/{total_bytes} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

fn write_explain(index: &Index, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(w, "a,b,outcome,score,signals,block,relation")?;
    for p in index.pairs() {
        let e = index.explain(p.a, p.b);
        let signals: Vec<String> = e
            .hits
            .iter()
            .map(|h| {
                let name = serde_json::to_value(h.signal)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                format!("{name}={}:{:+.3}", h.value, h.weight)
            })
            .collect();
        let outcome = match p.outcome {
            Outcome::AutoLink => "auto_link",
            Outcome::AcceptedReview => "accepted_review",
            Outcome::Review => "review",
            Outcome::HeldByCluster => "held_by_cluster",
            Outcome::LookAlike => "look_alike",
        };
        let block = e
            .block
            .and_then(|b| serde_json::to_value(b).ok())
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let relation = match &e.relation {
            Some((r, true)) => format!("a {r} b"),
            Some((r, false)) => format!("b {r} a"),
            None => String::new(),
        };
        writeln!(
            w,
            "{},{},{outcome},{:.3},{},{block},{relation}",
            csv_field(index.id(p.a)),
            csv_field(index.id(p.b)),
            p.score,
            signals.join(";")
        )?;
    }
    Ok(())
}

/// Writes `path` through the one safe-output path (`toponym_io::OutputFile`): never the
/// input, a store or a special file; an existing file only with `--replace`; a 0600
/// temporary renamed into place, so a reader never sees half a file and a failure leaves
/// no output.
fn write_atomic(
    path: &Path,
    args: &Args,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let opts = toponym_io::OutputOptions::replacing(args.replace).protecting(&args.records);
    let mut out = toponym_io::OutputFile::create(path, opts)?;
    let written = (|| -> std::io::Result<()> {
        let mut w = BufWriter::with_capacity(1 << 20, out.file());
        body(&mut w)?;
        w.flush()
    })();
    written.with_context(|| format!("cannot write {}", path.display()))?;
    out.commit()?;
    Ok(())
}
