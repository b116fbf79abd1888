//! Durability under SIGKILL. A child process (the `toponym-store-crash-writer` binary)
//! writes batches of 1–5 records, each batch in its own transaction, announcing a batch
//! before it starts and acknowledging it after the commit returns. The parent kills it at
//! a random moment (named seed), reopens the survey and proves:
//!   * `PRAGMA integrity_check` is ok and the audit chain is intact;
//!   * every acknowledged batch is wholly present;
//!   * the batch in flight is wholly present or wholly absent (never half).
//!
//! 200 trials in the normal suite; `TOPONYM_SOAK=1` runs 2000 (or `TOPONYM_SOAK=<n>`).
//! A second test kills a bulk import of 1 500 records, which rebuilds the box index as a
//! packed R*Tree, at random moments, into empty and into already filled surveys.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::Duration;

use common::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use toponym_core::RecordId;
use toponym_store::Store;

/// Named seed for the kill times.
const CRASH_SEED: u64 = 0x0C0A_5E5E_D200;

fn trials() -> u64 {
    match std::env::var("TOPONYM_SOAK") {
        Ok(v) => v.parse().ok().filter(|&n| n > 1).unwrap_or(2000),
        Err(_) => 200,
    }
}

#[derive(Default)]
struct Batch {
    ids: Vec<RecordId>,
    acked: bool,
}

fn parse(stdout: &str) -> BTreeMap<u64, Batch> {
    let mut batches: BTreeMap<u64, Batch> = BTreeMap::new();
    for line in stdout.lines() {
        let mut parts = line.split(' ');
        match (
            parts.next(),
            parts.next().and_then(|n| n.parse::<u64>().ok()),
        ) {
            (Some("begin"), Some(n)) => {
                // A line cut by the kill may hold a partial id; such an id can only belong
                // to the in-flight batch, and a truncated UUID fails to parse, so the
                // check below simply has fewer ids to look for.
                let ids = parts.filter_map(|s| RecordId::from_str(s).ok()).collect();
                batches.insert(n, Batch { ids, acked: false });
            }
            (Some("ack"), Some(n)) => {
                if let Some(b) = batches.get_mut(&n) {
                    b.acked = true;
                }
            }
            _ => {}
        }
    }
    batches
}

#[test]
fn sigkill_at_random_points_never_loses_acknowledged_writes_or_splits_a_batch() {
    let (survey, store) = new_survey();
    drop(store);
    let exe = env!("CARGO_BIN_EXE_toponym-store-crash-writer");
    let mut rng = ChaCha8Rng::seed_from_u64(CRASH_SEED);
    let mut acked_total = 0usize;
    let mut killed_mid_batch = 0usize;
    let mut all_acked: Vec<RecordId> = Vec::new();
    let n = trials();
    for trial in 0..n {
        let mut child = Command::new(exe)
            .arg(&survey.path)
            .arg(trial.to_string())
            .env("TOPONYM_PASSPHRASE", PASS)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn crash writer");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut out = String::new();
        // One trial in ten is killed at a random moment from process start (it may die
        // while opening and recovering the WAL); the others wait until the store is
        // open, so that the kill lands among commits however loaded the machine is.
        if trial % 10 != 0 {
            stdout.read_line(&mut out).expect("read ready line");
        }
        std::thread::sleep(Duration::from_micros(rng.gen_range(0..40_000)));
        child.kill().expect("SIGKILL"); // std's kill() is SIGKILL on Unix
        let status = child.wait().expect("wait");
        stdout.read_to_string(&mut out).expect("read");
        let mut err = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut err)
            .expect("read");
        assert!(
            status.code().is_none() || err.is_empty(),
            "trial {trial}: writer failed: {err}"
        );

        let store = Store::open(&survey.path, &pass()).expect("reopen after SIGKILL");
        assert_eq!(store.integrity_check().unwrap(), "ok", "trial {trial}");
        let v = store.verify_audit_chain().unwrap();
        assert!(v.is_intact(), "trial {trial}: {v:?}");
        for (no, batch) in parse(&out) {
            let present = batch
                .ids
                .iter()
                .filter(|id| store.get_record(id).unwrap().is_some())
                .count();
            if batch.acked {
                assert_eq!(
                    present,
                    batch.ids.len(),
                    "trial {trial}: acknowledged batch {no} lost"
                );
                acked_total += 1;
                all_acked.extend(&batch.ids);
            } else {
                killed_mid_batch += 1;
                assert!(
                    present == 0 || present == batch.ids.len(),
                    "trial {trial}: batch {no} is half there ({present}/{})",
                    batch.ids.len()
                );
                if present == batch.ids.len() {
                    all_acked.extend(&batch.ids);
                }
            }
        }
        // Every acknowledged write of every earlier trial is still there too.
        if trial % 50 == 49 || trial + 1 == n {
            for id in &all_acked {
                assert!(
                    store.get_record(id).unwrap().is_some(),
                    "trial {trial}: {id} vanished"
                );
            }
        }
    }
    eprintln!(
        "crash test: {n} SIGKILLs, {acked_total} acknowledged batches checked, \
         {killed_mid_batch} kills landed inside a batch"
    );
    // The test must actually exercise both situations.
    assert!(
        acked_total > n as usize / 4,
        "too few commits happened before the kills"
    );
    assert!(
        killed_mid_batch > n as usize / 4,
        "too few kills landed mid-write"
    );
}

#[test]
fn sigkill_during_a_packed_bulk_import_leaves_all_or_nothing() {
    const BULK: usize = 1500;
    let exe = env!("CARGO_BIN_EXE_toponym-store-crash-writer");
    let mut rng = ChaCha8Rng::seed_from_u64(CRASH_SEED ^ 0xB01C);
    // The first trial runs the import to its end and times it, so that the kills of the
    // others spread over the import however fast this machine is.
    let mut import_time: Option<Duration> = None;
    let mut killed_mid_import = 0;
    let trials = 16;
    for trial in 0..trials {
        let (survey, mut store) = new_survey();
        // Every other survey already holds records: the import then re-packs them too.
        let seeded = if trial % 2 == 1 {
            let ids = toponym_core::SeededIdGenerator::new(1_600_000_000_000, trial);
            let rs: Vec<_> = (0..300)
                .map(|i| {
                    let r = point_record(&ids, "岱庙", 116.9 + f64::from(i) * 1e-3, 36.1);
                    (r, toponym_store::SearchKeys::default())
                })
                .collect();
            store
                .put_records(&rs, &toponym_store::Actor::new("种子"), None)
                .unwrap();
            300
        } else {
            0
        };
        drop(store);
        let mut child = Command::new(exe)
            .arg(&survey.path)
            .arg((1000 + trial).to_string())
            .arg(format!("bulk={BULK}"))
            .env("TOPONYM_PASSPHRASE", PASS)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn crash writer");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut out = String::new();
        stdout.read_line(&mut out).expect("read ready line");
        match import_time {
            None => {
                let t = std::time::Instant::now();
                let mut line = String::new();
                while !line.starts_with("ack 0") {
                    line.clear();
                    stdout.read_line(&mut line).expect("read");
                    out.push_str(&line);
                }
                import_time = Some(t.elapsed());
            }
            Some(d) => {
                let micros = d.as_micros().max(1) as u64;
                std::thread::sleep(Duration::from_micros(rng.gen_range(0..micros)));
            }
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("wait");
        stdout.read_to_string(&mut out).expect("read");

        let store = Store::open(&survey.path, &pass()).expect("reopen after SIGKILL");
        assert_eq!(store.integrity_check().unwrap(), "ok", "trial {trial}");
        assert!(
            store.verify_audit_chain().unwrap().is_intact(),
            "trial {trial}"
        );
        let batches = parse(&out);
        // Killed before it announced the import (or while announcing it: its id list is
        // cut short), the writer cannot have written any of it; the checks still hold.
        let Some(import) = batches.get(&0) else {
            assert_eq!(store.count().unwrap() as usize, seeded, "trial {trial}");
            killed_mid_import += 1;
            continue;
        };
        let present = import
            .ids
            .iter()
            .filter(|id| store.get_record(id).unwrap().is_some())
            .count();
        assert!(
            present == 0 || present == BULK,
            "trial {trial}: the import is half there ({present}/{BULK})"
        );
        if import.acked {
            assert_eq!(present, BULK, "trial {trial}: acknowledged import lost");
        } else {
            killed_mid_import += 1;
        }
        // The box index holds exactly the stored records, packed or not.
        let total = store.count().unwrap() as usize;
        assert!(total >= seeded + present, "trial {trial}");
        assert_eq!(
            store.query_bbox([70.0, 0.0, 140.0, 60.0]).unwrap().len(),
            total,
            "trial {trial}"
        );
    }
    eprintln!(
        "bulk crash test: {trials} SIGKILLs, {killed_mid_import} inside the import, \
         import time {import_time:?}"
    );
    assert!(
        killed_mid_import >= trials as usize / 3,
        "only {killed_mid_import} of {trials} kills landed inside the import"
    );
}
