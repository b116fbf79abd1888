//! Capped reads of untrusted input. A record file, an imported list or a sidecar is read
//! with a hard limit: a regular file larger than the cap is refused before a byte is read,
//! and anything else (a pipe, `/dev/zero`) is read only up to the cap plus one byte.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why an input cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// Larger than the cap.
    #[error("{path} is larger than the {} limit for {what}{}", human(*cap), size.map(|s| format!(" ({})", human(s))).unwrap_or_default())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// What kind of input ("record files" …).
        what: &'static str,
        /// The cap in bytes.
        cap: u64,
        /// The file's size when known (regular files).
        size: Option<u64>,
    },
    /// A folder where a file was expected.
    #[error("{path} is a folder, not a file")]
    IsDirectory {
        /// The path.
        path: PathBuf,
    },
    /// Not UTF-8 text.
    #[error("{path} is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// A file-system error.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Bytes as a person reads them: 32 MiB, 64 KiB, 512 bytes.
fn human(n: u64) -> String {
    const MIB: u64 = 1 << 20;
    const KIB: u64 = 1 << 10;
    if n >= MIB && n % MIB == 0 {
        format!("{} MiB", n / MIB)
    } else if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else if n >= KIB && n % KIB == 0 {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

/// Reads all of `path`, at most `cap` bytes; `what` names the kind of input in errors.
pub fn read_capped(path: &Path, cap: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    let err = |source| ReadError::Io {
        path: path.to_owned(),
        source,
    };
    let f = File::open(path).map_err(err)?;
    let meta = f.metadata().map_err(err)?;
    if meta.is_dir() {
        return Err(ReadError::IsDirectory {
            path: path.to_owned(),
        });
    }
    let too_large = |size| ReadError::TooLarge {
        path: path.to_owned(),
        what,
        cap,
        size,
    };
    if meta.is_file() && meta.len() > cap {
        return Err(too_large(Some(meta.len())));
    }
    let hint = if meta.is_file() { meta.len() } else { 0 };
    let mut buf = Vec::with_capacity(usize::try_from(hint.min(cap)).unwrap_or(0));
    f.take(cap.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(err)?;
    if buf.len() as u64 > cap {
        return Err(too_large(None));
    }
    Ok(buf)
}

/// Reads `path` as UTF-8 text, at most `cap` bytes; a leading UTF-8 byte-order mark is
/// accepted and dropped (Windows editors write one).
pub fn read_capped_text(path: &Path, cap: u64, what: &'static str) -> Result<String, ReadError> {
    let mut bytes = read_capped(path, cap, what)?;
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        path: path.to_owned(),
        offset: e.utf8_error().valid_up_to(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_person_writes_them() {
        assert_eq!(human(32 << 20), "32 MiB");
        assert_eq!(human(64 << 10), "64 KiB");
        assert_eq!(human(100), "100 bytes");
    }
}
