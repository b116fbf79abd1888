//! Fuzz target: record validation and the QA engine on a parsed record. Bytes that parse
//! as a `Record` are validated with `toponym_forms::validate` against the built-in
//! catalogue, then checked by every entry and record rule of the QA engine
//! (`Engine::check_record`, with the built-in reference data: county outlines, division
//! tables, base points) and by the bundle-stage rules over a one-record survey; any JSON
//! value also goes through `validate_json`. Engines never panic on input: a bad value is a
//! finding, so a panic here is a bug (and a slow input a timeout).

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use toponym_core::Record;
use toponym_forms::Catalog;
use toponym_qa::{Engine, Options, Refs, Stage, SurveyInput};

fn refs() -> &'static Refs {
    static REFS: OnceLock<Refs> = OnceLock::new();
    REFS.get_or_init(toponym_ops::qa::builtin_refs)
}

fuzz_target!(|data: &[u8]| {
    let catalog = Catalog::builtin();
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = toponym_forms::validate_json(catalog, &value);
    if let Ok(record) = serde_json::from_value::<Record>(value) {
        let _ = toponym_forms::validate(catalog, &record);
        let engine = Engine::builtin();
        let options = Options::default();
        let _ = engine.check_record(catalog, refs(), &options, &record);
        let records = [record];
        let input = SurveyInput {
            records: &records,
            list: &[],
            media: &[],
            changes: &[],
            has_store: false,
            catalog,
            refs: refs(),
            options: &options,
        };
        let _ = engine.run(&input, Stage::Bundle);
    }
});
