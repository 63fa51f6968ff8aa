//! The portal's domain: the rules of accounts, sign-in, sessions, roles, the action journal and
//! notifications, over [`podpis_store`] and a few traits for the outside world ([`Clock`],
//! [`notify::Sender`]). Nothing here knows HTTP: the web crate calls [`Portal`]'s methods, and
//! so do the CLI and the tests.
//!
//! Every method that changes something writes the change, its journal entry and its outbox
//! messages in one transaction. Failures that matter (a wrong password, a wrong code) are
//! journaled too, and then returned as an [`Error`] whose text says what to do.
//!
//! The sign-in flow, step by step:
//!
//! | step | call | checks | result |
//! |---|---|---|---|
//! | 1 | [`Portal::login_password`] | rate limits (address, login), lock, argon2id | a challenge; a code to the confirmed phone |
//! | 2 | [`Portal::login_code`] or [`Portal::login_totp`] | the challenge's code (5 min, 3 tries) or the TOTP | a session |
//! | — | [`Portal::passkey_login_finish`] | a WebAuthn assertion of a registered passkey | a session |
//!
//! Unknown logins go through the same steps with a decoy challenge, so neither the answers nor
//! their timing tell whether a login exists.
#![warn(missing_docs)]

mod accounts;
mod act;
mod admin;
mod applications;
mod authority;
mod bindings;
mod centres;
mod clock;
mod documents;
mod error;
mod housekeeping;
mod integrations;
mod issuance;
mod journal;
mod kept;
mod login;
pub mod notify;
mod package;
pub mod passkey;
pub mod payments;
mod policy;
mod rate_limit;
mod recovery;
mod reissue;
mod revocation;
mod secret;
mod sessions;
mod totp;
pub mod validate;
mod vault;
mod verification;
mod visits;
mod wording;

use std::sync::Arc;

use podpis_store::Store;

pub use accounts::{CodeAnswer, CodeTicket, Registration, RegistrationForm};
pub use act::{DEFAULT_ACT_FONT, issuance_act};
pub use applications::{
    ApplicationForm, ApplicationView, IdentityDocument, MAX_SCAN_BYTES, Medium, Review, SCAN_KINDS,
    Status, SubjectType, is_pdf, scan_title,
};
pub use authority::CertificateRequest;
pub use bindings::{BindingChallenge, EXPIRY_WARNINGS, IssuedToMe};
pub use centres::{CentreForm, ImportForm};
pub use clock::{
    Clock, MOSCOW_OFFSET, ManualClock, SystemClock, moscow_time, moscow_time_to_second, parse_time,
};
pub use documents::{DOCUMENT_STATUSES, MAX_BATCH, MAX_DOCUMENT_BYTES, document_status_title};
pub use error::{Error, Lang, Missing, Result};
pub use integrations::{Integration, webhook_signature};
pub use issuance::{Issuance, Issued, MAX_PIN_TRIES, P12File};
pub use journal::Action;
pub use kept::{KEEP_FOR, Kept, signed_file_name};
pub use login::{LoginChallenge, SecondFactor};
pub use package::{PACKAGE_REPORT_JSON, PACKAGE_REPORT_PDF, flat_file_name};
pub use passkey::RelyingParty;
pub use policy::Policy;
pub use reissue::{Possession, ReissueStart};
pub use revocation::{OPERATOR_REASONS, OWNER_REASONS, after_compromise, reason_title};
pub use secret::argon2 as password_hasher;
pub use sessions::{NewSession, SessionKind, timestamp};
pub use totp::{TotpEnrolment, code_at as totp_code};
pub use vault::Vault;
pub use verification::{
    CentreRef, CertificateVerification, MAX_VERIFY_BYTES, SignerContext, Verification, outcome,
    verification_report,
};
pub use visits::{IdentityCheck, REMINDER_BEFORE, Visit};
pub use wording::{check_text, journal_details};

/// A fresh random token (256 bits, base64url), for nonces the web layer needs.
pub fn random_token() -> String {
    secret::new_token()
}

/// Whether two secrets are equal, compared in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Where a request came from, for the journal and the rate limits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// The client's address.
    pub ip: Option<String>,
    /// The client's user agent.
    pub user_agent: Option<String>,
}

/// What an account may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// A citizen: their own data only.
    Citizen,
    /// An operator of one certification centre.
    Operator {
        /// The centre.
        ca: String,
    },
    /// The portal's administrator.
    Admin,
}

impl Role {
    /// Reads the stored form (`citizen`, `operator` with its centre, `admin`).
    pub fn from_stored(role: &str, ca: Option<&str>) -> Self {
        match (role, ca) {
            ("admin", _) => Self::Admin,
            ("operator", Some(ca)) => Self::Operator { ca: ca.to_owned() },
            _ => Self::Citizen,
        }
    }

    /// The stored name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Operator { .. } => "operator",
            Self::Admin => "admin",
        }
    }
}

/// A signed-in user, as a session shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The account.
    pub account_id: String,
    /// Its role.
    pub role: Role,
    /// The session's public id.
    pub session_id: String,
    /// The session's CSRF token (for the pages' forms).
    pub csrf: String,
    /// The account's interface language.
    pub lang: Lang,
    /// The given name, for the pages' header.
    pub name: String,
}

impl Principal {
    /// Refuses unless the principal is an administrator.
    pub fn require_admin(&self) -> Result<()> {
        match self.role {
            Role::Admin => Ok(()),
            _ => Err(Error::Forbidden),
        }
    }

    /// Refuses unless the principal is an operator of `ca` (or an administrator).
    pub fn require_operator_of(&self, ca: &str) -> Result<()> {
        match &self.role {
            Role::Admin => Ok(()),
            Role::Operator { ca: mine } if mine == ca => Ok(()),
            _ => Err(Error::Forbidden),
        }
    }
}

/// The portal: the store, the clock, the policy and the server's secret key.
#[derive(Clone)]
pub struct Portal {
    store: Store,
    clock: Arc<dyn Clock>,
    policy: Policy,
    secret: secret::ServerKey,
    rp: RelyingParty,
    authority: Arc<authority::Authority>,
    payments: Option<Arc<dyn payments::Payments>>,
    hits: Arc<rate_limit::HitCounter>,
}

impl Portal {
    /// Opens the portal on a migrated store. The server key is read from the store (made by the
    /// first node that starts), so every node hashes codes and signs tokens alike.
    pub async fn open(
        store: Store,
        clock: Arc<dyn Clock>,
        policy: Policy,
        rp: RelyingParty,
    ) -> Result<Self> {
        let secret = secret::ServerKey::load(&store).await?;
        Ok(Self {
            store,
            clock,
            policy,
            secret,
            rp,
            authority: Arc::new(authority::Authority::new(None)),
            payments: None,
            hits: Arc::default(),
        })
    }

    /// The portal with `vault` holding the keys of hosted centres (without one, they cannot be
    /// added or used). Call it before cloning the portal.
    pub fn with_vault(mut self, vault: Vault) -> Self {
        self.authority = Arc::new(authority::Authority::new(Some(vault)));
        self
    }

    /// The portal taking payments through `provider` (without one, applications cannot be
    /// paid for).
    pub fn with_payments(mut self, provider: Arc<dyn payments::Payments>) -> Self {
        self.payments = Some(provider);
        self
    }

    /// The store (for the delivery worker and health checks).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The origin the portal's pages are served from (`https://podpis.example.ru`).
    pub fn origin(&self) -> &str {
        &self.rp.origin
    }

    /// The time now, in Unix seconds.
    fn now(&self) -> i64 {
        self.clock.now()
    }

    /// A keyed MAC of `data` for `purpose` (hex), for tokens the web layer hands out and checks
    /// without storing them (such as the CSRF token of a form shown before sign-in).
    pub fn mac(&self, purpose: &str, data: &str) -> String {
        self.secret.mac(purpose, data)
    }

    /// Whether `mac` is [`Portal::mac`] of `data` for `purpose` (compared in constant time).
    pub fn check_mac(&self, purpose: &str, data: &str, mac: &str) -> bool {
        self.secret.check_mac(purpose, data, mac)
    }
}
