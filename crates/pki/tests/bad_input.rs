//! Malformed certificates are refused with a specific error, never a panic.

use podpis_pki::{Certificate, Error};

fn sample() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/russian-ca/certs/0001.pem"
    );
    Certificate::load_all(&std::fs::read(path).unwrap()).unwrap()[0]
        .der()
        .to_vec()
}

#[test]
fn truncated_der_at_every_length_is_an_error() {
    let der = sample();
    for len in 0..der.len() {
        let err = Certificate::from_der(&der[..len]).unwrap_err();
        assert!(matches!(err, Error::Malformed(_)), "length {len}: {err}");
    }
    assert!(Certificate::from_der(&der).is_ok());
}

#[test]
fn trailing_bytes_and_garbage_are_errors() {
    let mut der = sample();
    der.push(0);
    assert!(matches!(
        Certificate::from_der(&der),
        Err(Error::Malformed(_))
    ));
    assert!(matches!(
        Certificate::from_der(b"\x30\x03\x02\x01\x01"),
        Err(Error::Malformed(_))
    ));
    assert_eq!(
        Certificate::load_all(b"hello").unwrap_err(),
        Error::NoCertificate
    );
    assert_eq!(
        Certificate::load_all(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
            .unwrap_err(),
        Error::NoCertificate
    );
    let err =
        Certificate::load_all(b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")
            .unwrap_err();
    assert!(err.to_string().contains("Base64"), "{err}");
}

#[test]
fn a_flipped_bit_in_the_signed_part_breaks_the_signature() {
    let der = sample();
    let cert = Certificate::from_der(&der).unwrap();
    let issuer_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/russian-ca/certs/1852.pem"
    );
    let issuer = Certificate::load_all(&std::fs::read(issuer_path).unwrap())
        .unwrap()
        .remove(0);
    assert_eq!(cert.verify_issued_by(&issuer), Ok(()));
    // Flip a bit inside the subject's public key (still parses, signature must fail).
    let key = cert
        .x509()
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes()
        .to_vec();
    let pos = der
        .windows(key.len())
        .position(|w| w == key.as_slice())
        .unwrap()
        + 10;
    let mut tampered = der.clone();
    tampered[pos] ^= 1;
    let tampered = Certificate::from_der(&tampered).unwrap();
    assert!(matches!(
        tampered.verify_issued_by(&issuer),
        Err(Error::BadSignature(_))
    ));
}
