//! Notifications: messages are queued in the outbox in the same transaction as their event
//! (`Portal::queue`), and a [`Worker`] delivers them through pluggable [`Sender`]s — e-mail by
//! SMTP ([`SmtpSender`]), SMS through an HTTP gateway ([`SmsGateway`]), or, in development, the
//! administrator's mailbox page ([`Mailbox`]) — retrying with backoff and recording delivery.

mod sms;
mod smtp;
mod webhook;
mod worker;

use core::future::Future;
use core::pin::Pin;

use podpis_store::{NewMessage, Tx};

pub use sms::SmsGateway;
pub use smtp::SmtpSender;
pub use webhook::{SIGNATURE_HEADER, WebhookSender};
pub use worker::{Worker, WorkerStats};

use crate::{Portal, Result, secret};

/// A message's channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// E-mail.
    Email,
    /// SMS.
    Sms,
    /// A call to an integrated service's webhook.
    Webhook,
}

impl Channel {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Webhook => "webhook",
        }
    }
}

/// What a sender is given: where, what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// Address or phone number.
    pub recipient: String,
    /// Subject (e-mail).
    pub subject: String,
    /// Text.
    pub body: String,
}

/// A future a sender returns.
pub type SendFuture<'a> =
    Pin<Box<dyn Future<Output = core::result::Result<(), String>> + Send + 'a>>;

/// Something that delivers messages of one channel. An error is a text for the outbox's
/// `last_error` (never the message itself, which may carry a code).
pub trait Sender: Send + Sync {
    /// The name recorded as `delivered_by`.
    fn name(&self) -> &'static str;
    /// Whether the message text stays in the outbox after delivery (only the development
    /// mailbox, which is where it is read, keeps it).
    fn keeps_text(&self) -> bool {
        false
    }
    /// Delivers one message.
    fn send<'a>(&'a self, message: &'a Outgoing) -> SendFuture<'a>;
}

/// The development mailbox: "delivers" by leaving the message for the administrator's mailbox
/// page, which shows what would have been sent.
#[derive(Clone, Copy, Debug, Default)]
pub struct Mailbox;

impl Sender for Mailbox {
    fn name(&self) -> &'static str {
        "mailbox"
    }
    fn keeps_text(&self) -> bool {
        true
    }
    fn send<'a>(&'a self, _message: &'a Outgoing) -> SendFuture<'a> {
        Box::pin(async { Ok(()) })
    }
}

impl Portal {
    /// Queues a message inside `tx`; it goes out when `tx` commits.
    pub(crate) async fn queue(
        &self,
        tx: &mut Tx,
        channel: Channel,
        recipient: &str,
        subject: &str,
        body: String,
        sensitive: bool,
    ) -> Result<()> {
        tx.enqueue(&NewMessage {
            id: secret::new_ordered_id(),
            channel: channel.name().to_owned(),
            recipient: recipient.to_owned(),
            subject: subject.to_owned(),
            body,
            sensitive,
            created_at: self.now(),
        })
        .await?;
        Ok(())
    }

    /// Queues `body` to `account` by SMS and by e-mail (with `subject`) inside `tx`.
    pub(crate) async fn tell_account(
        &self,
        tx: &mut Tx,
        account: &podpis_store::Account,
        subject: &str,
        body: String,
    ) -> Result<()> {
        self.queue(tx, Channel::Sms, &account.phone, "", body.clone(), false)
            .await?;
        self.queue(tx, Channel::Email, &account.email, subject, body, false)
            .await
    }
}
