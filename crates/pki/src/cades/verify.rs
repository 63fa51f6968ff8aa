//! Checking one signer of a SignedData against the document's digest: the signer's certificate
//! found, the signed attributes (contentType, messageDigest, signingCertificateV2, signingTime)
//! and the signature value. The certificate's path is validated separately
//! ([`crate::validate`]), at the time the caller chooses.

use std::time::{SystemTime, UNIX_EPOCH};

use cms::signed_data::{SignerIdentifier, SignerInfo};
use const_oid::ObjectIdentifier;
use der::Encode;
use der::asn1::OctetString;
use x509_cert::time::Time;

use super::attributes::{
    CONTENT_TYPE, MESSAGE_DIGEST, SIGNING_CERTIFICATE, SIGNING_CERTIFICATE_V2, SIGNING_TIME,
    SigningCertificateV2, single,
};
use super::{DigestAlgorithm, SignedMessage};
use crate::certificate::Certificate;
use crate::oid;
use crate::validate::SubIndication;

/// One check made on a signer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignerFinding {
    /// What was checked: `signerCertificate`, `contentType`, `messageDigest`, `signature`,
    /// `signingCertificate`, `signingTime`.
    pub check: &'static str,
    /// Whether it passed.
    pub passed: bool,
    /// What was found.
    pub detail: String,
    /// The sub-indication a failure gives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_indication: Option<SubIndication>,
}

/// What checking one signer found.
#[derive(Clone, Debug)]
pub struct SignerCheck {
    /// The signer's certificate, when it was found.
    pub certificate: Option<Certificate>,
    /// The signing time the signer claims (signingTime).
    pub signing_time: Option<SystemTime>,
    /// The digest algorithm the signer used.
    pub digest_algorithm: Option<DigestAlgorithm>,
    /// Every check, in order.
    pub findings: Vec<SignerFinding>,
}

impl SignerCheck {
    /// The first failure's sub-indication, if any check failed.
    pub fn failure(&self) -> Option<SubIndication> {
        self.findings
            .iter()
            .find(|f| !f.passed)
            .and_then(|f| f.sub_indication)
    }

    fn pass(&mut self, check: &'static str, detail: impl Into<String>) {
        self.findings.push(SignerFinding {
            check,
            passed: true,
            detail: detail.into(),
            sub_indication: None,
        });
    }

    fn fail(&mut self, check: &'static str, sub: SubIndication, detail: impl Into<String>) {
        self.findings.push(SignerFinding {
            check,
            passed: false,
            detail: detail.into(),
            sub_indication: Some(sub),
        });
    }
}

/// Checks signer `index` of `message` against `digest`, the document's digest by that signer's
/// digest algorithm ([`SignedMessage::digest_algorithms`]). The signer's certificate is looked
/// for in the message and in `extra_certificates`.
pub fn verify_signer(
    message: &SignedMessage,
    index: usize,
    digest: &[u8],
    extra_certificates: &[Certificate],
) -> SignerCheck {
    use SubIndication as S;
    let mut check = SignerCheck {
        certificate: None,
        signing_time: None,
        digest_algorithm: None,
        findings: Vec::new(),
    };
    let Some(info) = message.signed_data.signer_infos.0.get(index) else {
        check.fail("signer", S::FormatFailure, format!("no signer #{index}"));
        return check;
    };
    let algorithm = match DigestAlgorithm::from_oid(&info.digest_alg.oid) {
        Ok(a) => a,
        Err(e) => {
            check.fail("digestAlgorithm", S::FormatFailure, e.to_string());
            return check;
        }
    };
    check.digest_algorithm = Some(algorithm);
    let mut candidates = message.certificates();
    candidates.extend_from_slice(extra_certificates);
    let Some(cert) = candidates.into_iter().find(|c| identifies(&info.sid, c)) else {
        check.fail(
            "signerCertificate",
            S::NoSigningCertificateFound,
            "the signer's certificate is neither in the signature nor among those given",
        );
        return check;
    };
    check.pass(
        "signerCertificate",
        format!(
            "{} (serial {})",
            crate::validate::subject_text(&cert),
            cert.serial_hex()
        ),
    );
    let Some(attrs) = &info.signed_attrs else {
        // The signature covers the document itself: checked against its digest.
        check.pass(
            "signedAttributes",
            "none: the signature covers the document directly",
        );
        let sig_oid = signature_oid(&info.signature_algorithm.oid, algorithm);
        let result = cert
            .public_key()
            .and_then(|key| key.verify_digest(sig_oid, digest, info.signature.as_bytes()));
        record_signature(&mut check, sig_oid, result);
        check.certificate = Some(cert);
        return check;
    };
    let econtent_type = message.signed_data.encap_content_info.econtent_type;
    match single::<ObjectIdentifier>(attrs, CONTENT_TYPE) {
        Ok(Some(t)) if t == econtent_type => check.pass("contentType", t.to_string()),
        Ok(Some(t)) => check.fail(
            "contentType",
            S::FormatFailure,
            format!("contentType {t} differs from the content's type {econtent_type}"),
        ),
        Ok(None) => check.fail("contentType", S::FormatFailure, "contentType is missing"),
        Err(e) => check.fail("contentType", S::FormatFailure, e),
    }
    match single::<OctetString>(attrs, MESSAGE_DIGEST) {
        Ok(Some(d)) if d.as_bytes() == digest => check.pass(
            "messageDigest",
            format!("the document's {algorithm:?} digest matches"),
        ),
        Ok(Some(_)) => check.fail(
            "messageDigest",
            S::HashFailure,
            "the document differs from the one signed (its digest does not match)",
        ),
        Ok(None) => check.fail(
            "messageDigest",
            S::FormatFailure,
            "messageDigest is missing",
        ),
        Err(e) => check.fail("messageDigest", S::FormatFailure, e),
    }
    check_signature(&mut check, info, &cert, algorithm);
    check_signing_certificate(&mut check, attrs, &cert);
    match single::<Time>(attrs, SIGNING_TIME) {
        Ok(Some(t)) => {
            let at = UNIX_EPOCH + t.to_unix_duration();
            check.signing_time = Some(at);
            match within_key_periods(&cert, at) {
                Ok(()) => check.pass("signingTime", t.to_string()),
                Err((sub, why)) => check.fail("signingTime", sub, format!("{t}: {why}")),
            }
        }
        Ok(None) => check.pass("signingTime", "not stated"),
        Err(e) => check.fail("signingTime", S::FormatFailure, e),
    }
    check.certificate = Some(cert);
    check
}

/// A claimed signing time must fall within the certificate's validity and its private key
/// usage period (`shared/standards/cades-and-verification.md` §5, step 5).
fn within_key_periods(cert: &Certificate, at: SystemTime) -> Result<(), (SubIndication, String)> {
    use x509_cert::ext::pkix::PrivateKeyUsagePeriod;
    crate::validate::validity(cert, at)?;
    let key_end = cert
        .x509()
        .tbs_certificate()
        .get_extension::<PrivateKeyUsagePeriod>()
        .ok()
        .flatten()
        .and_then(|(_, period)| period.not_after);
    match key_end {
        Some(end) if at.duration_since(UNIX_EPOCH).unwrap_or_default() > end.to_unix_duration() => {
            Err((
                SubIndication::Expired,
                format!(
                    "after the private key's usage period (until {})",
                    end.to_date_time()
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// Whether `cert` is the one `sid` names.
fn identifies(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    let tbs = cert.x509().tbs_certificate();
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(isn) => {
            isn.serial_number == *tbs.serial_number() && isn.issuer == *tbs.issuer()
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => tbs
            .get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>()
            .is_ok_and(|found| found.is_some_and(|(_, own)| own == *ski)),
    }
}

/// The signature over the DER of the signed attributes, by the certificate's key.
fn check_signature(
    check: &mut SignerCheck,
    info: &SignerInfo,
    cert: &Certificate,
    algorithm: DigestAlgorithm,
) {
    let signed = match info.signed_attrs.as_ref().map(|a| a.to_der()) {
        Some(Ok(der)) => der,
        _ => {
            check.fail(
                "signature",
                SubIndication::FormatFailure,
                "the signed attributes cannot be encoded",
            );
            return;
        }
    };
    let sig_oid = signature_oid(&info.signature_algorithm.oid, algorithm);
    let result = cert
        .public_key()
        .and_then(|key| key.verify(sig_oid, &signed, info.signature.as_bytes()));
    record_signature(check, sig_oid, result);
}

/// Records the outcome of checking the signature value.
fn record_signature(
    check: &mut SignerCheck,
    sig_oid: ObjectIdentifier,
    result: Result<(), crate::Error>,
) {
    match result {
        Ok(()) => check.pass(
            "signature",
            format!(
                "{} signature verified with the certificate's key",
                oid::algorithm_name(&sig_oid).unwrap_or("the")
            ),
        ),
        Err(e) => check.fail("signature", SubIndication::SigCryptoFailure, e.to_string()),
    }
}

/// The signature algorithm to verify with: CMS may name the key's algorithm (GOST keys,
/// rsaEncryption, id-ecPublicKey) where certificates name the signature algorithm.
fn signature_oid(named: &ObjectIdentifier, digest: DigestAlgorithm) -> ObjectIdentifier {
    if let Ok(gost) = podpis_gost::Algorithm::from_key_oid(named) {
        return gost.signature_oid();
    }
    match (*named, digest) {
        (oid::RSA_ENCRYPTION, DigestAlgorithm::Sha256) => oid::RSA_SHA256,
        (oid::RSA_ENCRYPTION, DigestAlgorithm::Sha512) => oid::RSA_SHA512,
        (oid::EC_PUBLIC_KEY, DigestAlgorithm::Sha256) => oid::ECDSA_SHA256,
        (oid::EC_PUBLIC_KEY, DigestAlgorithm::Sha512) => oid::ECDSA_SHA512,
        (other, _) => other,
    }
}

/// signingCertificateV2, when present, must name the signer's certificate: its hash, and its
/// issuer and serial number when given.
fn check_signing_certificate(
    check: &mut SignerCheck,
    attrs: &cms::signed_data::SignedAttributes,
    cert: &Certificate,
) {
    const CHECK: &str = "signingCertificate";
    let fail = |check: &mut SignerCheck, detail: String| {
        check.fail(CHECK, SubIndication::FormatFailure, detail)
    };
    let v2 = match single::<SigningCertificateV2>(attrs, SIGNING_CERTIFICATE_V2) {
        Ok(v2) => v2,
        Err(e) => return fail(check, e),
    };
    let Some(first) = v2.as_ref().and_then(|v2| v2.certs.first()) else {
        let detail = if attrs.iter().any(|a| a.oid == SIGNING_CERTIFICATE) {
            "signingCertificate v1 (SHA-1) only: not checked"
        } else {
            "absent: a plain CMS signature, not CAdES-BES"
        };
        return check.pass(CHECK, detail);
    };
    let hash = match first.digest() {
        Ok(algorithm) => algorithm.digest(cert.der()),
        Err(e) => return fail(check, e.to_string()),
    };
    if first.cert_hash.as_bytes() != hash {
        return fail(
            check,
            "signingCertificateV2 names another certificate than the signer's".into(),
        );
    }
    if let Some(serial) = &first.issuer_serial
        && serial.serial_number != *cert.x509().tbs_certificate().serial_number()
    {
        return fail(
            check,
            "signingCertificateV2 names another serial number than the signer's".into(),
        );
    }
    check.pass(CHECK, "signingCertificateV2 names the signer's certificate");
}
