//! Accredited certification centres, the keys of the hosted ones, the certificates they issue
//! and their newest CRLs.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sqlx::any::AnyRow;

use crate::{Error, Result, Tx, col, dynamic, flag, from_base64};

/// A centre in the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Centre {
    /// Short identifier, used in URLs (`/crl/<id>.crl`).
    pub id: String,
    /// The centre's name.
    pub name: String,
    /// ИНН of the legal entity (10 digits).
    pub inn: String,
    /// ОГРН (13 digits).
    pub ogrn: String,
    /// Postal address.
    pub address: String,
    /// The price of a qualified certificate, in kopecks.
    pub price: i64,
    /// Start of the accreditation (Unix seconds).
    pub accredited_from: i64,
    /// End of the accreditation (Unix seconds, exclusive).
    pub accredited_until: i64,
    /// Whether this portal runs the centre's CA (its keys are in the vault).
    pub hosted: bool,
    /// The centre's CA certificate first, then the ones above it, each DER.
    pub chain: Vec<Vec<u8>>,
    /// Where its CRL is published.
    pub crl_url: Option<String>,
    /// Its OCSP responder.
    pub ocsp_url: Option<String>,
    /// When it was added (Unix seconds).
    pub created_at: i64,
}

impl Centre {
    /// Whether the accreditation is in force at `t` (Unix seconds).
    pub fn accredited_at(&self, t: i64) -> bool {
        self.accredited_from <= t && t < self.accredited_until
    }
}

/// A certificate a hosted centre issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedCertificate {
    /// The centre.
    pub centre_id: String,
    /// Serial number, upper-case hex as encoded.
    pub serial: String,
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// The owner's name in one line, for lists.
    pub subject: String,
    /// The owner's СНИЛС, when the certificate carries one.
    pub snils: Option<String>,
    /// The owner's ИНН, when the certificate carries one.
    pub inn: Option<String>,
    /// Start of validity (Unix seconds).
    pub not_before: i64,
    /// End of validity (Unix seconds).
    pub not_after: i64,
    /// The account it was issued to, when it was issued through the portal.
    pub account_id: Option<String>,
    /// When it was revoked (Unix seconds).
    pub revoked_at: Option<i64>,
    /// Why (a CRL reason name, such as `keyCompromise`).
    pub reason: Option<String>,
    /// When it was issued (Unix seconds).
    pub issued_at: i64,
}

/// A revoked certificate, as a CRL lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevokedSerial {
    /// Serial number, upper-case hex.
    pub serial: String,
    /// When it was revoked (Unix seconds).
    pub revoked_at: i64,
    /// Why, when said.
    pub reason: Option<String>,
}

/// A stored CRL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCrl {
    /// Its number.
    pub number: i64,
    /// The CRL, DER.
    pub der: Vec<u8>,
    /// thisUpdate (Unix seconds).
    pub this_update: i64,
    /// nextUpdate (Unix seconds).
    pub next_update: i64,
}

const CENTRE_COLUMNS: &str = "id, name, inn, ogrn, address, price, accredited_from, \
     accredited_until, hosted, chain, crl_url, ocsp_url, created_at";

const CERT_COLUMNS: &str = "centre_id, serial, der, subject, snils, inn, not_before, not_after, \
     account_id, revoked_at, reason, issued_at";

fn encode(der: &[u8]) -> String {
    STANDARD.encode(der)
}

fn decode(row: &AnyRow, name: &str) -> Result<Vec<u8>> {
    from_base64(name, &col::<String>(row, name)?)
}

fn centre(row: &AnyRow) -> Result<Centre> {
    let chain: String = col(row, "chain")?;
    let chain = chain
        .split_whitespace()
        .map(|c| STANDARD.decode(c.as_bytes()))
        .collect::<core::result::Result<_, _>>()
        .map_err(|e| Error::Corrupt(format!("chain: {e}")))?;
    Ok(Centre {
        id: col(row, "id")?,
        name: col(row, "name")?,
        inn: col(row, "inn")?,
        ogrn: col(row, "ogrn")?,
        address: col(row, "address")?,
        price: col(row, "price")?,
        accredited_from: col(row, "accredited_from")?,
        accredited_until: col(row, "accredited_until")?,
        hosted: flag(row, "hosted")?,
        chain,
        crl_url: col(row, "crl_url")?,
        ocsp_url: col(row, "ocsp_url")?,
        created_at: col(row, "created_at")?,
    })
}

fn issued(row: &AnyRow) -> Result<IssuedCertificate> {
    Ok(IssuedCertificate {
        centre_id: col(row, "centre_id")?,
        serial: col(row, "serial")?,
        der: decode(row, "der")?,
        subject: col(row, "subject")?,
        snils: col(row, "snils")?,
        inn: col(row, "inn")?,
        not_before: col(row, "not_before")?,
        not_after: col(row, "not_after")?,
        account_id: col(row, "account_id")?,
        revoked_at: col(row, "revoked_at")?,
        reason: col(row, "reason")?,
        issued_at: col(row, "issued_at")?,
    })
}

impl Tx {
    /// Adds a centre to the registry; [`Error::Duplicate`] when its id is taken.
    pub async fn insert_centre(&mut self, c: &Centre) -> Result<()> {
        let chain: Vec<String> = c.chain.iter().map(|d| encode(d)).collect();
        dynamic(format!(
            "INSERT INTO centres ({CENTRE_COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        ))
        .bind(&c.id)
        .bind(&c.name)
        .bind(&c.inn)
        .bind(&c.ogrn)
        .bind(&c.address)
        .bind(c.price)
        .bind(c.accredited_from)
        .bind(c.accredited_until)
        .bind(i64::from(c.hosted))
        .bind(chain.join("\n"))
        .bind(&c.crl_url)
        .bind(&c.ocsp_url)
        .bind(c.created_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The centre `id`.
    pub async fn centre(&mut self, id: &str) -> Result<Option<Centre>> {
        dynamic(format!(
            "SELECT {CENTRE_COLUMNS} FROM centres WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(centre)
        .transpose()
    }

    /// Every centre in the registry, by name.
    pub async fn centres(&mut self) -> Result<Vec<Centre>> {
        dynamic(format!(
            "SELECT {CENTRE_COLUMNS} FROM centres ORDER BY name, id"
        ))
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(centre)
        .collect()
    }

    /// Sets the accreditation period of centre `id`; false when there is no such centre.
    pub async fn set_accreditation(&mut self, id: &str, from: i64, until: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE centres SET accredited_from = $2, accredited_until = $3, version = version + 1 \
             WHERE id = $1",
        )
        .bind(id)
        .bind(from)
        .bind(until)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores a hosted centre's key (`ca` or `ocsp`), sealed, with its certificate.
    pub async fn insert_centre_key(
        &mut self,
        centre_id: &str,
        purpose: &str,
        sealed_key: &str,
        certificate: &[u8],
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO centre_keys (centre_id, purpose, sealed_key, certificate, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(centre_id)
        .bind(purpose)
        .bind(sealed_key)
        .bind(encode(certificate))
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// A hosted centre's sealed key for `purpose` and its certificate (DER).
    pub async fn centre_key(
        &mut self,
        centre_id: &str,
        purpose: &str,
    ) -> Result<Option<(String, Vec<u8>)>> {
        let row = sqlx::query(
            "SELECT sealed_key, certificate FROM centre_keys WHERE centre_id = $1 AND purpose = $2",
        )
        .bind(centre_id)
        .bind(purpose)
        .fetch_optional(self.conn())
        .await?;
        row.map(|row| Ok((col(&row, "sealed_key")?, decode(&row, "certificate")?)))
            .transpose()
    }

    /// Records a certificate a hosted centre issued.
    pub async fn insert_certificate(&mut self, c: &IssuedCertificate) -> Result<()> {
        dynamic(format!(
            "INSERT INTO certificates ({CERT_COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(&c.centre_id)
        .bind(&c.serial)
        .bind(encode(&c.der))
        .bind(&c.subject)
        .bind(&c.snils)
        .bind(&c.inn)
        .bind(c.not_before)
        .bind(c.not_after)
        .bind(&c.account_id)
        .bind(c.revoked_at)
        .bind(&c.reason)
        .bind(c.issued_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The certificate `serial` (upper-case hex) of centre `centre_id`, locked on PostgreSQL
    /// inside a transaction.
    pub async fn certificate(
        &mut self,
        centre_id: &str,
        serial: &str,
    ) -> Result<Option<IssuedCertificate>> {
        let lock = self.for_update();
        dynamic(format!(
            "SELECT {CERT_COLUMNS} FROM certificates WHERE centre_id = $1 AND serial = $2{lock}"
        ))
        .bind(centre_id)
        .bind(serial)
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(issued)
        .transpose()
    }

    /// The certificates of centre `centre_id`, newest first.
    pub async fn certificates(
        &mut self,
        centre_id: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<IssuedCertificate>> {
        dynamic(format!(
            "SELECT {CERT_COLUMNS} FROM certificates WHERE centre_id = $1 \
             ORDER BY issued_at DESC, serial LIMIT $2 OFFSET $3"
        ))
        .bind(centre_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(issued)
        .collect()
    }

    /// Marks a certificate revoked at `at` for `reason`; false when it was revoked already
    /// (or does not exist), which changes nothing.
    pub async fn revoke_certificate(
        &mut self,
        centre_id: &str,
        serial: &str,
        at: i64,
        reason: &str,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE certificates SET revoked_at = $3, reason = $4 \
             WHERE centre_id = $1 AND serial = $2 AND revoked_at IS NULL",
        )
        .bind(centre_id)
        .bind(serial)
        .bind(at)
        .bind(reason)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every revoked certificate of centre `centre_id`, for its CRL (serial order).
    pub async fn revoked_serials(&mut self, centre_id: &str) -> Result<Vec<RevokedSerial>> {
        sqlx::query(
            "SELECT serial, revoked_at, reason FROM certificates \
             WHERE centre_id = $1 AND revoked_at IS NOT NULL ORDER BY serial",
        )
        .bind(centre_id)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|row| {
            Ok(RevokedSerial {
                serial: col(row, "serial")?,
                revoked_at: col(row, "revoked_at")?,
                reason: col(row, "reason")?,
            })
        })
        .collect()
    }

    /// The newest CRL of centre `centre_id`, locked on PostgreSQL inside a transaction (so two
    /// nodes do not both publish the next number).
    pub async fn crl(&mut self, centre_id: &str) -> Result<Option<StoredCrl>> {
        let lock = self.for_update();
        let row = dynamic(format!(
            "SELECT number, der, this_update, next_update FROM crls WHERE centre_id = $1{lock}"
        ))
        .bind(centre_id)
        .fetch_optional(self.conn())
        .await?;
        row.map(|row| {
            Ok(StoredCrl {
                number: col(&row, "number")?,
                der: decode(&row, "der")?,
                this_update: col(&row, "this_update")?,
                next_update: col(&row, "next_update")?,
            })
        })
        .transpose()
    }

    /// Stores `crl` as the newest CRL of centre `centre_id`.
    pub async fn put_crl(&mut self, centre_id: &str, crl: &StoredCrl) -> Result<()> {
        sqlx::query(
            "INSERT INTO crls (centre_id, number, der, this_update, next_update) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (centre_id) DO UPDATE SET \
             number = excluded.number, der = excluded.der, this_update = excluded.this_update, \
             next_update = excluded.next_update",
        )
        .bind(centre_id)
        .bind(crl.number)
        .bind(encode(&crl.der))
        .bind(crl.this_update)
        .bind(crl.next_update)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// A number that grows whenever any hosted centre publishes a CRL (so on every
    /// revocation) and whenever the registry changes (a centre added, an accreditation set):
    /// nodes compare it to drop the registry, CRLs and OCSP answers they keep in memory.
    pub async fn trust_epoch(&mut self) -> Result<i64> {
        let row = sqlx::query(
            "SELECT CAST((SELECT COALESCE(SUM(number), 0) FROM crls) \
             + (SELECT COALESCE(SUM(version), 0) FROM centres) AS BIGINT) AS epoch",
        )
        .fetch_one(self.conn())
        .await?;
        col(&row, "epoch")
    }
}
