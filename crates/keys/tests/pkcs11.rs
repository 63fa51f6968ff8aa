//! PKCS#11 with SoftHSM2: keys generated on the token sign, OpenSSL verifies the signatures; a
//! wrong PIN is refused once; GOST is skipped with the reason when the token has no GOST
//! mechanism (SoftHSM2 has none).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use der::Encode;
use podpis_keys::pkcs11::{TokenKey, TokenUri, offers_gost};
use podpis_keys::{KeyError, KeySpec, Signer};

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const PIN: &[u8] = b"1234";

/// A private SoftHSM2 token directory with one token per test, made once per process (the
/// module reads its configuration once).
fn setup() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        assert!(
            Path::new(MODULE).exists(),
            "SoftHSM2 is required (apt-get install softhsm2)"
        );
        let dir = tempfile::tempdir().unwrap().keep();
        std::fs::create_dir(dir.join("tokens")).unwrap();
        let conf = dir.join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                dir.join("tokens").display()
            ),
        )
        .unwrap();
        // SAFETY: set once, before any test thread loads the module.
        unsafe { std::env::set_var("SOFTHSM2_CONF", &conf) };
        for label in ["ecdsa", "rsa", "pins", "gost"] {
            let out = Command::new("softhsm2-util")
                .args(["--init-token", "--free", "--label", label, "--pin", "1234"])
                .args(["--so-pin", "000000"])
                .env("SOFTHSM2_CONF", &conf)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        dir
    })
}

fn uri(token: &str, object: &str) -> TokenUri {
    format!("pkcs11:token={token};object={object}")
        .parse()
        .unwrap()
}

/// OpenSSL checks a signature made on the token.
fn openssl_verifies(key: &TokenKey, message: &[u8], signature: &[u8]) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("pub.der"),
        key.public_key().unwrap().to_der().unwrap(),
    )
    .unwrap();
    std::fs::write(d.join("msg"), message).unwrap();
    std::fs::write(d.join("sig"), signature).unwrap();
    Command::new("openssl")
        .args(["dgst", "-sha256", "-verify", "pub.der", "-keyform", "DER"])
        .args(["-signature", "sig", "msg"])
        .current_dir(d)
        .output()
        .unwrap()
        .status
        .success()
}

#[test]
fn token_keys_sign_and_openssl_verifies() {
    setup();
    let module = Path::new(MODULE);
    for (token, spec) in [
        ("ecdsa", KeySpec::EcdsaP256),
        ("rsa", KeySpec::Rsa { bits: 2048 }),
    ] {
        let at = uri(token, "подпись");
        let key = TokenKey::generate(module, &at, PIN, spec).unwrap();
        let message = "Договор № 17".repeat(50).into_bytes();
        let signature = key.sign(&message).unwrap();
        assert!(openssl_verifies(&key, &message, &signature), "{spec}");
        assert!(!openssl_verifies(&key, b"another", &signature), "{spec}");

        // Opened again by its URI: the same key.
        let again = TokenKey::open(module, &at, PIN).unwrap();
        assert_eq!(again.public_key().unwrap(), key.public_key().unwrap());
        let signature = again.sign(&message).unwrap();
        assert!(openssl_verifies(&again, &message, &signature), "{spec}");

        let err = TokenKey::generate(module, &at, PIN, spec).unwrap_err();
        assert!(err.to_string().contains("already holds"), "{err}");
        let err = TokenKey::open(module, &uri(token, "нет такого"), PIN).unwrap_err();
        assert!(err.to_string().contains("no private key labelled"), "{err}");
    }
}

#[test]
fn a_wrong_pin_is_refused_and_not_retried() {
    setup();
    let module = Path::new(MODULE);
    let at = uri("pins", "key");
    TokenKey::generate(module, &at, PIN, KeySpec::EcdsaP256).unwrap();
    assert_eq!(
        TokenKey::open(module, &at, b"4321").unwrap_err(),
        KeyError::WrongPin
    );
    assert!(TokenKey::open(module, &at, PIN).is_ok());
    let err = TokenKey::open(module, &uri("absent", "key"), PIN).unwrap_err();
    assert!(err.to_string().contains("no token labelled"), "{err}");
    let err = TokenKey::open(Path::new("/nonexistent/module.so"), &at, PIN).unwrap_err();
    assert!(err.to_string().contains("cannot load"), "{err}");
}

#[test]
fn gost_and_ed25519_need_a_token_that_offers_them() {
    setup();
    let module = Path::new(MODULE);
    if offers_gost(module, "gost").unwrap() {
        panic!("this SoftHSM2 offers CKM_GOSTR3410: extend the test to sign GOST on the token");
    }
    println!(
        "skipped GOST on the token: SoftHSM2 offers no GOST R 34.10 mechanism (CKM_GOSTR3410); \
         GOST keys are tested in software"
    );
    for spec in ["gost2012-256", "ed25519"] {
        let err =
            TokenKey::generate(module, &uri("gost", spec), PIN, spec.parse().unwrap()).unwrap_err();
        assert!(
            matches!(err, KeyError::UnknownAlgorithm(_)),
            "{spec}: {err}"
        );
    }
}
