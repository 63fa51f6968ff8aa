//! Named parameter sets and algorithms: what a key's OIDs say and which curve they mean.

use core::fmt;
use core::str::FromStr;

use der::asn1::ObjectIdentifier;

use crate::error::Error;
use crate::oid;

/// The distinct curves behind the parameter-set names (several names share a curve).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum CurveId {
    Test256,
    CryptoProA,
    CryptoProB,
    CryptoProC,
    Tc26_256A,
    Test512,
    Tc26_512A,
    Tc26_512B,
    Tc26_512C,
}

/// A GOST R 34.10 parameter set, by the name (OID) a key or certificate carries.
///
/// Aliases stay distinct so that a key re-encodes with the OID it came with:
/// XchA and TC26 256-B are the CryptoPro-A curve, TC26 256-C is CryptoPro-B, XchB and TC26 256-D
/// are CryptoPro-C.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParamSet {
    /// id-GostR3410-2001-TestParamSet (test curve of RFC 7091 §7.1).
    CryptoProTest,
    /// id-GostR3410-2001-CryptoPro-A-ParamSet: the curve of ~98% of real certificates.
    CryptoProA,
    /// id-GostR3410-2001-CryptoPro-B-ParamSet.
    CryptoProB,
    /// id-GostR3410-2001-CryptoPro-C-ParamSet.
    CryptoProC,
    /// id-GostR3410-2001-CryptoPro-XchA-ParamSet (= CryptoPro-A).
    CryptoProXchA,
    /// id-GostR3410-2001-CryptoPro-XchB-ParamSet (= CryptoPro-C).
    CryptoProXchB,
    /// id-tc26-gost-3410-2012-256-paramSetA (twisted Edwards, cofactor 4).
    Tc26_256A,
    /// id-tc26-gost-3410-2012-256-paramSetB (= CryptoPro-A).
    Tc26_256B,
    /// id-tc26-gost-3410-2012-256-paramSetC (= CryptoPro-B).
    Tc26_256C,
    /// id-tc26-gost-3410-2012-256-paramSetD (= CryptoPro-C).
    Tc26_256D,
    /// id-tc26-gost-3410-2012-512-paramSetTest (test curve of RFC 7091 §7.2).
    Tc26_512Test,
    /// id-tc26-gost-3410-2012-512-paramSetA.
    Tc26_512A,
    /// id-tc26-gost-3410-2012-512-paramSetB.
    Tc26_512B,
    /// id-tc26-gost-3410-2012-512-paramSetC (twisted Edwards, cofactor 4).
    Tc26_512C,
}

/// Every parameter set, with its OID and the short names the CLI and OpenSSL use.
const TABLE: [(ParamSet, ObjectIdentifier, &str, &str); 14] = [
    (
        ParamSet::CryptoProTest,
        oid::CRYPTOPRO_TEST,
        "cryptopro-test",
        "test",
    ),
    (ParamSet::CryptoProA, oid::CRYPTOPRO_A, "cryptopro-a", "A"),
    (ParamSet::CryptoProB, oid::CRYPTOPRO_B, "cryptopro-b", "B"),
    (ParamSet::CryptoProC, oid::CRYPTOPRO_C, "cryptopro-c", "C"),
    (
        ParamSet::CryptoProXchA,
        oid::CRYPTOPRO_XCHA,
        "cryptopro-xcha",
        "XA",
    ),
    (
        ParamSet::CryptoProXchB,
        oid::CRYPTOPRO_XCHB,
        "cryptopro-xchb",
        "XB",
    ),
    (ParamSet::Tc26_256A, oid::TC26_256_A, "tc26-256-a", "TCA"),
    (ParamSet::Tc26_256B, oid::TC26_256_B, "tc26-256-b", "TCB"),
    (ParamSet::Tc26_256C, oid::TC26_256_C, "tc26-256-c", "TCC"),
    (ParamSet::Tc26_256D, oid::TC26_256_D, "tc26-256-d", "TCD"),
    (
        ParamSet::Tc26_512Test,
        oid::TC26_512_TEST,
        "tc26-512-test",
        "test",
    ),
    (ParamSet::Tc26_512A, oid::TC26_512_A, "tc26-512-a", "A"),
    (ParamSet::Tc26_512B, oid::TC26_512_B, "tc26-512-b", "B"),
    (ParamSet::Tc26_512C, oid::TC26_512_C, "tc26-512-c", "C"),
];

impl ParamSet {
    /// Every parameter set.
    pub const ALL: [ParamSet; 14] = {
        let mut all = [ParamSet::CryptoProA; 14];
        let mut i = 0;
        while i < 14 {
            all[i] = TABLE[i].0;
            i += 1;
        }
        all
    };

    fn entry(self) -> &'static (ParamSet, ObjectIdentifier, &'static str, &'static str) {
        TABLE
            .iter()
            .find(|e| e.0 == self)
            .expect("every parameter set is in the table")
    }

    /// The parameter set an OID names.
    pub fn from_oid(oid: &ObjectIdentifier) -> Result<Self, Error> {
        TABLE
            .iter()
            .find(|e| e.1 == *oid)
            .map(|e| e.0)
            .ok_or(Error::UnknownParamSet(*oid))
    }

    /// The OID of this parameter set.
    pub fn oid(self) -> ObjectIdentifier {
        self.entry().1
    }

    /// The lower-case name used by Podpis (`cryptopro-a`, `tc26-512-c`, …).
    pub fn name(self) -> &'static str {
        self.entry().2
    }

    /// The `paramset` option of OpenSSL's gost engine (`A`, `TCA`, …).
    pub fn openssl_name(self) -> &'static str {
        self.entry().3
    }

    /// Size in bytes of a coordinate, a private key and each half of a signature: 32 or 64.
    pub fn size(self) -> usize {
        if self.curve().is_512() { 64 } else { 32 }
    }

    /// Whether a key on this set can be a GOST R 34.10-2001 key (the 256-bit CryptoPro sets).
    pub fn allowed_for_2001(self) -> bool {
        matches!(
            self,
            Self::CryptoProTest
                | Self::CryptoProA
                | Self::CryptoProB
                | Self::CryptoProC
                | Self::CryptoProXchA
                | Self::CryptoProXchB
        )
    }

    pub(crate) fn curve(self) -> CurveId {
        match self {
            Self::CryptoProTest => CurveId::Test256,
            Self::CryptoProA | Self::CryptoProXchA | Self::Tc26_256B => CurveId::CryptoProA,
            Self::CryptoProB | Self::Tc26_256C => CurveId::CryptoProB,
            Self::CryptoProC | Self::CryptoProXchB | Self::Tc26_256D => CurveId::CryptoProC,
            Self::Tc26_256A => CurveId::Tc26_256A,
            Self::Tc26_512Test => CurveId::Test512,
            Self::Tc26_512A => CurveId::Tc26_512A,
            Self::Tc26_512B => CurveId::Tc26_512B,
            Self::Tc26_512C => CurveId::Tc26_512C,
        }
    }
}

impl CurveId {
    fn is_512(self) -> bool {
        matches!(
            self,
            Self::Test512 | Self::Tc26_512A | Self::Tc26_512B | Self::Tc26_512C
        )
    }
}

impl fmt::Display for ParamSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ParamSet {
    type Err = Error;

    /// Accepts Podpis names (`cryptopro-a`) and dotted OIDs.
    fn from_str(s: &str) -> Result<Self, Error> {
        let lower = s.to_ascii_lowercase();
        if let Some(entry) = TABLE.iter().find(|e| e.2 == lower) {
            return Ok(entry.0);
        }
        let oid = ObjectIdentifier::new(s).map_err(|_| Error::UnknownParamSetName)?;
        Self::from_oid(&oid)
    }
}

/// The signature algorithm a key belongs to, which fixes its digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// GOST R 34.10-2001 with GOST R 34.11-94 (CryptoPro S-box); legacy.
    Gost2001,
    /// GOST R 34.10-2012 256-bit with Streebog-256.
    Gost2012_256,
    /// GOST R 34.10-2012 512-bit with Streebog-512.
    Gost2012_512,
}

impl Algorithm {
    /// The public-key algorithm OID (SubjectPublicKeyInfo, PKCS#8).
    pub fn key_oid(self) -> ObjectIdentifier {
        match self {
            Self::Gost2001 => oid::GOST_R3410_2001,
            Self::Gost2012_256 => oid::GOST_R3410_2012_256,
            Self::Gost2012_512 => oid::GOST_R3410_2012_512,
        }
    }

    /// The algorithm of a public-key OID.
    pub fn from_key_oid(oid: &ObjectIdentifier) -> Result<Self, Error> {
        match *oid {
            oid::GOST_R3410_2001 => Ok(Self::Gost2001),
            oid::GOST_R3410_2012_256 => Ok(Self::Gost2012_256),
            oid::GOST_R3410_2012_512 => Ok(Self::Gost2012_512),
            other => Err(Error::UnknownAlgorithm(other)),
        }
    }

    /// The algorithm of a signature-with-digest OID.
    pub fn from_signature_oid(oid: &ObjectIdentifier) -> Result<Self, Error> {
        [Self::Gost2001, Self::Gost2012_256, Self::Gost2012_512]
            .into_iter()
            .find(|a| a.signature_oid() == *oid)
            .ok_or(Error::UnknownAlgorithm(*oid))
    }

    /// The OID of the signature-with-digest algorithm (certificates, CRLs, CMS).
    pub fn signature_oid(self) -> ObjectIdentifier {
        match self {
            Self::Gost2001 => oid::GOST_R3411_94_WITH_R3410_2001,
            Self::Gost2012_256 => oid::SIGN_WITH_STREEBOG_256,
            Self::Gost2012_512 => oid::SIGN_WITH_STREEBOG_512,
        }
    }

    /// The OID of the digest this algorithm signs with.
    pub fn digest_oid(self) -> ObjectIdentifier {
        match self {
            Self::Gost2001 => oid::GOST_R3411_94,
            Self::Gost2012_256 => oid::STREEBOG_256,
            Self::Gost2012_512 => oid::STREEBOG_512,
        }
    }

    /// Size of the digest in bytes (equal to the key size).
    pub fn digest_size(self) -> usize {
        match self {
            Self::Gost2001 | Self::Gost2012_256 => 32,
            Self::Gost2012_512 => 64,
        }
    }

    /// Checks that `params` belongs to this algorithm (size; the CryptoPro sets for 2001).
    pub fn check_params(self, params: ParamSet) -> Result<(), Error> {
        let ok = match self {
            Self::Gost2001 => params.allowed_for_2001(),
            Self::Gost2012_256 => params.size() == 32,
            Self::Gost2012_512 => params.size() == 64,
        };
        if ok {
            Ok(())
        } else {
            Err(Error::ParamSetMismatch {
                algorithm: self,
                params,
            })
        }
    }

    /// The algorithm that normally goes with a parameter set (2012, of the set's size).
    pub fn for_params(params: ParamSet) -> Self {
        if params.size() == 64 {
            Self::Gost2012_512
        } else {
            Self::Gost2012_256
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Gost2001 => "GOST R 34.10-2001",
            Self::Gost2012_256 => "GOST R 34.10-2012 (256)",
            Self::Gost2012_512 => "GOST R 34.10-2012 (512)",
        })
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;

    #[test]
    fn names_and_oids_round_trip() {
        for p in ParamSet::ALL {
            assert_eq!(ParamSet::from_oid(&p.oid()).unwrap(), p);
            assert_eq!(p.name().parse::<ParamSet>().unwrap(), p);
            assert_eq!(p.oid().to_string().parse::<ParamSet>().unwrap(), p);
        }
        assert_eq!(ParamSet::Tc26_256B.curve(), ParamSet::CryptoProA.curve());
        assert_eq!(ParamSet::CryptoProXchB.curve(), CurveId::CryptoProC);
        let unknown = ObjectIdentifier::new_unwrap("1.2.643.2.2.35.9");
        assert!(matches!(
            ParamSet::from_oid(&unknown),
            Err(Error::UnknownParamSet(_))
        ));
    }

    #[test]
    fn algorithm_params() {
        assert!(
            Algorithm::Gost2001
                .check_params(ParamSet::CryptoProA)
                .is_ok()
        );
        assert!(
            Algorithm::Gost2001
                .check_params(ParamSet::Tc26_256A)
                .is_err()
        );
        assert!(
            Algorithm::Gost2012_512
                .check_params(ParamSet::CryptoProA)
                .is_err()
        );
        assert!(
            Algorithm::Gost2012_256
                .check_params(ParamSet::Tc26_256A)
                .is_ok()
        );
    }
}
