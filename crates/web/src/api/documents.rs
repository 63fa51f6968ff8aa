//! Documents signed in portal services, in the API: upload, list, download, sign with a cloud
//! key (one PIN and one code for a batch), or attach a `.sig` made with a token or key file.

use axum::Json;
use axum::body::to_bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use podpis_core::{
    CodeAnswer, Error, Lang, MAX_DOCUMENT_BYTES, Missing, document_status_title, timestamp,
};
use podpis_store::{Document, Service};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::download::download;
use super::{ApiResult, Body, CodeTicketDto, ProblemDoc, act_font, fail};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;

/// A portal service that takes signed documents.
#[derive(Serialize, ToSchema)]
pub(super) struct ServiceDto {
    id: String,
    title: String,
    /// The file extensions it takes.
    file_types: Vec<String>,
    /// The largest document it takes, in bytes.
    max_bytes: i64,
}

impl From<Service> for ServiceDto {
    fn from(s: Service) -> Self {
        Self {
            id: s.id,
            title: s.title,
            file_types: s
                .file_types
                .split(',')
                .map(|t| t.trim().to_owned())
                .collect(),
            max_bytes: s.max_bytes,
        }
    }
}

/// A document.
#[derive(Serialize, ToSchema)]
pub(super) struct DocumentDto {
    id: String,
    service: String,
    name: String,
    size: i64,
    /// Streebog-256 of its bytes, hex.
    hash: String,
    /// draft, sent, accepted or rejected.
    status: String,
    /// The state in words, in the caller's language.
    status_title: String,
    /// The service's reason for its decision.
    comment: String,
    /// The signer's certificate, `centre/serial`.
    signer: Option<String>,
    signed_at: Option<String>,
    created_at: String,
}

pub(super) fn dto(d: Document, lang: Lang) -> DocumentDto {
    DocumentDto {
        status_title: document_status_title(&d.status, lang).to_owned(),
        id: d.id,
        service: d.service_id,
        name: d.name,
        size: d.size,
        hash: d.hash,
        status: d.status,
        comment: d.comment,
        signer: d.signer,
        signed_at: d.signed_at.map(timestamp),
        created_at: timestamp(d.created_at),
    }
}

/// The services that take signed documents.
#[utoipa::path(get, path = "/api/v1/services", security(("bearer" = [])),
    responses((status = 200, body = Vec<ServiceDto>)))]
pub(super) async fn services(
    State(s): State<AppState>,
    u: ApiUser,
) -> ApiResult<Json<Vec<ServiceDto>>> {
    let all = s.portal.services().await.map_err(fail(u.who.lang))?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// Where an uploaded document goes.
#[derive(Deserialize, IntoParams)]
pub(super) struct UploadParams {
    /// The service's id.
    service: String,
    /// The file's name (its extension must be one the service takes).
    name: String,
}

/// A body past the limit: refused before it is read whole.
fn too_big(lang: Lang) -> Problem {
    Problem {
        error: Error::Invalid {
            field: "file",
            ru: "Файл больше 10 МБ.".into(),
            en: "The file is over 10 MB.".into(),
        },
        lang,
    }
}

/// The request's body, at most `limit` bytes.
pub(super) async fn body_of(request: Request, limit: usize, lang: Lang) -> ApiResult<Vec<u8>> {
    Ok(to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| too_big(lang))?
        .to_vec())
}

/// Uploads a document for signing: the body is the file itself.
#[utoipa::path(post, path = "/api/v1/documents", security(("bearer" = [])), params(UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = DocumentDto), (status = 404, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn upload(
    State(s): State<AppState>,
    u: ApiUser,
    Query(p): Query<UploadParams>,
    request: Request,
) -> ApiResult<(StatusCode, Json<DocumentDto>)> {
    let lang = u.who.lang;
    let bytes = body_of(request, MAX_DOCUMENT_BYTES, lang).await?;
    let d = s
        .portal
        .upload_document(&u.client.ctx, &u.who, &p.service, &p.name, &bytes)
        .await
        .map_err(fail(lang))?;
    Ok((StatusCode::CREATED, Json(dto(d, lang))))
}

/// The caller's documents, newest first.
#[utoipa::path(get, path = "/api/v1/documents", security(("bearer" = [])),
    responses((status = 200, body = Vec<DocumentDto>)))]
pub(super) async fn list(
    State(s): State<AppState>,
    u: ApiUser,
) -> ApiResult<Json<Vec<DocumentDto>>> {
    let lang = u.who.lang;
    let all = s.portal.documents(&u.who).await.map_err(fail(lang))?;
    Ok(Json(all.into_iter().map(|d| dto(d, lang)).collect()))
}

/// One of the caller's documents.
#[utoipa::path(get, path = "/api/v1/documents/{id}", security(("bearer" = [])),
    responses((status = 200, body = DocumentDto), (status = 404, body = ProblemDoc)))]
pub(super) async fn one(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<DocumentDto>> {
    let lang = u.who.lang;
    let d = s.portal.document(&u.who, &id).await.map_err(fail(lang))?;
    Ok(Json(dto(d, lang)))
}

/// The bytes of one of the caller's documents.
#[utoipa::path(get, path = "/api/v1/documents/{id}/content", security(("bearer" = [])),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ProblemDoc)))]
pub(super) async fn content(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let d = s
        .portal
        .document(&u.who, &id)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(download(
        &d.name,
        "application/octet-stream",
        "attachment",
        d.content,
    ))
}

/// The detached CMS signature (.sig, DER) of one of the caller's signed documents.
#[utoipa::path(get, path = "/api/v1/documents/{id}/signature", security(("bearer" = [])),
    responses((status = 200, content_type = "application/pkcs7-signature", body = Vec<u8>), (status = 404, body = ProblemDoc)))]
pub(super) async fn signature(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let lang = u.who.lang;
    let d = s.portal.document(&u.who, &id).await.map_err(fail(lang))?;
    let sig = d
        .signature
        .ok_or_else(|| fail(lang)(Error::NotFound(Missing::Signature)))?;
    Ok(download(
        &format!("{}.sig", d.name),
        "application/pkcs7-signature",
        "attachment",
        sig,
    ))
}

/// The signed package of one of the caller's signed documents: a ZIP with the document, its
/// `.sig`, and the verification report of that signature made now, as a printable PDF and as
/// JSON.
#[utoipa::path(get, path = "/api/v1/documents/{id}/package", security(("bearer" = [])),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 404, body = ProblemDoc), (status = 409, body = ProblemDoc)))]
pub(super) async fn package(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let lang = u.who.lang;
    package_download(&s, &u.who, &id).await.map_err(fail(lang))
}

/// Document `id`'s signed package for `who`, as a download.
pub(crate) async fn package_download(
    s: &AppState,
    who: &podpis_core::Principal,
    id: &str,
) -> Result<Response, Error> {
    let (name, zip) = s.portal.signed_package(who, id, act_font()?).await?;
    Ok(download(&name, "application/zip", "attachment", zip))
}

/// Attaches a signature made with a token or a key file: the body is the .sig (DER or PEM;
/// detached, or attached with the document's very bytes). It is checked before it is taken.
#[utoipa::path(post, path = "/api/v1/documents/{id}/signature", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/pkcs7-signature"),
    responses((status = 200, body = DocumentDto), (status = 404, body = ProblemDoc), (status = 409, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn attach(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<DocumentDto>> {
    let lang = u.who.lang;
    let sig = body_of(request, MAX_DOCUMENT_BYTES, lang).await?;
    let d = s
        .portal
        .attach_signature(&u.client.ctx, &u.who, &id, &sig)
        .await
        .map_err(fail(lang))?;
    Ok(Json(dto(d, lang)))
}

/// The cloud key and the documents to sign with it.
#[derive(Deserialize, ToSchema)]
pub(super) struct SignRequest {
    /// The cloud key (of a connected certificate).
    key_id: String,
    /// The drafts, 1 to 50.
    documents: Vec<String>,
}

/// Starts signing drafts with a cloud key: a code goes out by SMS.
#[utoipa::path(post, path = "/api/v1/documents/sign", security(("bearer" = [])), request_body = SignRequest,
    responses((status = 201, body = CodeTicketDto), (status = 404, body = ProblemDoc), (status = 409, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn sign_begin(
    State(s): State<AppState>,
    u: ApiUser,
    Body(r): Body<SignRequest>,
) -> ApiResult<(StatusCode, Json<CodeTicketDto>)> {
    let ticket = s
        .portal
        .sign_begin(&u.client.ctx, &u.who, &r.key_id, &r.documents)
        .await
        .map_err(fail(u.who.lang))?;
    Ok((StatusCode::CREATED, Json(ticket.into())))
}

/// The PIN and the code that sign.
#[derive(Deserialize, ToSchema)]
pub(super) struct SignFinishRequest {
    key_id: String,
    documents: Vec<String>,
    code_id: String,
    code: String,
    /// The cloud key's PIN: three wrong ones lock the key.
    pin: String,
}

/// Signs the drafts: the PIN opens the key for this operation, the code confirms; each
/// document gets its own detached CAdES-BES signature.
#[utoipa::path(post, path = "/api/v1/documents/sign/finish", security(("bearer" = [])), request_body = SignFinishRequest,
    responses((status = 200, body = Vec<DocumentDto>), (status = 409, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn sign_finish(
    State(s): State<AppState>,
    u: ApiUser,
    Body(r): Body<SignFinishRequest>,
) -> ApiResult<Json<Vec<DocumentDto>>> {
    let lang = u.who.lang;
    let signed = s
        .portal
        .sign_finish(
            &u.client.ctx,
            &u.who,
            &r.key_id,
            &r.documents,
            CodeAnswer {
                id: &r.code_id,
                code: &r.code,
            },
            &r.pin,
        )
        .await
        .map_err(fail(lang))?;
    Ok(Json(signed.into_iter().map(|d| dto(d, lang)).collect()))
}
