//! Keys on PKCS#11 tokens and HSMs (through `cryptoki`): found by an RFC 7512 URI
//! (`pkcs11:token=LABEL;object=KEY`), unlocked by a PIN that is tried once and never again behind
//! the user's back, generated on the token, and signing through [`Signer`]. ECDSA P-256 and RSA
//! use the standard mechanisms; GOST R 34.10-2012 needs a token that offers CKM_GOSTR3410.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use der::Decode;
use pkcs8::EncodePublicKey;
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use zeroize::Zeroizing;

use crate::error::KeyError;
use crate::signer::Signer;
use crate::spec::KeySpec;

/// CKM_GOSTR3410: what a token that signs GOST R 34.10 offers.
const CKM_GOSTR3410: core::ffi::c_ulong = 0x1201;
/// The DER of the P-256 curve OID, as CKA_EC_PARAMS carries it.
const P256_PARAMS: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// Where a key lives: the token's label and the key's label (RFC 7512 `token` and `object`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenUri {
    /// The token's label.
    pub token: String,
    /// The key's label (CKA_LABEL).
    pub object: String,
}

impl FromStr for TokenUri {
    type Err = KeyError;

    /// Reads `pkcs11:token=…;object=…` (percent-encoding allowed; other attributes ignored).
    fn from_str(s: &str) -> Result<Self, KeyError> {
        let bad = |why: &str| KeyError::Token(format!("{s:?} is not a PKCS#11 key URI: {why}"));
        let path = s
            .strip_prefix("pkcs11:")
            .ok_or_else(|| bad("no pkcs11: prefix"))?;
        let path = path.split('?').next().unwrap_or_default();
        let (mut token, mut object) = (None, None);
        for part in path.split(';') {
            match part.split_once('=') {
                Some(("token", v)) => {
                    token = Some(percent_decode(v).ok_or_else(|| bad("bad %-escape"))?)
                }
                Some(("object", v)) => {
                    object = Some(percent_decode(v).ok_or_else(|| bad("bad %-escape"))?)
                }
                _ => {}
            }
        }
        Ok(Self {
            token: token.ok_or_else(|| bad("token= is missing"))?,
            object: object.ok_or_else(|| bad("object= is missing"))?,
        })
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// One initialised context per module for the whole process (C_Initialize may run only once).
fn context(module: &Path) -> Result<Pkcs11, KeyError> {
    static CONTEXTS: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    let mut contexts = CONTEXTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(ctx) = contexts.get(module) {
        return Ok(ctx.clone());
    }
    let ctx = Pkcs11::new(module).map_err(|e| {
        KeyError::Token(format!(
            "cannot load the PKCS#11 module {}: {e}",
            module.display()
        ))
    })?;
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(token_error(e)),
    }
    contexts.insert(module.to_path_buf(), ctx.clone());
    Ok(ctx)
}

fn token_error(e: CkError) -> KeyError {
    match e {
        CkError::Pkcs11(RvError::PinIncorrect, _) => KeyError::WrongPin,
        CkError::Pkcs11(RvError::PinLocked, _) => KeyError::PinLocked,
        other => KeyError::Token(other.to_string()),
    }
}

/// The slot holding the token labelled `label`.
fn find_token(ctx: &Pkcs11, label: &str) -> Result<Slot, KeyError> {
    for slot in ctx.get_slots_with_token().map_err(token_error)? {
        if ctx
            .get_token_info(slot)
            .map_err(token_error)?
            .label()
            .trim_end()
            == label
        {
            return Ok(slot);
        }
    }
    Err(KeyError::Token(format!(
        "no token labelled {label:?} is present"
    )))
}

/// Whether the token labelled `label` offers GOST R 34.10 signatures (CKM_GOSTR3410).
pub fn offers_gost(module: &Path, label: &str) -> Result<bool, KeyError> {
    let ctx = context(module)?;
    let slot = find_token(&ctx, label)?;
    Ok(ctx
        .get_mechanism_list(slot)
        .map_err(token_error)?
        .iter()
        .any(|m| **m == CKM_GOSTR3410))
}

/// Opens a read-write session on the token and logs in with `pin`: one attempt only. The PIN is
/// checked every time: if this process is still logged in to the token (PKCS#11 logs in per
/// application, not per session), that login is ended first, which logs out the process's other
/// sessions on the token too.
fn login(module: &Path, label: &str, pin: &[u8]) -> Result<Session, KeyError> {
    let ctx = context(module)?;
    let slot = find_token(&ctx, label)?;
    let session = ctx.open_rw_session(slot).map_err(token_error)?;
    let pin =
        core::str::from_utf8(pin).map_err(|_| KeyError::Token("the PIN must be text".into()))?;
    let pin = AuthPin::new(pin.into());
    match session.login(UserType::User, Some(&pin)) {
        Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {
            session.logout().map_err(token_error)?;
            session
                .login(UserType::User, Some(&pin))
                .map_err(token_error)?;
        }
        other => other.map_err(token_error)?,
    }
    Ok(session)
}

/// Changes the user PIN of the token labelled `label` from `old_pin` to `new_pin` (PKCS#11
/// `C_SetPIN`, in a session logged in with the old PIN). A wrong old PIN is
/// [`KeyError::WrongPin`] and counts against the token's own retry limit.
pub fn change_pin(
    module: &Path,
    label: &str,
    old_pin: &[u8],
    new_pin: &[u8],
) -> Result<(), KeyError> {
    let session = login(module, label, old_pin)?;
    let text = |pin: &[u8]| -> Result<AuthPin, KeyError> {
        core::str::from_utf8(pin)
            .map(|p| AuthPin::new(p.into()))
            .map_err(|_| KeyError::Token("the PIN must be text".into()))
    };
    let result = session
        .set_pin(&text(old_pin)?, &text(new_pin)?)
        .map_err(token_error);
    // Whatever happened, this process's login ends with the session.
    let _ = session.logout();
    result
}

/// Which mechanism a token key signs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    EcdsaP256,
    Rsa,
}

/// A private key on a token, logged in and ready to sign.
pub struct TokenKey {
    session: Mutex<Session>,
    private: ObjectHandle,
    kind: Kind,
    public: SubjectPublicKeyInfoOwned,
}

impl core::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TokenKey")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl TokenKey {
    /// Opens the key `uri` names, logging in with `pin` (a wrong PIN is
    /// [`KeyError::WrongPin`], and it is not tried again).
    pub fn open(module: &Path, uri: &TokenUri, pin: &[u8]) -> Result<Self, KeyError> {
        let session = login(module, &uri.token, pin)?;
        let find = |class: ObjectClass| -> Result<Option<ObjectHandle>, KeyError> {
            let found = session
                .find_objects(&[
                    Attribute::Class(class),
                    Attribute::Label(uri.object.as_bytes().to_vec()),
                ])
                .map_err(token_error)?;
            match found.as_slice() {
                [] => Ok(None),
                [one] => Ok(Some(*one)),
                _ => Err(KeyError::Token(format!(
                    "more than one key labelled {:?} on the token",
                    uri.object
                ))),
            }
        };
        let private = find(ObjectClass::PRIVATE_KEY)?.ok_or_else(|| {
            KeyError::Token(format!(
                "no private key labelled {:?} on the token",
                uri.object
            ))
        })?;
        let public = find(ObjectClass::PUBLIC_KEY)?.ok_or_else(|| {
            KeyError::Token(format!(
                "no public key labelled {:?} on the token",
                uri.object
            ))
        })?;
        let (kind, spki) = public_key(&session, public)?;
        Ok(Self {
            session: Mutex::new(session),
            private,
            kind,
            public: spki,
        })
    }

    /// Generates a key pair of `spec` on the token (ECDSA P-256 or RSA), labelled as `uri`
    /// says, the private half never leaving it.
    pub fn generate(
        module: &Path,
        uri: &TokenUri,
        pin: &[u8],
        spec: KeySpec,
    ) -> Result<Self, KeyError> {
        let session = login(module, &uri.token, pin)?;
        let exists = session
            .find_objects(&[Attribute::Label(uri.object.as_bytes().to_vec())])
            .map_err(token_error)?;
        if !exists.is_empty() {
            return Err(KeyError::Token(format!(
                "the token already holds an object labelled {:?}",
                uri.object
            )));
        }
        let label = Attribute::Label(uri.object.as_bytes().to_vec());
        let id = Attribute::Id(Sha256::digest(uri.object.as_bytes())[..8].to_vec());
        let (mechanism, mut public_template) = match spec {
            KeySpec::EcdsaP256 => (
                Mechanism::EccKeyPairGen,
                vec![Attribute::EcParams(P256_PARAMS.to_vec())],
            ),
            KeySpec::Rsa { bits } => (
                Mechanism::RsaPkcsKeyPairGen,
                vec![
                    Attribute::ModulusBits((bits as u64).into()),
                    Attribute::PublicExponent(vec![1, 0, 1]),
                ],
            ),
            other => {
                return Err(KeyError::UnknownAlgorithm(format!(
                    "generating {other} keys on a PKCS#11 token (ECDSA P-256 and RSA are supported)"
                )));
            }
        };
        public_template.extend([
            Attribute::Token(true),
            Attribute::Verify(true),
            label.clone(),
            id.clone(),
        ]);
        let private_template = [
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            label,
            id,
        ];
        session
            .generate_key_pair(&mechanism, &public_template, &private_template)
            .map_err(token_error)?;
        drop(session);
        Self::open(module, uri, pin)
    }
}

/// The key's kind and SubjectPublicKeyInfo, read from the public key object.
fn public_key(
    session: &Session,
    handle: ObjectHandle,
) -> Result<(Kind, SubjectPublicKeyInfoOwned), KeyError> {
    let attrs = session
        .get_attributes(handle, &[AttributeType::KeyType])
        .map_err(token_error)?;
    let key_type = attrs.iter().find_map(|a| match a {
        Attribute::KeyType(t) => Some(*t),
        _ => None,
    });
    let malformed =
        |e: &dyn core::fmt::Display| KeyError::Token(format!("the token's public key: {e}"));
    let (kind, der) = match key_type {
        Some(KeyType::EC) => {
            let attrs = session
                .get_attributes(handle, &[AttributeType::EcParams, AttributeType::EcPoint])
                .map_err(token_error)?;
            let (mut params, mut point) = (None, None);
            for a in attrs {
                match a {
                    Attribute::EcParams(p) => params = Some(p),
                    Attribute::EcPoint(p) => point = Some(p),
                    _ => {}
                }
            }
            if params.as_deref() != Some(&P256_PARAMS[..]) {
                return Err(KeyError::UnknownAlgorithm(
                    "an EC key on the token that is not on P-256".into(),
                ));
            }
            // CKA_EC_POINT is the SEC1 point wrapped in a DER OCTET STRING.
            let point = point.ok_or_else(|| malformed(&"no CKA_EC_POINT"))?;
            let sec1 = der::asn1::OctetString::from_der(&point)
                .map(|o| o.into_bytes().into_vec())
                .unwrap_or(point);
            let key =
                p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).map_err(|e| malformed(&e))?;
            (
                Kind::EcdsaP256,
                key.to_public_key_der().map_err(|e| malformed(&e))?,
            )
        }
        Some(KeyType::RSA) => {
            let attrs = session
                .get_attributes(
                    handle,
                    &[AttributeType::Modulus, AttributeType::PublicExponent],
                )
                .map_err(token_error)?;
            let (mut n, mut e) = (None, None);
            for a in attrs {
                match a {
                    Attribute::Modulus(v) => n = Some(v),
                    Attribute::PublicExponent(v) => e = Some(v),
                    _ => {}
                }
            }
            let (n, e) = n
                .zip(e)
                .ok_or_else(|| malformed(&"no modulus or exponent"))?;
            let key = rsa::RsaPublicKey::new(
                rsa::BoxedUint::from_be_slice_vartime(&n),
                rsa::BoxedUint::from_be_slice_vartime(&e),
            )
            .map_err(|e| malformed(&e))?;
            (
                Kind::Rsa,
                key.to_public_key_der().map_err(|e| malformed(&e))?,
            )
        }
        other => {
            return Err(KeyError::UnknownAlgorithm(format!(
                "a token key of type {other:?} (ECDSA P-256 and RSA are supported)"
            )));
        }
    };
    let spki = SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).map_err(|e| malformed(&e))?;
    Ok((kind, spki))
}

impl Signer for TokenKey {
    fn public_key(&self) -> Result<SubjectPublicKeyInfoOwned, KeyError> {
        Ok(self.public.clone())
    }

    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        use crate::software::{ECDSA_SHA256, RSA_SHA256};
        match self.kind {
            Kind::EcdsaP256 => AlgorithmIdentifierOwned {
                oid: ECDSA_SHA256,
                parameters: None,
            },
            Kind::Rsa => AlgorithmIdentifierOwned {
                oid: RSA_SHA256,
                parameters: Some(der::Any::from(der::asn1::Null)),
            },
        }
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let session = self.session.lock().unwrap_or_else(|e| e.into_inner());
        match self.kind {
            Kind::EcdsaP256 => {
                let digest = Zeroizing::new(Sha256::digest(message).to_vec());
                let raw = session
                    .sign(&Mechanism::Ecdsa, self.private, &digest)
                    .map_err(token_error)?;
                // The token gives r || s; certificates and CMS carry a DER Ecdsa-Sig-Value.
                let sig = p256::ecdsa::Signature::from_slice(&raw)
                    .map_err(|e| KeyError::Signing(format!("the token's ECDSA signature: {e}")))?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            Kind::Rsa => session
                .sign(&Mechanism::Sha256RsaPkcs, self.private, message)
                .map_err(token_error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_parse() {
        let uri: TokenUri =
            "pkcs11:token=Podpis%20test;object=%D0%BA%D0%BB%D1%8E%D1%87;type=private"
                .parse()
                .unwrap();
        assert_eq!(uri.token, "Podpis test");
        assert_eq!(uri.object, "ключ");
        for bad in [
            "token=a;object=b",
            "pkcs11:token=a",
            "pkcs11:object=b",
            "pkcs11:token=%zz;object=b",
        ] {
            assert!(
                matches!(bad.parse::<TokenUri>(), Err(KeyError::Token(_))),
                "{bad}"
            );
        }
    }
}
