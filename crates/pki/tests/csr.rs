//! Certificate requests: Podpis's are accepted by `openssl req -verify`, OpenSSL's (GOST keys made
//! by the gost engine) are accepted by Podpis, and a certificate issued from an OpenSSL request
//! passes `openssl verify`.

use std::process::Command;

use podpis_gost::{Algorithm, ParamSet, SigningKey};
use podpis_pki::csr::Csr;
use podpis_pki::issue::{CertificateParams, issue};
use podpis_pki::subject::{Profile, SubjectInfo};
use podpis_pki::{Certificate, Error};

mod common;
use common::*;

fn openssl(args: &[&str], dir: &std::path::Path) -> String {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn podpis_requests_verify_in_podpis_and_openssl() {
    require_engine();
    let dir = tempfile::tempdir().unwrap();
    for params in [
        ParamSet::CryptoProA,
        ParamSet::Tc26_256A,
        ParamSet::Tc26_512A,
    ] {
        let key = SigningKey::generate(Algorithm::for_params(params), params).unwrap();
        let csr = Csr::create(person_subject().to_name(Profile::Person).unwrap(), &key).unwrap();
        let again = Csr::load(csr.to_pem().as_bytes()).unwrap();
        assert_eq!(again.verify(), Ok(()));
        assert_eq!(
            again.public_key_info(),
            &podpis_keys::Signer::public_key(&key).unwrap()
        );
        std::fs::write(dir.path().join("req.pem"), csr.to_pem()).unwrap();
        let said = openssl(
            &[
                "req", "-engine", "gost", "-verify", "-noout", "-in", "req.pem",
            ],
            dir.path(),
        );
        assert!(said.contains("verify OK"), "{params:?}: {said}");
        // A changed subject breaks proof of possession.
        let mut der = csr.der().to_vec();
        let pos = der.windows(11).position(|w| w == b"11223344595").unwrap();
        der[pos] = b'2';
        assert!(matches!(
            Csr::from_der(&der).unwrap().verify(),
            Err(Error::BadSignature(_))
        ));
    }
}

#[test]
fn openssl_requests_are_accepted_and_certified() {
    require_engine();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ca_key = SigningKey::generate(Algorithm::Gost2012_256, ParamSet::CryptoProA).unwrap();
    let base = params(Profile::CertificationCentre, &ca_subject(), &ca_key, 1);
    let root = issue(&base, &ca_key, None).unwrap();
    std::fs::write(d.join("root.pem"), root.to_pem()).unwrap();
    for (alg, paramset) in [
        ("gost2012_256", "A"),
        ("gost2012_256", "TCA"),
        ("gost2012_512", "A"),
    ] {
        openssl(
            &[
                "genpkey",
                "-engine",
                "gost",
                "-algorithm",
                alg,
                "-pkeyopt",
                &format!("paramset:{paramset}"),
                "-out",
                "k.pem",
            ],
            d,
        );
        openssl(
            &[
                "req",
                "-engine",
                "gost",
                "-new",
                "-key",
                "k.pem",
                "-utf8",
                "-subj",
                "/C=RU/CN=Петров Пётр Петрович/SN=Петров/GN=Пётр Петрович/INN=500100732259/SNILS=11223344595",
                "-out",
                "req.pem",
            ],
            d,
        );
        let csr = Csr::load(&std::fs::read(d.join("req.pem")).unwrap()).unwrap();
        assert_eq!(csr.verify(), Ok(()), "{alg} {paramset}");
        let info = SubjectInfo::from_attributes(&csr.subject_attributes()).unwrap();
        assert_eq!(info.inn.as_deref(), Some("500100732259"));
        let leaf = CertificateParams {
            public_key: csr.public_key_info().clone(),
            ..params(Profile::Person, &info, &ca_key, 2)
        };
        let cert = issue(&leaf, &ca_key, Some(&root)).unwrap();
        std::fs::write(d.join("leaf.pem"), cert.to_pem()).unwrap();
        let said = openssl(
            &[
                "verify", "-engine", "gost", "-CAfile", "root.pem", "leaf.pem",
            ],
            d,
        );
        assert!(said.contains("leaf.pem: OK"), "{alg} {paramset}: {said}");
        assert_eq!(
            Certificate::load_all(cert.to_pem().as_bytes()).unwrap()[0].verify_issued_by(&root),
            Ok(())
        );
    }
}

#[test]
fn bad_requests_are_refused() {
    assert_eq!(Csr::load(b"nothing here").unwrap_err(), Error::NoRequest);
    assert!(matches!(
        Csr::from_der(b"\x30\x03\x02\x01\x00"),
        Err(Error::Malformed(_))
    ));
    let unknown = vec![podpis_pki::certificate::NameAttribute {
        oid: "1.2.3.4".into(),
        short: None,
        russian: None,
        value: "x".into(),
    }];
    assert_eq!(
        SubjectInfo::from_attributes(&unknown).unwrap_err(),
        Error::UnknownAttribute("1.2.3.4".into())
    );
}
