//! A citizen of the hosted demo centre with a confirmed account and SNILS, and the steps that
//! bring their cloud-key application to the PIN: shared by the tests of the signatures pages
//! and of documents.

use podpis_core::{
    ApplicationForm, CentreForm, Context, IdentityCheck, Lang, Medium, Principal, RegistrationForm,
    Review, Role,
};
use podpis_keys::{Signer, SoftwareKey};
use podpis_pki::cades::{DigestAlgorithm, SignRequest, sign};

use super::{Server, T0};

pub const PHONE: &str = "+79997770002";
pub const EMAIL: &str = "anna@example.ru";
pub const SNILS: &str = "11223344595";
/// The PIN of the cloud keys of [`connected_cloud_key`].
pub const PIN: &str = "246810";
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n";

/// The hosted demo centre, a confirmed citizen with SNILS, and that citizen as a principal.
pub async fn world(s: &Server) -> Principal {
    let ctx = Context::default();
    let form = CentreForm {
        id: "demo".into(),
        name: "УЦ Демо".into(),
        inn: "7707083893".into(),
        ogrn: "1027700132195".into(),
        address: "Москва".into(),
        price: 0,
        accredited_from: None,
        accredited_until: T0 + 365 * 24 * 3600,
    };
    s.portal
        .add_hosted_centre(&ctx, None, &form, "gost2012-256".parse().unwrap())
        .await
        .unwrap();
    let account = s
        .portal
        .create_confirmed_account(
            &ctx,
            RegistrationForm {
                phone: PHONE.into(),
                email: EMAIL.into(),
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
    Principal {
        account_id: account.id,
        role: Role::Citizen,
        session_id: "s".into(),
        csrf: "c".into(),
        lang: Lang::Ru,
        name: "Анна".into(),
    }
}

fn operator() -> Principal {
    Principal {
        account_id: "operator".into(),
        role: Role::Operator { ca: "demo".into() },
        session_id: "s".into(),
        csrf: "c".into(),
        lang: Lang::Ru,
        name: "Оператор".into(),
    }
}

/// A detached CMS signature of `text` by `key` with `cert`, as `podpis sign` makes it.
pub fn signature(key: &SoftwareKey, cert: &podpis_pki::Certificate, text: &str) -> Vec<u8> {
    signature_at(key, cert, text, T0)
}

/// As [`signature`], signed at `at` (Unix seconds).
pub fn signature_at(
    key: &SoftwareKey,
    cert: &podpis_pki::Certificate,
    text: &str,
    at: i64,
) -> Vec<u8> {
    let digest = DigestAlgorithm::for_signature(&key.signature_algorithm().oid)
        .unwrap()
        .digest(text.as_bytes());
    sign(
        &SignRequest {
            signer: key,
            certificate: cert,
            chain: &[],
            digest: &digest,
            signing_time: std::time::UNIX_EPOCH + std::time::Duration::from_secs(at as u64),
        },
        None,
    )
    .unwrap()
    .to_der()
    .unwrap()
}

/// A cloud-key application of `me`, approved, visited and confirmed, ready for the PIN.
pub async fn cloud_application(s: &Server, me: &Principal) -> String {
    let ctx = Context::default();
    let mut f: ApplicationForm = s.portal.application_form(me).await.unwrap();
    f.centre_id = "demo".into();
    f.medium = Medium::Cloud;
    f.birth_date = "1985-11-02".into();
    f.document_number = "4510 654321".into();
    f.consent = true;
    let id = s
        .portal
        .create_application(&ctx, me, f)
        .await
        .unwrap()
        .application
        .id;
    s.portal
        .attach_scan(&ctx, me, &id, "passport", "passport.pdf", PDF)
        .await
        .unwrap();
    s.portal.submit_application(&ctx, me, &id).await.unwrap();
    let op = operator();
    s.portal
        .review_application(&ctx, &op, &id, Review::Approve)
        .await
        .unwrap();
    let slot = s
        .portal
        .publish_slots(&ctx, &op, "demo", &[T0 + 86_400], 30)
        .await
        .unwrap()
        .remove(0);
    s.portal.book_visit(&ctx, me, &id, &slot.id).await.unwrap();
    s.portal
        .check_identity(&ctx, &op, &id, IdentityCheck::Confirmed)
        .await
        .unwrap();
    id
}

/// A cloud key issued for `me` under [`PIN`] and connected: its id.
pub async fn connected_cloud_key(s: &Server, me: &Principal) -> String {
    let ctx = Context::default();
    let id = cloud_application(s, me).await;
    s.portal.issue_cloud_key(&ctx, me, &id, PIN).await.unwrap();
    let started = s.portal.bind_issued_begin(&ctx, me, &id).await.unwrap();
    let code = s.code_to(PHONE).await;
    s.portal
        .bind_finish_with_pin(&ctx, me, &started.binding_id, PIN, &code)
        .await
        .unwrap();
    s.portal.cloud_keys(me).await.unwrap()[0].id.clone()
}
