//! The documents page and the public verification page over real HTTP, as a browser without
//! JavaScript uses them: uploading, signing two drafts with the cloud key (a wrong PIN first),
//! the confirmation, the token step with the document's hash, the downloads, nobody else
//! reaching them; and anyone verifying the signed document, a changed copy and the certificate.

mod common;

use common::citizen::{EMAIL, PDF, PHONE, PIN, connected_cloud_key, world};
use common::{Browser, Server, hidden, server};
use podpis_testkit::TestDb;

podpis_testkit::on_both!(a_citizen_signs_on_the_documents_page_and_anyone_verifies);

/// The public verification page's answer to `files` posted to `path`, without a session.
async fn verify_page(s: &Server, path: &str, files: &[(&str, &str, &[u8])]) -> (u16, String) {
    let (content_type, body) = common::multipart(&[], files);
    let r = reqwest::Client::new()
        .post(format!("{}{path}", s.base))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn a_citizen_signs_on_the_documents_page_and_anyone_verifies(db: TestDb) {
    let s = server(db).await;
    let me = world(&s).await;
    connected_cloud_key(&s, &me).await;
    let mut b = Browser::new(&s.base);
    common::sign_in(&mut b, &s, EMAIL, PHONE).await;

    let (status, _, page) = b.get("/documents").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Документов пока нет"), "{page}");
    let csrf = hidden(&page, "csrf");
    let letter = "Прошу принять договор.".as_bytes();
    for (service, name, bytes) in [
        ("social-fund", "application.pdf", PDF),
        ("contract", "letter.txt", letter),
    ] {
        let (status, _, page) = b
            .post_file(
                "/documents/upload",
                &[("csrf", &csrf), ("service", service)],
                ("file", name, bytes),
            )
            .await;
        assert_eq!(status, 200, "{page}");
        assert!(
            page.contains(name) && page.contains("Ожидает подписи"),
            "{page}"
        );
    }
    let (status, _, page) = b
        .post_file(
            "/documents/upload",
            &[("csrf", &csrf), ("service", "social-fund")],
            ("file", "letter.txt", letter),
        )
        .await;
    assert_eq!(status, 422, "a text file for a PDF-only service: {page}");
    // The server answers before it has read such a body and closes the connection: sent
    // from a connection of its own, so that the next requests do not meet the closed one.
    let huge = vec![b'x'; 11 * 1024 * 1024];
    let mut apart = Browser::new(&s.base);
    apart.cookies = b.cookies.clone();
    let (status, _, page) = apart
        .post_file(
            "/documents/upload",
            &[("csrf", &csrf), ("service", "contract")],
            ("file", "huge.txt", &huge),
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("Файл больше 10 МБ: выберите файл поменьше."),
        "a file over the form's limit is named so, on the page: {page}"
    );
    let docs = s.portal.documents(&me).await.unwrap();
    assert_eq!(docs.len(), 2);
    let key = s.portal.cloud_keys(&me).await.unwrap()[0].clone();
    assert!(
        page.contains(&format!(
            "<option value=\"{}\">УЦ Демо · Действует до ",
            key.id
        )) && page.contains(&format!("Серийный номер {}</option>", key.serial)),
        "the key by its centre, end of validity and serial: {page}"
    );
    let key = key.id;

    // Both chosen, the PIN (a wrong one first) and the code: one signature each.
    let chosen: Vec<(String, String)> = docs
        .iter()
        .map(|d| (format!("doc_{}", d.id), "1".to_owned()))
        .collect();
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf), ("key", &key)];
    form.extend(chosen.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let (status, _, page) = b.post("/documents/sign", &form).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("PIN-код"), "{page}");
    let (code_id, ids) = (hidden(&page, "code_id"), hidden(&page, "ids"));
    let code = s.code_to(PHONE).await;
    let finish = |pin: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("key", key.clone()),
            ("ids", ids.clone()),
            ("code_id", code_id.clone()),
            ("code", code.clone()),
            ("pin", pin.to_owned()),
        ]
    };
    let wrong = finish("111111");
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, page) = b.post("/documents/sign/finish", &wrong).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("Неверный PIN-код"), "{page}");
    let right = finish(PIN);
    let right: Vec<(&str, &str)> = right.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, page) = b.post("/documents/sign/finish", &right).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Подписано и отправлено на обработку"),
        "{page}"
    );
    assert_eq!(
        page.matches("Подписан, отправлен на обработку").count(),
        2,
        "{page}"
    );
    assert!(
        !page.contains("Подписать выбранные"),
        "nothing left to sign: {page}"
    );

    // The downloads: the document and its signature.
    let letter_doc = docs.iter().find(|d| d.name == "letter.txt").unwrap();
    let r = b
        .http
        .get(format!(
            "{}/documents/{}/signature.sig",
            s.base, letter_doc.id
        ))
        .header("cookie", b.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let sig = r.bytes().await.unwrap().to_vec();
    let r = b
        .http
        .get(format!("{}/documents/{}/file", s.base, letter_doc.id))
        .header("cookie", b.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(r.bytes().await.unwrap().as_ref(), letter);
    let package = format!("/documents/{}/package.zip", letter_doc.id);
    assert!(
        page.contains(&package),
        "the page offers the package: {page}"
    );
    let r = b
        .http
        .get(format!("{}{package}", s.base))
        .header("cookie", b.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let zip = r.bytes().await.unwrap().to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut packed_sig = Vec::new();
    std::io::Read::read_to_end(
        &mut archive.by_name("letter.txt.sig").unwrap(),
        &mut packed_sig,
    )
    .unwrap();
    assert_eq!(packed_sig, sig, "the package holds the document's own .sig");
    assert!(archive.by_name(podpis_core::PACKAGE_REPORT_PDF).is_ok());

    // Anyone verifies it on the public page; a changed copy fails; the certificate checks.
    let (status, page) = verify_page(&s, "/verify", &[]).await;
    assert_eq!(status, 422, "no signature chosen: {page}");
    let (_, _, form_page) = Browser::new(&s.base).get("/verify").await;
    assert!(form_page.contains("id=\"verify\""), "{form_page}");
    let (status, page) = verify_page(
        &s,
        "/verify",
        &[
            ("document", "letter.txt", letter),
            ("signature", "letter.sig", &sig),
        ],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Подпись действительна"), "{page}");
    assert!(page.contains("Документ не изменён"), "{page}");
    assert!(
        page.contains("11223344595") && page.contains("УЦ Демо"),
        "{page}"
    );
    // The technical checks in Russian too.
    let checks = &page[page.find("<ul class=\"checks\">").unwrap()..];
    let checks = &checks[..checks.find("</ul>").unwrap()];
    for text in [
        "хэш документа: совпадает (Streebog256)",
        "подпись: GOST R 34.10-2012 with Streebog-256 проверена ключом сертификата",
        "[0] срок действия: действует с ",
        "[0] квалифицированный сертификат: квалифицированный (физическое лицо, ",
        "[0] статус отзыва: не отозван по CRL № 1",
        "[1] полномочия УЦ: УЦ с правом выпускать сертификаты",
    ] {
        assert!(checks.contains(text), "{text}: {checks}");
    }
    for english in [
        "according to",
        "signed by",
        "well-formed",
        "valid from",
        "usage as",
    ] {
        assert!(!checks.contains(english), "{english}: {checks}");
    }
    assert!(
        page.contains("<dt>Сертификат сейчас</dt><dd>Сертификат действителен</dd>")
            && page.contains("<dt>Издатель</dt>")
            && !page.contains("TOTAL_PASSED"),
        "the certificate's state in words: {page}"
    );
    let (status, pdf) = verify_page(
        &s,
        "/verify/report.pdf",
        &[
            ("document", "letter.txt", letter),
            ("signature", "letter.sig", &sig),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        pdf.starts_with("%PDF-") && pdf.contains("FontFile2"),
        "a PDF with its font"
    );
    let changed = "Прошу принять договор!".as_bytes();
    let (status, page) = verify_page(
        &s,
        "/verify",
        &[
            ("document", "letter.txt", changed),
            ("signature", "letter.sig", &sig),
        ],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Подпись недействительна") && page.contains("Документ изменён"),
        "{page}"
    );
    let message = podpis_pki::cades::SignedMessage::from_bytes(&sig).unwrap();
    let cert = message
        .certificates()
        .into_iter()
        .find(|c| !c.is_ca())
        .unwrap();
    let cer = [("certificate", "c.cer", cert.der())];
    let certificate_page = || verify_page(&s, "/verify/certificate", &cer);
    let (status, page) = certificate_page().await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Сертификат действителен"), "{page}");

    // Signed in, the public pages keep the user's header, and kept files are deleted with the
    // session's token that their page carries.
    let (status, link, _) = b
        .post_files(
            "/verify",
            &[("keep", "on")],
            &[
                ("document", "letter.txt", letter),
                ("signature", "letter.sig", &sig),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let link = link.unwrap();
    let (status, _, page) = b.get(&link).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Выйти (") && !page.contains("href=\"/login\""),
        "the signed-in header: {page}"
    );
    let token = hidden(&page, "csrf");
    assert_eq!(token, csrf, "the session's token");
    let (status, _, page) = b.post(&format!("{link}/delete"), &[("csrf", &token)]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Файлы удалены."), "{page}");
    // Both are in the user's own journal, in Russian.
    let (_, _, journal) = b.get("/journal").await;
    for text in [
        "Сохранение файлов проверки",
        "«letter.txt», ",
        " байт, сохранён до ",
        "Удаление сохранённых файлов проверки",
        "сохранённый «letter.txt» удалён",
    ] {
        assert!(journal.contains(text), "{text}: {journal}");
    }
    let (status, _, page) = b.get("/no-such-page").await;
    assert_eq!(status, 404);
    assert!(page.contains("Выйти ("), "{page}");

    // The token step: the hash and the command; a file that is no signature is refused.
    let (_, _, page) = b
        .post_file(
            "/documents/upload",
            &[("csrf", &csrf), ("service", "contract")],
            ("file", "third.txt", b"third"),
        )
        .await;
    assert!(page.contains("third.txt"), "{page}");
    let third = s
        .portal
        .documents(&me)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.name == "third.txt")
        .unwrap();
    let (status, _, page) = b.get(&format!("/documents/{}/sig", third.id)).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(&third.hash) && page.contains("podpis sign"),
        "{page}"
    );
    let (status, _, page) = b
        .post_file(
            &format!("/documents/{}/sig", third.id),
            &[("csrf", &csrf)],
            ("signature", "third.sig", b"garbage"),
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("не является подписью CMS"), "{page}");

    // Another citizen reaches none of it.
    let (email, phone) = s.citizen(9).await;
    let mut other = Browser::new(&s.base);
    common::sign_in(&mut other, &s, &email, &phone).await;
    for path in [
        format!("/documents/{}/file", letter_doc.id),
        format!("/documents/{}/signature.sig", letter_doc.id),
        format!("/documents/{}/package.zip", letter_doc.id),
        format!("/documents/{}/sig", third.id),
    ] {
        let (status, _, _) = other.get(&path).await;
        assert_eq!(status, 404, "{path}");
    }
    let (_, _, page) = other.get("/documents").await;
    assert!(!page.contains("letter.txt"), "{page}");

    // Revoked: the certificate's page says so in words, with the ETSI code beside.
    s.portal
        .revoke_certificate(
            &podpis_core::Context::default(),
            None,
            "demo",
            &cert.serial_hex(),
            podpis_pki::crl::Reason::KeyCompromise,
        )
        .await
        .unwrap();
    let (status, page) = certificate_page().await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(
            "<dd>Сертификат недействителен: сертификат отозван (TOTAL_FAILED (REVOKED))</dd>"
        ),
        "{page}"
    );
    assert!(
        page.contains("✘ [0] статус отзыва: отозван, причина: Ключ скомпрометирован"),
        "the failed check in words too: {page}"
    );
}
