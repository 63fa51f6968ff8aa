//! `podpis`: the one binary of Podpis — the command-line tools and the portal server.
//!
//! Conventions: `podpis <noun> <verb>`, `--help` everywhere, `--json` for machine output; exit
//! code 0 for success, 1 for a verification that failed, 2 for bad usage or unusable input.

mod ca;
mod cert;
mod csr;
mod key;
mod output;
mod p12;
mod raw;
mod serve;
mod sign;
mod subject;
mod token;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Qualified electronic signatures: GOST R 34.10-2012 keys, signatures and certificates.
#[derive(Parser)]
#[command(name = "podpis", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per run: the size of a variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Generate and inspect keys.
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Raw signatures (`s || r` bytes, as `openssl dgst -sign` writes them) over a file.
    #[command(subcommand)]
    Raw(raw::RawCommand),
    /// Print the digest of a file (Streebog-256 by default).
    Digest(raw::DigestArgs),
    /// Make and inspect certificate requests (PKCS#10).
    #[command(subcommand)]
    Csr(csr::CsrCommand),
    /// Run a certification centre kept in a directory: issue, revoke, publish CRLs.
    #[command(subcommand)]
    Ca(ca::CaCommand),
    /// Inspect X.509 certificates.
    #[command(subcommand)]
    Cert(cert::CertCommand),
    /// Keys with their certificates in PKCS#12 files (.p12, .pfx).
    #[command(subcommand)]
    P12(p12::P12Command),
    /// Manage a PKCS#11 token: change its PIN.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Sign a document: a CMS / CAdES-BES signature (`DOC.sig`), detached unless --attached.
    Sign(sign::SignArgs),
    /// Verify a signed document: every signature, its certificate path and revocation.
    /// Exit code 0 when every signature is valid, 1 when not (or undetermined).
    Verify(sign::VerifyArgs),
    /// Run the portal: web pages and API on an SQLite file (default) or PostgreSQL.
    Serve {
        #[command(flatten)]
        db: serve::DbArgs,
        #[command(flatten)]
        args: serve::ServeArgs,
    },
    /// The portal's database.
    #[command(subcommand)]
    Db(serve::DbCommand),
    /// The portal's action journal.
    #[command(subcommand)]
    Journal(serve::JournalCommand),
    /// The portal's accounts (roles, staff accounts).
    #[command(subcommand)]
    Account(serve::AccountCommand),
    /// The portal's registry of accredited certification centres.
    #[command(subcommand)]
    Centre(serve::CentreCommand),
}

/// What a command reports back to `main`.
pub enum Outcome {
    /// Everything worked.
    Ok,
    /// A verification ran and failed.
    VerificationFailed,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Key(cmd) => key::run(cmd),
        Command::Raw(cmd) => raw::run(cmd),
        Command::Digest(args) => raw::digest(args),
        Command::Csr(cmd) => csr::run(cmd),
        Command::Ca(cmd) => ca::run(cmd),
        Command::Cert(cmd) => cert::run(cmd),
        Command::P12(cmd) => p12::run(cmd),
        Command::Token(cmd) => token::run(cmd),
        Command::Sign(args) => sign::run_sign(args),
        Command::Verify(args) => sign::run_verify(args),
        Command::Serve { db, args } => serve::serve(db, args),
        Command::Db(cmd) => serve::db(cmd),
        Command::Journal(cmd) => serve::journal(cmd),
        Command::Account(cmd) => serve::account(cmd),
        Command::Centre(cmd) => serve::centre(cmd),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::VerificationFailed) => ExitCode::from(1),
        Err(e) => {
            eprintln!("podpis: {e:#}");
            ExitCode::from(2)
        }
    }
}
