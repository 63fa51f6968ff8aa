//! A portal served over real TCP on loopback for the HTTP tests, and a small client that keeps
//! cookies by hand (the session cookie is `Secure`, which cookie jars do not send to
//! `http://127.0.0.1`; browsers do for localhost).

#![allow(dead_code)]

pub mod citizen;

use std::net::SocketAddr;
use std::sync::Arc;

use podpis_core::payments::SandboxGateway;
use podpis_core::{ManualClock, Policy, Portal, RelyingParty, Vault};
use podpis_testkit::TestDb;
use podpis_web::{AppState, Metrics, WebConfig};
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::Value;

/// A running portal.
pub struct Server {
    pub base: String,
    pub portal: Portal,
    pub clock: Arc<ManualClock>,
    pub db: TestDb,
}

pub const T0: i64 = 1_800_000_000;

/// Serves `portal` on a free port; returns the base URL.
pub async fn serve(portal: Portal, dev_mailbox: bool) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    serve_on(listener, portal, dev_mailbox).await
}

/// Serves `portal` on `listener`; returns the base URL.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    portal: Portal,
    dev_mailbox: bool,
) -> String {
    let state = AppState {
        portal,
        config: Arc::new(WebConfig {
            secure_cookies: true,
            trust_proxy: false,
            dev_mailbox,
            sandbox: Some(sandbox()),
        }),
        metrics: Arc::new(Metrics::default()),
        worker: None,
    };
    let addr = listener.local_addr().unwrap();
    let app = podpis_web::app(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// The sandbox payment gateway every test server takes payments through.
pub fn sandbox() -> SandboxGateway {
    SandboxGateway::new(b"test sandbox key", "http://localhost:8080/sandbox/pay")
}

/// A portal on `db` with a manual clock and `policy`, served.
pub async fn server_with(db: TestDb, policy: Policy) -> Server {
    let clock = Arc::new(ManualClock::new(T0));
    let portal = Portal::open(
        db.store.clone(),
        clock.clone(),
        policy,
        RelyingParty::for_url("http://localhost:8080"),
    )
    .await
    .unwrap()
    .with_vault(Vault::new(&[9; 32]))
    .with_payments(Arc::new(sandbox()));
    let base = serve(portal.clone(), true).await;
    Server {
        base,
        portal,
        clock,
        db,
    }
}

pub async fn server(db: TestDb) -> Server {
    server_with(db, Policy::default()).await
}

impl Server {
    /// The newest code queued to `recipient`.
    pub async fn code_to(&self, recipient: &str) -> String {
        podpis_testkit::queued_code(&self.db.store, recipient).await
    }

    /// Registers citizen `n` through the API and confirms both contacts; returns the login.
    pub async fn citizen(&self, n: u32) -> (String, String) {
        let http = reqwest::Client::new();
        let phone = format!("+7999100{n:04}");
        let email = format!("person{n}@example.ru");
        let r = http
            .post(format!("{}/api/v1/register", self.base))
            .json(&serde_json::json!({ "phone": phone, "email": email, "password": "Пароль-2026", "surname": "Петров", "given_name": "Пётр" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        let reg: Value = r.json().await.unwrap();
        for (id, to) in [
            (&reg["phone_code"]["id"], &phone),
            (&reg["email_code"]["id"], &email),
        ] {
            let code = self.code_to(to).await;
            let r = http
                .post(format!("{}/api/v1/confirm", self.base))
                .json(&serde_json::json!({ "code_id": id, "code": code }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 204);
        }
        (email, phone)
    }

    /// Signs citizen `n` in through the API: a bearer token.
    pub async fn token(&self, email: &str, phone: &str) -> String {
        let http = reqwest::Client::new();
        let ch: Value = http
            .post(format!("{}/api/v1/login", self.base))
            .json(&serde_json::json!({ "login": email, "password": "Пароль-2026" }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let code = self.code_to(phone).await;
        let t: Value = http
            .post(format!("{}/api/v1/login/code", self.base))
            .json(&serde_json::json!({ "challenge": ch["challenge"], "code": code }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        t["token"].as_str().expect("a token").to_owned()
    }

    /// A registered, signed-in citizen's token.
    pub async fn signed_in(&self, n: u32) -> String {
        let (email, phone) = self.citizen(n).await;
        self.token(&email, &phone).await
    }
}

/// A browser-like client: cookies kept by hand, redirects not followed.
pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
    pub cookies: Vec<(String, String)>,
    /// The `Set-Cookie` headers of the last response.
    pub last_set_cookie: Vec<String>,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            http,
            base: base.to_owned(),
            cookies: Vec::new(),
            last_set_cookie: Vec::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, r: &reqwest::Response) {
        self.last_set_cookie.clear();
        for v in r.headers().get_all(SET_COOKIE) {
            let v = v.to_str().unwrap().to_owned();
            let pair = v.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != name);
            if !v.contains("Max-Age=0") {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
            self.last_set_cookie.push(v);
        }
    }

    /// GET: status, Location, body.
    pub async fn get(&mut self, path: &str) -> (u16, Option<String>, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    /// POST a form.
    pub async fn post(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
    ) -> (u16, Option<String>, String) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    /// POST a multipart form: the text `fields` and one file.
    pub async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> (u16, Option<String>, String) {
        self.post_files(path, fields, &[file]).await
    }

    /// POST a multipart form: the text `fields` and the `files` (field, file name, bytes).
    pub async fn post_files(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> (u16, Option<String>, String) {
        let (content_type, body) = multipart(fields, files);
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    async fn finish(&mut self, r: reqwest::Response) -> (u16, Option<String>, String) {
        self.keep(&r);
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        (status, location, r.text().await.unwrap())
    }
}

/// A multipart form of the text `fields` and the `files` (field, file name, bytes): its
/// content type and body.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "podpis-test-boundary-7f3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Signs in through the pages (a wrong password first, then the right one and the SMS code)
/// and checks the session cookie's flags.
pub async fn sign_in(b: &mut Browser, s: &Server, email: &str, phone: &str) {
    let (_, _, page) = b.get("/login").await;
    let csrf = hidden(&page, "csrf");
    let (status, _, page) = b
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("login", email),
                ("password", "wrong-pass1"),
            ],
        )
        .await;
    assert_eq!(status, 401);
    assert!(page.contains("Неверный логин или пароль"));
    let (status, _, page) = b
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("login", email),
                ("password", "Пароль-2026"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Подтверждение входа"));
    let code = s.code_to(phone).await;
    let form = [
        ("csrf", csrf.clone()),
        ("challenge", hidden(&page, "challenge")),
        ("sent_to", hidden(&page, "sent_to")),
        ("expires", hidden(&page, "expires")),
        ("totp", hidden(&page, "totp")),
        ("factor", "sms".into()),
        ("code", code),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location, _) = b.post("/login/code", &form).await;
    assert_eq!((status, location.as_deref()), (303, Some("/cabinet")));
    let cookie = b
        .last_set_cookie
        .iter()
        .find(|c| c.starts_with("podpis_session="))
        .expect("a session cookie")
        .clone();
    for flag in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
}

/// The value of hidden input `name` in a page.
pub fn hidden(page: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&needle)
        .unwrap_or_else(|| panic!("no field {name} in {page}"))
        + needle.len();
    page[start..].split('"').next().unwrap().to_owned()
}

/// Binds a fresh certificate of a hosted demo centre to the account with `email`, whose SNILS
/// is set to the certificate's first, through the portal (the HTTP flow has its own test in
/// `centres.rs`). Returns the certificate's serial.
pub async fn bound_certificate(s: &Server, email: &str) -> String {
    bound_key(s, email).await.2
}

/// As [`bound_certificate`], with the certificate's key and the certificate.
pub async fn bound_key(
    s: &Server,
    email: &str,
) -> (podpis_keys::SoftwareKey, podpis_pki::Certificate, String) {
    use podpis_core::{CentreForm, CertificateRequest, Context, Lang, Principal, Role};
    use podpis_keys::{KeySpec, Signer, SoftwareKey};
    use podpis_pki::cades::{DigestAlgorithm, SignRequest, sign};
    use podpis_pki::subject::{Profile, SubjectInfo};
    let ctx = Context::default();
    let gost: KeySpec = "gost2012-256".parse().unwrap();
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
        .add_hosted_centre(&ctx, None, &form, gost)
        .await
        .unwrap();
    let url = &s.db.url;
    podpis_testkit::raw_sql(
        url,
        &format!("UPDATE accounts SET snils = '11223344595' WHERE email = '{email}'"),
    )
    .await;
    let account =
        s.db.store
            .read()
            .await
            .unwrap()
            .account_by_login(None, Some(email), None)
            .await
            .unwrap()
            .unwrap();
    let key = SoftwareKey::generate(gost).unwrap();
    let subject = SubjectInfo {
        common_name: Some("Владелец".into()),
        surname: Some("Владелец".into()),
        given_name: Some("Иван".into()),
        country: Some("RU".into()),
        snils: Some("11223344595".into()),
        inn: Some("500100732259".into()),
        ..SubjectInfo::default()
    };
    let request = CertificateRequest {
        profile: Profile::Person,
        subject,
        public_key: key.public_key().unwrap(),
        days: 20,
        account_id: None,
    };
    let issued = s
        .portal
        .issue_certificate(&ctx, "demo", &request)
        .await
        .unwrap();
    let cert = podpis_pki::Certificate::from_der(&issued.der).unwrap();
    let who = Principal {
        account_id: account.id,
        role: Role::Citizen,
        session_id: String::new(),
        csrf: String::new(),
        lang: Lang::Ru,
        name: String::new(),
    };
    let started = s.portal.bind_begin(&ctx, &who, cert.der()).await.unwrap();
    let digest = DigestAlgorithm::for_signature(&key.signature_algorithm().oid)
        .unwrap()
        .digest(started.challenge.as_bytes());
    let signing_time = std::time::UNIX_EPOCH
        + std::time::Duration::from_secs(podpis_core::Clock::now(s.clock.as_ref()) as u64);
    let proof = sign(
        &SignRequest {
            signer: &key,
            certificate: &cert,
            chain: &[],
            digest: &digest,
            signing_time,
        },
        None,
    )
    .unwrap();
    let code = s.code_to(&account.phone).await;
    s.portal
        .bind_finish(
            &ctx,
            &who,
            &started.binding_id,
            &proof.to_der().unwrap(),
            &code,
        )
        .await
        .unwrap();
    (key, cert, issued.serial)
}
