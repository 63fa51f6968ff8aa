//! Fresh, migrated databases: an SQLite file in a temporary folder, or a new PostgreSQL
//! database on the server `PODPIS_TEST_POSTGRES` names (scripts/postgres starts one and prints
//! its URL). PostgreSQL tests fail without it — they never pass empty — unless
//! `PODPIS_SKIP_POSTGRES=1` says to skip them knowingly.

use podpis_store::Store;

/// A migrated store that lives as long as this value.
pub struct TestDb {
    /// The store.
    pub store: Store,
    /// Its URL (to open it again, as a second node would).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    _dropped: Option<DropDatabase>,
}

/// Drops a test's PostgreSQL database when the test ends, so that runs do not pile up
/// databases on the server (scripts/test also drops what a killed run left behind).
struct DropDatabase {
    admin_url: String,
    name: String,
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // A drop cannot await, and may run inside the test's runtime: a thread of its own with a
        // runtime of its own does the work. FORCE ends the connections the test left open.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime
                .block_on(async {
                    use sqlx::Connection;
                    let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
                    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut admin)
                    .await?;
                    admin.close().await
                })
                .map_err(std::io::Error::other)
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!(
                "could not drop the test database {}: {dropped:?}",
                self.name
            );
        }
    }
}

/// A fresh SQLite database.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("podpis.db").display());
    let store = Store::connect(&url).await.expect("open SQLite");
    store.migrate().await.expect("migrate SQLite");
    TestDb {
        store,
        url,
        _dir: Some(dir),
        _dropped: None,
    }
}

/// A fresh PostgreSQL database, or `None` when `PODPIS_SKIP_POSTGRES` is set.
///
/// # Panics
/// When `PODPIS_TEST_POSTGRES` is not set (and skipping was not asked for), or the server
/// refuses.
pub async fn postgres() -> Option<TestDb> {
    let Ok(admin_url) = std::env::var("PODPIS_TEST_POSTGRES") else {
        if std::env::var_os("PODPIS_SKIP_POSTGRES").is_some() {
            eprintln!("PostgreSQL test skipped: PODPIS_SKIP_POSTGRES is set");
            return None;
        }
        panic!(
            "PostgreSQL tests need a server: set PODPIS_TEST_POSTGRES (scripts/postgres starts one \
             and prints its URL), or PODPIS_SKIP_POSTGRES=1 to skip them knowingly"
        );
    };
    let name = format!("podpis_test_{}", crate::random_hex(8));
    let admin = Store::connect(&admin_url)
        .await
        .expect("connect to PODPIS_TEST_POSTGRES");
    admin.create_database(&name).await.expect("CREATE DATABASE");
    admin.close().await;
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(base, _)| base);
    let url = format!("{base}/{name}");
    let store = Store::connect(&url).await.expect("open the test database");
    store.migrate().await.expect("migrate PostgreSQL");
    Some(TestDb {
        store,
        url,
        _dir: None,
        _dropped: Some(DropDatabase { admin_url, name }),
    })
}

/// Runs `sql` on the database at `url` over a connection of its own, as someone with direct
/// access to the database would (to tamper with rows in a test).
pub async fn raw_sql(url: &str, sql: &str) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url)
        .await
        .expect("direct connection");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&pool)
        .await
        .expect(sql);
    pool.close().await;
}

/// The one number `sql` selects from the database at `url`, read around the store.
pub async fn raw_count(url: &str, sql: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url)
        .await
        .expect("direct connection");
    let count = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&pool)
        .await
        .expect(sql);
    pool.close().await;
    count
}

/// The six-digit code in the newest message queued in `store`'s outbox to `recipient` (what an
/// SMS or e-mail would carry), for tests and benchmarks that answer the codes they cause.
///
/// # Panics
/// When nothing with a code was queued to `recipient`.
pub async fn queued_code(store: &Store, recipient: &str) -> String {
    let mut tx = store.read().await.expect("read the outbox");
    let all = tx.messages(500, 0).await.expect("read the outbox");
    let m = all
        .iter()
        .find(|m| m.message.recipient == recipient)
        .unwrap_or_else(|| panic!("nothing queued to {recipient}"));
    m.message
        .body
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a code in the message")
        .to_owned()
}

/// Runs `op` (spawned) while a writer holds cloud key `key_id` resealed, uncommitted, for half
/// a second, as a PIN change racing it would (the reseal also clears the key's count of wrong
/// PINs); then puts the key back as it was. Returns what `op` gave and the wrong PINs counted
/// on the resealed key by the time `op` was done. For work that reads and opens a key before
/// its transaction: `op` reads the key as it was and, in its transaction, finds it changed.
pub async fn while_resealed<T: Send + 'static>(
    store: &Store,
    key_id: &str,
    op: impl std::future::Future<Output = T> + Send + 'static,
) -> (T, i64) {
    let cloud_key = || async {
        let mut tx = store.read().await.expect("read the key");
        tx.cloud_key(key_id)
            .await
            .expect("read the key")
            .expect("the cloud key")
    };
    let before = cloud_key().await;
    let mut writer = store.begin().await.expect("a writer");
    writer
        .reseal_cloud_key(key_id, "resealed")
        .await
        .expect("reseal");
    let running = tokio::spawn(op);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    writer.commit().await.expect("commit the reseal");
    let out = running.await.expect("the operation ran");
    let counted = cloud_key().await.failed_pins;
    let mut tx = store.begin().await.expect("a writer");
    tx.reseal_cloud_key(key_id, &before.sealed_key)
        .await
        .expect("put the key back");
    tx.set_failed_pins(key_id, before.failed_pins)
        .await
        .expect("put the count back");
    tx.commit().await.expect("commit");
    (out, counted)
}
