//! TOTP (RFC 6238) as an alternative second factor: HMAC-SHA-1, six digits, 30-second steps, one
//! step of skew either way, each step accepted once (totp-rs computes the codes).

use podpis_store::Ceremony;
use totp_rs::{Algorithm, Builder, Secret};

use crate::journal::{Action, Record};
use crate::{Context, Error, Portal, Principal, Result, secret};

/// An enrolment begun: the secret to put into the authenticator app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TotpEnrolment {
    /// The enrolment's id: the confirmation quotes it.
    pub id: String,
    /// The secret, Base32 (what a person types into the app).
    pub secret: String,
    /// The `otpauth://` URI (what a QR code carries).
    pub uri: String,
}

fn totp(seed: &str) -> Option<totp_rs::Totp> {
    let secret = Secret::try_from_base32(seed).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .build()
        .ok()
}

/// The time step `code` belongs to, when it is right for `seed` at `now` (±1 step).
pub(crate) fn accepted_step(seed: &str, code: &str, now: i64) -> Option<i64> {
    let code: String = code.chars().filter(char::is_ascii_digit).collect();
    let step = totp(seed)?.check(&code, now.max(0) as u64)?;
    i64::try_from(step).ok()
}

/// The code for `seed` at `now` (for tests and for a user's own check).
pub fn code_at(seed: &str, now: i64) -> Option<String> {
    Some(totp(seed)?.generate(now.max(0) as u64).to_string())
}

impl Portal {
    /// Begins enrolling an authenticator app: a new 160-bit secret, valid for 10 minutes until
    /// confirmed with a code from the app.
    pub async fn totp_begin(&self, who: &Principal) -> Result<TotpEnrolment> {
        let account = self.account(who).await?;
        let seed = Secret::from(secret::random_bytes(20)).to_base32();
        let id = secret::new_id();
        let mut tx = self.store.begin().await?;
        tx.insert_ceremony(&Ceremony {
            id: id.clone(),
            account_id: Some(account.id.clone()),
            kind: "totp".into(),
            challenge: seed.clone(),
            expires_at: self.now() + 600,
        })
        .await?;
        tx.commit().await?;
        let label = format!("Podpis:{}", account.email)
            .replace(' ', "%20")
            .replace('@', "%40");
        let uri = format!(
            "otpauth://totp/{label}?secret={seed}&issuer=Podpis&algorithm=SHA1&digits=6&period=30"
        );
        Ok(TotpEnrolment {
            id,
            secret: seed,
            uri,
        })
    }

    /// Confirms the enrolment with a code from the app; from then on sign-in takes TOTP codes.
    pub async fn totp_confirm(
        &self,
        ctx: &Context,
        who: &Principal,
        enrolment: &str,
        code: &str,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let ceremony = tx
            .take_ceremony(enrolment)
            .await?
            .filter(|c| {
                c.kind == "totp"
                    && c.account_id.as_deref() == Some(&who.account_id)
                    && c.expires_at > now
            })
            .ok_or(Error::CodeExpired)?;
        let Some(step) = accepted_step(&ceremony.challenge, code, now) else {
            // The enrolment stays open for another try (the rollback keeps it).
            drop(tx);
            return Err(Error::invalid(
                "code",
                "Код не подходит: проверьте время на телефоне и введите код, который приложение показывает сейчас.",
                "The code does not match: check the phone's clock and enter the code the app shows now.",
            ));
        };
        tx.set_totp_secret(&who.account_id, Some(&ceremony.challenge))
            .await?;
        tx.use_totp_step(&who.account_id, step).await?;
        self.record(
            &mut tx,
            ctx,
            Record::own(
                &who.account_id,
                Action::TotpEnrolled,
                Some(format!("account:{}", who.account_id)),
                String::new(),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes the authenticator app; sign-in goes back to SMS codes only.
    pub async fn totp_remove(&self, ctx: &Context, who: &Principal) -> Result<()> {
        let mut tx = self.store.begin().await?;
        tx.set_totp_secret(&who.account_id, None).await?;
        self.record(
            &mut tx,
            ctx,
            Record::own(
                &who.account_id,
                Action::TotpRemoved,
                Some(format!("account:{}", who.account_id)),
                String::new(),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (the 20-byte ASCII seed "12345678901234567890"),
    /// truncated to six digits as authenticator apps show them.
    #[test]
    fn rfc6238_vectors() {
        let seed = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        for (time, eight_digits) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                code_at(&seed, time).unwrap(),
                eight_digits[2..],
                "t = {time}"
            );
            assert_eq!(
                accepted_step(&seed, &eight_digits[2..], time),
                Some(time / 30)
            );
        }
        let now = 1_234_567_890;
        let code = code_at(&seed, now).unwrap();
        assert!(
            accepted_step(&seed, &code, now + 30).is_some(),
            "one step of skew"
        );
        assert!(accepted_step(&seed, &code, now + 90).is_none(), "not three");
    }
}
