//! Binding a certificate to an account: the checks of the certificate, the proof of key
//! possession (a CMS signature over the challenge), the one-time code, and the binding's end
//! when the certificate is revoked.

mod common;

use common::{INN, SNILS, T0, World, ctx, gost, signature, world};
use podpis_core::{
    BindingChallenge, CertificateRequest, Error, Lang, Policy, Portal, Principal, RelyingParty,
};
use podpis_keys::{Signer, SoftwareKey};
use podpis_pki::Certificate;

use podpis_pki::crl::Reason;
use podpis_pki::subject::{Profile, SubjectInfo};
use podpis_store::Profile as AccountProfile;
use podpis_testkit::TestDb;

podpis_testkit::on_both!(
    a_citizen_binds_their_certificate,
    every_check_refuses_with_its_reason,
    revocation_ends_the_binding,
    expiry_warnings_go_out_once_each,
    owners_revoke_with_a_code_and_not_me_revokes_for_compromise,
    an_officers_certificate_binds_to_the_account_of_its_organization
);

impl World {
    /// A key and a certificate of the demo centre for `snils`.
    async fn certificate(&self, snils: &str, days: u32) -> (SoftwareKey, Certificate, String) {
        let key = SoftwareKey::generate(gost()).unwrap();
        let issued = self
            .portal
            .issue_certificate(
                &ctx(),
                "demo",
                &CertificateRequest {
                    profile: Profile::Person,
                    subject: SubjectInfo {
                        common_name: Some("Иванов Иван".into()),
                        surname: Some("Иванов".into()),
                        given_name: Some("Иван".into()),
                        country: Some("RU".into()),
                        snils: Some(snils.into()),
                        inn: Some(INN.into()),
                        ..SubjectInfo::default()
                    },
                    public_key: key.public_key().unwrap(),
                    days,
                    account_id: None,
                },
            )
            .await
            .unwrap();
        let cert = Certificate::from_der(&issued.der).unwrap();
        (key, cert, issued.serial)
    }

    /// Binds `cert` (whose key is `key`) to `who`.
    async fn bind(&self, who: &Principal, key: &SoftwareKey, cert: &Certificate) {
        let started = self
            .portal
            .bind_begin(&ctx(), who, cert.der())
            .await
            .unwrap();
        let code = self.code(who).await;
        let proof = signature(key, cert, &started.challenge);
        self.portal
            .bind_finish(&ctx(), who, &started.binding_id, &proof, &code)
            .await
            .unwrap();
    }

    async fn code(&self, who: &Principal) -> String {
        let account = self
            .db
            .store
            .read()
            .await
            .unwrap()
            .account(&who.account_id)
            .await
            .unwrap()
            .unwrap();
        podpis_testkit::queued_code(&self.db.store, &account.phone).await
    }
}

fn refusal(e: &Error) -> String {
    e.text(Lang::En)
}

async fn a_citizen_binds_their_certificate(db: TestDb) {
    let w = world(db).await;
    let me = w.citizen(1, SNILS).await;
    let (key, cert, serial) = w.certificate(SNILS, 365).await;
    let started: BindingChallenge = w
        .portal
        .bind_begin(&ctx(), &me, cert.to_pem().as_bytes())
        .await
        .unwrap();
    assert_eq!(
        (started.serial.as_str(), started.centre_id.as_str()),
        (serial.as_str(), "demo")
    );
    assert!(started.challenge.contains(&serial));
    let code = w.code(&me).await;

    // A proof by another key, or over another text, is refused and costs no code try.
    let (other_key, other_cert, _) = w.certificate(SNILS, 365).await;
    let forged = signature(&other_key, &other_cert, &started.challenge);
    let e = w
        .portal
        .bind_finish(&ctx(), &me, &started.binding_id, &forged, &code)
        .await
        .unwrap_err();
    assert!(refusal(&e).contains("possession"), "{}", refusal(&e));
    // The reason in Russian words too, not the library's English.
    let russian = |e: &Error| {
        let text = e.text(Lang::Ru);
        assert!(
            text.starts_with("Подпись не доказывает владение ключом сертификата: ")
                && !text.chars().any(|c| c.is_ascii_alphabetic()),
            "{text}"
        );
        text
    };
    russian(&e);
    let wrong_text = signature(&key, &cert, "something else");
    let e = w
        .portal
        .bind_finish(&ctx(), &me, &started.binding_id, &wrong_text, &code)
        .await
        .unwrap_err();
    assert!(refusal(&e).contains("possession"), "{}", refusal(&e));
    assert!(russian(&e).contains("хэш документа"), "{}", russian(&e));
    let e = w
        .portal
        .bind_finish(&ctx(), &me, &started.binding_id, b"junk", &code)
        .await
        .unwrap_err();
    assert!(
        refusal(&e).contains("not a CMS signature"),
        "{}",
        refusal(&e)
    );
    assert!(
        e.text(Lang::Ru).contains("файл не является подписью CMS"),
        "{}",
        e.text(Lang::Ru)
    );

    let proof = signature(&key, &cert, &started.challenge);
    let e = w
        .portal
        .bind_finish(&ctx(), &me, &started.binding_id, &proof, "000000")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::WrongCode { tries_left: 2 }), "{e:?}");
    // Someone else cannot finish my binding.
    let other = w.citizen(2, "").await;
    let e = w
        .portal
        .bind_finish(&ctx(), &other, &started.binding_id, &proof, &code)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)));

    let bound = w
        .portal
        .bind_finish(&ctx(), &me, &started.binding_id, &proof, &code)
        .await
        .unwrap();
    assert_eq!(bound.status, "connected");
    assert_eq!(bound.bound_at, Some(T0));
    let mine = w.portal.bindings(&me).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].serial, serial);
    assert!(w.portal.bindings(&other).await.unwrap().is_empty());
    let e = w
        .portal
        .bind_finish(&ctx(), &me, &started.binding_id, &proof, &code)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Conflict { .. }));

    // Bound once: a second binding of the same certificate is refused.
    let e = w
        .portal
        .bind_begin(&ctx(), &me, cert.der())
        .await
        .unwrap_err();
    assert!(
        refusal(&e).contains("bound to an account already"),
        "{}",
        refusal(&e)
    );

    // Unbinding ends it; it can be bound again afterwards.
    w.portal.unbind(&ctx(), &me, &bound.id).await.unwrap();
    assert!(w.portal.bindings(&me).await.unwrap().is_empty());
    assert!(w.portal.bind_begin(&ctx(), &me, cert.der()).await.is_ok());
    let e = w
        .portal
        .unbind(&ctx(), &other, &bound.id)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)));
    assert!(w.portal.store().verify_journal().await.unwrap().is_ok());
}

async fn every_check_refuses_with_its_reason(db: TestDb) {
    let w = world(db).await;
    let me = w.citizen(1, SNILS).await;
    let refused = |bytes: Vec<u8>| {
        let (portal, me) = (w.portal.clone(), me.clone());
        async move { refusal(&portal.bind_begin(&ctx(), &me, &bytes).await.unwrap_err()) }
    };
    assert!(
        refused(b"hello".to_vec())
            .await
            .contains("not an X.509 certificate")
    );
    // Another person's certificate.
    let (_, theirs, _) = w.certificate("08765430300", 365).await;
    assert!(refused(theirs.der().to_vec()).await.contains("SNILS"));
    // A certificate whose CA signature does not verify is from no centre of the registry.
    let (_, mine, _) = w.certificate(SNILS, 30).await;
    let mut forged = mine.der().to_vec();
    let last = forged.len() - 5;
    forged[last] ^= 0x55;
    assert!(
        refused(forged)
            .await
            .contains("not issued by an accredited centre")
    );
    // An account without SNILS.
    let bare = w.citizen(2, "").await;
    let e = w
        .portal
        .bind_begin(&ctx(), &bare, mine.der())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Invalid { field: "snils", .. }), "{e:?}");
    // Expired: the clock passes its end.
    w.clock.advance(31 * 24 * 3600);
    let text = refused(mine.der().to_vec()).await;
    assert!(
        text.contains("EXPIRED") || text.contains("OUT_OF_BOUNDS"),
        "{text}"
    );
    // The centre's accreditation ended.
    w.portal
        .set_accreditation(&ctx(), None, "demo", T0 - 10, T0 + 1)
        .await
        .unwrap();
    assert!(refused(mine.der().to_vec()).await.contains("accreditation"));
}

async fn revocation_ends_the_binding(db: TestDb) {
    let w = world(db).await;
    let me = w.citizen(1, SNILS).await;
    let (key, cert, serial) = w.certificate(SNILS, 365).await;
    w.bind(&me, &key, &cert).await;
    w.clock.advance(60);
    w.portal
        .revoke_certificate(&ctx(), None, "demo", &serial, Reason::KeyCompromise)
        .await
        .unwrap();
    assert!(w.portal.bindings(&me).await.unwrap().is_empty());
    let text = refusal(
        &w.portal
            .bind_begin(&ctx(), &me, cert.der())
            .await
            .unwrap_err(),
    );
    assert!(text.contains("REVOKED"), "{text}");
}

async fn expiry_warnings_go_out_once_each(db: TestDb) {
    let w = world(db).await;
    let me = w.citizen(1, SNILS).await;
    let (key, cert, _) = w.certificate(SNILS, 40).await;
    w.bind(&me, &key, &cert).await;
    let warnings = || async {
        let all =
            w.db.store
                .read()
                .await
                .unwrap()
                .messages(500, 0)
                .await
                .unwrap();
        all.iter()
            .filter(|m| m.message.body.contains("истекает"))
            .count()
    };
    let day = 24 * 3600;
    // A second node on the same database runs the job too: nothing goes out twice.
    let other = Portal::open(
        podpis_store::Store::connect(&w.db.url).await.unwrap(),
        w.clock.clone(),
        Policy::default(),
        RelyingParty::for_url("http://localhost:8080"),
    )
    .await
    .unwrap();
    w.clock.advance(9 * day);
    assert_eq!(w.portal.warn_expiring().await.unwrap(), 0, "31 days left");
    w.clock.advance(2 * day);
    assert_eq!(w.portal.warn_expiring().await.unwrap(), 1, "29 days left");
    assert_eq!(other.warn_expiring().await.unwrap(), 0);
    assert_eq!(w.portal.warn_expiring().await.unwrap(), 0);
    assert_eq!(warnings().await, 2, "one SMS and one e-mail");
    w.clock.advance(23 * day);
    assert_eq!(other.warn_expiring().await.unwrap(), 1, "6 days left");
    assert_eq!(w.portal.warn_expiring().await.unwrap(), 0);
    w.clock.advance(5 * day + day / 2);
    assert_eq!(
        w.portal.warn_expiring().await.unwrap(),
        1,
        "half a day left"
    );
    w.clock.advance(day);
    assert_eq!(
        w.portal.warn_expiring().await.unwrap(),
        0,
        "expired: nothing more"
    );
    assert_eq!(warnings().await, 6);
}

async fn owners_revoke_with_a_code_and_not_me_revokes_for_compromise(db: TestDb) {
    let w = world(db).await;
    let me = w.citizen(1, SNILS).await;
    let other = w.citizen(2, "").await;
    let (key, cert, serial) = w.certificate(SNILS, 365).await;
    w.bind(&me, &key, &cert).await;

    // Only the owner starts it; a wrong code or a reason an owner cannot give changes nothing.
    assert!(matches!(
        w.portal
            .revoke_own_begin(&ctx(), &other, "demo", &serial)
            .await
            .unwrap_err(),
        Error::NotFound(_)
    ));
    let ticket = w
        .portal
        .revoke_own_begin(&ctx(), &me, "demo", &serial)
        .await
        .unwrap();
    let code = w.code(&me).await;
    let e = w
        .portal
        .revoke_own_finish(
            &ctx(),
            &me,
            "demo",
            &serial,
            podpis_core::CodeAnswer {
                id: &ticket.id,
                code: "000000",
            },
            Reason::CessationOfOperation,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::WrongCode { .. }), "{e:?}");
    let e = w
        .portal
        .revoke_own_finish(
            &ctx(),
            &me,
            "demo",
            &serial,
            podpis_core::CodeAnswer {
                id: &ticket.id,
                code: &code,
            },
            Reason::CaCompromise,
        )
        .await
        .unwrap_err();
    assert!(matches!(
        e,
        Error::Invalid {
            field: "reason",
            ..
        }
    ));
    assert_eq!(w.portal.bindings(&me).await.unwrap().len(), 1);
    let revoked = w
        .portal
        .revoke_own_finish(
            &ctx(),
            &me,
            "demo",
            &serial,
            podpis_core::CodeAnswer {
                id: &ticket.id,
                code: &code,
            },
            Reason::CessationOfOperation,
        )
        .await
        .unwrap();
    assert_eq!(
        revoked.reason.as_deref(),
        Some(Reason::CessationOfOperation.name())
    );
    assert!(
        w.portal.bindings(&me).await.unwrap().is_empty(),
        "the binding ended"
    );
    let e = w
        .portal
        .bind_begin(&ctx(), &me, cert.der())
        .await
        .unwrap_err();
    assert!(refusal(&e).contains("REVOKED"), "{}", refusal(&e));

    // "This was not me" on the journal entry of a binding: revoked for key compromise.
    let (key2, cert2, serial2) = w.certificate(SNILS, 365).await;
    w.bind(&me, &key2, &cert2).await;
    let journal = w
        .portal
        .journal(
            &me,
            podpis_store::JournalFilter {
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let bound = journal
        .iter()
        .find(|e| {
            e.entry.action == "certificate_bound"
                && e.entry.object.as_deref() == Some(&format!("certificate:demo/{serial2}"))
                && e.entry.status == "ok"
        })
        .unwrap();
    let registered = journal
        .iter()
        .find(|e| e.entry.action == "registered")
        .unwrap();
    assert!(matches!(
        w.portal
            .not_me_begin(&ctx(), &me, registered.seq)
            .await
            .unwrap_err(),
        Error::Conflict { .. }
    ));
    assert!(matches!(
        w.portal
            .not_me_begin(&ctx(), &other, bound.seq)
            .await
            .unwrap_err(),
        Error::NotFound(_)
    ));
    let (ticket, centre, which) = w.portal.not_me_begin(&ctx(), &me, bound.seq).await.unwrap();
    assert_eq!(
        (centre.as_str(), which.as_str()),
        ("demo", serial2.as_str())
    );
    let code = w.code(&me).await;
    let revoked = w
        .portal
        .not_me_finish(
            &ctx(),
            &me,
            bound.seq,
            podpis_core::CodeAnswer {
                id: &ticket.id,
                code: &code,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        revoked.reason.as_deref(),
        Some(Reason::KeyCompromise.name())
    );
    assert!(podpis_core::after_compromise(Lang::En).contains("apply for a new certificate"));
    let again = w
        .portal
        .not_me_begin(&ctx(), &me, bound.seq)
        .await
        .unwrap_err();
    assert!(
        refusal(&again).contains("revoked already"),
        "{}",
        refusal(&again)
    );
    // Codes, binding, revocation and unbinding: each entry reads in Russian.
    assert!(w.assert_journal_reads_in_russian(&me).await >= 5);
}

async fn an_officers_certificate_binds_to_the_account_of_its_organization(db: TestDb) {
    let w = world(db).await;
    let me = w.citizen(1, SNILS).await;
    let key = SoftwareKey::generate(gost()).unwrap();
    let issued = w
        .portal
        .issue_certificate(
            &ctx(),
            "demo",
            &CertificateRequest {
                profile: Profile::LegalEntity,
                subject: SubjectInfo {
                    common_name: Some("ООО «Ромашка»".into()),
                    organization: Some("ООО «Ромашка»".into()),
                    surname: Some("Иванов".into()),
                    given_name: Some("Иван".into()),
                    title: Some("Генеральный директор".into()),
                    country: Some("RU".into()),
                    region: Some("77 г. Москва".into()),
                    locality: Some("Москва".into()),
                    street: Some("ул. Тверская, д. 1".into()),
                    snils: Some(SNILS.into()),
                    inn: Some(INN.into()),
                    inn_le: Some("7707083893".into()),
                    ogrn: Some("1027700132195".into()),
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
    // The profile names no organization, then another one: refused, naming the OGRN.
    let e = w
        .portal
        .bind_begin(&ctx(), &me, cert.der())
        .await
        .unwrap_err();
    assert!(refusal(&e).contains("OGRN 1027700132195"), "{e:?}");
    let account = w.portal.account(&me).await.unwrap();
    let profile = |ogrn: &str| AccountProfile {
        surname: account.surname.clone(),
        given_name: account.given_name.clone(),
        patronymic: String::new(),
        inn: account.inn.clone(),
        snils: account.snils.clone(),
        birth_date: None,
        passport: None,
        ogrn: Some(ogrn.into()),
    };
    w.portal
        .update_profile(&ctx(), &me, profile("1037739010891"))
        .await
        .unwrap();
    let e = w
        .portal
        .bind_begin(&ctx(), &me, cert.der())
        .await
        .unwrap_err();
    assert!(refusal(&e).contains("OGRN 1027700132195"), "{e:?}");
    // A wrong control digit is refused in the profile itself.
    let e = w
        .portal
        .update_profile(&ctx(), &me, profile("1027700132196"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Invalid { field: "ogrn", .. }), "{e:?}");
    // The organization's OGRN in the profile: the officer's certificate binds.
    w.portal
        .update_profile(&ctx(), &me, profile("1027700132195"))
        .await
        .unwrap();
    w.bind(&me, &key, &cert).await;
    assert_eq!(w.portal.bindings(&me).await.unwrap()[0].status, "connected");
}
