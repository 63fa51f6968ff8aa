//! Public keys of certificates and requests, and the signatures they verify: GOST R 34.10
//! (podpis-gost), ECDSA P-256 (`p256`), Ed25519 (`ed25519-dalek`) and RSA PKCS#1 v1.5 (`rsa`),
//! chosen by the OIDs of the SubjectPublicKeyInfo and of the signature algorithm.

use const_oid::ObjectIdentifier;
use der::Encode;
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256, Sha384, Sha512};
use signature::hazmat::PrehashVerifier;
use spki::SubjectPublicKeyInfoOwned;

use crate::error::Error;
use crate::oid::{
    self, EC_PUBLIC_KEY, ECDSA_SHA256, ECDSA_SHA384, ECDSA_SHA512, ED25519, PRIME256V1,
    RSA_ENCRYPTION, RSA_SHA256, RSA_SHA384, RSA_SHA512,
};

/// A public key Podpis can verify signatures with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    /// GOST R 34.10-2001 or 34.10-2012 (256 or 512 bits).
    Gost(Box<podpis_gost::VerifyingKey>),
    /// ECDSA on NIST P-256.
    EcdsaP256(p256::ecdsa::VerifyingKey),
    /// Ed25519.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// RSA (PKCS#1 v1.5 signatures).
    Rsa(rsa::RsaPublicKey),
}

impl PublicKey {
    /// Reads a SubjectPublicKeyInfo.
    pub fn from_spki(spki: &SubjectPublicKeyInfoOwned) -> Result<Self, Error> {
        let bits = || {
            spki.subject_public_key
                .as_bytes()
                .ok_or_else(|| Error::PublicKey("the key BIT STRING has unused bits".into()))
        };
        let algorithm = spki.algorithm.oid;
        if podpis_gost::Algorithm::from_key_oid(&algorithm).is_ok() {
            let der = spki.to_der().map_err(|e| Error::PublicKey(e.to_string()))?;
            return podpis_gost::VerifyingKey::from_spki_der(&der)
                .map(|key| Self::Gost(Box::new(key)))
                .map_err(|e| Error::PublicKey(e.to_string()));
        }
        match algorithm {
            EC_PUBLIC_KEY => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
                if curve != Some(PRIME256V1) {
                    return Err(Error::UnsupportedAlgorithm(format!(
                        "EC key on curve {}",
                        curve.map_or("(none)".into(), |c| c.to_string())
                    )));
                }
                p256::ecdsa::VerifyingKey::from_sec1_bytes(bits()?)
                    .map(Self::EcdsaP256)
                    .map_err(|e| Error::PublicKey(format!("P-256 point: {e}")))
            }
            ED25519 => {
                let bytes: &[u8; 32] = bits()?
                    .try_into()
                    .map_err(|_| Error::PublicKey("an Ed25519 key is 32 bytes".into()))?;
                ed25519_dalek::VerifyingKey::from_bytes(bytes)
                    .map(Self::Ed25519)
                    .map_err(|e| Error::PublicKey(format!("Ed25519 point: {e}")))
            }
            RSA_ENCRYPTION => {
                use rsa::pkcs1::DecodeRsaPublicKey;
                let key = rsa::RsaPublicKey::from_pkcs1_der(bits()?)
                    .map_err(|e| Error::PublicKey(format!("RSA key: {e}")))?;
                if key.size() < 256 {
                    return Err(Error::PublicKey(format!(
                        "RSA key of {} bits: at least 2048 are required",
                        key.size() * 8
                    )));
                }
                Ok(Self::Rsa(key))
            }
            other => Err(Error::UnsupportedAlgorithm(format!(
                "public key algorithm {other}"
            ))),
        }
    }

    /// A short name of the key's algorithm.
    pub fn algorithm_name(&self) -> String {
        match self {
            Self::Gost(key) => oid::algorithm_name(&key.algorithm().key_oid())
                .unwrap_or("GOST")
                .into(),
            Self::EcdsaP256(_) => "ECDSA P-256".into(),
            Self::Ed25519(_) => "Ed25519".into(),
            Self::Rsa(key) => format!("RSA-{}", key.size() * 8),
        }
    }

    /// Checks that this key made `signature` with algorithm `sig_oid` over `message`.
    pub fn verify(
        &self,
        sig_oid: ObjectIdentifier,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        if let (Self::Ed25519(key), ED25519) = (self, sig_oid) {
            let sig = ed25519_dalek::Signature::from_slice(signature).map_err(bad)?;
            return key.verify_strict(message, &sig).map_err(bad);
        }
        // An algorithm with no digest here is refused by verify_digest with the reason (a key
        // of another algorithm, or an unsupported one).
        let digest = digest_for(sig_oid, message).unwrap_or_default();
        self.verify_digest(sig_oid, &digest, signature)
    }

    /// Checks that this key made `signature` with algorithm `sig_oid` over a message whose
    /// digest (by that algorithm's hash) is `digest`: how CMS signatures without signed
    /// attributes are checked against a document hashed as a stream. Ed25519 signs messages,
    /// not digests, so it cannot be checked this way.
    pub fn verify_digest(
        &self,
        sig_oid: ObjectIdentifier,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        match (self, sig_oid) {
            (Self::Gost(key), _) => crate::signed::verify_gost(sig_oid, key, digest, signature),
            (Self::EcdsaP256(key), ECDSA_SHA256 | ECDSA_SHA384 | ECDSA_SHA512) => {
                let sig = p256::ecdsa::DerSignature::from_bytes(signature).map_err(bad)?;
                key.verify_prehash(digest, &sig).map_err(bad)
            }
            (Self::Ed25519(_), ED25519) => Err(Error::UnsupportedAlgorithm(
                "Ed25519 over a digest (it signs the message itself)".into(),
            )),
            (Self::Rsa(key), RSA_SHA256) => rsa_verify::<Sha256>(key, digest, signature),
            (Self::Rsa(key), RSA_SHA384) => rsa_verify::<Sha384>(key, digest, signature),
            (Self::Rsa(key), RSA_SHA512) => rsa_verify::<Sha512>(key, digest, signature),
            (_, ECDSA_SHA256 | ECDSA_SHA384 | ECDSA_SHA512 | ED25519)
            | (_, RSA_SHA256 | RSA_SHA384 | RSA_SHA512) => Err(Error::KeyAlgorithmMismatch {
                signature: oid::algorithm_name(&sig_oid)
                    .map_or_else(|| sig_oid.to_string(), String::from),
                key: self.algorithm_name(),
            }),
            (_, other) => Err(Error::UnsupportedAlgorithm(format!(
                "signature algorithm {other}"
            ))),
        }
    }
}

fn bad(e: signature::Error) -> Error {
    Error::BadSignature(e.to_string())
}

/// The digest of `message` that signature algorithm `sig_oid` signs, if it signs a digest.
fn digest_for(sig_oid: ObjectIdentifier, message: &[u8]) -> Option<Vec<u8>> {
    if let Ok(gost) = podpis_gost::Algorithm::from_signature_oid(&sig_oid) {
        return Some(podpis_gost::hash::digest(gost, message));
    }
    Some(match sig_oid {
        ECDSA_SHA256 | RSA_SHA256 => Sha256::digest(message).to_vec(),
        ECDSA_SHA384 | RSA_SHA384 => Sha384::digest(message).to_vec(),
        ECDSA_SHA512 | RSA_SHA512 => Sha512::digest(message).to_vec(),
        _ => return None,
    })
}

fn rsa_verify<D>(key: &rsa::RsaPublicKey, digest: &[u8], signature: &[u8]) -> Result<(), Error>
where
    D: Digest + const_oid::AssociatedOid,
{
    let sig = rsa::pkcs1v15::Signature::try_from(signature).map_err(bad)?;
    rsa::pkcs1v15::VerifyingKey::<D>::new(key.clone())
        .verify_prehash(digest, &sig)
        .map_err(bad)
}
