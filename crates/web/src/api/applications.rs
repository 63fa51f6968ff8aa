//! Applications for a qualified certificate in the API: the applicant's form, scans, submission,
//! payment; the centre operator's queue and pre-review; the payment provider's webhook.

use axum::Json;
use axum::body::to_bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use podpis_core::{
    ApplicationForm, ApplicationView, Error, MAX_SCAN_BYTES, Review, Status, timestamp,
};
use podpis_store::{Attachment, Payment};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::download::pdf_download;
use super::{ApiResult, Body, ProblemDoc, fail};
use crate::AppState;
use crate::auth::{ApiUser, Client};
use crate::error::Problem;

/// The header a payment provider signs its webhook in.
pub const SIGNATURE_HEADER: &str = "x-payment-signature";

/// An application.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApplicationDto {
    id: String,
    centre: String,
    /// draft, submitted, rejected, accepted, returned, approved, awaiting_payment, paid,
    /// visit_booked, identity_verified, issued, closed, cancelled.
    status: String,
    /// The state as a person reads it.
    status_title: String,
    /// The automatic checks' reasons, or the operator's comment.
    comment: String,
    /// The price, in kopecks.
    price: i64,
    created_at: String,
    updated_at: String,
    /// The form (the fields of `ApplicationForm`).
    #[schema(value_type = Object)]
    form: ApplicationForm,
    scans: Vec<ScanDto>,
}

/// A scan of an application.
#[derive(Serialize, ToSchema)]
pub(super) struct ScanDto {
    id: String,
    kind: String,
    name: String,
    size: i64,
    /// Streebog-256, hex.
    hash: String,
}

impl From<Attachment> for ScanDto {
    fn from(a: Attachment) -> Self {
        Self {
            id: a.id,
            kind: a.kind,
            name: a.name,
            size: a.size,
            hash: a.hash,
        }
    }
}

/// An application as the API shows it.
pub(crate) fn dto(v: ApplicationView, client_lang: podpis_core::Lang) -> ApplicationDto {
    ApplicationDto {
        id: v.application.id,
        centre: v.application.centre_id,
        status: v.status.name().into(),
        status_title: v.status.title(client_lang).into(),
        comment: v.application.comment,
        price: v.application.price,
        created_at: timestamp(v.application.created_at),
        updated_at: timestamp(v.application.updated_at),
        form: v.form,
        scans: v.scans.into_iter().map(Into::into).collect(),
    }
}

/// A payment of an application.
#[derive(Serialize, ToSchema)]
pub(super) struct PaymentDto {
    id: String,
    provider: String,
    amount: i64,
    /// pending, succeeded or declined.
    status: String,
    reason: String,
    created_at: String,
}

impl From<Payment> for PaymentDto {
    fn from(p: Payment) -> Self {
        Self {
            id: p.id,
            provider: p.provider,
            amount: p.amount,
            status: p.status,
            reason: p.reason,
            created_at: timestamp(p.created_at),
        }
    }
}

/// A new application form, prefilled from the caller's profile (nothing is stored).
#[utoipa::path(get, path = "/api/v1/applications/form", security(("bearer" = [])),
    responses((status = 200, body = Object)))]
pub(super) async fn form(
    State(s): State<AppState>,
    u: ApiUser,
) -> ApiResult<Json<ApplicationForm>> {
    Ok(Json(
        s.portal
            .application_form(&u.who)
            .await
            .map_err(fail(u.who.lang))?,
    ))
}

/// Saves a new draft application.
#[utoipa::path(post, path = "/api/v1/applications", security(("bearer" = [])),
    request_body(content = Object, description = "The fields of ApplicationForm"),
    responses((status = 201, body = ApplicationDto), (status = 404, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn create(
    State(s): State<AppState>,
    u: ApiUser,
    Body(form): Body<ApplicationForm>,
) -> ApiResult<(StatusCode, Json<ApplicationDto>)> {
    let lang = u.who.lang;
    let v = s
        .portal
        .create_application(&u.client.ctx, &u.who, form)
        .await
        .map_err(fail(lang))?;
    Ok((StatusCode::CREATED, Json(dto(v, lang))))
}

/// The caller's applications, newest first.
#[utoipa::path(get, path = "/api/v1/applications", security(("bearer" = [])),
    responses((status = 200, body = Vec<ApplicationDto>)))]
pub(super) async fn list(
    State(s): State<AppState>,
    u: ApiUser,
) -> ApiResult<Json<Vec<ApplicationDto>>> {
    let lang = u.who.lang;
    let list = s.portal.applications(&u.who).await.map_err(fail(lang))?;
    Ok(Json(list.into_iter().map(|v| dto(v, lang)).collect()))
}

/// One application with its scans: the applicant's, or (for its centre's operators) one of
/// their queue.
#[utoipa::path(get, path = "/api/v1/applications/{id}", security(("bearer" = [])),
    responses((status = 200, body = ApplicationDto), (status = 404, body = ProblemDoc)))]
pub(super) async fn one(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ApplicationDto>> {
    let lang = u.who.lang;
    let v = s
        .portal
        .application(&u.who, &id)
        .await
        .map_err(fail(lang))?;
    Ok(Json(dto(v, lang)))
}

/// Replaces the form of a draft, rejected or returned application.
#[utoipa::path(put, path = "/api/v1/applications/{id}", security(("bearer" = [])),
    request_body(content = Object, description = "The fields of ApplicationForm"),
    responses((status = 200, body = ApplicationDto), (status = 409, body = ProblemDoc)))]
pub(super) async fn update(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(form): Body<ApplicationForm>,
) -> ApiResult<Json<ApplicationDto>> {
    let lang = u.who.lang;
    let v = s
        .portal
        .update_application(&u.client.ctx, &u.who, &id, form)
        .await
        .map_err(fail(lang))?;
    Ok(Json(dto(v, lang)))
}

/// What a scan is.
#[derive(Deserialize, IntoParams)]
pub(super) struct ScanParams {
    /// passport, migration_card, charter, power_of_attorney or other.
    kind: String,
    /// The file's name.
    #[serde(default)]
    name: String,
}

/// Attaches a scan: the body is the PDF itself (at most 5 MB, checked by content).
#[utoipa::path(post, path = "/api/v1/applications/{id}/scans", security(("bearer" = [])), params(ScanParams),
    request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses((status = 201, body = ScanDto), (status = 422, body = ProblemDoc)))]
pub(super) async fn attach(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Query(p): Query<ScanParams>,
    request: Request,
) -> ApiResult<(StatusCode, Json<ScanDto>)> {
    let lang = u.who.lang;
    let bytes = to_bytes(request.into_body(), MAX_SCAN_BYTES + 1)
        .await
        .map_err(|_| too_big(lang))?;
    let scan = s
        .portal
        .attach_scan(&u.client.ctx, &u.who, &id, &p.kind, &p.name, &bytes)
        .await
        .map_err(fail(lang))?;
    Ok((StatusCode::CREATED, Json(scan.into())))
}

/// A body past the limit: refused before it is read whole.
pub(crate) fn too_big(lang: podpis_core::Lang) -> Problem {
    Problem {
        error: Error::Invalid {
            field: "file",
            ru: "Файл больше 5 МБ: уменьшите скан.".into(),
            en: "The file is over 5 MB: make the scan smaller.".into(),
        },
        lang,
    }
}

/// A scan's bytes (application/pdf), for the applicant and the centre's operators.
#[utoipa::path(get, path = "/api/v1/applications/{id}/scans/{scan}", security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ProblemDoc)))]
pub(super) async fn scan(
    State(s): State<AppState>,
    u: ApiUser,
    Path((id, scan)): Path<(String, String)>,
) -> ApiResult<Response> {
    let a = s
        .portal
        .scan(&u.who, &id, &scan)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(pdf_response(a))
}

/// A scan as a PDF download.
pub(crate) fn pdf_response(a: Attachment) -> Response {
    pdf_download(&a.name, a.content)
}

/// Removes a scan from a draft, rejected or returned application.
#[utoipa::path(delete, path = "/api/v1/applications/{id}/scans/{scan}", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ProblemDoc)))]
pub(super) async fn remove_scan(
    State(s): State<AppState>,
    u: ApiUser,
    Path((id, scan)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    s.portal
        .remove_scan(&u.client.ctx, &u.who, &id, &scan)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Submits an application: the automatic checks run at once; the answer is `accepted`, or
/// `rejected` with every reason in `comment`.
#[utoipa::path(post, path = "/api/v1/applications/{id}/submit", security(("bearer" = [])),
    responses((status = 200, body = ApplicationDto), (status = 409, body = ProblemDoc)))]
pub(super) async fn submit(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ApplicationDto>> {
    let lang = u.who.lang;
    let v = s
        .portal
        .submit_application(&u.client.ctx, &u.who, &id)
        .await
        .map_err(fail(lang))?;
    Ok(Json(dto(v, lang)))
}

/// Withdraws an application (any state before issuance).
#[utoipa::path(post, path = "/api/v1/applications/{id}/cancel", security(("bearer" = [])),
    responses((status = 200, body = ApplicationDto), (status = 409, body = ProblemDoc)))]
pub(super) async fn cancel(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ApplicationDto>> {
    let lang = u.who.lang;
    let v = s
        .portal
        .cancel_application(&u.client.ctx, &u.who, &id)
        .await
        .map_err(fail(lang))?;
    Ok(Json(dto(v, lang)))
}

/// The operator's decision.
#[derive(Deserialize, ToSchema)]
pub(super) struct ReviewRequest {
    /// `approve` or `return`.
    decision: String,
    /// What to correct (for `return`).
    #[serde(default)]
    comment: String,
}

/// The centre's pre-review of an accepted application (its operators only).
#[utoipa::path(post, path = "/api/v1/applications/{id}/review", security(("bearer" = [])), request_body = ReviewRequest,
    responses((status = 200, body = ApplicationDto), (status = 403, body = ProblemDoc), (status = 409, body = ProblemDoc)))]
pub(super) async fn review(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(r): Body<ReviewRequest>,
) -> ApiResult<Json<ApplicationDto>> {
    let lang = u.who.lang;
    let review = match r.decision.as_str() {
        "approve" => Review::Approve,
        "return" => Review::Return(r.comment),
        _ => {
            return Err(fail(lang)(Error::Invalid {
                field: "decision",
                ru: "Решение: approve или return.".into(),
                en: "Decision: approve or return.".into(),
            }));
        }
    };
    let v = s
        .portal
        .review_application(&u.client.ctx, &u.who, &id, review)
        .await
        .map_err(fail(lang))?;
    Ok(Json(dto(v, lang)))
}

/// Which applications of the queue.
#[derive(Deserialize, IntoParams)]
pub(super) struct QueueParams {
    /// The state (default `accepted`: waiting for the pre-review).
    status: Option<String>,
}

/// A centre's queue of applications in one state, oldest first (its operators only).
#[utoipa::path(get, path = "/api/v1/centres/{id}/applications", security(("bearer" = [])), params(QueueParams),
    responses((status = 200, body = Vec<ApplicationDto>), (status = 403, body = ProblemDoc)))]
pub(super) async fn queue(
    State(s): State<AppState>,
    u: ApiUser,
    Path(centre): Path<String>,
    Query(q): Query<QueueParams>,
) -> ApiResult<Json<Vec<ApplicationDto>>> {
    let lang = u.who.lang;
    let status = match q.status.as_deref() {
        None => Status::Accepted,
        Some(name) => Status::from_name(name).ok_or_else(|| {
            fail(lang)(Error::Invalid {
                field: "status",
                ru: "Неизвестное состояние заявления.".into(),
                en: "Unknown application state.".into(),
            })
        })?,
    };
    let list = s
        .portal
        .application_queue(&u.who, &centre, status)
        .await
        .map_err(fail(lang))?;
    Ok(Json(list.into_iter().map(|v| dto(v, lang)).collect()))
}

/// Where the payer goes back to.
#[derive(Deserialize, ToSchema, Default)]
pub(super) struct PayRequest {
    /// Where the payment page sends the payer back (default: the application's page).
    #[serde(default)]
    return_url: Option<String>,
}

/// Where to pay.
#[derive(Serialize, ToSchema)]
pub(super) struct CheckoutDto {
    /// The provider's payment page.
    url: String,
    /// The provider's reference.
    provider_ref: String,
}

/// Starts paying for an application that awaits payment: the answer is the provider's page.
#[utoipa::path(post, path = "/api/v1/applications/{id}/pay", security(("bearer" = [])), request_body = PayRequest,
    responses((status = 200, body = CheckoutDto), (status = 409, body = ProblemDoc)))]
pub(super) async fn pay(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(r): Body<PayRequest>,
) -> ApiResult<Json<CheckoutDto>> {
    let lang = u.who.lang;
    let back = r
        .return_url
        .unwrap_or_else(|| format!("{}/applications/{id}", s.portal.origin()));
    let c = s
        .portal
        .pay_application(&u.client.ctx, &u.who, &id, &back)
        .await
        .map_err(fail(lang))?;
    Ok(Json(CheckoutDto {
        url: c.url,
        provider_ref: c.provider_ref,
    }))
}

/// The payments of an application.
#[utoipa::path(get, path = "/api/v1/applications/{id}/payments", security(("bearer" = [])),
    responses((status = 200, body = Vec<PaymentDto>), (status = 404, body = ProblemDoc)))]
pub(super) async fn payments(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<PaymentDto>>> {
    let list = s
        .portal
        .payments(&u.who, &id)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// The payment provider's webhook: the event in the body, its signature in the
/// `X-Payment-Signature` header. Repeats are answered 204 and change nothing.
#[utoipa::path(post, path = "/api/v1/payments/webhook",
    request_body(content = Object, description = "The provider's event: payment_id, provider_ref, amount, status, reason"),
    responses((status = 204), (status = 404, body = ProblemDoc), (status = 409, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn webhook(
    State(s): State<AppState>,
    c: Client,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    s.portal
        .payment_webhook(&c.ctx, &body, signature)
        .await
        .map_err(fail(c.lang))?;
    Ok(StatusCode::NO_CONTENT)
}
