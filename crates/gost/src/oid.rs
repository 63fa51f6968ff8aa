//! Object identifiers of the GOST algorithms (RFC 4357, RFC 9215; `shared/standards/oids-and-profile.md`).
//!
//! `const-oid` has none of these, so they are defined here for every crate of Podpis.

use der::asn1::ObjectIdentifier as Oid;

/// GOST R 34.10-2001 public key (legacy; verification of old certificates).
pub const GOST_R3410_2001: Oid = Oid::new_unwrap("1.2.643.2.2.19");
/// GOST R 34.11-94 with GOST R 34.10-2001 signature.
pub const GOST_R3411_94_WITH_R3410_2001: Oid = Oid::new_unwrap("1.2.643.2.2.3");
/// GOST R 34.11-94 digest.
pub const GOST_R3411_94: Oid = Oid::new_unwrap("1.2.643.2.2.9");
/// The CryptoPro parameter set of GOST R 34.11-94 (the digest parameter of 2001 keys).
pub const GOST_R3411_94_CRYPTOPRO_PARAMSET: Oid = Oid::new_unwrap("1.2.643.2.2.30.1");

/// GOST R 34.10-2012 public key, 256 bits.
pub const GOST_R3410_2012_256: Oid = Oid::new_unwrap("1.2.643.7.1.1.1.1");
/// GOST R 34.10-2012 public key, 512 bits.
pub const GOST_R3410_2012_512: Oid = Oid::new_unwrap("1.2.643.7.1.1.1.2");
/// Streebog-256 digest (GOST R 34.11-2012).
pub const STREEBOG_256: Oid = Oid::new_unwrap("1.2.643.7.1.1.2.2");
/// Streebog-512 digest (GOST R 34.11-2012).
pub const STREEBOG_512: Oid = Oid::new_unwrap("1.2.643.7.1.1.2.3");
/// Signature with Streebog-256 and GOST R 34.10-2012 256-bit.
pub const SIGN_WITH_STREEBOG_256: Oid = Oid::new_unwrap("1.2.643.7.1.1.3.2");
/// Signature with Streebog-512 and GOST R 34.10-2012 512-bit.
pub const SIGN_WITH_STREEBOG_512: Oid = Oid::new_unwrap("1.2.643.7.1.1.3.3");

/// id-GostR3410-2001-TestParamSet.
pub const CRYPTOPRO_TEST: Oid = Oid::new_unwrap("1.2.643.2.2.35.0");
/// id-GostR3410-2001-CryptoPro-A-ParamSet.
pub const CRYPTOPRO_A: Oid = Oid::new_unwrap("1.2.643.2.2.35.1");
/// id-GostR3410-2001-CryptoPro-B-ParamSet.
pub const CRYPTOPRO_B: Oid = Oid::new_unwrap("1.2.643.2.2.35.2");
/// id-GostR3410-2001-CryptoPro-C-ParamSet.
pub const CRYPTOPRO_C: Oid = Oid::new_unwrap("1.2.643.2.2.35.3");
/// id-GostR3410-2001-CryptoPro-XchA-ParamSet (the CryptoPro-A curve).
pub const CRYPTOPRO_XCHA: Oid = Oid::new_unwrap("1.2.643.2.2.36.0");
/// id-GostR3410-2001-CryptoPro-XchB-ParamSet (the CryptoPro-C curve).
pub const CRYPTOPRO_XCHB: Oid = Oid::new_unwrap("1.2.643.2.2.36.1");
/// id-tc26-gost-3410-2012-256-paramSetA (twisted Edwards).
pub const TC26_256_A: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.1.1");
/// id-tc26-gost-3410-2012-256-paramSetB (the CryptoPro-A curve).
pub const TC26_256_B: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.1.2");
/// id-tc26-gost-3410-2012-256-paramSetC (the CryptoPro-B curve).
pub const TC26_256_C: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.1.3");
/// id-tc26-gost-3410-2012-256-paramSetD (the CryptoPro-C curve).
pub const TC26_256_D: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.1.4");
/// id-tc26-gost-3410-2012-512-paramSetTest.
pub const TC26_512_TEST: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.2.0");
/// id-tc26-gost-3410-2012-512-paramSetA.
pub const TC26_512_A: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.2.1");
/// id-tc26-gost-3410-2012-512-paramSetB.
pub const TC26_512_B: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.2.2");
/// id-tc26-gost-3410-2012-512-paramSetC (twisted Edwards).
pub const TC26_512_C: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.2.3");
