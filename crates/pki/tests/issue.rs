//! Issuing certificates: a GOST root and end-entity certificates to the qualified profiles, read
//! back by Podpis and accepted by OpenSSL with the gost engine (`openssl verify`, `x509 -text`).

use std::process::Command;

use podpis_gost::{Algorithm, ParamSet, SigningKey};
use podpis_keys::{KeySpec, SoftwareKey};
use podpis_pki::issue::issue;
use podpis_pki::subject::Profile;
use podpis_pki::{Certificate, Error};

mod common;
use common::*;

struct Chain {
    root: Certificate,
    leaves: Vec<(String, Certificate)>,
}

fn chain() -> Chain {
    let ca_key = SigningKey::generate(Algorithm::Gost2012_256, ParamSet::CryptoProA).unwrap();
    let root = issue(
        &params(Profile::CertificationCentre, &ca_subject(), &ca_key, 1),
        &ca_key,
        None,
    )
    .unwrap();
    let mut leaves = Vec::new();
    for (name, params_set) in [
        ("cryptopro-a", ParamSet::CryptoProA),
        ("tc26-256-a", ParamSet::Tc26_256A),
        ("tc26-512-a", ParamSet::Tc26_512A),
    ] {
        let key = SigningKey::generate(Algorithm::for_params(params_set), params_set).unwrap();
        let cert = issue(
            &params(Profile::Person, &person_subject(), &key, 2),
            &ca_key,
            Some(&root),
        )
        .unwrap();
        leaves.push((name.to_string(), cert));
    }
    Chain { root, leaves }
}

#[test]
fn issued_certificates_read_back_and_verify_in_podpis() {
    let chain = chain();
    assert_eq!(chain.root.verify_issued_by(&chain.root), Ok(()));
    for (name, leaf) in &chain.leaves {
        assert_eq!(leaf.verify_issued_by(&chain.root), Ok(()), "{name}");
        assert!(leaf.verify_issued_by(leaf).is_err(), "{name}");
        let summary = podpis_pki::describe::summarize(leaf);
        assert!(summary.valid_now);
        assert_eq!(summary.identifiers.len(), 2);
        assert!(summary.identifiers.iter().all(|i| i.error.is_none()));
        let names: Vec<_> = summary.extensions.iter().filter_map(|e| e.name).collect();
        for expected in [
            "basicConstraints",
            "keyUsage",
            "subjectKeyIdentifier",
            "authorityKeyIdentifier",
            "certificatePolicies",
            "subjectSignTool",
            "issuerSignTool",
            "identificationKind",
            "privateKeyUsagePeriod",
            "extKeyUsage",
            "cRLDistributionPoints",
            "authorityInfoAccess",
        ] {
            assert!(
                names.contains(&expected),
                "{name}: {expected} missing from {names:?}"
            );
        }
        assert_eq!(leaf.issuer_der(), chain.root.subject_der());
        assert_eq!(
            Certificate::load_all(leaf.to_pem().as_bytes()).unwrap()[0].der(),
            leaf.der()
        );
    }
}

#[test]
fn wrong_issuer_key_and_bad_periods_are_refused() {
    let ca_key = SigningKey::generate(Algorithm::Gost2012_256, ParamSet::CryptoProA).unwrap();
    let other = SigningKey::generate(Algorithm::Gost2012_256, ParamSet::CryptoProA).unwrap();
    let root = issue(
        &params(Profile::CertificationCentre, &ca_subject(), &ca_key, 1),
        &ca_key,
        None,
    )
    .unwrap();
    let leaf = params(Profile::Person, &person_subject(), &other, 2);
    assert!(matches!(
        issue(&leaf, &other, Some(&root)),
        Err(Error::Validity(_))
    ));
    assert!(matches!(
        issue(&leaf, &ca_key, None),
        Err(Error::Validity(_))
    ));
    let mut backwards = params(Profile::Person, &person_subject(), &other, 2);
    backwards.not_after = backwards.not_before;
    assert!(matches!(
        issue(&backwards, &ca_key, Some(&root)),
        Err(Error::Validity(_))
    ));
}

#[test]
fn openssl_verifies_the_issued_chain_and_reads_the_profile() {
    require_engine();
    let chain = chain();
    let dir = tempfile::tempdir().unwrap();
    let root_path = dir.path().join("root.pem");
    std::fs::write(&root_path, chain.root.to_pem()).unwrap();
    for (name, leaf) in &chain.leaves {
        let leaf_path = dir.path().join(format!("{name}.pem"));
        std::fs::write(&leaf_path, leaf.to_pem()).unwrap();
        let out = Command::new("openssl")
            .args(["verify", "-engine", "gost", "-CAfile"])
            .arg(&root_path)
            .arg(&leaf_path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains(": OK"),
            "{name}: openssl verify said {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = Command::new("openssl")
            .args([
                "x509", "-engine", "gost", "-noout", "-text", "-nameopt", "utf8", "-in",
            ])
            .arg(&leaf_path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        for expected in [
            "INN=500100732259",
            "SNILS=11223344595",
            "Signing Tool of Subject",
            "Class of Signing Tool KC1",
            "Иванов",
            "Podpis 0.1",
            "CA:FALSE",
        ] {
            assert!(text.contains(expected), "{name}: {expected} not in\n{text}");
        }
    }
    // A leaf whose signed bytes were altered fails in OpenSSL too.
    let (_, leaf) = &chain.leaves[0];
    let mut der = leaf.der().to_vec();
    let pos = der
        .windows(6)
        .position(|w| w == "Иван".as_bytes()[..6].as_ref())
        .unwrap();
    der[pos + 1] ^= 0x01;
    let bad_path = dir.path().join("bad.der");
    std::fs::write(&bad_path, &der).unwrap();
    let out = Command::new("openssl")
        .args(["verify", "-engine", "gost", "-CAfile"])
        .arg(&root_path)
        .args(["-inform", "DER"])
        .arg(&bad_path)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "openssl accepted a tampered certificate"
    );
}

/// A root, an intermediate CA and a person's certificate, all with keys of `spec`.
fn chain_of(spec: KeySpec) -> [Certificate; 3] {
    let root_key = SoftwareKey::generate(spec).unwrap();
    let ica_key = SoftwareKey::generate(spec).unwrap();
    let leaf_key = SoftwareKey::generate(spec).unwrap();
    let mut root_params = params(Profile::CertificationCentre, &ca_subject(), &root_key, 1);
    root_params.path_len = Some(1);
    let root = issue(&root_params, &root_key, None).unwrap();
    let mut ica_subject = ca_subject();
    ica_subject.common_name = Some("Подчинённый УЦ".into());
    let ica = issue(
        &params(Profile::CertificationCentre, &ica_subject, &ica_key, 2),
        &root_key,
        Some(&root),
    )
    .unwrap();
    let leaf = issue(
        &params(Profile::Person, &person_subject(), &leaf_key, 3),
        &ica_key,
        Some(&ica),
    )
    .unwrap();
    [root, ica, leaf]
}

#[test]
fn ecdsa_rsa_and_ed25519_chains_verify_in_podpis_and_openssl() {
    use podpis_pki::validate::{Indication, Options, TrustStore, validate};
    let dir = tempfile::tempdir().unwrap();
    for spec in [
        KeySpec::EcdsaP256,
        KeySpec::Rsa { bits: 2048 },
        KeySpec::Ed25519,
    ] {
        let [root, ica, leaf] = chain_of(spec);
        let report = validate(
            &leaf,
            std::slice::from_ref(&ica),
            &TrustStore::new(vec![root.clone()]),
            &Options::default(),
        );
        assert_eq!(
            report.indication,
            Indication::TotalPassed,
            "{spec}: {report:?}"
        );
        assert_eq!(report.chain.len(), 3, "{spec}");
        for (name, cert) in [("root", &root), ("ica", &ica), ("leaf", &leaf)] {
            std::fs::write(dir.path().join(format!("{name}.pem")), cert.to_pem()).unwrap();
        }
        let out = Command::new("openssl")
            .args([
                "verify",
                "-CAfile",
                "root.pem",
                "-untrusted",
                "ica.pem",
                "leaf.pem",
            ])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{spec}: openssl verify said {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // Without the intermediate there is no chain, in both.
        let out = Command::new("openssl")
            .args(["verify", "-CAfile", "root.pem", "leaf.pem"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{spec}");
        let report = validate(
            &leaf,
            &[],
            &TrustStore::new(vec![root]),
            &Options::default(),
        );
        assert_ne!(report.indication, Indication::TotalPassed, "{spec}");
    }
}
