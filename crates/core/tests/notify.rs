//! The outbox worker against real servers on loopback: an SMTP server (lettre speaks SMTP to it)
//! and an HTTP SMS gateway. Delivery, retries with backoff, and a worker killed between the
//! commit of its claim and the send.

use std::sync::Arc;
use std::time::Duration;

use podpis_core::notify::{SmsGateway, SmtpSender, Worker};
use podpis_core::{Context, ManualClock, Policy, Portal, RegistrationForm, RelyingParty};
use podpis_store::Delivery;
use podpis_testkit::{HttpSink, SmtpSink, TestDb};

podpis_testkit::on_both!(
    delivers_email_by_smtp_and_sms_by_http,
    retries_with_backoff,
    a_killed_worker_loses_nothing
);

const T0: i64 = 1_800_000_000;

struct Setup {
    portal: Portal,
    clock: Arc<ManualClock>,
    smtp: SmtpSink,
    sms: HttpSink,
    worker: Worker,
    db: TestDb,
}

async fn setup(db: TestDb) -> Setup {
    let clock = Arc::new(ManualClock::new(T0));
    let portal = Portal::open(
        db.store.clone(),
        clock.clone(),
        Policy::default(),
        RelyingParty::for_url("http://localhost:8080"),
    )
    .await
    .unwrap();
    let smtp = SmtpSink::start().await;
    let sms = HttpSink::start().await;
    let email =
        SmtpSender::new("127.0.0.1", smtp.port, "Podpis <noreply@podpis.test>", None).unwrap();
    let gateway = SmsGateway::new(
        &format!("{}/send?to={{phone}}&text={{text}}", sms.url()),
        None,
    )
    .unwrap();
    let worker = Worker::new(
        db.store.clone(),
        clock.clone(),
        Arc::new(email),
        Arc::new(gateway),
    );
    Setup {
        portal,
        clock,
        smtp,
        sms,
        worker,
        db,
    }
}

async fn register(s: &Setup) {
    let form = RegistrationForm {
        phone: "+79990002233".into(),
        email: "anna@example.ru".into(),
        password: "Пароль-2026".into(),
        surname: "Смирнова".into(),
        given_name: "Анна".into(),
        ..Default::default()
    };
    s.portal
        .register(
            &Context {
                ip: Some("10.1.1.1".into()),
                user_agent: None,
            },
            form,
        )
        .await
        .unwrap();
}

async fn deliveries(s: &Setup) -> Vec<podpis_store::Message> {
    s.db.store
        .read()
        .await
        .unwrap()
        .messages(100, 0)
        .await
        .unwrap()
}

async fn delivers_email_by_smtp_and_sms_by_http(db: TestDb) {
    let s = setup(db).await;
    register(&s).await;
    assert_eq!(s.worker.run_once().await.unwrap(), 2);
    let mail = s.smtp.wait_for("anna@example.ru").await;
    let sms = s.sms.wait_for("79990002233").await;
    let (mail_code, sms_code) = (mail.code().unwrap(), sms.code().unwrap());
    assert_ne!(mail_code, sms_code);
    assert!(mail.text.contains("подтверждения почты"), "{}", mail.text);
    assert!(
        sms.to.starts_with("/send?to=%2B79990002233&text="),
        "{}",
        sms.to
    );
    for m in deliveries(&s).await {
        assert!(matches!(m.delivery, Delivery::Delivered { .. }), "{m:?}");
        assert!(
            !m.message.body.contains(&mail_code) && !m.message.body.contains(&sms_code),
            "codes erased after delivery"
        );
    }
    assert_eq!(s.worker.run_once().await.unwrap(), 0, "nothing twice");
}

async fn retries_with_backoff(db: TestDb) {
    let s = setup(db).await;
    register(&s).await;
    s.sms.fail_next(1);
    s.worker.run_once().await.unwrap();
    let sms = deliveries(&s)
        .await
        .into_iter()
        .find(|m| m.message.channel == "sms")
        .unwrap();
    assert_eq!(
        sms.delivery,
        Delivery::Pending {
            next_attempt_at: T0 + 15
        }
    );
    assert_eq!(
        sms.last_error.as_deref(),
        Some("SMS gateway answered 503 Service Unavailable")
    );
    assert_eq!(
        s.worker.run_once().await.unwrap(),
        0,
        "not due before its backoff"
    );
    s.clock.advance(15);
    assert_eq!(s.worker.run_once().await.unwrap(), 1);
    let sms = deliveries(&s)
        .await
        .into_iter()
        .find(|m| m.message.channel == "sms")
        .unwrap();
    assert!(
        matches!(sms.delivery, Delivery::Delivered { .. }) && sms.attempts == 2,
        "{sms:?}"
    );
    assert_eq!(
        s.sms
            .received()
            .iter()
            .filter(|r| r.to.starts_with("/send"))
            .count(),
        2
    );
}

async fn a_killed_worker_loses_nothing(db: TestDb) {
    let s = setup(db).await;
    register(&s).await;
    s.smtp.set_stalled(true);
    // The worker claims both messages (committed), sends the SMS, and hangs on the SMTP server;
    // it is killed there, between the commit of its claim and the send.
    let worker = s.worker.clone();
    let running = tokio::spawn(async move { worker.run_once().await });
    for _ in 0..100 {
        let claimed = deliveries(&s).await.iter().all(|m| m.attempts == 1);
        if claimed && !s.sms.received().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    running.abort();
    assert!(running.await.unwrap_err().is_cancelled());
    let email = deliveries(&s)
        .await
        .into_iter()
        .find(|m| m.message.channel == "email")
        .unwrap();
    assert_eq!(
        (email.attempts, email.delivery.clone()),
        (
            1,
            Delivery::Pending {
                next_attempt_at: T0
            }
        ),
        "claimed, not sent"
    );
    assert!(s.smtp.received().is_empty());

    // A new worker (the restarted node) leaves it alone while the dead one's lease holds, then
    // delivers it.
    s.smtp.set_stalled(false);
    assert_eq!(s.worker.run_once().await.unwrap(), 0);
    s.clock.advance(s.worker.lease + 1);
    assert_eq!(s.worker.run_once().await.unwrap(), 1);
    let mail = s.smtp.wait_for("anna@example.ru").await;
    assert!(mail.code().is_some());
    let email = deliveries(&s)
        .await
        .into_iter()
        .find(|m| m.message.channel == "email")
        .unwrap();
    assert!(
        matches!(email.delivery, Delivery::Delivered { .. }) && email.attempts == 2,
        "{email:?}"
    );
}
