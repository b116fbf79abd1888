//! The one error type of this crate. Scoring and planning never fail (a strange record is
//! a finding on the plan, never an `Err`); only loading broken table data or reading a
//! malformed input row does, and the error names the file, line or row and column.

/// What went wrong while loading dedup tables or reading an input row.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DedupError {
    /// A table under `schemas/dedup/` is malformed.
    #[error("dedup table {file}, line {line}: {message}")]
    Table {
        /// File name under schemas/dedup/ (or schemas/romanisation/templates.json).
        file: String,
        /// 1-based line number (0 when the whole file is affected).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An input row has a bad value in one column.
    #[error("row {row}, column {column}: {message}")]
    Input {
        /// 1-based data row number (the header is row 0).
        row: usize,
        /// Column name.
        column: String,
        /// What is wrong and what is expected.
        message: String,
    },
}

impl DedupError {
    pub(crate) fn table(file: &str, line: usize, message: impl Into<String>) -> Self {
        DedupError::Table {
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }
}
