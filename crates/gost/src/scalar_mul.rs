//! Scalar multiplication: constant-time fixed-base for signing and key generation, and a
//! variable-time interleaved wNAF double multiplication for verification.

use alloc::vec::Vec;

use subtle::{ConditionallySelectable, ConstantTimeEq};

use crate::group::{Group, VartimePoint};
use crate::limbs;

/// Width of the wNAF window for the fixed base in verification (64 odd multiples).
const BASE_WNAF_WIDTH: u32 = 8;
/// Width of the wNAF window for the variable point in verification (8 odd multiples).
const POINT_WNAF_WIDTH: u32 = 5;
/// Width of the wNAF window for a public key's own tables (16 odd multiples of each half).
const KEY_WNAF_WIDTH: u32 = 6;

/// Precomputed multiples of a curve's base point.
pub(crate) struct BaseTables<G: Group<N>, const N: usize> {
    /// `comb[i][j] = (j + 1)·16^i·P`: one row per signed 4-bit digit of a scalar.
    comb: Vec<[G::Affine; 8]>,
    /// `wnaf[j] = (2j + 1)·P`.
    wnaf: Vec<G::Affine>,
    /// `wnaf_high[j] = (2j + 1)·2^(32·N)·P`, for scalars split in halves.
    wnaf_high: Vec<G::Affine>,
}

/// Odd multiples of a public key `Q` and of `2^(32·N)·Q`, normalised: a key that verifies
/// again and again (a certification centre's) splits both scalars of a verification in halves,
/// which halves the doublings.
pub(crate) struct KeyTables<G: Group<N>, const N: usize> {
    low: Vec<G::Affine>,
    high: Vec<G::Affine>,
}

impl<G: Group<N>, const N: usize> KeyTables<G, N> {
    /// The tables of `q` (about as long as two verifications; worth it from the third on).
    pub(crate) fn new(q: &G) -> Self {
        let mut high = *q;
        for _ in 0..32 * N {
            high = high.double();
        }
        let mut points = odd_multiples(q, KEY_WNAF_WIDTH);
        points.extend(odd_multiples(&high, KEY_WNAF_WIDTH));
        let mut affine = batch_to_affine(&points);
        let high = affine.split_off(affine.len() / 2);
        Self { low: affine, high }
    }
}

/// `k` as `(low, high)` with `k = low + 2^(32·N)·high`, both below `2^(32·N)`.
fn halves<const N: usize>(k: &[u64; N]) -> ([u64; N], [u64; N]) {
    let (mut low, mut high) = ([0u64; N], [0u64; N]);
    low[..N / 2].copy_from_slice(&k[..N / 2]);
    high[..N - N / 2].copy_from_slice(&k[N / 2..]);
    (low, high)
}

/// `Σ dᵢ·Tᵢ` for wNAF digit streams over tables of odd multiples (affine ones, and at most one
/// table of projective points): Straus's method, all streams sharing one run of doublings.
fn straus<G: Group<N>, const N: usize>(
    affine: &[(&[i8], &[G::Affine])],
    projective: Option<(&[i8], &[G::Vartime])>,
) -> G::Vartime {
    let nonzero = |digits: &[i8], i: usize| digits.get(i).is_some_and(|&d| d != 0);
    let len = affine
        .iter()
        .map(|(d, _)| d.len())
        .chain(projective.map(|(d, _)| d.len()))
        .max()
        .unwrap_or(0);
    let top = (0..len).rev().find(|&i| {
        affine.iter().any(|(d, _)| nonzero(d, i)) || projective.is_some_and(|(d, _)| nonzero(d, i))
    });
    let mut acc = G::Vartime::IDENTITY;
    let Some(top) = top else { return acc };
    for i in (0..=top).rev() {
        acc = acc.double_vartime();
        for (digits, table) in affine {
            let d = digits.get(i).copied().unwrap_or(0);
            if d != 0 {
                let entry = &table[(d.unsigned_abs() / 2) as usize];
                acc = acc.add_affine_vartime(entry, d < 0);
            }
        }
        if let Some((digits, table)) = projective {
            let d = digits.get(i).copied().unwrap_or(0);
            if d > 0 {
                acc = acc.add_vartime(&table[(d / 2) as usize]);
            } else if d < 0 {
                acc = acc.add_vartime(&table[(-d / 2) as usize].neg_vartime());
            }
        }
    }
    acc
}

/// Normalises public points with one field inversion (Montgomery's trick); a point at infinity
/// among them (never in the base tables) falls back to one inversion each.
fn batch_to_affine<G: Group<N>, const N: usize>(points: &[G]) -> Vec<G::Affine> {
    use crate::field::Field;
    if points.iter().any(|p| bool::from(p.denominator().is_zero())) {
        return points.iter().map(G::to_affine).collect();
    }
    // prefix[i] = z_0 · … · z_(i-1)
    let mut prefix = Vec::with_capacity(points.len());
    let mut product = G::Fe::ONE;
    for p in points {
        prefix.push(product);
        product = product * p.denominator();
    }
    let mut inverse = product.invert_vartime();
    let mut out = alloc::vec![G::AFFINE_IDENTITY; points.len()];
    for (i, p) in points.iter().enumerate().rev() {
        out[i] = p.to_affine_with(&(inverse * prefix[i]));
        inverse = inverse * p.denominator();
    }
    out
}

impl<G: Group<N>, const N: usize> BaseTables<G, N> {
    /// Computes the tables for base point `p` (done once per curve, on first use).
    pub(crate) fn new(p: G) -> Self {
        // Every entry is computed projectively, then all are normalised with one inversion.
        let mut points = Vec::with_capacity((16 * N + 1) * 8);
        let mut row_base = p;
        for _ in 0..=16 * N {
            let mut acc = row_base;
            for _ in 0..8 {
                points.push(acc);
                acc = acc.add(&row_base);
            }
            for _ in 0..4 {
                row_base = row_base.double();
            }
        }
        let affine = batch_to_affine(&points);
        let comb: Vec<[G::Affine; 8]> = affine
            .chunks_exact(8)
            .map(|row| {
                let mut entries = [G::AFFINE_IDENTITY; 8];
                entries.copy_from_slice(row);
                entries
            })
            .collect();
        // 2^(32·N)·P = 16^(8·N)·P heads row 8·N of the comb.
        let high = G::IDENTITY.add_affine(&comb[8 * N][0]);
        Self {
            comb,
            wnaf: batch_to_affine(&odd_multiples(&p, BASE_WNAF_WIDTH)),
            wnaf_high: batch_to_affine(&odd_multiples(&high, BASE_WNAF_WIDTH)),
        }
    }

    /// `k·P` in constant time, for a canonical scalar `k` (little-endian limbs).
    ///
    /// The scalar is recoded into signed digits in `[−8, 8)`; each row contributes one digit,
    /// looked up by scanning the whole row, so neither branches nor memory addresses depend on
    /// `k`.
    pub(crate) fn mul_base(&self, k: &[u64; N]) -> G {
        let digits = signed_radix16::<N>(k);
        let mut acc = G::IDENTITY;
        for (row, &digit) in self.comb.iter().zip(digits.iter()) {
            acc = acc.add_affine(&lookup::<G, N>(row, digit));
        }
        acc
    }

    /// `a·P + b·Q` in variable time (for public values: verification and key checks).
    pub(crate) fn mul_double_vartime(&self, a: &[u64; N], b: &[u64; N], q: &G) -> G::Vartime {
        let naf_a = wnaf::<N>(a, BASE_WNAF_WIDTH);
        let naf_b = wnaf::<N>(b, POINT_WNAF_WIDTH);
        let q = q.to_vartime();
        let q_double = q.double_vartime();
        let count = 1usize << (POINT_WNAF_WIDTH - 2);
        let mut q_table = Vec::with_capacity(count);
        q_table.push(q);
        for i in 1..count {
            q_table.push(q_table[i - 1].add_vartime(&q_double));
        }
        straus::<G, N>(&[(&naf_a, &self.wnaf)], Some((&naf_b, &q_table)))
    }

    /// `a·P + b·Q` in variable time with `Q`'s own tables: both scalars split in halves, four
    /// digit streams over half as many doublings.
    pub(crate) fn mul_double_split_vartime(
        &self,
        a: &[u64; N],
        b: &[u64; N],
        q: &KeyTables<G, N>,
    ) -> G::Vartime {
        let (a_low, a_high) = halves(a);
        let (b_low, b_high) = halves(b);
        let digits = |k: &[u64; N], width| {
            let mut naf = wnaf::<N>(k, width);
            naf.truncate(32 * N + 1);
            naf
        };
        let streams = [
            (digits(&a_low, BASE_WNAF_WIDTH), &self.wnaf),
            (digits(&a_high, BASE_WNAF_WIDTH), &self.wnaf_high),
            (digits(&b_low, KEY_WNAF_WIDTH), &q.low),
            (digits(&b_high, KEY_WNAF_WIDTH), &q.high),
        ];
        let streams = streams
            .each_ref()
            .map(|(d, t)| (d.as_slice(), t.as_slice()));
        straus::<G, N>(&streams, None)
    }
}

/// `[P, 3P, 5P, …, (2^(w−1) − 1)P]`.
fn odd_multiples<G: Group<N>, const N: usize>(p: &G, width: u32) -> Vec<G> {
    let count = 1usize << (width - 2);
    let double = p.double();
    let mut out = Vec::with_capacity(count);
    out.push(*p);
    for i in 1..count {
        out.push(out[i - 1].add(&double));
    }
    out
}

/// Selects `sign(d)·|d|·row[0]` by scanning the row (constant time).
#[inline(always)]
fn lookup<G: Group<N>, const N: usize>(row: &[G::Affine; 8], digit: i8) -> G::Affine {
    let negative = (digit as u8) >> 7;
    let abs = ((digit as u8) ^ negative.wrapping_neg()).wrapping_add(negative);
    let mut out = G::AFFINE_IDENTITY;
    for (j, entry) in row.iter().enumerate() {
        out.conditional_assign(entry, abs.ct_eq(&(j as u8 + 1)));
    }
    G::Affine::conditional_select(&out, &G::neg_affine(&out), negative.into())
}

/// Recodes `k` into `16·N + 1` signed digits in `[−8, 8)` with `k = Σ dᵢ·16^i` (constant time).
fn signed_radix16<const N: usize>(k: &[u64; N]) -> [i8; 129] {
    let mut digits = [0i8; 129];
    let mut carry = 0i8;
    for i in 0..16 * N {
        let v = ((k[i / 16] >> ((i % 16) * 4)) & 0xf) as i8 + carry;
        carry = (v + 8) >> 4;
        digits[i] = v - (carry << 4);
    }
    digits[16 * N] = carry;
    digits
}

/// The width-`w` non-adjacent form of `k`: odd digits in `(−2^(w−1), 2^(w−1))`, at least
/// `w − 1` zeros between non-zero ones (variable time).
fn wnaf<const N: usize>(k: &[u64; N], width: u32) -> Vec<i8> {
    let bits = 64 * N + 1;
    let mut padded = [0u64; 10];
    padded[..N].copy_from_slice(k);
    let window = 1u64 << width;
    let mask = window - 1;
    let mut naf = alloc::vec![0i8; bits];
    let mut pos = 0;
    let mut carry = 0u64;
    while pos < bits {
        let (idx, shift) = (pos / 64, pos % 64);
        let mut buf = padded[idx] >> shift;
        if shift + width as usize > 64 {
            buf |= padded[idx + 1] << (64 - shift);
        }
        let value = carry + (buf & mask);
        if value & 1 == 0 {
            pos += 1;
            continue;
        }
        if value < window / 2 {
            carry = 0;
            naf[pos] = value as i8;
        } else {
            carry = 1;
            naf[pos] = (value as i64 - window as i64) as i8;
        }
        pos += width as usize;
    }
    debug_assert!(limbs::bits_vartime(k) as usize <= 64 * N);
    naf
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_of(digits: &[i8], radix_bits: u32) -> i128 {
        digits
            .iter()
            .rev()
            .fold(0i128, |acc, &d| (acc << radix_bits) + d as i128)
    }

    /// Normalising many points with one inversion gives what one inversion each gives,
    /// with a point at infinity among them too (then one inversion each).
    fn normalises_like_one_by_one<G: Group<N>, const N: usize>(p: G) {
        use crate::field::Field;
        let agree = |points: &[G], batch: &[G::Affine]| {
            points.iter().zip(batch).all(|(point, affine)| {
                let (x1, y1) = G::IDENTITY.add_affine(affine).to_weierstrass();
                let (x2, y2) = point.to_weierstrass();
                x1.to_uint() == x2.to_uint() && y1.to_uint() == y2.to_uint()
            })
        };
        let mut points = odd_multiples(&p, 5);
        points.push(p.double());
        assert!(agree(&points, &batch_to_affine(&points)));
        points.push(G::IDENTITY);
        let batch = batch_to_affine(&points);
        assert_eq!(batch.len(), points.len());
        assert!(agree(&points[..points.len() - 1], &batch));
    }

    #[test]
    fn one_inversion_normalises_a_batch() {
        use crate::curves::{CryptoProA, Tc26_256A, Tc26_512A};
        normalises_like_one_by_one(
            crate::weierstrass::ProjectivePoint::<4, CryptoProA>::generator(),
        );
        normalises_like_one_by_one(crate::edwards::ExtendedPoint::<4, Tc26_256A>::generator());
        normalises_like_one_by_one(
            crate::weierstrass::ProjectivePoint::<8, Tc26_512A>::generator(),
        );
    }

    #[test]
    fn recodings_preserve_the_value() {
        for k in [
            0u64,
            1,
            7,
            8,
            15,
            16,
            0xdead_beef,
            u64::MAX >> 4,
            0x8888_8888_8888_8888,
        ] {
            let limbs = [k, 0u64];
            let digits = signed_radix16::<2>(&limbs);
            assert!(digits.iter().all(|&d| (-8..8).contains(&d)));
            assert_eq!(value_of(&digits[..33], 4), k as i128, "radix16 {k:#x}");
            let naf = wnaf::<2>(&limbs, 5);
            assert_eq!(value_of(&naf, 1), k as i128, "wnaf {k:#x}");
            assert!(naf.iter().all(|&d| d == 0 || (d % 2 != 0 && d.abs() < 16)));
        }
    }
}
