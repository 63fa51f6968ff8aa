//! Schema migrations: numbered SQL files compiled into the binary, applied in order, each once,
//! in one transaction that also records it. On PostgreSQL an advisory lock makes nodes that
//! start together take turns, so each migration runs exactly once.

use sqlx::Executor;

use crate::{Dialect, Error, Result, Store, Tx, col};

/// The migrations, in order: (version, name, SQL).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "portal", include_str!("../migrations/0001_portal.sql")),
    (2, "centres", include_str!("../migrations/0002_centres.sql")),
    (
        3,
        "bindings",
        include_str!("../migrations/0003_bindings.sql"),
    ),
    (
        4,
        "applications",
        include_str!("../migrations/0004_applications.sql"),
    ),
    (
        5,
        "payments",
        include_str!("../migrations/0005_payments.sql"),
    ),
    (6, "visits", include_str!("../migrations/0006_visits.sql")),
    (
        7,
        "issuance",
        include_str!("../migrations/0007_issuance.sql"),
    ),
    (
        8,
        "organization",
        include_str!("../migrations/0008_organization.sql"),
    ),
    (
        9,
        "documents",
        include_str!("../migrations/0009_documents.sql"),
    ),
    (
        10,
        "integrations",
        include_str!("../migrations/0010_integrations.sql"),
    ),
    (
        11,
        "registry_version",
        include_str!("../migrations/0011_registry_version.sql"),
    ),
    (
        12,
        "document_contents",
        include_str!("../migrations/0012_document_contents.sql"),
    ),
    (
        13,
        "document_bytes",
        include_str!("../migrations/0013_document_bytes.sql"),
    ),
    (
        14,
        "document_signatures",
        include_str!("../migrations/0014_document_signatures.sql"),
    ),
    (
        15,
        "kept_verifications",
        include_str!("../migrations/0015_kept_verifications.sql"),
    ),
    (
        16,
        "signature_certificates",
        include_str!("../migrations/0016_signature_certificates.sql"),
    ),
];

/// Splits a migration into statements: `;` ends one, `--` lines are comments.
fn statements(sql: &str) -> impl Iterator<Item = String> + '_ {
    let text: String = sql
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .map(|line| format!("{line}\n"))
        .collect();
    text.split(';')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .into_iter()
}

/// What migration `version` does after its SQL, in Rust, where SQL cannot do it on both
/// databases: migrations 13 and 14 copy the documents' bytes and signatures out of base64 text.
async fn finish(tx: &mut Tx, version: i64) -> Result<()> {
    match version {
        13 => tx.decode_document_contents().await,
        14 => tx.decode_document_signatures().await,
        _ => Ok(()),
    }
}

impl Store {
    /// Applies the migrations this database has not had yet; returns their versions.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        let mut tx = self.begin().await?;
        if self.dialect() == Dialect::Postgres {
            tx.conn()
                .execute("SELECT pg_advisory_xact_lock(7270001)")
                .await?;
        }
        tx.conn()
            .execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (\
                 version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            )
            .await?;
        let done: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
            .fetch_all(tx.conn())
            .await?
            .iter()
            .map(|row| col(row, "version"))
            .collect::<Result<_>>()?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let mut applied = Vec::new();
        for &(version, name, sql) in MIGRATIONS {
            if done.contains(&version) {
                continue;
            }
            for statement in statements(sql) {
                sqlx::raw_sql(sqlx::AssertSqlSafe(statement.clone()))
                    .execute(tx.conn())
                    .await
                    .map_err(|e| {
                        Error::Migration(format!("{version:04}_{name}: {e} in: {statement}"))
                    })?;
            }
            finish(&mut tx, version).await?;
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(version)
            .bind(name)
            .bind(now)
            .execute(tx.conn())
            .await?;
            applied.push(version);
        }
        tx.commit().await?;
        Ok(applied)
    }

    /// The newest migration this binary knows.
    pub fn latest_migration() -> i64 {
        MIGRATIONS.last().map_or(0, |m| m.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_statements_and_drops_comments() {
        let sql = "-- a comment; with a semicolon\nCREATE TABLE a (x TEXT);\n\nINSERT INTO a VALUES ('1');\n";
        let parts: Vec<String> = statements(sql).collect();
        assert_eq!(
            parts,
            ["CREATE TABLE a (x TEXT)", "INSERT INTO a VALUES ('1')"]
        );
    }

    #[test]
    fn the_first_migration_has_every_table() {
        let parts: Vec<String> = statements(MIGRATIONS[0].2).collect();
        for table in [
            "accounts",
            "codes",
            "sessions",
            "rate_limits",
            "journal",
            "outbox",
            "passkeys",
        ] {
            assert!(
                parts
                    .iter()
                    .any(|s| s.starts_with(&format!("CREATE TABLE {table} "))),
                "{table}"
            );
        }
    }
}
