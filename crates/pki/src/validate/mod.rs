//! Certificate path validation (RFC 5280 §6) with a layered report in the manner of
//! ETSI EN 319 102-1: an indication, a sub-indication, and the checks behind them.
//!
//! Paths are built depth-first from the end certificate towards the trust anchors, over the
//! anchors and the untrusted intermediates offered; candidates whose key identifiers agree come
//! first, a certificate never appears twice in a path, and a budget bounds the work on
//! pathological inputs. Each complete path is validated in full (signatures, validity at the
//! given time, basic constraints and path length, key usage, name constraints, unknown critical
//! extensions, revocation from the CRLs handed in); the first path that passes wins, and when none
//! does the report explains the most telling failure (a wrong signature only when nothing
//! else went wrong).

pub(crate) mod facts;
mod names;

use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use const_oid::ObjectIdentifier;
use serde::Serialize;

use crate::certificate::Certificate;
use crate::crl::{Crl, Reason};
use crate::ocsp::{CertStatus, OcspResponse};
use facts::Facts;

/// The overall verdict (EU DSS spelling).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Indication {
    /// Every check passed.
    TotalPassed,
    /// A check failed for good: the certificate must not be accepted.
    TotalFailed,
    /// The checks could not conclude (no chain, constraints not met, status unknown).
    Indeterminate,
}

/// Why the verdict is not TOTAL_PASSED (ETSI EN 319 102-1 sub-indications).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SubIndication {
    /// A certificate is malformed or breaks the profile.
    FormatFailure,
    /// A signature in the chain does not verify.
    SigCryptoFailure,
    /// A certificate in the chain is revoked.
    Revoked,
    /// A certificate in the chain has expired at the validation time.
    Expired,
    /// A certificate in the chain is not yet valid at the validation time.
    NotYetValid,
    /// No path to a trust anchor could be built.
    NoCertificateChainFound,
    /// A constraint of the chain is not met (CA flag, path length, key usage, names,
    /// unknown critical extension).
    ChainConstraintsFailure,
    /// Revocation status was required but no usable CRL covers a certificate.
    TryLater,
    /// The signed document differs from the one signed (its digest does not match).
    HashFailure,
    /// The signer's certificate is not at hand.
    NoSigningCertificateFound,
}

impl SubIndication {
    /// The indication this sub-indication belongs to.
    pub fn indication(self) -> Indication {
        match self {
            Self::FormatFailure
            | Self::SigCryptoFailure
            | Self::Revoked
            | Self::Expired
            | Self::NotYetValid
            | Self::HashFailure => Indication::TotalFailed,
            Self::NoCertificateChainFound
            | Self::ChainConstraintsFailure
            | Self::TryLater
            | Self::NoSigningCertificateFound => Indication::Indeterminate,
        }
    }
}

/// What to validate against.
#[derive(Clone, Debug)]
pub struct Options {
    /// The validation time (truncated to whole seconds, as certificates carry them).
    pub time: SystemTime,
    /// CRLs to take revocation status from.
    pub crls: Vec<Crl>,
    /// OCSP responses to take revocation status from (consulted before the CRLs).
    pub ocsp: Vec<OcspResponse>,
    /// The time the CRLs and OCSP responses must be current at, when not the validation time:
    /// to validate at a past signing time, give the present — a current CRL that does not list
    /// the certificate as revoked before the signing time shows it was good then.
    pub status_time: Option<SystemTime>,
    /// Whether every certificate below the anchor must be covered by a CRL or an OCSP response
    /// (else TRY_LATER).
    pub require_revocation: bool,
    /// Extended key usages the end certificate must allow (when it has the extension).
    pub required_eku: Vec<ObjectIdentifier>,
    /// Whether the end certificate must be a qualified certificate (see [`crate::qualified`]).
    pub qualified: bool,
    /// The longest path, in certificates, anchor included.
    pub max_depth: usize,
    /// How many candidate issuers path building may try in all.
    pub build_budget: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            time: SystemTime::now(),
            crls: Vec::new(),
            ocsp: Vec::new(),
            status_time: None,
            require_revocation: false,
            required_eku: Vec::new(),
            qualified: false,
            max_depth: 10,
            build_budget: 2_000,
        }
    }
}

/// One check behind the verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The certificate's position in the chain (0: the end certificate).
    pub position: usize,
    /// What was checked: `signature`, `validity`, `revocation`, `basicConstraints`, …
    pub check: &'static str,
    /// Whether it passed.
    pub passed: bool,
    /// What was found.
    pub detail: String,
}

/// A certificate of the chain, in brief.
#[derive(Clone, Debug, Serialize)]
pub struct ChainEntry {
    /// The subject, as `CN=…, O=…`.
    pub subject: String,
    /// Serial number, hex.
    pub serial: String,
    /// Start of validity, RFC 3339.
    pub not_before: String,
    /// End of validity, RFC 3339.
    pub not_after: String,
    /// Whether it is the trust anchor.
    pub trust_anchor: bool,
}

/// The outcome of a validation.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The verdict.
    pub indication: Indication,
    /// Why, unless TOTAL_PASSED.
    pub sub_indication: Option<SubIndication>,
    /// The chain the checks ran on, end certificate first (empty when none was found).
    pub chain: Vec<ChainEntry>,
    /// Every check made on that chain.
    pub checks: Vec<Check>,
}

impl Report {
    /// Whether the certificate is valid.
    pub fn passed(&self) -> bool {
        self.indication == Indication::TotalPassed
    }
}

/// A pool of trust anchors.
#[derive(Clone, Debug, Default)]
pub struct TrustStore {
    anchors: Vec<Certificate>,
}

impl TrustStore {
    /// A store of these anchors.
    pub fn new(anchors: Vec<Certificate>) -> Self {
        Self { anchors }
    }

    /// The anchors.
    pub fn anchors(&self) -> &[Certificate] {
        &self.anchors
    }
}

/// What path validation reads of one certificate alone: read once, on first use, and shared by
/// the certificate's clones (see [`Certificate::reading`]), so that a registry's certificates
/// are not read again at every validation.
#[derive(Debug)]
pub(crate) struct Reading {
    /// Its extensions, and its faults alone.
    pub(crate) facts: Facts,
    /// Subject and issuer names as path building compares them.
    pub(crate) subject: ComparableName,
    pub(crate) issuer: ComparableName,
    /// The subject as a report shows it (`C=RU, CN=…`).
    subject_text: String,
    /// Whether it conforms to the qualified profile of an owner's certificate, and what that
    /// check says; read when first asked.
    qualified: OnceLock<(bool, String)>,
}

impl Reading {
    /// Reads `cert`.
    pub(crate) fn of(cert: &Certificate) -> Self {
        let subject = cert.subject();
        Self {
            facts: Facts::of(cert),
            subject_text: name_text(&subject),
            subject: comparable(subject),
            issuer: comparable(cert.issuer()),
            qualified: OnceLock::new(),
        }
    }
}

/// A certificate with what validation reads of it.
struct Node<'a> {
    cert: &'a Certificate,
    facts: &'a Facts,
    anchor: bool,
    subject: &'a ComparableName,
    issuer: &'a ComparableName,
}

impl<'a> Node<'a> {
    fn new(cert: &'a Certificate, anchor: bool) -> Self {
        let reading = cert.reading();
        Self {
            cert,
            facts: &reading.facts,
            anchor,
            subject: &reading.subject,
            issuer: &reading.issuer,
        }
    }
}

/// Validates `end` against `trust`, with `intermediates` offered for path building.
pub fn validate(
    end: &Certificate,
    intermediates: &[Certificate],
    trust: &TrustStore,
    options: &Options,
) -> Report {
    let time = UNIX_EPOCH
        + Duration::from_secs(
            options
                .time
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        );
    let options = Options {
        time,
        ..options.clone()
    };
    let mut nodes = vec![Node::new(end, false)];
    nodes.extend(trust.anchors.iter().map(|cert| Node::new(cert, true)));
    for cert in intermediates {
        if !trust.anchors.iter().any(|a| a.der() == cert.der()) && cert.der() != end.der() {
            nodes.push(Node::new(cert, false));
        }
    }
    let mut search = Search {
        nodes: &nodes,
        options: &options,
        budget: options.build_budget,
        first_failure: None,
        budget_exhausted: false,
    };
    let mut path = vec![0];
    if let Some(report) = search.extend(&mut path) {
        return report;
    }
    if let Some(report) = search.first_failure {
        return report;
    }
    let detail = if search.budget_exhausted {
        "path building gave up: too many candidate issuers (a pathological set of certificates?)"
            .to_string()
    } else {
        "no path from the certificate to a trust anchor".to_string()
    };
    Report {
        indication: Indication::Indeterminate,
        sub_indication: Some(SubIndication::NoCertificateChainFound),
        chain: Vec::new(),
        checks: vec![Check {
            position: 0,
            check: "chain",
            passed: false,
            detail,
        }],
    }
}

/// Depth-first path building.
struct Search<'a> {
    nodes: &'a [Node<'a>],
    options: &'a Options,
    budget: usize,
    first_failure: Option<Report>,
    budget_exhausted: bool,
}

impl Search<'_> {
    /// Extends `path` (indices into `nodes`, end certificate first) to an anchor; returns the
    /// report of the first complete path that validates.
    fn extend(&mut self, path: &mut Vec<usize>) -> Option<Report> {
        let last = &self.nodes[*path
            .last()
            .expect("the path starts with the end certificate")];
        if last.anchor {
            let report = check_path(self.nodes, path, self.options);
            if report.passed() {
                return Some(report);
            }
            // Report the most telling failure: a path whose signatures do not even verify
            // (a wrong candidate with the right name) gives way to any other.
            let replace = match &self.first_failure {
                None => true,
                Some(first) => {
                    first.sub_indication == Some(SubIndication::SigCryptoFailure)
                        && report.sub_indication != Some(SubIndication::SigCryptoFailure)
                }
            };
            if replace {
                self.first_failure = Some(report);
            }
            return None;
        }
        if path.len() >= self.options.max_depth {
            return None;
        }
        let mut candidates: Vec<usize> = (0..self.nodes.len())
            .filter(|i| !path.contains(i))
            .filter(|&i| self.nodes[i].subject == last.issuer)
            .collect();
        // Candidates whose subject key identifier is the one asked for first, anchors before
        // intermediates among them.
        candidates.sort_by_key(|&i| {
            let node = &self.nodes[i];
            let key_match = match (&last.facts.aki, &node.facts.ski) {
                (Some(aki), Some(ski)) => aki == ski,
                _ => true,
            };
            (!key_match, !node.anchor)
        });
        for i in candidates {
            if self.budget == 0 {
                self.budget_exhausted = true;
                return None;
            }
            self.budget -= 1;
            // The same key under the same name already in the path is a loop.
            let node = &self.nodes[i];
            if path.iter().any(|&p| {
                self.nodes[p].subject == node.subject
                    && self.nodes[p]
                        .cert
                        .x509()
                        .tbs_certificate()
                        .subject_public_key_info()
                        == node.cert.x509().tbs_certificate().subject_public_key_info()
            }) {
                continue;
            }
            path.push(i);
            if let Some(report) = self.extend(path) {
                return Some(report);
            }
            path.pop();
        }
        None
    }
}

/// A name as attribute OIDs and normalised values: two names are the same when these are
/// (RFC 5280 §7.1, approximated: case and runs of spaces do not matter).
type ComparableName = Vec<(String, String)>;

fn comparable(attributes: Vec<crate::certificate::NameAttribute>) -> ComparableName {
    attributes
        .into_iter()
        .map(|a| (a.oid, normalize(&a.value)))
        .collect()
}

/// Case-folded text with runs of white space made one space and the ends trimmed.
fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Collects the checks of one path and the first failure's sub-indication.
struct Findings {
    checks: Vec<Check>,
    failure: Option<SubIndication>,
}

impl Findings {
    fn record(
        &mut self,
        position: usize,
        check: &'static str,
        result: Result<String, (SubIndication, String)>,
    ) {
        match result {
            Ok(detail) => self.checks.push(Check {
                position,
                check,
                passed: true,
                detail,
            }),
            Err((sub, detail)) => {
                self.failure.get_or_insert(sub);
                self.checks.push(Check {
                    position,
                    check,
                    passed: false,
                    detail,
                });
            }
        }
    }
}

/// Validates one complete path (end certificate first, anchor last).
fn check_path(nodes: &[Node<'_>], path: &[usize], options: &Options) -> Report {
    use SubIndication as S;
    let mut f = Findings {
        checks: Vec::new(),
        failure: None,
    };
    let mut name_budget = names::COMPARISON_BUDGET;
    for (pos, &i) in path.iter().enumerate() {
        let node = &nodes[i];
        let cert = node.cert;
        let is_end = pos == 0;
        let facts = &node.facts;
        // Encoding and profile faults of the certificate alone.
        f.record(
            pos,
            "profile",
            if facts.faults.is_empty() {
                Ok("well-formed".into())
            } else {
                Err((S::FormatFailure, facts.faults.join("; ")))
            },
        );
        f.record(pos, "validity", validity(cert, options.time));
        f.record(
            pos,
            "criticalExtensions",
            if facts.unknown_critical.is_empty() {
                Ok("no unknown critical extension".into())
            } else {
                let oids: Vec<String> = facts
                    .unknown_critical
                    .iter()
                    .map(|o| o.to_string())
                    .collect();
                Err((
                    S::ChainConstraintsFailure,
                    format!("unknown critical extension {}", oids.join(", ")),
                ))
            },
        );
        f.record(
            pos,
            "keyIdentifiers",
            key_identifiers(cert, facts, is_end, node.anchor),
        );
        if is_end {
            f.record(pos, "endCertificate", end_constraints(facts, options));
            if options.qualified {
                let (conforms, summary) = cert.reading().qualified.get_or_init(|| {
                    let qualified = crate::qualified::examine(cert);
                    (qualified.conforms(), qualified.summary())
                });
                f.record(
                    pos,
                    "qualifiedProfile",
                    if *conforms {
                        Ok(summary.clone())
                    } else {
                        Err((S::FormatFailure, summary.clone()))
                    },
                );
            }
        } else {
            // Position `pos` issued the certificate below it.
            f.record(
                pos,
                "basicConstraints",
                ca_constraints(facts, pos - 1, path, nodes),
            );
        }
        if !node.anchor {
            let issuer = nodes[path[pos + 1]].cert;
            f.record(
                pos,
                "signature",
                cert.verify_issued_by(issuer)
                    .map(|()| format!("signed by {}", subject_text(issuer)))
                    .map_err(|e| (S::SigCryptoFailure, e.to_string())),
            );
            f.record(pos, "revocation", revocation(cert, issuer, options));
        }
        // Name constraints of every CA above apply to this certificate, unless it is a
        // self-issued intermediate.
        if is_end || !cert.is_self_issued() {
            for &above in &path[pos + 1..] {
                let Some((nc, critical)) = &nodes[above].facts.name_constraints else {
                    continue;
                };
                let result = if !critical {
                    Err("nameConstraints must be critical".to_string())
                } else {
                    names::check_constraints(nc).and_then(|()| {
                        names::check_against(
                            nc,
                            &names::Subject {
                                name: cert.x509().tbs_certificate().subject(),
                                alt_names: facts.san.as_deref().unwrap_or_default(),
                            },
                            &mut name_budget,
                        )
                    })
                };
                f.record(
                    pos,
                    "nameConstraints",
                    result
                        .map(|()| "within the name constraints".into())
                        .map_err(|e| (S::ChainConstraintsFailure, e)),
                );
            }
        }
    }
    let chain = path
        .iter()
        .map(|&i| {
            let cert = nodes[i].cert;
            let (not_before, not_after) = cert.validity_text();
            ChainEntry {
                subject: subject_text(cert),
                serial: cert.serial_hex(),
                not_before,
                not_after,
                trust_anchor: nodes[i].anchor,
            }
        })
        .collect();
    Report {
        indication: f.failure.map_or(Indication::TotalPassed, S::indication),
        sub_indication: f.failure,
        chain,
        checks: f.checks,
    }
}

/// A certificate's subject as `C=RU, CN=…`.
pub(crate) fn subject_text(cert: &Certificate) -> String {
    cert.reading().subject_text.clone()
}

/// A name as `C=RU, CN=…`.
pub(crate) fn name_text(attributes: &[crate::certificate::NameAttribute]) -> String {
    attributes
        .iter()
        .map(|a| format!("{}={}", a.short.unwrap_or(&a.oid), a.value))
        .collect::<Vec<_>>()
        .join(", ")
}

type Outcome = Result<String, (SubIndication, String)>;

/// Whether `time` falls within `cert`'s validity period.
pub(crate) fn validity(cert: &Certificate, time: SystemTime) -> Outcome {
    let (from, to) = cert.validity();
    let t = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let (start, end) = cert.validity_text();
    if t < from {
        Err((
            SubIndication::NotYetValid,
            format!("not valid before {start}"),
        ))
    } else if t > to {
        Err((SubIndication::Expired, format!("expired at {end}")))
    } else {
        Ok(format!("valid from {start} to {end}"))
    }
}

/// RFC 5280 §4.2.1.1–2: AKI in every certificate but a self-issued one; SKI in CA certificates.
fn key_identifiers(cert: &Certificate, facts: &Facts, is_end: bool, anchor: bool) -> Outcome {
    if !facts.has_aki && !cert.is_self_issued() {
        return Err((
            SubIndication::FormatFailure,
            "authorityKeyIdentifier is missing".into(),
        ));
    }
    if facts.ski.is_none() && (facts.is_ca() || anchor || !is_end) {
        return Err((
            SubIndication::FormatFailure,
            "a CA certificate without subjectKeyIdentifier".into(),
        ));
    }
    Ok("present".into())
}

/// A certificate that issues another: a CA (critical basicConstraints with cA), allowed to sign
/// certificates, within its path length.
fn ca_constraints(facts: &Facts, below: usize, path: &[usize], nodes: &[Node<'_>]) -> Outcome {
    let fail = |d: &str| Err((SubIndication::ChainConstraintsFailure, d.to_string()));
    let Some((bc, critical)) = &facts.basic else {
        return fail("an issuing certificate without basicConstraints");
    };
    if !bc.ca {
        return fail("an issuing certificate that is not a CA (cA is false)");
    }
    if !critical {
        return fail("basicConstraints of a CA must be critical");
    }
    if !facts.may_sign_certificates() {
        return fail("key usage of a CA without keyCertSign");
    }
    if let Some(limit) = bc.path_len_constraint {
        // Intermediates below this one that are not self-issued.
        let following = path[1..=below]
            .iter()
            .filter(|&&i| !nodes[i].cert.is_self_issued())
            .count();
        if following > limit as usize {
            return fail(&format!(
                "path length {following} below a CA that allows {limit}"
            ));
        }
    }
    Ok("a CA allowed to issue".into())
}

/// The end certificate: key usage consistent with its basic constraints, the extended key usage
/// asked for.
fn end_constraints(facts: &Facts, options: &Options) -> Outcome {
    let fail = |d: String| Err((SubIndication::ChainConstraintsFailure, d));
    if facts
        .key_usage
        .as_ref()
        .is_some_and(|ku| ku.key_cert_sign())
        && !facts.is_ca()
    {
        return fail("keyCertSign without cA".into());
    }
    if facts.name_constraints.is_some() && !facts.is_ca() {
        return fail("nameConstraints in an end-entity certificate".into());
    }
    if let Some(eku) = &facts.eku {
        const ANY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");
        for wanted in &options.required_eku {
            if !eku.contains(wanted) && !eku.contains(&ANY) {
                return fail(format!("extended key usage does not allow {wanted}"));
            }
        }
    }
    Ok("usage as required".into())
}

/// Revocation status from the OCSP responses handed in (a response signed by the issuer or its
/// delegated responder, current at the status time, that knows the certificate), else from
/// the CRLs: a CRL of the issuer, signed by it, current at the status time. Either says
/// revoked only for a revocation at or before the validation time.
fn revocation(cert: &Certificate, issuer: &Certificate, options: &Options) -> Outcome {
    if let Some(outcome) = ocsp_status(cert, issuer, options) {
        return outcome;
    }
    let serial = cert.serial();
    let fresh = options.status_time.unwrap_or(options.time);
    let crl = options.crls.iter().find(|crl| {
        comparable(crl.issuer()) == cert.reading().issuer
            && crl.verify_issued_by(issuer).is_ok()
            && crl.this_update() <= fresh
            && crl.next_update().is_none_or(|next| next >= fresh)
    });
    let Some(crl) = crl else {
        return if options.require_revocation {
            Err((
                SubIndication::TryLater,
                "no current CRL or OCSP response of the issuer was available".into(),
            ))
        } else {
            Ok("not checked (no CRL or OCSP response given)".into())
        };
    };
    match crl.find(serial) {
        Some(entry) if entry.time <= options.time => Err((
            SubIndication::Revoked,
            format!(
                "revoked ({}) according to CRL {}",
                entry.reason.unwrap_or(Reason::Unspecified),
                crl.number()
                    .map_or("without number".into(), |n| n.to_string())
            ),
        )),
        _ => Ok(format!(
            "not revoked according to CRL {}",
            crl.number()
                .map_or("without number".into(), |n| n.to_string())
        )),
    }
}

/// The status of `cert` in the first usable OCSP response, if one says good or revoked.
fn ocsp_status(cert: &Certificate, issuer: &Certificate, options: &Options) -> Option<Outcome> {
    let at = options.time;
    let fresh = options.status_time.unwrap_or(at);
    options.ocsp.iter().find_map(|response| {
        let status = response.statuses().into_iter().find(|s| {
            s.cert_id.serial() == cert.serial()
                && s.cert_id.is_issued_by(issuer)
                && s.this_update <= fresh
                && s.next_update.is_none_or(|next| next >= fresh)
                && s.status != CertStatus::Unknown
        })?;
        response.verify(issuer, fresh).ok()?;
        let produced = response
            .produced_at()
            .and_then(|t| der::DateTime::from_system_time(t).ok())
            .map(|t| t.to_string())
            .unwrap_or_default();
        Some(match status.status {
            CertStatus::Revoked { time, reason } if time <= at => Err((
                SubIndication::Revoked,
                format!(
                    "revoked ({}) according to the OCSP response of {produced}",
                    reason.unwrap_or(Reason::Unspecified)
                ),
            )),
            _ => Ok(format!("good according to the OCSP response of {produced}")),
        })
    })
}
