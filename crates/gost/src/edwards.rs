//! Twisted Edwards curves `e·u² + v² = 1 + d·u²·v²` with `e = 1`, in extended coordinates
//! `(U : V : Z : T)`, `u = U/Z`, `v = V/Z`, `T·Z = U·V`.
//!
//! TC26 256-A and 512-C (cofactor 4) are given in RFC 7836 §5 in this form, isomorphic to the
//! Weierstrass form that GOST R 34.10 signs with. With `e` a square and `d` a non-square the
//! unified addition law of Hisil, Wong, Carter and Dawson ("Twisted Edwards curves revisited",
//! ASIACRYPT 2008, §3.1) is complete, so it serves for constant-time code as the RCB formulas do
//! on the prime-order curves. The maps between the two forms (RFC 7836 §5):
//! - `(u, v) → (x, y)`: `x = s(1 + v)/(1 − v) + t`, `y = s(1 + v)/((1 − v)·u)`;
//! - `(x, y) → (u, v)`: `u = (x − t)/y`, `v = (x − t − s)/(x − t + s)`.

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

use crate::field::Field;
use crate::group::{Group, VartimePoint};

/// The constants of a twisted Edwards curve with `e = 1`.
pub(crate) trait EdwardsParams<const N: usize>: 'static + Copy + Send + Sync {
    /// The coordinate field.
    type Fe: Field<N>;
    /// The coefficient `d` (a non-square).
    const D: Self::Fe;
    /// `s` of the map to Weierstrass form.
    const S: Self::Fe;
    /// `t` of the map to Weierstrass form.
    const T: Self::Fe;
    /// The base point `P`, Edwards `u`.
    const GU: Self::Fe;
    /// The base point `P`, Edwards `v`.
    const GV: Self::Fe;
}

/// A point in extended coordinates.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ExtendedPoint<const N: usize, C: EdwardsParams<N>> {
    u: C::Fe,
    v: C::Fe,
    z: C::Fe,
    t: C::Fe,
}

/// A normalised point `(u, v, d·u·v)` for precomputed tables; the identity is `(0, 1, 0)`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AffineNiels<const N: usize, C: EdwardsParams<N>> {
    u: C::Fe,
    v: C::Fe,
    duv: C::Fe,
}

impl<const N: usize, C: EdwardsParams<N>> ExtendedPoint<N, C> {
    /// The base point.
    pub(crate) fn generator() -> Self {
        Self {
            u: C::GU,
            v: C::GV,
            z: C::Fe::ONE,
            t: C::GU * C::GV,
        }
    }

    /// The unified addition given `A = U1U2`, `B = V1V2`, `C = d·T1T2`, `D = Z1Z2` and
    /// `E = U1V2 + V1U2` (HWCD08 §3.1 with `a = 1`).
    #[inline(always)]
    fn add_tail(a: C::Fe, b: C::Fe, c: C::Fe, d: C::Fe, e: C::Fe) -> Self {
        let f = d - c;
        let g = d + c;
        let h = b - a;
        Self {
            u: e * f,
            v: g * h,
            z: f * g,
            t: e * h,
        }
    }

    /// The Weierstrass `x = s(Z+V)/(Z−V) + t` as the fraction `(s(Z+V) + t(Z−V), Z−V)`.
    fn weierstrass_x_fraction(&self) -> (C::Fe, C::Fe) {
        let den = self.z - self.v;
        (C::S * (self.z + self.v) + C::T * den, den)
    }
}

impl<const N: usize, C: EdwardsParams<N>> ConditionallySelectable for ExtendedPoint<N, C> {
    #[inline(always)]
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        Self {
            u: C::Fe::conditional_select(&a.u, &b.u, choice),
            v: C::Fe::conditional_select(&a.v, &b.v, choice),
            z: C::Fe::conditional_select(&a.z, &b.z, choice),
            t: C::Fe::conditional_select(&a.t, &b.t, choice),
        }
    }
}

impl<const N: usize, C: EdwardsParams<N>> ConditionallySelectable for AffineNiels<N, C> {
    #[inline(always)]
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        Self {
            u: C::Fe::conditional_select(&a.u, &b.u, choice),
            v: C::Fe::conditional_select(&a.v, &b.v, choice),
            duv: C::Fe::conditional_select(&a.duv, &b.duv, choice),
        }
    }
}

impl<const N: usize, C: EdwardsParams<N>> Group<N> for ExtendedPoint<N, C> {
    type Fe = C::Fe;
    type Affine = AffineNiels<N, C>;
    type Vartime = Self;

    const IDENTITY: Self = Self {
        u: C::Fe::ZERO,
        v: C::Fe::ONE,
        z: C::Fe::ONE,
        t: C::Fe::ZERO,
    };
    const AFFINE_IDENTITY: Self::Affine = AffineNiels {
        u: C::Fe::ZERO,
        v: C::Fe::ONE,
        duv: C::Fe::ZERO,
    };

    #[inline(always)]
    fn add(&self, o: &Self) -> Self {
        let a = self.u * o.u;
        let b = self.v * o.v;
        let c = C::D * (self.t * o.t);
        let d = self.z * o.z;
        let e = (self.u + self.v) * (o.u + o.v) - a - b;
        Self::add_tail(a, b, c, d, e)
    }

    #[inline(always)]
    fn add_affine(&self, o: &Self::Affine) -> Self {
        let a = self.u * o.u;
        let b = self.v * o.v;
        let c = self.t * o.duv;
        let e = (self.u + self.v) * (o.u + o.v) - a - b;
        Self::add_tail(a, b, c, self.z, e)
    }

    #[inline(always)]
    fn double(&self) -> Self {
        // HWCD08 §3.3 ("dbl-2008-hwcd") with a = 1.
        let a = self.u.square();
        let b = self.v.square();
        let c = self.z.square().double();
        let e = (self.u + self.v).square() - a - b;
        let g = a + b;
        let f = g - c;
        let h = a - b;
        Self {
            u: e * f,
            v: g * h,
            z: f * g,
            t: e * h,
        }
    }

    #[inline(always)]
    fn neg(&self) -> Self {
        Self {
            u: -self.u,
            v: self.v,
            z: self.z,
            t: -self.t,
        }
    }

    #[inline(always)]
    fn neg_affine(a: &Self::Affine) -> Self::Affine {
        AffineNiels {
            u: -a.u,
            v: a.v,
            duv: -a.duv,
        }
    }

    fn denominator(&self) -> C::Fe {
        self.z
    }

    fn to_affine_with(&self, zinv: &C::Fe) -> Self::Affine {
        let u = self.u * *zinv;
        let v = self.v * *zinv;
        AffineNiels {
            u,
            v,
            duv: C::D * u * v,
        }
    }

    fn is_identity(&self) -> Choice {
        self.u.is_zero() & self.v.ct_eq(&self.z)
    }

    fn to_weierstrass(&self) -> (C::Fe, C::Fe) {
        // x = s(Z+V)/(Z−V) + t and y = s(Z+V)·Z/((Z−V)·U), with one inversion.
        let num = C::S * (self.z + self.v);
        let den_x = self.z - self.v;
        let inv = (den_x * self.u).invert();
        (num * self.u * inv + C::T, num * self.z * inv)
    }

    fn weierstrass_x(&self) -> C::Fe {
        let (num, den) = self.weierstrass_x_fraction();
        num * den.invert()
    }

    fn from_weierstrass(x: &C::Fe, y: &C::Fe) -> Option<Self> {
        let xt = *x - C::T;
        let den = xt + C::S;
        if bool::from(y.is_zero() | den.is_zero()) {
            return None;
        }
        let u = xt * y.invert();
        let v = (xt - C::S) * den.invert();
        Some(Self {
            u,
            v,
            z: C::Fe::ONE,
            t: u * v,
        })
    }

    fn to_vartime(&self) -> Self {
        *self
    }
}

/// The Edwards formulas are complete and already fast: verification uses them as they are.
impl<const N: usize, C: EdwardsParams<N>> VartimePoint<N> for ExtendedPoint<N, C> {
    type Fe = C::Fe;
    type Affine = AffineNiels<N, C>;
    const IDENTITY: Self = <Self as Group<N>>::IDENTITY;

    fn add_vartime(&self, other: &Self) -> Self {
        self.add(other)
    }

    fn add_affine_vartime(&self, other: &Self::Affine, negate: bool) -> Self {
        if negate {
            self.add_affine(&Self::neg_affine(other))
        } else {
            self.add_affine(other)
        }
    }

    fn double_vartime(&self) -> Self {
        self.double()
    }

    fn neg_vartime(&self) -> Self {
        self.neg()
    }

    fn is_identity_vartime(&self) -> bool {
        self.is_identity().into()
    }

    #[cfg(test)]
    fn to_weierstrass_vartime(&self) -> (C::Fe, C::Fe) {
        self.to_weierstrass()
    }

    fn weierstrass_x_fraction_vartime(&self) -> (C::Fe, C::Fe) {
        self.weierstrass_x_fraction()
    }
}
