//! The hosted CA's hot paths on an SQLite file: a revocation that publishes the CRL of a centre
//! with 100,000 revoked certificates (the rows read, the CRL built and signed with GOST 256,
//! stored), and an OCSP answer to a request without a nonce, once signed and then from the
//! cache. `cargo bench -p podpis-core --bench authority`.

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use podpis_core::{CentreForm, Context, Policy, Portal, RelyingParty, SystemClock, Vault};
use podpis_pki::Certificate;
use podpis_pki::crl::Reason;
use podpis_pki::ocsp::{CertId, CertIdHash, OcspRequest};
use podpis_store::{IssuedCertificate, Store};

/// Revoked certificates already in the CRL.
const REVOKED: usize = 100_000;
/// Certificates left to revoke, one per measured run.
const SPARE: usize = 200;

fn row(i: usize, revoked: bool, now: i64) -> IssuedCertificate {
    IssuedCertificate {
        centre_id: "bench".into(),
        serial: format!(
            "{:032X}",
            0x4000_0000_0000_0000_0000_0000_0000_0000u128 + i as u128
        ),
        der: vec![0x30, 0x00],
        subject: format!("Владелец {i}"),
        snils: None,
        inn: None,
        not_before: now,
        not_after: now + 365 * 24 * 3600,
        account_id: None,
        revoked_at: revoked.then_some(now),
        reason: revoked.then(|| "keyCompromise".to_owned()),
        issued_at: now,
    }
}

fn authority_benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let ctx = Context::default();
    let (portal, ca) = rt.block_on(async {
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let portal = Portal::open(
            store.clone(),
            Arc::new(SystemClock),
            Policy::default(),
            RelyingParty::for_url("http://localhost:8080"),
        )
        .await
        .unwrap()
        .with_vault(Vault::new(&[5; 32]));
        let now = portal.clock().now();
        let form = CentreForm {
            id: "bench".into(),
            name: "УЦ Бенч".into(),
            inn: "7707083893".into(),
            ogrn: "1027700132195".into(),
            address: "Москва".into(),
            price: 0,
            accredited_from: None,
            accredited_until: now + 365 * 24 * 3600,
        };
        let centre = portal
            .add_hosted_centre(&ctx, None, &form, "gost2012-256".parse().unwrap())
            .await
            .unwrap();
        let mut tx = store.begin().await.unwrap();
        for i in 0..REVOKED + SPARE {
            tx.insert_certificate(&row(i, i < REVOKED, now))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        (portal, Certificate::from_der(&centre.chain[0]).unwrap())
    });
    let mut next = REVOKED;
    let mut group = c.benchmark_group("authority");
    group.sample_size(10);
    group.bench_function("revoke-and-publish-crl-100k", |b| {
        b.iter(|| {
            let serial = row(next, false, 0).serial;
            next += 1;
            rt.block_on(portal.revoke_certificate(
                &ctx,
                None,
                "bench",
                &serial,
                Reason::KeyCompromise,
            ))
            .unwrap()
        })
    });
    group.finish();
    let crl = rt.block_on(portal.crl("bench")).unwrap();
    assert!(
        crl.stored.der.len() > REVOKED * 30,
        "the CRL lists every revocation"
    );

    let id = CertId::new(CertIdHash::Sha1, &ca, &[0x40, 1]).unwrap();
    let request = OcspRequest::new(&[id], None).unwrap();
    c.bench_function("authority/ocsp-cached", |b| {
        b.iter(|| rt.block_on(portal.ocsp(request.der())))
    });
    c.bench_function("authority/ocsp-signed", |b| {
        let mut n = 0u32;
        b.iter(|| {
            n += 1;
            let id = CertId::new(CertIdHash::Sha1, &ca, &n.to_be_bytes()).unwrap();
            let request = OcspRequest::new(&[id], Some(&n.to_be_bytes())).unwrap();
            rt.block_on(portal.ocsp(request.der()))
        })
    });
}

criterion_group!(benches, authority_benches);
criterion_main!(benches);
