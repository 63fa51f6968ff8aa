//! The JSON API over real HTTP, on SQLite and PostgreSQL: the citizen's way through it, the
//! problem documents, the OpenAPI document, passkeys, two nodes on one database, and the
//! authorization matrix.

mod common;

use common::{serve, server, server_with};
use podpis_core::passkey::soft::SoftAuthenticator;
use podpis_core::{Policy, Portal, RelyingParty, Role};
use podpis_testkit::TestDb;
use serde_json::{Value, json};

podpis_testkit::on_both!(
    a_citizen_registers_signs_in_and_reads_the_journal,
    errors_are_problem_documents,
    rate_limits_answer_429_with_retry_after,
    passkeys_through_the_api,
    two_nodes_share_sessions_and_codes,
    nobody_reaches_what_is_not_theirs,
    a_citizen_changes_the_password,
    a_forgotten_password_is_reset_by_sms_code,
);

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

async fn call(
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut r = http().request(method, url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::Null),
        headers,
    )
}

async fn a_citizen_registers_signs_in_and_reads_the_journal(db: TestDb) {
    let s = server(db).await;
    let token = s.signed_in(1).await;
    let (status, me, _) = call(
        reqwest::Method::GET,
        format!("{}/api/v1/me", s.base),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            me["email"].as_str(),
            me["phone_confirmed"].as_bool(),
            me["role"].as_str()
        ),
        (Some("person1@example.ru"), Some(true), Some("citizen"))
    );
    let (status, updated, _) = call(
        reqwest::Method::PUT,
        format!("{}/api/v1/me/profile", s.base),
        Some(&token),
        Some(json!({ "surname": "Петров", "given_name": "Пётр", "inn": "500100732259", "snils": "112-233-445 95" })),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["snils"], "11223344595");
    let (status, journal, _) = call(
        reqwest::Method::GET,
        format!("{}/api/v1/journal", s.base),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = journal
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "registered",
            "code_sent",
            "code_sent",
            "contact_confirmed",
            "contact_confirmed",
            "password_checked",
            "code_sent",
            "signed_in",
            "profile_changed"
        ]
    );
    let first = &journal.as_array().unwrap().last().unwrap();
    assert_eq!(first["title"], "Регистрация");
    assert_eq!(first["hash"].as_str().unwrap().len(), 64);
    let (_, only, _) = call(
        reqwest::Method::GET,
        format!("{}/api/v1/journal?action=code_sent&limit=2", s.base),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(only.as_array().unwrap().len(), 2);
    let (status, _, _) = call(
        reqwest::Method::POST,
        format!("{}/api/v1/logout", s.base),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _, _) = call(
        reqwest::Method::GET,
        format!("{}/api/v1/me", s.base),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 401, "the token is dead after logout");
}

async fn errors_are_problem_documents(db: TestDb) {
    let s = server(db).await;
    let r = http()
        .post(format!("{}/api/v1/login", s.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    assert_eq!(
        (
            p["type"].as_str(),
            p["field"].as_str(),
            p["status"].as_u64()
        ),
        (Some("/problems/invalid-field"), Some("body"), Some(422))
    );

    let (status, p, _) = call(reqwest::Method::POST, format!("{}/api/v1/register", s.base), None, Some(json!({ "phone": "+79991112233", "email": "a@b.ru", "password": "Пароль-2026", "surname": "Ив", "given_name": "Ив", "inn": "500100732258" }))).await;
    assert_eq!((status, p["field"].as_str()), (422, Some("inn")));
    assert!(
        p["detail"].as_str().unwrap().contains("контрольная цифра"),
        "{p}"
    );

    let r = http()
        .post(format!("{}/api/v1/login", s.base))
        .header("accept-language", "en-GB")
        .json(&json!({ "login": "nobody@example.ru", "password": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["type"], "/problems/bad-credentials");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .starts_with("Wrong login or password"),
        "English on request: {p}"
    );

    let (email, phone) = s.citizen(2).await;
    let (_, ch, _) = call(
        reqwest::Method::POST,
        format!("{}/api/v1/login", s.base),
        None,
        Some(json!({ "login": email, "password": "Пароль-2026" })),
    )
    .await;
    let code = s.code_to(&phone).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let (status, p, _) = call(
        reqwest::Method::POST,
        format!("{}/api/v1/login/code", s.base),
        None,
        Some(json!({ "challenge": ch["challenge"], "code": wrong })),
    )
    .await;
    assert_eq!(
        (status, p["type"].as_str(), p["triesLeft"].as_i64()),
        (401, Some("/problems/wrong-code"), Some(2))
    );

    let (status, p, headers) = call(
        reqwest::Method::GET,
        format!("{}/api/v1/me", s.base),
        Some("not-a-token"),
        None,
    )
    .await;
    assert_eq!(
        (status, p["type"].as_str()),
        (401, Some("/problems/unauthenticated"))
    );
    assert_eq!(headers["www-authenticate"], "Bearer");

    let (status, doc, _) = call(
        reqwest::Method::GET,
        format!("{}/api/v1/openapi.json", s.base),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/register",
        "/api/v1/login",
        "/api/v1/login/code",
        "/api/v1/journal",
        "/api/v1/sessions/{id}",
        "/api/v1/admin/journal/verify",
    ] {
        assert!(paths.contains_key(p), "{p} in the OpenAPI document");
    }
    assert!(doc["components"]["schemas"]["ProblemDoc"].is_object());
}

async fn rate_limits_answer_429_with_retry_after(db: TestDb) {
    let policy = Policy {
        per_address: 3,
        ..Policy::default()
    };
    let s = server_with(db, policy).await;
    for _ in 0..3 {
        let (status, _, _) = call(
            reqwest::Method::POST,
            format!("{}/api/v1/login", s.base),
            None,
            Some(json!({ "login": "x@y.ru", "password": "x" })),
        )
        .await;
        assert_eq!(status, 401);
    }
    let (status, p, headers) = call(
        reqwest::Method::POST,
        format!("{}/api/v1/login", s.base),
        None,
        Some(json!({ "login": "x@y.ru", "password": "x" })),
    )
    .await;
    assert_eq!(
        (status, p["type"].as_str()),
        (429, Some("/problems/too-many-requests"))
    );
    let wait: i64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 600, "{wait}");
}

async fn passkeys_through_the_api(db: TestDb) {
    let s = server(db).await;
    let token = s.signed_in(3).await;
    let (status, begun, _) = call(
        reqwest::Method::POST,
        format!("{}/api/v1/passkeys/begin", s.base),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let mut auth = SoftAuthenticator::new();
    let cred = serde_json::to_value(credential_json(
        &auth.register(&begun["publicKey"], "http://localhost:8080"),
    ))
    .unwrap();
    let (status, added, _) = call(
        reqwest::Method::POST,
        format!("{}/api/v1/passkeys/finish", s.base),
        Some(&token),
        Some(json!({ "ceremony": begun["ceremony"], "credential": cred, "name": "Ноутбук" })),
    )
    .await;
    assert_eq!(status, 201, "{added}");
    let (_, begun, _) = call(
        reqwest::Method::POST,
        format!("{}/api/v1/login/passkey/begin", s.base),
        None,
        None,
    )
    .await;
    let answer = credential_json(&auth.assert(&begun["publicKey"], "http://localhost:8080"));
    let (status, t, _) = call(
        reqwest::Method::POST,
        format!("{}/api/v1/login/passkey/finish", s.base),
        None,
        Some(json!({ "ceremony": begun["ceremony"], "credential": answer })),
    )
    .await;
    assert_eq!(status, 200, "{t}");
    let (status, me, _) = call(
        reqwest::Method::GET,
        format!("{}/api/v1/me", s.base),
        t["token"].as_str(),
        None,
    )
    .await;
    assert_eq!(
        (status, me["email"].as_str()),
        (200, Some("person3@example.ru"))
    );
    // An answer from another origin is refused, and the reason named.
    let (_, begun, _) = call(
        reqwest::Method::POST,
        format!("{}/api/v1/login/passkey/begin", s.base),
        None,
        None,
    )
    .await;
    let phished = credential_json(&auth.assert(&begun["publicKey"], "http://evil.example"));
    let (status, p, _) = call(
        reqwest::Method::POST,
        format!("{}/api/v1/login/passkey/finish", s.base),
        None,
        Some(json!({ "ceremony": begun["ceremony"], "credential": phished })),
    )
    .await;
    assert_eq!(
        (status, p["type"].as_str()),
        (401, Some("/problems/passkey-refused"))
    );
    assert!(p["detail"].as_str().unwrap().contains("origin"), "{p}");
}

/// The browser's JSON form of a credential.
fn credential_json(c: &podpis_core::passkey::Credential) -> Value {
    json!({
        "id": c.raw_id, "rawId": c.raw_id, "type": c.kind,
        "response": {
            "clientDataJSON": c.response.client_data_json,
            "attestationObject": c.response.attestation_object,
            "authenticatorData": c.response.authenticator_data,
            "signature": c.response.signature,
            "userHandle": c.response.user_handle,
        }
    })
}

async fn two_nodes_share_sessions_and_codes(db: TestDb) {
    let a = server(db).await;
    // A second node: its own connections and its own HTTP server, the same database.
    let store_b = podpis_store::Store::connect(&a.db.url).await.unwrap();
    let portal_b = Portal::open(
        store_b,
        a.clock.clone(),
        Policy::default(),
        RelyingParty::for_url("http://localhost:8080"),
    )
    .await
    .unwrap();
    let b = serve(portal_b, true).await;
    let (email, phone) = a.citizen(4).await;
    let (_, ch, _) = call(
        reqwest::Method::POST,
        format!("{}/api/v1/login", a.base),
        None,
        Some(json!({ "login": email, "password": "Пароль-2026" })),
    )
    .await;
    let code = a.code_to(&phone).await;
    let (status, t, _) = call(
        reqwest::Method::POST,
        format!("{b}/api/v1/login/code"),
        None,
        Some(json!({ "challenge": ch["challenge"], "code": code })),
    )
    .await;
    assert_eq!(
        status, 200,
        "a code sent by node A is answered at node B: {t}"
    );
    let token = t["token"].as_str().unwrap();
    let (status, _, _) = call(
        reqwest::Method::GET,
        format!("{}/api/v1/me", a.base),
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, 200, "a session made on B works on A");
    let (status, _, _) = call(
        reqwest::Method::POST,
        format!("{}/api/v1/logout", a.base),
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _, _) = call(
        reqwest::Method::GET,
        format!("{b}/api/v1/me"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, 401, "and its end is seen on B at once");
}

/// Who may call what: every protected endpoint with no token, a citizen's, another citizen's
/// resources, and an administrator's.
async fn nobody_reaches_what_is_not_theirs(db: TestDb) {
    let s = server(db).await;
    let alice = s.signed_in(5).await;
    let (bob_email, bob_phone) = s.citizen(6).await;
    let bob = s.token(&bob_email, &bob_phone).await;
    let (admin_email, admin_phone) = s.citizen(7).await;
    s.portal
        .grant_role(
            &podpis_core::Context::default(),
            None,
            &admin_email,
            &Role::Admin,
        )
        .await
        .unwrap();
    let admin = s.token(&admin_email, &admin_phone).await;
    let (_, bob_sessions, _) = call(
        reqwest::Method::GET,
        format!("{}/api/v1/sessions", s.base),
        Some(&bob),
        None,
    )
    .await;
    let bob_session = bob_sessions[0]["id"].as_str().unwrap().to_owned();
    let (_, bob_me, _) = call(
        reqwest::Method::GET,
        format!("{}/api/v1/me", s.base),
        Some(&bob),
        None,
    )
    .await;
    let bob_id = bob_me["id"].as_str().unwrap().to_owned();

    use reqwest::Method as M;
    let citizen_endpoints = [
        (M::GET, "/api/v1/me".to_owned(), None),
        (
            M::PUT,
            "/api/v1/me/profile".into(),
            Some(json!({ "surname": "А", "given_name": "Б" })),
        ),
        (M::GET, "/api/v1/sessions".into(), None),
        (M::GET, "/api/v1/journal".into(), None),
        (M::GET, "/api/v1/passkeys".into(), None),
        (M::POST, "/api/v1/passkeys/begin".into(), None),
        (M::POST, "/api/v1/totp".into(), None),
    ];
    let admin_endpoints = [
        (M::GET, "/api/v1/admin/accounts".to_owned(), None),
        (M::GET, "/api/v1/admin/mailbox".into(), None),
        (M::GET, "/api/v1/admin/journal/verify".into(), None),
        (
            M::POST,
            "/api/v1/admin/roles".into(),
            Some(json!({ "login": bob_email, "role": "admin" })),
        ),
    ];
    for (m, path, body) in citizen_endpoints.iter().chain(admin_endpoints.iter()) {
        let (status, p, _) = call(m.clone(), format!("{}{path}", s.base), None, body.clone()).await;
        assert_eq!(
            (status, p["type"].as_str()),
            (401, Some("/problems/unauthenticated")),
            "{m} {path} without a token"
        );
    }
    for (m, path, body) in &admin_endpoints {
        let (status, p, _) = call(
            m.clone(),
            format!("{}{path}", s.base),
            Some(&alice),
            body.clone(),
        )
        .await;
        assert_eq!(
            (status, p["type"].as_str()),
            (403, Some("/problems/forbidden")),
            "{m} {path} as a citizen"
        );
    }
    for (m, path, body) in &admin_endpoints[..3] {
        let (status, _, _) = call(
            m.clone(),
            format!("{}{path}", s.base),
            Some(&admin),
            body.clone(),
        )
        .await;
        assert_eq!(status, 200, "{m} {path} as the administrator");
    }
    // Bob is still a citizen: Alice's attempt to make him an administrator did nothing.
    let (_, bob_me, _) = call(
        reqwest::Method::GET,
        format!("{}/api/v1/me", s.base),
        Some(&bob),
        None,
    )
    .await;
    assert_eq!(bob_me["role"], "citizen");
    // Alice cannot end Bob's session, nor read his journal, nor remove his passkeys.
    let (status, _, _) = call(
        M::DELETE,
        format!("{}/api/v1/sessions/{bob_session}", s.base),
        Some(&alice),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _, _) = call(M::GET, format!("{}/api/v1/me", s.base), Some(&bob), None).await;
    assert_eq!(status, 200, "Bob's session lives on");
    let (_, journal, _) = call(
        M::GET,
        format!("{}/api/v1/journal?account={bob_id}", s.base),
        Some(&alice),
        None,
    )
    .await;
    assert!(!journal.as_array().unwrap().is_empty());
    assert!(
        journal
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["object"].as_str().is_none_or(|o| !o.contains(&bob_id))),
        "none of Bob's entries"
    );
    let (_, own, _) = call(
        M::GET,
        format!("{}/api/v1/journal", s.base),
        Some(&alice),
        None,
    )
    .await;
    assert_eq!(own, journal, "asking for Bob's journal gives Alice her own");
    let (status, _, _) = call(
        M::DELETE,
        format!("{}/api/v1/passkeys/somebody-elses", s.base),
        Some(&alice),
        None,
    )
    .await;
    assert_eq!(status, 404);
    // The administrator reads Bob's journal.
    let (status, bobs, _) = call(
        M::GET,
        format!("{}/api/v1/journal?account={bob_id}", s.base),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        bobs.as_array()
            .unwrap()
            .iter()
            .any(|e| e["object"].as_str() == Some(&format!("account:{bob_id}")))
    );
}

async fn a_citizen_changes_the_password(db: TestDb) {
    use reqwest::Method as M;
    let s = server(db).await;
    let (email, phone) = s.citizen(7).await;
    let token = s.token(&email, &phone).await;
    let elsewhere = s.token(&email, &phone).await;
    let url = format!("{}/api/v1/me/password", s.base);
    let change =
        |current: &str, new: &str| json!({ "current_password": current, "new_password": new });

    // A wrong current password, a weak new one, the same one: refused, nothing changed.
    for (body, field) in [
        (change("Не-тот-2026", "Новый-пароль-7"), "current_password"),
        (change("Пароль-2026", "short"), "password"),
        (change("Пароль-2026", "Пароль-2026"), "password"),
    ] {
        let (status, p, _) = call(M::POST, url.clone(), Some(&token), Some(body)).await;
        assert_eq!((status, p["field"].as_str()), (422, Some(field)), "{p}");
    }
    let (status, _, _) = call(
        M::GET,
        format!("{}/api/v1/me", s.base),
        Some(&elsewhere),
        None,
    )
    .await;
    assert_eq!(status, 200, "the other session lives while nothing changed");

    let (status, done, _) = call(
        M::POST,
        url.clone(),
        Some(&token),
        Some(change("Пароль-2026", "Новый-пароль-7")),
    )
    .await;
    assert_eq!(
        (status, done["sessions_ended"].as_u64()),
        (200, Some(1)),
        "{done}"
    );
    let (status, _, _) = call(M::GET, format!("{}/api/v1/me", s.base), Some(&token), None).await;
    assert_eq!(status, 200, "this session stays");
    let (status, _, _) = call(
        M::GET,
        format!("{}/api/v1/me", s.base),
        Some(&elsewhere),
        None,
    )
    .await;
    assert_eq!(status, 401, "the other session is ended");

    // The old password no longer signs in; the new one does.
    let login = |password: &str| json!({ "login": email, "password": password });
    let (status, _, _) = call(
        M::POST,
        format!("{}/api/v1/login", s.base),
        None,
        Some(login("Пароль-2026")),
    )
    .await;
    assert_eq!(status, 401);
    let (status, ch, _) = call(
        M::POST,
        format!("{}/api/v1/login", s.base),
        None,
        Some(login("Новый-пароль-7")),
    )
    .await;
    assert_eq!(status, 200, "{ch}");

    // Journaled, the refusal too, and the owner told by e-mail.
    let (_, journal, _) = call(
        M::GET,
        format!("{}/api/v1/journal?action=password_changed", s.base),
        Some(&token),
        None,
    )
    .await;
    let entries: Vec<(&str, &str)> = journal
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["status"].as_str().unwrap(),
                e["details_text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("ok", "завершено сеансов: 1"),
            ("failed", "неверный пароль")
        ],
        "{journal}"
    );
    let mut tx = s.db.store.read().await.unwrap();
    let notices: Vec<String> = tx
        .messages(500, 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.message.recipient == email && m.message.subject == "Пароль изменён")
        .map(|m| m.message.body)
        .collect();
    assert!(
        notices.len() == 1 && notices[0].contains("другие сеансы завершены"),
        "{notices:?}"
    );
}

async fn a_forgotten_password_is_reset_by_sms_code(db: TestDb) {
    use reqwest::Method as M;
    let s = server(db).await;
    let (email, phone) = s.citizen(8).await;
    let token = s.token(&email, &phone).await;
    let begin = |login: &str| {
        call(
            M::POST,
            format!("{}/api/v1/password/reset", s.base),
            None,
            Some(json!({ "login": login })),
        )
    };
    let finish = |id: &str, code: &str, password: &str| {
        call(
            M::POST,
            format!("{}/api/v1/password/reset/finish", s.base),
            None,
            Some(json!({ "code_id": id, "code": code, "new_password": password })),
        )
    };

    // A login no account has is answered as one that exists; its code opens nothing.
    let (status, unknown, _) = begin("nobody@example.ru").await;
    assert_eq!(
        (status, unknown["sent_to"].as_str()),
        (200, Some("")),
        "{unknown}"
    );
    let (status, known, _) = begin(&email).await;
    assert_eq!(
        (status, known["sent_to"].as_str()),
        (200, Some("")),
        "{known}"
    );
    let code = s.code_to(&phone).await;
    let (status, p, _) = finish(unknown["id"].as_str().unwrap(), &code, "Новый-пароль-8").await;
    assert_eq!(status, 401, "a decoy's code is always wrong: {p}");

    // A weak password or a wrong code changes nothing; the right code and a good password do.
    let id = known["id"].as_str().unwrap();
    let (status, p, _) = finish(id, &code, "short").await;
    assert_eq!(
        (status, p["field"].as_str()),
        (422, Some("password")),
        "{p}"
    );
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, p, _) = finish(id, wrong, "Новый-пароль-8").await;
    assert_eq!(status, 401, "{p}");
    let (status, _, _) = call(M::GET, format!("{}/api/v1/me", s.base), Some(&token), None).await;
    assert_eq!(status, 200, "nothing changed yet");
    let (status, p, _) = finish(id, &code, "Новый-пароль-8").await;
    assert_eq!(status, 204, "{p}");
    let (status, _, _) = finish(id, &code, "Новый-пароль-9").await;
    assert_eq!(status, 410, "a code works once");

    // Every session ended; the old password is refused, the new one signs in.
    let (status, _, _) = call(M::GET, format!("{}/api/v1/me", s.base), Some(&token), None).await;
    assert_eq!(status, 401);
    let login = |password: &str| json!({ "login": email, "password": password });
    let (status, _, _) = call(
        M::POST,
        format!("{}/api/v1/login", s.base),
        None,
        Some(login("Пароль-2026")),
    )
    .await;
    assert_eq!(status, 401);
    let (status, ch, _) = call(
        M::POST,
        format!("{}/api/v1/login", s.base),
        None,
        Some(login("Новый-пароль-8")),
    )
    .await;
    assert_eq!(status, 200, "{ch}");
    let code = s.code_to(&phone).await;
    let (status, t, _) = call(
        M::POST,
        format!("{}/api/v1/login/code", s.base),
        None,
        Some(json!({ "challenge": ch["challenge"], "code": code })),
    )
    .await;
    assert_eq!(status, 200, "{t}");
    let (_, journal, _) = call(
        M::GET,
        format!("{}/api/v1/journal?action=password_changed", s.base),
        t["token"].as_str(),
        None,
    )
    .await;
    assert_eq!(
        journal[0]["details_text"], "пароль восстановлен по коду из SMS; завершено сеансов: 1",
        "{journal}"
    );
}
