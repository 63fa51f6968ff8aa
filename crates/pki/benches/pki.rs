//! The CA's and the validator's hot paths: parsing a certificate, issuing one from a CSR
//! (request parsed, its signature checked, subject checked against the profile, certificate
//! built and signed with GOST 256), validating a three-certificate GOST chain (alone, and a
//! certificate just read against a registry of a hundred roots), and signing and
//! verifying a 1 KiB document as CAdES-BES (digest, attributes, GOST 256 signature, encoding;
//! parsing and the signer's checks).

use criterion::{Criterion, criterion_group, criterion_main};
use podpis_gost::{Algorithm, ParamSet, SigningKey};
use podpis_pki::Certificate;
use podpis_pki::cades::{DigestAlgorithm, SignRequest, SignedMessage, sign, verify_signer};
use podpis_pki::csr::Csr;
use podpis_pki::issue::issue;
use podpis_pki::subject::{Profile, SubjectInfo};
use podpis_pki::validate::{Options, TrustStore, validate};

#[path = "../tests/common/mod.rs"]
mod common;
use common::{ca_subject, params, person_subject};

fn ca_info(cn: &str) -> SubjectInfo {
    SubjectInfo {
        common_name: Some(cn.into()),
        ..ca_subject()
    }
}

fn key() -> SigningKey {
    SigningKey::generate(Algorithm::Gost2012_256, ParamSet::CryptoProA).unwrap()
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
    let csr = Csr::create(
        person_subject().to_name(Profile::Person).unwrap(),
        &user_key,
    )
    .unwrap();
    let csr_der = csr.der().to_vec();
    let leaf = issue(
        &params(Profile::Person, &person_subject(), &user_key, 3),
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
            let mut p = params(Profile::Person, &info, &user_key, 0);
            p.public_key = csr.public_key_info().clone();
            p.serial = serial.to_be_bytes().to_vec();
            serial += 1;
            issue(&p, &ica_key, Some(&ica)).unwrap()
        })
    });
    let document = vec![0x5au8; 1024];
    let sign_1k = || {
        let digest = DigestAlgorithm::Streebog256.digest(&document);
        let request = SignRequest {
            signer: &user_key,
            certificate: &leaf,
            chain: std::slice::from_ref(&ica),
            digest: &digest,
            signing_time: std::time::SystemTime::now(),
        };
        sign(&request, None).unwrap().to_der().unwrap()
    };
    c.bench_function("cades/sign-1k", |b| b.iter(sign_1k));
    let signature = sign_1k();
    c.bench_function("cades/verify-1k", |b| {
        b.iter(|| {
            let message = SignedMessage::from_bytes(&signature).unwrap();
            let digest = DigestAlgorithm::Streebog256.digest(&document);
            assert!(verify_signer(&message, 0, &digest, &[]).failure().is_none());
        })
    });
    let mut registry = vec![root.clone()];
    let trust = TrustStore::new(vec![root]);
    let intermediates = [ica];
    c.bench_function("chain/validate-3-gost", |b| {
        b.iter(|| {
            let report = validate(&leaf, &intermediates, &trust, &Options::default());
            assert!(report.passed());
        })
    });
    // A portal's registry: a hundred roots kept parsed, and a certificate just read from a file.
    for n in 1..100 {
        let key = key();
        let mut p = params(
            Profile::CertificationCentre,
            &ca_info(&format!("Root {n}")),
            &key,
            100 + n,
        );
        p.path_len = None;
        registry.push(issue(&p, &key, None).unwrap());
    }
    let registry = TrustStore::new(registry);
    c.bench_function("chain/validate-3-gost-registry-100", |b| {
        b.iter(|| {
            let leaf = Certificate::from_der(&leaf_der).unwrap();
            let report = validate(&leaf, &intermediates, &registry, &Options::default());
            assert!(report.passed());
        })
    });
}

criterion_group!(benches, pki);
criterion_main!(benches);
