//! What one request of the portal costs inside the process, on an SQLite file: argon2id alone,
//! the password step of sign-in (argon2id and the writes it makes), turning a session token into a principal, and
//! reading a page of the journal (a citizen's own 50 latest among 20,000 entries); and one
//! `SELECT 1`, the floor of any statement through the SQLite driver. `cargo bench -p podpis-core`.

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use podpis_core::{
    Context, Policy, Portal, RegistrationForm, RelyingParty, Role, SessionKind, SystemClock,
};
use podpis_store::{JournalFilter, Store};

fn portal_benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let policy = Policy {
        per_address: i64::MAX,
        per_login: i64::MAX,
        code_sends: i64::MAX,
        ..Policy::default()
    };
    let (portal, token) = rt.block_on(async {
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
            email: "bench@example.ru".into(),
            password: "Пароль-2026".into(),
            surname: "Тестов".into(),
            given_name: "Тест".into(),
            ..Default::default()
        };
        portal
            .create_confirmed_account(&Context::default(), form, &Role::Citizen)
            .await
            .unwrap();
        let ch = portal
            .login_password(&Context::default(), "bench@example.ru", "Пароль-2026")
            .await
            .unwrap();
        let code = podpis_testkit::queued_code(&store, "+79990000001").await;
        let s = portal
            .login_code(&Context::default(), &ch.id, &code, SessionKind::Bearer)
            .await
            .unwrap();
        // A journal of some age: 20,000 entries of other people after this citizen's own.
        let mut tx = store.begin().await.unwrap();
        for i in 0..20_000 {
            let e = podpis_store::NewEntry {
                at: i,
                account_id: Some(format!("other{}", i % 500)),
                action: "signed_in".into(),
                status: "ok".into(),
                ..Default::default()
            };
            tx.append_journal(&e).await.unwrap();
        }
        tx.commit().await.unwrap();
        (portal, s.token)
    });
    let ctx = Context {
        ip: Some("127.0.0.1".into()),
        user_agent: Some("bench".into()),
    };
    c.bench_function("portal/login-password-step", |b| {
        b.iter(|| {
            rt.block_on(portal.login_password(&ctx, "bench@example.ru", "Пароль-2026"))
                .unwrap()
        })
    });
    let hash = {
        use argon2::password_hash::PasswordHasher;
        podpis_core::password_hasher()
            .hash_password(b"x")
            .unwrap()
            .to_string()
    };
    c.bench_function("argon2id/verify", |b| {
        use argon2::password_hash::PasswordVerifier;
        b.iter(|| {
            podpis_core::password_hasher()
                .verify_password(b"x", hash.as_str())
                .unwrap()
        })
    });
    c.bench_function("store/ping", |b| {
        b.iter(|| rt.block_on(portal.store().ping()).unwrap())
    });
    c.bench_function("portal/authenticate", |b| {
        b.iter(|| rt.block_on(portal.authenticate(&token)).unwrap())
    });
    let who = rt.block_on(portal.authenticate(&token)).unwrap();
    c.bench_function("portal/journal-page-50", |b| {
        b.iter(|| {
            rt.block_on(portal.journal(
                &who,
                JournalFilter {
                    limit: 50,
                    ..Default::default()
                },
            ))
            .unwrap()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = portal_benches
}
criterion_main!(benches);
