//! `podpis sign` and `podpis verify`: CMS / CAdES-BES signatures of documents (`doc.pdf.sig`),
//! detached by default, and the layered report on them.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, bail};
use clap::Args;
use podpis_pki::cades::{
    DigestAlgorithm, DocumentReport, SignRequest, SignedMessage, add_signer, sign, verify_document,
};
use podpis_pki::validate::{Indication, TrustStore};

use crate::Outcome;
use crate::cert::{ValidationArgs, certificates};
use crate::output::{self, PrivateKeyArgs};

#[derive(Args)]
pub struct SignArgs {
    #[command(flatten)]
    key: PrivateKeyArgs,
    /// The signer's certificate (PEM or DER).
    #[arg(long)]
    cert: PathBuf,
    /// Certificates of the issuing CAs to carry in the signature.
    #[arg(long)]
    chain: Vec<PathBuf>,
    /// The documents: files, or folders whose files are all signed (one PIN for the batch;
    /// each gets its own `.sig` beside it).
    #[arg(long = "in", required = true, num_args = 1..)]
    input: Vec<PathBuf>,
    /// Where to write the signature of a single document (default: its name + `.sig`).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Put the document inside the signature (it is then read into memory).
    #[arg(long)]
    attached: bool,
    /// Write PEM (`-----BEGIN CMS-----`) instead of DER.
    #[arg(long)]
    pem: bool,
    /// Add this signature beside those of an existing signature file of the same document.
    #[arg(long)]
    add_to: Option<PathBuf>,
    /// Sign even though the certificate is not valid now.
    #[arg(long)]
    allow_expired: bool,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The document (not needed when the signature is attached).
    #[arg(long = "in")]
    input: Option<PathBuf>,
    /// The signature file (DER, BER, PEM or Base64).
    #[arg(long)]
    sig: PathBuf,
    /// Trust anchors: a PEM file of certificates, or a directory of them. Without it no
    /// certificate path can be built and the result is INDETERMINATE.
    #[arg(long)]
    trust: Option<PathBuf>,
    #[command(flatten)]
    validation: ValidationArgs,
    /// Machine-readable output (the layered report, see the README).
    #[arg(long)]
    json: bool,
}

/// Runs `podpis sign`.
pub fn run_sign(args: SignArgs) -> anyhow::Result<Outcome> {
    let cert = certificates(&args.cert)?
        .into_iter()
        .next()
        .context("no certificate")?;
    let now = SystemTime::now();
    if !cert.is_valid_at(now) && !args.allow_expired {
        let (start, end) = cert.validity_text();
        bail!(
            "{}: the certificate is valid from {start} to {end}, not now (--allow-expired signs \
             anyway)",
            args.cert.display()
        );
    }
    let mut chain = Vec::new();
    for path in &args.chain {
        chain.extend(certificates(path)?);
    }
    let documents = documents(&args.input)?;
    if documents.len() > 1 && (args.out.is_some() || args.add_to.is_some()) {
        bail!("--out and --add-to take a single document");
    }
    let signer = args.key.signer()?;
    let progress = indicatif::ProgressBar::new(documents.len() as u64);
    if documents.len() == 1 {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    for document in &documents {
        let out = args.out.clone().unwrap_or_else(|| {
            let mut name = document.clone().into_os_string();
            name.push(".sig");
            PathBuf::from(name)
        });
        let count = sign_one(&args, signer.as_ref(), &cert, &chain, document, &out, now)
            .with_context(|| document.display().to_string())?;
        progress.inc(1);
        progress.suspend(|| {
            eprintln!(
                "signed {} → {} ({count} signature{})",
                document.display(),
                out.display(),
                if count == 1 { "" } else { "s" }
            )
        });
    }
    progress.finish_and_clear();
    Ok(Outcome::Ok)
}

/// The documents named: files, and the files of folders (not their `.sig` files), in order.
fn documents(inputs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            out.push(input.clone());
            continue;
        }
        let files = output::files_in(input, |p| {
            p.is_file() && p.extension().is_none_or(|e| e != "sig")
        })?;
        if files.is_empty() {
            bail!("{} holds no documents to sign", input.display());
        }
        out.extend(files);
    }
    Ok(out)
}

/// Signs one document into `out`; returns how many signatures the file holds.
fn sign_one(
    args: &SignArgs,
    signer: &dyn podpis_keys::Signer,
    cert: &podpis_pki::Certificate,
    chain: &[podpis_pki::Certificate],
    document: &Path,
    out: &Path,
    now: SystemTime,
) -> anyhow::Result<usize> {
    let algorithm = DigestAlgorithm::for_signature(&signer.signature_algorithm().oid)?;
    let mut hasher = algorithm.hasher();
    output::read_in_pieces(document, |piece| hasher.update(piece))?;
    let digest = hasher.finalize();
    let request = SignRequest {
        signer,
        certificate: cert,
        chain,
        digest: &digest,
        signing_time: now,
    };
    let message = match &args.add_to {
        Some(existing) => {
            let existing = SignedMessage::from_bytes(&output::read(existing)?)
                .with_context(|| existing.display().to_string())?;
            add_signer(&existing, &request)?
        }
        None => {
            let content = args.attached.then(|| output::read(document)).transpose()?;
            sign(&request, content.as_deref())?
        }
    };
    let bytes = if args.pem {
        message.to_pem()?.into_bytes()
    } else {
        message.to_der()?
    };
    output::write(out, &bytes)?;
    Ok(message.signer_count())
}

/// Runs `podpis verify`.
pub fn run_verify(args: VerifyArgs) -> anyhow::Result<Outcome> {
    let message = SignedMessage::from_bytes(&output::read(&args.sig)?)
        .with_context(|| args.sig.display().to_string())?;
    let algorithms: Vec<DigestAlgorithm> = message
        .digest_algorithms()
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    let digests = digests(&message, args.input.as_deref(), &algorithms)?;
    let trust = TrustStore::new(match &args.trust {
        Some(path) => certificates(path)?,
        None => Vec::new(),
    });
    let (untrusted, options) = args.validation.load()?;
    let digest_of = |algorithm: DigestAlgorithm| {
        digests
            .iter()
            .find(|(a, _)| *a == algorithm)
            .map(|(_, d)| d.clone())
            .unwrap_or_default()
    };
    let report = verify_document(&message, &digest_of, &untrusted, &trust, &options);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", text(&report));
    }
    Ok(if report.indication == Indication::TotalPassed {
        Outcome::Ok
    } else {
        Outcome::VerificationFailed
    })
}

/// The document's digest by every algorithm the signers use, from one pass over the document
/// (or over the attached content).
fn digests(
    message: &SignedMessage,
    input: Option<&Path>,
    algorithms: &[DigestAlgorithm],
) -> anyhow::Result<Vec<(DigestAlgorithm, Vec<u8>)>> {
    let mut hashers: Vec<_> = algorithms.iter().map(|a| (*a, a.hasher())).collect();
    let mut feed = |piece: &[u8]| {
        for (_, h) in &mut hashers {
            h.update(piece);
        }
    };
    match (input, message.content()) {
        (Some(path), _) => output::read_in_pieces(path, feed)?,
        (None, Some(content)) => feed(&content),
        (None, None) => bail!("a detached signature: give the document with --in"),
    }
    Ok(hashers
        .into_iter()
        .map(|(a, h)| (a, h.finalize()))
        .collect())
}

fn indication_text(indication: Indication) -> &'static str {
    match indication {
        Indication::TotalPassed => "ДЕЙСТВИТЕЛЬНА / VALID (TOTAL_PASSED)",
        Indication::TotalFailed => "НЕДЕЙСТВИТЕЛЬНА / INVALID (TOTAL_FAILED)",
        Indication::Indeterminate => "НЕ УДАЛОСЬ ПРОВЕРИТЬ / INDETERMINATE",
    }
}

/// The report for a person: who signed, when, valid or not, and why.
fn text(report: &DocumentReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Документ / Document: {}",
        indication_text(report.indication)
    );
    for (i, s) in report.signatures.iter().enumerate() {
        let sub = s
            .sub_indication
            .and_then(|sub| serde_json::to_value(sub).ok())
            .and_then(|v| v.as_str().map(|s| format!(" / {s}")))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "Подпись {} / Signature {}: {}{sub}",
            i + 1,
            i + 1,
            indication_text(s.indication)
        );
        if let Some(signer) = &s.signer {
            let _ = writeln!(
                out,
                "  Подписант / Signer: {}",
                signer.name.as_deref().unwrap_or("?")
            );
            for (label, value) in [
                ("Организация / Organisation", &signer.organization),
                ("Должность / Title", &signer.title),
                ("ИНН / INN", &signer.inn),
                ("ИНН ЮЛ / INN LE", &signer.inn_le),
                ("ОГРН / OGRN", &signer.ogrn),
                ("СНИЛС / SNILS", &signer.snils),
            ] {
                if let Some(value) = value {
                    let _ = writeln!(out, "  {label}: {value}");
                }
            }
            let _ = writeln!(
                out,
                "  Сертификат / Certificate: {} from {} ({})",
                signer.certificate_serial, signer.issuer, signer.algorithm
            );
        }
        if let Some(time) = &s.signing_time {
            let _ = writeln!(
                out,
                "  Время подписи / Signed at: {time} (claimed by the signer)"
            );
        }
        let failed: Vec<String> = s
            .checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| format!("{}: {}", c.check, c.detail))
            .chain(s.certificate.iter().flat_map(|r| {
                r.checks
                    .iter()
                    .filter(|c| !c.passed)
                    .map(|c| format!("certificate #{} {}: {}", c.position, c.check, c.detail))
            }))
            .collect();
        if failed.is_empty() {
            let _ = writeln!(out, "  Все проверки пройдены / Every check passed");
        } else {
            let _ = writeln!(out, "  Почему / Why:");
            for line in failed {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
    out
}
