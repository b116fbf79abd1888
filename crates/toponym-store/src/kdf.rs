//! Key derivation: Argon2id(passphrase, salt) → a 32-byte raw SQLCipher key.
//!
//! The salt and the Argon2 parameters must be readable before the key is known, so they
//! live in a plaintext sidecar next to the database, `<db>.toponym-kdf` (JSON). It holds
//! nothing secret: losing it makes the survey unopenable, so it is written (and synced)
//! before the database is created. Giving SQLCipher a raw key skips its own PBKDF2, so
//! the deliberate cost is paid exactly once, here.
//!
//! The sidecar is untrusted input: it is read with a size cap, every Argon2 parameter must
//! lie in a documented range ([`KdfParams::check`]) before any memory is allocated, and an
//! unencrypted mode is never accepted by [`derive_key`]. It also holds a key check value
//! (HMAC-SHA256 of a fixed label under the derived key), so that a wrong passphrase is
//! told apart from a damaged or foreign database file: when the check matches and the
//! file still does not decrypt, the file is damaged.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::Mac;
use serde::{Deserialize, Serialize};

use crate::{Result, StoreError};

/// The largest sidecar read. A real one is about 400 bytes.
pub const MAX_SIDECAR_BYTES: u64 = 64 * 1024;

/// The fewest characters a new passphrase may have. Opening an existing survey only
/// refuses an empty passphrase, so surveys made before the minimum still open.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// The surveyor's passphrase. `Debug` never prints it.
#[derive(Clone)]
pub struct Passphrase(String);

impl Passphrase {
    /// Wraps a passphrase.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Whether the passphrase is empty (only white space counts as empty too).
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// Checks a passphrase for a new survey (or a new key slot): at least
    /// [`MIN_PASSPHRASE_CHARS`] characters, not only white space.
    pub fn check_new(&self) -> Result<()> {
        let n = self.0.chars().count();
        if self.is_empty() || n < MIN_PASSPHRASE_CHARS {
            return Err(StoreError::WeakPassphrase {
                min_chars: MIN_PASSPHRASE_CHARS,
                found: n,
            });
        }
        Ok(())
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Passes.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl KdfParams {
    /// The parameters for real surveys: 256 MiB, 4 passes, 1 lane. With 3 passes the
    /// reference 2-vCPU Xeon took 0.36–0.71 s as its speed drifted (docs/benchmarks/store.md);
    /// 4 passes put that range at about 0.5–0.95 s, the target, well above OWASP's minimum.
    /// Existing surveys keep the parameters recorded in their sidecar.
    pub fn production() -> Self {
        Self {
            m_cost_kib: 256 * 1024,
            t_cost: 4,
            p_cost: 1,
        }
    }

    /// Cheap parameters for tests: the encryption is still real SQLCipher, only the
    /// passphrase stretching is weak.
    pub fn insecure_for_tests() -> Self {
        Self {
            m_cost_kib: 64,
            t_cost: 1,
            p_cost: 1,
        }
    }

    /// The accepted ranges: memory 8 KiB to 2 GiB, 1 to 16 passes, 1 to 16 lanes (and, as
    /// Argon2 requires, at least 8 KiB per lane). The upper bounds keep a tampered sidecar
    /// from exhausting the machine's memory or hanging the program (2 GiB with 16 passes
    /// is about a minute here); the lower bounds are Argon2's own. Weak parameters in a
    /// tampered sidecar only derive a different key, which then fails the key check.
    pub const MAX_M_COST_KIB: u32 = 2 * 1024 * 1024;
    /// See [`Self::MAX_M_COST_KIB`].
    pub const MAX_T_COST: u32 = 16;
    /// See [`Self::MAX_M_COST_KIB`].
    pub const MAX_P_COST: u32 = 16;

    /// Checks the parameters against the accepted ranges; the error says which is out.
    pub fn check(&self) -> std::result::Result<(), String> {
        if !(1..=Self::MAX_P_COST).contains(&self.p_cost) {
            return Err(format!(
                "p_cost {} is outside 1..={}",
                self.p_cost,
                Self::MAX_P_COST
            ));
        }
        let min_m = 8 * self.p_cost;
        if !(min_m..=Self::MAX_M_COST_KIB).contains(&self.m_cost_kib) {
            return Err(format!(
                "m_cost_kib {} is outside {min_m}..={} (8 KiB per lane to 2 GiB)",
                self.m_cost_kib,
                Self::MAX_M_COST_KIB
            ));
        }
        if !(1..=Self::MAX_T_COST).contains(&self.t_cost) {
            return Err(format!(
                "t_cost {} is outside 1..={}",
                self.t_cost,
                Self::MAX_T_COST
            ));
        }
        Ok(())
    }
}

/// What the sidecar says about the database file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct KdfFile {
    pub format_version: u32,
    /// `sqlcipher4` or `none` (unencrypted, benchmark use only).
    pub encryption: String,
    /// `argon2id` (v1.3) when encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<KdfParams>,
    /// Hex salt, 16 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    /// SQLCipher's page size, which it cannot read from an encrypted file. Absent in files
    /// made before it was recorded: those use SQLCipher's default, 4096.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    /// SQLCipher's page HMAC, `sha256` or `sha512`. Absent in files made before it was
    /// recorded: those use SQLCipher 4's default, HMAC-SHA512.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hmac: Option<String>,
    /// Key check value: hex of the first 16 bytes of HMAC-SHA256(key, [`KCV_LABEL`]).
    /// Absent in files made before it was recorded; added at their next writable open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_check: Option<String>,
    /// Format 2: one key slot per member; each unwraps the survey's random data key (and
    /// the member's own key) with that member's passphrase. Format 1 has none: its data
    /// key is Argon2id(passphrase, salt) itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slots: Vec<Slot>,
    /// Format 2: the data key sealed to the county office's public key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery: Option<RecoverySlot>,
}

/// The most key slots a sidecar may hold.
pub const MAX_SLOTS: usize = 64;

/// One member's key slot: Argon2id(passphrase, salt) is the key-encryption key that opens
/// `sealed` = AEAD(data key ‖ member key), bound to the member id and the KDF settings.
/// `name` and `role` are shown on the unlock screen; what counts is the member's row
/// inside the encrypted file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Slot {
    pub member_id: String,
    pub name: String,
    pub role: String,
    pub kdf: String,
    pub params: KdfParams,
    /// Hex, 16 bytes.
    pub salt: String,
    /// The AEAD, `xchacha20poly1305`.
    pub wrap: String,
    /// Hex of nonce ‖ ciphertext ‖ tag.
    pub sealed: String,
}

/// The data key sealed to the county office (an `age` file, hex).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct RecoverySlot {
    /// The office's public key, `age1…`.
    pub recipient: String,
    /// Hex of the age file.
    pub sealed: String,
}

/// What a slot unlocked besides the data key: whose slot it is and that member's key
/// (which unwraps the member's signing key inside the file).
#[derive(Clone)]
pub(crate) struct Unlocked {
    pub member_id: String,
    pub member_key: zeroize::Zeroizing<[u8; 32]>,
}

/// The associated data of a slot: what the sealed keys are bound to.
fn slot_aad(member_id: &str, params: KdfParams, salt: &str) -> Vec<u8> {
    let p = format!("{}/{}/{}", params.m_cost_kib, params.t_cost, params.p_cost);
    toponym_crypto::frame(
        "toponym/key-slot/v2",
        &[
            member_id.as_bytes(),
            b"argon2id",
            p.as_bytes(),
            salt.as_bytes(),
        ],
    )
}

/// Seals `data_key ‖ member_key` into a new slot for `member_id` under `pass`.
pub(crate) fn seal_slot(
    member_id: &str,
    name: &str,
    role: &str,
    pass: &Passphrase,
    params: KdfParams,
    data_key: &[u8; 32],
    member_key: &[u8; 32],
) -> Result<Slot> {
    let raw_salt = new_salt()?;
    let salt = hex::encode(raw_salt);
    let kek = zeroize::Zeroizing::new(argon2(pass, &raw_salt, params)?);
    let mut payload = zeroize::Zeroizing::new([0u8; 64]);
    payload[..32].copy_from_slice(data_key);
    payload[32..].copy_from_slice(member_key);
    let w = toponym_crypto::wrap::default_wrap();
    let sealed = w
        .seal(&kek, &slot_aad(member_id, params, &salt), &payload[..])
        .map_err(|e| StoreError::Kdf(e.to_string()))?;
    Ok(Slot {
        member_id: member_id.to_owned(),
        name: name.to_owned(),
        role: role.to_owned(),
        kdf: "argon2id".into(),
        params,
        salt,
        wrap: w.algorithm().into(),
        sealed: hex::encode(sealed),
    })
}

/// Checks a slot's shape (before any key derivation).
fn check_slot(slot: &Slot) -> std::result::Result<(), String> {
    if slot.kdf != "argon2id" {
        return Err(format!("slot of {:?}: kdf must be \"argon2id\"", slot.name));
    }
    slot.params
        .check()
        .map_err(|e| format!("slot of {:?}: {e}", slot.name))?;
    if slot.salt.len() != 32 || hex::decode(&slot.salt).is_err() {
        return Err(format!(
            "slot of {:?}: salt must be 32 hex digits",
            slot.name
        ));
    }
    toponym_crypto::wrap::wrap_scheme(&slot.wrap).map_err(|e| e.to_string())?;
    if slot.sealed.len() > 512 || hex::decode(&slot.sealed).is_err() {
        return Err(format!("slot of {:?}: sealed keys malformed", slot.name));
    }
    if slot.member_id.is_empty() || slot.member_id.len() > 64 || slot.name.chars().count() > 100 {
        return Err("a slot's member id or name is malformed".into());
    }
    Ok(())
}

/// Opens `slot` with `pass`: the data key and the member key. A passphrase that does not
/// open it is [`StoreError::WrongPassphrase`].
fn open_slot(db: &Path, slot: &Slot, pass: &Passphrase) -> Result<([u8; 32], Unlocked)> {
    let salt = hex::decode(&slot.salt).unwrap_or_default();
    let kek = zeroize::Zeroizing::new(argon2(pass, &salt, slot.params)?);
    let w =
        toponym_crypto::wrap::wrap_scheme(&slot.wrap).map_err(|e| bad_file(db, &e.to_string()))?;
    let sealed = hex::decode(&slot.sealed).unwrap_or_default();
    let payload = w
        .open(
            &kek,
            &slot_aad(&slot.member_id, slot.params, &slot.salt),
            &sealed,
        )
        .map_err(|_| StoreError::WrongPassphrase {
            path: db.to_owned(),
        })?;
    if payload.len() != 64 {
        return Err(bad_file(db, "a key slot holds keys of the wrong length"));
    }
    let mut dek = [0u8; 32];
    dek.copy_from_slice(&payload[..32]);
    let mut mk = zeroize::Zeroizing::new([0u8; 32]);
    mk.copy_from_slice(&payload[32..]);
    Ok((
        dek,
        Unlocked {
            member_id: slot.member_id.clone(),
            member_key: mk,
        },
    ))
}

fn bad_file(db: &Path, detail: &str) -> StoreError {
    StoreError::BadKdfFile {
        path: sidecar_path(db),
        detail: detail.to_owned(),
    }
}

/// Who may unlock a survey: the members with a key slot (from the key file alone, before
/// any passphrase), for the unlock screen and `--member`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotInfo {
    /// The member's id.
    pub member_id: String,
    /// The name shown.
    pub name: String,
    /// `registrar` or `reviewer`.
    pub role: String,
}

/// The members who can unlock the survey at `db` (empty for a survey made before key
/// slots: its one passphrase opens it), and whether the county office can recover it.
pub fn unlock_slots(db: &Path) -> Result<(Vec<SlotInfo>, bool)> {
    let file = read_sidecar(db)?;
    Ok((
        file.slots
            .iter()
            .map(|s| SlotInfo {
                member_id: s.member_id.clone(),
                name: s.name.clone(),
                role: s.role.clone(),
            })
            .collect(),
        file.recovery.is_some(),
    ))
}

/// The label whose MAC under the derived key is the key check value.
const KCV_LABEL: &[u8] = b"toponym/sqlcipher-key-check/v1";

/// The key check value of a raw key, as stored in the sidecar.
pub(crate) fn key_check_value(key: &[u8; 32]) -> String {
    // A 32-byte key is always a valid HMAC key.
    let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(KCV_LABEL);
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// What the key check said about a derived key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyCheck {
    /// The sidecar's key check value matches: the passphrase is right, so a file that
    /// does not decrypt is damaged (or not the file this sidecar belongs to).
    Matched,
    /// The sidecar has no key check value (made before it was recorded).
    Absent,
    /// A new survey: there is nothing to check against yet.
    New,
}

/// The HMAC SQLCipher puts on every page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hmac {
    /// SQLCipher 4's default; surveys made before the choice was recorded.
    Sha512,
    /// New surveys: as strong for page authentication, and on CPUs with SHA extensions
    /// (x86 since 2017–2019, most ARMv8) several times faster than SHA-512, which made a
    /// bulk import about a tenth faster (docs/benchmarks/store.md).
    Sha256,
}

impl Hmac {
    /// The spelling in the sidecar.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Sha512 => "sha512",
            Self::Sha256 => "sha256",
        }
    }

    /// SQLCipher's name (`PRAGMA cipher_hmac_algorithm`).
    fn pragma(self) -> &'static str {
        match self {
            Self::Sha512 => "HMAC_SHA512",
            Self::Sha256 => "HMAC_SHA256",
        }
    }
}

/// The HMAC of new surveys.
pub(crate) const HMAC: Hmac = Hmac::Sha256;

/// SQLCipher's default page size, for surveys whose sidecar does not name one.
pub(crate) const LEGACY_PAGE_SIZE: u32 = 4096;

/// The page size of new surveys. Larger pages mean fewer WAL frames, fewer HMACs and
/// fewer b-tree levels: a bulk import costs about a sixth less CPU than with 4 KiB (see
/// docs/benchmarks/store.md), while a box query still reads only a handful of pages.
pub(crate) const PAGE_SIZE: u32 = 16384;

/// A derived raw key, ready for SQLCipher (or the unencrypted marker), with the page size
/// and page HMAC the file was made with, and what the key check said.
#[derive(Clone)]
pub struct DerivedKey(
    pub(crate) Option<[u8; 32]>,
    pub(crate) u32,
    pub(crate) Hmac,
    pub(crate) KeyCheck,
    /// The member whose slot opened the data key (format 2), if any.
    pub(crate) Option<Unlocked>,
);

impl fmt::Debug for DerivedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "DerivedKey(***)"
        } else {
            "DerivedKey(unencrypted)"
        })
    }
}

impl DerivedKey {
    /// The `PRAGMA key` value, `"x'<64 hex digits>'"`, for inspecting a survey with the
    /// `sqlcipher` shell (`PRAGMA key = "x'…'";`). `None` for an unencrypted file.
    /// Treat the result like the passphrase itself.
    pub fn sqlcipher_key_pragma(&self) -> Option<String> {
        self.0.map(|k| format!("x'{}'", hex::encode(k)))
    }

    /// The statements that open the file in the `sqlcipher` shell or another SQLCipher
    /// connection: the key, the page size and the page HMAC. `None` for an unencrypted
    /// file.
    pub fn sqlcipher_pragmas(&self) -> Option<String> {
        self.sqlcipher_key_pragma().map(|k| {
            format!(
                "PRAGMA key = \"{k}\"; PRAGMA cipher_page_size = {}; \
                 PRAGMA cipher_hmac_algorithm = {};",
                self.1,
                self.2.pragma()
            )
        })
    }
}

/// The sidecar path of a database path.
pub fn sidecar_path(db: &Path) -> PathBuf {
    toponym_io::store_files::sidecar_path(db)
}

pub(crate) fn argon2(pass: &Passphrase, salt: &[u8], p: KdfParams) -> Result<[u8; 32]> {
    p.check()
        .map_err(|e| StoreError::Kdf(format!("Argon2 parameters out of range: {e}")))?;
    let params = argon2::Params::new(p.m_cost_kib, p.t_cost, p.p_cost, Some(32))
        .map_err(|e| StoreError::Kdf(format!("bad Argon2 parameters {p:?}: {e}")))?;
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = [0u8; 32];
    a.hash_password_into(pass.bytes(), salt, &mut key)
        .map_err(|e| StoreError::Kdf(format!("Argon2id failed: {e}")))?;
    Ok(key)
}

/// The sidecar's JSON text.
fn sidecar_text(file: &KdfFile) -> Result<String> {
    serde_json::to_string_pretty(file)
        .map_err(|e| StoreError::Kdf(format!("cannot serialise KDF parameters: {e}")))
}

/// Creates `path` (owner-only, failing if it exists), writes `text` and syncs it.
fn write_new_synced(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = create_private(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

pub(crate) fn write_sidecar(db: &Path, file: &KdfFile) -> Result<()> {
    let path = sidecar_path(db);
    let text = sidecar_text(file)?;
    write_new_synced(&path, &text).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            StoreError::AlreadyExists { path: path.clone() }
        } else {
            StoreError::Io {
                path: path.clone(),
                source: e,
            }
        }
    })
}

/// Creates a new file readable and writable by its owner only (0600), failing if it
/// exists.
pub(crate) fn create_private(path: &Path) -> std::io::Result<fs::File> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Replaces the sidecar atomically (temporary file, sync, rename, sync the folder): used
/// to add a key check value to a sidecar made before it was recorded.
pub(crate) fn rewrite_sidecar(db: &Path, file: &KdfFile) -> Result<()> {
    let path = sidecar_path(db);
    let io = |source| StoreError::Io {
        path: path.clone(),
        source,
    };
    let text = sidecar_text(file)?;
    let tmp = toponym_io::store_files::with_suffix(&path, ".rewrite");
    if tmp.exists() {
        // A previous rewrite was killed before its rename: the real sidecar is intact.
        fs::remove_file(&tmp).map_err(io)?;
    }
    if let Err(e) = write_new_synced(&tmp, &text).and_then(|()| fs::rename(&tmp, &path)) {
        let _ = fs::remove_file(&tmp);
        return Err(io(e));
    }
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

pub(crate) fn read_sidecar(db: &Path) -> Result<KdfFile> {
    let path = sidecar_path(db);
    if !path.exists() && db.exists() {
        return Err(StoreError::NotASurvey {
            path: db.to_owned(),
            detail: format!(
                "its key file {} is missing (a survey is always a pair of files)",
                path.display()
            ),
        });
    }
    let text = toponym_io::read_capped_text(&path, MAX_SIDECAR_BYTES, "key files").map_err(
        |e| match e {
            toponym_io::ReadError::Io { source, .. }
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                StoreError::NotFound { path: path.clone() }
            }
            toponym_io::ReadError::Io { source, .. } => StoreError::Io {
                path: path.clone(),
                source,
            },
            other => StoreError::BadKdfFile {
                path: path.clone(),
                detail: other.to_string(),
            },
        },
    )?;
    let file: KdfFile = serde_json::from_str(&text).map_err(|e| StoreError::BadKdfFile {
        path: path.clone(),
        detail: e.to_string(),
    })?;
    if !(1..=2).contains(&file.format_version) {
        return Err(StoreError::BadKdfFile {
            path,
            detail: format!(
                "format_version {} is not supported (expected 1 or 2)",
                file.format_version
            ),
        });
    }
    if file.slots.len() > MAX_SLOTS {
        return Err(StoreError::BadKdfFile {
            path,
            detail: format!("{} key slots (at most {MAX_SLOTS})", file.slots.len()),
        });
    }
    if file.format_version == 2 && file.slots.is_empty() && file.encryption != "none" {
        return Err(StoreError::BadKdfFile {
            path,
            detail: "format 2 without any key slot".into(),
        });
    }
    for slot in &file.slots {
        check_slot(slot).map_err(|detail| StoreError::BadKdfFile {
            path: path.clone(),
            detail,
        })?;
    }
    Ok(file)
}

/// Creates a fresh random salt.
pub(crate) fn new_salt() -> Result<[u8; 16]> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StoreError::Kdf(format!("no OS randomness: {e}")))?;
    Ok(salt)
}

/// Derives the key for an existing survey from its sidecar. This is the deliberately slow
/// step; `Store::open` is this plus `Store::open_with_key`.
pub fn derive_key(db: &Path, pass: &Passphrase) -> Result<DerivedKey> {
    derive_key_as(db, None, pass)
}

/// The page size and HMAC the sidecar names.
fn page_settings(db: &Path, file: &KdfFile) -> Result<(u32, Hmac)> {
    let bad = |detail: &str| bad_file(db, detail);
    let page_size = match file.page_size {
        None => LEGACY_PAGE_SIZE,
        Some(n) if n.is_power_of_two() && (512..=65536).contains(&n) => n,
        Some(n) => {
            return Err(bad(&format!(
                "page_size {n} is not a power of two from 512 to 65536"
            )))
        }
    };
    let hmac = match file.hmac.as_deref() {
        None => Hmac::Sha512,
        Some(s) => [Hmac::Sha256, Hmac::Sha512]
            .into_iter()
            .find(|h| h.as_str() == s)
            .ok_or_else(|| {
                bad(&format!(
                    "hmac {s:?} is not one SQLCipher offers here (sha256, sha512)"
                ))
            })?,
    };
    Ok((page_size, hmac))
}

/// The slot of `member` (a name or member id); with no member named, the only slot.
fn choose_slot<'a>(db: &Path, file: &'a KdfFile, member: Option<&str>) -> Result<&'a Slot> {
    let names = || {
        file.slots
            .iter()
            .map(|s| s.name.clone())
            .collect::<Vec<_>>()
    };
    match member.map(str::trim) {
        None | Some("") if file.slots.len() == 1 => Ok(&file.slots[0]),
        None | Some("") => Err(StoreError::MemberRequired {
            path: db.to_owned(),
            members: names(),
        }),
        Some(m) => {
            let by_id = file.slots.iter().find(|s| s.member_id == m);
            let mut by_name = file.slots.iter().filter(|s| s.name == m);
            match (by_id, by_name.next(), by_name.next()) {
                (Some(s), _, _) | (None, Some(s), None) => Ok(s),
                (None, Some(_), Some(_)) => Err(StoreError::MemberRequired {
                    path: db.to_owned(),
                    members: file
                        .slots
                        .iter()
                        .filter(|s| s.name == m)
                        .map(|s| format!("{} ({})", s.name, s.member_id))
                        .collect(),
                }),
                (None, None, _) => Err(StoreError::UnknownMember {
                    path: db.to_owned(),
                    member: m.to_owned(),
                    members: names(),
                }),
            }
        }
    }
}

/// Checks an unwrapped data key against the sidecar's key check value.
fn check_data_key(db: &Path, file: &KdfFile, dek: &[u8; 32]) -> Result<KeyCheck> {
    match file.key_check.as_deref() {
        Some(k) if k.eq_ignore_ascii_case(&key_check_value(dek)) => Ok(KeyCheck::Matched),
        Some(_) => Err(bad_file(
            db,
            "the key it unlocks does not match its key check value (a key file of another \
             survey, or altered)",
        )),
        None => Err(bad_file(db, "format 2 without a key check value")),
    }
}

/// Derives the key for an existing survey as `member` (a name or member id; `None` when
/// the survey has one member, or predates key slots). One Argon2id derivation.
pub fn derive_key_as(db: &Path, member: Option<&str>, pass: &Passphrase) -> Result<DerivedKey> {
    let file = read_sidecar(db)?;
    if file.format_version == 2 && file.encryption == "sqlcipher4" {
        let (page_size, hmac) = page_settings(db, &file)?;
        if pass.is_empty() {
            return Err(StoreError::EmptyPassphrase);
        }
        let slot = choose_slot(db, &file, member)?;
        let (dek, unlocked) = open_slot(db, slot, pass)?;
        let check = check_data_key(db, &file, &dek)?;
        return Ok(DerivedKey(
            Some(dek),
            page_size,
            hmac,
            check,
            Some(unlocked),
        ));
    }
    derive_key_v1(db, file, pass)
}

/// Derives the data key with the county office's secret key (the recovery slot).
pub fn derive_key_recovery(
    db: &Path,
    office: &toponym_crypto::recovery::OfficeIdentity,
) -> Result<DerivedKey> {
    let file = read_sidecar(db)?;
    let Some(rec) = &file.recovery else {
        return Err(bad_file(
            db,
            "this survey has no recovery slot (it was made without the county office's key)",
        ));
    };
    let (page_size, hmac) = page_settings(db, &file)?;
    let sealed = hex::decode(&rec.sealed).map_err(|_| bad_file(db, "recovery slot malformed"))?;
    let dek = toponym_crypto::recovery::open_with(office, &sealed).map_err(|e| {
        StoreError::WrongOfficeKey {
            path: db.to_owned(),
            detail: e.to_string(),
        }
    })?;
    let dek: [u8; 32] = dek[..]
        .try_into()
        .map_err(|_| bad_file(db, "the recovery slot holds a key of the wrong length"))?;
    let check = check_data_key(db, &file, &dek)?;
    Ok(DerivedKey(Some(dek), page_size, hmac, check, None))
}

fn derive_key_v1(db: &Path, file: KdfFile, pass: &Passphrase) -> Result<DerivedKey> {
    let bad = |detail: &str| bad_file(db, detail);
    let (page_size, hmac) = page_settings(db, &file)?;
    match file.encryption.as_str() {
        "none" => Err(bad(
            "it declares the survey unencrypted (\"encryption\": \"none\"); census data \
             is never stored unencrypted, so this file is refused",
        )),
        "sqlcipher4" => {
            if file.kdf.as_deref() != Some("argon2id") {
                return Err(bad("kdf must be \"argon2id\""));
            }
            let params = file.params.ok_or_else(|| bad("params missing"))?;
            params.check().map_err(|e| bad(&e))?;
            let salt = file
                .salt
                .as_deref()
                .and_then(|s| hex::decode(s).ok())
                .filter(|s| s.len() == 16)
                .ok_or_else(|| bad("salt must be 32 hex digits"))?;
            let expected = match file.key_check.as_deref() {
                None => None,
                Some(k) if k.len() == 32 && k.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    Some(k.to_ascii_lowercase())
                }
                Some(_) => return Err(bad("key_check must be 32 hex digits")),
            };
            if pass.is_empty() {
                return Err(StoreError::EmptyPassphrase);
            }
            let key = argon2(pass, &salt, params)?;
            let check = match expected {
                None => KeyCheck::Absent,
                Some(k) if k == key_check_value(&key) => KeyCheck::Matched,
                Some(_) => {
                    return Err(StoreError::WrongPassphrase {
                        path: db.to_owned(),
                    })
                }
            };
            Ok(DerivedKey(Some(key), page_size, hmac, check, None))
        }
        other => Err(bad(&format!("unknown encryption {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_key_depends_on_every_input() {
        let p = KdfParams::insecure_for_tests();
        let a = argon2(&Passphrase::new("泰山"), b"0123456789abcdef", p).unwrap();
        assert_eq!(
            a,
            argon2(&Passphrase::new("泰山"), b"0123456789abcdef", p).unwrap()
        );
        assert_ne!(
            a,
            argon2(&Passphrase::new("泰山!"), b"0123456789abcdef", p).unwrap()
        );
        assert_ne!(
            a,
            argon2(&Passphrase::new("泰山"), b"0123456789abcdeF", p).unwrap()
        );
        let p2 = KdfParams { t_cost: 2, ..p };
        assert_ne!(
            a,
            argon2(&Passphrase::new("泰山"), b"0123456789abcdef", p2).unwrap()
        );
    }

    #[test]
    fn passphrase_debug_is_redacted() {
        assert_eq!(
            format!("{:?}", Passphrase::new("secret")),
            "Passphrase(***)"
        );
    }

    #[test]
    fn impossible_parameters_are_an_error_not_a_panic() {
        let p = KdfParams {
            m_cost_kib: 1,
            t_cost: 0,
            p_cost: 0,
        };
        assert!(matches!(
            argon2(&Passphrase::new("x"), b"0123456789abcdef", p),
            Err(StoreError::Kdf(_))
        ));
    }
}
