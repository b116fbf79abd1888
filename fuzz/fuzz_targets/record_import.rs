//! Fuzz target: bytes as a record file, through `toponym survey add`'s code path. The
//! bytes are written to a file, read with `read_record_file` and added with `add_files`
//! (template check, validation, the completion gate, the store write) into a temporary
//! encrypted survey made once per process. Either records are stored or an error or
//! findings come back; a panic or abort is a bug.

#![no_main]

use std::path::PathBuf;
use std::sync::Mutex;

use libfuzzer_sys::fuzz_target;
use toponym_forms::{Catalog, ValidateOptions};
use toponym_ops::save::SaveRules;
use toponym_ops::survey::{self, Actor, KdfParams, Passphrase, Store};

struct Survey {
    dir: PathBuf,
    store: Option<Store>,
    generation: u64,
    adds: u64,
}

static SURVEY: Mutex<Option<Survey>> = Mutex::new(None);
const PASS: &str = "fuzz-passphrase";

impl Survey {
    fn new() -> Survey {
        let dir = std::env::temp_dir().join(format!("toponym-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut s = Survey {
            dir,
            store: None,
            generation: 0,
            adds: 0,
        };
        s.fresh_store();
        s
    }

    /// A new empty survey, so that stored inputs do not slow every later run down.
    fn fresh_store(&mut self) {
        self.store = None;
        self.generation += 1;
        let p = self.dir.join(format!("survey-{}.toponym", self.generation));
        let prev = self
            .dir
            .join(format!("survey-{}.toponym", self.generation - 1));
        for ext in ["", ".toponym-kdf", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", prev.display()));
        }
        let store = Store::create(&p, &Passphrase::new(PASS), KdfParams::insecure_for_tests())
            .expect("create the fuzz survey");
        self.store = Some(store);
        self.adds = 0;
    }
}

fuzz_target!(|data: &[u8]| {
    let mut guard = SURVEY.lock().unwrap_or_else(|e| e.into_inner());
    let s = guard.get_or_insert_with(Survey::new);
    let input = s.dir.join("input.json");
    std::fs::write(&input, data).expect("write input");
    let read = survey::read_record_file(&input);
    let Some(store) = s.store.as_mut() else {
        return;
    };
    // The one save path, as `survey add` runs it (no clock: no future-date checks).
    let rules = SaveRules {
        catalog: Catalog::builtin(),
        engine: toponym_qa::Engine::builtin(),
        refs: toponym_ops::qa::shared_refs(),
        options: toponym_qa::Options {
            validate: ValidateOptions::default(),
        },
    };
    let added = survey::add_files(
        store,
        std::slice::from_ref(&input),
        &Actor::new("fuzz"),
        Some("fuzz"),
        &rules,
    );
    // The two must agree on whether the file is readable.
    if read.is_err() {
        assert!(
            added.is_err(),
            "add_files accepted a file read_record_file refused"
        );
    }
    if matches!(added, Ok(ref r) if r.stored) {
        s.adds += 1;
        if s.adds >= 2000 {
            s.fresh_store();
        }
    }
});
