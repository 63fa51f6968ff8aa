//! The operations scalar multiplication needs from a curve's point type.
//!
//! Two point types implement [`Group`]: projective Weierstrass points with complete formulas
//! ([`crate::weierstrass`]) and extended twisted-Edwards points ([`crate::edwards`]). Both
//! answer in Weierstrass coordinates, which is what GOST R 34.10 signs with.

use subtle::{Choice, ConditionallySelectable};

use crate::field::Field;

/// A prime-order group of curve points, in a representation with complete addition.
pub(crate) trait Group<const N: usize>: Copy + ConditionallySelectable + 'static {
    /// The coordinate field.
    type Fe: Field<N>;
    /// A normalised point for precomputed tables (cheaper to add, constant-time selectable).
    type Affine: Copy + ConditionallySelectable;

    /// The representation variable-time double multiplication (verification) computes in.
    type Vartime: VartimePoint<N, Fe = Self::Fe, Affine = Self::Affine>;

    /// The neutral element.
    const IDENTITY: Self;
    /// The neutral element as a table entry.
    const AFFINE_IDENTITY: Self::Affine;

    /// `self + other` (complete: any two points, equal or not, identity or not).
    fn add(&self, other: &Self) -> Self;
    /// `self + other` for a normalised `other` (complete as well).
    fn add_affine(&self, other: &Self::Affine) -> Self;
    /// `2·self`.
    fn double(&self) -> Self;
    /// `−self`.
    fn neg(&self) -> Self;
    /// `−a` for a table entry.
    fn neg_affine(a: &Self::Affine) -> Self::Affine;
    /// Normalises (one field inversion).
    fn to_affine(&self) -> Self::Affine {
        self.to_affine_with(&self.denominator().invert())
    }
    /// The projective denominator `Z`, so that many points normalise with one inversion.
    fn denominator(&self) -> Self::Fe;
    /// Normalises with `z_inverse`, the inverse of [`Group::denominator`].
    fn to_affine_with(&self, z_inverse: &Self::Fe) -> Self::Affine;
    /// Whether this is the neutral element.
    fn is_identity(&self) -> Choice;
    /// The Weierstrass affine coordinates `(x, y)`; meaningless for the identity.
    fn to_weierstrass(&self) -> (Self::Fe, Self::Fe);
    /// The Weierstrass affine `x` alone (one inversion); meaningless for the identity.
    fn weierstrass_x(&self) -> Self::Fe;
    /// The point with Weierstrass affine coordinates `(x, y)`, which must be on the curve;
    /// `None` where the point has no image in this representation (small-order points of the
    /// Edwards curves).
    fn from_weierstrass(x: &Self::Fe, y: &Self::Fe) -> Option<Self>;
    /// This point in the verification representation.
    fn to_vartime(&self) -> Self::Vartime;
}

/// Point arithmetic for public data only: it may branch on the values (special cases of
/// incomplete formulas), which makes it faster.
pub(crate) trait VartimePoint<const N: usize>: Copy {
    /// The coordinate field.
    type Fe: Field<N>;
    /// The table entries it adds.
    type Affine;
    /// The neutral element.
    const IDENTITY: Self;
    /// `self + other`.
    fn add_vartime(&self, other: &Self) -> Self;
    /// `self + other` for a normalised `other`.
    fn add_affine_vartime(&self, other: &Self::Affine, negate: bool) -> Self;
    /// `2·self`.
    fn double_vartime(&self) -> Self;
    /// `−self`.
    fn neg_vartime(&self) -> Self;
    /// Whether this is the neutral element.
    fn is_identity_vartime(&self) -> bool;
    /// The Weierstrass affine coordinates; meaningless for the identity (tests only).
    #[cfg(test)]
    fn to_weierstrass_vartime(&self) -> (Self::Fe, Self::Fe);
    /// The Weierstrass affine `x` as a fraction `(numerator, denominator)`, so that a
    /// verifier can compare it without a field inversion; meaningless for the identity.
    fn weierstrass_x_fraction_vartime(&self) -> (Self::Fe, Self::Fe);
}
