//! Errors as RFC 9457 problem documents (`application/problem+json`), one `type` per kind of
//! error, in the language the client asked for.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use podpis_core::{Error, Lang};
use serde_json::json;

/// A core error on its way to an API client.
pub struct Problem {
    /// What went wrong.
    pub error: Error,
    /// The client's language.
    pub lang: Lang,
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let e = &self.error;
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(error = %e, "request failed");
        }
        let mut body = json!({
            "type": format!("/problems/{}", e.slug()),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": e.text(self.lang),
        });
        match e {
            Error::Invalid { field, .. } => body["field"] = json!(field),
            Error::WrongCode { tries_left } => body["triesLeft"] = json!(tries_left),
            Error::TooManyRequests { retry_after } => body["retryAfter"] = json!(retry_after),
            _ => {}
        }
        let mut response = (status, body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Error::TooManyRequests { retry_after } = e
            && let Ok(v) = HeaderValue::from_str(&retry_after.to_string())
        {
            headers.insert(header::RETRY_AFTER, v);
        }
        if matches!(e, Error::Unauthenticated) {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
