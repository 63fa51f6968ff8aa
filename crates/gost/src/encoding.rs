//! X.509 SubjectPublicKeyInfo and PKCS#8 for GOST keys (RFC 4491, RFC 9215), read and written
//! the way OpenSSL's gost engine does.
//!
//! - Algorithm parameters: `SEQUENCE { publicKeyParamSet OID, digestParamSet OID OPTIONAL, … }`.
//!   Written with the digest OID for the CryptoPro (2001-era) parameter sets and without it for the
//!   TC26 sets, as RFC 9215 does; read either way.
//! - Public key: BIT STRING holding a DER OCTET STRING of `LE(x) || LE(y)`.
//! - Private key: `privateKey` OCTET STRING holding `LE(d)` directly (as the gost engine writes);
//!   also read wrapped in an inner OCTET STRING or as a DER INTEGER, as other tools write it.

use alloc::vec::Vec;

use der::asn1::{BitStringRef, ObjectIdentifier, OctetStringRef};
use der::{Any, AnyRef, Decode, Encode, Reader, Tag, Tagged};
use pkcs8::{EncodePrivateKey, PrivateKeyInfoRef, SecretDocument};
use spki::{
    AlgorithmIdentifier, AlgorithmIdentifierOwned, EncodePublicKey, SubjectPublicKeyInfo,
    SubjectPublicKeyInfoRef,
};
use zeroize::Zeroizing;

use crate::error::Error;
use crate::oid;
use crate::params::{Algorithm, ParamSet};
use crate::signing::SigningKey;
use crate::verifying::VerifyingKey;

/// The key algorithm identifier for `algorithm` on `params`.
pub fn algorithm_identifier(algorithm: Algorithm, params: ParamSet) -> AlgorithmIdentifierOwned {
    let mut oids: Vec<ObjectIdentifier> = alloc::vec![params.oid()];
    match algorithm {
        Algorithm::Gost2001 => oids.push(oid::GOST_R3411_94_CRYPTOPRO_PARAMSET),
        Algorithm::Gost2012_256 if params.allowed_for_2001() => oids.push(oid::STREEBOG_256),
        _ => {}
    }
    let der = oids.to_der().expect("a sequence of OIDs encodes");
    AlgorithmIdentifier {
        oid: algorithm.key_oid(),
        parameters: Some(Any::from_der(&der).expect("just encoded")),
    }
}

/// Reads the algorithm and parameter set from a key algorithm identifier.
pub fn parse_algorithm_identifier(
    alg: &AlgorithmIdentifier<AnyRef<'_>>,
) -> Result<(Algorithm, ParamSet), Error> {
    let algorithm = Algorithm::from_key_oid(&alg.oid)?;
    let params = alg
        .parameters
        .ok_or(Error::Encoding("GOST key parameters missing"))?;
    if params.tag() != Tag::Sequence {
        return Err(Error::Encoding("GOST key parameters are not a SEQUENCE"));
    }
    let param_oid = params
        .sequence(|reader| {
            let first: ObjectIdentifier = reader.decode()?;
            // The digest and (for 2001) cipher parameter OIDs are optional and not needed.
            while !reader.is_finished() {
                let _: ObjectIdentifier = reader.decode()?;
            }
            Ok::<_, der::Error>(first)
        })
        .map_err(|_| Error::Encoding("GOST key parameters are not a SEQUENCE of OIDs"))?;
    let params = ParamSet::from_oid(&param_oid)?;
    algorithm.check_params(params)?;
    Ok((algorithm, params))
}

impl VerifyingKey {
    /// Parses a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        Self::from_spki(&SubjectPublicKeyInfoRef::from_der(der)?)
    }

    /// Reads a parsed SubjectPublicKeyInfo.
    pub fn from_spki(spki: &SubjectPublicKeyInfoRef<'_>) -> Result<Self, Error> {
        let (algorithm, params) = parse_algorithm_identifier(&spki.algorithm)?;
        let bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or(Error::Encoding("public key BIT STRING has unused bits"))?;
        let octets = <&OctetStringRef>::from_der(bits)
            .map_err(|_| Error::Encoding("public key is not a DER OCTET STRING"))?;
        Self::from_le_bytes(algorithm, params, octets.as_bytes())
    }

    /// The key algorithm identifier.
    pub fn algorithm_identifier(&self) -> AlgorithmIdentifierOwned {
        algorithm_identifier(self.algorithm(), self.params())
    }

    /// The DER SubjectPublicKeyInfo.
    pub fn to_spki_der(&self) -> Vec<u8> {
        let key = self.to_le_bytes();
        let octets = OctetStringRef::new(&key)
            .expect("short")
            .to_der()
            .expect("encodes");
        let spki = SubjectPublicKeyInfo {
            algorithm: self.algorithm_identifier(),
            subject_public_key: BitStringRef::from_bytes(&octets).expect("whole bytes"),
        };
        spki.to_der().expect("SubjectPublicKeyInfo encodes")
    }
}

impl TryFrom<SubjectPublicKeyInfoRef<'_>> for VerifyingKey {
    type Error = spki::Error;

    fn try_from(spki: SubjectPublicKeyInfoRef<'_>) -> Result<Self, spki::Error> {
        Self::from_spki(&spki).map_err(|_| spki::Error::KeyMalformed)
    }
}

impl EncodePublicKey for VerifyingKey {
    fn to_public_key_der(&self) -> spki::Result<der::Document> {
        Ok(der::Document::try_from(self.to_spki_der())?)
    }
}

impl SigningKey {
    /// Parses an unencrypted DER PKCS#8 PrivateKeyInfo.
    pub fn from_pkcs8_der_bytes(der: &[u8]) -> Result<Self, Error> {
        Self::from_pkcs8(&PrivateKeyInfoRef::from_der(der)?)
    }

    /// Reads a parsed PKCS#8 PrivateKeyInfo.
    pub fn from_pkcs8(info: &PrivateKeyInfoRef<'_>) -> Result<Self, Error> {
        let (algorithm, params) = parse_algorithm_identifier(&info.algorithm)?;
        let size = params.size();
        let raw = info.private_key.as_bytes();
        if raw.len() == size {
            return Self::from_le_bytes(algorithm, params, raw);
        }
        match raw.first() {
            Some(0x04) => {
                let inner = <&OctetStringRef>::from_der(raw)
                    .map_err(|_| Error::Encoding("private key OCTET STRING"))?;
                Self::from_le_bytes(algorithm, params, inner.as_bytes())
            }
            Some(0x02) => {
                let int = der::asn1::UintRef::from_der(raw)
                    .map_err(|_| Error::Encoding("private key INTEGER"))?;
                let bytes = int.as_bytes();
                if bytes.len() > size {
                    return Err(Error::PrivateKeyLength {
                        expected: size,
                        actual: bytes.len(),
                    });
                }
                let mut be = Zeroizing::new(alloc::vec![0u8; size]);
                be[size - bytes.len()..].copy_from_slice(bytes);
                Self::from_bytes(algorithm, params, &be)
            }
            _ => Err(Error::PrivateKeyLength {
                expected: size,
                actual: raw.len(),
            }),
        }
    }

    /// The DER PKCS#8 PrivateKeyInfo (unencrypted), as the gost engine writes it.
    pub fn to_pkcs8_der_bytes(&self) -> Zeroizing<Vec<u8>> {
        let d = self.to_le_bytes();
        let info = pkcs8::PrivateKeyInfo::<Any, &OctetStringRef, BitStringRef<'_>>::new(
            self.verifying_key().algorithm_identifier(),
            OctetStringRef::new(&d).expect("short"),
        );
        Zeroizing::new(info.to_der().expect("PrivateKeyInfo encodes"))
    }
}

impl TryFrom<PrivateKeyInfoRef<'_>> for SigningKey {
    type Error = pkcs8::Error;

    fn try_from(info: PrivateKeyInfoRef<'_>) -> Result<Self, pkcs8::Error> {
        Self::from_pkcs8(&info).map_err(|_| pkcs8::Error::KeyMalformed(pkcs8::KeyError::Invalid))
    }
}

impl EncodePrivateKey for SigningKey {
    fn to_pkcs8_der(&self) -> pkcs8::Result<SecretDocument> {
        Ok(SecretDocument::try_from(
            self.to_pkcs8_der_bytes().as_slice(),
        )?)
    }
}
