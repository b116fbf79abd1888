//! The 75 templates as data, one form model for all of them, and record validation.
//!
//! Sans-IO: `Catalog::builtin()` is embedded at compile time; `Catalog::load_dir` reads a
//! `schemas/` folder for tools. `validate` takes a record and returns findings; it never
//! panics and never fails, so the app, the CLI and the store can run it on anything.

pub mod catalog;
pub mod error;
pub mod limits;
pub mod model;
pub mod rules;
pub mod schema;
mod validate;

pub use catalog::{Catalog, FORMAT_VERSION};
pub use error::FormsError;
pub use model::{
    Category, ClassCode, ClassCodeSpec, ClassCodeTable, Condition, Evidence, FieldCheck, FieldDef,
    FieldGroup, FieldKind, ItemDef, Stage, Template,
};
pub use rules::{RuleInfo, RULES};
pub use validate::{validate, validate_json, validate_json_with, validate_with, ValidateOptions};
