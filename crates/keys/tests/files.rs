//! Encrypted PKCS#8 key files: round trips, wrong and missing passwords, and OpenSSL (gost engine)
//! reading Podpis's files and the other way round.

use std::process::Command;

use podpis_gost::{Algorithm, ParamSet, SigningKey};
use podpis_keys::KeyError;
use podpis_keys::file::{encrypt_pem, load, plain_pem};

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

fn openssl(args: &[&str], dir: &std::path::Path) -> Vec<u8> {
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

#[test]
fn encrypted_and_plain_round_trips() {
    let key = SigningKey::generate(Algorithm::Gost2012_512, ParamSet::Tc26_512A).unwrap();
    let pem = encrypt_pem(&key, b"correct horse").unwrap();
    assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let back = load(pem.as_bytes(), Some(b"correct horse")).unwrap();
    assert_eq!(back.verifying_key(), key.verifying_key());
    assert_eq!(
        load(pem.as_bytes(), Some(b"correct horsE")).unwrap_err(),
        KeyError::WrongPassword
    );
    assert_eq!(
        load(pem.as_bytes(), None).unwrap_err(),
        KeyError::PasswordRequired
    );
    let plain = plain_pem(&key);
    assert_eq!(
        load(plain.as_bytes(), None).unwrap().verifying_key(),
        key.verifying_key()
    );
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
fn openssl_reads_podpis_files_and_podpis_reads_openssl_files() {
    require_engine();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = SigningKey::generate(Algorithm::Gost2012_256, ParamSet::CryptoProA).unwrap();
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
    assert_eq!(public, key.verifying_key().to_spki_der());
    for (alg, set) in [("gost2012_256", "A"), ("gost2012_512", "C")] {
        openssl(
            &[
                "genpkey",
                "-engine",
                "gost",
                "-algorithm",
                alg,
                "-pkeyopt",
                &format!("paramset:{set}"),
                "-aes-256-cbc",
                "-pass",
                "pass:secret",
                "-out",
                "openssl.pem",
            ],
            d,
        );
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
        assert_eq!(theirs.verifying_key().to_spki_der(), public, "{alg} {set}");
        assert_eq!(
            load(&bytes, Some(b"Secret")).unwrap_err(),
            KeyError::WrongPassword
        );
    }
}
