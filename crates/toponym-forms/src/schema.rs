//! JSON Schema (draft 2020-12) for the records of each template, generated from the
//! template data so that other tools can check records without this crate.
