//! A certification centre kept in a directory: its certificate and chain, its private key
//! encrypted under a password, and its state (issued certificates, revocations, CRL number) in
//! one JSON file. Every command holds an exclusive lock on the directory from reading the state
//! to writing it back, and the state is replaced atomically, so two commands run at once lose
//! no update and a crash leaves the old state or the new one, never half of either.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use podpis_keys::Signer;
use podpis_keys::pkcs11::{TokenKey, TokenUri};
use podpis_pki::Certificate;
use podpis_pki::crl::Reason;
use podpis_pki::issue::normalize_serial;
use podpis_pki::qualified::IssuerSignTool;
use serde::{Deserialize, Serialize};

use crate::output;

const STATE: &str = "state.json";
const KEY: &str = "ca.key";
const CERT: &str = "ca.pem";
const CHAIN: &str = "chain.pem";
const ISSUED: &str = "issued";
const LOCK: &str = ".lock";

/// What this CA writes into the certificates and CRLs it issues.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Settings {
    /// Where its CRL is published (the CRL distribution point of issued certificates).
    pub crl_url: Option<String>,
    /// Its OCSP responder.
    pub ocsp_url: Option<String>,
    /// Where its own certificate can be fetched.
    pub ca_issuers_url: Option<String>,
    /// The subjectSignTool written into issued certificates.
    pub sign_tool: String,
    /// The issuerSignTool written into issued owners' certificates (absent in directories made
    /// before Podpis wrote it).
    #[serde(default)]
    pub issuer_sign_tool: Option<IssuerSignTool>,
    /// Where the CA's key lives when it is on a PKCS#11 token rather than in `ca.key`.
    #[serde(default)]
    pub token: Option<TokenKeyPlace>,
}

/// A CA key on a PKCS#11 token: the module and the key's `pkcs11:` URI.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TokenKeyPlace {
    /// The PKCS#11 module (shared library).
    pub module: PathBuf,
    /// `pkcs11:token=LABEL;object=KEY`.
    pub uri: String,
}

/// A certificate this CA issued.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Issued {
    /// Serial number, upper-case hex of the DER content octets.
    pub serial: String,
    /// The subject's common name.
    pub subject: String,
    /// The profile it was issued to.
    pub profile: String,
    /// End of validity, seconds since 1970.
    pub not_after: u64,
    /// Set once it is revoked.
    pub revoked: Option<Revoked>,
}

/// A revocation.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Revoked {
    /// When, seconds since 1970.
    pub time: u64,
    /// Why.
    pub reason: Reason,
}

/// The CA's mutable state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct State {
    /// What goes into issued certificates.
    pub settings: Settings,
    /// The number of the last CRL published (0: none yet).
    pub crl_number: u64,
    /// Every certificate issued, oldest first.
    pub issued: Vec<Issued>,
}

impl State {
    /// The issued certificate with this serial number (hex, any case, colons and leading
    /// zeros allowed).
    pub fn find_mut(&mut self, serial: &str) -> Option<&mut Issued> {
        let wanted = normalize_serial(serial);
        self.issued
            .iter_mut()
            .find(|i| normalize_serial(&i.serial) == wanted)
    }
}

/// A CA directory, locked for as long as this value lives.
pub struct CaDir {
    path: PathBuf,
    _lock: File,
}

impl CaDir {
    /// Makes a new CA directory (it may exist only if empty) and locks it.
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        if path.exists() {
            let mut entries = std::fs::read_dir(path)
                .with_context(|| format!("{} is not a directory", path.display()))?;
            if entries.next().is_some() {
                bail!("{} exists and is not empty", path.display());
            }
        }
        std::fs::create_dir_all(path.join(ISSUED))
            .with_context(|| format!("cannot create {}", path.display()))?;
        Self::lock(path)
    }

    /// Opens and locks an existing CA directory, waiting for another command holding it.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        if !path.join(STATE).is_file() {
            bail!(
                "{} is not a Podpis CA directory (no {STATE}; make one with `podpis ca init`)",
                path.display()
            );
        }
        Self::lock(path)
    }

    fn lock(path: &Path) -> anyhow::Result<Self> {
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path.join(LOCK))
            .with_context(|| format!("cannot open the lock file in {}", path.display()))?;
        file.lock()
            .with_context(|| format!("cannot lock {}", path.display()))?;
        Ok(Self {
            path: path.to_path_buf(),
            _lock: file,
        })
    }

    /// Reads the state.
    pub fn state(&self) -> anyhow::Result<State> {
        let bytes = output::read(&self.path.join(STATE))?;
        serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is damaged", self.path.join(STATE).display()))
    }

    /// Replaces the state: written to a temporary file, flushed, then renamed over the old one.
    pub fn save(&self, state: &State) -> anyhow::Result<()> {
        let tmp = self.path.join(format!("{STATE}.tmp"));
        let mut file =
            File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        file.write_all(&serde_json::to_vec_pretty(state)?)?;
        file.sync_all()?;
        std::fs::rename(&tmp, self.path.join(STATE))
            .with_context(|| format!("cannot replace {}", self.path.join(STATE).display()))
    }

    /// Stores the CA's encrypted private key (once: an existing key is never overwritten).
    pub fn store_key(&self, pem: &str) -> anyhow::Result<()> {
        let path = self.path.join(KEY);
        output::write_new(&path, pem.as_bytes())?;
        restrict_to_owner(&path)
    }

    /// Stores the CA certificate and the chain up to its root (the certificate first).
    pub fn store_certificate(
        &self,
        cert: &Certificate,
        parents: &[Certificate],
    ) -> anyhow::Result<()> {
        output::write(&self.path.join(CERT), cert.to_pem().as_bytes())?;
        let chain: String = std::iter::once(cert)
            .chain(parents)
            .map(Certificate::to_pem)
            .collect();
        output::write(&self.path.join(CHAIN), chain.as_bytes())
    }

    /// Stores a certificate the CA issued, under its serial number.
    pub fn store_issued(&self, cert: &Certificate) -> anyhow::Result<()> {
        let path = self
            .path
            .join(ISSUED)
            .join(format!("{}.pem", cert.serial_hex()));
        output::write_new(&path, cert.to_pem().as_bytes())
    }

    /// The CA's private key: `ca.key` decrypted with the password in `password_file`, or the
    /// token key, logged in to with the PIN in `password_file`.
    pub fn key(&self, password_file: &Path) -> anyhow::Result<Box<dyn Signer>> {
        match self.state()?.settings.token {
            Some(place) => open_token_key(&place, password_file),
            None => Ok(Box::new(output::read_signing_key(
                &self.path.join(KEY),
                Some(password_file),
            )?)),
        }
    }

    /// The CA certificate.
    pub fn certificate(&self) -> anyhow::Result<Certificate> {
        let path = self.path.join(CERT);
        Certificate::load_all(&output::read(&path)?)?
            .into_iter()
            .next()
            .with_context(|| format!("{} holds no certificate", path.display()))
    }

    /// The CA certificate and those above it, up to the root.
    pub fn chain(&self) -> anyhow::Result<Vec<Certificate>> {
        Ok(Certificate::load_all(&output::read(
            &self.path.join(CHAIN),
        )?)?)
    }
}

/// Opens a CA key on a token with the PIN in `pin_file`.
pub fn open_token_key(place: &TokenKeyPlace, pin_file: &Path) -> anyhow::Result<Box<dyn Signer>> {
    let uri: TokenUri = place.uri.parse()?;
    let pin = output::read_password(pin_file)?;
    let key = TokenKey::open(&place.module, &uri, &pin)
        .with_context(|| format!("the CA key {}", place.uri))?;
    Ok(Box::new(key))
}

#[cfg(unix)]
fn restrict_to_owner(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot restrict {}", path.display()))
}

#[cfg(not(unix))]
fn restrict_to_owner(_path: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// Seconds since 1970.
pub fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
