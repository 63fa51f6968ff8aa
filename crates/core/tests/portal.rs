//! The portal's rules end to end through `Portal`, on SQLite and PostgreSQL alike: registration
//! and confirmation, sign-in with its limits and locks, TOTP, passkeys, sessions, roles and the
//! journal. Codes are read from the outbox, where the portal queues them for delivery.

use std::sync::Arc;

use podpis_core::passkey::soft::SoftAuthenticator;
use podpis_core::{
    Context, Error, ManualClock, Policy, Portal, Principal, RegistrationForm, RelyingParty, Role,
    SecondFactor, SessionKind,
};
use podpis_store::{JournalFilter, Profile};
use podpis_testkit::TestDb;

podpis_testkit::on_both!(
    registration_confirms_phone_and_email,
    registration_does_not_tell_whether_a_number_is_taken,
    registration_checks_every_field,
    sign_in_with_password_and_sms_code,
    codes_expire_and_take_three_tries,
    unknown_login_and_wrong_password_look_alike,
    repeated_failures_lock_the_account,
    addresses_are_rate_limited,
    totp_as_the_second_factor,
    passkey_sign_in_alone,
    sessions_list_end_and_sign_out_everywhere,
    housekeeping_keeps_what_sign_in_still_needs,
    profile_changes_are_checked_and_journaled,
    roles_keep_citizens_to_their_own_data,
    journal_of_a_day_chains_and_verifies,
);

const T0: i64 = 1_800_000_000;

struct World {
    portal: Portal,
    clock: Arc<ManualClock>,
    db: TestDb,
}

async fn world(db: TestDb) -> World {
    let clock = Arc::new(ManualClock::new(T0));
    let portal = Portal::open(
        db.store.clone(),
        clock.clone(),
        Policy::default(),
        RelyingParty::for_url("http://localhost:8080"),
    )
    .await
    .unwrap();
    World { portal, clock, db }
}

fn ctx(ip: &str) -> Context {
    Context {
        ip: Some(ip.into()),
        user_agent: Some("test-agent".into()),
    }
}

fn form(n: u32) -> RegistrationForm {
    RegistrationForm {
        phone: format!("+7 999 000-{n:02}-{n:02}"),
        email: format!("citizen{n}@example.ru"),
        password: "Пароль-2026".into(),
        surname: "Иванов".into(),
        given_name: "Иван".into(),
        patronymic: "Иванович".into(),
        inn: String::new(),
        snils: String::new(),
    }
}

impl World {
    /// The newest queued message to `recipient`, and the six-digit code in it.
    async fn last_code_to(&self, recipient: &str) -> String {
        podpis_testkit::queued_code(&self.db.store, recipient).await
    }

    async fn citizen(&self, n: u32) -> (RegistrationForm, String) {
        let f = form(n);
        let reg = self
            .portal
            .register(&ctx("10.0.0.1"), f.clone())
            .await
            .unwrap();
        let phone = podpis_core::validate::phone(&f.phone).unwrap();
        let code = self.last_code_to(&phone).await;
        self.portal
            .confirm_contact(&ctx("10.0.0.1"), &reg.phone_code.id, &code)
            .await
            .unwrap();
        (f, phone)
    }

    async fn sign_in(&self, n: u32) -> (String, Principal) {
        let (f, phone) = self.citizen(n).await;
        self.log_in(&f, &phone).await
    }

    /// Signs registered citizen `f` in with password and SMS code: the API token and who it is.
    async fn log_in(&self, f: &RegistrationForm, phone: &str) -> (String, Principal) {
        let ch = self
            .portal
            .login_password(&ctx("10.0.0.2"), &f.email, &f.password)
            .await
            .unwrap();
        let code = self.last_code_to(phone).await;
        let s = self
            .portal
            .login_code(&ctx("10.0.0.2"), &ch.id, &code, SessionKind::Bearer)
            .await
            .unwrap();
        let p = self.portal.authenticate(&s.token).await.unwrap();
        (s.token, p)
    }

    async fn actions(&self, who: &Principal) -> Vec<String> {
        let list = self
            .portal
            .journal(
                who,
                JournalFilter {
                    limit: 100,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        list.into_iter()
            .rev()
            .map(|e| format!("{}:{}", e.entry.action, e.entry.status))
            .collect()
    }
}

async fn registration_confirms_phone_and_email(db: TestDb) {
    let w = world(db).await;
    let f = form(1);
    let reg = w
        .portal
        .register(&ctx("10.0.0.1"), f.clone())
        .await
        .unwrap();
    assert_eq!(reg.phone_code.sent_to, "+7 *** ***-01-01");
    assert_eq!(reg.email_code.sent_to, "ci***@example.ru");
    assert_eq!(reg.phone_code.expires_at, T0 + 300);
    let sms = w.last_code_to("+79990000101").await;
    let mail = w.last_code_to("citizen1@example.ru").await;
    assert_ne!(sms, mail);
    // The e-mail code does not confirm the phone.
    let e = w
        .portal
        .confirm_contact(&ctx("10.0.0.1"), &reg.phone_code.id, &mail)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::WrongCode { tries_left: 2 }), "{e:?}");
    w.portal
        .confirm_contact(&ctx("10.0.0.1"), &reg.phone_code.id, &sms)
        .await
        .unwrap();
    w.portal
        .confirm_contact(&ctx("10.0.0.1"), &reg.email_code.id, &mail)
        .await
        .unwrap();
    let e = w
        .portal
        .confirm_contact(&ctx("10.0.0.1"), &reg.email_code.id, &mail)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::CodeExpired), "a code works once: {e:?}");
    let mut tx = w.db.store.read().await.unwrap();
    let a = tx
        .account_by_login(None, Some("citizen1@example.ru"), None)
        .await
        .unwrap()
        .unwrap();
    assert!(a.phone_confirmed && a.email_confirmed);
    assert!(a.password_hash.starts_with("$argon2id$"));
    drop(tx);
    let codes_in_journal = {
        let mut tx = w.db.store.read().await.unwrap();
        tx.journal(&JournalFilter {
            account_id: Some(a.id.clone()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap()
    };
    let actions: Vec<_> = codes_in_journal
        .iter()
        .rev()
        .map(|e| e.entry.action.as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "registered",
            "code_sent",
            "code_sent",
            "code_rejected",
            "contact_confirmed",
            "contact_confirmed"
        ]
    );
    assert!(
        codes_in_journal
            .iter()
            .all(|e| !e.entry.details.contains(&sms) && !e.entry.details.contains(&mail)),
        "no code in the journal"
    );
}

async fn registration_does_not_tell_whether_a_number_is_taken(db: TestDb) {
    let w = world(db).await;
    w.citizen(2).await;
    let mut again = form(2);
    again.email = "someone.else@example.ru".into();
    let reg = w.portal.register(&ctx("10.0.0.9"), again).await.unwrap();
    assert_eq!(
        reg.phone_code.sent_to, "+7 *** ***-02-02",
        "answered like a new registration"
    );
    for guess in ["000000", "123456", "999999"] {
        let e = w
            .portal
            .confirm_contact(&ctx("10.0.0.9"), &reg.phone_code.id, guess)
            .await
            .unwrap_err();
        assert!(matches!(e, Error::WrongCode { .. }), "{e:?}");
    }
    let e = w
        .portal
        .confirm_contact(&ctx("10.0.0.9"), &reg.phone_code.id, "111111")
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::WrongCode { tries_left: 0 }),
        "a decoy runs out of tries like a code: {e:?}"
    );
    let mut tx = w.db.store.read().await.unwrap();
    let notices = tx.messages(50, 0).await.unwrap();
    assert!(
        notices
            .iter()
            .any(|m| m.message.recipient == "citizen2@example.ru"
                && m.message.body.contains("пытался зарегистрироваться"))
    );
    assert_eq!(
        tx.accounts(10, 0).await.unwrap().len(),
        1,
        "no second account"
    );
}

async fn registration_checks_every_field(db: TestDb) {
    let w = world(db).await;
    for (field, change) in [
        (
            "phone",
            Box::new(|f: &mut RegistrationForm| f.phone = "12345".into())
                as Box<dyn Fn(&mut RegistrationForm)>,
        ),
        ("email", Box::new(|f| f.email = "no-at-sign".into())),
        ("password", Box::new(|f| f.password = "short".into())),
        ("surname", Box::new(|f| f.surname = " ".into())),
        ("inn", Box::new(|f| f.inn = "500100732258".into())),
        ("snils", Box::new(|f| f.snils = "112-233-445 96".into())),
    ] {
        let mut f = form(3);
        change(&mut f);
        match w.portal.register(&ctx("10.0.0.1"), f).await {
            Err(Error::Invalid { field: got, .. }) => assert_eq!(got, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    let mut tx = w.db.store.read().await.unwrap();
    assert!(
        tx.accounts(10, 0).await.unwrap().is_empty(),
        "nothing stored"
    );
    assert!(tx.messages(10, 0).await.unwrap().is_empty(), "nothing sent");
}

async fn sign_in_with_password_and_sms_code(db: TestDb) {
    let w = world(db).await;
    let (f, phone) = w.citizen(4).await;
    for login in [f.email.clone(), f.phone.clone(), "8 999 000 04 04".into()] {
        let ch = w
            .portal
            .login_password(&ctx("10.0.0.2"), &login, &f.password)
            .await
            .unwrap();
        assert_eq!(ch.factors, [SecondFactor::Sms]);
        let code = w.last_code_to(&phone).await;
        let s = w
            .portal
            .login_code(&ctx("10.0.0.2"), &ch.id, &code, SessionKind::Cookie)
            .await
            .unwrap();
        assert_eq!(s.session.expires_at, T0 + 12 * 3600);
        let p = w.portal.authenticate(&s.token).await.unwrap();
        assert_eq!(p.role, Role::Citizen);
        assert!(
            w.portal
                .authenticate(&format!("{}x", s.token))
                .await
                .is_err()
        );
    }
    let mut tx = w.db.store.read().await.unwrap();
    let mail = tx.messages(100, 0).await.unwrap();
    assert!(mail.iter().any(|m| m.message.recipient == f.email && m.message.subject == "Вход в личный кабинет"), "a sign-in notice");
}

async fn codes_expire_and_take_three_tries(db: TestDb) {
    let w = world(db).await;
    let (f, phone) = w.citizen(5).await;
    let ch = w
        .portal
        .login_password(&ctx("10.0.0.2"), &f.email, &f.password)
        .await
        .unwrap();
    let code = w.last_code_to(&phone).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for left in [2, 1, 0] {
        let e = w
            .portal
            .login_code(&ctx("10.0.0.2"), &ch.id, wrong, SessionKind::Bearer)
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::WrongCode { tries_left } if tries_left == left),
            "{e:?}"
        );
    }
    let e = w
        .portal
        .login_code(&ctx("10.0.0.2"), &ch.id, &code, SessionKind::Bearer)
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::WrongCode { tries_left: 0 }),
        "the right code no longer helps: {e:?}"
    );
    let ch = w
        .portal
        .login_password(&ctx("10.0.0.2"), &f.email, &f.password)
        .await
        .unwrap();
    let code = w.last_code_to(&phone).await;
    w.clock.advance(301);
    let e = w
        .portal
        .login_code(&ctx("10.0.0.2"), &ch.id, &code, SessionKind::Bearer)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::CodeExpired), "five minutes: {e:?}");
    // A new code replaces the old one.
    let first = w
        .portal
        .login_password(&ctx("10.0.0.2"), &f.email, &f.password)
        .await
        .unwrap();
    let old = w.last_code_to(&phone).await;
    let ticket = w
        .portal
        .resend_code(&ctx("10.0.0.2"), &first.id)
        .await
        .unwrap();
    let new = w.last_code_to(&phone).await;
    assert!(matches!(
        w.portal
            .login_code(&ctx("10.0.0.2"), &first.id, &old, SessionKind::Bearer)
            .await,
        Err(Error::CodeExpired)
    ));
    w.portal
        .login_code(&ctx("10.0.0.2"), &ticket.id, &new, SessionKind::Bearer)
        .await
        .unwrap();
    for spent in [&ticket.id, &first.id] {
        let e = w
            .portal
            .resend_code(&ctx("10.0.0.2"), spent)
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::CodeExpired),
            "a used or superseded code starts nothing: {e:?}"
        );
    }
    let stale = w
        .portal
        .login_password(&ctx("10.0.0.2"), &f.email, &f.password)
        .await
        .unwrap();
    w.clock.advance(3601);
    assert!(
        matches!(
            w.portal.resend_code(&ctx("10.0.0.2"), &stale.id).await,
            Err(Error::CodeExpired)
        ),
        "nor an old one"
    );
}

async fn unknown_login_and_wrong_password_look_alike(db: TestDb) {
    let w = world(db).await;
    let (f, _) = w.citizen(6).await;
    let unknown = w
        .portal
        .login_password(&ctx("10.0.0.3"), "nobody@example.ru", "Пароль-2026")
        .await
        .unwrap_err();
    let wrong = w
        .portal
        .login_password(&ctx("10.0.0.3"), &f.email, "Пароль-2025")
        .await
        .unwrap_err();
    assert_eq!(unknown.slug(), wrong.slug());
    assert_eq!(
        unknown.text(podpis_core::Lang::Ru),
        wrong.text(podpis_core::Lang::Ru)
    );
    assert_eq!(unknown.status(), 401);
}

async fn repeated_failures_lock_the_account(db: TestDb) {
    let w = world(db).await;
    let (f, phone) = w.citizen(7).await;
    for _ in 0..5 {
        assert!(matches!(
            w.portal
                .login_password(&ctx("10.0.0.4"), &f.email, "Неверный-1")
                .await,
            Err(Error::BadCredentials)
        ));
    }
    let e = w
        .portal
        .login_password(&ctx("10.0.0.4"), &f.email, &f.password)
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::BadCredentials),
        "locked: even the right password is refused alike: {e:?}"
    );
    let mut tx = w.db.store.read().await.unwrap();
    let sent = tx.messages(100, 0).await.unwrap();
    assert!(
        sent.iter()
            .any(|m| m.message.recipient == phone && m.message.body.contains("заблокирован")),
        "the owner is told"
    );
    drop(tx);
    w.clock.advance(15 * 60 + 1);
    w.portal
        .login_password(&ctx("10.0.0.4"), &f.email, &f.password)
        .await
        .unwrap();
}

async fn addresses_are_rate_limited(db: TestDb) {
    let w = world(db).await;
    let limit = Policy::default().per_address;
    for i in 0..limit {
        let e = w
            .portal
            .login_password(&ctx("10.9.9.9"), &format!("nobody{i}@example.ru"), "x")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::BadCredentials), "{e:?}");
    }
    let e = w
        .portal
        .login_password(&ctx("10.9.9.9"), "nobody@example.ru", "x")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::TooManyRequests { .. }), "{e:?}");
    assert!(
        w.portal
            .login_password(&ctx("10.9.9.8"), "nobody@example.ru", "x")
            .await
            .is_err_and(|e| matches!(e, Error::BadCredentials)),
        "another address is not limited"
    );
    w.clock.advance(Policy::default().rate_window);
    assert!(
        matches!(
            w.portal
                .login_password(&ctx("10.9.9.9"), "x@example.ru", "x")
                .await,
            Err(Error::BadCredentials)
        ),
        "a new window"
    );
}

async fn totp_as_the_second_factor(db: TestDb) {
    let w = world(db).await;
    let (_, p) = w.sign_in(8).await;
    let enrol = w.portal.totp_begin(&p).await.unwrap();
    assert!(
        enrol.uri.starts_with("otpauth://totp/Podpis:"),
        "{}",
        enrol.uri
    );
    let code = podpis_core::totp_code(&enrol.secret, T0).unwrap();
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let e = w
        .portal
        .totp_confirm(&ctx("10.0.0.2"), &p, &enrol.id, wrong)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Invalid { field: "code", .. }), "{e:?}");
    w.portal
        .totp_confirm(&ctx("10.0.0.2"), &p, &enrol.id, &code)
        .await
        .unwrap();
    w.clock.advance(30);
    let f = form(8);
    let ch = w
        .portal
        .login_password(&ctx("10.0.0.2"), &f.email, &f.password)
        .await
        .unwrap();
    assert_eq!(ch.factors, [SecondFactor::Sms, SecondFactor::Totp]);
    let now_code = podpis_core::totp_code(&enrol.secret, T0 + 30).unwrap();
    w.portal
        .login_totp(&ctx("10.0.0.2"), &ch.id, &now_code, SessionKind::Bearer)
        .await
        .unwrap();
    let ch = w
        .portal
        .login_password(&ctx("10.0.0.2"), &f.email, &f.password)
        .await
        .unwrap();
    let e = w
        .portal
        .login_totp(&ctx("10.0.0.2"), &ch.id, &now_code, SessionKind::Bearer)
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::WrongCode { tries_left: 2 }),
        "a TOTP code signs in once: {e:?}"
    );
}

async fn passkey_sign_in_alone(db: TestDb) {
    let w = world(db).await;
    let (_, p) = w.sign_in(9).await;
    let mut auth = SoftAuthenticator::new();
    let origin = w.portal.relying_party().origin.clone();
    let (ceremony, options) = w.portal.passkey_register_begin(&p).await.unwrap();
    let cred = auth.register(&options, &origin);
    let stored = w
        .portal
        .passkey_register_finish(&ctx("10.0.0.2"), &p, &ceremony, &cred, "Телефон")
        .await
        .unwrap();
    assert_eq!(stored.name, "Телефон");
    let again = w
        .portal
        .passkey_register_finish(&ctx("10.0.0.2"), &p, &ceremony, &cred, "x")
        .await
        .unwrap_err();
    assert!(
        matches!(again, Error::Passkey(_)),
        "a ceremony is answered once: {again:?}"
    );

    let (ceremony, options) = w
        .portal
        .passkey_login_begin(&ctx("10.0.0.5"))
        .await
        .unwrap();
    let answer = auth.assert(&options, &origin);
    let s = w
        .portal
        .passkey_login_finish(&ctx("10.0.0.5"), &ceremony, &answer, SessionKind::Cookie)
        .await
        .unwrap();
    assert_eq!(
        w.portal.authenticate(&s.token).await.unwrap().account_id,
        p.account_id
    );
    // Replaying the same assertion: the ceremony is gone; with a new ceremony the challenge differs.
    let (ceremony, _) = w
        .portal
        .passkey_login_begin(&ctx("10.0.0.5"))
        .await
        .unwrap();
    let e = w
        .portal
        .passkey_login_finish(&ctx("10.0.0.5"), &ceremony, &answer, SessionKind::Cookie)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Passkey(why) if why.contains("challenge")),
        "{e:?}"
    );
    assert!(w.actions(&p).await.iter().any(|a| a == "passkey_added:ok"));
}

async fn sessions_list_end_and_sign_out_everywhere(db: TestDb) {
    let w = world(db).await;
    let (token1, p1) = w.sign_in(10).await;
    let f = form(10);
    let ch = w
        .portal
        .login_password(&ctx("10.0.0.7"), &f.email, &f.password)
        .await
        .unwrap();
    let code = w.last_code_to("+79990001010").await;
    let s2 = w
        .portal
        .login_code(&ctx("10.0.0.7"), &ch.id, &code, SessionKind::Cookie)
        .await
        .unwrap();
    let list = w.portal.sessions(&p1).await.unwrap();
    assert_eq!(list.len(), 2);
    w.portal
        .end_session(&ctx("10.0.0.2"), &p1, &s2.session.id)
        .await
        .unwrap();
    assert!(matches!(
        w.portal.authenticate(&s2.token).await,
        Err(Error::Unauthenticated)
    ));
    assert!(w.portal.authenticate(&token1).await.is_ok());
    assert!(matches!(
        w.portal.end_session(&ctx("10.0.0.2"), &p1, "no-such").await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        w.portal
            .logout_everywhere(&ctx("10.0.0.2"), &p1)
            .await
            .unwrap(),
        1
    );
    assert!(matches!(
        w.portal.authenticate(&token1).await,
        Err(Error::Unauthenticated)
    ));
    // Sessions end by themselves, too.
    let (token, _) = w.sign_in(11).await;
    w.clock.advance(31 * 24 * 3600);
    assert!(matches!(
        w.portal.authenticate(&token).await,
        Err(Error::Unauthenticated)
    ));
}

/// Housekeeping deletes only what nothing will use again: a sign-in code stays replaceable
/// for its hour, a session works until it expires, a passkey challenge lasts its five minutes.
async fn housekeeping_keeps_what_sign_in_still_needs(db: TestDb) {
    let w = world(db).await;
    let (token, p) = w.sign_in(13).await;
    let f = form(13);
    let ch = w
        .portal
        .login_password(&ctx("10.0.0.7"), &f.email, &f.password)
        .await
        .unwrap();
    let code = w.last_code_to("+79990001313").await;
    let cookie = w
        .portal
        .login_code(&ctx("10.0.0.7"), &ch.id, &code, SessionKind::Cookie)
        .await
        .unwrap();
    w.portal
        .passkey_login_begin(&ctx("10.0.0.7"))
        .await
        .unwrap();
    let pending = w
        .portal
        .login_password(&ctx("10.0.0.7"), &f.email, &f.password)
        .await
        .unwrap();
    assert_eq!(
        w.portal.housekeeping().await.unwrap().total(),
        0,
        "nothing is spent yet"
    );

    w.clock.advance(30 * 60);
    let pruned = w.portal.housekeeping().await.unwrap();
    assert_eq!(
        (pruned.ceremonies, pruned.codes, pruned.sessions),
        (1, 0, 0)
    );
    assert!(pruned.rate_limits > 0, "the windows of half an hour ago");
    let resent = w
        .portal
        .resend_code(&ctx("10.0.0.7"), &pending.id)
        .await
        .expect("an expired code of this hour can still be replaced");

    w.clock.advance(13 * 3600);
    let pruned = w.portal.housekeeping().await.unwrap();
    assert_eq!(pruned.sessions, 1, "the page session of 12 hours");
    assert!(pruned.codes >= 4, "{pruned:?}");
    assert_eq!(w.portal.housekeeping().await.unwrap().total(), 0);
    let mut tx = w.db.store.read().await.unwrap();
    for gone in [&ch.id, &pending.id, &resent.id] {
        assert!(tx.code(gone).await.unwrap().is_none(), "code {gone}");
    }
    drop(tx);
    assert!(matches!(
        w.portal.authenticate(&cookie.token).await,
        Err(Error::Unauthenticated)
    ));
    assert_eq!(
        w.portal.authenticate(&token).await.unwrap().account_id,
        p.account_id
    );
    assert_eq!(w.portal.sessions(&p).await.unwrap().len(), 1);
    let (_, again) = w.log_in(&f, "+79990001313").await;
    assert_eq!(again.account_id, p.account_id, "signing in still works");
}

async fn profile_changes_are_checked_and_journaled(db: TestDb) {
    let w = world(db).await;
    let (_, p) = w.sign_in(12).await;
    let mut profile = Profile {
        surname: "Петрова".into(),
        given_name: "Анна".into(),
        patronymic: "Сергеевна".into(),
        inn: Some("500100732259".into()),
        snils: Some("112-233-445 95".into()),
        birth_date: Some("1990-01-31".into()),
        passport: Some("4510123456".into()),
        ogrn: None,
    };
    let a = w
        .portal
        .update_profile(&ctx("10.0.0.2"), &p, profile.clone())
        .await
        .unwrap();
    assert_eq!(
        (a.snils.as_deref(), a.passport.as_deref()),
        (Some("11223344595"), Some("4510 123456"))
    );
    // A birth date after today (the clock stands at T0, 2027-01-15) changes nothing.
    let mut unborn = profile.clone();
    unborn.birth_date = Some("2027-01-16".into());
    assert!(matches!(
        w.portal.update_profile(&ctx("10.0.0.2"), &p, unborn).await,
        Err(Error::Invalid {
            field: "birth_date",
            ..
        })
    ));
    profile.inn = Some("500100732258".into());
    assert!(matches!(
        w.portal.update_profile(&ctx("10.0.0.2"), &p, profile).await,
        Err(Error::Invalid { field: "inn", .. })
    ));
    let list = w
        .portal
        .journal(
            &p,
            JournalFilter {
                action: Some("profile_changed".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert!(
        list[0].entry.details.contains("passport") && !list[0].entry.details.contains("4510"),
        "{}",
        list[0].entry.details
    );
}

async fn roles_keep_citizens_to_their_own_data(db: TestDb) {
    let w = world(db).await;
    let (_, alice) = w.sign_in(13).await;
    let (_, bob) = w.sign_in(14).await;
    // A citizen asking for another's journal gets their own.
    let asked = w
        .portal
        .journal(
            &alice,
            JournalFilter {
                account_id: Some(bob.account_id.clone()),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        !asked.is_empty()
            && asked
                .iter()
                .all(|e| e.entry.account_id.as_deref() == Some(alice.account_id.as_str()))
    );
    assert!(matches!(
        w.portal.mailbox(&alice, 10, 0).await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        w.portal.accounts(&alice, 10, 0).await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        w.portal.verify_journal(&ctx("10.0.0.2"), &alice).await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        w.portal
            .grant_role(
                &ctx("10.0.0.2"),
                Some(&alice),
                &form(13).email,
                &Role::Admin
            )
            .await,
        Err(Error::Forbidden)
    ));
    assert!(alice.require_operator_of("ca1").is_err());
    // The server makes the first administrator; the administrator makes an operator.
    w.portal
        .grant_role(&ctx("local"), None, &form(13).email, &Role::Admin)
        .await
        .unwrap();
    let f = form(13);
    let ch = w
        .portal
        .login_password(&ctx("10.0.0.2"), &f.email, &f.password)
        .await
        .unwrap();
    let code = w.last_code_to("+79990001313").await;
    let s = w
        .portal
        .login_code(&ctx("10.0.0.2"), &ch.id, &code, SessionKind::Bearer)
        .await
        .unwrap();
    let admin = w.portal.authenticate(&s.token).await.unwrap();
    assert_eq!(admin.role, Role::Admin);
    let (ip, login) = (ctx("10.0.0.2"), form(14).email);
    let ca1 = Role::Operator { ca: "ca1".into() };
    let operator_of_ca1 = || w.portal.grant_role(&ip, Some(&admin), &login, &ca1);
    assert!(
        matches!(
            operator_of_ca1().await,
            Err(Error::NotFound(podpis_core::Missing::Centre))
        ),
        "an operator of a centre the registry does not have"
    );
    let centre = podpis_core::CentreForm {
        id: "ca1".into(),
        name: "УЦ 1".into(),
        inn: "7707083893".into(),
        ogrn: "1027700132195".into(),
        address: "Москва".into(),
        price: 0,
        accredited_from: None,
        accredited_until: T0 + 86_400,
    };
    w.portal
        .clone()
        .with_vault(podpis_core::Vault::new(&[3; 32]))
        .add_hosted_centre(
            &ctx("10.0.0.2"),
            Some(&admin),
            &centre,
            "gost2012-256".parse().unwrap(),
        )
        .await
        .unwrap();
    let op = operator_of_ca1().await.unwrap();
    assert_eq!(
        (op.role.as_str(), op.operator_ca.as_deref()),
        ("operator", Some("ca1"))
    );
    assert!(!w.portal.mailbox(&admin, 10, 0).await.unwrap().is_empty());
    let bobs = w
        .portal
        .journal(
            &admin,
            JournalFilter {
                account_id: Some(bob.account_id.clone()),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        bobs.iter()
            .all(|e| e.entry.account_id.as_deref() == Some(bob.account_id.as_str()))
    );
    assert!(bobs.iter().any(|e| e.entry.action == "role_changed"));
}

async fn journal_of_a_day_chains_and_verifies(db: TestDb) {
    let w = world(db).await;
    let (_, p) = w.sign_in(15).await;
    assert_eq!(
        w.actions(&p).await,
        [
            "registered:ok",
            "code_sent:ok",
            "code_sent:ok",
            "contact_confirmed:ok",
            "password_checked:ok",
            "code_sent:ok",
            "signed_in:ok"
        ]
    );
    w.portal.logout(&ctx("10.0.0.2"), &p).await.unwrap();
    w.portal
        .grant_role(&ctx("local"), None, &form(15).email, &Role::Admin)
        .await
        .unwrap();
    let (_, admin) = {
        let f = form(15);
        let ch = w
            .portal
            .login_password(&ctx("10.0.0.2"), &f.email, &f.password)
            .await
            .unwrap();
        let code = w.last_code_to("+79990001515").await;
        let s = w
            .portal
            .login_code(&ctx("10.0.0.2"), &ch.id, &code, SessionKind::Bearer)
            .await
            .unwrap();
        (
            s.token.clone(),
            w.portal.authenticate(&s.token).await.unwrap(),
        )
    };
    let held = w
        .portal
        .verify_journal(&ctx("10.0.0.2"), &admin)
        .await
        .unwrap()
        .unwrap();
    assert!(held >= 12, "{held}");
    podpis_testkit::raw_sql(
        &w.db.url,
        "UPDATE journal SET ip = '192.0.2.1' WHERE seq = 3",
    )
    .await;
    let breach = w
        .portal
        .verify_journal(&ctx("10.0.0.2"), &admin)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(breach.seq, 3);
    let last = w
        .portal
        .journal(
            &admin,
            JournalFilter {
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (last[0].entry.action.as_str(), last[0].entry.status.as_str()),
        ("journal_verified", "failed"),
        "the failed check is journaled"
    );
}
