//! `podpis cert …`: inspect certificates.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use clap::{Args, Subcommand};
use podpis_pki::crl::Crl;
use podpis_pki::validate::{Options, Report, TrustStore, validate};
use podpis_pki::{Certificate, describe};

use crate::Outcome;
use crate::output;

/// Certificate commands.
#[derive(Subcommand)]
pub enum CertCommand {
    /// Describe a certificate (PEM or DER; every certificate of a PEM bundle), with the Russian
    /// attribute names and the control digits of INN, SNILS, OGRN and OGRNIP checked.
    Show(ShowArgs),
    /// Validate a certificate: chain to a trust anchor, signatures, dates, constraints,
    /// revocation. Exit code 0 when valid, 1 when not (or undetermined).
    Verify(VerifyArgs),
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The certificate to validate.
    cert: PathBuf,
    /// Trust anchors: a PEM file of certificates, or a directory of .pem/.cer/.crt files.
    #[arg(long)]
    trust: PathBuf,
    #[command(flatten)]
    validation: ValidationArgs,
    /// Machine-readable output (the layered report).
    #[arg(long)]
    json: bool,
}

/// How certificates are validated: the options `cert verify` and `verify` share.
#[derive(Args)]
pub struct ValidationArgs {
    /// Further certificates offered for building chains (and, for `verify`, for finding
    /// signers): PEM bundles.
    #[arg(long)]
    untrusted: Vec<PathBuf>,
    /// CRLs to take revocation status from; with any CRL or OCSP response given, every
    /// certificate must be covered.
    #[arg(long)]
    crl: Vec<PathBuf>,
    /// OCSP responses (DER) to take revocation status from; may be repeated.
    #[arg(long)]
    ocsp: Vec<PathBuf>,
    /// Validate at this time (2026-01-31 or 2026-01-31T12:00:00Z) instead of now.
    #[arg(long)]
    at: Option<String>,
    /// Require the qualified profile (GOST R 34.10-2012 key, signature tools named, the
    /// owner's attributes with valid control digits).
    #[arg(long)]
    qualified: bool,
}

impl ValidationArgs {
    /// The untrusted certificates and the validation options these arguments name.
    pub fn load(&self) -> anyhow::Result<(Vec<Certificate>, Options)> {
        let mut untrusted = Vec::new();
        for path in &self.untrusted {
            untrusted.extend(certificates(path)?);
        }
        let mut options = Options {
            qualified: self.qualified,
            ..Options::default()
        };
        for path in &self.crl {
            let crl =
                Crl::load(&output::read(path)?).with_context(|| path.display().to_string())?;
            options.crls.push(crl);
        }
        for path in &self.ocsp {
            options.ocsp.push(
                podpis_pki::ocsp::OcspResponse::from_der(&output::read(path)?)
                    .with_context(|| path.display().to_string())?,
            );
        }
        options.require_revocation = !options.crls.is_empty() || !options.ocsp.is_empty();
        if let Some(at) = &self.at {
            options.time = parse_time(at)?;
        }
        Ok((untrusted, options))
    }
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
        CertCommand::Verify(args) => verify(args),
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

/// Every certificate of a file, or of the certificate files of a directory.
pub fn certificates(path: &Path) -> anyhow::Result<Vec<Certificate>> {
    let load = |p: &Path| {
        Certificate::load_all(&output::read(p)?).with_context(|| p.display().to_string())
    };
    if !path.is_dir() {
        return load(path);
    }
    let mut out = Vec::new();
    let entries = output::files_in(path, |p| {
        p.extension()
            .is_some_and(|e| ["pem", "cer", "crt", "der"].contains(&e.to_string_lossy().as_ref()))
    })?;
    for entry in entries {
        out.extend(load(&entry)?);
    }
    if out.is_empty() {
        anyhow::bail!("{} holds no certificates", path.display());
    }
    Ok(out)
}

/// `2026-01-31` or `2026-01-31T12:00:00Z` as a time.
fn parse_time(text: &str) -> anyhow::Result<SystemTime> {
    let bad = || anyhow::anyhow!("--at {text:?}: expected 2026-01-31 or 2026-01-31T12:00:00Z");
    let number = |range: std::ops::Range<usize>| -> anyhow::Result<u16> {
        text.get(range).and_then(|s| s.parse().ok()).ok_or_else(bad)
    };
    let (h, mi, s) = match text.len() {
        10 => (0, 0, 0),
        20 if text.ends_with('Z') && &text[10..11] == "T" => {
            (number(11..13)?, number(14..16)?, number(17..19)?)
        }
        _ => return Err(bad()),
    };
    let date = der::DateTime::new(
        number(0..4)?,
        number(5..7)? as u8,
        number(8..10)? as u8,
        h as u8,
        mi as u8,
        s as u8,
    )
    .map_err(|_| bad())?;
    Ok(UNIX_EPOCH + date.unix_duration())
}

fn verify(args: VerifyArgs) -> anyhow::Result<Outcome> {
    let cert = certificates(&args.cert)?
        .into_iter()
        .next()
        .context("no certificate")?;
    let trust = TrustStore::new(certificates(&args.trust)?);
    let (intermediates, options) = args.validation.load()?;
    let report = validate(&cert, &intermediates, &trust, &options);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let verdict = |r: &Report| {
            let indication = serde_json::to_value(r.indication).unwrap_or_default();
            let sub = r
                .sub_indication
                .and_then(|s| serde_json::to_value(s).ok())
                .map(|s| format!(" / {}", s.as_str().unwrap_or_default()))
                .unwrap_or_default();
            format!("{}{sub}", indication.as_str().unwrap_or_default())
        };
        println!("Результат / Result: {}", verdict(&report));
        println!("Цепочка / Chain:");
        for (i, entry) in report.chain.iter().enumerate() {
            let anchor = if entry.trust_anchor {
                " [trust anchor]"
            } else {
                ""
            };
            println!(
                "  {i}: {} (serial {}, {} — {}){anchor}",
                entry.subject, entry.serial, entry.not_before, entry.not_after
            );
        }
        println!("Проверки / Checks:");
        for c in &report.checks {
            let mark = if c.passed { "ok  " } else { "FAIL" };
            println!("  {mark} #{} {}: {}", c.position, c.check, c.detail);
        }
    }
    Ok(if report.passed() {
        Outcome::Ok
    } else {
        Outcome::VerificationFailed
    })
}
