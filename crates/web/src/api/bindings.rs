//! Binding ("activating") a certificate in the API: upload it, sign the challenge with its key
//! (`podpis sign --in challenge.txt`), send the signature with the SMS code.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use podpis_core::{Error, timestamp};
use podpis_store::Binding;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiResult, Body, CodeTicketDto, ProblemDoc, fail};
use crate::AppState;
use crate::auth::ApiUser;

/// A certificate to bind.
#[derive(Deserialize, ToSchema)]
pub(super) struct BindRequest {
    /// The certificate: PEM, or DER in base64.
    certificate: String,
}

/// What to sign, and the code sent.
#[derive(Serialize, ToSchema)]
pub(super) struct BindChallengeDto {
    binding_id: String,
    /// Sign exactly these bytes (UTF-8) with the certificate's key: a detached CMS signature.
    challenge: String,
    code: CodeTicketDto,
    /// The certificate's serial.
    serial: String,
    /// The issuing centre.
    centre: String,
}

/// The proof of possession and the code.
#[derive(Deserialize, ToSchema)]
pub(super) struct BindFinishRequest {
    /// The CMS signature of the challenge: PEM, or DER in base64 (for token and file keys).
    #[serde(default)]
    proof: Option<String>,
    /// The PIN of the certificate's cloud key (instead of `proof`).
    #[serde(default)]
    pin: Option<String>,
    /// The code from the SMS.
    code: String,
}

/// A bound (or pending) certificate.
#[derive(Serialize, ToSchema)]
pub(super) struct BindingDto {
    id: String,
    centre: String,
    serial: String,
    /// `pending` or `connected`.
    status: String,
    not_after: String,
    bound_at: Option<String>,
}

impl From<Binding> for BindingDto {
    fn from(b: Binding) -> Self {
        Self {
            id: b.id,
            centre: b.centre_id,
            serial: b.serial,
            status: b.status,
            not_after: timestamp(b.not_after),
            bound_at: b.bound_at.map(timestamp),
        }
    }
}

/// PEM text as it is, base64 of DER decoded.
pub(super) fn bytes_of(field: &'static str, text: &str) -> Result<Vec<u8>, Error> {
    if text.trim_start().starts_with("-----BEGIN") {
        return Ok(text.as_bytes().to_vec());
    }
    let compact: String = text.split_whitespace().collect();
    STANDARD.decode(compact).map_err(|_| Error::Invalid {
        field,
        ru: "Ожидается PEM или DER в base64.".into(),
        en: "Expected PEM, or DER in base64.".into(),
    })
}

/// Starts binding a certificate: it is checked (chain to an accredited centre, dates,
/// revocation, qualified profile, SNILS/INN of the account) and a code is sent by SMS.
#[utoipa::path(post, path = "/api/v1/bindings", security(("bearer" = [])), request_body = BindRequest,
    responses((status = 201, body = BindChallengeDto), (status = 409, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn begin(
    State(s): State<AppState>,
    u: ApiUser,
    Body(r): Body<BindRequest>,
) -> ApiResult<(StatusCode, Json<BindChallengeDto>)> {
    let lang = u.who.lang;
    let bytes = bytes_of("certificate", &r.certificate).map_err(fail(lang))?;
    let c = s
        .portal
        .bind_begin(&u.client.ctx, &u.who, &bytes)
        .await
        .map_err(fail(lang))?;
    Ok((
        StatusCode::CREATED,
        Json(BindChallengeDto {
            binding_id: c.binding_id,
            challenge: c.challenge,
            code: c.code.into(),
            serial: c.serial,
            centre: c.centre_id,
        }),
    ))
}

/// Finishes a binding with the signature of the challenge and the code: the certificate is
/// connected.
#[utoipa::path(post, path = "/api/v1/bindings/{id}/finish", security(("bearer" = [])), request_body = BindFinishRequest,
    responses((status = 200, body = BindingDto), (status = 401, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn finish(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(r): Body<BindFinishRequest>,
) -> ApiResult<Json<BindingDto>> {
    let lang = u.who.lang;
    let (portal, ctx) = (&s.portal, &u.client.ctx);
    let bound = match (r.proof, r.pin) {
        (Some(proof), None) => {
            let proof = bytes_of("proof", &proof).map_err(fail(lang))?;
            portal.bind_finish(ctx, &u.who, &id, &proof, &r.code).await
        }
        (None, Some(pin)) => {
            portal
                .bind_finish_with_pin(ctx, &u.who, &id, &pin, &r.code)
                .await
        }
        _ => Err(Error::Invalid {
            field: "proof",
            ru: "Нужна подпись вызова (proof) или PIN облачного ключа (pin).".into(),
            en: "Give the challenge's signature (proof) or the cloud key's PIN (pin).".into(),
        }),
    }
    .map_err(fail(lang))?;
    Ok(Json(bound.into()))
}

/// The caller's bound and pending certificates.
#[utoipa::path(get, path = "/api/v1/bindings", security(("bearer" = [])),
    responses((status = 200, body = Vec<BindingDto>)))]
pub(super) async fn list(
    State(s): State<AppState>,
    u: ApiUser,
) -> ApiResult<Json<Vec<BindingDto>>> {
    let list = s.portal.bindings(&u.who).await.map_err(fail(u.who.lang))?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Unbinds one of the caller's certificates.
#[utoipa::path(delete, path = "/api/v1/bindings/{id}", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ProblemDoc)))]
pub(super) async fn remove(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.portal
        .unbind(&u.client.ctx, &u.who, &id)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(StatusCode::NO_CONTENT)
}
