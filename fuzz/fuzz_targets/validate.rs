//! Fuzz target: record validation on a parsed record. Bytes that parse as a `Record` are
//! validated with `toponym_forms::validate` against the built-in catalogue; any JSON value
//! also goes through `validate_json`. Engines never panic on input: a bad value is a
//! finding, so a panic here is a bug.

#![no_main]

use libfuzzer_sys::fuzz_target;
use toponym_core::Record;
use toponym_forms::Catalog;

fuzz_target!(|data: &[u8]| {
    let catalog = Catalog::builtin();
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = toponym_forms::validate_json(catalog, &value);
    if let Ok(record) = serde_json::from_value::<Record>(value) {
        let _ = toponym_forms::validate(catalog, &record);
    }
});
