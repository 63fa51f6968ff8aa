//! `podpis csr …`: certificate requests.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use podpis_pki::csr::Csr;
use podpis_pki::describe;
use podpis_pki::subject::Profile;

use crate::Outcome;
use crate::output;
use crate::subject::{ProfileArg, SubjectArgs};

/// Request commands.
// Parsed once per run: the size of a variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum CsrCommand {
    /// Make a PKCS#10 request signed by the key, with the subject checked against the profile.
    Create(CreateArgs),
    /// Describe a request and check its signature (exit code 1 when it does not verify).
    Show(ShowArgs),
}

#[derive(Args)]
pub struct CreateArgs {
    #[command(flatten)]
    key: output::PrivateKeyArgs,
    /// The certificate profile the request is for: which attributes it must carry.
    #[arg(long, value_enum, default_value = "person")]
    profile: ProfileArg,
    #[command(flatten)]
    subject: SubjectArgs,
    /// Where to write the request (PEM).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct ShowArgs {
    /// The request (PEM or DER).
    csr: PathBuf,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

/// Runs a `csr` command.
pub fn run(cmd: CsrCommand) -> anyhow::Result<Outcome> {
    match cmd {
        CsrCommand::Create(args) => {
            let key = args.key.signer()?;
            let name = args.subject.info().to_name(Profile::from(args.profile))?;
            let csr = Csr::create(name, &*key)?;
            output::write(&args.out, csr.to_pem().as_bytes())?;
            eprintln!("wrote {}", args.out.display());
            Ok(Outcome::Ok)
        }
        CsrCommand::Show(args) => {
            let csr = Csr::load(&output::read(&args.csr)?)
                .with_context(|| args.csr.display().to_string())?;
            let verified = csr.verify();
            let subject = csr.subject_attributes();
            let checks = describe::identifier_checks(&subject);
            if args.json {
                let report = serde_json::json!({
                    "subject": subject,
                    "identifiers": checks,
                    "signature_valid": verified.is_ok(),
                    "error": verified.as_ref().err().map(ToString::to_string),
                });
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!("Subject:");
                for a in &subject {
                    println!("  {}: {}", a.label(), a.value);
                }
                for c in &checks {
                    println!("  {c}");
                }
                match &verified {
                    Ok(()) => println!("Signature: valid (proof of possession)"),
                    Err(e) => println!("Signature: INVALID: {e}"),
                }
            }
            Ok(if verified.is_ok() {
                Outcome::Ok
            } else {
                Outcome::VerificationFailed
            })
        }
    }
}
