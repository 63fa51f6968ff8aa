//! The one interface every key backend signs through: software keys, PKCS#12 files and PKCS#11
//! tokens look the same to the certificate, CRL, OCSP and CMS code above.

use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::error::KeyError;

/// A private key that signs, wherever it lives.
pub trait Signer {
    /// The public key, as a SubjectPublicKeyInfo.
    fn public_key(&self) -> Result<SubjectPublicKeyInfoOwned, KeyError>;

    /// The signature algorithm this key signs with (as certificates and CMS name it).
    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned;

    /// Signs `message` (the digest is taken by the backend as the algorithm prescribes), giving
    /// the signature value as X.509 and CMS carry it: GOST `s || r`, ECDSA as a DER
    /// `Ecdsa-Sig-Value`, Ed25519's 64 bytes, an RSA PKCS#1 v1.5 block.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError>;
}
