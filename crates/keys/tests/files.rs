//! PKCS#8 key files of every algorithm: round trips, wrong and missing passwords, OpenSSL (with
//! the gost engine for GOST keys) reading Podpis's files and the other way round, and OpenSSL
//! verifying what the keys sign.

use std::path::Path;
use std::process::Command;

use der::Encode;
use podpis_keys::file::{encrypt_pem, encrypt_pem_with, load, plain_pem};
use podpis_keys::{KeyError, KeySpec, Signer, SoftwareKey};

fn require_engine() {
    let out = Command::new("openssl")
        .args(["engine", "-t", "gost"])
        .output();
    let ok = out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("available"));
    assert!(
        ok,
        "OpenSSL with the gost engine is required (apt-get install openssl libengine-gost-openssl)"
    );
}

fn openssl(args: &[&str], dir: &Path) -> Vec<u8> {
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
    out.stdout
}

fn public_der(key: &impl Signer) -> Vec<u8> {
    key.public_key().unwrap().to_der().unwrap()
}

/// The same public key, allowing the optional digest parameter OpenSSL leaves out of 512-bit
/// GOST keys (RFC 9215 §4.2 lets either form stand).
fn assert_same_key(ours: &impl Signer, openssl_der: &[u8], what: &str) {
    use der::Decode;
    let theirs = spki::SubjectPublicKeyInfoOwned::from_der(openssl_der).unwrap();
    let ours = ours.public_key().unwrap();
    assert_eq!(ours.algorithm.oid, theirs.algorithm.oid, "{what}");
    assert_eq!(ours.subject_public_key, theirs.subject_public_key, "{what}");
}

/// Every algorithm, with one GOST key of each size.
fn specs() -> Vec<KeySpec> {
    [
        "gost2012-256:tc26-256-a",
        "gost2012-512",
        "ecdsa-p256",
        "ed25519",
        "rsa-2048",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect()
}

#[test]
fn encrypted_and_plain_round_trips() {
    for spec in specs() {
        let key = SoftwareKey::generate(spec).unwrap();
        assert_eq!(key.spec(), spec);
        let pem = encrypt_pem(&key, b"correct horse").unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        let back = load(pem.as_bytes(), Some(b"correct horse")).unwrap();
        assert_eq!(public_der(&back), public_der(&key), "{spec}");
        assert_eq!(
            load(pem.as_bytes(), Some(b"correct horsE")).unwrap_err(),
            KeyError::WrongPassword,
            "{spec}"
        );
        assert_eq!(
            load(pem.as_bytes(), None).unwrap_err(),
            KeyError::PasswordRequired
        );
        let plain = plain_pem(&key).unwrap();
        assert_eq!(
            public_der(&load(plain.as_bytes(), None).unwrap()),
            public_der(&key)
        );
    }
    assert!(matches!(
        load(
            b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",
            None
        ),
        Err(KeyError::Malformed(_))
    ));
    assert!(matches!(
        load(b"garbage", None),
        Err(KeyError::Malformed(_))
    ));
}

#[test]
fn key_specs_parse_and_refuse() {
    assert_eq!(
        "rsa-3072".parse::<KeySpec>().unwrap(),
        KeySpec::Rsa { bits: 3072 }
    );
    for bad in [
        "rsa-1024",
        "ecdsa-p384",
        "gost2012-256:tc26-512-a",
        "ed25519:x",
        "",
    ] {
        let err = bad.parse::<KeySpec>().unwrap_err();
        assert!(matches!(err, KeyError::UnknownAlgorithm(_)), "{bad}: {err}");
    }
}

/// A file sealed with a chosen work factor says so in its PBES2 parameters (OpenSSL reads the
/// count back), opens with its password and refuses another.
#[test]
fn the_iteration_count_is_the_one_chosen() {
    require_engine();
    let dir = tempfile::tempdir().unwrap();
    let key = SoftwareKey::generate("gost2012-256".parse().unwrap()).unwrap();
    let pem = encrypt_pem_with(&key, b"1234", 1_000).unwrap();
    assert_eq!(
        public_der(&load(pem.as_bytes(), Some(b"1234")).unwrap()),
        public_der(&key)
    );
    assert!(matches!(
        load(pem.as_bytes(), Some(b"4321")),
        Err(KeyError::WrongPassword)
    ));
    std::fs::write(dir.path().join("k.pem"), pem.as_bytes()).unwrap();
    let parsed = String::from_utf8(openssl(&["asn1parse", "-in", "k.pem"], dir.path())).unwrap();
    assert!(parsed.contains(":03E8"), "1,000 iterations: {parsed}");
    let default = encrypt_pem(&key, b"1234").unwrap();
    std::fs::write(dir.path().join("d.pem"), default.as_bytes()).unwrap();
    let parsed = String::from_utf8(openssl(&["asn1parse", "-in", "d.pem"], dir.path())).unwrap();
    assert!(parsed.contains(":0927C0"), "600,000 iterations: {parsed}");
}

#[test]
fn openssl_reads_podpis_files_and_podpis_reads_openssl_files() {
    require_engine();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for spec in specs() {
        let key = SoftwareKey::generate(spec).unwrap();
        std::fs::write(
            d.join("podpis.pem"),
            encrypt_pem(&key, b"secret").unwrap().as_bytes(),
        )
        .unwrap();
        let public = openssl(
            &[
                "pkey",
                "-engine",
                "gost",
                "-in",
                "podpis.pem",
                "-passin",
                "pass:secret",
                "-pubout",
                "-outform",
                "DER",
            ],
            d,
        );
        assert_same_key(&key, &public, &spec.to_string());
    }
    let generated: [&[&str]; 5] = [
        &[
            "-engine",
            "gost",
            "-algorithm",
            "gost2012_256",
            "-pkeyopt",
            "paramset:A",
        ],
        &[
            "-engine",
            "gost",
            "-algorithm",
            "gost2012_512",
            "-pkeyopt",
            "paramset:C",
        ],
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        &["-algorithm", "ED25519"],
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    ];
    for options in generated {
        let mut args = vec!["genpkey"];
        args.extend_from_slice(options);
        args.extend([
            "-aes-256-cbc",
            "-pass",
            "pass:secret",
            "-out",
            "openssl.pem",
        ]);
        let _ = std::fs::remove_file(d.join("openssl.pem"));
        openssl(&args, d);
        let bytes = std::fs::read(d.join("openssl.pem")).unwrap();
        let theirs = load(&bytes, Some(b"secret")).unwrap();
        let public = openssl(
            &[
                "pkey",
                "-engine",
                "gost",
                "-in",
                "openssl.pem",
                "-passin",
                "pass:secret",
                "-pubout",
                "-outform",
                "DER",
            ],
            d,
        );
        assert_same_key(&theirs, &public, &format!("{options:?}"));
        assert_eq!(
            load(&bytes, Some(b"Secret")).unwrap_err(),
            KeyError::WrongPassword
        );
    }
}

#[test]
fn openssl_verifies_ecdsa_rsa_and_ed25519_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let message = "Заявление в Социальный фонд".repeat(100).into_bytes();
    std::fs::write(d.join("msg"), &message).unwrap();
    for spec in [
        KeySpec::EcdsaP256,
        KeySpec::Rsa { bits: 2048 },
        KeySpec::Ed25519,
    ] {
        let key = SoftwareKey::generate(spec).unwrap();
        std::fs::write(d.join("pub.der"), public_der(&key)).unwrap();
        let sig = key.sign(&message).unwrap();
        std::fs::write(d.join("sig"), &sig).unwrap();
        let verify: &[&str] = match spec {
            KeySpec::Ed25519 => &[
                "pkeyutl", "-verify", "-rawin", "-pubin", "-keyform", "DER", "-inkey", "pub.der",
                "-in", "msg", "-sigfile", "sig",
            ],
            _ => &[
                "dgst",
                "-sha256",
                "-verify",
                "pub.der",
                "-keyform",
                "DER",
                "-signature",
                "sig",
                "msg",
            ],
        };
        let out = String::from_utf8(openssl(verify, d)).unwrap();
        assert!(out.contains("Verified"), "{spec}: {out}");
        // A changed message must not verify.
        std::fs::write(d.join("msg"), b"tampered").unwrap();
        let status = Command::new("openssl")
            .args(verify)
            .current_dir(d)
            .output()
            .unwrap();
        assert!(
            !status.status.success(),
            "{spec}: a tampered message verified"
        );
        std::fs::write(d.join("msg"), &message).unwrap();
    }
}
