//! People and review benchmarks (harness = false): the figures issue 14 sets, printed for
//! docs/benchmarks/store.md.
//!
//!   unlock through a key slot     ≤ one Argon2id derivation (printed as a ratio)
//!   accept 10 000 records at once ≤ 2 s (signatures, status changes, audit entries)
//!
//!   cargo bench -p toponym-store --bench people

use std::time::Instant;

use serde_json::json;
use toponym_core::{Geometry, IdGenerator, Record, SeededIdGenerator, TemplateRef, WorkflowStatus};
use toponym_store::{Actor, KdfParams, NewMember, Passphrase, Role, SearchKeys, Store};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RECORDS: usize = 10_000;

fn record(ids: &SeededIdGenerator, i: usize) -> Record {
    let mut fields = serde_json::Map::new();
    fields.insert("standard_name".into(), json!(format!("测试{i}号山")));
    fields.insert("secrecy".into(), json!("秘密"));
    Record {
        record_id: ids.next_id(),
        template: TemplateRef {
            id: "terrain.mountain".into(),
            version: "1.0.0".into(),
            hash: "sha256:00".into(),
        },
        workflow_status: WorkflowStatus::Complete,
        fields,
        geometry: Some(Geometry::Point([
            117.0 + (i % 100) as f64 * 0.003,
            36.0 + (i / 100) as f64 * 0.003,
        ])),
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.toponym");
    let reg = Passphrase::new("registrar passphrase");
    let rev = Passphrase::new("reviewer passphrase");

    // Unlock with production parameters against one bare derivation of the same cost.
    let prod = KdfParams::production();
    let mut store = Store::create_survey(
        &path,
        &NewMember::new("登记人", Role::Registrar),
        &reg,
        prod,
        None,
    )
    .expect("create");
    store
        .add_member(&NewMember::new("审核人", Role::Reviewer), &rev, prod)
        .expect("add reviewer");
    let ids = SeededIdGenerator::new(1_714_550_400_000, 14);
    let batch: Vec<(Record, SearchKeys)> = (0..RECORDS)
        .map(|i| (record(&ids, i), SearchKeys::default()))
        .collect();
    store
        .put_records(&batch, &Actor::new("bench"), None)
        .expect("records");
    drop(store);

    // The best of three bare derivations (the first also pays for faulting in 256 MiB).
    let bare = (0..3)
        .map(|_| {
            let t = Instant::now();
            let _ = argon2_once(&reg, prod);
            t.elapsed()
        })
        .min()
        .unwrap_or_default();
    let t = Instant::now();
    let mut rev_store = Store::open_as(&path, Some("审核人"), &rev).expect("open");
    let unlock = t.elapsed();
    let kdf = rev_store.open_timings().kdf;
    println!(
        "unlock through a slot: {:.0} ms (of which the slot's KDF {:.0} ms); one bare Argon2id \
         derivation {:.0} ms; ratio slot KDF / bare = {:.2}",
        unlock.as_secs_f64() * 1e3,
        kdf.as_secs_f64() * 1e3,
        bare.as_secs_f64() * 1e3,
        kdf.as_secs_f64() / bare.as_secs_f64()
    );

    let all: Vec<_> = batch.iter().map(|(r, _)| r.record_id).collect();
    let t = Instant::now();
    let done = rev_store.accept(&all, None).expect("accept");
    let took = t.elapsed();
    assert_eq!(done.len(), RECORDS);
    println!(
        "accept {RECORDS} records in one batch: {:.2} s ({:.0} records/s)",
        took.as_secs_f64(),
        RECORDS as f64 / took.as_secs_f64()
    );
    let t = Instant::now();
    let v = rev_store.verify_audit_chain().expect("verify");
    assert!(v.is_intact(), "{v:?}");
    println!(
        "verify the chain and {RECORDS} signatures: {:.2} s",
        t.elapsed().as_secs_f64()
    );
}

/// One Argon2id derivation with `p`, as the slot does (the `argon2` crate directly).
fn argon2_once(pass: &Passphrase, p: KdfParams) -> [u8; 32] {
    let _ = pass;
    let params = argon2::Params::new(p.m_cost_kib, p.t_cost, p.p_cost, Some(32)).expect("params");
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = [0u8; 32];
    a.hash_password_into(b"registrar passphrase", b"0123456789abcdef", &mut out)
        .expect("argon2");
    out
}
