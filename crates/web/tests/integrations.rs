//! The integration API over real HTTP: an administrator gives a service its key and webhook;
//! the service submits a document for a citizen's signature (by SNILS), the citizen signs it
//! with a token's .sig and refuses another, and the outbox calls the service's webhook for each
//! with a body whose HMAC-SHA256 signature checks; the service reads the signature back and
//! accepts the document; a wrong key, another service and a second decision are refused.

mod common;

use std::sync::{Arc, Mutex};

use common::citizen::signature;
use common::{Server, server};
use podpis_core::notify::{Mailbox, Outgoing, SendFuture, Sender, Worker};
use podpis_core::{Context, Lang, Principal, Role, webhook_signature};
use podpis_testkit::TestDb;
use serde_json::{Value, json};

podpis_testkit::on_both!(a_service_submits_a_document_and_is_told_when_it_is_signed_or_refused);

/// Keeps the webhook calls instead of making them.
#[derive(Default)]
struct Calls(Mutex<Vec<Outgoing>>);

impl Sender for Calls {
    fn name(&self) -> &'static str {
        "test-webhook"
    }

    fn send<'a>(&'a self, message: &'a Outgoing) -> SendFuture<'a> {
        self.0.lock().unwrap().push(message.clone());
        Box::pin(async { Ok(()) })
    }
}

/// Delivers the outbox (codes to the mailbox, webhook calls to `calls`) until it is empty.
async fn deliver(s: &Server, calls: &Arc<Calls>) {
    let worker = Worker::new(
        s.db.store.clone(),
        s.clock.clone(),
        Arc::new(Mailbox),
        Arc::new(Mailbox),
    )
    .with_webhooks(calls.clone());
    while worker.run_once().await.unwrap() > 0 {}
}

/// A request by the service with `key`: the status and the body.
async fn as_service(
    s: &Server,
    key: &str,
    method: &str,
    path: &str,
    body: Option<Vec<u8>>,
) -> (u16, Vec<u8>) {
    let mut r = reqwest::Client::new()
        .request(method.parse().unwrap(), format!("{}/api/v1{path}", s.base))
        .header("x-service-key", key);
    if let Some(body) = body {
        r = r.body(body);
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

async fn a_service_submits_a_document_and_is_told_when_it_is_signed_or_refused(db: TestDb) {
    let s = server(db).await;
    let ctx = Context::default();
    let (email, phone) = s.citizen(5).await;
    let (key, cert, serial) = common::bound_key(&s, &email).await;
    let token = s.token(&email, &phone).await;
    let admin = Principal {
        account_id: "admin".into(),
        role: Role::Admin,
        session_id: String::new(),
        csrf: String::new(),
        lang: Lang::Ru,
        name: String::new(),
    };
    let citizen = Principal {
        role: Role::Citizen,
        ..admin.clone()
    };
    assert!(
        s.portal
            .integrate_service(&ctx, &citizen, "contract", None)
            .await
            .is_err(),
        "administrators only"
    );
    assert!(
        s.portal
            .integrate_service(&ctx, &admin, "contract", Some("ftp://x"))
            .await
            .is_err()
    );
    let r = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/admin/services/contract/integration",
            s.base
        ))
        .bearer_auth(&token)
        .json(&json!({ "webhook_url": "https://crm.example/hook" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "administrators only, through the API too");
    let integration = s
        .portal
        .integrate_service(&ctx, &admin, "contract", Some("https://crm.example/hook"))
        .await
        .unwrap();
    let service = integration.key.as_str();

    // The service submits; a wrong key and an unknown SNILS are refused.
    let text = "Договор оказания услуг";
    let submit = |key: &str, snils: &str| {
        let (key, snils) = (key.to_owned(), snils.to_owned());
        let s = &s;
        async move {
            let path = format!("/integrations/documents?snils={snils}&name=contract.txt");
            as_service(s, &key, "POST", &path, Some(text.as_bytes().to_vec())).await
        }
    };
    assert_eq!(submit("contract.wrong", "11223344595").await.0, 401);
    assert_eq!(submit(service, "11111111145").await.0, 404);
    let (status, body) = submit(service, "112-233-445 95").await;
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    let first = json_of(&body)["id"].as_str().unwrap().to_owned();
    let (status, body) = submit(service, "11223344595").await;
    assert_eq!(status, 201);
    let second = json_of(&body)["id"].as_str().unwrap().to_owned();

    // The citizen sees both, signs the first with the token's .sig and refuses the second.
    let http = reqwest::Client::new();
    let list: Value = http
        .get(format!("{}/api/v1/documents", s.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    let sent = signature(&key, &cert, text);
    let r = http
        .post(format!("{}/api/v1/documents/{first}/signature", s.base))
        .bearer_auth(&token)
        .body(sent.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let r = http
        .post(format!("{}/api/v1/documents/{second}/refuse", s.base))
        .bearer_auth(&token)
        .json(&json!({ "reason": "Не согласен с условиями" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let refused: Value = r.json().await.unwrap();
    assert_eq!(refused["status"], "refused");

    // The outbox calls the webhook for each, signed with the service's secret.
    let calls = Arc::new(Calls::default());
    deliver(&s, &calls).await;
    let made = calls.0.lock().unwrap().clone();
    assert_eq!(made.len(), 2, "{made:?}");
    for (call, (event, id)) in made
        .iter()
        .zip([("document.signed", &first), ("document.refused", &second)])
    {
        assert_eq!(call.recipient, "https://crm.example/hook");
        assert_eq!(
            call.subject,
            webhook_signature(&integration.webhook_secret, &call.body)
        );
        let body: Value = serde_json::from_str(&call.body).unwrap();
        assert_eq!(
            (body["event"].as_str(), body["document"].as_str()),
            (Some(event), Some(id.as_str()))
        );
    }
    let signed: Value = serde_json::from_str(&made[0].body).unwrap();
    assert_eq!(signed["signer"], format!("demo/{serial}"));
    assert_ne!(
        webhook_signature("another secret", &made[0].body),
        made[0].subject,
        "another secret gives another signature"
    );

    // The service reads the signature back and accepts the document, once.
    let (status, sig) = as_service(
        &s,
        service,
        "GET",
        &format!("/integrations/documents/{first}/signature"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(sig, sent, "the citizen's very .sig");
    let decision = |accept: bool| {
        serde_json::to_vec(&json!({ "accept": accept, "comment": "Принято в работу" })).unwrap()
    };
    let decide = |accept: bool| {
        let s = &s;
        let body = decision(accept);
        let path = format!("/integrations/documents/{first}/decision");
        async move {
            let r = reqwest::Client::new()
                .post(format!("{}/api/v1{path}", s.base))
                .header("x-service-key", service)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (status, d) = decide(true).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["status"], "accepted");
    assert_eq!(decide(false).await.0, 409, "decided once");
    let (status, _) = as_service(
        &s,
        service,
        "GET",
        &format!("/integrations/documents/{second}/signature"),
        None,
    )
    .await;
    assert_eq!(status, 404, "a refused document has no signature");

    // Another service reaches none of it.
    let other = s
        .portal
        .integrate_service(&ctx, &admin, "social-fund", None)
        .await
        .unwrap();
    let (status, _) = as_service(
        &s,
        &other.key,
        "GET",
        &format!("/integrations/documents/{first}"),
        None,
    )
    .await;
    assert_eq!(status, 404);

    // The citizen's own draft cannot be "refused".
    let (_, own) = {
        let r = http
            .post(format!(
                "{}/api/v1/documents?service=contract&name=own.txt",
                s.base
            ))
            .bearer_auth(&token)
            .body("своё")
            .send()
            .await
            .unwrap();
        (r.status(), r.json::<Value>().await.unwrap())
    };
    let r = http
        .post(format!(
            "{}/api/v1/documents/{}/refuse",
            s.base,
            own["id"].as_str().unwrap()
        ))
        .bearer_auth(&token)
        .json(&json!({ "reason": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);

    // On the documents page a submitted draft offers the refusal.
    let (_, body) = submit(service, "11223344595").await;
    let third = json_of(&body)["id"].as_str().unwrap().to_owned();
    let mut b = common::Browser::new(&s.base);
    common::sign_in(&mut b, &s, &email, &phone).await;
    let (_, _, page) = b.get("/documents").await;
    assert!(page.contains(&format!("refuse-{third}")), "{page}");
    let csrf = common::hidden(&page, "csrf");
    let (status, _, page) = b
        .post(
            &format!("/documents/{third}/refuse"),
            &[("csrf", &csrf), ("reason", "Ошибка в реквизитах")],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Вы отказались подписать"), "{page}");
    assert!(!page.contains(&format!("refuse-{third}")), "{page}");
}
