//! The registry of accredited centres and the CA engine of the hosted ones: issuing, revoking,
//! CRLs and OCSP answers, checked by parsing and verifying what the portal publishes.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use podpis_core::{
    CentreForm, CertificateRequest, Context, Error, ImportForm, Lang, ManualClock, Policy, Portal,
    Principal, RelyingParty, Role, Vault,
};
use podpis_keys::{KeySpec, Signer, SoftwareKey};
use podpis_pki::Certificate;
use podpis_pki::crl::{Crl, Reason};
use podpis_pki::issue::{CertificateParams, issue, random_serial};
use podpis_pki::ocsp::{CertId, CertIdHash, CertStatus, OcspRequest, OcspResponse, ResponseStatus};
use podpis_pki::subject::{Profile, SubjectInfo};
use podpis_store::JournalFilter;
use podpis_testkit::TestDb;

podpis_testkit::on_both!(
    a_hosted_centre_issues_revokes_and_publishes,
    the_registry_refuses_bad_input,
    an_import_checks_the_chain,
    an_ended_accreditation_stops_issuance,
    another_node_sees_a_revocation_within_a_second,
    another_node_sees_a_registry_change_within_a_second,
    the_crl_is_refreshed_on_schedule,
    only_the_centres_operators_revoke
);

const T0: i64 = 1_800_000_000;
const YEAR: i64 = 365 * 24 * 3600;

fn ctx() -> Context {
    Context {
        ip: Some("127.0.0.1".into()),
        user_agent: Some("test".into()),
    }
}

fn principal(role: Role) -> Principal {
    Principal {
        account_id: "someone".into(),
        role,
        session_id: "s".into(),
        csrf: "c".into(),
        lang: Lang::En,
        name: "Someone".into(),
    }
}

async fn portal(db: &TestDb, clock: Arc<ManualClock>) -> Portal {
    portal_on(db.store.clone(), clock).await
}

async fn portal_on(store: podpis_store::Store, clock: Arc<ManualClock>) -> Portal {
    Portal::open(
        store,
        clock,
        Policy::default(),
        RelyingParty::for_url("http://localhost:8080"),
    )
    .await
    .unwrap()
    .with_vault(Vault::new(&[42; 32]))
}

/// Another node on the same database: a store of its own, so caches of its own.
async fn second_node(db: &TestDb, clock: Arc<ManualClock>) -> Portal {
    portal_on(podpis_store::Store::connect(&db.url).await.unwrap(), clock).await
}

fn form(id: &str) -> CentreForm {
    CentreForm {
        id: id.into(),
        name: format!("УЦ {id}"),
        inn: "7707083893".into(),
        ogrn: "1027700132195".into(),
        address: "Москва, ул. Вавилова, 19".into(),
        price: 250_000,
        accredited_from: None,
        accredited_until: T0 + 3 * YEAR,
    }
}

fn gost() -> KeySpec {
    "gost2012-256".parse().unwrap()
}

fn person() -> SubjectInfo {
    SubjectInfo {
        common_name: Some("Иванов Иван Иванович".into()),
        surname: Some("Иванов".into()),
        given_name: Some("Иван Иванович".into()),
        country: Some("RU".into()),
        snils: Some("11223344595".into()),
        inn: Some("500100732259".into()),
        ..SubjectInfo::default()
    }
}

fn request(key: &SoftwareKey) -> CertificateRequest {
    CertificateRequest {
        profile: Profile::Person,
        subject: person(),
        public_key: key.public_key().unwrap(),
        days: 365,
        account_id: None,
    }
}

fn at(t: i64) -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(t as u64)
}

fn ca_of(portal_centre: &podpis_store::Centre) -> Certificate {
    Certificate::from_der(&portal_centre.chain[0]).unwrap()
}

/// Asks `portal` about `cert` and returns the verified status.
async fn ask(
    portal: &Portal,
    ca: &Certificate,
    cert: &Certificate,
    nonce: Option<&[u8]>,
    now: i64,
) -> CertStatus {
    let id = CertId::of(CertIdHash::Sha1, cert, ca).unwrap();
    let request = OcspRequest::new(std::slice::from_ref(&id), nonce).unwrap();
    let answer = OcspResponse::from_der(&portal.ocsp(request.der()).await).unwrap();
    assert_eq!(answer.status(), ResponseStatus::Successful);
    let responder = answer.verify(ca, at(now)).unwrap();
    assert!(
        responder.subject_der() != ca.subject_der(),
        "a delegated responder signs"
    );
    assert_eq!(answer.nonce().as_deref(), nonce);
    answer.status_of(&id).unwrap().status
}

async fn actions(portal: &Portal) -> Vec<String> {
    let filter = JournalFilter {
        limit: 100,
        ..JournalFilter::default()
    };
    let mut tx = portal.store().read().await.unwrap();
    tx.journal(&filter)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.entry.action)
        .collect()
}

async fn a_hosted_centre_issues_revokes_and_publishes(db: TestDb) {
    let clock = Arc::new(ManualClock::new(T0));
    let portal = portal(&db, clock.clone()).await;
    let centre = portal
        .add_hosted_centre(&ctx(), None, &form("demo"), gost())
        .await
        .unwrap();
    assert!(centre.hosted && centre.accredited_at(T0));
    assert_eq!(
        centre.crl_url.as_deref(),
        Some("http://localhost:8080/crl/demo.crl")
    );
    let ca = ca_of(&centre);
    assert!(ca.is_ca() && ca.is_self_issued());
    ca.verify_issued_by(&ca).unwrap();

    let first = portal.crl("demo").await.unwrap();
    let crl = Crl::from_der(&first.stored.der).unwrap();
    crl.verify_issued_by(&ca).unwrap();
    assert_eq!((crl.number(), crl.entries().len()), (Some(1), 0));

    let key = SoftwareKey::generate(gost()).unwrap();
    let issued = portal
        .issue_certificate(&ctx(), "demo", &request(&key))
        .await
        .unwrap();
    let cert = Certificate::from_der(&issued.der).unwrap();
    cert.verify_issued_by(&ca).unwrap();
    assert_eq!(issued.snils.as_deref(), Some("11223344595"));
    assert_eq!(issued.not_after, T0 + 365 * 24 * 3600);
    assert_eq!(ask(&portal, &ca, &cert, None, T0).await, CertStatus::Good);
    assert_eq!(
        ask(&portal, &ca, &cert, Some(b"nonce-1"), T0).await,
        CertStatus::Good
    );

    clock.advance(60);
    let revoked = portal
        .revoke_certificate(
            &ctx(),
            None,
            "demo",
            &issued.serial.to_lowercase(),
            Reason::KeyCompromise,
        )
        .await
        .unwrap();
    assert_eq!(revoked.revoked_at, Some(T0 + 60));
    // The cached "good" answer is gone at once on this node.
    let status = ask(&portal, &ca, &cert, None, T0 + 60).await;
    assert_eq!(
        status,
        CertStatus::Revoked {
            time: at(T0 + 60),
            reason: Some(Reason::KeyCompromise)
        }
    );
    let crl = Crl::from_der(&portal.crl("demo").await.unwrap().stored.der).unwrap();
    crl.verify_issued_by(&ca).unwrap();
    assert_eq!(crl.number(), Some(2));
    let entry = crl.find(cert.serial()).unwrap();
    assert_eq!(
        (entry.time, entry.reason),
        (at(T0 + 60), Some(Reason::KeyCompromise))
    );

    let again = portal
        .revoke_certificate(&ctx(), None, "demo", &issued.serial, Reason::Superseded)
        .await
        .unwrap_err();
    assert!(matches!(again, Error::Conflict { .. }), "{again:?}");
    assert_eq!(
        Crl::from_der(&portal.crl("demo").await.unwrap().stored.der)
            .unwrap()
            .number(),
        Some(2)
    );

    // A certificate the centre never issued is unknown; another issuer's is not answered.
    let stranger = Certificate::from_der(
        &portal
            .issue_certificate(&ctx(), "demo", &request(&key))
            .await
            .unwrap()
            .der,
    )
    .unwrap();
    let other = portal
        .add_hosted_centre(&ctx(), None, &form("other"), gost())
        .await
        .unwrap();
    let unknown_id = CertId::new(CertIdHash::Sha1, &ca, &[0x12, 0x34]).unwrap();
    let req = OcspRequest::new(std::slice::from_ref(&unknown_id), None).unwrap();
    let answer = OcspResponse::from_der(&portal.ocsp(req.der()).await).unwrap();
    assert_eq!(
        answer.status_of(&unknown_id).unwrap().status,
        CertStatus::Unknown
    );
    assert_eq!(
        ask(&portal, &ca, &stranger, None, T0 + 60).await,
        CertStatus::Good
    );
    let foreign = SoftwareKey::generate(gost()).unwrap();
    let foreign_ca = self_signed_ca(&foreign, T0);
    let req = OcspRequest::new(
        &[CertId::new(CertIdHash::Sha1, &foreign_ca, &[1]).unwrap()],
        None,
    )
    .unwrap();
    let answer = OcspResponse::from_der(&portal.ocsp(req.der()).await).unwrap();
    assert_eq!(answer.status(), ResponseStatus::Unauthorized);
    let answer = OcspResponse::from_der(&portal.ocsp(b"\x30\x03junk").await).unwrap();
    assert_eq!(answer.status(), ResponseStatus::MalformedRequest);
    assert!(ca_of(&other).subject_der() != ca.subject_der() || other.id != centre.id);

    let actions = actions(&portal).await;
    for wanted in [
        "centre_changed",
        "certificate_issued",
        "certificate_revoked",
    ] {
        assert!(
            actions.iter().any(|a| a == wanted),
            "{wanted} in {actions:?}"
        );
    }
    assert!(portal.store().verify_journal().await.unwrap().is_ok());
}

/// A self-signed CA certificate of `key`, made outside the portal (an external centre).
fn self_signed_ca(key: &SoftwareKey, now: i64) -> Certificate {
    let info = SubjectInfo {
        common_name: Some("Внешний УЦ".into()),
        organization: Some("Внешний УЦ".into()),
        country: Some("RU".into()),
        inn_le: Some("7707083893".into()),
        ogrn: Some("1027700132195".into()),
        ..SubjectInfo::default()
    };
    let params = CertificateParams {
        profile: Profile::CertificationCentre,
        subject: info.to_name(Profile::CertificationCentre).unwrap(),
        public_key: key.public_key().unwrap(),
        serial: random_serial(),
        not_before: at(now - 3600),
        not_after: at(now + YEAR),
        path_len: Some(0),
        crl_url: None,
        ocsp_url: None,
        ca_issuers_url: None,
        sign_tool: "Podpis".into(),
        issuer_sign_tool: None,
        identification_kind: 0,
    };
    issue(&params, key, None).unwrap()
}

fn field(e: &Error) -> &'static str {
    match e {
        Error::Invalid { field, .. } => field,
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

async fn the_registry_refuses_bad_input(db: TestDb) {
    let clock = Arc::new(ManualClock::new(T0));
    let portal = portal(&db, clock.clone()).await;
    let add = |f: CentreForm| {
        let portal = portal.clone();
        async move { portal.add_hosted_centre(&ctx(), None, &f, gost()).await }
    };
    let e = add(CentreForm {
        id: "Bad Id".into(),
        ..form("x")
    })
    .await
    .unwrap_err();
    assert_eq!(field(&e), "id");
    let e = add(CentreForm {
        inn: "7707083894".into(),
        ..form("x1")
    })
    .await
    .unwrap_err();
    assert_eq!(field(&e), "inn");
    assert!(
        e.text(Lang::En).contains("control digit"),
        "{}",
        e.text(Lang::En)
    );
    let e = add(CentreForm {
        ogrn: "102770013219".into(),
        ..form("x2")
    })
    .await
    .unwrap_err();
    assert_eq!(field(&e), "ogrn");
    let e = add(CentreForm {
        accredited_until: T0 - 1,
        ..form("x3")
    })
    .await
    .unwrap_err();
    assert_eq!(field(&e), "accredited_until");
    add(form("x4")).await.unwrap();
    let e = add(form("x4")).await.unwrap_err();
    assert_eq!(field(&e), "id");
    let citizen = principal(Role::Citizen);
    let e = portal
        .add_hosted_centre(&ctx(), Some(&citizen), &form("x5"), gost())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Forbidden));
    // Without a vault a hosted centre cannot be made, and nothing is stored.
    let bare = Portal::open(
        db.store.clone(),
        clock,
        Policy::default(),
        RelyingParty::for_url("http://localhost:8080"),
    )
    .await
    .unwrap();
    let e = bare
        .add_hosted_centre(&ctx(), None, &form("x6"), gost())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("vault"), "{e}");
    let ids: Vec<String> = portal
        .centres()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["x4"]);
    // A portal with another vault key cannot open the hosted centre's keys.
    let wrong = bare.with_vault(Vault::new(&[1; 32]));
    let e = wrong.crl("x4").await.map(|_| ()).and(
        wrong
            .issue_certificate(
                &ctx(),
                "x4",
                &request(&SoftwareKey::generate(gost()).unwrap()),
            )
            .await
            .map(|_| ()),
    );
    assert!(e.unwrap_err().to_string().contains("does not open"));
}

async fn an_import_checks_the_chain(db: TestDb) {
    let portal = portal(&db, Arc::new(ManualClock::new(T0))).await;
    let root_key = SoftwareKey::generate(gost()).unwrap();
    let root = self_signed_ca(&root_key, T0);
    let import = |chain: Vec<u8>, id: &str| ImportForm {
        centre: form(id),
        chain,
        crl_url: Some("http://ca.example/ca.crl".into()),
        ocsp_url: None,
    };
    let centre = portal
        .import_centre(&ctx(), None, &import(root.to_pem().into_bytes(), "ext"))
        .await
        .unwrap();
    assert!(!centre.hosted);
    assert_eq!(centre.chain, vec![root.der().to_vec()]);
    assert_eq!(portal.centre("ext").await.unwrap(), centre);

    // A chain whose first certificate is not certified by the second.
    let other = self_signed_ca(&SoftwareKey::generate(gost()).unwrap(), T0);
    let two = format!("{}{}", root.to_pem(), other.to_pem()).into_bytes();
    let e = portal
        .import_centre(&ctx(), None, &import(two, "ext2"))
        .await
        .unwrap_err();
    assert!(
        e.text(Lang::En).contains("not issued by the next"),
        "{}",
        e.text(Lang::En)
    );
    // Not a certificate; not a CA certificate; no certificate at all.
    let e = portal
        .import_centre(&ctx(), None, &import(b"hello".to_vec(), "ext3"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "chain");
    let leaf = {
        let key = SoftwareKey::generate(gost()).unwrap();
        let params = CertificateParams {
            profile: Profile::Person,
            subject: person().to_name(Profile::Person).unwrap(),
            public_key: key.public_key().unwrap(),
            serial: random_serial(),
            not_before: at(T0 - 10),
            not_after: at(T0 + YEAR),
            path_len: None,
            crl_url: None,
            ocsp_url: None,
            ca_issuers_url: None,
            sign_tool: "Podpis".into(),
            issuer_sign_tool: None,
            identification_kind: 0,
        };
        issue(&params, &root_key, Some(&root)).unwrap()
    };
    let e = portal
        .import_centre(&ctx(), None, &import(leaf.der().to_vec(), "ext4"))
        .await
        .unwrap_err();
    assert!(
        e.text(Lang::En).contains("not a CA certificate"),
        "{}",
        e.text(Lang::En)
    );
    let e = portal
        .import_centre(&ctx(), None, &import(Vec::new(), "ext5"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "chain");
    // An imported centre's certificates are not issued, revoked or answered here.
    let e = portal
        .issue_certificate(&ctx(), "ext", &request(&root_key))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Conflict { .. }), "{e:?}");
    assert_eq!(portal.centres().await.unwrap().len(), 1);
}

async fn an_ended_accreditation_stops_issuance(db: TestDb) {
    let clock = Arc::new(ManualClock::new(T0));
    let portal = portal(&db, clock.clone()).await;
    portal
        .add_hosted_centre(&ctx(), None, &form("demo"), gost())
        .await
        .unwrap();
    let key = SoftwareKey::generate(gost()).unwrap();
    portal
        .issue_certificate(&ctx(), "demo", &request(&key))
        .await
        .unwrap();
    let ended = portal
        .set_accreditation(
            &ctx(),
            Some(&principal(Role::Admin)),
            "demo",
            T0 - YEAR,
            T0 + 10,
        )
        .await
        .unwrap();
    assert!(ended.accredited_at(T0) && !ended.accredited_at(T0 + 10));
    clock.advance(10);
    let e = portal
        .issue_certificate(&ctx(), "demo", &request(&key))
        .await
        .unwrap_err();
    assert!(
        e.text(Lang::En).contains("accreditation"),
        "{}",
        e.text(Lang::En)
    );
    let e = portal
        .issue_certificate(
            &ctx(),
            "demo",
            &CertificateRequest {
                days: 458,
                ..request(&key)
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Conflict { .. } | Error::Invalid { .. }));
    let e = portal
        .set_accreditation(&ctx(), None, "nope", T0, T0 + 1)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)));
}

async fn another_node_sees_a_revocation_within_a_second(db: TestDb) {
    let clock = Arc::new(ManualClock::new(T0));
    let a = portal(&db, clock.clone()).await;
    let centre = a
        .add_hosted_centre(&ctx(), None, &form("demo"), gost())
        .await
        .unwrap();
    let ca = ca_of(&centre);
    let key = SoftwareKey::generate(gost()).unwrap();
    let issued = a
        .issue_certificate(&ctx(), "demo", &request(&key))
        .await
        .unwrap();
    let cert = Certificate::from_der(&issued.der).unwrap();
    let b = second_node(&db, clock.clone()).await;
    assert_eq!(ask(&b, &ca, &cert, None, T0).await, CertStatus::Good);
    a.revoke_certificate(
        &ctx(),
        None,
        "demo",
        &issued.serial,
        Reason::CessationOfOperation,
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(matches!(
        ask(&b, &ca, &cert, None, T0).await,
        CertStatus::Revoked { .. }
    ));
    let crl = Crl::from_der(&b.crl("demo").await.unwrap().stored.der).unwrap();
    assert!(crl.find(cert.serial()).is_some());
}

/// The registry centre `node` names for the certificate `der`, with its accreditation now.
async fn centre_seen_by(node: &Portal, der: &[u8]) -> Option<(String, bool)> {
    let v = node.verify_certificate(&ctx(), der).await.unwrap();
    v.centre.map(|c| (c.id, c.accredited))
}

/// A node keeps the registry in memory: a centre added or an accreditation ended on another
/// node reaches it within a second, and on the node that made the change at once.
async fn another_node_sees_a_registry_change_within_a_second(db: TestDb) {
    let clock = Arc::new(ManualClock::new(T0));
    let a = portal(&db, clock.clone()).await;
    let b = second_node(&db, clock.clone()).await;
    a.add_hosted_centre(&ctx(), None, &form("demo"), gost())
        .await
        .unwrap();
    let key = SoftwareKey::generate(gost()).unwrap();
    let issued = a
        .issue_certificate(&ctx(), "demo", &request(&key))
        .await
        .unwrap();
    assert_eq!(
        centre_seen_by(&b, &issued.der).await,
        Some(("demo".into(), true))
    );
    // A second centre, added on a: b knows its certificates within a second.
    a.add_hosted_centre(&ctx(), None, &form("second"), gost())
        .await
        .unwrap();
    let second = a
        .issue_certificate(&ctx(), "second", &request(&key))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let v = b.verify_certificate(&ctx(), &second.der).await.unwrap();
    assert_eq!(v.centre.map(|c| c.id).as_deref(), Some("second"));
    // The accreditation of "demo" ends, set on b: b sees it at once, a (which has the registry
    // in memory) within a second.
    assert_eq!(
        centre_seen_by(&a, &issued.der).await,
        Some(("demo".into(), true))
    );
    b.set_accreditation(&ctx(), None, "demo", T0 - 10, T0 + 1)
        .await
        .unwrap();
    clock.advance(10);
    assert_eq!(
        centre_seen_by(&b, &issued.der).await,
        Some(("demo".into(), false))
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        centre_seen_by(&a, &issued.der).await,
        Some(("demo".into(), false))
    );
}

async fn the_crl_is_refreshed_on_schedule(db: TestDb) {
    let clock = Arc::new(ManualClock::new(T0));
    let portal = portal(&db, clock.clone()).await;
    portal
        .add_hosted_centre(&ctx(), None, &form("demo"), gost())
        .await
        .unwrap();
    assert_eq!(portal.refresh_crls().await.unwrap(), 0);
    clock.advance(12 * 3600);
    assert_eq!(portal.refresh_crls().await.unwrap(), 1);
    assert_eq!(portal.refresh_crls().await.unwrap(), 0);
    let crl = portal.crl("demo").await.unwrap();
    assert_eq!(
        (
            crl.stored.number,
            crl.stored.this_update,
            crl.stored.next_update
        ),
        (2, T0 + 12 * 3600, T0 + 36 * 3600)
    );
    // Served past its refresh time, the CRL is renewed on the spot.
    clock.advance(13 * 3600);
    let crl = portal.crl("demo").await.unwrap();
    assert_eq!(
        (crl.stored.number, crl.stored.this_update),
        (3, T0 + 25 * 3600)
    );
    let e = portal.crl("nope").await.unwrap_err();
    assert!(matches!(e, Error::NotFound(_)));
}

async fn only_the_centres_operators_revoke(db: TestDb) {
    let portal = portal(&db, Arc::new(ManualClock::new(T0))).await;
    portal
        .add_hosted_centre(&ctx(), None, &form("cx"), gost())
        .await
        .unwrap();
    portal
        .add_hosted_centre(&ctx(), None, &form("cy"), gost())
        .await
        .unwrap();
    let key = SoftwareKey::generate(gost()).unwrap();
    let issued = portal
        .issue_certificate(&ctx(), "cx", &request(&key))
        .await
        .unwrap();
    let of_y = principal(Role::Operator { ca: "cy".into() });
    let e = portal
        .revoke_certificate(
            &ctx(),
            Some(&of_y),
            "cx",
            &issued.serial,
            Reason::KeyCompromise,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Forbidden));
    assert!(matches!(
        portal
            .issued_certificates(&of_y, "cx", 10, 0)
            .await
            .unwrap_err(),
        Error::Forbidden
    ));
    let of_x = principal(Role::Operator { ca: "cx".into() });
    assert_eq!(
        portal
            .issued_certificates(&of_x, "cx", 10, 0)
            .await
            .unwrap()
            .len(),
        1
    );
    portal
        .revoke_certificate(
            &ctx(),
            Some(&of_x),
            "cx",
            &issued.serial,
            Reason::KeyCompromise,
        )
        .await
        .unwrap();
    let e = portal
        .revoke_certificate(&ctx(), Some(&of_x), "cx", "ABCDEF", Reason::KeyCompromise)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)));
}
