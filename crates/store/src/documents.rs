//! Portal services and the documents citizens sign in them (see `0009_documents.sql`).

use podpis_gost::hash::{Digest, Streebog256};
use podpis_pki::cades::join_certificates;
use sqlx::any::AnyRow;

use crate::{Error, Result, Tx, col, dynamic, from_base64, placeholders, value_rows};

/// A portal service that takes signed documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// Identifier (`social-fund`, `contract`, …).
    pub id: String,
    /// What citizens see.
    pub title: String,
    /// The file extensions it takes, comma-separated (`pdf,xml`).
    pub file_types: String,
    /// The largest document it takes, in bytes.
    pub max_bytes: i64,
    /// The hash of its integration API key, once it has one.
    pub key_hash: Option<String>,
    /// Where it is told of its documents' signing or refusal.
    pub webhook_url: Option<String>,
    /// The secret its webhook calls are signed with, sealed by the vault.
    pub webhook_secret: Option<String>,
}

/// A document as stored; in lists `content` is empty and `signature` is `None` (`signer` and
/// `signed_at` say whether it is signed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Random identifier.
    pub id: String,
    /// The owner, who signs it.
    pub account_id: String,
    /// The service it goes to.
    pub service_id: String,
    /// Its file name.
    pub name: String,
    /// Its size in bytes.
    pub size: i64,
    /// Its Streebog-256 hash, hex.
    pub hash: String,
    /// The bytes (empty when listed).
    pub content: Vec<u8>,
    /// `draft`, `sent`, `accepted`, `rejected` or `refused` (by the citizen).
    pub status: String,
    /// The service's reason for its decision.
    pub comment: String,
    /// The detached CMS signature (DER), once signed.
    pub signature: Option<Vec<u8>>,
    /// The signer's certificate, `centre/serial`.
    pub signer: Option<String>,
    /// When it was signed.
    pub signed_at: Option<i64>,
    /// When it was uploaded.
    pub created_at: i64,
    /// When it last changed.
    pub updated_at: i64,
    /// Whether its service submitted it (through the integration API).
    pub submitted: bool,
}

const COLUMNS: &str = "id, account_id, service_id, name, size, hash, status, comment, \
     signature, signer, signed_at, created_at, updated_at, submitted";
/// [`COLUMNS`] for lists: the signatures are left in their rows.
const LISTED: &str = "id, account_id, service_id, name, size, hash, status, comment, \
     NULL AS signature, signer, signed_at, created_at, updated_at, submitted";
/// The certificates its signature was stored without (see `0016_signature_certificates.sql`).
const CERTIFICATES: &str = "(SELECT der FROM signature_certificates s \
     WHERE s.id = documents.certificates_id) AS certificates";
/// The document's bytes, beside its row.
const CONTENT: &str = "(SELECT content FROM document_bytes c WHERE c.id = documents.id) AS content";
/// Base64 values decoded per statement by migrations 13 and 14.
const COPY_ROWS: i64 = 100;
const SERVICE_COLUMNS: &str =
    "id, title, file_types, max_bytes, key_hash, webhook_url, webhook_secret";

fn document(row: &AnyRow, content: Vec<u8>) -> Result<Document> {
    Ok(Document {
        id: col(row, "id")?,
        account_id: col(row, "account_id")?,
        service_id: col(row, "service_id")?,
        name: col(row, "name")?,
        size: col(row, "size")?,
        hash: col(row, "hash")?,
        content,
        status: col(row, "status")?,
        comment: col(row, "comment")?,
        signature: col::<Option<Vec<u8>>>(row, "signature")?
            .map(|signature| whole(row, signature))
            .transpose()?,
        signer: col(row, "signer")?,
        signed_at: col(row, "signed_at")?,
        created_at: col(row, "created_at")?,
        updated_at: col(row, "updated_at")?,
        submitted: col::<i64>(row, "submitted")? != 0,
    })
}

/// A stored `signature` with the certificates it was stored without, if any (the row selected
/// [`CERTIFICATES`]).
fn whole(row: &AnyRow, signature: Vec<u8>) -> Result<Vec<u8>> {
    match col::<Option<Vec<u8>>>(row, "certificates")? {
        Some(certificates) => join_certificates(&signature, &certificates)
            .map_err(|e| Error::Corrupt(format!("a document's signature: {e}"))),
        None => Ok(signature),
    }
}

fn service(row: &AnyRow) -> Result<Service> {
    Ok(Service {
        id: col(row, "id")?,
        title: col(row, "title")?,
        file_types: col(row, "file_types")?,
        max_bytes: col(row, "max_bytes")?,
        key_hash: col(row, "key_hash")?,
        webhook_url: col(row, "webhook_url")?,
        webhook_secret: col(row, "webhook_secret")?,
    })
}

impl Tx {
    /// Every service, by title.
    pub async fn services(&mut self) -> Result<Vec<Service>> {
        dynamic(format!(
            "SELECT {SERVICE_COLUMNS} FROM services ORDER BY title, id"
        ))
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(service)
        .collect()
    }

    /// Service `id`.
    pub async fn service(&mut self, id: &str) -> Result<Option<Service>> {
        dynamic(format!(
            "SELECT {SERVICE_COLUMNS} FROM services WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(service)
        .transpose()
    }

    /// Stores a new document (its signature columns as given) and its bytes.
    pub async fn insert_document(&mut self, d: &Document) -> Result<()> {
        dynamic(format!(
            "INSERT INTO documents ({COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        ))
        .bind(&d.id)
        .bind(&d.account_id)
        .bind(&d.service_id)
        .bind(&d.name)
        .bind(d.size)
        .bind(&d.hash)
        .bind(&d.status)
        .bind(&d.comment)
        .bind(d.signature.clone())
        .bind(&d.signer)
        .bind(d.signed_at)
        .bind(d.created_at)
        .bind(d.updated_at)
        .bind(i64::from(d.submitted))
        .execute(self.conn())
        .await?;
        sqlx::query("INSERT INTO document_bytes (id, content) VALUES ($1, $2)")
            .bind(&d.id)
            .bind(d.content.as_slice())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Migration 13: copies every document's bytes from base64 text (`document_contents`) to
    /// `document_bytes`, then drops the old table.
    pub(crate) async fn decode_document_contents(&mut self) -> Result<()> {
        self.decode_base64(
            ("document_contents", "content"),
            "INSERT INTO document_bytes (id, content) VALUES ($1, $2)",
            &["DROP TABLE document_contents"],
        )
        .await
    }

    /// Migration 14: copies every signature from base64 text (`signature`) to `signature_der`,
    /// drops the old column and gives the new one its name.
    pub(crate) async fn decode_document_signatures(&mut self) -> Result<()> {
        self.decode_base64(
            ("documents", "signature"),
            "UPDATE documents SET signature_der = $2 WHERE id = $1",
            &[
                "ALTER TABLE documents DROP COLUMN signature",
                "ALTER TABLE documents RENAME COLUMN signature_der TO signature",
            ],
        )
        .await
    }

    /// Decodes the base64 text of column `column` of table `from`, [`COPY_ROWS`] rows at a
    /// time, writes each value with `write` (its `id` as `$1`, the bytes as `$2`), then runs
    /// `then`; a value that is not base64 stops it. All of them are this crate's constants.
    async fn decode_base64(
        &mut self,
        (from, column): (&str, &str),
        write: &str,
        then: &[&str],
    ) -> Result<()> {
        let mut after = String::new();
        loop {
            let rows = dynamic(format!(
                "SELECT id, {column} FROM {from} \
                 WHERE {column} IS NOT NULL AND id > $1 ORDER BY id LIMIT $2"
            ))
            .bind(after.clone())
            .bind(COPY_ROWS)
            .fetch_all(self.conn())
            .await?;
            let Some(last) = rows.last() else { break };
            after = col(last, "id")?;
            for row in &rows {
                let value =
                    from_base64(&format!("document {column}"), &col::<String>(row, column)?)?;
                dynamic(write.to_owned())
                    .bind(col::<String>(row, "id")?)
                    .bind(value)
                    .execute(self.conn())
                    .await?;
            }
        }
        for sql in then {
            dynamic((*sql).to_owned()).execute(self.conn()).await?;
        }
        Ok(())
    }

    /// An account's documents without their bytes and signatures, newest first.
    pub async fn documents_of(&mut self, account_id: &str) -> Result<Vec<Document>> {
        dynamic(format!(
            "SELECT {LISTED} FROM documents WHERE account_id = $1 \
             ORDER BY created_at DESC, id"
        ))
        .bind(account_id)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|row| document(row, Vec::new()))
        .collect()
    }

    /// Document `id` with its bytes.
    pub async fn document(&mut self, id: &str) -> Result<Option<Document>> {
        let Some(row) = dynamic(format!(
            "SELECT {COLUMNS}, {CERTIFICATES}, {CONTENT} FROM documents WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.conn())
        .await?
        else {
            return Ok(None);
        };
        let content = col(&row, "content")?;
        document(&row, content).map(Some)
    }

    /// The documents of `ids` that exist, with their bytes if `with_content` (else empty), in
    /// one statement (in no order).
    pub async fn documents_by_id(
        &mut self,
        ids: &[String],
        with_content: bool,
    ) -> Result<Vec<Document>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = self.in_order(format!(
            "SELECT {COLUMNS}, {CERTIFICATES}{} FROM documents WHERE id IN ({})",
            if with_content {
                format!(", {CONTENT}")
            } else {
                String::new()
            },
            placeholders(1, ids.len())
        ));
        for id in ids {
            query = query.bind(id);
        }
        let rows = query.fetch_all(self.conn()).await?;
        rows.iter()
            .map(|row| {
                let content = if with_content {
                    col(row, "content")?
                } else {
                    Vec::new()
                };
                document(row, content)
            })
            .collect()
    }

    /// Gives service `id` an integration: the hash of its API key, its webhook URL and sealed
    /// secret (replacing any earlier ones); false when there is no such service.
    pub async fn set_integration(
        &mut self,
        id: &str,
        key_hash: &str,
        webhook_url: Option<&str>,
        webhook_secret: &str,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE services SET key_hash = $2, webhook_url = $3, webhook_secret = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(key_hash)
        .bind(webhook_url)
        .bind(webhook_secret)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Moves document `id` from `from` to `to` with `comment`; false when it was not in `from`.
    pub async fn move_document(
        &mut self,
        id: &str,
        from: &str,
        to: &str,
        comment: &str,
        at: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE documents SET status = $3, comment = $4, updated_at = $5 \
             WHERE id = $1 AND status = $2",
        )
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(comment)
        .bind(at)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the signatures of drafts, `(id, signature)` each, by `signer` and sends them for
    /// processing; returns how many were still drafts (the others were signed meanwhile and
    /// are left as they are). With `certificates`, each signature is one without its
    /// certificates and `certificates` their field, which [`join_certificates`] puts back when
    /// it is read: the field is kept once, under its Streebog-256 (two statements for a batch
    /// by one signer). Without it, each signature is kept whole.
    pub async fn sign_documents(
        &mut self,
        signatures: &[(&str, &[u8])],
        certificates: Option<&[u8]>,
        signer: &str,
        at: i64,
    ) -> Result<u64> {
        let n = signatures.len();
        if n == 0 {
            return Ok(0);
        }
        let certificates_id = match certificates {
            Some(field) => {
                let id = hex::encode(Streebog256::digest(field));
                sqlx::query(
                    "INSERT INTO signature_certificates (id, der) VALUES ($1, $2) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(id.clone())
                .bind(field.to_vec())
                .execute(self.conn())
                .await?;
                Some(id)
            }
            None => None,
        };
        let mut q = self.in_order(format!(
            "UPDATE documents SET status = 'sent', signature = v.column2, \
             certificates_id = v.column3, signer = v.column4, signed_at = v.column5, \
             updated_at = v.column5 FROM (VALUES {}) AS v \
             WHERE documents.id = v.column1 AND documents.status = 'draft'",
            value_rows(n, 5)
        ));
        for (id, signature) in signatures {
            q = q
                .bind(id.to_string())
                .bind(signature.to_vec())
                .bind(certificates_id.clone())
                .bind(signer.to_owned())
                .bind(at);
        }
        let done = q.execute(self.conn()).await?;
        Ok(done.rows_affected())
    }
}
