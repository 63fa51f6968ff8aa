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
    /// The token refused the PIN (it is not tried again).
    WrongPin,
    /// The token's PIN is locked after too many wrong tries.
    PinLocked,
    /// A PKCS#11 module, token or key problem (the reason follows).
    Token(String),
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
            Self::WrongPin => {
                f.write_str("wrong PIN (the token counts failed tries; it was not retried)")
            }
            Self::PinLocked => f.write_str("the token's PIN is locked: unlock it with the SO PIN"),
            Self::Token(reason) => write!(f, "PKCS#11: {reason}"),
        }
    }
}

impl std::error::Error for KeyError {}
