//! The county office's recovery key: an `age` X25519 identity (`AGE-SECRET-KEY-1…`) kept
//! by the office, whose public recipient (`age1…`) is written into every survey of the
//! county. A survey's data key sealed to it lets the office reopen the survey when every
//! passphrase is lost, with the office's secret key and nothing else.

use std::str::FromStr;

use age::secrecy::ExposeSecret;
use zeroize::Zeroizing;

use crate::{CryptoError, Result};

/// The office's public key (an `age1…` recipient).
#[derive(Clone)]
pub struct OfficeRecipient(age::x25519::Recipient);

impl OfficeRecipient {
    /// Parses `age1…` (surrounding white space allowed).
    pub fn parse(text: &str) -> Result<Self> {
        age::x25519::Recipient::from_str(text.trim())
            .map(Self)
            .map_err(|e| CryptoError::Age(format!("not an age X25519 recipient (age1…): {e}")))
    }
}

impl std::fmt::Display for OfficeRecipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Debug for OfficeRecipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OfficeRecipient({})", self.0)
    }
}

/// The office's secret key. `Debug` never prints it.
pub struct OfficeIdentity(age::x25519::Identity);

impl OfficeIdentity {
    /// A new key pair.
    pub fn generate() -> Self {
        Self(age::x25519::Identity::generate())
    }

    /// Parses an identity file as `age-keygen` writes it: `#` comment lines and one
    /// `AGE-SECRET-KEY-1…` line.
    pub fn parse(text: &str) -> Result<Self> {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .ok_or_else(|| CryptoError::Age("the office key file holds no key".into()))?;
        age::x25519::Identity::from_str(line)
            .map(Self)
            .map_err(|e| {
                CryptoError::Age(format!("not an age secret key (AGE-SECRET-KEY-1…): {e}"))
            })
    }

    /// The identity file's text (comment lines with the public key, then the key), to be
    /// written owner-only.
    pub fn to_file_text(&self, created: &str) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "# created: {created}\n# public key: {}\n{}\n",
            self.0.to_public(),
            self.0.to_string().expose_secret()
        ))
    }

    /// The public recipient.
    pub fn recipient(&self) -> OfficeRecipient {
        OfficeRecipient(self.0.to_public())
    }
}

impl std::fmt::Debug for OfficeIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OfficeIdentity(***)")
    }
}

/// Seals `plaintext` to the office (an age file, binary form).
pub fn seal_to(recipient: &OfficeRecipient, plaintext: &[u8]) -> Result<Vec<u8>> {
    age::encrypt(&recipient.0, plaintext).map_err(|e| CryptoError::Age(e.to_string()))
}

/// Opens what [`seal_to`] sealed. `sealed` must already be capped by the caller; nothing
/// of the plaintext is returned unless the whole file authenticated.
pub fn open_with(identity: &OfficeIdentity, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    age::decrypt(&identity.0, sealed)
        .map(Zeroizing::new)
        .map_err(|e| CryptoError::Age(format!("the office key does not open it: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_key_round_trip_and_wrong_key() {
        let office = OfficeIdentity::generate();
        let text = office.to_file_text("2026-12-04");
        let again = OfficeIdentity::parse(&text).unwrap();
        let r = OfficeRecipient::parse(&again.recipient().to_string()).unwrap();
        let sealed = seal_to(&r, b"data key").unwrap();
        assert_eq!(&open_with(&office, &sealed).unwrap()[..], b"data key");
        assert!(open_with(&OfficeIdentity::generate(), &sealed).is_err());
        let mut bad = sealed.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert!(open_with(&office, &bad).is_err());
        assert!(OfficeRecipient::parse("age1nonsense").is_err());
        assert!(OfficeIdentity::parse("# only a comment\n").is_err());
        assert_eq!(format!("{office:?}"), "OfficeIdentity(***)");
    }
}
