//! The real world: every certificate of `shared/corpus/russian-ca` (2,403 certificates of
//! Russian CAs, GOST R 34.10-2001 and 2012) has its signature checked against its issuer's key,
//! and the verdicts must equal OpenSSL's (`openssl-verdicts.tsv`).

use std::path::PathBuf;

use podpis_gost::{Algorithm, Signature, VerifyingKey, oid};

mod common;

fn corpus_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/russian-ca");
    assert!(
        dir.is_dir(),
        "the corpus is missing at {}: the test cannot run",
        dir.display()
    );
    dir
}

#[test]
fn every_corpus_signature_matches_openssl() {
    let dir = corpus_dir();
    let verdicts = std::fs::read_to_string(dir.join("openssl-verdicts.tsv")).unwrap();
    let load = |name: &str| {
        common::pem_to_der(&std::fs::read_to_string(dir.join("certs").join(name)).unwrap())
    };
    let (mut verified, mut without_issuer) = (0, 0);
    let mut params_seen = std::collections::BTreeMap::<String, usize>::new();
    for line in verdicts.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let child_der = load(fields[0]);
        let child = common::Cert::parse(&child_der);
        // Every certificate's own key parses and passes the point checks.
        let own_key = VerifyingKey::from_spki_der(child.spki)
            .unwrap_or_else(|e| panic!("{}: public key refused: {e}", fields[0]));
        *params_seen
            .entry(own_key.params().name().to_string())
            .or_default() += 1;
        match fields[1] {
            "verified-by" => {
                let issuer_der = load(fields[2]);
                let issuer = common::Cert::parse(&issuer_der);
                let key = VerifyingKey::from_spki_der(issuer.spki).unwrap();
                let algorithm = match child.sig_alg {
                    oid::GOST_R3411_94_WITH_R3410_2001 => Algorithm::Gost2001,
                    oid::SIGN_WITH_STREEBOG_256 => Algorithm::Gost2012_256,
                    oid::SIGN_WITH_STREEBOG_512 => Algorithm::Gost2012_512,
                    other => panic!("{}: unexpected signature algorithm {other}", fields[0]),
                };
                let digest = podpis_gost::hash::digest(algorithm, child.tbs);
                let sig = Signature::from_bytes(child.signature).unwrap();
                key.verify_digest_bytes(&digest, &sig)
                    .unwrap_or_else(|e| panic!("{} by {}: {e}", fields[0], fields[2]));
                // A flipped bit of the signed data must fail.
                let mut tampered = child.tbs.to_vec();
                let mid = tampered.len() / 2;
                tampered[mid] ^= 0x10;
                let bad = podpis_gost::hash::digest(algorithm, &tampered);
                assert!(
                    key.verify_digest_bytes(&bad, &sig).is_err(),
                    "{}: tampered passed",
                    fields[0]
                );
                verified += 1;
            }
            "issuer-not-in-corpus" => without_issuer += 1,
            other => panic!("unknown verdict {other}"),
        }
    }
    assert_eq!((verified, without_issuer), (2401, 2));
    eprintln!("parameter sets of the corpus keys: {params_seen:?}");
    for name in [
        "cryptopro-a",
        "cryptopro-b",
        "cryptopro-c",
        "cryptopro-xcha",
        "tc26-256-a",
        "tc26-512-a",
    ] {
        assert!(
            params_seen.contains_key(name),
            "corpus should exercise {name}"
        );
    }
}
