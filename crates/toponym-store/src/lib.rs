//! The surveyor's store: one encrypted SQLite (SQLCipher) file per survey.
//!
//! This is the only crate that touches SQLite. It keeps records (queried fields as
//! columns, the rest as JSON, geometry as GeoPackage binary in CGCS2000), an R*Tree over
//! their bounding boxes, a name-key table for 泰山 / taishan / tai shan searches, media by
//! SHA-256 with thumbnails and EXIF position, and a hash-chained audit log from which any
//! earlier state of a record can be rebuilt. It also writes plain GeoPackage exports.
//!
//! Encryption: a random data key, given to SQLCipher as a raw key, unwrapped by each
//! member's passphrase through their key slot (Argon2id, then an AEAD) in a small
//! plaintext sidecar `<db>.toponym-kdf` (see [`kdf`] and `members.rs`); surveys made
//! before key slots used Argon2id(passphrase, salt) itself and are moved to slots in
//! place. Reviews are signatures (`review.rs`). Durability: WAL, `synchronous = FULL`, temp store in memory, every multi-row
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
mod members;
mod migrate;
mod names;
mod overrides;
mod process;
mod reference;
mod review;
mod rtree_pack;
mod store;

pub use audit::{AuditEntry, AuditVerification, ChangeSummary};
pub use error::StoreError;
pub use export::{ExportLayer, ExportReport};
pub use investigation::{Closure, InvestigationEntry, NewInvestigationEntry};
pub use kdf::{derive_key, sidecar_path, DerivedKey, KdfParams, Passphrase};
pub use kdf::{derive_key_as, derive_key_recovery, unlock_slots, SlotInfo};
pub use media::{Media, MediaInfo};
pub use members::{Member, NewMember, Role};
pub use names::{normalise_key, SearchKeys};
pub use overrides::{Override, MAX_OVERRIDE_REASON_CHARS};
pub use process::disable_transparent_huge_pages;
pub use reference::ReferenceTableInfo;
pub use review::{review_digest, Review, ReviewComment, Verdict};
pub use store::{
    Actor, ListFilter, NameHit, OpenTimings, RecordSummary, Store, StoreTx, WorkflowStatus,
};
pub use toponym_crypto::recovery::{OfficeIdentity, OfficeRecipient};

/// Result type of this crate.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
