//! The `--alg` option: an algorithm with an optional parameter set, e.g. `gost2012-256:tc26-256-a`.

use std::str::FromStr;

use anyhow::{Context, bail};
use podpis_gost::{Algorithm, ParamSet};

/// A key algorithm as the command line names it.
#[derive(Clone, Copy, Debug)]
pub struct KeyAlg {
    /// The signature algorithm.
    pub algorithm: Algorithm,
    /// The curve.
    pub params: ParamSet,
}

impl FromStr for KeyAlg {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<Self> {
        let (name, set) = s.split_once(':').map_or((s, None), |(a, b)| (a, Some(b)));
        let (algorithm, default) = match name {
            "gost2012-256" => (Algorithm::Gost2012_256, ParamSet::CryptoProA),
            "gost2012-512" => (Algorithm::Gost2012_512, ParamSet::Tc26_512A),
            "gost2001" => (Algorithm::Gost2001, ParamSet::CryptoProA),
            other => bail!(
                "unknown algorithm '{other}' (expected gost2012-256, gost2012-512 or gost2001)"
            ),
        };
        let params = match set {
            None => default,
            Some(set) => set.parse::<ParamSet>().with_context(|| {
                let names: Vec<_> = ParamSet::ALL.iter().map(|p| p.name()).collect();
                format!(
                    "unknown parameter set '{set}' (one of: {})",
                    names.join(", ")
                )
            })?,
        };
        algorithm.check_params(params)?;
        Ok(Self { algorithm, params })
    }
}
