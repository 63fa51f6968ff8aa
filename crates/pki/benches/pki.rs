//! The CA's and the validator's hot paths: parsing a certificate, issuing one from a CSR
//! (request parsed, its signature checked, subject checked against the profile, certificate
//! built and signed with GOST 256), and validating a three-certificate GOST chain.

use std::time::{Duration, SystemTime};

use criterion::{Criterion, criterion_group, criterion_main};
use podpis_gost::{Algorithm, ParamSet, SigningKey};
use podpis_pki::Certificate;
use podpis_pki::csr::Csr;
use podpis_pki::issue::{CertificateParams, issue};
use podpis_pki::subject::{Profile, SubjectInfo};
use podpis_pki::validate::{Options, TrustStore, validate};

const DAY: Duration = Duration::from_secs(24 * 3600);

fn ca_info(cn: &str) -> SubjectInfo {
    SubjectInfo {
        common_name: Some(cn.into()),
        organization: Some("ООО \"Подпись\"".into()),
        country: Some("RU".into()),
        ogrn: Some("1027700132195".into()),
        inn_le: Some("7707083893".into()),
        ..Default::default()
    }
}

fn person_info() -> SubjectInfo {
    SubjectInfo {
        common_name: Some("Иванов Иван Иванович".into()),
        surname: Some("Иванов".into()),
        given_name: Some("Иван Иванович".into()),
        country: Some("RU".into()),
        inn: Some("500100732259".into()),
        snils: Some("112-233-445 95".into()),
        ..Default::default()
    }
}

fn key() -> SigningKey {
    SigningKey::generate(Algorithm::Gost2012_256, ParamSet::CryptoProA).unwrap()
}

fn params(
    profile: Profile,
    info: &SubjectInfo,
    key: &SigningKey,
    serial: u64,
) -> CertificateParams {
    let now = SystemTime::now();
    CertificateParams {
        profile,
        subject: info.to_name(profile).unwrap(),
        public_key: key.verifying_key().clone(),
        serial: serial.to_be_bytes().to_vec(),
        not_before: now - DAY,
        not_after: now + 365 * DAY,
        path_len: Some(0),
        crl_url: Some("http://localhost:8080/crl/bench.crl".into()),
        ocsp_url: Some("http://localhost:8080/ocsp".into()),
        ca_issuers_url: None,
        sign_tool: "Podpis".into(),
    }
}

fn pki(c: &mut Criterion) {
    let root_key = key();
    let mut root_params = params(Profile::CertificationCentre, &ca_info("Root"), &root_key, 1);
    root_params.path_len = None;
    let root = issue(&root_params, &root_key, None).unwrap();
    let ica_key = key();
    let ica = issue(
        &params(Profile::CertificationCentre, &ca_info("ICA"), &ica_key, 2),
        &root_key,
        Some(&root),
    )
    .unwrap();
    let user_key = key();
    let csr = Csr::create(person_info().to_name(Profile::Person).unwrap(), &user_key).unwrap();
    let csr_der = csr.der().to_vec();
    let leaf = issue(
        &params(Profile::Person, &person_info(), &user_key, 3),
        &ica_key,
        Some(&ica),
    )
    .unwrap();
    let leaf_der = leaf.der().to_vec();

    c.bench_function("certificate/parse", |b| {
        b.iter(|| Certificate::from_der(&leaf_der).unwrap())
    });
    let mut serial = 10u64;
    c.bench_function("certificate/issue-from-csr", |b| {
        b.iter(|| {
            let csr = Csr::from_der(&csr_der).unwrap();
            csr.verify().unwrap();
            let info = SubjectInfo::from_attributes(&csr.subject_attributes()).unwrap();
            let mut p = params(Profile::Person, &info, &user_key, serial);
            p.public_key = csr.gost_public_key().unwrap();
            serial += 1;
            issue(&p, &ica_key, Some(&ica)).unwrap()
        })
    });
    let trust = TrustStore::new(vec![root]);
    let intermediates = [ica];
    c.bench_function("chain/validate-3-gost", |b| {
        b.iter(|| {
            let report = validate(&leaf, &intermediates, &trust, &Options::default());
            assert!(report.passed());
        })
    });
}

criterion_group!(benches, pki);
criterion_main!(benches);
