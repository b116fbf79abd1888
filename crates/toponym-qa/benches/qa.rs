//! Throughput of the QA engine on one core: a 100 000-record survey built from the sample
//! survey's records (all 75 templates, one in twenty a deliberate defect; names varied,
//! points jittered by up to ~200 m, narratives made unique; ids unique), with the county outlines (S-3) and the
//! 2016 committee centres (S-8) loaded, and an investigation list of one entry per record.
//! Prints the record stage alone (`check_record`, target ≥ 200 000 records/s) and every
//! stage up to `bundle` (`Engine::run`, target ≤ 5 s), in CPU seconds of this thread and
//! in wall time. Run: `cargo bench -p toponym-qa --bench qa [-- N]`.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use toponym_core::{Record, RecordId};
use toponym_forms::Catalog;
use toponym_qa::{Engine, ListClosure, ListEntry, MediaItem, Options, Refs, Stage, SurveyInput};

/// Named seed for the synthetic variation.
const SEED_QA_BENCH: u64 = 0x7161_6265_6e63_6821;

fn thread_cpu_secs() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let (c0, w0) = (thread_cpu_secs().unwrap_or(0.0), Instant::now());
    let out = f();
    (
        out,
        thread_cpu_secs().unwrap_or(0.0) - c0,
        w0.elapsed().as_secs_f64(),
    )
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../samples/taishan/records");
    let mut bases: Vec<Record> = std::fs::read_dir(&dir)
        .expect("sample records")
        .flatten()
        .map(|e| {
            serde_json::from_str(&std::fs::read_to_string(e.path()).expect("read")).expect("record")
        })
        .collect();
    bases.sort_by_key(|r| r.record_id);
    let mut rng = ChaCha8Rng::seed_from_u64(SEED_QA_BENCH);
    let suffix = ["一", "二", "东", "西", "南", "北", "前", "后", "上", "下"];
    let records: Vec<Record> = (0..n)
        .map(|i| {
            let mut r = bases[i % bases.len()].clone();
            r.record_id = RecordId(uuid::Uuid::from_u128(
                0x019e_7044_8800_7000_8000_0000_0000_0000 | i as u128,
            ));
            if let Some(Value::String(name)) = r.fields.get_mut("standard_name") {
                name.push_str(suffix[rng.gen_range(0..suffix.len())]);
                name.push_str(&(i / bases.len()).to_string());
            }
            // Narratives are written per place: vary them so that C-3 sees a realistic survey.
            for k in ["origin", "meaning", "history", "description"] {
                if let Some(Value::String(t)) = r.fields.get_mut(k) {
                    t.push_str(&format!("（{i}）"));
                }
            }
            let (dx, dy) = (rng.gen_range(-0.002..0.002), rng.gen_range(-0.002..0.002));
            if let Some(Value::Array(p)) = r.fields.get_mut("rep_point") {
                if let [Value::Number(x), Value::Number(y)] = p.as_mut_slice() {
                    let (nx, ny) = (
                        x.as_f64().unwrap_or(0.0) + dx,
                        y.as_f64().unwrap_or(0.0) + dy,
                    );
                    *p = vec![nx.into(), ny.into()];
                }
            }
            r
        })
        .collect();
    let list: Vec<ListEntry> = records
        .iter()
        .map(|r| ListEntry {
            code: r.record_id.to_string(),
            template_id: r.template.id.clone(),
            standard_name: r.standard_name().unwrap_or("").to_owned(),
            closure: Some(ListClosure::Form(r.record_id.to_string())),
        })
        .collect();
    let mut media: Vec<MediaItem> = bases
        .iter()
        .filter_map(|r| r.fields.get("media").and_then(Value::as_array))
        .flatten()
        .filter_map(|m| m.get("sha256").and_then(Value::as_str))
        .map(|sha| MediaItem {
            sha256: sha.to_owned(),
            file_name: format!("{sha}.jpg"),
            intact: true,
            exif_point: None,
            exif_time: None,
        })
        .collect();
    media.sort_by(|a, b| a.sha256.cmp(&b.sha256));
    media.dedup_by(|a, b| a.sha256 == b.sha256);
    let mut refs = Refs::default();
    refs.boundaries
        .push(toponym_reference::builtin::taian_boundaries().expect("outlines"));
    for u in toponym_reference::builtin::taian_2016()
        .expect("2016")
        .units
        .values()
    {
        if let Some(p) = u.point {
            refs.base_points.insert(u.code.clone(), p);
        }
    }
    let catalog = Catalog::builtin();
    let engine = Engine::builtin();
    let options = Options::default();
    // Warm-up: tables, the catalogue, the registry.
    black_box(engine.check_record(catalog, &refs, &options, &records[0]));

    let (found, cpu, _) = timed(|| {
        records
            .iter()
            .map(|r| toponym_forms::validate_with(catalog, r, &options.validate).len())
            .sum::<usize>()
    });
    println!(
        "  of which form validation: {found} findings, {cpu:.3} s CPU ({:.0} records/s)",
        n as f64 / cpu.max(1e-9)
    );
    let (found, cpu, wall) = timed(|| {
        records
            .iter()
            .map(|r| engine.check_record(catalog, &refs, &options, r).len())
            .sum::<usize>()
    });
    println!(
        "record stage: {n} records, {found} findings: {cpu:.3} s CPU ({:.0} records/s), {wall:.3} s wall",
        n as f64 / cpu.max(1e-9)
    );
    let input = SurveyInput {
        records: &records,
        list: &list,
        media: &media,
        changes: &[],
        has_store: true,
        catalog,
        refs: &refs,
        options: &options,
    };
    let (report, cpu, wall) = timed(|| engine.run(&input, Stage::Bundle));
    println!(
        "all stages up to bundle: {n} records, {} findings: {cpu:.3} s CPU, {wall:.3} s wall",
        report.findings.len()
    );
    for (rule, c) in report.by_rule.iter().take(40) {
        println!("  {rule:<5} {}", c.total());
    }
}
