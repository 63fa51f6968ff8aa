//! `podpis key …`: generate keys and show them.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use der::Encode;
use pkcs8::LineEnding;
use podpis_keys::pkcs11::{TokenKey, TokenUri};
use podpis_keys::{KeySpec, Signer, SoftwareKey};
use podpis_pki::PublicKey;
use serde::Serialize;

use crate::Outcome;
use crate::output;

/// Key commands.
#[derive(Subcommand)]
pub enum KeyCommand {
    /// Generate a private key (PKCS#8 PEM, readable by OpenSSL; GOST keys with its gost engine).
    Generate(GenerateArgs),
    /// Write the public key (SubjectPublicKeyInfo PEM) of a private key.
    Public(PublicArgs),
    /// Describe a private or public key.
    Show(ShowArgs),
}

#[derive(Args)]
pub struct GenerateArgs {
    /// gost2012-256[:PARAMSET], gost2012-512[:PARAMSET], gost2001[:PARAMSET] (default sets:
    /// cryptopro-a, tc26-512-a, cryptopro-a), ecdsa-p256, ed25519, rsa-2048, rsa-3072 or rsa-4096.
    #[arg(long, default_value = "gost2012-256")]
    alg: KeySpec,
    /// Where to write the key: a file, or a token `pkcs11:token=LABEL;object=KEY` (ECDSA P-256
    /// and RSA; the private key never leaves the token).
    #[arg(long)]
    out: PathBuf,
    /// Encrypt the key under the password on the first line of this file (PBES2: PBKDF2-SHA-256,
    /// AES-256-CBC); for a token, the file holds its PIN. Without it a key file is written
    /// unencrypted.
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// The PKCS#11 module, for a token.
    #[arg(long, env = "PODPIS_PKCS11_MODULE", default_value = output::DEFAULT_PKCS11_MODULE)]
    module: PathBuf,
}

#[derive(Args)]
pub struct PublicArgs {
    #[command(flatten)]
    key: output::PrivateKeyArgs,
    /// Where to write the public key.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct ShowArgs {
    /// A private key (PKCS#8, unencrypted) or public key (SubjectPublicKeyInfo), PEM or DER.
    key: PathBuf,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

/// What `key show` prints.
#[derive(Serialize)]
struct KeyInfo {
    algorithm: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    param_set: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    param_set_oid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_key_x: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_key_y: Option<String>,
    /// The subjectPublicKey bits (for GOST keys the x and y above say it better).
    public_key: String,
}

impl KeyInfo {
    fn of(spki: &spki::SubjectPublicKeyInfoOwned) -> anyhow::Result<Self> {
        let key = PublicKey::from_spki(spki)?;
        let gost = match &key {
            PublicKey::Gost(key) => Some(key),
            _ => None,
        };
        Ok(Self {
            algorithm: match gost {
                Some(key) => key.algorithm().to_string(),
                None => key.algorithm_name(),
            },
            param_set: gost.map(|k| k.params().name().to_string()),
            param_set_oid: gost.map(|k| k.params().oid().to_string()),
            public_key_x: gost.map(|k| hex::encode(k.x())),
            public_key_y: gost.map(|k| hex::encode(k.y())),
            public_key: hex::encode(spki.subject_public_key.raw_bytes()),
        })
    }

    fn print(&self) {
        println!("Algorithm:     {}", self.algorithm);
        if let (Some(set), Some(oid)) = (&self.param_set, &self.param_set_oid) {
            println!("Parameter set: {set} ({oid})");
        }
        match (&self.public_key_x, &self.public_key_y) {
            (Some(x), Some(y)) => {
                println!("Public key x:  {x}");
                println!("Public key y:  {y}");
            }
            _ => println!("Public key:    {}", self.public_key),
        }
    }
}

/// Runs a key command.
pub fn run(cmd: KeyCommand) -> anyhow::Result<Outcome> {
    match cmd {
        KeyCommand::Generate(args) => {
            let password = args
                .password_file
                .as_deref()
                .map(output::read_password)
                .transpose()?;
            if let Some(uri) = args.out.to_str().filter(|s| s.starts_with("pkcs11:")) {
                let uri: TokenUri = uri.parse()?;
                let pin = password.context("a token needs --password-file with its PIN")?;
                let key = TokenKey::generate(&args.module, &uri, &pin, args.alg)?;
                let info = KeyInfo::of(&key.public_key()?)?;
                eprintln!(
                    "generated {} on token {:?} as {:?}",
                    info.algorithm, uri.token, uri.object
                );
                return Ok(Outcome::Ok);
            }
            if let KeySpec::Rsa { bits } = args.alg {
                eprintln!("generating an RSA-{bits} key (this can take a few seconds)…");
            }
            let key = SoftwareKey::generate(args.alg)?;
            let pem = match &password {
                Some(password) => podpis_keys::file::encrypt_pem(&key, password)?,
                None => podpis_keys::file::plain_pem(&key)?,
            };
            output::write_new(&args.out, pem.as_bytes())?;
            eprintln!(
                "wrote {} ({}{})",
                args.out.display(),
                key.spec(),
                if password.is_some() {
                    ", encrypted"
                } else {
                    ""
                }
            );
        }
        KeyCommand::Public(args) => {
            let der = args.key.signer()?.public_key()?.to_der()?;
            let pem = der::pem::encode_string("PUBLIC KEY", LineEnding::LF, &der)?;
            output::write(&args.out, pem.as_bytes())?;
        }
        KeyCommand::Show(args) => {
            let info = KeyInfo::of(&output::read_public_key(&args.key)?)?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&info)?);
            } else {
                info.print();
            }
        }
    }
    Ok(Outcome::Ok)
}
