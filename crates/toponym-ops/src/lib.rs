//! Use cases shared by the CLI and the desktop app.

pub mod app;
pub mod baseline;
pub mod samples;
pub mod survey;
