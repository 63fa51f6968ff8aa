//! `podpis token`: managing a PKCS#11 token itself (its keys are under `podpis key`).

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use crate::Outcome;
use crate::output;

/// Token commands.
#[derive(Subcommand)]
pub enum TokenCommand {
    /// Change the token's user PIN (PKCS#11 C_SetPIN): the old PIN, then the new one, each on
    /// the first line of a file.
    ChangePin(ChangePinArgs),
}

/// `podpis token change-pin`.
#[derive(Args)]
pub struct ChangePinArgs {
    /// The token's label.
    #[arg(long)]
    token: String,
    /// A file whose first line is the current PIN.
    #[arg(long)]
    pin_file: PathBuf,
    /// A file whose first line is the new PIN (4 to 64 characters).
    #[arg(long)]
    new_pin_file: PathBuf,
    /// The PKCS#11 module.
    #[arg(long, env = "PODPIS_PKCS11_MODULE", default_value = output::DEFAULT_PKCS11_MODULE)]
    module: PathBuf,
}

/// Runs a token command.
pub fn run(cmd: TokenCommand) -> anyhow::Result<Outcome> {
    match cmd {
        TokenCommand::ChangePin(args) => {
            let old = output::read_password(&args.pin_file)?;
            let new = output::read_password(&args.new_pin_file)?;
            if !(4..=64).contains(&new.len()) {
                bail!("the new PIN must be 4 to 64 characters");
            }
            if new.as_slice() == old.as_slice() {
                bail!("the new PIN is the same as the current one");
            }
            podpis_keys::pkcs11::change_pin(&args.module, &args.token, &old, &new)
                .with_context(|| format!("changing the PIN of token {:?}", args.token))?;
            eprintln!("the PIN of token {:?} is changed", args.token);
            Ok(Outcome::Ok)
        }
    }
}
