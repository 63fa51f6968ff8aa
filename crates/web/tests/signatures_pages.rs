//! The signatures page and its steps over real HTTP, as a browser without JavaScript uses them:
//! connecting an uploaded .cer with a signed challenge and an SMS code, connecting a cloud
//! certificate issued here with its PIN, changing that PIN, reissue, revocation, and "this was
//! not me" on the journal.

mod common;

use common::citizen::{EMAIL, PDF, PHONE, SNILS, cloud_application, signature, world};
use common::{Browser, hidden, server};
use podpis_core::{CertificateRequest, Context};
use podpis_keys::{KeySpec, Signer, SoftwareKey};
use podpis_pki::subject::{Profile, SubjectInfo};
use podpis_testkit::TestDb;

podpis_testkit::on_both!(
    a_token_certificate_is_connected_revoked_and_disowned_through_the_pages,
    a_cloud_certificate_is_connected_its_pin_changed_and_reissued_through_the_pages
);

/// A six-digit code that is not `code`.
fn wrong(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

/// The text between `<pre id="challenge">` and `</pre>`, unescaped as a browser shows it.
fn shown_challenge(page: &str) -> String {
    let start = page.find("<pre id=\"challenge\">").expect("a challenge") + 20;
    let text = &page[start..];
    let text = &text[..text.find("</pre>").unwrap()];
    text.replace("&#x28;", "(")
        .replace("&#x29;", ")")
        .replace("&#40;", "(")
        .replace("&#41;", ")")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

async fn a_token_certificate_is_connected_revoked_and_disowned_through_the_pages(db: TestDb) {
    let s = server(db).await;
    let me = world(&s).await;
    let ctx = Context::default();
    let gost: KeySpec = "gost2012-256".parse().unwrap();
    let issue = |key: &SoftwareKey| CertificateRequest {
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
    };
    let key = SoftwareKey::generate(gost).unwrap();
    let issued = s
        .portal
        .issue_certificate(&ctx, "demo", &issue(&key))
        .await
        .unwrap();
    let cert = podpis_pki::Certificate::from_der(&issued.der).unwrap();

    let mut b = Browser::new(&s.base);
    common::sign_in(&mut b, &s, EMAIL, PHONE).await;
    let (_, _, page) = b.get("/signatures").await;
    let csrf = hidden(&page, "csrf");

    // Not a certificate: refused with the reason, nothing started.
    let (status, _, page) = b
        .post_file(
            "/signatures/bind",
            &[("csrf", &csrf)],
            ("certificate", "scan.pdf", PDF),
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("не является сертификатом X.509"), "{page}");

    // The .cer: the step shows the challenge and the command; a proof of another key and a
    // wrong code are each refused on the same step; the right ones connect it.
    let (status, _, page) = b
        .post_file(
            "/signatures/bind",
            &[("csrf", &csrf)],
            ("certificate", "anna.cer", &issued.der),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("podpis sign --key"), "{page}");
    let binding_id = hidden(&page, "binding_id");
    let challenge = shown_challenge(&page);
    assert_eq!(
        challenge,
        s.db.store
            .read()
            .await
            .unwrap()
            .binding(&binding_id)
            .await
            .unwrap()
            .unwrap()
            .challenge,
        "the page shows the challenge exactly"
    );
    let step = |page: &str| {
        ["binding_id", "challenge", "cloud"]
            .iter()
            .map(|f| (f.to_string(), hidden(page, f)))
            .collect::<Vec<_>>()
    };
    let fields = step(&page);
    let code = s
        .code_to(&podpis_core::validate::phone(PHONE).unwrap())
        .await;
    let with = |extra: &[(&'static str, String)]| {
        let mut all: Vec<(String, String)> = fields.clone();
        all.push(("csrf".into(), csrf.clone()));
        all.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
        all
    };
    let forged = signature(&key, &cert, "Podpis: another text");
    let form = with(&[("code", code.clone())]);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, _, page) = b
        .post_file(
            "/signatures/bind/finish",
            &form,
            ("proof", "challenge.txt.sig", &forged),
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("не доказывает владение ключом"), "{page}");
    assert!(page.contains(&challenge[..20]), "the step again: {page}");
    let proof = signature(&key, &cert, &challenge);
    let form = with(&[("code", wrong(&code).into())]);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, _, page) = b
        .post_file(
            "/signatures/bind/finish",
            &form,
            ("proof", "challenge.txt.sig", &proof),
        )
        .await;
    assert_ne!(status, 200, "a wrong code: {page}");
    assert!(page.contains("podpis sign --key"), "the step again: {page}");
    let form = with(&[("code", code)]);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, _, page) = b
        .post_file(
            "/signatures/bind/finish",
            &form,
            ("proof", "challenge.txt.sig", &proof),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Сертификат подключён") && page.contains(&issued.serial),
        "{page}"
    );
    assert!(page.contains("подключена"), "{page}");

    // "This was not me" on the journal's binding entry: a code, then revoked for key
    // compromise, with what to do next.
    let (_, _, journal) = b.get("/journal?action=certificate_bound").await;
    let seq = journal
        .split("action=\"/journal/")
        .nth(1)
        .and_then(|p| p.split('/').next())
        .expect("a «this was not me» button on the binding entry")
        .to_owned();
    assert!(journal.contains("Это был не я"), "{journal}");
    let (status, _, page) = b
        .post(&format!("/journal/{seq}/not-me"), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, 200, "{page}");
    let code_id = hidden(&page, "code_id");
    let code = s
        .code_to(&podpis_core::validate::phone(PHONE).unwrap())
        .await;
    let (status, _, page) = b
        .post(
            &format!("/journal/{seq}/not-me/finish"),
            &[("csrf", &csrf), ("code_id", &code_id), ("code", &code)],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("смените пароль"), "{page}");
    let revoked =
        s.db.store
            .read()
            .await
            .unwrap()
            .certificate("demo", &issued.serial)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(revoked.reason.as_deref(), Some("keyCompromise"));
    let (_, _, page) = b.get("/signatures").await;
    assert!(!page.contains(&issued.serial), "unbound: {page}");

    // A second certificate, bound, is revoked from the signatures page with a reason.
    let key2 = SoftwareKey::generate(gost).unwrap();
    let issued2 = s
        .portal
        .issue_certificate(&ctx, "demo", &issue(&key2))
        .await
        .unwrap();
    let cert2 = podpis_pki::Certificate::from_der(&issued2.der).unwrap();
    let started = s.portal.bind_begin(&ctx, &me, &issued2.der).await.unwrap();
    let code = s
        .code_to(&podpis_core::validate::phone(PHONE).unwrap())
        .await;
    s.portal
        .bind_finish(
            &ctx,
            &me,
            &started.binding_id,
            &signature(&key2, &cert2, &started.challenge),
            &code,
        )
        .await
        .unwrap();
    let (status, _, page) = b
        .post(
            "/signatures/revoke",
            &[
                ("csrf", &csrf),
                ("centre", "demo"),
                ("serial", &issued2.serial),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("cessationOfOperation"), "the reasons: {page}");
    let code_id = hidden(&page, "code_id");
    let code = s
        .code_to(&podpis_core::validate::phone(PHONE).unwrap())
        .await;
    let (status, _, page) = b
        .post(
            "/signatures/revoke/finish",
            &[
                ("csrf", &csrf),
                ("centre", "demo"),
                ("serial", &issued2.serial),
                ("code_id", &code_id),
                ("code", &code),
                ("reason", "affiliationChanged"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Сертификат отозван"), "{page}");
    let revoked =
        s.db.store
            .read()
            .await
            .unwrap()
            .certificate("demo", &issued2.serial)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(revoked.reason.as_deref(), Some("affiliationChanged"));
}

async fn a_cloud_certificate_is_connected_its_pin_changed_and_reissued_through_the_pages(
    db: TestDb,
) {
    let s = server(db).await;
    let me = world(&s).await;
    let id = cloud_application(&s, &me).await;
    let phone = podpis_core::validate::phone(PHONE).unwrap();
    let mut b = Browser::new(&s.base);
    common::sign_in(&mut b, &s, EMAIL, PHONE).await;

    // The applicant sets the PIN on the application page: the key and certificate are made.
    let (_, _, page) = b.get(&format!("/applications/{id}")).await;
    let csrf = hidden(&page, "csrf");
    let (status, _, page) = b
        .post(
            &format!("/applications/{id}/cloud-key"),
            &[("csrf", &csrf), ("pin", "246810")],
        )
        .await;
    assert_eq!(status, 200, "{page}");

    // The signatures page offers the issued certificate; the PIN and the code connect it.
    let (_, _, page) = b.get("/signatures").await;
    assert!(
        page.contains("ждут подключения") && page.contains("облачный ключ"),
        "{page}"
    );
    let (status, _, page) = b
        .post("/signatures/bind-issued", &[("csrf", &csrf), ("id", &id)])
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("PIN-код облачного ключа"), "{page}");
    assert!(
        !page.contains("podpis sign --key"),
        "no challenge to sign: {page}"
    );
    let fields: Vec<(String, String)> = ["binding_id", "challenge", "cloud"]
        .iter()
        .map(|f| (f.to_string(), hidden(&page, f)))
        .collect();
    let code = s.code_to(&phone).await;
    let finish = |pin: &str, code: &str| {
        let mut all = fields.clone();
        all.push(("csrf".into(), csrf.clone()));
        all.push(("pin".into(), pin.into()));
        all.push(("code".into(), code.into()));
        all
    };
    let form = finish("111111", &code);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, _, page) = b
        .post_file("/signatures/bind/finish", &form, ("proof", "", b""))
        .await;
    assert_ne!(status, 200, "a wrong PIN: {page}");
    assert!(page.contains("PIN"), "{page}");
    let form = finish("246810", &code);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, _, page) = b
        .post_file("/signatures/bind/finish", &form, ("proof", "", b""))
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Сертификат подключён"), "{page}");
    assert!(!page.contains("ждут подключения"), "{page}");
    let (_, _, app) = b.get(&format!("/applications/{id}")).await;
    assert!(app.contains("Завершено"), "{app}");

    // The PIN changes with the old PIN and a code; the old one no longer opens the key.
    let key_id = s.portal.cloud_keys(&me).await.unwrap()[0].id.clone();
    let (status, _, page) = b
        .post("/signatures/pin", &[("csrf", &csrf), ("id", &key_id)])
        .await;
    assert_eq!(status, 200, "{page}");
    let code_id = hidden(&page, "code_id");
    let code = s.code_to(&phone).await;
    let (status, _, page) = b
        .post(
            "/signatures/pin/finish",
            &[
                ("csrf", &csrf),
                ("id", &key_id),
                ("code_id", &code_id),
                ("code", &code),
                ("old_pin", "246810"),
                ("new_pin", "135790"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("PIN-код изменён"), "{page}");

    // Reissue from the signatures page, confirmed by the cloud key's (new) PIN: a new
    // application, paid at once (the centre is free), waits for issuance without a visit.
    let binding = s.portal.bindings(&me).await.unwrap().remove(0);
    let (status, _, page) = b
        .post(
            "/signatures/reissue",
            &[("csrf", &csrf), ("id", &binding.id), ("medium", "cloud")],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let new_id = hidden(&page, "id");
    let step: Vec<(String, String)> = ["id", "challenge", "cloud"]
        .iter()
        .map(|f| (f.to_string(), hidden(&page, f)))
        .collect();
    let confirm = |pin: &str| {
        let mut all = step.clone();
        all.push(("csrf".into(), csrf.clone()));
        all.push(("pin".into(), pin.into()));
        all
    };
    let form = confirm("246810");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, _, page) = b
        .post_file("/signatures/reissue/confirm", &form, ("proof", "", b""))
        .await;
    assert_ne!(status, 303, "the old PIN no longer opens the key: {page}");

    // Three wrong PINs lock the key; the page says so and unlocks it with an SMS code.
    let (status, _, page) = b
        .post("/signatures/unlock", &[("csrf", &csrf), ("id", &key_id)])
        .await;
    assert_eq!(status, 409, "not locked yet: {page}");
    for _ in 0..2 {
        b.post_file("/signatures/reissue/confirm", &form, ("proof", "", b""))
            .await;
    }
    let (_, _, page) = b
        .post_file("/signatures/reissue/confirm", &form, ("proof", "", b""))
        .await;
    assert!(page.contains("заблокирован"), "{page}");
    let (_, _, page) = b.get("/signatures").await;
    assert!(page.contains("ключ заблокирован"), "{page}");
    let (status, _, page) = b
        .post("/signatures/unlock", &[("csrf", &csrf), ("id", &key_id)])
        .await;
    assert_eq!(status, 200, "{page}");
    let code_id = hidden(&page, "code_id");
    let code = s.code_to(&phone).await;
    let (status, _, page) = b
        .post(
            "/signatures/unlock/finish",
            &[
                ("csrf", &csrf),
                ("id", &key_id),
                ("code_id", &code_id),
                ("code", "000000"),
            ],
        )
        .await;
    assert_ne!(status, 200, "a wrong code: {page}");
    let (status, _, page) = b
        .post(
            "/signatures/unlock/finish",
            &[
                ("csrf", &csrf),
                ("id", &key_id),
                ("code_id", &code_id),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Облачный ключ разблокирован") && !page.contains("ключ заблокирован"),
        "{page}"
    );
    let form = confirm("135790");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, location, page) = b
        .post_file("/signatures/reissue/confirm", &form, ("proof", "", b""))
        .await;
    assert_eq!(status, 303, "{page}");
    assert_eq!(location.unwrap(), format!("/applications/{new_id}"));
    let (_, _, page) = b.get(&format!("/applications/{new_id}")).await;
    assert!(
        page.contains("PIN-код облачного ключа"),
        "ready for the new key: {page}"
    );
}
