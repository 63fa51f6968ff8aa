//! Revocation by the certificate's owner in the API, confirmed by an SMS code, and the
//! journal's "this was not me".

use axum::Json;
use axum::extract::{Path, State};
use podpis_core::{CodeAnswer, Error, Lang, OWNER_REASONS, after_compromise};
use podpis_pki::crl::Reason;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::centres::IssuedDto;
use super::{ApiResult, Body, CodeTicketDto, ProblemDoc, fail};
use crate::AppState;
use crate::auth::ApiUser;

/// The code and the reason.
#[derive(Deserialize, ToSchema)]
pub(super) struct RevokeOwnRequest {
    code_id: String,
    code: String,
    /// keyCompromise, cessationOfOperation or affiliationChanged.
    reason: String,
}

/// A one-time code's answer: "this was not me", unlocking a cloud key.
#[derive(Deserialize, ToSchema)]
pub(super) struct CodeRequest {
    pub(super) code_id: String,
    pub(super) code: String,
}

/// The certificate "this was not me" revokes, and the code sent.
#[derive(Serialize, ToSchema)]
pub(super) struct NotMeDto {
    code: CodeTicketDto,
    centre: String,
    serial: String,
}

/// A certificate revoked for "this was not me", and what to do next.
#[derive(Serialize, ToSchema)]
pub(super) struct NotMeDoneDto {
    certificate: IssuedDto,
    next_steps: String,
}

fn owner_reason(name: &str, lang: Lang) -> ApiResult<Reason> {
    OWNER_REASONS
        .into_iter()
        .find(|r| r.name() == name)
        .ok_or_else(|| {
            fail(lang)(Error::Invalid {
                field: "reason",
                ru: "Причина: keyCompromise, cessationOfOperation или affiliationChanged.".into(),
                en: "Reason: keyCompromise, cessationOfOperation or affiliationChanged.".into(),
            })
        })
}

/// Starts revoking one of the caller's certificates (issued to or bound to the account): a
/// code goes out by SMS.
#[utoipa::path(post, path = "/api/v1/my-certificates/{centre}/{serial}/revoke", security(("bearer" = [])),
    responses((status = 200, body = CodeTicketDto), (status = 404, body = ProblemDoc), (status = 409, body = ProblemDoc)))]
pub(super) async fn begin(
    State(s): State<AppState>,
    u: ApiUser,
    Path((centre, serial)): Path<(String, String)>,
) -> ApiResult<Json<CodeTicketDto>> {
    let ticket = s
        .portal
        .revoke_own_begin(&u.client.ctx, &u.who, &centre, &serial)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(ticket.into()))
}

/// Revokes it once the code is right: in the CRL and OCSP at once, and the binding ends.
#[utoipa::path(post, path = "/api/v1/my-certificates/{centre}/{serial}/revoke/finish", security(("bearer" = [])),
    request_body = RevokeOwnRequest,
    responses((status = 200, body = IssuedDto), (status = 401, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn finish(
    State(s): State<AppState>,
    u: ApiUser,
    Path((centre, serial)): Path<(String, String)>,
    Body(r): Body<RevokeOwnRequest>,
) -> ApiResult<Json<IssuedDto>> {
    let lang = u.who.lang;
    let reason = owner_reason(&r.reason, lang)?;
    let revoked = s
        .portal
        .revoke_own_finish(
            &u.client.ctx,
            &u.who,
            &centre,
            &serial,
            CodeAnswer {
                id: &r.code_id,
                code: &r.code,
            },
            reason,
        )
        .await
        .map_err(fail(lang))?;
    Ok(Json(revoked.into()))
}

/// "This was not me" on a journal entry about a certificate: starts revoking it for key
/// compromise (a code goes out by SMS).
#[utoipa::path(post, path = "/api/v1/journal/{seq}/not-me", security(("bearer" = [])),
    responses((status = 200, body = NotMeDto), (status = 404, body = ProblemDoc), (status = 409, body = ProblemDoc)))]
pub(super) async fn not_me(
    State(s): State<AppState>,
    u: ApiUser,
    Path(seq): Path<i64>,
) -> ApiResult<Json<NotMeDto>> {
    let (ticket, centre, serial) = s
        .portal
        .not_me_begin(&u.client.ctx, &u.who, seq)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(NotMeDto {
        code: ticket.into(),
        centre,
        serial,
    }))
}

/// Finishes "this was not me" with the code: the certificate is revoked for key compromise;
/// the answer says what to do next.
#[utoipa::path(post, path = "/api/v1/journal/{seq}/not-me/finish", security(("bearer" = [])),
    request_body = CodeRequest,
    responses((status = 200, body = NotMeDoneDto), (status = 401, body = ProblemDoc)))]
pub(super) async fn not_me_finish(
    State(s): State<AppState>,
    u: ApiUser,
    Path(seq): Path<i64>,
    Body(r): Body<CodeRequest>,
) -> ApiResult<Json<NotMeDoneDto>> {
    let lang = u.who.lang;
    let revoked = s
        .portal
        .not_me_finish(
            &u.client.ctx,
            &u.who,
            seq,
            CodeAnswer {
                id: &r.code_id,
                code: &r.code,
            },
        )
        .await
        .map_err(fail(lang))?;
    Ok(Json(NotMeDoneDto {
        certificate: revoked.into(),
        next_steps: after_compromise(lang).into(),
    }))
}
