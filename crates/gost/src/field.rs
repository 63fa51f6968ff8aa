//! Prime-field arithmetic in constant time.
//!
//! Two representations implement [`Field`]:
//! - [`PseudoMersenne`] for `p = 2^(64·N) − c` with a small `c` (the primes `2^256 − 617` and
//!   `2^512 − 569` of CryptoPro-A, TC26 256-A, 512-A and 512-C, which carry ~99% of real keys):
//!   a product folds back with one multiplication by `c` per limb;
//! - [`Montgomery`] for any odd modulus (the other curves' fields, and every group order `q`).
//!
//! Values are always kept fully reduced, so equality of representations is equality of values.

use core::fmt;
use core::marker::PhantomData;
use core::ops::{Add, Mul, Neg, Sub};

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, CtOption};

use crate::limbs::{self, adc, mac};

#[cfg(target_arch = "x86_64")]
mod adx;

/// Arithmetic modulo a prime held in `N` 64-bit limbs.
pub(crate) trait Field<const N: usize>:
    Copy
    + Default
    + fmt::Debug
    + ConditionallySelectable
    + ConstantTimeEq
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Neg<Output = Self>
    + 'static
{
    /// The modulus.
    const MODULUS: [u64; N];
    /// Zero.
    const ZERO: Self;
    /// One.
    const ONE: Self;

    /// The value of an integer below `2^(64·N)`, reduced modulo the modulus.
    fn reduce(x: &[u64; N]) -> Self;
    /// The canonical integer (below the modulus) this element stands for.
    fn to_uint(&self) -> [u64; N];
    /// The square.
    fn square(&self) -> Self;

    /// `2·self`.
    #[inline(always)]
    fn double(&self) -> Self {
        *self + *self
    }

    /// `k·self` for a small constant `k` (below 2^32); cheaper than a full product where the
    /// representation allows it.
    #[inline(always)]
    fn mul_small(&self, k: u64) -> Self {
        let mut limbs_k = [0u64; N];
        limbs_k[0] = k;
        *self * Self::reduce(&limbs_k)
    }

    /// The integer `x` if it is below the modulus.
    fn from_uint(x: &[u64; N]) -> CtOption<Self> {
        CtOption::new(Self::reduce(x), limbs::ct_lt(x, &Self::MODULUS))
    }

    /// Big-endian bytes (exactly `8·N`) to an element, refusing values not below the modulus.
    fn from_be_bytes(bytes: &[u8]) -> CtOption<Self> {
        Self::from_uint(&limbs::from_be_bytes(bytes))
    }

    /// Writes the canonical value as `8·N` big-endian bytes.
    fn write_be_bytes(&self, out: &mut [u8]) {
        limbs::to_be_bytes(&self.to_uint(), out);
    }

    /// Whether this is zero.
    fn is_zero(&self) -> Choice {
        self.ct_eq(&Self::ZERO)
    }

    /// `self^(p−2)`: the inverse of a non-zero element, zero for zero (Fermat; constant time,
    /// since the exponent is public).
    fn invert(&self) -> Self {
        let mut exp = Self::MODULUS;
        exp[0] -= 2; // every modulus here is odd and above 2, so no borrow
        self.pow_vartime_exp(&exp)
    }

    /// The inverse of a non-zero element, zero for zero, in variable time (binary extended
    /// Euclid): for public values only, several times faster than [`Field::invert`].
    fn invert_vartime(&self) -> Self {
        if bool::from(self.is_zero()) {
            return Self::ZERO;
        }
        Self::reduce(&limbs::invert_vartime(&self.to_uint(), &Self::MODULUS))
    }

    /// `self^exp` with a 4-bit fixed window; time depends on `exp` only.
    fn pow_vartime_exp(&self, exp: &[u64; N]) -> Self {
        let mut table = [Self::ONE; 16];
        for i in 1..16 {
            table[i] = table[i - 1] * *self;
        }
        let mut acc = Self::ONE;
        for i in (0..N * 16).rev() {
            for _ in 0..4 {
                acc = acc.square();
            }
            let nibble = (exp[i / 16] >> ((i % 16) * 4)) & 0xf;
            acc = acc * table[nibble as usize];
        }
        acc
    }
}

/// Implements the operator, selection and equality traits shared by both field types.
macro_rules! field_impls {
    ($ty:ident, $params:ident) => {
        impl<const N: usize, P: $params<N>> Add for $ty<N, P> {
            type Output = Self;
            #[inline(always)]
            fn add(self, rhs: Self) -> Self {
                Self::add_impl(&self.0, &rhs.0)
            }
        }

        impl<const N: usize, P: $params<N>> Sub for $ty<N, P> {
            type Output = Self;
            #[inline(always)]
            fn sub(self, rhs: Self) -> Self {
                Self::sub_impl(&self.0, &rhs.0)
            }
        }

        impl<const N: usize, P: $params<N>> Neg for $ty<N, P> {
            type Output = Self;
            #[inline(always)]
            fn neg(self) -> Self {
                Self::ZERO - self
            }
        }

        impl<const N: usize, P: $params<N>> Mul for $ty<N, P> {
            type Output = Self;
            #[inline(always)]
            fn mul(self, rhs: Self) -> Self {
                Self::mul_impl(&self.0, &rhs.0)
            }
        }

        impl<const N: usize, P: $params<N>> Default for $ty<N, P> {
            fn default() -> Self {
                Self::ZERO
            }
        }

        impl<const N: usize, P: $params<N>> ConditionallySelectable for $ty<N, P> {
            #[inline(always)]
            fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
                Self::new(limbs::select(&a.0, &b.0, choice))
            }
        }

        impl<const N: usize, P: $params<N>> ConstantTimeEq for $ty<N, P> {
            #[inline(always)]
            fn ct_eq(&self, other: &Self) -> Choice {
                let mut acc = 0u64;
                for i in 0..N {
                    acc |= self.0[i] ^ other.0[i];
                }
                limbs::is_zero(&[acc])
            }
        }

        impl<const N: usize, P: $params<N>> fmt::Debug for $ty<N, P> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "0x")?;
                for limb in self.to_uint().iter().rev() {
                    write!(f, "{limb:016x}")?;
                }
                Ok(())
            }
        }
    };
}

/// A prime of the form `2^(64·N) − C`.
pub(crate) trait PseudoMersenneParams<const N: usize>: 'static + Copy + Send + Sync {
    /// The small constant `c` (below 2^32).
    const C: u64;
}

/// An element of GF(2^(64·N) − C), canonical little-endian limbs.
#[derive(Clone, Copy)]
pub(crate) struct PseudoMersenne<const N: usize, P>([u64; N], PhantomData<P>);

impl<const N: usize, P: PseudoMersenneParams<N>> PseudoMersenne<N, P> {
    const P: [u64; N] = {
        assert!(P::C < (1 << 32) && P::C % 2 == 1);
        let mut p = [u64::MAX; N];
        p[0] = 0u64.wrapping_sub(P::C);
        p
    };

    #[inline(always)]
    const fn new(limbs: [u64; N]) -> Self {
        Self(limbs, PhantomData)
    }

    /// A constant from big-endian hex (must be below the modulus).
    pub(crate) const fn from_hex(hex: &str) -> Self {
        Self::new(limbs::from_be_hex(hex))
    }

    /// Folds `lo + hi·2^(64·N)` (hi·c below 2^42) into a reduced element.
    #[inline(always)]
    fn fold(mut r: [u64; N], hi: u64) -> Self {
        // hi·2^(64N) ≡ hi·c.
        let mut carry;
        (r[0], carry) = adc(r[0], hi * P::C, 0);
        for limb in r.iter_mut().skip(1) {
            (*limb, carry) = adc(*limb, 0, carry);
        }
        // A carry out leaves r below hi·c, so adding c once more stays in the lowest word.
        r[0] += carry * P::C;
        Self::canonical(r, 0)
    }

    /// The element `r + carry·2^(64·N)`, for a value below `2p`: `r` itself, or `r + c`
    /// (mod 2^(64·N)) where the value reached the modulus — which it did when it carried, or
    /// when `r`'s upper words are all ones and its lowest is at least `2^64 − c`.
    #[inline(always)]
    fn canonical(r: [u64; N], carry: u64) -> Self {
        let mut upper = u64::MAX;
        for limb in &r[1..] {
            upper &= limb;
        }
        let low_reaches = ((r[0] as u128 + P::C as u128) >> 64) as u64;
        let reached = carry | (low_reaches & u64::from(upper == u64::MAX));
        Self::new(limbs::add_word(&r, reached * P::C).0)
    }

    /// `a + b`: the sum, made canonical.
    #[inline(always)]
    fn add_impl(a: &[u64; N], b: &[u64; N]) -> Self {
        let (sum, carry) = limbs::add(a, b);
        Self::canonical(sum, carry)
    }

    /// `a − b`: the difference, plus the modulus where it borrowed, which is `− c` modulo
    /// `2^(64·N)` (the difference is then above c, so this does not borrow again).
    #[inline(always)]
    fn sub_impl(a: &[u64; N], b: &[u64; N]) -> Self {
        let (diff, borrow) = limbs::sub(a, b);
        Self::new(limbs::sub_word(&diff, borrow * P::C).0)
    }

    /// `a·b` (or `a²` without `b`) by the BMI2/ADX assembly, where the processor has it and
    /// the prime is 512 bits (the 256-bit ones are as fast in portable code).
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    #[allow(unsafe_code)]
    fn adx(a: &[u64; N], b: Option<&[u64; N]>) -> Option<Self> {
        if N != 8 || !adx::available() {
            return None;
        }
        let a: &[u64; 8] = a[..].try_into().ok()?;
        // SAFETY: `available()` said the processor has BMI2 and ADX.
        let r = unsafe {
            match b {
                Some(b) => adx::mul_8(a, b[..].try_into().ok()?, P::C),
                None => adx::sqr_8(a, P::C),
            }
        };
        Some(Self::new(r[..].try_into().ok()?))
    }

    #[inline(always)]
    fn mul_impl(a: &[u64; N], b: &[u64; N]) -> Self {
        #[cfg(target_arch = "x86_64")]
        if let Some(r) = Self::adx(a, Some(b)) {
            return r;
        }
        Self::mul_portable(a, b)
    }

    /// The product in portable Rust.
    #[inline(always)]
    fn mul_portable(a: &[u64; N], b: &[u64; N]) -> Self {
        if N > 4 {
            Self::mul_rows(a, b)
        } else {
            Self::mul_columns(a, b)
        }
    }

    /// Operand scanning: one carry chain per row of partial products (faster for wide operands,
    /// where a column accumulator would spill).
    #[inline(always)]
    fn mul_rows(a: &[u64; N], b: &[u64; N]) -> Self {
        let mut t = [0u64; 16];
        for i in 0..N {
            let mut carry = 0;
            for j in 0..N {
                (t[i + j], carry) = mac(t[i + j], a[i], b[j], carry);
            }
            t[i + N] = carry;
        }
        Self::reduce_wide(&t)
    }

    #[inline(always)]
    fn mul_columns(a: &[u64; N], b: &[u64; N]) -> Self {
        // Product scanning: column k of the product collects every a[i]·b[k−i] in a 192-bit
        // accumulator, so there is one carry chain per column rather than one per row.
        let mut t = [0u64; 16];
        let (mut lo, mut hi) = (0u128, 0u64);
        for k in 0..2 * N - 1 {
            let start = k.saturating_sub(N - 1);
            let end = if k < N { k } else { N - 1 };
            for i in start..=end {
                let p = (a[i] as u128) * (b[k - i] as u128);
                let (s, overflow) = lo.overflowing_add(p);
                lo = s;
                hi += overflow as u64;
            }
            t[k] = lo as u64;
            lo = (lo >> 64) | ((hi as u128) << 64);
            hi = 0;
        }
        t[2 * N - 1] = lo as u64;
        Self::reduce_wide(&t)
    }

    /// Reduces the `2·N`-limb product held in `t`.
    #[inline(always)]
    fn reduce_wide(t: &[u64; 16]) -> Self {
        let mut r = [0u64; N];
        let mut carry = 0;
        for i in 0..N {
            (r[i], carry) = mac(t[i], t[i + N], P::C, carry);
        }
        Self::fold(r, carry)
    }

    #[inline(always)]
    fn square_impl(a: &[u64; N]) -> Self {
        #[cfg(target_arch = "x86_64")]
        if let Some(r) = Self::adx(a, None) {
            return r;
        }
        Self::square_portable(a)
    }

    /// The square in portable Rust.
    #[inline(always)]
    fn square_portable(a: &[u64; N]) -> Self {
        // Off-diagonal products once, doubled, plus the squares on the diagonal.
        let mut t = [0u64; 16];
        for i in 0..N {
            let mut carry = 0;
            for j in (i + 1)..N {
                (t[i + j], carry) = mac(t[i + j], a[i], a[j], carry);
            }
            t[i + N] = carry;
        }
        let mut carry = 0;
        for limb in t.iter_mut().take(2 * N) {
            let top = *limb >> 63;
            *limb = (*limb << 1) | carry;
            carry = top;
        }
        let mut carry = 0;
        for i in 0..N {
            let (lo, hi) = mac(0, a[i], a[i], 0);
            (t[2 * i], carry) = adc(t[2 * i], lo, carry);
            (t[2 * i + 1], carry) = adc(t[2 * i + 1], hi, carry);
        }
        Self::reduce_wide(&t)
    }
}

impl<const N: usize, P: PseudoMersenneParams<N>> Field<N> for PseudoMersenne<N, P> {
    const MODULUS: [u64; N] = Self::P;
    const ZERO: Self = Self::new([0; N]);
    const ONE: Self = {
        let mut one = [0; N];
        one[0] = 1;
        Self::new(one)
    };

    #[inline(always)]
    fn reduce(x: &[u64; N]) -> Self {
        // 2^(64N) < 2p, so one subtraction suffices.
        Self::new(limbs::reduce_once(x, 0, &Self::P))
    }

    #[inline(always)]
    fn to_uint(&self) -> [u64; N] {
        self.0
    }

    #[inline(always)]
    fn square(&self) -> Self {
        Self::square_impl(&self.0)
    }

    #[inline(always)]
    fn mul_small(&self, k: u64) -> Self {
        let mut r = [0u64; N];
        let mut carry = 0;
        for (out, limb) in r.iter_mut().zip(self.0) {
            (*out, carry) = mac(0, limb, k, carry);
        }
        Self::fold(r, carry)
    }
}

field_impls!(PseudoMersenne, PseudoMersenneParams);

/// An odd modulus for Montgomery arithmetic; the derived constants are computed at compile time.
pub(crate) trait MontgomeryParams<const N: usize>: 'static + Copy + Send + Sync {
    /// The modulus, little-endian limbs.
    const MODULUS: [u64; N];
    /// `−MODULUS^(−1) mod 2^64`.
    const INV: u64 = limbs::neg_inv_u64(Self::MODULUS[0]);
    /// `2^(64·N) mod MODULUS`: one in Montgomery form.
    const R: [u64; N] = pow2_mod(&Self::MODULUS, 64 * N);
    /// `2^(128·N) mod MODULUS`: converts into Montgomery form.
    const R2: [u64; N] = pow2_mod(&Self::MODULUS, 128 * N);
}

/// `2^k mod m` by repeated doubling (compile time).
const fn pow2_mod<const N: usize>(m: &[u64; N], k: usize) -> [u64; N] {
    let mut x = [0u64; N];
    x[0] = 1;
    let mut i = 0;
    while i < k {
        let (d, carry) = limbs::add(&x, &x);
        let (s, borrow) = limbs::sub(&d, m);
        x = if carry == 1 || borrow == 0 { s } else { d };
        i += 1;
    }
    x
}

/// An element modulo `P::MODULUS` in Montgomery form (`x·2^(64·N) mod m`).
#[derive(Clone, Copy)]
pub(crate) struct Montgomery<const N: usize, P>([u64; N], PhantomData<P>);

impl<const N: usize, P: MontgomeryParams<N>> Montgomery<N, P> {
    /// `a + b`, less the modulus where that reaches it.
    #[inline(always)]
    fn add_impl(a: &[u64; N], b: &[u64; N]) -> Self {
        let (sum, carry) = limbs::add(a, b);
        Self::new(limbs::reduce_once(&sum, carry, &P::MODULUS))
    }

    /// `a − b`, plus the modulus where it borrowed.
    #[inline(always)]
    fn sub_impl(a: &[u64; N], b: &[u64; N]) -> Self {
        let (diff, borrow) = limbs::sub(a, b);
        let mask = borrow.wrapping_neg();
        let mut r = [0u64; N];
        let mut carry = 0;
        for i in 0..N {
            (r[i], carry) = adc(diff[i], P::MODULUS[i] & mask, carry);
        }
        Self::new(r)
    }

    #[inline(always)]
    const fn new(limbs: [u64; N]) -> Self {
        Self(limbs, PhantomData)
    }

    /// A constant from big-endian hex (must be below the modulus).
    pub(crate) const fn from_hex(hex: &str) -> Self {
        Self::new(Self::mont_mul(&limbs::from_be_hex(hex), &P::R2))
    }

    /// Montgomery multiplication `a·b·2^(−64·N) mod m` (CIOS), valid for `a·b < m·2^(64·N)`.
    #[inline(always)]
    const fn mont_mul(a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        let m = &P::MODULUS;
        let mut t = [0u64; 18];
        let mut i = 0;
        while i < N {
            let mut carry = 0;
            let mut j = 0;
            while j < N {
                (t[j], carry) = mac(t[j], a[j], b[i], carry);
                j += 1;
            }
            let (s, c) = adc(t[N], carry, 0);
            t[N] = s;
            t[N + 1] = c;
            let k = t[0].wrapping_mul(P::INV);
            let (_, mut carry) = mac(t[0], k, m[0], 0);
            let mut j = 1;
            while j < N {
                (t[j - 1], carry) = mac(t[j], k, m[j], carry);
                j += 1;
            }
            let (s, c) = adc(t[N], carry, 0);
            t[N - 1] = s;
            t[N] = t[N + 1] + c;
            i += 1;
        }
        let mut r = [0u64; N];
        let mut j = 0;
        while j < N {
            r[j] = t[j];
            j += 1;
        }
        // Result is below 2m: subtract m once, masked (no data-dependent branch).
        limbs::reduce_once(&r, t[N], m)
    }

    #[inline(always)]
    fn mul_impl(a: &[u64; N], b: &[u64; N]) -> Self {
        Self::new(Self::mont_mul(a, b))
    }
}

impl<const N: usize, P: MontgomeryParams<N>> Field<N> for Montgomery<N, P> {
    const MODULUS: [u64; N] = P::MODULUS;
    const ZERO: Self = Self::new([0; N]);
    const ONE: Self = Self::new(P::R);

    #[inline(always)]
    fn reduce(x: &[u64; N]) -> Self {
        // x·R² ·R⁻¹ = x·R: Montgomery form of x mod m, for any x < 2^(64N).
        Self::new(Self::mont_mul(x, &P::R2))
    }

    #[inline(always)]
    fn to_uint(&self) -> [u64; N] {
        let mut one = [0u64; N];
        one[0] = 1;
        Self::mont_mul(&self.0, &one)
    }

    #[inline(always)]
    fn square(&self) -> Self {
        *self * *self
    }
}

field_impls!(Montgomery, MontgomeryParams);

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy)]
    pub(super) struct C617;
    impl PseudoMersenneParams<4> for C617 {
        const C: u64 = 617;
    }
    /// The field of 2^256 − 617 with pseudo-Mersenne reduction.
    pub(super) type Fp = PseudoMersenne<4, C617>;

    #[derive(Clone, Copy)]
    pub(super) struct M617;
    impl MontgomeryParams<4> for M617 {
        const MODULUS: [u64; 4] =
            limbs::from_be_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD97");
    }
    /// The same field in Montgomery form.
    pub(super) type Fm = Montgomery<4, M617>;

    #[derive(Clone, Copy)]
    pub(super) struct C569;
    impl PseudoMersenneParams<8> for C569 {
        const C: u64 = 569;
    }
    /// The field of 2^512 − 569 with pseudo-Mersenne reduction.
    pub(super) type Fp512 = PseudoMersenne<8, C569>;

    #[derive(Clone, Copy)]
    pub(super) struct M569;
    impl MontgomeryParams<8> for M569 {
        const MODULUS: [u64; 8] = limbs::from_be_hex(
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC7",
        );
    }
    /// The same field in Montgomery form.
    pub(super) type Fm512 = Montgomery<8, M569>;

    fn pair(seed: u64) -> (Fp, Fm) {
        // A deterministic spread of values, including ones near the modulus.
        let mut x = [0u64; 4];
        let mut s = seed.wrapping_mul(0x9E3779B97F4A7C15) | 1;
        for limb in &mut x {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            *limb = s;
        }
        if seed.is_multiple_of(5) {
            x = Fp::MODULUS;
            x[0] -= seed % 7 + 1;
        }
        (Fp::reduce(&x), Fm::reduce(&x))
    }

    #[test]
    fn pseudo_mersenne_agrees_with_montgomery() {
        for i in 0..400u64 {
            let (a, am) = pair(i);
            let (b, bm) = pair(i + 1000);
            assert_eq!(a.to_uint(), am.to_uint());
            assert_eq!((a * b).to_uint(), (am * bm).to_uint(), "mul {i}");
            assert_eq!(a.square().to_uint(), (am * am).to_uint(), "square {i}");
            assert_eq!((a + b).to_uint(), (am + bm).to_uint(), "add {i}");
            assert_eq!((a - b).to_uint(), (am - bm).to_uint(), "sub {i}");
            assert_eq!((-a).to_uint(), (-am).to_uint(), "neg {i}");
            assert_eq!(
                a.mul_small(498).to_uint(),
                am.mul_small(498).to_uint(),
                "mul_small {i}"
            );
            assert_eq!(
                a.mul_small(0xffff_ffff).to_uint(),
                (a * Fp::reduce(&[0xffff_ffff, 0, 0, 0])).to_uint()
            );
        }
    }

    #[test]
    fn inversion() {
        for i in 1..50u64 {
            let (a, am) = pair(i);
            assert_eq!((a * a.invert()).to_uint(), Fp::ONE.to_uint());
            assert_eq!((am * am.invert()).to_uint(), Fm::ONE.to_uint());
        }
        assert!(bool::from(Fp::ZERO.invert().is_zero()));
    }

    fn check_invert_vartime<const N: usize, F: Field<N>>() {
        let mut x = [0u64; N];
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        for i in 0..200 {
            for limb in &mut x {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                *limb = s;
            }
            // Small values, values near the modulus and values with long runs of zero bits.
            match i % 4 {
                0 => x = [0; N],
                1 => x = F::MODULUS,
                2 => x[1..].fill(0),
                _ => {}
            }
            x[0] = x[0].wrapping_sub(i as u64 % 3 + 1) & !((i as u64 % 2) << 40);
            let a = F::reduce(&x);
            assert_eq!(a.invert_vartime().to_uint(), a.invert().to_uint(), "{x:x?}");
        }
        assert!(bool::from(F::ZERO.invert_vartime().is_zero()));
        assert_eq!(F::ONE.invert_vartime().to_uint(), F::ONE.to_uint());
    }

    #[test]
    fn vartime_inversion_agrees_with_fermat() {
        check_invert_vartime::<4, Fp>();
        check_invert_vartime::<4, Fm>();
        check_invert_vartime::<8, Fp512>();
        check_invert_vartime::<8, Fm512>();
    }

    #[test]
    fn edge_values() {
        let pm1 = Fp::ZERO - Fp::ONE;
        assert_eq!((pm1 * pm1).to_uint(), Fp::ONE.to_uint());
        assert_eq!((pm1 + Fp::ONE).to_uint(), [0; 4]);
        let mut p = Fp::MODULUS;
        assert!(bool::from(Fp::from_uint(&p).is_none()));
        p[0] -= 1;
        assert!(bool::from(Fp::from_uint(&p).is_some()));
        assert!(bool::from(Fm::from_uint(&Fm::MODULUS).is_none()));
    }
    /// The assembly and the portable code agree on `count` products and squares of random
    /// values, of values at the top of the field, and of small ones.
    #[cfg(target_arch = "x86_64")]
    fn check_adx<const N: usize, P: PseudoMersenneParams<N>>(count: usize) {
        type F<const N: usize, P> = PseudoMersenne<N, P>;
        if !adx::available() {
            // The CI machines have BMI2 and ADX; a processor without them uses the portable
            // code only, which the other tests check.
            eprintln!("no BMI2/ADX here: the assembly is not exercised");
            return;
        }
        let top = {
            let mut m = F::<N, P>::MODULUS;
            m[0] -= 1;
            m
        };
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for i in 0..count {
            let mut x = [0u64; N];
            let mut y = [0u64; N];
            x.iter_mut().for_each(|l| *l = next());
            y.iter_mut().for_each(|l| *l = next());
            match i % 5 {
                0 => x = top,
                1 => {
                    x = top;
                    y = top;
                    y[0] -= next() % 1024;
                }
                2 => x[1..].fill(0),
                3 => y = [0; N],
                _ => {}
            }
            let (a, mut b) = (F::<N, P>::reduce(&x), F::<N, P>::reduce(&y));
            if i % 7 == 6 {
                // b = t/a, so that a·b is a small t or one just below the modulus: the values
                // at the edge of the final reduction.
                let mut t = [0u64; N];
                t[0] = next() % 1024;
                let t = F::<N, P>::reduce(&t);
                let t = if i % 2 == 0 { t } else { -(t + F::<N, P>::ONE) };
                b = t * a.invert();
                if !bool::from(a.is_zero()) {
                    assert_eq!(F::<N, P>::adx(&a.0, Some(&b.0)).unwrap().0, t.0);
                }
            }
            let fast = F::<N, P>::adx(&a.0, Some(&b.0)).unwrap();
            assert_eq!(
                fast.0,
                F::<N, P>::mul_portable(&a.0, &b.0).0,
                "{x:x?} · {y:x?}"
            );
            let fast = F::<N, P>::adx(&a.0, None).unwrap();
            assert_eq!(fast.0, F::<N, P>::square_portable(&a.0).0, "{x:x?}²");
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_assembly_agrees_with_the_portable_code() {
        check_adx::<8, C569>(20_000);
    }
}

#[cfg(test)]
mod timing {
    use super::tests::{Fm, Fm512, Fp, Fp512};
    use super::*;

    fn time<const N: usize, F: Field<N>>(name: &str) {
        let mut x = [0x0123_4567_89ab_cdefu64; N];
        x[0] = 1;
        let mut a = F::reduce(&x);
        x[N - 1] = 0xffff_ffff_ffff_fff0;
        let b = F::reduce(&x);
        let start = std::time::Instant::now();
        for _ in 0..10_000_000 {
            a = a * b;
        }
        let mul = start.elapsed();
        let start = std::time::Instant::now();
        for _ in 0..10_000_000 {
            a = a.square();
        }
        let sq = start.elapsed();
        let start = std::time::Instant::now();
        for _ in 0..10_000_000 {
            a = a + b;
        }
        let add = start.elapsed();
        let start = std::time::Instant::now();
        for _ in 0..100_000 {
            a = a.invert() + b;
        }
        let inv = start.elapsed();
        let start = std::time::Instant::now();
        for _ in 0..100_000 {
            a = a.invert_vartime() + b;
        }
        std::println!(
            "{name}: mul {:?}/op square {:?}/op add {:?}/op invert {:?}/op invert_vartime {:?}/op {:?}",
            mul / 10_000_000,
            sq / 10_000_000,
            add / 10_000_000,
            inv / 100_000,
            start.elapsed() / 100_000,
            a.to_uint()[0]
        );
    }

    #[test]
    #[ignore = "timing, run with --release --ignored --nocapture"]
    fn field_timing() {
        time::<4, Fp>("pseudo-mersenne-256");
        time::<4, Fm>("montgomery-256");
        time::<8, Fp512>("pseudo-mersenne-512");
        time::<8, Fm512>("montgomery-512");
    }
}
