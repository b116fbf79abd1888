//! Authenticated key wrapping: a key (or a few keys) sealed under a key-encryption key
//! with an AEAD, bound to a context (the associated data) so that a sealed key cannot be
//! moved to another slot or member. The sealed form is `nonce ‖ ciphertext ‖ tag`.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use zeroize::Zeroizing;

use crate::{CryptoError, Result};

/// An AEAD key wrap.
pub trait KeyWrap: Send + Sync {
    /// The name stored with what it sealed.
    fn algorithm(&self) -> &'static str;
    /// Seals `plaintext` under `kek`, bound to `aad`.
    fn seal(&self, kek: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>>;
    /// Opens what [`KeyWrap::seal`] sealed; any change of key, context or bytes fails.
    fn open(&self, kek: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>>;
}

/// XChaCha20-Poly1305 (192-bit random nonces, so random nonces never collide in
/// practice), through RustCrypto's `chacha20poly1305`.
#[derive(Debug, Clone, Copy)]
pub struct XChaCha20Poly1305;

const NONCE: usize = 24;

impl KeyWrap for XChaCha20Poly1305 {
    fn algorithm(&self) -> &'static str {
        "xchacha20poly1305"
    }

    fn seal(&self, kek: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        let cipher = chacha20poly1305::XChaCha20Poly1305::new(kek.into());
        let nonce: [u8; NONCE] = crate::random_bytes()?;
        let ct = cipher
            .encrypt(
                &nonce.into(),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .map_err(|_| CryptoError::Malformed("plaintext for the key wrap"))?;
        let mut out = Vec::with_capacity(NONCE + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    fn open(&self, kek: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        if sealed.len() < NONCE + 16 {
            return Err(CryptoError::Unwrap);
        }
        let (nonce, ct) = sealed.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().map_err(|_| CryptoError::Unwrap)?;
        let cipher = chacha20poly1305::XChaCha20Poly1305::new(kek.into());
        cipher
            .decrypt(&nonce.into(), Payload { msg: ct, aad })
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Unwrap)
    }
}

/// The scheme called `algorithm`.
pub fn wrap_scheme(algorithm: &str) -> Result<&'static dyn KeyWrap> {
    match algorithm {
        "xchacha20poly1305" => Ok(&XChaCha20Poly1305),
        other => Err(CryptoError::UnknownAlgorithm {
            kind: "key wrap",
            name: other.to_owned(),
            known: "xchacha20poly1305",
        }),
    }
}

/// The wrap of new slots.
pub fn default_wrap() -> &'static dyn KeyWrap {
    &XChaCha20Poly1305
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_only_with_the_same_key_and_context() {
        let w = XChaCha20Poly1305;
        let kek = [7u8; 32];
        let sealed = w.seal(&kek, b"slot a", b"data key").unwrap();
        assert_eq!(&w.open(&kek, b"slot a", &sealed).unwrap()[..], b"data key");
        assert!(w.open(&[8u8; 32], b"slot a", &sealed).is_err());
        assert!(w.open(&kek, b"slot b", &sealed).is_err());
        let mut bad = sealed.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert!(w.open(&kek, b"slot a", &bad).is_err());
        assert!(w.open(&kek, b"slot a", &sealed[..20]).is_err());
        assert_ne!(sealed, w.seal(&kek, b"slot a", b"data key").unwrap());
    }
}
