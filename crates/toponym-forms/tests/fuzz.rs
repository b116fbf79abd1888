//! Validation must never panic, whatever a person or a file hands it. This test mutates
//! the golden records at random (named seed, so failures reproduce) — wrong types, deleted
//! keys, odd Unicode, huge and non-finite-looking numbers, broken geometry — and runs the
//! validator on each mutant. Every finding must still carry both languages and a path.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use toponym_forms::{validate_json_with, Catalog, Stage, ValidateOptions};

/// Named seed: change it to explore, keep it fixed in CI.
const SEED_GOLDEN_MUTANTS: u64 = 0x746f_706f_6e79_6d01;
const MUTANTS_PER_RECORD: usize = 60;

fn nasty(rng: &mut ChaCha8Rng) -> Value {
    let pool = [
        Value::Null,
        json!(""),
        json!("　"),
        json!(" ？ "),
        json!("\u{E000}\u{0000}\u{FFFF}"),
        json!("𣵦𱖒"),
        json!(-1),
        json!(0),
        json!(1e308),
        json!(-1e308),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(1.5),
        json!(true),
        json!([]),
        json!([null]),
        json!([1, "a", {}]),
        json!({}),
        json!({"name": 5}),
        json!({"type": "Polygon", "coordinates": [[[0, 0]]]}),
        json!(["117°65′12″E", "north"]),
        json!(["1e999", "-0"]),
        json!("2026-13-45T99:99:99Z"),
        json!("NaN"),
        json!("9999-99"),
        json!([[117.1, 36.2]]),
    ];
    pool.choose(rng).unwrap().clone()
}

fn mutate(rng: &mut ChaCha8Rng, v: &mut Value) {
    match v {
        Value::Object(m) if !m.is_empty() && rng.gen_bool(0.8) => {
            let keys: Vec<String> = m.keys().cloned().collect();
            let k = keys.choose(rng).unwrap().clone();
            match rng.gen_range(0..4) {
                0 => {
                    m.remove(&k);
                }
                1 => {
                    m.insert(k, nasty(rng));
                }
                _ => mutate(rng, m.get_mut(&k).unwrap()),
            }
        }
        Value::Array(a) if !a.is_empty() && rng.gen_bool(0.8) => {
            let i = rng.gen_range(0..a.len());
            if rng.gen_bool(0.3) {
                a.remove(i);
            } else {
                mutate(rng, &mut a[i]);
            }
        }
        other => *other = nasty(rng),
    }
}

#[test]
fn mutated_golden_records_never_panic_and_findings_are_complete() {
    let catalog = Catalog::builtin();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED_GOLDEN_MUTANTS);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let opts = ValidateOptions {
        now: Some(time::macros::datetime!(2026-11-23 12:00 UTC)),
        province_bbox: Some([114.8, 34.3, 122.8, 38.4]),
        stage: Stage::Export,
        ..ValidateOptions::default()
    };
    let mut runs = 0;
    for t in catalog.templates() {
        for e in std::fs::read_dir(dir.join(&t.id)).unwrap() {
            let mut base: Value =
                serde_json::from_str(&std::fs::read_to_string(e.unwrap().path()).unwrap()).unwrap();
            base.as_object_mut().unwrap().remove("_expect");
            for _ in 0..MUTANTS_PER_RECORD {
                let mut m = base.clone();
                for _ in 0..rng.gen_range(1..4) {
                    mutate(&mut rng, &mut m);
                }
                for f in validate_json_with(catalog, &m, &opts) {
                    assert!(
                        !f.message.zh.is_empty()
                            && !f.message.en.is_empty()
                            && !f.message.code.is_empty(),
                        "{f:?}"
                    );
                }
                runs += 1;
            }
        }
    }
    // Whole-record nonsense too.
    for v in [
        json!(null),
        json!([]),
        json!("x"),
        json!({"template": 5}),
        json!({"record_id": 1, "template": {"id": []}}),
    ] {
        assert!(!validate_json_with(catalog, &v, &opts).is_empty());
    }
    assert!(runs > 10_000, "only {runs} mutants ran");
}
