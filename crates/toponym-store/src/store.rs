//! The `Store`: opening (key, pragmas, migrations), writing records with their R*Tree
//! box, name keys and audit entries in one transaction, and the read paths (by id, by
//! bounding box, by name, by filter, as of an earlier time).

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use geo::Intersects;
use rusqlite::types::ToSqlOutput;
use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;
pub use toponym_core::WorkflowStatus;
use toponym_core::{Clock, Geometry, Record, RecordId, SystemClock, TemplateRef};

use crate::audit::{self, AuditEntry, AuditVerification, Change};
use crate::checkpoint::Checkpointer;
use crate::kdf::{self, DerivedKey, KdfFile, KdfParams, KeyCheck, Passphrase};
use crate::media::{self, Media, MediaInfo};
use crate::names::{self, normalise_key, SearchKeys};
use crate::{gpkg, migrate, Result, StoreError};

/// Who makes a change. A survey unlocked by a member writes as that member (their name
/// and key fingerprint, [`Store::actor_or`]) whatever actor a caller passes; a named
/// actor without a key is used only where no member is unlocked (the county office's
/// recovery, migrations, surveys made before members existed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// A name or account, recorded verbatim in the audit log.
    pub name: String,
    /// The fingerprint of the member's signing key, when a member acts.
    pub key: Option<String>,
}

impl Actor {
    /// An actor called `name`, without a key.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            key: None,
        }
    }
}

/// One line of a listing: the queried columns, not the whole record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordSummary {
    /// 记录标识.
    pub record_id: RecordId,
    /// Template id.
    pub template_id: String,
    /// 大类.
    pub category: String,
    /// 标准名称.
    pub standard_name: Option<String>,
    /// Workflow status.
    pub workflow_status: String,
    /// 密级.
    pub secrecy: String,
    /// 定位点 (lon, lat).
    pub rep_point: Option<[f64; 2]>,
    /// (west, south, east, north).
    pub bbox: Option<[f64; 4]>,
    /// The first 9-digit (township-level) code in `admin_areas`.
    pub township: Option<String>,
    /// 罗马字母拼写 as stored.
    pub roman: Option<String>,
    /// 登记人; `None` while nobody has registered the record (still to do).
    pub registrar: Option<String>,
}

/// A name-search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameHit {
    /// The record found.
    #[serde(flatten)]
    pub summary: RecordSummary,
    /// The stored key that matched.
    pub matched_key: String,
    /// Which name matched: standard, short, alias, former or pinyin.
    pub kind: String,
}

/// Filters for [`Store::list`]; all given filters must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListFilter {
    /// Template id, e.g. `water.river`.
    pub template: Option<String>,
    /// 大类 as stored.
    pub category: Option<String>,
    /// Workflow status.
    pub status: Option<WorkflowStatus>,
    /// Name text (characters or pinyin, any part of a character name, start of pinyin).
    pub text: Option<String>,
    /// (west, south, east, north); confirmed exactly against the geometry.
    pub bbox: Option<[f64; 4]>,
    /// At most this many rows (default 1000).
    pub limit: Option<usize>,
}

/// How long `open` took: the deliberate key derivation and everything else.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenTimings {
    /// Argon2id.
    pub kdf: Duration,
    /// Opening, keying, pragmas, migrations check.
    pub open: Duration,
}

/// Whether a survey may be written: not before its quick check has passed.
enum WriteGate {
    /// Opened read-only (read-only media or permissions): every write is refused.
    ReadOnly,
    /// `PRAGMA quick_check` runs on its own connection and thread; the first write waits
    /// for it, and dropping the store interrupts and joins it.
    Pending(QuickCheck),
    /// The file passed (or was just created).
    Open,
    /// The file failed its quick check: every write is refused.
    Damaged(String),
}

/// An open survey database.
pub struct Store {
    /// Declared first so it is dropped (its last checkpoint run, its thread joined)
    /// before the writing connection closes.
    checkpointer: Option<Checkpointer>,
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
    clock: Arc<dyn Clock>,
    encrypted: bool,
    timings: OpenTimings,
    gate: WriteGate,
    /// The data key and the unlocked member.
    pub(crate) secrets: crate::members::Secrets,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("encrypted", &self.encrypted)
            .finish()
    }
}

impl Store {
    /// The connection, for the reference-table and investigation-list modules of this
    /// crate; they write through it, so the write gate is passed and the checkpointer is
    /// told.
    pub(crate) fn conn_mut(&mut self) -> Result<&mut Connection> {
        self.check_writable()?;
        self.wrote();
        Ok(&mut self.conn)
    }

    /// Refuses a write to a read-only survey or to one that failed its quick check; waits
    /// for a quick check still running.
    pub(crate) fn check_writable(&mut self) -> Result<()> {
        if let WriteGate::Pending(_) = self.gate {
            let WriteGate::Pending(handle) = std::mem::replace(&mut self.gate, WriteGate::Open)
            else {
                unreachable!("matched just above")
            };
            self.gate = match handle.join() {
                Ok(Ok(())) => WriteGate::Open,
                Ok(Err(detail)) => WriteGate::Damaged(detail),
                Err(_) => WriteGate::Damaged("the quick check stopped unexpectedly".into()),
            };
        }
        match &self.gate {
            WriteGate::Open => Ok(()),
            WriteGate::ReadOnly => Err(StoreError::ReadOnly {
                path: self.path.clone(),
            }),
            WriteGate::Damaged(detail) => Err(StoreError::Damaged {
                path: self.path.clone(),
                detail: detail.clone(),
            }),
            WriteGate::Pending(_) => unreachable!("resolved above"),
        }
    }

    /// Whether the survey was opened read-only.
    pub fn is_read_only(&self) -> bool {
        matches!(self.gate, WriteGate::ReadOnly)
    }

    /// Tells the background checkpointer that the WAL grew.
    fn wrote(&self) {
        if let Some(c) = &self.checkpointer {
            c.nudge();
        }
    }

    /// Hands checkpointing to a second connection on its own thread (see
    /// [`crate::checkpoint`]); if that connection cannot be made, SQLite's automatic
    /// checkpoint stays on.
    fn start_checkpointer(&mut self, key: &DerivedKey) -> Result<()> {
        let Ok(second) = connect(&self.path, key, Mode::ReadWrite) else {
            return Ok(());
        };
        if let Ok(c) = Checkpointer::start(second) {
            self.conn
                .query_row("PRAGMA wal_autocheckpoint = 0", [], |_| Ok(()))?;
            self.checkpointer = Some(c);
        }
        Ok(())
    }

    /// The connection, read-only use.
    pub(crate) fn conn_ref(&self) -> &Connection {
        &self.conn
    }

    /// Now, from the store's clock, in microseconds since the epoch.
    pub(crate) fn now_us(&self) -> i64 {
        now_us(self.clock.as_ref())
    }
}

fn now_us(clock: &dyn Clock) -> i64 {
    (clock.now().unix_timestamp_nanos() / 1000) as i64
}

/// How [`connect`] opens a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A new survey.
    Create,
    /// An existing survey, for reading and writing.
    ReadWrite,
    /// An existing survey on read-only media or without write permission.
    ReadOnly,
}

/// `file:` URI of a path, for SQLite's `immutable` parameter.
fn file_uri(path: &Path, query: &str) -> Result<String> {
    let abs = std::path::absolute(path).map_err(|source| StoreError::Io {
        path: path.to_owned(),
        source,
    })?;
    let text = abs.to_str().ok_or_else(|| StoreError::NotASurvey {
        path: path.to_owned(),
        detail: "its path is not valid UTF-8, which read-only opening needs".into(),
    })?;
    let mut uri = String::from("file:");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push('?');
    uri.push_str(query);
    Ok(uri)
}

/// Opens the file, applies the key and proves it works, checks that it holds a survey,
/// then sets the durability pragmas. Nothing is written to an existing file before it is
/// known to be a survey.
fn connect(path: &Path, key: &DerivedKey, mode: Mode) -> Result<Connection> {
    let conn = match mode {
        Mode::Create => Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?,
        Mode::ReadWrite => Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?,
        Mode::ReadOnly => {
            // A WAL with content must be read (it holds the latest commits), which needs
            // its shared-memory file; without one, `immutable` reads the main file alone,
            // with no lock or -shm file to create on the read-only medium.
            let wal = toponym_io::store_files::with_suffix(path, "-wal");
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI;
            if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                Connection::open_with_flags(path, flags)?
            } else {
                Connection::open_with_flags(file_uri(path, "immutable=1")?, flags)?
            }
        }
    };
    if let Some(pragmas) = key.sqlcipher_pragmas() {
        conn.execute_batch(&pragmas)?;
        // SQLCipher's own log lines about failed page decryption would only confuse the
        // person at the terminal: errors are reported as StoreError values. Set after the
        // key: SQLCipher sets its default level (WARN, to stderr) when the first key is
        // applied, overriding an earlier setting.
        let _ = conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()));
    } else if mode == Mode::Create {
        conn.execute_batch(&format!("PRAGMA page_size = {};", key.1))?;
    }
    // The first read fails with SQLITE_NOTADB when the key does not decrypt page 1.
    let has_schema = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'",
        [],
        |r| r.get::<_, i64>(0),
    );
    match has_schema {
        Ok(n) if n > 0 || mode == Mode::Create => {}
        Ok(_) => {
            return Err(StoreError::NotASurvey {
                path: path.to_owned(),
                detail: "it decrypts but holds no Toponym survey".into(),
            })
        }
        Err(rusqlite::Error::SqliteFailure(e, _))
            if matches!(e.code, ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) =>
        {
            return Err(match key.3 {
                KeyCheck::Matched if e.code == ErrorCode::NotADatabase => StoreError::Damaged {
                    path: path.to_owned(),
                    detail: "its first page does not decrypt although the passphrase is \
                             right (the page is damaged, or this is not the file its key \
                             file belongs to)"
                        .into(),
                },
                KeyCheck::Matched => StoreError::Damaged {
                    path: path.to_owned(),
                    detail: "its table of contents cannot be read (pages are damaged or \
                             missing)"
                        .into(),
                },
                KeyCheck::Absent => StoreError::WrongPassphraseOrDamaged {
                    path: path.to_owned(),
                },
                KeyCheck::New => StoreError::SqliteIn {
                    path: path.to_owned(),
                    source: rusqlite::Error::SqliteFailure(e, None),
                },
            });
        }
        Err(e) => return Err(StoreError::Sqlite(e).in_file(path)),
    }
    // Temp tables and sort spills stay in memory: no plaintext temporary files.
    conn.execute_batch(
        "PRAGMA temp_store = MEMORY;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -262144;",
    )?;
    if mode != Mode::ReadOnly {
        let jm: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !jm.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Corrupt {
                what: path.display().to_string(),
                detail: format!("cannot switch to WAL journal (got {jm})"),
            });
        }
    }
    conn.busy_timeout(Duration::from_secs(10))?;
    Ok(conn)
}

/// Checks an existing survey file before SQLite sees it: a regular file, not empty, a
/// whole number of pages. Returns whether it (and its folder) can be written.
fn precheck(path: &Path, page_size: u32) -> Result<bool> {
    let meta = std::fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            StoreError::NotFound {
                path: path.to_owned(),
            }
        } else {
            StoreError::Io {
                path: path.to_owned(),
                source: e,
            }
        }
    })?;
    if !meta.is_file() {
        return Err(StoreError::NotASurvey {
            path: path.to_owned(),
            detail: "it is not a regular file".into(),
        });
    }
    let wal = toponym_io::store_files::with_suffix(path, "-wal");
    let wal_len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    if meta.len() == 0 && wal_len == 0 {
        return Err(StoreError::NotASurvey {
            path: path.to_owned(),
            detail: "the file is empty (0 bytes)".into(),
        });
    }
    if meta.len() % u64::from(page_size) != 0 {
        return Err(StoreError::Damaged {
            path: path.to_owned(),
            detail: format!(
                "it is truncated or padded: {} bytes is not a whole number of {page_size}-byte pages",
                meta.len()
            ),
        });
    }
    Ok(writable(path))
}

/// Whether the file and its folder can be written (the WAL and its index live beside it).
fn writable(path: &Path) -> bool {
    let file_ok = match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(_) => true,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
        ),
    };
    #[cfg(target_os = "linux")]
    let dir_ok = {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        rustix::fs::access(dir, rustix::fs::Access::WRITE_OK).is_ok()
    };
    #[cfg(not(target_os = "linux"))]
    let dir_ok = true;
    file_ok && dir_ok
}

/// A `PRAGMA quick_check` running on a connection and a thread of its own.
///
/// The thread must never outlive the store: a process that exits while it is inside
/// SQLCipher races the exit handlers of OpenSSL (they free what the thread is using; seen
/// as a rare segfault of `toponym survey add` exiting 1 right after opening). Dropping it
/// interrupts the check (`sqlite3_interrupt`) and joins the thread.
struct QuickCheck {
    thread: Option<std::thread::JoinHandle<std::result::Result<(), String>>>,
    interrupt: Option<rusqlite::InterruptHandle>,
}

impl QuickCheck {
    /// Waits for the outcome.
    fn join(mut self) -> std::thread::Result<std::result::Result<(), String>> {
        self.interrupt = None;
        match self.thread.take() {
            Some(t) => t.join(),
            None => Ok(Err("the quick check did not start".into())),
        }
    }
}

impl Drop for QuickCheck {
    fn drop(&mut self) {
        if let Some(i) = self.interrupt.take() {
            i.interrupt();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts `PRAGMA quick_check` on a connection of its own, on a thread of its own.
fn start_quick_check(path: &Path, key: &DerivedKey) -> QuickCheck {
    match connect(path, key, Mode::ReadWrite) {
        Ok(conn) => {
            let interrupt = Some(conn.get_interrupt_handle());
            let thread = std::thread::spawn(move || quick_check_now(&conn));
            QuickCheck {
                thread: Some(thread),
                interrupt,
            }
        }
        Err(e) => {
            let e = e.to_string();
            QuickCheck {
                thread: Some(std::thread::spawn(move || Err(e))),
                interrupt: None,
            }
        }
    }
}

fn quick_check_now(conn: &Connection) -> std::result::Result<(), String> {
    let mut stmt = conn
        .prepare("PRAGMA quick_check")
        .map_err(|e| format!("quick check failed: {e}"))?;
    let lines: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| format!("quick check failed: {e}"))?;
    if lines.len() == 1 && lines[0] == "ok" {
        Ok(())
    } else {
        Err(format!("its quick check found: {}", lines.join("; ")))
    }
}

/// Makes a file readable and writable by its owner only (surveys made before 0600).
fn tighten_mode(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path) {
            if m.permissions().mode() & 0o077 != 0 {
                let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
}

/// Columns derived from one record, validated.
struct Row {
    category: String,
    class_code: Option<String>,
    standard_name: Option<String>,
    place_code: Option<String>,
    census_status: Option<String>,
    workflow_status: &'static str,
    secrecy: String,
    attributes: String,
    geom: Option<Vec<u8>>,
    rep: Option<[f64; 2]>,
    bbox: Option<[f64; 4]>,
    township: Option<String>,
    roman: Option<String>,
    registrar: Option<String>,
}

fn invalid(record: &Record, field: &str, detail: impl Into<String>) -> StoreError {
    StoreError::InvalidRecord {
        record_id: record.record_id.to_string(),
        field: field.to_owned(),
        detail: detail.into(),
    }
}

fn derive_row(record: &Record) -> Result<Row> {
    let text = |k: &str| record.text(k).map(str::to_owned);
    if record.fields.contains_key("workflow_status") {
        return Err(invalid(
            record,
            "fields.workflow_status",
            "the workflow status is the envelope's `workflow_status`, not a form field",
        ));
    }
    let workflow_status = record.workflow_status.as_str();
    // The save path gives every record its template's 密级; a record that still arrives
    // without one (a low-level writer) is kept as the most restricted class, never as
    // public: a safety net, not a domain default.
    let secrecy = match record.fields.get("secrecy") {
        None | Some(Value::Null) => "秘密".to_owned(),
        Some(Value::String(s)) if matches!(s.as_str(), "公开" | "内部" | "秘密") => s.clone(),
        Some(other) => {
            return Err(invalid(
                record,
                "fields.secrecy",
                format!("must be 公开, 内部 or 秘密, not {other}"),
            ))
        }
    };
    let geom = match &record.geometry {
        None => None,
        Some(g) => {
            if g.positions()
                .nth(toponym_core::limits::GEOMETRY_MAX_VERTICES)
                .is_some()
            {
                return Err(invalid(
                    record,
                    "geometry",
                    format!(
                        "has more than {} vertices",
                        toponym_core::limits::GEOMETRY_MAX_VERTICES
                    ),
                ));
            }
            if let Some(p) = g
                .positions()
                .find(|p| !toponym_core::limits::is_degree_pair(**p))
            {
                return Err(invalid(
                    record,
                    "geometry",
                    format!(
                        "has the coordinate [{}, {}], which is not a pair of degree values \
                         (finite, within ±180°)",
                        p[0], p[1]
                    ),
                ));
            }
            Some(
                gpkg::encode(g, gpkg::SRS_CGCS2000)
                    .ok_or_else(|| invalid(record, "geometry", "has no positions"))?,
            )
        }
    };
    let rep = match record.rep_point() {
        Some(p) if toponym_core::limits::is_degree_pair(p) => Some(p),
        Some(p) => {
            return Err(invalid(
                record,
                "fields.rep_point",
                format!(
                    "[{}, {}] is not a pair of degree values (finite, within ±180°)",
                    p[0], p[1]
                ),
            ))
        }
        None => record.geometry.as_ref().and_then(representative_point),
    };
    let bbox = record
        .geometry
        .as_ref()
        .and_then(Geometry::bbox)
        .or(rep.map(|p| [p[0], p[1], p[0], p[1]]));
    let category = text("category").unwrap_or_else(|| {
        record
            .template
            .id
            .split('.')
            .next()
            .unwrap_or_default()
            .to_owned()
    });
    let attributes = serde_json::to_string(&record.fields)
        .map_err(|e| invalid(record, "fields", e.to_string()))?;
    if attributes.len() > toponym_core::limits::RECORD_MAX_FIELD_BYTES {
        return Err(invalid(
            record,
            "fields",
            format!(
                "the field values take {} bytes as stored; a record may take at most {} \
                 (shorten its texts)",
                attributes.len(),
                toponym_core::limits::RECORD_MAX_FIELD_BYTES
            ),
        ));
    }
    let township = record
        .fields
        .get("admin_areas")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .find(|c| c.chars().count() >= 9)
        })
        .map(|c| c.chars().take(9).collect());
    Ok(Row {
        township,
        roman: text("roman"),
        registrar: text("registrar").filter(|r| !r.trim().is_empty()),
        category,
        class_code: text("class_code"),
        standard_name: text("standard_name"),
        place_code: text("place_code"),
        census_status: text("census_status"),
        workflow_status,
        secrecy,
        attributes,
        geom,
        rep,
        bbox,
    })
}

fn representative_point(g: &Geometry) -> Option<[f64; 2]> {
    use geo::InteriorPoint;
    match g {
        Geometry::Point(p) => Some(*p),
        other => other.to_geo().interior_point().map(|p| [p.x(), p.y()]),
    }
}

/// The top-level paths of a record that the audit log tracks, with their values.
fn audit_paths(r: &Record) -> Vec<(String, Value)> {
    let mut v = vec![(
        "template".to_owned(),
        serde_json::to_value(&r.template).unwrap_or(Value::Null),
    )];
    // Draft is the default and absent from the record's JSON, so it has no path either.
    if !r.workflow_status.is_draft() {
        v.push((
            "workflow_status".to_owned(),
            Value::String(r.workflow_status.as_str().to_owned()),
        ));
    }
    if let Some(g) = &r.geometry {
        v.push((
            "geometry".to_owned(),
            serde_json::to_value(g).unwrap_or(Value::Null),
        ));
    }
    for (k, val) in &r.fields {
        v.push((format!("fields.{k}"), val.clone()));
    }
    v
}

fn diff(old: &Record, new: &Record) -> Vec<Change> {
    let old_map: Map<String, Value> = audit_paths(old).into_iter().collect();
    let new_paths = audit_paths(new);
    let mut changes = Vec::new();
    for (path, value) in &new_paths {
        if old_map.get(path) != Some(value) {
            changes.push(Change {
                field: path.clone(),
                old: old_map.get(path).map(Value::to_string),
                new: Some(value.to_string()),
            });
        }
    }
    for (path, value) in &old_map {
        if !new_paths.iter().any(|(p, _)| p == path) {
            changes.push(Change {
                field: path.clone(),
                old: Some(value.to_string()),
                new: None,
            });
        }
    }
    changes
}

pub(crate) const RECORD_COLS: &str =
    "record_id, template_id, template_version, template_hash, attributes, geom, workflow_status";

pub(crate) fn record_from_row(r: &rusqlite::Row<'_>) -> Result<Record> {
    let id: String = r.get(0)?;
    let corrupt = |detail: String| StoreError::Corrupt {
        what: format!("record {id}"),
        detail,
    };
    let record_id = RecordId::from_str(&id).map_err(|e| corrupt(e.to_string()))?;
    let fields: Map<String, Value> =
        serde_json::from_str(&r.get::<_, String>(4)?).map_err(|e| corrupt(e.to_string()))?;
    let geometry = match r.get::<_, Option<Vec<u8>>>(5)? {
        None => None,
        Some(b) => Some(gpkg::decode(&b).map_err(|e| corrupt(e.0))?.1),
    };
    let workflow_status = WorkflowStatus::from_str(&r.get::<_, String>(6)?).map_err(corrupt)?;
    Ok(Record {
        record_id,
        template: TemplateRef {
            id: r.get(1)?,
            version: r.get(2)?,
            hash: r.get(3)?,
        },
        workflow_status,
        fields,
        geometry,
    })
}

const SUMMARY_COLS: &str = "r.record_id, r.template_id, r.category, r.standard_name, \
     r.workflow_status, r.secrecy, r.rep_lon, r.rep_lat, r.min_x, r.min_y, r.max_x, r.max_y, \
     r.township, r.roman, r.registrar";

/// The same columns from the auxiliary columns of `record_boxes` (alias `b`), plus the
/// blob of a line or polygon.
const BOX_SUMMARY_COLS: &str = "b.record_id, b.template_id, b.category, b.standard_name, \
     b.workflow_status, b.secrecy, b.rep_lon, b.rep_lat, b.bx0, b.by0, b.bx1, b.by1, \
     b.township, b.roman, b.registrar, b.geom";

/// A point from two REAL columns starting at `i` (longitude, latitude); `None` if either
/// is NULL.
fn point_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<[f64; 2]>> {
    Ok(
        match (r.get::<_, Option<f64>>(i)?, r.get::<_, Option<f64>>(i + 1)?) {
            (Some(x), Some(y)) => Some([x, y]),
            _ => None,
        },
    )
}

fn summary_from_row(r: &rusqlite::Row<'_>) -> Result<RecordSummary> {
    let id: String = r.get(0)?;
    let record_id = RecordId::from_str(&id).map_err(|e| StoreError::Corrupt {
        what: format!("record {id}"),
        detail: e.to_string(),
    })?;
    let rep = point_at(r, 6)?;
    let bbox = match (
        r.get::<_, Option<f64>>(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
    ) {
        (Some(a), Some(b), Some(c), Some(d)) => Some([a, b, c, d]),
        _ => None,
    };
    Ok(RecordSummary {
        record_id,
        template_id: r.get(1)?,
        category: r.get(2)?,
        standard_name: r.get(3)?,
        workflow_status: r.get(4)?,
        secrecy: r.get(5)?,
        rep_point: rep,
        bbox,
        township: r.get(12)?,
        roman: r.get(13)?,
        registrar: r.get(14)?,
    })
}

/// Everything a write needs that does not depend on the database, so that a bulk write
/// can compute it on a second thread while the first one talks to SQLite.
struct Prepared {
    id: String,
    row: Row,
    pinyin_json: String,
    keys: names::KeyRows,
    /// The creation entry's value: the record's content hash, as JSON text.
    created: String,
}

fn prepare(record: &Record, keys: &SearchKeys) -> Result<Prepared> {
    Ok(Prepared {
        id: record.record_id.to_string(),
        row: derive_row(record)?,
        pinyin_json: serde_json::to_string(&keys.pinyin).unwrap_or_else(|_| "[]".into()),
        keys: names::key_rows(record, keys),
        created: Value::String(audit::content_hash(record)).to_string(),
    })
}

/// What a write transaction carries from one record to the next.
#[derive(Default)]
pub(crate) struct TxState {
    /// The audit head as of the last append (None = not read yet).
    head: audit::Head,
    /// The rid the next new record gets (None = not read yet). Chosen before the insert
    /// because the record's location key contains it.
    next_rid: Option<i64>,
    /// Writes so far in this transaction; each pending entry carries its write's number.
    writes: u32,
    /// Box entries and name keys of the records written so far, inserted at the end of
    /// the transaction in key order: sorted inserts touch each R*Tree node and b-tree
    /// page once in a row instead of at random, which makes a bulk import several times
    /// cheaper. They are kept flat and compact (one text arena for all keys): a 100 000
    /// record import holds half a million keys here, and on a virtual machine fresh
    /// memory costs more than the SQL.
    boxes: Vec<(u32, BoxRow)>,
    key_text: String,
    keys: Vec<PendingKey>,
    /// For records written more than once in the transaction (or updated): the number of
    /// the latest write. Entries of earlier writes of the same rid are dropped at the end.
    latest: std::collections::HashMap<i64, u32>,
}

/// A name key waiting for the end of the transaction: a slice of [`TxState::key_text`].
struct PendingKey {
    /// The key's first 8 bytes, big-endian, so that most comparisons of the sort need
    /// not look into the arena.
    prefix: u64,
    rid: i64,
    start: u32,
    end: u32,
    pos: u32,
    write: u32,
    kind: u8,
}

impl TxState {
    /// Room for `n` records' entries, so the vectors do not grow by copying.
    fn reserve(&mut self, n: usize) {
        self.boxes.reserve(n);
        self.keys.reserve(n * 4);
        self.key_text.reserve(n * 24);
    }

    /// Queues the entries of one write of record `rid`.
    fn queue(&mut self, rid: i64, boxed: Option<BoxRow>, keys: &names::KeyRows) -> Result<()> {
        let write = self.writes;
        self.writes += 1;
        let base = self.key_text.len();
        self.key_text.push_str(&keys.text);
        let offset = |i: usize| {
            u32::try_from(base + i).map_err(|_| StoreError::Corrupt {
                what: "transaction".into(),
                detail: "more than 4 GiB of name keys in one transaction".into(),
            })
        };
        for r in &keys.rows {
            let key = keys.key(r).as_bytes();
            let mut head = [0u8; 8];
            let n = key.len().min(8);
            head[..n].copy_from_slice(&key[..n]);
            self.keys.push(PendingKey {
                prefix: u64::from_be_bytes(head),
                rid,
                start: offset(r.start)?,
                end: offset(r.end)?,
                pos: r.pos,
                write,
                kind: r.kind,
            });
        }
        if let Some(b) = boxed {
            self.boxes.push((write, b));
        }
        Ok(())
    }

    /// Marks the write about to be queued as the one that counts for `rid`.
    fn supersede(&mut self, rid: i64) {
        self.latest.insert(rid, self.writes);
    }

    /// Whether an entry of write `write` of `rid` still counts.
    fn current(&self, rid: i64, write: u32) -> bool {
        self.latest.get(&rid).is_none_or(|&w| w == write)
    }
}

/// One row of `record_boxes`.
struct BoxRow {
    id: i64,
    /// Exact (west, south, east, north); the R*Tree rounds it outwards to f32.
    bbox: [f64; 4],
    rid: i64,
    record_id: String,
    template_id: String,
    category: String,
    standard_name: Option<String>,
    workflow_status: String,
    secrecy: String,
    township: Option<String>,
    roman: Option<String>,
    registrar: Option<String>,
    rep: Option<[f64; 2]>,
    /// Lines and polygons only.
    geom: Option<Vec<u8>>,
}

fn insert_box(conn: &Connection, b: &BoxRow) -> Result<()> {
    let [w, s, e, n] = b.bbox;
    conn.prepare_cached(
        "INSERT INTO record_boxes (id, min_x, max_x, min_y, max_y, rid, record_id,
             template_id, category, standard_name, workflow_status, secrecy, township,
             roman, registrar, rep_lon, rep_lat, bx0, by0, bx1, by1, geom)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                 ?17, ?2, ?4, ?3, ?5, ?18)",
    )?
    .execute(rusqlite::params_from_iter(
        [b.id.into(), w.into(), e.into(), s.into(), n.into()]
            .into_iter()
            .chain(listing_values(b))
            .chain([opt(b.geom.as_deref())]),
    ))?;
    Ok(())
}

/// An optional SQL value: the value or NULL.
fn opt<'a, T: Into<ToSqlOutput<'a>>>(v: Option<T>) -> ToSqlOutput<'a> {
    v.map_or(ToSqlOutput::from(rusqlite::types::Null), Into::into)
}

/// The listing columns of a box entry (rid … rep_lat), in the order `record_boxes`
/// declares them, for both ways of writing an entry.
fn listing_values(b: &BoxRow) -> [ToSqlOutput<'_>; 12] {
    [
        b.rid.into(),
        b.record_id.as_str().into(),
        b.template_id.as_str().into(),
        b.category.as_str().into(),
        opt(b.standard_name.as_deref()),
        b.workflow_status.as_str().into(),
        b.secrecy.as_str().into(),
        opt(b.township.as_deref()),
        opt(b.roman.as_deref()),
        opt(b.registrar.as_deref()),
        opt(b.rep.map(|p| p[0])),
        opt(b.rep.map(|p| p[1])),
    ]
}

/// Below this many new box entries a batch is always inserted entry by entry.
const BULK_BOXES_MIN: usize = 1024;

/// Writes new box entries. A batch at least as large as the index already is (a survey's
/// first import, a merge into a new gazetteer) rebuilds the whole index as a packed
/// R*Tree (see [`crate::rtree_pack`]); otherwise each entry is inserted, in key order.
fn write_boxes(conn: &Connection, mut boxes: Vec<BoxRow>) -> Result<()> {
    if boxes.len() >= BULK_BOXES_MIN {
        let stored: i64 =
            conn.query_row("SELECT count(*) FROM record_boxes_rowid", [], |r| r.get(0))?;
        if stored as usize <= boxes.len() {
            if stored > 0 {
                boxes.extend(read_boxes(conn)?);
            }
            boxes.sort_unstable_by_key(|b| b.id);
            return pack_boxes(conn, &boxes);
        }
    }
    boxes.sort_unstable_by_key(|b| b.id);
    for b in &boxes {
        insert_box(conn, b)?;
    }
    Ok(())
}

/// Every stored box entry, with its exact box from the auxiliary columns.
fn read_boxes(conn: &Connection) -> Result<Vec<BoxRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT b.id, b.rid, {BOX_SUMMARY_COLS} FROM record_boxes b"
    ))?;
    let rows = stmt.query_map([], box_row_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A box entry from a row of id, rid, the listing columns in the order of
/// [`SUMMARY_COLS`] (the box being exact, not NULL) and the geometry blob: what
/// [`BOX_SUMMARY_COLS`] reads from `record_boxes`, and migration 0003 from `records`.
fn box_row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<BoxRow> {
    Ok(BoxRow {
        id: r.get(0)?,
        rid: r.get(1)?,
        record_id: r.get(2)?,
        template_id: r.get(3)?,
        category: r.get(4)?,
        standard_name: r.get(5)?,
        workflow_status: r.get(6)?,
        secrecy: r.get(7)?,
        rep: point_at(r, 8)?,
        bbox: [r.get(10)?, r.get(11)?, r.get(12)?, r.get(13)?],
        township: r.get(14)?,
        roman: r.get(15)?,
        registrar: r.get(16)?,
        geom: r.get(17)?,
    })
}

/// Replaces the whole index by a packed R*Tree of `boxes` (sorted by id).
fn pack_boxes(conn: &Connection, boxes: &[BoxRow]) -> Result<()> {
    use crate::rtree_pack::{round_down, round_up, write_packed};
    let cells: Vec<(i64, [f32; 4])> = boxes
        .iter()
        .map(|b| {
            let [w, s, e, n] = b.bbox;
            (
                b.id,
                [round_down(w), round_up(e), round_down(s), round_up(n)],
            )
        })
        .collect();
    let leaves = write_packed(conn, "record_boxes", &cells)?;
    // The auxiliary columns a0… in the order record_boxes declares them; many rows per
    // statement, as for name keys.
    const HEAD: &str = "INSERT INTO record_boxes_rowid (rowid, nodeno, a0, a1, a2, a3, a4, a5,
        a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16) VALUES";
    const COLS: usize = 19;
    fn values((b, leaf): (&BoxRow, i64)) -> impl Iterator<Item = ToSqlOutput<'_>> {
        let [w, s, e, n] = b.bbox;
        [b.id.into(), leaf.into()]
            .into_iter()
            .chain(listing_values(b))
            .chain([
                w.into(),
                s.into(),
                e.into(),
                n.into(),
                opt(b.geom.as_deref()),
            ])
    }
    let rows: Vec<(&BoxRow, i64)> = boxes.iter().zip(leaves).collect();
    insert_rows(conn, HEAD, COLS, BOXES_PER_INSERT, &rows, |&row| {
        values(row)
    })
}

/// Writes the pending box entries and name keys, each in key order.
fn flush_pending(conn: &Connection, state: &mut TxState) -> Result<()> {
    let boxes: Vec<BoxRow> = std::mem::take(&mut state.boxes)
        .into_iter()
        .filter(|(w, b)| state.current(b.rid, *w))
        .map(|(_, b)| b)
        .collect();
    write_boxes(conn, boxes)?;
    let mut keys = std::mem::take(&mut state.keys);
    keys.retain(|k| state.current(k.rid, k.write));
    let key_text = std::mem::take(&mut state.key_text);
    state.latest.clear();
    let text = key_text.as_str();
    let key = |k: &PendingKey| &text[k.start as usize..k.end as usize];
    // The order of the name_keys primary key (key, rid, kind, pos).
    keys.sort_unstable_by(|a, b| {
        a.prefix
            .cmp(&b.prefix)
            .then_with(|| key(a).cmp(key(b)))
            .then(a.rid.cmp(&b.rid))
            .then_with(|| names::KINDS[usize::from(a.kind)].cmp(names::KINDS[usize::from(b.kind)]))
            .then(a.pos.cmp(&b.pos))
    });
    insert_rows(
        conn,
        "INSERT OR IGNORE INTO name_keys (key, rid, kind, pos) VALUES",
        4,
        KEYS_PER_INSERT,
        &keys,
        |k| -> [ToSqlOutput<'_>; 4] {
            [
                key(k).into(),
                k.rid.into(),
                names::KINDS[usize::from(k.kind)].into(),
                i64::from(k.pos).into(),
            ]
        },
    )?;
    Ok(())
}

/// Name keys written by one statement in a bulk write.
const KEYS_PER_INSERT: usize = 64;

/// Box entries' auxiliary rows written by one statement in a packed rebuild.
const BOXES_PER_INSERT: usize = 32;

/// Inserts `rows`, `per_statement` of them per run of one statement (a bulk import writes
/// hundreds of thousands of rows, and each statement run has a fixed cost: bind, cursor
/// open and close, reset), the rest one by one. `head` is the `INSERT … VALUES` without
/// its value lists; `values` gives a row's `cols` values.
fn insert_rows<'a, T, I>(
    conn: &Connection,
    head: &str,
    cols: usize,
    per_statement: usize,
    rows: &'a [T],
    values: impl Fn(&'a T) -> I,
) -> Result<()>
where
    I: IntoIterator<Item = ToSqlOutput<'a>>,
{
    let mut chunks = rows.chunks_exact(per_statement);
    if chunks.len() > 0 {
        let mut many = conn.prepare_cached(&multi_row_insert(head, cols, per_statement))?;
        for chunk in &mut chunks {
            many.execute(rusqlite::params_from_iter(chunk.iter().flat_map(&values)))?;
        }
    }
    let mut one = conn.prepare_cached(&multi_row_insert(head, cols, 1))?;
    for row in chunks.remainder() {
        one.execute(rusqlite::params_from_iter(values(row)))?;
    }
    Ok(())
}

/// `head` followed by `rows` groups of `cols` numbered parameters.
fn multi_row_insert(head: &str, cols: usize, rows: usize) -> String {
    let mut sql = String::from(head);
    for r in 0..rows {
        sql.push_str(if r == 0 { " (" } else { ", (" });
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("?{}", r * cols + c + 1));
        }
        sql.push(')');
    }
    sql
}

/// Rids live in the low 31 bits of a location key.
const RID_BITS: u32 = 31;

/// The id of a record's entry in `record_boxes`: the Hilbert index (order 16) of the
/// record's point over longitude 70°–140° E and latitude 0°–60° N (China and its seas;
/// points outside are clamped to the edge) in bits 31–62, the rid in bits 0–30. Entries
/// of nearby records get nearby ids, so their auxiliary rows share pages.
fn loc_key(point: [f64; 2], rid: i64) -> i64 {
    let q = |v: f64, lo: f64, span: f64| (((v - lo) / span).clamp(0.0, 1.0) * 65535.0) as u16;
    let h = fast_hilbert::xy2h(q(point[0], 70.0, 70.0), q(point[1], 0.0, 60.0), 16);
    (i64::from(h) << RID_BITS) | rid
}

/// The location key of a record placed by its representative point, else its box centre.
fn record_loc_key(rid: i64, rep: Option<[f64; 2]>, bbox: [f64; 4]) -> i64 {
    let point = rep.unwrap_or([(bbox[0] + bbox[2]) / 2.0, (bbox[1] + bbox[3]) / 2.0]);
    loc_key(point, rid)
}

/// The records row of a write; both statements below bind the same 26 values.
macro_rules! records_upsert {
    ($conflict:literal) => {
        concat!(
            "INSERT INTO records (rid, record_id, template_id, template_version, template_hash,
                 category, class_code, standard_name, place_code, census_status,
                 workflow_status, secrecy, township, roman, registrar, loc_key, geom, rep_lon,
                 rep_lat, min_x, min_y, max_x, max_y, revision, updated_at_us, pinyin_keys,
                 attributes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18, ?19, ?20, ?21, ?22, ?23, 1, ?24, ?25, ?26) ",
            $conflict
        )
    };
}

/// A new record under a new rid; nothing happens if its record_id is stored already.
const INSERT_NEW_RECORD: &str = records_upsert!("ON CONFLICT (record_id) DO NOTHING");

/// A stored record rewritten in place under its rid.
const UPDATE_RECORD: &str = records_upsert!(
    "ON CONFLICT (rid) DO UPDATE SET
         template_id = excluded.template_id, template_version = excluded.template_version,
         template_hash = excluded.template_hash, category = excluded.category,
         class_code = excluded.class_code, standard_name = excluded.standard_name,
         place_code = excluded.place_code, census_status = excluded.census_status,
         workflow_status = excluded.workflow_status, secrecy = excluded.secrecy,
         township = excluded.township, roman = excluded.roman,
         registrar = excluded.registrar, loc_key = excluded.loc_key, geom = excluded.geom,
         rep_lon = excluded.rep_lon, rep_lat = excluded.rep_lat, min_x = excluded.min_x,
         min_y = excluded.min_y, max_x = excluded.max_x, max_y = excluded.max_y,
         revision = records.revision + 1, updated_at_us = excluded.updated_at_us,
         pinyin_keys = excluded.pinyin_keys, attributes = excluded.attributes"
);

/// Writes one record inside the caller's transaction. Returns whether anything changed.
#[allow(clippy::too_many_arguments)]
fn put_in(
    conn: &Connection,
    state: &mut TxState,
    at_us: i64,
    record: &Record,
    prep: Prepared,
    actor: &Actor,
    reason: Option<&str>,
) -> Result<bool> {
    let Prepared {
        id,
        row,
        pinyin_json,
        keys,
        created,
    } = prep;
    // A new record is the common case (every bulk import): insert it straight away under
    // the next rid; the UNIQUE index on record_id turns that insert into a no-op when the
    // record exists, and only then is the stored version read, diffed and updated. This
    // saves a lookup per new record.
    let next_rid = match state.next_rid {
        Some(n) => n,
        None => conn.query_row("SELECT coalesce(max(rid), 0) + 1 FROM records", [], |r| {
            r.get(0)
        })?,
    };
    if next_rid >= 1 << RID_BITS {
        return Err(StoreError::Corrupt {
            what: "records".into(),
            detail: format!("record number {next_rid} exceeds the 2^31 a survey can hold"),
        });
    }
    let [w, s, e, n] = row.bbox.map_or([None; 4], |b| b.map(Some));
    let loc_for = |rid: i64| row.bbox.map(|b| record_loc_key(rid, row.rep, b));
    let write = |sql: &str, rid: i64, loc: Option<i64>| -> Result<usize> {
        Ok(conn.prepare_cached(sql)?.execute(params![
            rid,
            id,
            record.template.id,
            record.template.version,
            record.template.hash,
            row.category,
            row.class_code,
            row.standard_name,
            row.place_code,
            row.census_status,
            row.workflow_status,
            row.secrecy,
            row.township,
            row.roman,
            row.registrar,
            loc,
            row.geom,
            row.rep.map(|p| p[0]),
            row.rep.map(|p| p[1]),
            w,
            s,
            e,
            n,
            at_us,
            pinyin_json,
            row.attributes,
        ])?)
    };
    let new_loc = loc_for(next_rid);
    let (rid, loc, changes, existing) = if write(INSERT_NEW_RECORD, next_rid, new_loc)? == 1 {
        state.next_rid = Some(next_rid + 1);
        let change = Change {
            field: "*".into(),
            old: None,
            new: Some(created),
        };
        if is_verdict_status(record.workflow_status) {
            return Err(verdict_only(record));
        }
        (next_rid, new_loc, vec![change], None)
    } else {
        state.next_rid = Some(next_rid);
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {RECORD_COLS}, rid, pinyin_keys, loc_key FROM records WHERE record_id = ?1"
        ))?;
        let mut rows = stmt.query([&id])?;
        let Some(r) = rows.next()? else {
            return Err(StoreError::Corrupt {
                what: format!("record {id}"),
                detail: "neither inserted nor found by its id".into(),
            });
        };
        let rid: i64 = r.get(7)?;
        let old = record_from_row(r)?;
        let old_pinyin: String = r.get(8)?;
        let old_loc: Option<i64> = r.get(9)?;
        drop(rows);
        let changes = diff(&old, record);
        if is_verdict_status(record.workflow_status)
            && old.workflow_status != record.workflow_status
        {
            return Err(verdict_only(record));
        }
        if old.workflow_status == WorkflowStatus::Reviewed
            && record.workflow_status == WorkflowStatus::Reviewed
            && !changes.is_empty()
        {
            return Err(invalid(
                record,
                "workflow_status",
                "a reviewed record that is edited goes back to complete (待审核) for a new \
                 review (W-2); the save path does this, a write that keeps it reviewed is refused",
            ));
        }
        if changes.is_empty() && old_pinyin == pinyin_json {
            return Ok(false);
        }
        let loc = loc_for(rid);
        write(UPDATE_RECORD, rid, loc)?;
        (rid, loc, changes, Some((old, old_pinyin, old_loc)))
    };
    if let Some((old, old_pinyin, old_loc)) = &existing {
        // If written earlier in this transaction, its entries are still pending, not
        // stored: only this write's count.
        state.supersede(rid);
        if let Some(k) = old_loc {
            conn.prepare_cached("DELETE FROM record_boxes WHERE id = ?1")?
                .execute([k])?;
        }
        // Recompute the old key rows and delete them by primary key (no rid index).
        let old_keys = SearchKeys {
            pinyin: serde_json::from_str(old_pinyin).unwrap_or_default(),
        };
        let mut del = conn.prepare_cached(
            "DELETE FROM name_keys WHERE key = ?1 AND rid = ?2 AND kind = ?3 AND pos = ?4",
        )?;
        for (key, kind, pos) in names::key_rows(old, &old_keys).iter() {
            del.execute(params![key, rid, kind, pos])?;
        }
    }
    let boxed = match (loc, row.bbox) {
        (Some(k), Some(bbox)) => Some(BoxRow {
            id: k,
            bbox,
            rid,
            record_id: id.clone(),
            template_id: record.template.id.clone(),
            category: row.category,
            standard_name: row.standard_name,
            workflow_status: row.workflow_status.to_owned(),
            secrecy: row.secrecy,
            township: row.township,
            roman: row.roman,
            registrar: row.registrar,
            rep: row.rep,
            // Points keep no blob here: their exact box is the point.
            geom: match &record.geometry {
                Some(Geometry::Point(_)) | None => None,
                Some(_) => row.geom,
            },
        }),
        _ => None,
    };
    state.queue(rid, boxed, &keys)?;
    audit::append(
        conn,
        &mut state.head,
        rid,
        &id,
        at_us,
        &actor.name,
        actor.key.as_deref(),
        reason,
        &changes,
    )?;
    Ok(true)
}

/// Whether only a reviewer's verdict may set this status.
fn is_verdict_status(s: WorkflowStatus) -> bool {
    matches!(s, WorkflowStatus::Reviewed | WorkflowStatus::Returned)
}

fn verdict_only(record: &Record) -> StoreError {
    invalid(
        record,
        "workflow_status",
        format!(
            "{} ({}) is set only by a reviewer's signed verdict (toponym review accept / \
             return), not by a write",
            record.workflow_status,
            record.workflow_status.as_zh()
        ),
    )
}

/// Fills `record_boxes` and `records.loc_key` for every positioned record (migration
/// 0003 runs this in its own transaction, right after its SQL).
pub(crate) fn rebuild_boxes(conn: &Connection) -> Result<()> {
    // The id column is a placeholder: the location key is computed below.
    let mut read = conn.prepare(&format!(
        "SELECT 0, r.rid, {SUMMARY_COLS}, r.geom FROM records r WHERE r.min_x IS NOT NULL"
    ))?;
    let mut rows = read.query([])?;
    let mut set = conn.prepare("UPDATE records SET loc_key = ?2 WHERE rid = ?1")?;
    while let Some(r) = rows.next()? {
        let mut b = box_row_from(r)?;
        b.id = record_loc_key(b.rid, b.rep, b.bbox);
        // Points keep no blob in the index: their exact box is the point.
        let is_point = match b.geom.as_deref().map(gpkg::decode) {
            Some(Ok((_, g))) => matches!(g, Geometry::Point(_)),
            _ => true,
        };
        if is_point {
            b.geom = None;
        }
        insert_box(conn, &b)?;
        set.execute(params![b.rid, b.id])?;
    }
    Ok(())
}

/// Migration 0005: moves `fields.workflow_status` of records written before schema 5 into
/// the envelope. The column already holds the status; each record's `attributes` loses
/// the key, and the audit log gets the move (the field removed, the envelope's status set
/// unless draft) so that undoing the log still gives back each record as created.
pub(crate) fn move_status_to_envelope(conn: &Connection, now_us: i64) -> Result<()> {
    let moved: Vec<(i64, String, String)> = conn
        .prepare(
            "SELECT rid, record_id, attributes FROM records
             WHERE json_extract(attributes, '$.workflow_status') IS NOT NULL ORDER BY rid",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if moved.is_empty() {
        return Ok(());
    }
    let mut head: audit::Head = None;
    let mut set = conn.prepare("UPDATE records SET attributes = ?2 WHERE rid = ?1")?;
    for (rid, record_id, attributes) in moved {
        let corrupt = |detail: String| StoreError::Corrupt {
            what: format!("record {record_id}"),
            detail,
        };
        let mut fields: Map<String, Value> =
            serde_json::from_str(&attributes).map_err(|e| corrupt(e.to_string()))?;
        let Some(old) = fields.remove("workflow_status") else {
            continue;
        };
        let status = match &old {
            Value::String(s) => WorkflowStatus::from_str(s).map_err(corrupt)?,
            other => return Err(corrupt(format!("workflow_status is not text: {other}"))),
        };
        let mut changes = vec![Change {
            field: "fields.workflow_status".into(),
            old: Some(old.to_string()),
            new: None,
        }];
        if !status.is_draft() {
            changes.push(Change {
                field: "workflow_status".into(),
                old: None,
                new: Some(Value::String(status.as_str().to_owned()).to_string()),
            });
        }
        let text = serde_json::to_string(&fields).map_err(|e| corrupt(e.to_string()))?;
        set.execute(params![rid, text])?;
        audit::append(
            conn,
            &mut head,
            rid,
            &record_id,
            now_us,
            "toponym",
            None,
            Some("schema 5: the workflow status moved from the form fields to the record envelope"),
            &changes,
        )?;
    }
    if let Some(h) = head {
        audit::write_head(conn, &h)?;
    }
    Ok(())
}

/// A write transaction handed to [`Store::with_transaction`]. Dropping it without the
/// closure returning `Ok` rolls everything back.
pub struct StoreTx<'a> {
    tx: rusqlite::Transaction<'a>,
    clock: Arc<dyn Clock>,
    state: std::cell::RefCell<TxState>,
    /// Whether any write was attempted, so the head is recorded even if a failed write
    /// left the cached head empty and the closure carried on.
    touched: std::cell::Cell<bool>,
    /// The unlocked member, who makes every write of this transaction.
    me: Option<Actor>,
}

impl StoreTx<'_> {
    /// Inserts or updates one record (see [`Store::put_record`]).
    pub fn put_record(
        &self,
        record: &Record,
        actor: &Actor,
        reason: Option<&str>,
        keys: &SearchKeys,
    ) -> Result<bool> {
        self.put_prepared(record, prepare(record, keys)?, actor, reason)
    }

    fn put_prepared(
        &self,
        record: &Record,
        prep: Prepared,
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<bool> {
        self.touched.set(true);
        let mut state = self.state.borrow_mut();
        put_in(
            &self.tx,
            &mut state,
            now_us(self.clock.as_ref()),
            record,
            prep,
            self.me.as_ref().unwrap_or(actor),
            reason,
        )
    }
}

fn bbox_sql_args(b: [f64; 4]) -> Result<[f64; 4]> {
    let [w, s, e, n] = b;
    if !b.iter().all(|v| v.is_finite()) || w > e || s > n {
        return Err(StoreError::InvalidQuery(format!(
            "box {b:?} is not west,south,east,north with west ≤ east and south ≤ north"
        )));
    }
    Ok(b)
}

/// True when the stored geometry (or point) really meets the query box.
fn confirm(bbox: [f64; 4], summary: &RecordSummary, geom: Option<&[u8]>) -> Result<bool> {
    let [w, s, e, n] = bbox;
    if let Some(b) = summary.bbox {
        if b[2] < w || b[0] > e || b[3] < s || b[1] > n {
            return Ok(false);
        }
    }
    let Some(blob) = geom else {
        // No blob: a point (its exact box, tested above, is the point) or a record
        // placed only by its representative point.
        return Ok(summary.bbox.is_some()
            || summary
                .rep_point
                .is_some_and(|p| p[0] >= w && p[0] <= e && p[1] >= s && p[1] <= n));
    };
    let (_, g) = gpkg::decode(blob).map_err(|err| StoreError::Corrupt {
        what: format!("geometry of record {}", summary.record_id),
        detail: err.0,
    })?;
    if let Geometry::Point(p) = g {
        return Ok(p[0] >= w && p[0] <= e && p[1] >= s && p[1] <= n);
    }
    let rect = geo::Rect::new(geo::coord! { x: w, y: s }, geo::coord! { x: e, y: n });
    Ok(g.to_geo().intersects(&rect))
}

/// The smallest string greater than every string starting with `prefix`.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

impl Store {
    /// Creates a new encrypted survey at `path` (plus its `<path>.toponym-kdf` sidecar)
    /// with one member, a registrar called 登记人 (see [`Store::create_survey`]).
    ///
    /// The passphrase must have at least [`kdf::MIN_PASSPHRASE_CHARS`] characters; the
    /// files are created readable by their owner only.
    pub fn create(path: impl AsRef<Path>, pass: &Passphrase, params: KdfParams) -> Result<Store> {
        Self::create_survey(
            path,
            &crate::NewMember::new("登记人", crate::Role::Registrar),
            pass,
            params,
            None,
        )
    }

    /// Creates a new encrypted survey whose first member is `first` (unlocked by `pass`):
    /// a random data key encrypts the file, `first`'s key slot unwraps it, and with
    /// `office` a recovery slot seals it to the county office's public key.
    pub fn create_survey(
        path: impl AsRef<Path>,
        first: &crate::NewMember,
        pass: &Passphrase,
        params: KdfParams,
        office: Option<&toponym_crypto::recovery::OfficeRecipient>,
    ) -> Result<Store> {
        let path = path.as_ref();
        pass.check_new()?;
        params
            .check()
            .map_err(|e| StoreError::Kdf(format!("Argon2 parameters out of range: {e}")))?;
        let t0 = Instant::now();
        let data_key = crate::members::random_key()?;
        let member_key = crate::members::random_key()?;
        let member_id = crate::members::new_member_id()?;
        let slot = kdf::seal_slot(
            &member_id,
            &first.name,
            first.role.as_str(),
            pass,
            params,
            &data_key,
            &member_key,
        )?;
        let recovery = match office {
            None => None,
            Some(o) => Some(kdf::RecoverySlot {
                recipient: o.to_string(),
                sealed: hex::encode(
                    toponym_crypto::recovery::seal_to(o, &data_key[..])
                        .map_err(crate::members::crypto)?,
                ),
            }),
        };
        let kdf_time = t0.elapsed();
        let file = KdfFile {
            format_version: 2,
            encryption: "sqlcipher4".into(),
            kdf: None,
            params: None,
            salt: None,
            page_size: Some(kdf::PAGE_SIZE),
            hmac: Some(kdf::HMAC.as_str().into()),
            key_check: Some(kdf::key_check_value(&data_key)),
            slots: vec![slot],
            recovery,
        };
        let key = DerivedKey(
            Some(*data_key),
            kdf::PAGE_SIZE,
            kdf::HMAC,
            KeyCheck::New,
            Some(kdf::Unlocked {
                member_id,
                member_key,
            }),
        );
        Self::create_with(path, &file, key, kdf_time)
    }

    /// Creates an UNENCRYPTED survey. Only for measuring the cost of encryption and for
    /// the encryption canary test; never for real census data. Such a file can never be
    /// opened again: [`Store::open`] refuses an unencrypted sidecar.
    pub fn create_unencrypted(path: impl AsRef<Path>) -> Result<Store> {
        let file = KdfFile {
            format_version: 1,
            encryption: "none".into(),
            kdf: None,
            params: None,
            salt: None,
            page_size: Some(kdf::PAGE_SIZE),
            hmac: None,
            key_check: None,
            slots: Vec::new(),
            recovery: None,
        };
        Self::create_with(
            path.as_ref(),
            &file,
            DerivedKey(None, kdf::PAGE_SIZE, kdf::Hmac::Sha512, KeyCheck::New, None),
            Duration::ZERO,
        )
    }

    fn create_with(
        path: &Path,
        file: &KdfFile,
        key: DerivedKey,
        kdf_time: Duration,
    ) -> Result<Store> {
        if path.exists() || std::fs::symlink_metadata(path).is_ok() {
            return Err(StoreError::AlreadyExists {
                path: path.to_owned(),
            });
        }
        kdf::write_sidecar(path, file)?;
        let result = (|| {
            let t0 = Instant::now();
            // Created here, owner-only, so SQLite (which gives its WAL and index the
            // database's mode) never makes a world-readable survey.
            kdf::create_private(path).map_err(|source| StoreError::Io {
                path: path.to_owned(),
                source,
            })?;
            let conn = connect(path, &key, Mode::Create)?;
            let mut store = Store {
                checkpointer: None,
                conn,
                path: path.to_owned(),
                clock: Arc::new(SystemClock),
                encrypted: key.0.is_some(),
                timings: OpenTimings {
                    kdf: kdf_time,
                    open: Duration::ZERO,
                },
                gate: WriteGate::Open,
                secrets: crate::members::Secrets {
                    data_key: key.0.map(zeroize::Zeroizing::new),
                    me: None,
                },
            };
            migrate::apply(&mut store.conn, now_us(store.clock.as_ref()))?;
            store.sign_in(key.4.clone())?;
            store.start_checkpointer(&key)?;
            store.timings.open = t0.elapsed();
            Ok(store)
        })();
        if result.is_err() {
            // Leave nothing half-made behind: a sidecar without a database would block a
            // retry with AlreadyExists.
            let _ = std::fs::remove_file(kdf::sidecar_path(path));
            let _ = std::fs::remove_file(path);
        }
        result
    }

    /// Opens an existing survey with its one member's passphrase (see
    /// [`Store::open_as`]).
    pub fn open(path: impl AsRef<Path>, pass: &Passphrase) -> Result<Store> {
        Self::open_as(path, None, pass)
    }

    /// Opens an existing survey as `member` (a name or member id; `None` when the survey
    /// has one member). A wrong passphrase gives [`StoreError::WrongPassphrase`], a
    /// damaged file [`StoreError::Damaged`], an empty or foreign one
    /// [`StoreError::NotASurvey`]; nothing is written to a file that is not a sound
    /// survey. On read-only media the survey opens read-only. A survey made before key
    /// slots is moved to them in place (its data stays as encrypted).
    pub fn open_as(
        path: impl AsRef<Path>,
        member: Option<&str>,
        pass: &Passphrase,
    ) -> Result<Store> {
        let path = path.as_ref();
        if !path.exists() {
            return Err(StoreError::NotFound {
                path: path.to_owned(),
            });
        }
        if pass.is_empty() {
            return Err(StoreError::EmptyPassphrase);
        }
        let t0 = Instant::now();
        let key = kdf::derive_key_as(path, member, pass)?;
        let kdf_time = t0.elapsed();
        let mut store = Self::open_with_key(path, &key)?;
        store.timings.kdf = kdf_time;
        if key.4.is_none() && !store.is_read_only() {
            store.migrate_to_slots(pass)?;
        }
        Ok(store)
    }

    /// Opens with a key already derived by [`crate::kdf::derive_key`].
    ///
    /// The file is checked before SQLite sees it (regular, not empty, whole pages); the
    /// key before anything is written; `PRAGMA quick_check` runs on a second connection
    /// in the background and the first write waits for it (an upgrade waits for it before
    /// migrating). A survey whose key file has no key check value gets one.
    pub fn open_with_key(path: impl AsRef<Path>, key: &DerivedKey) -> Result<Store> {
        let path = path.as_ref();
        if key.0.is_none() {
            return Err(StoreError::BadKdfFile {
                path: kdf::sidecar_path(path),
                detail: "unencrypted surveys are never opened".into(),
            });
        }
        let t0 = Instant::now();
        let can_write = precheck(path, key.1)?;
        let mode = if can_write {
            Mode::ReadWrite
        } else {
            Mode::ReadOnly
        };
        let conn = connect(path, key, mode).map_err(|e| e.in_file(path))?;
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| StoreError::from(e).in_file(path))?;
        if found > migrate::latest() {
            return Err(StoreError::SchemaTooNew {
                path: path.to_owned(),
                found,
                supported: migrate::latest(),
            });
        }
        let pending = migrate::pending(&conn).map_err(|e| e.in_file(path))?;
        let mut store = Store {
            checkpointer: None,
            conn,
            path: path.to_owned(),
            clock: Arc::new(SystemClock),
            encrypted: true,
            timings: OpenTimings::default(),
            gate: WriteGate::ReadOnly,
            secrets: crate::members::Secrets {
                data_key: key.0.map(zeroize::Zeroizing::new),
                me: None,
            },
        };
        if mode == Mode::ReadOnly {
            if pending {
                return Err(StoreError::NeedsUpgrade {
                    path: path.to_owned(),
                    found,
                    latest: migrate::latest(),
                });
            }
            store.sign_in(key.4.clone())?;
            store.timings.open = t0.elapsed();
            return Ok(store);
        }
        if pending {
            // An upgrade writes: the file must be sound first.
            connect(path, key, Mode::ReadWrite)
                .map_err(|e| e.to_string())
                .and_then(|conn| quick_check_now(&conn))
                .map_err(|detail| StoreError::Damaged {
                    path: path.to_owned(),
                    detail,
                })?;
            store.gate = WriteGate::Open;
            migrate::apply(&mut store.conn, now_us(store.clock.as_ref()))
                .map_err(|e| e.in_file(path))?;
        } else {
            store.gate = WriteGate::Pending(start_quick_check(path, key));
        }
        if key.3 == KeyCheck::Absent {
            // Only reached when the key decrypted the file, so the value is right.
            let mut file = kdf::read_sidecar(path)?;
            if let Some(raw) = &key.0 {
                file.key_check = Some(kdf::key_check_value(raw));
                kdf::rewrite_sidecar(path, &file)?;
            }
        }
        tighten_mode(path);
        tighten_mode(&kdf::sidecar_path(path));
        store.sign_in(key.4.clone()).map_err(|e| e.in_file(path))?;
        store.start_checkpointer(key)?;
        store.timings.open = t0.elapsed();
        Ok(store)
    }

    /// Replaces the clock used for audit timestamps (tests use a `FixedClock`).
    pub fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = clock;
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file is encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// How long opening took.
    pub fn open_timings(&self) -> OpenTimings {
        self.timings
    }

    /// The schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check`: `"ok"` or the problems found, one per line. Since SQLite
    /// 3.44 this includes the R*Tree module's own check of the box index (node boxes
    /// contain their children, every entry sits in exactly one leaf, the shadow tables
    /// agree), which the packed bulk load relies on in its tests.
    pub fn integrity_check(&self) -> Result<String> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let lines: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(lines.join("\n"))
    }

    /// Runs `f` in one write transaction; commits only if it returns `Ok`.
    pub fn with_transaction<T>(&mut self, f: impl FnOnce(&StoreTx<'_>) -> Result<T>) -> Result<T> {
        self.check_writable()?;
        let clock = self.clock.clone();
        let me = self.member().map(|_| self.actor_or(&Actor::new("")));
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stx = StoreTx {
            tx,
            clock,
            state: std::cell::RefCell::new(TxState::default()),
            touched: std::cell::Cell::new(false),
            me,
        };
        let out = f(&stx)?;
        let touched = stx.touched.get();
        if touched {
            flush_pending(&stx.tx, &mut stx.state.borrow_mut())?;
            let head = match stx.state.take().head {
                Some(h) => h,
                None => audit::read_head(&stx.tx)?,
            };
            if head.0 > 0 {
                audit::write_head(&stx.tx, &head)?;
            }
        }
        stx.tx.commit()?;
        if touched {
            if let Some(c) = &self.checkpointer {
                c.nudge();
            }
        }
        Ok(out)
    }

    /// Inserts or updates a record. A new record gets one `*` audit entry; an update gets
    /// one entry per changed path; an identical record changes nothing. Returns whether
    /// anything changed.
    pub fn put_record(
        &mut self,
        record: &Record,
        actor: &Actor,
        reason: Option<&str>,
        keys: &SearchKeys,
    ) -> Result<bool> {
        self.with_transaction(|tx| tx.put_record(record, actor, reason, keys))
    }

    /// Writes many records in one transaction: all or none. Returns how many changed.
    pub fn put_records(
        &mut self,
        records: &[(Record, SearchKeys)],
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<usize> {
        /// Below this, a second thread costs more than it saves.
        const PIPELINE_MIN: usize = 64;
        self.with_transaction(|tx| {
            let mut n = 0;
            if records.len() < PIPELINE_MIN {
                for (r, k) in records {
                    n += usize::from(tx.put_record(r, actor, reason, k)?);
                }
                return Ok(n);
            }
            // JSON, GeoPackage blobs and name keys are made on a second thread while this
            // one writes. They travel in chunks: one hand-over (and thread wake-up) per
            // record cost more than the preparation itself. The bounded channel keeps at
            // most a few chunks ahead.
            const CHUNK: usize = 256;
            tx.state.borrow_mut().reserve(records.len());
            std::thread::scope(|scope| {
                let (send, recv) = std::sync::mpsc::sync_channel::<Vec<Result<Prepared>>>(4);
                scope.spawn(move || {
                    for chunk in records.chunks(CHUNK) {
                        let prepared = chunk.iter().map(|(r, k)| prepare(r, k)).collect();
                        if send.send(prepared).is_err() {
                            break; // the writer stopped at an error
                        }
                    }
                });
                let prepared = recv.iter().flatten();
                for ((r, _), prep) in records.iter().zip(prepared) {
                    n += usize::from(tx.put_prepared(r, prep?, actor, reason)?);
                }
                Ok(n)
            })
        })
    }

    /// The current state of a record.
    pub fn get_record(&self, id: &RecordId) -> Result<Option<Record>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {RECORD_COLS} FROM records WHERE record_id = ?1"
        ))?;
        let mut rows = stmt.query([id.to_string()])?;
        match rows.next()? {
            Some(r) => Ok(Some(record_from_row(r)?)),
            None => Ok(None),
        }
    }

    /// The listing summary of one record (the same columns as [`Store::list`]).
    pub fn summary(&self, id: &RecordId) -> Result<Option<RecordSummary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLS} FROM records r WHERE r.record_id = ?1"
        ))?;
        let mut rows = stmt.query([id.to_string()])?;
        rows.next()?.map(summary_from_row).transpose()
    }

    /// How many records the store holds.
    pub fn count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM records", [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    /// Every record, in record-id order (the survey-wide quality check reads them all).
    pub fn all_records(&self) -> Result<Vec<Record>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {RECORD_COLS} FROM records ORDER BY record_id"
        ))?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(record_from_row(r)?);
        }
        Ok(out)
    }

    /// Every stored media file's description, with whether its bytes still hash to its
    /// SHA-256 (QA rule W-6), in SHA-256 order.
    pub fn media_check(&self) -> Result<Vec<(MediaInfo, bool)>> {
        let mut stmt = self.conn.prepare(
            "SELECT sha256, file_name, mime, size, exif_lon, exif_lat, exif_time, bytes
             FROM media ORDER BY sha256",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let sha: String = r.get(0)?;
            let bytes: Vec<u8> = r.get(7)?;
            let intact = crate::media::sha256_hex(&bytes) == sha;
            out.push((
                MediaInfo {
                    sha256: sha,
                    file_name: r.get(1)?,
                    mime: r.get(2)?,
                    size: r.get::<_, i64>(3)? as u64,
                    thumbnail: None,
                    exif_point: point_at(r, 4)?,
                    exif_time: r.get(6)?,
                },
                intact,
            ));
        }
        Ok(out)
    }

    /// Every entry of the audit log without its values (record, when, actor, field), oldest
    /// first.
    pub fn changes(&self) -> Result<Vec<audit::ChangeSummary>> {
        audit::changes(&self.conn)
    }

    /// Every audit entry of a record, oldest first.
    pub fn history(&self, id: &RecordId) -> Result<Vec<AuditEntry>> {
        audit::history(&self.conn, id)
    }

    /// The record as it was at `at` (rebuilt from the audit log); `None` if it did not
    /// exist yet.
    pub fn record_at(&self, id: &RecordId, at: OffsetDateTime) -> Result<Option<Record>> {
        audit::rebuild(self.get_record(id)?, &audit::history(&self.conn, id)?, at)
    }

    /// Recomputes the audit hash chain, checks every record against its history and the
    /// QA overrides against their log entries.
    pub fn verify_audit_chain(&self) -> Result<AuditVerification> {
        let chain = audit::verify(&self.conn)?;
        if !chain.is_intact() {
            return Ok(chain);
        }
        let problem = match audit::verify_records(&self.conn, |id| self.get_record(id))? {
            None => match crate::overrides::verify(&self.conn)? {
                None => crate::review::verify(&self.conn, |id| self.get_record(id))?,
                found => found,
            },
            found => found,
        };
        match problem {
            None => Ok(chain),
            Some((seq, problem)) => Ok(AuditVerification {
                entries: chain.entries,
                first_bad_seq: Some(seq),
                problem: Some(problem),
            }),
        }
    }

    /// Records whose geometry (or point) meets the box `[west, south, east, north]`: R*Tree
    /// candidates confirmed with exact predicates.
    pub fn query_bbox(&self, bbox: [f64; 4]) -> Result<Vec<RecordSummary>> {
        let [w, s, e, n] = bbox_sql_args(bbox)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {BOX_SUMMARY_COLS} FROM record_boxes b
             WHERE b.max_x >= ?1 AND b.min_x <= ?3 AND b.max_y >= ?2 AND b.min_y <= ?4"
        ))?;
        let mut rows = stmt.query(params![w, s, e, n])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let summary = summary_from_row(r)?;
            let geom: Option<Vec<u8>> = r.get(15)?;
            if confirm(bbox, &summary, geom.as_deref())? {
                out.push(summary);
            }
        }
        Ok(out)
    }

    /// Records whose standard name, short name, alias or former name contains `text`, or
    /// whose pinyin key starts with it (spaces, case and tone marks ignored). Exact
    /// matches first, then matches at a name's start, then the rest.
    pub fn search_names(&self, text: &str, limit: usize) -> Result<Vec<NameHit>> {
        let q = normalise_key(text);
        if q.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let scan = limit.saturating_mul(8).saturating_add(64) as i64;
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, rid, kind, pos FROM name_keys WHERE key >= ?1 AND key < ?2 LIMIT ?3",
        )?;
        // (rank, rid, matched key, kind); rank = (not at a name's start, not exact, length).
        type Rank = (bool, bool, usize);
        let mut best: Vec<(Rank, i64, String, String)> = Vec::new();
        let mut rows = stmt.query(params![q, prefix_end(&q), scan])?;
        while let Some(r) = rows.next()? {
            let key: String = r.get(0)?;
            let rid: i64 = r.get(1)?;
            let kind: String = r.get(2)?;
            let pos: i64 = r.get(3)?;
            let rank = (pos != 0, key != q, key.len());
            match best.iter_mut().find(|b| b.1 == rid) {
                Some(b) if rank < b.0 => *b = (rank, rid, key, kind),
                Some(_) => {}
                None => best.push((rank, rid, key, kind)),
            }
        }
        best.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        best.truncate(limit);
        let mut get = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLS} FROM records r WHERE r.rid = ?1"
        ))?;
        let mut out = Vec::with_capacity(best.len());
        for (_, rid, key, kind) in best {
            let mut rows = get.query([rid])?;
            if let Some(r) = rows.next()? {
                out.push(NameHit {
                    summary: summary_from_row(r)?,
                    matched_key: key,
                    kind,
                });
            }
        }
        Ok(out)
    }

    /// Records matching every given filter, in insertion order.
    pub fn list(&self, filter: &ListFilter) -> Result<Vec<RecordSummary>> {
        // The geometry is read only when a box has to be confirmed: listing a whole
        // survey must not pull every line and polygon through the decryption.
        let geom_col = if filter.bbox.is_some() {
            "r.geom"
        } else {
            "NULL"
        };
        let mut sql = format!("SELECT {SUMMARY_COLS}, {geom_col} FROM records r WHERE 1 = 1");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut arg = |sql: &mut String, clause: &str, v: rusqlite::types::Value| {
            args.push(v);
            sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
        };
        if let Some(t) = &filter.template {
            arg(&mut sql, " AND r.template_id = ?", t.clone().into());
        }
        if let Some(c) = &filter.category {
            arg(&mut sql, " AND r.category = ?", c.clone().into());
        }
        if let Some(s) = filter.status {
            arg(
                &mut sql,
                " AND r.workflow_status = ?",
                s.as_str().to_owned().into(),
            );
        }
        if let Some(t) = &filter.text {
            let q = normalise_key(t);
            arg(
                &mut sql,
                " AND r.rid IN (SELECT rid FROM name_keys WHERE key >= ?",
                q.clone().into(),
            );
            arg(&mut sql, " AND key < ?)", prefix_end(&q).into());
        }
        if let Some(b) = filter.bbox {
            let [w, s, e, n] = bbox_sql_args(b)?;
            arg(
                &mut sql,
                " AND r.rid IN (SELECT rid FROM record_boxes WHERE max_x >= ?",
                w.into(),
            );
            arg(&mut sql, " AND min_x <= ?", e.into());
            arg(&mut sql, " AND max_y >= ?", s.into());
            arg(&mut sql, " AND min_y <= ?)", n.into());
        }
        let limit = filter.limit.unwrap_or(1000);
        sql.push_str(" ORDER BY r.rid");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            if out.len() >= limit {
                break;
            }
            let summary = summary_from_row(r)?;
            if let Some(b) = filter.bbox {
                let geom: Option<Vec<u8>> = r.get(15)?;
                if !confirm(b, &summary, geom.as_deref())? {
                    continue;
                }
            }
            out.push(summary);
        }
        Ok(out)
    }

    /// Stores a photo or audio file by its SHA-256 (a second add of the same bytes is a
    /// no-op) and returns what was learnt from it.
    pub fn add_media(&mut self, bytes: &[u8], file_name: &str) -> Result<MediaInfo> {
        self.check_writable()?;
        let sha = media::sha256_hex(bytes);
        if let Some(m) = self.media_info(&sha)? {
            return Ok(m);
        }
        let info = media::describe(bytes, file_name);
        self.wrote();
        self.conn.execute(
            "INSERT INTO media (sha256, file_name, mime, size, bytes, thumbnail, exif_lon,
                                exif_lat, exif_time, added_at_us)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                info.sha256,
                info.file_name,
                info.mime,
                info.size as i64,
                bytes,
                info.thumbnail,
                info.exif_point.map(|p| p[0]),
                info.exif_point.map(|p| p[1]),
                info.exif_time,
                now_us(self.clock.as_ref())
            ],
        )?;
        Ok(info)
    }

    fn media_info(&self, sha256: &str) -> Result<Option<MediaInfo>> {
        Ok(self
            .conn
            .query_row(
                "SELECT sha256, file_name, mime, size, thumbnail, exif_lon, exif_lat, exif_time
                 FROM media WHERE sha256 = ?1",
                [sha256],
                |r| {
                    let point = point_at(r, 5)?;
                    Ok(MediaInfo {
                        sha256: r.get(0)?,
                        file_name: r.get(1)?,
                        mime: r.get(2)?,
                        size: r.get::<_, i64>(3)? as u64,
                        thumbnail: r.get(4)?,
                        exif_point: point,
                        exif_time: r.get(7)?,
                    })
                },
            )
            .optional()?)
    }

    /// A stored media file by its SHA-256 (hex).
    pub fn media(&self, sha256: &str) -> Result<Option<Media>> {
        let Some(info) = self.media_info(sha256)? else {
            return Ok(None);
        };
        let bytes: Vec<u8> =
            self.conn
                .query_row("SELECT bytes FROM media WHERE sha256 = ?1", [sha256], |r| {
                    r.get(0)
                })?;
        Ok(Some(Media { info, bytes }))
    }

    /// Writes every record to a plain (unencrypted) OGC GeoPackage at `out`. Records above
    /// 公开 are refused unless `allow_classified`; the report then carries a warning. An
    /// existing file is replaced only with `replace`, and never when it is this survey,
    /// its key file, a WAL or another database (see [`toponym_io::OutputFile`]).
    pub fn export_gpkg(
        &self,
        out: impl AsRef<Path>,
        allow_classified: bool,
        replace: bool,
    ) -> Result<crate::ExportReport> {
        let opts = toponym_io::OutputOptions::replacing(replace).protecting(&self.path);
        let file = toponym_io::OutputFile::create(out.as_ref(), opts)?;
        let report = crate::export::export(&self.conn, &file, allow_classified)
            .map_err(|e| e.in_file(&self.path))?;
        file.commit()?;
        Ok(report)
    }

    /// Forces the WAL into the main file (used before copying a survey).
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use toponym_core::{IdGenerator, SeededIdGenerator};

    /// A survey written before schema 5 kept the status in `fields`, and its audit log
    /// says so. Migration 5 moves it to the envelope, logs the move, and the record still
    /// verifies against its history.
    #[test]
    fn migration_5_moves_a_legacy_status_into_the_envelope_and_the_log_still_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.toponym");
        let pass = Passphrase::new("an old survey file");
        let mut store = Store::create(&path, &pass, KdfParams::insecure_for_tests()).unwrap();
        let ids = SeededIdGenerator::new(1_714_550_400_000, 9);
        let mut draft = Record {
            record_id: ids.next_id(),
            workflow_status: WorkflowStatus::Draft,
            template: TemplateRef {
                id: "terrain.peak".into(),
                version: "1.0.0".into(),
                hash: "sha256:00".into(),
            },
            fields: serde_json::json!({"standard_name": "泰山", "rep_point": [117.1, 36.26]})
                .as_object()
                .cloned()
                .unwrap(),
            geometry: None,
        };
        let mut done = draft.clone();
        done.record_id = ids.next_id();
        done.fields.insert("standard_name".into(), "徂徕山".into());
        let actor = Actor::new("王测");
        for r in [&draft, &done] {
            store
                .put_record(r, &actor, None, &SearchKeys::default())
                .unwrap();
        }
        // What the old code wrote: a draft with an explicit "draft" (the app), a record
        // set complete by an update (the CLI), each change in the log.
        {
            let conn = &store.conn;
            let mut head: audit::Head = None;
            for (r, status) in [(&draft, "draft"), (&done, "complete")] {
                let id = r.record_id.to_string();
                let rid: i64 = conn
                    .query_row("SELECT rid FROM records WHERE record_id = ?1", [&id], |x| {
                        x.get(0)
                    })
                    .unwrap();
                conn.execute(
                    "UPDATE records SET attributes = json_set(attributes, '$.workflow_status', ?2),
                     workflow_status = ?2 WHERE rid = ?1",
                    params![rid, status],
                )
                .unwrap();
                let change = Change {
                    field: "fields.workflow_status".into(),
                    old: None,
                    new: Some(Value::String(status.into()).to_string()),
                };
                audit::append(conn, &mut head, rid, &id, 1, "王测", None, None, &[change]).unwrap();
            }
            audit::write_head(conn, &head.unwrap()).unwrap();
            conn.execute("DELETE FROM schema_migrations WHERE version = 5", [])
                .unwrap();
        }
        drop(store);
        // Opening applies migration 5.
        let store = Store::open(&path, &pass).unwrap();
        let back = store.get_record(&done.record_id).unwrap().unwrap();
        assert_eq!(back.workflow_status, WorkflowStatus::Complete);
        assert!(!back.fields.contains_key("workflow_status"), "{back:?}");
        let d = store.get_record(&draft.record_id).unwrap().unwrap();
        assert_eq!(d.workflow_status, WorkflowStatus::Draft);
        assert!(!d.fields.contains_key("workflow_status"));
        let v = store.verify_audit_chain().unwrap();
        assert!(v.is_intact(), "{v:?}");
        // The move is in the record's history, by the migration.
        let h = store.history(&done.record_id).unwrap();
        assert!(
            h.iter()
                .any(|e| e.field == "workflow_status" && e.actor == "toponym"),
            "{h:?}"
        );
        // A record that still carries the old field is refused on write.
        draft
            .fields
            .insert("workflow_status".into(), "draft".into());
        let mut store = store;
        let err = store
            .put_record(&draft, &actor, None, &SearchKeys::default())
            .unwrap_err();
        assert!(err.to_string().contains("fields.workflow_status"), "{err}");
    }
}
