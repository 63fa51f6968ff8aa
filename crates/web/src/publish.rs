//! What the hosted centres publish over plain HTTP, for any client: `/crl/<id>.crl` (RFC 5280
//! CRL, DER), `/ca/<id>.cer` (the CA certificate) and the OCSP responder at `/ocsp` (RFC 6960:
//! POST with an `application/ocsp-request` body, or GET `/ocsp/<base64 of the request>`).
//!
//! Answers are cacheable (`public, no-cache` with an ETag): an HTTP cache in front may keep
//! them but asks again each time, so a revocation is never hidden by a cache.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use podpis_core::Error;

use crate::AppState;

/// The largest OCSP request read (a request names a few certificates: well under 1 KiB).
const OCSP_REQUEST_MAX: usize = 16 * 1024;

/// The publication routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/crl/{file}", get(crl))
        .route("/ca/{file}", get(ca_certificate))
        .route("/ocsp", axum::routing::post(ocsp_post))
        .route("/ocsp/{*request}", get(ocsp_get))
        .layer(DefaultBodyLimit::max(OCSP_REQUEST_MAX))
}

/// A short plain-text refusal (these clients are programs that show the status).
fn refuse(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// A DER body of `content_type`, cacheable with revalidation; 304 when the client has `etag`.
fn document(
    headers: &HeaderMap,
    content_type: &'static str,
    etag: String,
    der: Vec<u8>,
) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{etag}\"")).expect("an ETag of hex and dashes");
    let cache = [
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, no-cache"),
        ),
        (header::ETAG, etag.clone()),
    ];
    if headers.get(header::IF_NONE_MATCH) == Some(&etag) {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    let mut response = (cache, der).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn failed(e: &Error) -> Response {
    match e {
        Error::NotFound(_) => refuse(StatusCode::NOT_FOUND, "no such centre is hosted here\n"),
        other => {
            tracing::error!(error = %other, "publishing failed");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n")
        }
    }
}

/// `GET /crl/<id>.crl`
async fn crl(State(s): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some(id) = file.strip_suffix(".crl") else {
        return refuse(StatusCode::NOT_FOUND, "CRLs are at /crl/<centre>.crl\n");
    };
    match s.portal.crl(id).await {
        Ok(crl) => document(
            &headers,
            "application/pkix-crl",
            format!("{id}-{}", crl.stored.number),
            crl.stored.der.clone(),
        ),
        Err(e) => failed(&e),
    }
}

/// `GET /ca/<id>.cer`
async fn ca_certificate(
    State(s): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(id) = file.strip_suffix(".cer") else {
        return refuse(
            StatusCode::NOT_FOUND,
            "CA certificates are at /ca/<centre>.cer\n",
        );
    };
    match s.portal.centre(id).await {
        Ok(centre) => match centre.chain.into_iter().next() {
            Some(der) => {
                let tag = podpis_pki::Certificate::from_der(&der)
                    .map(|c| format!("{id}-{}", c.serial_hex()))
                    .unwrap_or_else(|_| id.to_owned());
                document(&headers, "application/pkix-cert", tag, der)
            }
            None => refuse(StatusCode::NOT_FOUND, "this centre has no certificate\n"),
        },
        Err(e) => failed(&e),
    }
}

fn ocsp_response(der: &[u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/ocsp-response"),
            (header::CACHE_CONTROL, "public, no-cache"),
        ],
        der.to_vec(),
    )
        .into_response()
}

/// `POST /ocsp` with a DER request.
async fn ocsp_post(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("application/ocsp-request") {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "an OCSP request is sent as application/ocsp-request\n",
        );
    }
    ocsp_response(&s.portal.ocsp(&body).await)
}

/// `GET /ocsp/<base64>`: the request in base64 (URL-encoded, as RFC 6960 appendix A has it).
async fn ocsp_get(State(s): State<AppState>, Path(request): Path<String>) -> Response {
    // The path arrives percent-decoded; a `+` some clients leave for a space is put back.
    let text = request.replace(' ', "+");
    match STANDARD.decode(text.trim_end_matches('/')) {
        Ok(der) => ocsp_response(&s.portal.ocsp(&der).await),
        Err(_) => ocsp_response(
            podpis_pki::ocsp::OcspResponse::error(
                podpis_pki::ocsp::ResponseStatus::MalformedRequest,
            )
            .der(),
        ),
    }
}
