//! Reading and writing the files commands take: PEM keys, raw bytes.

use std::path::Path;

use anyhow::Context;
use pkcs8::DecodePrivateKey;
use podpis_gost::{SigningKey, VerifyingKey};
use spki::DecodePublicKey;

/// Reads a file, naming it in the error.
pub fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes a file, naming it in the error.
pub fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Reads a private key: PKCS#8, PEM or DER.
pub fn read_signing_key(path: &Path) -> anyhow::Result<SigningKey> {
    let bytes = read(path)?;
    let key = match std::str::from_utf8(&bytes) {
        Ok(text) if text.contains("-----BEGIN") => SigningKey::from_pkcs8_pem(text)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| {
                format!(
                    "{} is not an unencrypted GOST PKCS#8 private key",
                    path.display()
                )
            })?,
        _ => SigningKey::from_pkcs8_der_bytes(&bytes)
            .with_context(|| format!("{}", path.display()))?,
    };
    Ok(key)
}

/// Reads a public key: SubjectPublicKeyInfo (PEM or DER), or the public half of a private key.
pub fn read_verifying_key(path: &Path) -> anyhow::Result<VerifyingKey> {
    let bytes = read(path)?;
    if let Ok(text) = std::str::from_utf8(&bytes) {
        if text.contains("-----BEGIN PUBLIC KEY-----") {
            return VerifyingKey::from_public_key_pem(text)
                .map_err(|e| anyhow::anyhow!("{}: not a GOST public key: {e}", path.display()));
        }
        if text.contains("PRIVATE KEY-----") {
            return Ok(read_signing_key(path)?.verifying_key().clone());
        }
    }
    VerifyingKey::from_spki_der(&bytes)
        .with_context(|| format!("{}: not a GOST public key", path.display()))
}
