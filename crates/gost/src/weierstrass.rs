//! Short Weierstrass curves `y² = x³ + ax + b` in projective coordinates `(X : Y : Z)`.
//!
//! Addition and doubling use the complete formulas of Renes, Costello and Batina,
//! "Complete addition formulas for prime order elliptic curves" (EUROCRYPT 2016),
//! Algorithms 1–3: they have no exceptional cases, so the same instructions run for every input
//! (the identity is `(0 : 1 : 0)`). They hold on curves of odd order, i.e. every GOST curve with
//! cofactor 1; the two cofactor-4 curves use [`crate::edwards`] instead.

use subtle::{Choice, ConditionallySelectable};

use crate::field::Field;
use crate::group::{Group, VartimePoint};

/// The constants of a Weierstrass curve with cofactor 1.
pub(crate) trait WeierstrassParams<const N: usize>: 'static + Copy + Send + Sync {
    /// The coordinate field.
    type Fe: Field<N>;
    /// The coefficient `a`.
    const A: Self::Fe;
    /// `3·b`, as the formulas use it.
    const B3: Self::Fe;
    /// Whether `a = −3`, so that `a·x` is two additions and a negation.
    const A_IS_MINUS_3: bool;
    /// `3·b` when it is below 2^32 (CryptoPro-A and -C), else 0: a cheaper multiplication.
    const B3_SMALL: u64;
    /// The base point `P`.
    const GX: Self::Fe;
    /// The base point `P`.
    const GY: Self::Fe;
}

/// A point in projective coordinates.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ProjectivePoint<const N: usize, C: WeierstrassParams<N>> {
    x: C::Fe,
    y: C::Fe,
    z: C::Fe,
}

/// A point with `Z = 1`, or the identity (`infinity = 1`), for precomputed tables.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AffinePoint<const N: usize, C: WeierstrassParams<N>> {
    x: C::Fe,
    y: C::Fe,
    infinity: u8,
}

impl<const N: usize, C: WeierstrassParams<N>> ProjectivePoint<N, C> {
    /// The base point.
    pub(crate) fn generator() -> Self {
        Self {
            x: C::GX,
            y: C::GY,
            z: C::Fe::ONE,
        }
    }

    #[inline(always)]
    fn mul_a(v: C::Fe) -> C::Fe {
        if C::A_IS_MINUS_3 {
            -(v.double() + v)
        } else {
            v * C::A
        }
    }

    #[inline(always)]
    fn mul_b3(v: C::Fe) -> C::Fe {
        if C::B3_SMALL != 0 {
            v.mul_small(C::B3_SMALL)
        } else {
            v * C::B3
        }
    }

    /// The tail shared by full and mixed addition (Algorithm 1 of RCB16, from the point where
    /// the cross products are known): `t3 = X1Y2 + X2Y1`, `t4 = X1Z2 + X2Z1`,
    /// `t5 = Y1Z2 + Y2Z1`, `t0 = X1X2`, `t1 = Y1Y2`, `t2 = Z1Z2`.
    #[inline(always)]
    fn add_tail(t0: C::Fe, t1: C::Fe, t2: C::Fe, t3: C::Fe, t4: C::Fe, t5: C::Fe) -> Self {
        let z3 = Self::mul_a(t4) + Self::mul_b3(t2);
        let x3 = t1 - z3;
        let z3 = t1 + z3;
        let y3 = x3 * z3;
        let t1 = t0.double() + t0;
        let t2 = Self::mul_a(t2);
        let t4 = Self::mul_b3(t4);
        let t1 = t1 + t2;
        let t2 = Self::mul_a(t0 - t2);
        let t4 = t4 + t2;
        Self {
            x: t3 * x3 - t5 * t4,
            y: y3 + t1 * t4,
            z: t5 * z3 + t3 * t1,
        }
    }
}

impl<const N: usize, C: WeierstrassParams<N>> ConditionallySelectable for ProjectivePoint<N, C> {
    #[inline(always)]
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        Self {
            x: C::Fe::conditional_select(&a.x, &b.x, choice),
            y: C::Fe::conditional_select(&a.y, &b.y, choice),
            z: C::Fe::conditional_select(&a.z, &b.z, choice),
        }
    }
}

impl<const N: usize, C: WeierstrassParams<N>> ConditionallySelectable for AffinePoint<N, C> {
    #[inline(always)]
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        Self {
            x: C::Fe::conditional_select(&a.x, &b.x, choice),
            y: C::Fe::conditional_select(&a.y, &b.y, choice),
            infinity: u8::conditional_select(&a.infinity, &b.infinity, choice),
        }
    }
}

impl<const N: usize, C: WeierstrassParams<N>> Group<N> for ProjectivePoint<N, C> {
    type Fe = C::Fe;
    type Affine = AffinePoint<N, C>;
    type Vartime = JacobianPoint<N, C>;

    const IDENTITY: Self = Self {
        x: C::Fe::ZERO,
        y: C::Fe::ONE,
        z: C::Fe::ZERO,
    };
    const AFFINE_IDENTITY: Self::Affine = AffinePoint {
        x: C::Fe::ZERO,
        y: C::Fe::ONE,
        infinity: 1,
    };

    #[inline(always)]
    fn add(&self, other: &Self) -> Self {
        let (x1, y1, z1) = (self.x, self.y, self.z);
        let (x2, y2, z2) = (other.x, other.y, other.z);
        let t0 = x1 * x2;
        let t1 = y1 * y2;
        let t2 = z1 * z2;
        let t3 = (x1 + y1) * (x2 + y2) - (t0 + t1);
        let t4 = (x1 + z1) * (x2 + z2) - (t0 + t2);
        let t5 = (y1 + z1) * (y2 + z2) - (t1 + t2);
        Self::add_tail(t0, t1, t2, t3, t4, t5)
    }

    #[inline(always)]
    fn add_affine(&self, other: &Self::Affine) -> Self {
        let (x1, y1, z1) = (self.x, self.y, self.z);
        let (x2, y2) = (other.x, other.y);
        let t0 = x1 * x2;
        let t1 = y1 * y2;
        let t3 = (x1 + y1) * (x2 + y2) - (t0 + t1);
        let t4 = x2 * z1 + x1;
        let t5 = y2 * z1 + y1;
        let sum = Self::add_tail(t0, t1, z1, t3, t4, t5);
        Self::conditional_select(&sum, self, Choice::from(other.infinity))
    }

    #[inline(always)]
    fn double(&self) -> Self {
        // RCB16 Algorithm 3.
        let (x, y, z) = (self.x, self.y, self.z);
        let t0 = x.square();
        let t1 = y.square();
        let t2 = z.square();
        let t3 = (x * y).double();
        let z3 = (x * z).double();
        let y3 = Self::mul_a(z3) + Self::mul_b3(t2);
        let x3 = t1 - y3;
        let y3 = x3 * (t1 + y3);
        let x3 = t3 * x3;
        let z3 = Self::mul_b3(z3);
        let t2 = Self::mul_a(t2);
        let t3 = Self::mul_a(t0 - t2) + z3;
        let t0 = t0.double() + t0 + t2;
        let y3 = y3 + t0 * t3;
        let t2 = (y * z).double();
        let x3 = x3 - t2 * t3;
        let z3 = (t2 * t1).double().double();
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    #[inline(always)]
    fn neg(&self) -> Self {
        Self {
            x: self.x,
            y: -self.y,
            z: self.z,
        }
    }

    #[inline(always)]
    fn neg_affine(a: &Self::Affine) -> Self::Affine {
        AffinePoint {
            x: a.x,
            y: -a.y,
            infinity: a.infinity,
        }
    }

    fn denominator(&self) -> C::Fe {
        self.z
    }

    fn to_affine_with(&self, zinv: &C::Fe) -> Self::Affine {
        AffinePoint {
            x: self.x * *zinv,
            y: self.y * *zinv,
            infinity: self.z.is_zero().unwrap_u8(),
        }
    }

    fn is_identity(&self) -> Choice {
        self.z.is_zero()
    }

    fn to_weierstrass(&self) -> (C::Fe, C::Fe) {
        let zinv = self.z.invert();
        (self.x * zinv, self.y * zinv)
    }

    fn weierstrass_x(&self) -> C::Fe {
        self.x * self.z.invert()
    }

    fn from_weierstrass(x: &C::Fe, y: &C::Fe) -> Option<Self> {
        Some(Self {
            x: *x,
            y: *y,
            z: C::Fe::ONE,
        })
    }

    fn to_vartime(&self) -> JacobianPoint<N, C> {
        // x = X/Z = (X·Z)/Z², y = Y/Z = (Y·Z²)/Z³.
        let zz = self.z.square();
        JacobianPoint {
            x: self.x * self.z,
            y: self.y * zz,
            z: self.z,
        }
    }
}

/// A point in Jacobian coordinates (`x = X/Z²`, `y = Y/Z³`), for verification only: the
/// formulas (Bernstein–Lange, Explicit-Formulas Database: dbl-2007-bl, add-2007-bl) are
/// incomplete and their special cases are branched on, which is fine for public data and
/// cheaper than the complete projective formulas.
#[derive(Clone, Copy, Debug)]
pub(crate) struct JacobianPoint<const N: usize, C: WeierstrassParams<N>> {
    x: C::Fe,
    y: C::Fe,
    z: C::Fe,
}

impl<const N: usize, C: WeierstrassParams<N>> JacobianPoint<N, C> {
    /// `self + other` given `U1, U2, S1, S2` (both operands' coordinates brought to a common
    /// `Z`) and `z(H)`, the result's `Z` (add-2007-bl's `2·Z1·Z2·H`).
    fn add_parts(
        &self,
        u1: C::Fe,
        u2: C::Fe,
        s1: C::Fe,
        s2: C::Fe,
        z: impl FnOnce(C::Fe) -> C::Fe,
    ) -> Self {
        let h = u2 - u1;
        let r = (s2 - s1).double();
        if bool::from(h.is_zero()) {
            // Same x: the operands are equal (double) or opposite (the sum is the identity).
            return if bool::from(r.is_zero()) {
                self.double_vartime()
            } else {
                Self::IDENTITY
            };
        }
        let i = h.double().square();
        let j = h * i;
        let v = u1 * i;
        let x3 = r.square() - j - v.double();
        Self {
            x: x3,
            y: r * (v - x3) - (s1 * j).double(),
            z: z(h),
        }
    }
}

impl<const N: usize, C: WeierstrassParams<N>> VartimePoint<N> for JacobianPoint<N, C> {
    type Fe = C::Fe;
    type Affine = AffinePoint<N, C>;
    const IDENTITY: Self = Self {
        x: C::Fe::ONE,
        y: C::Fe::ONE,
        z: C::Fe::ZERO,
    };

    fn add_vartime(&self, o: &Self) -> Self {
        if self.is_identity_vartime() {
            return *o;
        }
        if o.is_identity_vartime() {
            return *self;
        }
        let z1z1 = self.z.square();
        let z2z2 = o.z.square();
        let u1 = self.x * z2z2;
        let u2 = o.x * z1z1;
        let s1 = self.y * o.z * z2z2;
        let s2 = o.y * self.z * z1z1;
        self.add_parts(u1, u2, s1, s2, |h| {
            ((self.z + o.z).square() - z1z1 - z2z2) * h
        })
    }

    fn add_affine_vartime(&self, o: &AffinePoint<N, C>, negate: bool) -> Self {
        debug_assert_eq!(o.infinity, 0, "wNAF tables hold no identity");
        let y2 = if negate { -o.y } else { o.y };
        if self.is_identity_vartime() {
            return Self {
                x: o.x,
                y: y2,
                z: C::Fe::ONE,
            };
        }
        let z1z1 = self.z.square();
        let u2 = o.x * z1z1;
        let s2 = y2 * self.z * z1z1;
        self.add_parts(self.x, u2, self.y, s2, |h| (self.z * h).double())
    }

    fn double_vartime(&self) -> Self {
        if C::A_IS_MINUS_3 {
            // dbl-2001-b: 3M + 5S, using a = −3 for 3X² + aZ⁴ = 3(X − Z²)(X + Z²).
            let delta = self.z.square();
            let gamma = self.y.square();
            let beta = self.x * gamma;
            let alpha = ((self.x - delta) * (self.x + delta)).mul_small(3);
            let beta4 = beta.mul_small(4);
            let x3 = alpha.square() - beta4.double();
            let z3 = (self.y + self.z).square() - gamma - delta;
            let gamma2 = gamma.square();
            return Self {
                x: x3,
                y: alpha * (beta4 - x3) - gamma2.mul_small(8),
                z: z3,
            };
        }
        // dbl-2007-bl.
        let xx = self.x.square();
        let yy = self.y.square();
        let yyyy = yy.square();
        let zz = self.z.square();
        let s = ((self.x + yy).square() - xx - yyyy).double();
        let m = xx.double() + xx + ProjectivePoint::<N, C>::mul_a(zz.square());
        let t = m.square() - s.double();
        Self {
            x: t,
            y: m * (s - t) - yyyy.double().double().double(),
            z: (self.y + self.z).square() - yy - zz,
        }
    }

    fn neg_vartime(&self) -> Self {
        Self {
            x: self.x,
            y: -self.y,
            z: self.z,
        }
    }

    fn is_identity_vartime(&self) -> bool {
        self.z.is_zero().into()
    }

    #[cfg(test)]
    fn to_weierstrass_vartime(&self) -> (C::Fe, C::Fe) {
        let zinv = self.z.invert();
        let zinv2 = zinv.square();
        (self.x * zinv2, self.y * zinv2 * zinv)
    }

    fn weierstrass_x_fraction_vartime(&self) -> (C::Fe, C::Fe) {
        (self.x, self.z.square())
    }
}
