//! `podpis ca …`: a certification centre on disk: a root or subordinate CA that issues
//! qualified certificates from requests, revokes them and publishes CRLs.

mod store;

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use podpis_keys::{KeySpec, Signer, SoftwareKey};
use podpis_pki::Certificate;
use podpis_pki::crl::{Crl, CrlParams, Reason, Revocation};
use podpis_pki::csr::Csr;
use podpis_pki::issue::{CertificateParams, issue, random_serial};
use podpis_pki::qualified::{IssuerSignTool, NOT_CERTIFIED};
use podpis_pki::subject::{Profile, SubjectInfo};
use serde::Serialize;

use crate::Outcome;
use crate::output;
use crate::subject::{ProfileArg, SubjectArgs};
use store::{CaDir, Issued, Revoked, Settings, State, TokenKeyPlace, unix_seconds};

const DAY: Duration = Duration::from_secs(24 * 3600);

/// The default validity of a root CA certificate, in days.
const ROOT_DAYS: u64 = 3650;

/// CA commands.
#[derive(Subcommand)]
// Parsed once per run: the size of a variant does not matter.
#[allow(clippy::large_enum_variant)]
pub enum CaCommand {
    /// Create a CA in a new directory: a self-signed root, or with --parent a subordinate CA
    /// certified by another Podpis CA.
    Init(InitArgs),
    /// Issue a certificate from a request, to a qualified profile.
    Issue(IssueArgs),
    /// Revoke a certificate this CA issued.
    Revoke(RevokeArgs),
    /// Publish a new CRL (signed, numbered one higher than the last).
    Crl(CrlArgs),
    /// Answer an OCSP request (DER, as `openssl ocsp -reqout` writes it) from this CA's records.
    Ocsp(OcspArgs),
    /// List the certificates this CA issued, with their status.
    List(ListArgs),
}

#[derive(Args)]
pub struct InitArgs {
    /// The new CA directory (created; it may exist only if empty).
    #[arg(long)]
    dir: PathBuf,
    /// The CA key's algorithm, as for `key generate`.
    #[arg(long, default_value = "gost2012-256")]
    alg: KeySpec,
    /// Keep the CA key on a PKCS#11 token instead of in an encrypted file: the URI of a key
    /// already made there (`podpis key generate --out pkcs11:…`). --password-file then holds
    /// the token's PIN, for this and every later command.
    #[arg(long, conflicts_with = "alg")]
    key: Option<String>,
    /// The PKCS#11 module for --key.
    #[arg(long, env = "PODPIS_PKCS11_MODULE", default_value = output::DEFAULT_PKCS11_MODULE)]
    module: PathBuf,
    /// The CA's name, organisation, OGRN and INN of the legal entity (--cn, --org, --ogrn,
    /// --inn-le are required).
    #[command(flatten)]
    subject: SubjectArgs,
    /// A file whose first line is the password that encrypts the CA's key (with --key: the
    /// token's PIN).
    #[arg(long)]
    password_file: PathBuf,
    /// Validity of the CA certificate, in days (default: 3650 for a root; for a subordinate CA,
    /// until its parent's certificate ends).
    #[arg(long)]
    days: Option<u64>,
    /// How many CA certificates may follow this one in a path (none: no limit for a root, 0 for
    /// a subordinate CA).
    #[arg(long)]
    path_len: Option<u8>,
    /// The directory of the CA that certifies this one (a subordinate CA).
    #[arg(long)]
    parent: Option<PathBuf>,
    /// The parent CA key's password file.
    #[arg(long, requires = "parent")]
    parent_password_file: Option<PathBuf>,
    /// The URL where this CA's CRL will be published (written into the certificates it issues).
    #[arg(long)]
    crl_url: Option<String>,
    /// The URL of this CA's OCSP responder (written into the certificates it issues).
    #[arg(long)]
    ocsp_url: Option<String>,
    /// The URL where this CA's certificate can be fetched (written into the certificates it
    /// issues).
    #[arg(long)]
    ca_issuers_url: Option<String>,
    /// The subjectSignTool written into the certificates it issues.
    #[arg(long, default_value = "Podpis")]
    sign_tool: String,
    /// The issuerSignTool written into the certificates it issues: the centre's signature tool,
    #[arg(long, default_value = "Podpis")]
    issuer_sign_tool: String,
    /// … its CA software,
    #[arg(long, default_value = "Podpis CA")]
    ca_tool: String,
    /// … the conformance certificate of the signature tool,
    #[arg(long, default_value = NOT_CERTIFIED)]
    sign_tool_cert: String,
    /// … and that of the CA software.
    #[arg(long, default_value = NOT_CERTIFIED)]
    ca_tool_cert: String,
}

#[derive(Args)]
pub struct IssueArgs {
    /// The CA directory.
    #[arg(long)]
    dir: PathBuf,
    /// The CA key's password file.
    #[arg(long)]
    password_file: PathBuf,
    /// The request (PKCS#10, PEM or DER).
    #[arg(long)]
    csr: PathBuf,
    /// The profile: which attributes the subject must carry.
    #[arg(long, value_enum)]
    profile: ProfileArg,
    /// Validity in days (at most 457, the 15 months a qualified key may be used).
    #[arg(long, default_value_t = 365)]
    days: u64,
    /// Where to write the certificate (PEM).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct RevokeArgs {
    /// The CA directory.
    #[arg(long)]
    dir: PathBuf,
    /// The certificate's serial number, hex (as `cert show` prints it).
    #[arg(long)]
    serial: String,
    /// unspecified, keyCompromise, cACompromise, affiliationChanged, superseded,
    /// cessationOfOperation, certificateHold, privilegeWithdrawn or aACompromise.
    #[arg(long, default_value = "unspecified")]
    reason: Reason,
}

#[derive(Args)]
pub struct CrlArgs {
    /// The CA directory.
    #[arg(long)]
    dir: PathBuf,
    /// The CA key's password file.
    #[arg(long)]
    password_file: PathBuf,
    /// Days until the next CRL is due.
    #[arg(long, default_value_t = 7)]
    days: u64,
    /// Where to write the CRL (PEM).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct OcspArgs {
    /// The CA directory.
    #[arg(long)]
    dir: PathBuf,
    /// The CA key's password file.
    #[arg(long)]
    password_file: PathBuf,
    /// The request (DER).
    #[arg(long)]
    request: PathBuf,
    /// Minutes until newer status is available (the response's nextUpdate).
    #[arg(long, default_value_t = 60)]
    minutes: u64,
    /// Where to write the response (DER).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct ListArgs {
    /// The CA directory.
    #[arg(long)]
    dir: PathBuf,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

/// Runs a `ca` command.
pub fn run(cmd: CaCommand) -> anyhow::Result<Outcome> {
    match cmd {
        CaCommand::Init(args) => init(args),
        CaCommand::Issue(args) => issue_from_request(args),
        CaCommand::Revoke(args) => revoke(args),
        CaCommand::Crl(args) => publish_crl(args),
        CaCommand::Ocsp(args) => answer_ocsp(args),
        CaCommand::List(args) => list(args),
    }?;
    Ok(Outcome::Ok)
}

/// `days` days, refused when absurdly many.
fn days_duration(days: u64) -> anyhow::Result<Duration> {
    u32::try_from(days)
        .ok()
        .and_then(|d| DAY.checked_mul(d))
        .with_context(|| format!("{days} days is too many"))
}

/// Now, to the second: certificates and CRLs carry whole seconds.
fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix_seconds(SystemTime::now()))
}

/// The common name of a subject, for listings.
fn common_name(info: &SubjectInfo) -> String {
    info.common_name.clone().unwrap_or_default()
}

/// Issues a certificate under the CA in `ca` and records it in `state`.
fn certify(
    ca: &CaDir,
    state: &mut State,
    ca_key: &dyn Signer,
    params: CertificateParams,
) -> anyhow::Result<Certificate> {
    let ca_cert = ca.certificate()?;
    let ca_end = UNIX_EPOCH + ca_cert.validity().1;
    if params.not_after > ca_end {
        bail!(
            "the certificate would outlive the CA certificate (valid until {}); ask for fewer days",
            ca_cert.validity_text().1
        );
    }
    let cert = issue(&params, ca_key, Some(&ca_cert))?;
    let subject = SubjectInfo::from_attributes(&cert.subject()).unwrap_or_default();
    state.issued.push(Issued {
        serial: cert.serial_hex(),
        subject: common_name(&subject),
        profile: format!("{:?}", params.profile),
        not_after: unix_seconds(params.not_after),
        revoked: None,
    });
    ca.store_issued(&cert)?;
    Ok(cert)
}

/// The parameters of a certificate issued now for `days` under a CA with `settings`.
fn params_now(
    profile: Profile,
    subject: x509_cert::name::Name,
    public_key: spki::SubjectPublicKeyInfoOwned,
    days: u64,
    settings: &Settings,
    path_len: Option<u8>,
) -> anyhow::Result<CertificateParams> {
    let not_before = now();
    Ok(CertificateParams {
        profile,
        subject,
        public_key,
        serial: random_serial(),
        not_before,
        not_after: not_before + days_duration(days)?,
        path_len,
        crl_url: settings.crl_url.clone(),
        ocsp_url: settings.ocsp_url.clone(),
        ca_issuers_url: settings.ca_issuers_url.clone(),
        sign_tool: settings.sign_tool.clone(),
        issuer_sign_tool: settings.issuer_sign_tool.clone(),
        identification_kind: 0,
    })
}

fn init(args: InitArgs) -> anyhow::Result<()> {
    let issuer_sign_tool = IssuerSignTool {
        sign_tool: args.issuer_sign_tool.clone(),
        ca_tool: args.ca_tool.clone(),
        sign_tool_cert: args.sign_tool_cert.clone(),
        ca_tool_cert: args.ca_tool_cert.clone(),
    };
    issuer_sign_tool.check()?;
    podpis_pki::qualified::check_subject_sign_tool(&args.sign_tool)?;
    let password = output::read_password(&args.password_file)?;
    let subject = args.subject.info().to_name(Profile::CertificationCentre)?;
    // Lock the parent first, then make the new directory: a failure with the parent leaves
    // nothing behind.
    let parent = match &args.parent {
        Some(dir) => {
            let parent = CaDir::open(dir)?;
            let password_file = args
                .parent_password_file
                .as_deref()
                .context("--parent needs --parent-password-file")?;
            let key = parent.key(password_file)?;
            Some((parent, key))
        }
        None => None,
    };
    // The key: on a token (nothing stored but where it is), or made here and stored encrypted.
    let (key, encrypted, token): (Box<dyn Signer>, _, _) = match &args.key {
        Some(uri) => {
            let place = TokenKeyPlace {
                module: args.module.clone(),
                uri: uri.clone(),
            };
            (
                store::open_token_key(&place, &args.password_file)?,
                None,
                Some(place),
            )
        }
        None => {
            let key = SoftwareKey::generate(args.alg)?;
            let encrypted = podpis_keys::file::encrypt_pem(&key, &password)?;
            (Box::new(key), Some(encrypted), None)
        }
    };
    let key = key.as_ref();
    let ca = CaDir::create(&args.dir)?;
    let (cert, parents) = match parent {
        None => {
            let params = params_now(
                Profile::CertificationCentre,
                subject,
                key.public_key()?,
                args.days.unwrap_or(ROOT_DAYS),
                &Settings {
                    sign_tool: args.sign_tool.clone(),
                    ..Settings::default()
                },
                args.path_len,
            )?;
            (issue(&params, key, None)?, Vec::new())
        }
        Some((parent, parent_key)) => {
            let mut parent_state = parent.state()?;
            let parent_end = UNIX_EPOCH + parent.certificate()?.validity().1;
            let mut params = params_now(
                Profile::CertificationCentre,
                subject,
                key.public_key()?,
                args.days.unwrap_or(ROOT_DAYS),
                &parent_state.settings,
                Some(args.path_len.unwrap_or(0)),
            )?;
            if args.days.is_none() {
                params.not_after = params.not_after.min(parent_end);
            }
            let cert = certify(&parent, &mut parent_state, parent_key.as_ref(), params)?;
            parent.save(&parent_state)?;
            (cert, parent.chain()?)
        }
    };
    if let Some(encrypted) = &encrypted {
        ca.store_key(encrypted)?;
    }
    ca.store_certificate(&cert, &parents)?;
    ca.save(&State {
        settings: Settings {
            crl_url: args.crl_url,
            ocsp_url: args.ocsp_url,
            ca_issuers_url: args.ca_issuers_url,
            sign_tool: args.sign_tool,
            issuer_sign_tool: Some(issuer_sign_tool),
            token,
        },
        crl_number: 0,
        issued: Vec::new(),
    })?;
    eprintln!(
        "CA ready in {} (certificate {}, serial {})",
        args.dir.display(),
        args.dir.join("ca.pem").display(),
        cert.serial_hex()
    );
    Ok(())
}

fn issue_from_request(args: IssueArgs) -> anyhow::Result<()> {
    let profile = Profile::from(args.profile);
    if profile == Profile::CertificationCentre {
        bail!("a CA certificate is made with `podpis ca init --parent`, not `ca issue`");
    }
    if days_duration(args.days)? > podpis_pki::issue::PRIVATE_KEY_USAGE_LIMIT {
        bail!(
            "--days {} is more than the 457 days (15 months) a qualified key may be used",
            args.days
        );
    }
    let csr =
        Csr::load(&output::read(&args.csr)?).with_context(|| args.csr.display().to_string())?;
    csr.verify()
        .with_context(|| format!("{}: the request's own signature", args.csr.display()))?;
    let subject = SubjectInfo::from_attributes(&csr.subject_attributes())?.to_name(profile)?;
    let ca = CaDir::open(&args.dir)?;
    let key = ca.key(&args.password_file)?;
    let mut state = ca.state()?;
    let params = params_now(
        profile,
        subject,
        csr.public_key_info().clone(),
        args.days,
        &state.settings,
        None,
    )?;
    let cert = certify(&ca, &mut state, key.as_ref(), params)?;
    ca.save(&state)?;
    output::write(&args.out, cert.to_pem().as_bytes())?;
    eprintln!(
        "issued {} (serial {})",
        args.out.display(),
        cert.serial_hex()
    );
    Ok(())
}

fn revoke(args: RevokeArgs) -> anyhow::Result<()> {
    let ca = CaDir::open(&args.dir)?;
    let mut state = ca.state()?;
    let Some(entry) = state.find_mut(&args.serial) else {
        bail!(
            "no certificate with serial {} was issued by this CA",
            args.serial
        );
    };
    if let Some(revoked) = &entry.revoked {
        bail!(
            "{} is already revoked ({}); nothing changed",
            entry.serial,
            revoked.reason
        );
    }
    entry.revoked = Some(Revoked {
        time: unix_seconds(SystemTime::now()),
        reason: args.reason,
    });
    let serial = entry.serial.clone();
    ca.save(&state)?;
    eprintln!(
        "revoked {serial} ({}); publish a CRL with `podpis ca crl`",
        args.reason
    );
    Ok(())
}

fn publish_crl(args: CrlArgs) -> anyhow::Result<()> {
    let ca = CaDir::open(&args.dir)?;
    let key = ca.key(&args.password_file)?;
    let mut state = ca.state()?;
    let revoked = state
        .issued
        .iter()
        .filter_map(|i| {
            let r = i.revoked.as_ref()?;
            Some(hex::decode(&i.serial).map(|serial| Revocation {
                serial,
                time: UNIX_EPOCH + Duration::from_secs(r.time),
                reason: Some(r.reason),
            }))
        })
        .collect::<Result<Vec<_>, _>>()
        .context("the state holds a malformed serial number")?;
    let this_update = now();
    let params = CrlParams {
        number: state.crl_number + 1,
        this_update,
        next_update: this_update + days_duration(args.days)?,
        revoked,
    };
    let crl = Crl::issue(&params, key.as_ref(), &ca.certificate()?)?;
    // The number is spent before the CRL is written: a failed write skips a number (allowed)
    // rather than publishing one number twice.
    state.crl_number = params.number;
    ca.save(&state)?;
    output::write(&args.out, crl.to_pem().as_bytes())?;
    eprintln!(
        "CRL {} written to {} ({} revoked)",
        params.number,
        args.out.display(),
        params.revoked.len()
    );
    Ok(())
}

fn answer_ocsp(args: OcspArgs) -> anyhow::Result<()> {
    use podpis_pki::ocsp::{CertStatus, OcspRequest, respond};
    let request = OcspRequest::from_der(&output::read(&args.request)?)
        .with_context(|| args.request.display().to_string())?;
    let ca = CaDir::open(&args.dir)?;
    let key = ca.key(&args.password_file)?;
    let state = ca.state()?;
    let cert = ca.certificate()?;
    let lookup = |serial: &[u8]| {
        let serial = hex::encode_upper(serial);
        match state.issued.iter().find(|i| i.serial == serial) {
            None => CertStatus::Unknown,
            Some(Issued {
                revoked: Some(r), ..
            }) => CertStatus::Revoked {
                time: UNIX_EPOCH + Duration::from_secs(r.time),
                reason: Some(r.reason),
            },
            Some(_) => CertStatus::Good,
        }
    };
    let now = now();
    let next = now + Duration::from_secs(60).saturating_mul(u32::try_from(args.minutes)?);
    let response = respond(
        &request,
        &cert,
        lookup,
        key.as_ref(),
        &cert,
        now,
        Some(next),
    )?;
    output::write(&args.out, response.der())?;
    for status in response.statuses() {
        eprintln!("{}: {}", status.cert_id.serial_hex(), status.status);
    }
    Ok(())
}

#[derive(Serialize)]
struct Listing<'a> {
    crl_number: u64,
    issued: &'a [Issued],
}

fn list(args: ListArgs) -> anyhow::Result<()> {
    let ca = CaDir::open(&args.dir)?;
    let state = ca.state()?;
    if args.json {
        let listing = Listing {
            crl_number: state.crl_number,
            issued: &state.issued,
        };
        println!("{}", serde_json::to_string_pretty(&listing)?);
        return Ok(());
    }
    for i in &state.issued {
        let status = match &i.revoked {
            Some(r) => format!("revoked ({})", r.reason),
            None => "valid".into(),
        };
        println!(
            "{}  {:<14} {:<22} {}",
            i.serial, i.profile, status, i.subject
        );
    }
    Ok(())
}
