//! Throughput of record validation on one core: 100 000 records built from the golden
//! records (all 75 templates, names and points varied, one in ten carrying a defect),
//! validated with `validate` (typed records) and `validate_json` (JSON values).
//! Target: ≥ 200 000 records/s for `validate`. Run: `cargo xtask bench forms`
//! (= `cargo bench -p toponym-forms --bench validate`); optional arg: record count.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use toponym_core::Record;
use toponym_forms::{validate_json_with, validate_with, Catalog, ValidateOptions};

/// CPU time this thread has run, in seconds (Linux schedstat, ns resolution). The bench
/// machine is shared with compilers, so wall time alone overstates the cost.
fn thread_cpu_secs() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// Named seed for the synthetic variation.
const SEED_BENCH_RECORDS: u64 = 0x6265_6e63_6866_6f72;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let catalog = Catalog::builtin();
    let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut bases: Vec<Value> = Vec::new();
    for t in catalog.templates() {
        for e in std::fs::read_dir(golden.join(&t.id))
            .expect("golden folder")
            .flatten()
        {
            let mut v: Value =
                serde_json::from_str(&std::fs::read_to_string(e.path()).expect("read"))
                    .expect("json");
            if let Some(o) = v.as_object_mut() {
                o.remove("_expect");
            }
            let valid = e.file_name().to_string_lossy().starts_with("valid-");
            // 18 clean copies per template against its 2 defective records: one in ten defective.
            for _ in 0..if valid { 18 } else { 1 } {
                bases.push(v.clone());
            }
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(SEED_BENCH_RECORDS);
    let mut values = Vec::with_capacity(n);
    for i in 0..n {
        let mut v = bases[i % bases.len()].clone();
        let f = v["fields"].as_object_mut().expect("fields");
        if let Some(Value::String(name)) = f.get_mut("standard_name") {
            name.push_str(["一", "二", "东", "西", "南", "北"][rng.gen_range(0..6)]);
        }
        if let Some(Value::Array(p)) = f.get_mut("rep_point") {
            if let (Some(x), Some(y)) = (p[0].as_f64(), p[1].as_f64()) {
                p[0] = (x + rng.gen_range(-0.01..0.01)).into();
                p[1] = (y + rng.gen_range(-0.01..0.01)).into();
            }
        }
        values.push(v);
    }
    let records: Vec<Record> = values
        .iter()
        .filter_map(|v| serde_json::from_value(v.clone()).ok())
        .collect();
    let opts = ValidateOptions {
        now: Some(time::macros::datetime!(2026-11-23 12:00 +08:00)),
        province_bbox: Some([114.8, 34.3, 122.8, 38.4]),
        ..ValidateOptions::default()
    };

    // Warm-up pass (page in, fill caches), then the timed passes.
    let mut findings = 0usize;
    for r in records.iter().take(10_000) {
        findings += validate_with(catalog, r, &opts).len();
    }
    black_box(findings);

    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    let mut total_findings = 0;
    for _ in 0..5 {
        let c0 = thread_cpu_secs();
        let t0 = Instant::now();
        let mut f = 0usize;
        for r in &records {
            f += black_box(validate_with(catalog, black_box(r), &opts)).len();
        }
        best = best.min(t0.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (c0, thread_cpu_secs()) {
            best_cpu = best_cpu.min(b - a);
        }
        total_findings = f;
    }
    let c0 = thread_cpu_secs();
    let t0 = Instant::now();
    let mut json_findings = 0usize;
    for v in &values {
        json_findings += black_box(validate_json_with(catalog, black_box(v), &opts)).len();
    }
    let json_secs = t0.elapsed().as_secs_f64();
    let json_cpu = match (c0, thread_cpu_secs()) {
        (Some(a), Some(b)) => b - a,
        _ => f64::NAN,
    };
    let n = records.len() as f64;
    println!("toponym-forms validation benchmark (one thread)");
    println!("  records:                 {}", records.len());
    println!("  findings raised:         {total_findings} (validate_json: {json_findings})");
    println!(
        "  validate (typed Record): wall {:.3} s best of 5 => {:.0} records/s ({:.2} µs/record)",
        best,
        n / best,
        best * 1e6 / n
    );
    println!(
        "                           cpu  {:.3} s best of 5 => {:.0} records/s ({:.2} µs/record)",
        best_cpu,
        n / best_cpu,
        best_cpu * 1e6 / n
    );
    println!(
        "  validate_json (Value):   wall {:.3} s, cpu {:.3} s => {:.0} records/s on cpu time",
        json_secs,
        json_cpu,
        values.len() as f64 / json_cpu
    );
    let rate = n / best_cpu.min(best);
    println!(
        "  target >= 200 000 records/s on one core: {} ({:.0} records/s)",
        if rate >= 200_000.0 { "met" } else { "NOT met" },
        rate
    );
}
