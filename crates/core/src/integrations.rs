//! Portal services as integrators: an administrator gives a service an API key and a webhook;
//! with the key the service submits a document for a citizen's signature (found by SNILS),
//! reads it back with its signature, and accepts or rejects it once signed; when the citizen
//! signs or refuses, the service's webhook is called through the outbox (so no call is lost),
//! the JSON body signed with HMAC-SHA256 under the service's webhook secret.
//!
//! A key is `<service id>.<random token>`; only the token's SHA-256 is kept. The webhook secret
//! is sealed by the key vault and shown once, with the key.

use hmac::{Hmac, KeyInit, Mac};
use podpis_store::{Document, Service};
use sha2::{Digest, Sha256};

use crate::centres::internal;
use crate::journal::{Action, Record};
use crate::notify::Channel;
use crate::wording;
use crate::{Context, Error, Missing, Portal, Principal, Result, same_secret, secret};

/// A service's new integration, shown once.
pub struct Integration {
    /// The API key (`X-Service-Key`).
    pub key: String,
    /// The secret webhook calls are signed with.
    pub webhook_secret: String,
}

/// The signature of a webhook call's `body` under `secret`: `sha256=<hex HMAC-SHA256>`, as the
/// `X-Podpis-Signature` header carries it.
pub fn webhook_signature(secret: &str, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn key_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn vault_label(service: &str) -> String {
    format!("service:{service}:webhook")
}

impl Portal {
    /// Gives service `service_id` an API key and a webhook (`webhook_url`, http or https), for
    /// administrators; an earlier key and secret stop working.
    pub async fn integrate_service(
        &self,
        ctx: &Context,
        who: &Principal,
        service_id: &str,
        webhook_url: Option<&str>,
    ) -> Result<Integration> {
        who.require_admin()?;
        let webhook_url = webhook_url.map(str::trim).filter(|u| !u.is_empty());
        if webhook_url.is_some_and(|u| !u.starts_with("http://") && !u.starts_with("https://")) {
            return Err(Error::invalid(
                "webhook_url",
                "Адрес webhook должен начинаться с http:// или https://.",
                "The webhook URL must start with http:// or https://.",
            ));
        }
        let token = secret::new_token();
        let webhook_secret = secret::new_token();
        let sealed = self
            .authority
            .vault()?
            .seal_bytes(&vault_label(service_id), webhook_secret.as_bytes())?;
        let mut tx = self.store.begin().await?;
        if !tx
            .set_integration(service_id, &key_hash(&token), webhook_url, &sealed)
            .await?
        {
            return Err(Error::NotFound(Missing::Service));
        }
        self.record(
            &mut tx,
            ctx,
            Record::own(
                &who.account_id,
                Action::ServiceIntegrated,
                Some(format!("service:{service_id}")),
                match webhook_url {
                    Some(url) => wording::INTEGRATED.fill(&[&url]),
                    None => wording::INTEGRATED_ALONE.text().into(),
                },
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(Integration {
            key: format!("{service_id}.{token}"),
            webhook_secret,
        })
    }

    /// The service whose API key `key` is; otherwise unauthenticated.
    async fn integrated_service(&self, key: &str) -> Result<Service> {
        let (id, token) = key.split_once('.').ok_or(Error::Unauthenticated)?;
        let service = self
            .store
            .read()
            .await?
            .service(id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        match &service.key_hash {
            Some(hash) if same_secret(hash, &key_hash(token)) => Ok(service),
            _ => Err(Error::Unauthenticated),
        }
    }

    /// Submits `bytes` as document `name` for the signature of the citizen with `snils`, for the
    /// service whose key is `key`; the citizen is told by SMS and e-mail.
    pub async fn submit_document(
        &self,
        ctx: &Context,
        key: &str,
        snils: &str,
        name: &str,
        bytes: &[u8],
    ) -> Result<Document> {
        let service = self.integrated_service(key).await?;
        let snils: String = snils.chars().filter(char::is_ascii_digit).collect();
        let account = self
            .store
            .read()
            .await?
            .account_by_login(None, None, Some(&snils))
            .await?
            .ok_or(Error::NotFound(Missing::Account))?;
        let document = self
            .new_document(ctx, &account.id, &service.id, name, bytes, true)
            .await?;
        let mut tx = self.store.begin().await?;
        self.tell_account(
            &mut tx,
            &account,
            "Документ на подпись",
            format!(
                "Podpis: услуга «{}» прислала документ «{}» на подпись. Откройте раздел «Документы».",
                service.title, document.name
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(document)
    }

    /// Document `id` that the service whose key is `key` submitted.
    pub async fn submitted_document(&self, key: &str, id: &str) -> Result<Document> {
        let service = self.integrated_service(key).await?;
        self.store
            .read()
            .await?
            .document(id)
            .await?
            .filter(|d| d.submitted && d.service_id == service.id)
            .ok_or(Error::NotFound(Missing::Document))
    }

    /// The service's decision on its signed document `id`: accepted or rejected, with a comment.
    pub async fn decide_document(
        &self,
        ctx: &Context,
        key: &str,
        id: &str,
        accept: bool,
        comment: &str,
    ) -> Result<Document> {
        let mut document = self.submitted_document(key, id).await?;
        let to = if accept { "accepted" } else { "rejected" };
        let comment: String = comment.trim().chars().take(500).collect();
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if !tx
            .move_document(&document.id, "sent", to, &comment, now)
            .await?
        {
            return Err(Error::conflict(
                "Решение принимается по подписанному документу, ещё не рассмотренному.",
                "A decision is made on a signed document not decided yet.",
            ));
        }
        document.status = to.into();
        document.comment = comment.clone();
        document.updated_at = now;
        self.record(
            &mut tx,
            ctx,
            Record {
                account: Some(&document.account_id),
                actor: None,
                action: Action::DocumentDecided,
                object: Some(format!("document:{}", document.id)),
                ok: accept,
                details: if accept {
                    wording::ACCEPTED_BY
                } else {
                    wording::REJECTED_BY
                }
                .fill(&[&document.service_id, &comment]),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(document)
    }

    /// Queues the call of `document`'s service webhook about `event`, inside `tx`, when a
    /// service submitted it and has a webhook.
    pub(crate) async fn tell_service(
        &self,
        tx: &mut podpis_store::Tx,
        document: &Document,
        event: &str,
    ) -> Result<()> {
        if !document.submitted {
            return Ok(());
        }
        let Some(service) = tx.service(&document.service_id).await? else {
            return Ok(());
        };
        let (Some(url), Some(sealed)) = (&service.webhook_url, &service.webhook_secret) else {
            return Ok(());
        };
        let secret = self
            .authority
            .vault()?
            .open_bytes(&vault_label(&service.id), sealed)?;
        let secret = std::str::from_utf8(&secret).map_err(internal)?;
        let body = serde_json::json!({
            "event": event,
            "document": document.id,
            "service": service.id,
            "status": document.status,
            "hash": document.hash,
            "signer": document.signer,
            "signed_at": document.signed_at.map(crate::timestamp),
            "comment": document.comment,
        })
        .to_string();
        self.queue(
            tx,
            Channel::Webhook,
            url,
            &webhook_signature(secret, &body),
            body,
            false,
        )
        .await
    }
}
