//! The public verification service: anyone may check a signed document (a detached `.sig` with
//! its document, or an attached signature) or a certificate alone, against the registry of
//! accredited centres — no account needed, nothing stored unless asked (see [`crate::kept`]).
//! Each signer's certificate is validated twice: now, and at the signing time it claims
//! (revocation after signing does not undo a signature; an expiry since does not either).

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use podpis_pki::Certificate;
use podpis_pki::cades::{
    DigestAlgorithm, DocumentReport, SignedMessage, SignerIdentity, verify_document,
};
use podpis_pki::crl::Crl;
use podpis_pki::ocsp::OcspResponse;
use podpis_pki::validate::{self, Options, TrustStore, validate};
use podpis_store::Centre;
use serde::Serialize;

use crate::centres::internal;
use crate::clock::parse_time;
use crate::{Context, Error, Lang, Portal, Result};

/// The largest document or signature the service checks, in bytes (10 MiB).
pub const MAX_VERIFY_BYTES: usize = 10 * 1024 * 1024;

/// A centre of the registry, as a report names it.
#[derive(Clone, Debug, Serialize)]
pub struct CentreRef {
    /// Its identifier in the registry.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Whether its accreditation was in force at the time in question.
    pub accredited: bool,
}

/// What the registry says about one signer.
#[derive(Clone, Debug, Serialize)]
pub struct SignerContext {
    /// The registry centre that issued the signer's certificate, accreditation at signing time.
    pub centre: Option<CentreRef>,
    /// The certificate's validation at the signing time (absent without a claimed time or a
    /// certificate).
    pub at_signing_time: Option<validate::Report>,
}

/// The report on a signed document.
#[derive(Clone, Debug, Serialize)]
pub struct Verification {
    /// When it was checked (Unix seconds).
    pub checked_at: i64,
    /// The Streebog-256 hash of the document checked, hex.
    pub document_hash: String,
    /// Its size in bytes.
    pub document_size: usize,
    /// Whether the document is intact: every signature's own checks (the digest over these
    /// bytes, the signature value) passed.
    pub intact: bool,
    /// The layered report, the certificates validated now.
    pub report: DocumentReport,
    /// Per signer, in the order of the report.
    pub signers: Vec<SignerContext>,
}

/// The report on a certificate alone.
#[derive(Clone, Debug, Serialize)]
pub struct CertificateVerification {
    /// When it was checked (Unix seconds).
    pub checked_at: i64,
    /// Whose it is.
    pub identity: SignerIdentity,
    /// The registry centre that issued it, accreditation now.
    pub centre: Option<CentreRef>,
    /// Its validation now.
    pub report: validate::Report,
}

/// A centre of the registry with its CA chain.
#[derive(Clone)]
pub(crate) struct RegistryCentre {
    /// The centre.
    pub(crate) centre: Centre,
    /// Its CA certificate first, then the ones above it; shared, so handing it on is cheap.
    pub(crate) chain: Arc<[Certificate]>,
}

/// The registry as trust: its centres with their CA chains, the anchors, and the other
/// certificates of their chains. Kept per node (see [`crate::authority`]): its certificates
/// keep their keys, and a GOST key that verifies again and again builds tables that make it
/// faster.
pub(crate) struct Registry {
    pub(crate) centres: Vec<RegistryCentre>,
    trust: TrustStore,
    intermediates: Vec<Certificate>,
}

impl Registry {
    /// The centre whose CA certificate issued `cert`.
    pub(crate) fn centre_of(&self, cert: &Certificate) -> Option<&RegistryCentre> {
        self.centres.iter().find(|entry| {
            let ca = &entry.chain[0];
            ca.subject_der() == cert.issuer_der() && cert.verify_issued_by(ca).is_ok()
        })
    }

    fn centre_ref(&self, cert: &Certificate, at: i64) -> Option<CentreRef> {
        self.centre_of(cert).map(|entry| CentreRef {
            id: entry.centre.id.clone(),
            name: entry.centre.name.clone(),
            accredited: entry.centre.accredited_at(at),
        })
    }
}

fn unix(t: i64) -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(t.max(0) as u64)
}

fn refuse(field: &'static str, ru: String, en: String) -> Error {
    Error::invalid(field, ru, en)
}

impl Portal {
    /// Checks a signature: `signature` (DER or PEM) over `document`, or over the content it
    /// carries when `document` is `None`. Rate-limited per address.
    pub async fn verify_signature(
        &self,
        ctx: &Context,
        document: Option<&[u8]>,
        signature: &[u8],
    ) -> Result<Verification> {
        self.limit_address(ctx, "verify").await?;
        for (field, ru, en, bytes) in [
            (
                "document",
                "Документ",
                "The document",
                document.unwrap_or_default(),
            ),
            ("signature", "Файл подписи", "The signature file", signature),
        ] {
            if bytes.len() > MAX_VERIFY_BYTES {
                let mb = MAX_VERIFY_BYTES / (1024 * 1024);
                return Err(refuse(
                    field,
                    format!("{ru} больше {mb} МБ: такие файлы сервис не проверяет."),
                    format!("{en} is larger than {mb} MB, which the service does not check."),
                ));
            }
        }
        self.verification(document, signature).await
    }

    /// The report on `signature` over `document` (or its attached content), with no limit
    /// counted: for the public service above and for a document's own package.
    pub(crate) async fn verification(
        &self,
        document: Option<&[u8]>,
        signature: &[u8],
    ) -> Result<Verification> {
        let message = SignedMessage::from_bytes(signature).map_err(|e| {
            refuse(
                "signature",
                format!("Файл подписи не является подписью CMS (.sig, DER или PEM): {e}"),
                format!("The signature file is not a CMS signature (.sig, DER or PEM): {e}"),
            )
        })?;
        let attached = message.content();
        let content = match (document, attached.as_deref()) {
            (Some(d), _) => d,
            (None, Some(c)) => c,
            (None, None) => {
                return Err(refuse(
                    "document",
                    "Подпись отсоединённая: приложите и подписанный документ.".into(),
                    "The signature is detached: add the signed document as well.".into(),
                ));
            }
        };
        let registry = self.registry().await?;
        let now = self.now();
        let (crls, ocsp) = self.evidence(&registry, &message.certificates()).await;
        let options = |time| Options {
            time: unix(time),
            status_time: Some(unix(now)),
            crls: crls.clone(),
            ocsp: ocsp.clone(),
            require_revocation: true,
            qualified: true,
            ..Options::default()
        };
        // The document's own hash doubles as the digest of signatures made with Streebog-256.
        let hash = DigestAlgorithm::Streebog256.digest(content);
        let report = verify_document(
            &message,
            &|algorithm| match algorithm {
                DigestAlgorithm::Streebog256 => hash.clone(),
                other => other.digest(content),
            },
            &registry.intermediates,
            &registry.trust,
            &options(now),
        );
        let mut pool = message.certificates();
        pool.extend_from_slice(&registry.intermediates);
        let signers = report
            .signatures
            .iter()
            .map(|s| {
                let cert = s.signer.as_ref().and_then(|id| {
                    pool.iter()
                        .find(|c| c.serial_hex() == id.certificate_serial && !c.is_ca())
                });
                let at = s.signing_time.as_deref().and_then(parse_time);
                SignerContext {
                    centre: cert.and_then(|c| registry.centre_ref(c, at.unwrap_or(now))),
                    at_signing_time: cert
                        .zip(at)
                        .map(|(c, at)| validate(c, &pool, &registry.trust, &options(at))),
                }
            })
            .collect();
        Ok(Verification {
            checked_at: now,
            document_hash: hex::encode(&hash),
            document_size: content.len(),
            intact: report
                .signatures
                .iter()
                .all(|s| s.checks.iter().all(|c| c.passed)),
            report,
            signers,
        })
    }

    /// Checks a certificate alone (DER or PEM) against the registry, now. Rate-limited per
    /// address.
    pub async fn verify_certificate(
        &self,
        ctx: &Context,
        bytes: &[u8],
    ) -> Result<CertificateVerification> {
        self.limit_address(ctx, "verify").await?;
        let cert = Certificate::load_all(bytes)
            .ok()
            .and_then(|all| all.into_iter().next())
            .ok_or_else(|| {
                refuse(
                    "certificate",
                    "Файл не является сертификатом X.509 (.cer, DER или PEM).".into(),
                    "The file is not an X.509 certificate (.cer, DER or PEM).".into(),
                )
            })?;
        let registry = self.registry().await?;
        let now = self.now();
        let (crls, ocsp) = self.evidence(&registry, std::slice::from_ref(&cert)).await;
        let options = Options {
            time: unix(now),
            crls,
            ocsp,
            require_revocation: true,
            qualified: true,
            ..Options::default()
        };
        Ok(CertificateVerification {
            checked_at: now,
            identity: SignerIdentity::of(&cert),
            centre: registry.centre_ref(&cert, now),
            report: validate(&cert, &registry.intermediates, &registry.trust, &options),
        })
    }

    /// Every centre of the registry with its CA chain, as trust (cached per node).
    pub(crate) async fn registry(&self) -> Result<Arc<Registry>> {
        self.check_epoch().await?;
        if let Some(registry) = self.authority.registry.read().expect("cache lock").as_ref() {
            return Ok(registry.clone());
        }
        let generation = self.authority.generation();
        let mut centres = Vec::new();
        let mut anchors = Vec::new();
        let mut intermediates = Vec::new();
        for centre in self.centres().await? {
            let chain = centre
                .chain
                .iter()
                .map(|d| Certificate::from_der(d).map_err(internal))
                .collect::<Result<Vec<_>>>()?;
            let Some((anchor, rest)) = chain.split_last() else {
                continue;
            };
            // Centres often share a root, or a CA above them: each certificate once, so that
            // path building does not try the same one again.
            push_new(&mut anchors, anchor);
            for cert in rest {
                push_new(&mut intermediates, cert);
            }
            centres.push(RegistryCentre {
                centre,
                chain: chain.into(),
            });
        }
        let registry = Arc::new(Registry {
            centres,
            trust: TrustStore::new(anchors),
            intermediates,
        });
        self.authority
            .keep_if_current(&self.authority.registry, generation, |slot| {
                *slot = Some(registry.clone())
            });
        Ok(registry)
    }

    /// The revocation evidence for those of `certs` a registry centre issued, each centre
    /// asked once; a centre that cannot say is left out (its certificates then come out
    /// TRY_LATER, not valid).
    async fn evidence(
        &self,
        registry: &Registry,
        certs: &[Certificate],
    ) -> (Vec<Crl>, Vec<OcspResponse>) {
        let (mut crls, mut ocsp) = (Vec::new(), Vec::new());
        let mut asked: Vec<&str> = Vec::new();
        for cert in certs.iter().filter(|c| !c.is_ca()) {
            let Some(RegistryCentre { centre, chain }) = registry.centre_of(cert) else {
                continue;
            };
            if centre.ocsp_url.is_none() || centre.hosted {
                if asked.contains(&centre.id.as_str()) {
                    continue;
                }
                asked.push(&centre.id);
            }
            match self.revocation_evidence(centre, cert, &chain[0]).await {
                Ok((c, o)) => {
                    crls.extend(c);
                    ocsp.extend(o);
                }
                Err(e) => tracing::warn!(centre = %centre.id, error = %e, "no revocation status"),
            }
        }
        (crls, ocsp)
    }
}

/// The serde name of `value` (`TOTAL_PASSED`, `REVOKED`, …).
fn name_of(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// `report`'s verdict with its reason, as `TOTAL_FAILED (REVOKED)`.
pub fn outcome(report: &validate::Report) -> String {
    match report.sub_indication {
        Some(sub) => format!("{} ({})", name_of(&report.indication), name_of(&sub)),
        None => name_of(&report.indication),
    }
}

/// The most lines a report's page holds.
const REPORT_LINES: usize = 44;

/// The verification report `v` as a one-page PDF a person can print, set in `font` (a
/// TrueType font with Cyrillic, as for the issuance act).
pub fn verification_report(v: &Verification, font: &[u8]) -> Result<Vec<u8>> {
    let verdict = match v.report.indication {
        validate::Indication::TotalPassed => "подпись действительна",
        validate::Indication::TotalFailed => "подпись недействительна",
        validate::Indication::Indeterminate => "действительность не установлена",
    };
    let line = |label: &str, value: String| (label.to_owned(), value);
    let mut body = vec![
        line("", "Документ".into()),
        line("Хэш (Стрибог-256)", v.document_hash[..32].to_owned()),
        line("", v.document_hash[32..].to_owned()),
        line("Размер", format!("{} байт", v.document_size)),
        line("Проверено", crate::moscow_time(v.checked_at, Lang::Ru)),
        line(
            "Итог",
            format!("{verdict} ({})", name_of(&v.report.indication)),
        ),
        line(
            "Целостность",
            if v.intact {
                "документ не изменён после подписания".into()
            } else {
                "документ изменён или подпись повреждена".into()
            },
        ),
    ];
    for (i, (s, context)) in v.report.signatures.iter().zip(&v.signers).enumerate() {
        body.push(line("", format!("Подпись {}", i + 1)));
        if let Some(id) = &s.signer {
            let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
            body.push(line("Подписант", dash(&id.name)));
            body.push(line(
                "СНИЛС / ИНН",
                format!("{} / {}", dash(&id.snils), dash(&id.inn)),
            ));
            if id.organization.is_some() {
                body.push(line("Организация", dash(&id.organization)));
                body.push(line("ОГРН", dash(&id.ogrn)));
            }
            body.push(line("Сертификат", id.certificate_serial.clone()));
        }
        body.push(line(
            "УЦ из реестра",
            context
                .centre
                .as_ref()
                .map_or("нет (не из реестра)".into(), |c| {
                    format!(
                        "{}{}",
                        c.name,
                        if c.accredited {
                            ""
                        } else {
                            " (аккредитация не действовала)"
                        }
                    )
                }),
        ));
        body.push(line(
            "Время подписи",
            s.signing_time
                .clone()
                .unwrap_or_else(|| "не указано".into()),
        ));
        if let Some(now) = &s.certificate {
            body.push(line("Сертификат сейчас", outcome(now)));
        }
        if let Some(then) = &context.at_signing_time {
            body.push(line("При подписании", outcome(then)));
        }
        let failed = s
            .checks
            .iter()
            .map(|c| (c.passed, c.check, &c.detail))
            .chain(
                s.certificate
                    .iter()
                    .flat_map(|r| r.checks.iter().map(|c| (c.passed, c.check, &c.detail))),
            )
            .filter(|(passed, ..)| !passed);
        for (_, check, detail) in failed {
            let text: String = crate::check_text(check, detail, Lang::Ru)
                .chars()
                .take(64)
                .collect();
            body.push(line("Не пройдено", text));
        }
    }
    if body.len() > REPORT_LINES {
        body.truncate(REPORT_LINES - 1);
        body.push(line("", "… полный отчёт: API /api/v1/verify (JSON)".into()));
    }
    crate::act::one_page_pdf(
        font,
        &["Протокол проверки электронной подписи", "Podpis"],
        &body,
        &["Проверка выполнена по реестру аккредитованных удостоверяющих центров портала."],
    )
}

/// Adds `cert` to `list` unless it is there already.
fn push_new(list: &mut Vec<Certificate>, cert: &Certificate) {
    if !list.iter().any(|c| c.der() == cert.der()) {
        list.push(cert.clone());
    }
}
