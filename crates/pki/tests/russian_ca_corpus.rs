//! The real world: all 2,403 certificates of `shared/corpus/russian-ca` parse, and for each one
//! the issuer found *by name* in the corpus whose key verifies its signature agrees with
//! OpenSSL's verdict (`openssl-verdicts.tsv`: 2,401 verified, 2 whose issuer is absent).

use std::collections::HashMap;
use std::path::PathBuf;

use podpis_pki::Certificate;
use podpis_pki::describe;

fn corpus_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/russian-ca");
    assert!(dir.is_dir(), "the corpus is missing at {}", dir.display());
    dir
}

#[test]
fn corpus_parses_and_issuers_found_by_name_match_openssl() {
    let dir = corpus_dir();
    let verdicts = std::fs::read_to_string(dir.join("openssl-verdicts.tsv")).unwrap();
    let mut certs = Vec::new();
    for line in verdicts.lines() {
        let file = line.split('\t').next().unwrap().to_string();
        let bytes = std::fs::read(dir.join("certs").join(&file)).unwrap();
        let mut parsed = Certificate::load_all(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(parsed.len(), 1, "{file}");
        certs.push((file, parsed.remove(0)));
    }
    assert_eq!(certs.len(), 2403);
    let mut by_subject: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
    for (i, (_, cert)) in certs.iter().enumerate() {
        by_subject.entry(cert.subject_der()).or_default().push(i);
    }
    let index: HashMap<&str, usize> = certs
        .iter()
        .enumerate()
        .map(|(i, (f, _))| (f.as_str(), i))
        .collect();
    let (mut verified, mut without_issuer, mut identifiers_checked) = (0, 0, 0);
    for line in verdicts.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let (file, cert) = &certs[index[fields[0]]];
        let issuers: Vec<&str> = by_subject
            .get(&cert.issuer_der())
            .into_iter()
            .flatten()
            .filter(|&&i| cert.verify_issued_by(&certs[i].1).is_ok())
            .map(|&i| certs[i].0.as_str())
            .collect();
        match fields[1] {
            "verified-by" => {
                assert!(
                    issuers.contains(&fields[2]),
                    "{file}: OpenSSL found {} as issuer, Podpis found {issuers:?}",
                    fields[2]
                );
                verified += 1;
            }
            "issuer-not-in-corpus" => {
                assert!(issuers.is_empty(), "{file}: issuer found: {issuers:?}");
                without_issuer += 1;
            }
            other => panic!("unknown verdict {other}"),
        }
        // The summary never fails on real certificates, and OGRN/INN of the CAs are mostly right.
        let summary = describe::summarize(cert);
        identifiers_checked += summary.identifiers.len();
        assert!(!describe::to_text(&summary).is_empty());
    }
    assert_eq!((verified, without_issuer), (2401, 2));
    assert!(identifiers_checked > 2000, "{identifiers_checked}");
}

#[test]
fn a_wrong_issuer_is_refused() {
    let dir = corpus_dir().join("certs");
    let load = |f: &str| {
        Certificate::load_all(&std::fs::read(dir.join(f)).unwrap())
            .unwrap()
            .remove(0)
    };
    let child = load("0001.pem");
    let issuer = load("1852.pem");
    assert_eq!(child.verify_issued_by(&issuer), Ok(()));
    let other = load("1854.pem");
    assert!(matches!(
        child.verify_issued_by(&other),
        Err(podpis_pki::Error::BadSignature(_) | podpis_pki::Error::KeyAlgorithmMismatch { .. })
    ));
}
