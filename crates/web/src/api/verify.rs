//! The public verification service in the API (no account): a signed document and its
//! signature, or a certificate alone, checked against the registry. Nothing is stored unless
//! the form asks to keep the files (`keep`): then they stay 30 days under a link that shows the
//! report again, offers both files and the PDF report, and deletes them on request.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use podpis_core::{
    CertificateVerification, Error, Kept, Lang, MAX_VERIFY_BYTES, Missing, Principal, Verification,
    verification_report,
};
use serde::Serialize;

use super::download::download;
use super::{ApiResult, ProblemDoc, act_font, fail, pdf_download};
use crate::AppState;
use crate::auth::Client;
use crate::parts::Parts;

/// A report, with the link to the files when they were kept.
#[derive(Serialize)]
pub(crate) struct VerifyAnswer {
    /// The report.
    #[serde(flatten)]
    pub(crate) verification: Verification,
    /// The kept files (only when asked to keep them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kept: Option<Kept>,
}

/// Whether a form asks to keep its files: its `keep` field is set (a checkbox, `1`, `true`).
fn asked_to_keep(parts: &Parts) -> bool {
    matches!(parts.get("keep"), "1" | "on" | "true" | "yes")
}

/// Checks a form's `signature` over its `document` (or its attached content) and, where
/// `keeping` is offered (not for a PDF report), keeps both when the form asks to (journaled as
/// `who`'s, when signed in).
pub(crate) async fn check_form(
    s: &AppState,
    c: &Client,
    who: Option<&Principal>,
    parts: &Parts,
    keeping: bool,
) -> Result<VerifyAnswer, Error> {
    let signature = parts.file("signature").ok_or_else(|| Error::Invalid {
        field: "signature",
        ru: "Приложите файл подписи (.sig).".into(),
        en: "Attach the signature file (.sig).".into(),
    })?;
    let document = parts.file("document");
    if !(keeping && asked_to_keep(parts)) {
        let verification = s
            .portal
            .verify_signature(&c.ctx, document, signature)
            .await?;
        return Ok(VerifyAnswer {
            verification,
            kept: None,
        });
    }
    // An attached signature carries its document: named after the signature's file.
    let file_name = |field| parts.files.get(field).and_then(|(name, _)| name.as_deref());
    let name = match document {
        Some(_) => file_name("document").unwrap_or_default().to_owned(),
        None => podpis_core::signed_file_name(file_name("signature").unwrap_or_default()),
    };
    let (verification, kept) = s
        .portal
        .verify_and_keep(&c.ctx, who, &name, document, signature)
        .await?;
    Ok(VerifyAnswer {
        verification,
        kept: Some(kept),
    })
}

/// Verifies a signature: who signed, when, the certificate's chain to an accredited centre of
/// the registry, its revocation status at the signing time and now, the qualified-profile
/// checks, and whether the document's bytes are intact. Rate-limited per address. With `keep`
/// set, the files are kept 30 days and the answer's `kept` names them.
#[utoipa::path(post, path = "/api/v1/verify",
    request_body(content_type = "multipart/form-data", description = "`signature`: the .sig (DER or PEM); `document`: the signed file (omit for an attached signature); `keep`: `1` to keep both files 30 days under a link (otherwise nothing is stored)"),
    responses((status = 200, description = "The report (see Verification), with `kept` (id, name, has_document, expires_at) when asked", content_type = "application/json"), (status = 409, body = ProblemDoc), (status = 422, body = ProblemDoc), (status = 429, body = ProblemDoc)))]
pub(super) async fn signature(
    State(s): State<AppState>,
    c: Client,
    multipart: Multipart,
) -> ApiResult<Json<VerifyAnswer>> {
    let parts = Parts::read(multipart, MAX_VERIFY_BYTES)
        .await
        .map_err(fail(c.lang))?;
    Ok(Json(
        check_form(&s, &c, None, &parts, true)
            .await
            .map_err(fail(c.lang))?,
    ))
}

/// `verification` as a printable PDF.
fn pdf_of(verification: &Verification, lang: Lang) -> ApiResult<Response> {
    let font = act_font().map_err(fail(lang))?;
    let pdf = verification_report(verification, font).map_err(fail(lang))?;
    Ok(pdf_download("verification-report.pdf", pdf))
}

/// The report of a form's signature as a printable PDF.
pub(crate) async fn report_pdf(
    s: &AppState,
    c: &Client,
    multipart: Multipart,
) -> ApiResult<Response> {
    let parts = Parts::read(multipart, MAX_VERIFY_BYTES)
        .await
        .map_err(fail(c.lang))?;
    let answer = check_form(s, c, None, &parts, false)
        .await
        .map_err(fail(c.lang))?;
    pdf_of(&answer.verification, c.lang)
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
    let parts = Parts::read(multipart, MAX_VERIFY_BYTES)
        .await
        .map_err(fail(c.lang))?;
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

/// Kept files, verified anew now. Rate-limited per address as a new check is.
#[utoipa::path(get, path = "/api/v1/verify/kept/{id}",
    responses((status = 200, description = "The report, as /api/v1/verify answers with `keep`", content_type = "application/json"), (status = 404, body = ProblemDoc), (status = 429, body = ProblemDoc)))]
pub(super) async fn kept(
    State(s): State<AppState>,
    c: Client,
    Path(id): Path<String>,
) -> ApiResult<Json<VerifyAnswer>> {
    let (verification, kept) = s
        .portal
        .kept_verification(&c.ctx, &id)
        .await
        .map_err(fail(c.lang))?;
    Ok(Json(VerifyAnswer {
        verification,
        kept: Some(kept),
    }))
}

/// Kept files' report, verified anew now, as a printable PDF.
#[utoipa::path(get, path = "/api/v1/verify/kept/{id}/report.pdf",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ProblemDoc), (status = 429, body = ProblemDoc)))]
pub(super) async fn kept_report(
    State(s): State<AppState>,
    c: Client,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (verification, _) = s
        .portal
        .kept_verification(&c.ctx, &id)
        .await
        .map_err(fail(c.lang))?;
    pdf_of(&verification, c.lang)
}

/// The kept document, as it was uploaded.
#[utoipa::path(get, path = "/api/v1/verify/kept/{id}/document",
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ProblemDoc)))]
pub(super) async fn kept_document(
    State(s): State<AppState>,
    c: Client,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let kept = s.portal.kept_files(&id).await.map_err(fail(c.lang))?;
    let document = kept
        .document
        .ok_or_else(|| fail(c.lang)(Error::NotFound(Missing::Document)))?;
    Ok(download(
        &kept.name,
        "application/octet-stream",
        "attachment",
        document,
    ))
}

/// The kept signature, as it was uploaded.
#[utoipa::path(get, path = "/api/v1/verify/kept/{id}/signature",
    responses((status = 200, content_type = "application/pkcs7-signature", body = Vec<u8>), (status = 404, body = ProblemDoc)))]
pub(super) async fn kept_signature(
    State(s): State<AppState>,
    c: Client,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let kept = s.portal.kept_files(&id).await.map_err(fail(c.lang))?;
    Ok(download(
        &format!("{}.sig", kept.name),
        "application/pkcs7-signature",
        "attachment",
        kept.signature,
    ))
}

/// Deletes the kept files at once.
#[utoipa::path(delete, path = "/api/v1/verify/kept/{id}",
    responses((status = 204, description = "Deleted"), (status = 404, body = ProblemDoc)))]
pub(super) async fn forget(
    State(s): State<AppState>,
    c: Client,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.portal
        .forget_verification(&c.ctx, None, &id)
        .await
        .map_err(fail(c.lang))?;
    Ok(StatusCode::NO_CONTENT)
}
