//! The registry of accredited certification centres (УЦ) that the administrator keeps: the
//! centres this portal hosts (their CA keys in the vault) and the external ones it only trusts.
//! The portal trusts a centre exactly while its accreditation is in force.

use std::time::{Duration, UNIX_EPOCH};

use podpis_keys::{KeySpec, Signer as _, SoftwareKey};
use podpis_pki::Certificate;
use podpis_pki::issue::{CertificateParams, issue, random_serial};
use podpis_pki::subject::{Profile, SubjectInfo};
use podpis_store::{Centre, Tx};

use crate::journal::{Action, Record};
use crate::wording;
use crate::{Context, Error, Missing, Portal, Principal, Result, validate};

/// How long a hosted centre's CA certificate is valid: ten years.
const CA_VALIDITY: Duration = Duration::from_secs(3650 * 24 * 3600);

/// What the administrator fills in for a centre.
#[derive(Clone, Debug, Default)]
pub struct CentreForm {
    /// Short identifier for URLs: 2–32 lower-case Latin letters, digits and `-`.
    pub id: String,
    /// The centre's name.
    pub name: String,
    /// ИНН of the legal entity (10 digits).
    pub inn: String,
    /// ОГРН (13 digits).
    pub ogrn: String,
    /// Postal address.
    pub address: String,
    /// The price of a certificate, in kopecks.
    pub price: i64,
    /// Start of the accreditation (Unix seconds; `None`: now).
    pub accredited_from: Option<i64>,
    /// End of the accreditation (Unix seconds).
    pub accredited_until: i64,
}

/// An external centre: its registry data, its CA certificate chain and where it publishes.
#[derive(Clone, Debug, Default)]
pub struct ImportForm {
    /// The registry data.
    pub centre: CentreForm,
    /// Certificates, PEM (one or more) or one DER certificate: the centre's CA certificate
    /// first, then those above it.
    pub chain: Vec<u8>,
    /// Its CRL's URL.
    pub crl_url: Option<String>,
    /// Its OCSP responder's URL.
    pub ocsp_url: Option<String>,
}

/// The registry data of a form, checked, as a row without chain or URLs yet.
fn checked(form: &CentreForm, now: i64, hosted: bool) -> Result<Centre> {
    let id = form.id.trim().to_owned();
    if !(2..=32).contains(&id.len())
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(Error::invalid(
            "id",
            "Идентификатор центра: от 2 до 32 строчных латинских букв, цифр и «-».",
            "Centre id: 2 to 32 lower-case Latin letters, digits and '-'.",
        ));
    }
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 256 {
        return Err(Error::invalid(
            "name",
            "Название центра: от 1 до 256 знаков.",
            "Centre name: 1 to 256 characters.",
        ));
    }
    let inn = validate::inn_le(&form.inn)?
        .ok_or_else(|| Error::invalid("inn", "Укажите ИНН центра.", "Give the centre's INN."))?;
    let ogrn = validate::ogrn(&form.ogrn)?
        .ok_or_else(|| Error::invalid("ogrn", "Укажите ОГРН центра.", "Give the centre's OGRN."))?;
    let address = form.address.trim().to_owned();
    if address.is_empty() || address.chars().count() > 256 {
        return Err(Error::invalid(
            "address",
            "Адрес: от 1 до 256 знаков.",
            "Address: 1 to 256 characters.",
        ));
    }
    if !(0..=100_000_000).contains(&form.price) {
        return Err(Error::invalid(
            "price",
            "Цена: от 0 до 1 000 000 ₽.",
            "Price: 0 to 1,000,000 RUB.",
        ));
    }
    let from = form.accredited_from.unwrap_or(now);
    if form.accredited_until <= from.max(now) {
        return Err(Error::invalid(
            "accredited_until",
            "Окончание аккредитации должно быть позже её начала и позже текущего момента.",
            "The accreditation must end after it starts and after now.",
        ));
    }
    Ok(Centre {
        id,
        name,
        inn,
        ogrn,
        address,
        price: form.price,
        accredited_from: from,
        accredited_until: form.accredited_until,
        hosted,
        chain: Vec::new(),
        crl_url: None,
        ocsp_url: None,
        created_at: now,
    })
}

/// A duplicate id, said as such.
fn taken(e: podpis_store::Error) -> Error {
    if e.is_duplicate_of("centres") {
        Error::invalid(
            "id",
            "Центр с таким идентификатором уже есть в реестре.",
            "A centre with this id is in the registry already.",
        )
    } else {
        e.into()
    }
}

/// The chain of an imported centre: parsed, each certificate certified by the next, the first a
/// CA certificate valid now.
fn imported_chain(bytes: &[u8], now: i64) -> Result<Vec<Certificate>> {
    let bad = |ru: String, en: String| Error::invalid("chain", ru, en);
    let chain = Certificate::load_all(bytes).map_err(|e| {
        bad(
            format!("Цепочка сертификатов не читается: {e}"),
            format!("The certificate chain cannot be read: {e}"),
        )
    })?;
    let Some(first) = chain.first() else {
        return Err(bad(
            "Приложите сертификат центра.".into(),
            "Attach the centre's certificate.".into(),
        ));
    };
    if !first.is_valid_at(UNIX_EPOCH + Duration::from_secs(now.max(0) as u64)) {
        let (from, until) = first.validity_text();
        return Err(bad(
            format!("Сертификат центра недействителен сейчас (действует с {from} по {until})."),
            format!("The centre's certificate is not valid now (valid from {from} to {until})."),
        ));
    }
    if !first.is_ca() {
        return Err(bad(
            "Первый сертификат цепочки — не сертификат УЦ (нет basicConstraints cA).".into(),
            "The first certificate of the chain is not a CA certificate (no basicConstraints cA)."
                .into(),
        ));
    }
    for (i, pair) in chain.windows(2).enumerate() {
        pair[0].verify_issued_by(&pair[1]).map_err(|e| {
            bad(
                format!("Сертификат {} цепочки не выдан следующим: {e}", i + 1),
                format!(
                    "Certificate {} of the chain is not issued by the next: {e}",
                    i + 1
                ),
            )
        })?;
    }
    Ok(chain)
}

impl Portal {
    /// Adds a centre this portal hosts: makes its CA key (`key`, GOST R 34.10-2012 for a
    /// qualified centre) and self-signed CA certificate, and a delegated OCSP responder key and
    /// certificate; seals both keys in the vault and publishes the first (empty) CRL. `by` is an
    /// administrator, or `None` on the server itself (`podpis centre add`).
    pub async fn add_hosted_centre(
        &self,
        ctx: &Context,
        by: Option<&Principal>,
        form: &CentreForm,
        key: KeySpec,
    ) -> Result<Centre> {
        if let Some(admin) = by {
            admin.require_admin()?;
        }
        let vault = self.authority.vault()?;
        let now = self.now();
        let mut centre = checked(form, now, true)?;
        let origin = &self.rp.origin;
        centre.crl_url = Some(format!("{origin}/crl/{}.crl", centre.id));
        centre.ocsp_url = Some(format!("{origin}/ocsp"));
        let info = SubjectInfo {
            common_name: Some(centre.name.clone()),
            organization: Some(centre.name.clone()),
            country: Some("RU".into()),
            street: Some(centre.address.clone()),
            inn_le: Some(centre.inn.clone()),
            ogrn: Some(centre.ogrn.clone()),
            ..SubjectInfo::default()
        };
        let ca_key = SoftwareKey::generate(key).map_err(internal)?;
        let not_before = UNIX_EPOCH + Duration::from_secs(now as u64);
        let ca_params = CertificateParams {
            profile: Profile::CertificationCentre,
            subject: info.to_name(Profile::CertificationCentre).map_err(|e| {
                Error::invalid(
                    "name",
                    format!("Данные центра не годятся для сертификата: {e}"),
                    format!("The centre's data do not fit a certificate: {e}"),
                )
            })?,
            public_key: ca_key.public_key().map_err(internal)?,
            serial: random_serial(),
            not_before,
            not_after: not_before + CA_VALIDITY,
            path_len: Some(0),
            crl_url: None,
            ocsp_url: None,
            ca_issuers_url: None,
            sign_tool: "Podpis".into(),
            issuer_sign_tool: None,
            identification_kind: 0,
        };
        let ca_cert = issue(&ca_params, &ca_key, None).map_err(internal)?;
        let ocsp_key = SoftwareKey::generate(key).map_err(internal)?;
        let ocsp_info = SubjectInfo {
            common_name: Some(format!("{} OCSP", centre.name)),
            ..info
        };
        let ocsp_params = CertificateParams {
            profile: Profile::OcspResponder,
            subject: ocsp_info
                .to_name(Profile::OcspResponder)
                .map_err(internal)?,
            public_key: ocsp_key.public_key().map_err(internal)?,
            serial: random_serial(),
            path_len: None,
            ..ca_params
        };
        let ocsp_cert = issue(&ocsp_params, &ca_key, Some(&ca_cert)).map_err(internal)?;
        centre.chain = vec![ca_cert.der().to_vec()];
        let mut tx = self.store.begin().await?;
        tx.insert_centre(&centre).await.map_err(taken)?;
        for (purpose, key, cert) in [("ca", &ca_key, &ca_cert), ("ocsp", &ocsp_key, &ocsp_cert)] {
            let sealed = vault.seal(&key_label(&centre.id, purpose), key)?;
            tx.insert_centre_key(&centre.id, purpose, &sealed, cert.der(), now)
                .await?;
        }
        let keys = crate::authority::HostedKeys {
            ca: ca_cert,
            ca_key,
            ocsp: ocsp_cert,
            ocsp_key,
        };
        self.publish_crl(&mut tx, &centre.id, &keys, None).await?;
        self.record_centre(&mut tx, ctx, by, &centre, wording::CENTRE_ADDED.text())
            .await?;
        tx.commit().await?;
        self.authority.forget();
        Ok(centre)
    }

    /// Imports an external accredited centre: its CA chain and URLs, so certificates it issued
    /// can be bound and verified here.
    pub async fn import_centre(
        &self,
        ctx: &Context,
        by: Option<&Principal>,
        form: &ImportForm,
    ) -> Result<Centre> {
        if let Some(admin) = by {
            admin.require_admin()?;
        }
        let now = self.now();
        let mut centre = checked(&form.centre, now, false)?;
        let chain = imported_chain(&form.chain, now)?;
        centre.chain = chain.iter().map(|c| c.der().to_vec()).collect();
        centre.crl_url = form.crl_url.clone().filter(|u| !u.trim().is_empty());
        centre.ocsp_url = form.ocsp_url.clone().filter(|u| !u.trim().is_empty());
        let mut tx = self.store.begin().await?;
        tx.insert_centre(&centre).await.map_err(taken)?;
        self.record_centre(&mut tx, ctx, by, &centre, wording::CENTRE_IMPORTED.text())
            .await?;
        tx.commit().await?;
        self.authority.forget();
        Ok(centre)
    }

    /// Sets the accreditation period of a centre (ending it now ends the trust from now on).
    pub async fn set_accreditation(
        &self,
        ctx: &Context,
        by: Option<&Principal>,
        id: &str,
        from: i64,
        until: i64,
    ) -> Result<Centre> {
        if let Some(admin) = by {
            admin.require_admin()?;
        }
        if until <= from {
            return Err(Error::invalid(
                "accredited_until",
                "Окончание аккредитации должно быть позже её начала.",
                "The accreditation must end after it starts.",
            ));
        }
        let mut tx = self.store.begin().await?;
        if !tx.set_accreditation(id, from, until).await? {
            return Err(Error::NotFound(Missing::Centre));
        }
        let centre = tx
            .centre(id)
            .await?
            .ok_or(Error::NotFound(Missing::Centre))?;
        let details =
            wording::ACCREDITATION.fill(&[&crate::timestamp(from), &crate::timestamp(until)]);
        self.record_centre(&mut tx, ctx, by, &centre, &details)
            .await?;
        tx.commit().await?;
        self.authority.forget();
        Ok(centre)
    }

    /// Every centre in the registry (public: applicants choose among them).
    pub async fn centres(&self) -> Result<Vec<Centre>> {
        Ok(self.store.read().await?.centres().await?)
    }

    /// The centre `id`.
    pub async fn centre(&self, id: &str) -> Result<Centre> {
        self.store
            .read()
            .await?
            .centre(id)
            .await?
            .ok_or(Error::NotFound(Missing::Centre))
    }

    async fn record_centre(
        &self,
        tx: &mut Tx,
        ctx: &Context,
        by: Option<&Principal>,
        centre: &Centre,
        details: &str,
    ) -> Result<()> {
        self.record(
            tx,
            ctx,
            Record {
                account: by.map(|p| p.account_id.as_str()),
                actor: by.map(|p| p.account_id.as_str()),
                action: Action::CentreChanged,
                object: Some(format!("centre:{}", centre.id)),
                ok: true,
                details: details.to_owned(),
            },
        )
        .await
    }
}

/// The vault label of a hosted centre's key.
pub(crate) fn key_label(centre: &str, purpose: &str) -> String {
    format!("centre:{centre}:{purpose}")
}

/// A failure of the PKI or key layer where none should happen.
pub(crate) fn internal(e: impl core::fmt::Display) -> Error {
    Error::Internal(e.to_string())
}
