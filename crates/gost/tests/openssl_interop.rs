//! Interoperability with OpenSSL 3 and its gost engine, both ways, for every parameter set the
//! engine supports: OpenSSL's keys (PKCS#8, SPKI) and signatures are accepted by Podpis, and
//! Podpis's keys and signatures are accepted by OpenSSL.
//!
//! These tests need `openssl` with the gost engine (Debian: `libengine-gost-openssl`), which
//! `scripts/test` installs. Without it they fail, so that CI cannot pass them silently; set
//! `PODPIS_SKIP_OPENSSL=1` to skip them knowingly on a machine without the engine.

use std::path::Path;
use std::process::Command;

use pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use podpis_gost::{Algorithm, ParamSet, Signature, SigningKey, VerifyingKey};
use spki::{DecodePublicKey, EncodePublicKey};

mod common;

/// Runs `openssl` with the gost engine; returns stdout, panicking with stderr on failure.
fn openssl(args: &[&str], dir: &Path) -> String {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether the engine is there; panics (fails the test) when it is not, unless told to skip.
fn engine_available() -> bool {
    let ok = Command::new("openssl")
        .args(["engine", "-t", "gost"])
        .output()
        .map(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("available"))
        .unwrap_or(false);
    if !ok {
        if std::env::var_os("PODPIS_SKIP_OPENSSL").is_some() {
            eprintln!("SKIPPED: OpenSSL gost engine not available and PODPIS_SKIP_OPENSSL is set");
            return false;
        }
        panic!(
            "OpenSSL with the gost engine is required (apt-get install openssl libengine-gost-openssl)"
        );
    }
    true
}

struct Case {
    algorithm: Algorithm,
    openssl_alg: &'static str,
    md: &'static str,
    params: ParamSet,
}

fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    for params in [
        ParamSet::CryptoProA,
        ParamSet::CryptoProB,
        ParamSet::CryptoProC,
        ParamSet::CryptoProXchA,
        ParamSet::CryptoProXchB,
    ] {
        v.push(Case {
            algorithm: Algorithm::Gost2001,
            openssl_alg: "gost2001",
            md: "-md_gost94",
            params,
        });
    }
    for params in [
        ParamSet::CryptoProA,
        ParamSet::CryptoProB,
        ParamSet::CryptoProC,
        ParamSet::CryptoProXchA,
        ParamSet::CryptoProXchB,
        ParamSet::Tc26_256A,
        ParamSet::Tc26_256B,
        ParamSet::Tc26_256C,
        ParamSet::Tc26_256D,
    ] {
        v.push(Case {
            algorithm: Algorithm::Gost2012_256,
            openssl_alg: "gost2012_256",
            md: "-md_gost12_256",
            params,
        });
    }
    for params in [
        ParamSet::Tc26_512A,
        ParamSet::Tc26_512B,
        ParamSet::Tc26_512C,
    ] {
        v.push(Case {
            algorithm: Algorithm::Gost2012_512,
            openssl_alg: "gost2012_512",
            md: "-md_gost12_512",
            params,
        });
    }
    v
}

const MESSAGE: &[u8] = "Заявление в Социальный фонд: прошу назначить пособие.\n".as_bytes();

/// Runs `check` for every case in a fresh directory holding `msg`, unless the engine is absent
/// and skipping was asked for; reports how many pairs were checked.
fn for_each_case(direction: &str, check: impl Fn(&Case, &str, &Path)) {
    if !engine_available() {
        return;
    }
    let mut checked = 0;
    for case in cases() {
        let label = format!("{} {}", case.algorithm, case.params);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("msg"), MESSAGE).unwrap();
        check(&case, &label, dir.path());
        checked += 1;
    }
    assert_eq!(checked, cases().len());
    eprintln!("{direction}: {checked} algorithm/parameter-set pairs");
}

#[test]
fn openssl_keys_and_signatures_verify_in_podpis() {
    for_each_case("OpenSSL -> Podpis", |case, label, d| {
        let paramset = format!("paramset:{}", case.params.openssl_name());
        openssl(
            &[
                "genpkey",
                "-engine",
                "gost",
                "-algorithm",
                case.openssl_alg,
                "-pkeyopt",
                &paramset,
                "-out",
                "key.pem",
            ],
            d,
        );
        openssl(
            &[
                "pkey", "-engine", "gost", "-in", "key.pem", "-pubout", "-out", "pub.pem",
            ],
            d,
        );
        openssl(
            &[
                "dgst", "-engine", "gost", case.md, "-sign", "key.pem", "-out", "sig", "msg",
            ],
            d,
        );

        let key = SigningKey::from_pkcs8_pem(&std::fs::read_to_string(d.join("key.pem")).unwrap())
            .unwrap_or_else(|e| panic!("{label}: OpenSSL's PKCS#8 refused: {e}"));
        assert_eq!(key.params(), case.params, "{label}");
        assert_eq!(key.algorithm(), case.algorithm, "{label}");
        let pub_pem = std::fs::read_to_string(d.join("pub.pem")).unwrap();
        let public = VerifyingKey::from_public_key_pem(&pub_pem).unwrap();
        assert_eq!(
            &public,
            key.verifying_key(),
            "{label}: d·P differs from OpenSSL's public key"
        );

        // The re-encoded key is byte-identical where OpenSSL follows RFC 9215 (its 512-A/B
        // keys carry an optional digest OID that RFC 9215 leaves out).
        if !matches!(case.params, ParamSet::Tc26_512A | ParamSet::Tc26_512B) {
            assert_eq!(
                public.to_spki_der(),
                common::pem_to_der(&pub_pem),
                "{label}: SPKI"
            );
            assert_eq!(
                key.to_pkcs8_der_bytes().as_slice(),
                common::pem_to_der(&std::fs::read_to_string(d.join("key.pem")).unwrap()),
                "{label}: PKCS#8"
            );
        }

        let sig = Signature::from_bytes(&std::fs::read(d.join("sig")).unwrap()).unwrap();
        public
            .verify_message(MESSAGE, &sig)
            .unwrap_or_else(|e| panic!("{label}: OpenSSL's signature refused: {e}"));
        assert!(
            public.verify_message(b"another message", &sig).is_err(),
            "{label}"
        );
    });
}

#[test]
fn podpis_keys_and_signatures_verify_in_openssl() {
    for_each_case("Podpis -> OpenSSL", |case, label, d| {
        let key = SigningKey::generate(case.algorithm, case.params).unwrap();
        std::fs::write(
            d.join("key.pem"),
            key.to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes(),
        )
        .unwrap();
        std::fs::write(
            d.join("pub.pem"),
            key.verifying_key()
                .to_public_key_pem(LineEnding::LF)
                .unwrap(),
        )
        .unwrap();
        let sig = signature::Signer::<Signature>::sign(&key, MESSAGE);
        std::fs::write(d.join("sig"), sig.as_bytes()).unwrap();
        let det = key
            .sign_digest_bytes_deterministic(&podpis_gost::hash::digest(case.algorithm, MESSAGE))
            .unwrap();
        std::fs::write(d.join("det.sig"), det.as_bytes()).unwrap();

        // OpenSSL reads Podpis's public key and accepts both signatures.
        for file in ["sig", "det.sig"] {
            let out = openssl(
                &[
                    "dgst",
                    "-engine",
                    "gost",
                    case.md,
                    "-verify",
                    "pub.pem",
                    "-signature",
                    file,
                    "msg",
                ],
                d,
            );
            assert!(out.contains("Verified OK"), "{label}: {file}: {out}");
        }
        // A flipped bit in the signature is refused by OpenSSL too.
        let mut bad = sig.as_bytes().to_vec();
        bad[3] ^= 0x01;
        std::fs::write(d.join("bad.sig"), &bad).unwrap();
        let status = Command::new("openssl")
            .args([
                "dgst",
                "-engine",
                "gost",
                case.md,
                "-verify",
                "pub.pem",
                "-signature",
                "bad.sig",
                "msg",
            ])
            .current_dir(d)
            .output()
            .unwrap();
        assert!(
            !status.status.success(),
            "{label}: OpenSSL accepted a corrupted signature"
        );

        // OpenSSL reads Podpis's private key: its public half and its signatures match.
        let derived = openssl(&["pkey", "-engine", "gost", "-in", "key.pem", "-pubout"], d);
        assert_eq!(
            VerifyingKey::from_public_key_pem(&derived).unwrap(),
            *key.verifying_key(),
            "{label}"
        );
        openssl(
            &[
                "dgst", "-engine", "gost", case.md, "-sign", "key.pem", "-out", "ossl.sig", "msg",
            ],
            d,
        );
        let theirs = Signature::from_bytes(&std::fs::read(d.join("ossl.sig")).unwrap()).unwrap();
        key.verifying_key()
            .verify_message(MESSAGE, &theirs)
            .unwrap();
    });
}
