//! The public verification service in the API (no account): a signed document and its
//! signature, or a certificate alone, checked against the registry; nothing is stored.

use axum::Json;
use axum::extract::{Multipart, State};
use axum::response::Response;
use podpis_core::{CertificateVerification, Error, Verification, verification_report};

use super::{ApiResult, ProblemDoc, act_font, fail, pdf_download};
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
    Ok(Json(verified(&s, &c, multipart).await?))
}

/// The report of a form's `signature` over its `document` (or its attached content).
pub(crate) async fn verified(
    s: &AppState,
    c: &Client,
    multipart: Multipart,
) -> ApiResult<Verification> {
    let parts = Parts::read(multipart).await;
    let signature = parts.file("signature").ok_or_else(|| {
        fail(c.lang)(Error::Invalid {
            field: "signature",
            ru: "Приложите файл подписи (.sig).".into(),
            en: "Attach the signature file (.sig).".into(),
        })
    })?;
    s.portal
        .verify_signature(&c.ctx, parts.file("document"), signature)
        .await
        .map_err(fail(c.lang))
}

/// The report of a form's signature as a printable PDF.
pub(crate) async fn report_pdf(
    s: &AppState,
    c: &Client,
    multipart: Multipart,
) -> ApiResult<Response> {
    let v = verified(s, c, multipart).await?;
    let font = act_font().map_err(fail(c.lang))?;
    let pdf = verification_report(&v, font).map_err(fail(c.lang))?;
    Ok(pdf_download("verification-report.pdf", pdf))
}

/// The same verification as `/api/v1/verify`, as a one-page PDF report a person can print.
#[utoipa::path(post, path = "/api/v1/verify/report.pdf",
    request_body(content_type = "multipart/form-data", description = "As for /api/v1/verify"),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 422, body = ProblemDoc), (status = 429, body = ProblemDoc)))]
pub(super) async fn report(
    State(s): State<AppState>,
    c: Client,
    multipart: Multipart,
) -> ApiResult<Response> {
    report_pdf(&s, &c, multipart).await
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
