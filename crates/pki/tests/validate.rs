//! Path validation of GOST chains: each fault gives its own sub-indication, named in the report.

use std::time::SystemTime;

use podpis_gost::{Algorithm, ParamSet, SigningKey};
use podpis_pki::Certificate;
use podpis_pki::crl::{Crl, CrlParams, Reason, Revocation};
use podpis_pki::issue::{CertificateParams, issue};
use podpis_pki::subject::Profile;
use podpis_pki::validate::{Indication, Options, SubIndication, TrustStore, validate};

mod common;
use common::*;

fn key() -> SigningKey {
    SigningKey::generate(Algorithm::Gost2012_256, ParamSet::CryptoProA).unwrap()
}

struct Pki {
    root_key: SigningKey,
    root: Certificate,
    ica_key: SigningKey,
    ica: Certificate,
    leaf: Certificate,
}

fn ca_params(key: &SigningKey, serial: u8, path_len: Option<u8>) -> CertificateParams {
    let mut p = params(Profile::CertificationCentre, &ca_subject(), key, serial);
    p.path_len = path_len;
    p
}

/// root → intermediate CA (another name) → person.
fn pki() -> Pki {
    let root_key = key();
    let root = issue(&ca_params(&root_key, 1, None), &root_key, None).unwrap();
    let ica_key = key();
    let mut ica_subject = ca_subject();
    ica_subject.common_name = Some("Подчинённый УЦ".into());
    let mut p = ca_params(&ica_key, 2, Some(0));
    p.subject = ica_subject.to_name(Profile::CertificationCentre).unwrap();
    let ica = issue(&p, &root_key, Some(&root)).unwrap();
    let leaf_key = key();
    let leaf = issue(
        &params(Profile::Person, &person_subject(), &leaf_key, 3),
        &ica_key,
        Some(&ica),
    )
    .unwrap();
    Pki {
        root_key,
        root,
        ica_key,
        ica,
        leaf,
    }
}

fn run(p: &Pki, options: &Options) -> podpis_pki::validate::Report {
    validate(
        &p.leaf,
        std::slice::from_ref(&p.ica),
        &TrustStore::new(vec![p.root.clone()]),
        options,
    )
}

#[test]
fn a_good_chain_passes_with_every_check_named() {
    let p = pki();
    let report = run(&p, &Options::default());
    assert_eq!(report.indication, Indication::TotalPassed, "{report:#?}");
    assert_eq!(report.chain.len(), 3);
    assert!(report.chain[2].trust_anchor);
    for check in ["signature", "validity", "basicConstraints", "revocation"] {
        assert!(
            report.checks.iter().any(|c| c.check == check && c.passed),
            "{check}"
        );
    }
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["indication"], "TOTAL_PASSED");
    assert!(json["subIndication"].is_null());
}

#[test]
fn missing_intermediate_or_anchor_is_no_chain() {
    let p = pki();
    let report = validate(
        &p.leaf,
        &[],
        &TrustStore::new(vec![p.root.clone()]),
        &Options::default(),
    );
    assert_eq!(report.indication, Indication::Indeterminate);
    assert_eq!(
        report.sub_indication,
        Some(SubIndication::NoCertificateChainFound)
    );
    let report = validate(
        &p.leaf,
        std::slice::from_ref(&p.ica),
        &TrustStore::default(),
        &Options::default(),
    );
    assert_eq!(
        report.sub_indication,
        Some(SubIndication::NoCertificateChainFound)
    );
}

#[test]
fn expired_and_not_yet_valid() {
    let p = pki();
    let mut options = Options {
        time: SystemTime::now() + 400 * DAY,
        ..Options::default()
    };
    let report = run(&p, &options);
    assert_eq!(report.indication, Indication::TotalFailed);
    assert_eq!(report.sub_indication, Some(SubIndication::Expired));
    options.time = SystemTime::now() - 2 * DAY;
    assert_eq!(
        run(&p, &options).sub_indication,
        Some(SubIndication::NotYetValid)
    );
}

#[test]
fn a_certificate_signed_by_another_key_fails_the_signature() {
    let p = pki();
    // Same issuer name, same key identifiers claimed, but signed by another key.
    let forged = issue(
        &params(Profile::Person, &person_subject(), &key(), 9),
        &p.ica_key,
        Some(&p.ica),
    )
    .unwrap();
    let other_ica_key = key();
    let mut p2 = ca_params(&other_ica_key, 2, Some(0));
    let mut ica_subject = ca_subject();
    ica_subject.common_name = Some("Подчинённый УЦ".into());
    p2.subject = ica_subject.to_name(Profile::CertificationCentre).unwrap();
    // An intermediate with the right name but a different key, certified by the root.
    let impostor = issue(&p2, &p.root_key, Some(&p.root)).unwrap();
    let report = validate(
        &forged,
        &[impostor],
        &TrustStore::new(vec![p.root.clone()]),
        &Options::default(),
    );
    assert_eq!(report.indication, Indication::TotalFailed, "{report:#?}");
    assert_eq!(report.sub_indication, Some(SubIndication::SigCryptoFailure));
}

#[test]
fn revoked_by_crl_and_unknown_status_when_required() {
    let p = pki();
    let now = SystemTime::now();
    let crl = Crl::issue(
        &CrlParams {
            number: 5,
            this_update: now - DAY,
            next_update: now + DAY,
            revoked: vec![Revocation {
                serial: p.leaf.serial().to_vec(),
                time: now - DAY,
                reason: Some(Reason::KeyCompromise),
            }],
        },
        &p.ica_key,
        &p.ica,
    )
    .unwrap();
    let mut options = Options {
        crls: vec![crl],
        ..Options::default()
    };
    let report = run(&p, &options);
    assert_eq!(report.indication, Indication::TotalFailed);
    assert_eq!(report.sub_indication, Some(SubIndication::Revoked));
    let failed = report.checks.iter().find(|c| !c.passed).unwrap();
    assert_eq!(failed.check, "revocation");
    assert!(failed.detail.contains("keyCompromise") && failed.detail.contains("CRL 5"));
    // Only the leaf's CRL is there: the intermediate's status is unknown.
    options.crls.clear();
    options.require_revocation = true;
    let report = run(&p, &options);
    assert_eq!(report.indication, Indication::Indeterminate);
    assert_eq!(report.sub_indication, Some(SubIndication::TryLater));
}

#[test]
fn a_later_crl_shows_the_status_at_an_earlier_time() {
    let p = pki();
    let now = SystemTime::now();
    let crl = Crl::issue(
        &CrlParams {
            number: 6,
            this_update: now - DAY / 24,
            next_update: now + DAY,
            revoked: vec![Revocation {
                serial: p.leaf.serial().to_vec(),
                time: now - DAY / 2,
                reason: Some(Reason::KeyCompromise),
            }],
        },
        &p.ica_key,
        &p.ica,
    )
    .unwrap();
    let at = |time: SystemTime, status_time: Option<SystemTime>| Options {
        time,
        status_time,
        crls: vec![crl.clone()],
        ..Options::default()
    };
    // At a time before the CRL was issued, the CRL is not current: unless told to take the
    // present as the status time.
    let mut before = at(now - DAY / 4 * 3, None);
    before.require_revocation = true;
    let report = run(&p, &before);
    assert_eq!(report.sub_indication, Some(SubIndication::TryLater));
    // Before the revocation it was good; after it, revoked.
    let report = run(&p, &at(now - DAY / 4 * 3, Some(now)));
    let leaf = report
        .checks
        .iter()
        .find(|c| c.check == "revocation" && c.position == 0)
        .unwrap();
    assert!(
        leaf.passed && leaf.detail.contains("not revoked"),
        "{leaf:?}"
    );
    let report = run(&p, &at(now - DAY / 4, Some(now)));
    assert_eq!(report.sub_indication, Some(SubIndication::Revoked));
}

#[test]
fn path_length_and_non_ca_issuers_break_the_chain_constraints() {
    let p = pki();
    // Under the intermediate (pathLen 0) another CA, then a leaf: too long.
    let sub_key = key();
    let mut sub_subject = ca_subject();
    sub_subject.common_name = Some("Третий УЦ".into());
    let mut sp = ca_params(&sub_key, 4, None);
    sp.subject = sub_subject.to_name(Profile::CertificationCentre).unwrap();
    let sub = issue(&sp, &p.ica_key, Some(&p.ica)).unwrap();
    let leaf = issue(
        &params(Profile::Person, &person_subject(), &key(), 5),
        &sub_key,
        Some(&sub),
    )
    .unwrap();
    let trust = TrustStore::new(vec![p.root.clone()]);
    let report = validate(&leaf, &[p.ica.clone(), sub], &trust, &Options::default());
    assert_eq!(
        report.sub_indication,
        Some(SubIndication::ChainConstraintsFailure)
    );
    assert!(
        report
            .checks
            .iter()
            .any(|c| !c.passed && c.detail.contains("path length 1")),
        "{report:#?}"
    );

    // A person's certificate used as an issuer.
    let person_key = key();
    let person = issue(
        &params(Profile::Person, &person_subject(), &person_key, 6),
        &p.ica_key,
        Some(&p.ica),
    )
    .unwrap();
    let below = issue(
        &params(Profile::Person, &person_subject(), &key(), 7),
        &person_key,
        Some(&person),
    )
    .unwrap();
    let report = validate(
        &below,
        &[p.ica.clone(), person],
        &trust,
        &Options::default(),
    );
    assert_eq!(
        report.sub_indication,
        Some(SubIndication::ChainConstraintsFailure),
        "{report:#?}"
    );
    assert!(
        report
            .checks
            .iter()
            .any(|c| !c.passed && c.detail.contains("not a CA"))
    );
}

/// What validation keeps of a certificate (its reading, the key found to have signed it) is the
/// certificate's alone: the same objects validated again under another time, or against a root
/// of the same name with another key, get their own verdicts, and then pass again.
#[test]
fn validating_the_same_certificates_again_gives_each_its_own_verdict() {
    let p = pki();
    assert!(run(&p, &Options::default()).passed());
    let later = Options {
        time: SystemTime::now() + 400 * DAY,
        ..Options::default()
    };
    assert_eq!(run(&p, &later).sub_indication, Some(SubIndication::Expired));
    let impostor_key = key();
    let impostor = issue(&ca_params(&impostor_key, 1, None), &impostor_key, None).unwrap();
    let report = validate(
        &p.leaf,
        std::slice::from_ref(&p.ica),
        &TrustStore::new(vec![impostor]),
        &Options::default(),
    );
    assert!(!report.passed());
    assert_eq!(report.sub_indication, Some(SubIndication::SigCryptoFailure));
    assert!(run(&p, &Options::default()).passed());
}
