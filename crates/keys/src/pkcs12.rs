//! PKCS#12 files (RFC 7292): a private key with its certificate and chain under one password,
//! written the way OpenSSL 3 writes them by default (the key in a PBES2 / AES-256-CBC shrouded
//! bag, an HMAC-SHA-256 integrity MAC keyed by the PKCS#12 KDF) and read back from OpenSSL's,
//! whose certificates sit in a PBES2-encrypted bag. The legacy 3DES/RC2 encryption of older
//! files is refused with a message saying so.

use der::asn1::{Any, BmpString, OctetString, SetOfVec};
use der::{Decode, Encode, Sequence};
use hmac::{Hmac, KeyInit, Mac};
use pkcs5::EncryptionScheme;

use pkcs8::EncryptedPrivateKeyInfoRef;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, ObjectIdentifier};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::KeyError;
use crate::software::SoftwareKey;

const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const KEY_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.1");
const SHROUDED_KEY_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.2");
const CERT_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.3");
const X509_CERTIFICATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.22.1");
const FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");
const SHA1_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const SHA256_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

/// The MAC's KDF iterations, as OpenSSL 3 writes by default.
const MAC_ITERATIONS: u32 = 2048;

#[derive(Clone, Debug, Sequence)]
struct Pfx {
    version: u8,
    auth_safe: ContentInfo,
    mac_data: Option<MacData>,
}

#[derive(Clone, Debug, Sequence)]
struct ContentInfo {
    content_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    content: Option<Any>,
}

#[derive(Clone, Debug, Sequence)]
struct MacData {
    mac: DigestInfo,
    mac_salt: OctetString,
    #[asn1(default = "one")]
    iterations: u32,
}

fn one() -> u32 {
    1
}

#[derive(Clone, Debug, Sequence)]
struct DigestInfo {
    digest_algorithm: AlgorithmIdentifierOwned,
    digest: OctetString,
}

#[derive(Clone, Debug, Sequence)]
struct SafeBag {
    bag_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    bag_value: Any,
    bag_attributes: Option<SetOfVec<Attribute>>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Sequence)]
struct Attribute {
    oid: ObjectIdentifier,
    values: SetOfVec<Any>,
}

impl der::DerOrd for Attribute {
    fn der_cmp(&self, other: &Self) -> der::Result<core::cmp::Ordering> {
        Ok(self.to_der()?.cmp(&other.to_der()?))
    }
}

#[derive(Clone, Debug, Sequence)]
struct CertBag {
    cert_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    cert_value: OctetString,
}

#[derive(Clone, Debug, Sequence)]
struct EncryptedData {
    version: u8,
    encrypted_content_info: EncryptedContentInfo,
}

#[derive(Clone, Debug, Sequence)]
struct EncryptedContentInfo {
    content_type: ObjectIdentifier,
    content_encryption_algorithm: AlgorithmIdentifierOwned,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    encrypted_content: Option<OctetString>,
}

/// What a PKCS#12 file holds.
#[derive(Debug)]
pub struct Contents {
    /// The private key.
    pub key: SoftwareKey,
    /// The certificates (DER): the key's own first when the file marks it (localKeyId), then
    /// the others in file order.
    pub certificates: Vec<Vec<u8>>,
    /// The key's friendlyName, if it has one.
    pub name: Option<String>,
}

fn malformed(what: &str) -> impl Fn(der::Error) -> KeyError + '_ {
    move |e| KeyError::Malformed(format!("PKCS#12 {what}: {e}"))
}

fn encode_err(e: der::Error) -> KeyError {
    KeyError::Encryption(e.to_string())
}

/// `password` as the PKCS#12 KDF takes it: UTF-16 big-endian with two zero bytes at the end.
fn bmp_password(password: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let text = core::str::from_utf8(password)
        .map_err(|_| KeyError::Encryption("a PKCS#12 password must be UTF-8 text".into()))?;
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() * 2 + 2));
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out.extend_from_slice(&[0, 0]);
    Ok(out)
}

/// The PKCS#12 key derivation (RFC 7292 Appendix B.2) with hash `D` of block size 64 bytes,
/// for purpose `id` (3: the MAC key), `n` bytes long.
fn kdf<D: Digest>(password: &[u8], salt: &[u8], iterations: u32, id: u8, n: usize) -> Vec<u8> {
    const V: usize = 64;
    let stretch = |s: &[u8]| -> Vec<u8> {
        if s.is_empty() {
            return Vec::new();
        }
        let len = V * s.len().div_ceil(V);
        s.iter().copied().cycle().take(len).collect()
    };
    let mut i = stretch(salt);
    i.extend_from_slice(&stretch(password));
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let mut a = D::new().chain_update([id; V]).chain_update(&i).finalize();
        for _ in 1..iterations.max(1) {
            a = D::digest(&a);
        }
        out.extend_from_slice(&a);
        if out.len() >= n {
            break;
        }
        let b: Vec<u8> = a.iter().copied().cycle().take(V).collect();
        for block in i.chunks_mut(V) {
            // block = (block + b + 1) mod 2^(8V), big-endian.
            let mut carry = 1u16;
            for (x, y) in block.iter_mut().rev().zip(b.iter().rev()) {
                let sum = *x as u16 + *y as u16 + carry;
                *x = sum as u8;
                carry = sum >> 8;
            }
        }
    }
    out.truncate(n);
    out
}

/// The integrity MAC over `data` with the given hash.
fn mac(
    hash: ObjectIdentifier,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    data: &[u8],
) -> Result<Vec<u8>, KeyError> {
    let bmp = bmp_password(password)?;
    Ok(match hash {
        SHA256_OID => {
            let key = Zeroizing::new(kdf::<Sha256>(&bmp, salt, iterations, 3, 32));
            let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("any key length");
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }
        SHA1_OID => {
            let key = Zeroizing::new(kdf::<Sha1>(&bmp, salt, iterations, 3, 20));
            let mut m = <Hmac<Sha1> as KeyInit>::new_from_slice(&key).expect("any key length");
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }
        other => {
            return Err(KeyError::UnknownAlgorithm(format!(
                "PKCS#12 MAC with hash {other} (SHA-256 and SHA-1 are supported)"
            )));
        }
    })
}

/// `N` bytes from the system's CSPRNG.
pub(crate) fn random<const N: usize>() -> Result<[u8; N], KeyError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(out)
}

fn attributes(local_key_id: &[u8], name: Option<&str>) -> Result<SetOfVec<Attribute>, KeyError> {
    let mut set = SetOfVec::new();
    let id = Any::encode_from(&OctetString::new(local_key_id).map_err(encode_err)?)
        .map_err(encode_err)?;
    set.insert(Attribute {
        oid: LOCAL_KEY_ID,
        values: SetOfVec::try_from(vec![id]).map_err(encode_err)?,
    })
    .map_err(encode_err)?;
    if let Some(name) = name {
        let bmp = BmpString::from_utf8(name).map_err(encode_err)?;
        set.insert(Attribute {
            oid: FRIENDLY_NAME,
            values: SetOfVec::try_from(vec![Any::encode_from(&bmp).map_err(encode_err)?])
                .map_err(encode_err)?,
        })
        .map_err(encode_err)?;
    }
    Ok(set)
}

/// A `data` ContentInfo holding `bags`.
fn data_content(bags: Vec<SafeBag>) -> Result<ContentInfo, KeyError> {
    let octets = OctetString::new(bags.to_der().map_err(encode_err)?).map_err(encode_err)?;
    Ok(ContentInfo {
        content_type: DATA,
        content: Some(Any::encode_from(&octets).map_err(encode_err)?),
    })
}

/// Writes `key` with its `certificate` and the `chain` above it (all DER) as a PKCS#12 file
/// (DER) protected by `password`, the key's bags named `name`.
pub fn export(
    key: &SoftwareKey,
    certificate: &[u8],
    chain: &[Vec<u8>],
    password: &[u8],
    name: Option<&str>,
) -> Result<Vec<u8>, KeyError> {
    let local_key_id = Sha1::digest(certificate).to_vec();
    let shrouded = crate::file::encrypt(key, password, crate::file::DEFAULT_ITERATIONS)?;
    let key_bag = SafeBag {
        bag_id: SHROUDED_KEY_BAG,
        bag_value: Any::from_der(shrouded.as_bytes()).map_err(encode_err)?,
        bag_attributes: Some(attributes(&local_key_id, name)?),
    };
    let mut cert_bags = Vec::with_capacity(1 + chain.len());
    for (i, der) in core::iter::once(certificate)
        .chain(chain.iter().map(Vec::as_slice))
        .enumerate()
    {
        let bag = CertBag {
            cert_id: X509_CERTIFICATE,
            cert_value: OctetString::new(der).map_err(encode_err)?,
        };
        cert_bags.push(SafeBag {
            bag_id: CERT_BAG,
            bag_value: Any::encode_from(&bag).map_err(encode_err)?,
            bag_attributes: if i == 0 {
                Some(attributes(&local_key_id, name)?)
            } else {
                None
            },
        });
    }
    let auth_safe = vec![data_content(cert_bags)?, data_content(vec![key_bag])?];
    let auth_safe_der = auth_safe.to_der().map_err(encode_err)?;
    let salt = random::<8>()?;
    let digest = mac(SHA256_OID, password, &salt, MAC_ITERATIONS, &auth_safe_der)?;
    let pfx = Pfx {
        version: 3,
        auth_safe: ContentInfo {
            content_type: DATA,
            content: Some(
                Any::encode_from(&OctetString::new(auth_safe_der).map_err(encode_err)?)
                    .map_err(encode_err)?,
            ),
        },
        mac_data: Some(MacData {
            mac: DigestInfo {
                digest_algorithm: AlgorithmIdentifierOwned {
                    oid: SHA256_OID,
                    parameters: Some(Any::from(der::asn1::Null)),
                },
                digest: OctetString::new(digest).map_err(encode_err)?,
            },
            mac_salt: OctetString::new(salt.to_vec()).map_err(encode_err)?,
            iterations: MAC_ITERATIONS,
        }),
    };
    pfx.to_der().map_err(encode_err)
}

/// The octets of a `data` ContentInfo.
fn data_octets(info: &ContentInfo) -> Result<Vec<u8>, KeyError> {
    let content = info
        .content
        .as_ref()
        .ok_or_else(|| KeyError::Malformed("PKCS#12 content is empty".into()))?;
    Ok(content
        .decode_as::<OctetString>()
        .map_err(malformed("data content"))?
        .into_bytes()
        .into_vec())
}

/// Reads a PKCS#12 file (DER) with `password`: the integrity MAC is checked first, so a wrong
/// password is [`KeyError::WrongPassword`] before anything is decrypted.
pub fn import(der: &[u8], password: &[u8]) -> Result<Contents, KeyError> {
    import_pfx(Pfx::from_der(der).map_err(malformed("file"))?, password)
}

/// Whether `der` is a PKCS#12 file (a PFX) rather than some other DER structure.
pub(crate) fn is_pkcs12(der: &[u8]) -> bool {
    Pfx::from_der(der).is_ok()
}

fn import_pfx(pfx: Pfx, password: &[u8]) -> Result<Contents, KeyError> {
    if pfx.version != 3 {
        return Err(KeyError::Malformed(format!(
            "PKCS#12 version {} (3 expected)",
            pfx.version
        )));
    }
    if pfx.auth_safe.content_type != DATA {
        return Err(KeyError::UnknownAlgorithm(
            "a PKCS#12 file protected by public-key signatures (only password integrity is supported)"
                .into(),
        ));
    }
    let auth_safe_der = data_octets(&pfx.auth_safe)?;
    let mac_data = pfx
        .mac_data
        .ok_or_else(|| KeyError::Malformed("PKCS#12 file without an integrity MAC".into()))?;
    let expected = mac(
        mac_data.mac.digest_algorithm.oid,
        password,
        mac_data.mac_salt.as_bytes(),
        mac_data.iterations,
        &auth_safe_der,
    )?;
    if !bool::from(expected.ct_eq(mac_data.mac.digest.as_bytes())) {
        return Err(KeyError::WrongPassword);
    }
    let contents = Vec::<ContentInfo>::from_der(&auth_safe_der).map_err(malformed("contents"))?;
    let mut bags = Vec::new();
    for info in &contents {
        let plain = match info.content_type {
            DATA => data_octets(info)?,
            ENCRYPTED_DATA => decrypt(info, password)?,
            other => {
                return Err(KeyError::UnknownAlgorithm(format!(
                    "PKCS#12 content of type {other} (public-key envelopes are not supported)"
                )));
            }
        };
        bags.extend(Vec::<SafeBag>::from_der(&plain).map_err(malformed("bags"))?);
    }
    read_bags(&bags, password)
}

/// Decrypts an `encryptedData` ContentInfo.
fn decrypt(info: &ContentInfo, password: &[u8]) -> Result<Vec<u8>, KeyError> {
    let data: EncryptedData = info
        .content
        .as_ref()
        .ok_or_else(|| KeyError::Malformed("PKCS#12 encrypted content is empty".into()))?
        .decode_as()
        .map_err(malformed("encrypted content"))?;
    let eci = data.encrypted_content_info;
    let scheme = EncryptionScheme::from_der(
        &eci.content_encryption_algorithm
            .to_der()
            .map_err(malformed("algorithm"))?,
    )
    .map_err(|_| legacy(&eci.content_encryption_algorithm.oid))?;
    let ciphertext = eci
        .encrypted_content
        .ok_or_else(|| KeyError::Malformed("PKCS#12 encrypted content is empty".into()))?;
    scheme
        .decrypt(password, ciphertext.as_bytes())
        .map_err(|_| KeyError::WrongPassword)
}

fn legacy(oid: &ObjectIdentifier) -> KeyError {
    KeyError::UnknownAlgorithm(format!(
        "PKCS#12 encryption {oid}: the legacy 3DES/RC2 schemes are not supported; \
         re-export the file with OpenSSL 3's defaults (PBES2, AES-256-CBC)"
    ))
}

fn attribute(bag: &SafeBag, oid: ObjectIdentifier) -> Option<&Any> {
    bag.bag_attributes
        .as_ref()?
        .iter()
        .find(|a| a.oid == oid)?
        .values
        .iter()
        .next()
}

fn read_bags(bags: &[SafeBag], password: &[u8]) -> Result<Contents, KeyError> {
    let mut key = None;
    let mut key_id = None;
    let mut name = None;
    let mut certificates: Vec<(Option<Vec<u8>>, Vec<u8>)> = Vec::new();
    for bag in bags {
        let id = attribute(bag, LOCAL_KEY_ID)
            .and_then(|a| a.decode_as::<OctetString>().ok())
            .map(|o| o.into_bytes().into_vec());
        match bag.bag_id {
            SHROUDED_KEY_BAG | KEY_BAG if key.is_some() => {
                return Err(KeyError::Malformed(
                    "the PKCS#12 file holds more than one key".into(),
                ));
            }
            SHROUDED_KEY_BAG => {
                let der = bag.bag_value.to_der().map_err(malformed("key bag"))?;
                let info =
                    EncryptedPrivateKeyInfoRef::from_der(&der).map_err(malformed("key bag"))?;
                let plain = info.decrypt(password).map_err(|e| match e {
                    pkcs8::Error::EncryptedPrivateKey(_) => {
                        legacy(&info.encryption_algorithm.oid())
                    }
                    _ => KeyError::WrongPassword,
                })?;
                key = Some(SoftwareKey::from_pkcs8_der(plain.as_bytes())?);
                key_id = id;
                name = attribute(bag, FRIENDLY_NAME)
                    .and_then(|a| a.decode_as::<BmpString>().ok())
                    .map(|s| s.to_string());
            }
            KEY_BAG => {
                let der = Zeroizing::new(bag.bag_value.to_der().map_err(malformed("key bag"))?);
                key = Some(SoftwareKey::from_pkcs8_der(&der)?);
                key_id = id;
            }
            CERT_BAG => {
                let cert: CertBag = bag
                    .bag_value
                    .decode_as()
                    .map_err(malformed("certificate bag"))?;
                if cert.cert_id == X509_CERTIFICATE {
                    certificates.push((id, cert.cert_value.into_bytes().into_vec()));
                }
            }
            // CRL and secret bags carry nothing Podpis uses.
            _ => {}
        }
    }
    let key = key.ok_or_else(|| KeyError::Malformed("the PKCS#12 file holds no key".into()))?;
    // The key's own certificate first.
    if let Some(pos) = certificates
        .iter()
        .position(|(id, _)| id.is_some() && *id == key_id)
    {
        let own = certificates.remove(pos);
        certificates.insert(0, own);
    }
    Ok(Contents {
        key,
        certificates: certificates.into_iter().map(|(_, der)| der).collect(),
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02X}")).collect()
    }

    /// Against OpenSSL 3's implementation (`openssl kdf -kdfopt digest:… -kdfopt pass:…
    /// -kdfopt hexsalt:0102030405060708 -kdfopt iter:… -kdfopt id:… PKCS12KDF`, which takes the
    /// password bytes as given): SHA-256 and SHA-1 MAC keys, and a 40-byte output that needs
    /// the second round of the derivation.
    #[test]
    fn kdf_matches_openssl() {
        let salt = [1, 2, 3, 4, 5, 6, 7, 8];
        assert_eq!(
            hex(&kdf::<Sha256>(b"1234", &salt, 2048, 3, 32)),
            "8BF5FCAA728F913F3035AA976D5CFFD2CA8D389668445319D84E43AAE789A153"
        );
        assert_eq!(
            hex(&kdf::<Sha1>(b"1234", &salt, 2048, 3, 20)),
            "B69234BACBAE479A70A68E02AC7FC3A0F594DDA6"
        );
        assert_eq!(
            hex(&kdf::<Sha256>("пароль".as_bytes(), &salt, 3, 1, 40)),
            "7BC34BB2D39CFDEA7B17EEA06C29AF31ED3E426CE21E72F24A0AF24AD1781F29AED2B6852098032C"
        );
    }

    #[test]
    fn passwords_become_bmp_strings() {
        assert_eq!(
            bmp_password("Я1".as_bytes()).unwrap().as_slice(),
            [0x04, 0x2F, 0x00, 0x31, 0, 0]
        );
        assert!(bmp_password(&[0xff]).is_err());
    }
}
