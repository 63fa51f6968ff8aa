//! CPU time (not wall time) of the portal's requests inside the process, on an SQLite file:
//! argon2id with the portal's parameters, and what the password step of sign-in costs beside
//! argon2 (measured with the account's hash made cheap, its cost taken out);
//! turning a token into a principal; a page of the journal. The process's CPU clock counts the
//! database driver's threads too.
//!
//! `cargo run --release -p podpis-core --example request_cpu [ITERATIONS]`

use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use podpis_core::{
    Context, Policy, Portal, RegistrationForm, RelyingParty, Role, SessionKind, SystemClock,
};
use podpis_store::{JournalFilter, Store};

/// The CPU time this process has used, all threads together (CLOCK_PROCESS_CPUTIME_ID).
fn cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given.
    assert_eq!(
        unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) },
        0
    );
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn per(total: Duration, n: u32) -> String {
    format!("{:.3} ms", total.as_secs_f64() * 1000.0 / f64::from(n))
}

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cpu.db").display());
    let policy = Policy {
        per_address: i64::MAX,
        per_login: i64::MAX,
        code_sends: i64::MAX,
        ..Policy::default()
    };
    let ctx = Context {
        ip: Some("127.0.0.1".into()),
        user_agent: Some("request_cpu".into()),
    };
    rt.block_on(async {
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let portal = Portal::open(
            store.clone(),
            Arc::new(SystemClock),
            policy,
            RelyingParty::for_url("http://localhost"),
        )
        .await
        .unwrap();
        let form = RegistrationForm {
            phone: "+79990000001".into(),
            email: "cpu@example.ru".into(),
            password: "Пароль-2026".into(),
            surname: "Тестов".into(),
            given_name: "Тест".into(),
            ..Default::default()
        };
        portal
            .create_confirmed_account(&ctx, form, &Role::Citizen)
            .await
            .unwrap();

        // The portal's argon2id alone, on its own: it is most of the password step.
        let hash = podpis_core::password_hasher()
            .hash_password(b"x")
            .unwrap()
            .to_string();
        let start = cpu();
        for _ in 0..n / 10 {
            podpis_core::password_hasher()
                .verify_password(b"x", hash.as_str())
                .unwrap();
        }
        let real_argon = cpu() - start;
        // For the rest of the step, the account's hash is made cheap (argon2id with 8 KiB and
        // one pass: verification reads the parameters from the hash), so that the step minus
        // argon2 is not the small difference of two large and noisy figures.
        let cheap = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(8, 1, 1, None).unwrap(),
        );
        let cheap_hash = |password: &[u8]| cheap.hash_password(password).unwrap().to_string();
        podpis_testkit::raw_sql(
            &url,
            &format!(
                "UPDATE accounts SET password_hash = '{}' WHERE email = 'cpu@example.ru'",
                cheap_hash("Пароль-2026".as_bytes())
            ),
        )
        .await;
        let hash = cheap_hash(b"x");
        // Rounds of both, so that the machine's drift falls on both alike.
        let (mut step, mut argon, mut last) = (Duration::ZERO, Duration::ZERO, None);
        for _ in 0..n / 10 {
            let start = cpu();
            for _ in 0..10 {
                last = Some(
                    portal
                        .login_password(&ctx, "cpu@example.ru", "Пароль-2026")
                        .await
                        .unwrap(),
                );
            }
            step += cpu() - start;
            let start = cpu();
            for _ in 0..10 {
                tokio::task::spawn_blocking({
                    let hash = hash.clone();
                    move || {
                        argon2::Argon2::default()
                            .verify_password(b"x", &argon2::PasswordHash::new(&hash).unwrap())
                            .unwrap()
                    }
                })
                .await
                .unwrap();
            }
            argon += cpu() - start;
        }

        let code = podpis_testkit::queued_code(&store, "+79990000001").await;
        let token = portal
            .login_code(&ctx, &last.unwrap().id, &code, SessionKind::Bearer)
            .await
            .unwrap()
            .token;
        let many = 20 * n;
        let start = cpu();
        for _ in 0..many {
            portal.authenticate(&token).await.unwrap();
        }
        let auth = cpu() - start;
        let who = portal.authenticate(&token).await.unwrap();
        let start = cpu();
        for _ in 0..many {
            portal
                .journal(
                    &who,
                    JournalFilter {
                        limit: 50,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
        }
        let journal = cpu() - start;

        println!("CPU per operation, {n} password steps and {many} of the others:");
        println!(
            "  argon2id verification (the portal's parameters)  {}",
            per(real_argon, n / 10)
        );
        println!(
            "  the password step beside argon2                  {}",
            per(step.saturating_sub(argon), n)
        );
        println!("  authenticate (token → user)  {}", per(auth, many));
        println!("  journal page (50 entries)    {}", per(journal, many));
    });
}
