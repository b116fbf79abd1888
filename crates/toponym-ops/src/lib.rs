//! Use cases shared by the CLI and the desktop app.

pub mod app;
pub mod baseline;
mod error;
pub mod extent;
pub mod samples;
pub mod survey;

pub use error::{OpsError, Result};
