//! Headers every answer carries so that a browser keeps the portal's pages to themselves: no
//! other site frames them (a hidden «Подписать» under a decoy), no script but the portal's
//! own runs in them, no cache keeps them, no download is sniffed into a page, and no address
//! (a kept verification's link is its only key) leaves for another site in a `Referer`; and,
//! when the portal's public address is https, no browser that came once comes back over
//! plain http.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// The pages' Content Security Policy: the portal's own scripts, styles and images only (the
/// QR codes are inline SVG), no plugins, no `<base>`, no framing.
pub(crate) const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The headers, each added unless the answer set its own (the sandbox gateway's page sets a
/// policy of its own for its inline style).
const HEADERS: [(HeaderName, &str); 5] = [
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    // A page or an API answer is someone's data: kept by no cache, not even the browser's
    // (a shared computer's). What may be cached (styles, CRLs, certificates) says so itself.
    (header::CACHE_CONTROL, "no-store"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    // Same-origin requests keep it (the language switch goes back by it).
    (header::REFERRER_POLICY, "same-origin"),
];

/// HSTS for a portal served over https: a year, for this host only.
const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// The headers an answer gets, for a portal whose public address is https or not.
fn headers(https: bool) -> impl Iterator<Item = (HeaderName, &'static str)> {
    HEADERS
        .into_iter()
        .chain(https.then_some((header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY)))
}

/// Adds the headers to every answer that did not set them itself.
pub(crate) async fn add(State(s): State<AppState>, request: Request, next: Next) -> Response {
    let https = s.portal.origin().starts_with("https://");
    let mut response = next.run(request).await;
    let set = response.headers_mut();
    for (name, value) in headers(https) {
        if !set.contains_key(&name) {
            set.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsts_only_over_https() {
        let names = |https| headers(https).map(|(n, _)| n).collect::<Vec<_>>();
        assert!(!names(false).contains(&header::STRICT_TRANSPORT_SECURITY));
        assert!(names(true).contains(&header::STRICT_TRANSPORT_SECURITY));
        assert_eq!(names(true).len(), HEADERS.len() + 1);
    }
}
