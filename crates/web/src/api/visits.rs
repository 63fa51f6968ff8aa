//! The identity-check visit in the API: the centre's slots, booking (and moving, cancelling) a
//! visit with its QR code and short code, and at the centre opening the application by the code
//! and recording the identity check.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use podpis_core::{Error, IdentityCheck, Lang, Visit, moscow_time, parse_time, timestamp};
use podpis_store::Slot;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::applications::{ApplicationDto, dto};
use super::{ApiResult, Body, ProblemDoc, fail};
use crate::AppState;
use crate::auth::ApiUser;

/// A slot of a centre.
#[derive(Serialize, ToSchema)]
pub(super) struct SlotDto {
    id: String,
    centre: String,
    starts_at: String,
    ends_at: String,
    /// The start in Moscow time, for people.
    starts_moscow: String,
    /// Whether an applicant booked it.
    booked: bool,
}

impl From<Slot> for SlotDto {
    fn from(s: Slot) -> Self {
        Self {
            id: s.id,
            centre: s.centre_id,
            starts_at: timestamp(s.starts_at),
            ends_at: timestamp(s.ends_at),
            starts_moscow: moscow_time(s.starts_at, Lang::Ru),
            booked: s.application_id.is_some(),
        }
    }
}

/// Slots to publish.
#[derive(Deserialize, ToSchema)]
pub(super) struct SlotsRequest {
    /// Start times, `YYYY-MM-DDTHH:MM:SSZ`.
    starts: Vec<String>,
    /// Length of each, in minutes.
    minutes: i64,
}

/// A booked visit.
#[derive(Serialize, ToSchema)]
pub(super) struct VisitDto {
    slot: SlotDto,
    /// The short code to tell the operator.
    code: String,
    /// What the QR code carries (signed, expiring).
    token: String,
    /// Until when the codes open the application.
    expires_at: String,
    /// The QR code as an SVG image.
    qr: String,
}

fn visit_dto(id: &str, v: Visit) -> VisitDto {
    VisitDto {
        slot: v.slot.into(),
        code: v.code,
        token: v.token,
        expires_at: timestamp(v.expires_at),
        qr: format!("/api/v1/applications/{id}/visit/qr.svg"),
    }
}

/// Publishes a centre's slots (its operators only).
#[utoipa::path(post, path = "/api/v1/centres/{id}/slots", security(("bearer" = [])), request_body = SlotsRequest,
    responses((status = 201, body = Vec<SlotDto>), (status = 403, body = ProblemDoc), (status = 409, body = ProblemDoc)))]
pub(super) async fn publish(
    State(s): State<AppState>,
    u: ApiUser,
    Path(centre): Path<String>,
    Body(r): Body<SlotsRequest>,
) -> ApiResult<(StatusCode, Json<Vec<SlotDto>>)> {
    let lang = u.who.lang;
    let starts = r
        .starts
        .iter()
        .map(|t| {
            parse_time(t).ok_or_else(|| Error::Invalid {
                field: "starts",
                ru: format!("Время «{t}»: укажите как ГГГГ-ММ-ДДTЧЧ:ММ:ССZ."),
                en: format!("Time «{t}»: write it as YYYY-MM-DDTHH:MM:SSZ."),
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail(lang))?;
    let slots = s
        .portal
        .publish_slots(&u.client.ctx, &u.who, &centre, &starts, r.minutes)
        .await
        .map_err(fail(lang))?;
    Ok((
        StatusCode::CREATED,
        Json(slots.into_iter().map(Into::into).collect()),
    ))
}

/// A centre's free slots from now on.
#[utoipa::path(get, path = "/api/v1/centres/{id}/slots", security(("bearer" = [])),
    responses((status = 200, body = Vec<SlotDto>)))]
pub(super) async fn free(
    State(s): State<AppState>,
    u: ApiUser,
    Path(centre): Path<String>,
) -> ApiResult<Json<Vec<SlotDto>>> {
    let slots = s
        .portal
        .free_slots(&centre)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(slots.into_iter().map(Into::into).collect()))
}

/// The slot to book.
#[derive(Deserialize, ToSchema)]
pub(super) struct BookRequest {
    slot_id: String,
}

/// Books a visit for a paid application, or moves it to another slot.
#[utoipa::path(post, path = "/api/v1/applications/{id}/visit", security(("bearer" = [])), request_body = BookRequest,
    responses((status = 200, body = VisitDto), (status = 409, body = ProblemDoc)))]
pub(super) async fn book(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(r): Body<BookRequest>,
) -> ApiResult<Json<VisitDto>> {
    let v = s
        .portal
        .book_visit(&u.client.ctx, &u.who, &id, &r.slot_id)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(visit_dto(&id, v)))
}

/// The booked visit of an application, with its codes.
#[utoipa::path(get, path = "/api/v1/applications/{id}/visit", security(("bearer" = [])),
    responses((status = 200, body = VisitDto), (status = 404, body = ProblemDoc)))]
pub(super) async fn show(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<VisitDto>> {
    let v = s
        .portal
        .visit(&u.who, &id)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(visit_dto(&id, v)))
}

/// Cancels the visit: the application is paid again, ready for another booking.
#[utoipa::path(delete, path = "/api/v1/applications/{id}/visit", security(("bearer" = [])),
    responses((status = 200, body = ApplicationDto), (status = 409, body = ProblemDoc)))]
pub(super) async fn cancel(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ApplicationDto>> {
    let lang = u.who.lang;
    let v = s
        .portal
        .cancel_visit(&u.client.ctx, &u.who, &id)
        .await
        .map_err(fail(lang))?;
    Ok(Json(dto(v, lang)))
}

/// The visit's QR code, an SVG image of the signed token.
#[utoipa::path(get, path = "/api/v1/applications/{id}/visit/qr.svg", security(("bearer" = [])),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 404, body = ProblemDoc)))]
pub(super) async fn qr(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let v = s
        .portal
        .visit(&u.who, &id)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(svg_response(qr_svg(&v.token)))
}

/// `text` as a QR code, an SVG image.
pub(crate) fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(240, 240)
            .build(),
        Err(e) => {
            tracing::error!(error = %e, "QR code");
            String::new()
        }
    }
}

/// An SVG image answer, never cached (it opens an application).
pub(crate) fn svg_response(svg: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        svg,
    )
        .into_response()
}

/// What the operator scanned or typed.
#[derive(Deserialize, ToSchema)]
pub(super) struct OpenRequest {
    /// The QR code's token or the short code.
    code: String,
}

/// Opens the application of a visit by its QR token or short code (the centre's operators
/// only; an expired code or another centre's is refused).
#[utoipa::path(post, path = "/api/v1/visits/open", security(("bearer" = [])), request_body = OpenRequest,
    responses((status = 200, body = ApplicationDto), (status = 403, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn open(
    State(s): State<AppState>,
    u: ApiUser,
    Body(r): Body<OpenRequest>,
) -> ApiResult<Json<ApplicationDto>> {
    let lang = u.who.lang;
    let v = s
        .portal
        .open_visit(&u.who, &r.code)
        .await
        .map_err(fail(lang))?;
    Ok(Json(dto(v, lang)))
}

/// The operator's finding at the visit.
#[derive(Deserialize, ToSchema)]
pub(super) struct IdentityRequest {
    /// `confirm` (originals checked, identity confirmed in person) or `refuse`.
    decision: String,
    /// Why (for `refuse`).
    #[serde(default)]
    reason: String,
}

/// Records the identity check at the visit (the centre's operators only).
#[utoipa::path(post, path = "/api/v1/applications/{id}/identity", security(("bearer" = [])), request_body = IdentityRequest,
    responses((status = 200, body = ApplicationDto), (status = 403, body = ProblemDoc), (status = 409, body = ProblemDoc)))]
pub(super) async fn identity(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(r): Body<IdentityRequest>,
) -> ApiResult<Json<ApplicationDto>> {
    let lang = u.who.lang;
    let check = match r.decision.as_str() {
        "confirm" => IdentityCheck::Confirmed,
        "refuse" => IdentityCheck::Refused(r.reason),
        _ => {
            return Err(fail(lang)(Error::Invalid {
                field: "decision",
                ru: "Решение: confirm или refuse.".into(),
                en: "Decision: confirm or refuse.".into(),
            }));
        }
    };
    let v = s
        .portal
        .check_identity(&u.client.ctx, &u.who, &id, check)
        .await
        .map_err(fail(lang))?;
    Ok(Json(dto(v, lang)))
}
