//! CRLs: built and signed by Podpis, read back, and accepted by OpenSSL (`openssl crl -verify`,
//! `openssl verify -crl_check` telling the revoked certificate from the good one).

use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use podpis_gost::{Algorithm, ParamSet, SigningKey};
use podpis_pki::crl::{Crl, CrlParams, Reason, Revocation};
use podpis_pki::issue::issue;
use podpis_pki::subject::Profile;
use podpis_pki::{Certificate, Error};

mod common;
use common::*;

struct Setup {
    ca_key: SigningKey,
    root: Certificate,
    revoked: Certificate,
    good: Certificate,
}

fn setup() -> Setup {
    let ca_key = SigningKey::generate(Algorithm::Gost2012_256, ParamSet::Tc26_256B).unwrap();
    let root = issue(
        &params(Profile::CertificationCentre, &ca_subject(), &ca_key, 1),
        &ca_key,
        None,
    )
    .unwrap();
    let leaf = |serial| {
        let key = SigningKey::generate(Algorithm::Gost2012_256, ParamSet::CryptoProA).unwrap();
        issue(
            &params(Profile::Person, &person_subject(), &key, serial),
            &ca_key,
            Some(&root),
        )
        .unwrap()
    };
    let revoked = leaf(0x81); // a high bit: the DER serial gets a leading zero byte
    let good = leaf(2);
    Setup {
        ca_key,
        root,
        revoked,
        good,
    }
}

/// Another CA with the same name as the setup's root, and its key.
fn namesake_ca() -> (SigningKey, Certificate) {
    let key = SigningKey::generate(Algorithm::Gost2012_256, ParamSet::Tc26_256B).unwrap();
    let cert = issue(
        &params(Profile::CertificationCentre, &ca_subject(), &key, 1),
        &key,
        None,
    )
    .unwrap();
    (key, cert)
}

/// Whole seconds, as a CRL stores times.
fn seconds(t: SystemTime) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(t.duration_since(UNIX_EPOCH).unwrap().as_secs())
}

fn crl_for(s: &Setup, number: u64) -> (Crl, SystemTime) {
    let now = seconds(SystemTime::now());
    let params = CrlParams {
        number,
        this_update: now,
        next_update: now + 7 * DAY,
        revoked: vec![
            Revocation {
                serial: s.revoked.serial().to_vec(),
                time: now - DAY,
                reason: Some(Reason::KeyCompromise),
            },
            Revocation {
                serial: vec![0x33, 0x44],
                time: now,
                reason: None,
            },
        ],
    };
    (Crl::issue(&params, &s.ca_key, &s.root).unwrap(), now)
}

#[test]
fn crl_reads_back_with_its_entries() {
    let s = setup();
    let (crl, now) = crl_for(&s, 300);
    let crl = Crl::load(crl.to_pem().as_bytes()).unwrap();
    assert_eq!(crl.verify_issued_by(&s.root), Ok(()));
    assert_eq!(crl.number(), Some(300));
    assert_eq!(crl.this_update(), now);
    assert_eq!(crl.next_update(), Some(now + 7 * DAY));
    assert_eq!(crl.entries().len(), 2);
    let serial = s.revoked.serial();
    assert_eq!(serial[0], 0, "the test wants a serial with a leading zero");
    let entry = crl.find(serial).expect("the revoked certificate is listed");
    assert_eq!(entry.reason, Some(Reason::KeyCompromise));
    assert_eq!(entry.time, now - DAY);
    // Found by its value without the leading zero too.
    assert!(crl.find(&serial[1..]).is_some());
    let good = s.good.serial();
    assert_eq!(crl.find(good), None);
    assert_eq!(crl.find(&[0x33, 0x44]).unwrap().reason, None);
}

#[test]
fn crl_signed_by_another_key_or_tampered_is_refused() {
    let s = setup();
    let (crl, _) = crl_for(&s, 1);
    // Another CA with the same name: the names chain, the signature does not.
    let (other_key, other) = namesake_ca();
    assert!(matches!(
        crl.verify_issued_by(&other),
        Err(Error::BadSignature(_))
    ));
    // The leaf is not the CRL's issuer.
    assert_eq!(crl.verify_issued_by(&s.good), Err(Error::IssuerMismatch));
    // One bit of the revocation list changed.
    let mut der = crl.der().to_vec();
    let pos = der.windows(2).position(|w| w == [0x33, 0x44]).unwrap();
    der[pos] ^= 1;
    let tampered = Crl::from_der(&der).unwrap();
    assert!(matches!(
        tampered.verify_issued_by(&s.root),
        Err(Error::BadSignature(_))
    ));
    // Signing with a key that is not the issuer certificate's.
    let params = CrlParams {
        number: 2,
        this_update: SystemTime::now(),
        next_update: SystemTime::now() + DAY,
        revoked: Vec::new(),
    };
    assert!(matches!(
        Crl::issue(&params, &other_key, &s.root),
        Err(Error::Validity(_))
    ));
}

/// A passed signature check is remembered (and shared by clones) for the key that passed it
/// only: another CA of the same name is still refused afterwards, for the CRL and for a
/// certificate alike.
#[test]
fn a_passed_check_is_remembered_for_its_key_only() {
    let s = setup();
    let (crl, _) = crl_for(&s, 1);
    let (_, other) = namesake_ca();
    assert_eq!(crl.verify_issued_by(&s.root), Ok(()));
    let copy = crl.clone();
    assert!(matches!(
        copy.verify_issued_by(&other),
        Err(Error::BadSignature(_))
    ));
    assert_eq!(copy.verify_issued_by(&s.root), Ok(()));
    assert_eq!(s.good.verify_issued_by(&s.root), Ok(()));
    assert!(matches!(
        s.good.clone().verify_issued_by(&other),
        Err(Error::BadSignature(_))
    ));
    // Checked first against the wrong key, the right one still passes.
    let fresh = Certificate::from_der(s.revoked.der()).unwrap();
    assert!(fresh.verify_issued_by(&other).is_err());
    assert_eq!(fresh.verify_issued_by(&s.root), Ok(()));
    assert!(fresh.verify_issued_by(&other).is_err());
}

#[test]
fn truncated_and_garbage_crls_are_errors() {
    let s = setup();
    let (crl, _) = crl_for(&s, 1);
    for len in 0..crl.der().len() {
        assert!(Crl::from_der(&crl.der()[..len]).is_err(), "length {len}");
    }
    assert_eq!(Crl::load(b"hello").unwrap_err(), Error::NoCrl);
    assert!(Crl::load(s.root.to_pem().as_bytes()).is_err());
}

#[test]
fn reasons_have_their_rfc_names() {
    for reason in Reason::ALL {
        assert_eq!(reason.name().parse::<Reason>(), Ok(reason));
    }
    assert_eq!("KEYCOMPROMISE".parse::<Reason>(), Ok(Reason::KeyCompromise));
    let err = "stolen".parse::<Reason>().unwrap_err();
    assert!(err.contains("keyCompromise"), "{err}");
}

#[test]
fn openssl_verifies_the_crl_and_sees_the_revocation() {
    require_engine();
    let s = setup();
    let (crl, _) = crl_for(&s, 42);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("root.pem"), s.root.to_pem()).unwrap();
    std::fs::write(d.join("crl.pem"), crl.to_pem()).unwrap();
    std::fs::write(d.join("revoked.pem"), s.revoked.to_pem()).unwrap();
    std::fs::write(d.join("good.pem"), s.good.to_pem()).unwrap();
    let conf = gost_openssl_conf(d);
    let openssl = |args: &[&str]| {
        Command::new("openssl")
            .args(args)
            .env("OPENSSL_CONF", &conf)
            .current_dir(d)
            .output()
            .unwrap()
    };
    let out = openssl(&[
        "crl", "-in", "crl.pem", "-CAfile", "root.pem", "-noout", "-text",
    ]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && all.contains("verify OK"), "{all}");
    for expected in ["Key Compromise", "X509v3 CRL Number", "42", "Version 2"] {
        assert!(all.contains(expected), "{expected} not in\n{all}");
    }
    let verify = |leaf: &str| {
        openssl(&[
            "verify",
            "-engine",
            "gost",
            "-crl_check",
            "-CRLfile",
            "crl.pem",
            "-CAfile",
            "root.pem",
            leaf,
        ])
    };
    let out = verify("good.pem");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = verify("revoked.pem");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !out.status.success() && all.contains("certificate revoked"),
        "{all}"
    );
}
