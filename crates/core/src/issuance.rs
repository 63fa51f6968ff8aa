//! Issuing the qualified certificate of an application whose applicant's identity the centre
//! confirmed, by the key medium the application names:
//!
//! - **token**: the operator uploads the CSR the applicant made on their token (`podpis csr
//!   create`); its signature proves the key, and the certificate is issued for its public key;
//! - **.p12**: the centre generates the key and hands over a PKCS#12 file whose password is
//!   shown once, to the operator (the portal keeps neither);
//! - **cloud**: the applicant sets a PIN, and the portal generates the key in its vault — the
//!   PKCS#8 encrypted under the PIN, then sealed by the vault key.
//!
//! In every case the subject is the application's verified data (never the CSR's), to the
//! qualified profile, and the application becomes `issued` in the same transaction that stores
//! the certificate.

use podpis_keys::{KeySpec, Signer, SoftwareKey};
use podpis_pki::PublicKey;
use podpis_pki::crl::Reason;
use podpis_pki::csr::Csr;
use podpis_pki::subject::{Profile, SubjectInfo};
use podpis_store::{Application, Binding, CloudKey, IssuedCertificate};
use zeroize::Zeroizing;

use crate::accounts::CLOUD_PIN;
use crate::applications::{ApplicationForm, Medium, Status, SubjectType};
use crate::authority::CertificateRequest;
use crate::centres::internal;
use crate::journal::{Action, Record};
use crate::wording;
use crate::{
    CodeAnswer, CodeTicket, Context, Error, Lang, Missing, Portal, Principal, Result, secret,
};

/// How long an application's certificate is valid.
const VALIDITY_DAYS: u32 = 365;
/// How many wrong PINs lock a cloud key.
pub const MAX_PIN_TRIES: i64 = 3;
/// The key every medium gets: GOST R 34.10-2012, 256 bits.
const KEY_SPEC: &str = "gost2012-256";

/// How the operator issues a token or .p12 application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Issuance {
    /// For the applicant's CSR (PEM or DER), made on their token.
    Csr(Vec<u8>),
    /// With a key the centre generates, in a password-protected PKCS#12 file.
    P12,
}

/// A PKCS#12 file and its password, shown once.
pub struct P12File {
    /// The file (DER).
    pub der: Vec<u8>,
    /// Its password.
    pub password: Zeroizing<String>,
}

/// What issuing gives.
pub struct Issued {
    /// The certificate, stored.
    pub certificate: IssuedCertificate,
    /// For a .p12 application, the file to hand over.
    pub p12: Option<P12File>,
}

/// The qualified profile and subject of `form`'s applicant.
pub(crate) fn subject_of(form: &ApplicationForm) -> (Profile, SubjectInfo) {
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let full_name = [&form.surname, &form.given_name, &form.patronymic]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let given = [&form.given_name, &form.patronymic]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let digits = |s: &str| Some(s.chars().filter(char::is_ascii_digit).collect::<String>());
    let mut info = SubjectInfo {
        common_name: Some(full_name),
        surname: some(&form.surname),
        given_name: Some(given),
        country: Some("RU".into()),
        email: some(&form.email),
        snils: digits(&form.snils),
        inn: digits(&form.inn),
        ..SubjectInfo::default()
    };
    let profile = match form.subject_type {
        SubjectType::Person => Profile::Person,
        SubjectType::Entrepreneur => {
            info.ogrnip = digits(&form.ogrnip);
            Profile::Entrepreneur
        }
        SubjectType::Officer => {
            info.common_name = some(&form.organization);
            info.organization = some(&form.organization);
            info.title = some(&form.title);
            info.region = some(&form.region);
            info.locality = some(&form.locality);
            info.street = some(&form.street);
            info.ogrn = digits(&form.ogrn);
            info.inn_le = digits(&form.inn_le);
            Profile::LegalEntity
        }
    };
    (profile, info)
}

/// A password for a .p12 file: 16 letters and digits without look-alikes.
fn p12_password() -> Zeroizing<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    Zeroizing::new(
        secret::random_bytes(16)
            .iter()
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
            .collect(),
    )
}

/// Refuses a PIN that is not 6 to 12 digits.
fn check_pin(field: &'static str, pin: &str) -> Result<()> {
    if (6..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    Err(Error::invalid(
        field,
        "PIN-код: от 6 до 12 цифр.",
        "The PIN: 6 to 12 digits.",
    ))
}

fn key_spec() -> KeySpec {
    KEY_SPEC.parse().expect("a known key type")
}

impl Portal {
    /// Issues the certificate of an application whose identity was confirmed, for its token
    /// (by CSR) or as a .p12 file; the centre's operators only. The applicant is told.
    pub async fn issue_for_application(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
        how: Issuance,
    ) -> Result<Issued> {
        let (application, form) = self.issuable(id).await?;
        who.require_operator_of(&application.centre_id)?;
        let (key, public_key) = match (&how, form.medium) {
            (Issuance::Csr(bytes), Medium::Token) => (None, self.csr_key(bytes)?),
            (Issuance::P12, Medium::P12) => {
                let key = SoftwareKey::generate(key_spec()).map_err(internal)?;
                let public_key = key.public_key().map_err(internal)?;
                (Some(key), public_key)
            }
            (_, medium) => {
                return Err(Error::conflict(
                    format!(
                        "В заявлении выбран носитель «{}»: выпустите сертификат для него.",
                        medium.name()
                    ),
                    format!(
                        "The application names the key medium «{}»: issue for it.",
                        medium.name()
                    ),
                ));
            }
        };
        let certificate = self
            .issue_application_certificate(ctx, who, application, &form, public_key)
            .await?;
        let p12 = match key {
            Some(key) => {
                let centre = self.centre(&certificate.centre_id).await?;
                let password = p12_password();
                let der = podpis_keys::pkcs12::export(
                    &key,
                    &certificate.der,
                    &centre.chain,
                    password.as_bytes(),
                    Some(&certificate.subject),
                )
                .map_err(internal)?;
                Some(P12File { der, password })
            }
            None => None,
        };
        Ok(Issued { certificate, p12 })
    }

    /// Issues the certificate of the principal's cloud-key application whose identity was
    /// confirmed: the key is generated in the vault under `pin` (6 to 12 digits).
    pub async fn issue_cloud_key(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
        pin: &str,
    ) -> Result<(CloudKey, IssuedCertificate)> {
        check_pin("pin", pin)?;
        let (application, form) = self.issuable(id).await?;
        if application.account_id != who.account_id {
            return Err(Error::NotFound(Missing::Application));
        }
        if form.medium != Medium::Cloud {
            return Err(Error::conflict(
                "В заявлении выбран не облачный ключ.",
                "The application does not name a cloud key.",
            ));
        }
        let key = SoftwareKey::generate(key_spec()).map_err(internal)?;
        let public_key = key.public_key().map_err(internal)?;
        let certificate = self
            .issue_application_certificate(ctx, who, application, &form, public_key)
            .await?;
        let id = secret::new_id();
        let cloud = CloudKey {
            sealed_key: self.seal_cloud_key(&id, &key, pin)?,
            id,
            account_id: who.account_id.clone(),
            centre_id: certificate.centre_id.clone(),
            serial: certificate.serial.clone(),
            failed_pins: 0,
            created_at: self.now(),
        };
        let mut tx = self.store.begin().await?;
        tx.insert_cloud_key(&cloud).await?;
        tx.commit().await?;
        Ok((cloud, certificate))
    }

    /// The principal's cloud keys.
    pub async fn cloud_keys(&self, who: &Principal) -> Result<Vec<CloudKey>> {
        let mut tx = self.store.read().await?;
        Ok(tx.cloud_keys_of(&who.account_id).await?)
    }

    /// Starts changing the PIN of the principal's cloud key: a code goes out by SMS.
    pub async fn change_pin_begin(
        &self,
        ctx: &Context,
        who: &Principal,
        key_id: &str,
    ) -> Result<CodeTicket> {
        self.cloud_key_code(ctx, who, key_id, |_| Ok(())).await
    }

    /// Starts unlocking the principal's cloud key that wrong PINs locked: a code goes out.
    pub async fn unlock_key_begin(
        &self,
        ctx: &Context,
        who: &Principal,
        key_id: &str,
    ) -> Result<CodeTicket> {
        self.cloud_key_code(ctx, who, key_id, |cloud| {
            if cloud.failed_pins >= MAX_PIN_TRIES {
                Ok(())
            } else {
                Err(Error::conflict(
                    "Облачный ключ не заблокирован.",
                    "The cloud key is not locked.",
                ))
            }
        })
        .await
    }

    /// Unlocks the principal's locked cloud key once the code is right: the PIN's tries start
    /// again (the PIN itself stays).
    pub async fn unlock_key_finish(
        &self,
        ctx: &Context,
        who: &Principal,
        key_id: &str,
        answer: CodeAnswer<'_>,
    ) -> Result<()> {
        let mut tx = self.store.begin().await?;
        let cloud = self.own_cloud_key(&mut tx, who, key_id).await?;
        if let Err(e) = self
            .check_code(&mut tx, ctx, answer.id, answer.code, &[CLOUD_PIN])
            .await
        {
            tx.commit().await?;
            return Err(e);
        }
        tx.set_failed_pins(&cloud.id, 0).await?;
        self.record(
            &mut tx,
            ctx,
            Record::own(
                &who.account_id,
                Action::KeyUnlocked,
                Some(format!("certificate:{}/{}", cloud.centre_id, cloud.serial)),
                String::new(),
            ),
        )
        .await?;
        Ok(tx.commit().await?)
    }

    /// Sends a code for an operation on the principal's cloud key `key_id`, once `allowed`
    /// lets it go ahead.
    async fn cloud_key_code(
        &self,
        ctx: &Context,
        who: &Principal,
        key_id: &str,
        allowed: impl FnOnce(&CloudKey) -> Result<()>,
    ) -> Result<CodeTicket> {
        let mut tx = self.store.begin().await?;
        allowed(&self.own_cloud_key(&mut tx, who, key_id).await?)?;
        let account = tx
            .account(&who.account_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let ticket = self.send_code(&mut tx, ctx, &account, CLOUD_PIN).await?;
        tx.commit().await?;
        Ok(ticket)
    }

    /// Changes the PIN of the principal's cloud key: the old PIN first (a wrong one counts
    /// towards the lock), then the code, then the new PIN seals the key.
    pub async fn change_pin_finish(
        &self,
        ctx: &Context,
        who: &Principal,
        key_id: &str,
        answer: CodeAnswer<'_>,
        old_pin: &str,
        new_pin: &str,
    ) -> Result<()> {
        check_pin("new_pin", new_pin)?;
        // Both key derivations (the old PIN's and the new one's) run before the transaction.
        let read = self
            .own_cloud_key(&mut self.store.read().await?, who, key_id)
            .await?;
        refuse_locked(&read)?;
        let resealed = self
            .open_cloud_key(&read, old_pin)?
            .map(|key| self.seal_cloud_key(&read.id, &key, new_pin))
            .transpose()?;
        let mut tx = self.store.begin().await?;
        let cloud = self.own_cloud_key(&mut tx, who, key_id).await?;
        let resealed = match self.count_pin(&mut tx, ctx, &read, &cloud, resealed).await {
            Ok(resealed) => resealed,
            Err(e) => {
                tx.commit().await?;
                return Err(e);
            }
        };
        if let Err(e) = self
            .check_code(&mut tx, ctx, answer.id, answer.code, &[CLOUD_PIN])
            .await
        {
            tx.commit().await?;
            return Err(e);
        }
        tx.reseal_cloud_key(&cloud.id, &resealed).await?;
        self.record(
            &mut tx,
            ctx,
            Record::own(
                &who.account_id,
                Action::PinChanged,
                Some(format!("certificate:{}/{}", cloud.centre_id, cloud.serial)),
                String::new(),
            ),
        )
        .await?;
        Ok(tx.commit().await?)
    }

    /// The key of the principal's cloud key of certificate `serial` of `centre_id`, opened with
    /// `pin`. The key is read and opened (the costly key derivation) in no transaction, so that
    /// the writers' turn is not held meanwhile; then a transaction counts the PIN: a wrong one is
    /// counted and journaled, a locked key refused, and a key resealed in between refused with
    /// nothing counted.
    pub(crate) async fn unlock_key_of_certificate(
        &self,
        ctx: &Context,
        who: &Principal,
        centre_id: &str,
        serial: &str,
        pin: &str,
    ) -> Result<SoftwareKey> {
        let cloud = self
            .store
            .read()
            .await?
            .cloud_key_of_certificate(centre_id, serial)
            .await?
            .filter(|k| k.account_id == who.account_id)
            .ok_or(Error::NotFound(Missing::CloudKey))?;
        refuse_locked(&cloud)?;
        let opened = self.open_cloud_key(&cloud, pin)?;
        let mut tx = self.store.begin().await?;
        let now = tx
            .cloud_key(&cloud.id)
            .await?
            .ok_or(Error::NotFound(Missing::CloudKey))?;
        let key = self.count_pin(&mut tx, ctx, &cloud, &now, opened).await;
        tx.commit().await?;
        key
    }

    /// The key of `cloud` opened with `pin`, or None when the PIN is wrong. Only the vault and
    /// the PIN's key derivation (the costly part) run here, no transaction: a caller that opens
    /// the key before its transaction does not hold the writers' turn meanwhile, and then
    /// counts the outcome with [`Portal::count_pin`].
    pub(crate) fn open_cloud_key(
        &self,
        cloud: &CloudKey,
        pin: &str,
    ) -> Result<Option<SoftwareKey>> {
        let vault = self.authority.vault()?;
        let encrypted = vault.open_bytes(&format!("cloud:{}", cloud.id), &cloud.sealed_key)?;
        Ok(podpis_keys::file::load(&encrypted, Some(pin.as_bytes())).ok())
    }

    /// Counts, inside `tx`, the outcome of opening `read` (the key as read before `tx`) with a
    /// PIN; `cloud` is the same key as read in `tx`. `opened` is what the PIN gave (the key, or
    /// what was made with it) when it was right. A key resealed in between is refused with
    /// nothing counted; a locked key is refused; a right PIN clears the count of wrong ones and
    /// gives `opened` back; a wrong one is counted and journaled (commit `tx` to keep the count).
    pub(crate) async fn count_pin<K>(
        &self,
        tx: &mut podpis_store::Tx,
        ctx: &Context,
        read: &CloudKey,
        cloud: &CloudKey,
        opened: Option<K>,
    ) -> Result<K> {
        same_sealing(read, cloud)?;
        refuse_locked(cloud)?;
        if let Some(key) = opened {
            if cloud.failed_pins > 0 {
                tx.set_failed_pins(&cloud.id, 0).await?;
            }
            return Ok(key);
        }
        let failed = cloud.failed_pins + 1;
        tx.set_failed_pins(&cloud.id, failed).await?;
        self.record(
            tx,
            ctx,
            Record {
                account: Some(&cloud.account_id),
                actor: Some(&cloud.account_id),
                action: Action::PinRejected,
                object: Some(format!("certificate:{}/{}", cloud.centre_id, cloud.serial)),
                ok: false,
                details: wording::WRONG_PIN.fill(&[&failed, &MAX_PIN_TRIES]),
            },
        )
        .await?;
        let left = MAX_PIN_TRIES - failed;
        Err(Error::invalid(
            "pin",
            format!("Неверный PIN-код. Осталось попыток: {left}."),
            format!("Wrong PIN. Tries left: {left}."),
        ))
    }

    /// `key` encrypted under `pin`, then sealed by the vault for cloud key `id`.
    fn seal_cloud_key(&self, id: &str, key: &SoftwareKey, pin: &str) -> Result<String> {
        let vault = self.authority.vault()?;
        let encrypted = podpis_keys::file::encrypt_pem_with(
            key,
            pin.as_bytes(),
            self.policy.pin_kdf_iterations,
        )
        .map_err(internal)?;
        vault.seal_bytes(&format!("cloud:{id}"), encrypted.as_bytes())
    }

    async fn own_cloud_key(
        &self,
        tx: &mut podpis_store::Tx,
        who: &Principal,
        key_id: &str,
    ) -> Result<CloudKey> {
        tx.cloud_key(key_id)
            .await?
            .filter(|k| k.account_id == who.account_id)
            .ok_or(Error::NotFound(Missing::CloudKey))
    }

    /// The application `id` and its form, refused unless its identity was confirmed.
    async fn issuable(&self, id: &str) -> Result<(Application, ApplicationForm)> {
        let application = {
            let mut tx = self.store.read().await?;
            tx.application(id)
                .await?
                .ok_or(Error::NotFound(Missing::Application))?
        };
        if application.status != Status::IdentityVerified.name() {
            let status = Status::from_name(&application.status).unwrap_or(Status::Closed);
            return Err(Error::conflict(
                format!(
                    "Сертификат выпускается после подтверждения личности; заявление в состоянии «{}».",
                    status.title(Lang::Ru)
                ),
                format!(
                    "A certificate is issued once the identity is confirmed; the application is «{}».",
                    status.title(Lang::En)
                ),
            ));
        }
        let form = serde_json::from_str(&application.form).map_err(internal)?;
        Ok((application, form))
    }

    /// The public key of a CSR, whose signature must verify.
    fn csr_key(&self, bytes: &[u8]) -> Result<spki::SubjectPublicKeyInfoOwned> {
        let refuse = |why: String| {
            Error::invalid(
                "csr",
                format!("Запрос на сертификат не принят: {why}."),
                format!("The certificate request was refused: {why}."),
            )
        };
        let csr = Csr::load(bytes).map_err(|e| refuse(e.to_string()))?;
        csr.verify()
            .map_err(|e| refuse(format!("its signature: {e}")))?;
        match csr.public_key() {
            Ok(PublicKey::Gost(_)) => Ok(csr.public_key_info().clone()),
            _ => Err(refuse(
                "a qualified certificate needs a GOST R 34.10-2012 key".into(),
            )),
        }
    }

    /// Signs the certificate of `application` for `public_key` and, in one transaction, stores
    /// it, moves the application to `issued` and tells the applicant.
    async fn issue_application_certificate(
        &self,
        ctx: &Context,
        who: &Principal,
        application: Application,
        form: &ApplicationForm,
        public_key: spki::SubjectPublicKeyInfoOwned,
    ) -> Result<IssuedCertificate> {
        let (profile, subject) = subject_of(form);
        let request = CertificateRequest {
            profile,
            subject,
            public_key,
            days: VALIDITY_DAYS,
            account_id: Some(application.account_id.clone()),
        };
        let reissue = !form.reissue_of.is_empty();
        // identificationKind: 1 when the current key's signature identified the applicant.
        let certificate = self
            .sign_certificate(&application.centre_id, &request, u8::from(reissue))
            .await?;
        let keys = if reissue {
            Some(self.hosted_keys(&application.centre_id).await?)
        } else {
            None
        };
        let mut tx = self.store.begin().await?;
        let application = tx
            .application(&application.id)
            .await?
            .ok_or(Error::NotFound(Missing::Application))?;
        self.record_issued(&mut tx, ctx, Some(who), &certificate)
            .await?;
        tx.set_application_serial(&application.id, &certificate.serial)
            .await?;
        let details = wording::CERTIFICATE.fill(&[&certificate.serial]);
        let mut application = self
            .move_to(
                &mut tx,
                ctx,
                Some(who),
                application,
                Status::Issued,
                &details,
            )
            .await?;
        if let Some(keys) = &keys {
            application = self
                .supersede(
                    &mut tx,
                    ctx,
                    who,
                    keys,
                    application,
                    &form.reissue_of,
                    &certificate,
                )
                .await?;
        }
        let account = tx
            .account(&application.account_id)
            .await?
            .ok_or(Error::NotFound(Missing::Account))?;
        let lang = Lang::parse(&account.language);
        let body = match (lang, reissue) {
            (Lang::Ru, false) => format!(
                "Квалифицированный сертификат выпущен (серийный номер {}). Привяжите его к учётной записи в разделе «Электронная подпись».",
                certificate.serial
            ),
            (Lang::En, false) => format!(
                "Your qualified certificate is issued (serial {}). Bind it to your account under «Signatures».",
                certificate.serial
            ),
            (Lang::Ru, true) => format!(
                "Сертификат перевыпущен (серийный номер {}) и привязан к учётной записи; прежний сертификат {} отозван.",
                certificate.serial, form.reissue_of
            ),
            (Lang::En, true) => format!(
                "Your certificate is reissued (serial {}) and bound to your account; the previous one, {}, is revoked.",
                certificate.serial, form.reissue_of
            ),
        };
        let subject = lang.pick("Сертификат выпущен", "Certificate issued");
        self.tell_account(&mut tx, &account, subject, body).await?;
        tx.commit().await?;
        if keys.is_some() {
            self.authority.forget();
        }
        Ok(certificate)
    }

    /// Finishes a reissue inside `tx`: the replaced certificate `old` is revoked as superseded
    /// (its binding ends), the new one is bound in its place, and the application closes.
    #[allow(clippy::too_many_arguments)]
    async fn supersede(
        &self,
        tx: &mut podpis_store::Tx,
        ctx: &Context,
        who: &Principal,
        keys: &crate::authority::HostedKeys,
        application: Application,
        old: &str,
        new: &IssuedCertificate,
    ) -> Result<Application> {
        let centre = application.centre_id.clone();
        if tx
            .certificate(&centre, old)
            .await?
            .is_some_and(|c| c.revoked_at.is_none())
        {
            self.revoke_in(tx, ctx, Some(who), keys, &centre, old, Reason::Superseded)
                .await?;
        }
        let now = self.now();
        let binding = Binding {
            id: secret::new_id(),
            account_id: application.account_id.clone(),
            centre_id: centre,
            serial: new.serial.clone(),
            der: new.der.clone(),
            challenge: format!("reissue of {old}"),
            code_id: String::new(),
            status: "connected".into(),
            not_after: new.not_after,
            created_at: now,
            bound_at: Some(now),
            ended_at: None,
        };
        tx.insert_binding(&binding).await?;
        let details = wording::REISSUE_OF.fill(&[&old]);
        self.record_binding(tx, ctx, &binding, Action::CertificateBound, true, &details)
            .await?;
        self.move_to(tx, ctx, Some(who), application, Status::Closed, &details)
            .await
    }
}

/// Refuses a cloud key locked after [`MAX_PIN_TRIES`] wrong PINs.
pub(crate) fn refuse_locked(cloud: &CloudKey) -> Result<()> {
    if cloud.failed_pins >= MAX_PIN_TRIES {
        return Err(Error::conflict(
            "Облачный ключ заблокирован после трёх неверных PIN-кодов: разблокируйте его кодом из SMS в разделе «Электронные подписи».",
            "The cloud key is locked after three wrong PINs: unlock it with an SMS code under «Electronic signatures».",
        ));
    }
    Ok(())
}

/// Refuses `now`, a cloud key read in a transaction, unless it is sealed as when it was `read`
/// before (its PIN not changed in between).
fn same_sealing(read: &CloudKey, now: &CloudKey) -> Result<()> {
    if read.sealed_key != now.sealed_key {
        return Err(Error::conflict(
            "Облачный ключ изменился, пока шла операция (например, сменили PIN-код): повторите её.",
            "The cloud key changed meanwhile (its PIN, say): try again.",
        ));
    }
    Ok(())
}
