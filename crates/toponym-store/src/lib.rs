//! The surveyor's store: one encrypted SQLite (SQLCipher) file per survey.
//!
//! This is the only crate that touches SQLite. It keeps records (queried fields as
//! columns, the rest as JSON, geometry as GeoPackage binary in CGCS2000), an R*Tree over
//! their bounding boxes, a name-key table for 泰山 / taishan / tai shan searches, media by
//! SHA-256 with thumbnails and EXIF position, and a hash-chained audit log from which any
//! earlier state of a record can be rebuilt. It also writes plain GeoPackage exports.
//!
//! Encryption: the key is Argon2id(passphrase, salt), given to SQLCipher as a raw key; the
//! salt and KDF parameters live in a small plaintext sidecar `<db>.toponym-kdf` (see
//! [`kdf`]). Durability: WAL, `synchronous = FULL`, temp store in memory, every multi-row
//! write in one transaction.

mod audit;
mod checkpoint;
mod error;
mod export;
pub mod gpkg;
mod investigation;
pub mod kdf;
pub mod mbtiles;
mod media;
mod migrate;
mod names;
mod overrides;
mod process;
mod reference;
mod rtree_pack;
mod store;

pub use audit::{AuditEntry, AuditVerification, ChangeSummary};
pub use error::StoreError;
pub use export::{ExportLayer, ExportReport};
pub use investigation::{Closure, InvestigationEntry, NewInvestigationEntry};
pub use kdf::{derive_key, sidecar_path, DerivedKey, KdfParams, Passphrase};
pub use media::{Media, MediaInfo};
pub use names::{normalise_key, SearchKeys};
pub use overrides::{Override, MAX_OVERRIDE_REASON_CHARS};
pub use process::disable_transparent_huge_pages;
pub use reference::ReferenceTableInfo;
pub use store::{
    Actor, ListFilter, NameHit, OpenTimings, RecordSummary, Store, StoreTx, WorkflowStatus,
};

/// Result type of this crate.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
