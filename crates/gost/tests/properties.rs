//! Property tests: sign/verify round trips for random keys and messages on every parameter set,
//! and any single flipped bit in the message, the signature or the public key makes
//! verification fail.

use podpis_gost::{Algorithm, ParamSet, Signature, SigningKey, VerifyingKey};
use proptest::prelude::*;

fn key_from_seed(params: ParamSet, seed: &[u8]) -> SigningKey {
    let algorithm = Algorithm::for_params(params);
    SigningKey::from_bytes(algorithm, params, &seed[..params.size()])
        .expect("a zero key is vanishingly unlikely")
}

fn flip(bytes: &[u8], bit: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let bit = bit % (8 * out.len());
    out[bit / 8] ^= 1 << (bit % 8);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn round_trip_and_bit_flips(
        set in 0usize..ParamSet::ALL.len(),
        seed in proptest::collection::vec(any::<u8>(), 64),
        msg in proptest::collection::vec(any::<u8>(), 1..200),
        bit in any::<usize>(),
    ) {
        let params = ParamSet::ALL[set];
        let key = key_from_seed(params, &seed);
        let public = key.verifying_key();
        let sig = signature::Signer::<Signature>::sign(&key, &msg);
        prop_assert!(public.verify_message(&msg, &sig).is_ok());

        // Deterministic signatures are reproducible and verify too.
        let digest = podpis_gost::hash::digest(key.algorithm(), &msg);
        let det = key.sign_digest_bytes_deterministic(&digest).unwrap();
        prop_assert_eq!(det, key.sign_digest_bytes_deterministic(&digest).unwrap());
        prop_assert!(public.verify_digest_bytes(&digest, &det).is_ok());

        prop_assert!(public.verify_message(&flip(&msg, bit), &sig).is_err());
        // A flip that zeroes r or s is refused at parsing; one in the key almost always gives a
        // point off the curve, refused when the key is made.
        if let Ok(bad) = Signature::from_bytes(&flip(sig.as_bytes(), bit)) {
            prop_assert!(public.verify_message(&msg, &bad).is_err());
        }
        if let Ok(other) = VerifyingKey::from_le_bytes(key.algorithm(), params, &flip(&public.to_le_bytes(), bit)) {
            prop_assert!(other.verify_message(&msg, &sig).is_err());
        }

        // Keys survive their encodings.
        let reread = SigningKey::from_pkcs8_der_bytes(&key.to_pkcs8_der_bytes()).unwrap();
        prop_assert_eq!(reread.verifying_key(), public);
        prop_assert_eq!(&VerifyingKey::from_spki_der(&public.to_spki_der()).unwrap(), public);
    }
}

/// A key that verifies again and again switches to its own tables from the second use on:
/// every answer matches that of a fresh copy of the key, which has none, on every parameter
/// set, for good signatures, forged ones and other messages.
#[test]
fn a_key_used_again_and_again_answers_as_a_fresh_one() {
    for params in ParamSet::ALL {
        let key = SigningKey::generate(Algorithm::for_params(params), params).unwrap();
        let public = key.verifying_key().clone();
        for i in 0..6u8 {
            let msg = [i; 40];
            let sig = signature::Signer::<Signature>::sign(&key, &msg);
            let bad = Signature::from_bytes(&flip(sig.as_bytes(), 8 * i as usize + 3)).ok();
            for (m, s) in [
                (&msg[..], Some(&sig)),
                (&msg[1..], Some(&sig)),
                (&msg[..], bad.as_ref()),
            ] {
                let Some(s) = s else { continue };
                let fresh = public.clone().verify_message(m, s).is_ok();
                assert_eq!(
                    public.verify_message(m, s).is_ok(),
                    fresh,
                    "{params:?} use {i}"
                );
                assert_eq!(fresh, m.len() == 40 && s == &sig, "{params:?} use {i}");
            }
        }
    }
}
