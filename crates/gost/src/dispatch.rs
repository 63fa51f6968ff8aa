//! From a run-time parameter set to the compile-time curve types of [`crate::curves`].

use crate::curves::{self, Curve};
use crate::error::Error;
use crate::ops;
use crate::params::CurveId;
use crate::scalar_mul::KeyTables;

/// Runs `$body` with `$n` bound to the limb count and `$c` to the curve type of `$id`.
macro_rules! with_curve {
    ($id:expr, |$n:ident, $c:ident| $body:expr) => {
        with_curve!(@arms $id, $n, $c, $body,
            Test256 = 4, CryptoProA = 4, CryptoProB = 4, CryptoProC = 4, Tc26_256A = 4,
            Test512 = 8, Tc26_512A = 8, Tc26_512B = 8, Tc26_512C = 8)
    };
    (@arms $id:expr, $n:ident, $c:ident, $body:expr, $($v:ident = $limbs:literal),*) => {
        match $id {
            $(CurveId::$v => {
                const $n: usize = $limbs;
                type $c = curves::$v;
                $body
            })*
        }
    };
}

/// A validated public key, in the representation its curve computes with.
macro_rules! prepared_point {
    ($($v:ident = $limbs:literal),*) => {
        /// A public point ready for verification (checked once, used many times).
        #[derive(Clone, Copy, Debug)]
        pub(crate) enum PreparedPoint {
            $(
                #[doc = stringify!($v)]
                $v(<curves::$v as Curve<$limbs>>::Point),
            )*
        }

        impl PreparedPoint {
            /// Checks big-endian coordinates `(x, y)` on curve `id` (the subgroup check only
            /// where asked: a point computed as `d·P` is in it by construction).
            pub(crate) fn new(id: CurveId, x: &[u8], y: &[u8], check_subgroup: bool) -> Result<Self, Error> {
                match id {
                    $(CurveId::$v => Ok(Self::$v(ops::prepare_public::<$limbs, curves::$v>(x, y, check_subgroup)?)),)*
                }
            }

            /// This key's own tables, for verifying with it many times.
            pub(crate) fn tables(&self) -> PointTables {
                match self {
                    $(Self::$v(p) => PointTables::$v(KeyTables::new(p)),)*
                }
            }

            /// Verifies `s || r` over `digest`, with this key's `tables` if it has them.
            pub(crate) fn verify(
                &self,
                tables: Option<&PointTables>,
                digest: &[u8],
                sig: &[u8],
            ) -> Result<(), Error> {
                match (self, tables) {
                    $(
                        (Self::$v(p), Some(PointTables::$v(t))) => {
                            ops::verify::<$limbs, curves::$v>(p, Some(t), digest, sig)
                        }
                        (Self::$v(p), _) => ops::verify::<$limbs, curves::$v>(p, None, digest, sig),
                    )*
                }
            }
        }

        /// A public key's tables ([`KeyTables`]) on its curve.
        pub(crate) enum PointTables {
            $(
                #[doc = stringify!($v)]
                $v(KeyTables<<curves::$v as Curve<$limbs>>::Point, $limbs>),
            )*
        }
    };
}

prepared_point!(
    Test256 = 4,
    CryptoProA = 4,
    CryptoProB = 4,
    CryptoProC = 4,
    Tc26_256A = 4,
    Test512 = 8,
    Tc26_512A = 8,
    Tc26_512B = 8,
    Tc26_512C = 8
);

/// Whether `0 < d < q` on curve `id`.
pub(crate) fn scalar_in_range(id: CurveId, d: &[u8]) -> bool {
    with_curve!(id, |N, C| ops::scalar_in_range::<N, C>(d))
}

/// Writes `d mod q` into `out`; `false` when that is zero.
pub(crate) fn reduce_scalar(id: CurveId, d: &[u8], out: &mut [u8]) -> bool {
    with_curve!(id, |N, C| ops::reduce_scalar::<N, C>(d, out))
}

/// Draws a scalar in `[1, q)` from `fill`.
pub(crate) fn random_scalar(
    id: CurveId,
    fill: impl FnMut(&mut [u8]) -> Result<(), Error>,
    out: &mut [u8],
) -> Result<(), Error> {
    with_curve!(id, |N, C| ops::random_scalar::<N, C>(fill, out))
}

/// `Q = d·P` as big-endian `x`, `y`.
pub(crate) fn public_key(id: CurveId, d: &[u8], x: &mut [u8], y: &mut [u8]) {
    with_curve!(id, |N, C| ops::public_key::<N, C>(d, x, y))
}

/// One signing attempt with nonce `k`; `false` asks for another nonce.
pub(crate) fn sign(id: CurveId, d: &[u8], digest: &[u8], k: &[u8], out: &mut [u8]) -> bool {
    with_curve!(id, |N, C| ops::sign::<N, C>(d, digest, k, out))
}
