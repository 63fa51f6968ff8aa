//! PKCS#12: Podpis's files read by `openssl pkcs12` (with the gost engine for GOST keys),
//! OpenSSL's files read by Podpis, for every key algorithm; wrong passwords, damaged files and
//! legacy encryption refused with a reason.

use std::path::Path;
use std::process::Command;

use der::Encode;
use podpis_keys::pkcs12::{export, import};
use podpis_keys::{KeyError, KeySpec, Signer, SoftwareKey};

/// Runs openssl with the gost engine loaded from a configuration file (`pkcs12` has no
/// `-engine` option).
fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
    let conf = dir.join("gost.cnf");
    std::fs::write(
        &conf,
        "openssl_conf = d\n[d]\nengines = e\n[e]\ngost = g\n[g]\nengine_id = gost\n\
         default_algorithms = ALL\n",
    )
    .unwrap();
    let out = Command::new("openssl")
        .args(args)
        .env("OPENSSL_CONF", conf)
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

fn specs() -> Vec<KeySpec> {
    [
        "gost2012-256",
        "gost2012-512:tc26-512-b",
        "ecdsa-p256",
        "ed25519",
        "rsa-2048",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect()
}

/// A key written for OpenSSL, a self-signed certificate for it, and a second certificate to
/// stand for the chain (all DER, made by OpenSSL).
fn fixture(dir: &Path, spec: KeySpec) -> (SoftwareKey, Vec<u8>, Vec<u8>) {
    let key = SoftwareKey::generate(spec).unwrap();
    std::fs::write(
        dir.join("key.pem"),
        podpis_keys::file::plain_pem(&key).unwrap().as_bytes(),
    )
    .unwrap();
    let cert = |cn: &str, out: &str| {
        openssl(
            dir,
            &[
                "req", "-x509", "-new", "-key", "key.pem", "-subj", cn, "-days", "2", "-out", out,
            ],
        );
        let der = openssl(dir, &["x509", "-in", out, "-outform", "DER"]);
        assert!(!der.is_empty());
        der
    };
    let own = cert("/CN=Иванов Иван", "cert.pem");
    let chain = cert("/CN=Тестовый УЦ", "chain.pem");
    (key, own, chain)
}

fn public(key: &impl Signer) -> Vec<u8> {
    key.public_key().unwrap().to_der().unwrap()
}

#[test]
fn podpis_files_round_trip_and_openssl_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for spec in specs() {
        let (key, cert, chain) = fixture(d, spec);
        let p12 = export(
            &key,
            &cert,
            std::slice::from_ref(&chain),
            "пароль 1".as_bytes(),
            Some("Мой ключ"),
        )
        .unwrap();
        let back = import(&p12, "пароль 1".as_bytes()).unwrap();
        assert_eq!(public(&back.key), public(&key), "{spec}");
        assert_eq!(
            back.certificates,
            vec![cert.clone(), chain.clone()],
            "{spec}"
        );
        assert_eq!(back.name.as_deref(), Some("Мой ключ"));
        assert_eq!(
            import(&p12, "пароль 2".as_bytes()).unwrap_err(),
            KeyError::WrongPassword
        );

        std::fs::write(d.join("podpis.p12"), &p12).unwrap();
        let pass = "pass:пароль 1";
        // `-info` checks the MAC and decrypts every bag.
        openssl(
            d,
            &[
                "pkcs12",
                "-info",
                "-in",
                "podpis.p12",
                "-passin",
                pass,
                "-noout",
            ],
        );
        openssl(
            d,
            &[
                "pkcs12",
                "-in",
                "podpis.p12",
                "-passin",
                pass,
                "-nokeys",
                "-out",
                "certs.pem",
            ],
        );
        let text = std::fs::read_to_string(d.join("certs.pem")).unwrap();
        assert_eq!(
            text.matches("BEGIN CERTIFICATE").count(),
            2,
            "{spec}: {text}"
        );
        assert!(text.contains("friendlyName"), "{spec}: {text}");
        openssl(
            d,
            &[
                "pkcs12",
                "-in",
                "podpis.p12",
                "-passin",
                pass,
                "-nocerts",
                "-nodes",
                "-out",
                "key-out.pem",
            ],
        );
        let their_public = openssl(
            d,
            &["pkey", "-in", "key-out.pem", "-pubout", "-outform", "DER"],
        );
        assert_public_key_eq(&key, &their_public, &spec.to_string());
    }
}

/// The same public key (OpenSSL leaves out the optional digest parameter of 512-bit GOST keys).
fn assert_public_key_eq(key: &SoftwareKey, openssl_der: &[u8], what: &str) {
    use der::Decode;
    let theirs = spki::SubjectPublicKeyInfoOwned::from_der(openssl_der).unwrap();
    let ours = key.public_key().unwrap();
    assert_eq!(ours.algorithm.oid, theirs.algorithm.oid, "{what}");
    assert_eq!(ours.subject_public_key, theirs.subject_public_key, "{what}");
}

#[test]
fn openssl_files_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for spec in specs() {
        let (key, cert, chain) = fixture(d, spec);
        // The chain first on purpose: the key's own certificate is found by its localKeyId.
        openssl(
            d,
            &[
                "pkcs12",
                "-export",
                "-inkey",
                "key.pem",
                "-in",
                "cert.pem",
                "-certfile",
                "chain.pem",
                "-name",
                "openssl key",
                "-passout",
                "pass:секрет",
                "-out",
                "openssl.p12",
            ],
        );
        let p12 = std::fs::read(d.join("openssl.p12")).unwrap();
        let got = import(&p12, "секрет".as_bytes()).unwrap();
        assert_eq!(public(&got.key), public(&key), "{spec}");
        assert_eq!(got.certificates[0], cert, "{spec}");
        assert!(got.certificates.contains(&chain), "{spec}");
        assert_eq!(got.name.as_deref(), Some("openssl key"));
        assert_eq!(
            import(&p12, "Секрет".as_bytes()).unwrap_err(),
            KeyError::WrongPassword
        );
        // The same file serves as a key wherever a key file is taken.
        let loaded = podpis_keys::file::load(&p12, Some("секрет".as_bytes())).unwrap();
        assert_eq!(public(&loaded), public(&key), "{spec}");
        assert_eq!(
            podpis_keys::file::load(&p12, None).unwrap_err(),
            KeyError::PasswordRequired
        );
        assert_eq!(
            podpis_keys::file::load(&p12, Some(b"wrong")).unwrap_err(),
            KeyError::WrongPassword
        );
    }
}

#[test]
fn damaged_and_legacy_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (key, cert, _) = fixture(d, KeySpec::EcdsaP256);
    let p12 = export(&key, &cert, &[], b"secret", None).unwrap();
    for bad in [&p12[..p12.len() / 2], b"", b"\x30\x03\x02\x01\x03"] {
        assert!(
            matches!(import(bad, b"secret"), Err(KeyError::Malformed(_))),
            "{bad:?}"
        );
    }
    // One byte of the contents changed: the MAC no longer matches.
    let mut flipped = p12.clone();
    let pos = flipped.len() / 2;
    flipped[pos] ^= 0x01;
    assert!(import(&flipped, b"secret").is_err());

    openssl(
        d,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "key.pem",
            "-in",
            "cert.pem",
            "-keypbe",
            "PBE-SHA1-3DES",
            "-certpbe",
            "PBE-SHA1-3DES",
            "-macalg",
            "sha1",
            "-passout",
            "pass:secret",
            "-out",
            "legacy.p12",
        ],
    );
    let legacy = std::fs::read(d.join("legacy.p12")).unwrap();
    let err = import(&legacy, b"secret").unwrap_err();
    assert!(
        matches!(&err, KeyError::UnknownAlgorithm(m) if m.contains("legacy")),
        "{err}"
    );
    // The SHA-1 MAC of that file was checked first: a wrong password says so.
    assert_eq!(
        import(&legacy, b"wrong").unwrap_err(),
        KeyError::WrongPassword
    );
}
