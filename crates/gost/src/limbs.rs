//! Multi-precision integers as little-endian arrays of 64-bit limbs.
//!
//! Every helper here runs in time independent of the values it is given (no branches or
//! indexing on the data), except the ones named `*_vartime`.

use subtle::Choice;

/// `a + b + carry`, returning the low word and the carry out (0 or 1).
#[inline(always)]
pub(crate) const fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = a as u128 + b as u128 + carry as u128;
    (t as u64, (t >> 64) as u64)
}

/// `a - b - borrow`, returning the low word and the borrow out (0 or 1).
#[inline(always)]
pub(crate) const fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let t = (a as u128).wrapping_sub(b as u128 + borrow as u128);
    (t as u64, (t >> 127) as u64)
}

/// `a + b * c + carry`, returning the low word and the high word.
#[inline(always)]
pub(crate) const fn mac(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let t = a as u128 + (b as u128) * (c as u128) + carry as u128;
    (t as u64, (t >> 64) as u64)
}

/// `a + b`, with the carry out.
#[inline(always)]
pub(crate) const fn add<const N: usize>(a: &[u64; N], b: &[u64; N]) -> ([u64; N], u64) {
    let mut r = [0u64; N];
    let mut carry = 0;
    let mut i = 0;
    while i < N {
        (r[i], carry) = adc(a[i], b[i], carry);
        i += 1;
    }
    (r, carry)
}

/// `a - b`, with the borrow out (1 when `a < b`).
#[inline(always)]
pub(crate) const fn sub<const N: usize>(a: &[u64; N], b: &[u64; N]) -> ([u64; N], u64) {
    let mut r = [0u64; N];
    let mut borrow = 0;
    let mut i = 0;
    while i < N {
        (r[i], borrow) = sbb(a[i], b[i], borrow);
        i += 1;
    }
    (r, borrow)
}

/// `a + w` for a single word `w`, with the carry out.
#[inline(always)]
pub(crate) const fn add_word<const N: usize>(a: &[u64; N], w: u64) -> ([u64; N], u64) {
    let mut r = [0u64; N];
    let mut carry;
    (r[0], carry) = adc(a[0], w, 0);
    let mut i = 1;
    while i < N {
        (r[i], carry) = adc(a[i], 0, carry);
        i += 1;
    }
    (r, carry)
}

/// `a − w` for a single word `w`, with the borrow out.
#[inline(always)]
pub(crate) const fn sub_word<const N: usize>(a: &[u64; N], w: u64) -> ([u64; N], u64) {
    let mut r = [0u64; N];
    let mut borrow;
    (r[0], borrow) = sbb(a[0], w, 0);
    let mut i = 1;
    while i < N {
        (r[i], borrow) = sbb(a[i], 0, borrow);
        i += 1;
    }
    (r, borrow)
}

/// Selects `b` where `choice` is set, else `a`, limb by limb.
#[inline(always)]
pub(crate) fn select<const N: usize>(a: &[u64; N], b: &[u64; N], choice: Choice) -> [u64; N] {
    mask_select(a, b, (choice.unwrap_u8() as u64).wrapping_neg())
}

/// Selects `b` where `mask` is all ones, `a` where it is zero (an arithmetic blend, no branch;
/// cheaper than going through `Choice`, whose constructor is an optimisation barrier).
#[inline(always)]
pub(crate) const fn mask_select<const N: usize>(a: &[u64; N], b: &[u64; N], mask: u64) -> [u64; N] {
    let mut r = [0u64; N];
    let mut i = 0;
    while i < N {
        r[i] = (a[i] & !mask) | (b[i] & mask);
        i += 1;
    }
    r
}

/// `a mod m` for `a < 2m`: one conditional subtraction, where `carry` is a bit above `a`.
#[inline(always)]
pub(crate) const fn reduce_once<const N: usize>(
    a: &[u64; N],
    carry: u64,
    m: &[u64; N],
) -> [u64; N] {
    let (d, borrow) = sub(a, m);
    // Keep `a` only when it was below m and nothing carried over the top.
    let keep = ((borrow & !carry) & 1).wrapping_neg();
    mask_select(&d, a, keep)
}

/// Whether every limb is zero.
#[inline(always)]
pub(crate) fn is_zero<const N: usize>(a: &[u64; N]) -> Choice {
    let mut acc = 0u64;
    for limb in a {
        acc |= limb;
    }
    // acc == 0 exactly when the top bit of (acc | -acc) is clear.
    Choice::from((((acc | acc.wrapping_neg()) >> 63) ^ 1) as u8)
}

/// Whether `a < b`.
#[inline(always)]
pub(crate) fn ct_lt<const N: usize>(a: &[u64; N], b: &[u64; N]) -> Choice {
    Choice::from(sub(a, b).1 as u8)
}

/// Parses a big-endian hexadecimal constant (at compile time); panics on a bad digit or length.
pub(crate) const fn from_be_hex<const N: usize>(hex: &str) -> [u64; N] {
    let bytes = hex.as_bytes();
    assert!(bytes.len() <= 16 * N, "hex constant too long");
    let mut r = [0u64; N];
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[bytes.len() - 1 - i];
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => panic!("bad hex digit"),
        } as u64;
        r[i / 16] |= v << ((i % 16) * 4);
        i += 1;
    }
    r
}

/// Reads exactly `8 * N` big-endian bytes.
pub(crate) fn from_be_bytes<const N: usize>(bytes: &[u8]) -> [u64; N] {
    debug_assert_eq!(bytes.len(), 8 * N);
    let mut r = [0u64; N];
    for (i, chunk) in bytes.rchunks_exact(8).enumerate() {
        r[i] = u64::from_be_bytes(chunk.try_into().expect("8-byte chunk"));
    }
    r
}

/// Writes `8 * N` big-endian bytes into `out`.
pub(crate) fn to_be_bytes<const N: usize>(a: &[u64; N], out: &mut [u8]) {
    debug_assert_eq!(out.len(), 8 * N);
    for (i, chunk) in out.rchunks_exact_mut(8).enumerate() {
        chunk.copy_from_slice(&a[i].to_be_bytes());
    }
}

/// The number of significant bits (variable time; for public constants).
pub(crate) const fn bits_vartime<const N: usize>(a: &[u64; N]) -> u32 {
    let mut i = N;
    while i > 0 {
        i -= 1;
        if a[i] != 0 {
            return 64 * i as u32 + (64 - a[i].leading_zeros());
        }
    }
    0
}

/// `−m⁻¹ mod 2^64` for odd `m`, by Newton's iteration (each step doubles the correct low bits:
/// 1 → 2 → … → 64).
pub(crate) const fn neg_inv_u64(m: u64) -> u64 {
    let mut x = 1u64;
    let mut i = 0;
    while i < 6 {
        x = x.wrapping_mul(2u64.wrapping_sub(m.wrapping_mul(x)));
        i += 1;
    }
    x.wrapping_neg()
}

/// `a⁻¹ mod m` for an odd prime `m` and `0 < a < m`, by the binary extended Euclidean algorithm
/// (Hankerson–Menezes–Vanstone, *Guide to ECC*, Algorithm 2.22), variable time: for public
/// values only. Runs of trailing zeros are shifted out at once, the cofactors being halved as
/// many times with one multiple of `m` added (a Montgomery-style division by `2^t`).
pub(crate) fn invert_vartime<const N: usize>(a: &[u64; N], m: &[u64; N]) -> [u64; N] {
    debug_assert!(m[0] & 1 == 1 && !bool::from(is_zero(a)));
    let neg_inv = neg_inv_u64(m[0]);
    // Invariants: x1·a ≡ u and x2·a ≡ v (mod m).
    let (mut u, mut v) = (*a, *m);
    let (mut x1, mut x2) = ([0u64; N], [0u64; N]);
    x1[0] = 1;
    loop {
        strip_twos(&mut u, &mut x1, m, neg_inv);
        strip_twos(&mut v, &mut x2, m, neg_inv);
        if is_one_vartime(&u) {
            return x1;
        }
        if is_one_vartime(&v) {
            return x2;
        }
        let (d, borrow) = sub(&u, &v);
        if borrow == 0 {
            u = d;
            x1 = sub_mod_vartime(&x1, &x2, m);
        } else {
            v = sub(&v, &u).0;
            x2 = sub_mod_vartime(&x2, &x1, m);
        }
        debug_assert!(
            !bool::from(is_zero(&u)) && !bool::from(is_zero(&v)),
            "m is not prime"
        );
    }
}

/// Divides `u` by its largest power of two `2^t` and `x` by `2^t` modulo `m`.
fn strip_twos<const N: usize>(u: &mut [u64; N], x: &mut [u64; N], m: &[u64; N], neg_inv: u64) {
    while u[0] & 1 == 0 {
        let t = u[0].trailing_zeros().min(63);
        // u >>= t
        for i in 0..N {
            let next = if i + 1 < N { u[i + 1] } else { 0 };
            u[i] = (u[i] >> t) | (next << (64 - t));
        }
        // x = (x + k·m) / 2^t with k = −x·m⁻¹ mod 2^t, so the division is exact; the result
        // is below (1 + 2^−t)·m, so one subtraction brings it under m.
        let k = x[0].wrapping_mul(neg_inv) & ((1u64 << t) - 1);
        let mut wide = [0u64; N];
        let mut carry = 0;
        for i in 0..N {
            (wide[i], carry) = mac(x[i], k, m[i], carry);
        }
        for i in 0..N {
            let next = if i + 1 < N { wide[i + 1] } else { carry };
            x[i] = (wide[i] >> t) | (next << (64 - t));
        }
        *x = reduce_once(x, 0, m);
    }
}

/// Whether `a` is one (variable time).
fn is_one_vartime<const N: usize>(a: &[u64; N]) -> bool {
    a[0] == 1 && a[1..].iter().all(|&limb| limb == 0)
}

/// `a − b mod m` for `a, b < m` (variable time).
fn sub_mod_vartime<const N: usize>(a: &[u64; N], b: &[u64; N], m: &[u64; N]) -> [u64; N] {
    let (d, borrow) = sub(a, b);
    if borrow == 0 { d } else { add(&d, m).0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_bytes_round_trip() {
        let a: [u64; 2] = from_be_hex("0102030405060708090a0b0c0d0e0f10");
        assert_eq!(a, [0x090a0b0c0d0e0f10, 0x0102030405060708]);
        let mut out = [0u8; 16];
        to_be_bytes(&a, &mut out);
        assert_eq!(from_be_bytes::<2>(&out), a);
        assert_eq!(out[0], 1);
        assert_eq!(bits_vartime(&a), 121);
    }

    #[test]
    fn add_sub_carry() {
        let max = [u64::MAX; 2];
        assert_eq!(add(&max, &[1, 0]), ([0, 0], 1));
        assert_eq!(sub(&[0, 0], &[1, 0]), (max, 1));
        assert!(bool::from(is_zero(&[0u64, 0])));
        assert!(!bool::from(is_zero(&[0u64, 1 << 63])));
        assert!(bool::from(ct_lt(&[5u64, 0], &[6, 0])));
        assert!(!bool::from(ct_lt(&[6u64, 0], &[6, 0])));
    }
}
