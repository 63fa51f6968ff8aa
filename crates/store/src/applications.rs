//! Applications for a qualified certificate and their scans (see `0004_applications.sql`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sqlx::any::AnyRow;

use crate::{Result, Tx, col, dynamic, from_base64};

/// An application as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Application {
    /// Random identifier.
    pub id: String,
    /// The applicant's account.
    pub account_id: String,
    /// The chosen certification centre.
    pub centre_id: String,
    /// `person`, `entrepreneur` or `officer`.
    pub subject_type: String,
    /// The key medium: `token`, `p12` or `cloud`.
    pub medium: String,
    /// The applicant's СНИЛС (for the duplicate check).
    pub snils: String,
    /// The form, JSON.
    pub form: String,
    /// The state (`draft`, `submitted`, `accepted`, …).
    pub status: String,
    /// The last reason given: the automatic checks' refusals or the operator's comment.
    pub comment: String,
    /// The centre's price when the application was made, in kopecks.
    pub price: i64,
    /// When it was made (Unix seconds).
    pub created_at: i64,
    /// When it last changed.
    pub updated_at: i64,
    /// The serial of the certificate issued for it.
    pub serial: Option<String>,
}

/// A scan attached to an application; `content` is empty in lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// Random identifier.
    pub id: String,
    /// The application.
    pub application_id: String,
    /// What it shows: `passport`, `charter`, `power_of_attorney`, `migration_card`, …
    pub kind: String,
    /// The file name the applicant gave.
    pub name: String,
    /// Its size in bytes.
    pub size: i64,
    /// Its Streebog-256 hash, hex.
    pub hash: String,
    /// The bytes (empty when listed).
    pub content: Vec<u8>,
    /// When it was attached.
    pub created_at: i64,
}

const COLUMNS: &str = "id, account_id, centre_id, subject_type, medium, snils, form, status, \
     comment, price, created_at, updated_at, serial";
const FILE_COLUMNS: &str = "id, application_id, kind, name, size, hash, created_at";

fn application(row: &AnyRow) -> Result<Application> {
    Ok(Application {
        id: col(row, "id")?,
        account_id: col(row, "account_id")?,
        centre_id: col(row, "centre_id")?,
        subject_type: col(row, "subject_type")?,
        medium: col(row, "medium")?,
        snils: col(row, "snils")?,
        form: col(row, "form")?,
        status: col(row, "status")?,
        comment: col(row, "comment")?,
        price: col(row, "price")?,
        created_at: col(row, "created_at")?,
        updated_at: col(row, "updated_at")?,
        serial: col(row, "serial")?,
    })
}

fn attachment(row: &AnyRow, content: Vec<u8>) -> Result<Attachment> {
    Ok(Attachment {
        id: col(row, "id")?,
        application_id: col(row, "application_id")?,
        kind: col(row, "kind")?,
        name: col(row, "name")?,
        size: col(row, "size")?,
        hash: col(row, "hash")?,
        content,
        created_at: col(row, "created_at")?,
    })
}

impl Tx {
    /// Stores a new application.
    pub async fn insert_application(&mut self, a: &Application) -> Result<()> {
        dynamic(format!(
            "INSERT INTO applications ({COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        ))
        .bind(&a.id)
        .bind(&a.account_id)
        .bind(&a.centre_id)
        .bind(&a.subject_type)
        .bind(&a.medium)
        .bind(&a.snils)
        .bind(&a.form)
        .bind(&a.status)
        .bind(&a.comment)
        .bind(a.price)
        .bind(a.created_at)
        .bind(a.updated_at)
        .bind(&a.serial)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Records the serial of the certificate issued for application `id`.
    pub async fn set_application_serial(&mut self, id: &str, serial: &str) -> Result<()> {
        sqlx::query("UPDATE applications SET serial = $2 WHERE id = $1")
            .bind(id)
            .bind(serial)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// The application whose certificate is `serial` of `centre_id`.
    pub async fn application_of_certificate(
        &mut self,
        centre_id: &str,
        serial: &str,
    ) -> Result<Option<Application>> {
        dynamic(format!(
            "SELECT {COLUMNS} FROM applications WHERE centre_id = $1 AND serial = $2"
        ))
        .bind(centre_id)
        .bind(serial)
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(application)
        .transpose()
    }

    /// The application `id`, locked on PostgreSQL inside a transaction.
    pub async fn application(&mut self, id: &str) -> Result<Option<Application>> {
        let lock = self.for_update();
        dynamic(format!(
            "SELECT {COLUMNS} FROM applications WHERE id = $1{lock}"
        ))
        .bind(id)
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(application)
        .transpose()
    }

    /// An account's applications, newest first.
    pub async fn applications_of(&mut self, account_id: &str) -> Result<Vec<Application>> {
        dynamic(format!(
            "SELECT {COLUMNS} FROM applications WHERE account_id = $1 \
             ORDER BY created_at DESC, id"
        ))
        .bind(account_id)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(application)
        .collect()
    }

    /// A centre's applications in `status`, oldest change first (a queue).
    pub async fn applications_in(
        &mut self,
        centre_id: &str,
        status: &str,
    ) -> Result<Vec<Application>> {
        dynamic(format!(
            "SELECT {COLUMNS} FROM applications WHERE centre_id = $1 AND status = $2 \
             ORDER BY updated_at, id"
        ))
        .bind(centre_id)
        .bind(status)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(application)
        .collect()
    }

    /// Another application for `snils` and `subject_type`, other than `except`, that is still
    /// open: submitted and neither refused, cancelled nor finished (`draft`, `rejected`,
    /// `cancelled`, `issued` and `closed` are not open).
    pub async fn open_application_like(
        &mut self,
        snils: &str,
        subject_type: &str,
        except: &str,
    ) -> Result<Option<Application>> {
        dynamic(format!(
            "SELECT {COLUMNS} FROM applications WHERE snils = $1 AND subject_type = $2 \
             AND id <> $3 AND status NOT IN ('draft', 'rejected', 'cancelled', 'issued', 'closed') \
             ORDER BY created_at LIMIT 1"
        ))
        .bind(snils)
        .bind(subject_type)
        .bind(except)
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(application)
        .transpose()
    }

    /// Replaces the form of application `a.id` (its centre, subject type, medium, SNILS, form
    /// and price) while it is still in `a.status`; false when its state changed meanwhile.
    pub async fn update_application_form(&mut self, a: &Application) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE applications SET centre_id = $2, subject_type = $3, medium = $4, \
             snils = $5, form = $6, price = $7, updated_at = $8 WHERE id = $1 AND status = $9",
        )
        .bind(&a.id)
        .bind(&a.centre_id)
        .bind(&a.subject_type)
        .bind(&a.medium)
        .bind(&a.snils)
        .bind(&a.form)
        .bind(a.price)
        .bind(a.updated_at)
        .bind(&a.status)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Moves application `id` from `from` to `to` with `comment`; false when it was not in
    /// `from` (another request moved it first).
    pub async fn move_application(
        &mut self,
        id: &str,
        from: &str,
        to: &str,
        comment: &str,
        at: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE applications SET status = $3, comment = $4, updated_at = $5 \
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

    /// Stores a scan.
    pub async fn insert_attachment(&mut self, f: &Attachment) -> Result<()> {
        dynamic(format!(
            "INSERT INTO application_files ({FILE_COLUMNS}, content) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(&f.id)
        .bind(&f.application_id)
        .bind(&f.kind)
        .bind(&f.name)
        .bind(f.size)
        .bind(&f.hash)
        .bind(f.created_at)
        .bind(STANDARD.encode(&f.content))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The scans of an application, without their bytes, in the order they came.
    pub async fn attachments(&mut self, application_id: &str) -> Result<Vec<Attachment>> {
        dynamic(format!(
            "SELECT {FILE_COLUMNS} FROM application_files WHERE application_id = $1 \
             ORDER BY created_at, id"
        ))
        .bind(application_id)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|row| attachment(row, Vec::new()))
        .collect()
    }

    /// Scan `id` of an application, with its bytes.
    pub async fn attachment(
        &mut self,
        application_id: &str,
        id: &str,
    ) -> Result<Option<Attachment>> {
        let Some(row) = dynamic(format!(
            "SELECT {FILE_COLUMNS}, content FROM application_files \
             WHERE application_id = $1 AND id = $2"
        ))
        .bind(application_id)
        .bind(id)
        .fetch_optional(self.conn())
        .await?
        else {
            return Ok(None);
        };
        let content: String = col(&row, "content")?;
        let bytes = from_base64("attachment", &content)?;
        attachment(&row, bytes).map(Some)
    }

    /// Removes scan `id` of an application; false when there was none.
    pub async fn delete_attachment(&mut self, application_id: &str, id: &str) -> Result<bool> {
        let done =
            sqlx::query("DELETE FROM application_files WHERE application_id = $1 AND id = $2")
                .bind(application_id)
                .bind(id)
                .execute(self.conn())
                .await?;
        Ok(done.rows_affected() == 1)
    }
}
