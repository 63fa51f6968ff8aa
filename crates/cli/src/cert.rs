//! `podpis cert …`: inspect certificates.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use podpis_pki::{Certificate, describe};

use crate::Outcome;
use crate::output;

/// Certificate commands.
#[derive(Subcommand)]
pub enum CertCommand {
    /// Describe a certificate (PEM or DER; every certificate of a PEM bundle), with the Russian
    /// attribute names and the control digits of INN, SNILS, OGRN and OGRNIP checked.
    Show(ShowArgs),
}

#[derive(Args)]
pub struct ShowArgs {
    /// The certificate file (.cer, .crt, .pem).
    cert: PathBuf,
    /// Machine-readable output (a JSON array, one object per certificate).
    #[arg(long)]
    json: bool,
}

/// Runs a `cert` command.
pub fn run(cmd: CertCommand) -> anyhow::Result<Outcome> {
    match cmd {
        CertCommand::Show(args) => show(args),
    }
}

fn show(args: ShowArgs) -> anyhow::Result<Outcome> {
    let bytes = output::read(&args.cert)?;
    let certs = Certificate::load_all(&bytes).with_context(|| args.cert.display().to_string())?;
    let summaries: Vec<_> = certs.iter().map(describe::summarize).collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summaries)?);
    } else {
        let texts: Vec<String> = summaries.iter().map(describe::to_text).collect();
        print!("{}", texts.join("\n"));
    }
    Ok(Outcome::Ok)
}
