//! Applying for a qualified certificate: the form, the scans, the automatic checks, the
//! centre's pre-review, and the state machine refusing every move it does not allow.

mod common;

use common::{INN, PRICE, SNILS, World, centre_form, ctx, gost, pdf, signature, world};
use std::sync::Arc;

use podpis_core::payments::{Order, SandboxGateway, TEST_CARD_DECLINED, TEST_CARD_OK};
use podpis_core::{
    ApplicationForm, Error, IdentityCheck, IdentityDocument, Issuance, Lang, MAX_SCAN_BYTES,
    Medium, Portal, Possession, Principal, Review, Status, SubjectType,
};
use podpis_keys::{Signer, SoftwareKey};
use podpis_pki::Certificate;
use podpis_pki::csr::Csr;
use podpis_pki::subject::SubjectInfo;
use podpis_store::JournalFilter;
use podpis_testkit::TestDb;

podpis_testkit::on_both!(
    an_application_goes_through_review,
    the_automatic_checks_give_every_reason,
    scans_are_pdf_and_small_and_private,
    the_state_machine_refuses_other_moves,
    a_payment_is_taken_once,
    a_visit_is_booked_moved_reminded_and_checked,
    a_refusal_at_the_visit_cancels_with_its_reason,
    token_and_p12_applications_are_issued,
    a_cloud_key_is_issued_bound_with_its_pin_and_its_pin_changed,
    a_valid_certificate_is_reissued_without_a_visit
);

/// A complete form for a person applying to `demo`, prefilled from the profile.
async fn complete_form(w: &World, who: &Principal) -> ApplicationForm {
    let mut form = w.portal.application_form(who).await.unwrap();
    assert_eq!(
        (
            form.snils.as_str(),
            form.inn.as_str(),
            form.surname.as_str()
        ),
        (SNILS, INN, "Иванов"),
        "prefilled from the profile"
    );
    assert!(form.phone.starts_with("+7999200") && form.email.ends_with("@example.ru"));
    form.centre_id = "demo".into();
    form.birth_date = "1990-05-17".into();
    form.document_number = "4510 123456".into();
    form.consent = true;
    form
}

fn text(e: &Error) -> String {
    e.text(Lang::En)
}

async fn an_application_goes_through_review(db: TestDb) {
    let w = world(db).await;
    let me = w.citizen(1, SNILS).await;
    let operator = w.operator(2, "demo").await;
    let app = w
        .portal
        .create_application(&ctx(), &me, complete_form(&w, &me).await)
        .await
        .unwrap();
    assert_eq!(app.status, Status::Draft);
    assert_eq!(app.application.price, PRICE);
    let id = app.application.id.clone();
    w.portal
        .attach_scan(
            &ctx(),
            &me,
            &id,
            "passport",
            "паспорт.pdf",
            &pdf("passport"),
        )
        .await
        .unwrap();

    let submitted = w.portal.submit_application(&ctx(), &me, &id).await.unwrap();
    assert_eq!(
        submitted.status,
        Status::Accepted,
        "{}",
        submitted.application.comment
    );
    let told = w.messages_to("+79992000001").await;
    assert!(told.last().unwrap().contains("принято"), "{told:?}");

    // The operator of another centre neither sees nor reviews it.
    w.portal
        .add_hosted_centre(&ctx(), None, &centre_form("other", 0), gost())
        .await
        .unwrap();
    let stranger = w.operator(3, "other").await;
    assert!(matches!(
        w.portal.application(&stranger, &id).await.unwrap_err(),
        Error::NotFound(_)
    ));
    assert!(matches!(
        w.portal
            .review_application(&ctx(), &stranger, &id, Review::Approve)
            .await
            .unwrap_err(),
        Error::Forbidden
    ));
    assert!(matches!(
        w.portal
            .application_queue(&stranger, "demo", Status::Accepted)
            .await
            .unwrap_err(),
        Error::Forbidden
    ));

    // The centre's operator finds it in the queue, sees the scan and returns it.
    let queue = w
        .portal
        .application_queue(&operator, "demo", Status::Accepted)
        .await
        .unwrap();
    assert_eq!(queue.len(), 1);
    let seen = w.portal.application(&operator, &id).await.unwrap();
    assert_eq!(seen.scans.len(), 1);
    let scan = w
        .portal
        .scan(&operator, &id, &seen.scans[0].id)
        .await
        .unwrap();
    assert_eq!(scan.content, pdf("passport"));
    let e = w
        .portal
        .review_application(&ctx(), &operator, &id, Review::Return("  ".into()))
        .await
        .unwrap_err();
    assert!(matches!(
        e,
        Error::Invalid {
            field: "comment",
            ..
        }
    ));
    let returned = w
        .portal
        .review_application(
            &ctx(),
            &operator,
            &id,
            Review::Return("The passport scan is unreadable".into()),
        )
        .await
        .unwrap();
    assert_eq!(returned.status, Status::Returned);
    assert!(
        w.messages_to("c1@example.ru")
            .await
            .last()
            .unwrap()
            .contains("The passport scan is unreadable")
    );

    // The applicant corrects the scan and submits again; the operator approves.
    w.portal
        .remove_scan(&ctx(), &me, &id, &seen.scans[0].id)
        .await
        .unwrap();
    w.portal
        .attach_scan(
            &ctx(),
            &me,
            &id,
            "passport",
            "passport-2.pdf",
            &pdf("clear"),
        )
        .await
        .unwrap();
    let again = w.portal.submit_application(&ctx(), &me, &id).await.unwrap();
    assert_eq!(
        again.status,
        Status::Accepted,
        "{}",
        again.application.comment
    );
    let approved = w
        .portal
        .review_application(&ctx(), &operator, &id, Review::Approve)
        .await
        .unwrap();
    assert_eq!(approved.status, Status::AwaitingPayment);
    assert!(
        w.messages_to("+79992000001")
            .await
            .last()
            .unwrap()
            .contains("Оплатите")
    );

    // Every move is in the applicant's journal, the operator's as actor.
    let journal = w
        .portal
        .journal(
            &me,
            JournalFilter {
                limit: 100,
                ..JournalFilter::default()
            },
        )
        .await
        .unwrap();
    let moves: Vec<&str> = journal
        .iter()
        .rev()
        .filter(|e| e.entry.action == "application_changed")
        .map(|e| e.entry.details.as_str())
        .collect();
    assert_eq!(
        moves,
        [
            "draft → submitted",
            "submitted → accepted",
            "accepted → returned: The passport scan is unreadable",
            "returned → submitted",
            "submitted → accepted",
            "accepted → approved",
            "approved → awaiting_payment",
        ]
    );
    let review = journal
        .iter()
        .find(|e| e.entry.details.starts_with("accepted → returned"))
        .unwrap();
    assert_eq!(
        review.entry.actor.as_deref(),
        Some(operator.account_id.as_str())
    );
}

async fn the_automatic_checks_give_every_reason(db: TestDb) {
    let w = world(db).await;
    let me = w.citizen(1, SNILS).await;
    let mut form = complete_form(&w, &me).await;
    form.subject_type = SubjectType::Officer;
    form.inn = "500100732250".into();
    form.ogrn = "1027700132190".into();
    form.inn_le = "7707083893".into();
    form.consent = false;
    let app = w
        .portal
        .create_application(&ctx(), &me, form.clone())
        .await
        .unwrap();
    let id = app.application.id.clone();
    let rejected = w.portal.submit_application(&ctx(), &me, &id).await.unwrap();
    assert_eq!(rejected.status, Status::Rejected);
    let why = rejected.application.comment.clone();
    for reason in [
        "ИНН: контрольная цифра",
        "ОГРН: контрольная цифра",
        "наименование организации",
        "должность",
        "улица и дом",
        "скан: паспорт",
        "устав",
        "доверенность",
        "согласие",
    ] {
        assert!(why.contains(reason), "{reason} missing from: {why}");
    }
    assert!(
        !why.contains("ИНН юридического лица"),
        "a valid INN of the entity passes: {why}"
    );
    assert!(
        w.messages_to("c1@example.ru")
            .await
            .last()
            .unwrap()
            .contains("отклонено")
    );

    // Corrected, it passes.
    form.inn = INN.into();
    form.ogrn = "1027700132195".into();
    form.organization = "ООО «Ромашка»".into();
    form.title = "Генеральный директор".into();
    form.region = "77 г. Москва".into();
    form.locality = "Москва".into();
    form.street = "ул. Тверская, д. 1".into();
    form.consent = true;
    w.portal
        .update_application(&ctx(), &me, &id, form.clone())
        .await
        .unwrap();
    for kind in ["passport", "charter", "power_of_attorney"] {
        w.portal
            .attach_scan(&ctx(), &me, &id, kind, "scan.pdf", &pdf(kind))
            .await
            .unwrap();
    }
    let accepted = w.portal.submit_application(&ctx(), &me, &id).await.unwrap();
    assert_eq!(
        accepted.status,
        Status::Accepted,
        "{}",
        accepted.application.comment
    );

    // A second open application of the same kind is a duplicate; of another kind it is not.
    let dup = w
        .portal
        .create_application(&ctx(), &me, form.clone())
        .await
        .unwrap();
    for kind in ["passport", "charter", "power_of_attorney"] {
        w.portal
            .attach_scan(
                &ctx(),
                &me,
                &dup.application.id,
                kind,
                "scan.pdf",
                &pdf(kind),
            )
            .await
            .unwrap();
    }
    let refused = w
        .portal
        .submit_application(&ctx(), &me, &dup.application.id)
        .await
        .unwrap();
    assert_eq!(refused.status, Status::Rejected);
    assert!(
        refused.application.comment.contains(&id),
        "{}",
        refused.application.comment
    );

    // A foreign passport needs a migration card; a SNILS not the account's is refused.
    let mut foreign = complete_form(&w, &me).await;
    foreign.document = IdentityDocument::ForeignPassport;
    foreign.document_number = "AB1234567".into();
    foreign.subject_type = SubjectType::Entrepreneur;
    foreign.ogrnip = "304500116000157".into();
    foreign.snils = "08765430300".into();
    let app = w
        .portal
        .create_application(&ctx(), &me, foreign)
        .await
        .unwrap();
    w.portal
        .attach_scan(
            &ctx(),
            &me,
            &app.application.id,
            "passport",
            "p.pdf",
            &pdf("p"),
        )
        .await
        .unwrap();
    let rejected = w
        .portal
        .submit_application(&ctx(), &me, &app.application.id)
        .await
        .unwrap();
    let why = rejected.application.comment;
    assert!(why.contains("миграционная карта"), "{why}");
    assert!(why.contains("не совпадает со СНИЛС"), "{why}");
    assert!(!why.contains("ОГРНИП"), "a valid OGRNIP passes: {why}");
}

async fn scans_are_pdf_and_small_and_private(db: TestDb) {
    let w = world(db).await;
    let me = w.citizen(1, SNILS).await;
    let other = w.citizen(2, "").await;
    let app = w
        .portal
        .create_application(&ctx(), &me, complete_form(&w, &me).await)
        .await
        .unwrap();
    let id = app.application.id.clone();

    let png = b"\x89PNG\r\n\x1a\n not a pdf at all".to_vec();
    let e = w
        .portal
        .attach_scan(&ctx(), &me, &id, "passport", "passport.pdf", &png)
        .await
        .unwrap_err();
    assert!(text(&e).contains("not a PDF"), "{}", text(&e));
    let mut big = pdf("big");
    big.splice(9..9, vec![b' '; MAX_SCAN_BYTES]);
    let e = w
        .portal
        .attach_scan(&ctx(), &me, &id, "passport", "big.pdf", &big)
        .await
        .unwrap_err();
    assert!(text(&e).contains("over 5 MB"), "{}", text(&e));
    let e = w
        .portal
        .attach_scan(&ctx(), &me, &id, "selfie", "a.pdf", &pdf("a"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Invalid { field: "kind", .. }));
    let e = w
        .portal
        .attach_scan(&ctx(), &other, &id, "passport", "a.pdf", &pdf("a"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)));
    assert!(
        w.portal
            .application(&me, &id)
            .await
            .unwrap()
            .scans
            .is_empty(),
        "nothing refused was stored"
    );

    // Exactly 5 MB is accepted.
    let mut edge = pdf("edge");
    edge.splice(9..9, vec![b' '; MAX_SCAN_BYTES - edge.len()]);
    assert_eq!(edge.len(), MAX_SCAN_BYTES);
    let stored = w
        .portal
        .attach_scan(&ctx(), &me, &id, "passport", "edge.pdf", &edge)
        .await
        .unwrap();
    assert_eq!(stored.size as usize, MAX_SCAN_BYTES);
    assert_eq!(stored.hash.len(), 64);
    assert_eq!(
        w.portal.scan(&me, &id, &stored.id).await.unwrap().content,
        edge
    );
    assert!(matches!(
        w.portal.scan(&other, &id, &stored.id).await.unwrap_err(),
        Error::NotFound(_)
    ));
    assert!(matches!(
        w.portal.application(&other, &id).await.unwrap_err(),
        Error::NotFound(_)
    ));
    assert!(w.portal.applications(&other).await.unwrap().is_empty());
    assert_eq!(w.portal.applications(&me).await.unwrap().len(), 1);
}

async fn the_state_machine_refuses_other_moves(db: TestDb) {
    let w = world(db).await;
    let me = w.citizen(1, SNILS).await;
    let operator = w.operator(2, "demo").await;
    let app = w
        .portal
        .create_application(&ctx(), &me, complete_form(&w, &me).await)
        .await
        .unwrap();
    let id = app.application.id.clone();

    // A draft cannot be reviewed.
    let e = w
        .portal
        .review_application(&ctx(), &operator, &id, Review::Approve)
        .await
        .unwrap_err();
    assert!(
        text(&e).contains("cannot become «Approved»"),
        "{}",
        text(&e)
    );

    w.portal
        .attach_scan(&ctx(), &me, &id, "passport", "p.pdf", &pdf("p"))
        .await
        .unwrap();
    w.portal.submit_application(&ctx(), &me, &id).await.unwrap();
    // Accepted: neither submitted again nor edited.
    let e = w
        .portal
        .submit_application(&ctx(), &me, &id)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Conflict { .. }), "{e}");
    let e = w
        .portal
        .update_application(&ctx(), &me, &id, complete_form(&w, &me).await)
        .await
        .unwrap_err();
    assert!(text(&e).contains("cannot be changed"), "{}", text(&e));
    let e = w
        .portal
        .attach_scan(&ctx(), &me, &id, "other", "o.pdf", &pdf("o"))
        .await
        .unwrap_err();
    assert!(text(&e).contains("cannot be changed"), "{}", text(&e));

    // Cancelled once, not twice; and nothing moves a cancelled application.
    let cancelled = w.portal.cancel_application(&ctx(), &me, &id).await.unwrap();
    assert_eq!(cancelled.status, Status::Cancelled);
    assert!(matches!(
        w.portal
            .cancel_application(&ctx(), &me, &id)
            .await
            .unwrap_err(),
        Error::Conflict { .. }
    ));
    assert!(matches!(
        w.portal
            .review_application(&ctx(), &operator, &id, Review::Approve)
            .await
            .unwrap_err(),
        Error::Conflict { .. }
    ));
    // A cancelled application is no duplicate: a new one is accepted.
    let fresh = w
        .portal
        .create_application(&ctx(), &me, complete_form(&w, &me).await)
        .await
        .unwrap();
    w.portal
        .attach_scan(
            &ctx(),
            &me,
            &fresh.application.id,
            "passport",
            "p.pdf",
            &pdf("p"),
        )
        .await
        .unwrap();
    let accepted = w
        .portal
        .submit_application(&ctx(), &me, &fresh.application.id)
        .await
        .unwrap();
    assert_eq!(
        accepted.status,
        Status::Accepted,
        "{}",
        accepted.application.comment
    );
}

/// An application of `me` to `demo`, approved by `operator`: it awaits payment.
async fn approved(w: &World, portal: &Portal, me: &Principal, operator: &Principal) -> String {
    approved_for(w, portal, me, operator, Medium::Token).await
}

/// An application of `me` to `demo` for a key on `medium`, approved by `operator`.
async fn approved_for(
    w: &World,
    portal: &Portal,
    me: &Principal,
    operator: &Principal,
    medium: Medium,
) -> String {
    let mut form = complete_form(w, me).await;
    form.medium = medium;
    let app = portal.create_application(&ctx(), me, form).await.unwrap();
    let id = app.application.id;
    portal
        .attach_scan(&ctx(), me, &id, "passport", "p.pdf", &pdf("p"))
        .await
        .unwrap();
    portal.submit_application(&ctx(), me, &id).await.unwrap();
    let approved = portal
        .review_application(&ctx(), operator, &id, Review::Approve)
        .await
        .unwrap();
    assert_eq!(approved.status, Status::AwaitingPayment);
    id
}

/// The order behind a sandbox checkout link.
fn order_of(gateway: &SandboxGateway, url: &str) -> Order {
    let query = url.split_once('?').unwrap().1;
    let (order, sig) = query.split_once("&sig=").unwrap();
    gateway
        .open(order.strip_prefix("order=").unwrap(), sig)
        .unwrap()
}

async fn a_payment_is_taken_once(db: TestDb) {
    let w = world(db).await;
    let gateway = SandboxGateway::new(b"sandbox key", "http://localhost:8080/sandbox/pay");
    let portal = w.portal.clone().with_payments(Arc::new(gateway.clone()));
    let me = w.citizen(1, SNILS).await;
    let operator = w.operator(2, "demo").await;
    let id = approved(&w, &portal, &me, &operator).await;
    let back = "http://localhost:8080/applications";

    // Without a provider nothing can be paid.
    let e = w
        .portal
        .pay_application(&ctx(), &me, &id, back)
        .await
        .unwrap_err();
    assert!(text(&e).contains("not configured"), "{}", text(&e));
    // Another citizen cannot pay for it.
    let other = w.citizen(3, "").await;
    assert!(matches!(
        portal
            .pay_application(&ctx(), &other, &id, back)
            .await
            .unwrap_err(),
        Error::NotFound(_)
    ));

    // A declined card: the payment is declined, the application still awaits payment.
    let first = portal
        .pay_application(&ctx(), &me, &id, back)
        .await
        .unwrap();
    let order = order_of(&gateway, &first.url);
    assert_eq!((order.amount, order.return_url.as_str()), (PRICE, back));
    let (body, sig) = gateway.charge(&order, TEST_CARD_DECLINED).unwrap();
    portal.payment_webhook(&ctx(), &body, &sig).await.unwrap();
    let view = portal.application(&me, &id).await.unwrap();
    assert_eq!(view.status, Status::AwaitingPayment);
    assert!(
        w.messages_to("+79992000001")
            .await
            .last()
            .unwrap()
            .contains("insufficient funds")
    );

    // A forged or altered webhook is refused and changes nothing.
    let e = portal
        .payment_webhook(&ctx(), &body, "00ff")
        .await
        .unwrap_err();
    assert!(matches!(
        e,
        Error::Invalid {
            field: "signature",
            ..
        }
    ));
    let lie = String::from_utf8(body.clone())
        .unwrap()
        .replace("declined", "succeeded");
    assert!(
        portal
            .payment_webhook(&ctx(), lie.as_bytes(), &sig)
            .await
            .is_err()
    );

    // Two payments started, both charged: the first makes it paid, the second is refused.
    let second = portal
        .pay_application(&ctx(), &me, &id, back)
        .await
        .unwrap();
    let third = portal
        .pay_application(&ctx(), &me, &id, back)
        .await
        .unwrap();
    let (ok_body, ok_sig) = gateway
        .charge(&order_of(&gateway, &second.url), TEST_CARD_OK)
        .unwrap();
    portal
        .payment_webhook(&ctx(), &ok_body, &ok_sig)
        .await
        .unwrap();
    assert_eq!(
        portal.application(&me, &id).await.unwrap().status,
        Status::Paid
    );
    let (dup_body, dup_sig) = gateway
        .charge(&order_of(&gateway, &third.url), TEST_CARD_OK)
        .unwrap();
    let e = portal
        .payment_webhook(&ctx(), &dup_body, &dup_sig)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Conflict { .. }), "{e}");

    // Repeats of settled webhooks change nothing.
    let before = w
        .portal
        .journal(
            &me,
            JournalFilter {
                limit: 1000,
                ..JournalFilter::default()
            },
        )
        .await
        .unwrap()
        .len();
    portal
        .payment_webhook(&ctx(), &ok_body, &ok_sig)
        .await
        .unwrap();
    portal.payment_webhook(&ctx(), &body, &sig).await.unwrap();
    let after = w
        .portal
        .journal(
            &me,
            JournalFilter {
                limit: 1000,
                ..JournalFilter::default()
            },
        )
        .await
        .unwrap()
        .len();
    assert_eq!(before, after);
    let payments = portal.payments(&me, &id).await.unwrap();
    let states: Vec<&str> = payments.iter().map(|p| p.status.as_str()).collect();
    assert_eq!(states, ["declined", "succeeded", "pending"]);

    // Paid: no further payment starts.
    let e = portal
        .pay_application(&ctx(), &me, &id, back)
        .await
        .unwrap_err();
    assert!(text(&e).contains("does not await payment"), "{}", text(&e));
}

/// `approved` and then paid through the sandbox.
async fn paid(w: &World, portal: &Portal, me: &Principal, operator: &Principal) -> String {
    paid_for(w, portal, me, operator, Medium::Token).await
}

/// `approved_for` and then paid through the sandbox.
async fn paid_for(
    w: &World,
    portal: &Portal,
    me: &Principal,
    operator: &Principal,
    medium: Medium,
) -> String {
    let id = approved_for(w, portal, me, operator, medium).await;
    let gateway = SandboxGateway::new(b"sandbox key", "http://localhost:8080/sandbox/pay");
    let checkout = portal
        .pay_application(&ctx(), me, &id, "http://localhost:8080/back")
        .await
        .unwrap();
    let (body, sig) = gateway
        .charge(&order_of(&gateway, &checkout.url), TEST_CARD_OK)
        .unwrap();
    portal.payment_webhook(&ctx(), &body, &sig).await.unwrap();
    id
}

async fn a_visit_is_booked_moved_reminded_and_checked(db: TestDb) {
    let w = world(db).await;
    let gateway = SandboxGateway::new(b"sandbox key", "http://localhost:8080/sandbox/pay");
    let portal = w.portal.clone().with_payments(Arc::new(gateway));
    let me = w.citizen(1, SNILS).await;
    let operator = w.operator(2, "demo").await;
    let day = 24 * 3600;
    let (first, second) = (common::T0 + 2 * day, common::T0 + 3 * day);

    // Only the centre's operators publish slots, in the future, one per time.
    assert!(matches!(
        portal
            .publish_slots(&ctx(), &me, "demo", &[first], 30)
            .await
            .unwrap_err(),
        Error::Forbidden
    ));
    let e = portal
        .publish_slots(&ctx(), &operator, "demo", &[common::T0 - 60], 30)
        .await
        .unwrap_err();
    assert!(text(&e).contains("future"), "{}", text(&e));
    let slots = portal
        .publish_slots(&ctx(), &operator, "demo", &[first, second], 30)
        .await
        .unwrap();
    let e = portal
        .publish_slots(&ctx(), &operator, "demo", &[second], 30)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Conflict { .. }), "{e}");
    assert_eq!(portal.free_slots("demo").await.unwrap().len(), 2);

    // A visit is booked only once the application is paid.
    let id = approved(&w, &portal, &me, &operator).await;
    let e = portal
        .book_visit(&ctx(), &me, &id, &slots[0].id)
        .await
        .unwrap_err();
    assert!(text(&e).contains("cannot become"), "{}", text(&e));
    portal.cancel_application(&ctx(), &me, &id).await.unwrap();
    let id = paid(&w, &portal, &me, &operator).await;
    let visit = portal
        .book_visit(&ctx(), &me, &id, &slots[0].id)
        .await
        .unwrap();
    assert!(
        visit.code.len() == 9 && visit.code.as_bytes()[4] == b'-',
        "{}",
        visit.code
    );
    let told = w.messages_to("+79992000001").await;
    let last = told.last().unwrap();
    assert!(
        last.contains("готов вас принять") && last.contains(&visit.code),
        "{last}"
    );
    assert_eq!(
        portal.application(&me, &id).await.unwrap().status,
        Status::VisitBooked
    );

    // Moved to the second slot: new codes, the first slot free again.
    let moved = portal
        .book_visit(&ctx(), &me, &id, &slots[1].id)
        .await
        .unwrap();
    assert_ne!(moved.code, visit.code);
    let free: Vec<String> = portal
        .free_slots("demo")
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(free, [slots[0].id.clone()]);
    assert_eq!(portal.visit(&me, &id).await.unwrap(), moved);
    assert!(
        matches!(
            portal.open_visit(&operator, &visit.code).await.unwrap_err(),
            Error::Invalid { field: "code", .. }
        ),
        "the old code no longer opens it"
    );

    // Cancelled, the slot is free and the application paid again; booked again, the same codes.
    let cancelled = portal.cancel_visit(&ctx(), &me, &id).await.unwrap();
    assert_eq!(cancelled.status, Status::Paid);
    assert_eq!(portal.free_slots("demo").await.unwrap().len(), 2);
    let rebooked = portal
        .book_visit(&ctx(), &me, &id, &slots[1].id)
        .await
        .unwrap();
    assert_eq!(rebooked.code, moved.code);

    // The reminder goes out the day before, once.
    assert_eq!(portal.remind_visits().await.unwrap(), 0);
    w.clock.advance(second - common::T0 - 20 * 3600);
    assert_eq!(portal.remind_visits().await.unwrap(), 1);
    assert_eq!(portal.remind_visits().await.unwrap(), 0);
    assert!(
        w.messages_to("c1@example.ru")
            .await
            .last()
            .unwrap()
            .contains("Напоминаем")
    );

    // At the centre: opened by the short code or the QR token, by its operators only.
    let by_code = portal.open_visit(&operator, &moved.code).await.unwrap();
    assert_eq!(by_code.application.id, id);
    assert_eq!(by_code.scans.len(), 1);
    let by_token = portal.open_visit(&operator, &moved.token).await.unwrap();
    assert_eq!(by_token.application.id, id);
    portal
        .add_hosted_centre(&ctx(), None, &centre_form("other", 0), gost())
        .await
        .unwrap();
    let stranger = w.operator(3, "other").await;
    assert!(matches!(
        portal
            .open_visit(&stranger, &moved.token)
            .await
            .unwrap_err(),
        Error::Forbidden
    ));
    let forged = format!("{}.{}.{}", id, moved.expires_at + 86_400, "00".repeat(32));
    assert!(portal.open_visit(&operator, &forged).await.is_err());
    assert!(matches!(
        portal
            .check_identity(&ctx(), &stranger, &id, IdentityCheck::Confirmed)
            .await
            .unwrap_err(),
        Error::Forbidden
    ));
    let e = portal
        .check_identity(&ctx(), &operator, &id, IdentityCheck::Refused(" ".into()))
        .await
        .unwrap_err();
    assert!(matches!(
        e,
        Error::Invalid {
            field: "reason",
            ..
        }
    ));
    // Past the slot's end and the grace, neither code opens it.
    w.clock.advance(20 * 3600 + 30 * 60 + 2 * 3600 + 60);
    for presented in [&moved.code, &moved.token] {
        let e = portal.open_visit(&operator, presented).await.unwrap_err();
        assert!(text(&e).contains("expired"), "{}", text(&e));
    }

    // The operator who opened it confirms the identity; the slot is done with.
    let verified = portal
        .check_identity(&ctx(), &operator, &id, IdentityCheck::Confirmed)
        .await
        .unwrap();
    assert_eq!(verified.status, Status::IdentityVerified);
    assert!(
        verified
            .application
            .comment
            .contains("identificationKind 0")
    );
    assert!(matches!(
        portal.visit(&me, &id).await.unwrap_err(),
        Error::NotFound(_)
    ));
}

/// The operator refuses at the visit (the originals do not match): the application is
/// cancelled with the reason as its comment, which the applicant is told; no certificate can
/// be issued for it.
async fn a_refusal_at_the_visit_cancels_with_its_reason(db: TestDb) {
    let w = world(db).await;
    let portal = paying(&w);
    let me = w.citizen(1, SNILS).await;
    let operator = w.operator(2, "demo").await;
    let id = paid_for(&w, &portal, &me, &operator, Medium::P12).await;
    let at = w.portal.clock().now() + 24 * 3600;
    let slot = portal
        .publish_slots(&ctx(), &operator, "demo", &[at], 30)
        .await
        .unwrap()
        .remove(0);
    portal.book_visit(&ctx(), &me, &id, &slot.id).await.unwrap();
    let reason = "Паспорт не совпадает с данными заявления";
    let refused = portal
        .check_identity(
            &ctx(),
            &operator,
            &id,
            IdentityCheck::Refused(reason.into()),
        )
        .await
        .unwrap();
    assert_eq!(refused.status, Status::Cancelled);
    assert_eq!(refused.application.comment, reason);
    let told = w.messages_to("c1@example.ru").await;
    assert!(
        told.last()
            .unwrap()
            .contains(&format!("В выдаче сертификата отказано: {reason}")),
        "{told:?}"
    );
    assert!(
        portal
            .issue_for_application(&ctx(), &operator, &id, Issuance::P12)
            .await
            .is_err()
    );
    assert_eq!(
        portal.application(&me, &id).await.unwrap().status,
        Status::Cancelled
    );
}

/// A portal taking sandbox payments.
fn paying(w: &World) -> Portal {
    let gateway = SandboxGateway::new(b"sandbox key", "http://localhost:8080/sandbox/pay");
    w.portal.clone().with_payments(Arc::new(gateway))
}

/// An application for `medium` taken to `identity_verified`: paid, a visit booked in a fresh
/// slot `n` days ahead, the identity confirmed.
async fn verified(
    w: &World,
    portal: &Portal,
    me: &Principal,
    operator: &Principal,
    medium: Medium,
    n: i64,
) -> String {
    let id = paid_for(w, portal, me, operator, medium).await;
    let at = w.portal.clock().now() + n * 24 * 3600;
    let slot = portal
        .publish_slots(&ctx(), operator, "demo", &[at], 30)
        .await
        .unwrap()
        .remove(0);
    portal.book_visit(&ctx(), me, &id, &slot.id).await.unwrap();
    portal
        .check_identity(&ctx(), operator, &id, IdentityCheck::Confirmed)
        .await
        .unwrap();
    id
}

async fn token_and_p12_applications_are_issued(db: TestDb) {
    let w = world(db).await;
    let portal = paying(&w);
    let me = w.citizen(1, SNILS).await;
    let operator = w.operator(2, "demo").await;

    // .p12: the centre makes the key; the file opens with the password shown once.
    let id = verified(&w, &portal, &me, &operator, Medium::P12, 1).await;
    let e = portal
        .issue_for_application(&ctx(), &operator, &id, Issuance::Csr(b"x".to_vec()))
        .await
        .err()
        .unwrap();
    assert!(text(&e).contains("key medium «p12»"), "{}", text(&e));
    portal
        .add_hosted_centre(&ctx(), None, &centre_form("other", 0), gost())
        .await
        .unwrap();
    let stranger = w.operator(3, "other").await;
    assert!(matches!(
        portal
            .issue_for_application(&ctx(), &stranger, &id, Issuance::P12)
            .await
            .err()
            .unwrap(),
        Error::Forbidden
    ));
    let issued = portal
        .issue_for_application(&ctx(), &operator, &id, Issuance::P12)
        .await
        .unwrap();
    let p12 = issued.p12.expect("a .p12 file");
    assert_eq!(p12.password.len(), 16);
    let contents = podpis_keys::pkcs12::import(&p12.der, p12.password.as_bytes()).unwrap();
    assert_eq!(contents.certificates[0], issued.certificate.der);
    let cert = Certificate::from_der(&issued.certificate.der).unwrap();
    assert_eq!(
        cert.x509().tbs_certificate().subject_public_key_info(),
        &contents.key.public_key().unwrap()
    );
    let subject = SubjectInfo::from_attributes(&cert.subject()).unwrap();
    assert_eq!(subject.snils.as_deref(), Some(SNILS));
    assert_eq!(subject.surname.as_deref(), Some("Иванов"));
    assert!(podpis_keys::pkcs12::import(&p12.der, b"wrong").is_err());

    // The issuance act: a one-page PDF with the font embedded and the text mapped to Unicode.
    let font = std::fs::read(podpis_core::DEFAULT_ACT_FONT)
        .expect("DejaVu Sans (fonts-dejavu-core; scripts/test installs it)");
    let act = portal.application_act(&operator, &id, &font).await.unwrap();
    assert!(podpis_core::is_pdf(&act));
    let raw = String::from_utf8_lossy(&act);
    for needle in [
        "/CIDFontType2",
        "/Identity-H",
        "/ToUnicode",
        "/FontFile2",
        "<0411>",
    ] {
        assert!(raw.contains(needle), "{needle}");
    }
    assert_eq!(
        portal.application_act(&me, &id, &font).await.unwrap().len(),
        act.len(),
        "the applicant gets the same act"
    );
    let nobody = w.citizen(9, "").await;
    assert!(matches!(
        portal
            .application_act(&nobody, &id, &font)
            .await
            .unwrap_err(),
        Error::NotFound(_)
    ));
    assert!(matches!(
        portal
            .application_act(&me, &id, b"not a font")
            .await
            .unwrap_err(),
        Error::Internal(_)
    ));
    let view = portal.application(&me, &id).await.unwrap();
    assert_eq!(view.status, Status::Issued);
    assert_eq!(
        view.application.serial.as_deref(),
        Some(issued.certificate.serial.as_str())
    );
    assert!(
        w.messages_to("+79992000001")
            .await
            .last()
            .unwrap()
            .contains("выпущен")
    );
    let e = portal
        .issue_for_application(&ctx(), &operator, &id, Issuance::P12)
        .await
        .err()
        .unwrap();
    assert!(
        text(&e).contains("once the identity is confirmed"),
        "{}",
        text(&e)
    );

    // Token: the CSR's key and the application's data; a forged or non-GOST CSR is refused.
    let id = verified(&w, &portal, &me, &operator, Medium::Token, 2).await;
    let key = SoftwareKey::generate(gost()).unwrap();
    let name: x509_cert::name::Name = "CN=Someone Else".parse().unwrap();
    let csr = Csr::create(name.clone(), &key).unwrap();
    let mut forged = csr.der().to_vec();
    let last = forged.len() - 3;
    forged[last] ^= 1;
    let e = portal
        .issue_for_application(&ctx(), &operator, &id, Issuance::Csr(forged))
        .await
        .err()
        .unwrap();
    assert!(
        text(&e).contains("certificate request was refused"),
        "{}",
        text(&e)
    );
    let ecdsa = SoftwareKey::generate("ecdsa-p256".parse().unwrap()).unwrap();
    let e = portal
        .issue_for_application(
            &ctx(),
            &operator,
            &id,
            Issuance::Csr(Csr::create(name, &ecdsa).unwrap().to_pem().into_bytes()),
        )
        .await
        .err()
        .unwrap();
    assert!(text(&e).contains("GOST R 34.10-2012"), "{}", text(&e));
    let issued = portal
        .issue_for_application(
            &ctx(),
            &operator,
            &id,
            Issuance::Csr(csr.to_pem().into_bytes()),
        )
        .await
        .unwrap();
    assert!(issued.p12.is_none());
    let cert = Certificate::from_der(&issued.certificate.der).unwrap();
    assert_eq!(
        cert.x509().tbs_certificate().subject_public_key_info(),
        &key.public_key().unwrap()
    );
    let subject = SubjectInfo::from_attributes(&cert.subject()).unwrap();
    assert_eq!(subject.common_name.as_deref(), Some("Иванов Иван"));
    assert_eq!(subject.inn.as_deref(), Some(INN));
}

async fn a_cloud_key_is_issued_bound_with_its_pin_and_its_pin_changed(db: TestDb) {
    let w = world(db).await;
    let portal = paying(&w);
    let me = w.citizen(1, SNILS).await;
    let operator = w.operator(2, "demo").await;
    let id = verified(&w, &portal, &me, &operator, Medium::Cloud, 1).await;

    // Only the applicant sets the PIN; it is 6 to 12 digits.
    assert!(matches!(
        portal
            .issue_cloud_key(&ctx(), &operator, &id, "123456")
            .await
            .err()
            .unwrap(),
        Error::NotFound(_)
    ));
    assert!(matches!(
        portal
            .issue_cloud_key(&ctx(), &me, &id, "12ab")
            .await
            .err()
            .unwrap(),
        Error::Invalid { field: "pin", .. }
    ));
    let (cloud, issued) = portal
        .issue_cloud_key(&ctx(), &me, &id, "123456")
        .await
        .unwrap();
    assert_eq!(
        portal.cloud_keys(&me).await.unwrap(),
        std::slice::from_ref(&cloud)
    );
    assert!(
        !cloud.sealed_key.contains("PRIVATE KEY"),
        "sealed, not plain"
    );

    // Bound with the PIN as the proof of possession; a wrong PIN costs a try.
    let started = portal.bind_begin(&ctx(), &me, &issued.der).await.unwrap();
    let phone = "+79992000001";
    let code = podpis_testkit::queued_code(&w.db.store, phone).await;
    let e = portal
        .bind_finish_with_pin(&ctx(), &me, &started.binding_id, "654321", &code)
        .await
        .unwrap_err();
    assert!(text(&e).contains("Tries left: 2"), "{}", text(&e));
    // A key resealed while binding opened it: refused with nothing counted, and the same code
    // binds once the key is back.
    let bind = {
        let (portal, me, binding, code) = (
            portal.clone(),
            me.clone(),
            started.binding_id.clone(),
            code.clone(),
        );
        async move {
            portal
                .bind_finish_with_pin(&ctx(), &me, &binding, "123456", &code)
                .await
        }
    };
    let (refused, counted) = podpis_testkit::while_resealed(&w.db.store, &cloud.id, bind).await;
    let e = refused.unwrap_err();
    assert!(text(&e).contains("changed meanwhile"), "{}", text(&e));
    assert_eq!(counted, 0, "the PIN was not counted");
    let bound = portal
        .bind_finish_with_pin(&ctx(), &me, &started.binding_id, "123456", &code)
        .await
        .unwrap();
    assert_eq!(bound.status, "connected");
    assert_eq!(
        portal.application(&me, &id).await.unwrap().status,
        Status::Closed
    );

    // The PIN changes with the old PIN and a code; then the old PIN no longer opens the key.
    let ticket = portal
        .change_pin_begin(&ctx(), &me, &cloud.id)
        .await
        .unwrap();
    let code = podpis_testkit::queued_code(&w.db.store, phone).await;
    let e = portal
        .change_pin_finish(
            &ctx(),
            &me,
            &cloud.id,
            podpis_core::CodeAnswer {
                id: &ticket.id,
                code: "000000",
            },
            "123456",
            "777777",
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::WrongCode { .. }), "{e}");
    let ticket = portal
        .change_pin_begin(&ctx(), &me, &cloud.id)
        .await
        .unwrap();
    let code2 = podpis_testkit::queued_code(&w.db.store, phone).await;
    assert_ne!(code, code2);
    portal
        .change_pin_finish(
            &ctx(),
            &me,
            &cloud.id,
            podpis_core::CodeAnswer {
                id: &ticket.id,
                code: &code2,
            },
            "123456",
            "777777",
        )
        .await
        .unwrap();

    // The PIN's key derivations run before the change's transaction: a key resealed meanwhile
    // (by another change, say) is refused there with nothing counted or taken, and the same
    // code changes the PIN once the key is back.
    let ticket = portal
        .change_pin_begin(&ctx(), &me, &cloud.id)
        .await
        .unwrap();
    let code3 = podpis_testkit::queued_code(&w.db.store, phone).await;
    let change = |portal: Portal| {
        let (me, key, id, code) = (
            me.clone(),
            cloud.id.clone(),
            ticket.id.clone(),
            code3.clone(),
        );
        async move {
            let answer = podpis_core::CodeAnswer {
                id: &id,
                code: &code,
            };
            portal
                .change_pin_finish(&ctx(), &me, &key, answer, "777777", "777777")
                .await
        }
    };
    let (refused, counted) =
        podpis_testkit::while_resealed(&w.db.store, &cloud.id, change(portal.clone())).await;
    let e = refused.unwrap_err();
    assert!(text(&e).contains("changed meanwhile"), "{}", text(&e));
    assert_eq!(counted, 0, "the PIN was not counted");
    change(portal.clone())
        .await
        .expect("the code was not taken");
    // Past the window of codes one account may be sent.
    w.clock.advance(601);

    let ticket = portal
        .change_pin_begin(&ctx(), &me, &cloud.id)
        .await
        .unwrap();
    for left in [2, 1, 0] {
        let e = portal
            .change_pin_finish(
                &ctx(),
                &me,
                &cloud.id,
                podpis_core::CodeAnswer {
                    id: &ticket.id,
                    code: "x",
                },
                "123456",
                "888888",
            )
            .await
            .unwrap_err();
        assert!(
            text(&e).contains(&format!("Tries left: {left}")),
            "{}",
            text(&e)
        );
    }
    // Locked after three wrong PINs: even the right one is refused.
    let e = portal
        .change_pin_finish(
            &ctx(),
            &me,
            &cloud.id,
            podpis_core::CodeAnswer {
                id: &ticket.id,
                code: "x",
            },
            "777777",
            "888888",
        )
        .await
        .unwrap_err();
    assert!(text(&e).contains("locked"), "{}", text(&e));
    // Unlocked with an SMS code (a wrong one first): the right PIN works again.
    let unlock = portal
        .unlock_key_begin(&ctx(), &me, &cloud.id)
        .await
        .unwrap();
    let code = podpis_testkit::queued_code(&w.db.store, phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let e = portal
        .unlock_key_finish(
            &ctx(),
            &me,
            &cloud.id,
            podpis_core::CodeAnswer {
                id: &unlock.id,
                code: wrong,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::WrongCode { .. }), "{e}");
    portal
        .unlock_key_finish(
            &ctx(),
            &me,
            &cloud.id,
            podpis_core::CodeAnswer {
                id: &unlock.id,
                code: &code,
            },
        )
        .await
        .unwrap();
    let e = portal
        .unlock_key_begin(&ctx(), &me, &cloud.id)
        .await
        .unwrap_err();
    assert!(text(&e).contains("not locked"), "{}", text(&e));
    let ticket = portal
        .change_pin_begin(&ctx(), &me, &cloud.id)
        .await
        .unwrap();
    let code = podpis_testkit::queued_code(&w.db.store, phone).await;
    portal
        .change_pin_finish(
            &ctx(),
            &me,
            &cloud.id,
            podpis_core::CodeAnswer {
                id: &ticket.id,
                code: &code,
            },
            "777777",
            "888888",
        )
        .await
        .unwrap();
    let journal = w
        .portal
        .journal(
            &me,
            JournalFilter {
                limit: 500,
                ..JournalFilter::default()
            },
        )
        .await
        .unwrap();
    let actions: Vec<&str> = journal.iter().map(|e| e.entry.action.as_str()).collect();
    assert!(
        actions.contains(&"pin_changed")
            && actions.contains(&"pin_rejected")
            && actions.contains(&"key_unlocked")
    );
    // Application, payment, visit, issuance, binding, PIN: each entry reads in Russian.
    assert!(w.assert_journal_reads_in_russian(&me).await >= 15);
}

async fn a_valid_certificate_is_reissued_without_a_visit(db: TestDb) {
    let w = world(db).await;
    let portal = paying(&w);
    let me = w.citizen(1, SNILS).await;
    let operator = w.operator(2, "demo").await;
    let phone = "+79992000001";

    // A .p12 certificate, issued and bound.
    let id = verified(&w, &portal, &me, &operator, Medium::P12, 1).await;
    let first = portal
        .issue_for_application(&ctx(), &operator, &id, Issuance::P12)
        .await
        .unwrap();
    let p12 = first.p12.unwrap();
    let contents = podpis_keys::pkcs12::import(&p12.der, p12.password.as_bytes()).unwrap();
    let old_cert = Certificate::from_der(&first.certificate.der).unwrap();
    let started = portal
        .bind_begin(&ctx(), &me, old_cert.der())
        .await
        .unwrap();
    let code = podpis_testkit::queued_code(&w.db.store, phone).await;
    let proof = signature(&contents.key, &old_cert, &started.challenge);
    portal
        .bind_finish(&ctx(), &me, &started.binding_id, &proof, &code)
        .await
        .unwrap();

    // Reissue: prefilled from the certificate, confirmed by a signature with its key.
    let start = portal
        .reissue_begin(&ctx(), &me, &started.binding_id, Medium::P12)
        .await
        .unwrap();
    let new_id = start.application.application.id.clone();
    assert_eq!(start.application.form.reissue_of, first.certificate.serial);
    assert_eq!(start.application.form.surname, "Иванов");
    assert!(start.challenge.contains(&first.certificate.serial));
    let forged = signature(&contents.key, &old_cert, "Podpis: something else");
    let e = portal
        .reissue_confirm(&ctx(), &me, &new_id, Possession::Signature(forged))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Invalid { field: "proof", .. }), "{e}");
    let proof = signature(&contents.key, &old_cert, &start.challenge);
    let confirmed = portal
        .reissue_confirm(&ctx(), &me, &new_id, Possession::Signature(proof))
        .await
        .unwrap();
    assert_eq!(
        confirmed.status,
        Status::AwaitingPayment,
        "{}",
        confirmed.application.comment
    );

    // Paid: ready for issuance at once, no visit.
    let gateway = SandboxGateway::new(b"sandbox key", "http://localhost:8080/sandbox/pay");
    let checkout = portal
        .pay_application(&ctx(), &me, &new_id, "http://localhost:8080/back")
        .await
        .unwrap();
    let (body, sig) = gateway
        .charge(&order_of(&gateway, &checkout.url), TEST_CARD_OK)
        .unwrap();
    portal.payment_webhook(&ctx(), &body, &sig).await.unwrap();
    let ready = portal.application(&me, &new_id).await.unwrap();
    assert_eq!(ready.status, Status::IdentityVerified);
    assert!(ready.application.comment.contains("identificationKind 1"));

    // Issued: identificationKind 1, bound in place of the old one, which is revoked.
    let second = portal
        .issue_for_application(&ctx(), &operator, &new_id, Issuance::P12)
        .await
        .unwrap();
    let new_cert = Certificate::from_der(&second.certificate.der).unwrap();
    assert_eq!(
        podpis_pki::qualified::examine(&new_cert).identification_kind,
        Some(1)
    );
    assert_eq!(
        podpis_pki::qualified::examine(&old_cert).identification_kind,
        Some(0)
    );
    let bound = portal.bindings(&me).await.unwrap();
    assert_eq!(bound.len(), 1);
    assert_eq!(
        (bound[0].serial.as_str(), bound[0].status.as_str()),
        (second.certificate.serial.as_str(), "connected")
    );
    let old = portal
        .issued_certificates(&operator, "demo", 10, 0)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.serial == first.certificate.serial)
        .unwrap();
    assert_eq!(old.reason.as_deref(), Some("superseded"));
    assert_eq!(
        portal.application(&me, &new_id).await.unwrap().status,
        Status::Closed
    );
    assert!(
        w.messages_to(phone)
            .await
            .last()
            .unwrap()
            .contains("перевыпущен")
    );

    // With an expired certificate there is nothing to sign with: a full application it is.
    w.clock.advance(366 * 24 * 3600);
    let e = portal
        .reissue_begin(&ctx(), &me, &bound[0].id, Medium::P12)
        .await
        .unwrap_err();
    assert!(text(&e).contains("expired"), "{}", text(&e));
    // A reissue's application, revocation and unbinding: each entry reads in Russian.
    assert!(w.assert_journal_reads_in_russian(&me).await >= 10);
}
