//! `podpis key …`: generate keys and show them.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use pkcs8::LineEnding;
use podpis_gost::SigningKey;
use serde::Serialize;
use spki::EncodePublicKey;

use crate::Outcome;
use crate::alg::KeyAlg;
use crate::output;

/// Key commands.
#[derive(Subcommand)]
pub enum KeyCommand {
    /// Generate a private key (PKCS#8 PEM, readable by OpenSSL's gost engine).
    Generate(GenerateArgs),
    /// Write the public key (SubjectPublicKeyInfo PEM) of a private key.
    Public(PublicArgs),
    /// Describe a private or public key.
    Show(ShowArgs),
}

#[derive(Args)]
pub struct GenerateArgs {
    /// gost2012-256[:PARAMSET], gost2012-512[:PARAMSET] or gost2001[:PARAMSET]
    /// (default sets: cryptopro-a, tc26-512-a, cryptopro-a).
    #[arg(long, default_value = "gost2012-256")]
    alg: KeyAlg,
    /// Where to write the key.
    #[arg(long)]
    out: PathBuf,
    /// Encrypt the key under the password on the first line of this file (PBES2: PBKDF2-SHA-256,
    /// AES-256-CBC). Without it the key is written unencrypted.
    #[arg(long)]
    password_file: Option<PathBuf>,
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
    /// A private key (PKCS#8) or public key (SubjectPublicKeyInfo), PEM or DER.
    key: PathBuf,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct KeyInfo {
    algorithm: String,
    param_set: String,
    param_set_oid: String,
    public_key_x: String,
    public_key_y: String,
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
            let key = SigningKey::generate(args.alg.algorithm, args.alg.params)?;
            let pem = match &password {
                Some(password) => podpis_keys::file::encrypt_pem(&key, password)?,
                None => podpis_keys::file::plain_pem(&key),
            };
            output::write_new(&args.out, pem.as_bytes())?;
            eprintln!(
                "wrote {} ({}, {}{})",
                args.out.display(),
                key.algorithm(),
                key.params(),
                if password.is_some() {
                    ", encrypted"
                } else {
                    ""
                }
            );
        }
        KeyCommand::Public(args) => {
            let key = args.key.load()?;
            let pem = key
                .verifying_key()
                .to_public_key_pem(LineEnding::LF)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            output::write(&args.out, pem.as_bytes())?;
        }
        KeyCommand::Show(args) => {
            let key = output::read_verifying_key(&args.key)?;
            let info = KeyInfo {
                algorithm: key.algorithm().to_string(),
                param_set: key.params().name().to_string(),
                param_set_oid: key.params().oid().to_string(),
                public_key_x: hex::encode(key.x()),
                public_key_y: hex::encode(key.y()),
            };
            if args.json {
                println!("{}", serde_json::to_string_pretty(&info)?);
            } else {
                println!("Algorithm:     {}", info.algorithm);
                println!("Parameter set: {} ({})", info.param_set, info.param_set_oid);
                println!("Public key x:  {}", info.public_key_x);
                println!("Public key y:  {}", info.public_key_y);
            }
        }
    }
    Ok(Outcome::Ok)
}
