//! Reissue ("перевыпуск") while the current certificate is valid: a new application prefilled
//! from the bound certificate, confirmed by a signature with its key instead of a visit. After
//! payment it is ready for issuance at once (identificationKind 1); issuing it revokes the old
//! certificate as superseded and binds the new one. With an expired or revoked certificate
//! there is nothing to sign with: the full application with a visit is the way.

use podpis_pki::Certificate;
use podpis_pki::subject::SubjectInfo;

use crate::applications::{ApplicationForm, ApplicationView, Medium, Status, SubjectType};
use crate::bindings::proves_possession;
use crate::centres::internal;
use crate::{Context, Error, Lang, Missing, Portal, Principal, Result};

/// How the applicant proves they hold the current certificate's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Possession {
    /// A CMS signature of the challenge (token or key file: `podpis sign`).
    Signature(Vec<u8>),
    /// The PIN of the certificate's cloud key (the vault signs).
    Pin(String),
}

/// A reissue waiting for its confirmation.
#[derive(Clone, Debug)]
pub struct ReissueStart {
    /// The new application (a draft).
    pub application: ApplicationView,
    /// The text to sign with the current certificate's key.
    pub challenge: String,
}

/// What the applicant signs to confirm reissue application `id` of certificate `serial`.
fn challenge(id: &str, centre: &str, serial: &str) -> String {
    format!(
        "Podpis: перевыпуск сертификата {serial} ({centre}), заявление {id}. \
         Подтверждаю данные заявления и согласие на обработку персональных данных."
    )
}

/// `form` with the data of the current certificate's subject.
fn from_certificate(mut form: ApplicationForm, info: &SubjectInfo) -> ApplicationForm {
    let set = |field: &mut String, value: &Option<String>| {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            *field = v.to_owned();
        }
    };
    set(&mut form.surname, &info.surname);
    if let Some(given) = &info.given_name {
        let mut parts = given.splitn(2, ' ');
        form.given_name = parts.next().unwrap_or_default().to_owned();
        form.patronymic = parts.next().unwrap_or_default().to_owned();
    }
    set(&mut form.snils, &info.snils);
    set(&mut form.inn, &info.inn);
    if info.ogrn.is_some() {
        form.subject_type = SubjectType::Officer;
        set(&mut form.organization, &info.organization);
        set(&mut form.title, &info.title);
        set(&mut form.region, &info.region);
        set(&mut form.locality, &info.locality);
        set(&mut form.street, &info.street);
        set(&mut form.ogrn, &info.ogrn);
        set(&mut form.inn_le, &info.inn_le);
    } else if info.ogrnip.is_some() {
        form.subject_type = SubjectType::Entrepreneur;
        set(&mut form.ogrnip, &info.ogrnip);
    }
    form
}

impl Portal {
    /// Starts reissuing the principal's bound certificate `binding_id` (valid now, of a hosted
    /// centre) for a key on `medium`: a draft application prefilled from the certificate and
    /// the profile, and the text to sign with the current key.
    pub async fn reissue_begin(
        &self,
        ctx: &Context,
        who: &Principal,
        binding_id: &str,
        medium: Medium,
    ) -> Result<ReissueStart> {
        let binding = {
            let mut tx = self.store.read().await?;
            tx.binding(binding_id)
                .await?
                .filter(|b| b.account_id == who.account_id && b.status == "connected")
                .ok_or(Error::NotFound(Missing::Binding))?
        };
        if binding.not_after <= self.now() {
            return Err(Error::conflict(
                "Срок действия сертификата истёк: подайте новое заявление с визитом в УЦ.",
                "The certificate has expired: apply anew, with a visit to the centre.",
            ));
        }
        let centre = self.centre(&binding.centre_id).await?;
        if !centre.hosted {
            return Err(Error::conflict(
                format!(
                    "Сертификат выдан центром «{}»: перевыпуск — у него.",
                    centre.name
                ),
                format!(
                    "The certificate was issued by «{}»: reissue it there.",
                    centre.name
                ),
            ));
        }
        let cert = Certificate::from_der(&binding.der).map_err(internal)?;
        let info = SubjectInfo::from_attributes(&cert.subject()).unwrap_or_default();
        // The application the certificate came from knows what the certificate does not (the
        // birth date, the identity document); without one, the profile.
        let earlier = {
            let mut tx = self.store.read().await?;
            tx.application_of_certificate(&binding.centre_id, &binding.serial)
                .await?
                .filter(|a| a.account_id == who.account_id)
        };
        let base = match earlier {
            Some(a) => serde_json::from_str(&a.form).map_err(internal)?,
            None => self.application_form(who).await?,
        };
        let mut form = from_certificate(base, &info);
        form.consent = false;
        form.centre_id = centre.id.clone();
        form.medium = medium;
        form.reissue_of = binding.serial.clone();
        let application = self.create_application(ctx, who, form).await?;
        let challenge = challenge(&application.application.id, &centre.id, &binding.serial);
        Ok(ReissueStart {
            application,
            challenge,
        })
    }

    /// Confirms the principal's reissue application `id` with the current key: the automatic
    /// checks run, and an accepted reissue is approved at once and awaits payment (or, free,
    /// is ready for issuance).
    pub async fn reissue_confirm(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
        possession: Possession,
    ) -> Result<ApplicationView> {
        let view = self.application(who, id).await?;
        let serial = view.form.reissue_of.clone();
        if serial.is_empty() {
            return Err(Error::conflict(
                "Это заявление не на перевыпуск.",
                "This application is not a reissue.",
            ));
        }
        let centre = view.application.centre_id.clone();
        let text = challenge(id, &centre, &serial);
        let binding = {
            let mut tx = self.store.read().await?;
            tx.connected_binding(&centre, &serial)
                .await?
                .filter(|b| b.account_id == who.account_id)
                .ok_or_else(|| {
                    Error::conflict(
                        "Перевыпускаемый сертификат больше не привязан (отозван или отвязан).",
                        "The certificate being reissued is no longer bound (revoked or unbound).",
                    )
                })?
        };
        let proof = match possession {
            Possession::Signature(proof) => proof,
            Possession::Pin(pin) => {
                let key = self
                    .unlock_key_of_certificate(ctx, who, &centre, &serial, &pin)
                    .await?;
                self.prove_with(&key, &binding.der, &text)?
            }
        };
        if let Err(why) = proves_possession(&binding.der, &text, &proof) {
            return Err(Error::invalid(
                "proof",
                format!(
                    "Подпись не подтверждает перевыпуск ключом текущего сертификата: {}.",
                    why.text(Lang::Ru)
                ),
                format!(
                    "The signature does not confirm the reissue with the current key: {}.",
                    why.text(Lang::En)
                ),
            ));
        }
        let mut form = view.form.clone();
        form.consent = true;
        self.update_application(ctx, who, id, form).await?;
        let submitted = self.submit_application(ctx, who, id).await?;
        if submitted.status != Status::Accepted {
            return Ok(submitted);
        }
        let mut tx = self.store.begin().await?;
        let application = self.own_application(&mut tx, who, id).await?;
        let application = self
            .approve(
                &mut tx,
                ctx,
                who,
                application,
                "reissue confirmed by the current key",
            )
            .await?;
        tx.commit().await?;
        self.view(application)
    }
}
