//! CMS / CAdES-BES signatures: Podpis's detached and attached signatures pass
//! `openssl cms -verify` (with the gost engine for GOST) for every algorithm, OpenSSL's pass
//! Podpis's checks (DER and streamed BER), co-signatures keep the first signer intact, and a
//! changed document, a changed signature or a swapped certificate each give their
//! sub-indication.

use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use podpis_keys::{KeySpec, SoftwareKey};
use podpis_pki::Certificate;
use podpis_pki::cades::{
    DigestAlgorithm, SignRequest, SignedMessage, add_signer, certificates_field, join_certificates,
    sign, sign_without_certificates, split_certificates, verify_signer,
};
use podpis_pki::issue::issue;
use podpis_pki::subject::Profile;
use podpis_pki::validate::SubIndication;

mod common;
use common::*;

const DOCUMENT: &[u8] =
    b"\xd0\x97\xd0\xb0\xd1\x8f\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5 \
                          (application), with bytes \x00\x01\xff and no newline at the end";

/// A CA and a person's certificate with keys of `spec`, the person's key in PKCS#8.
struct Party {
    ca: Certificate,
    key: SoftwareKey,
    cert: Certificate,
}

fn party(spec: &str) -> Party {
    party_numbered(spec, 2)
}

/// A party whose certificate has serial number `serial` (signers are found by issuer and
/// serial, and all test CAs share one name).
fn party_numbered(spec: &str, serial: u8) -> Party {
    let spec: KeySpec = spec.parse().unwrap();
    let ca_key = SoftwareKey::generate(spec).unwrap();
    let ca = issue(
        &params(Profile::CertificationCentre, &ca_subject(), &ca_key, 1),
        &ca_key,
        None,
    )
    .unwrap();
    let key = SoftwareKey::generate(spec).unwrap();
    let cert = issue(
        &params(Profile::Person, &person_subject(), &key, serial),
        &ca_key,
        Some(&ca),
    )
    .unwrap();
    Party { ca, key, cert }
}

fn digest_for(party: &Party, data: &[u8]) -> Vec<u8> {
    use podpis_keys::Signer;
    DigestAlgorithm::for_signature(&party.key.signature_algorithm().oid)
        .unwrap()
        .digest(data)
}

fn podpis_sign(party: &Party, attached: bool) -> SignedMessage {
    let digest = digest_for(party, DOCUMENT);
    let request = SignRequest {
        signer: &party.key,
        certificate: &party.cert,
        chain: std::slice::from_ref(&party.ca),
        digest: &digest,
        signing_time: SystemTime::now(),
    };
    sign(&request, attached.then_some(DOCUMENT)).unwrap()
}

/// Every signer's checks, for `document`.
fn check_all(message: &SignedMessage, document: &[u8]) -> Vec<Option<SubIndication>> {
    message
        .digest_algorithms()
        .into_iter()
        .enumerate()
        .map(|(i, algorithm)| {
            let digest = algorithm.unwrap().digest(document);
            let check = verify_signer(message, i, &digest, &[]);
            if check.failure().is_none() {
                assert!(check.certificate.is_some());
                assert!(check.findings.iter().all(|f| f.passed));
                // Six checks with signed attributes; three without (certificate, their
                // absence, the signature over the document's digest).
                let expected = if check.findings.iter().any(|f| f.check == "signedAttributes") {
                    3
                } else {
                    6
                };
                assert_eq!(check.findings.len(), expected, "{:?}", check.findings);
            }
            check.failure()
        })
        .collect()
}

fn openssl(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// `party`'s certificate and key as cert.pem and key.pem in `dir`, for [`openssl_sign`].
fn write_signer(dir: &Path, party: &Party) {
    std::fs::write(dir.join("cert.pem"), party.cert.to_pem()).unwrap();
    let key = podpis_keys::file::plain_pem(&party.key).unwrap();
    std::fs::write(dir.join("key.pem"), key).unwrap();
}

/// `openssl cms -sign` of doc.bin with cert.pem and key.pem in `dir`, and `extra` options.
fn openssl_sign(dir: &Path, extra: &[&str]) -> Vec<u8> {
    let mut args = vec![
        "cms",
        "-sign",
        "-engine",
        "gost",
        "-binary",
        "-in",
        "doc.bin",
        "-signer",
        "cert.pem",
        "-inkey",
        "key.pem",
        "-out",
        "openssl.sig",
    ];
    args.extend_from_slice(extra);
    let (ok, text) = openssl(dir, &args);
    assert!(ok, "{extra:?}: {text}");
    std::fs::read(dir.join("openssl.sig")).unwrap()
}

/// `openssl cms -verify` of the detached DER signature `sig` over doc.bin, trusting `cas`.
fn openssl_cms_verify(dir: &Path, sig: &str, cas: &str) -> (bool, String) {
    openssl(
        dir,
        &[
            "cms",
            "-verify",
            "-engine",
            "gost",
            "-binary",
            "-inform",
            "DER",
            "-in",
            sig,
            "-content",
            "doc.bin",
            "-CAfile",
            cas,
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
    )
}

/// OpenSSL 3.0 has no Ed25519 in CMS ("no default digest"): Podpis's Ed25519 signatures are
/// checked by Podpis alone (`ed25519_signatures_verify_in_podpis`).
const SPECS: [&str; 5] = [
    "gost2012-256",
    "gost2012-256:tc26-256-a",
    "gost2012-512",
    "ecdsa-p256",
    "rsa-2048",
];

#[test]
fn ed25519_signatures_verify_in_podpis() {
    let party = party("ed25519");
    for attached in [false, true] {
        let message = podpis_sign(&party, attached);
        let again = SignedMessage::from_bytes(&message.to_der().unwrap()).unwrap();
        assert_eq!(again.digest_algorithms()[0], Ok(DigestAlgorithm::Sha512));
        assert_eq!(check_all(&again, DOCUMENT), [None]);
        assert_eq!(
            check_all(&again, b"another"),
            [Some(SubIndication::HashFailure)]
        );
    }
}

/// A message as `sign` makes it lists its certificates as the same message read back from
/// its DER does: in the set's order, each once, whatever order the chain came in. The keys
/// are random, so several other parties' certificates make a wrong order show.
#[test]
fn a_message_made_lists_its_certificates_as_read_back() {
    let party = party("gost2012-256");
    let digest = digest_for(&party, DOCUMENT);
    let mut chains = vec![
        vec![party.ca.clone()],
        vec![party.cert.clone(), party.ca.clone(), party.ca.clone()],
        vec![],
    ];
    for serial in 3..9 {
        let other = party_numbered("gost2012-256", serial);
        chains.push(vec![other.ca, party.ca.clone(), other.cert]);
    }
    for chain in chains {
        let made = sign(
            &SignRequest {
                signer: &party.key,
                certificate: &party.cert,
                chain: &chain,
                digest: &digest,
                signing_time: SystemTime::now(),
            },
            None,
        )
        .unwrap();
        let read = SignedMessage::from_bytes(&made.to_der().unwrap()).unwrap();
        let ders = |m: &SignedMessage| {
            m.certificates()
                .iter()
                .map(|c| c.der().to_vec())
                .collect::<Vec<_>>()
        };
        assert_eq!(ders(&made), ders(&read), "chain of {}", chain.len());
        assert_eq!(
            check_all(&made, DOCUMENT),
            [None],
            "chain of {}",
            chain.len()
        );
    }
}

#[test]
fn openssl_verifies_podpis_signatures_detached_and_attached() {
    require_engine();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("doc.bin"), DOCUMENT).unwrap();
    for spec in SPECS {
        let party = party(spec);
        std::fs::write(d.join("ca.pem"), party.ca.to_pem()).unwrap();
        let detached = podpis_sign(&party, false);
        assert_eq!(detached.content(), None);
        assert_eq!(check_all(&detached, DOCUMENT), [None], "{spec}");
        std::fs::write(d.join("doc.sig"), detached.to_der().unwrap()).unwrap();
        let (ok, text) = openssl_cms_verify(d, "doc.sig", "ca.pem");
        assert!(
            ok && text.contains("Verification successful"),
            "{spec}: {text}"
        );

        let attached = podpis_sign(&party, true);
        assert_eq!(attached.content().as_deref(), Some(DOCUMENT));
        std::fs::write(d.join("doc.p7m"), attached.to_pem().unwrap()).unwrap();
        let (ok, text) = openssl(
            d,
            &[
                "cms", "-verify", "-engine", "gost", "-binary", "-inform", "PEM", "-in", "doc.p7m",
                "-CAfile", "ca.pem", "-purpose", "any", "-out", "out.bin",
            ],
        );
        assert!(ok, "{spec}: {text}");
        assert_eq!(
            std::fs::read(d.join("out.bin")).unwrap(),
            DOCUMENT,
            "{spec}"
        );
        // The PEM form reads back the same.
        let back = SignedMessage::from_bytes(attached.to_pem().unwrap().as_bytes()).unwrap();
        assert_eq!(back.to_der().unwrap(), attached.to_der().unwrap());
    }
}

#[test]
fn podpis_verifies_openssl_signatures_der_and_streamed_ber() {
    require_engine();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("doc.bin"), DOCUMENT).unwrap();
    for spec in ["gost2012-256", "gost2012-512", "ecdsa-p256", "rsa-2048"] {
        let party = party(spec);
        write_signer(d, &party);
        for (name, extra) in [
            ("detached", &["-outform", "DER"][..]),
            ("attached", &["-nodetach", "-outform", "DER"][..]),
            ("cades", &["-cades", "-outform", "DER"][..]),
            (
                "streamed BER",
                &["-nodetach", "-stream", "-outform", "DER"][..],
            ),
            ("PEM", &["-outform", "PEM"][..]),
            ("without certificates", &["-nocerts", "-outform", "DER"][..]),
            (
                "without signed attributes",
                &["-noattr", "-outform", "DER"][..],
            ),
            (
                "signer by key identifier",
                &["-keyid", "-outform", "DER"][..],
            ),
        ] {
            let bytes = openssl_sign(d, extra);
            let message =
                SignedMessage::from_bytes(&bytes).unwrap_or_else(|e| panic!("{spec} {name}: {e}"));
            if extra.contains(&"-nocerts") {
                // INDETERMINATE until the certificate is handed in.
                let algorithm = message.digest_algorithms()[0].clone().unwrap();
                let digest = algorithm.digest(DOCUMENT);
                assert_eq!(
                    verify_signer(&message, 0, &digest, &[]).failure(),
                    Some(SubIndication::NoSigningCertificateFound)
                );
                let given = std::slice::from_ref(&party.cert);
                assert_eq!(verify_signer(&message, 0, &digest, given).failure(), None);
                continue;
            }
            assert_eq!(check_all(&message, DOCUMENT), [None], "{spec} {name}");
            if extra.contains(&"-nodetach") {
                assert_eq!(
                    message.content().as_deref(),
                    Some(DOCUMENT),
                    "{spec} {name}"
                );
            }
            let mut changed = DOCUMENT.to_vec();
            changed[3] ^= 1;
            // Without signed attributes the signature covers the document itself, so a changed
            // document shows as a signature that does not verify.
            let expected = if extra.contains(&"-noattr") {
                SubIndication::SigCryptoFailure
            } else {
                SubIndication::HashFailure
            };
            assert_eq!(
                check_all(&message, &changed),
                [Some(expected)],
                "{spec} {name}"
            );
        }
    }
}

/// A detached signature by `first` with `second`'s added beside it.
fn co_signed(first: &Party, second: &Party) -> SignedMessage {
    let digest = digest_for(second, DOCUMENT);
    add_signer(
        &podpis_sign(first, false),
        &SignRequest {
            signer: &second.key,
            certificate: &second.cert,
            chain: std::slice::from_ref(&second.ca),
            digest: &digest,
            signing_time: SystemTime::now(),
        },
    )
    .unwrap()
}

#[test]
fn co_signatures_keep_the_first_and_openssl_checks_both() {
    require_engine();
    let first = party("gost2012-256");
    let second = party_numbered("gost2012-512", 3);
    let both = co_signed(&first, &second);
    assert_eq!(both.signer_count(), 2);
    assert_eq!(check_all(&both, DOCUMENT), [None, None]);
    assert_eq!(both.certificates().len(), 4);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("doc.bin"), DOCUMENT).unwrap();
    std::fs::write(d.join("both.sig"), both.to_der().unwrap()).unwrap();
    std::fs::write(d.join("cas.pem"), first.ca.to_pem() + &second.ca.to_pem()).unwrap();
    let (ok, text) = openssl_cms_verify(d, "both.sig", "cas.pem");
    assert!(ok, "{text}");
    let (_, text) = openssl(
        d,
        &[
            "cms", "-cmsout", "-print", "-inform", "DER", "-in", "both.sig", "-engine", "gost",
        ],
    );
    assert_eq!(text.matches("signatureAlgorithm").count(), 2, "{text}");
}

#[test]
fn tampering_and_wrong_inputs_are_named() {
    let party = party("gost2012-256");
    let message = podpis_sign(&party, false);
    let der = message.to_der().unwrap();
    let digest = digest_for(&party, DOCUMENT);

    // One byte of the signature value (the last bytes of the file) changed.
    let mut forged = der.clone();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    let forged = SignedMessage::from_bytes(&forged).unwrap();
    assert_eq!(
        verify_signer(&forged, 0, &digest, &[]).failure(),
        Some(SubIndication::SigCryptoFailure)
    );

    // Another certificate with the same names and serial but another key, from a look-alike
    // CA: swapped into the message, the signature fails against it and signingCertificateV2
    // names the real one.
    let look_alike_key = SoftwareKey::generate("gost2012-256".parse().unwrap()).unwrap();
    let look_alike_ca = issue(
        &params(
            Profile::CertificationCentre,
            &ca_subject(),
            &look_alike_key,
            1,
        ),
        &look_alike_key,
        None,
    )
    .unwrap();
    let impostor_key = SoftwareKey::generate("gost2012-256".parse().unwrap()).unwrap();
    let impostor = issue(
        &params(Profile::Person, &person_subject(), &impostor_key, 2),
        &look_alike_key,
        Some(&look_alike_ca),
    )
    .unwrap();
    let stripped = SignRequest {
        signer: &party.key,
        certificate: &party.cert,
        chain: &[],
        digest: &digest,
        signing_time: SystemTime::now(),
    };
    let bare_der = sign(&stripped, None).unwrap().to_der().unwrap();
    let real = party.cert.der();
    assert_eq!(impostor.der().len(), real.len());
    let at = bare_der
        .windows(real.len())
        .position(|w| w == real)
        .unwrap();
    let mut swapped = bare_der.clone();
    swapped[at..at + real.len()].copy_from_slice(impostor.der());
    let swapped = SignedMessage::from_bytes(&swapped).unwrap();
    let check = verify_signer(&swapped, 0, &digest, &[]);
    let failed: Vec<_> = check.findings.iter().filter(|f| !f.passed).collect();
    assert_eq!(
        check.failure(),
        Some(SubIndication::SigCryptoFailure),
        "{failed:?}"
    );
    assert!(
        failed.iter().any(|f| f.check == "signingCertificate"),
        "{failed:?}"
    );

    // A key that is not the certificate's is refused before anything is written.
    let other = SoftwareKey::generate("gost2012-256".parse().unwrap()).unwrap();
    let wrong = SignRequest {
        signer: &other,
        ..stripped
    };
    assert!(
        sign(&wrong, None)
            .unwrap_err()
            .to_string()
            .contains("does not belong to the certificate")
    );

    // A signing time outside the certificate's validity.
    for (offset, expected) in [
        (-2i64 * 86_400, SubIndication::NotYetValid),
        (400 * 86_400, SubIndication::Expired),
    ] {
        let at = if offset < 0 {
            SystemTime::now() - std::time::Duration::from_secs(offset.unsigned_abs())
        } else {
            SystemTime::now() + std::time::Duration::from_secs(offset as u64)
        };
        let message = sign(
            &SignRequest {
                signing_time: at,
                ..stripped
            },
            None,
        )
        .unwrap();
        let check = verify_signer(&message, 0, &digest, &[]);
        assert_eq!(check.failure(), Some(expected), "{:?}", check.findings);
        assert!(
            check
                .findings
                .iter()
                .any(|f| f.check == "signingTime" && !f.passed)
        );
    }

    // A signed attribute altered after signing (one byte of the signing time).
    let mut altered = der.clone();
    let time = message_signing_time_offset(&altered);
    altered[time] ^= 1;
    let altered = SignedMessage::from_bytes(&altered).unwrap();
    assert_eq!(
        verify_signer(&altered, 0, &digest, &[]).failure(),
        Some(SubIndication::SigCryptoFailure)
    );

    // Truncated at every length, and garbage: errors, never panics.
    for cut in 0..der.len() {
        assert!(
            SignedMessage::from_bytes(&der[..cut]).is_err(),
            "cut at {cut}"
        );
    }
    assert!(SignedMessage::from_bytes(b"not a signature at all").is_err());
    assert!(SignedMessage::from_bytes(party.cert.der()).is_err());
}

/// Where the last digit of the signingTime value sits in a DER signature: after the attribute's
/// OID (1.2.840.113549.1.9.5) come the SET, the UTCTime tag and length, then 13 characters.
fn message_signing_time_offset(der: &[u8]) -> usize {
    let oid = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05,
    ];
    let at = der.windows(oid.len()).position(|w| w == oid).unwrap();
    let value = at + oid.len() + 2; // SET tag and length
    assert_eq!(der[value], 0x17, "a UTCTime");
    value + 2 + 11 // tag, length, then the last digit of the seconds ("…SSZ")
}

/// `message` with attribute `drop` taken out of signer 0's signed attributes, signed again by `key` so
/// that only the missing attribute is wrong.
fn without_attribute(message: &SignedMessage, key: &SoftwareKey, drop: &str) -> SignedMessage {
    use cms::content_info::ContentInfo;
    use cms::signed_data::SignedData;
    use der::{Decode, Encode};
    use podpis_keys::Signer;
    let drop = const_oid::ObjectIdentifier::new(drop).unwrap();
    let info = ContentInfo::from_der(&message.to_der().unwrap()).unwrap();
    let mut data: SignedData = info.content.decode_as().unwrap();
    let mut signers = data.signer_infos.0.into_vec();
    let attrs: Vec<_> = signers[0]
        .signed_attrs
        .take()
        .unwrap()
        .into_vec()
        .into_iter()
        .filter(|a| a.oid != drop)
        .collect();
    let attrs = der::asn1::SetOfVec::try_from(attrs).unwrap();
    let signature = key.sign(&attrs.to_der().unwrap()).unwrap();
    signers[0].signature = der::asn1::OctetString::new(signature).unwrap();
    signers[0].signed_attrs = Some(attrs);
    data.signer_infos = cms::signed_data::SignerInfos::try_from(signers).unwrap();
    let info = ContentInfo {
        content_type: info.content_type,
        content: der::Any::encode_from(&data).unwrap(),
    };
    SignedMessage::from_bytes(&info.to_der().unwrap()).unwrap()
}

#[test]
fn missing_signed_attributes_are_named() {
    let party = party("gost2012-256");
    let message = podpis_sign(&party, false);
    let digest = digest_for(&party, DOCUMENT);
    for (oid, check, expected) in [
        (
            "1.2.840.113549.1.9.4",
            "messageDigest",
            Some(SubIndication::FormatFailure),
        ),
        (
            "1.2.840.113549.1.9.3",
            "contentType",
            Some(SubIndication::FormatFailure),
        ),
        // Without signingCertificateV2 it is a plain CMS signature, still valid.
        ("1.2.840.113549.1.9.16.2.47", "signingCertificate", None),
        // Without signingTime there is no claimed time: still valid.
        ("1.2.840.113549.1.9.5", "signingTime", None),
    ] {
        let stripped = without_attribute(&message, &party.key, oid);
        let result = verify_signer(&stripped, 0, &digest, &[]);
        assert_eq!(result.failure(), expected, "{check}: {:?}", result.findings);
        let finding = result.findings.iter().find(|f| f.check == check).unwrap();
        assert_eq!(finding.passed, expected.is_none(), "{finding:?}");
        // The signature itself still verifies: only the attribute is at fault.
        assert!(
            result
                .findings
                .iter()
                .any(|f| f.check == "signature" && f.passed),
            "{check}: {:?}",
            result.findings
        );
    }
}

/// `der` split into the signature without its certificates and the certificates field, which
/// join back to the very same bytes; the part without them reads as a signature of none.
fn split_and_join(der: &[u8], certificates: usize) -> Vec<u8> {
    let (without, field) = split_certificates(der).expect("a DER signature with certificates");
    assert_eq!(join_certificates(&without, &field).unwrap(), der);
    assert!(without.len() < der.len() && field.len() < der.len());
    let bare = SignedMessage::from_bytes(&without).unwrap();
    assert!(bare.certificates().is_empty());
    assert_eq!(
        SignedMessage::from_bytes(der).unwrap().certificates().len(),
        certificates
    );
    without
}

#[test]
fn certificates_split_off_and_join_back_byte_for_byte() {
    require_engine();
    let party = party("gost2012-256");
    for attached in [false, true] {
        let message = podpis_sign(&party, attached);
        let without = split_and_join(&message.to_der().unwrap(), 2);
        // Without them, the signer is found only when its certificate is handed in.
        let digest = digest_for(&party, DOCUMENT);
        let bare = SignedMessage::from_bytes(&without).unwrap();
        assert_eq!(
            verify_signer(&bare, 0, &digest, &[]).failure(),
            Some(SubIndication::NoSigningCertificateFound)
        );
        assert_eq!(
            verify_signer(&bare, 0, &digest, std::slice::from_ref(&party.cert)).failure(),
            None
        );
        // Nothing left to split; and a field goes back only where none is.
        assert_eq!(split_certificates(&without), None);
        let (_, field) = split_certificates(&message.to_der().unwrap()).unwrap();
        let joined = join_certificates(&without, &field).unwrap();
        assert!(join_certificates(&joined, &field).is_err());
        assert!(join_certificates(&without, &field[1..]).is_err());
    }
    // A co-signature carries four certificates.
    let both = co_signed(&party, &party_numbered("gost2012-512", 3));
    split_and_join(&both.to_der().unwrap(), 4);

    // OpenSSL's: DER splits; streamed BER, PEM and one without certificates do not.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("doc.bin"), DOCUMENT).unwrap();
    write_signer(d, &party);
    for (extra, splits) in [
        (&["-outform", "DER"][..], true),
        (&["-nodetach", "-outform", "DER"][..], true),
        (&["-nodetach", "-stream", "-outform", "DER"][..], false),
        (&["-outform", "PEM"][..], false),
        (&["-nocerts", "-outform", "DER"][..], false),
    ] {
        let bytes = openssl_sign(d, extra);
        if splits {
            let without = split_and_join(&bytes, 1);
            // What is kept without them, joined again, still passes OpenSSL.
            let (_, field) = split_certificates(&bytes).unwrap();
            std::fs::write(
                d.join("joined.sig"),
                join_certificates(&without, &field).unwrap(),
            )
            .unwrap();
            std::fs::write(d.join("ca.pem"), party.ca.to_pem()).unwrap();
            if !extra.contains(&"-nodetach") {
                let (ok, text) = openssl_cms_verify(d, "joined.sig", "ca.pem");
                assert!(ok, "{text}");
            }
        } else {
            assert_eq!(split_certificates(&bytes), None, "{extra:?}");
        }
    }
    // Not a signature at all.
    for junk in [&b""[..], b"\x30\x03\x02\x01\x01", &[0xA0; 40]] {
        assert_eq!(split_certificates(junk), None);
        assert!(join_certificates(junk, b"\xA0\x00").is_err());
    }
}

/// Signatures made without their certificates, with the certificates field made once, join
/// to exactly what `sign` makes: Ed25519 signs deterministically, so the bytes compare whole,
/// and a chain of several centres in a shuffled order shows the set's order is the same.
#[test]
fn signatures_without_certificates_join_to_what_sign_makes() {
    let ed = party("ed25519");
    let others = [party("ed25519"), party("ed25519")];
    let chain = [others[1].ca.clone(), ed.ca.clone(), others[0].ca.clone()];
    let field = certificates_field(&ed.cert, &chain).unwrap();
    let digest = digest_for(&ed, DOCUMENT);
    let request = SignRequest {
        signer: &ed.key,
        certificate: &ed.cert,
        chain: &chain,
        digest: &digest,
        signing_time: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000),
    };
    for attached in [None, Some(DOCUMENT)] {
        let whole = sign(&request, attached).unwrap().to_der().unwrap();
        let without = sign_without_certificates(&request, attached).unwrap();
        assert_eq!(join_certificates(&without, &field).unwrap(), whole);
        assert_eq!(split_certificates(&whole), Some((without, field.clone())));
    }
    // GOST signs with a fresh random number each time: the joined signature verifies and
    // carries the field as it was made.
    let gost = party("gost2012-256");
    let digest = digest_for(&gost, DOCUMENT);
    let request = SignRequest {
        signer: &gost.key,
        certificate: &gost.cert,
        chain: std::slice::from_ref(&gost.ca),
        digest: &digest,
        signing_time: SystemTime::now(),
    };
    let field = certificates_field(&gost.cert, std::slice::from_ref(&gost.ca)).unwrap();
    let joined =
        join_certificates(&sign_without_certificates(&request, None).unwrap(), &field).unwrap();
    assert_eq!(split_certificates(&joined).unwrap().1, field);
    let message = SignedMessage::from_bytes(&joined).unwrap();
    assert_eq!(message.certificates().len(), 2);
    assert_eq!(check_all(&message, DOCUMENT), [None]);
}
