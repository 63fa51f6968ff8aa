//! The public verification service in the API (no account): a signed document and its
//! signature, or a certificate alone, checked against the registry; nothing is stored.

use axum::Json;
use axum::extract::{Multipart, State};
use podpis_core::{CertificateVerification, Error, Verification};

use super::{ApiResult, ProblemDoc, fail};
use crate::AppState;
use crate::auth::Client;
use crate::parts::Parts;

/// Verifies a signature: who signed, when, the certificate's chain to an accredited centre of
/// the registry, its revocation status at the signing time and now, the qualified-profile
/// checks, and whether the document's bytes are intact. Rate-limited per address.
#[utoipa::path(post, path = "/api/v1/verify",
    request_body(content_type = "multipart/form-data", description = "`signature`: the .sig (DER or PEM); `document`: the signed file (omit for an attached signature)"),
    responses((status = 200, description = "The report (see Verification)", content_type = "application/json"), (status = 422, body = ProblemDoc), (status = 429, body = ProblemDoc)))]
pub(super) async fn signature(
    State(s): State<AppState>,
    c: Client,
    multipart: Multipart,
) -> ApiResult<Json<Verification>> {
    let parts = Parts::read(multipart).await;
    let signature = parts.file("signature").ok_or_else(|| {
        fail(c.lang)(Error::Invalid {
            field: "signature",
            ru: "Приложите файл подписи (.sig).".into(),
            en: "Attach the signature file (.sig).".into(),
        })
    })?;
    let report = s
        .portal
        .verify_signature(&c.ctx, parts.file("document"), signature)
        .await
        .map_err(fail(c.lang))?;
    Ok(Json(report))
}

/// Checks a certificate alone against the registry, now. Rate-limited per address.
#[utoipa::path(post, path = "/api/v1/verify/certificate",
    request_body(content_type = "multipart/form-data", description = "`certificate`: the .cer (DER or PEM)"),
    responses((status = 200, description = "The report (see CertificateVerification)", content_type = "application/json"), (status = 422, body = ProblemDoc), (status = 429, body = ProblemDoc)))]
pub(super) async fn certificate(
    State(s): State<AppState>,
    c: Client,
    multipart: Multipart,
) -> ApiResult<Json<CertificateVerification>> {
    let parts = Parts::read(multipart).await;
    let bytes = parts.file("certificate").ok_or_else(|| {
        fail(c.lang)(Error::Invalid {
            field: "certificate",
            ru: "Приложите файл сертификата (.cer).".into(),
            en: "Attach the certificate file (.cer).".into(),
        })
    })?;
    let report = s
        .portal
        .verify_certificate(&c.ctx, bytes)
        .await
        .map_err(fail(c.lang))?;
    Ok(Json(report))
}
