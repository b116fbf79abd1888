//! Signature schemes by algorithm name. Ed25519 now; SM2 (with SM3) can be added as one
//! more [`SignatureScheme`] without changing a caller, since every stored key and
//! signature carries its algorithm name.

use ed25519_dalek::Signer as _;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{CryptoError, Result};

/// A secret signing key's bytes, wiped when dropped; `Debug` never prints them.
pub struct SecretKey(Zeroizing<Vec<u8>>);

impl SecretKey {
    /// Wraps secret bytes (as unwrapped from storage).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The bytes, for wrapping before storage only.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

/// A new key pair.
#[derive(Debug)]
pub struct KeyPair {
    /// The scheme's name, e.g. `ed25519`.
    pub algorithm: &'static str,
    /// The public key's bytes.
    pub public: Vec<u8>,
    /// The secret key.
    pub secret: SecretKey,
}

/// A signature scheme.
pub trait SignatureScheme: Send + Sync {
    /// The name stored with keys and signatures.
    fn algorithm(&self) -> &'static str;
    /// A new key pair from the operating system's randomness.
    fn generate(&self) -> Result<KeyPair>;
    /// The public key of a secret key (to check a stored pair belongs together).
    fn public_of(&self, secret: &SecretKey) -> Result<Vec<u8>>;
    /// Signs `message`.
    fn sign(&self, secret: &SecretKey, message: &[u8]) -> Result<Vec<u8>>;
    /// Whether `signature` is a valid signature of `message` by `public`. Malformed keys
    /// or signatures are simply invalid.
    fn verify(&self, public: &[u8], message: &[u8], signature: &[u8]) -> bool;
}

/// Ed25519 (RFC 8032) through `ed25519-dalek`, verified with `verify_strict` (no weak
/// keys, no malleable signatures).
#[derive(Debug, Clone, Copy)]
pub struct Ed25519;

fn ed_secret(secret: &SecretKey) -> Result<ed25519_dalek::SigningKey> {
    let bytes: [u8; 32] = secret
        .0
        .as_slice()
        .try_into()
        .map_err(|_| CryptoError::Malformed("Ed25519 secret key (32 bytes expected)"))?;
    Ok(ed25519_dalek::SigningKey::from_bytes(&bytes))
}

impl SignatureScheme for Ed25519 {
    fn algorithm(&self) -> &'static str {
        "ed25519"
    }

    fn generate(&self) -> Result<KeyPair> {
        let seed = crate::random_key()?;
        let sk = ed25519_dalek::SigningKey::from_bytes(&seed);
        Ok(KeyPair {
            algorithm: self.algorithm(),
            public: sk.verifying_key().to_bytes().to_vec(),
            secret: SecretKey::from_bytes(seed.to_vec()),
        })
    }

    fn public_of(&self, secret: &SecretKey) -> Result<Vec<u8>> {
        Ok(ed_secret(secret)?.verifying_key().to_bytes().to_vec())
    }

    fn sign(&self, secret: &SecretKey, message: &[u8]) -> Result<Vec<u8>> {
        Ok(ed_secret(secret)?.sign(message).to_bytes().to_vec())
    }

    fn verify(&self, public: &[u8], message: &[u8], signature: &[u8]) -> bool {
        let Ok(pk) = <[u8; 32]>::try_from(public) else {
            return false;
        };
        let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(&pk) else {
            return false;
        };
        let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
            return false;
        };
        vk.verify_strict(message, &sig).is_ok()
    }
}

/// The names of the schemes this build knows.
pub const KNOWN: &str = "ed25519";

/// The scheme called `algorithm`.
pub fn scheme(algorithm: &str) -> Result<&'static dyn SignatureScheme> {
    match algorithm {
        "ed25519" => Ok(&Ed25519),
        other => Err(CryptoError::UnknownAlgorithm {
            kind: "signature",
            name: other.to_owned(),
            known: KNOWN,
        }),
    }
}

/// The scheme of new keys.
pub fn default_scheme() -> &'static dyn SignatureScheme {
    &Ed25519
}

/// A public key's fingerprint, as the county office registers it: the algorithm, a
/// colon and the first 16 bytes of SHA-256 over the algorithm name and the key, in eight
/// groups of four hex digits (`ed25519:3f2a-…`).
pub fn fingerprint(algorithm: &str, public: &[u8]) -> String {
    let digest = Sha256::digest(crate::frame(
        "toponym/key-fingerprint/v1",
        &[algorithm.as_bytes(), public],
    ));
    let hex = hex::encode(&digest[..16]);
    let groups: Vec<&str> = (0..8).map(|i| &hex[i * 4..i * 4 + 4]).collect();
    format!("{algorithm}:{}", groups.join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ed25519_signs_and_verifies_and_refuses_changes() {
        let s = scheme("ed25519").unwrap();
        let kp = s.generate().unwrap();
        let sig = s.sign(&kp.secret, b"record 1").unwrap();
        assert!(s.verify(&kp.public, b"record 1", &sig));
        assert!(!s.verify(&kp.public, b"record 2", &sig));
        let mut bad = sig.clone();
        bad[10] ^= 1;
        assert!(!s.verify(&kp.public, b"record 1", &bad));
        let other = s.generate().unwrap();
        assert!(!s.verify(&other.public, b"record 1", &sig));
        assert!(!s.verify(&kp.public[..31], b"record 1", &sig));
        assert!(!s.verify(&kp.public, b"record 1", &sig[..63]));
        assert_eq!(s.public_of(&kp.secret).unwrap(), kp.public);
    }

    #[test]
    fn fingerprints_name_algorithm_and_key() {
        let kp = Ed25519.generate().unwrap();
        let f = fingerprint("ed25519", &kp.public);
        assert!(f.starts_with("ed25519:"));
        assert_eq!(f.len(), "ed25519:".len() + 8 * 4 + 7);
        assert_ne!(f, fingerprint("sm2", &kp.public));
        assert_ne!(
            f,
            fingerprint("ed25519", &Ed25519.generate().unwrap().public)
        );
    }

    #[test]
    fn unknown_algorithms_are_named() {
        let e = scheme("rsa").err().unwrap().to_string();
        assert!(e.contains("rsa") && e.contains("ed25519"), "{e}");
    }

    #[test]
    fn debug_hides_secrets() {
        let kp = Ed25519.generate().unwrap();
        assert_eq!(format!("{:?}", kp.secret), "SecretKey(***)");
    }
}
