//! The server's configuration: `podpis.toml`, overridden by `PODPIS_*` environment variables,
//! overridden by command-line flags (clap reads flag and variable together).

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Args;
use serde::Deserialize;

/// Where the portal's data lives and how to reach it: shared by `serve`, `db`, `journal`,
/// `account`.
#[derive(Args, Clone, Debug, Default)]
pub struct DbArgs {
    /// The configuration file (TOML). Default: podpis.toml in the current folder, if present.
    #[arg(long, env = "PODPIS_CONFIG")]
    pub config: Option<PathBuf>,
    /// The database: sqlite://FILE (default sqlite://podpis.db) or postgres://USER:PASS@HOST/DB.
    #[arg(long, env = "PODPIS_DATABASE")]
    pub database: Option<String>,
    /// The key vault's key file: 64 hex digits that seal the hosted centres' keys in the
    /// database. Made on first use (default: beside an SQLite file, FILE.vault-key; otherwise
    /// podpis.vault-key here). Keep a copy: without it those keys cannot be opened. Every node
    /// of one portal needs the same file.
    #[arg(long, env = "PODPIS_VAULT_KEY_FILE")]
    pub vault_key_file: Option<PathBuf>,
}

/// `podpis serve`'s own flags.
#[derive(Args, Clone, Debug, Default)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "PODPIS_LISTEN")]
    pub listen: Option<String>,
    /// The URL people open (default http://localhost:PORT): the passkeys' origin and RP ID.
    #[arg(long, env = "PODPIS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// SMTP server for e-mail, HOST or HOST:PORT (without it e-mail goes to the mailbox page).
    #[arg(long, env = "PODPIS_SMTP")]
    pub smtp: Option<String>,
    /// The sender address of e-mail.
    #[arg(long, env = "PODPIS_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// SMS gateway URL with {phone} and {text} (without it SMS go to the mailbox page).
    #[arg(long, env = "PODPIS_SMS_URL")]
    pub sms_url: Option<String>,
    /// Requests allowed per client address and kind per 10 minutes (default 60).
    #[arg(long, env = "PODPIS_RATE_PER_ADDRESS")]
    pub rate_per_address: Option<i64>,
    /// Cookies without the Secure flag (only for plain http on a host other than localhost).
    #[arg(long, env = "PODPIS_INSECURE_COOKIES")]
    pub insecure_cookies: bool,
    /// Take client addresses from X-Forwarded-For (behind a proxy that sets it).
    #[arg(long, env = "PODPIS_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// Do not run the outbox worker on this node (another node delivers).
    #[arg(long, env = "PODPIS_NO_WORKER")]
    pub no_worker: bool,
    /// How long a delivery worker holds a claimed message, in seconds, before another may take
    /// it (a worker that died mid-send is covered after this long).
    #[arg(long, env = "PODPIS_OUTBOX_LEASE", default_value_t = 60, value_parser = clap::value_parser!(i64).range(2..))]
    pub outbox_lease: i64,
    /// Seed demo accounts (an administrator and a citizen) and print how to sign in.
    #[arg(long)]
    pub demo: bool,
    /// How applications are paid for: `sandbox` (a test card gateway served at /sandbox/pay;
    /// the default with --demo) or `none` (only free centres can be applied to).
    #[arg(long, env = "PODPIS_PAYMENTS")]
    pub payments: Option<String>,
    /// Log format: text or json.
    #[arg(long, env = "PODPIS_LOG_FORMAT", default_value = "text")]
    pub log_format: String,
}

/// `podpis.toml`.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    listen: Option<String>,
    database: Option<String>,
    public_url: Option<String>,
    secure_cookies: Option<bool>,
    trust_proxy: Option<bool>,
    rate_per_address: Option<i64>,
    vault_key_file: Option<PathBuf>,
    payments: Option<String>,
    smtp: Option<SmtpConfig>,
    sms: Option<SmsConfig>,
}

/// `[smtp]`.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// Host.
    pub host: String,
    /// Port (25).
    #[serde(default = "smtp_port")]
    pub port: u16,
    /// Sender.
    #[serde(default = "smtp_from")]
    pub from: String,
    /// Login.
    pub username: Option<String>,
    /// Password (prefer PODPIS_SMTP_PASSWORD).
    pub password: Option<String>,
}

fn smtp_port() -> u16 {
    25
}

fn smtp_from() -> String {
    "Podpis <noreply@localhost>".into()
}

/// `[sms]`.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    /// URL template with {phone} and {text}.
    pub url: String,
    /// For POST: the body template (form-encoded); GET without it.
    pub body: Option<String>,
}

/// The configuration in force.
#[derive(Debug, Clone)]
pub struct Config {
    /// Listen address.
    pub listen: String,
    /// Database URL.
    pub database: String,
    /// Public URL.
    pub public_url: String,
    /// Secure cookies.
    pub secure_cookies: bool,
    /// Trust X-Forwarded-For.
    pub trust_proxy: bool,
    /// Per-address limit.
    pub rate_per_address: Option<i64>,
    /// E-mail.
    pub smtp: Option<SmtpConfig>,
    /// SMS.
    pub sms: Option<SmsConfig>,
    /// The vault key file.
    pub vault_key_file: PathBuf,
    /// Whether payments go through the sandbox gateway.
    pub sandbox_payments: bool,
}

fn read_file(path: Option<&PathBuf>) -> anyhow::Result<FileConfig> {
    let (path, required) = match path {
        Some(p) => (p.clone(), true),
        None => (PathBuf::from("podpis.toml"), false),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text)
            .with_context(|| format!("{}: not a valid configuration", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
            Ok(FileConfig::default())
        }
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// The database URL from flags, variables, the file, or the default.
pub fn database(db: &DbArgs) -> anyhow::Result<String> {
    Ok(database_url(db, &read_file(db.config.as_ref())?))
}

fn database_url(db: &DbArgs, file: &FileConfig) -> String {
    db.database
        .clone()
        .or(file.database.clone())
        .unwrap_or_else(|| "sqlite://podpis.db".into())
}

/// The vault key file from flags, variables, the file, or the default for `database`.
fn vault_key_file(db: &DbArgs, file: &FileConfig, database: &str) -> PathBuf {
    db.vault_key_file
        .clone()
        .or(file.vault_key_file.clone())
        .unwrap_or_else(|| match database.strip_prefix("sqlite://") {
            Some(path) => {
                let path = path.split('?').next().unwrap_or(path);
                PathBuf::from(format!("{path}.vault-key"))
            }
            None => PathBuf::from("podpis.vault-key"),
        })
}

/// The key vault: its key read from the key file, or made and written there (owner-only) when
/// the file does not exist yet.
pub fn vault(path: &std::path::Path) -> anyhow::Result<podpis_core::Vault> {
    match std::fs::read_to_string(path) {
        Ok(text) => podpis_core::Vault::from_hex(&text)
            .with_context(|| format!("the vault key file {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let hex = podpis_core::Vault::generate_hex();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut f = options
                .open(path)
                .with_context(|| format!("creating the vault key file {}", path.display()))?;
            std::io::Write::write_all(&mut f, format!("{}\n", hex.as_str()).as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            tracing::warn!(path = %path.display(), "made a new vault key file: keep a copy of it");
            eprintln!(
                "Made a new vault key file {}: keep a copy; without it the hosted centres' keys cannot be opened.",
                path.display()
            );
            Ok(podpis_core::Vault::from_hex(&hex)?)
        }
        Err(e) => Err(e).with_context(|| format!("reading the vault key file {}", path.display())),
    }
}

/// The portal's public URL from the configuration file (default http://localhost:8080), for
/// commands that write it into certificates.
pub fn public_url(db: &DbArgs) -> anyhow::Result<String> {
    Ok(read_file(db.config.as_ref())?
        .public_url
        .unwrap_or_else(|| "http://localhost:8080".into()))
}

/// The database URL and the vault key file, for the commands that need both.
pub fn database_and_vault(db: &DbArgs) -> anyhow::Result<(String, PathBuf)> {
    let file = read_file(db.config.as_ref())?;
    let database = database_url(db, &file);
    let vault = vault_key_file(db, &file, &database);
    Ok((database, vault))
}

/// The whole configuration for `podpis serve`.
pub fn load(db: &DbArgs, args: &ServeArgs) -> anyhow::Result<Config> {
    let file = read_file(db.config.as_ref())?;
    let database = database_url(db, &file);
    let vault_key_file = vault_key_file(db, &file, &database);
    let listen = args
        .listen
        .clone()
        .or(file.listen)
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let port = listen
        .rsplit_once(':')
        .map_or("8080", |(_, p)| p)
        .to_owned();
    let smtp = match &args.smtp {
        Some(hostport) => {
            let (host, port) = match hostport.rsplit_once(':') {
                Some((h, p)) => (
                    h.to_owned(),
                    p.parse()
                        .with_context(|| format!("--smtp {hostport}: the port is not a number"))?,
                ),
                None => (hostport.clone(), 25),
            };
            let base = file.smtp.clone();
            Some(SmtpConfig {
                host,
                port,
                from: args
                    .smtp_from
                    .clone()
                    .or(base.as_ref().map(|b| b.from.clone()))
                    .unwrap_or_else(smtp_from),
                username: base.as_ref().and_then(|b| b.username.clone()),
                password: std::env::var("PODPIS_SMTP_PASSWORD")
                    .ok()
                    .or(base.and_then(|b| b.password)),
            })
        }
        None => file.smtp.map(|mut s| {
            if let Some(from) = &args.smtp_from {
                s.from = from.clone();
            }
            if let Ok(p) = std::env::var("PODPIS_SMTP_PASSWORD") {
                s.password = Some(p);
            }
            s
        }),
    };
    let sms = match &args.sms_url {
        Some(url) => Some(SmsConfig {
            url: url.clone(),
            body: file.sms.and_then(|s| s.body),
        }),
        None => file.sms,
    };
    let rate = args.rate_per_address.or(file.rate_per_address);
    if let Some(r) = rate
        && r < 1
    {
        bail!("rate_per_address must be at least 1");
    }
    let sandbox_payments = match args
        .payments
        .as_deref()
        .or(file.payments.as_deref())
        .unwrap_or(if args.demo { "sandbox" } else { "none" })
    {
        "sandbox" => true,
        "none" => false,
        other => bail!("payments = {other:?}: use sandbox or none"),
    };
    Ok(Config {
        vault_key_file,
        sandbox_payments,
        public_url: args
            .public_url
            .clone()
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://localhost:{port}")),
        database,
        secure_cookies: !args.insecure_cookies && file.secure_cookies.unwrap_or(true),
        trust_proxy: args.trust_proxy || file.trust_proxy.unwrap_or(false),
        rate_per_address: rate,
        listen,
        smtp,
        sms,
    })
}
