//! Webhook calls to integrated services: the message's body (JSON) POSTed to its recipient URL
//! with the signature computed when it was queued (its subject) in `X-Podpis-Signature`.

use super::{Outgoing, SendFuture, Sender};

/// The header that carries a webhook call's signature, `sha256=<hex HMAC of the body>`.
pub const SIGNATURE_HEADER: &str = "x-podpis-signature";

/// Delivers webhook calls over HTTP.
#[derive(Clone, Debug, Default)]
pub struct WebhookSender {
    client: reqwest::Client,
}

impl Sender for WebhookSender {
    fn name(&self) -> &'static str {
        "webhook"
    }

    fn keeps_text(&self) -> bool {
        // The body names a document and its state, nothing secret: kept for the record.
        true
    }

    fn send<'a>(&'a self, m: &'a Outgoing) -> SendFuture<'a> {
        Box::pin(async move {
            let response = self
                .client
                .post(&m.recipient)
                .header("content-type", "application/json")
                .header(SIGNATURE_HEADER, &m.subject)
                .timeout(std::time::Duration::from_secs(20))
                .body(m.body.clone())
                .send()
                .await
                .map_err(|e| format!("webhook: {}", e.without_url()))?;
            let status = response.status();
            if status.is_success() {
                Ok(())
            } else {
                Err(format!("webhook answered {status}"))
            }
        })
    }
}
