//! `podpis raw …` and `podpis digest`: signatures and digests over files, hashed as a stream.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use podpis_gost::hash::Hasher;
use podpis_gost::{Algorithm, Signature};
use serde::Serialize;

use crate::Outcome;
use crate::output;

/// Raw signature commands.
#[derive(Subcommand)]
pub enum RawCommand {
    /// Sign a file: writes `s || r` (64 or 128 bytes).
    Sign(SignArgs),
    /// Verify a raw signature over a file (exit code 1 when it does not verify).
    Verify(VerifyArgs),
}

#[derive(Args)]
pub struct SignArgs {
    #[command(flatten)]
    key: output::PrivateKeyArgs,
    /// The file to sign.
    #[arg(long = "in")]
    input: PathBuf,
    /// Where to write the signature.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The public key (SubjectPublicKeyInfo) or the private key.
    #[arg(long)]
    key: PathBuf,
    /// The signed file.
    #[arg(long = "in")]
    input: PathBuf,
    /// The signature.
    #[arg(long)]
    sig: PathBuf,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct DigestArgs {
    /// The file.
    input: PathBuf,
    /// streebog256, streebog512 or gost94.
    #[arg(long, default_value = "streebog256")]
    alg: String,
}

/// Hashes a file as a stream.
fn hash_file(algorithm: Algorithm, path: &Path) -> anyhow::Result<Vec<u8>> {
    let mut hasher = Hasher::new(algorithm);
    output::read_in_pieces(path, |piece| hasher.update(piece))?;
    Ok(hasher.finalize())
}

#[derive(Serialize)]
struct VerifyReport {
    valid: bool,
    algorithm: String,
    param_set: String,
    error: Option<String>,
}

/// Runs a raw signature command.
pub fn run(cmd: RawCommand) -> anyhow::Result<Outcome> {
    match cmd {
        RawCommand::Sign(args) => {
            let key = args.key.load()?;
            let key = key
                .as_gost()
                .context("raw signatures are made with GOST keys only")?;
            let digest = hash_file(key.algorithm(), &args.input)?;
            let sig = key.sign_digest_bytes(&digest)?;
            output::write(&args.out, sig.as_bytes())?;
            Ok(Outcome::Ok)
        }
        RawCommand::Verify(args) => {
            let key = output::read_verifying_key(&args.key)?;
            let sig = Signature::from_bytes(&output::read(&args.sig)?)
                .with_context(|| format!("{} is not a GOST signature", args.sig.display()))?;
            let digest = hash_file(key.algorithm(), &args.input)?;
            let result = key.verify_digest_bytes(&digest, &sig);
            let report = VerifyReport {
                valid: result.is_ok(),
                algorithm: key.algorithm().to_string(),
                param_set: key.params().name().to_string(),
                error: result.as_ref().err().map(ToString::to_string),
            };
            if args.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else if let Err(e) = &result {
                println!("INVALID: {e} ({}, {})", report.algorithm, report.param_set);
            } else {
                println!("VALID ({}, {})", report.algorithm, report.param_set);
            }
            Ok(if result.is_ok() {
                Outcome::Ok
            } else {
                Outcome::VerificationFailed
            })
        }
    }
}

/// Prints a file's digest in hex.
pub fn digest(args: DigestArgs) -> anyhow::Result<Outcome> {
    let algorithm = match args.alg.as_str() {
        "streebog256" => Algorithm::Gost2012_256,
        "streebog512" => Algorithm::Gost2012_512,
        "gost94" => Algorithm::Gost2001,
        other => anyhow::bail!("unknown digest '{other}' (streebog256, streebog512 or gost94)"),
    };
    println!(
        "{}  {}",
        hex::encode(hash_file(algorithm, &args.input)?),
        args.input.display()
    );
    Ok(Outcome::Ok)
}
