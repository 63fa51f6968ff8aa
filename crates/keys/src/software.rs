//! Keys held in memory: GOST R 34.10 (podpis-gost), ECDSA P-256, Ed25519 and RSA, generated here
//! or read from PKCS#8, and written back as PKCS#8 in the layouts OpenSSL writes.

use der::asn1::Null;
use der::{Any, Decode};
use p256::elliptic_curve::Generate;
use pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, PrivateKeyInfoRef};
use rand_core::UnwrapErr;
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, ObjectIdentifier, SubjectPublicKeyInfoOwned};
use zeroize::Zeroizing;

use crate::error::KeyError;
use crate::signer::Signer;
use crate::spec::KeySpec;

/// id-ecPublicKey (RFC 5480).
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// ecdsa-with-SHA256 (RFC 5758).
pub(crate) const ECDSA_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
/// id-Ed25519 (RFC 8410).
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// rsaEncryption (RFC 8017).
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// sha256WithRSAEncryption (RFC 8017).
pub(crate) const RSA_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

/// A private key in memory, of any algorithm Podpis signs with.
#[derive(Debug)]
pub enum SoftwareKey {
    /// GOST R 34.10-2001 or 34.10-2012.
    Gost(Box<podpis_gost::SigningKey>),
    /// ECDSA P-256 (RFC 6979 deterministic nonces).
    EcdsaP256(p256::ecdsa::SigningKey),
    /// Ed25519.
    Ed25519(Box<ed25519_dalek::SigningKey>),
    /// RSA, signing PKCS#1 v1.5 with SHA-256.
    Rsa(Box<rsa::RsaPrivateKey>),
}

impl SoftwareKey {
    /// A fresh key from the operating system's random generator.
    pub fn generate(spec: KeySpec) -> Result<Self, KeyError> {
        let mut rng = UnwrapErr(getrandom::SysRng);
        Ok(match spec {
            KeySpec::Gost { algorithm, params } => Self::Gost(Box::new(
                podpis_gost::SigningKey::generate(algorithm, params)
                    .map_err(KeyError::Unsupported)?,
            )),
            KeySpec::EcdsaP256 => Self::EcdsaP256(
                p256::ecdsa::SigningKey::try_generate_from_rng(&mut getrandom::SysRng)
                    .map_err(|e| KeyError::Random(e.to_string()))?,
            ),
            KeySpec::Ed25519 => {
                let mut seed = Zeroizing::new([0u8; 32]);
                getrandom::fill(seed.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
                Self::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(&seed)))
            }
            KeySpec::Rsa { bits } => Self::Rsa(Box::new(
                rsa::RsaPrivateKey::new(&mut rng, bits)
                    .map_err(|e| KeyError::Random(e.to_string()))?,
            )),
        })
    }

    /// What kind of key this is.
    pub fn spec(&self) -> KeySpec {
        match self {
            Self::Gost(key) => KeySpec::Gost {
                algorithm: key.algorithm(),
                params: key.params(),
            },
            Self::EcdsaP256(_) => KeySpec::EcdsaP256,
            Self::Ed25519(_) => KeySpec::Ed25519,
            Self::Rsa(key) => KeySpec::Rsa {
                bits: rsa::traits::PublicKeyParts::size(key.as_ref()) * 8,
            },
        }
    }

    /// The GOST key, for callers that need GOST specifically.
    pub fn as_gost(&self) -> Option<&podpis_gost::SigningKey> {
        match self {
            Self::Gost(key) => Some(key),
            _ => None,
        }
    }

    /// The key as PKCS#8 PrivateKeyInfo DER (the GOST layout is the gost engine's).
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let encoded = match self {
            Self::Gost(key) => return Ok(key.to_pkcs8_der_bytes()),
            Self::EcdsaP256(key) => key.to_pkcs8_der(),
            // Version 1 without the public key: OpenSSL 3.0 does not read the version 2 form.
            Self::Ed25519(key) => ed25519_dalek::pkcs8::KeypairBytes {
                secret_key: key.to_bytes(),
                public_key: None,
            }
            .to_pkcs8_der(),
            Self::Rsa(key) => key.to_pkcs8_der(),
        };
        encoded
            .map(|doc| Zeroizing::new(doc.as_bytes().to_vec()))
            .map_err(|e| KeyError::Malformed(e.to_string()))
    }

    /// Reads a PKCS#8 PrivateKeyInfo, choosing the algorithm by its OID.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let info =
            PrivateKeyInfoRef::from_der(der).map_err(|e| KeyError::Malformed(e.to_string()))?;
        let oid = info.algorithm.oid;
        let malformed = |e: pkcs8::Error| KeyError::Malformed(e.to_string());
        if podpis_gost::Algorithm::from_key_oid(&oid).is_ok() {
            return podpis_gost::SigningKey::from_pkcs8_der_bytes(der)
                .map(|key| Self::Gost(Box::new(key)))
                .map_err(KeyError::Unsupported);
        }
        match oid {
            EC_PUBLIC_KEY => p256::ecdsa::SigningKey::from_pkcs8_der(der)
                .map(Self::EcdsaP256)
                .map_err(|e| KeyError::UnknownAlgorithm(format!("an EC key not on P-256: {e}"))),
            ED25519 => ed25519_dalek::SigningKey::from_pkcs8_der(der)
                .map(|key| Self::Ed25519(Box::new(key)))
                .map_err(malformed),
            RSA_ENCRYPTION => {
                let key = rsa::RsaPrivateKey::from_pkcs8_der(der).map_err(malformed)?;
                let bits = rsa::traits::PublicKeyParts::size(&key) * 8;
                if bits < 2048 {
                    return Err(KeyError::UnknownAlgorithm(format!(
                        "an RSA key of {bits} bits: at least 2048 are required"
                    )));
                }
                Ok(Self::Rsa(Box::new(key)))
            }
            other => Err(KeyError::UnknownAlgorithm(format!(
                "unsupported private key algorithm {other}"
            ))),
        }
    }
}

impl Signer for SoftwareKey {
    fn public_key(&self) -> Result<SubjectPublicKeyInfoOwned, KeyError> {
        let encoded = match self {
            Self::Gost(key) => return key.as_ref().public_key(),
            Self::EcdsaP256(key) => key
                .verifying_key()
                .to_public_key_der()
                .map(der::Document::into_vec),
            Self::Ed25519(key) => key
                .verifying_key()
                .to_public_key_der()
                .map(der::Document::into_vec),
            Self::Rsa(key) => key
                .to_public_key()
                .to_public_key_der()
                .map(der::Document::into_vec),
        };
        let der = encoded.map_err(|e| KeyError::Malformed(e.to_string()))?;
        SubjectPublicKeyInfoOwned::from_der(&der).map_err(|e| KeyError::Malformed(e.to_string()))
    }

    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        let (oid, parameters) = match self {
            Self::Gost(key) => return key.as_ref().signature_algorithm(),
            Self::EcdsaP256(_) => (ECDSA_SHA256, None),
            Self::Ed25519(_) => (ED25519, None),
            // RFC 4055 §5: the parameters of the PKCS#1 v1.5 algorithms are NULL, not absent.
            Self::Rsa(_) => (RSA_SHA256, Some(Any::from(Null))),
        };
        AlgorithmIdentifierOwned { oid, parameters }
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let failed = |e: signature::Error| KeyError::Signing(e.to_string());
        match self {
            Self::Gost(key) => key.as_ref().sign(message),
            Self::EcdsaP256(key) => {
                let sig: p256::ecdsa::Signature =
                    signature::Signer::try_sign(key, message).map_err(failed)?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            Self::Ed25519(key) => {
                let sig = signature::Signer::try_sign(key.as_ref(), message).map_err(failed)?;
                Ok(sig.to_bytes().to_vec())
            }
            Self::Rsa(key) => {
                let digest = Sha256::digest(message);
                key.sign(rsa::Pkcs1v15Sign::new::<Sha256>(), &digest)
                    .map_err(|e| KeyError::Signing(e.to_string()))
            }
        }
    }
}

/// GOST keys sign as RFC 4491 / RFC 9215 have it: the digest of the algorithm (Streebog, or
/// GOST R 34.11-94 for 2001), the value `s || r`, the AlgorithmIdentifier without parameters.
impl Signer for podpis_gost::SigningKey {
    fn public_key(&self) -> Result<SubjectPublicKeyInfoOwned, KeyError> {
        SubjectPublicKeyInfoOwned::from_der(&self.verifying_key().to_spki_der())
            .map_err(|e| KeyError::Malformed(e.to_string()))
    }

    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: self.algorithm().signature_oid(),
            parameters: None,
        }
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let digest = podpis_gost::hash::digest(self.algorithm(), message);
        self.sign_digest_bytes(&digest)
            .map(|sig| sig.as_bytes().to_vec())
            .map_err(|e| KeyError::Signing(e.to_string()))
    }
}

impl From<podpis_gost::SigningKey> for SoftwareKey {
    fn from(key: podpis_gost::SigningKey) -> Self {
        Self::Gost(Box::new(key))
    }
}
