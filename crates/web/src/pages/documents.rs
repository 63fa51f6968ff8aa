//! The documents page ("Документы на подпись"): the citizen's documents in portal services with
//! their state; uploading one; signing the chosen drafts with a cloud key (the PIN and an SMS
//! code, one signature each); or signing one with a token or key file (its hash and a ready
//! `podpis sign` command shown, the `.sig` uploaded and checked); and the downloads of each
//! document and its signature.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use podpis_core::{
    CodeAnswer, Error, MAX_DOCUMENT_BYTES, MAX_PIN_TRIES, Missing, document_status_title,
    moscow_time,
};
use podpis_store::Document;

use super::signatures::{Step, input, step};
use super::{
    Layout, PageUser, centre_name, day, error_status, guard, html, page_error, user_frame,
};
use crate::AppState;
use crate::api::{ascii_file_name, download, package_download};
use crate::parts::Parts;

/// The routes of the documents page and its steps.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/documents", get(show))
        .route(
            "/documents/upload",
            post(upload).layer(DefaultBodyLimit::max(MAX_DOCUMENT_BYTES + 64 * 1024)),
        )
        .route("/documents/sign", post(sign_begin))
        .route("/documents/sign/finish", post(sign_finish))
        .route("/documents/{id}/file", get(file))
        .route("/documents/{id}/refuse", post(refuse))
        .route("/documents/{id}/signature.sig", get(signature))
        .route("/documents/{id}/package.zip", get(package))
        .route(
            "/documents/{id}/sig",
            get(sig_step)
                .post(sig_upload)
                .layer(DefaultBodyLimit::max(MAX_DOCUMENT_BYTES)),
        )
}

struct DocumentRow {
    id: String,
    name: String,
    service: String,
    status: String,
    signed_at: String,
    draft: bool,
    /// It carries a signature: the .sig and the package can be downloaded.
    signed: bool,
    /// A service sent it: it may be refused.
    submitted: bool,
}

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage {
    l: Layout,
    services: Vec<(String, String)>,
    documents: Vec<DocumentRow>,
    /// Some document is a draft: the page offers to sign.
    any_draft: bool,
    /// The cloud keys that can sign: id and title.
    keys: Vec<(String, String)>,
    /// The names of the documents just signed.
    signed: Vec<String>,
}

/// The documents page, with `error` above it, or the names of the documents just `signed`.
async fn page(s: &AppState, u: &PageUser, error: Option<Error>, signed: Vec<String>) -> Response {
    let mut f = user_frame(u, |t| t.documents_title);
    let lang = u.lang();
    let loaded = async {
        Ok::<_, Error>((
            s.portal.services().await?,
            s.portal.documents(&u.who).await?,
            s.portal.cloud_keys(&u.who).await?,
            s.portal.bindings(&u.who).await?,
            s.portal.centres().await?,
        ))
    }
    .await;
    let (services, documents, keys, bindings, centres) = match loaded {
        Ok(all) => all,
        Err(e) => return page_error(f, e, lang),
    };
    let title_of = |id: &str| {
        services
            .iter()
            .find(|s| s.id == id)
            .map_or(id.to_owned(), |s| s.title.clone())
    };
    let documents: Vec<DocumentRow> = documents
        .into_iter()
        .map(|d| DocumentRow {
            service: title_of(&d.service_id),
            status: document_status_title(&d.status, lang).to_owned(),
            signed_at: d
                .signed_at
                .map(|at| moscow_time(at, lang))
                .unwrap_or_default(),
            signed: d.signed_at.is_some(),
            draft: d.status == "draft",
            submitted: d.submitted,
            id: d.id,
            name: d.name,
        })
        .collect();
    let t = f.l.t;
    let keys = keys
        .into_iter()
        .filter(|k| k.failed_pins < MAX_PIN_TRIES)
        .filter_map(|k| {
            let b = bindings.iter().find(|b| {
                b.status == "connected" && b.centre_id == k.centre_id && b.serial == k.serial
            })?;
            let title = format!(
                "{} · {} {} · {} {}",
                centre_name(&centres, &k.centre_id),
                t.certificate_until,
                day(b.not_after),
                t.certificate_serial,
                k.serial
            );
            Some((k.id, title))
        })
        .collect();
    let any_draft = documents.iter().any(|d| d.draft);
    let status = error.as_ref().map_or(StatusCode::OK, error_status);
    f.l.error = error.map(|e| e.text(lang));
    html(
        &DocumentsPage {
            l: f.l,
            services: services
                .iter()
                .map(|s| (s.id.clone(), format!("{} ({})", s.title, s.file_types)))
                .collect(),
            documents,
            any_draft,
            keys,
            signed,
        },
        status,
        None,
    )
}

async fn show(s: State<AppState>, u: PageUser) -> Response {
    page(&s, &u, None, Vec::new()).await
}

async fn upload(s: State<AppState>, u: PageUser, multipart: Multipart) -> Response {
    let parts = match Parts::read(multipart, MAX_DOCUMENT_BYTES).await {
        Ok(parts) => parts,
        Err(e) => return page(&s, &u, Some(e), Vec::new()).await,
    };
    if let Some(refused) = guard(&s, &u, parts.get("csrf")) {
        return refused;
    }
    let result = match parts.files.get("file").filter(|(_, b)| !b.is_empty()) {
        Some((name, bytes)) => {
            s.portal
                .upload_document(
                    &u.client.ctx,
                    &u.who,
                    parts.get("service"),
                    name.as_deref().unwrap_or_default(),
                    bytes,
                )
                .await
        }
        None => Err(Error::Invalid {
            field: "file",
            ru: "Выберите файл.".into(),
            en: "Choose a file.".into(),
        }),
    };
    page(&s, &u, result.err(), Vec::new()).await
}

/// The PIN-and-code step of signing drafts `ids` (comma-separated) with cloud key `key`.
fn sign_step(key: &str, ids: &str, code_id: &str) -> Step {
    Step {
        title: |t| t.document_sign_cloud,
        intro: |t| t.document_sign_intro,
        challenge: None,
        action: "/documents/sign/finish".into(),
        multipart: false,
        hidden: vec![
            ("key", key.to_owned()),
            ("ids", ids.to_owned()),
            ("code_id", code_id.to_owned()),
        ],
        inputs: |t| {
            vec![
                input("pin", t.pin_label, "pin"),
                input("code", t.sms_code, "code"),
            ]
        },
        back: "/documents",
    }
}

async fn sign_begin(
    s: State<AppState>,
    u: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| form.get(name).map_or("", String::as_str);
    if let Some(refused) = guard(&s, &u, field("csrf")) {
        return refused;
    }
    let mut ids: Vec<String> = form
        .keys()
        .filter_map(|k| k.strip_prefix("doc_").map(str::to_owned))
        .collect();
    ids.sort();
    match s
        .portal
        .sign_begin(&u.client.ctx, &u.who, field("key"), &ids)
        .await
    {
        Ok(ticket) => step(
            &u,
            sign_step(field("key"), &ids.join(","), &ticket.id),
            None,
        ),
        Err(e) => page(&s, &u, Some(e), Vec::new()).await,
    }
}

async fn sign_finish(
    s: State<AppState>,
    u: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| form.get(name).map_or("", String::as_str);
    if let Some(refused) = guard(&s, &u, field("csrf")) {
        return refused;
    }
    let ids: Vec<String> = field("ids")
        .split(',')
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect();
    let answer = CodeAnswer {
        id: field("code_id"),
        code: field("code"),
    };
    match s
        .portal
        .sign_finish(
            &u.client.ctx,
            &u.who,
            field("key"),
            &ids,
            answer,
            field("pin"),
        )
        .await
    {
        Ok(signed) => page(&s, &u, None, signed.into_iter().map(|d| d.name).collect()).await,
        Err(e @ (Error::Invalid { .. } | Error::WrongCode { .. })) => step(
            &u,
            sign_step(field("key"), field("ids"), field("code_id")),
            Some(e),
        ),
        Err(e) => page(&s, &u, Some(e), Vec::new()).await,
    }
}

#[derive(Template)]
#[template(path = "document_sig.html")]
struct SigPage {
    l: Layout,
    id: String,
    name: String,
    /// The file name the `podpis sign` command names.
    file: String,
    hash: String,
}

/// The token step of document `d`, with `error` above it.
fn sig_page(u: &PageUser, d: &Document, error: Option<Error>) -> Response {
    let mut f = user_frame(u, |t| t.document_sign_token);
    let status = error.as_ref().map_or(StatusCode::OK, error_status);
    f.l.error = error.map(|e| e.text(u.lang()));
    let file = ascii_file_name(&d.name);
    html(
        &SigPage {
            l: f.l,
            id: d.id.clone(),
            name: d.name.clone(),
            file,
            hash: d.hash.clone(),
        },
        status,
        None,
    )
}

async fn sig_step(s: State<AppState>, u: PageUser, Path(id): Path<String>) -> Response {
    match s.portal.document(&u.who, &id).await {
        Ok(d) => sig_page(&u, &d, None),
        Err(e) => page(&s, &u, Some(e), Vec::new()).await,
    }
}

async fn sig_upload(
    s: State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let parts = match Parts::read(multipart, MAX_DOCUMENT_BYTES).await {
        Ok(parts) => parts,
        Err(e) => return page(&s, &u, Some(e), Vec::new()).await,
    };
    if let Some(refused) = guard(&s, &u, parts.get("csrf")) {
        return refused;
    }
    let sig = parts.file("signature").unwrap_or_default();
    match s
        .portal
        .attach_signature(&u.client.ctx, &u.who, &id, sig)
        .await
    {
        Ok(d) => page(&s, &u, None, vec![d.name]).await,
        Err(e) => match s.portal.document(&u.who, &id).await {
            Ok(d) if d.status == "draft" => sig_page(&u, &d, Some(e)),
            _ => page(&s, &u, Some(e), Vec::new()).await,
        },
    }
}

async fn file(s: State<AppState>, u: PageUser, Path(id): Path<String>) -> Response {
    match s.portal.document(&u.who, &id).await {
        Ok(d) => download(&d.name, "application/octet-stream", "attachment", d.content),
        Err(e) => page(&s, &u, Some(e), Vec::new()).await,
    }
}

async fn signature(s: State<AppState>, u: PageUser, Path(id): Path<String>) -> Response {
    match s.portal.document(&u.who, &id).await {
        Ok(Document {
            name,
            signature: Some(sig),
            ..
        }) => download(
            &format!("{name}.sig"),
            "application/pkcs7-signature",
            "attachment",
            sig,
        ),
        Ok(_) => {
            page(
                &s,
                &u,
                Some(Error::NotFound(Missing::Signature)),
                Vec::new(),
            )
            .await
        }
        Err(e) => page(&s, &u, Some(e), Vec::new()).await,
    }
}

/// The signed package (document, .sig, verification report) as a ZIP download.
async fn package(s: State<AppState>, u: PageUser, Path(id): Path<String>) -> Response {
    match package_download(&s, &u.who, &id).await {
        Ok(zip) => zip,
        Err(e) => page(&s, &u, Some(e), Vec::new()).await,
    }
}

async fn refuse(
    s: State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| form.get(name).map_or("", String::as_str);
    if let Some(refused) = guard(&s, &u, field("csrf")) {
        return refused;
    }
    let result = s
        .portal
        .refuse_document(&u.client.ctx, &u.who, &id, field("reason"))
        .await;
    page(&s, &u, result.err(), Vec::new()).await
}
