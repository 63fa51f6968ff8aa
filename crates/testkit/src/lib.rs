//! Test support for the portal crates: a fresh database of either kind for each test, real
//! loopback servers that stand in for the outside world (an SMTP server, an SMS gateway), and
//! OpenSSL with the gost engine for interoperability checks.
#![warn(missing_docs)]

mod db;
mod openssl;
mod sinks;

pub use db::{TestDb, postgres, queued_code, raw_count, raw_sql, sqlite, while_resealed};
pub use openssl::{gost_openssl_conf, openssl_gost};
pub use sinks::{HttpSink, Received, SmtpSink};

/// Random hex, for names that must not collide between tests running at once.
pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).expect("OS randomness");
    hex::encode(b)
}

/// Instantiates each named test, an `async fn(TestDb)`, twice: in a module `sqlite` and in a
/// module `postgres`, so one suite runs against both databases.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::sqlite().await).await }) *
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(db) = $crate::postgres().await { super::$name(db).await }
            }) *
        }
    };
}
