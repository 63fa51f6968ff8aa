//! Which key to make: an algorithm and, for GOST, a parameter set, as the command line and the
//! configuration name them (`gost2012-256:tc26-256-a`, `ecdsa-p256`, `ed25519`, `rsa-2048`).

use core::fmt;
use core::str::FromStr;

use podpis_gost::{Algorithm, ParamSet};

use crate::error::KeyError;

/// A key algorithm with its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySpec {
    /// GOST R 34.10-2001 or 34.10-2012 on a standard curve.
    Gost {
        /// The signature algorithm.
        algorithm: Algorithm,
        /// The curve.
        params: ParamSet,
    },
    /// ECDSA on NIST P-256 with SHA-256.
    EcdsaP256,
    /// Ed25519.
    Ed25519,
    /// RSA PKCS#1 v1.5 with SHA-256, of this many bits (2048, 3072 or 4096).
    Rsa {
        /// The modulus size.
        bits: usize,
    },
}

/// The names `KeySpec::from_str` accepts, for messages.
const NAMES: &str = "gost2012-256[:SET], gost2012-512[:SET], gost2001[:SET], ecdsa-p256, ed25519, \
                     rsa-2048, rsa-3072 or rsa-4096";

impl FromStr for KeySpec {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, KeyError> {
        let (name, set) = s.split_once(':').map_or((s, None), |(a, b)| (a, Some(b)));
        let unknown =
            || KeyError::UnknownAlgorithm(format!("unknown algorithm '{s}' (expected {NAMES})"));
        let (algorithm, default) = match name {
            "gost2012-256" => (Algorithm::Gost2012_256, ParamSet::CryptoProA),
            "gost2012-512" => (Algorithm::Gost2012_512, ParamSet::Tc26_512A),
            "gost2001" => (Algorithm::Gost2001, ParamSet::CryptoProA),
            _ if set.is_some() => return Err(unknown()),
            "ecdsa-p256" => return Ok(Self::EcdsaP256),
            "ed25519" => return Ok(Self::Ed25519),
            "rsa-2048" => return Ok(Self::Rsa { bits: 2048 }),
            "rsa-3072" => return Ok(Self::Rsa { bits: 3072 }),
            "rsa-4096" => return Ok(Self::Rsa { bits: 4096 }),
            _ => return Err(unknown()),
        };
        let params = match set {
            None => default,
            Some(set) => set.parse::<ParamSet>().map_err(|_| {
                let names: Vec<_> = ParamSet::ALL.iter().map(|p| p.name()).collect();
                KeyError::UnknownAlgorithm(format!(
                    "unknown parameter set '{set}' (one of: {})",
                    names.join(", ")
                ))
            })?,
        };
        algorithm
            .check_params(params)
            .map_err(|e| KeyError::UnknownAlgorithm(format!("'{s}': {e}")))?;
        Ok(Self::Gost { algorithm, params })
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Gost { algorithm, params } => write!(f, "{algorithm}, {params}"),
            Self::EcdsaP256 => f.write_str("ECDSA P-256"),
            Self::Ed25519 => f.write_str("Ed25519"),
            Self::Rsa { bits } => write!(f, "RSA-{bits}"),
        }
    }
}
