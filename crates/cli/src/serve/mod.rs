//! `podpis serve` — the portal — and the commands that look after its database:
//! `podpis db migrate`, `podpis journal verify`, `podpis account grant|create`.

mod centre;
mod config;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use podpis_core::notify::{Mailbox, Outgoing, SendFuture, Sender, SmsGateway, SmtpSender, Worker};
use podpis_core::payments::SandboxGateway;
use podpis_core::{Context, Policy, Portal, RegistrationForm, RelyingParty, Role, SystemClock};
use podpis_store::Store;
use podpis_web::{AppState, Metrics, WebConfig};
use tokio::sync::watch;

pub use centre::{CentreCommand, run as centre};
pub use config::{DbArgs, ServeArgs};

use crate::Outcome;

/// `podpis db …`
#[derive(Subcommand)]
pub enum DbCommand {
    /// Apply the migrations the database has not had yet (`serve` does this at start too).
    Migrate(DbArgs),
}

/// `podpis journal …`
#[derive(Subcommand)]
pub enum JournalCommand {
    /// Walk the action journal's hash chain and name the first broken entry.
    /// Exit code 0 when it holds, 1 when it does not.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `podpis account …`
#[derive(Subcommand)]
pub enum AccountCommand {
    /// Give an existing account a role (this is how the first administrator is made).
    Grant(GrantArgs),
    /// Make an account with its phone and e-mail confirmed (for staff: operators, administrators).
    Create(CreateArgs),
}

/// `podpis account grant`
#[derive(Args)]
pub struct GrantArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The account's phone, e-mail or SNILS.
    #[arg(long)]
    login: String,
    /// citizen, operator or admin.
    #[arg(long)]
    role: String,
    /// For an operator: the certification centre.
    #[arg(long)]
    ca: Option<String>,
}

/// `podpis account create`
#[derive(Args)]
pub struct CreateArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Mobile phone.
    #[arg(long)]
    phone: String,
    /// E-mail.
    #[arg(long)]
    email: String,
    /// Фамилия.
    #[arg(long)]
    surname: String,
    /// Имя.
    #[arg(long)]
    given_name: String,
    /// Отчество.
    #[arg(long, default_value = "")]
    patronymic: String,
    /// A file whose first line is the password.
    #[arg(long)]
    password_file: std::path::PathBuf,
    /// citizen, operator or admin.
    #[arg(long, default_value = "citizen")]
    role: String,
    /// For an operator: the certification centre.
    #[arg(long)]
    ca: Option<String>,
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

async fn open_store(url: &str) -> anyhow::Result<Store> {
    let store = Store::connect(url)
        .await
        .with_context(|| format!("opening the database {}", redact(url)))?;
    let applied = store.migrate().await?;
    if !applied.is_empty() {
        tracing::info!(?applied, "migrations applied");
    }
    Ok(store)
}

/// The URL without its password, for messages and logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

fn role(name: &str, ca: Option<String>) -> anyhow::Result<Role> {
    Ok(match (name, ca) {
        ("admin", _) => Role::Admin,
        ("citizen", _) => Role::Citizen,
        ("operator", Some(ca)) => Role::Operator { ca },
        ("operator", None) => bail!("--role operator needs --ca (the certification centre)"),
        (other, _) => bail!("--role {other}: use citizen, operator or admin"),
    })
}

async fn portal(store: Store, policy: Policy, public_url: &str) -> anyhow::Result<Portal> {
    Ok(Portal::open(
        store,
        Arc::new(SystemClock),
        policy,
        RelyingParty::for_url(public_url),
    )
    .await?)
}

/// How often each node runs the scheduled jobs (CRL refresh, expiry warnings, reminders,
/// housekeeping).
const SCHEDULE: std::time::Duration = std::time::Duration::from_secs(600);

/// Publishes the CRLs that are due, sends the expiry warnings and visit reminders that are due
/// and deletes spent rows ([`Portal::housekeeping`]), every [`SCHEDULE`], until
/// `stopped`. Every job is safe on any number of nodes at once.
async fn scheduled_jobs(portal: Portal, mut stopped: watch::Receiver<bool>) {
    loop {
        match portal.refresh_crls().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(published = n, "scheduled CRLs published"),
            Err(e) => tracing::error!(error = %e, "scheduled CRL refresh failed"),
        }
        match portal.warn_expiring().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(warnings = n, "certificate expiry warnings queued"),
            Err(e) => tracing::error!(error = %e, "expiry warnings failed"),
        }
        match portal.remind_visits().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(reminders = n, "visit reminders queued"),
            Err(e) => tracing::error!(error = %e, "visit reminders failed"),
        }
        match portal.housekeeping().await {
            Ok(p) if p.total() == 0 => {}
            Ok(p) => tracing::info!(
                rate_limits = p.rate_limits,
                codes = p.codes,
                sessions = p.sessions,
                ceremonies = p.ceremonies,
                kept_verifications = p.kept_verifications,
                messages = p.messages,
                "spent rows deleted"
            ),
            Err(e) => tracing::error!(error = %e, "housekeeping failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(SCHEDULE) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// The server's own context in the journal.
fn local() -> Context {
    Context {
        ip: Some("local".into()),
        user_agent: Some(format!("podpis {}", env!("CARGO_PKG_VERSION"))),
    }
}

/// `podpis db migrate`
pub fn db(cmd: DbCommand) -> anyhow::Result<Outcome> {
    let DbCommand::Migrate(db) = cmd;
    let url = config::database(&db)?;
    runtime()?.block_on(async {
        let store = Store::connect(&url)
            .await
            .with_context(|| format!("opening the database {}", redact(&url)))?;
        let applied = store.migrate().await?;
        if applied.is_empty() {
            println!(
                "{}: up to date (migration {})",
                redact(&url),
                Store::latest_migration()
            );
        } else {
            println!("{}: applied migrations {applied:?}", redact(&url));
        }
        store.close().await;
        Ok(Outcome::Ok)
    })
}

/// `podpis journal verify`
pub fn journal(cmd: JournalCommand) -> anyhow::Result<Outcome> {
    let JournalCommand::Verify { db, json } = cmd;
    let url = config::database(&db)?;
    runtime()?.block_on(async {
        let store = open_store(&url).await?;
        let verdict = store.verify_journal().await?;
        let (head, hash) = store.read().await?.journal_head().await?;
        store.close().await;
        match &verdict {
            Ok(n) if json => println!("{}", serde_json::json!({ "intact": true, "entries": n, "head": hash })),
            Ok(n) => println!("the journal holds: {n} entries, the last one's hash {hash}"),
            Err(b) if json => println!("{}", serde_json::json!({ "intact": false, "brokenAt": b.seq, "reason": b.reason, "head": head })),
            Err(b) => println!("the journal is broken: {b}"),
        }
        Ok(if verdict.is_ok() { Outcome::Ok } else { Outcome::VerificationFailed })
    })
}

/// `podpis account …`
pub fn account(cmd: AccountCommand) -> anyhow::Result<Outcome> {
    runtime()?.block_on(async {
        match cmd {
            AccountCommand::Grant(a) => {
                let role = role(&a.role, a.ca)?;
                let store = open_store(&config::database(&a.db)?).await?;
                let portal = portal(store.clone(), Policy::default(), "http://localhost").await?;
                let account = portal.grant_role(&local(), None, &a.login, &role).await?;
                println!(
                    "{} {} ({}) is now {}",
                    account.given_name, account.surname, account.email, account.role
                );
                store.close().await;
            }
            AccountCommand::Create(a) => {
                let role = role(&a.role, a.ca)?;
                let password = crate::output::read_password(&a.password_file)?;
                let password = String::from_utf8(password.to_vec())
                    .context("the password file is not UTF-8")?;
                let store = open_store(&config::database(&a.db)?).await?;
                let portal = portal(store.clone(), Policy::default(), "http://localhost").await?;
                let form = RegistrationForm {
                    phone: a.phone,
                    email: a.email,
                    password,
                    surname: a.surname,
                    given_name: a.given_name,
                    patronymic: a.patronymic,
                    ..Default::default()
                };
                let account = portal
                    .create_confirmed_account(&local(), form, &role)
                    .await?;
                println!(
                    "account {} ({}, {}) is {}",
                    account.id, account.email, account.phone, account.role
                );
                store.close().await;
            }
        }
        Ok(Outcome::Ok)
    })
}

/// Development delivery: the message goes to the administrator's mailbox page and is printed on
/// the server's terminal (this is the delivery channel when no SMTP server or SMS gateway is
/// configured, not a log).
struct Console(&'static str);

impl Sender for Console {
    fn name(&self) -> &'static str {
        "mailbox"
    }
    fn keeps_text(&self) -> bool {
        true
    }
    fn send<'a>(&'a self, m: &'a Outgoing) -> SendFuture<'a> {
        println!(
            "[mailbox] {} to {}: {}{}",
            self.0,
            m.recipient,
            if m.subject.is_empty() {
                String::new()
            } else {
                format!("{} — ", m.subject)
            },
            m.body
        );
        Mailbox.send(m)
    }
}

fn init_logs(format: &str) -> anyhow::Result<()> {
    let level = std::env::var("PODPIS_LOG")
        .ok()
        .and_then(|l| l.parse().ok())
        .unwrap_or(tracing::Level::INFO);
    let builder = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_target(false);
    match format {
        "json" => builder.json().init(),
        "text" => builder.init(),
        other => bail!("--log-format {other}: use text or json"),
    }
    Ok(())
}

const DEMO_PASSWORD: &str = "Demo-2026!";

/// The demo centre's id.
const DEMO_CENTRE: &str = "demo";

async fn seed_demo(portal: &Portal) -> anyhow::Result<()> {
    if let Err(podpis_core::Error::NotFound(_)) = portal.centre(DEMO_CENTRE).await {
        let now = portal.clock().now();
        let form = podpis_core::CentreForm {
            id: DEMO_CENTRE.into(),
            name: "Демонстрационный УЦ Podpis".into(),
            inn: "7707083893".into(),
            ogrn: "1027700132195".into(),
            address: "Москва, ул. Тверская, 7".into(),
            price: 150_000,
            accredited_from: None,
            accredited_until: now + 3 * 365 * 24 * 3600,
        };
        let gost = "gost2012-256".parse().expect("a known algorithm");
        portal
            .add_hosted_centre(&local(), None, &form, gost)
            .await?;
    }
    let people = [
        (
            "+7 900 000-00-01",
            "admin@podpis.demo",
            "Администраторова",
            "Анна",
            Role::Admin,
        ),
        (
            "+7 900 000-00-02",
            "citizen@podpis.demo",
            "Иванов",
            "Иван",
            Role::Citizen,
        ),
        (
            "+7 900 000-00-03",
            "operator@podpis.demo",
            "Операторова",
            "Ольга",
            Role::Operator {
                ca: DEMO_CENTRE.into(),
            },
        ),
    ];
    for (phone, email, surname, given_name, role) in people {
        let form = RegistrationForm {
            phone: phone.into(),
            email: email.into(),
            password: DEMO_PASSWORD.into(),
            surname: surname.into(),
            given_name: given_name.into(),
            ..Default::default()
        };
        portal
            .create_confirmed_account(&local(), form, &role)
            .await?;
    }
    Ok(())
}

/// `podpis serve`
pub fn serve(db: DbArgs, args: ServeArgs) -> anyhow::Result<Outcome> {
    init_logs(&args.log_format)?;
    let cfg = config::load(&db, &args)?;
    runtime()?.block_on(run(cfg, args))
}

async fn run(cfg: config::Config, args: ServeArgs) -> anyhow::Result<Outcome> {
    let store = open_store(&cfg.database).await?;
    let mut policy = Policy::default();
    if let Some(n) = cfg.rate_per_address {
        policy.per_address = n;
    }
    let mut portal = portal(store.clone(), policy, &cfg.public_url)
        .await?
        .with_vault(config::vault(&cfg.vault_key_file)?);
    // The sandbox's key is derived from the server key, so every node signs and checks alike.
    let sandbox = cfg.sandbox_payments.then(|| {
        SandboxGateway::new(
            portal.mac("payments", "sandbox gateway").as_bytes(),
            &format!("{}/sandbox/pay", portal.origin()),
        )
    });
    if let Some(gateway) = &sandbox {
        portal = portal.with_payments(Arc::new(gateway.clone()));
    }
    if args.demo {
        seed_demo(&portal).await?;
    }
    let email: Arc<dyn Sender> = match &cfg.smtp {
        Some(s) => {
            let credentials = s.username.clone().zip(s.password.clone());
            Arc::new(
                SmtpSender::new(&s.host, s.port, &s.from, credentials)
                    .map_err(anyhow::Error::msg)?,
            )
        }
        None => Arc::new(Console("e-mail")),
    };
    let sms: Arc<dyn Sender> = match &cfg.sms {
        Some(s) => {
            Arc::new(SmsGateway::new(&s.url, s.body.as_deref()).map_err(anyhow::Error::msg)?)
        }
        None => Arc::new(Console("SMS")),
    };
    let dev_mailbox = cfg.smtp.is_none() || cfg.sms.is_none();
    let (stop, stopped) = watch::channel(false);
    let (worker, stats) = if args.no_worker {
        (None, None)
    } else {
        let mut w = Worker::new(store.clone(), Arc::new(SystemClock), email, sms);
        w.lease = args.outbox_lease;
        let stats = w.stats();
        tokio::spawn(scheduled_jobs(portal.clone(), stopped.clone()));
        (Some(tokio::spawn(w.run(stopped))), Some(stats))
    };
    let state = AppState {
        portal,
        config: Arc::new(WebConfig {
            secure_cookies: cfg.secure_cookies,
            trust_proxy: cfg.trust_proxy,
            dev_mailbox,
            sandbox,
        }),
        metrics: Arc::new(Metrics::default()),
        worker: stats,
    };
    let listener = tokio::net::TcpListener::bind(&cfg.listen)
        .await
        .with_context(|| format!("listening on {}", cfg.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, database = %redact(&cfg.database), worker = !args.no_worker, "podpis serve is listening");
    println!(
        "Podpis is running: open {} (listening on {addr}, database {})",
        cfg.public_url,
        redact(&cfg.database)
    );
    if dev_mailbox {
        println!(
            "Development mailbox: messages without a configured SMTP server or SMS gateway are printed here and shown at {}/admin/mailbox",
            cfg.public_url
        );
    }
    if cfg.sandbox_payments {
        println!(
            "Payments go through the sandbox card gateway at {}/sandbox/pay (no money moves): card {} pays, {} is declined",
            cfg.public_url,
            podpis_core::payments::TEST_CARD_OK,
            podpis_core::payments::TEST_CARD_DECLINED
        );
    }
    if args.demo {
        println!(
            "Demo accounts (password {DEMO_PASSWORD}): administrator admin@podpis.demo, citizen citizen@podpis.demo, operator@podpis.demo of the demo centre;"
        );
        println!(
            "  the demo accredited centre publishes {0}/crl/{DEMO_CENTRE}.crl, {0}/ca/{DEMO_CENTRE}.cer and OCSP at {0}/ocsp;",
            cfg.public_url
        );
        println!(
            "  sign in at {}/login, and the one-time code appears on this terminal as an SMS.",
            cfg.public_url
        );
    }
    let app = podpis_web::app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("shutting down: finishing the outbox worker");
    let _ = stop.send(true);
    if let Some(w) = worker {
        let _ = w.await;
    }
    store.close().await;
    println!("Podpis stopped.");
    Ok(Outcome::Ok)
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redact("postgres://podpis:secret@127.0.0.1:5432/podpis"),
            "postgres://podpis:***@127.0.0.1:5432/podpis"
        );
        assert_eq!(redact("sqlite://podpis.db"), "sqlite://podpis.db");
    }
}
