//! `podpis p12 …`: a key with its certificate and chain in one password-protected PKCS#12 file
//! (.p12 / .pfx), as certification centres hand them out and OpenSSL reads them.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use podpis_keys::Signer;
use podpis_pki::Certificate;

use crate::Outcome;
use crate::output;

/// PKCS#12 commands.
#[derive(Subcommand)]
pub enum P12Command {
    /// Write a key, its certificate and the chain as a PKCS#12 file.
    Export(ExportArgs),
    /// Read a PKCS#12 file into a key file and certificate files.
    Import(ImportArgs),
}

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    key: output::PrivateKeyArgs,
    /// The key's certificate (PEM or DER).
    #[arg(long)]
    cert: PathBuf,
    /// Certificates above it (PEM bundles); may be repeated.
    #[arg(long)]
    chain: Vec<PathBuf>,
    /// A name for the key, shown by the tools that open the file.
    #[arg(long)]
    name: Option<String>,
    /// A file whose first line is the password protecting the .p12 file.
    #[arg(long)]
    p12_password_file: PathBuf,
    /// Where to write the file (it must not exist yet).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct ImportArgs {
    /// The PKCS#12 file.
    #[arg(long = "in")]
    input: PathBuf,
    /// A file whose first line is the .p12 file's password.
    #[arg(long)]
    p12_password_file: PathBuf,
    /// Where to write the key (PKCS#8 PEM; it must not exist yet).
    #[arg(long)]
    key_out: PathBuf,
    /// Encrypt the written key under the password in this file (PBES2). Without it the key is
    /// written unencrypted.
    #[arg(long)]
    key_password_file: Option<PathBuf>,
    /// Where to write the key's certificate (PEM).
    #[arg(long)]
    cert_out: PathBuf,
    /// Where to write the other certificates (PEM bundle), if there are any.
    #[arg(long)]
    chain_out: Option<PathBuf>,
}

/// Runs a PKCS#12 command.
pub fn run(cmd: P12Command) -> anyhow::Result<Outcome> {
    match cmd {
        P12Command::Export(args) => export(args),
        P12Command::Import(args) => import(args),
    }?;
    Ok(Outcome::Ok)
}

fn load_certificates(path: &std::path::Path) -> anyhow::Result<Vec<Certificate>> {
    Certificate::load_all(&output::read(path)?).with_context(|| path.display().to_string())
}

fn export(args: ExportArgs) -> anyhow::Result<()> {
    let key = args.key.load()?;
    let p12_password = output::read_password(&args.p12_password_file)?;
    let cert = load_certificates(&args.cert)?
        .into_iter()
        .next()
        .with_context(|| format!("{} holds no certificate", args.cert.display()))?;
    if cert.x509().tbs_certificate().subject_public_key_info() != &key.public_key()? {
        bail!(
            "{} is not the certificate of {}: the public keys differ",
            args.cert.display(),
            args.key.key.display()
        );
    }
    let mut chain = Vec::new();
    for path in &args.chain {
        chain.extend(load_certificates(path)?.iter().map(|c| c.der().to_vec()));
    }
    let p12 = podpis_keys::pkcs12::export(
        &key,
        cert.der(),
        &chain,
        &p12_password,
        args.name.as_deref(),
    )?;
    output::write_new(&args.out, &p12)?;
    eprintln!(
        "wrote {} (key, certificate {}, {} more in the chain)",
        args.out.display(),
        cert.serial_hex(),
        chain.len()
    );
    Ok(())
}

fn import(args: ImportArgs) -> anyhow::Result<()> {
    let password = output::read_password(&args.p12_password_file)?;
    let key_password = args
        .key_password_file
        .as_deref()
        .map(output::read_password)
        .transpose()?;
    let contents = podpis_keys::pkcs12::import(&output::read(&args.input)?, &password)
        .with_context(|| args.input.display().to_string())?;
    let mut certs = Vec::with_capacity(contents.certificates.len());
    for der in &contents.certificates {
        certs.push(Certificate::from_der(der).context("a certificate in the file")?);
    }
    let spki = contents.key.public_key()?;
    let own = certs
        .iter()
        .position(|c| c.x509().tbs_certificate().subject_public_key_info() == &spki)
        .context("the file holds no certificate for its key")?;
    let cert = certs.remove(own);
    if !certs.is_empty() && args.chain_out.is_none() {
        bail!(
            "the file holds {} more certificate(s): say where with --chain-out",
            certs.len()
        );
    }
    // Everything is read and checked before the first file is written.
    let pem = match &key_password {
        Some(password) => podpis_keys::file::encrypt_pem(&contents.key, password)?,
        None => podpis_keys::file::plain_pem(&contents.key)?,
    };
    output::write_new(&args.key_out, pem.as_bytes())?;
    output::write(&args.cert_out, cert.to_pem().as_bytes())?;
    if let Some(path) = &args.chain_out {
        let bundle: String = certs.iter().map(Certificate::to_pem).collect();
        output::write(path, bundle.as_bytes())?;
    }
    eprintln!(
        "key ({}) to {}, certificate {} to {}{}",
        contents.key.spec(),
        args.key_out.display(),
        cert.serial_hex(),
        args.cert_out.display(),
        args.chain_out
            .as_ref()
            .map(|p| format!(", {} more to {}", certs.len(), p.display()))
            .unwrap_or_default()
    );
    Ok(())
}
