//! Incremental-linking benchmark (issue 16 item 5): index all but the last `TOPONYM_DEDUP_BENCH_NEW`
//! (default 10 000) records of a benchmark CSV, then time linking the new batch against that
//! index. Run by `scripts/bench-dedup.sh`; by hand:
//! `TOPONYM_DEDUP_BENCH_CSV=/work/bench-data/places_1m.csv cargo bench -p toponym-dedup --bench incremental`.

use std::time::Instant;

use toponym_dedup::input::Columns;
use toponym_dedup::{Index, Observation, ReviewPolicy, Tables};

fn main() {
    let Ok(path) = std::env::var("TOPONYM_DEDUP_BENCH_CSV") else {
        eprintln!("set TOPONYM_DEDUP_BENCH_CSV to a file written by gen_places.py; nothing to do");
        return;
    };
    let new: usize = std::env::var("TOPONYM_DEDUP_BENCH_NEW")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let mut rdr = match csv::Reader::from_path(&path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let cols = match rdr
        .headers()
        .map_err(|e| e.to_string())
        .and_then(|h| Columns::from_header(h.iter()).map_err(|e| e.to_string()))
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let mut obs: Vec<Observation> = Vec::new();
    for (row, r) in rdr.records().enumerate() {
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        };
        match cols.observation(row + 1, |i| r.get(i)) {
            Ok(o) => obs.push(o),
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        }
    }
    let split = obs.len().saturating_sub(new);
    let (old, batch) = obs.split_at(split);
    let mut ix = Index::new(Tables::builtin().clone(), ReviewPolicy::BestReview);
    let t0 = Instant::now();
    for chunk in old.chunks(65_536) {
        ix.push(chunk);
    }
    ix.link();
    let base_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    ix.push(batch);
    let stats = ix.link();
    let inc_s = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let clusters = ix.clusters();
    let cl_s = t2.elapsed().as_secs_f64();
    println!(
        "incremental: index of {} records built in {base_s:.2} s; batch of {} linked in {:.3} s \
         (keys and pinyin included; {} candidate pairs, {} links, {} accepted reviews); \
         cluster listing of {} records {cl_s:.3} s",
        old.len(),
        batch.len(),
        inc_s,
        stats.candidates,
        stats.auto_links,
        stats.accepted_reviews,
        clusters.len()
    );
}
