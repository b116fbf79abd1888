//! The people of a survey (专人填写、专人审核): members, their key slots and their signing
//! keys.
//!
//! A survey file is encrypted with a random data key. Each member's passphrase unwraps it
//! through that member's key slot in the key file (`<db>.toponym-kdf`, see [`crate::kdf`]):
//! Argon2id(passphrase, salt) opens AEAD(data key ‖ member key). Adding a member or
//! changing a passphrase writes one slot and never re-encrypts the database. A recovery
//! slot holds the data key sealed to the county office's public key (`age`, X25519).
//!
//! Inside the encrypted file, `members` lists everyone with a role, and `member_keys` their
//! signing keys (Ed25519 by default): the public key in the clear, the secret key sealed
//! under the member key, so only that member's passphrase can sign as them. The store
//! writes every audit entry as the unlocked member (their name and key fingerprint),
//! whatever actor a caller names.
//!
//! A recovery by the office reopens the data and gives the member a new passphrase and a
//! NEW signing key (the old one is retired, its public half kept so old signatures still
//! verify): the office can restore access, never sign as the member.

use std::path::Path;

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use time::OffsetDateTime;
use toponym_crypto::recovery::{OfficeIdentity, OfficeRecipient};
use toponym_crypto::sign::{self, SecretKey};
use zeroize::Zeroizing;

use crate::audit::{self, Change};
use crate::kdf::{self, KdfFile, KdfParams, Passphrase, Unlocked};
use crate::{Actor, Result, Store, StoreError};

/// A member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 登记人: fills in the forms.
    Registrar,
    /// 审核人: reviews them.
    Reviewer,
}

impl Role {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registrar => "registrar",
            Self::Reviewer => "reviewer",
        }
    }

    /// 中文.
    pub fn as_zh(self) -> &'static str {
        match self {
            Self::Registrar => "登记人",
            Self::Reviewer => "审核人",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "registrar" | "登记人" => Ok(Self::Registrar),
            "reviewer" | "审核人" => Ok(Self::Reviewer),
            _ => Err(format!(
                "unknown role {s:?} (registrar/登记人, reviewer/审核人)"
            )),
        }
    }
}

/// A member of the survey, as the encrypted file records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Stable id (also the key slot's).
    pub member_id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Unit (工作单位).
    pub unit: String,
    /// The current signing key's fingerprint, as the county office registers it.
    pub fingerprint: String,
    /// When added, UTC.
    #[serde(with = "time::serde::rfc3339")]
    pub added_at: OffsetDateTime,
    /// When removed, if removed (their slot is gone; their signatures still verify).
    #[serde(with = "time::serde::rfc3339::option")]
    pub removed_at: Option<OffsetDateTime>,
    /// Whether they have a key slot, i.e. can unlock the file.
    pub can_unlock: bool,
}

/// A member to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    /// Name (1 to 100 characters).
    pub name: String,
    /// Role.
    pub role: Role,
    /// Unit.
    pub unit: String,
}

impl NewMember {
    /// A member called `name` with `role` and no unit.
    pub fn new(name: impl Into<String>, role: Role) -> Self {
        Self {
            name: name.into(),
            role,
            unit: String::new(),
        }
    }

    fn check(&self) -> Result<()> {
        let n = self.name.trim().chars().count();
        if n == 0 || n > 100 || self.name.chars().any(char::is_control) {
            return Err(StoreError::Refused {
                code: "member.bad_name",
                detail: format!(
                    "a member's name must have 1 to 100 characters and no control characters \
                     ({:?})",
                    self.name
                ),
            });
        }
        if self.unit.chars().count() > 200 {
            return Err(StoreError::Refused {
                code: "member.bad_name",
                detail: "a unit has at most 200 characters".into(),
            });
        }
        Ok(())
    }
}

/// The unlocked member: who they are, their member key and their signing key.
pub(crate) struct SignedIn {
    pub member: Member,
    pub member_key: Zeroizing<[u8; 32]>,
    pub algorithm: String,
    pub secret: SecretKey,
}

/// The secrets of an open survey: its data key and the unlocked member, if any.
#[derive(Default)]
pub(crate) struct Secrets {
    pub data_key: Option<Zeroizing<[u8; 32]>>,
    pub me: Option<SignedIn>,
}

pub(crate) fn at_from_us(us: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

pub(crate) fn new_member_id() -> Result<String> {
    let b: [u8; 16] = toponym_crypto::random_bytes().map_err(crypto)?;
    Ok(uuid::Builder::from_random_bytes(b).into_uuid().to_string())
}

pub(crate) fn crypto(e: toponym_crypto::CryptoError) -> StoreError {
    StoreError::Kdf(e.to_string())
}

fn secret_aad(member_id: &str, fingerprint: &str) -> Vec<u8> {
    toponym_crypto::frame(
        "toponym/member-secret/v1",
        &[member_id.as_bytes(), fingerprint.as_bytes()],
    )
}

/// Appends one member event (`field` with `old` → `new`) to the audit log inside `tx`
/// and records the new head: the one way member rows and their log entry are written
/// together.
#[allow(clippy::too_many_arguments)]
fn append_member_entry(
    tx: &rusqlite::Transaction<'_>,
    member_id: &str,
    at: i64,
    by: &Actor,
    reason: Option<&str>,
    field: &str,
    old: Option<String>,
    new: Option<String>,
) -> Result<()> {
    let mut head: audit::Head = None;
    audit::append(
        tx,
        &mut head,
        0,
        &member_subject(member_id),
        at,
        &by.name,
        by.key.as_deref(),
        reason,
        &[Change {
            field: field.into(),
            old,
            new,
        }],
    )?;
    if let Some(h) = &head {
        audit::write_head(tx, h)?;
    }
    Ok(())
}

/// The record id under which member events are logged.
fn member_subject(member_id: &str) -> String {
    format!("member:{member_id}")
}

const MEMBER_COLS: &str = "m.member_id, m.name, m.role, m.unit, m.added_at_us, m.removed_at_us,
     (SELECT k.fingerprint FROM member_keys k WHERE k.member_id = m.member_id
      ORDER BY k.retired_at_us IS NOT NULL, k.created_at_us DESC LIMIT 1)";

fn member_from_row(r: &rusqlite::Row<'_>, slots: &[String]) -> rusqlite::Result<Member> {
    let id: String = r.get(0)?;
    let role: String = r.get(2)?;
    Ok(Member {
        can_unlock: slots.contains(&id),
        member_id: id,
        name: r.get(1)?,
        role: role.parse().unwrap_or(Role::Registrar),
        unit: r.get(3)?,
        added_at: at_from_us(r.get(4)?),
        removed_at: r.get::<_, Option<i64>>(5)?.map(at_from_us),
        fingerprint: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
    })
}

/// A key pair made and sealed for a member: algorithm, public key, fingerprint, sealed
/// secret, the secret.
type Identity = (String, Vec<u8>, String, Vec<u8>, SecretKey);

/// A new key pair for `member_id`, its secret sealed under the member key.
fn new_identity(member_id: &str, member_key: &[u8; 32]) -> Result<Identity> {
    let scheme = sign::default_scheme();
    let kp = scheme.generate().map_err(crypto)?;
    let fp = sign::fingerprint(kp.algorithm, &kp.public);
    let sealed = toponym_crypto::wrap::default_wrap()
        .seal(member_key, &secret_aad(member_id, &fp), kp.secret.expose())
        .map_err(crypto)?;
    Ok((kp.algorithm.to_owned(), kp.public, fp, sealed, kp.secret))
}

impl Store {
    /// The unlocked member, if the survey was opened through a member's key slot.
    pub fn member(&self) -> Option<&Member> {
        self.secrets.me.as_ref().map(|m| &m.member)
    }

    /// The actor of this session's writes: the unlocked member (name and key
    /// fingerprint), or `fallback` when no member is unlocked (a survey opened by the
    /// county office's recovery key, or one made before members existed).
    pub fn actor_or(&self, fallback: &Actor) -> Actor {
        match &self.secrets.me {
            Some(me) => Actor {
                name: me.member.name.clone(),
                key: Some(me.member.fingerprint.clone()),
            },
            None => fallback.clone(),
        }
    }

    /// Every member, removed ones included, in the order they were added.
    pub fn members(&self) -> Result<Vec<Member>> {
        let slots: Vec<String> = kdf::read_sidecar(&self.path)?
            .slots
            .into_iter()
            .map(|s| s.member_id)
            .collect();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {MEMBER_COLS} FROM members m ORDER BY m.added_at_us, m.member_id"
        ))?;
        let rows = stmt.query_map([], |r| member_from_row(r, &slots))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The public key (algorithm, bytes) of a fingerprint and whose it is.
    pub(crate) fn public_key(
        conn: &rusqlite::Connection,
        fingerprint: &str,
    ) -> Result<Option<(String, Vec<u8>, String)>> {
        Ok(conn
            .prepare_cached(
                "SELECT algorithm, public_key, member_id FROM member_keys WHERE fingerprint = ?1",
            )?
            .query_row([fingerprint], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?)
    }

    /// Signs `message` as the unlocked member: (fingerprint, algorithm, signature).
    pub(crate) fn sign_as_me(&self, message: &[u8]) -> Result<(String, String, Vec<u8>)> {
        let me = self.require_member()?;
        let scheme = sign::scheme(&me.algorithm).map_err(crypto)?;
        let sig = scheme.sign(&me.secret, message).map_err(crypto)?;
        Ok((me.member.fingerprint.clone(), me.algorithm.clone(), sig))
    }

    pub(crate) fn require_member(&self) -> Result<&SignedIn> {
        self.secrets.me.as_ref().ok_or_else(|| StoreError::Refused {
            code: "member.none_unlocked",
            detail: format!(
                "{} is not unlocked by a member (only a member's own passphrase can do this)",
                self.path.display()
            ),
        })
    }

    fn data_key(&self) -> Result<&[u8; 32]> {
        self.secrets
            .data_key
            .as_deref()
            .ok_or_else(|| StoreError::Kdf("the survey's data key is not at hand".into()))
    }

    /// After open: finds the unlocked member's row and unseals their signing key. The first
    /// member of a survey (new, or just migrated to key slots) is created here from their
    /// slot; a file whose slot names a member it does not have is refused.
    pub(crate) fn sign_in(&mut self, unlocked: Option<Unlocked>) -> Result<()> {
        let Some(u) = unlocked else { return Ok(()) };
        let slots = kdf::read_sidecar(&self.path)?.slots;
        let Some(slot) = slots.iter().find(|s| s.member_id == u.member_id) else {
            return Ok(());
        };
        let count: i64 = self
            .conn
            .query_row("SELECT count(*) FROM members", [], |r| r.get(0))?;
        if count == 0 && !self.is_read_only() {
            let role: Role = slot.role.parse().map_err(|e| StoreError::BadKdfFile {
                path: kdf::sidecar_path(&self.path),
                detail: e,
            })?;
            let new = NewMember::new(slot.name.clone(), role);
            self.insert_member(&u.member_id, &new, &u.member_key, None)?;
        }
        let ids = vec![u.member_id.clone()];
        let member = self
            .conn
            .query_row(
                &format!("SELECT {MEMBER_COLS} FROM members m WHERE m.member_id = ?1"),
                [&u.member_id],
                |r| member_from_row(r, &ids),
            )
            .optional()?;
        let Some(member) = member else {
            if self.is_read_only() {
                return Ok(());
            }
            return Err(StoreError::Damaged {
                path: self.path.clone(),
                detail: format!(
                    "the key slot of {:?} names a member the survey does not have",
                    slot.name
                ),
            });
        };
        if member.removed_at.is_some() {
            return Err(StoreError::Refused {
                code: "member.removed",
                detail: format!("{} was removed from this survey", member.name),
            });
        }
        let (algorithm, sealed): (String, Option<Vec<u8>>) = self.conn.query_row(
            "SELECT algorithm, sealed_secret FROM member_keys WHERE fingerprint = ?1",
            [&member.fingerprint],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let secret = sealed
            .and_then(|s| {
                toponym_crypto::wrap::default_wrap()
                    .open(
                        &u.member_key,
                        &secret_aad(&member.member_id, &member.fingerprint),
                        &s,
                    )
                    .ok()
            })
            .ok_or_else(|| StoreError::Damaged {
                path: self.path.clone(),
                detail: format!("the signing key of {} does not unseal", member.name),
            })?;
        self.secrets.me = Some(SignedIn {
            member,
            member_key: u.member_key,
            algorithm,
            secret: SecretKey::from_bytes(secret.to_vec()),
        });
        Ok(())
    }

    /// Inserts a member and a fresh signing key, logged as `member.add` (by `by`, or by
    /// the member themself when they are the first).
    fn insert_member(
        &mut self,
        member_id: &str,
        new: &NewMember,
        member_key: &[u8; 32],
        by: Option<Actor>,
    ) -> Result<Member> {
        new.check()?;
        let (algorithm, public, fp, sealed, _secret) = new_identity(member_id, member_key)?;
        let at = self.now_us();
        let by = by.unwrap_or(Actor {
            name: new.name.clone(),
            key: Some(fp.clone()),
        });
        let conn = self.conn_mut()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM members WHERE name = ?1 AND removed_at_us IS NULL)",
            [&new.name],
            |r| r.get(0),
        )?;
        if taken {
            return Err(StoreError::Refused {
                code: "member.exists",
                detail: format!("the survey already has a member called {}", new.name),
            });
        }
        tx.execute(
            "INSERT INTO members (member_id, name, role, unit, added_at_us) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![member_id, new.name, new.role.as_str(), new.unit, at],
        )?;
        tx.execute(
            "INSERT INTO member_keys (fingerprint, member_id, algorithm, public_key, sealed_secret, created_at_us)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![fp, member_id, algorithm, public, sealed, at],
        )?;
        let value = serde_json::json!({
            "name": new.name, "role": new.role.as_str(), "unit": new.unit,
            "fingerprint": fp, "algorithm": algorithm, "public_key": hex::encode(&public),
        });
        append_member_entry(
            &tx,
            member_id,
            at,
            &by,
            None,
            "member.add",
            None,
            Some(value.to_string()),
        )?;
        tx.commit()?;
        Ok(Member {
            member_id: member_id.to_owned(),
            name: new.name.clone(),
            role: new.role,
            unit: new.unit.clone(),
            fingerprint: fp,
            added_at: at_from_us(at),
            removed_at: None,
            can_unlock: true,
        })
    }

    /// Logs a member event (no change of any record).
    fn log_member_event(
        &mut self,
        member_id: &str,
        field: &str,
        value: serde_json::Value,
        reason: Option<&str>,
        by: &Actor,
    ) -> Result<()> {
        let at = self.now_us();
        let conn = self.conn_mut()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        append_member_entry(
            &tx,
            member_id,
            at,
            by,
            reason,
            field,
            None,
            Some(value.to_string()),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Adds a member (a reviewer, another registrar) with their own passphrase: a new key
    /// slot in the key file and a new signing key inside the survey. Takes one Argon2id
    /// derivation; the database is not re-encrypted. Needs an unlocked member.
    pub fn add_member(
        &mut self,
        new: &NewMember,
        pass: &Passphrase,
        params: KdfParams,
    ) -> Result<Member> {
        new.check()?;
        pass.check_new()?;
        let by = self.actor_or(&Actor::new("toponym"));
        self.require_member()?;
        let mut file = kdf::read_sidecar(&self.path)?;
        if file.slots.len() >= kdf::MAX_SLOTS {
            return Err(StoreError::Refused {
                code: "member.too_many",
                detail: format!(
                    "a survey has at most {} members who can unlock it",
                    kdf::MAX_SLOTS
                ),
            });
        }
        let member_id = new_member_id()?;
        let member_key = crate::members::random_key()?;
        let slot = kdf::seal_slot(
            &member_id,
            &new.name,
            new.role.as_str(),
            pass,
            params,
            self.data_key()?,
            &member_key,
        )?;
        let member = self.insert_member(&member_id, new, &member_key, Some(by.clone()))?;
        file.slots.push(slot);
        if let Err(e) = kdf::rewrite_sidecar(&self.path, &file) {
            // The member exists but cannot unlock: mark them removed so the names stay free.
            let _ = self.mark_removed(&member_id, "the key slot could not be written", &by);
            return Err(e);
        }
        Ok(member)
    }

    /// Marks a member removed and retires their keys, with its `member.remove` entry, in
    /// one transaction.
    fn mark_removed(&mut self, member_id: &str, reason: &str, by: &Actor) -> Result<()> {
        let at = self.now_us();
        let conn = self.conn_mut()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE members SET removed_at_us = ?2 WHERE member_id = ?1 AND removed_at_us IS NULL",
            params![member_id, at],
        )?;
        tx.execute(
            "UPDATE member_keys SET sealed_secret = NULL, retired_at_us = coalesce(retired_at_us, ?2)
             WHERE member_id = ?1",
            params![member_id, at],
        )?;
        append_member_entry(
            &tx,
            member_id,
            at,
            by,
            Some(reason),
            "member.remove",
            None,
            Some(serde_json::json!({}).to_string()),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn find_member(&self, who: &str) -> Result<Member> {
        let all = self.members()?;
        let active: Vec<&Member> = all.iter().filter(|m| m.removed_at.is_none()).collect();
        let hits: Vec<&&Member> = active
            .iter()
            .filter(|m| m.member_id == who || m.name == who || m.fingerprint == who)
            .collect();
        match hits.as_slice() {
            [m] => Ok((**m).clone()),
            [] => Err(StoreError::UnknownMember {
                path: self.path.clone(),
                member: who.to_owned(),
                members: active.iter().map(|m| m.name.clone()).collect(),
            }),
            _ => Err(StoreError::MemberRequired {
                path: self.path.clone(),
                members: hits
                    .iter()
                    .map(|m| format!("{} ({})", m.name, m.member_id))
                    .collect(),
            }),
        }
    }

    /// Removes a member: their key slot is deleted (they can no longer open the file) and
    /// their signing key retired (its public half stays, so what they signed still
    /// verifies). The last member who can unlock the file cannot be removed.
    pub fn remove_member(&mut self, who: &str, reason: Option<&str>) -> Result<Member> {
        let by = self.actor_or(&Actor::new("toponym"));
        self.require_member()?;
        let member = self.find_member(who)?;
        let mut file = kdf::read_sidecar(&self.path)?;
        let others = file
            .slots
            .iter()
            .filter(|s| s.member_id != member.member_id)
            .count();
        if others == 0 {
            return Err(StoreError::Refused {
                code: "member.last",
                detail: format!(
                    "{} is the only member who can unlock the survey; add another member first",
                    member.name
                ),
            });
        }
        file.slots.retain(|s| s.member_id != member.member_id);
        // The slot goes first: once it is gone the member cannot open the file, whatever
        // happens next.
        kdf::rewrite_sidecar(&self.path, &file)?;
        self.mark_removed(
            &member.member_id,
            reason.unwrap_or("removed from the survey"),
            &by,
        )?;
        self.find_removed(&member.member_id)
    }

    fn find_removed(&self, member_id: &str) -> Result<Member> {
        self.members()?
            .into_iter()
            .find(|m| m.member_id == member_id)
            .ok_or_else(|| StoreError::Kdf("member vanished".into()))
    }

    /// Changes the unlocked member's passphrase: their slot is sealed again under the new
    /// one (one Argon2id derivation); the old passphrase no longer opens the file.
    pub fn change_passphrase(&mut self, new: &Passphrase, params: KdfParams) -> Result<()> {
        new.check_new()?;
        let me = self.require_member()?;
        let (member_id, name, role) = (
            me.member.member_id.clone(),
            me.member.name.clone(),
            me.member.role,
        );
        let member_key = *me.member_key;
        let mut file = kdf::read_sidecar(&self.path)?;
        let slot = kdf::seal_slot(
            &member_id,
            &name,
            role.as_str(),
            new,
            params,
            self.data_key()?,
            &member_key,
        )?;
        let Some(old) = file.slots.iter_mut().find(|s| s.member_id == member_id) else {
            return Err(StoreError::Refused {
                code: "member.removed",
                detail: format!("{name} has no key slot in this survey"),
            });
        };
        *old = slot;
        kdf::rewrite_sidecar(&self.path, &file)?;
        let by = self.actor_or(&Actor::new("toponym"));
        self.log_member_event(
            &member_id,
            "member.passwd",
            serde_json::json!({}),
            None,
            &by,
        )
    }

    /// Seals the data key to the county office (replacing an earlier recovery slot).
    pub fn set_recovery(&mut self, office: &OfficeRecipient) -> Result<()> {
        self.check_writable()?;
        let sealed = toponym_crypto::recovery::seal_to(office, self.data_key()?).map_err(crypto)?;
        let mut file = kdf::read_sidecar(&self.path)?;
        file.recovery = Some(kdf::RecoverySlot {
            recipient: office.to_string(),
            sealed: hex::encode(sealed),
        });
        kdf::rewrite_sidecar(&self.path, &file)?;
        let by = self.actor_or(&Actor::new("toponym"));
        let id = self
            .member()
            .map(|m| m.member_id.clone())
            .unwrap_or_default();
        self.log_member_event(
            &id,
            "member.recovery",
            serde_json::json!({ "recipient": office.to_string() }),
            None,
            &by,
        )
    }

    /// The county office reopens a survey whose passphrase is lost: with the office's
    /// secret key (and nothing else) it unseals the data key, gives `who` a new
    /// passphrase and a new signing key (the old key is retired; what it signed still
    /// verifies), and logs the recovery. Returns the member as now recorded.
    pub fn recover(
        path: impl AsRef<Path>,
        office: &OfficeIdentity,
        who: &str,
        new_pass: &Passphrase,
        params: KdfParams,
    ) -> Result<Member> {
        let path = path.as_ref();
        new_pass.check_new()?;
        let key = kdf::derive_key_recovery(path, office)?;
        let mut store = Store::open_with_key(path, &key)?;
        let member = store.find_member(who)?;
        let member_key = random_key()?;
        let (algorithm, public, fp, sealed, _secret) =
            new_identity(&member.member_id, &member_key)?;
        let mut file: KdfFile = kdf::read_sidecar(path)?;
        let slot = kdf::seal_slot(
            &member.member_id,
            &member.name,
            member.role.as_str(),
            new_pass,
            params,
            store.data_key()?,
            &member_key,
        )?;
        let at = store.now_us();
        let office_actor = Actor::new(format!(
            "县级普查办公室恢复 county office recovery ({})",
            office.recipient()
        ));
        {
            let conn = store.conn_mut()?;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "UPDATE member_keys SET sealed_secret = NULL, retired_at_us = ?2
                 WHERE member_id = ?1 AND retired_at_us IS NULL",
                params![member.member_id, at],
            )?;
            tx.execute(
                "INSERT INTO member_keys (fingerprint, member_id, algorithm, public_key, sealed_secret, created_at_us)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![fp, member.member_id, algorithm, public, sealed, at],
            )?;
            append_member_entry(
                &tx,
                &member.member_id,
                at,
                &office_actor,
                Some("passphrase lost; reopened with the county office key"),
                "member.recover",
                Some(serde_json::json!({ "fingerprint": member.fingerprint }).to_string()),
                Some(
                    serde_json::json!({
                        "fingerprint": fp, "algorithm": algorithm,
                        "public_key": hex::encode(&public),
                    })
                    .to_string(),
                ),
            )?;
            tx.commit()?;
        }
        match file
            .slots
            .iter_mut()
            .find(|s| s.member_id == member.member_id)
        {
            Some(old) => *old = slot,
            None => file.slots.push(slot),
        }
        kdf::rewrite_sidecar(path, &file)?;
        store.find_removed(&member.member_id)
    }

    /// Moves a survey made before key slots (its key was Argon2id of its one passphrase)
    /// to key slots in place: its data key stays (nothing is re-encrypted), sealed in a
    /// slot for a first member, a registrar named after the survey's one registrar if
    /// it has exactly one (else 登记人). Then signs that member in.
    pub(crate) fn migrate_to_slots(&mut self, pass: &Passphrase) -> Result<()> {
        let mut file = kdf::read_sidecar(&self.path)?;
        if file.format_version != 1 || self.is_read_only() {
            return Ok(());
        }
        let data_key = *self.data_key()?;
        let names: Vec<String> = self
            .conn
            .prepare("SELECT DISTINCT registrar FROM records WHERE registrar IS NOT NULL LIMIT 2")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let name = match names.as_slice() {
            [one] if !one.trim().is_empty() => one.clone(),
            _ => "登记人".to_owned(),
        };
        let member_id = new_member_id()?;
        let member_key = random_key()?;
        let params = file.params.unwrap_or_else(KdfParams::production);
        let slot = kdf::seal_slot(
            &member_id,
            &name,
            Role::Registrar.as_str(),
            pass,
            params,
            &data_key,
            &member_key,
        )?;
        file.format_version = 2;
        file.kdf = None;
        file.params = None;
        file.salt = None;
        file.key_check = Some(kdf::key_check_value(&data_key));
        file.slots = vec![slot];
        kdf::rewrite_sidecar(&self.path, &file)?;
        self.sign_in(Some(Unlocked {
            member_id,
            member_key,
        }))
    }
}

pub(crate) fn random_key() -> Result<Zeroizing<[u8; 32]>> {
    toponym_crypto::random_key().map_err(crypto)
}
