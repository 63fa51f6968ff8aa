//! Headers every answer carries so that a browser keeps the portal's pages to themselves: no
//! other site frames them (a hidden «Подписать» under a decoy), no script but the portal's
//! own runs in them, no download is sniffed into a page, and no address (a kept verification's
//! link is its only key) leaves for another site in a `Referer`.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The pages' Content Security Policy: the portal's own scripts, styles and images only (the
/// QR codes are inline SVG), no plugins, no `<base>`, no framing.
pub(crate) const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The headers, each added unless the answer set its own (the sandbox gateway's page sets a
/// policy of its own for its inline style).
const HEADERS: [(HeaderName, &str); 4] = [
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    // Same-origin requests keep it (the language switch goes back by it).
    (header::REFERRER_POLICY, "same-origin"),
];

/// Adds [`HEADERS`] to every answer.
pub(crate) async fn add(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in HEADERS {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}
