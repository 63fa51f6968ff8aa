//! Binding ("activating") a qualified certificate to an account, as the guides describe: the
//! citizen uploads the certificate; the portal checks its chain to a centre whose accreditation
//! is in force, its dates, its revocation and the qualified profile, and that its SNILS (and INN)
//! are the account's; then the citizen proves they hold the key — a CMS signature over a
//! challenge, made with `podpis sign` on their token or key file — and confirms with a one-time
//! code. Every refusal names the check that failed.

use std::time::{Duration, UNIX_EPOCH};

use podpis_keys::Signer;
use podpis_pki::Certificate;
use podpis_pki::cades::{DigestAlgorithm, SignRequest, SignedMessage, sign, verify_signer};
use podpis_pki::crl::Crl;
use podpis_pki::issue::normalize_serial;
use podpis_pki::ocsp::{CertId, CertIdHash, OcspRequest, OcspResponse, ResponseStatus};
use podpis_pki::subject::SubjectInfo;
use podpis_pki::validate::{Options, TrustStore, validate};
use podpis_store::{Binding, Centre, Tx};

use crate::accounts::BIND;
use crate::applications::Status;
use crate::centres::internal;
use crate::journal::{Action, Record};
use crate::verification::RegistryCentre;
use crate::wording;
use crate::{
    CodeTicket, Context, Error, Lang, Missing, Portal, Principal, Result, check_text, secret,
};

/// How long a started binding waits for its proof and code.
const BINDING_TTL: i64 = 15 * 60;
/// How long fetching an external centre's CRL or OCSP answer may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// How many days before a bound certificate ends its owner is warned.
pub const EXPIRY_WARNINGS: [i64; 3] = [30, 7, 1];

/// A binding waiting for its proof of possession and code.
#[derive(Clone, Debug)]
pub struct BindingChallenge {
    /// The binding.
    pub binding_id: String,
    /// The text to sign with the certificate's key (a detached CMS signature of these bytes).
    pub challenge: String,
    /// The one-time code sent by SMS.
    pub code: CodeTicket,
    /// The certificate's serial (upper-case hex).
    pub serial: String,
    /// The issuing centre.
    pub centre_id: String,
}

/// A certificate issued to the principal through one of their applications and not bound yet
/// (binding it closes the application).
#[derive(Clone, Debug)]
pub struct IssuedToMe {
    /// The application it was issued for.
    pub application_id: String,
    /// The issuing centre.
    pub centre_id: String,
    /// Its serial (upper-case hex).
    pub serial: String,
    /// The certificate (DER).
    pub der: Vec<u8>,
    /// When it ends (Unix seconds).
    pub not_after: i64,
    /// Its key is a cloud key in the portal's vault (the PIN proves possession).
    pub cloud: bool,
}

fn refuse(ru: String, en: String) -> Error {
    Error::invalid("certificate", ru, en)
}

/// The refusal when the revocation status cannot be learnt, and why.
fn status_unknown(why: String) -> Error {
    refuse(
        format!("Статус отзыва не удалось проверить: {why}. Повторите позже."),
        format!("The revocation status could not be checked: {why}. Try again later."),
    )
}

/// The body of a successful answer to `request`, within [`FETCH_TIMEOUT`].
async fn fetch(request: reqwest::RequestBuilder) -> reqwest::Result<Vec<u8>> {
    request
        .timeout(FETCH_TIMEOUT)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)?
        .bytes()
        .await
        .map(|b| b.to_vec())
}

/// Asks the OCSP responder at `url` about `cert` (issued by `issuer`), with a nonce it must
/// echo if it echoes one. The answer's signature and status are checked by the validation.
async fn ask_ocsp(
    url: &str,
    cert: &Certificate,
    issuer: &Certificate,
) -> std::result::Result<OcspResponse, String> {
    let id = CertId::of(CertIdHash::Sha1, cert, issuer).map_err(|e| e.to_string())?;
    let nonce = secret::random_bytes(16);
    let request = OcspRequest::new(&[id], Some(&nonce)).map_err(|e| e.to_string())?;
    let body = fetch(
        reqwest::Client::new()
            .post(url)
            .header("content-type", "application/ocsp-request")
            .body(request.der().to_vec()),
    )
    .await
    .map_err(|e| e.to_string())?;
    let answer = OcspResponse::from_der(&body).map_err(|e| e.to_string())?;
    if answer.status() != ResponseStatus::Successful {
        return Err(format!(
            "the responder answered {}",
            podpis_pki::ocsp::status_name(answer.status())
        ));
    }
    if answer.nonce().is_some_and(|echoed| echoed != nonce) {
        return Err("the responder's answer carries another nonce".into());
    }
    Ok(answer)
}

impl Portal {
    /// The CRL that says whether `centre`'s certificates are revoked: a hosted centre's own, an
    /// external centre's fetched from its URL.
    async fn current_crl(&self, centre: &Centre) -> Result<Crl> {
        if centre.hosted {
            return Ok(self.crl(&centre.id).await?.crl.clone());
        }
        let url = centre
            .crl_url
            .as_deref()
            .ok_or_else(|| status_unknown("the centre publishes no CRL".into()))?;
        let bytes = fetch(reqwest::Client::new().get(url))
            .await
            .map_err(|e| status_unknown(format!("{url}: {e}")))?;
        Crl::load(&bytes).map_err(|e| status_unknown(format!("{url}: {e}")))
    }

    /// What says whether `cert`, issued by `centre`'s CA certificate `issuer`, is revoked: a
    /// hosted centre's own CRL; for an external centre its OCSP responder's answer, asked now
    /// with a nonce — or, when it has no responder or the responder fails, its CRL.
    pub(crate) async fn revocation_evidence(
        &self,
        centre: &Centre,
        cert: &Certificate,
        issuer: &Certificate,
    ) -> Result<(Vec<Crl>, Vec<OcspResponse>)> {
        let Some(url) = centre.ocsp_url.as_deref().filter(|_| !centre.hosted) else {
            return Ok((vec![self.current_crl(centre).await?], Vec::new()));
        };
        match ask_ocsp(url, cert, issuer).await {
            Ok(answer) => Ok((Vec::new(), vec![answer])),
            Err(why) if centre.crl_url.is_some() => {
                tracing::warn!(centre = %centre.id, %why, "OCSP failed; using the CRL");
                Ok((vec![self.current_crl(centre).await?], Vec::new()))
            }
            Err(why) => Err(status_unknown(format!("{url}: {why}"))),
        }
    }

    /// The registry centre of `cert` with its CA chain, parsed, once the certificate is usable
    /// now: its centre accredited, its path to the centre valid, not revoked (by the centre's
    /// CRL or OCSP responder), and to the qualified profile. Otherwise a refusal that says which
    /// check failed.
    pub(crate) async fn usable_now(&self, cert: &Certificate) -> Result<RegistryCentre> {
        let registry = self.registry().await?;
        let Some(entry) = registry.centre_of(cert) else {
            return Err(refuse(
                "Сертификат выдан не аккредитованным удостоверяющим центром из реестра портала."
                    .into(),
                "The certificate was not issued by an accredited centre of the portal's registry."
                    .into(),
            ));
        };
        let RegistryCentre { centre, chain } = entry;
        let now = self.now();
        if !centre.accredited_at(now) {
            return Err(refuse(
                format!("Аккредитация центра «{}» не действует.", centre.name),
                format!("The accreditation of «{}» is not in force.", centre.name),
            ));
        }
        let (anchor, intermediates) = chain.split_last().expect("a centre has a certificate");
        let (crls, ocsp) = self.revocation_evidence(centre, cert, &chain[0]).await?;
        let options = Options {
            time: UNIX_EPOCH + Duration::from_secs(now.max(0) as u64),
            crls,
            ocsp,
            require_revocation: true,
            qualified: true,
            ..Options::default()
        };
        let report = validate(
            cert,
            intermediates,
            &TrustStore::new(vec![anchor.clone()]),
            &options,
        );
        if !report.passed() {
            let why = serde_json::to_value(report.sub_indication)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let failed = report.checks.iter().find(|c| !c.passed);
            let detail =
                |lang| failed.map_or_else(String::new, |c| check_text(c.check, &c.detail, lang));
            return Err(refuse(
                format!(
                    "Сертификат не прошёл проверку ({why}): {}",
                    detail(Lang::Ru)
                ),
                format!(
                    "The certificate failed its checks ({why}): {}",
                    detail(Lang::En)
                ),
            ));
        }
        Ok(entry.clone())
    }

    /// Starts binding the certificate in `bytes` (PEM or DER) to the principal's account: checks
    /// it, then sends a code by SMS and returns the challenge to sign.
    pub async fn bind_begin(
        &self,
        ctx: &Context,
        who: &Principal,
        bytes: &[u8],
    ) -> Result<BindingChallenge> {
        self.limit_address(ctx, "bind").await?;
        let cert = Certificate::load_all(bytes)
            .ok()
            .and_then(|all| all.into_iter().next())
            .ok_or_else(|| {
                refuse(
                    "Файл не является сертификатом X.509 (.cer, DER или PEM).".into(),
                    "The file is not an X.509 certificate (.cer, DER or PEM).".into(),
                )
            })?;
        let centre = self.usable_now(&cert).await?.centre;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let account = tx
            .account(&who.account_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let subject = SubjectInfo::from_attributes(&cert.subject()).unwrap_or_default();
        let Some(snils) = account.snils.as_deref() else {
            return Err(Error::invalid(
                "snils",
                "Укажите СНИЛС в профиле: по нему сертификат сверяется с учётной записью.",
                "Add your SNILS to the profile: the certificate is matched to the account by it.",
            ));
        };
        if subject.snils.as_deref() != Some(snils) {
            return Err(refuse(
                "СНИЛС в сертификате не совпадает со СНИЛС учётной записи.".into(),
                "The certificate's SNILS is not the account's SNILS.".into(),
            ));
        }
        if let (Some(mine), Some(theirs)) = (account.inn.as_deref(), subject.inn.as_deref())
            && mine != theirs
        {
            return Err(refuse(
                "ИНН в сертификате не совпадает с ИНН учётной записи.".into(),
                "The certificate's INN is not the account's INN.".into(),
            ));
        }
        if let Some(theirs) = subject.ogrn.as_deref()
            && account.ogrn.as_deref() != Some(theirs)
        {
            return Err(refuse(
                format!(
                    "Это сертификат должностного лица организации с ОГРН {theirs}: укажите этот ОГРН в профиле (организация, от имени которой вы действуете)."
                ),
                format!(
                    "This is the certificate of an officer of the organization with OGRN {theirs}: add that OGRN to your profile (the organization you act for)."
                ),
            ));
        }
        let serial = normalize_serial(&cert.serial_hex());
        if tx.connected_binding(&centre.id, &serial).await?.is_some() {
            return Err(Error::conflict(
                "Этот сертификат уже привязан к учётной записи.",
                "This certificate is bound to an account already.",
            ));
        }
        let code = self.send_code(&mut tx, ctx, &account, BIND).await?;
        let challenge = format!(
            "Podpis: привязка сертификата {serial} ({}) к учётной записи {}, {}",
            centre.id,
            account.id,
            secret::new_token()
        );
        let binding = Binding {
            id: secret::new_id(),
            account_id: account.id.clone(),
            centre_id: centre.id.clone(),
            serial: serial.clone(),
            der: cert.der().to_vec(),
            challenge: challenge.clone(),
            code_id: code.id.clone(),
            status: "pending".into(),
            not_after: cert.validity().1.as_secs() as i64,
            created_at: now,
            bound_at: None,
            ended_at: None,
        };
        tx.insert_binding(&binding).await?;
        self.record_binding(&mut tx, ctx, &binding, Action::BindingStarted, true, "")
            .await?;
        tx.commit().await?;
        Ok(BindingChallenge {
            binding_id: binding.id,
            challenge,
            code,
            serial,
            centre_id: centre.id,
        })
    }

    /// Finishes binding `binding_id`: `proof` must be a CMS signature (detached over the
    /// challenge, or attached with it) made with the certificate's key, and `code` the code
    /// sent. The certificate is then "connected".
    pub async fn bind_finish(
        &self,
        ctx: &Context,
        who: &Principal,
        binding_id: &str,
        proof: &[u8],
        code: &str,
    ) -> Result<Binding> {
        self.limit_address(ctx, "bind").await?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let binding = own_binding(&mut tx, who, binding_id).await?;
        if binding.status != "pending" || now >= binding.created_at + BINDING_TTL {
            return Err(Error::conflict(
                "Привязка не ожидает подтверждения (завершена или просрочена): начните заново.",
                "This binding is not waiting for confirmation (done or expired): start again.",
            ));
        }
        if let Err(e) = proves_possession(&binding.der, &binding.challenge, proof) {
            let (ru, en) = (e.text(Lang::Ru), e.text(Lang::En));
            self.record_binding(&mut tx, ctx, &binding, Action::CertificateBound, false, &en)
                .await?;
            tx.commit().await?;
            return Err(Error::invalid(
                "proof",
                format!("Подпись не доказывает владение ключом сертификата: {ru}."),
                format!("The signature does not prove possession of the certificate's key: {en}."),
            ));
        }
        match self
            .check_code(&mut tx, ctx, &binding.code_id, code, &[BIND])
            .await
        {
            Ok(_) => {}
            Err(e @ Error::WrongCode { .. }) => {
                tx.commit().await?;
                return Err(e);
            }
            Err(e) => return Err(e),
        }
        match tx.connect_binding(&binding.id, now).await {
            Ok(true) => {}
            Ok(false) => return Err(Error::NotFound(Missing::Binding)),
            Err(e) if e.is_duplicate_of("bindings") => {
                return Err(Error::conflict(
                    "Этот сертификат уже привязан к учётной записи.",
                    "This certificate is bound to an account already.",
                ));
            }
            Err(e) => return Err(e.into()),
        }
        self.record_binding(&mut tx, ctx, &binding, Action::CertificateBound, true, "")
            .await?;
        if let Some(application) = tx
            .application_of_certificate(&binding.centre_id, &binding.serial)
            .await?
            .filter(|a| a.status == Status::Issued.name())
        {
            self.move_to(
                &mut tx,
                ctx,
                Some(who),
                application,
                Status::Closed,
                wording::CERTIFICATE_BOUND.text(),
            )
            .await?;
        }
        let bound = tx
            .binding(&binding.id)
            .await?
            .ok_or(Error::NotFound(Missing::Binding))?;
        tx.commit().await?;
        Ok(bound)
    }

    /// Finishes binding a cloud key's certificate: the PIN opens the key in the vault, which
    /// signs the challenge as the proof of possession (a wrong PIN counts towards the key's
    /// lock), and `code` is the code sent.
    pub async fn bind_finish_with_pin(
        &self,
        ctx: &Context,
        who: &Principal,
        binding_id: &str,
        pin: &str,
        code: &str,
    ) -> Result<Binding> {
        let binding = own_binding(&mut self.store.read().await?, who, binding_id).await?;
        let key = self
            .unlock_key_of_certificate(ctx, who, &binding.centre_id, &binding.serial, pin)
            .await?;
        let proof = self.prove_with(&key, &binding.der, &binding.challenge)?;
        drop(key);
        self.bind_finish(ctx, who, binding_id, &proof, code).await
    }

    /// A detached CMS signature of `challenge` by `key` (a cloud key opened by its PIN) with its
    /// certificate `der`.
    pub(crate) fn prove_with(
        &self,
        key: &podpis_keys::SoftwareKey,
        der: &[u8],
        challenge: &str,
    ) -> Result<Vec<u8>> {
        let cert = Certificate::from_der(der).map_err(internal)?;
        let algorithm =
            DigestAlgorithm::for_signature(&key.signature_algorithm().oid).map_err(internal)?;
        let digest = algorithm.digest(challenge.as_bytes());
        let request = SignRequest {
            signer: key,
            certificate: &cert,
            chain: &[],
            digest: &digest,
            signing_time: UNIX_EPOCH + Duration::from_secs(self.now().max(0) as u64),
        };
        sign(&request, None)
            .and_then(|m| m.to_der())
            .map_err(internal)
    }

    /// The principal's pending and connected certificates, newest first.
    pub async fn bindings(&self, who: &Principal) -> Result<Vec<Binding>> {
        Ok(self
            .store
            .read()
            .await?
            .bindings_of(&who.account_id)
            .await?)
    }

    /// The certificates issued to the principal that wait to be bound, newest first.
    pub async fn issued_to_me(&self, who: &Principal) -> Result<Vec<IssuedToMe>> {
        let mut tx = self.store.read().await?;
        let mut found = Vec::new();
        for application in tx.applications_of(&who.account_id).await? {
            let Some(serial) = application
                .serial
                .filter(|_| application.status == Status::Issued.name())
            else {
                continue;
            };
            let Some(cert) = tx.certificate(&application.centre_id, &serial).await? else {
                continue;
            };
            if cert.revoked_at.is_some() {
                continue;
            }
            let cloud = tx
                .cloud_key_of_certificate(&application.centre_id, &serial)
                .await?
                .is_some_and(|k| k.account_id == who.account_id);
            found.push(IssuedToMe {
                application_id: application.id,
                centre_id: application.centre_id,
                serial,
                der: cert.der,
                not_after: cert.not_after,
                cloud,
            });
        }
        Ok(found)
    }

    /// Starts binding the certificate issued for the principal's application `application_id`
    /// (one of [`Portal::issued_to_me`]), as [`Portal::bind_begin`] does for an uploaded one.
    pub async fn bind_issued_begin(
        &self,
        ctx: &Context,
        who: &Principal,
        application_id: &str,
    ) -> Result<BindingChallenge> {
        let issued = self
            .issued_to_me(who)
            .await?
            .into_iter()
            .find(|i| i.application_id == application_id)
            .ok_or(Error::NotFound(Missing::Certificate))?;
        self.bind_begin(ctx, who, &issued.der).await
    }

    /// Unbinds one of the principal's certificates (the certificate itself stays valid).
    pub async fn unbind(&self, ctx: &Context, who: &Principal, binding_id: &str) -> Result<()> {
        let mut tx = self.store.begin().await?;
        let binding = tx
            .binding(binding_id)
            .await?
            .filter(|b| b.account_id == who.account_id && b.status != "ended")
            .ok_or(Error::NotFound(Missing::Binding))?;
        tx.end_binding(&binding.id, self.now()).await?;
        self.record_binding(
            &mut tx,
            ctx,
            &binding,
            Action::CertificateUnbound,
            true,
            wording::BY_OWNER.text(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The scheduled job: warns, by SMS and e-mail, the owners of connected certificates that
    /// end within 30, 7 or 1 days — each warning once, whichever node runs the job and however
    /// often (a certificate first seen with 5 days left gets the 7-day warning only). Returns
    /// how many warnings were queued.
    pub async fn warn_expiring(&self) -> Result<usize> {
        let now = self.now();
        let longest = EXPIRY_WARNINGS[0];
        let due = self
            .store
            .read()
            .await?
            .bindings_expiring(now, now + longest * 86_400)
            .await?;
        let mut sent = 0;
        for binding in due {
            let left = binding.not_after - now;
            let days = EXPIRY_WARNINGS
                .into_iter()
                .filter(|d| left <= d * 86_400)
                .min()
                .expect("within the longest threshold");
            let mut tx = self.store.begin().await?;
            if !tx.claim_expiry_warning(&binding.id, days, now).await? {
                continue;
            }
            let Some(account) = tx.account(&binding.account_id).await? else {
                continue;
            };
            let lang = crate::Lang::parse(&account.language);
            let until = crate::timestamp(binding.not_after);
            let body = match lang {
                crate::Lang::Ru => format!(
                    "Podpis: срок действия вашего сертификата {} (УЦ {}) истекает {until}. \
                     Перевыпустите его в личном кабинете, пока он действует.",
                    binding.serial, binding.centre_id
                ),
                crate::Lang::En => format!(
                    "Podpis: your certificate {} ({}) expires at {until}. Reissue it in your \
                     account while it is still valid.",
                    binding.serial, binding.centre_id
                ),
            };
            let subject = lang.pick("Сертификат скоро истечёт", "Your certificate expires soon");
            self.tell_account(&mut tx, &account, subject, body).await?;
            tx.commit().await?;
            sent += 1;
        }
        Ok(sent)
    }

    pub(crate) async fn record_binding(
        &self,
        tx: &mut podpis_store::Tx,
        ctx: &Context,
        b: &Binding,
        action: Action,
        ok: bool,
        details: &str,
    ) -> Result<()> {
        self.record(
            tx,
            ctx,
            Record {
                account: Some(&b.account_id),
                actor: Some(&b.account_id),
                action,
                object: Some(format!("certificate:{}/{}", b.centre_id, b.serial)),
                ok,
                details: details.to_owned(),
            },
        )
        .await
    }
}

/// Why a signature does not prove possession of a certificate's key.
#[derive(Debug)]
pub(crate) enum NoPossession {
    /// The file is not a CMS signature.
    NotCms(String),
    /// The signature has no signer.
    NoSigner,
    /// The digest algorithm is not one Podpis knows.
    Digest(String),
    /// An attached signature of some other text than the challenge.
    OtherText,
    /// The bound certificate does not parse.
    Certificate(String),
    /// A check of the signature failed: its name and detail, as podpis-pki reports them.
    Failed(&'static str, String),
    /// A valid signature, but by another certificate's key.
    OtherSigner,
}

impl NoPossession {
    /// The reason in `lang`; the journal keeps the English.
    pub(crate) fn text(&self, lang: Lang) -> String {
        let (ru, en) = match self {
            NoPossession::NotCms(e) => (
                format!("файл не является подписью CMS ({e})"),
                format!("not a CMS signature: {e}"),
            ),
            NoPossession::NoSigner => (
                "в подписи нет подписанта".into(),
                "the signature has no signer".into(),
            ),
            NoPossession::Digest(e) => (
                format!("алгоритм хэширования не поддерживается ({e})"),
                e.clone(),
            ),
            NoPossession::OtherText => (
                "подписан не тот текст, что был предложен".into(),
                "the signed text is not the challenge".into(),
            ),
            NoPossession::Certificate(e) => (format!("сертификат не читается ({e})"), e.clone()),
            NoPossession::Failed(check, detail) => (
                check_text(check, detail, Lang::Ru),
                check_text(check, detail, Lang::En),
            ),
            NoPossession::OtherSigner => (
                "подписано ключом другого сертификата".into(),
                "signed with another certificate".into(),
            ),
        };
        lang.pick(&ru, &en).to_owned()
    }
}

/// Whether `proof` is a valid CMS signature over `challenge` by the certificate `der`; the
/// reason when not.
pub(crate) fn proves_possession(
    der: &[u8],
    challenge: &str,
    proof: &[u8],
) -> core::result::Result<(), NoPossession> {
    let message =
        SignedMessage::from_bytes(proof).map_err(|e| NoPossession::NotCms(e.to_string()))?;
    let algorithm = message
        .digest_algorithms()
        .into_iter()
        .next()
        .ok_or(NoPossession::NoSigner)?
        .map_err(|e| NoPossession::Digest(e.to_string()))?;
    if let Some(content) = message.content()
        && content != challenge.as_bytes()
    {
        return Err(NoPossession::OtherText);
    }
    let cert = Certificate::from_der(der).map_err(|e| NoPossession::Certificate(e.to_string()))?;
    let check = verify_signer(
        &message,
        0,
        &algorithm.digest(challenge.as_bytes()),
        std::slice::from_ref(&cert),
    );
    if let Some(failed) = check.findings.iter().find(|f| !f.passed) {
        return Err(NoPossession::Failed(failed.check, failed.detail.clone()));
    }
    match check.certificate {
        Some(signer) if signer.der() == cert.der() => Ok(()),
        _ => Err(NoPossession::OtherSigner),
    }
}

/// The principal's binding `id`.
async fn own_binding(tx: &mut Tx, who: &Principal, id: &str) -> Result<Binding> {
    tx.binding(id)
        .await?
        .filter(|b| b.account_id == who.account_id)
        .ok_or(Error::NotFound(Missing::Binding))
}
