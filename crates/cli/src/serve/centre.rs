//! `podpis centre …`: the registry of accredited certification centres, kept on the server
//! itself (the administrator's pages and API do the same through the portal).

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use podpis_core::{CentreForm, ImportForm, Portal, timestamp};
use podpis_keys::KeySpec;
use podpis_store::Centre;

use super::config::{self, DbArgs};
use super::{local, open_store, portal, runtime};
use crate::Outcome;

/// `podpis centre …`
#[derive(Subcommand)]
pub enum CentreCommand {
    /// Add a centre hosted by this portal: its CA key (sealed in the vault), CA certificate,
    /// OCSP responder and first CRL are made now.
    Add(AddArgs),
    /// Import an external accredited centre by its CA certificate chain.
    Import(ImportArgs),
    /// List the registry.
    List {
        #[command(flatten)]
        db: DbArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set a centre's accreditation period (an end in the past ends the trust).
    Accredit {
        #[command(flatten)]
        db: DbArgs,
        /// The centre's id.
        #[arg(long)]
        id: String,
        /// Start, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// End (exclusive), YYYY-MM-DD.
        #[arg(long)]
        until: String,
    },
}

/// The registry data both `add` and `import` take.
#[derive(Args)]
pub struct CentreArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Short identifier for URLs (/crl/ID.crl): lower-case letters, digits, '-'.
    #[arg(long)]
    id: String,
    /// The centre's name.
    #[arg(long)]
    name: String,
    /// ИНН of the legal entity (10 digits).
    #[arg(long)]
    inn: String,
    /// ОГРН (13 digits).
    #[arg(long)]
    ogrn: String,
    /// Postal address.
    #[arg(long)]
    address: String,
    /// The price of a certificate, in roubles (kopecks after a dot).
    #[arg(long, default_value = "0")]
    price: String,
    /// End of the accreditation, YYYY-MM-DD (default: three years from now).
    #[arg(long)]
    accredited_until: Option<String>,
}

/// `podpis centre add`
#[derive(Args)]
pub struct AddArgs {
    #[command(flatten)]
    centre: CentreArgs,
    /// The CA key's algorithm.
    #[arg(long, default_value = "gost2012-256")]
    alg: KeySpec,
    /// The portal's public URL, written into the certificates as where the CRL and OCSP are
    /// (default: public_url of podpis.toml, else http://localhost:8080).
    #[arg(long, env = "PODPIS_PUBLIC_URL")]
    public_url: Option<String>,
}

/// `podpis centre import`
#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    centre: CentreArgs,
    /// The centre's CA certificate chain, PEM (its own certificate first) or one DER file.
    #[arg(long)]
    chain: PathBuf,
    /// Its CRL's URL.
    #[arg(long)]
    crl_url: Option<String>,
    /// Its OCSP responder's URL.
    #[arg(long)]
    ocsp_url: Option<String>,
}

/// Roubles as written (`1500`, `1500.50`) in kopecks.
fn kopecks(text: &str) -> anyhow::Result<i64> {
    let (rub, kop) = text.trim().split_once('.').unwrap_or((text.trim(), "0"));
    let rub: i64 = rub
        .parse()
        .with_context(|| format!("--price {text}: not a number"))?;
    let kop: i64 = format!("{kop:0<2}")[..2]
        .parse()
        .with_context(|| format!("--price {text}: not a number"))?;
    Ok(rub * 100 + kop)
}

/// A date `YYYY-MM-DD` as Unix seconds (UTC midnight).
fn date(text: &str) -> anyhow::Result<i64> {
    podpis_core::parse_time(text).with_context(|| format!("{text}: a date is YYYY-MM-DD"))
}

impl CentreArgs {
    fn form(&self, now: i64) -> anyhow::Result<CentreForm> {
        Ok(CentreForm {
            id: self.id.clone(),
            name: self.name.clone(),
            inn: self.inn.clone(),
            ogrn: self.ogrn.clone(),
            address: self.address.clone(),
            price: kopecks(&self.price)?,
            accredited_from: None,
            accredited_until: match &self.accredited_until {
                Some(d) => date(d)?,
                None => now + 3 * 365 * 24 * 3600,
            },
        })
    }
}

fn print(centre: &Centre, now: i64) {
    println!(
        "{:<16} {:<40} {:<8} accredited {} – {}{}",
        centre.id,
        centre.name,
        if centre.hosted { "hosted" } else { "external" },
        timestamp(centre.accredited_from),
        timestamp(centre.accredited_until),
        if centre.accredited_at(now) {
            ""
        } else {
            " (not in force)"
        }
    );
}

/// Opens the portal on `db` with its vault, runs `f`, closes the store.
async fn with_portal<T>(
    db: &DbArgs,
    public_url: &str,
    f: impl AsyncFnOnce(&Portal) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let (url, vault_file) = config::database_and_vault(db)?;
    let store = open_store(&url).await?;
    let portal = portal(store.clone(), podpis_core::Policy::default(), public_url)
        .await?
        .with_vault(config::vault(&vault_file)?);
    let result = f(&portal).await;
    store.close().await;
    result
}

/// Runs a `centre` command.
pub fn run(cmd: CentreCommand) -> anyhow::Result<Outcome> {
    runtime()?.block_on(async {
        match cmd {
            CentreCommand::Add(a) => {
                let public_url = match &a.public_url {
                    Some(u) => u.clone(),
                    None => config::public_url(&a.centre.db)?,
                };
                with_portal(&a.centre.db, &public_url, async |p| {
                    let form = a.centre.form(p.clock().now())?;
                    let centre = p.add_hosted_centre(&local(), None, &form, a.alg).await?;
                    print(&centre, p.clock().now());
                    Ok(())
                })
                .await?;
            }
            CentreCommand::Import(a) => {
                let chain = std::fs::read(&a.chain)
                    .with_context(|| format!("reading {}", a.chain.display()))?;
                with_portal(&a.centre.db, "http://localhost", async |p| {
                    let form = ImportForm {
                        centre: a.centre.form(p.clock().now())?,
                        chain,
                        crl_url: a.crl_url.clone(),
                        ocsp_url: a.ocsp_url.clone(),
                    };
                    let centre = p.import_centre(&local(), None, &form).await?;
                    print(&centre, p.clock().now());
                    Ok(())
                })
                .await?;
            }
            CentreCommand::List { db, json } => {
                with_portal(&db, "http://localhost", async |p| {
                    let now = p.clock().now();
                    let list = p.centres().await?;
                    if json {
                        let rows: Vec<_> = list
                            .iter()
                            .map(|c| {
                                serde_json::json!({
                                    "id": c.id, "name": c.name, "inn": c.inn, "ogrn": c.ogrn,
                                    "hosted": c.hosted, "accredited": c.accredited_at(now),
                                    "accreditedFrom": c.accredited_from,
                                    "accreditedUntil": c.accredited_until,
                                    "crlUrl": c.crl_url, "ocspUrl": c.ocsp_url,
                                })
                            })
                            .collect();
                        println!("{}", serde_json::Value::Array(rows));
                    } else {
                        list.iter().for_each(|c| print(c, now));
                    }
                    Ok(())
                })
                .await?;
            }
            CentreCommand::Accredit {
                db,
                id,
                from,
                until,
            } => {
                let (from, until) = (date(&from)?, date(&until)?);
                with_portal(&db, "http://localhost", async |p| {
                    let centre = p
                        .set_accreditation(&local(), None, &id, from, until)
                        .await?;
                    print(&centre, p.clock().now());
                    Ok(())
                })
                .await?;
            }
        }
        Ok(Outcome::Ok)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_and_dates_read_as_people_write_them() {
        assert_eq!(kopecks("1500").unwrap(), 150_000);
        assert_eq!(kopecks("1500.5").unwrap(), 150_050);
        assert_eq!(kopecks("0.07").unwrap(), 7);
        assert!(kopecks("дорого").is_err());
        assert_eq!(date("1970-01-02").unwrap(), 86_400);
        assert!(date("2027/01/01").is_err());
    }
}
