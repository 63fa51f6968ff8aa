//! The world most lifecycle tests start from: a portal on a test database with a manual clock,
//! a key vault and one hosted, accredited centre `demo`; citizens and operators on demand.

#![allow(dead_code)]

use std::borrow::Cow;
use std::sync::Arc;

use podpis_core::{
    CentreForm, Context, Lang, ManualClock, Policy, Portal, Principal, RegistrationForm,
    RelyingParty, Role, Vault, journal_details,
};
use std::time::{Duration, UNIX_EPOCH};

use podpis_keys::{KeySpec, Signer, SoftwareKey};
use podpis_pki::Certificate;
use podpis_pki::cades::{DigestAlgorithm, SignRequest, sign};
use podpis_testkit::TestDb;

/// The start of every test's clock.
pub const T0: i64 = 1_800_000_000;
/// A valid SNILS.
pub const SNILS: &str = "11223344595";
/// A valid INN of a person.
pub const INN: &str = "500100732259";
/// The demo centre's price, in kopecks.
pub const PRICE: i64 = 150_000;

/// A request's context.
pub fn ctx() -> Context {
    Context {
        ip: Some("127.0.0.1".into()),
        user_agent: Some("test".into()),
    }
}

/// The portal, its clock and its database.
pub struct World {
    pub portal: Portal,
    pub clock: Arc<ManualClock>,
    pub db: TestDb,
}

/// GOST R 34.10-2012 with 256-bit keys.
pub fn gost() -> KeySpec {
    "gost2012-256".parse().unwrap()
}

/// The form of a hosted centre `id` accredited for five years, charging `price`.
pub fn centre_form(id: &str, price: i64) -> CentreForm {
    CentreForm {
        id: id.into(),
        name: format!("УЦ {id}"),
        inn: "7707083893".into(),
        ogrn: "1027700132195".into(),
        address: "Москва".into(),
        price,
        accredited_from: None,
        accredited_until: T0 + 5 * 365 * 24 * 3600,
    }
}

/// A portal on `db` with the hosted centre `demo`.
pub async fn world(db: TestDb) -> World {
    let clock = Arc::new(ManualClock::new(T0));
    let portal = Portal::open(
        db.store.clone(),
        clock.clone(),
        Policy::default(),
        RelyingParty::for_url("http://localhost:8080"),
    )
    .await
    .unwrap()
    .with_vault(Vault::new(&[3; 32]));
    portal
        .add_hosted_centre(&ctx(), None, &centre_form("demo", PRICE), gost())
        .await
        .unwrap();
    World { portal, clock, db }
}

impl World {
    /// Account number `n` with `role`, `snils` (and then the INN) in its profile.
    pub async fn account(&self, n: u32, snils: &str, role: Role) -> Principal {
        let account = self
            .portal
            .create_confirmed_account(
                &ctx(),
                RegistrationForm {
                    phone: format!("+7999200{n:04}"),
                    email: format!("c{n}@example.ru"),
                    password: "Пароль-2026".into(),
                    surname: "Иванов".into(),
                    given_name: "Иван".into(),
                    snils: snils.into(),
                    inn: if snils.is_empty() {
                        String::new()
                    } else {
                        INN.into()
                    },
                    ..Default::default()
                },
                &role,
            )
            .await
            .unwrap();
        Principal {
            account_id: account.id,
            role,
            session_id: "s".into(),
            csrf: "c".into(),
            lang: Lang::En,
            name: "Иван".into(),
        }
    }

    /// Citizen number `n` with `snils`.
    pub async fn citizen(&self, n: u32, snils: &str) -> Principal {
        self.account(n, snils, Role::Citizen).await
    }

    /// Operator number `n` of centre `ca`.
    pub async fn operator(&self, n: u32, ca: &str) -> Principal {
        self.account(n, "", Role::Operator { ca: ca.into() }).await
    }

    /// The messages queued to `recipient`, oldest first.
    pub async fn messages_to(&self, recipient: &str) -> Vec<String> {
        let mut tx = self.db.store.read().await.unwrap();
        let mut all: Vec<String> = tx
            .messages(500, 0)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.message.recipient == recipient)
            .map(|m| m.message.body)
            .collect();
        all.reverse();
        all
    }

    /// Asserts that `who`'s journal reads in Russian: every entry in the portal's own words
    /// (not a passkey's name or a refusal's free text) has a Russian wording, or is a name with
    /// no Latin letters. Returns how many
    /// entries it checked.
    pub async fn assert_journal_reads_in_russian(&self, who: &Principal) -> usize {
        let filter = podpis_store::JournalFilter {
            limit: 10_000,
            ..Default::default()
        };
        let entries = self.portal.journal(who, filter).await.unwrap();
        let mut checked = 0;
        for e in entries {
            let (action, details) = (&e.entry.action, &e.entry.details);
            if details.is_empty()
                || ["passkey_added", "document_refused"].contains(&action.as_str())
            {
                continue;
            }
            // Either a wording matched, or the details are a name with no English in them.
            let worded = matches!(journal_details(details, Lang::Ru), Cow::Owned(_));
            assert!(
                worded || !details.chars().any(|c| c.is_ascii_alphabetic()),
                "{action}: no Russian wording for {details:?}"
            );
            checked += 1;
        }
        checked
    }
}

/// A small, valid PDF document.
pub fn pdf(text: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% {text}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    .into_bytes()
}

/// A detached CMS signature of `text` by `key` with `cert`, as `podpis sign` makes one.
pub fn signature(key: &SoftwareKey, cert: &Certificate, text: &str) -> Vec<u8> {
    let digest = DigestAlgorithm::for_signature(&key.signature_algorithm().oid)
        .unwrap()
        .digest(text.as_bytes());
    let request = SignRequest {
        signer: key,
        certificate: cert,
        chain: &[],
        digest: &digest,
        signing_time: UNIX_EPOCH + Duration::from_secs(T0 as u64),
    };
    sign(&request, None).unwrap().to_der().unwrap()
}
