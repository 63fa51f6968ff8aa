//! Reading and writing the files commands take: PEM keys, password files, raw bytes.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use der::{Decode, Encode};
use podpis_gost::VerifyingKey;
use podpis_keys::{Signer, SoftwareKey};
use spki::SubjectPublicKeyInfoOwned;
use zeroize::Zeroizing;

/// Reads a file, naming it in the error.
pub fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes a file, naming it in the error.
pub fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes a new file that must not exist yet (keys are never overwritten).
pub fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Reads a password: the first line of the file, without its line ending (as OpenSSL's
/// `-pass file:F`).
pub fn read_password(path: &Path) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    let bytes = Zeroizing::new(read(path)?);
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        anyhow::bail!("{}: the password file is empty", path.display());
    }
    Ok(Zeroizing::new(line.to_vec()))
}

/// A private key on the command line: the file and, if it is encrypted, the password file.
#[derive(Args)]
pub struct PrivateKeyArgs {
    /// The private key (PKCS#8, PEM or DER, plain or encrypted).
    #[arg(long)]
    pub key: PathBuf,
    /// A file whose first line is the key's password.
    #[arg(long)]
    pub password_file: Option<PathBuf>,
}

impl PrivateKeyArgs {
    /// Loads the key, decrypting it with the password file if one is given.
    pub fn load(&self) -> anyhow::Result<SoftwareKey> {
        read_signing_key(&self.key, self.password_file.as_deref())
    }
}

/// Reads a private key: PKCS#8, PEM or DER, plain or encrypted.
pub fn read_signing_key(path: &Path, password_file: Option<&Path>) -> anyhow::Result<SoftwareKey> {
    let bytes = Zeroizing::new(read(path)?);
    let password = password_file.map(read_password).transpose()?;
    podpis_keys::file::load(&bytes, password.as_ref().map(|p| p.as_slice()))
        .with_context(|| format!("{}", path.display()))
}

/// Reads a public key: SubjectPublicKeyInfo (PEM or DER), or the public half of a private key.
pub fn read_public_key(path: &Path) -> anyhow::Result<SubjectPublicKeyInfoOwned> {
    let bytes = read(path)?;
    let text = std::str::from_utf8(&bytes).unwrap_or_default();
    if text.contains("PRIVATE KEY-----") {
        return Ok(read_signing_key(path, None)?.public_key()?);
    }
    let der = if text.contains("-----BEGIN PUBLIC KEY-----") {
        der::pem::decode_vec(text.trim().as_bytes())
            .map(|(_, der)| der)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
    } else {
        bytes
    };
    SubjectPublicKeyInfoOwned::from_der(&der)
        .with_context(|| format!("{}: not a public or private key", path.display()))
}

/// Reads a GOST public key (see [`read_public_key`]).
pub fn read_verifying_key(path: &Path) -> anyhow::Result<VerifyingKey> {
    let der = read_public_key(path)?.to_der()?;
    VerifyingKey::from_spki_der(&der)
        .with_context(|| format!("{}: not a GOST public key", path.display()))
}
