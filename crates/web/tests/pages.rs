//! The pages over real HTTP, as a browser without JavaScript uses them: forms, CSRF tokens,
//! cookies, redirects, the journal and its export, the language switch, the administrator's pages.

mod common;

use common::{Browser, hidden, server};
use podpis_core::Role;
use podpis_testkit::TestDb;

podpis_testkit::on_both!(
    register_confirm_sign_in_and_read_the_journal,
    forms_without_the_csrf_token_are_refused,
    the_administrators_pages,
    the_registry_pages,
    the_signatures_page_lists_bound_certificates,
    a_citizen_applies_and_books_a_visit_through_the_pages,
    an_operator_reviews_checks_identity_and_issues_in_the_console,
    a_forgotten_password_is_reset_through_the_pages
);

async fn register(b: &mut Browser, s: &common::Server, n: u32) -> (String, String) {
    let (status, _, page) = b.get("/register").await;
    assert_eq!(status, 200);
    assert!(
        b.cookies.iter().any(|(n, _)| n == "podpis_csrf"),
        "a CSRF cookie before sign-in"
    );
    let csrf = hidden(&page, "csrf");
    let phone = format!("+7 999 200-{n:02}-{n:02}");
    let email = format!("page{n}@example.ru");
    let (status, _, page) = b
        .post(
            "/register",
            &[
                ("csrf", &csrf),
                ("surname", "Сидорова"),
                ("given_name", "Мария"),
                ("patronymic", ""),
                ("phone", &phone),
                ("email", &email),
                ("password", "Пароль-2026"),
                ("inn", ""),
                ("snils", ""),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Подтверждение телефона и почты"));
    let phone_norm = podpis_core::validate::phone(&phone).unwrap();
    let fields: Vec<(String, String)> = [
        "phone_id",
        "email_id",
        "phone_to",
        "email_to",
        "phone_done",
        "email_done",
    ]
    .iter()
    .map(|f| (f.to_string(), hidden(&page, f)))
    .collect();
    let sms = s.code_to(&phone_norm).await;
    let mail = s.code_to(&email).await;
    let mut form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form.extend([
        ("csrf", csrf.as_str()),
        ("phone_code", sms.as_str()),
        ("email_code", "000000"),
    ]);
    let (status, _, page) = b.post("/confirm", &form).await;
    if mail != "000000" {
        assert_eq!(status, 422, "a wrong e-mail code is named");
        assert!(
            page.contains("подтверждён"),
            "the phone is shown confirmed: {page}"
        );
        let done: Vec<(String, String)> = [
            "phone_id",
            "email_id",
            "phone_to",
            "email_to",
            "phone_done",
            "email_done",
        ]
        .iter()
        .map(|f| (f.to_string(), hidden(&page, f)))
        .collect();
        let mut form: Vec<(&str, &str)> =
            done.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        form.extend([("csrf", csrf.as_str()), ("email_code", mail.as_str())]);
        let (status, _, page) = b.post("/confirm", &form).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("Телефон и почта подтверждены"));
    }
    (email, phone_norm)
}

async fn register_confirm_sign_in_and_read_the_journal(db: TestDb) {
    let s = server(db).await;
    let mut b = Browser::new(&s.base);
    let (email, phone) = register(&mut b, &s, 1).await;
    let (status, location, _) = b.get("/cabinet").await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/login")),
        "not signed in yet"
    );
    common::sign_in(&mut b, &s, &email, &phone).await;
    let (status, _, page) = b.get("/cabinet").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Здравствуйте, Мария!"),
        "no patronymic, no gap: {page}"
    );
    assert!(page.contains("<dd>гражданин</dd>"), "the role in words");
    assert!(
        page.contains("<a href=\"/verify\">Проверить подпись</a>"),
        "the public verification stays one click away once signed in"
    );
    for link in ["/applications", "/signatures", "/documents", "/journal"] {
        assert!(
            page.contains(&format!("<li><a href=\"{link}\">")),
            "the cabinet's tile of {link}"
        );
    }
    let (_, _, page) = b.get("/journal").await;
    for title in [
        "Регистрация",
        "Отправлен код подтверждения",
        "Неверный код подтверждения",
        "Подтверждение контакта",
        "Неудачный вход",
        "Вход",
    ] {
        assert!(page.contains(title), "{title} in the journal page");
    }
    // The details in Russian words too, written once in English for the chain.
    for details in [
        "код для подтверждения телефона отправлен на",
        "телефон +7",
        "код для входа отправлен на",
        "пароль и код из SMS; в браузере",
    ] {
        assert!(page.contains(details), "{details} in the journal page");
    }
    assert!(!page.contains("password and SMS code"), "{page}");
    assert!(
        page.contains("Время (МСК)") && page.contains("15.01.2027 11:00:00 МСК"),
        "the entries' times by Moscow's clock, to the second: {page}"
    );
    let (_, _, filtered) = b.get("/journal?action=signed_in").await;
    assert_eq!(
        filtered.matches("<tr data-action=").count(),
        1,
        "{filtered}"
    );
    let (status, _, page) = b.get("/journal?from=2099-01-01").await;
    assert_eq!(status, 200);
    assert!(page.contains("Записей нет"));
    let (status, _, page) = b.get("/journal?from=yesterday").await;
    assert_eq!(status, 422);
    assert!(page.contains("ГГГГ-ММ-ДД"));
    let (status, _, csv) = b.get("/journal/export?format=csv&action=&from=&to=").await;
    assert_eq!(status, 200);
    assert!(
        csv.starts_with(
            "seq,time,action,title,status,ip,user_agent,object,details,details_text,hash\r\n"
        ),
        "{csv}"
    );
    assert!(csv.contains(",signed_in,"));
    assert!(
        csv.contains(",password and SMS code; cookie,пароль и код из SMS; в браузере,"),
        "{csv}"
    );
    let (_, _, json) = b.get("/journal/export?format=json").await;
    let entries: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(entries.as_array().unwrap().len() >= 8);
    let signed_in = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "signed_in")
        .unwrap();
    assert_eq!(
        (&signed_in["details"], &signed_in["details_text"]),
        (
            &serde_json::json!("password and SMS code; cookie"),
            &serde_json::json!("пароль и код из SMS; в браузере")
        ),
        "as written and hashed, and in the reader's words"
    );

    let (_, _, page) = b.get("/cabinet").await;
    let csrf = hidden(&page, "csrf");
    let (status, location, _) = b.post("/lang", &[("csrf", &csrf), ("lang", "en")]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/")));
    let (_, _, page) = b.get("/journal").await;
    assert!(
        page.contains("Action journal") && page.contains("Registration"),
        "English: {page}"
    );
    assert!(page.contains("password and SMS code; cookie"), "{page}");

    let (status, _, page) = b.get("/sessions").await;
    assert_eq!(status, 200);
    // Moscow time, named in the page's language.
    let started = podpis_core::moscow_time(common::T0, podpis_core::Lang::En);
    assert!(
        started.ends_with(" MSK") && page.contains(&format!("<td>{started}</td>")),
        "the session's start as people read it: {page}"
    );
    assert!(!page.contains("МСК"), "{page}");

    // The password changed on the security page: a wrong current one is refused.
    let (_, _, page) = b.get("/security").await;
    assert!(page.contains(r#"action="/security/password""#), "{page}");
    let change = |current: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("current_password", current.to_owned()),
            ("new_password", "Новый-пароль-7".to_owned()),
        ]
    };
    let form = change("Не-тот-2026");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, page) = b.post("/security/password", &form).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("The current password is wrong"), "{page}");
    let form = change("Пароль-2026");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, page) = b.post("/security/password", &form).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("The password was changed. Other sessions ended: 0."),
        "{page}"
    );
    let (status, location, _) = b.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/login")));
    assert!(
        !b.cookies.iter().any(|(n, _)| n == "podpis_session"),
        "the cookie is cleared"
    );
    let (_, location, _) = b.get("/cabinet").await;
    assert_eq!(location.as_deref(), Some("/login"));
}

async fn forms_without_the_csrf_token_are_refused(db: TestDb) {
    let s = server(db).await;
    let r = reqwest::get(format!("{}/static/style.css", s.base))
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "public, max-age=3600");
    // No other site frames a page, runs a script in it or reads its address; no cache keeps it.
    for path in ["/login", "/verify", "/api/v1/services", "/no-such-page"] {
        let r = reqwest::get(format!("{}{path}", s.base)).await.unwrap();
        let h = r.headers();
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(
            !h.contains_key("strict-transport-security"),
            "no HSTS for a portal on http: {path}"
        );
        assert_eq!(h["cache-control"], "no-store", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe"),
            "{path}: {csp}"
        );
    }
    let mut b = Browser::new(&s.base);
    b.get("/login").await;
    let (status, _, page) = b
        .post(
            "/login",
            &[("csrf", "forged"), ("login", "a@b.ru"), ("password", "x")],
        )
        .await;
    assert_eq!(status, 403);
    assert!(page.contains("Форма устарела"));
    let (email, phone) = register(&mut b, &s, 2).await;
    common::sign_in(&mut b, &s, &email, &phone).await;
    let (_, _, page) = b.get("/profile").await;
    let session_csrf = hidden(&page, "csrf");
    let anonymous = b
        .cookies
        .iter()
        .find(|(n, _)| n == "podpis_csrf")
        .unwrap()
        .1
        .clone();
    assert_ne!(session_csrf, anonymous);
    for path in ["/logout", "/sessions/end-all", "/security/totp", "/profile"] {
        let (status, _, _) = b
            .post(
                path,
                &[("csrf", "forged"), ("surname", "Х"), ("given_name", "Х")],
            )
            .await;
        assert_eq!(status, 403, "{path}");
    }
    let (status, _, _) = b.get("/cabinet").await;
    assert_eq!(status, 200, "still signed in: nothing was done");
    let (_, _, page) = b.get("/profile").await;
    assert!(page.contains("Сидорова"), "the profile is unchanged");
}

async fn the_administrators_pages(db: TestDb) {
    let s = server(db).await;
    let mut b = Browser::new(&s.base);
    let (email, phone) = register(&mut b, &s, 3).await;
    common::sign_in(&mut b, &s, &email, &phone).await;
    let (status, _, _) = b.get("/admin").await;
    assert_eq!(status, 403, "a citizen");
    let (status, _, _) = b.get("/admin/mailbox").await;
    assert_eq!(status, 403);
    s.portal
        .grant_role(&podpis_core::Context::default(), None, &email, &Role::Admin)
        .await
        .unwrap();
    let (status, _, page) = b.get("/admin").await;
    assert_eq!(status, 200);
    let csrf = hidden(&page, "csrf");
    let (status, _, page) = b.post("/admin/journal/verify", &[("csrf", &csrf)]).await;
    assert_eq!(status, 200);
    assert!(page.contains("Журнал цел"), "{page}");
    podpis_testkit::raw_sql(
        &s.db.url,
        "UPDATE journal SET details = 'edited' WHERE seq = 2",
    )
    .await;
    let (_, _, page) = b.post("/admin/journal/verify", &[("csrf", &csrf)]).await;
    assert!(page.contains("Журнал нарушен: запись 2"), "{page}");
    let (status, _, page) = b.get("/admin/mailbox").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Почтовый ящик") && page.contains(&email),
        "{page}"
    );
    assert!(
        page.contains("<td>в очереди</td>") && !page.contains(">pending<"),
        "the messages no worker has sent yet, queued, in words: {page}"
    );
    assert!(
        page.contains(" МСК с адреса 127.0.0.1"),
        "the sign-in notice tells the time as people read it: {page}"
    );
}

async fn the_signatures_page_lists_bound_certificates(db: TestDb) {
    let s = server(db).await;
    let mut b = Browser::new(&s.base);
    let (email, phone) = register(&mut b, &s, 5).await;
    common::sign_in(&mut b, &s, &email, &phone).await;
    let (status, _, page) = b.get("/signatures").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("не привязано ни одного сертификата"),
        "{page}"
    );
    assert!(
        page.contains("Подайте заявление в удостоверяющий центр: <a href=\"/applications\">"),
        "with no certificate, the way to one: {page}"
    );
    let serial = common::bound_certificate(&s, &email).await;
    let (_, _, page) = b.get("/signatures").await;
    assert!(page.contains(&serial), "{page}");
    assert!(page.contains("подключена"), "{page}");
    assert!(
        page.contains("<td>УЦ Демо</td>"),
        "the centre by its name: {page}"
    );
    assert!(
        page.contains("скоро истекает"),
        "valid 20 days: the banner shows: {page}"
    );
    let csrf = hidden(&page, "csrf");
    let (status, _, page) = b
        .post("/signatures/unbind", &[("csrf", &csrf), ("id", "nope")])
        .await;
    assert_eq!(status, 404, "{page}");
    let id = hidden(&page, "id");
    let (status, _, page) = b
        .post("/signatures/unbind", &[("csrf", &csrf), ("id", &id)])
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("не привязано ни одного сертификата"),
        "{page}"
    );
}

async fn a_citizen_applies_and_books_a_visit_through_the_pages(db: TestDb) {
    use podpis_core::{CentreForm, Context, Review};
    let s = server(db).await;
    let ctx = Context::default();
    let form = CentreForm {
        id: "demo".into(),
        name: "УЦ Демо".into(),
        inn: "7707083893".into(),
        ogrn: "1027700132195".into(),
        address: "Москва".into(),
        price: 0,
        accredited_from: None,
        accredited_until: common::T0 + 365 * 24 * 3600,
    };
    s.portal
        .add_hosted_centre(&ctx, None, &form, "gost2012-256".parse().unwrap())
        .await
        .unwrap();
    let mut b = Browser::new(&s.base);
    let (email, phone) = register(&mut b, &s, 6).await;
    common::sign_in(&mut b, &s, &email, &phone).await;

    // The list, and a new application for the demo centre.
    let (status, _, page) = b.get("/applications").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Заявлений пока нет") && page.contains("УЦ Демо"),
        "{page}"
    );
    let csrf = hidden(&page, "csrf");
    let (status, location, _) = b
        .post(
            "/applications/new",
            &[
                ("csrf", &csrf),
                ("centre_id", "demo"),
                ("subject_type", "person"),
                ("medium", "p12"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let path = location.unwrap();
    let (_, _, page) = b.get(&path).await;
    assert!(
        page.contains("Черновик")
            && page.contains("<strong>Удостоверяющий центр:</strong> УЦ Демо")
            && page.contains("0\u{a0}₽"),
        "{page}"
    );
    // The list names the centre, not its id.
    let (_, _, list) = b.get("/applications").await;
    assert!(
        list.contains("<td>УЦ Демо</td>") && !list.contains("<td>demo</td>"),
        "{list}"
    );

    // The data, a scan (a non-PDF refused with the reason), submission.
    let fields = [
        ("csrf", csrf.as_str()),
        ("surname", "Сидорова"),
        ("given_name", "Мария"),
        ("birth_date", "1991-03-08"),
        ("inn", "500100732259"),
        ("snils", "112-233-445 95"),
        ("document_number", "4510 123456"),
        ("phone", &phone),
        ("email", &email),
        ("consent", "on"),
    ];
    let (status, _, page) = b.post(&format!("{path}/save"), &fields).await;
    assert_eq!(status, 200, "{page}");
    let (status, _, page) = b
        .post_file(
            &format!("{path}/scans"),
            &[("csrf", &csrf), ("kind", "passport")],
            ("file", "photo.pdf", b"\x89PNG not a pdf"),
        )
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("не является документом PDF"), "{page}");
    let pdf = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n";
    let (status, _, page) = b
        .post_file(
            &format!("{path}/scans"),
            &[("csrf", &csrf), ("kind", "passport")],
            ("file", "passport.pdf", pdf),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("passport.pdf"), "{page}");
    let (_, _, page) = b.post(&format!("{path}/submit"), &[("csrf", &csrf)]).await;
    assert!(page.contains("Принято, ждёт проверки в УЦ"), "{page}");

    // The centre approves (free: paid at once) and publishes a slot; the citizen books it and
    // the page shows the QR code and the short code.
    let id = path.rsplit('/').next().unwrap();
    let operator = podpis_core::Principal {
        account_id: "operator".into(),
        role: podpis_core::Role::Operator { ca: "demo".into() },
        session_id: "s".into(),
        csrf: "c".into(),
        lang: podpis_core::Lang::Ru,
        name: "Оператор".into(),
    };
    // Returned first: the page shows the centre's reason and lets the citizen correct.
    s.portal
        .review_application(
            &ctx,
            &operator,
            id,
            Review::Return("Скан паспорта нечитаем".into()),
        )
        .await
        .unwrap();
    let (_, _, page) = b.get(&path).await;
    assert!(
        page.contains("Причина:</strong> Скан паспорта нечитаем"),
        "{page}"
    );
    assert!(page.contains("Сохранить"), "editable again: {page}");
    let (_, _, page) = b.post(&format!("{path}/submit"), &[("csrf", &csrf)]).await;
    assert!(page.contains("Принято, ждёт проверки в УЦ"), "{page}");
    s.portal
        .review_application(&ctx, &operator, id, Review::Approve)
        .await
        .unwrap();
    let (_, _, page) = b.get(&path).await;
    assert!(page.contains("Свободного времени пока нет"), "{page}");
    assert!(
        !page.contains("class=\"comment\"") && !page.contains("Сохранить"),
        "paid: no reason to show, nothing to save: {page}"
    );
    let slot = s
        .portal
        .publish_slots(&ctx, &operator, "demo", &[common::T0 + 86_400], 30)
        .await
        .unwrap()
        .remove(0);
    let (_, _, page) = b.get(&path).await;
    assert!(page.contains(&slot.id), "{page}");
    let (status, _, page) = b
        .post(
            &format!("{path}/visit"),
            &[("csrf", &csrf), ("id", &slot.id)],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("<svg") && page.contains("Код визита"),
        "{page}"
    );
    let code = s.portal.visit(&operator, id).await.unwrap().code;
    assert!(page.contains(&code), "{page}");
    assert!(s.portal.free_slots("demo").await.unwrap().is_empty());

    // Withdrawn with a visit booked: the slot is free again.
    let (_, _, page) = b.post(&format!("{path}/cancel"), &[("csrf", &csrf)]).await;
    assert!(page.contains("Отменено"), "{page}");
    assert_eq!(s.portal.free_slots("demo").await.unwrap()[0].id, slot.id);
}

async fn an_operator_reviews_checks_identity_and_issues_in_the_console(db: TestDb) {
    use podpis_core::{ApplicationForm, CentreForm, Context, Medium, RegistrationForm, Role};
    let s = server(db).await;
    let ctx = Context::default();
    let form = CentreForm {
        id: "demo".into(),
        name: "УЦ Демо".into(),
        inn: "7707083893".into(),
        ogrn: "1027700132195".into(),
        address: "Москва".into(),
        price: 0,
        accredited_from: None,
        accredited_until: common::T0 + 365 * 24 * 3600,
    };
    s.portal
        .add_hosted_centre(&ctx, None, &form, "gost2012-256".parse().unwrap())
        .await
        .unwrap();
    let account = |phone: &str, email: &str, snils: &str| RegistrationForm {
        phone: phone.into(),
        email: email.into(),
        password: "Пароль-2026".into(),
        surname: "Кузнецова".into(),
        given_name: "Анна".into(),
        snils: snils.into(),
        inn: if snils.is_empty() {
            String::new()
        } else {
            "500100732259".into()
        },
        ..Default::default()
    };
    s.portal
        .create_confirmed_account(
            &ctx,
            account("+79997770001", "op@demo.ru", ""),
            &Role::Operator { ca: "demo".into() },
        )
        .await
        .unwrap();
    let citizen = s
        .portal
        .create_confirmed_account(
            &ctx,
            account("+79997770002", "anna@example.ru", "11223344595"),
            &Role::Citizen,
        )
        .await
        .unwrap();
    let me = podpis_core::Principal {
        account_id: citizen.id,
        role: Role::Citizen,
        session_id: "s".into(),
        csrf: "c".into(),
        lang: podpis_core::Lang::Ru,
        name: "Анна".into(),
    };
    let mut f: ApplicationForm = s.portal.application_form(&me).await.unwrap();
    f.centre_id = "demo".into();
    f.medium = Medium::P12;
    f.birth_date = "1985-11-02".into();
    f.document_number = "4510 654321".into();
    f.consent = true;
    let id = s
        .portal
        .create_application(&ctx, &me, f)
        .await
        .unwrap()
        .application
        .id;
    let pdf = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n";
    s.portal
        .attach_scan(&ctx, &me, &id, "passport", "passport.pdf", pdf)
        .await
        .unwrap();
    s.portal.submit_application(&ctx, &me, &id).await.unwrap();

    // The operator's queue: approve (free, so paid at once) and publish a slot.
    let mut b = Browser::new(&s.base);
    common::sign_in(&mut b, &s, "op@demo.ru", "+79997770001").await;
    let (status, _, page) = b.get("/operator").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Кузнецова Анна"), "{page}");
    assert!(
        page.contains("<strong>УЦ Демо</strong>"),
        "the centre by its name: {page}"
    );
    let csrf = hidden(&page, "csrf");
    let (_, _, page) = b
        .post(
            "/operator/review",
            &[("csrf", &csrf), ("id", &id), ("decision", "approve")],
        )
        .await;
    assert!(page.contains("Оплачено, запишитесь на визит"), "{page}");
    let (status, _, page) = b
        .post(
            "/operator/slots",
            &[
                ("csrf", &csrf),
                ("starts", "2027-01-16 10:00"),
                ("minutes", "30"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let slot = s.portal.free_slots("demo").await.unwrap().remove(0);
    assert_eq!(
        slot.starts_at,
        common::T0 + 86_400 - 3600,
        "10:00 МСК is 07:00 UTC"
    );
    let visit = s.portal.book_visit(&ctx, &me, &id, &slot.id).await.unwrap();

    // At the visit: opened by the code, the scan viewed, the identity confirmed, a .p12 issued.
    let (status, _, page) = b
        .post("/operator/open", &[("csrf", &csrf), ("code", "0000-0000")])
        .await;
    assert_eq!(status, 422, "{page}");
    let (status, _, page) = b
        .post("/operator/open", &[("csrf", &csrf), ("code", &visit.code)])
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("4510 654321") && page.contains("passport.pdf"),
        "{page}"
    );
    let scan_link = page
        .split("href=\"")
        .find(|p| p.contains("/scans/"))
        .and_then(|p| p.split('"').next())
        .unwrap()
        .to_owned();
    let (status, _, body) = b.get(&scan_link).await;
    assert_eq!(status, 200);
    assert!(body.starts_with("%PDF-"));
    let (_, _, page) = b
        .post(
            &format!("/operator/applications/{id}/identity"),
            &[("csrf", &csrf), ("decision", "confirm")],
        )
        .await;
    assert!(page.contains("Личность подтверждена"), "{page}");
    let (_, _, page) = b
        .post(
            &format!("/operator/applications/{id}/issue"),
            &[("csrf", &csrf), ("medium", "p12")],
        )
        .await;
    assert!(page.contains("Сертификат выпущен"), "{page}");
    let password = page
        .split("<strong><code>")
        .nth(1)
        .and_then(|p| p.split("</code>").next())
        .unwrap()
        .to_owned();
    let data = page
        .split("data:application/x-pkcs12;base64,")
        .nth(1)
        .and_then(|p| p.split('"').next())
        .unwrap();
    let p12 = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, data).unwrap();
    podpis_keys::pkcs12::import(&p12, password.as_bytes())
        .expect("the .p12 opens with the password shown");
    let (status, _, _) = b.get(&format!("/applications/{id}/act.pdf")).await;
    assert_eq!(status, 200);

    // The console lists the certificate; the operator revokes it with a reason.
    let (_, _, page) = b.get("/operator").await;
    let serial =
        s.db.store
            .read()
            .await
            .unwrap()
            .certificates("demo", 10, 0)
            .await
            .unwrap()[0]
            .serial
            .clone();
    assert!(page.contains(&serial), "{page}");
    let (status, _, page) = b
        .post(
            "/operator/revoke",
            &[("csrf", &csrf), ("serial", &serial), ("reason", "hold-it")],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    let (status, _, page) = b
        .post(
            "/operator/revoke",
            &[
                ("csrf", &csrf),
                ("serial", &serial),
                ("reason", "privilegeWithdrawn"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Сертификат отозван") && page.contains("Полномочия владельца прекращены"),
        "{page}"
    );
    let revoked =
        s.db.store
            .read()
            .await
            .unwrap()
            .certificate("demo", &serial)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(revoked.reason.as_deref(), Some("privilegeWithdrawn"));
}

/// A self-signed P-256 CA certificate (PEM) made by OpenSSL, valid for ten years from now (so
/// at the tests' clock, two months ahead, too).
fn openssl_ca() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("ca.pem");
    let status = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ])
        .args([
            "-subj",
            "/CN=External CA/O=External",
            "-days",
            "3650",
            "-keyout",
        ])
        .arg(dir.path().join("ca.key"))
        .arg("-out")
        .arg(&pem)
        .output()
        .expect("openssl runs");
    assert!(status.status.success(), "{status:?}");
    std::fs::read(pem).unwrap()
}

async fn the_registry_pages(db: TestDb) {
    use podpis_core::{Context, RegistrationForm};
    let s = server(db).await;
    let mut b = Browser::new(&s.base);
    let (email, phone) = register(&mut b, &s, 7).await;
    common::sign_in(&mut b, &s, &email, &phone).await;
    let (status, _, _) = b.get("/admin/centres").await;
    assert_eq!(status, 403, "a citizen");
    let ctx = Context::default();
    s.portal
        .grant_role(&ctx, None, &email, &Role::Admin)
        .await
        .unwrap();
    let (status, _, page) = b.get("/admin/centres").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("В реестре нет ни одного центра"), "{page}");
    assert!(
        page.contains(r#"<option value="gost2012-512">ГОСТ Р 34.10-2012, 512 бит</option>"#),
        "{page}"
    );
    let csrf = hidden(&page, "csrf");
    let fields = |id: &'static str, price: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("id", id.to_owned()),
            ("name", format!("УЦ {id}")),
            ("inn", "7707083893".to_owned()),
            ("ogrn", "1027700132195".to_owned()),
            ("address", "Москва".to_owned()),
            ("price", price.to_owned()),
            ("until", "2035-12-31".to_owned()),
        ]
    };
    let form = |f: &[(&'static str, String)]| -> Vec<(&'static str, String)> { f.to_vec() };

    // Hosting a centre: a wrong price is refused and nothing is added; then it is added.
    let mut bad = form(&fields("demo", "полторы тысячи"));
    bad.push(("key", "gost2012-256".into()));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, page) = b.post("/admin/centres", &bad).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("Цена: рубли"), "{page}");
    assert!(s.portal.centres().await.unwrap().is_empty());
    let mut good = form(&fields("demo", "1 500,50 ₽"));
    good.push(("key", "gost2012-256".into()));
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, page) = b.post("/admin/centres", &good).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Реестр обновлён")
            && page.contains("1\u{a0}500,50\u{a0}₽")
            && page.contains("размещён на портале"),
        "{page}"
    );
    let demo = s.portal.centre("demo").await.unwrap();
    assert!(demo.hosted && demo.price == 150_050);
    assert_eq!(
        podpis_core::timestamp(demo.accredited_until),
        "2036-01-01T00:00:00Z",
        "the last day shown is included"
    );

    // Importing an external centre: not a certificate is refused; OpenSSL's CA is imported.
    let external = fields("external", "0");
    let external: Vec<(&str, &str)> = external.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, page) = b
        .post_file(
            "/admin/centres/import",
            &external,
            ("chain", "ca.pdf", b"%PDF-1.4"),
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("не читается"), "{page}");
    let mut with_urls = external.clone();
    with_urls.push(("crl_url", "http://ca.example/ca.crl"));
    let (status, _, page) = b
        .post_file(
            "/admin/centres/import",
            &with_urls,
            ("chain", "ca.pem", &openssl_ca()),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("внешний") && page.contains("http://ca.example/ca.crl"),
        "{page}"
    );
    assert!(!s.portal.centre("external").await.unwrap().hosted);

    // Ending an accreditation now: the registry says so and the portal stops trusting it.
    let (status, _, page) = b
        .post(
            "/admin/centres/demo/accreditation",
            &[
                ("csrf", &csrf),
                ("from", &day_of(demo.accredited_from)),
                ("end", "now"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("не действует"), "{page}");
    let now = s.portal.clock().now();
    assert!(!s.portal.centre("demo").await.unwrap().accredited_at(now));

    // Appointing an operator: of an unknown centre refused, of a known one done.
    let other = s
        .portal
        .create_confirmed_account(
            &ctx,
            RegistrationForm {
                phone: "+79997770099".into(),
                email: "op99@demo.ru".into(),
                password: "Пароль-2026".into(),
                surname: "Операторова".into(),
                given_name: "Ольга".into(),
                ..Default::default()
            },
            &Role::Citizen,
        )
        .await
        .unwrap();
    let (status, _, page) = b
        .post(
            "/admin/operators",
            &[
                ("csrf", &csrf),
                ("login", "op99@demo.ru"),
                ("centre", "nope"),
            ],
        )
        .await;
    assert_eq!(status, 404, "{page}");
    let (status, _, page) = b
        .post(
            "/admin/operators",
            &[
                ("csrf", &csrf),
                ("login", "op99@demo.ru"),
                ("centre", "external"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let account =
        s.db.store
            .read()
            .await
            .unwrap()
            .account(&other.id)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(
        (account.role.as_str(), account.operator_ca.as_deref()),
        ("operator", Some("external"))
    );
}

fn day_of(t: i64) -> String {
    podpis_core::timestamp(t).chars().take(10).collect()
}

async fn a_forgotten_password_is_reset_through_the_pages(db: TestDb) {
    let s = server(db).await;
    let mut b = Browser::new(&s.base);
    let (email, phone) = register(&mut b, &s, 9).await;
    let (_, _, page) = b.get("/login").await;
    assert!(
        page.contains(r#"<a href="/password/reset">Забыли пароль?</a>"#),
        "{page}"
    );
    let (status, _, page) = b.get("/password/reset").await;
    assert_eq!(status, 200, "{page}");
    let csrf = hidden(&page, "csrf");
    let (status, _, page) = b
        .post("/password/reset", &[("csrf", &csrf), ("login", &email)])
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Если такая учётная запись есть"), "{page}");
    let code_id = hidden(&page, "code_id");
    let code = s.code_to(&phone).await;
    let finish = |password: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("code_id", code_id.clone()),
            ("code", code.clone()),
            ("new_password", password.to_owned()),
        ]
    };
    let form = finish("short");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, page) = b.post("/password/reset/finish", &form).await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("Пароль: от 8 до 128 знаков") && page.contains(&code_id),
        "the step again, with the reason: {page}"
    );
    let form = finish("Новый-пароль-9");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, page) = b.post("/password/reset/finish", &form).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Пароль изменён: войдите с новым паролем.")
            && page.contains(r#"action="/login""#),
        "{page}"
    );
    let (status, _, _) = b
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("login", &email),
                ("password", "Новый-пароль-9"),
            ],
        )
        .await;
    assert_eq!(status, 200, "the new password signs in");
}
