//! A sandbox payment provider that behaves like a card gateway: its checkout URL carries the
//! order under its own HMAC (so any node can show the confirmation page), the payer enters a
//! test card number there, and the outcome comes back as an HMAC-SHA256-signed webhook. Card
//! numbers are checked (Luhn) and dropped, never kept.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::{Checkout, Order, PaymentEvent, PaymentFuture, Payments};

/// A test card the sandbox charges.
pub const TEST_CARD_OK: &str = "4242 4242 4242 4242";
/// A test card the sandbox declines (insufficient funds).
pub const TEST_CARD_DECLINED: &str = "4000 0000 0000 0002";

/// The sandbox gateway.
#[derive(Clone)]
pub struct SandboxGateway {
    key: Vec<u8>,
    page_url: String,
}

impl core::fmt::Debug for SandboxGateway {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SandboxGateway")
            .field("page_url", &self.page_url)
            .finish_non_exhaustive()
    }
}

impl SandboxGateway {
    /// A sandbox signing with `key` whose confirmation page is at `page_url`.
    pub fn new(key: &[u8], page_url: &str) -> Self {
        Self {
            key: key.to_vec(),
            page_url: page_url.to_owned(),
        }
    }

    fn mac(&self, purpose: &[u8], data: &[u8]) -> Hmac<Sha256> {
        let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key).expect("any key length");
        m.update(purpose);
        m.update(b"\0");
        m.update(data);
        m
    }

    /// Reads the order of a checkout link (`order` and `sig` of its query), refusing a link
    /// whose order was changed.
    pub fn open(&self, order: &str, sig: &str) -> Result<Order, String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(order)
            .map_err(|_| "the payment link is damaged".to_owned())?;
        let sig = hex::decode(sig).map_err(|_| "the payment link is damaged".to_owned())?;
        self.mac(b"order", &bytes)
            .verify_slice(&sig)
            .map_err(|_| "the payment link was altered".to_owned())?;
        serde_json::from_slice(&bytes).map_err(|_| "the payment link is damaged".to_owned())
    }

    /// Charges `card` for `order`: the signed webhook (body, signature) the gateway sends,
    /// succeeded for [`TEST_CARD_OK`], declined for any other valid number; an error for a
    /// number that is not a card number.
    pub fn charge(&self, order: &Order, card: &str) -> Result<(Vec<u8>, String), String> {
        let digits: String = card.chars().filter(|c| !c.is_whitespace()).collect();
        if !(13..=19).contains(&digits.len()) || !luhn(&digits) {
            return Err("not a valid card number".into());
        }
        let (status, reason) = if digits == TEST_CARD_OK.replace(' ', "") {
            ("succeeded", "")
        } else if digits == TEST_CARD_DECLINED.replace(' ', "") {
            ("declined", "insufficient funds")
        } else {
            ("declined", "card not accepted in the sandbox")
        };
        let event = PaymentEvent {
            payment_id: order.payment_id.clone(),
            provider_ref: reference(&order.payment_id),
            amount: order.amount,
            status: status.into(),
            reason: reason.into(),
        };
        let body = serde_json::to_vec(&event).map_err(|e| e.to_string())?;
        let signature = self.sign_webhook(&body);
        Ok((body, signature))
    }

    /// The signature the sandbox puts on a webhook `body` (hex HMAC-SHA256).
    pub fn sign_webhook(&self, body: &[u8]) -> String {
        hex::encode(self.mac(b"webhook", body).finalize().into_bytes())
    }
}

fn reference(payment_id: &str) -> String {
    format!("sbx_{payment_id}")
}

/// Whether `digits` pass the Luhn check of card numbers.
fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

impl Payments for SandboxGateway {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn start<'a>(&'a self, order: &'a Order) -> PaymentFuture<'a, Checkout> {
        Box::pin(async move {
            let bytes = serde_json::to_vec(order).map_err(|e| e.to_string())?;
            let sig = hex::encode(self.mac(b"order", &bytes).finalize().into_bytes());
            Ok(Checkout {
                provider_ref: reference(&order.payment_id),
                url: format!(
                    "{}?order={}&sig={sig}",
                    self.page_url,
                    URL_SAFE_NO_PAD.encode(&bytes)
                ),
            })
        })
    }

    fn read_webhook(&self, body: &[u8], signature: &str) -> Result<PaymentEvent, String> {
        let sig = hex::decode(signature.trim()).map_err(|_| "the signature is not hex")?;
        self.mac(b"webhook", body)
            .verify_slice(&sig)
            .map_err(|_| "the signature does not match")?;
        serde_json::from_slice(body).map_err(|e| format!("the body is not an event: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Order {
        Order {
            payment_id: "p1".into(),
            amount: 150_000,
            description: "test".into(),
            return_url: "http://x/back".into(),
        }
    }

    #[test]
    fn the_checkout_link_carries_the_order_under_a_mac() {
        let gw = SandboxGateway::new(b"k", "http://x/sandbox/pay");
        let checkout = futures_lite(gw.start(&order()));
        let query = checkout.url.split_once('?').unwrap().1;
        let (o, s) = query.split_once("&sig=").unwrap();
        let o = o.strip_prefix("order=").unwrap();
        assert_eq!(gw.open(o, s).unwrap(), order());
        let mut other = order();
        other.amount = 1;
        let forged = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&other).unwrap());
        assert_eq!(
            gw.open(&forged, s).unwrap_err(),
            "the payment link was altered"
        );
    }

    #[test]
    fn cards_decide_the_outcome_and_webhooks_are_signed() {
        let gw = SandboxGateway::new(b"k", "http://x/sandbox/pay");
        let (body, sig) = gw.charge(&order(), TEST_CARD_OK).unwrap();
        let event = gw.read_webhook(&body, &sig).unwrap();
        assert_eq!(
            (event.status.as_str(), event.amount),
            ("succeeded", 150_000)
        );
        assert!(!String::from_utf8(body.clone()).unwrap().contains("4242"));
        let (body2, sig2) = gw.charge(&order(), TEST_CARD_DECLINED).unwrap();
        assert_eq!(
            gw.read_webhook(&body2, &sig2).unwrap().reason,
            "insufficient funds"
        );
        assert!(gw.charge(&order(), "4242 4242 4242 4241").is_err(), "Luhn");
        assert!(
            gw.read_webhook(&body2, &sig).is_err(),
            "signature of another body"
        );
        let other = SandboxGateway::new(b"other key", "http://x/sandbox/pay");
        assert!(other.read_webhook(&body, &sig).is_err());
    }

    /// Runs a future that never waits.
    fn futures_lite<T>(f: PaymentFuture<'_, T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
            .unwrap()
    }
}
