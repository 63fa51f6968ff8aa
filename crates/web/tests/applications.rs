//! Applying for a certificate over HTTP: the form, PDF scans (refused by content and size), the
//! automatic checks, the operator's queue and review, and paying through the sandbox gateway's
//! page and its signed webhook, the visit with its QR code, and the identity check.

mod common;

use common::{Server, T0};
use podpis_core::{CentreForm, Context, RegistrationForm, Role};
use podpis_keys::KeySpec;
use podpis_testkit::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};

podpis_testkit::on_both!(
    apply_review_and_pay_over_http,
    two_citizens_walk_the_whole_lifecycle
);

const PRICE: i64 = 150_000;

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj\n<< >>\nendobj\n% {text}\ntrailer\n<< >>\n%%EOF\n").into_bytes()
}

struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = self
            .http
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token)
            .header("accept-language", "en");
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn upload(&self, id: &str, kind: &str, bytes: Vec<u8>) -> (u16, Value) {
        let r = self
            .http
            .post(format!(
                "{}/api/v1/applications/{id}/scans?kind={kind}&name={kind}.pdf",
                self.base
            ))
            .bearer_auth(&self.token)
            .header("accept-language", "en")
            .header("content-type", "application/pdf")
            // The server answers an oversized body before reading it and drops the connection.
            .header("connection", "close")
            .body(bytes)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }
}

async fn setup(s: &Server) -> (Api, Api) {
    let ctx = Context::default();
    let form = CentreForm {
        id: "demo".into(),
        name: "УЦ Демо".into(),
        inn: "7707083893".into(),
        ogrn: "1027700132195".into(),
        address: "Москва".into(),
        price: PRICE,
        accredited_from: None,
        accredited_until: T0 + 365 * 24 * 3600,
    };
    let gost: KeySpec = "gost2012-256".parse().unwrap();
    s.portal
        .add_hosted_centre(&ctx, None, &form, gost)
        .await
        .unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let citizen = Api {
        http: http.clone(),
        base: s.base.clone(),
        token: s.signed_in(1).await,
    };
    s.portal
        .create_confirmed_account(
            &ctx,
            RegistrationForm {
                phone: "+79995550001".into(),
                email: "operator@demo.ru".into(),
                password: "Пароль-2026".into(),
                surname: "Операторов".into(),
                given_name: "Олег".into(),
                ..Default::default()
            },
            &Role::Operator { ca: "demo".into() },
        )
        .await
        .unwrap();
    let operator = Api {
        http,
        base: s.base.clone(),
        token: s.token("operator@demo.ru", "+79995550001").await,
    };
    (citizen, operator)
}

async fn apply_review_and_pay_over_http(db: TestDb) {
    let s = common::server(db).await;
    let (me, operator) = setup(&s).await;
    let (status, _) = me
        .call(
            reqwest::Method::PUT,
            "/me/profile",
            Some(
                json!({ "surname": "Петров", "given_name": "Пётр", "snils": "112-233-445 95",
                "inn": "500100732259", "birth_date": "1990-05-17", "passport": "4510 123456" }),
            ),
        )
        .await;
    assert_eq!(status, 200);

    // The form comes prefilled; a draft is saved from it.
    let (status, mut form) = me.get("/applications/form").await;
    assert_eq!(status, 200);
    assert_eq!(form["snils"], "11223344595");
    assert_eq!(form["document_number"], "4510 123456");
    form["centre_id"] = json!("demo");
    form["medium"] = json!("p12");
    form["consent"] = json!(true);
    let (status, app) = me.post("/applications", form.clone()).await;
    assert_eq!(status, 201, "{app}");
    assert_eq!(
        (app["status"].as_str(), app["price"].as_i64()),
        (Some("draft"), Some(PRICE))
    );
    let id = app["id"].as_str().unwrap().to_owned();

    // Scans: refused by content and by size, with the reason; a PDF is taken.
    let (status, problem) = me
        .upload(&id, "passport", b"GIF89a not a pdf".to_vec())
        .await;
    assert_eq!(status, 422);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("не является документом PDF"),
        "{problem}"
    );
    let mut big = pdf("big");
    big.splice(9..9, vec![b' '; 6 * 1024 * 1024]);
    let (status, problem) = me.upload(&id, "passport", big).await;
    assert_eq!(status, 422);
    assert!(
        problem["detail"].as_str().unwrap().contains("больше 5 МБ"),
        "{problem}"
    );
    let (_, app) = me.get(&format!("/applications/{id}")).await;
    assert_eq!(
        app["scans"].as_array().unwrap().len(),
        0,
        "nothing refused is stored"
    );

    // Submitted without the passport scan: rejected with the reason.
    let (status, app) = me
        .post(&format!("/applications/{id}/submit"), json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(app["status"], "rejected");
    assert!(
        app["comment"].as_str().unwrap().contains("паспорт"),
        "{app}"
    );
    let (status, scan) = me.upload(&id, "passport", pdf("passport")).await;
    assert_eq!(status, 201, "{scan}");
    let (_, app) = me
        .post(&format!("/applications/{id}/submit"), json!({}))
        .await;
    assert_eq!(app["status"], "accepted", "{app}");

    // The operator's queue, the scan, and the approval; a citizen cannot review.
    let (status, _) = me
        .post(
            &format!("/applications/{id}/review"),
            json!({ "decision": "approve" }),
        )
        .await;
    assert_eq!(status, 403);
    let (status, queue) = operator.get("/centres/demo/applications").await;
    assert_eq!(status, 200);
    assert_eq!(queue[0]["id"], id.as_str());
    let r = operator
        .http
        .get(format!(
            "{}/api/v1/applications/{id}/scans/{}",
            s.base,
            scan["id"].as_str().unwrap()
        ))
        .bearer_auth(&operator.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf("passport"));
    let (status, app) = operator
        .post(
            &format!("/applications/{id}/review"),
            json!({ "decision": "approve" }),
        )
        .await;
    assert_eq!(status, 200, "{app}");
    assert_eq!(app["status"], "awaiting_payment");

    // Paying: an outside return address is refused; the sandbox page shows the order.
    let (status, _) = me
        .post(
            &format!("/applications/{id}/pay"),
            json!({ "return_url": "https://evil.example/" }),
        )
        .await;
    assert_eq!(status, 422);
    let (status, checkout) = me.post(&format!("/applications/{id}/pay"), json!({})).await;
    assert_eq!(status, 200, "{checkout}");
    let url = checkout["url"]
        .as_str()
        .unwrap()
        .replace("http://localhost:8080", &s.base);
    let r = me.http.get(&url).send().await.unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.ends_with("style-src 'self' 'unsafe-inline'"),
        "the gateway's page allows its inline style, nothing more: {csp}"
    );
    let page = r.text().await.unwrap();
    assert!(page.contains("1\u{a0}500\u{a0}₽"), "{page}");
    let order = common::hidden(&page, "order");
    let sig = common::hidden(&page, "sig");
    let pay = |card: &'static str| {
        let (order, sig) = (order.clone(), sig.clone());
        let http = me.http.clone();
        let base = s.base.clone();
        async move {
            http.post(format!("{base}/sandbox/pay"))
                .form(&[
                    ("order", order.as_str()),
                    ("sig", sig.as_str()),
                    ("card", card),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let r = pay("1234 5678").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("not a valid card number"));
    let r = pay("4000 0000 0000 0002").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        format!("http://localhost:8080/applications/{id}").as_str()
    );
    let (_, app) = me.get(&format!("/applications/{id}")).await;
    assert_eq!(app["status"], "awaiting_payment");

    // A second checkout, paid with the good card.
    let (_, checkout) = me.post(&format!("/applications/{id}/pay"), json!({})).await;
    let link = checkout["url"].as_str().unwrap();
    let query = link.split_once('?').unwrap().1;
    let (o, g) = query.split_once("&sig=").unwrap();
    let gateway = common::sandbox();
    let second = gateway.open(o.strip_prefix("order=").unwrap(), g).unwrap();
    let (body, signature) = gateway.charge(&second, "4242424242424242").unwrap();
    let webhook = |body: Vec<u8>, signature: String| {
        let http = me.http.clone();
        let base = s.base.clone();
        async move {
            http.post(format!("{base}/api/v1/payments/webhook"))
                .header("x-payment-signature", signature)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        webhook(body.clone(), "00".repeat(32)).await,
        422,
        "a forged signature"
    );
    assert_eq!(webhook(body.clone(), signature.clone()).await, 204);
    assert_eq!(
        webhook(body, signature).await,
        204,
        "a repeat is idempotent"
    );
    let (_, app) = me.get(&format!("/applications/{id}")).await;
    assert_eq!(app["status"], "paid");
    let (_, payments) = me.get(&format!("/applications/{id}/payments")).await;
    let states: Vec<&str> = payments
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["declined", "succeeded"]);
    let (status, problem) = me.post(&format!("/applications/{id}/pay"), json!({})).await;
    assert_eq!(status, 409, "{problem}");

    // The visit: the operator publishes a slot, the applicant books it and gets the codes.
    let at = podpis_core::timestamp(T0 + 2 * 24 * 3600);
    let (status, slots) = me
        .post(
            "/centres/demo/slots",
            json!({ "starts": [at], "minutes": 30 }),
        )
        .await;
    assert_eq!(status, 403, "{slots}");
    let (status, slots) = operator
        .post(
            "/centres/demo/slots",
            json!({ "starts": [at], "minutes": 30 }),
        )
        .await;
    assert_eq!(status, 201, "{slots}");
    let (_, free) = me.get("/centres/demo/slots").await;
    assert_eq!(free[0]["id"], slots[0]["id"]);
    let (status, visit) = me
        .post(
            &format!("/applications/{id}/visit"),
            json!({ "slot_id": slots[0]["id"] }),
        )
        .await;
    assert_eq!(status, 200, "{visit}");
    assert_eq!(visit["slot"]["starts_moscow"], "17.01.2027 11:00 МСК");
    let (_, shown) = me.get(&format!("/applications/{id}/visit")).await;
    assert_eq!(shown["code"], visit["code"]);
    let r = me
        .http
        .get(format!("{}{}", s.base, visit["qr"].as_str().unwrap()))
        .bearer_auth(&me.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    let svg = r.text().await.unwrap();
    assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");

    // At the centre: opened by the short code, the identity confirmed.
    let (status, _) = me
        .post("/visits/open", json!({ "code": visit["code"] }))
        .await;
    assert_eq!(status, 403, "a citizen opens no visit");
    let (status, opened) = operator
        .post("/visits/open", json!({ "code": visit["code"] }))
        .await;
    assert_eq!(status, 200, "{opened}");
    assert_eq!(opened["id"], id.as_str());
    let (status, bad) = operator
        .post("/visits/open", json!({ "code": "0000-0000" }))
        .await;
    assert_eq!(status, 422, "{bad}");
    let (status, verified) = operator
        .post(
            &format!("/applications/{id}/identity"),
            json!({ "decision": "confirm" }),
        )
        .await;
    assert_eq!(status, 200, "{verified}");
    assert_eq!(verified["status"], "identity_verified");

    // Issued as a .p12 file (the medium of the form); OpenSSL opens it with the password.
    let (status, refused) = operator
        .post(
            &format!("/applications/{id}/issue"),
            json!({ "medium": "token", "csr": "AAAA" }),
        )
        .await;
    assert_eq!(status, 409, "a token CSR for a .p12 application: {refused}");
    let (status, issued) = operator
        .post(
            &format!("/applications/{id}/issue"),
            json!({ "medium": "p12" }),
        )
        .await;
    assert_eq!(status, 201, "{issued}");
    let p12 = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        issued["p12"].as_str().unwrap(),
    )
    .unwrap();
    let password = issued["p12_password"].as_str().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("key.p12"), &p12).unwrap();
    let (ok, out) = podpis_testkit::openssl_gost(
        dir.path(),
        &[
            "pkcs12",
            "-in",
            "key.p12",
            "-passin",
            &format!("pass:{password}"),
            "-nodes",
        ],
    );
    assert!(
        ok && out.contains("BEGIN PRIVATE KEY") && out.contains("BEGIN CERTIFICATE"),
        "{out}"
    );
    let (_, app) = me.get(&format!("/applications/{id}")).await;
    assert_eq!(app["status"], "issued");
    let r = operator
        .http
        .get(format!("{}/api/v1/applications/{id}/act.pdf", s.base))
        .bearer_auth(&operator.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(podpis_core::is_pdf(&r.bytes().await.unwrap()));

    // Bound with a proof made by the .p12's key: the application closes.
    let contents = podpis_keys::pkcs12::import(&p12, password.as_bytes()).unwrap();
    let cert = podpis_pki::Certificate::from_der(&contents.certificates[0]).unwrap();
    let (status, started) = me
        .post(
            "/bindings",
            json!({ "certificate": issued["certificate"]["pem"] }),
        )
        .await;
    assert_eq!(status, 201, "{started}");
    let challenge = started["challenge"].as_str().unwrap();
    let digest = podpis_pki::cades::DigestAlgorithm::Streebog256.digest(challenge.as_bytes());
    let proof = podpis_pki::cades::sign(
        &podpis_pki::cades::SignRequest {
            signer: &contents.key,
            certificate: &cert,
            chain: &[],
            digest: &digest,
            signing_time: std::time::UNIX_EPOCH + std::time::Duration::from_secs(T0 as u64),
        },
        None,
    )
    .unwrap()
    .to_der()
    .unwrap();
    let code = s.code_to("+79991000001").await;
    let (status, bound) = me
        .post(
            &format!(
                "/bindings/{}/finish",
                started["binding_id"].as_str().unwrap()
            ),
            json!({
                "proof": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, proof),
                "code": code,
            }),
        )
        .await;
    assert_eq!(status, 200, "{bound}");
    let (_, app) = me.get(&format!("/applications/{id}")).await;
    assert_eq!(app["status"], "closed");

    // The OpenAPI document lists the new operations.
    let (_, doc) = me.get("/openapi.json").await;
    for path in [
        "/api/v1/applications/{id}/scans",
        "/api/v1/payments/webhook",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path}");
    }
}

/// A valid SNILS for the second citizen.
const SNILS_B: &str = "12345678964";

impl Api {
    /// A signed webhook of the sandbox for the checkout `url`, paid by the good card.
    async fn pay(&self, id: &str) {
        let (status, checkout) = self
            .post(&format!("/applications/{id}/pay"), json!({}))
            .await;
        assert_eq!(status, 200, "{checkout}");
        let query = checkout["url"]
            .as_str()
            .unwrap()
            .split_once('?')
            .unwrap()
            .1
            .to_owned();
        let (o, g) = query.split_once("&sig=").unwrap();
        let gateway = common::sandbox();
        let order = gateway.open(o.strip_prefix("order=").unwrap(), g).unwrap();
        let (body, signature) = gateway.charge(&order, "4242 4242 4242 4242").unwrap();
        let r = self
            .http
            .post(format!("{}/api/v1/payments/webhook", self.base))
            .header("x-payment-signature", signature)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
    }
}

/// The status OCSP gives for `cert` of `ca`, asked over HTTP.
async fn ocsp(base: &str, cert: &podpis_pki::Certificate, ca: &podpis_pki::Certificate) -> String {
    use podpis_pki::ocsp::{CertId, CertIdHash, OcspRequest, OcspResponse};
    let id = CertId::of(CertIdHash::Sha1, cert, ca).unwrap();
    let request = OcspRequest::new(std::slice::from_ref(&id), None).unwrap();
    let r = reqwest::Client::new()
        .post(format!("{base}/ocsp"))
        .header("content-type", "application/ocsp-request")
        .body(request.der().to_vec())
        .send()
        .await
        .unwrap();
    let answer = OcspResponse::from_der(&r.bytes().await.unwrap()).unwrap();
    answer.status_of(&id).unwrap().status.to_string()
}

/// Whether the published CRL of `demo` lists `cert`.
async fn in_crl(base: &str, cert: &podpis_pki::Certificate) -> bool {
    let der = reqwest::get(format!("{base}/crl/demo.crl"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    podpis_pki::crl::Crl::from_der(&der)
        .unwrap()
        .find(cert.serial())
        .is_some()
}

/// A detached CMS signature of `text` by `key` with `cert`, base64.
fn proof(key: &podpis_keys::SoftwareKey, cert: &podpis_pki::Certificate, text: &str) -> String {
    let digest = podpis_pki::cades::DigestAlgorithm::Streebog256.digest(text.as_bytes());
    let der = podpis_pki::cades::sign(
        &podpis_pki::cades::SignRequest {
            signer: key,
            certificate: cert,
            chain: &[],
            digest: &digest,
            signing_time: std::time::UNIX_EPOCH + std::time::Duration::from_secs(T0 as u64),
        },
        None,
    )
    .unwrap()
    .to_der()
    .unwrap();
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, der)
}

/// Citizen `me` (phone `phone`, SNILS `snils`) applies for a key on `medium` and is taken to
/// `identity_verified`: the profile, the form, the scan, the review, the payment, the visit
/// in a slot `day` days ahead, and the identity check. Returns the application's id.
async fn verified(
    s: &Server,
    me: &Api,
    operator: &Api,
    snils: &str,
    medium: &str,
    day: i64,
) -> String {
    let (status, _) = me
        .call(
            reqwest::Method::PUT,
            "/me/profile",
            Some(
                json!({ "surname": "Петров", "given_name": "Пётр", "snils": snils,
                "inn": "500100732259", "birth_date": "1990-05-17", "passport": "4510 123456" }),
            ),
        )
        .await;
    assert_eq!(status, 200);
    let (_, mut form) = me.get("/applications/form").await;
    form["centre_id"] = json!("demo");
    form["medium"] = json!(medium);
    form["consent"] = json!(true);
    let (_, app) = me.post("/applications", form).await;
    let id = app["id"].as_str().unwrap().to_owned();
    me.upload(&id, "passport", pdf("passport")).await;
    let (_, app) = me
        .post(&format!("/applications/{id}/submit"), json!({}))
        .await;
    assert_eq!(app["status"], "accepted", "{app}");
    let (_, app) = operator
        .post(
            &format!("/applications/{id}/review"),
            json!({ "decision": "approve" }),
        )
        .await;
    assert_eq!(app["status"], "awaiting_payment", "{app}");
    me.pay(&id).await;
    let at = podpis_core::timestamp(s.portal.clock().now() + day * 24 * 3600);
    let (_, slots) = operator
        .post(
            "/centres/demo/slots",
            json!({ "starts": [at], "minutes": 30 }),
        )
        .await;
    let (_, visit) = me
        .post(
            &format!("/applications/{id}/visit"),
            json!({ "slot_id": slots[0]["id"] }),
        )
        .await;
    let (status, _) = operator
        .post("/visits/open", json!({ "code": visit["token"] }))
        .await;
    assert_eq!(status, 200);
    let (_, app) = operator
        .post(
            &format!("/applications/{id}/identity"),
            json!({ "decision": "confirm" }),
        )
        .await;
    assert_eq!(app["status"], "identity_verified", "{app}");
    id
}

/// Binds `cert_pem` to `me` (phone `phone`) with a proof by `key`; the binding's id.
async fn bind(
    s: &Server,
    me: &Api,
    phone: &str,
    cert_pem: &str,
    key: &podpis_keys::SoftwareKey,
) -> String {
    let cert = podpis_pki::Certificate::load_all(cert_pem.as_bytes())
        .unwrap()
        .remove(0);
    let (status, started) = me
        .post("/bindings", json!({ "certificate": cert_pem }))
        .await;
    assert_eq!(status, 201, "{started}");
    let code = s.code_to(phone).await;
    let id = started["binding_id"].as_str().unwrap().to_owned();
    let (status, bound) = me
        .post(
            &format!("/bindings/{id}/finish"),
            json!({ "proof": proof(key, &cert, started["challenge"].as_str().unwrap()), "code": code }),
        )
        .await;
    assert_eq!(status, 200, "{bound}");
    id
}

async fn two_citizens_walk_the_whole_lifecycle(db: TestDb) {
    let s = common::server(db).await;
    let (a, operator) = setup(&s).await;
    let b = Api {
        http: a.http.clone(),
        base: s.base.clone(),
        token: s.signed_in(2).await,
    };
    let (phone_a, phone_b) = ("+79991000001", "+79991000002");
    let ca = podpis_pki::Certificate::from_der(
        &reqwest::get(format!("{}/ca/demo.cer", s.base))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();

    // A: a .p12; B: a token's CSR. Both issued after payment and the visit, then bound.
    let id_a = verified(&s, &a, &operator, "11223344595", "p12", 1).await;
    let id_b = verified(&s, &b, &operator, SNILS_B, "token", 2).await;
    let (_, issued_a) = operator
        .post(
            &format!("/applications/{id_a}/issue"),
            json!({ "medium": "p12" }),
        )
        .await;
    let p12 = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        issued_a["p12"].as_str().unwrap(),
    )
    .unwrap();
    let key_a =
        podpis_keys::pkcs12::import(&p12, issued_a["p12_password"].as_str().unwrap().as_bytes())
            .unwrap()
            .key;
    let key_b = podpis_keys::SoftwareKey::generate("gost2012-256".parse().unwrap()).unwrap();
    let csr = podpis_pki::csr::Csr::create("CN=token".parse().unwrap(), &key_b).unwrap();
    let (status, issued_b) = operator
        .post(
            &format!("/applications/{id_b}/issue"),
            json!({ "medium": "token", "csr": csr.to_pem() }),
        )
        .await;
    assert_eq!(status, 201, "{issued_b}");
    let pem_a = issued_a["certificate"]["pem"].as_str().unwrap().to_owned();
    let pem_b = issued_b["certificate"]["pem"].as_str().unwrap().to_owned();
    let cert_a = podpis_pki::Certificate::load_all(pem_a.as_bytes())
        .unwrap()
        .remove(0);
    let cert_b = podpis_pki::Certificate::load_all(pem_b.as_bytes())
        .unwrap()
        .remove(0);
    assert_eq!(ocsp(&s.base, &cert_a, &ca).await, "good");
    assert_eq!(ocsp(&s.base, &cert_b, &ca).await, "good");
    // A cannot bind B's certificate (another person's SNILS).
    let (status, refused) = a.post("/bindings", json!({ "certificate": pem_b })).await;
    assert_eq!(status, 422, "{refused}");
    let binding_a = bind(&s, &a, phone_a, &pem_a, &key_a).await;
    bind(&s, &b, phone_b, &pem_b, &key_b).await;
    for (who, id) in [(&a, &id_a), (&b, &id_b)] {
        let (_, app) = who.get(&format!("/applications/{id}")).await;
        assert_eq!(app["status"], "closed");
    }

    // A reissues onto a cloud key: confirmed by the .p12 key, paid, issued without a visit.
    let (status, start) = a
        .post(
            &format!("/bindings/{binding_a}/reissue"),
            json!({ "medium": "cloud" }),
        )
        .await;
    assert_eq!(status, 201, "{start}");
    let reissue = start["application"]["id"].as_str().unwrap().to_owned();
    let (_, app) = a
        .post(
            &format!("/applications/{reissue}/reissue/confirm"),
            json!({ "proof": proof(&key_a, &cert_a, start["challenge"].as_str().unwrap()) }),
        )
        .await;
    assert_eq!(app["status"], "awaiting_payment", "{app}");
    a.pay(&reissue).await;
    let (status, cloud) = a
        .post(
            &format!("/applications/{reissue}/cloud-key"),
            json!({ "pin": "246810" }),
        )
        .await;
    assert_eq!(status, 201, "{cloud}");
    let cert_cloud =
        podpis_pki::Certificate::load_all(cloud["certificate"]["pem"].as_str().unwrap().as_bytes())
            .unwrap()
            .remove(0);
    assert_eq!(ocsp(&s.base, &cert_a, &ca).await, "revoked (superseded)");
    assert!(in_crl(&s.base, &cert_a).await);
    assert_eq!(ocsp(&s.base, &cert_cloud, &ca).await, "good");
    let (_, bindings) = a.get("/bindings").await;
    assert_eq!(bindings.as_array().unwrap().len(), 1);
    assert_eq!(bindings[0]["serial"], cloud["certificate"]["serial"]);

    // B did not bind it: "this was not me" on the journal revokes it for key compromise.
    let (_, journal) = b.get("/journal?action=certificate_bound").await;
    let seq = journal[0]["seq"].as_i64().unwrap();
    let (status, asked) = b.post(&format!("/journal/{seq}/not-me"), json!({})).await;
    assert_eq!(status, 200, "{asked}");
    let code = s.code_to(phone_b).await;
    let (status, done) = b
        .post(
            &format!("/journal/{seq}/not-me/finish"),
            json!({ "code_id": asked["code"]["id"], "code": code }),
        )
        .await;
    assert_eq!(status, 200, "{done}");
    assert!(!done["next_steps"].as_str().unwrap().is_empty());
    assert_eq!(ocsp(&s.base, &cert_b, &ca).await, "revoked (keyCompromise)");
    assert!(in_crl(&s.base, &cert_b).await);

    // A revokes the cloud certificate: no longer needed.
    let serial = cloud["certificate"]["serial"].as_str().unwrap();
    let (_, ticket) = a
        .post(&format!("/my-certificates/demo/{serial}/revoke"), json!({}))
        .await;
    let code = s.code_to(phone_a).await;
    let (status, revoked) = a
        .post(
            &format!("/my-certificates/demo/{serial}/revoke/finish"),
            json!({ "code_id": ticket["id"], "code": code, "reason": "cessationOfOperation" }),
        )
        .await;
    assert_eq!(status, 200, "{revoked}");
    assert_eq!(
        ocsp(&s.base, &cert_cloud, &ca).await,
        "revoked (cessationOfOperation)"
    );
    let (_, bindings) = a.get("/bindings").await;
    assert!(bindings.as_array().unwrap().is_empty());

    // The journal and the outbox tell the story.
    let (_, journal) = a.get("/journal?limit=500").await;
    let actions: Vec<&str> = journal
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "application_changed",
        "payment",
        "certificate_issued",
        "certificate_bound",
        "certificate_revoked",
        "certificate_unbound",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    let told: Vec<String> = {
        let mut tx = s.db.store.read().await.unwrap();
        tx.messages(1000, 0)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.message.recipient == phone_a)
            .map(|m| m.message.body)
            .collect()
    };
    for needle in [
        "принято",
        "Оплата получена",
        "готов вас принять",
        "выпущен",
        "перевыпущен",
    ] {
        assert!(
            told.iter().any(|m| m.contains(needle)),
            "{needle} in {told:?}"
        );
    }
}
