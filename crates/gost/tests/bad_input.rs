//! Bad input is an error, never a panic, and each error says what was wrong.

use podpis_gost::{Algorithm, Error, ParamSet, Signature, SigningKey, VerifyingKey};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// TC26 256-A in Weierstrass form: `t` and `s` of RFC 7836 §5 give small-order points.
const TC26_256A_S: &str = "7E7E82520F9F015FAA1D0F18C14AB9FB35188275DA3FD94206B74F34A48E0ECD";
const TC26_256A_T: &str = "0100FE73F595FF158E974B44D478D9588744FE5C192AC47EA63075DCE7A14AAA";
const P256: &str = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD97";
const Q_CRYPTOPRO_A: &str = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF6C611070995AD10045841B09B761B893";

fn key() -> SigningKey {
    SigningKey::from_bytes(Algorithm::Gost2012_256, ParamSet::CryptoProA, &[7; 32]).unwrap()
}

#[test]
fn signatures_of_the_wrong_length() {
    for len in [0, 1, 63, 65, 127, 129, 256] {
        assert!(
            matches!(
                Signature::from_bytes(&vec![1; len]),
                Err(Error::SignatureLength { .. })
            ),
            "{len}"
        );
    }
    // A 512-bit signature for a 256-bit key.
    let sig = Signature::from_bytes(&[1; 128]).unwrap();
    let err = key()
        .verifying_key()
        .verify_message(b"m", &sig)
        .unwrap_err();
    assert_eq!(
        err,
        Error::SignatureLength {
            expected: 64,
            actual: 128
        }
    );
}

#[test]
fn r_or_s_zero_or_not_below_q() {
    let public = key().verifying_key().clone();
    let q = h(Q_CRYPTOPRO_A);
    let one = {
        let mut v = vec![0u8; 32];
        v[31] = 1;
        v
    };
    assert_eq!(
        Signature::from_r_s(&[0; 32], &one),
        Err(Error::SignatureOutOfRange)
    );
    assert_eq!(
        Signature::from_r_s(&one, &[0; 32]),
        Err(Error::SignatureOutOfRange)
    );
    for (r, s) in [(&q, &one), (&one, &q), (&vec![0xff; 32], &one)] {
        let sig = Signature::from_r_s(r, s).unwrap();
        assert_eq!(
            public.verify_message(b"m", &sig),
            Err(Error::SignatureOutOfRange)
        );
    }
}

#[test]
fn public_points_off_the_curve_or_out_of_range() {
    let good = key().verifying_key().clone();
    let mut y = good.y().to_vec();
    y[31] ^= 1;
    assert_eq!(
        VerifyingKey::from_affine(Algorithm::Gost2012_256, ParamSet::CryptoProA, good.x(), &y),
        Err(Error::PointNotOnCurve)
    );
    assert_eq!(
        VerifyingKey::from_affine(
            Algorithm::Gost2012_256,
            ParamSet::CryptoProA,
            &h(P256),
            good.y()
        ),
        Err(Error::CoordinateOutOfRange)
    );
    assert_eq!(
        VerifyingKey::from_affine(
            Algorithm::Gost2012_256,
            ParamSet::CryptoProA,
            &[0; 32],
            &[0; 32]
        ),
        Err(Error::PointNotOnCurve)
    );
    assert!(matches!(
        VerifyingKey::from_le_bytes(Algorithm::Gost2012_256, ParamSet::CryptoProA, &[1; 63]),
        Err(Error::PublicKeyLength {
            expected: 64,
            actual: 63
        })
    ));
}

#[test]
fn small_order_points_on_the_edwards_curve() {
    // (t, 0) is the image of the Edwards point (0, −1), of order 2.
    let t = h(TC26_256A_T);
    assert_eq!(
        VerifyingKey::from_affine(Algorithm::Gost2012_256, ParamSet::Tc26_256A, &t, &[0; 32]),
        Err(Error::PointNotInSubgroup)
    );
    // (s + t, s) is the image of the Edwards point (1, 0), of order 4.
    let s = h(TC26_256A_S);
    let mut s_plus_t = [0u8; 32];
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let v = s[i] as u16 + t[i] as u16 + carry;
        s_plus_t[i] = v as u8;
        carry = v >> 8;
    }
    assert_eq!(carry, 0);
    assert_eq!(
        VerifyingKey::from_affine(Algorithm::Gost2012_256, ParamSet::Tc26_256A, &s_plus_t, &s),
        Err(Error::PointNotInSubgroup)
    );
}

#[test]
fn private_keys_and_digests() {
    assert_eq!(
        SigningKey::from_bytes(Algorithm::Gost2012_256, ParamSet::CryptoProA, &[0; 32])
            .unwrap_err(),
        Error::PrivateKeyOutOfRange
    );
    assert_eq!(
        SigningKey::from_bytes(
            Algorithm::Gost2012_256,
            ParamSet::CryptoProA,
            &h(Q_CRYPTOPRO_A)
        )
        .unwrap_err(),
        Error::PrivateKeyOutOfRange,
        "d = q is zero modulo q"
    );
    assert!(matches!(
        SigningKey::from_bytes(Algorithm::Gost2012_256, ParamSet::CryptoProA, &[1; 31]),
        Err(Error::PrivateKeyLength {
            expected: 32,
            actual: 31
        })
    ));
    assert!(matches!(
        SigningKey::from_bytes(Algorithm::Gost2012_512, ParamSet::CryptoProA, &[1; 32]),
        Err(Error::ParamSetMismatch { .. })
    ));
    assert!(matches!(
        SigningKey::from_bytes(Algorithm::Gost2001, ParamSet::Tc26_256A, &[1; 32]),
        Err(Error::ParamSetMismatch { .. })
    ));
    assert_eq!(
        key().sign_digest_bytes(&[1; 64]).unwrap_err(),
        Error::DigestLength {
            expected: 32,
            actual: 64
        }
    );
}

#[test]
fn malformed_der() {
    let spki = key().verifying_key().to_spki_der();
    for cut in [0, 1, 5, spki.len() / 2, spki.len() - 1] {
        assert!(
            VerifyingKey::from_spki_der(&spki[..cut]).is_err(),
            "truncated at {cut}"
        );
    }
    assert!(VerifyingKey::from_spki_der(b"garbage").is_err());
    // An unknown parameter-set OID (1.2.643.2.2.35.9 instead of .35.1).
    let pos = spki
        .windows(7)
        .position(|w| w == [0x2a, 0x85, 0x03, 0x02, 0x02, 0x23, 0x01])
        .unwrap();
    let mut unknown = spki.clone();
    unknown[pos + 6] = 0x09;
    assert!(matches!(
        VerifyingKey::from_spki_der(&unknown),
        Err(Error::UnknownParamSet(_))
    ));
    // Not a GOST key algorithm (1.2.643.7.1.1.1.9).
    let pos = spki
        .windows(8)
        .position(|w| w == [0x2a, 0x85, 0x03, 0x07, 0x01, 0x01, 0x01, 0x01])
        .unwrap();
    let mut alg = spki.clone();
    alg[pos + 7] = 0x09;
    assert!(matches!(
        VerifyingKey::from_spki_der(&alg),
        Err(Error::UnknownAlgorithm(_))
    ));

    let pkcs8 = key().to_pkcs8_der_bytes();
    for cut in [0, 3, pkcs8.len() - 1] {
        assert!(
            SigningKey::from_pkcs8_der_bytes(&pkcs8[..cut]).is_err(),
            "truncated at {cut}"
        );
    }
    // Errors have readable messages.
    assert!(
        Error::PointNotInSubgroup
            .to_string()
            .contains("small order")
    );
}

#[test]
fn private_key_encodings_other_tools_write() {
    let k = key();
    let der = k.to_pkcs8_der_bytes();
    // privateKey as OCTET STRING { OCTET STRING (LE d) } and as INTEGER d: same key.
    let raw_pos = der.len() - 32;
    let le = der[raw_pos..].to_vec();
    let rewrap = |inner: &[u8]| {
        let mut out = der[..raw_pos - 2].to_vec();
        out.push(0x04);
        out.push(inner.len() as u8);
        out.extend_from_slice(inner);
        out[1] = (out.len() - 2) as u8;
        out
    };
    let mut nested = vec![0x04, 32];
    nested.extend_from_slice(&le);
    assert_eq!(
        SigningKey::from_pkcs8_der_bytes(&rewrap(&nested))
            .unwrap()
            .verifying_key(),
        k.verifying_key()
    );
    let mut be = le.clone();
    be.reverse();
    assert!(be[0] < 0x80, "a positive INTEGER needs no leading zero");
    let mut int = vec![0x02, 32];
    int.extend_from_slice(&be);
    assert_eq!(
        SigningKey::from_pkcs8_der_bytes(&rewrap(&int))
            .unwrap()
            .verifying_key(),
        k.verifying_key()
    );
}
