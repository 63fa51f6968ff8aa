//! Test support for the portal crates: a fresh database of either kind for each test, and real
//! loopback servers that stand in for the outside world (an SMTP server, an SMS gateway).

mod db;
mod sinks;

pub use db::{TestDb, postgres, raw_sql, sqlite};
pub use sinks::{HttpSink, Received, SmtpSink};

/// Random hex, for names that must not collide between tests running at once.
pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).expect("OS randomness");
    hex::encode(b)
}
