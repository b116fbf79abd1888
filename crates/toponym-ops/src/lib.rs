//! Use cases shared by the CLI and the desktop app.

pub mod baseline;
mod error;
pub mod extent;
pub mod overrides;
pub mod people;
pub mod qa;
pub mod save;
pub mod survey;

pub use error::{OpsError, Result};
/// Process setting for programs that write surveys (see the store's docs).
pub use toponym_store::disable_transparent_huge_pages;
