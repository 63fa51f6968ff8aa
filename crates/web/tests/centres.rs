//! The registry and the hosted centres over HTTP: the administrator adds a centre through the
//! API, OpenSSL asks the OCSP responder at `/ocsp` and reads the CRL at `/crl/<id>.crl`, and an
//! operator revokes through the API — OpenSSL sees it at once.

mod common;

use std::path::Path;

use base64::Engine as _;
use common::{Server, T0};
use podpis_core::{CertificateRequest, Context, Role};
use podpis_keys::{KeySpec, Signer, SoftwareKey};
use podpis_pki::Certificate;
use podpis_pki::ocsp::{CertId, CertIdHash, CertStatus, OcspRequest, OcspResponse};
use podpis_pki::subject::{Profile, SubjectInfo};
use podpis_testkit::{TestDb, openssl_gost};
use serde_json::{Value, json};

podpis_testkit::on_both!(openssl_asks_the_responder_and_reads_the_crl);

/// Signs citizen `n` in and gives them `role`; their bearer token.
async fn staff(s: &Server, n: u32, role: Role) -> String {
    let (email, phone) = s.citizen(n).await;
    s.portal
        .grant_role(&Context::default(), None, &email, &role)
        .await
        .unwrap();
    s.token(&email, &phone).await
}

fn centre_body(id: &str) -> Value {
    json!({
        "id": id, "name": format!("УЦ {id}"), "inn": "7707083893", "ogrn": "1027700132195",
        "address": "Москва", "price": 150000, "accredited_until": "2030-01-01"
    })
}

async fn openssl(dir: &Path, args: Vec<String>) -> String {
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        openssl_gost(&dir, &args).1
    })
    .await
    .unwrap()
}

async fn openssl_asks_the_responder_and_reads_the_crl(db: TestDb) {
    let s = common::server(db).await;
    // OpenSSL checks an answer's times against the real clock: the portal's shows it too.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    s.clock.advance(now - T0);
    let http = reqwest::Client::new();
    let admin = staff(&s, 1, Role::Admin).await;
    let citizen = s.signed_in(2).await;
    let api = |path: &str| format!("{}/api/v1{path}", s.base);
    let post = |url: String, token: &str, body: &Value| {
        http.post(url).bearer_auth(token).json(body).send()
    };

    let r = post(api("/admin/centres"), &citizen, &centre_body("demo"))
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = post(api("/admin/centres"), &admin, &json!({"id": "x"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = post(api("/admin/centres"), &admin, &centre_body("bad"))
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    let mut body = centre_body("bad2");
    body["inn"] = json!("7707083890");
    let r = post(api("/admin/centres"), &admin, &body).await.unwrap();
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["field"], "inn");
    let r = post(api("/admin/centres"), &admin, &centre_body("demo"))
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let centre: Value = r.json().await.unwrap();
    assert_eq!(centre["hosted"], true);
    assert_eq!(centre["accredited"], true);
    assert_eq!(centre["accredited_until"], "2030-01-01T00:00:00Z");
    let list: Value = http
        .get(api("/centres"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list.as_array().unwrap().iter().any(|c| c["id"] == "demo"));

    // A certificate of the demo centre, for a person.
    let key = SoftwareKey::generate("gost2012-256".parse::<KeySpec>().unwrap()).unwrap();
    let subject = SubjectInfo {
        common_name: Some("Петров Пётр".into()),
        surname: Some("Петров".into()),
        given_name: Some("Пётр".into()),
        country: Some("RU".into()),
        snils: Some("11223344595".into()),
        inn: Some("500100732259".into()),
        ..SubjectInfo::default()
    };
    let issued = s
        .portal
        .issue_certificate(
            &Context::default(),
            "demo",
            &CertificateRequest {
                profile: Profile::Person,
                subject,
                public_key: key.public_key().unwrap(),
                days: 365,
                account_id: None,
            },
        )
        .await
        .unwrap();
    let cert = Certificate::from_der(&issued.der).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ca.pem"), centre["chain_pem"].as_str().unwrap()).unwrap();
    std::fs::write(d.join("user.pem"), cert.to_pem()).unwrap();
    let ca_der = http
        .get(format!("{}/ca/demo.cer", s.base))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        Certificate::from_der(&ca_der).unwrap().to_pem(),
        centre["chain_pem"].as_str().unwrap()
    );

    let ocsp_args = |extra: &[&str]| -> Vec<String> {
        let url = format!("{}/ocsp", s.base);
        let mut args = vec![
            "ocsp", "-issuer", "ca.pem", "-cert", "user.pem", "-url", &url, "-CAfile", "ca.pem",
        ];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_owned).collect()
    };
    let text = openssl(d, ocsp_args(&[])).await;
    assert!(text.contains("Response verify OK"), "{text}");
    assert!(text.contains("user.pem: good"), "{text}");
    assert!(
        !text.contains("WARNING: no nonce"),
        "the nonce is echoed: {text}"
    );

    // An operator of another centre may not revoke; the demo centre's operator may.
    let outsider = staff(&s, 3, Role::Operator { ca: "bad".into() }).await;
    let operator = staff(&s, 4, Role::Operator { ca: "demo".into() }).await;
    let revoke = api(&format!(
        "/centres/demo/certificates/{}/revoke",
        issued.serial
    ));
    let r = post(
        revoke.clone(),
        &outsider,
        &json!({"reason": "keyCompromise"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 403);
    let r = post(
        revoke.clone(),
        &operator,
        &json!({"reason": "caCompromise"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
    let r = post(
        revoke.clone(),
        &operator,
        &json!({"reason": "keyCompromise"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let revoked: Value = r.json().await.unwrap();
    assert_eq!(
        (revoked["status"].as_str(), revoked["reason"].as_str()),
        (Some("revoked"), Some("keyCompromise"))
    );
    let r = post(
        revoke.clone(),
        &operator,
        &json!({"reason": "keyCompromise"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 409);
    let listed: Value = http
        .get(api("/centres/demo/certificates"))
        .bearer_auth(&operator)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["status"], "revoked");

    let text = openssl(d, ocsp_args(&[])).await;
    assert!(text.contains("Response verify OK"), "{text}");
    assert!(text.contains("user.pem: revoked"), "{text}");
    assert!(text.contains("Reason: keyCompromise"), "{text}");

    // The CRL: OpenSSL verifies it and finds the serial; a repeat with its ETag is 304.
    let r = http
        .get(format!("{}/crl/demo.crl", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pkix-crl");
    let etag = r.headers()["etag"].clone();
    std::fs::write(d.join("demo.crl"), r.bytes().await.unwrap()).unwrap();
    let text = openssl(
        d,
        [
            "crl", "-inform", "DER", "-in", "demo.crl", "-CAfile", "ca.pem", "-noout", "-text",
        ]
        .map(String::from)
        .to_vec(),
    )
    .await;
    assert!(text.contains("verify OK"), "{text}");
    assert!(text.contains(&issued.serial), "{text}");
    assert!(text.contains("Key Compromise"), "{text}");
    let r = http
        .get(format!("{}/crl/demo.crl", s.base))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(
        http.get(format!("{}/crl/nope.crl", s.base))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // GET /ocsp/<base64> (RFC 6960 appendix A), without a nonce: answered, and the same bytes
    // again from the cache.
    let ca = Certificate::from_der(&ca_der).unwrap();
    let id = CertId::of(CertIdHash::Sha1, &cert, &ca).unwrap();
    let request = OcspRequest::new(std::slice::from_ref(&id), None).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(request.der());
    let url = format!(
        "{}/ocsp/{}",
        s.base,
        b64.replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    );
    let first = http.get(&url).send().await.unwrap();
    assert_eq!(first.headers()["content-type"], "application/ocsp-response");
    let first = first.bytes().await.unwrap();
    let answer = OcspResponse::from_der(&first).unwrap();
    answer
        .verify(
            &ca,
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(now as u64),
        )
        .unwrap();
    assert!(matches!(
        answer.status_of(&id).unwrap().status,
        CertStatus::Revoked { .. }
    ));
    assert_eq!(
        http.get(&url).send().await.unwrap().bytes().await.unwrap(),
        first
    );

    // Refusals: a wrong content type, a malformed request.
    let r = http
        .post(format!("{}/ocsp", s.base))
        .body(request.der().to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let r = http
        .post(format!("{}/ocsp", s.base))
        .header("content-type", "application/ocsp-request")
        .body(b"\x30\x03junk".to_vec())
        .send()
        .await
        .unwrap();
    let answer = OcspResponse::from_der(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(
        podpis_pki::ocsp::status_name(answer.status()),
        "malformedrequest"
    );
}

mod binding {
    use super::*;
    use podpis_core::{CentreForm, RegistrationForm};
    use podpis_pki::cades::{DigestAlgorithm, SignRequest, sign};

    podpis_testkit::on_both!(a_citizen_binds_a_certificate_over_http);

    async fn a_citizen_binds_a_certificate_over_http(db: TestDb) {
        let s = common::server(db).await;
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
        let gost: KeySpec = "gost2012-256".parse().unwrap();
        s.portal
            .add_hosted_centre(&ctx, None, &form, gost)
            .await
            .unwrap();
        let (email, phone) = ("binder@example.ru", "+79993330001");
        s.portal
            .create_confirmed_account(
                &ctx,
                RegistrationForm {
                    phone: phone.into(),
                    email: email.into(),
                    password: "Пароль-2026".into(),
                    surname: "Петров".into(),
                    given_name: "Пётр".into(),
                    snils: "11223344595".into(),
                    ..Default::default()
                },
                &Role::Citizen,
            )
            .await
            .unwrap();
        let token = s.token(email, phone).await;
        let key = SoftwareKey::generate(gost).unwrap();
        let issued = s
            .portal
            .issue_certificate(
                &ctx,
                "demo",
                &CertificateRequest {
                    profile: Profile::Person,
                    subject: SubjectInfo {
                        common_name: Some("Петров Пётр".into()),
                        surname: Some("Петров".into()),
                        given_name: Some("Пётр".into()),
                        country: Some("RU".into()),
                        snils: Some("11223344595".into()),
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
        let http = reqwest::Client::new();
        let url = |p: &str| format!("{}/api/v1{p}", s.base);

        let r = http
            .post(url("/bindings"))
            .bearer_auth(&token)
            .json(&json!({"certificate": "bm90IGEgY2VydA=="}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let problem: Value = r.json().await.unwrap();
        assert_eq!(problem["field"], "certificate");
        let r = http
            .post(url("/bindings"))
            .bearer_auth(&token)
            .json(&json!({"certificate": cert.to_pem()}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        let started: Value = r.json().await.unwrap();
        let challenge = started["challenge"].as_str().unwrap();
        let digest = DigestAlgorithm::for_signature(&key.signature_algorithm().oid)
            .unwrap()
            .digest(challenge.as_bytes());
        let request = SignRequest {
            signer: &key,
            certificate: &cert,
            chain: &[],
            digest: &digest,
            signing_time: std::time::UNIX_EPOCH + std::time::Duration::from_secs(T0 as u64),
        };
        let proof = sign(&request, None).unwrap().to_pem().unwrap();
        let finish = url(&format!(
            "/bindings/{}/finish",
            started["binding_id"].as_str().unwrap()
        ));
        let r = http
            .post(&finish)
            .bearer_auth(&token)
            .json(&json!({"proof": proof, "code": "000000"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        let code = s.code_to(phone).await;
        let r = http
            .post(&finish)
            .bearer_auth(&token)
            .json(&json!({"proof": proof, "code": code}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{:?}", r.text().await);
        let bound: Value = r.json().await.unwrap();
        assert_eq!(bound["status"], "connected");
        let list: Value = http
            .get(url("/bindings"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["serial"], issued.serial);

        let other = s.signed_in(7).await;
        let one = url(&format!("/bindings/{}", bound["id"].as_str().unwrap()));
        assert_eq!(
            http.delete(&one)
                .bearer_auth(&other)
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        assert_eq!(
            http.delete(&one)
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .status(),
            204
        );
        let list: Value = http
            .get(url("/bindings"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(list.as_array().unwrap().is_empty());
    }
}
