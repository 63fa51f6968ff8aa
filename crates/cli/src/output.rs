//! Reading and writing the files commands take: PEM keys, password files, raw bytes.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use der::{Decode, Encode};
use podpis_gost::VerifyingKey;
use podpis_keys::pkcs11::{TokenKey, TokenUri};
use podpis_keys::{Signer, SoftwareKey};
use spki::SubjectPublicKeyInfoOwned;
use zeroize::Zeroizing;

/// Reads a file, naming it in the error.
pub fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Reads a file in 64 KiB pieces, handing each to `f`: any size in constant memory.
pub fn read_in_pieces(path: &Path, mut f: impl FnMut(&[u8])) -> anyhow::Result<()> {
    use std::io::Read;
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            return Ok(());
        }
        f(&buf[..n]);
    }
}

/// The files of folder `dir` that `keep` accepts, sorted by name.
pub fn files_in(dir: &Path, keep: impl Fn(&Path) -> bool) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| keep(p))
        .collect();
    files.sort();
    Ok(files)
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

/// The PKCS#11 module used when none is named: SoftHSM2 as Debian installs it.
pub const DEFAULT_PKCS11_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

/// A private key on the command line: a file, or a key on a PKCS#11 token; and the password
/// (or the token's PIN) file.
#[derive(Args)]
pub struct PrivateKeyArgs {
    /// The private key: a PKCS#8 file (PEM or DER, plain or encrypted), a PKCS#12 file, or a
    /// token key `pkcs11:token=LABEL;object=KEY`.
    #[arg(long)]
    pub key: PathBuf,
    /// A file whose first line is the key's password (for a token key: its PIN).
    #[arg(long)]
    pub password_file: Option<PathBuf>,
    /// The PKCS#11 module for token keys.
    #[arg(long, env = "PODPIS_PKCS11_MODULE", default_value = DEFAULT_PKCS11_MODULE)]
    pub module: PathBuf,
}

impl PrivateKeyArgs {
    /// Loads a key file, decrypting it with the password file if one is given.
    pub fn load(&self) -> anyhow::Result<SoftwareKey> {
        if self.token_uri().is_some() {
            anyhow::bail!("this command needs a key file, not a token key");
        }
        read_signing_key(&self.key, self.password_file.as_deref())
    }

    /// Loads the key wherever it lives: a file, or a token (logging in with the PIN file once).
    pub fn signer(&self) -> anyhow::Result<Box<dyn Signer>> {
        let Some(uri) = self.token_uri() else {
            return Ok(Box::new(self.load()?));
        };
        let uri: TokenUri = uri.parse()?;
        let pin_file = self
            .password_file
            .as_deref()
            .context("a token key needs --password-file with its PIN")?;
        let pin = read_password(pin_file)?;
        Ok(Box::new(TokenKey::open(&self.module, &uri, &pin)?))
    }

    fn token_uri(&self) -> Option<&str> {
        self.key.to_str().filter(|s| s.starts_with("pkcs11:"))
    }
}

/// Reads a private key: PKCS#8 (PEM or DER, plain or encrypted) or PKCS#12.
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
