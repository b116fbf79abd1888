//! Fuzz target: the survey's key file (`<db>.toponym-kdf`), the untrusted sidecar that is
//! read before any passphrase is checked. The bytes are written as the key file of a
//! small non-database file, then read the two ways a program reads it: the unlock
//! screen's member list (`unlock_slots`) and a key derivation (`derive_key_as`), which
//! must refuse bad parameters, slots and keys with an error, never panic. The derivation
//! runs only when every Argon2 memory figure in the bytes is small: the bound on its cost
//! (at most 2 GiB and 16 passes) is `KdfParams::check`'s, tested in the store; the
//! fuzzer's job is the parser and the slot checks, at thousands of inputs a second.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use toponym_store::{derive_key_as, unlock_slots, Passphrase};

fn dir() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("tempdir")).path()
}

/// Whether every `m_cost_kib` / `t_cost` in the JSON is cheap enough to derive.
fn cheap(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(m) => m.iter().all(|(k, x)| match k.as_str() {
            "m_cost_kib" => x.as_u64().is_some_and(|n| n <= 1024),
            "t_cost" | "p_cost" => x.as_u64().is_some_and(|n| n <= 2),
            _ => cheap(x),
        }),
        serde_json::Value::Array(a) => a.iter().all(cheap),
        _ => true,
    }
}

fuzz_target!(|data: &[u8]| {
    let db = dir().join("s.toponym");
    if !db.exists() {
        std::fs::write(&db, [0u8; 4096]).expect("db");
    }
    std::fs::write(toponym_store::sidecar_path(&db), data).expect("key file");
    let _ = unlock_slots(&db);
    let derive = serde_json::from_slice::<serde_json::Value>(data).is_ok_and(|v| cheap(&v));
    if derive {
        let _ = derive_key_as(&db, None, &Passphrase::new("fuzz passphrase"));
        let _ = derive_key_as(&db, Some("登记人"), &Passphrase::new("fuzz passphrase"));
    }
});
