//! Paying a centre's price for an application, through a pluggable [`Payments`] provider: the
//! portal starts a payment and sends the payer to the provider's page; the provider calls back
//! with a signed webhook, which settles the payment and moves the application to `paid`.
//! Webhooks are idempotent (a repeat changes nothing) and an application is paid at most once.
//! No card number ever reaches the portal: the provider's page takes it.
//!
//! [`SandboxGateway`] behaves like a card gateway for development and tests: test card numbers,
//! a confirmation page (in the web crate) and HMAC-signed webhooks.

mod sandbox;

use core::future::Future;
use core::pin::Pin;

use podpis_store::{Application, Payment};
use serde::{Deserialize, Serialize};

pub use sandbox::{SandboxGateway, TEST_CARD_DECLINED, TEST_CARD_OK};

use crate::applications::Status;
use crate::journal::{Action, Record};
use crate::wording;
use crate::{Context, Error, Lang, Missing, Portal, Principal, Result, secret};

/// What the portal asks a provider to charge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Our payment id (the order number the webhook names).
    pub payment_id: String,
    /// The amount, in kopecks.
    pub amount: i64,
    /// What is paid for, for the payer's eyes.
    pub description: String,
    /// Where the provider sends the payer back.
    pub return_url: String,
}

/// Where to send the payer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkout {
    /// The provider's reference for the payment.
    pub provider_ref: String,
    /// The provider's payment page.
    pub url: String,
}

/// How a payment ended, as the provider's webhook says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentEvent {
    /// Our payment id.
    pub payment_id: String,
    /// The provider's reference.
    pub provider_ref: String,
    /// The amount charged, in kopecks.
    pub amount: i64,
    /// `succeeded` or `declined`.
    pub status: String,
    /// Why it was declined (empty otherwise).
    #[serde(default)]
    pub reason: String,
}

/// A future a provider returns.
pub type PaymentFuture<'a, T> =
    Pin<Box<dyn Future<Output = core::result::Result<T, String>> + Send + 'a>>;

/// A payment provider.
pub trait Payments: Send + Sync {
    /// The name recorded with each payment.
    fn name(&self) -> &'static str;
    /// Starts a payment for `order`.
    fn start<'a>(&'a self, order: &'a Order) -> PaymentFuture<'a, Checkout>;
    /// Checks a webhook's `signature` over `body` and reads it; the reason when it fails.
    fn read_webhook(
        &self,
        body: &[u8],
        signature: &str,
    ) -> core::result::Result<PaymentEvent, String>;
}

impl Portal {
    /// Starts paying for the principal's application, which must await payment; returns where
    /// to send the payer. `return_url` is where the provider sends them back.
    pub async fn pay_application(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
        return_url: &str,
    ) -> Result<Checkout> {
        let provider = self.payments.as_ref().ok_or_else(|| {
            Error::conflict(
                "Оплата на портале не настроена.",
                "Payments are not configured on this portal.",
            )
        })?;
        if !return_url.starts_with(&format!("{}/", self.origin())) {
            return Err(Error::invalid(
                "return_url",
                "Адрес возврата должен быть страницей портала.",
                "The return address must be a page of the portal.",
            ));
        }
        let application = {
            let mut tx = self.store.read().await?;
            self.own_application(&mut tx, who, id).await?
        };
        if application.status != Status::AwaitingPayment.name() {
            return Err(not_awaiting(&application));
        }
        let centre = self.centre(&application.centre_id).await?;
        let order = Order {
            payment_id: secret::new_ordered_id(),
            amount: application.price,
            description: format!(
                "Квалифицированный сертификат, {}, заявление {}",
                centre.name, application.id
            ),
            return_url: return_url.to_owned(),
        };
        let checkout = provider.start(&order).await.map_err(|e| {
            Error::conflict(
                format!("Платёжный сервис недоступен: {e}. Повторите позже."),
                format!("The payment service is unavailable: {e}. Try again later."),
            )
        })?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let application = self.own_application(&mut tx, who, id).await?;
        if application.status != Status::AwaitingPayment.name() {
            return Err(not_awaiting(&application));
        }
        let payment = Payment {
            id: order.payment_id.clone(),
            application_id: application.id.clone(),
            provider: provider.name().into(),
            provider_ref: checkout.provider_ref.clone(),
            amount: order.amount,
            status: "pending".into(),
            reason: String::new(),
            created_at: now,
            updated_at: now,
        };
        tx.insert_payment(&payment).await?;
        let details = wording::PAYMENT_STARTED.text();
        self.record_payment(&mut tx, ctx, &application, &payment, true, details)
            .await?;
        tx.commit().await?;
        Ok(checkout)
    }

    /// Takes a provider's webhook: checks its signature, settles the payment it names and, when
    /// it succeeded, moves the application to `paid` and tells the applicant. A repeat of a
    /// settled payment changes nothing and is answered as a success.
    pub async fn payment_webhook(&self, ctx: &Context, body: &[u8], signature: &str) -> Result<()> {
        let provider = self
            .payments
            .as_ref()
            .ok_or(Error::NotFound(Missing::PaymentProvider))?;
        let event = provider.read_webhook(body, signature).map_err(|why| {
            Error::invalid(
                "signature",
                format!("Уведомление о платеже отклонено: {why}."),
                format!("The payment notification was refused: {why}."),
            )
        })?;
        let mut tx = self.store.begin().await?;
        let payment = tx
            .payment(&event.payment_id)
            .await?
            .filter(|p| p.provider == provider.name() && p.provider_ref == event.provider_ref)
            .ok_or(Error::NotFound(Missing::Payment))?;
        if payment.status != "pending" {
            return Ok(());
        }
        if event.amount != payment.amount {
            return Err(Error::invalid(
                "amount",
                "Сумма в уведомлении не совпадает с суммой платежа.",
                "The amount of the notification is not the payment's amount.",
            ));
        }
        let application = tx
            .application(&payment.application_id)
            .await?
            .ok_or(Error::NotFound(Missing::Application))?;
        let now = self.now();
        let account = tx
            .account(&application.account_id)
            .await?
            .ok_or(Error::NotFound(Missing::Account))?;
        let lang = Lang::parse(&account.language);
        let subject = lang.pick("Оплата заявления", "Application payment");
        if event.status == "succeeded" {
            match tx.settle_payment(&payment.id, "succeeded", "", now).await {
                Err(podpis_store::Error::Duplicate(_)) => {
                    return Err(Error::conflict(
                        "Заявление уже оплачено.",
                        "The application is paid already.",
                    ));
                }
                other => other?,
            };
            let details = wording::PAYMENT_SUCCEEDED.text();
            self.record_payment(&mut tx, ctx, &application, &payment, true, details)
                .await?;
            self.paid(&mut tx, ctx, None, application, "").await?;
            let body = lang.pick(
                "Оплата получена. Запишитесь на визит в удостоверяющий центр для подтверждения личности.",
                "Payment received. Book a visit to the centre to confirm your identity.",
            );
            self.tell_account(&mut tx, &account, subject, body.to_owned())
                .await?;
        } else {
            let reason: String = event.reason.chars().take(200).collect();
            tx.settle_payment(&payment.id, "declined", &reason, now)
                .await?;
            let details = wording::PAYMENT_DECLINED.fill(&[&reason]);
            self.record_payment(&mut tx, ctx, &application, &payment, false, &details)
                .await?;
            let body = match lang {
                Lang::Ru => format!("Оплата не прошла: {reason}. Попробуйте ещё раз."),
                Lang::En => format!("The payment failed: {reason}. Please try again."),
            };
            self.tell_account(&mut tx, &account, subject, body).await?;
        }
        Ok(tx.commit().await?)
    }

    /// The payments of an application the principal may see, oldest first.
    pub async fn payments(&self, who: &Principal, id: &str) -> Result<Vec<Payment>> {
        let mut tx = self.store.read().await?;
        self.visible_application(&mut tx, who, id).await?;
        Ok(tx.payments_of(id).await?)
    }

    async fn record_payment(
        &self,
        tx: &mut podpis_store::Tx,
        ctx: &Context,
        application: &Application,
        payment: &Payment,
        ok: bool,
        details: &str,
    ) -> Result<()> {
        self.record(
            tx,
            ctx,
            Record {
                account: Some(&application.account_id),
                actor: None,
                action: Action::Payment,
                object: Some(format!("payment:{}", payment.id)),
                ok,
                details: wording::PAYMENT.fill(&[
                    &application.id,
                    &payment.amount,
                    &payment.provider,
                    &details,
                ]),
            },
        )
        .await
    }
}

fn not_awaiting(application: &Application) -> Error {
    let status = Status::from_name(&application.status).unwrap_or(Status::Closed);
    Error::conflict(
        format!(
            "Заявление не ждёт оплаты (состояние «{}»).",
            status.title(Lang::Ru)
        ),
        format!(
            "The application does not await payment (state «{}»).",
            status.title(Lang::En)
        ),
    )
}

/// An amount in kopecks as people read it, with the thousands grouped and the kopecks only
/// when there are any: `1 500 ₽`, `1 500,50 ₽` (`1,500 ₽`, `1,500.50 ₽` in English).
pub fn rubles(kopecks: i64, lang: Lang) -> String {
    let (group, point) = match lang {
        Lang::Ru => ('\u{a0}', ','),
        Lang::En => (',', '.'),
    };
    let whole = (kopecks / 100).unsigned_abs().to_string();
    let mut text = String::new();
    if kopecks < 0 {
        text.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            text.push(group);
        }
        text.push(digit);
    }
    let part = (kopecks % 100).unsigned_abs();
    if part != 0 {
        text.push(point);
        text.push_str(&format!("{part:02}"));
    }
    text.push_str("\u{a0}₽");
    text
}

#[cfg(test)]
mod tests {
    use super::rubles;
    use crate::Lang::{En, Ru};

    #[test]
    fn amounts_read_as_rubles() {
        assert_eq!(rubles(150_000, Ru), "1\u{a0}500\u{a0}₽");
        assert_eq!(rubles(150_050, Ru), "1\u{a0}500,50\u{a0}₽");
        assert_eq!(rubles(150_005, En), "1,500.05\u{a0}₽");
        assert_eq!(rubles(0, Ru), "0\u{a0}₽");
        assert_eq!(rubles(99, Ru), "0,99\u{a0}₽");
        assert_eq!(rubles(100_000_000, Ru), "1\u{a0}000\u{a0}000\u{a0}₽");
        assert_eq!(rubles(-150_000, En), "-1,500\u{a0}₽");
    }
}
