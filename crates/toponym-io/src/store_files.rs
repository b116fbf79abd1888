//! The companion files of a Toponym store (survey or gazetteer): the key sidecar next to
//! the database and SQLite's own WAL, shared-memory and rollback-journal files. The store
//! crate names its files through these functions, and [`crate::OutputFile`] refuses every
//! one of them as an output.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Suffix of the key sidecar: `<db>.toponym-kdf` (salt, KDF parameters, key check).
pub const SIDECAR_SUFFIX: &str = ".toponym-kdf";

/// Suffixes SQLite appends to a database path for its own files.
pub const SQLITE_SUFFIXES: [&str; 3] = ["-wal", "-shm", "-journal"];

/// The sidecar path of a database path.
pub fn sidecar_path(db: &Path) -> PathBuf {
    with_suffix(db, SIDECAR_SUFFIX)
}

/// `path` with `suffix` appended to its last component.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s: OsString = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The database a companion file belongs to, if `path` is named like one (`x.toponym-kdf`
/// → `x`, `x-wal` → `x`).
pub fn companion_of(path: &Path) -> Option<PathBuf> {
    let s = path.to_str()?;
    for suf in std::iter::once(SIDECAR_SUFFIX).chain(SQLITE_SUFFIXES) {
        if let Some(base) = s.strip_suffix(suf) {
            if !base.is_empty() {
                return Some(PathBuf::from(base));
            }
        }
    }
    None
}

/// Whether `path` is a Toponym store: a file with a key sidecar beside it.
pub fn is_store(path: &Path) -> bool {
    sidecar_path(path).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn companions_map_back_to_their_database() {
        assert_eq!(
            companion_of(Path::new("/a/s.toponym.toponym-kdf")),
            Some(PathBuf::from("/a/s.toponym"))
        );
        assert_eq!(
            companion_of(Path::new("/a/s.toponym-wal")),
            Some(PathBuf::from("/a/s.toponym"))
        );
        assert_eq!(companion_of(Path::new("/a/s.gpkg")), None);
    }
}
