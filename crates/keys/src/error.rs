//! Errors of key storage.

use core::fmt;

/// Why a key could not be stored or loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// The file is encrypted and no password was given.
    PasswordRequired,
    /// The password does not decrypt the key (or the file is damaged).
    WrongPassword,
    /// Not a PKCS#8 private key, plain or encrypted (the reason follows).
    Malformed(String),
    /// A PKCS#8 key, but not one Podpis can use (the reason follows).
    Unsupported(podpis_gost::Error),
    /// Encryption failed (randomness or encoding).
    Encryption(String),
    /// An algorithm or parameter set Podpis does not make or read (the message says which).
    UnknownAlgorithm(String),
    /// The operating system's random generator failed.
    Random(String),
    /// Signing failed (the reason follows).
    Signing(String),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PasswordRequired => f.write_str("the key is encrypted: a password is required"),
            Self::WrongPassword => f.write_str("wrong password (or a damaged key file)"),
            Self::Malformed(reason) => write!(f, "not a PKCS#8 private key: {reason}"),
            Self::Unsupported(e) => write!(f, "unsupported private key: {e}"),
            Self::Encryption(reason) => write!(f, "cannot encrypt the key: {reason}"),
            Self::UnknownAlgorithm(message) => f.write_str(message),
            Self::Random(reason) => write!(f, "no randomness: {reason}"),
            Self::Signing(reason) => write!(f, "signing failed: {reason}"),
        }
    }
}

impl std::error::Error for KeyError {}
