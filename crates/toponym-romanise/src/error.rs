//! The one error type of this crate. Romanising a name never fails with an error (a bad name
//! is an [`crate::Outcome`]); only loading broken table data does.

/// What went wrong while loading romanisation tables.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RomaniseError {
    /// A table file has a malformed row.
    #[error("romanisation table {file}, line {line}: {message}")]
    Data {
        /// File name under schemas/romanisation/.
        file: String,
        /// 1-based line number (0 when the whole file is affected).
        line: usize,
        /// What is wrong with the row.
        message: String,
    },
}
