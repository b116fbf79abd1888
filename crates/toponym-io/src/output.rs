//! [`OutputFile`]: the one safe way to write an output file.
//!
//! A path a person gives is never trusted. Before anything is written the target is
//! checked: it must not be a survey store, a store's key sidecar, the WAL, shared-memory
//! or journal file of a database, any SQLite database other than a GeoPackage, one of the
//! caller's protected inputs, or anything that is not a regular file (a directory, a
//! symbolic link, a device, a FIFO). An existing regular file is replaced only when the
//! caller asks for it. The content goes to a temporary file in the target's directory
//! (mode 0600, so classified exports are never world-readable, not even half-written),
//! which is synced and renamed into place only when complete; the directory is synced
//! after the rename. A temporary left by a killed process is removed by the next
//! `OutputFile` in the same directory, and [`remove_live_temporaries`] lets a signal
//! handler remove the ones of the running process.

use std::fs::{self, File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::store_files::{companion_of, is_store, sidecar_path, SIDECAR_SUFFIX};

/// Suffix of the temporaries; a stale one is recognised by it and by its process id.
const TEMP_SUFFIX: &str = ".toponym-partial";

/// The temporaries of this process that are still being written.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Why an output file cannot be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// The target is (part of) a store or another database: never replaced.
    #[error("refusing to write {path}: it is {what}, which an output must never replace")]
    Protected {
        /// The target.
        path: PathBuf,
        /// What it is ("a survey store", "the key file of a survey" …).
        what: &'static str,
    },
    /// The target exists and is not a regular file.
    #[error("refusing to write {path}: it is {kind}, not a regular file")]
    NotRegularFile {
        /// The target.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },
    /// The target exists and replacing was not asked for.
    #[error("{path} already exists; choose another name or ask to replace it (--replace)")]
    Exists {
        /// The target.
        path: PathBuf,
    },
    /// The target's directory does not exist or is not a directory.
    #[error("cannot write {path}: its folder {dir} does not exist or is not a folder")]
    NoDirectory {
        /// The target.
        path: PathBuf,
        /// Its directory.
        dir: PathBuf,
    },
    /// A file-system error.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file involved.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

impl OutputError {
    /// A stable code for the app and `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Protected { .. } => "output.protected",
            Self::NotRegularFile { .. } => "output.not_regular_file",
            Self::Exists { .. } => "output.exists",
            Self::NoDirectory { .. } => "output.no_directory",
            Self::Io { .. } => "output.io",
        }
    }
}

/// How an output may be written.
#[derive(Debug, Clone, Default)]
pub struct OutputOptions {
    /// Replace an existing regular file (never a store, sidecar or database).
    pub replace: bool,
    /// Files the output must not be, e.g. the survey being exported, even under another
    /// name (a hard link) or through a symbolic link.
    pub protect: Vec<PathBuf>,
}

impl OutputOptions {
    /// Options that replace an existing regular file when `replace` is set.
    pub fn replacing(replace: bool) -> Self {
        Self {
            replace,
            protect: Vec::new(),
        }
    }

    /// Adds a file the output must not be.
    pub fn protecting(mut self, path: impl Into<PathBuf>) -> Self {
        self.protect.push(path.into());
        self
    }
}

/// An output being written: a temporary in the target's directory until [`commit`].
///
/// Dropping it without committing removes the temporary, so an error leaves the target
/// as it was.
///
/// [`commit`]: OutputFile::commit
#[derive(Debug)]
pub struct OutputFile {
    tmp: Option<tempfile::NamedTempFile>,
    target: PathBuf,
    opts: OutputOptions,
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> OutputError + 'a {
    move |source| OutputError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

fn kind_of(m: &Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_dir() {
        return "a folder";
    }
    if t.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
        if t.is_fifo() {
            return "a pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// The SQLite header, and GeoPackage's application id at offset 68 ("GPKG").
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
const GPKG_APPLICATION_ID: [u8; 4] = *b"GPKG";

/// Whether an existing regular file is a database other than a GeoPackage (an earlier
/// export may be replaced; a basemap or a plain database may not).
fn is_foreign_database(path: &Path) -> bool {
    let mut head = [0u8; 72];
    let Ok(mut f) = File::open(path) else {
        return false;
    };
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(_) => return false,
        }
    }
    n >= 16 && &head[..16] == SQLITE_MAGIC && (n < 72 || head[68..72] != GPKG_APPLICATION_ID)
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &Metadata, _: &Metadata) -> bool {
    false
}

/// Checks a target path; `Ok(true)` when it exists (a regular file that may be replaced).
fn check_target(path: &Path, opts: &OutputOptions) -> Result<bool, OutputError> {
    let protected = |what| {
        Err(OutputError::Protected {
            path: path.to_owned(),
            what,
        })
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(SIDECAR_SUFFIX) {
        return protected("the key file of a survey or gazetteer");
    }
    if is_store(path) {
        return protected("a survey or gazetteer store");
    }
    if let Some(base) = companion_of(path) {
        if is_store(&base) || (base.is_file() && is_foreign_database(&base)) {
            return protected("a journal, WAL or shared-memory file of a database");
        }
    }
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io("inspect", path)(e)),
    };
    // A protected input reached through any name: compare the file itself.
    if let Ok(target_meta) = fs::metadata(path) {
        for p in &opts.protect {
            if fs::metadata(p).is_ok_and(|pm| same_file(&pm, &target_meta))
                || sidecar_path(p) == path
            {
                return protected("the file being read (an input of this command)");
            }
        }
    }
    let Some(meta) = meta else {
        return Ok(false);
    };
    if !meta.file_type().is_file() {
        return Err(OutputError::NotRegularFile {
            path: path.to_owned(),
            kind: kind_of(&meta),
        });
    }
    if is_foreign_database(path) {
        return protected("a database (SQLite) that is not an earlier GeoPackage export");
    }
    if !opts.replace {
        return Err(OutputError::Exists {
            path: path.to_owned(),
        });
    }
    Ok(true)
}

fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Removes the temporaries of `name` in `dir` whose process is gone (a SIGKILL or a
/// power cut prevented their removal). Returns how many were removed.
fn remove_stale(dir: &Path, name: &str) -> usize {
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let proc_fs = Path::new("/proc/self").exists();
    let mut removed = 0;
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        let Some(rest) = n
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(TEMP_SUFFIX))
        else {
            continue;
        };
        let Some(pid) = rest.split('.').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let gone = if proc_fs {
            pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            // Without /proc, only temporaries older than a day count as abandoned.
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 86_400)
        };
        let path = e.path();
        if gone
            && fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file())
            && fs::remove_file(&path).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

fn register(path: &Path) {
    let mut live = LIVE.lock().unwrap_or_else(|p| p.into_inner());
    live.push(path.to_owned());
}

fn unregister(path: &Path) {
    let mut live = LIVE.lock().unwrap_or_else(|p| p.into_inner());
    live.retain(|p| p != path);
}

/// Removes every temporary this process is still writing. For a Ctrl-C or SIGTERM
/// handler, just before the process exits: no plaintext half-export stays on disk.
pub fn remove_live_temporaries() {
    let live = match LIVE.try_lock() {
        Ok(l) => l.clone(),
        Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner().clone(),
        // Held by a thread that is registering or unregistering right now: wait for it.
        Err(std::sync::TryLockError::WouldBlock) => {
            LIVE.lock().unwrap_or_else(|p| p.into_inner()).clone()
        }
    };
    for p in live {
        let _ = fs::remove_file(&p);
    }
}

impl OutputFile {
    /// Checks `target` and opens a temporary for it in the same directory.
    pub fn create(target: impl AsRef<Path>, opts: OutputOptions) -> Result<Self, OutputError> {
        let target = target.as_ref().to_owned();
        let dir = directory_of(&target);
        if !dir.is_dir() {
            return Err(OutputError::NoDirectory {
                path: target.clone(),
                dir,
            });
        }
        check_target(&target, &opts)?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("output")
            .to_owned();
        remove_stale(&dir, &name);
        let mut builder = tempfile::Builder::new();
        let prefix = format!(".{name}.{}.", std::process::id());
        builder.prefix(&prefix).suffix(TEMP_SUFFIX);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o600));
        }
        let tmp = builder
            .tempfile_in(&dir)
            .map_err(io("create a temporary file in", &dir))?;
        register(tmp.path());
        Ok(Self {
            tmp: Some(tmp),
            target,
            opts,
        })
    }

    /// The final path.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The temporary's path, for writers that open files themselves (SQLite).
    pub fn temp_path(&self) -> &Path {
        self.tmp
            .as_ref()
            .map_or(self.target.as_path(), |t| t.path())
    }

    /// The temporary, for writing.
    pub fn file(&mut self) -> &mut File {
        // `tmp` is `None` only after commit, which consumes `self`.
        self.tmp
            .as_mut()
            .map(tempfile::NamedTempFile::as_file_mut)
            .expect("OutputFile used after commit")
    }

    /// Writes all of `bytes` and commits: the common case.
    pub fn write_all_and_commit(mut self, bytes: &[u8]) -> Result<PathBuf, OutputError> {
        use std::io::Write;
        let tmp_path = self.temp_path().to_owned();
        self.file()
            .write_all(bytes)
            .map_err(io("write", &tmp_path))?;
        self.commit()
    }

    /// Syncs the temporary and renames it into place (without replacing anything unless
    /// the options allow it), then syncs the directory.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        let Some(tmp) = self.tmp.take() else {
            return Ok(self.target.clone());
        };
        let tmp_path = tmp.path().to_owned();
        let result = (|| {
            tmp.as_file().sync_all().map_err(io("sync", &tmp_path))?;
            // Checked again: the target may have changed while the output was written.
            let exists = check_target(&self.target, &self.opts)?;
            if exists {
                tmp.persist(&self.target)
                    .map_err(|e| io("rename into", &self.target)(e.error))?;
            } else {
                tmp.persist_noclobber(&self.target).map_err(|e| {
                    if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                        OutputError::Exists {
                            path: self.target.clone(),
                        }
                    } else {
                        io("rename into", &self.target)(e.error)
                    }
                })?;
            }
            if let Ok(d) = File::open(directory_of(&self.target)) {
                let _ = d.sync_all();
            }
            Ok(self.target.clone())
        })();
        unregister(&tmp_path);
        result
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let p = tmp.path().to_owned();
            drop(tmp);
            unregister(&p);
        }
    }
}
