//! Issuing an application's certificate in the API (the centre's operator: for a token's CSR or
//! as a .p12 file; the applicant: a cloud key under their PIN), and the cloud keys' PIN.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use podpis_core::{CodeAnswer, Error, Issuance, Medium, Possession, timestamp};
use podpis_store::CloudKey;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::applications::{ApplicationDto, dto};
use super::bindings::bytes_of;
use super::centres::IssuedDto;
use super::download::pdf_download;
use super::{ApiResult, Body, CodeTicketDto, ProblemDoc, fail};
use crate::AppState;
use crate::auth::ApiUser;

/// How to issue.
#[derive(Deserialize, ToSchema)]
pub(super) struct IssueRequest {
    /// `token` (with `csr`) or `p12`.
    medium: String,
    /// The applicant's CSR, PEM or base64 DER (for `token`).
    #[serde(default)]
    csr: Option<String>,
}

/// An issued certificate, with the .p12 file when the centre made the key.
#[derive(Serialize, ToSchema)]
pub(super) struct IssuedWithFileDto {
    certificate: IssuedDto,
    /// For `p12`: the PKCS#12 file, base64 (handed to the applicant; not kept).
    p12: Option<String>,
    /// For `p12`: its password, shown this once.
    p12_password: Option<String>,
}

/// Issues the certificate of an application whose identity was confirmed (the centre's
/// operators): for the token's CSR, or as a .p12 file whose password is in this answer only.
#[utoipa::path(post, path = "/api/v1/applications/{id}/issue", security(("bearer" = [])), request_body = IssueRequest,
    responses((status = 201, body = IssuedWithFileDto), (status = 403, body = ProblemDoc), (status = 409, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn issue(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(r): Body<IssueRequest>,
) -> ApiResult<(StatusCode, Json<IssuedWithFileDto>)> {
    let lang = u.who.lang;
    let how = match (r.medium.as_str(), r.csr) {
        ("token", Some(csr)) => Issuance::Csr(bytes_of("csr", &csr).map_err(fail(lang))?),
        ("p12", _) => Issuance::P12,
        _ => {
            return Err(fail(lang)(Error::Invalid {
                field: "medium",
                ru: "Носитель: token (с csr) или p12.".into(),
                en: "Medium: token (with csr) or p12.".into(),
            }));
        }
    };
    let issued = s
        .portal
        .issue_for_application(&u.client.ctx, &u.who, &id, how)
        .await
        .map_err(fail(lang))?;
    let (p12, p12_password) = match issued.p12 {
        Some(f) => (Some(STANDARD.encode(&f.der)), Some(f.password.to_string())),
        None => (None, None),
    };
    Ok((
        StatusCode::CREATED,
        Json(IssuedWithFileDto {
            certificate: issued.certificate.into(),
            p12,
            p12_password,
        }),
    ))
}

/// The PIN of a new cloud key.
#[derive(Deserialize, ToSchema)]
pub(super) struct CloudKeyRequest {
    /// 6 to 12 digits.
    pin: String,
}

/// A cloud key.
#[derive(Serialize, ToSchema)]
pub(super) struct CloudKeyDto {
    id: String,
    centre: String,
    serial: String,
    /// Wrong PINs since the last right one (3 lock the key).
    failed_pins: i64,
    created_at: String,
}

impl From<CloudKey> for CloudKeyDto {
    fn from(k: CloudKey) -> Self {
        Self {
            id: k.id,
            centre: k.centre_id,
            serial: k.serial,
            failed_pins: k.failed_pins,
            created_at: timestamp(k.created_at),
        }
    }
}

/// A cloud key issued.
#[derive(Serialize, ToSchema)]
pub(super) struct CloudIssuedDto {
    key: CloudKeyDto,
    certificate: IssuedDto,
}

/// Issues the certificate of the caller's cloud-key application whose identity was confirmed:
/// the key is generated in the portal's vault under the PIN.
#[utoipa::path(post, path = "/api/v1/applications/{id}/cloud-key", security(("bearer" = [])), request_body = CloudKeyRequest,
    responses((status = 201, body = CloudIssuedDto), (status = 409, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn cloud_key(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(r): Body<CloudKeyRequest>,
) -> ApiResult<(StatusCode, Json<CloudIssuedDto>)> {
    let (key, certificate) = s
        .portal
        .issue_cloud_key(&u.client.ctx, &u.who, &id, &r.pin)
        .await
        .map_err(fail(u.who.lang))?;
    Ok((
        StatusCode::CREATED,
        Json(CloudIssuedDto {
            key: key.into(),
            certificate: certificate.into(),
        }),
    ))
}

/// The caller's cloud keys.
#[utoipa::path(get, path = "/api/v1/cloud-keys", security(("bearer" = [])),
    responses((status = 200, body = Vec<CloudKeyDto>)))]
pub(super) async fn cloud_keys(
    State(s): State<AppState>,
    u: ApiUser,
) -> ApiResult<Json<Vec<CloudKeyDto>>> {
    let keys = s
        .portal
        .cloud_keys(&u.who)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(keys.into_iter().map(Into::into).collect()))
}

/// Starts changing a cloud key's PIN: a code goes out by SMS.
#[utoipa::path(post, path = "/api/v1/cloud-keys/{id}/pin", security(("bearer" = [])),
    responses((status = 200, body = CodeTicketDto), (status = 404, body = ProblemDoc)))]
pub(super) async fn pin_begin(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<CodeTicketDto>> {
    let ticket = s
        .portal
        .change_pin_begin(&u.client.ctx, &u.who, &id)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(ticket.into()))
}

/// The old PIN, the code and the new PIN.
#[derive(Deserialize, ToSchema)]
pub(super) struct PinChangeRequest {
    code_id: String,
    code: String,
    old_pin: String,
    new_pin: String,
}

/// Changes a cloud key's PIN (three wrong old PINs lock the key).
#[utoipa::path(post, path = "/api/v1/cloud-keys/{id}/pin/finish", security(("bearer" = [])), request_body = PinChangeRequest,
    responses((status = 204), (status = 401, body = ProblemDoc), (status = 409, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn pin_finish(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(r): Body<PinChangeRequest>,
) -> ApiResult<StatusCode> {
    s.portal
        .change_pin_finish(
            &u.client.ctx,
            &u.who,
            &id,
            CodeAnswer {
                id: &r.code_id,
                code: &r.code,
            },
            &r.old_pin,
            &r.new_pin,
        )
        .await
        .map_err(fail(u.who.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts unlocking a cloud key that three wrong PINs locked: a code goes out by SMS.
#[utoipa::path(post, path = "/api/v1/cloud-keys/{id}/unlock", security(("bearer" = [])),
    responses((status = 200, body = CodeTicketDto), (status = 404, body = ProblemDoc), (status = 409, body = ProblemDoc)))]
pub(super) async fn unlock_begin(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<CodeTicketDto>> {
    let ticket = s
        .portal
        .unlock_key_begin(&u.client.ctx, &u.who, &id)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(ticket.into()))
}

/// Unlocks the cloud key with the code: the PIN's tries start again.
#[utoipa::path(post, path = "/api/v1/cloud-keys/{id}/unlock/finish", security(("bearer" = [])),
    request_body = super::revocation::CodeRequest,
    responses((status = 204), (status = 401, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn unlock_finish(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(r): Body<super::revocation::CodeRequest>,
) -> ApiResult<StatusCode> {
    let answer = CodeAnswer {
        id: &r.code_id,
        code: &r.code,
    };
    s.portal
        .unlock_key_finish(&u.client.ctx, &u.who, &id, answer)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The key medium of the new certificate.
#[derive(Deserialize, ToSchema)]
pub(super) struct ReissueRequest {
    /// token, p12 or cloud.
    #[schema(value_type = String)]
    medium: Medium,
}

/// A reissue to confirm.
#[derive(Serialize, ToSchema)]
pub(super) struct ReissueDto {
    application: ApplicationDto,
    /// Sign exactly these bytes (UTF-8) with the current certificate's key (detached CMS).
    challenge: String,
}

/// Starts reissuing a bound certificate that is valid now: a draft application prefilled from
/// it, and the text to sign with its key.
#[utoipa::path(post, path = "/api/v1/bindings/{id}/reissue", security(("bearer" = [])), request_body = ReissueRequest,
    responses((status = 201, body = ReissueDto), (status = 409, body = ProblemDoc)))]
pub(super) async fn reissue(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(r): Body<ReissueRequest>,
) -> ApiResult<(StatusCode, Json<ReissueDto>)> {
    let lang = u.who.lang;
    let start = s
        .portal
        .reissue_begin(&u.client.ctx, &u.who, &id, r.medium)
        .await
        .map_err(fail(lang))?;
    Ok((
        StatusCode::CREATED,
        Json(ReissueDto {
            application: dto(start.application, lang),
            challenge: start.challenge,
        }),
    ))
}

/// The current key's proof: a signature of the challenge, or a cloud key's PIN.
#[derive(Deserialize, ToSchema)]
pub(super) struct ConfirmRequest {
    /// The CMS signature of the challenge, PEM or base64 DER.
    #[serde(default)]
    proof: Option<String>,
    /// The cloud key's PIN (instead of `proof`).
    #[serde(default)]
    pin: Option<String>,
}

/// Confirms a reissue with the current key: checked at once, then it awaits payment (no visit).
#[utoipa::path(post, path = "/api/v1/applications/{id}/reissue/confirm", security(("bearer" = [])), request_body = ConfirmRequest,
    responses((status = 200, body = ApplicationDto), (status = 409, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn reissue_confirm(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(r): Body<ConfirmRequest>,
) -> ApiResult<Json<ApplicationDto>> {
    let lang = u.who.lang;
    let possession = match (r.proof, r.pin) {
        (Some(proof), None) => {
            Possession::Signature(bytes_of("proof", &proof).map_err(fail(lang))?)
        }
        (None, Some(pin)) => Possession::Pin(pin),
        _ => {
            return Err(fail(lang)(Error::Invalid {
                field: "proof",
                ru: "Нужна подпись вызова (proof) или PIN облачного ключа (pin).".into(),
                en: "Give the challenge's signature (proof) or the cloud key's PIN (pin).".into(),
            }));
        }
    };
    let v = s
        .portal
        .reissue_confirm(&u.client.ctx, &u.who, &id, possession)
        .await
        .map_err(fail(lang))?;
    Ok(Json(dto(v, lang)))
}

/// The font the issuance act is set in: `PODPIS_ACT_FONT`, or DejaVu Sans where Debian puts it;
/// read once.
pub(crate) fn act_font() -> Result<&'static [u8], Error> {
    static FONT: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();
    FONT.get_or_init(|| {
        let path = std::env::var("PODPIS_ACT_FONT")
            .unwrap_or_else(|_| podpis_core::DEFAULT_ACT_FONT.to_owned());
        std::fs::read(&path).map_err(|e| {
            format!("the issuance act's font {path}: {e} (install fonts-dejavu-core, or set PODPIS_ACT_FONT)")
        })
    })
    .as_deref()
    .map_err(|e| Error::Internal(e.clone()))
}

/// The issuance act of an application's certificate: a printable PDF for the owner to sign at
/// the centre (the applicant and the centre's operators).
#[utoipa::path(get, path = "/api/v1/applications/{id}/act.pdf", security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ProblemDoc), (status = 409, body = ProblemDoc)))]
pub(super) async fn act(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<axum::response::Response> {
    let lang = u.who.lang;
    let font = act_font().map_err(fail(lang))?;
    let pdf = s
        .portal
        .application_act(&u.who, &id, font)
        .await
        .map_err(fail(lang))?;
    Ok(pdf_download(&format!("act-{id}.pdf"), pdf))
}
