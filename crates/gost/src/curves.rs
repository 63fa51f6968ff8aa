//! The curves of GOST R 34.10-2001/2012: their constants and arithmetic types.
//!
//! Constants from RFC 4357 §11.4 (CryptoPro), RFC 7836 App. A.2 and TC26 R 50.1.114-2016 (TC26
//! sets), RFC 7091 §7 (test curves), as collected in `shared/standards/gost-curves.md`; `3b` is
//! derived. The tests check every curve: the base point lies on it and has order `q`, and the
//! Edwards constants map the Edwards base point onto the Weierstrass one.

use alloc::boxed::Box;

use once_cell::race::OnceBox;

use crate::edwards::{EdwardsParams, ExtendedPoint};
use crate::field::{Field, Montgomery, MontgomeryParams, PseudoMersenne, PseudoMersenneParams};
use crate::group::Group;
use crate::limbs;
use crate::scalar_mul::BaseTables;
use crate::weierstrass::{ProjectivePoint, WeierstrassParams};

/// A curve as the signature code sees it.
pub(crate) trait Curve<const N: usize>: 'static + Sized {
    /// The coordinate field.
    type Fe: Field<N>;
    /// Integers modulo the group order `q`.
    type Scalar: Field<N>;
    /// The point representation used for arithmetic.
    type Point: Group<N, Fe = Self::Fe>;
    /// Weierstrass `a` (for checking that a public key lies on the curve).
    const A: Self::Fe;
    /// Weierstrass `b`.
    const B: Self::Fe;
    /// The cofactor `h` (1, or 4 for the Edwards curves).
    const COFACTOR: u64;
    /// The base point `P`.
    fn generator() -> Self::Point;
    /// Precomputed multiples of `P`, built on first use.
    fn tables() -> &'static BaseTables<Self::Point, N>;
}

/// Declares the field `GF(2^(64·N) − c)`.
macro_rules! pseudo_mersenne {
    ($name:ident, $fe:ident, $n:literal, $c:literal) => {
        #[doc = concat!("The prime 2^(64·", stringify!($n), ") − ", stringify!($c), ".")]
        #[derive(Clone, Copy, Debug)]
        pub(crate) struct $name;
        impl PseudoMersenneParams<$n> for $name {
            const C: u64 = $c;
        }
        #[doc = concat!("GF(2^(64·", stringify!($n), ") − ", stringify!($c), ").")]
        pub(crate) type $fe = PseudoMersenne<$n, $name>;
    };
}

/// Declares a modulus for Montgomery arithmetic and its element type.
macro_rules! montgomery {
    ($name:ident, $ty:ident, $n:literal, $hex:literal) => {
        #[doc = concat!("The modulus 0x", $hex, ".")]
        #[derive(Clone, Copy, Debug)]
        pub(crate) struct $name;
        impl MontgomeryParams<$n> for $name {
            const MODULUS: [u64; $n] = limbs::from_be_hex($hex);
        }
        #[doc = concat!("Integers modulo 0x", $hex, ".")]
        pub(crate) type $ty = Montgomery<$n, $name>;
    };
}

/// The `Curve` items that do not depend on the curve's form.
macro_rules! curve_items {
    ($name:ident, $n:literal, $fe:ty, $sc:ty, $point:ty, $a:literal, $b:literal, $h:literal) => {
        type Fe = $fe;
        type Scalar = $sc;
        type Point = $point;
        const A: $fe = <$fe>::from_hex($a);
        const B: $fe = <$fe>::from_hex($b);
        const COFACTOR: u64 = $h;
        fn generator() -> $point {
            <$point>::generator()
        }
        fn tables() -> &'static BaseTables<$point, $n> {
            static TABLES: OnceBox<BaseTables<$point, $n>> = OnceBox::new();
            TABLES.get_or_init(|| Box::new(BaseTables::new(Self::generator())))
        }
    };
}

/// Declares a prime-order curve in short Weierstrass form.
macro_rules! weierstrass_curve {
    ($(#[$doc:meta])* $name:ident, $n:literal, $fe:ty, $sc:ty,
     a = $a:literal, minus3 = $m3:literal, b = $b:literal, b3 = $b3:literal,
     x = $gx:literal, y = $gy:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub(crate) struct $name;
        impl WeierstrassParams<$n> for $name {
            type Fe = $fe;
            const A: $fe = <$fe>::from_hex($a);
            const B3: $fe = <$fe>::from_hex($b3);
            const A_IS_MINUS_3: bool = $m3;
            const B3_SMALL: u64 = {
                let b3: [u64; $n] = limbs::from_be_hex($b3);
                let mut small = b3[0] < (1 << 32);
                let mut i = 1;
                while i < $n {
                    small &= b3[i] == 0;
                    i += 1;
                }
                if small { b3[0] } else { 0 }
            };
            const GX: $fe = <$fe>::from_hex($gx);
            const GY: $fe = <$fe>::from_hex($gy);
        }
        impl Curve<$n> for $name {
            curve_items!($name, $n, $fe, $sc, ProjectivePoint<$n, $name>, $a, $b, 1);
        }
    };
}

/// Declares a cofactor-4 curve computed on in twisted Edwards form.
macro_rules! edwards_curve {
    ($(#[$doc:meta])* $name:ident, $n:literal, $fe:ty, $sc:ty,
     a = $a:literal, b = $b:literal, d = $d:literal, s = $s:literal, t = $t:literal,
     u = $gu:literal, v = $gv:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub(crate) struct $name;
        impl EdwardsParams<$n> for $name {
            type Fe = $fe;
            const D: $fe = <$fe>::from_hex($d);
            const S: $fe = <$fe>::from_hex($s);
            const T: $fe = <$fe>::from_hex($t);
            const GU: $fe = <$fe>::from_hex($gu);
            const GV: $fe = <$fe>::from_hex($gv);
        }
        impl Curve<$n> for $name {
            curve_items!($name, $n, $fe, $sc, ExtendedPoint<$n, $name>, $a, $b, 4);
        }
    };
}

pseudo_mersenne!(P256m617, Fp256m617, 4, 617);
pseudo_mersenne!(P512m569, Fp512m569, 8, 569);

montgomery!(
    PTest256,
    FTest256,
    4,
    "8000000000000000000000000000000000000000000000000000000000000431"
);
montgomery!(
    QTest256,
    STest256,
    4,
    "8000000000000000000000000000000150FE8A1892976154C59CFC193ACCF5B3"
);
weierstrass_curve!(
    /// id-GostR3410-2001-TestParamSet (RFC 7091 example 1).
    Test256, 4, FTest256, STest256,
    a = "7",
    minus3 = false,
    b = "5FBFF498AA938CE739B8E022FBAFEF40563F6E6A3472FC2A514C0CE9DAE23B7E",
    b3 = "1F3FDDC9FFBAA6B5AD2AA068F30FCDC102BE4B3E9D58F47EF3E426BD90A6AA18",
    x = "2",
    y = "08E2A8A0E65147D4BD6316030E16D19C85C97F0A9CA267122B96ABBCEA7E8FC8"
);

montgomery!(
    QCryptoProA,
    SCryptoProA,
    4,
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF6C611070995AD10045841B09B761B893"
);
weierstrass_curve!(
    /// CryptoPro-A = XchA = TC26 256-B.
    CryptoProA, 4, Fp256m617, SCryptoProA,
    a = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD94",
    minus3 = true,
    b = "A6",
    b3 = "1F2",
    x = "1",
    y = "8D91E471E0989CDA27DF505A453F2B7635294F2DDF23E3B122ACC99C9E9F1E14"
);

montgomery!(
    PCryptoProB,
    FCryptoProB,
    4,
    "8000000000000000000000000000000000000000000000000000000000000C99"
);
montgomery!(
    QCryptoProB,
    SCryptoProB,
    4,
    "800000000000000000000000000000015F700CFFF1A624E5E497161BCC8A198F"
);
weierstrass_curve!(
    /// CryptoPro-B = TC26 256-C.
    CryptoProB, 4, FCryptoProB, SCryptoProB,
    a = "8000000000000000000000000000000000000000000000000000000000000C96",
    minus3 = true,
    b = "3E1AF419A269A5F866A7D3C25C3DF80AE979259373FF2B182F49D4CE7E1BBC8B",
    b3 = "3A50DC4CE73CF1E933F77B4714B9E820BC6B70BA5BFD81488DDD7E6B7A532908",
    x = "1",
    y = "3FA8124359F96680B83D1C3EB2C070E5C545C9858D03ECFB744BF8D717717EFC"
);

montgomery!(
    PCryptoProC,
    FCryptoProC,
    4,
    "9B9F605F5A858107AB1EC85E6B41C8AACF846E86789051D37998F7B9022D759B"
);
montgomery!(
    QCryptoProC,
    SCryptoProC,
    4,
    "9B9F605F5A858107AB1EC85E6B41C8AA582CA3511EDDFB74F02F3A6598980BB9"
);
weierstrass_curve!(
    /// CryptoPro-C = XchB = TC26 256-D.
    CryptoProC, 4, FCryptoProC, SCryptoProC,
    a = "9B9F605F5A858107AB1EC85E6B41C8AACF846E86789051D37998F7B9022D7598",
    minus3 = true,
    b = "805A",
    b3 = "1810E",
    x = "0",
    y = "41ECE55743711A8C3CBF3783CD08C0EE4D4DC440D4641A8F366E550DFDB3BB67"
);

montgomery!(
    QTc26_256A,
    STc26_256A,
    4,
    "400000000000000000000000000000000FD8CDDFC87B6635C115AF556C360C67"
);
edwards_curve!(
    /// TC26 256-A (twisted Edwards, cofactor 4).
    Tc26_256A, 4, Fp256m617, STc26_256A,
    a = "C2173F1513981673AF4892C23035A27CE25E2013BF95AA33B22C656F277E7335",
    b = "295F9BAE7428ED9CCC20E7C359A9D41A22FCCD9108E17BF7BA9337A6F8AE9513",
    d = "0605F6B7C183FA81578BC39CFAD518132B9DF62897009AF7E522C32D6DC7BFFB",
    s = "7E7E82520F9F015FAA1D0F18C14AB9FB35188275DA3FD94206B74F34A48E0ECD",
    t = "0100FE73F595FF158E974B44D478D9588744FE5C192AC47EA63075DCE7A14AAA",
    u = "0D",
    v = "60CA1E32AA475B348488C38FAB07649CE7EF8DBE87F22E81F92B2592DBA300E7"
);

montgomery!(
    PTest512,
    FTest512,
    8,
    "4531ACD1FE0023C7550D267B6B2FEE80922B14B2FFB90F04D4EB7C09B5D2D15DF1D852741AF4704A0458047E80E4546D35B8336FAC224DD81664BBF528BE6373"
);
montgomery!(
    QTest512,
    STest512,
    8,
    "4531ACD1FE0023C7550D267B6B2FEE80922B14B2FFB90F04D4EB7C09B5D2D15DA82F2D7ECB1DBAC719905C5EECC423F1D86E25EDBE23C595D644AAF187E6E6DF"
);
weierstrass_curve!(
    /// TC26 512-Test (RFC 7091 example 2).
    Test512, 8, FTest512, STest512,
    a = "7",
    minus3 = false,
    b = "1CFF0806A31116DA29D8CFA54E57EB748BC5F377E49400FDD788B649ECA1AC4361834013B2AD7322480A89CA58E0CF74BC9E540C2ADD6897FAD0A3084F302ADC",
    b3 = "11CB6B41EB3320C7287D48747FD7D3DD1126C5B4AE02F3F4B1AEA6D41012336C32B16DC6FD13E91CD3C798E089BE19F10022C8B4D475EBEFDA0D2D23C4D21D21",
    x = "24D19CC64572EE30F396BF6EBBFD7A6C5213B3B3D7057CC825F91093A68CD762FD60611262CD838DC6B60AA7EEE804E28BC849977FAC33B4B530F1B120248A9A",
    y = "2BB312A43BD2CE6E0D020613C857ACDDCFBF061E91E5F2C3F32447C259F39B2C83AB156D77F1496BF7EB3351E1EE4E43DC1A18B91B24640B6DBB92CB1ADD371E"
);

montgomery!(
    QTc26_512A,
    STc26_512A,
    8,
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF27E69532F48D89116FF22B8D4E0560609B4B38ABFAD2B85DCACDB1411F10B275"
);
weierstrass_curve!(
    /// TC26 512-A.
    Tc26_512A, 8, Fp512m569, STc26_512A,
    a = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC4",
    minus3 = true,
    b = "E8C2505DEDFC86DDC1BD0B2B6667F1DA34B82574761CB0E879BD081CFD0B6265EE3CB090F30D27614CB4574010DA90DD862EF9D4EBEE4761503190785A71C760",
    b3 = "BA46F119C9F59499453721823337D58E9E28705D625612B96D371856F7222731CAB611B2D9277623E61D05C0328FB298928CED7EC3CAD623F094B1690F555A92",
    x = "3",
    y = "7503CFE87A836AE3A61B8816E25450E6CE5E1C93ACF1ABC1778064FDCBEFA921DF1626BE4FD036E93D75E6A50E3A41E98028FE5FC235F5B889A589CB5215F2A4"
);

montgomery!(
    PTc26_512B,
    FTc26_512B,
    8,
    "8000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006F"
);
montgomery!(
    QTc26_512B,
    STc26_512B,
    8,
    "800000000000000000000000000000000000000000000000000000000000000149A1EC142565A545ACFDB77BD9D40CFA8B996712101BEA0EC6346C54374F25BD"
);
weierstrass_curve!(
    /// TC26 512-B.
    Tc26_512B, 8, FTc26_512B, STc26_512B,
    a = "8000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006C",
    minus3 = true,
    b = "687D1B459DC841457E3E06CF6F5E2517B97C7D614AF138BCBF85DC806C4B289F3E965D2DB1416D217F8B276FAD1AB69C50F78BEE1FA3106EFB8CCBC7C5140116",
    b3 = "397751D0D958C3D07ABA146E4E1A6F472C757823E0D3AA363E91958144E179DDBBC3178913C447647EA1764F075023D4F2E6A3CA5EE9314CF2A663574F3C0264",
    x = "2",
    y = "1A8F7EDA389B094C2C071E3647A8940F3C123B697578C213BE6DD9E6C8EC7335DCB228FD1EDF4A39152CBCAAF8C0398828041055F94CEEEC7E21340780FE41BD"
);

montgomery!(
    QTc26_512C,
    STc26_512C,
    8,
    "3FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC98CDBA46506AB004C33A9FF5147502CC8EDA9E7A769A12694623CEF47F023ED"
);
edwards_curve!(
    /// TC26 512-C (twisted Edwards, cofactor 4).
    Tc26_512C, 8, Fp512m569, STc26_512C,
    a = "DC9203E514A721875485A529D2C722FB187BC8980EB866644DE41C68E143064546E861C0E2C9EDD92ADE71F46FCF50FF2AD97F951FDA9F2A2EB6546F39689BD3",
    b = "B4C4EE28CEBC6C2C8AC12952CF37F16AC7EFB6A9F69F4B57FFDA2E4F0DE5ADE038CBC2FFF719D2C18DE0284B8BFEF3B52B8CC7A5F5BF0A3C8D2319A5312557E1",
    d = "9E4F5D8C017D8D9F13A5CF3CDF5BFE4DAB402D54198E31EBDE28A0621050439CA6B39E0A515C06B304E2CE43E79E369E91A0CFC2BC2A22B4CA302DBB33EE7550",
    s = "186C289CFFA09C983B168C30C829006C952FF4AAF99C73850875D7E77BEBEF18D653187D6BA8FE533EC74C6F061872585B97CC0F50F57752CD73F4913304621E",
    t = "9A628F975594ECEFD89BA28A2539FFB79C8AB238AEED0851FA5C1ABB02B80B44C6734501B83A011DD625CD0B5145091A6D9ACD4B1F5C5B1E21B2B249DDFD1271",
    u = "12",
    v = "469AF79D1FB1F5E16B99592B77A01E2A0FDFB0D01794368D9A56117F7B38669522DD4B650CF789EEBF068C5D139732F0905622C04B2BAAE7600303EE73001A3D"
);

#[cfg(test)]
mod tests {
    use subtle::ConstantTimeEq;

    use crate::group::VartimePoint;

    use super::*;

    /// Textbook affine Weierstrass arithmetic with inversions: a second implementation to check
    /// the complete projective and Edwards formulas against.
    fn affine_mul<const N: usize, C: Curve<N>>(
        k: u64,
        p: (C::Fe, C::Fe),
    ) -> Option<(C::Fe, C::Fe)> {
        let add =
            |a: Option<(C::Fe, C::Fe)>, b: Option<(C::Fe, C::Fe)>| -> Option<(C::Fe, C::Fe)> {
                let (Some((x1, y1)), Some((x2, y2))) = (a, b) else {
                    return a.or(b);
                };
                let lambda = if bool::from(x1.ct_eq(&x2)) {
                    if bool::from((y1 + y2).is_zero()) {
                        return None;
                    }
                    let three = C::Fe::ONE + C::Fe::ONE + C::Fe::ONE;
                    (three * x1.square() + C::A) * (y1.double()).invert()
                } else {
                    (y2 - y1) * (x2 - x1).invert()
                };
                let x3 = lambda.square() - x1 - x2;
                Some((x3, lambda * (x1 - x3) - y1))
            };
        let mut acc = None;
        for i in (0..64).rev() {
            acc = add(acc, acc);
            if (k >> i) & 1 == 1 {
                acc = add(acc, Some(p));
            }
        }
        acc
    }

    fn eq<const N: usize, F: Field<N>>(a: (F, F), b: (F, F)) -> bool {
        bool::from(a.0.ct_eq(&b.0) & a.1.ct_eq(&b.1))
    }

    fn check_curve<const N: usize, C: Curve<N>>() {
        let g = C::generator();
        let (gx, gy) = g.to_weierstrass();
        assert!(
            bool::from(gy.square().ct_eq(&((gx.square() + C::A) * gx + C::B))),
            "P on curve"
        );

        let tables = C::tables();
        let zero = [0u64; N];
        let order = C::Scalar::MODULUS;
        assert!(
            tables
                .mul_double_vartime(&order, &zero, &g)
                .is_identity_vartime(),
            "qP = O"
        );
        assert!(
            bool::from(tables.mul_base(&order).is_identity()),
            "qP = O (fixed base)"
        );
        assert!(!bool::from(g.is_identity()));

        // Fixed-base, double-scalar and textbook affine multiplication agree.
        for k in [
            1u64,
            2,
            3,
            4,
            5,
            7,
            8,
            15,
            16,
            17,
            255,
            256,
            0xdead_beef_1234_5678,
            u64::MAX,
        ] {
            let mut limbs_k = [0u64; N];
            limbs_k[0] = k;
            let expected = affine_mul::<N, C>(k, (gx, gy)).expect("k < q");
            assert!(
                eq(tables.mul_base(&limbs_k).to_weierstrass(), expected),
                "fixed base {k}"
            );
            let via_q = tables.mul_double_vartime(&zero, &limbs_k, &g);
            assert!(
                eq(via_q.to_weierstrass_vartime(), expected),
                "double-scalar {k}"
            );
            let via_p = tables.mul_double_vartime(&limbs_k, &zero, &g);
            assert!(
                eq(via_p.to_weierstrass_vartime(), expected),
                "double-scalar base {k}"
            );
            let both = tables.mul_double_vartime(&limbs_k, &limbs_k, &g);
            let twice = affine_mul::<N, C>(2, expected).expect("2kP");
            assert!(
                eq(both.to_weierstrass_vartime(), twice),
                "kP + kQ with Q = P {k}"
            );
            assert!(bool::from(
                tables.mul_base(&limbs_k).weierstrass_x().ct_eq(&expected.0)
            ));
        }

        // With the key's own tables the scalars split in halves: the same points, for scalars
        // with both halves set, with one half zero, and large ones (q − 1 − k).
        let key = crate::scalar_mul::KeyTables::new(&g.double());
        let q_double = g.double();
        for k in [1u64, 3, 0xdead_beef_1234_5678, u64::MAX] {
            let mut a = [k.rotate_left(7); N];
            let mut k_limbs = [0u64; N];
            k_limbs[0] = k;
            let b = crate::limbs::sub(&order, &k_limbs).0;
            a[N - 1] >>= 1;
            for (a, b) in [
                (a, b),
                (zero, b),
                (a, zero),
                ([0, k].repeat(N / 2).try_into().unwrap(), a),
            ] {
                let split = tables.mul_double_split_vartime(&a, &b, &key);
                let plain = tables.mul_double_vartime(&a, &b, &q_double);
                let (s, p) = (
                    split.weierstrass_x_fraction_vartime(),
                    plain.weierstrass_x_fraction_vartime(),
                );
                assert_eq!(
                    split.is_identity_vartime(),
                    plain.is_identity_vartime(),
                    "split {k}"
                );
                if !plain.is_identity_vartime() {
                    assert!(bool::from((s.0 * p.1).ct_eq(&(p.0 * s.1))), "split {k}");
                }
            }
        }

        // (q − 1)·P = −P, and the complete formulas handle P + (−P) and doubling by addition.
        let mut q_minus_1 = order;
        q_minus_1[0] -= 1;
        assert!(eq(tables.mul_base(&q_minus_1).to_weierstrass(), (gx, -gy)));
        assert!(bool::from(g.add(&g.neg()).is_identity()));
        assert!(eq(g.add(&g).to_weierstrass(), g.double().to_weierstrass()));
        assert!(eq(C::Point::IDENTITY.add(&g).to_weierstrass(), (gx, gy)));
        assert!(bool::from(C::Point::IDENTITY.double().is_identity()));
        let g_affine = g.to_affine();
        assert!(bool::from(
            g.add_affine(&C::Point::neg_affine(&g_affine)).is_identity()
        ));
        assert!(eq(
            C::Point::IDENTITY.add_affine(&g_affine).to_weierstrass(),
            (gx, gy)
        ));
        assert!(eq(
            g.add_affine(&C::Point::AFFINE_IDENTITY).to_weierstrass(),
            (gx, gy)
        ));

        // The point round-trips through Weierstrass coordinates.
        let back = C::Point::from_weierstrass(&gx, &gy).expect("P maps");
        assert!(eq(
            back.double().to_weierstrass(),
            g.double().to_weierstrass()
        ));
    }

    #[test]
    fn every_curve_is_consistent() {
        check_curve::<4, Test256>();
        check_curve::<4, CryptoProA>();
        check_curve::<4, CryptoProB>();
        check_curve::<4, CryptoProC>();
        check_curve::<4, Tc26_256A>();
        check_curve::<8, Test512>();
        check_curve::<8, Tc26_512A>();
        check_curve::<8, Tc26_512B>();
        check_curve::<8, Tc26_512C>();
    }
}
