//! The qualified profile: certificates Podpis issues to persons, entrepreneurs and legal
//! entities' officers conform (and OpenSSL reads their issuerSignTool the same way); every
//! departure — a non-GOST key, a missing tool, a CA certificate, a wrong INN control digit — is
//! named; path validation reports the profile when asked for it.

use std::process::Command;

use podpis_keys::{KeySpec, Signer, SoftwareKey};
use podpis_pki::Certificate;
use podpis_pki::issue::issue;
use podpis_pki::qualified::examine;
use podpis_pki::subject::{Profile, SubjectInfo};
use podpis_pki::validate::{Indication, Options, SubIndication, TrustStore, validate};

mod common;
use common::*;

fn gost() -> SoftwareKey {
    SoftwareKey::generate("gost2012-256:tc26-256-a".parse().unwrap()).unwrap()
}

fn root(key: &SoftwareKey) -> Certificate {
    issue(
        &params(Profile::CertificationCentre, &ca_subject(), key, 1),
        key,
        None,
    )
    .unwrap()
}

/// A GOST root and a person's certificate it issued.
fn gost_person() -> (Certificate, Certificate) {
    let ca_key = gost();
    let ca = root(&ca_key);
    let cert = issue(
        &params(Profile::Person, &person_subject(), &gost(), 2),
        &ca_key,
        Some(&ca),
    )
    .unwrap();
    (ca, cert)
}

fn entrepreneur() -> SubjectInfo {
    SubjectInfo {
        ogrnip: Some("304500116000157".into()),
        ..person_subject()
    }
}

fn officer() -> SubjectInfo {
    SubjectInfo {
        region: Some("77 г. Москва".into()),
        locality: Some("Москва".into()),
        street: Some("ул. Тверская, д. 1".into()),
        surname: Some("Иванов".into()),
        given_name: Some("Иван Иванович".into()),
        title: Some("Генеральный директор".into()),
        snils: Some("11223344595".into()),
        inn: Some("500100732259".into()),
        ..ca_subject()
    }
}

#[test]
fn issued_owner_certificates_conform() {
    let ca_key = gost();
    let ca = root(&ca_key);
    assert!(
        !examine(&ca).conforms(),
        "a CA certificate is not an owner's"
    );
    for (profile, subject) in [
        (Profile::Person, person_subject()),
        (Profile::Entrepreneur, entrepreneur()),
        (Profile::LegalEntity, officer()),
    ] {
        let key = gost();
        let cert = issue(&params(profile, &subject, &key, 2), &ca_key, Some(&ca)).unwrap();
        let q = examine(&cert);
        assert!(q.conforms(), "{profile:?}: {:?}", q.faults);
        assert_eq!(q.owner, profile);
        assert_eq!(q.classes, ["КС1 (KC1)"]);
        assert_eq!(q.subject_sign_tool.as_deref(), Some("Podpis 0.1"));
        assert_eq!(q.issuer_sign_tool, Some(issuer_sign_tool()));
        assert_eq!(q.identification_kind, Some(0));
        assert!(q.summary().starts_with("qualified ("), "{}", q.summary());
    }
}

#[test]
fn openssl_reads_the_issuer_sign_tool_podpis_writes() {
    require_engine();
    let (_, cert) = gost_person();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("person.pem");
    std::fs::write(&path, cert.to_pem()).unwrap();
    let out = Command::new("openssl")
        .args(["x509", "-engine", "gost", "-noout", "-text", "-in"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let tools = issuer_sign_tool();
    // OpenSSL decodes issuerSignTool itself (crypto/x509/v3_ist.c) and prints each field.
    for (label, value) in [
        ("signTool", &tools.sign_tool),
        ("cATool", &tools.ca_tool),
        ("signToolCert", &tools.sign_tool_cert),
        ("cAToolCert", &tools.ca_tool_cert),
    ] {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(label) && l.contains(':'))
            .unwrap_or_else(|| panic!("no {label} line in\n{text}"));
        assert!(line.contains(value.as_str()), "{label}: {line}");
    }
    assert!(text.contains("Podpis 0.1"), "subjectSignTool: {text}");
}

#[test]
fn departures_from_the_profile_are_named() {
    // A non-GOST key signed by a non-GOST CA.
    let ec_ca_key = SoftwareKey::generate(KeySpec::EcdsaP256).unwrap();
    let ec_ca = root(&ec_ca_key);
    let ec_key = SoftwareKey::generate(KeySpec::EcdsaP256).unwrap();
    let ec = issue(
        &params(Profile::Person, &person_subject(), &ec_key, 2),
        &ec_ca_key,
        Some(&ec_ca),
    )
    .unwrap();
    let faults = examine(&ec).faults.join("\n");
    assert!(faults.contains("key, not GOST R 34.10-2012"), "{faults}");
    assert!(faults.contains("signed with"), "{faults}");

    // No issuerSignTool.
    let ca_key = gost();
    let ca = root(&ca_key);
    let key = gost();
    let mut without_tools = params(Profile::Person, &person_subject(), &key, 3);
    without_tools.issuer_sign_tool = None;
    let cert = issue(&without_tools, &ca_key, Some(&ca)).unwrap();
    assert_eq!(
        examine(&cert).faults,
        ["issuerSignTool (1.2.643.100.112) is missing"]
    );

    // An INN whose last control digit is wrong (written past the issuing checks by editing the
    // encoded name: the same length, so the DER stays well-formed).
    let mut bad_inn = params(Profile::Person, &person_subject(), &key, 4);
    let name = der::Encode::to_der(&bad_inn.subject).unwrap();
    let at = name.windows(12).position(|w| w == b"500100732259").unwrap();
    let mut name = name;
    name[at + 11] = b'8';
    bad_inn.subject = der::Decode::from_der(&name).unwrap();
    let cert = issue(&bad_inn, &ca_key, Some(&ca)).unwrap();
    let q = examine(&cert);
    assert_eq!(q.faults.len(), 1, "{:?}", q.faults);
    assert!(
        q.faults[0].contains("INN") && q.faults[0].contains("500100732258"),
        "{:?}",
        q.faults
    );
    assert!(q.summary().starts_with("not qualified: "));
}

#[test]
fn sign_tools_out_of_bounds_are_refused_at_issue() {
    let ca_key = gost();
    let ca = root(&ca_key);
    let key = gost();
    let mut empty = params(Profile::Person, &person_subject(), &key, 2);
    empty.sign_tool = String::new();
    let err = issue(&empty, &ca_key, Some(&ca)).unwrap_err().to_string();
    assert!(err.contains("subjectSignTool must have 1 to 200"), "{err}");
    let mut long = params(Profile::Person, &person_subject(), &key, 2);
    long.issuer_sign_tool.as_mut().unwrap().ca_tool_cert = "№".repeat(101);
    let err = issue(&long, &ca_key, Some(&ca)).unwrap_err().to_string();
    assert!(
        err.contains("issuerSignTool cAToolCert must have 1 to 100 characters, not 101"),
        "{err}"
    );
}

#[test]
fn validation_checks_the_profile_when_asked() {
    let qualified = Options {
        qualified: true,
        ..Options::default()
    };
    let profile_check = |report: &podpis_pki::validate::Report| {
        report
            .checks
            .iter()
            .find(|c| c.check == "qualifiedProfile")
            .cloned()
    };
    // A GOST person's certificate: qualified.
    let (ca, cert) = gost_person();
    let trust = TrustStore::new(vec![ca]);
    let report = validate(&cert, &[], &trust, &qualified);
    assert_eq!(report.indication, Indication::TotalPassed, "{report:?}");
    let check = profile_check(&report).unwrap();
    assert!(check.passed && check.detail.contains("person"), "{check:?}");
    assert!(profile_check(&validate(&cert, &[], &trust, &Options::default())).is_none());

    // An ECDSA certificate: valid as a certificate, but not qualified.
    let ec_ca_key = SoftwareKey::generate(KeySpec::EcdsaP256).unwrap();
    let ec_ca = root(&ec_ca_key);
    let ec_key = SoftwareKey::generate(KeySpec::EcdsaP256).unwrap();
    assert!(ec_key.public_key().is_ok());
    let ec = issue(
        &params(Profile::Person, &person_subject(), &ec_key, 2),
        &ec_ca_key,
        Some(&ec_ca),
    )
    .unwrap();
    let trust = TrustStore::new(vec![ec_ca]);
    assert!(validate(&ec, &[], &trust, &Options::default()).passed());
    let report = validate(&ec, &[], &trust, &qualified);
    assert_eq!(report.indication, Indication::TotalFailed);
    assert_eq!(report.sub_indication, Some(SubIndication::FormatFailure));
    let check = profile_check(&report).unwrap();
    assert!(
        !check.passed && check.detail.contains("not GOST R 34.10-2012"),
        "{check:?}"
    );
    // Asked again (the finding is kept with the certificate): the same verdict.
    let again = validate(&ec, &[], &trust, &qualified);
    assert_eq!(again.sub_indication, Some(SubIndication::FormatFailure));
    assert_eq!(
        format!("{:?}", profile_check(&again)),
        format!("{:?}", Some(check))
    );
}
