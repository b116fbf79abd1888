//! Benchmark (issue 5): names per second on one core over the national township list, side by
//! side in one run with pypinyin (PyPI) on the same names, plus how many golden rows each gets
//! right. Prints figures for docs/benchmarks/romanisation.md.
//!
//! Run: cargo bench -p toponym-romanise --bench romanise
//! It creates target/bench-venv and installs pypinyin==PYPINYIN_VERSION there if missing.
//! Environment: TOPONYM_BENCH_CSV overrides the township list path; TOPONYM_BENCH_OURS_ONLY=1
//! skips the pypinyin half (for profiling).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use toponym_romanise::{syllable, Outcome, Request, Romaniser};

const PYPINYIN_VERSION: &str = "0.55.0";
const DEFAULT_CSV: &str = "/work/shared/data/admin/cn_admin_to_township_2023_pinyin_xiangyuecn.csv";
/// Repeat the list until at least this many names were romanised, so the timing is stable.
const MIN_NAMES: usize = 2_000_000;

const PY_SCRIPT: &str = r#"
import sys, time, json
from pypinyin import pinyin, lazy_pinyin, Style
names = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8")]
golden = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8")]
min_names = int(sys.argv[3])
for n in names[:200]:
    pinyin(n)
reps = max(1, -(-min_names // len(names)))
t0 = time.perf_counter()
c0 = time.thread_time()
for _ in range(reps):
    for n in names:
        pinyin(n, style=Style.TONE)
wall = time.perf_counter() - t0
dt = time.thread_time() - c0
out = [" ".join(lazy_pinyin(n)) for n in names]
gold = ["".join(x[0] for x in pinyin(g, style=Style.TONE)) for g in golden]
print(json.dumps({"per_sec": reps * len(names) / dt, "names": reps * len(names), "secs": dt, "wall": wall,
                  "toneless": out, "golden": gold}, ensure_ascii=False))
"#;

struct GoldenRow {
    name: String,
    template: Option<String>,
    admin: Option<String>,
    roman: String,
}

/// CPU time of this thread in seconds (utime + stime from /proc/thread-self/stat, USER_HZ =
/// 100). On a shared machine wall time includes time spent waiting for a core; CPU time is
/// what one core actually spent, which is the figure the target (names per second on one
/// core) is about. Both are printed.
fn thread_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load_golden() -> Vec<GoldenRow> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut rows = Vec::new();
    for f in [
        "worked-examples.tsv",
        "special-readings.tsv",
        "library-failures.tsv",
        "rules.tsv",
    ] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap_or_default();
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let c: Vec<&str> = line.split('\t').collect();
            if c.len() < 4 {
                continue;
            }
            let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
            rows.push(GoldenRow {
                name: c[0].to_string(),
                template: opt(c[1]),
                admin: opt(c[2]),
                roman: c[3].to_string(),
            });
        }
    }
    rows
}

/// The letters of a romanisation, tone marks kept, lower case, no spaces/apostrophes/hyphens:
/// what "the readings are right" means when comparing with a library that does not segment.
fn letters(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '\'' | '’' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn ensure_venv(root: &Path) -> Option<PathBuf> {
    let venv = root.join("target/bench-venv");
    let py = venv.join("bin/python");
    let ok = |py: &Path| {
        Command::new(py)
            .args([
                "-c",
                &format!(
                    "import pypinyin,sys; sys.exit(pypinyin.__version__ != '{PYPINYIN_VERSION}')"
                ),
            ])
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if py.exists() && ok(&py) {
        return Some(py);
    }
    eprintln!(
        "creating {} with pypinyin=={PYPINYIN_VERSION} …",
        venv.display()
    );
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .ok()?;
    if !made.success() {
        return None;
    }
    let pip = Command::new(venv.join("bin/pip"))
        .args(["install", "-q", &format!("pypinyin=={PYPINYIN_VERSION}")])
        .status()
        .ok()?;
    (pip.success() && ok(&py)).then_some(py)
}

fn main() {
    let root = workspace_root();
    let csv_path = std::env::var("TOPONYM_BENCH_CSV").unwrap_or_else(|_| DEFAULT_CSV.to_string());
    let text = match std::fs::read_to_string(&csv_path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {csv_path}: {e}");
            std::process::exit(2);
        }
    };
    // Township list: full names (ext_name), template by level, admin code = id.
    let mut names: Vec<(String, &'static str, String, String)> = Vec::new();
    for line in text.trim_start_matches('\u{feff}').lines().skip(1) {
        let c: Vec<&str> = line.split(',').map(|s| s.trim_matches('"')).collect();
        if c.len() < 8 {
            continue;
        }
        let template = match c[2] {
            "0" => "admin.province",
            "1" => "admin.prefecture",
            "2" => "admin.county",
            _ => "admin.township",
        };
        names.push((
            c[7].to_string(),
            template,
            c[0].to_string(),
            c[5].to_string(),
        ));
    }
    let r = Romaniser::builtin();
    let reps = MIN_NAMES.div_ceil(names.len().max(1));

    // Warm-up, then time one core.
    let mut sink = 0usize;
    for (n, t, a, _) in names.iter().take(1000) {
        let o = r.romanise(&Request {
            template_id: Some(t),
            admin_code: Some(a),
            ..Request::new(n)
        });
        sink += o.roman().map_or(0, str::len);
    }
    let t0 = Instant::now();
    let c0 = thread_cpu_secs();
    for _ in 0..reps {
        for (n, t, a, _) in &names {
            let o = r.romanise(&Request {
                template_id: Some(t),
                admin_code: Some(a),
                ..Request::new(n)
            });
            sink += o.roman().map_or(0, str::len);
        }
    }
    let ours_secs = t0.elapsed().as_secs_f64();
    let ours_cpu = match (c0, thread_cpu_secs()) {
        (Some(a), Some(b)) if b > a => b - a,
        _ => ours_secs,
    };
    let ours_count = reps * names.len();
    let ours_rate = ours_count as f64 / ours_cpu;
    let ours_wall_rate = ours_count as f64 / ours_secs;

    // Golden correctness for ours.
    let golden = load_golden();
    let (mut ours_exact, mut ours_letters) = (0, 0);
    for g in &golden {
        let o = r.romanise(&Request {
            template_id: g.template.as_deref(),
            admin_code: g.admin.as_deref(),
            ..Request::new(&g.name)
        });
        if let Some(roman) = o.roman() {
            ours_exact += usize::from(roman == g.roman);
            ours_letters += usize::from(letters(roman) == letters(&g.roman));
        }
    }

    println!(
        "romanisation benchmark ({} township-list names × {reps} = {ours_count})",
        names.len()
    );
    println!(
        "  toponym-romanise : {ours_rate:>12.0} names/s per core (CPU {ours_cpu:.2} s; wall {ours_secs:.2} s = {ours_wall_rate:.0}/s)"
    );
    println!("  golden rows      : {}", golden.len());
    println!(
        "  toponym exact roman form right : {ours_exact}/{}",
        golden.len()
    );
    println!(
        "  toponym readings right         : {ours_letters}/{}",
        golden.len()
    );

    if std::env::var_os("TOPONYM_BENCH_OURS_ONLY").is_some() {
        return;
    }
    let Some(py) = ensure_venv(&root) else {
        println!("  pypinyin         : not available (venv or pip failed); no comparison");
        std::process::exit(if sink > 0 { 0 } else { 1 });
    };
    let tmp = root.join("target");
    let names_file = tmp.join("bench-names.txt");
    let golden_file = tmp.join("bench-golden.txt");
    let script = tmp.join("bench-pypinyin.py");
    let names_text: String = names.iter().map(|(n, ..)| format!("{n}\n")).collect();
    let golden_text: String = golden.iter().map(|g| format!("{}\n", g.name)).collect();
    let written = std::fs::write(&names_file, names_text)
        .and_then(|_| std::fs::write(&golden_file, golden_text))
        .and_then(|_| std::fs::write(&script, PY_SCRIPT));
    if let Err(e) = written {
        eprintln!("cannot write bench inputs under target/: {e}");
        std::process::exit(2);
    }
    let out = Command::new(&py)
        .arg(&script)
        .arg(&names_file)
        .arg(&golden_file)
        .arg(names.len().to_string())
        .output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            eprintln!(
                "pypinyin run failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("cannot run {}: {e}", py.display());
            std::process::exit(1);
        }
    };
    let v: serde_json::Value = match serde_json::from_slice(&out.stdout) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("pypinyin output is not JSON: {e}");
            std::process::exit(1);
        }
    };
    let py_rate = v["per_sec"].as_f64().unwrap_or(0.0);
    let py_golden: Vec<&str> = v["golden"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str())
        .collect();
    let py_letters = golden
        .iter()
        .zip(&py_golden)
        .filter(|(g, p)| letters(&g.roman) == letters(p))
        .count();
    // Toneless agreement with the township file's own pinyin (a dirty reference, for scale).
    let py_toneless: Vec<&str> = v["toneless"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str())
        .collect();
    let (mut ours_file, mut py_file) = (0usize, 0usize);
    for ((n, t, a, file), p) in names.iter().zip(&py_toneless) {
        let file_key: String = file
            .split_whitespace()
            .collect::<String>()
            .replace("lue", "lve");
        if let Outcome::Romanised { key, .. } = r.romanise(&Request {
            template_id: Some(t),
            admin_code: Some(a),
            ..Request::new(n)
        }) {
            ours_file += usize::from(key.starts_with(&file_key));
        }
        let mut pk = String::new();
        syllable::key_push(p, &mut pk);
        py_file += usize::from(pk.starts_with(&file_key));
    }
    println!(
        "  pypinyin {PYPINYIN_VERSION}   : {:>12.0} names/s per core ({} names, CPU {:.2} s; wall {:.2} s; pinyin(style=TONE))",
        py_rate,
        v["names"],
        v["secs"].as_f64().unwrap_or(0.0),
        v["wall"].as_f64().unwrap_or(0.0)
    );
    println!(
        "  pypinyin readings right        : {py_letters}/{}",
        golden.len()
    );
    println!(
        "  speed ratio toponym/pypinyin   : {:.1}×",
        ours_rate / py_rate.max(1e-9)
    );
    println!(
        "  township file agreement (toneless prefix): toponym {ours_file}/{n}, pypinyin {py_file}/{n}",
        n = names.len()
    );
    if sink == 0 {
        std::process::exit(1);
    }
}
