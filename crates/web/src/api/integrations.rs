//! The integration API for portal services: with its key (`X-Service-Key`) a service submits
//! a document for a citizen's signature, reads it back with its signature, and decides on it;
//! administrators issue the key and the webhook secret. The citizen's refusal is here too.

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use podpis_core::{Error, MAX_DOCUMENT_BYTES, Missing};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::documents::{DocumentDto, body_of, dto};
use super::download::download;
use super::{ApiResult, Body, ProblemDoc, fail};
use crate::AppState;
use crate::auth::{ApiUser, Client};

/// The service's key from `X-Service-Key`.
fn service_key(headers: &HeaderMap) -> &str {
    headers
        .get("x-service-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Where the service's webhook is.
#[derive(Deserialize, ToSchema)]
pub(super) struct IntegrationRequest {
    /// http(s) URL called when a submitted document is signed or refused.
    #[serde(default)]
    webhook_url: Option<String>,
}

/// A service's integration, shown this once.
#[derive(Serialize, ToSchema)]
pub(super) struct IntegrationDto {
    /// For `X-Service-Key`.
    key: String,
    /// Webhook calls carry `X-Podpis-Signature: sha256=<hex HMAC-SHA256 of the body under it>`.
    webhook_secret: String,
}

/// Gives a service an API key and a webhook (administrators); earlier ones stop working.
#[utoipa::path(post, path = "/api/v1/admin/services/{id}/integration", security(("bearer" = [])), request_body = IntegrationRequest,
    responses((status = 201, body = IntegrationDto), (status = 403, body = ProblemDoc), (status = 404, body = ProblemDoc)))]
pub(super) async fn integrate(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(r): Body<IntegrationRequest>,
) -> ApiResult<(StatusCode, Json<IntegrationDto>)> {
    let i = s
        .portal
        .integrate_service(&u.client.ctx, &u.who, &id, r.webhook_url.as_deref())
        .await
        .map_err(fail(u.who.lang))?;
    Ok((
        StatusCode::CREATED,
        Json(IntegrationDto {
            key: i.key,
            webhook_secret: i.webhook_secret,
        }),
    ))
}

/// Whose signature a submitted document waits for.
#[derive(Deserialize, IntoParams)]
pub(super) struct SubmitParams {
    /// The citizen's SNILS.
    snils: String,
    /// The file's name.
    name: String,
}

/// Submits a document for a citizen's signature (the body is the file); the citizen is told.
#[utoipa::path(post, path = "/api/v1/integrations/documents", params(SubmitParams, ("X-Service-Key" = String, Header)),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = DocumentDto), (status = 401, body = ProblemDoc), (status = 404, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn submit(
    State(s): State<AppState>,
    c: Client,
    headers: HeaderMap,
    Query(p): Query<SubmitParams>,
    request: Request,
) -> ApiResult<(StatusCode, Json<DocumentDto>)> {
    let bytes = body_of(request, MAX_DOCUMENT_BYTES, c.lang).await?;
    let d = s
        .portal
        .submit_document(&c.ctx, service_key(&headers), &p.snils, &p.name, &bytes)
        .await
        .map_err(fail(c.lang))?;
    Ok((StatusCode::CREATED, Json(dto(d, c.lang))))
}

/// A document the service submitted, with its state.
#[utoipa::path(get, path = "/api/v1/integrations/documents/{id}", params(("X-Service-Key" = String, Header)),
    responses((status = 200, body = DocumentDto), (status = 401, body = ProblemDoc), (status = 404, body = ProblemDoc)))]
pub(super) async fn one(
    State(s): State<AppState>,
    c: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<DocumentDto>> {
    let d = s
        .portal
        .submitted_document(service_key(&headers), &id)
        .await
        .map_err(fail(c.lang))?;
    Ok(Json(dto(d, c.lang)))
}

/// The detached signature (.sig, DER) of a document the service submitted, once signed.
#[utoipa::path(get, path = "/api/v1/integrations/documents/{id}/signature", params(("X-Service-Key" = String, Header)),
    responses((status = 200, content_type = "application/pkcs7-signature", body = Vec<u8>), (status = 401, body = ProblemDoc), (status = 404, body = ProblemDoc)))]
pub(super) async fn signature(
    State(s): State<AppState>,
    c: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let d = s
        .portal
        .submitted_document(service_key(&headers), &id)
        .await
        .map_err(fail(c.lang))?;
    let sig = d
        .signature
        .ok_or_else(|| fail(c.lang)(Error::NotFound(Missing::Signature)))?;
    Ok(download(
        &format!("{}.sig", d.name),
        "application/pkcs7-signature",
        "attachment",
        sig,
    ))
}

/// The service's decision.
#[derive(Deserialize, ToSchema)]
pub(super) struct DecisionRequest {
    /// Accepted (true) or rejected (false).
    accept: bool,
    #[serde(default)]
    comment: String,
}

/// Accepts or rejects a signed document the service submitted.
#[utoipa::path(post, path = "/api/v1/integrations/documents/{id}/decision", params(("X-Service-Key" = String, Header)), request_body = DecisionRequest,
    responses((status = 200, body = DocumentDto), (status = 401, body = ProblemDoc), (status = 404, body = ProblemDoc), (status = 409, body = ProblemDoc)))]
pub(super) async fn decide(
    State(s): State<AppState>,
    c: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(r): Body<DecisionRequest>,
) -> ApiResult<Json<DocumentDto>> {
    let d = s
        .portal
        .decide_document(&c.ctx, service_key(&headers), &id, r.accept, &r.comment)
        .await
        .map_err(fail(c.lang))?;
    Ok(Json(dto(d, c.lang)))
}

/// Why the citizen refuses.
#[derive(Deserialize, ToSchema)]
pub(super) struct RefuseRequest {
    #[serde(default)]
    reason: String,
}

/// Refuses to sign a document a service submitted (the caller's); the service is told.
#[utoipa::path(post, path = "/api/v1/documents/{id}/refuse", security(("bearer" = [])), request_body = RefuseRequest,
    responses((status = 200, body = DocumentDto), (status = 404, body = ProblemDoc), (status = 409, body = ProblemDoc)))]
pub(super) async fn refuse(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(r): Body<RefuseRequest>,
) -> ApiResult<Json<DocumentDto>> {
    let lang = u.who.lang;
    let d = s
        .portal
        .refuse_document(&u.client.ctx, &u.who, &id, &r.reason)
        .await
        .map_err(fail(lang))?;
    Ok(Json(dto(d, lang)))
}
