//! `cargo xtask soak [--points N] [--seed S] [--release]`: the crash soak of issue 12
//! ("nothing lost, nothing leaked"). It kills every write path of the product with
//! SIGKILL at random moments drawn from a named seed (ChaCha8), reopens the survey and
//! checks that the file is sound (`PRAGMA integrity_check`, the audit hash chain), that
//! every acknowledged write is there and that the write in flight is all there or not
//! at all. The paths:
//!
//! * `survey add` of a batch of records (one or two files, new records and edits);
//! * `survey import-baseline` of one or two counties, with or without reference tables;
//! * the desktop app's save (`Session::record_save`, driven by `xtask soak-child`);
//! * the in-place migration of a survey made at an older schema (the store's fixture);
//! * `survey investigation --close`;
//! * `survey export-gpkg` (a killed export must not leave a damaged file under its name).
//!
//! A CLI command acknowledges by exiting 0; the `soak-child` loops print `begin`/`ack`
//! lines (see soak_child.rs). `xtask/tests/soak.rs` runs the same code with a small point
//! count as part of the workspace tests.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use toponym_core::{IdGenerator, Record, RecordId, SeededIdGenerator};
use toponym_store::{
    derive_key, sidecar_path, Actor, Closure, KdfParams, ListFilter, Passphrase, SearchKeys, Store,
};

/// Named seed of the default run.
pub const DEFAULT_SEED: u64 = 0x5EED_50A4_2026;
/// Points of the default (full) run.
pub const DEFAULT_POINTS: u64 = 10_000;
/// Passphrase of every survey the soak makes (≥ 8 characters, as new surveys require).
pub const PASS: &str = "soak-passphrase-2026";
/// Passphrase of the store's old-schema fixture.
const FIXTURE_PASS: &str = "fixture-2025";
/// The store's old-schema fixture (before migration 0004), relative to the repository.
const FIXTURE: &str = "crates/toponym-store/tests/fixtures/old-audit.toponym";
/// Counties of the shipped division tables.
const COUNTIES: &[&str] = &["370902", "370911"];

/// The write paths, with their share of the points (per cent).
pub const PATHS: &[(&str, u64)] = &[
    ("survey-add", 25),
    ("import-baseline", 15),
    ("app-save", 20),
    ("migrate", 5),
    ("investigation-close", 20),
    ("export-gpkg", 12),
];

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// SIGKILLs to aim over all paths.
    pub points: u64,
    /// Named seed of the kill times and of the data.
    pub seed: u64,
    /// Where the surveys go (a fresh folder under the system temp dir if `None`).
    pub work_dir: Option<PathBuf>,
    /// Print a line per path as it finishes.
    pub verbose: bool,
    /// Run only these paths (all when empty).
    pub only: Vec<String>,
    /// Share of `import-baseline` runs that also load the reference tables (they take
    /// several seconds each in a debug build).
    pub reference_share: f64,
}

/// The binaries the soak runs.
#[derive(Debug, Clone)]
pub struct Bins {
    /// `toponym`.
    pub toponym: PathBuf,
    /// `xtask` (for `xtask soak-child`).
    pub xtask: PathBuf,
}

/// Figures of one path.
#[derive(Debug, Clone, Default)]
pub struct PathStats {
    /// The path's name (one of [`PATHS`]).
    pub name: &'static str,
    /// Trials: processes started and killed at a drawn moment.
    pub points: u64,
    /// Trials whose SIGKILL landed (the others had already finished).
    pub kills: u64,
    /// Kills that landed while a write was announced and not yet acknowledged. For a CLI
    /// command: killed before it exited 0 (its write present or not, checked either way).
    pub mid_write: u64,
    /// Of those, how many had committed anyway (the kill came after the commit).
    pub in_flight_present: u64,
    /// Acknowledged writes checked present after a kill.
    pub acked_checked: u64,
    /// Wall time.
    pub duration: Duration,
}

/// What the soak found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Per path.
    pub paths: Vec<PathStats>,
    /// Every failure (integrity, audit chain, lost acknowledged write, half a write,
    /// damaged export, unexpected error), described.
    pub failures: Vec<String>,
    /// Partial temporary export files found next to the output after a kill.
    pub leftover_partials: u64,
    /// Wall time.
    pub duration: Duration,
}

impl Report {
    /// Integrity failures, lost acknowledged commits and split writes: must be 0.
    pub fn failure_count(&self) -> usize {
        self.failures.len()
    }

    /// Points over all paths.
    pub fn points(&self) -> u64 {
        self.paths.iter().map(|p| p.points).sum()
    }

    /// The figures as a table.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<20} {:>7} {:>7} {:>10} {:>10} {:>13} {:>9}",
            "path", "points", "kills", "mid-write", "committed", "acked-checked", "time"
        );
        let mut tot = PathStats::default();
        for p in &self.paths {
            let _ = writeln!(
                s,
                "{:<20} {:>7} {:>7} {:>10} {:>10} {:>13} {:>8.1}s",
                p.name,
                p.points,
                p.kills,
                p.mid_write,
                p.in_flight_present,
                p.acked_checked,
                p.duration.as_secs_f64()
            );
            tot.points += p.points;
            tot.kills += p.kills;
            tot.mid_write += p.mid_write;
            tot.in_flight_present += p.in_flight_present;
            tot.acked_checked += p.acked_checked;
        }
        let _ = writeln!(
            s,
            "{:<20} {:>7} {:>7} {:>10} {:>10} {:>13} {:>8.1}s",
            "total",
            tot.points,
            tot.kills,
            tot.mid_write,
            tot.in_flight_present,
            tot.acked_checked,
            self.duration.as_secs_f64()
        );
        let _ = writeln!(
            s,
            "failures: {}; partial export temp files left after kills: {}",
            self.failures.len(),
            self.leftover_partials
        );
        for f in self.failures.iter().take(20) {
            let _ = writeln!(s, "  FAIL {f}");
        }
        s
    }
}

const USAGE: &str =
    "usage: cargo xtask soak [--points N] [--seed S] [--release] [--work-dir DIR] [--only PATH]…";

/// `cargo xtask soak …`.
pub fn main(root: &Path, args: &[String]) -> Result<()> {
    let mut opts = Options {
        points: DEFAULT_POINTS,
        seed: DEFAULT_SEED,
        work_dir: None,
        verbose: true,
        only: Vec::new(),
        reference_share: 0.2,
    };
    let mut release = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .with_context(|| format!("{name} needs a value; {USAGE}"))
        };
        match a.as_str() {
            "--points" => opts.points = value("--points")?.parse().context("--points")?,
            "--seed" => opts.seed = parse_seed(value("--seed")?)?,
            "--work-dir" => opts.work_dir = Some(PathBuf::from(value("--work-dir")?)),
            "--release" => release = true,
            "--only" => opts.only.push(value("--only")?.clone()),
            _ => bail!("unknown argument {a}; {USAGE}"),
        }
    }
    let bins = build_bins(root, release)?;
    eprintln!(
        "soak: {} points, seed {:#x}, {} build",
        opts.points,
        opts.seed,
        if release { "release" } else { "debug" }
    );
    let report = run(root, &bins, &opts)?;
    println!("{}", report.table());
    if report.failure_count() > 0 {
        bail!("{} failure(s)", report.failure_count());
    }
    Ok(())
}

fn parse_seed(s: &str) -> Result<u64> {
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(&h.replace('_', ""), 16).context("--seed"),
        None => s.parse().context("--seed"),
    }
}

/// Builds `toponym` and `xtask` in the given profile and returns their paths.
pub fn build_bins(root: &Path, release: bool) -> Result<Bins> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(root).args([
        "build",
        "--quiet",
        "-p",
        "toponym-cli",
        "-p",
        "xtask",
        "--bins",
    ]);
    if release {
        cmd.arg("--release");
    }
    let status = cmd.status().context("running cargo build")?;
    if !status.success() {
        bail!("cargo build failed: {status}");
    }
    let out = Command::new(&cargo)
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .context("cargo metadata")?;
    let meta: Value = serde_json::from_slice(&out.stdout).context("cargo metadata output")?;
    let target = meta["target_directory"]
        .as_str()
        .context("no target_directory in cargo metadata")?;
    let dir = Path::new(target).join(if release { "release" } else { "debug" });
    Ok(Bins {
        toponym: dir.join("toponym"),
        xtask: dir.join("xtask"),
    })
}

/// Runs the soak and reports; failures are collected, not raised.
pub fn run(root: &Path, bins: &Bins, opts: &Options) -> Result<Report> {
    let started = Instant::now();
    let work = match &opts.work_dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("toponym-soak-{}", std::process::id())),
    };
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).with_context(|| format!("mkdir {}", work.display()))?;
    let mut ctx = Ctx {
        root: root.to_owned(),
        bins: bins.clone(),
        work: work.clone(),
        rng: ChaCha8Rng::seed_from_u64(opts.seed),
        seed: opts.seed,
        pass: Passphrase::new(PASS),
        pool: RecordPool::load(root)?,
        ids: SeededIdGenerator::new(1_780_000_000_000, opts.seed),
        report: Report::default(),
        serial: 0,
        reference_share: opts.reference_share,
        sqlite3: Command::new("sqlite3")
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success()),
    };
    let total_weight: u64 = PATHS.iter().map(|p| p.1).sum();
    for (name, weight) in PATHS {
        if !opts.only.is_empty() && !opts.only.iter().any(|o| o == name) {
            continue;
        }
        let n = (opts.points * weight).div_ceil(total_weight).max(1);
        let t = Instant::now();
        let mut stats = PathStats {
            name,
            ..PathStats::default()
        };
        let r = match *name {
            "survey-add" => ctx.soak_add(n, &mut stats),
            "import-baseline" => ctx.soak_baseline(n, &mut stats),
            "app-save" => ctx.soak_app_save(n, &mut stats),
            "migrate" => ctx.soak_migrate(n, &mut stats),
            "investigation-close" => ctx.soak_close(n, &mut stats),
            "export-gpkg" => ctx.soak_export(n, &mut stats),
            _ => unreachable!("every path has a runner"),
        };
        if let Err(e) = r {
            ctx.fail(format!("{name}: the harness itself failed: {e:#}"));
        }
        stats.duration = t.elapsed();
        if opts.verbose {
            eprintln!(
                "soak: {name}: {} points, {} kills, {} mid-write, {} acked checked, {:.1} s",
                stats.points,
                stats.kills,
                stats.mid_write,
                stats.acked_checked,
                stats.duration.as_secs_f64()
            );
        }
        ctx.report.paths.push(stats);
    }
    let _ = std::fs::remove_dir_all(&work);
    ctx.report.duration = started.elapsed();
    Ok(ctx.report)
}

/// Sample records to make batches from (the 泰山区 sample survey's records).
struct RecordPool {
    samples: Vec<Value>,
}

impl RecordPool {
    fn load(root: &Path) -> Result<Self> {
        let dir = root.join("samples/taishan/records");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .with_context(|| format!("read {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let mut samples = Vec::new();
        for f in files {
            let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&f)?)
                .with_context(|| format!("parse {}", f.display()))?;
            if let Some(o) = v.as_object_mut() {
                o.retain(|k, _| !k.starts_with('_'));
                // Drafts may be incomplete.
                o.remove("workflow_status");
            }
            if let Some(fields) = v.get_mut("fields").and_then(Value::as_object_mut) {
                // The soak's surveys hold no photos.
                fields.remove("media");
            }
            samples.push(v);
        }
        if samples.is_empty() {
            bail!("no sample records in {}", dir.display());
        }
        Ok(Self { samples })
    }

    /// A new record: sample `i` under a fresh id.
    fn record(&self, i: usize, id: RecordId) -> Value {
        let mut v = self.samples[i % self.samples.len()].clone();
        v["record_id"] = Value::String(id.to_string());
        v
    }
}

/// How a process ended.
struct Outcome {
    /// Our SIGKILL ended it.
    killed: bool,
    /// It exited 0 before the kill.
    ok: bool,
    /// Anything else: exit status and stderr.
    error: Option<String>,
    elapsed: Duration,
}

/// Runs `cmd` (stdout discarded, stderr kept) and SIGKILLs it `delay` after the start
/// unless it has finished by then.
fn run_killed_after(mut cmd: Command, delay: Duration, stderr_file: &Path) -> Result<Outcome> {
    let err = std::fs::File::create(stderr_file)?;
    let t = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err)
        .spawn()
        .context("spawn")?;
    loop {
        if let Some(status) = child.try_wait()? {
            let elapsed = t.elapsed();
            let ok = status.success();
            let error = (!ok).then(|| {
                format!(
                    "{status}: {}",
                    std::fs::read_to_string(stderr_file)
                        .unwrap_or_default()
                        .trim()
                )
            });
            return Ok(Outcome {
                killed: false,
                ok,
                error,
                elapsed,
            });
        }
        let now = t.elapsed();
        if now >= delay {
            break;
        }
        std::thread::sleep((delay - now).min(Duration::from_micros(500)));
    }
    child.kill().context("SIGKILL")?; // std's kill() is SIGKILL on Unix
    let status = child.wait()?;
    // It may have exited on its own between the last poll and the kill.
    let ok = status.success();
    Ok(Outcome {
        killed: status.code().is_none(),
        ok,
        error: (status.code().is_some() && !ok).then(|| format!("{status}")),
        elapsed: t.elapsed(),
    })
}

/// The run time of a command that finishes on its own: the lower quartile of its last
/// 16 complete runs. On a loaded machine run times scatter; drawing kill moments up to a
/// low quantile (a little beyond it) keeps most kills landing before the command ends.
struct Estimate(Option<Duration>, Vec<Duration>);

impl Estimate {
    fn new() -> Self {
        Self(None, Vec::new())
    }

    fn update(&mut self, d: Duration) {
        if self.1.len() == 16 {
            self.1.remove(0);
        }
        self.1.push(d);
        let mut sorted = self.1.clone();
        sorted.sort();
        self.0 = Some(sorted[sorted.len() / 4]);
    }

    /// A kill moment: uniform over the command's expected run time, a little beyond it.
    fn draw(&self, rng: &mut ChaCha8Rng) -> Duration {
        let e = self.0.unwrap_or(Duration::from_millis(500));
        Duration::from_micros(rng.gen_range(0..=(e.as_micros() as u64 * 5 / 4).max(1)))
    }
}

struct Ctx {
    root: PathBuf,
    bins: Bins,
    work: PathBuf,
    rng: ChaCha8Rng,
    seed: u64,
    pass: Passphrase,
    pool: RecordPool,
    ids: SeededIdGenerator,
    report: Report,
    serial: u64,
    reference_share: f64,
    sqlite3: bool,
}

/// Checks the two things every reopened survey must pass.
fn check_sound(store: &Store) -> std::result::Result<(), String> {
    let integrity = store.integrity_check().map_err(|e| e.to_string())?;
    if integrity != "ok" {
        return Err(format!("integrity_check: {integrity}"));
    }
    let chain = store.verify_audit_chain().map_err(|e| e.to_string())?;
    if !chain.is_intact() {
        return Err(format!("audit chain broken: {chain:?}"));
    }
    Ok(())
}

impl Ctx {
    fn fail(&mut self, what: String) {
        eprintln!("soak: FAIL {what}");
        self.report.failures.push(what);
    }

    fn fresh_path(&mut self, stem: &str) -> PathBuf {
        self.serial += 1;
        self.work.join(format!("{stem}-{}.toponym", self.serial))
    }

    fn new_survey(&mut self, stem: &str) -> Result<PathBuf> {
        let p = self.fresh_path(stem);
        Store::create(&p, &self.pass, KdfParams::insecure_for_tests())
            .with_context(|| format!("create {}", p.display()))?;
        Ok(p)
    }

    fn toponym(&self) -> Command {
        let mut c = Command::new(&self.bins.toponym);
        c.env("TOPONYM_PASSPHRASE", PASS)
            .env("HOME", self.work.join("home"));
        c
    }

    fn open(&self, p: &Path) -> std::result::Result<Store, String> {
        Store::open(p, &self.pass).map_err(|e| format!("reopen {}: {e}", p.display()))
    }

    /// `toponym survey verify` must agree (run once per survey, when it is retired).
    fn cli_verify(&mut self, what: &str, p: &Path) {
        let out = self
            .toponym()
            .args(["survey", "verify"])
            .arg(p)
            .stderr(Stdio::piped())
            .output();
        match out {
            Ok(o) if o.status.success() => {}
            Ok(o) => self.fail(format!(
                "{what}: `toponym survey verify {}` failed: {} {}",
                p.display(),
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )),
            Err(e) => self.fail(format!("{what}: cannot run toponym survey verify: {e}")),
        }
    }

    fn retire(&mut self, what: &str, p: &Path) {
        self.cli_verify(what, p);
        for f in [
            p.to_path_buf(),
            sidecar_path(p),
            PathBuf::from(format!("{}-wal", p.display())),
            PathBuf::from(format!("{}-shm", p.display())),
        ] {
            let _ = std::fs::remove_file(f);
        }
    }

    // ---- survey add -------------------------------------------------------------------

    /// Batches of 1–300 records, sometimes in two files and sometimes with edits of
    /// records stored earlier, into a survey that is replaced after ~1 500 records.
    fn soak_add(&mut self, n: u64, stats: &mut PathStats) -> Result<()> {
        let mut survey = self.new_survey("add")?;
        // Record id → its expected `description` (what the last acknowledged write left).
        let mut acked: HashMap<RecordId, String> = HashMap::new();
        // Run time ≈ unit × (fixed + batch size): start-up (catalogue, romaniser) costs
        // `fixed` records' worth. Two whole runs, of 1 and of 299 records, give `fixed`;
        // `est` then tracks the unit, so kills spread over small and large batches alike.
        let mut est = Estimate::new();
        let mut fixed = 20.0f64;
        let mut calib: Vec<f64> = Vec::new();
        let mut trial = 0u64;
        let calibrate = 2;
        while stats.points < n {
            trial += 1;
            if acked.len() > 1500 {
                self.check_all_present("survey-add", &survey, &acked, stats);
                self.retire("survey-add", &survey);
                survey = self.new_survey("add")?;
                acked.clear();
            }
            let size = if trial == 1 {
                1
            } else if trial == 2 {
                299
            } else if self.rng.gen_bool(0.5) {
                self.rng.gen_range(1..20)
            } else {
                self.rng.gen_range(20..300)
            };
            let mut batch: Vec<(RecordId, Option<String>, Value)> = Vec::new();
            let known: Vec<RecordId> = acked.keys().copied().collect();
            for _ in 0..size {
                if !known.is_empty() && self.rng.gen_bool(0.1) {
                    let id = known[self.rng.gen_range(0..known.len())];
                    if batch.iter().any(|b| b.0 == id) {
                        continue;
                    }
                    let i = self.rng.gen_range(0..self.pool.samples.len());
                    let mut v = self.pool.record(i, id);
                    let d = format!("浸泡测试第{trial}次修改。");
                    v["fields"]["description"] = Value::String(d.clone());
                    batch.push((id, Some(d), v));
                } else {
                    let id = self.ids.next_id();
                    let i = self.rng.gen_range(0..self.pool.samples.len());
                    let v = self.pool.record(i, id);
                    let d = v["fields"]["description"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    // A new record holds its sample's description once stored.
                    batch.push((id, Some(d), v));
                }
            }
            let files = if batch.len() > 1 && self.rng.gen_bool(0.3) {
                2
            } else {
                1
            };
            let per = batch.len().div_ceil(files);
            let mut paths = Vec::new();
            for (k, chunk) in batch.chunks(per).enumerate() {
                let p = self.work.join(format!("batch-{k}.json"));
                let arr: Vec<&Value> = chunk.iter().map(|b| &b.2).collect();
                std::fs::write(&p, serde_json::to_vec(&arr)?)?;
                paths.push(p);
            }
            let mut cmd = self.toponym();
            cmd.args(["survey", "add"]).arg(&survey).args(&paths);
            let units = fixed + batch.len() as f64;
            let delay = if trial <= calibrate {
                Duration::from_secs(600)
            } else {
                est.draw(&mut self.rng).mul_f64(units)
            };
            let o = run_killed_after(cmd, delay, &self.work.join("stderr.txt"))?;
            if trial <= calibrate {
                calib.push(o.elapsed.as_secs_f64());
                if let [t1, t299] = calib[..] {
                    if t299 > t1 {
                        fixed = ((299.0 * t1 - t299) / (t299 - t1)).clamp(0.0, 10_000.0);
                    }
                    est.update(Duration::from_secs_f64(t1 / (fixed + 1.0)));
                    est.update(Duration::from_secs_f64(t299 / (fixed + 299.0)));
                }
            } else if !o.killed {
                est.update(o.elapsed.div_f64(units));
            }
            if trial > calibrate {
                stats.points += 1;
            }
            if let Some(e) = o.error {
                self.fail(format!("survey-add trial {trial}: toponym failed: {e}"));
                continue;
            }
            let store = match self.open(&survey) {
                Ok(s) => s,
                Err(e) => {
                    self.fail(format!("survey-add trial {trial}: {e}"));
                    survey = self.new_survey("add")?;
                    acked.clear();
                    continue;
                }
            };
            if let Err(e) = check_sound(&store) {
                self.fail(format!("survey-add trial {trial}: {e}"));
            }
            // How many of the batch's writes are in the survey.
            let mut landed = 0usize;
            for (id, want, _) in &batch {
                let now = store.get_record(id).ok().flatten();
                let desc = now.as_ref().and_then(|r| r.text("description"));
                if desc.is_some() && desc == want.as_deref() {
                    landed += 1;
                }
            }
            if o.killed {
                stats.kills += 1;
                stats.mid_write += 1;
                if landed == batch.len() {
                    stats.in_flight_present += 1;
                } else if landed != 0 {
                    self.fail(format!(
                        "survey-add trial {trial}: killed batch is half there ({landed}/{})",
                        batch.len()
                    ));
                }
            } else if o.ok && landed != batch.len() {
                self.fail(format!(
                    "survey-add trial {trial}: acknowledged batch lost ({landed}/{})",
                    batch.len()
                ));
            } else {
                stats.acked_checked += batch.len() as u64;
            }
            if landed == batch.len() {
                for (id, want, _) in batch {
                    acked.insert(id, want.unwrap_or_default());
                }
            }
            drop(store);
            if trial.is_multiple_of(25) {
                self.check_all_present("survey-add", &survey, &acked, stats);
            }
        }
        self.check_all_present("survey-add", &survey, &acked, stats);
        self.retire("survey-add", &survey);
        Ok(())
    }

    /// Every acknowledged record of the survey is there with its last acknowledged
    /// description.
    fn check_all_present(
        &mut self,
        what: &str,
        survey: &Path,
        acked: &HashMap<RecordId, String>,
        stats: &mut PathStats,
    ) {
        let store = match self.open(survey) {
            Ok(s) => s,
            Err(e) => return self.fail(format!("{what}: {e}")),
        };
        let mut lost = 0;
        for (id, want) in acked {
            match store.get_record(id) {
                Ok(Some(r)) if r.text("description").unwrap_or_default() == want => {}
                _ => lost += 1,
            }
        }
        stats.acked_checked += acked.len() as u64;
        if lost > 0 {
            self.fail(format!(
                "{what}: {lost} of {} acknowledged records lost or changed in {}",
                acked.len(),
                survey.display()
            ));
        }
    }

    // ---- import-baseline --------------------------------------------------------------

    /// One or two counties (each its own transaction), sometimes with the reference
    /// tables, into a fresh survey each time.
    fn soak_baseline(&mut self, n: u64, stats: &mut PathStats) -> Result<()> {
        // A complete run first: how many entries a county has, how many rows each table.
        let probe = self.new_survey("baseline")?;
        let mut cmd = self.toponym();
        cmd.args(["survey", "import-baseline"])
            .arg(&probe)
            .args(["--with-reference", "--county", COUNTIES[0], "--county"])
            .arg(COUNTIES[1]);
        let o = run_killed_after(cmd, Duration::from_secs(600), &self.work.join("stderr.txt"))?;
        if let Some(e) = o.error {
            bail!("import-baseline probe failed: {e}");
        }
        // Run times with and without the reference tables differ several-fold: one
        // estimate each, so that the kills spread over either kind of run.
        let mut est_ref = Estimate::new();
        est_ref.update(o.elapsed);
        let mut est_plain = Estimate::new();
        let (entries, tables) = {
            let s = self.open(&probe).map_err(anyhow::Error::msg)?;
            let mut entries = BTreeMap::new();
            for c in COUNTIES {
                entries.insert(*c, s.investigation_list(Some(c))?.len());
            }
            let tables: BTreeMap<String, u64> = s
                .reference_tables()?
                .into_iter()
                .map(|t| (t.table_id, t.row_count))
                .collect();
            (entries, tables)
        };
        if entries.values().any(|&n| n == 0) || tables.is_empty() {
            bail!("import-baseline probe imported nothing: {entries:?} {tables:?}");
        }
        self.retire("import-baseline", &probe);
        for trial in 1..=n {
            let survey = self.new_survey("baseline")?;
            let counties: Vec<&str> = if self.rng.gen_bool(0.5) {
                COUNTIES.to_vec()
            } else {
                vec![COUNTIES[self.rng.gen_range(0..COUNTIES.len())]]
            };
            let with_reference = self.rng.gen_bool(self.reference_share);
            let mut cmd = self.toponym();
            cmd.args(["survey", "import-baseline"]).arg(&survey);
            for c in &counties {
                cmd.args(["--county", c]);
            }
            if with_reference {
                cmd.arg("--with-reference");
            }
            let est = if with_reference {
                &mut est_ref
            } else {
                &mut est_plain
            };
            // The first run without the tables is timed whole.
            let delay = if est.0.is_none() {
                Duration::from_secs(600)
            } else {
                est.draw(&mut self.rng)
            };
            let o = run_killed_after(cmd, delay, &self.work.join("stderr.txt"))?;
            stats.points += 1;
            if !o.killed {
                est.update(o.elapsed);
            }
            if let Some(e) = o.error {
                self.fail(format!(
                    "import-baseline trial {trial}: toponym failed: {e}"
                ));
                continue;
            }
            let store = match self.open(&survey) {
                Ok(s) => s,
                Err(e) => {
                    self.fail(format!("import-baseline trial {trial}: {e}"));
                    continue;
                }
            };
            if let Err(e) = check_sound(&store) {
                self.fail(format!("import-baseline trial {trial}: {e}"));
            }
            let mut complete = true;
            for c in COUNTIES {
                let got = store.investigation_list(Some(c))?.len();
                let want = if counties.contains(c) { entries[c] } else { 0 };
                if got != want {
                    complete = false;
                }
                if got != 0 && got != entries[c] {
                    self.fail(format!(
                        "import-baseline trial {trial}: county {c} is half there ({got}/{})",
                        entries[c]
                    ));
                }
            }
            let loaded = store.reference_tables()?;
            for t in &loaded {
                if tables.get(&t.table_id) != Some(&t.row_count) {
                    self.fail(format!(
                        "import-baseline trial {trial}: reference table {} has {} rows, not {:?}",
                        t.table_id,
                        t.row_count,
                        tables.get(&t.table_id)
                    ));
                }
            }
            if with_reference && loaded.len() != tables.len() {
                complete = false;
            }
            if o.killed {
                stats.kills += 1;
                stats.mid_write += 1;
                if complete {
                    stats.in_flight_present += 1;
                }
            } else if o.ok && !complete {
                self.fail(format!(
                    "import-baseline trial {trial}: acknowledged import incomplete \
                     (counties {counties:?}, reference {with_reference})"
                ));
            } else {
                stats.acked_checked += counties.len() as u64 + u64::from(with_reference);
            }
            drop(store);
            // Only every 50th retired survey is also checked through the CLI: each costs a
            // process start, and the in-process checks above are the same two checks.
            if trial.is_multiple_of(50) {
                self.retire("import-baseline", &survey);
            } else {
                for f in [survey.clone(), sidecar_path(&survey)] {
                    let _ = std::fs::remove_file(f);
                }
                for ext in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{ext}", survey.display()));
                }
            }
        }
        Ok(())
    }

    // ---- app save ---------------------------------------------------------------------

    fn soak_app_save(&mut self, n: u64, stats: &mut PathStats) -> Result<()> {
        let mut survey = self.new_survey("app")?;
        // Record id → its last acknowledged standard name.
        let mut acked: HashMap<String, String> = HashMap::new();
        let mut rate = Estimate::new();
        for trial in 1..=n {
            if acked.len() > 3000 {
                self.check_app_all(&survey, &acked, stats);
                self.retire("app-save", &survey);
                survey = self.new_survey("app")?;
                acked.clear();
            }
            let seed = self.seed.wrapping_add(trial);
            let mut cmd = Command::new(&self.bins.xtask);
            cmd.arg("soak-child")
                .arg("app-save")
                .arg(&survey)
                .arg(seed.to_string())
                .env("TOPONYM_PASSPHRASE", PASS)
                .env("HOME", self.work.join("home"))
                .env("XDG_CONFIG_HOME", self.work.join("home/.config"));
            // Kill after 0–20 saves' worth of time once the session is unlocked; one
            // trial in ten from process start (it may die while opening the survey).
            let from_start = trial.is_multiple_of(10);
            let per_save = rate.0.unwrap_or(Duration::from_millis(10));
            let delay = Duration::from_micros(
                self.rng
                    .gen_range(0..=(per_save.as_micros() as u64 * 20).max(1)),
            );
            let run = run_child_killed(cmd, from_start, delay)?;
            stats.points += 1;
            if let Some(e) = &run.error {
                self.fail(format!("app-save trial {trial}: child failed: {e}"));
                continue;
            }
            stats.kills += u64::from(run.killed);
            let ops = parse_ops(&run.stdout);
            let acks = ops.iter().filter(|o| o.acked).count() as u32;
            if acks > 0 {
                rate.update(run.after_ready / acks.max(1));
            }
            let store = match self.open(&survey) {
                Ok(s) => s,
                Err(e) => {
                    self.fail(format!("app-save trial {trial}: {e}"));
                    survey = self.new_survey("app")?;
                    acked.clear();
                    continue;
                }
            };
            if let Err(e) = check_sound(&store) {
                self.fail(format!("app-save trial {trial}: {e}"));
            }
            // Per record, in order: its saves of this trial. Only the last acknowledged
            // one must show, or the one in flight after it (the last line of the run).
            let mut per_id: BTreeMap<String, Vec<(bool, String, u64)>> = BTreeMap::new();
            for op in ops {
                let (Some(id), Some(name)) = (op.fields.get(1), op.fields.get(2)) else {
                    continue;
                };
                if RecordId::from_str(id).is_err() {
                    continue;
                }
                per_id
                    .entry(id.clone())
                    .or_default()
                    .push((op.acked, name.clone(), op.n));
            }
            for (id_s, saves) in per_id {
                let Ok(id) = RecordId::from_str(&id_s) else {
                    continue;
                };
                let now_name = store
                    .get_record(&id)
                    .ok()
                    .flatten()
                    .and_then(|r| r.text("standard_name").map(str::to_owned));
                let last_acked = saves
                    .iter()
                    .rev()
                    .find(|s| s.0)
                    .map(|s| s.1.clone())
                    .or_else(|| acked.get(&id_s).cloned());
                stats.acked_checked += saves.iter().filter(|s| s.0).count() as u64;
                let in_flight = saves.last().filter(|s| !s.0);
                match in_flight {
                    None => {
                        if now_name != last_acked {
                            self.fail(format!(
                                "app-save trial {trial}: acknowledged save of {id} lost \
                                 (found {now_name:?}, want {last_acked:?})"
                            ));
                        }
                    }
                    Some((_, name, n)) => {
                        stats.mid_write += 1;
                        if now_name.as_deref() == Some(name.as_str()) {
                            stats.in_flight_present += 1;
                        } else if now_name != last_acked {
                            self.fail(format!(
                                "app-save trial {trial}: in-flight save {n} of {id} left \
                                 {now_name:?} (neither {last_acked:?} nor {name})"
                            ));
                        }
                    }
                }
                if let Some(n) = now_name {
                    acked.insert(id_s, n);
                }
            }
            drop(store);
            if trial.is_multiple_of(25) {
                self.check_app_all(&survey, &acked, stats);
            }
        }
        self.check_app_all(&survey, &acked, stats);
        self.retire("app-save", &survey);
        Ok(())
    }

    fn check_app_all(
        &mut self,
        survey: &Path,
        acked: &HashMap<String, String>,
        st: &mut PathStats,
    ) {
        let store = match self.open(survey) {
            Ok(s) => s,
            Err(e) => return self.fail(format!("app-save: {e}")),
        };
        let names: HashMap<String, Option<String>> = store
            .list(&ListFilter {
                limit: Some(usize::MAX),
                ..ListFilter::default()
            })
            .unwrap_or_default()
            .into_iter()
            .map(|s| (s.record_id.to_string(), s.standard_name))
            .collect();
        let lost = acked
            .iter()
            .filter(|(id, name)| names.get(*id).and_then(|n| n.as_deref()) != Some(name.as_str()))
            .count();
        st.acked_checked += acked.len() as u64;
        if lost > 0 {
            self.fail(format!(
                "app-save: {lost} of {} acknowledged saves lost in {}",
                acked.len(),
                survey.display()
            ));
        }
    }

    // ---- migration --------------------------------------------------------------------

    fn soak_migrate(&mut self, n: u64, stats: &mut PathStats) -> Result<()> {
        let fixture = self.root.join(FIXTURE);
        let dir = self.work.join("migrate");
        std::fs::create_dir_all(&dir)?;
        // Our own copy of the fixture, so that nothing can touch the repository's.
        let src = dir.join("fixture.toponym");
        std::fs::copy(&fixture, &src)?;
        std::fs::copy(sidecar_path(&fixture), sidecar_path(&src))?;
        let key = derive_key(&src, &Passphrase::new(FIXTURE_PASS))?;
        let latest = {
            let p = self.new_survey("schema")?;
            let v = self
                .open(&p)
                .map_err(anyhow::Error::msg)?
                .schema_version()?;
            self.retire("schema", &p);
            v
        };
        let mut per_open = Estimate::new();
        for trial in 1..=n {
            let mut cmd = Command::new(&self.bins.xtask);
            cmd.arg("soak-child")
                .arg("migrate")
                .arg(&src)
                .arg(&dir)
                .arg(trial.to_string())
                .env("TOPONYM_PASSPHRASE", FIXTURE_PASS);
            let per = per_open.0.unwrap_or(Duration::from_millis(50));
            let delay =
                Duration::from_micros(self.rng.gen_range(0..=(per.as_micros() as u64 * 3).max(1)));
            let run = run_child_killed(cmd, false, delay)?;
            stats.points += 1;
            if let Some(e) = &run.error {
                self.fail(format!("migrate trial {trial}: child failed: {e}"));
                continue;
            }
            stats.kills += u64::from(run.killed);
            let ops = parse_ops(&run.stdout);
            let acks = ops.iter().filter(|o| o.acked).count() as u32;
            if acks > 0 {
                per_open.update(run.after_ready / acks);
            }
            for op in ops {
                let Some(path) = op.fields.first().map(PathBuf::from) else {
                    continue;
                };
                if !op.acked {
                    stats.mid_write += 1;
                } else {
                    stats.acked_checked += 1;
                }
                let r = Store::open_with_key(&path, &key)
                    .map_err(|e| format!("reopen: {e}"))
                    .and_then(|s| {
                        check_sound(&s)?;
                        check_migrated(&s, latest)
                    });
                if let Err(e) = r {
                    self.fail(format!(
                        "migrate trial {trial}: {} ({}): {e}",
                        path.display(),
                        if op.acked {
                            "acknowledged"
                        } else {
                            "in flight"
                        }
                    ));
                }
            }
            // The copies are 400 KB each: clear them out.
            for e in std::fs::read_dir(&dir)?.flatten() {
                if e.file_name().to_string_lossy().starts_with('m') {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        Ok(())
    }

    // ---- investigation close ----------------------------------------------------------

    fn investigation_survey(&mut self) -> Result<(PathBuf, Vec<String>)> {
        let s = self.new_survey("close")?;
        let mut cmd = self.toponym();
        cmd.args(["survey", "import-baseline"]).arg(&s);
        for c in COUNTIES {
            cmd.args(["--county", c]);
        }
        let o = run_killed_after(cmd, Duration::from_secs(600), &self.work.join("stderr.txt"))?;
        if let Some(e) = o.error {
            bail!("import-baseline for the close soak failed: {e}");
        }
        let store = self.open(&s).map_err(anyhow::Error::msg)?;
        let codes = store
            .investigation_list(None)?
            .into_iter()
            .map(|e| e.code)
            .collect();
        Ok((s, codes))
    }

    fn soak_close(&mut self, n: u64, stats: &mut PathStats) -> Result<()> {
        let (mut survey, mut open) = self.investigation_survey()?;
        // code → reason of the acknowledged (or landed) closure.
        let mut closed: HashMap<String, String> = HashMap::new();
        let mut est = Estimate::new();
        let mut trial = 0u64;
        while stats.points < n {
            trial += 1;
            if open.is_empty() {
                self.check_closed_all(&survey, &closed, stats);
                self.retire("investigation-close", &survey);
                (survey, open) = self.investigation_survey()?;
                closed.clear();
            }
            let code = open.swap_remove(self.rng.gen_range(0..open.len()));
            let kind = if self.rng.gen_bool(0.5) {
                "注销"
            } else {
                "查无此地"
            };
            let reason = format!("浸泡测试第{trial}次关闭");
            let mut cmd = self.toponym();
            cmd.args(["survey", "investigation"])
                .arg(&survey)
                .args(["--close", &code, "--as", kind, "--reason", &reason]);
            let calibrating = trial <= 2;
            let delay = if calibrating {
                Duration::from_secs(600)
            } else {
                est.draw(&mut self.rng)
            };
            let o = run_killed_after(cmd, delay, &self.work.join("stderr.txt"))?;
            if !o.killed {
                est.update(o.elapsed);
            }
            if !calibrating {
                stats.points += 1;
            }
            if let Some(e) = o.error {
                self.fail(format!(
                    "investigation-close trial {trial}: toponym failed: {e}"
                ));
                continue;
            }
            let store = match self.open(&survey) {
                Ok(s) => s,
                Err(e) => {
                    self.fail(format!("investigation-close trial {trial}: {e}"));
                    (survey, open) = self.investigation_survey()?;
                    closed.clear();
                    continue;
                }
            };
            if let Err(e) = check_sound(&store) {
                self.fail(format!("investigation-close trial {trial}: {e}"));
            }
            let entry = store.investigation_entry(&code)?;
            let landed = match entry.as_ref().and_then(|e| e.closure.as_ref()) {
                None => false,
                Some(Closure::Abolished { reason: r }) if kind == "注销" && *r == reason => true,
                Some(Closure::NotFound { reason: r }) if kind == "查无此地" && *r == reason => {
                    true
                }
                Some(other) => {
                    self.fail(format!(
                        "investigation-close trial {trial}: {code} closed as {other:?}"
                    ));
                    false
                }
            };
            if o.killed {
                stats.kills += 1;
                stats.mid_write += 1;
                stats.in_flight_present += u64::from(landed);
            } else if !landed {
                self.fail(format!(
                    "investigation-close trial {trial}: acknowledged closure of {code} lost"
                ));
            } else {
                stats.acked_checked += 1;
            }
            if landed {
                closed.insert(code, reason);
            } else {
                open.push(code);
            }
            drop(store);
            if trial.is_multiple_of(50) {
                self.check_closed_all(&survey, &closed, stats);
            }
        }
        self.check_closed_all(&survey, &closed, stats);
        self.retire("investigation-close", &survey);
        Ok(())
    }

    fn check_closed_all(
        &mut self,
        survey: &Path,
        closed: &HashMap<String, String>,
        st: &mut PathStats,
    ) {
        let store = match self.open(survey) {
            Ok(s) => s,
            Err(e) => return self.fail(format!("investigation-close: {e}")),
        };
        let list = store.investigation_list(None).unwrap_or_default();
        let reasons: HashMap<&str, &str> = list
            .iter()
            .filter_map(|e| match &e.closure {
                Some(Closure::Abolished { reason } | Closure::NotFound { reason }) => {
                    Some((e.code.as_str(), reason.as_str()))
                }
                _ => None,
            })
            .collect();
        let lost = closed
            .iter()
            .filter(|(c, r)| reasons.get(c.as_str()) != Some(&r.as_str()))
            .count();
        st.acked_checked += closed.len() as u64;
        if lost > 0 || reasons.len() != closed.len() {
            self.fail(format!(
                "investigation-close: {lost} of {} closures lost ({} closed in the survey)",
                closed.len(),
                reasons.len()
            ));
        }
    }

    // ---- export -----------------------------------------------------------------------

    fn soak_export(&mut self, n: u64, stats: &mut PathStats) -> Result<()> {
        // A survey of 1 500 records, written once through the store.
        let survey = self.new_survey("export")?;
        {
            let mut store = self.open(&survey).map_err(anyhow::Error::msg)?;
            let items: Vec<(Record, SearchKeys)> = (0..1500)
                .map(|i| {
                    let v = self.pool.record(i, self.ids.next_id());
                    serde_json::from_value::<Record>(v).map(|r| (r, SearchKeys::default()))
                })
                .collect::<std::result::Result<_, _>>()?;
            store.put_records(&items, &Actor::new("soak"), Some("export soak"))?;
        }
        let out = self.work.join("export").join("taishan.gpkg");
        std::fs::create_dir_all(out.parent().unwrap_or(&self.work))?;
        // Temporaries of the safe-output path: `.taishan.gpkg.<pid>.<random>.toponym-partial`.
        let export_dir = out.parent().unwrap_or(&self.work).to_path_buf();
        let partials = move || -> u64 {
            std::fs::read_dir(&export_dir)
                .map(|rd| {
                    rd.flatten()
                        .filter(|e| {
                            let n = e.file_name().to_string_lossy().into_owned();
                            n.starts_with(".taishan.gpkg.") && n.ends_with(".toponym-partial")
                        })
                        .count() as u64
                })
                .unwrap_or(0)
        };
        let mut est = Estimate::new();
        let mut features: Option<String> = None;
        let mut trial = 0u64;
        while stats.points < n {
            trial += 1;
            let mut cmd = self.toponym();
            cmd.args(["survey", "export-gpkg"])
                .arg(&survey)
                .arg(&out)
                .arg("--allow-classified")
                .arg("--replace");
            let calibrating = trial <= 2;
            let delay = if calibrating {
                Duration::from_secs(600)
            } else {
                est.draw(&mut self.rng)
            };
            let o = run_killed_after(cmd, delay, &self.work.join("stderr.txt"))?;
            if !o.killed {
                est.update(o.elapsed);
            }
            if !calibrating {
                stats.points += 1;
            }
            if let Some(e) = o.error {
                self.fail(format!("export-gpkg trial {trial}: toponym failed: {e}"));
                continue;
            }
            if o.killed {
                stats.kills += 1;
                stats.mid_write += 1;
                self.report.leftover_partials += partials();
            } else if o.ok && partials() > 0 {
                // A completed export removes the temporaries its killed predecessors left.
                self.fail(format!(
                    "export-gpkg trial {trial}: {} temporaries of killed exports remain after \
                     a completed export",
                    partials()
                ));
            }
            if out.exists() {
                match check_gpkg(&out, self.sqlite3) {
                    Ok(f) => {
                        if o.killed {
                            stats.in_flight_present += 1;
                        } else {
                            stats.acked_checked += 1;
                        }
                        match &features {
                            None => features = Some(f),
                            Some(want) if *want != f => self.fail(format!(
                                "export-gpkg trial {trial}: {} has features {f}, not {want}",
                                out.display()
                            )),
                            Some(_) => {}
                        }
                    }
                    Err(e) => self.fail(format!(
                        "export-gpkg trial {trial}: damaged output under the final name: {e}"
                    )),
                }
            } else if o.ok {
                self.fail(format!(
                    "export-gpkg trial {trial}: exit 0 but no {}",
                    out.display()
                ));
            }
            // The survey must not suffer from an export either.
            if trial.is_multiple_of(20) {
                match self.open(&survey) {
                    Ok(s) => {
                        if let Err(e) = check_sound(&s) {
                            self.fail(format!("export-gpkg trial {trial}: survey: {e}"));
                        }
                    }
                    Err(e) => self.fail(format!("export-gpkg trial {trial}: {e}")),
                }
            }
        }
        self.retire("export-gpkg", &survey);
        Ok(())
    }
}

/// A migrated fixture: latest schema, and the 40 records, 45 audit entries and 5 edits it
/// was made with (crates/toponym-store/tests/audit_chain.rs describes it).
fn check_migrated(s: &Store, latest: i64) -> std::result::Result<(), String> {
    let e = |e: toponym_store::StoreError| e.to_string();
    let v = s.schema_version().map_err(e)?;
    if v != latest {
        return Err(format!("schema version {v} after opening, not {latest}"));
    }
    let chain = s.verify_audit_chain().map_err(e)?;
    if chain.entries != 45 {
        return Err(format!("{} audit entries, not 45", chain.entries));
    }
    let all = s
        .list(&ListFilter {
            limit: Some(usize::MAX),
            ..ListFilter::default()
        })
        .map_err(e)?;
    let edited = all
        .iter()
        .filter(|r| {
            s.history(&r.record_id)
                .map(|h| h.len() > 1)
                .unwrap_or(false)
        })
        .count();
    if all.len() != 40 || edited != 5 {
        return Err(format!(
            "{} records ({edited} edited), not 40 (5 edited)",
            all.len()
        ));
    }
    Ok(())
}

/// A GeoPackage that is whole: an SQLite file whose header's page count matches its
/// length, with the GeoPackage application id, no hot journal beside it, and (when the
/// `sqlite3` shell is installed) passing `PRAGMA integrity_check`. Returns the feature
/// counts of its layers as text, to compare exports with each other.
pub fn check_gpkg(path: &Path, sqlite3: bool) -> std::result::Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    if bytes.len() < 100 || &bytes[..16] != b"SQLite format 3\0" {
        return Err(format!("not an SQLite file ({} bytes)", bytes.len()));
    }
    let be32 = |o: usize| u32::from_be_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]);
    let page = match u16::from_be_bytes([bytes[16], bytes[17]]) {
        1 => 65536u64,
        p => u64::from(p),
    };
    if be32(24) == be32(92) && u64::from(be32(28)) * page != bytes.len() as u64 {
        return Err(format!(
            "header says {} pages of {page} bytes, the file has {} bytes",
            be32(28),
            bytes.len()
        ));
    }
    if be32(68) != 0x4750_4B47 {
        return Err(format!("application_id {:#x} is not GPKG", be32(68)));
    }
    for ext in ["-journal", "-wal"] {
        let j = PathBuf::from(format!("{}{ext}", path.display()));
        if j.exists() {
            return Err(format!("{} lies beside it", j.display()));
        }
    }
    if !sqlite3 {
        return Ok(String::new());
    }
    let o = Command::new("sqlite3")
        .arg("-readonly")
        .arg(path)
        .arg("PRAGMA integrity_check; SELECT table_name FROM gpkg_contents ORDER BY 1;")
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut lines = text.lines();
    if !o.status.success() || lines.next() != Some("ok") {
        return Err(format!(
            "sqlite3: {text} {}",
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    let layers: Vec<String> = lines.map(str::to_owned).collect();
    let mut counts = Vec::new();
    for table in layers {
        if table.is_empty()
            || !table
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            continue;
        }
        let o = Command::new("sqlite3")
            .arg("-readonly")
            .arg(path)
            .arg(format!("SELECT count(*) FROM \"{table}\";"))
            .output()
            .map_err(|e| e.to_string())?;
        counts.push(format!(
            "{table}={}",
            String::from_utf8_lossy(&o.stdout).trim()
        ));
    }
    Ok(counts.join(","))
}

/// One `begin` line of a child, its words after the number, and whether its `ack` came.
struct Op {
    n: u64,
    fields: Vec<String>,
    acked: bool,
}

/// Parses a child's `begin`/`ack` lines. Only whole lines count: a line cut by the kill
/// was being written before its write started, so that write cannot have happened.
fn parse_ops(stdout: &str) -> Vec<Op> {
    let mut ops: Vec<Op> = Vec::new();
    let whole = match stdout.rfind('\n') {
        Some(i) => &stdout[..=i],
        None => "",
    };
    for line in whole.lines() {
        let mut words = line.split(' ');
        match (
            words.next(),
            words.next().and_then(|w| w.parse::<u64>().ok()),
        ) {
            (Some("begin"), Some(n)) => ops.push(Op {
                n,
                fields: words.map(str::to_owned).collect(),
                acked: false,
            }),
            (Some("ack"), Some(n)) => {
                if let Some(op) = ops.iter_mut().find(|o| o.n == n) {
                    op.acked = true;
                }
            }
            _ => {}
        }
    }
    ops
}

/// A `soak-child` run.
struct ChildRun {
    stdout: String,
    killed: bool,
    /// Time from `ready` to the kill.
    after_ready: Duration,
    error: Option<String>,
}

/// Starts a `soak-child` loop, waits for its `ready` line (unless `from_start`), sleeps
/// `delay` and kills it.
fn run_child_killed(mut cmd: Command, from_start: bool, delay: Duration) -> Result<ChildRun> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("spawn soak-child")?;
    let stdout = child.stdout.take().context("stdout")?;
    let stderr = child.stderr.take().context("stderr")?;
    let (tx, rx) = mpsc::channel::<()>();
    let reader = std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        let mut all = String::new();
        let mut line = String::new();
        let mut tx = Some(tx);
        loop {
            line.clear();
            match r.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if line == "ready\n" {
                        if let Some(tx) = tx.take() {
                            let _ = tx.send(());
                        }
                    }
                    all.push_str(&line);
                }
            }
        }
        all
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut s);
        s
    });
    if !from_start {
        // A child that cannot get ready closes its stdout: the channel then disconnects.
        let _ = rx.recv_timeout(Duration::from_secs(120));
    }
    let t = Instant::now();
    std::thread::sleep(delay);
    let after_ready = t.elapsed();
    let _ = child.kill();
    let status = child.wait()?;
    let stdout = reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    let killed = status.code().is_none();
    let error =
        (!killed || !stderr.trim().is_empty()).then(|| format!("{status}: {}", stderr.trim()));
    Ok(ChildRun {
        stdout,
        killed,
        after_ready,
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_lines_count() {
        let ops = parse_ops("ready\nbegin 0 new a x\nack 0\nbegin 1 upd b y\nack");
        assert_eq!(ops.len(), 2);
        assert!(ops[0].acked);
        assert!(!ops[1].acked);
        assert_eq!(ops[1].fields, ["upd", "b", "y"]);
        assert!(parse_ops("begin 3 new c").is_empty());
    }

    #[test]
    fn a_truncated_sqlite_file_is_damaged() {
        let dir = std::env::temp_dir().join(format!("toponym-soak-gpkg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let p = dir.join("x.gpkg");
        let mut b = vec![0u8; 4096 * 2];
        b[..16].copy_from_slice(b"SQLite format 3\0");
        b[16..18].copy_from_slice(&4096u16.to_be_bytes());
        b[28..32].copy_from_slice(&3u32.to_be_bytes());
        b[68..72].copy_from_slice(&0x4750_4B47u32.to_be_bytes());
        std::fs::write(&p, &b).unwrap_or_default();
        assert!(check_gpkg(&p, false).unwrap_err().contains("3 pages"));
        b[28..32].copy_from_slice(&2u32.to_be_bytes());
        std::fs::write(&p, &b).unwrap_or_default();
        assert!(check_gpkg(&p, false).is_ok());
        std::fs::write(&p, b"SQLite").unwrap_or_default();
        assert!(check_gpkg(&p, false).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
