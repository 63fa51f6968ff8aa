//! OCSP: requests and responses made and read by Podpis, signed by the CA or a delegated
//! responder; forged and tampered responses refused; and OpenSSL (`openssl ocsp`, gost engine)
//! on either side of the exchange.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use podpis_gost::{Algorithm, ParamSet, SigningKey};
use podpis_pki::Certificate;
use podpis_pki::crl::Reason;
use podpis_pki::issue::issue;
use podpis_pki::ocsp::{
    CertId, CertIdHash, CertStatus, OcspRequest, OcspResponse, ResponseStatus, respond,
};
use podpis_pki::subject::Profile;

mod common;
use common::*;

struct Pki {
    ca_key: SigningKey,
    ca: Certificate,
    responder_key: SigningKey,
    responder: Certificate,
    good: Certificate,
    revoked: Certificate,
}

fn key() -> SigningKey {
    SigningKey::generate(Algorithm::Gost2012_256, ParamSet::CryptoProA).unwrap()
}

fn pki() -> Pki {
    let ca_key = key();
    let ca = issue(
        &params(Profile::CertificationCentre, &ca_subject(), &ca_key, 1),
        &ca_key,
        None,
    )
    .unwrap();
    let responder_key = key();
    let mut responder_subject = ca_subject();
    responder_subject.common_name = Some("OCSP-служба УЦ Podpis".into());
    let responder = issue(
        &params(
            Profile::OcspResponder,
            &responder_subject,
            &responder_key,
            2,
        ),
        &ca_key,
        Some(&ca),
    )
    .unwrap();
    let leaf = |serial| {
        issue(
            &params(Profile::Person, &person_subject(), &key(), serial),
            &ca_key,
            Some(&ca),
        )
        .unwrap()
    };
    Pki {
        good: leaf(3),
        revoked: leaf(4),
        ca_key,
        ca,
        responder_key,
        responder,
    }
}

/// Whole seconds: what GeneralizedTime carries.
fn now() -> SystemTime {
    UNIX_EPOCH
        + Duration::from_secs(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
}

fn revoked_at() -> SystemTime {
    now() - 3600 * Duration::from_secs(1)
}

/// The CA's knowledge: `revoked` is revoked for key compromise, everything else good.
fn lookup(p: &Pki) -> impl Fn(&[u8]) -> CertStatus + '_ {
    |serial| {
        if serial == p.revoked.serial() {
            CertStatus::Revoked {
                time: revoked_at(),
                reason: Some(Reason::KeyCompromise),
            }
        } else {
            CertStatus::Good
        }
    }
}

#[test]
fn requests_and_responses_round_trip_with_nonce() {
    let p = pki();
    for hash in [
        CertIdHash::Sha1,
        CertIdHash::Sha256,
        CertIdHash::Streebog256,
    ] {
        let ids = [
            CertId::of(hash, &p.good, &p.ca).unwrap(),
            CertId::of(hash, &p.revoked, &p.ca).unwrap(),
        ];
        assert!(ids[0].is_issued_by(&p.ca));
        assert!(!ids[0].is_issued_by(&p.good));
        let request = OcspRequest::new(&ids, Some(b"0123456789abcdef")).unwrap();
        let request = OcspRequest::from_der(request.der()).unwrap();
        assert_eq!(request.cert_ids(), ids);
        assert_eq!(request.nonce().as_deref(), Some(&b"0123456789abcdef"[..]));

        let now = now();
        let next = Some(now + Duration::from_secs(600));
        for (key, signer) in [(&p.responder_key, &p.responder), (&p.ca_key, &p.ca)] {
            let response = respond(&request, &p.ca, lookup(&p), key, signer, now, next).unwrap();
            let response = OcspResponse::from_der(response.der()).unwrap();
            assert_eq!(response.status(), ResponseStatus::Successful);
            assert_eq!(response.produced_at(), Some(now));
            assert_eq!(response.nonce().as_deref(), Some(&b"0123456789abcdef"[..]));
            assert_eq!(
                response.verify(&p.ca, now).unwrap().der(),
                signer.der(),
                "{hash:?}"
            );
            let good = response.status_of(&ids[0]).unwrap();
            assert_eq!(good.status, CertStatus::Good);
            assert_eq!(good.this_update, now);
            assert_eq!(good.next_update, next);
            assert_eq!(
                response.status_of(&ids[1]).unwrap().status,
                CertStatus::Revoked {
                    time: revoked_at(),
                    reason: Some(Reason::KeyCompromise)
                }
            );
        }
    }
}

#[test]
fn foreign_certificates_are_unknown_and_errors_carry_no_statuses() {
    let p = pki();
    let other = pki();
    let id = CertId::of(CertIdHash::Sha1, &other.good, &other.ca).unwrap();
    let request = OcspRequest::new(std::slice::from_ref(&id), None).unwrap();
    let response = respond(&request, &p.ca, lookup(&p), &p.ca_key, &p.ca, now(), None).unwrap();
    assert_eq!(response.status_of(&id).unwrap().status, CertStatus::Unknown);
    assert_eq!(response.nonce(), None);

    let error = OcspResponse::error(ResponseStatus::MalformedRequest);
    let error = OcspResponse::from_der(error.der()).unwrap();
    assert_eq!(error.status(), ResponseStatus::MalformedRequest);
    assert!(error.statuses().is_empty());
    assert!(error.verify(&p.ca, now()).is_err());
}

#[test]
fn forged_tampered_and_malformed_responses_are_refused() {
    let p = pki();
    let other = pki();
    let id = CertId::of(CertIdHash::Sha256, &p.good, &p.ca).unwrap();
    let request = OcspRequest::new(std::slice::from_ref(&id), None).unwrap();
    let now = now();

    // Signed by another CA's responder: not this CA's delegate.
    let forged = respond(
        &request,
        &p.ca,
        lookup(&p),
        &other.responder_key,
        &other.responder,
        now,
        None,
    )
    .unwrap();
    let err = forged.verify(&p.ca, now).unwrap_err().to_string();
    assert!(err.contains("responder certificate"), "{err}");

    // Signed by a person's certificate of this CA: no id-kp-OCSPSigning.
    let person_key = key();
    let person = issue(
        &params(Profile::Person, &person_subject(), &person_key, 9),
        &p.ca_key,
        Some(&p.ca),
    )
    .unwrap();
    let by_person = respond(&request, &p.ca, lookup(&p), &person_key, &person, now, None).unwrap();
    let err = by_person.verify(&p.ca, now).unwrap_err().to_string();
    assert!(err.contains("OCSP signing"), "{err}");

    // The responder certificate has expired by the time asked about.
    let later = now + Duration::from_secs(400 * 24 * 3600);
    let good = respond(
        &request,
        &p.ca,
        lookup(&p),
        &p.responder_key,
        &p.responder,
        now,
        None,
    )
    .unwrap();
    assert!(
        good.verify(&p.ca, later)
            .unwrap_err()
            .to_string()
            .contains("not valid")
    );

    // One digit of producedAt changed: still a response, but the signature fails.
    let mut der = good.der().to_vec();
    let pos = der.windows(2).position(|w| w == [0x18, 0x0f]).unwrap();
    der[pos + 14] ^= 0x01;
    let tampered = OcspResponse::from_der(&der).unwrap();
    assert_ne!(tampered.produced_at(), good.produced_at());
    let err = tampered.verify(&p.ca, now).unwrap_err();
    assert!(matches!(err, podpis_pki::Error::BadSignature(_)), "{err}");

    // A key that is not the responder certificate's.
    assert!(
        OcspResponse::sign(
            &podpis_pki::ocsp::ResponseParams {
                produced_at: now,
                statuses: Vec::new(),
                nonce: None
            },
            &person_key,
            &p.responder
        )
        .is_err()
    );

    for bad in [
        &b""[..],
        b"\x30\x00",
        b"\x30\x03\x0a\x01\x00",
        &good.der()[..20],
    ] {
        assert!(OcspResponse::from_der(bad).is_err(), "{bad:?}");
        assert!(OcspRequest::from_der(bad).is_err(), "{bad:?}");
    }
    assert!(OcspRequest::new(&[], None).is_err());
    assert!(OcspRequest::new(std::slice::from_ref(&id), Some(&[0; 33])).is_err());
}

fn openssl(dir: &Path, args: &[&str]) -> (bool, String) {
    let conf = gost_openssl_conf(dir);
    let out = Command::new("openssl")
        .args(args)
        .env("OPENSSL_CONF", conf)
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

#[test]
fn openssl_checks_podpis_responses() {
    require_engine();
    let p = pki();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (name, cert) in [("ca", &p.ca), ("good", &p.good), ("revoked", &p.revoked)] {
        std::fs::write(d.join(format!("{name}.pem")), cert.to_pem()).unwrap();
    }
    let (ok, text) = openssl(
        d,
        &[
            "ocsp",
            "-issuer",
            "ca.pem",
            "-cert",
            "good.pem",
            "-cert",
            "revoked.pem",
            "-nonce",
            "-reqout",
            "req.der",
        ],
    );
    assert!(ok, "{text}");
    let request = OcspRequest::from_der(&std::fs::read(d.join("req.der")).unwrap()).unwrap();
    assert_eq!(request.cert_ids().len(), 2);
    assert!(request.nonce().is_some());
    let now = now();
    for (label, key, signer) in [
        ("delegated", &p.responder_key, &p.responder),
        ("ca", &p.ca_key, &p.ca),
    ] {
        let response = respond(
            &request,
            &p.ca,
            lookup(&p),
            key,
            signer,
            now,
            Some(now + Duration::from_secs(600)),
        )
        .unwrap();
        std::fs::write(d.join("resp.der"), response.der()).unwrap();
        // The statuses, for certificates named on the command line (OpenSSL then builds its
        // own request, so the nonce is checked below against the one it sent).
        let (ok, text) = openssl(
            d,
            &[
                "ocsp",
                "-respin",
                "resp.der",
                "-issuer",
                "ca.pem",
                "-cert",
                "good.pem",
                "-cert",
                "revoked.pem",
                "-CAfile",
                "ca.pem",
                "-no_nonce",
            ],
        );
        assert!(ok, "{label}: {text}");
        assert!(text.contains("Response verify OK"), "{label}: {text}");
        assert!(text.contains("good.pem: good"), "{label}: {text}");
        assert!(text.contains("revoked.pem: revoked"), "{label}: {text}");
        assert!(text.contains("Reason: keyCompromise"), "{label}: {text}");
        let (ok, text) = openssl(
            d,
            &[
                "ocsp", "-reqin", "req.der", "-respin", "resp.der", "-CAfile", "ca.pem",
            ],
        );
        assert!(ok && text.contains("Response verify OK"), "{label}: {text}");
        assert!(!text.contains("Nonce"), "{label}: {text}");
    }
    // A response for another request's nonce: OpenSSL notices.
    let other = OcspRequest::new(&request.cert_ids(), Some(b"another nonce")).unwrap();
    let response = respond(&other, &p.ca, lookup(&p), &p.ca_key, &p.ca, now, None).unwrap();
    std::fs::write(d.join("resp.der"), response.der()).unwrap();
    let (_, text) = openssl(
        d,
        &[
            "ocsp", "-reqin", "req.der", "-respin", "resp.der", "-CAfile", "ca.pem",
        ],
    );
    assert!(text.contains("Nonce Verify error"), "{text}");
}

#[test]
fn podpis_checks_openssl_responses() {
    require_engine();
    let p = pki();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ca.pem"), p.ca.to_pem()).unwrap();
    std::fs::write(d.join("responder.pem"), p.responder.to_pem()).unwrap();
    std::fs::write(
        d.join("responder.key"),
        podpis_keys::file::plain_pem(&podpis_keys::SoftwareKey::from(p.responder_key.clone()))
            .unwrap()
            .as_bytes(),
    )
    .unwrap();
    let hex = |c: &Certificate| c.serial_hex();
    std::fs::write(
        d.join("index.txt"),
        format!(
            "V\t351231000000Z\t\t{}\tunknown\t/CN=good\nR\t351231000000Z\t240101000000Z,keyCompromise\t{}\tunknown\t/CN=revoked\n",
            hex(&p.good),
            hex(&p.revoked)
        ),
    )
    .unwrap();
    let ids = [
        CertId::of(CertIdHash::Sha1, &p.good, &p.ca).unwrap(),
        CertId::of(CertIdHash::Sha1, &p.revoked, &p.ca).unwrap(),
    ];
    let request = OcspRequest::new(&ids, Some(b"podpis nonce 123")).unwrap();
    std::fs::write(d.join("req.der"), request.der()).unwrap();
    let (ok, text) = openssl(
        d,
        &[
            "ocsp",
            "-index",
            "index.txt",
            "-CA",
            "ca.pem",
            "-rsigner",
            "responder.pem",
            "-rkey",
            "responder.key",
            "-reqin",
            "req.der",
            "-respout",
            "resp.der",
            "-ndays",
            "1",
        ],
    );
    assert!(ok, "{text}");
    let response = OcspResponse::from_der(&std::fs::read(d.join("resp.der")).unwrap()).unwrap();
    assert_eq!(response.status(), ResponseStatus::Successful);
    assert_eq!(response.nonce().as_deref(), Some(&b"podpis nonce 123"[..]));
    assert_eq!(
        response.verify(&p.ca, now()).unwrap().der(),
        p.responder.der()
    );
    assert_eq!(
        response.status_of(&ids[0]).unwrap().status,
        CertStatus::Good
    );
    let CertStatus::Revoked { reason, .. } = response.status_of(&ids[1]).unwrap().status else {
        panic!("not revoked");
    };
    assert_eq!(reason, Some(Reason::KeyCompromise));
}

#[test]
fn path_validation_takes_revocation_from_ocsp_responses() {
    use podpis_pki::validate::{Indication, Options, SubIndication, TrustStore, validate};
    let p = pki();
    let other = pki();
    let now = now();
    let ids = [
        CertId::of(CertIdHash::Streebog256, &p.good, &p.ca).unwrap(),
        CertId::of(CertIdHash::Streebog256, &p.revoked, &p.ca).unwrap(),
    ];
    let request = OcspRequest::new(&ids, None).unwrap();
    let answer = |key: &SigningKey, signer: &Certificate| {
        respond(
            &request,
            &p.ca,
            lookup(&p),
            key,
            signer,
            now,
            Some(now + Duration::from_secs(600)),
        )
        .unwrap()
    };
    let run = |cert: &Certificate, ocsp: Vec<OcspResponse>| {
        validate(
            cert,
            &[],
            &TrustStore::new(vec![p.ca.clone()]),
            &Options {
                time: now,
                ocsp,
                require_revocation: true,
                ..Options::default()
            },
        )
    };
    let response = answer(&p.responder_key, &p.responder);
    let report = run(&p.good, vec![response.clone()]);
    assert_eq!(report.indication, Indication::TotalPassed, "{report:?}");
    let check = report
        .checks
        .iter()
        .find(|c| c.check == "revocation")
        .unwrap();
    assert!(
        check.detail.contains("good according to the OCSP response"),
        "{check:?}"
    );

    let report = run(&p.revoked, vec![response]);
    assert_eq!(
        report.sub_indication,
        Some(SubIndication::Revoked),
        "{report:?}"
    );

    // No response, or only a forged one: the status is unknown.
    let report = run(&p.good, Vec::new());
    assert_eq!(report.sub_indication, Some(SubIndication::TryLater));
    let forged = answer(&other.responder_key, &other.responder);
    let report = run(&p.revoked, vec![forged]);
    assert_eq!(
        report.sub_indication,
        Some(SubIndication::TryLater),
        "{report:?}"
    );
}
