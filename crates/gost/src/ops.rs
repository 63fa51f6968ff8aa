//! The GOST R 34.10-2012 algorithms (RFC 7091 §6), generic over the curve.
//!
//! Inputs and outputs are big-endian byte strings of the curve's size, except the digest, which
//! is read as a little-endian integer (GOST R 34.10-2012 §6.1 step 2 applied to the byte order
//! that Streebog implementations output; see `shared/standards/gost-test-vectors.md` §1).

use subtle::{ConditionallySelectable, ConstantTimeEq};

use crate::curves::Curve;
use crate::error::Error;
use crate::field::Field;
use crate::group::{Group, VartimePoint};
use crate::limbs;
use crate::scalar_mul::KeyTables;

/// `e = LE(digest) mod q`, and 1 where that is 0 (RFC 7091 §6.1 steps 2–3).
fn digest_scalar<const N: usize, C: Curve<N>>(digest: &[u8]) -> C::Scalar {
    let mut be = [0u8; 64];
    let be = &mut be[..8 * N];
    for (dst, src) in be.iter_mut().zip(digest.iter().rev()) {
        *dst = *src;
    }
    let e = C::Scalar::reduce(&limbs::from_be_bytes(be));
    C::Scalar::conditional_select(&e, &C::Scalar::ONE, e.is_zero())
}

/// Whether `0 < d < q` for big-endian `d` (constant time in `d`).
pub(crate) fn scalar_in_range<const N: usize, C: Curve<N>>(d: &[u8]) -> bool {
    let s = C::Scalar::from_be_bytes(d);
    bool::from(s.is_some() & !s.unwrap_or(C::Scalar::ZERO).is_zero())
}

/// Writes `d mod q` (big-endian) into `out`; `false` when that is zero.
pub(crate) fn reduce_scalar<const N: usize, C: Curve<N>>(d: &[u8], out: &mut [u8]) -> bool {
    let s = C::Scalar::reduce(&limbs::from_be_bytes(d));
    s.write_be_bytes(out);
    !bool::from(s.is_zero())
}

/// Fills `out` with a uniformly random scalar in `[1, q)`, drawing bytes from `fill` and
/// rejecting candidates out of range (after masking to the bit length of `q`).
pub(crate) fn random_scalar<const N: usize, C: Curve<N>>(
    mut fill: impl FnMut(&mut [u8]) -> Result<(), Error>,
    out: &mut [u8],
) -> Result<(), Error> {
    let bits = limbs::bits_vartime(&C::Scalar::MODULUS) as usize;
    let excess = 8 * out.len() - bits;
    loop {
        fill(out)?;
        out[0] &= 0xffu8 >> excess;
        if scalar_in_range::<N, C>(out) {
            return Ok(());
        }
    }
}

/// Writes the public key `Q = d·P` of private key `d` as big-endian `x` and `y`.
pub(crate) fn public_key<const N: usize, C: Curve<N>>(d: &[u8], x: &mut [u8], y: &mut [u8]) {
    let d = C::Scalar::from_be_bytes(d).unwrap_or(C::Scalar::ZERO);
    let (qx, qy) = C::tables().mul_base(&d.to_uint()).to_weierstrass();
    qx.write_be_bytes(x);
    qy.write_be_bytes(y);
}

/// Signs `digest` with private key `d` and nonce `k`, writing `s || r` (RFC 7091 §6.1 steps 3–6).
/// Returns `false` when `r` or `s` came out zero: the caller draws another `k`.
pub(crate) fn sign<const N: usize, C: Curve<N>>(
    d: &[u8],
    digest: &[u8],
    k: &[u8],
    out: &mut [u8],
) -> bool {
    let e = digest_scalar::<N, C>(digest);
    let d = C::Scalar::from_be_bytes(d).unwrap_or(C::Scalar::ZERO);
    let k = C::Scalar::from_be_bytes(k).unwrap_or(C::Scalar::ZERO);
    let x = C::tables().mul_base(&k.to_uint()).weierstrass_x();
    let r = C::Scalar::reduce(&x.to_uint());
    let s = r * d + k * e;
    let size = 8 * N;
    s.write_be_bytes(&mut out[..size]);
    r.write_be_bytes(&mut out[size..2 * size]);
    !bool::from(r.is_zero() | s.is_zero())
}

/// Checks a public key given as big-endian affine coordinates and converts it for arithmetic:
/// coordinates below p, on the curve, and (for cofactor 4, unless the caller computed the point
/// as `d·P` itself) in the subgroup of order q.
pub(crate) fn prepare_public<const N: usize, C: Curve<N>>(
    x: &[u8],
    y: &[u8],
    check_subgroup: bool,
) -> Result<C::Point, Error> {
    let x = Option::<C::Fe>::from(C::Fe::from_be_bytes(x)).ok_or(Error::CoordinateOutOfRange)?;
    let y = Option::<C::Fe>::from(C::Fe::from_be_bytes(y)).ok_or(Error::CoordinateOutOfRange)?;
    let rhs = (x.square() + C::A) * x + C::B;
    if !bool::from(y.square().ct_eq(&rhs)) {
        return Err(Error::PointNotOnCurve);
    }
    let point = C::Point::from_weierstrass(&x, &y).ok_or(Error::PointNotInSubgroup)?;
    if C::COFACTOR != 1 && check_subgroup {
        // q·Q = O exactly for points of the prime-order subgroup; small-order points fail too.
        let zero = [0u64; N];
        let q_times = C::tables().mul_double_vartime(&zero, &C::Scalar::MODULUS, &point);
        if !q_times.is_identity_vartime() || bool::from(point.is_identity()) {
            return Err(Error::PointNotInSubgroup);
        }
    }
    Ok(point)
}

/// Verifies `s || r` over `digest` with public key `q` (RFC 7091 §6.2), using `q`'s own
/// tables where there are some; variable time.
pub(crate) fn verify<const N: usize, C: Curve<N>>(
    q: &C::Point,
    tables: Option<&KeyTables<C::Point, N>>,
    digest: &[u8],
    sig: &[u8],
) -> Result<(), Error> {
    let size = 8 * N;
    let s = Option::<C::Scalar>::from(C::Scalar::from_be_bytes(&sig[..size]));
    let r = Option::<C::Scalar>::from(C::Scalar::from_be_bytes(&sig[size..2 * size]));
    let (Some(s), Some(r)) = (s, r) else {
        return Err(Error::SignatureOutOfRange);
    };
    if bool::from(r.is_zero() | s.is_zero()) {
        return Err(Error::SignatureOutOfRange);
    }
    let v = digest_scalar::<N, C>(digest).invert_vartime();
    let z1 = s * v;
    let z2 = -(r * v);
    let c = match tables {
        Some(t) => C::tables().mul_double_split_vartime(&z1.to_uint(), &z2.to_uint(), t),
        None => C::tables().mul_double_vartime(&z1.to_uint(), &z2.to_uint(), q),
    };
    if c.is_identity_vartime() {
        return Err(Error::SignatureInvalid);
    }
    // R = x mod q equals r exactly when x is one of r, r + q, r + 2q, … below p; each candidate
    // is compared with x = num/den as num = candidate·den, which spares a field inversion.
    let (num, den) = c.weierstrass_x_fraction_vartime();
    let mut candidate = r.to_uint();
    while bool::from(limbs::ct_lt(&candidate, &C::Fe::MODULUS)) {
        if bool::from(num.ct_eq(&(C::Fe::reduce(&candidate) * den))) {
            return Ok(());
        }
        let (next, carry) = limbs::add(&candidate, &C::Scalar::MODULUS);
        if carry != 0 {
            break;
        }
        candidate = next;
    }
    Err(Error::SignatureInvalid)
}
