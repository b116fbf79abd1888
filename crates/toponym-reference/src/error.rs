//! The one error type of the reference crate. Every variant names the file and, where
//! there is one, the line, so a person can open the file and see what is wrong.

/// A reference file could not be read as the table it claims to be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RefError {
    /// A row or value is not what the table's format says.
    #[error("{file}, line {line}: {reason}")]
    Malformed {
        /// File name as given by the caller.
        file: String,
        /// 1-based line number.
        line: u64,
        /// What is wrong, in English.
        reason: String,
    },
    /// The file ends early (empty, cut in the middle of a line or a JSON value).
    #[error("{file}, line {line}: truncated: {reason}")]
    Truncated {
        /// File name.
        file: String,
        /// 1-based line where the file stops.
        line: u64,
        /// What was expected.
        reason: String,
    },
    /// The header row is not the one the parser was written for.
    #[error("{file}, line 1: unexpected header: expected `{expected}`, found `{found}`")]
    Header {
        /// File name.
        file: String,
        /// The expected header, comma-joined.
        expected: String,
        /// The header found.
        found: String,
    },
    /// A shipped table does not match the hash in `schemas/reference/manifest.json`.
    #[error("reference table {id} ({file}): content hash {found} differs from the manifest's {expected}")]
    HashMismatch {
        /// Table id.
        id: String,
        /// File name.
        file: String,
        /// Hash in the manifest.
        expected: String,
        /// Hash of the content.
        found: String,
    },
    /// A lookup asked for something the tables do not have.
    #[error("{what} not found in {table}")]
    NotFound {
        /// What was asked for (e.g. "county 370999").
        what: String,
        /// Which table was searched.
        table: String,
    },
}

impl RefError {
    pub(crate) fn malformed(file: &str, line: u64, reason: impl Into<String>) -> Self {
        RefError::Malformed {
            file: file.to_owned(),
            line,
            reason: reason.into(),
        }
    }
}
