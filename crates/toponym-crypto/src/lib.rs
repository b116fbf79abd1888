//! Cryptography for Toponym, behind small traits so that a 国密 option (SM2 signatures,
//! SM4 key wrapping) can be added beside the defaults without touching the callers:
//!
//! * [`sign`]: signature schemes by algorithm name ([`sign::Ed25519`] through
//!   `ed25519-dalek`, verified strictly), key fingerprints and framed messages;
//! * [`wrap`]: authenticated key wrapping under a key-encryption key
//!   ([`wrap::XChaCha20Poly1305`] through RustCrypto's AEAD);
//! * [`recovery`]: sealing a key to the county office's public key with the `age`
//!   format (X25519 recipients), so the office can reopen a survey whose passphrase is
//!   lost with its secret key and nothing else.
//!
//! Nothing here is a hand-made construction: every primitive and format is a maintained
//! crate's. The crate does no IO; callers read files with caps and pass bytes.

pub mod recovery;
pub mod sign;
pub mod wrap;

use zeroize::Zeroizing;

/// What went wrong, without secrets in the text.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The operating system gave no randomness.
    #[error("no randomness from the operating system: {0}")]
    Random(String),
    /// An algorithm name this build does not know.
    #[error("unknown {kind} algorithm {name:?} (this build knows: {known})")]
    UnknownAlgorithm {
        /// `signature` or `key wrap`.
        kind: &'static str,
        /// The name found.
        name: String,
        /// The names known.
        known: &'static str,
    },
    /// A key of the wrong length or shape.
    #[error("malformed {0}")]
    Malformed(&'static str),
    /// Unwrapping failed: wrong key, or the wrapped bytes or their context were altered.
    #[error("the key does not open it, or it was altered")]
    Unwrap,
    /// The `age` layer refused (wrong office key, not an age file, altered file).
    #[error("{0}")]
    Age(String),
}

/// Result with [`CryptoError`].
pub type Result<T> = std::result::Result<T, CryptoError>;

/// A fresh random 32-byte key (a survey's data key, a member key), wiped when dropped.
pub fn random_key() -> Result<Zeroizing<[u8; 32]>> {
    let mut k = Zeroizing::new([0u8; 32]);
    getrandom::fill(k.as_mut()).map_err(|e| CryptoError::Random(e.to_string()))?;
    Ok(k)
}

/// Fresh random bytes (salts, nonces).
pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| CryptoError::Random(e.to_string()))?;
    Ok(b)
}

/// Length-prefixed framing of a domain label and parts, so that no two different
/// messages (or AEAD contexts) share an encoding: what is signed or bound is always
/// `frame(domain, parts)`.
pub fn frame(domain: &str, parts: &[&[u8]]) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(domain.len() + 8 + parts.iter().map(|p| p.len() + 8).sum::<usize>());
    out.extend_from_slice(&(domain.len() as u64).to_le_bytes());
    out.extend_from_slice(domain.as_bytes());
    for p in parts {
        out.extend_from_slice(&(p.len() as u64).to_le_bytes());
        out.extend_from_slice(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_of_different_splits_differ() {
        assert_ne!(frame("d", &[b"ab", b"c"]), frame("d", &[b"a", b"bc"]));
        assert_ne!(frame("d", &[b"a"]), frame("e", &[b"a"]));
        assert_eq!(frame("d", &[b"a"]), frame("d", &[b"a"]));
    }

    #[test]
    fn random_keys_differ() {
        assert_ne!(*random_key().unwrap(), *random_key().unwrap());
    }
}
