//! The CA engine of the hosted centres: issuing certificates, revoking them, publishing CRLs
//! (on every revocation and on a schedule) and answering OCSP (RFC 6960).
//!
//! Keys are opened from the vault once per node and kept in memory. The registry (parsed, its CA
//! keys with their tables), CRLs (parsed, their signatures checked once) and OCSP answers to
//! requests without a nonce are cached per node; the caches are dropped at once when this node
//! revokes or changes the registry, and within a second when another node does (each node
//! compares the store's [trust epoch](podpis_store::Tx::trust_epoch) at most once a second).

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use podpis_keys::SoftwareKey;
use podpis_pki::Certificate;
use podpis_pki::crl::{Crl, CrlParams, Reason, Revocation};
use podpis_pki::issue::{CertificateParams, issue, normalize_serial, random_serial};
use podpis_pki::ocsp::{CertStatus, OcspRequest, OcspResponse, ResponseStatus};
use podpis_pki::qualified::IssuerSignTool;
use podpis_pki::subject::{Profile, SubjectInfo};
use podpis_store::{IssuedCertificate, StoredCrl, Tx};
use spki::SubjectPublicKeyInfoOwned;

use crate::centres::{internal, key_label};
use crate::journal::{Action, Record};
use crate::vault::Vault;
use crate::verification::Registry;
use crate::wording;
use crate::{Context, Error, Missing, Portal, Principal, Result};

/// How long a CRL is valid (nextUpdate − thisUpdate).
const CRL_VALIDITY: i64 = 24 * 3600;
/// A CRL older than this is replaced by the scheduled refresh.
const CRL_REFRESH: i64 = 12 * 3600;
/// How long an OCSP answer says it is good for (nextUpdate − thisUpdate).
const OCSP_VALIDITY: i64 = 3600;
/// A cached OCSP answer older than this is signed anew.
const OCSP_REUSE: i64 = 300;
/// The most OCSP answers a node caches (the cache starts over when full).
const OCSP_CACHE_MAX: usize = 100_000;
/// The most parsed certificates a node keeps (the cache starts over when full).
const CERTIFICATE_CACHE_MAX: usize = 1_000;
/// How often a node asks the store whether another node revoked something.
const EPOCH_CHECK: Duration = Duration::from_secs(1);

/// A hosted centre's keys and certificates, opened from the vault.
pub(crate) struct HostedKeys {
    /// The CA certificate.
    pub ca: Certificate,
    /// The CA key.
    pub ca_key: SoftwareKey,
    /// The delegated OCSP responder's certificate.
    pub ocsp: Certificate,
    /// Its key.
    pub ocsp_key: SoftwareKey,
}

/// The hosted centres' CA certificates by centre id.
type Issuers = Arc<Vec<(String, Certificate)>>;

/// A hosted centre's current CRL: as stored (for publishing) and parsed (for checking).
#[derive(Debug)]
pub struct CurrentCrl {
    /// As stored.
    pub stored: StoredCrl,
    /// Parsed; clones share it, with its signature check once passed.
    pub crl: Crl,
}

/// A cached OCSP answer.
struct CachedAnswer {
    der: Arc<[u8]>,
    produced_at: i64,
}

/// The engine's per-node state: the vault, opened keys and the caches.
pub(crate) struct Authority {
    vault: Option<Vault>,
    keys: Mutex<HashMap<String, Arc<HostedKeys>>>,
    /// Hosted centres' CA certificates, for finding the issuer an OCSP request names.
    issuers: RwLock<Option<Issuers>>,
    answers: RwLock<HashMap<Vec<u8>, CachedAnswer>>,
    crls: RwLock<HashMap<String, Arc<CurrentCrl>>>,
    /// Cloud keys' certificates, parsed, by their DER: each keeps its issuer check once
    /// passed, so a key that signs batch after batch has its certificate verified once. Kept
    /// when the other caches are dropped: a parse and a passed signature do not depend on the
    /// registry, and whether the certificate may sign is checked against it each time.
    certificates: RwLock<HashMap<Vec<u8>, Arc<Certificate>>>,
    /// The registry of centres as trust.
    pub(crate) registry: RwLock<Option<Arc<Registry>>>,
    /// Grows each time the caches are dropped: a value read from the store before a drop is
    /// not cached after it.
    generation: AtomicU64,
    /// The trust epoch the caches belong to.
    epoch: AtomicI64,
    /// When the epoch was last compared (milliseconds since `started`), `u64::MAX` for never.
    checked_ms: AtomicU64,
    started: Instant,
}

impl Authority {
    /// The engine with `vault` (without one, hosted centres cannot be added or used).
    pub(crate) fn new(vault: Option<Vault>) -> Self {
        Self {
            vault,
            keys: Mutex::new(HashMap::new()),
            issuers: RwLock::new(None),
            answers: RwLock::new(HashMap::new()),
            crls: RwLock::new(HashMap::new()),
            certificates: RwLock::new(HashMap::new()),
            registry: RwLock::new(None),
            generation: AtomicU64::new(0),
            epoch: AtomicI64::new(-1),
            checked_ms: AtomicU64::new(u64::MAX),
            started: Instant::now(),
        }
    }

    /// The vault, or an error that says how to configure one.
    pub(crate) fn vault(&self) -> Result<&Vault> {
        self.vault.as_ref().ok_or_else(|| {
            Error::Internal(
                "no key vault is configured: start the portal with a vault key file".into(),
            )
        })
    }

    /// Certificate `der`, parsed once per node: later calls share the first parse.
    pub(crate) fn certificate(&self, der: &[u8]) -> Result<Arc<Certificate>> {
        if let Some(cert) = self.certificates.read().expect("cache lock").get(der) {
            return Ok(cert.clone());
        }
        let cert = Arc::new(Certificate::from_der(der).map_err(internal)?);
        let mut cache = self.certificates.write().expect("cache lock");
        if cache.len() >= CERTIFICATE_CACHE_MAX {
            cache.clear();
        }
        cache.insert(der.to_vec(), cert.clone());
        Ok(cert)
    }

    /// Drops every cache of this node (after it changed what they hold).
    pub(crate) fn forget(&self) {
        self.drop_caches();
        self.checked_ms.store(u64::MAX, Ordering::Relaxed);
    }

    fn drop_caches(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.issuers.write().expect("cache lock").take();
        self.answers.write().expect("cache lock").clear();
        self.crls.write().expect("cache lock").clear();
        self.registry.write().expect("cache lock").take();
    }

    /// The caches' generation, read before reading the store for something to cache.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Runs `keep` on the cache behind `lock` (to store a value read from the store since
    /// `generation`) unless the caches were dropped in the meantime.
    pub(crate) fn keep_if_current<T>(
        &self,
        lock: &RwLock<T>,
        generation: u64,
        keep: impl FnOnce(&mut T),
    ) {
        let mut cache = lock.write().expect("cache lock");
        if self.generation() == generation {
            keep(&mut cache);
        }
    }

    /// Whether the epoch is due for a comparison; true for exactly one caller per second.
    fn epoch_due(&self) -> bool {
        let now = self.started.elapsed().as_millis() as u64;
        let last = self.checked_ms.load(Ordering::Relaxed);
        let due = last == u64::MAX || now.saturating_sub(last) >= EPOCH_CHECK.as_millis() as u64;
        due && self
            .checked_ms
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    }
}

/// What a certificate is issued from.
#[derive(Clone, Debug)]
pub struct CertificateRequest {
    /// The owner's kind (a person, an entrepreneur, a legal entity's officer).
    pub profile: Profile,
    /// The owner's verified data.
    pub subject: SubjectInfo,
    /// The owner's public key.
    pub public_key: SubjectPublicKeyInfoOwned,
    /// Validity, in days (at most 457: a qualified key is used 15 months at most).
    pub days: u32,
    /// The account it is issued to, if any.
    pub account_id: Option<String>,
}

/// A Unix time as a `SystemTime`.
fn system_time(t: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(t.max(0) as u64)
}

/// The serial bytes of canonical hex (an odd number of digits gets a leading zero).
fn serial_bytes(hex_serial: &str) -> Result<Vec<u8>> {
    let padded = if hex_serial.len() % 2 == 1 {
        format!("0{hex_serial}")
    } else {
        hex_serial.to_owned()
    };
    hex::decode(padded).map_err(internal)
}

/// A certificate's owner in one line, for lists and the journal.
fn one_line(info: &SubjectInfo) -> String {
    let person = [&info.surname, &info.given_name]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    match (&info.organization, person.is_empty()) {
        (Some(org), false) => format!("{person}, {org}"),
        (Some(org), true) => org.clone(),
        (None, false) => person,
        (None, true) => info.common_name.clone().unwrap_or_default(),
    }
}

impl Portal {
    /// The keys of hosted centre `id`, opened from the vault on first use.
    pub(crate) async fn hosted_keys(&self, id: &str) -> Result<Arc<HostedKeys>> {
        if let Some(keys) = self.authority.keys.lock().expect("keys lock").get(id) {
            return Ok(keys.clone());
        }
        let vault = self.authority.vault()?;
        let mut tx = self.store.read().await?;
        let mut open = async |purpose: &str| -> Result<(SoftwareKey, Certificate)> {
            let (sealed, der) = tx
                .centre_key(id, purpose)
                .await?
                .ok_or(Error::NotFound(Missing::HostedCentre))?;
            let key = vault.open(&key_label(id, purpose), &sealed)?;
            Ok((key, Certificate::from_der(&der).map_err(internal)?))
        };
        let (ca_key, ca) = open("ca").await?;
        let (ocsp_key, ocsp) = open("ocsp").await?;
        let keys = Arc::new(HostedKeys {
            ca,
            ca_key,
            ocsp,
            ocsp_key,
        });
        self.authority
            .keys
            .lock()
            .expect("keys lock")
            .insert(id.to_owned(), keys.clone());
        Ok(keys)
    }

    /// Issues a certificate of hosted centre `centre_id` to the qualified profile and records
    /// it. The centre must be accredited now.
    pub async fn issue_certificate(
        &self,
        ctx: &Context,
        centre_id: &str,
        request: &CertificateRequest,
    ) -> Result<IssuedCertificate> {
        let issued = self.sign_certificate(centre_id, request, 0).await?;
        let mut tx = self.store.begin().await?;
        self.record_issued(&mut tx, ctx, None, &issued).await?;
        tx.commit().await?;
        Ok(issued)
    }

    /// Stores `issued` and journals its issuance by `by`, inside `tx`.
    pub(crate) async fn record_issued(
        &self,
        tx: &mut podpis_store::Tx,
        ctx: &Context,
        by: Option<&Principal>,
        issued: &IssuedCertificate,
    ) -> Result<()> {
        tx.insert_certificate(issued).await?;
        self.record_certificate(tx, ctx, by, issued, Action::CertificateIssued, "")
            .await
    }

    /// Makes (signs) a certificate of hosted centre `centre_id` for `request`, its owner
    /// identified as `identification_kind` says (0 in person, 1 by a qualified signature),
    /// without storing it. The centre must be accredited now.
    pub(crate) async fn sign_certificate(
        &self,
        centre_id: &str,
        request: &CertificateRequest,
        identification_kind: u8,
    ) -> Result<IssuedCertificate> {
        let now = self.now();
        let centre = self.centre(centre_id).await?;
        if !centre.hosted {
            return Err(Error::conflict(
                "Этот центр не размещён на портале: его сертификаты выпускает он сам.",
                "This centre is not hosted here: it issues its certificates itself.",
            ));
        }
        if !centre.accredited_at(now) {
            return Err(Error::conflict(
                "Аккредитация центра не действует: выпуск сертификатов невозможен.",
                "The centre's accreditation is not in force: it cannot issue certificates.",
            ));
        }
        let days = Duration::from_secs(u64::from(request.days) * 24 * 3600);
        if request.days == 0 || days > podpis_pki::issue::PRIVATE_KEY_USAGE_LIMIT {
            return Err(Error::invalid(
                "days",
                "Срок действия: от 1 до 457 дней (ключ используется не более 15 месяцев).",
                "Validity: 1 to 457 days (a qualified key is used 15 months at most).",
            ));
        }
        let keys = self.hosted_keys(centre_id).await?;
        let not_before = system_time(now);
        let not_after = (not_before + days).min(UNIX_EPOCH + keys.ca.validity().1);
        let subject = request.subject.to_name(request.profile).map_err(|e| {
            Error::invalid(
                "subject",
                format!("Данные владельца не годятся для сертификата: {e}"),
                format!("The owner's data do not fit a qualified certificate: {e}"),
            )
        })?;
        let params = CertificateParams {
            profile: request.profile,
            subject,
            public_key: request.public_key.clone(),
            serial: random_serial(),
            not_before,
            not_after,
            path_len: None,
            crl_url: centre.crl_url.clone(),
            ocsp_url: centre.ocsp_url.clone(),
            ca_issuers_url: Some(format!("{}/ca/{centre_id}.cer", self.rp.origin)),
            sign_tool: "Podpis".into(),
            issuer_sign_tool: Some(IssuerSignTool::podpis()),
            identification_kind,
        };
        let cert = issue(&params, &keys.ca_key, Some(&keys.ca)).map_err(|e| {
            Error::invalid(
                "public_key",
                format!("Сертификат не выпущен: {e}"),
                format!("The certificate was not issued: {e}"),
            )
        })?;
        let issued = IssuedCertificate {
            centre_id: centre_id.to_owned(),
            serial: normalize_serial(&cert.serial_hex()),
            der: cert.der().to_vec(),
            subject: one_line(&request.subject),
            snils: request.subject.snils.clone(),
            inn: request.subject.inn.clone(),
            not_before: now,
            not_after: not_after
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
            account_id: request.account_id.clone(),
            revoked_at: None,
            reason: None,
            issued_at: now,
        };
        Ok(issued)
    }

    /// Revokes certificate `serial` (any spelling: `00:ab:…`, `AB…`) of hosted centre
    /// `centre_id` for `reason`, and publishes the new CRL in the same transaction, so the CRL
    /// and OCSP say "revoked" from the moment this returns. `by` is the centre's operator, an
    /// administrator, or `None` on the server itself.
    pub async fn revoke_certificate(
        &self,
        ctx: &Context,
        by: Option<&Principal>,
        centre_id: &str,
        serial: &str,
        reason: Reason,
    ) -> Result<IssuedCertificate> {
        if let Some(p) = by {
            p.require_operator_of(centre_id)?;
        }
        let keys = self.hosted_keys(centre_id).await?;
        let mut tx = self.store.begin().await?;
        let revoked = self
            .revoke_in(&mut tx, ctx, by, &keys, centre_id, serial, reason)
            .await?;
        tx.commit().await?;
        self.authority.forget();
        Ok(revoked)
    }

    /// Revokes certificate `serial` of hosted centre `centre_id` inside `tx` with its `keys`:
    /// the row, the new CRL, the end of its bindings and the journal entry. Call
    /// `self.authority.forget()` once `tx` commits.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn revoke_in(
        &self,
        tx: &mut Tx,
        ctx: &Context,
        by: Option<&Principal>,
        keys: &HostedKeys,
        centre_id: &str,
        serial: &str,
        reason: Reason,
    ) -> Result<IssuedCertificate> {
        let serial = normalize_serial(serial);
        let now = self.now();
        let cert = tx
            .certificate(centre_id, &serial)
            .await?
            .ok_or(Error::NotFound(Missing::Certificate))?;
        if let Some(at) = cert.revoked_at {
            return Err(Error::conflict(
                format!("Сертификат уже отозван {}.", crate::timestamp(at)),
                format!(
                    "The certificate was revoked already, at {}.",
                    crate::timestamp(at)
                ),
            ));
        }
        tx.revoke_certificate(centre_id, &serial, now, reason.name())
            .await?;
        self.publish_crl(tx, centre_id, keys, None).await?;
        // From this moment the certificate is bound to no account (and signs nothing here).
        if let Some(binding) = tx.connected_binding(centre_id, &serial).await? {
            let why = wording::REVOKED_FOR.fill(&[&reason.name()]);
            self.record_binding(tx, ctx, &binding, Action::CertificateUnbound, true, &why)
                .await?;
        }
        tx.end_bindings_of_certificate(centre_id, &serial, now)
            .await?;
        let revoked = IssuedCertificate {
            revoked_at: Some(now),
            reason: Some(reason.name().to_owned()),
            ..cert
        };
        self.record_certificate(
            tx,
            ctx,
            by,
            &revoked,
            Action::CertificateRevoked,
            reason.name(),
        )
        .await?;
        Ok(revoked)
    }

    /// The certificates hosted centre `centre_id` issued, newest first (its operators and
    /// administrators).
    pub async fn issued_certificates(
        &self,
        who: &Principal,
        centre_id: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<IssuedCertificate>> {
        who.require_operator_of(centre_id)?;
        let mut tx = self.store.read().await?;
        Ok(tx
            .certificates(centre_id, limit.clamp(1, 1000), offset.max(0))
            .await?)
    }

    /// Signs and stores the next CRL of `centre_id` inside `tx`, unless `unless_newer_than` is
    /// given and the stored CRL is newer than that (another node refreshed it first).
    pub(crate) async fn publish_crl(
        &self,
        tx: &mut Tx,
        centre_id: &str,
        keys: &HostedKeys,
        unless_newer_than: Option<i64>,
    ) -> Result<StoredCrl> {
        let current = tx.crl(centre_id).await?;
        if let (Some(current), Some(limit)) = (&current, unless_newer_than)
            && current.this_update > limit
        {
            return Ok(current.clone());
        }
        let revoked = tx
            .revoked_serials(centre_id)
            .await?
            .into_iter()
            .map(|r| {
                Ok(Revocation {
                    serial: serial_bytes(&r.serial)?,
                    time: system_time(r.revoked_at),
                    reason: r.reason.as_deref().and_then(|n| n.parse().ok()),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let now = self.now();
        let number = current.map_or(1, |c| c.number + 1);
        let crl = Crl::issue(
            &CrlParams {
                number: number as u64,
                this_update: system_time(now),
                next_update: system_time(now + CRL_VALIDITY),
                revoked,
            },
            &keys.ca_key,
            &keys.ca,
        )
        .map_err(internal)?;
        let stored = StoredCrl {
            number,
            der: crl.der().to_vec(),
            this_update: now,
            next_update: now + CRL_VALIDITY,
        };
        tx.put_crl(centre_id, &stored).await?;
        Ok(stored)
    }

    /// The current CRL of hosted centre `centre_id` (cached; refreshed when half its validity
    /// has passed).
    pub async fn crl(&self, centre_id: &str) -> Result<Arc<CurrentCrl>> {
        self.check_epoch().await?;
        let now = self.now();
        if let Some(crl) = self
            .authority
            .crls
            .read()
            .expect("cache lock")
            .get(centre_id)
            && now < crl.stored.this_update + CRL_REFRESH
        {
            return Ok(crl.clone());
        }
        let generation = self.authority.generation();
        let stored = self.store.read().await?.crl(centre_id).await?;
        let stored = match stored {
            Some(crl) if now < crl.this_update + CRL_REFRESH => crl,
            Some(_) => self.refresh_crl(centre_id).await?,
            None => return Err(Error::NotFound(Missing::Crl)),
        };
        let crl = Arc::new(CurrentCrl {
            crl: Crl::from_der(&stored.der).map_err(internal)?,
            stored,
        });
        self.authority
            .keep_if_current(&self.authority.crls, generation, |crls| {
                crls.insert(centre_id.to_owned(), crl.clone());
            });
        Ok(crl)
    }

    /// Publishes a fresh CRL of `centre_id` unless another node just did.
    async fn refresh_crl(&self, centre_id: &str) -> Result<StoredCrl> {
        let keys = self.hosted_keys(centre_id).await?;
        let mut tx = self.store.begin().await?;
        let crl = self
            .publish_crl(&mut tx, centre_id, &keys, Some(self.now() - CRL_REFRESH))
            .await?;
        tx.commit().await?;
        Ok(crl)
    }

    /// The scheduled job: publishes a new CRL for every hosted centre whose CRL is older than
    /// twelve hours; any number of nodes may run it (the CRL row is locked, and a fresh CRL is
    /// left alone). Returns how many CRLs were published.
    pub async fn refresh_crls(&self) -> Result<usize> {
        let now = self.now();
        let mut published = 0;
        for centre in self.centres().await?.into_iter().filter(|c| c.hosted) {
            let due = self
                .store
                .read()
                .await?
                .crl(&centre.id)
                .await?
                .is_none_or(|c| now >= c.this_update + CRL_REFRESH);
            if due && self.refresh_crl(&centre.id).await?.this_update == now {
                published += 1;
            }
        }
        if published > 0 {
            self.authority.forget();
        }
        Ok(published)
    }

    /// Drops this node's caches when another node revoked or changed the registry (checked at
    /// most once a second).
    pub(crate) async fn check_epoch(&self) -> Result<()> {
        if !self.authority.epoch_due() {
            return Ok(());
        }
        let epoch = self.store.read().await?.trust_epoch().await?;
        if self.authority.epoch.swap(epoch, Ordering::Relaxed) != epoch {
            self.authority.drop_caches();
        }
        Ok(())
    }

    /// Answers a DER OCSP request (RFC 6960) for the hosted centres: `good`, `revoked` with
    /// time and reason, or `unknown` for a serial the centre never issued; signed by the
    /// centre's delegated responder, the request's nonce echoed. A malformed request gets
    /// `malformedRequest`, one about a centre not hosted here `unauthorized`. Answers to
    /// requests without a nonce are cached (see the module notes).
    pub async fn ocsp(&self, request: &[u8]) -> Arc<[u8]> {
        match self.ocsp_answer(request).await {
            Ok(der) => der,
            Err(e) => {
                tracing::error!(error = %e, "OCSP: answering failed");
                OcspResponse::error(ResponseStatus::InternalError)
                    .der()
                    .into()
            }
        }
    }

    async fn ocsp_answer(&self, request: &[u8]) -> Result<Arc<[u8]>> {
        self.check_epoch().await?;
        let now = self.now();
        if let Some(hit) = self
            .authority
            .answers
            .read()
            .expect("cache lock")
            .get(request)
            && now < hit.produced_at + OCSP_REUSE
        {
            return Ok(hit.der.clone());
        }
        let Ok(parsed) = OcspRequest::from_der(request) else {
            return Ok(OcspResponse::error(ResponseStatus::MalformedRequest)
                .der()
                .into());
        };
        let ids = parsed.cert_ids();
        let generation = self.authority.generation();
        let issuers = self.hosted_issuers().await?;
        let Some((centre_id, _)) = ids
            .first()
            .and_then(|id| issuers.iter().find(|(_, cert)| id.is_issued_by(cert)))
        else {
            return Ok(OcspResponse::error(ResponseStatus::Unauthorized)
                .der()
                .into());
        };
        let keys = self.hosted_keys(centre_id).await?;
        let mut statuses = HashMap::new();
        let mut tx = self.store.read().await?;
        for id in ids.iter().filter(|id| id.is_issued_by(&keys.ca)) {
            let serial = normalize_serial(&id.serial_hex());
            let status = match tx.certificate(centre_id, &serial).await? {
                None => CertStatus::Unknown,
                Some(IssuedCertificate {
                    revoked_at: Some(at),
                    reason,
                    ..
                }) => CertStatus::Revoked {
                    time: system_time(at),
                    reason: reason.as_deref().and_then(|n| n.parse().ok()),
                },
                Some(_) => CertStatus::Good,
            };
            statuses.insert(serial, status);
        }
        drop(tx);
        let lookup = |serial: &[u8]| {
            statuses
                .get(&normalize_serial(&hex::encode_upper(serial)))
                .copied()
                .unwrap_or(CertStatus::Unknown)
        };
        let response = podpis_pki::ocsp::respond(
            &parsed,
            &keys.ca,
            lookup,
            &keys.ocsp_key,
            &keys.ocsp,
            system_time(now),
            Some(system_time(now + OCSP_VALIDITY)),
        )
        .map_err(internal)?;
        let der: Arc<[u8]> = response.der().into();
        if parsed.nonce().is_none() {
            self.authority
                .keep_if_current(&self.authority.answers, generation, |answers| {
                    if answers.len() >= OCSP_CACHE_MAX {
                        answers.clear();
                    }
                    answers.insert(
                        request.to_vec(),
                        CachedAnswer {
                            der: der.clone(),
                            produced_at: now,
                        },
                    );
                });
        }
        Ok(der)
    }

    /// The hosted centres' CA certificates (cached).
    async fn hosted_issuers(&self) -> Result<Issuers> {
        if let Some(list) = self.authority.issuers.read().expect("cache lock").as_ref() {
            return Ok(list.clone());
        }
        let generation = self.authority.generation();
        let list: Vec<_> = self
            .registry()
            .await?
            .centres
            .iter()
            .filter(|entry| entry.centre.hosted)
            .map(|entry| (entry.centre.id.clone(), entry.chain[0].clone()))
            .collect();
        let list = Arc::new(list);
        self.authority
            .keep_if_current(&self.authority.issuers, generation, |issuers| {
                *issuers = Some(list.clone())
            });
        Ok(list)
    }

    async fn record_certificate(
        &self,
        tx: &mut Tx,
        ctx: &Context,
        by: Option<&Principal>,
        cert: &IssuedCertificate,
        action: Action,
        details: &str,
    ) -> Result<()> {
        self.record(
            tx,
            ctx,
            Record {
                account: cert.account_id.as_deref(),
                actor: by.map(|p| p.account_id.as_str()),
                action,
                object: Some(format!("certificate:{}/{}", cert.centre_id, cert.serial)),
                ok: true,
                details: if details.is_empty() {
                    cert.subject.clone()
                } else {
                    wording::SUBJECT_WITH.fill(&[&cert.subject, &details])
                },
            },
        )
        .await
    }
}
