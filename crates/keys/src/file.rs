//! Private keys in PKCS#8 files: `PRIVATE KEY` (plain) and `ENCRYPTED PRIVATE KEY` (PBES2), PEM or
//! DER.

use der::Decode;
use der::pem::LineEnding;
use pkcs8::pkcs5::pbes2;
use pkcs8::{EncryptedPrivateKeyInfoRef, PrivateKeyInfoRef};
use zeroize::Zeroizing;

use crate::error::KeyError;
use crate::software::SoftwareKey;

/// PBKDF2 iterations that protect a key file (OWASP's figure for PBKDF2-HMAC-SHA-256).
pub const DEFAULT_ITERATIONS: u32 = 600_000;

/// `key` as an `ENCRYPTED PRIVATE KEY` PEM, encrypted under `password` with PBKDF2-HMAC-SHA-256
/// ([`DEFAULT_ITERATIONS`], random salt) and AES-256-CBC.
pub fn encrypt_pem(key: &SoftwareKey, password: &[u8]) -> Result<Zeroizing<String>, KeyError> {
    encrypt_pem_with(key, password, DEFAULT_ITERATIONS)
}

/// [`encrypt_pem`] with `iterations` of PBKDF2: fewer make each password guess cheaper, so
/// only a deployment that limits guesses otherwise (a cloud key locks after three wrong PINs)
/// or a test may choose them.
pub fn encrypt_pem_with(
    key: &SoftwareKey,
    password: &[u8],
    iterations: u32,
) -> Result<Zeroizing<String>, KeyError> {
    encrypt(key, password, iterations)?
        .to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF)
        .map_err(|e| KeyError::Encryption(e.to_string()))
}

/// `key` as a DER EncryptedPrivateKeyInfo under `password` (PBES2: PBKDF2-HMAC-SHA-256 with
/// `iterations` and a random salt, AES-256-CBC), for key files and PKCS#12 key bags alike.
pub(crate) fn encrypt(
    key: &SoftwareKey,
    password: &[u8],
    iterations: u32,
) -> Result<der::SecretDocument, KeyError> {
    let plain = key.to_pkcs8_der()?;
    let info =
        PrivateKeyInfoRef::from_der(&plain).map_err(|e| KeyError::Encryption(e.to_string()))?;
    let salt: [u8; 16] = crate::pkcs12::random()?;
    let params = pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(
        iterations,
        &salt,
        crate::pkcs12::random()?,
    )
    .map_err(|e| KeyError::Encryption(e.to_string()))?;
    info.encrypt_with_params(params, password)
        .map_err(|e| KeyError::Encryption(e.to_string()))
}

/// `key` as a plain `PRIVATE KEY` PEM (for keys that another layer protects).
pub fn plain_pem(key: &SoftwareKey) -> Result<Zeroizing<String>, KeyError> {
    let der = key.to_pkcs8_der()?;
    der::pem::encode_string("PRIVATE KEY", LineEnding::LF, &der)
        .map(Zeroizing::new)
        .map_err(|e| KeyError::Malformed(e.to_string()))
}

/// Loads a private key from PKCS#8 bytes (PEM or DER; plain or encrypted) or from a PKCS#12
/// file. An encrypted key or a PKCS#12 file needs `password`; a wrong one is
/// [`KeyError::WrongPassword`], and nothing is retried.
pub fn load(bytes: &[u8], password: Option<&[u8]>) -> Result<SoftwareKey, KeyError> {
    if bytes.first() == Some(&0x30) && crate::pkcs12::is_pkcs12(bytes) {
        let password = password.ok_or(KeyError::PasswordRequired)?;
        return crate::pkcs12::import(bytes, password).map(|contents| contents.key);
    }
    let (label, der) = match der::pem::decode_vec(trim(bytes)) {
        Ok((label, der)) => (label.to_string(), Zeroizing::new(der)),
        Err(_) if bytes.first() == Some(&0x30) => {
            (detect_label(bytes), Zeroizing::new(bytes.to_vec()))
        }
        Err(e) => return Err(KeyError::Malformed(e.to_string())),
    };
    let plain = match label.as_str() {
        "PRIVATE KEY" => der,
        "ENCRYPTED PRIVATE KEY" => {
            let password = password.ok_or(KeyError::PasswordRequired)?;
            let info = EncryptedPrivateKeyInfoRef::from_der(&der)
                .map_err(|e| KeyError::Malformed(e.to_string()))?;
            let doc = info
                .decrypt(password)
                .map_err(|_| KeyError::WrongPassword)?;
            Zeroizing::new(doc.as_bytes().to_vec())
        }
        other => {
            return Err(KeyError::Malformed(format!(
                "a {other} block is not a private key"
            )));
        }
    };
    SoftwareKey::from_pkcs8_der(&plain).map_err(|e| match e {
        KeyError::Malformed(_) | KeyError::Unsupported(podpis_gost::Error::Encoding(_))
            if label == "ENCRYPTED PRIVATE KEY" =>
        {
            KeyError::WrongPassword
        }
        other => other,
    })
}

/// Whether DER bytes are an EncryptedPrivateKeyInfo rather than a PrivateKeyInfo.
fn detect_label(der: &[u8]) -> String {
    if EncryptedPrivateKeyInfoRef::from_der(der).is_ok() {
        "ENCRYPTED PRIVATE KEY".into()
    } else {
        "PRIVATE KEY".into()
    }
}

/// The text without leading and trailing whitespace (strict PEM decoders refuse it).
fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}
