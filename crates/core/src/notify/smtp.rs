//! E-mail over SMTP with lettre.

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{Outgoing, SendFuture, Sender};

/// Sends e-mail through one SMTP server (plain SMTP; put a local relay in front for TLS).
#[derive(Clone)]
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl SmtpSender {
    /// A sender through `host:port`, from `from` (`Name <address>` or an address), logging in
    /// with `credentials` (user, password) when given.
    pub fn new(
        host: &str,
        port: u16,
        from: &str,
        credentials: Option<(String, String)>,
    ) -> Result<Self, String> {
        let from = from
            .parse()
            .map_err(|e| format!("SMTP sender address {from:?}: {e}"))?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(std::time::Duration::from_secs(20)));
        if let Some((user, password)) = credentials {
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }
}

impl Sender for SmtpSender {
    fn name(&self) -> &'static str {
        "smtp"
    }

    fn send<'a>(&'a self, m: &'a Outgoing) -> SendFuture<'a> {
        Box::pin(async move {
            let to = m
                .recipient
                .parse()
                .map_err(|e| format!("recipient address: {e}"))?;
            let email = Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(&m.subject)
                .header(ContentType::TEXT_PLAIN)
                .body(m.body.clone())
                .map_err(|e| format!("building the message: {e}"))?;
            self.transport
                .send(email)
                .await
                .map(|_| ())
                .map_err(|e| format!("SMTP: {e}"))
        })
    }
}
