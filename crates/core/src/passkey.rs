//! Passkeys — the guides' "biometric sign-in" — as a WebAuthn relying party (W3C WebAuthn
//! Level 2, §7.1 registration and §7.2 authentication), for ES256 credentials (ECDSA P-256 with
//! SHA-256, which every platform authenticator offers) with "none" attestation: the portal
//! trusts the key it is shown at registration by a signed-in user, not a vendor's certificate.
//!
//! A user who registered a passkey signs in with it alone: the authenticator has checked the
//! user (fingerprint, face, PIN) and proves possession of the key the portal stored.
//!
//! webauthn-rs is the usual crate, but it needs OpenSSL; this is the part of it the portal
//! needs, on RustCrypto's p256, with every check of §7 that applies to these ceremonies.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ciborium::Value;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use podpis_store::{Ceremony, Passkey};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::journal::{Action, Record};
use crate::sessions::{NewSession, SessionKind};
use crate::wording;
use crate::{Context, Error, Missing, Portal, Principal, Result, secret};

/// The portal as a WebAuthn relying party.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelyingParty {
    /// The RP ID: the site's host name (`localhost`, `podpis.example.ru`).
    pub id: String,
    /// The origin pages are served from (`https://podpis.example.ru`).
    pub origin: String,
    /// The name authenticators show.
    pub name: String,
}

impl RelyingParty {
    /// The relying party for a site at `public_url` (its host is the RP ID).
    pub fn for_url(public_url: &str) -> Self {
        let origin = public_url.trim_end_matches('/').to_owned();
        let host = origin.split("://").nth(1).unwrap_or(&origin);
        let host = host.split('/').next().unwrap_or(host);
        let id = host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                h
            } else {
                host
            }
        });
        Self {
            id: id.to_owned(),
            origin,
            name: "Podpis".into(),
        }
    }
}

/// A credential as the browser returns it (`PublicKeyCredential`, binary fields base64url).
#[derive(Clone, Debug, Deserialize)]
pub struct Credential {
    /// The credential id, base64url.
    #[serde(rename = "rawId")]
    pub raw_id: String,
    /// `public-key`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The authenticator's response.
    pub response: CredentialResponse,
}

/// `AuthenticatorAttestationResponse` or `AuthenticatorAssertionResponse`.
#[derive(Clone, Debug, Deserialize)]
pub struct CredentialResponse {
    /// The client data, base64url of the JSON.
    #[serde(rename = "clientDataJSON")]
    pub client_data_json: String,
    /// Registration: the attestation object (CBOR), base64url.
    #[serde(rename = "attestationObject")]
    pub attestation_object: Option<String>,
    /// Sign-in: the authenticator data, base64url.
    #[serde(rename = "authenticatorData")]
    pub authenticator_data: Option<String>,
    /// Sign-in: the DER ECDSA signature, base64url.
    pub signature: Option<String>,
    /// Sign-in: the user handle the credential was registered with, base64url.
    #[serde(rename = "userHandle")]
    pub user_handle: Option<String>,
}

/// A credential accepted at registration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCredential {
    /// Its id, base64url.
    pub id: String,
    /// Its public key, SEC1 uncompressed.
    pub public_key: Vec<u8>,
    /// The authenticator's counter at registration.
    pub sign_count: u32,
}

fn unb64(field: &str, s: &str) -> core::result::Result<Vec<u8>, String> {
    B64.decode(s.trim_end_matches('='))
        .map_err(|_| format!("{field} is not base64url"))
}

/// The parts of authenticator data (§6.1) the checks need.
struct AuthData<'a> {
    rp_id_hash: &'a [u8],
    flags: u8,
    sign_count: u32,
    /// Credential id and COSE key, when attested credential data is present.
    attested: Option<(&'a [u8], &'a [u8])>,
}

const USER_PRESENT: u8 = 0x01;
const ATTESTED: u8 = 0x40;

fn auth_data(b: &[u8]) -> core::result::Result<AuthData<'_>, String> {
    if b.len() < 37 {
        return Err("the authenticator data is shorter than 37 bytes".into());
    }
    let flags = b[32];
    let sign_count = u32::from_be_bytes([b[33], b[34], b[35], b[36]]);
    let attested = if flags & ATTESTED != 0 {
        let rest = &b[37..];
        if rest.len() < 18 {
            return Err("the attested credential data is cut short".into());
        }
        let len = usize::from(u16::from_be_bytes([rest[16], rest[17]]));
        let id = rest
            .get(18..18 + len)
            .ok_or("the credential id is cut short")?;
        Some((id, &rest[18 + len..]))
    } else {
        None
    };
    Ok(AuthData {
        rp_id_hash: &b[..32],
        flags,
        sign_count,
        attested,
    })
}

fn cbor_get<'a>(map: &'a [(Value, Value)], key: &Value) -> Option<&'a Value> {
    map.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// An ES256 COSE key (RFC 9053 §7.1.1: kty 2, alg −7, crv 1, x, y) as a SEC1 point.
fn cose_p256(key: &[u8]) -> core::result::Result<Vec<u8>, String> {
    let value: Value =
        ciborium::from_reader(key).map_err(|_| "the credential public key is not CBOR")?;
    let map = value
        .as_map()
        .ok_or("the credential public key is not a COSE map")?;
    let int = |k: i64| cbor_get(map, &Value::Integer(k.into()));
    let is = |k: i64, want: i64| {
        int(k)
            .and_then(Value::as_integer)
            .is_some_and(|v| i128::from(v) == i128::from(want))
    };
    if !(is(1, 2) && is(3, -7) && is(-1, 1)) {
        return Err("only ES256 (ECDSA P-256) passkeys are accepted".into());
    }
    let coord = |k: i64| {
        int(k)
            .and_then(Value::as_bytes)
            .filter(|b| b.len() == 32)
            .ok_or("the key's coordinates are not 32 bytes")
    };
    let mut point = vec![4u8];
    point.extend_from_slice(coord(-2)?);
    point.extend_from_slice(coord(-3)?);
    VerifyingKey::from_sec1_bytes(&point).map_err(|_| "the key is not a point on P-256")?;
    Ok(point)
}

impl RelyingParty {
    /// `PublicKeyCredentialCreationOptions` for `navigator.credentials.create`.
    pub fn registration_options(
        &self,
        challenge: &str,
        user_id: &str,
        user_name: &str,
        display_name: &str,
        exclude: &[String],
    ) -> serde_json::Value {
        json!({
            "challenge": challenge,
            "rp": { "id": self.id, "name": self.name },
            "user": { "id": B64.encode(user_id.as_bytes()), "name": user_name, "displayName": display_name },
            "pubKeyCredParams": [{ "type": "public-key", "alg": -7 }],
            "timeout": 120000,
            "attestation": "none",
            "authenticatorSelection": { "residentKey": "required", "requireResidentKey": true, "userVerification": "preferred" },
            "excludeCredentials": exclude.iter().map(|id| json!({ "type": "public-key", "id": id })).collect::<Vec<_>>(),
        })
    }

    /// `PublicKeyCredentialRequestOptions` for `navigator.credentials.get` (a discoverable
    /// credential: the authenticator offers the user's passkeys for this site).
    pub fn login_options(&self, challenge: &str) -> serde_json::Value {
        json!({ "challenge": challenge, "rpId": self.id, "timeout": 120000, "userVerification": "preferred", "allowCredentials": [] })
    }

    /// §7.1 steps 5–12 and 13–14: client data, origin, challenge, RP ID hash, flags, and the ES256
    /// key. Returns the client data's hash for the caller's use.
    fn client_data(
        &self,
        c: &Credential,
        kind: &str,
        challenge: &str,
    ) -> core::result::Result<Vec<u8>, String> {
        if c.kind != "public-key" {
            return Err("the credential is not of type public-key".into());
        }
        let raw = unb64("clientDataJSON", &c.response.client_data_json)?;
        let data: serde_json::Value =
            serde_json::from_slice(&raw).map_err(|_| "clientDataJSON is not JSON")?;
        if data["type"] != kind {
            return Err(format!(
                "the client data is for {}, not {kind}",
                data["type"]
            ));
        }
        let got = data["challenge"]
            .as_str()
            .map(|s| unb64("challenge", s))
            .transpose()?;
        if got.is_none() || got != Some(unb64("challenge", challenge)?) {
            return Err("the challenge is not the one this ceremony issued".into());
        }
        if data["origin"] != self.origin.as_str() {
            return Err(format!(
                "the origin {} is not {}",
                data["origin"], self.origin
            ));
        }
        if data["crossOrigin"] == true {
            return Err("the ceremony ran in a cross-origin frame".into());
        }
        Ok(Sha256::digest(&raw).to_vec())
    }

    fn check_auth_data(&self, a: &AuthData<'_>) -> core::result::Result<(), String> {
        if a.rp_id_hash != Sha256::digest(self.id.as_bytes()).as_slice() {
            return Err(format!(
                "the authenticator data is for another site than {}",
                self.id
            ));
        }
        if a.flags & USER_PRESENT == 0 {
            return Err("the authenticator did not see the user present".into());
        }
        Ok(())
    }

    /// Checks a registration response against the ceremony's `challenge`.
    pub fn verify_registration(
        &self,
        challenge: &str,
        c: &Credential,
    ) -> core::result::Result<NewCredential, String> {
        self.client_data(c, "webauthn.create", challenge)?;
        let att = unb64(
            "attestationObject",
            c.response
                .attestation_object
                .as_deref()
                .ok_or("no attestationObject")?,
        )?;
        let value: Value = ciborium::from_reader(att.as_slice())
            .map_err(|_| "the attestation object is not CBOR")?;
        let map = value
            .as_map()
            .ok_or("the attestation object is not a map")?;
        let text = |k: &str| Value::Text(k.to_owned());
        let fmt = cbor_get(map, &text("fmt"))
            .and_then(Value::as_text)
            .ok_or("the attestation object has no fmt")?;
        if fmt != "none" {
            return Err(format!(
                "attestation format {fmt:?}: this portal asks for, and takes, \"none\""
            ));
        }
        let raw = cbor_get(map, &text("authData"))
            .and_then(Value::as_bytes)
            .ok_or("the attestation object has no authData")?;
        let a = auth_data(raw)?;
        self.check_auth_data(&a)?;
        let (id, key) = a
            .attested
            .ok_or("the authenticator data carries no credential")?;
        if id != unb64("rawId", &c.raw_id)?.as_slice() {
            return Err("the credential id differs from the one in the authenticator data".into());
        }
        Ok(NewCredential {
            id: B64.encode(id),
            public_key: cose_p256(key)?,
            sign_count: a.sign_count,
        })
    }

    /// Checks a sign-in assertion against the ceremony's `challenge` and the stored key, counter
    /// and owner; returns the new counter.
    pub fn verify_assertion(
        &self,
        challenge: &str,
        c: &Credential,
        stored: &Passkey,
    ) -> core::result::Result<u32, String> {
        let client_hash = self.client_data(c, "webauthn.get", challenge)?;
        let raw = unb64(
            "authenticatorData",
            c.response
                .authenticator_data
                .as_deref()
                .ok_or("no authenticatorData")?,
        )?;
        let a = auth_data(&raw)?;
        self.check_auth_data(&a)?;
        if let Some(handle) = &c.response.user_handle
            && unb64("userHandle", handle)? != stored.account_id.as_bytes()
        {
            return Err("the passkey belongs to another account".into());
        }
        let key = VerifyingKey::from_sec1_bytes(
            &hex::decode(&stored.public_key).map_err(|_| "stored key")?,
        )
        .map_err(|_| "the stored key is not a P-256 point")?;
        let sig = Signature::from_der(&unb64(
            "signature",
            c.response.signature.as_deref().ok_or("no signature")?,
        )?)
        .map_err(|_| "the signature is not a DER ECDSA signature")?;
        let mut signed = raw.clone();
        signed.extend_from_slice(&client_hash);
        key.verify(&signed, &sig)
            .map_err(|_| "the signature does not verify with the registered key")?;
        let before = u32::try_from(stored.sign_count).unwrap_or(u32::MAX);
        if (a.sign_count != 0 || before != 0) && a.sign_count <= before {
            return Err(format!(
                "the authenticator's counter went from {before} to {}: the passkey may have been cloned",
                a.sign_count
            ));
        }
        Ok(a.sign_count)
    }
}

impl Portal {
    /// The relying party.
    pub fn relying_party(&self) -> &RelyingParty {
        &self.rp
    }

    async fn new_ceremony(&self, account: Option<&str>, kind: &str) -> Result<(String, String)> {
        let id = secret::new_id();
        let challenge = B64.encode(secret::random_bytes(32));
        let mut tx = self.store.begin().await?;
        tx.insert_ceremony(&Ceremony {
            id: id.clone(),
            account_id: account.map(str::to_owned),
            kind: kind.to_owned(),
            challenge: challenge.clone(),
            expires_at: self.now() + 300,
        })
        .await?;
        tx.commit().await?;
        Ok((id, challenge))
    }

    async fn take_ceremony(
        &self,
        tx: &mut podpis_store::Tx,
        id: &str,
        kind: &str,
    ) -> Result<Ceremony> {
        let now = self.now();
        tx.take_ceremony(id)
            .await?
            .filter(|c| c.kind == kind && c.expires_at > now)
            .ok_or_else(|| {
                Error::Passkey("the ceremony expired or was answered already; start again".into())
            })
    }

    /// Begins registering a passkey for the signed-in principal: the ceremony's id and the
    /// options for `navigator.credentials.create`.
    pub async fn passkey_register_begin(
        &self,
        who: &Principal,
    ) -> Result<(String, serde_json::Value)> {
        let account = self.account(who).await?;
        let existing: Vec<String> = self
            .passkeys(who)
            .await?
            .into_iter()
            .map(|p| p.credential_id)
            .collect();
        let (id, challenge) = self.new_ceremony(Some(&account.id), "register").await?;
        let display = format!("{} {}", account.given_name, account.surname);
        Ok((
            id,
            self.rp.registration_options(
                &challenge,
                &account.id,
                &account.email,
                &display,
                &existing,
            ),
        ))
    }

    /// Finishes the registration with the browser's answer.
    pub async fn passkey_register_finish(
        &self,
        ctx: &Context,
        who: &Principal,
        ceremony: &str,
        c: &Credential,
        name: &str,
    ) -> Result<Passkey> {
        let mut tx = self.store.begin().await?;
        let cer = self.take_ceremony(&mut tx, ceremony, "register").await?;
        if cer.account_id.as_deref() != Some(&who.account_id) {
            return Err(Error::Passkey(
                "the ceremony was begun by another account".into(),
            ));
        }
        let new = self
            .rp
            .verify_registration(&cer.challenge, c)
            .map_err(Error::Passkey)?;
        let name = name.trim();
        let passkey = Passkey {
            credential_id: new.id,
            account_id: who.account_id.clone(),
            public_key: hex::encode(&new.public_key),
            sign_count: i64::from(new.sign_count),
            name: if name.is_empty() {
                "passkey".into()
            } else {
                name.chars().take(60).collect()
            },
            created_at: self.now(),
            last_used_at: None,
        };
        match tx.insert_passkey(&passkey).await {
            Err(e) if e.is_duplicate_of("passkeys") => {
                return Err(Error::Passkey("this passkey is registered already".into()));
            }
            other => other?,
        }
        self.record(
            &mut tx,
            ctx,
            Record::own(
                &who.account_id,
                Action::PasskeyAdded,
                Some(format!("passkey:{}", passkey.credential_id)),
                passkey.name.clone(),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(passkey)
    }

    /// Begins a passkey sign-in: the ceremony's id and the options for `navigator.credentials.get`.
    pub async fn passkey_login_begin(&self, ctx: &Context) -> Result<(String, serde_json::Value)> {
        self.limit_address(ctx, "login").await?;
        let (id, challenge) = self.new_ceremony(None, "login").await?;
        Ok((id, self.rp.login_options(&challenge)))
    }

    /// Finishes a passkey sign-in: a session, without a password or code.
    pub async fn passkey_login_finish(
        &self,
        ctx: &Context,
        ceremony: &str,
        c: &Credential,
        kind: SessionKind,
    ) -> Result<NewSession> {
        let mut tx = self.store.begin().await?;
        let cer = self.take_ceremony(&mut tx, ceremony, "login").await?;
        let id = B64.encode(unb64("rawId", &c.raw_id).map_err(Error::Passkey)?);
        let Some(stored) = tx.passkey(&id).await? else {
            return Err(Error::Passkey("this passkey is not registered here".into()));
        };
        let account = tx
            .account(&stored.account_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        match self.rp.verify_assertion(&cer.challenge, c, &stored) {
            Ok(count) => {
                if account.locked_until > self.now() {
                    return Err(Error::BadCredentials);
                }
                tx.use_passkey(&id, i64::from(count), self.now()).await?;
                let session = self
                    .sign_in(
                        &mut tx,
                        ctx,
                        &account,
                        kind,
                        &wording::BY_PASSKEY.fill(&[&stored.name]),
                    )
                    .await?;
                tx.commit().await?;
                Ok(session)
            }
            Err(why) => {
                self.record(
                    &mut tx,
                    ctx,
                    Record {
                        account: Some(&account.id),
                        actor: None,
                        action: Action::SignInFailed,
                        object: Some(format!("passkey:{id}")),
                        ok: false,
                        details: why.clone(),
                    },
                )
                .await?;
                tx.commit().await?;
                Err(Error::Passkey(why))
            }
        }
    }

    /// The principal's passkeys.
    pub async fn passkeys(&self, who: &Principal) -> Result<Vec<Passkey>> {
        let mut tx = self.store.read().await?;
        Ok(tx.passkeys_of(&who.account_id).await?)
    }

    /// Removes one of the principal's passkeys.
    pub async fn passkey_remove(
        &self,
        ctx: &Context,
        who: &Principal,
        credential_id: &str,
    ) -> Result<()> {
        let mut tx = self.store.begin().await?;
        if !tx.delete_passkey(&who.account_id, credential_id).await? {
            return Err(Error::NotFound(Missing::Passkey));
        }
        self.record(
            &mut tx,
            ctx,
            Record::own(
                &who.account_id,
                Action::PasskeyRemoved,
                Some(format!("passkey:{credential_id}")),
                String::new(),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A software authenticator, for tests of the relying party (and of anything built on it):
/// it makes credentials and assertions the way a platform authenticator does.
#[cfg(any(test, feature = "test-authenticator"))]
pub mod soft {
    use super::*;
    use p256::ecdsa::SigningKey;
    use p256::ecdsa::signature::Signer;

    /// One authenticator holding one credential.
    pub struct SoftAuthenticator {
        key: SigningKey,
        /// The credential id.
        pub id: Vec<u8>,
        /// The signature counter.
        pub counter: u32,
        /// The user handle it was registered with.
        pub user: Vec<u8>,
    }

    fn cbor(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(v, &mut out).expect("CBOR");
        out
    }

    fn client_data(kind: &str, challenge: &str, origin: &str) -> Vec<u8> {
        json!({ "type": kind, "challenge": challenge, "origin": origin, "crossOrigin": false })
            .to_string()
            .into_bytes()
    }

    impl SoftAuthenticator {
        /// A new credential.
        pub fn new() -> Self {
            let key = SigningKey::from_slice(&secret::random_bytes(32)).expect("a random scalar");
            Self {
                key,
                id: secret::random_bytes(16),
                counter: 0,
                user: Vec::new(),
            }
        }

        fn auth_data(&self, rp_id: &str, flags: u8, attested: bool) -> Vec<u8> {
            let mut d = Sha256::digest(rp_id.as_bytes()).to_vec();
            d.push(flags);
            d.extend_from_slice(&self.counter.to_be_bytes());
            if attested {
                d.extend_from_slice(&[0u8; 16]);
                d.extend_from_slice(&(self.id.len() as u16).to_be_bytes());
                d.extend_from_slice(&self.id);
                let point = self.key.verifying_key().to_sec1_point(false);
                let bytes = point.as_bytes();
                let cose = Value::Map(vec![
                    (Value::Integer(1.into()), Value::Integer(2.into())),
                    (Value::Integer(3.into()), Value::Integer((-7).into())),
                    (Value::Integer((-1).into()), Value::Integer(1.into())),
                    (
                        Value::Integer((-2).into()),
                        Value::Bytes(bytes[1..33].to_vec()),
                    ),
                    (
                        Value::Integer((-3).into()),
                        Value::Bytes(bytes[33..65].to_vec()),
                    ),
                ]);
                d.extend_from_slice(&cbor(&cose));
            }
            d
        }

        /// The answer to `navigator.credentials.create(options)` at `origin`.
        pub fn register(&mut self, options: &serde_json::Value, origin: &str) -> Credential {
            let rp_id = options["rp"]["id"].as_str().expect("rp.id");
            self.user = B64
                .decode(options["user"]["id"].as_str().expect("user.id"))
                .expect("user id");
            let client = client_data(
                "webauthn.create",
                options["challenge"].as_str().expect("challenge"),
                origin,
            );
            let att = Value::Map(vec![
                (Value::Text("fmt".into()), Value::Text("none".into())),
                (Value::Text("attStmt".into()), Value::Map(vec![])),
                (
                    Value::Text("authData".into()),
                    Value::Bytes(self.auth_data(rp_id, 0x45, true)),
                ),
            ]);
            Credential {
                raw_id: B64.encode(&self.id),
                kind: "public-key".into(),
                response: CredentialResponse {
                    client_data_json: B64.encode(client),
                    attestation_object: Some(B64.encode(cbor(&att))),
                    authenticator_data: None,
                    signature: None,
                    user_handle: None,
                },
            }
        }

        /// The answer to `navigator.credentials.get(options)` at `origin`.
        pub fn assert(&mut self, options: &serde_json::Value, origin: &str) -> Credential {
            self.counter += 1;
            let rp_id = options["rpId"].as_str().expect("rpId");
            let client = client_data(
                "webauthn.get",
                options["challenge"].as_str().expect("challenge"),
                origin,
            );
            let data = self.auth_data(rp_id, 0x05, false);
            let mut signed = data.clone();
            signed.extend_from_slice(&Sha256::digest(&client));
            let sig: Signature = self.key.sign(&signed);
            Credential {
                raw_id: B64.encode(&self.id),
                kind: "public-key".into(),
                response: CredentialResponse {
                    client_data_json: B64.encode(client),
                    attestation_object: None,
                    authenticator_data: Some(B64.encode(data)),
                    signature: Some(B64.encode(sig.to_der().as_bytes())),
                    user_handle: Some(B64.encode(&self.user)),
                },
            }
        }
    }

    impl Default for SoftAuthenticator {
        fn default() -> Self {
            Self::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::soft::SoftAuthenticator;
    use super::*;

    fn rp() -> RelyingParty {
        RelyingParty::for_url("http://localhost:8080")
    }

    fn stored(new: &NewCredential, account: &str) -> Passkey {
        Passkey {
            credential_id: new.id.clone(),
            account_id: account.into(),
            public_key: hex::encode(&new.public_key),
            sign_count: i64::from(new.sign_count),
            name: "test".into(),
            created_at: 0,
            last_used_at: None,
        }
    }

    #[test]
    fn rp_id_from_url() {
        assert_eq!(rp().id, "localhost");
        assert_eq!(rp().origin, "http://localhost:8080");
        assert_eq!(
            RelyingParty::for_url("https://podpis.example.ru/").id,
            "podpis.example.ru"
        );
    }

    #[test]
    fn register_then_sign_in() {
        let rp = rp();
        let mut auth = SoftAuthenticator::new();
        let opts = rp.registration_options("Y2hhbGxlbmdl", "acc1", "a@b.ru", "A B", &[]);
        let new = rp
            .verify_registration("Y2hhbGxlbmdl", &auth.register(&opts, &rp.origin))
            .unwrap();
        assert_eq!(new.public_key.len(), 65);
        let pk = stored(&new, "acc1");
        let login = rp.login_options("bG9naW4");
        let answer = auth.assert(&login, &rp.origin);
        assert_eq!(rp.verify_assertion("bG9naW4", &answer, &pk), Ok(1));
    }

    #[test]
    fn refusals_name_the_check() {
        let rp = rp();
        let mut auth = SoftAuthenticator::new();
        let opts = rp.registration_options("Y2hhbGxlbmdl", "acc1", "a@b.ru", "A B", &[]);
        let reg = auth.register(&opts, &rp.origin);
        assert!(
            rp.verify_registration("b3RoZXI", &reg)
                .unwrap_err()
                .contains("challenge")
        );
        let evil = auth.register(&opts, "http://evil.example");
        assert!(
            rp.verify_registration("Y2hhbGxlbmdl", &evil)
                .unwrap_err()
                .contains("origin")
        );
        let other_site = RelyingParty {
            id: "example.org".into(),
            ..rp.clone()
        };
        assert!(
            other_site
                .verify_registration("Y2hhbGxlbmdl", &reg)
                .unwrap_err()
                .contains("another site")
        );
        let new = rp.verify_registration("Y2hhbGxlbmdl", &reg).unwrap();
        let mut pk = stored(&new, "acc1");

        let login = rp.login_options("bG9naW4");
        let mut answer = auth.assert(&login, &rp.origin);
        // A signature by another key.
        let mut other = SoftAuthenticator::new();
        other.id = auth.id.clone();
        other.user = auth.user.clone();
        let forged = other.assert(&login, &rp.origin);
        assert!(
            rp.verify_assertion("bG9naW4", &forged, &pk)
                .unwrap_err()
                .contains("does not verify")
        );
        // The owner named in the credential must be the stored owner.
        assert!(
            rp.verify_assertion("bG9naW4", &answer, &stored(&new, "acc2"))
                .unwrap_err()
                .contains("another account")
        );
        // A counter that does not move forward.
        pk.sign_count = 5;
        assert!(
            rp.verify_assertion("bG9naW4", &answer, &pk)
                .unwrap_err()
                .contains("cloned")
        );
        pk.sign_count = 0;
        // Tampered authenticator data breaks the signature.
        let mut data = B64
            .decode(answer.response.authenticator_data.clone().unwrap())
            .unwrap();
        data[33] ^= 1;
        answer.response.authenticator_data = Some(B64.encode(data));
        assert!(
            rp.verify_assertion("bG9naW4", &answer, &pk)
                .unwrap_err()
                .contains("does not verify")
        );
        // A registration response offered at sign-in.
        assert!(
            rp.verify_assertion("Y2hhbGxlbmdl", &reg, &pk)
                .unwrap_err()
                .contains("webauthn.create")
        );
    }
}
