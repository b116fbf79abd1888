//! The one error type of toponym-forms: loading template data can fail; validating a
//! record never does (a bad record yields findings, not errors).

use std::path::PathBuf;

/// What went wrong while loading the template catalogue.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FormsError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A file is not well-formed JSON.
    #[error("{path}:{line}:{column}: malformed JSON: {message}")]
    Json {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A file is JSON but does not have the expected shape.
    #[error("{path}: at {json_path}: {message}")]
    Schema {
        /// The file.
        path: String,
        /// Where in the file, e.g. `fields[3].kind`.
        json_path: String,
        /// What is wrong.
        message: String,
    },
    /// The files are each fine but disagree with each other.
    #[error("{path}: {message}")]
    Inconsistent {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}
