//! `podpis key …`: generate keys and show them.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use pkcs8::{EncodePrivateKey, LineEnding};
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
}

#[derive(Args)]
pub struct PublicArgs {
    /// The private key.
    #[arg(long)]
    key: PathBuf,
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
            if args.out.exists() {
                anyhow::bail!("{} exists; not overwriting a key", args.out.display());
            }
            let key = SigningKey::generate(args.alg.algorithm, args.alg.params)?;
            let pem = key
                .to_pkcs8_pem(LineEnding::LF)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            output::write(&args.out, pem.as_bytes())?;
            eprintln!(
                "wrote {} ({}, {})",
                args.out.display(),
                key.algorithm(),
                key.params()
            );
        }
        KeyCommand::Public(args) => {
            let key = output::read_signing_key(&args.key)?;
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
