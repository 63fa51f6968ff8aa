//! Binding a certificate of an external accredited centre, whose revocation status comes from
//! its OCSP responder: two portals over real HTTP — one hosts the centre and answers OCSP at
//! `/ocsp`, the other imports that centre (its CA certificate and the responder's URL, no CRL)
//! and asks the responder, with a nonce, whenever a citizen binds one of its certificates.

mod common;

use common::{Server, server};
use podpis_core::{
    CentreForm, CertificateRequest, Context, ImportForm, Lang, Principal, RegistrationForm, Role,
};
use podpis_keys::{KeySpec, Signer, SoftwareKey};
use podpis_pki::Certificate;
use podpis_pki::cades::{DigestAlgorithm, SignRequest, sign};
use podpis_pki::crl::Reason;
use podpis_pki::subject::{Profile, SubjectInfo};
use podpis_testkit::TestDb;

podpis_testkit::on_both!(an_external_centres_certificate_is_checked_by_its_ocsp_responder);

const SNILS: &str = "11223344595";

fn centre(id: &str) -> CentreForm {
    CentreForm {
        id: id.into(),
        name: format!("УЦ {id}"),
        inn: "7707083893".into(),
        ogrn: "1027700132195".into(),
        address: "Москва".into(),
        price: 0,
        accredited_from: None,
        accredited_until: common::T0 + 365 * 24 * 3600,
    }
}

/// A certificate of `issuer`'s hosted centre "home" for the citizen with [`SNILS`].
async fn certificate(issuer: &Server) -> (SoftwareKey, Certificate, String) {
    let key = SoftwareKey::generate("gost2012-256".parse::<KeySpec>().unwrap()).unwrap();
    let issued = issuer
        .portal
        .issue_certificate(
            &Context::default(),
            "home",
            &CertificateRequest {
                profile: Profile::Person,
                subject: SubjectInfo {
                    common_name: Some("Кузнецова Анна".into()),
                    surname: Some("Кузнецова".into()),
                    given_name: Some("Анна".into()),
                    country: Some("RU".into()),
                    snils: Some(SNILS.into()),
                    inn: Some("500100732259".into()),
                    ..SubjectInfo::default()
                },
                public_key: key.public_key().unwrap(),
                days: 365,
                account_id: None,
            },
        )
        .await
        .unwrap();
    let cert = Certificate::from_der(&issued.der).unwrap();
    (key, cert, issued.serial)
}

async fn an_external_centres_certificate_is_checked_by_its_ocsp_responder(db: TestDb) {
    let ctx = Context::default();
    // The issuing portal: its own database, the centre "home", its responder at /ocsp.
    let issuer = server(podpis_testkit::sqlite().await).await;
    issuer
        .portal
        .add_hosted_centre(&ctx, None, &centre("home"), "gost2012-256".parse().unwrap())
        .await
        .unwrap();
    let ca = issuer.portal.centre("home").await.unwrap().chain[0].clone();

    // This portal imports it with the responder's URL only.
    let s = server(db).await;
    s.portal
        .import_centre(
            &ctx,
            None,
            &ImportForm {
                centre: centre("external"),
                chain: ca,
                crl_url: None,
                ocsp_url: Some(format!("{}/ocsp", issuer.base)),
            },
        )
        .await
        .unwrap();
    let account = s
        .portal
        .create_confirmed_account(
            &ctx,
            RegistrationForm {
                phone: "+79997770002".into(),
                email: "anna@example.ru".into(),
                password: "Пароль-2026".into(),
                surname: "Кузнецова".into(),
                given_name: "Анна".into(),
                snils: SNILS.into(),
                inn: "500100732259".into(),
                ..Default::default()
            },
            &Role::Citizen,
        )
        .await
        .unwrap();
    let me = Principal {
        account_id: account.id,
        role: Role::Citizen,
        session_id: "s".into(),
        csrf: "c".into(),
        lang: Lang::En,
        name: "Анна".into(),
    };

    // Good according to the responder: it binds.
    let (key, cert, _) = certificate(&issuer).await;
    let started = s.portal.bind_begin(&ctx, &me, cert.der()).await.unwrap();
    assert_eq!(started.centre_id, "external");
    let digest = DigestAlgorithm::for_signature(&key.signature_algorithm().oid)
        .unwrap()
        .digest(started.challenge.as_bytes());
    let proof = sign(
        &SignRequest {
            signer: &key,
            certificate: &cert,
            chain: &[],
            digest: &digest,
            signing_time: std::time::UNIX_EPOCH + std::time::Duration::from_secs(common::T0 as u64),
        },
        None,
    )
    .unwrap()
    .to_der()
    .unwrap();
    let code = s.code_to("+79997770002").await;
    s.portal
        .bind_finish(&ctx, &me, &started.binding_id, &proof, &code)
        .await
        .unwrap();

    // Revoked at the issuing centre: the responder says so, and binding is refused.
    let (_, revoked, serial) = certificate(&issuer).await;
    issuer
        .portal
        .revoke_certificate(&ctx, None, "home", &serial, Reason::KeyCompromise)
        .await
        .unwrap();
    let e = s
        .portal
        .bind_begin(&ctx, &me, revoked.der())
        .await
        .unwrap_err();
    let text = e.text(Lang::En);
    assert!(text.contains("REVOKED") && text.contains("OCSP"), "{text}");
}
