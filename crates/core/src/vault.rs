//! The key vault: private keys the portal holds (hosted centres' CA and OCSP keys; later the
//! citizens' cloud keys) are kept in the database sealed with AES-256-GCM under a key-encryption
//! key that never enters the database. The server reads the KEK from a file of its own (see
//! `podpis serve --vault-key-file`); every node of one portal needs the same file.
//!
//! A sealed key is `v1:` + base64(nonce ‖ ciphertext ‖ tag) over the key's PKCS#8 DER; the
//! associated data is a label naming what the key is for (`centre:<id>:ca`), so a sealed key
//! copied into another row does not open.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use podpis_keys::SoftwareKey;
use zeroize::Zeroizing;

use crate::{Error, Result};

const PREFIX: &str = "v1:";
const NONCE: usize = 12;

/// The key-encryption key, held in memory only.
#[derive(Clone)]
pub struct Vault {
    cipher: Aes256Gcm,
}

impl core::fmt::Debug for Vault {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Vault(..)")
    }
}

impl Vault {
    /// A vault under the 32-byte key `kek`.
    pub fn new(kek: &[u8; 32]) -> Self {
        Self {
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(*kek)),
        }
    }

    /// A vault under a KEK written as 64 hex digits (surrounding white space ignored), as in a
    /// KEK file.
    pub fn from_hex(text: &str) -> Result<Self> {
        let mut kek = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), kek.as_mut()).map_err(|_| {
            Error::Internal("the vault key must be 64 hexadecimal digits (32 bytes)".into())
        })?;
        Ok(Self::new(&kek))
    }

    /// A fresh random KEK as 64 hex digits, for a new KEK file.
    pub fn generate_hex() -> Zeroizing<String> {
        let mut kek = Zeroizing::new([0u8; 32]);
        getrandom::fill(kek.as_mut()).expect("the operating system's random source");
        Zeroizing::new(hex::encode(kek.as_ref()))
    }

    /// Seals `key` for `label`.
    pub fn seal(&self, label: &str, key: &SoftwareKey) -> Result<String> {
        let plain = key
            .to_pkcs8_der()
            .map_err(|e| Error::Internal(format!("encoding a key: {e}")))?;
        self.seal_bytes(label, &plain)
    }

    /// Seals `plain` for `label`.
    pub fn seal_bytes(&self, label: &str, plain: &[u8]) -> Result<String> {
        let mut nonce = [0u8; NONCE];
        getrandom::fill(&mut nonce).expect("the operating system's random source");
        let sealed = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plain,
                    aad: label.as_bytes(),
                },
            )
            .map_err(|_| Error::Internal("sealing a key failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", STANDARD.encode(out)))
    }

    /// Opens a key sealed for `label`. A wrong KEK, a damaged value or another label is an
    /// error that says so.
    pub fn open(&self, label: &str, sealed: &str) -> Result<SoftwareKey> {
        let plain = self.open_bytes(label, sealed)?;
        SoftwareKey::from_pkcs8_der(&plain)
            .map_err(|e| Error::Internal(format!("the sealed key {label}: {e}")))
    }

    /// Opens bytes sealed for `label`, with the errors of [`Vault::open`].
    pub fn open_bytes(&self, label: &str, sealed: &str) -> Result<Zeroizing<Vec<u8>>> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|b| b.len() > NONCE)
            .ok_or_else(|| Error::Internal(format!("the sealed key {label} is damaged")))?;
        let (nonce, body) = bytes.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().expect("split at the nonce's length");
        Ok(Zeroizing::new(
            self.cipher
                .decrypt(
                    &Nonce::from(nonce),
                    Payload {
                        msg: body,
                        aad: label.as_bytes(),
                    },
                )
                .map_err(|_| {
                    Error::Internal(format!(
                        "the sealed key {label} does not open with this vault key \
                         (another portal's key file, or the value was changed)"
                    ))
                })?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use podpis_keys::{KeySpec, Signer};

    use super::*;

    fn key() -> SoftwareKey {
        SoftwareKey::generate("gost2012-256".parse::<KeySpec>().unwrap()).unwrap()
    }

    #[test]
    fn a_sealed_key_opens_to_the_same_key() {
        let vault = Vault::from_hex(&Vault::generate_hex()).unwrap();
        let key = key();
        let sealed = vault.seal("centre:a:ca", &key).unwrap();
        assert!(sealed.starts_with("v1:"));
        let opened = vault.open("centre:a:ca", &sealed).unwrap();
        assert_eq!(opened.public_key().unwrap(), key.public_key().unwrap());
    }

    #[test]
    fn another_label_another_kek_or_a_changed_byte_is_refused() {
        let vault = Vault::new(&[7; 32]);
        let sealed = vault.seal("centre:a:ca", &key()).unwrap();
        let err = vault.open("centre:b:ca", &sealed).unwrap_err();
        assert!(err.to_string().contains("does not open"), "{err}");
        assert!(Vault::new(&[8; 32]).open("centre:a:ca", &sealed).is_err());
        let mut bytes = STANDARD.decode(&sealed[3..]).unwrap();
        bytes[20] ^= 1;
        let changed = format!("v1:{}", STANDARD.encode(bytes));
        assert!(vault.open("centre:a:ca", &changed).is_err());
        assert!(
            vault
                .open("centre:a:ca", "v1:!!")
                .unwrap_err()
                .to_string()
                .contains("damaged")
        );
    }

    #[test]
    fn a_kek_must_be_64_hex_digits() {
        assert!(Vault::from_hex("abcd").is_err());
        assert!(Vault::from_hex(&format!(" {}\n", "0f".repeat(32))).is_ok());
    }
}
