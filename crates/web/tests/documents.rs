//! Documents signed in portal services, through the API over real HTTP: uploads checked against
//! the service, cloud-key signing with right and wrong PINs and codes (a batch of two, then the
//! key locked by three wrong PINs), every signature verified by `openssl cms -verify` with the
//! gost engine and by the public verification API; `.sig` files made with a key file (as
//! `podpis sign` makes them) and by `openssl cms -sign`, taken; forged, mismatched, foreign,
//! unbound and revoked ones refused with the reason; the signed package (document, .sig and
//! report in a ZIP); each batch checking the signing certificate anew; and nobody reaching
//! another's documents.

mod common;

use common::citizen::{EMAIL, PDF, PHONE, PIN, connected_cloud_key, signature_at, world};
use common::{Browser, Server, hidden, server};
use podpis_core::{Clock, CodeAnswer, Context, Error};
use podpis_pki::crl::Reason;
use podpis_testkit::TestDb;
use podpis_testkit::openssl_gost;
use serde_json::{Value, json};

podpis_testkit::on_both!(
    documents_are_signed_with_a_cloud_key_and_verified_publicly,
    token_signatures_are_checked_before_they_are_taken,
    the_public_verification_is_rate_limited_per_address,
    verified_files_are_kept_only_when_asked,
    a_key_changed_while_signing_is_refused_with_nothing_taken,
    each_batch_checks_the_certificate_anew
);

/// A JSON request with the bearer `token`: the status and the body.
async fn api(
    s: &Server,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let http = reqwest::Client::new();
    let mut r = http
        .request(method.parse().unwrap(), format!("{}/api/v1{path}", s.base))
        .bearer_auth(token);
    if let Some(body) = body {
        r = r.json(&body);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Starts signing the drafts `ids` (a JSON array) with cloud key `key`.
async fn begin_signing(s: &Server, token: &str, key: &str, ids: &Value) -> (u16, Value) {
    let body = json!({ "key_id": key, "documents": ids });
    api(s, token, "POST", "/documents/sign", Some(body)).await
}

/// Posts raw `bytes` to `path` with the bearer `token`.
async fn post_bytes(s: &Server, token: &str, path: &str, bytes: &[u8]) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1{path}", s.base))
        .bearer_auth(token)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Uploads `bytes` as `name` into `service`.
async fn upload(s: &Server, token: &str, service: &str, name: &str, bytes: &[u8]) -> (u16, Value) {
    post_bytes(
        s,
        token,
        &format!("/documents?service={service}&name={name}"),
        bytes,
    )
    .await
}

/// The API's answer to a GET of `path`.
async fn get(s: &Server, token: &str, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}/api/v1{path}", s.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// The bytes at `path` and the status.
async fn get_bytes(s: &Server, token: &str, path: &str) -> (u16, Vec<u8>) {
    let r = get(s, token, path).await;
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

/// The file name a browser saves the download at `path` under: `filename*` (RFC 6266) when
/// the server gives it, else `filename`.
async fn saved_name(s: &Server, token: &str, path: &str) -> String {
    let r = get(s, token, path).await;
    assert_eq!(r.status(), 200, "{path}");
    let header = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(header.starts_with("attachment; filename=\""), "{header}");
    match header.split_once("filename*=UTF-8''") {
        Some((_, encoded)) => percent_encoding::percent_decode_str(encoded)
            .decode_utf8()
            .unwrap()
            .into_owned(),
        None => header.split('"').nth(1).unwrap().to_owned(),
    }
}

/// The public verification of a form of text `fields` and `files` (no login).
async fn verify_form(
    s: &Server,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> (u16, Value) {
    let (content_type, body) = common::multipart(fields, files);
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/verify", s.base))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// The public verification of `signature` over `document` (no login).
async fn verify(s: &Server, document: Option<&[u8]>, signature: &[u8]) -> (u16, Value) {
    let mut files = vec![("signature", "doc.sig", signature)];
    if let Some(d) = document {
        files.push(("document", "doc", d));
    }
    verify_form(s, &[], &files).await
}

/// The detail of a problem document.
fn detail(v: &Value) -> String {
    v["detail"].as_str().unwrap_or_default().to_owned()
}

/// `openssl cms -verify` (gost engine) of `sig` over `doc` against the demo centre's CA, at
/// the test clock's time.
async fn openssl_verifies(s: &Server, doc: &[u8], sig: &[u8]) -> (bool, String) {
    let centre = s.portal.centre("demo").await.unwrap();
    let ca = podpis_pki::Certificate::from_der(centre.chain.last().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ca.pem"), ca.to_pem()).unwrap();
    std::fs::write(dir.path().join("doc"), doc).unwrap();
    std::fs::write(dir.path().join("doc.sig"), sig).unwrap();
    let at = (common::T0 + 60).to_string();
    openssl_gost(
        dir.path(),
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "doc.sig",
            "-content",
            "doc",
            "-CAfile",
            "ca.pem",
            "-attime",
            &at,
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
    )
}

async fn documents_are_signed_with_a_cloud_key_and_verified_publicly(db: TestDb) {
    let s = server(db).await;
    let me = world(&s).await;
    let key = connected_cloud_key(&s, &me).await;
    let token = s.token(EMAIL, PHONE).await;

    // Uploads: the service's types and size limit hold.
    let (status, services) = api(&s, &token, "GET", "/services", None).await;
    assert_eq!(status, 200);
    assert!(services.to_string().contains("social-fund"), "{services}");
    let (status, d1) = upload(&s, &token, "social-fund", "application.pdf", PDF).await;
    assert_eq!(status, 201, "{d1}");
    assert_eq!(d1["status"], "draft");
    let letter = "Прошу принять договор.".as_bytes();
    let (status, d2) = upload(&s, &token, "contract", "письмо.txt", letter).await;
    assert_eq!(status, 201, "{d2}");
    let (status, e) = upload(&s, &token, "social-fund", "letter.txt", letter).await;
    assert_eq!(status, 422);
    assert!(detail(&e).contains("pdf"), "{e}");
    let mut big = PDF.to_vec();
    big.resize(5 * 1024 * 1024 + 1, b' ');
    let (status, e) = upload(&s, &token, "social-fund", "big.pdf", &big).await;
    assert_eq!(status, 422, "{e}");
    assert!(detail(&e).contains("5 МБ"), "{e}");
    let (status, e) = upload(&s, &token, "no-such-service", "a.pdf", PDF).await;
    assert_eq!(status, 404);
    assert_eq!(detail(&e), "Не найдено: услуга.", "{e}");
    let long = format!("{}.txt", "очень длинное имя ".repeat(12));
    let (status, d3) = upload(&s, &token, "contract", &long, letter).await;
    assert_eq!(status, 201, "a long name is shortened, not refused: {d3}");
    let name = d3["name"].as_str().unwrap();
    assert!(
        name.chars().count() <= 120 && name.starts_with("очень длинное") && name.ends_with("….txt"),
        "{name}"
    );

    // A batch of two: one code, one PIN; a wrong code and a wrong PIN first.
    let ids = json!([d1["id"], d2["id"]]);
    let (status, ticket) = begin_signing(&s, &token, &key, &ids).await;
    assert_eq!(status, 201, "{ticket}");
    let code = s.code_to(PHONE).await;
    let finish = |code: &str, pin: &str| json!({ "key_id": key, "documents": ids, "code_id": ticket["id"], "code": code, "pin": pin });
    let wrong_code = if code == "000000" { "111111" } else { "000000" };
    let (status, e) = api(
        &s,
        &token,
        "POST",
        "/documents/sign/finish",
        Some(finish(wrong_code, PIN)),
    )
    .await;
    assert_eq!(status, 401, "{e}");
    let (status, e) = api(
        &s,
        &token,
        "POST",
        "/documents/sign/finish",
        Some(finish(&code, "000000")),
    )
    .await;
    assert_eq!(status, 422, "{e}");
    assert!(
        detail(&e).contains("Неверный PIN-код. Осталось попыток: 2"),
        "{e}"
    );
    let (_, d) = api(
        &s,
        &token,
        "GET",
        &format!("/documents/{}", d1["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(d["status"], "draft", "nothing signed yet");
    let (status, signed) = api(
        &s,
        &token,
        "POST",
        "/documents/sign/finish",
        Some(finish(&code, PIN)),
    )
    .await;
    assert_eq!(status, 200, "{signed}");
    assert_eq!(signed.as_array().unwrap().len(), 2);
    for d in signed.as_array().unwrap() {
        assert_eq!(d["status"], "sent", "{d}");
        assert!(d["signer"].as_str().unwrap().starts_with("demo/"), "{d}");
    }
    let (status, e) = api(
        &s,
        &token,
        "POST",
        "/documents/sign/finish",
        Some(finish(&code, PIN)),
    )
    .await;
    assert!(
        status == 409 || status == 410 || status == 401,
        "signed once only: {status} {e}"
    );

    // Each signature verifies in OpenSSL and in the public service; a changed byte does not.
    for (d, bytes) in [(&d1, PDF), (&d2, letter)] {
        let id = d["id"].as_str().unwrap();
        let (status, sig) = get_bytes(&s, &token, &format!("/documents/{id}/signature")).await;
        assert_eq!(status, 200);
        let (ok, out) = openssl_verifies(&s, bytes, &sig).await;
        assert!(ok, "{out}");
        let (status, content) = get_bytes(&s, &token, &format!("/documents/{id}/content")).await;
        assert_eq!((status, content.as_slice()), (200, bytes));
        // Saved under its own name, Cyrillic included (RFC 6266's filename*).
        let name = d["name"].as_str().unwrap();
        for (path, file) in [
            ("content", name.to_owned()),
            ("signature", format!("{name}.sig")),
            ("package", format!("{name}.zip")),
        ] {
            let saved = saved_name(&s, &token, &format!("/documents/{id}/{path}")).await;
            assert_eq!(saved, file, "{path}");
        }
        let (status, report) = verify(&s, Some(bytes), &sig).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["intact"], true, "{report}");
        assert_eq!(report["report"]["indication"], "TOTAL_PASSED", "{report}");
        assert_eq!(report["signers"][0]["centre"]["id"], "demo", "{report}");
        assert_eq!(
            report["signers"][0]["at_signing_time"]["indication"], "TOTAL_PASSED",
            "{report}"
        );
        assert_eq!(
            report["report"]["signatures"][0]["signer"]["snils"], "11223344595",
            "{report}"
        );
        let (content_type, body) = common::multipart(
            &[],
            &[("signature", "d.sig", &sig), ("document", "d", bytes)],
        );
        let r = reqwest::Client::new()
            .post(format!("{}/api/v1/verify/report.pdf", s.base))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"));
        let mut changed = bytes.to_vec();
        changed[0] ^= 1;
        let (status, report) = verify(&s, Some(&changed), &sig).await;
        assert_eq!(status, 200);
        assert_eq!(report["intact"], false, "{report}");
        assert_eq!(report["report"]["indication"], "TOTAL_FAILED", "{report}");
        let (ok, _) = openssl_verifies(&s, &changed, &sig).await;
        assert!(!ok, "OpenSSL refuses the changed document too");
        let (status, e) = verify(&s, None, &sig).await;
        assert_eq!(status, 422, "a detached signature needs its document: {e}");
    }
    let (status, e) = verify(&s, Some(PDF), b"not a signature").await;
    assert_eq!(status, 422);
    assert!(detail(&e).contains("CMS"), "{e}");
    let (status, e) = verify(&s, Some(PDF), &vec![0x30; 10 * 1024 * 1024 + 1]).await;
    assert_eq!(status, 422);
    assert_eq!(
        detail(&e),
        "Файл подписи больше 10 МБ: такие файлы сервис не проверяет.",
        "each file is capped, not only the two together: {e}"
    );
    let (status, e) = verify_form(
        &s,
        &[],
        &[("signature", "big.sig", &vec![0x30; 21 * 1024 * 1024])],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        detail(&e),
        "Файл больше 10 МБ: выберите файл поменьше.",
        "a form over the limit is not read as one without its file: {e}"
    );

    // The package: the document, its .sig and the report, which OpenSSL and the JSON agree on.
    let d1id = d1["id"].as_str().unwrap();
    let files = package(&s, &token, d1id).await;
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "application.pdf",
            "application.pdf.sig",
            podpis_core::PACKAGE_REPORT_PDF,
            podpis_core::PACKAGE_REPORT_JSON
        ]
    );
    assert_eq!(files[0].1, PDF);
    let (ok, out) = openssl_verifies(&s, &files[0].1, &files[1].1).await;
    assert!(
        ok,
        "the packaged .sig verifies over the packaged document: {out}"
    );
    assert!(files[2].1.starts_with(b"%PDF-"));
    let report: Value = serde_json::from_slice(&files[3].1).unwrap();
    assert_eq!(report["intact"], true, "{report}");
    assert_eq!(report["report"]["indication"], "TOTAL_PASSED", "{report}");

    // The journal shows each signing.
    let (_, journal) = api(&s, &token, "GET", "/journal", None).await;
    assert!(
        journal.to_string().matches("document_signed").count() >= 2,
        "{journal}"
    );

    // Three wrong PINs lock the key: the right PIN no longer opens it.
    let (_, d3) = upload(&s, &token, "contract", "third.txt", b"third").await;
    let ids3 = json!([d3["id"]]);
    let (_, ticket) = begin_signing(&s, &token, &key, &ids3).await;
    let code = s.code_to(PHONE).await;
    let finish = |pin: &str| json!({ "key_id": key, "documents": ids3, "code_id": ticket["id"], "code": code, "pin": pin });
    for left in [2, 1, 0] {
        let (status, e) = api(
            &s,
            &token,
            "POST",
            "/documents/sign/finish",
            Some(finish("999999")),
        )
        .await;
        assert_eq!(status, 422);
        assert!(
            detail(&e).contains(&format!("Осталось попыток: {left}")),
            "{e}"
        );
    }
    let (status, e) = api(
        &s,
        &token,
        "POST",
        "/documents/sign/finish",
        Some(finish(PIN)),
    )
    .await;
    assert_eq!(status, 409, "{e}");
    assert!(detail(&e).contains("заблокирован"), "{e}");
    let (status, _) = begin_signing(&s, &token, &key, &ids3).await;
    assert_eq!(status, 409, "no code for a locked key");

    // Nobody else reaches these documents.
    let other = s.signed_in(7).await;
    let d3id = d3["id"].as_str().unwrap();
    for path in [
        format!("/documents/{d3id}"),
        format!("/documents/{d3id}/content"),
        format!("/documents/{}/signature", d1["id"].as_str().unwrap()),
    ] {
        assert_eq!(get_bytes(&s, &other, &path).await.0, 404, "{path}");
    }
    let (_, list) = api(&s, &other, "GET", "/documents", None).await;
    assert_eq!(list, json!([]));
    let (status, _) = begin_signing(&s, &other, &key, &ids3).await;
    assert_eq!(status, 404, "another's key");
    let (status, _) = post_bytes(&s, &other, &format!("/documents/{d3id}/signature"), b"x").await;
    assert_eq!(status, 404, "another's document");
    let path = format!("/documents/{}/package", d1["id"].as_str().unwrap());
    assert_eq!(
        get_bytes(&s, &other, &path).await.0,
        404,
        "another's package"
    );
    let (status, e) = get_bytes(&s, &token, &format!("/documents/{d3id}/package")).await;
    assert_eq!(
        status,
        409,
        "a draft has no package: {}",
        String::from_utf8_lossy(&e)
    );

    // The journal of all this reads in the account's language, Russian, beside the details as
    // written and hashed; only a refusal's reason is free text.
    let (_, journal) = api(&s, &token, "GET", "/journal?limit=500", None).await;
    let entries = journal.as_array().unwrap();
    let mut worded = 0;
    for e in entries {
        let (details, text) = (
            e["details"].as_str().unwrap(),
            e["details_text"].as_str().unwrap(),
        );
        if e["action"] == "document_signed" && e["status"] == "failed" {
            continue;
        }
        assert!(
            text != details || !details.chars().any(|c| c.is_ascii_alphabetic()),
            "{}: {details}",
            e["action"]
        );
        worded += usize::from(text != details);
    }
    assert!(worded >= 10, "{journal}");
    assert!(
        entries.iter().any(|e| e["details_text"]
            .as_str()
            .unwrap()
            .contains("неверный PIN-код: 1 из 3")),
        "{journal}"
    );
}

/// The files of document `id`'s package, in the archive's order, read back from the ZIP.
async fn package(s: &Server, token: &str, id: &str) -> Vec<(String, Vec<u8>)> {
    let (status, zip) = get_bytes(s, token, &format!("/documents/{id}/package")).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&zip));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            (entry.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

/// A draft `name` with `text` in the contract service: its id.
async fn draft(s: &Server, token: &str, name: &str, text: &str) -> String {
    let (status, d) = upload(s, token, "contract", name, text.as_bytes()).await;
    assert_eq!(status, 201, "{d}");
    d["id"].as_str().unwrap().to_owned()
}

async fn token_signatures_are_checked_before_they_are_taken(db: TestDb) {
    let s = server(db).await;
    // OpenSSL signs at the real time: the portal's clock goes back to a minute before it, so
    // the certificate issued "now" covers OpenSSL's signing time.
    let real = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    s.clock.advance(real - 60 - common::T0);
    let signature = |key: &podpis_keys::SoftwareKey, cert: &podpis_pki::Certificate, text: &str| {
        signature_at(key, cert, text, s.clock.now())
    };
    let (email, phone) = s.citizen(3).await;
    let (key, cert, serial) = common::bound_key(&s, &email).await;
    let token = s.token(&email, &phone).await;
    let text = "Договор № 1";
    // Made with the key file, as `podpis sign` makes it: taken.
    let first = draft(&s, &token, "one.txt", text).await;
    let (status, d) = post_bytes(
        &s,
        &token,
        &format!("/documents/{first}/signature"),
        &signature(&key, &cert, text),
    )
    .await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["status"], "sent");
    assert_eq!(d["signer"], format!("demo/{serial}"));

    // Made by `openssl cms -sign` with the same key and certificate: taken.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("key.pem"),
        podpis_keys::file::plain_pem(&key).unwrap().as_bytes(),
    )
    .unwrap();
    std::fs::write(dir.path().join("cert.pem"), cert.to_pem()).unwrap();
    std::fs::write(dir.path().join("doc.txt"), text).unwrap();
    let (ok, out) = openssl_gost(
        dir.path(),
        &[
            "cms", "-sign", "-binary", "-in", "doc.txt", "-signer", "cert.pem", "-inkey",
            "key.pem", "-outform", "DER", "-out", "doc.sig",
        ],
    );
    assert!(ok, "{out}");
    let by_openssl = std::fs::read(dir.path().join("doc.sig")).unwrap();
    let second = draft(&s, &token, "two.txt", text).await;
    let (status, d) = post_bytes(
        &s,
        &token,
        &format!("/documents/{second}/signature"),
        &by_openssl,
    )
    .await;
    assert_eq!(status, 200, "{d}");

    // Refused, each with its reason, and the draft left as it was.
    let third = draft(&s, &token, "three.txt", text).await;
    let path = format!("/documents/{third}/signature");
    let mut forged = signature(&key, &cert, text);
    let last = forged.len() - 1;
    forged[last] ^= 0x55;
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "garbage",
            b"not a signature".to_vec(),
            "не является подписью CMS",
        ),
        (
            "forged",
            forged,
            "не подходит к документу «three.txt» (подпись: подпись неверна: ключ сертификата её не подтверждает)",
        ),
        (
            "mismatched",
            signature(&key, &cert, "другой текст"),
            "не подходит к документу «three.txt» (хэш документа: ",
        ),
    ];
    for (what, sig, reason) in cases {
        let (status, e) = post_bytes(&s, &token, &path, &sig).await;
        assert_eq!(status, 422, "{what}: {e}");
        assert!(detail(&e).contains(reason), "{what}: {e}");
    }
    // A valid signature by a certificate bound to someone else is not this user's.
    let (email2, phone2) = s.citizen(4).await;
    let stranger = s.token(&email2, &phone2).await;
    let (_, theirs) = upload(&s, &stranger, "contract", "mine.txt", text.as_bytes()).await;
    let (status, e) = post_bytes(
        &s,
        &stranger,
        &format!("/documents/{}/signature", theirs["id"].as_str().unwrap()),
        &signature(&key, &cert, text),
    )
    .await;
    assert_eq!(status, 422, "{e}");
    assert!(
        detail(&e).contains("не подключён к вашей учётной записи"),
        "{e}"
    );

    // Revoked at the centre an hour later: refused.
    s.clock.advance(3600);
    s.portal
        .revoke_certificate(
            &Context::default(),
            None,
            "demo",
            &serial,
            Reason::KeyCompromise,
        )
        .await
        .unwrap();
    let (status, e) = post_bytes(&s, &token, &path, &signature(&key, &cert, text)).await;
    assert_eq!(status, 422, "{e}");
    assert!(detail(&e).contains("REVOKED"), "{e}");
    assert!(
        detail(&e).contains("статус отзыва: отозван, причина: Ключ скомпрометирован"),
        "the failed check in Russian: {e}"
    );
    let (_, d) = api(&s, &token, "GET", &format!("/documents/{third}"), None).await;
    assert_eq!(d["status"], "draft", "{d}");
    let (_, journal) = api(&s, &token, "GET", "/journal", None).await;
    assert!(
        journal.to_string().contains("REVOKED"),
        "the refusal is journaled: {journal}"
    );

    // The public service says the earlier signature was valid when made, and is revoked now.
    let (_, sig) = get_bytes(&s, &token, &format!("/documents/{first}/signature")).await;
    let (status, report) = verify(&s, Some(text.as_bytes()), &sig).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["intact"], true, "{report}");
    assert_ne!(report["report"]["indication"], "TOTAL_PASSED", "{report}");
    assert!(report.to_string().contains("REVOKED"), "{report}");
    assert_eq!(
        report["signers"][0]["at_signing_time"]["indication"], "TOTAL_PASSED",
        "{report}"
    );
}

async fn the_public_verification_is_rate_limited_per_address(db: TestDb) {
    let policy = podpis_core::Policy {
        per_address: 3,
        ..podpis_core::Policy::default()
    };
    let s = common::server_with(db, policy).await;
    for _ in 0..3 {
        let (status, e) = verify(&s, Some(PDF), b"not a signature").await;
        assert_eq!(status, 422, "{e}");
    }
    let (status, e) = verify(&s, Some(PDF), b"not a signature").await;
    assert_eq!(status, 429, "{e}");
}

/// The public verification of `signature` over `document` named `akt.txt`, asking to keep both.
async fn keep(s: &Server, document: &[u8], signature: &[u8]) -> (u16, Value) {
    let files = [
        ("document", "akt.txt", document),
        ("signature", "akt.sig", signature),
    ];
    verify_form(s, &[("keep", "1")], &files).await
}

/// A request to the public API without a session: the status and the body.
async fn public(s: &Server, method: &str, path: &str) -> (u16, Vec<u8>) {
    let r = reqwest::Client::new()
        .request(method.parse().unwrap(), format!("{}/api/v1{path}", s.base))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

/// The bytes of all the kept files.
async fn kept_bytes(s: &Server) -> i64 {
    let mut tx = s.db.store.read().await.unwrap();
    tx.kept_verification_bytes().await.unwrap()
}

/// The public service stores nothing unless asked. Asked, it keeps the files under a link that
/// shows the report again (on the page and in the API), gives both files back byte for byte,
/// and deletes them on request or after 30 days; a file it cannot check is not kept.
async fn verified_files_are_kept_only_when_asked(db: TestDb) {
    let s = server(db).await;
    let (email, _) = s.citizen(4).await;
    let (key, cert, _) = common::bound_key(&s, &email).await;
    let text = "Акт сверки № 7";
    let sig = signature_at(&key, &cert, text, s.clock.now());
    let (status, report) = verify(&s, Some(text.as_bytes()), &sig).await;
    assert_eq!(status, 200, "{report}");
    assert!(report.get("kept").is_none(), "{report}");
    assert_eq!(kept_bytes(&s).await, 0, "nothing stored unless asked");
    let (status, e) = keep(&s, text.as_bytes(), b"not a signature").await;
    assert_eq!(status, 422, "{e}");
    assert_eq!(
        kept_bytes(&s).await,
        0,
        "what cannot be checked is not kept"
    );

    let (status, answer) = keep(&s, text.as_bytes(), &sig).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["report"]["indication"], "TOTAL_PASSED", "{answer}");
    let id = answer["kept"]["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 32, "128 random bits");
    assert_eq!(answer["kept"]["name"], "akt.txt");
    assert_eq!(
        answer["kept"]["expires_at"],
        s.clock.now() + podpis_core::KEEP_FOR
    );
    assert_eq!(kept_bytes(&s).await, (text.len() + sig.len()) as i64);
    let (status, again) = public(&s, "GET", &format!("/verify/kept/{id}")).await;
    let again: Value = serde_json::from_slice(&again).unwrap();
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (
            &again["report"]["indication"],
            &again["intact"],
            &again["kept"]["id"]
        ),
        (&json!("TOTAL_PASSED"), &json!(true), &json!(id)),
        "verified anew"
    );
    for (file, bytes) in [("document", text.as_bytes()), ("signature", &sig)] {
        let (status, got) = public(&s, "GET", &format!("/verify/kept/{id}/{file}")).await;
        assert_eq!((status, got.as_slice()), (200, bytes), "{file}");
    }
    let (status, pdf) = public(&s, "GET", &format!("/verify/kept/{id}/report.pdf")).await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"));

    // The page shows the link's report with the files; asked on the page, the form moves to
    // its new link; the page deletes (with its CSRF token only).
    let mut b = Browser::new(&s.base);
    let (status, _, page) = b.get(&format!("/verify/kept/{id}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Подпись действительна")
            && page.contains(&format!("/api/v1/verify/kept/{id}/document")),
        "{page}"
    );
    let (status, link, _) = b
        .post_files(
            "/verify",
            &[("keep", "on")],
            &[
                ("document", "akt.txt", text.as_bytes()),
                ("signature", "akt.sig", &sig),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let link = link.unwrap();
    assert!(
        link.starts_with("/verify/kept/") && !link.ends_with(&id),
        "{link}"
    );
    let (_, _, page) = b.get(&link).await;
    let csrf = hidden(&page, "csrf");
    let (status, _, _) = b
        .post(&format!("{link}/delete"), &[("csrf", "forged")])
        .await;
    assert_eq!(status, 403);
    let (status, _, page) = b.post(&format!("{link}/delete"), &[("csrf", &csrf)]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Файлы удалены."), "{page}");
    let (status, _, _) = b.get(&link).await;
    assert_eq!(status, 404);

    // The API deletes; the files are gone at once.
    let (status, _) = public(&s, "DELETE", &format!("/verify/kept/{id}")).await;
    assert_eq!(status, 204);
    for path in ["", "/document", "/signature"] {
        let (status, _) = public(&s, "GET", &format!("/verify/kept/{id}{path}")).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _) = public(&s, "DELETE", &format!("/verify/kept/{id}")).await;
    assert_eq!(status, 404, "deleted once");
    assert_eq!(kept_bytes(&s).await, 0);

    // Each keeping and deletion is journaled, anonymous here, and never with the files'
    // identifier (their only key).
    let filter = podpis_store::JournalFilter {
        limit: 1_000,
        ..Default::default()
    };
    let mut journal = s.db.store.read().await.unwrap();
    let entries = journal.journal(&filter).await.unwrap();
    let of = |action: &str| -> Vec<&podpis_store::NewEntry> {
        entries
            .iter()
            .map(|e| &e.entry)
            .filter(|e| e.action == action)
            .collect()
    };
    let (kept, deleted) = (of("verification_kept"), of("verification_deleted"));
    assert!(!kept.is_empty() && !deleted.is_empty(), "{entries:?}");
    let until = podpis_core::timestamp(s.clock.now() + podpis_core::KEEP_FOR);
    let size = text.len() + sig.len();
    assert!(
        kept.iter().any(|e| e.account_id.is_none()
            && e.details == format!("«akt.txt», {size} bytes, kept until {until}")),
        "{kept:?}"
    );
    assert!(
        deleted
            .iter()
            .all(|e| e.details == "kept «akt.txt» deleted"),
        "{deleted:?}"
    );
    assert!(
        entries.iter().all(|e| !e.entry.details.contains(&id)
            && e.entry.object.as_deref().is_none_or(|o| !o.contains(&id))),
        "the identifier stays out of the journal"
    );

    // An attached signature alone: its document is named after the signature's file.
    let digest = podpis_pki::cades::DigestAlgorithm::for_signature(
        &podpis_keys::Signer::signature_algorithm(&key).oid,
    )
    .unwrap()
    .digest(text.as_bytes());
    let attached = podpis_pki::cades::sign(
        &podpis_pki::cades::SignRequest {
            signer: &key,
            certificate: &cert,
            chain: &[],
            digest: &digest,
            signing_time: std::time::UNIX_EPOCH
                + std::time::Duration::from_secs(s.clock.now() as u64),
        },
        Some(text.as_bytes()),
    )
    .unwrap()
    .to_der()
    .unwrap();
    let (status, answer) = verify_form(
        &s,
        &[("keep", "1")],
        &[("signature", "Акт сверки.pdf.p7m", &attached)],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["report"]["indication"], "TOTAL_PASSED", "{answer}");
    assert_eq!(answer["kept"]["name"], "Акт сверки.pdf", "{answer}");
    let id = answer["kept"]["id"].as_str().unwrap();
    let (status, _) = public(&s, "DELETE", &format!("/verify/kept/{id}")).await;
    assert_eq!(status, 204);

    // Kept files last 30 days; then housekeeping deletes them.
    let (_, answer) = keep(&s, text.as_bytes(), &sig).await;
    let id = answer["kept"]["id"].as_str().unwrap().to_owned();
    s.clock.advance(podpis_core::KEEP_FOR);
    let (status, _) = public(&s, "GET", &format!("/verify/kept/{id}/signature")).await;
    assert_eq!(status, 404, "expired");
    assert_eq!(s.portal.housekeeping().await.unwrap().kept_verifications, 1);
    assert_eq!(kept_bytes(&s).await, 0);
}

/// Cloud signing opens the key and signs before its transaction; a key resealed meanwhile (a
/// new PIN, say) is refused there with nothing counted or taken: the PIN's count, the code and
/// the draft stay as they were, and the same code signs once the key is back.
async fn a_key_changed_while_signing_is_refused_with_nothing_taken(db: TestDb) {
    let s = server(db).await;
    let me = world(&s).await;
    let key = connected_cloud_key(&s, &me).await;
    let ctx = Context::default();
    let draft = s
        .portal
        .upload_document(&ctx, &me, "social-fund", "a.pdf", PDF)
        .await
        .unwrap();
    let ids = vec![draft.id.clone()];
    let ticket = s.portal.sign_begin(&ctx, &me, &key, &ids).await.unwrap();
    let code = s.code_to(PHONE).await;
    let sign = {
        let (portal, me, key, ids) = (s.portal.clone(), me.clone(), key.clone(), ids.clone());
        let (id, code) = (ticket.id.clone(), code.clone());
        async move {
            let answer = CodeAnswer {
                id: &id,
                code: &code,
            };
            portal
                .sign_finish(&Context::default(), &me, &key, &ids, answer, PIN)
                .await
        }
    };
    let (refused, counted) = podpis_testkit::while_resealed(&s.db.store, &key, sign).await;
    let refused = refused.unwrap_err();
    assert!(
        matches!(&refused, Error::Conflict { en, .. } if en.contains("changed meanwhile")),
        "{refused:?}"
    );
    assert_eq!(counted, 0, "the PIN was not counted");
    let document = s.portal.document(&me, &draft.id).await.unwrap();
    assert_eq!(document.status, "draft");

    let answer = CodeAnswer {
        id: &ticket.id,
        code: &code,
    };
    let signed = s
        .portal
        .sign_finish(&ctx, &me, &key, &ids, answer, PIN)
        .await
        .expect("the code was not taken");
    assert_eq!(signed[0].status, "sent");
}

/// Signs `ids` with cloud key `key`: a code sent, then the PIN and that code.
async fn sign_batch(
    s: &Server,
    me: &podpis_core::Principal,
    key: &str,
    ids: &[String],
) -> Result<Vec<podpis_store::Document>, Error> {
    let ctx = Context::default();
    let ticket = s.portal.sign_begin(&ctx, me, key, ids).await?;
    let code = s.code_to(PHONE).await;
    let answer = CodeAnswer {
        id: &ticket.id,
        code: &code,
    };
    s.portal.sign_finish(&ctx, me, key, ids, answer, PIN).await
}

/// A node parses a cloud key's certificate once and keeps it, but each batch still checks
/// that certificate against the registry as it is now: once its centre's accreditation has
/// ended, the next batch is refused with nothing signed, and it signs again when restored.
async fn each_batch_checks_the_certificate_anew(db: TestDb) {
    let s = server(db).await;
    let me = world(&s).await;
    let key = connected_cloud_key(&s, &me).await;
    let ctx = Context::default();
    let mut drafts = Vec::new();
    for name in ["a.pdf", "b.pdf", "c.pdf"] {
        let d = s
            .portal
            .upload_document(&ctx, &me, "social-fund", name, PDF)
            .await
            .unwrap();
        drafts.push(vec![d.id]);
    }
    let signed = sign_batch(&s, &me, &key, &drafts[0]).await.unwrap();
    assert_eq!(signed[0].status, "sent");

    let centre = s.portal.centre("demo").await.unwrap();
    s.clock.advance(60);
    let now = s.clock.now();
    s.portal
        .set_accreditation(&ctx, None, "demo", centre.accredited_from, now)
        .await
        .unwrap();
    let refused = sign_batch(&s, &me, &key, &drafts[1]).await.unwrap_err();
    assert!(
        refused
            .text(podpis_core::Lang::En)
            .contains("accreditation"),
        "{refused:?}"
    );
    let document = s.portal.document(&me, &drafts[1][0]).await.unwrap();
    assert_eq!(document.status, "draft", "nothing signed");

    s.portal
        .set_accreditation(
            &ctx,
            None,
            "demo",
            centre.accredited_from,
            centre.accredited_until,
        )
        .await
        .unwrap();
    let signed = sign_batch(&s, &me, &key, &drafts[2]).await.unwrap();
    assert_eq!(signed[0].status, "sent");
}
