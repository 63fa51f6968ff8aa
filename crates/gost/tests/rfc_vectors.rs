//! Published test vectors: RFC 7091 §7 (signature examples), RFC 6986 §10 (Streebog) and the
//! RFC 9215 Appendix A certificate. Values from `shared/standards/gost-test-vectors.md`.

use digest::Digest;
use podpis_gost::hash::{Streebog256, Streebog512};
use podpis_gost::{Algorithm, Error, ParamSet, Signature, SigningKey, VerifyingKey};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(char::is_whitespace, "")).unwrap()
}

/// The digest whose little-endian value is `e` (the examples give e, not a message).
fn digest_of_e(e: &str) -> Vec<u8> {
    let mut d = h(e);
    d.reverse();
    d
}

#[allow(clippy::too_many_arguments)]
fn check_example(
    algorithm: Algorithm,
    params: ParamSet,
    d: &str,
    qx: &str,
    qy: &str,
    e: &str,
    k: &str,
    r: &str,
    s: &str,
) {
    let key = SigningKey::from_bytes(algorithm, params, &h(d)).unwrap();
    assert_eq!(key.verifying_key().x(), h(qx), "Q = dP, x");
    assert_eq!(key.verifying_key().y(), h(qy), "Q = dP, y");
    let digest = digest_of_e(e);
    let sig = key.sign_digest_bytes_with_nonce(&digest, &h(k)).unwrap();
    assert_eq!(sig.r(), h(r), "r");
    assert_eq!(sig.s(), h(s), "s");
    key.verifying_key()
        .verify_digest_bytes(&digest, &sig)
        .unwrap();

    // The published signature verifies on its own, from the public key alone.
    let public = VerifyingKey::from_affine(algorithm, params, &h(qx), &h(qy)).unwrap();
    let published = Signature::from_r_s(&h(r), &h(s)).unwrap();
    public.verify_digest_bytes(&digest, &published).unwrap();
    let mut other = digest.clone();
    other[0] ^= 1;
    assert_eq!(
        public.verify_digest_bytes(&other, &published),
        Err(Error::SignatureInvalid)
    );
}

#[test]
fn rfc7091_example_1_256() {
    check_example(
        Algorithm::Gost2012_256,
        ParamSet::CryptoProTest,
        "7A929ADE789BB9BE10ED359DD39A72C11B60961F49397EEE1D19CE9891EC3B28",
        "7F2B49E270DB6D90D8595BEC458B50C58585BA1D4E9B788F6689DBD8E56FD80B",
        "26F1B489D6701DD185C8413A977B3CBBAF64D1C593D26627DFFB101A87FF77DA",
        "2DFBC1B372D89A1188C09C52E0EEC61FCE52032AB1022E8E67ECE6672B043EE5",
        "77105C9B20BCD3122823C8CF6FCC7B956DE33814E95B7FE64FED924594DCEAB3",
        "41AA28D2F1AB148280CD9ED56FEDA41974053554A42767B83AD043FD39DC0493",
        "01456C64BA4642A1653C235A98A60249BCD6D3F746B631DF928014F6C5BF9C40",
    );
}

#[test]
fn rfc7091_example_2_512() {
    check_example(
        Algorithm::Gost2012_512,
        ParamSet::Tc26_512Test,
        "0BA6048AADAE241BA40936D47756D7C93091A0E8514669700EE7508E508B102072E8123B2200A0563322DAD2827E2714A2636B7BFD18AADFC62967821FA18DD4",
        "115DC5BC96760C7B48598D8AB9E740D4C4A85A65BE33C1815B5C320C854621DD5A515856D13314AF69BC5B924C8B4DDFF75C45415C1D9DD9DD33612CD530EFE1",
        "37C7C90CD40B0F5621DC3AC1B751CFA0E2634FA0503B3D52639F5D7FB72AFD61EA199441D943FFE7F0C70A2759A3CDB84C114E1F9339FDF27F35ECA93677BEEC",
        "3754F3CFACC9E0615C4F4A7C4D8DAB531B09B6F9C170C533A71D147035B0C5917184EE536593F4414339976C647C5D5A407ADEDB1D560C4FC6777D2972075B8C",
        "0359E7F4B1410FEACC570456C6801496946312120B39D019D455986E364F365886748ED7A44B3E794434006011842286212273A6D14CF70EA3AF71BB1AE679F1",
        "2F86FA60A081091A23DD795E1E3C689EE512A3C82EE0DCC2643C78EEA8FCACD35492558486B20F1C9EC197C90699850260C93BCBCD9C5C3317E19344E173AE36",
        "1081B394696FFE8E6585E7A9362D26B6325F56778AADBC081C0BFBE933D52FF5823CE288E8C4F362526080DF7F70CE406A6EEB1F56919CB92A9853BDE73E5B4A",
    );
}

#[test]
fn rfc6986_streebog() {
    let m1 = b"012345678901234567890123456789012345678901234567890123456789012";
    let mut m2 = h(
        "fbe2e5f0eee3c820fbeafaebef20fffbf0e1e0f0f520e0ed20e8ece0ebe5f0f2f120fff0eeec20f120faf2fee5e2202ce8f6f3ede220e8e6eee1e8f0f2d1202ce8f0f2e5e220e5d1",
    );
    m2.reverse();
    assert_eq!(&m2[..3], &[0xd1, 0xe5, 0x20]);
    let cases: [(&[u8], &str, &str); 3] = [
        (
            m1,
            "1b54d01a4af5b9d5cc3d86d68d285462b19abc2475222f35c085122be4ba1ffa00ad30f8767b3a82384c6574f024c311e2a481332b08ef7f41797891c1646f48",
            "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500",
        ),
        (
            &m2,
            "1e88e62226bfca6f9994f1f2d51569e0daf8475a3b0fe61a5300eee46d961376035fe83549ada2b8620fcd7c496ce5b33f0cb9dddc2b6460143b03dabac9fb28",
            "9dd2fe4e90409e5da87f53976d7405b0c0cac628fc669a741d50063c557e8f50",
        ),
        (
            b"",
            "8e945da209aa869f0455928529bcae4679e9873ab707b55315f56ceb98bef0a7362f715528356ee83cda5f2aac4c6ad2ba3a715c1bcd81cb8e9f90bf4c1c1a8a",
            "3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb",
        ),
    ];
    for (msg, h512, h256) in cases {
        assert_eq!(Streebog512::digest(msg).to_vec(), h(h512));
        assert_eq!(Streebog256::digest(msg).to_vec(), h(h256));
        assert_eq!(
            podpis_gost::hash::digest(Algorithm::Gost2012_256, msg),
            h(h256)
        );
        // Fed in pieces, the running digest gives the same bytes.
        let mut hasher = podpis_gost::hash::Hasher::new(Algorithm::Gost2012_512);
        for chunk in msg.chunks(7) {
            hasher.update(chunk);
        }
        assert_eq!(hasher.finalize(), h(h512));
    }
}

/// RFC 9215 Appendix A: the self-signed 256-bit paramSetA certificate verifies, its SPKI decodes
/// to d·P, and it verifies only with the standard byte orders.
#[test]
fn rfc9215_certificate() {
    use base64::Engine;
    let der = base64::engine::general_purpose::STANDARD
        .decode(
            "MIIBJTCB06ADAgECAgEKMAoGCCqFAwcBAQMCMBIxEDAOBgNVBAMTB0V4YW1wbGUw\
             IBcNMDEwMTAxMDAwMDAwWhgPMjA1MDEyMzEwMDAwMDBaMBIxEDAOBgNVBAMTB0V4\
             YW1wbGUwXjAXBggqhQMHAQEBATALBgkqhQMHAQIBAQEDQwAEQHQnldS+6ITd8oUP\
             7APqP68YROAdnaYLZFCTpV4m38OZePWWz01NDGzx0YlD2UST0WuewKFtUS0uEnzE\
             aRpjGOKjEzARMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoUDBwEBAwIDQQAUC02pEksJ\
             yw1c6Sjuh0JzoxASlJLsDik2njt5EkhXjB0OHaW+NHxvG1JWx66sIArWSsd6b1s6\
             DglzGOeubudp",
        )
        .unwrap();
    let cert = common::Cert::parse(&der);
    let key = VerifyingKey::from_spki_der(cert.spki).unwrap();
    assert_eq!(key.params(), ParamSet::Tc26_256A);
    assert_eq!(
        key.x(),
        h("99C3DF265EA59350640BA69D1DE04418AF3FEA03EC0F85F2DD84E8BED4952774")
    );
    assert_eq!(
        key.y(),
        h("E218631A69C47C122E2D516DA1C09E6BD19344D94389D1F16C0C4D4DCF96F578")
    );
    let private = SigningKey::from_bytes(
        Algorithm::Gost2012_256,
        ParamSet::Tc26_256A,
        &h("7A929ADE789BB9BE10ED359DD39A72C11B60961F49397EEE1D19CE9891EC3B28"),
    )
    .unwrap();
    assert_eq!(private.verifying_key(), &key);
    // The SPKI re-encodes to the same bytes (no digest parameter for TC26 256-A).
    assert_eq!(key.to_spki_der(), cert.spki);

    let sig = Signature::from_bytes(cert.signature).unwrap();
    assert_eq!(sig.s()[..4], h("140B4DA9")[..]);
    key.verify_message(cert.tbs, &sig).unwrap();
    // r||s instead of s||r fails.
    let swapped = Signature::from_r_s(sig.s(), sig.r()).unwrap();
    assert_eq!(
        key.verify_message(cert.tbs, &swapped),
        Err(Error::SignatureInvalid)
    );
}

mod common;
