//! The outbox worker against real servers on loopback: an SMTP server (lettre speaks SMTP to it)
//! and an HTTP SMS gateway. Delivery, retries with backoff, a worker killed between the commit
//! of its claim and the send, a sender so slow that the claim would run out, and a worker that
//! stalls past its claim while another delivers; housekeeping of delivered messages.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use podpis_core::notify::{Outgoing, SendFuture, Sender, SmsGateway, SmtpSender, Worker};
use podpis_core::{Clock, Context, ManualClock, Policy, Portal, RegistrationForm, RelyingParty};
use podpis_store::Delivery;
use podpis_testkit::{HttpSink, SmtpSink, TestDb};

podpis_testkit::on_both!(
    delivers_email_by_smtp_and_sms_by_http,
    retries_with_backoff,
    a_killed_worker_loses_nothing,
    a_slow_sender_never_outlasts_the_claim,
    a_worker_whose_claim_ran_out_leaves_the_outcome_to_the_next,
    delivered_messages_are_deleted_once_kept_their_time
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
    register_as(s, "+79990002233", "anna@example.ru").await;
}

/// Registers a citizen with `phone` and `email`: a code to each goes to the outbox.
async fn register_as(s: &Setup, phone: &str, email: &str) {
    let form = RegistrationForm {
        phone: phone.into(),
        email: email.into(),
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

/// A sender whose every send takes `seconds` of the portal's clock, noting who was sent to and
/// when each send began.
struct Slow {
    clock: Arc<ManualClock>,
    seconds: i64,
    sent: Mutex<Vec<(String, i64)>>,
}

impl Sender for Slow {
    fn name(&self) -> &'static str {
        "slow"
    }
    fn send<'a>(&'a self, message: &'a Outgoing) -> SendFuture<'a> {
        Box::pin(async move {
            let began = self.clock.now();
            self.sent
                .lock()
                .unwrap()
                .push((message.recipient.clone(), began));
            self.clock.advance(self.seconds);
            Ok(())
        })
    }
}

async fn a_slow_sender_never_outlasts_the_claim(db: TestDb) {
    let s = setup(db).await;
    register(&s).await;
    // Each send takes 40 s of a 60 s lease (a send may last 30 s): after the first, a second
    // could end after the claim does, when another worker may have taken that message.
    let slow = Arc::new(Slow {
        clock: s.clock.clone(),
        seconds: 40,
        sent: Mutex::default(),
    });
    let worker = Worker::new(
        s.db.store.clone(),
        s.clock.clone(),
        slow.clone(),
        slow.clone(),
    );
    assert_eq!(worker.lease, 60);
    assert_eq!(
        worker.run_once().await.unwrap(),
        1,
        "one sent, one given back"
    );
    let pending: Vec<_> = deliveries(&s)
        .await
        .into_iter()
        .filter(|m| matches!(m.delivery, Delivery::Pending { .. }))
        .collect();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(
        pending[0].attempts, 0,
        "the attempt it did not make is not counted"
    );

    // It is due at once, before the first claim would have run out.
    assert_eq!(worker.run_once().await.unwrap(), 1);
    let sent = slow.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_ne!(sent[0].0, sent[1].0, "each message once");
    assert_eq!((sent[0].1, sent[1].1), (T0, T0 + 40));
    for m in deliveries(&s).await {
        assert!(
            matches!(m.delivery, Delivery::Delivered { .. }) && m.attempts == 1,
            "{m:?}"
        );
    }
}

/// A sender that stalls past the claim (the portal's clock jumps beyond the lease, as when a
/// node is paused), while which the next worker claims and delivers everything; then it fails.
struct Stalled {
    clock: Arc<ManualClock>,
    next: Worker,
}

impl Sender for Stalled {
    fn name(&self) -> &'static str {
        "stalled"
    }
    fn send<'a>(&'a self, _: &'a Outgoing) -> SendFuture<'a> {
        Box::pin(async move {
            self.clock.advance(61);
            assert_eq!(self.next.run_once().await.unwrap(), 2);
            Err("connection reset".into())
        })
    }
}

async fn a_worker_whose_claim_ran_out_leaves_the_outcome_to_the_next(db: TestDb) {
    let s = setup(db).await;
    register(&s).await;
    let next = Arc::new(Slow {
        clock: s.clock.clone(),
        seconds: 0,
        sent: Mutex::default(),
    });
    let stalled = Arc::new(Stalled {
        clock: s.clock.clone(),
        next: Worker::new(
            s.db.store.clone(),
            s.clock.clone(),
            next.clone(),
            next.clone(),
        ),
    });
    let mut first = Worker::new(
        s.db.store.clone(),
        s.clock.clone(),
        stalled.clone(),
        stalled.clone(),
    );
    // Its one attempt failing would give the message up, were the failure its to record.
    first.max_attempts = 1;
    assert_eq!(first.lease, 60);
    // The first worker claims both messages, stalls on the first send and fails it; the second
    // it no longer holds, so it gives it back, which changes nothing: both are delivered.
    assert_eq!(first.run_once().await.unwrap(), 1);
    assert_eq!(next.sent.lock().unwrap().len(), 2);
    let stats = first.stats();
    assert_eq!(
        (
            stats.delivered.load(std::sync::atomic::Ordering::Relaxed),
            stats.failed.load(std::sync::atomic::Ordering::Relaxed),
            stats.retried.load(std::sync::atomic::Ordering::Relaxed),
        ),
        (0, 0, 0),
        "the stale failure is not counted"
    );
    for m in deliveries(&s).await {
        assert_eq!(
            (m.delivery.clone(), m.last_error.as_deref(), m.attempts),
            (
                Delivery::Delivered {
                    at: T0 + 61,
                    by: "slow".into()
                },
                None,
                2
            ),
            "{m:?}"
        );
    }
}

/// Housekeeping deletes a delivered message once it has been kept for
/// [`Policy::messages_kept`], and never one still queued, however old.
async fn delivered_messages_are_deleted_once_kept_their_time(db: TestDb) {
    let s = setup(db).await;
    let kept = Policy::default().messages_kept;
    register(&s).await;
    assert_eq!(s.worker.run_once().await.unwrap(), 2);
    s.clock.advance(kept - 60);
    register_as(&s, "+79990002244", "boris@example.ru").await;
    assert_eq!(s.portal.housekeeping().await.unwrap().messages, 0);
    assert_eq!(deliveries(&s).await.len(), 4);
    s.clock.advance(61);
    assert_eq!(s.portal.housekeeping().await.unwrap().messages, 2);
    let left = deliveries(&s).await;
    assert_eq!(left.len(), 2);
    for m in &left {
        assert!(m.message.recipient.contains("2244") || m.message.recipient == "boris@example.ru");
        assert!(matches!(m.delivery, Delivery::Pending { .. }), "{m:?}");
    }
    s.clock.advance(2 * kept);
    assert_eq!(
        s.portal.housekeeping().await.unwrap().messages,
        0,
        "queued messages stay however old"
    );
    assert_eq!(s.worker.run_once().await.unwrap(), 2, "and are still sent");
}
