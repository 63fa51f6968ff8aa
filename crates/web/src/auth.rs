//! Who is asking: the client's address, agent and language; the principal behind a bearer token
//! (API) or a session cookie (pages); cookies and CSRF tokens.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use podpis_core::{Context, Error, Lang, Principal};

use crate::AppState;
use crate::error::Problem;

/// The session cookie (HttpOnly).
pub const SESSION_COOKIE: &str = "podpis_session";
/// The anonymous CSRF nonce cookie, for forms shown before sign-in.
pub const CSRF_COOKIE: &str = "podpis_csrf";
/// The interface language cookie.
pub const LANG_COOKIE: &str = "podpis_lang";

/// The client: where from, which browser, which language, its cookies.
#[derive(Clone, Debug)]
pub struct Client {
    /// For the journal and the rate limits.
    pub ctx: Context,
    /// The language to answer in.
    pub lang: Lang,
    cookies: Vec<(String, String)>,
}

impl Client {
    /// The value of cookie `name`.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn from_parts(parts: &Parts, state: &AppState) -> Self {
        let headers = &parts.headers;
        let cookies = cookies(headers);
        let forwarded = state
            .config
            .trust_proxy
            .then(|| headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()))
            .flatten()
            .and_then(|v| v.split(',').next())
            .map(|ip| ip.trim().to_owned());
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        let user_agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(300).collect());
        let lang = cookies
            .iter()
            .find(|(n, _)| n == LANG_COOKIE)
            .map(|(_, v)| Lang::parse(v))
            .or_else(|| {
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| {
                        if v.trim_start().to_ascii_lowercase().starts_with("en") {
                            Lang::En
                        } else {
                            Lang::Ru
                        }
                    })
            })
            .unwrap_or_default();
        Self {
            ctx: Context {
                ip: forwarded.or(peer),
                user_agent,
            },
            lang,
            cookies,
        }
    }
}

fn cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
}

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self::from_parts(parts, state))
    }
}

/// A `Set-Cookie` value: HttpOnly, Path=/, SameSite as given, Secure when configured; with
/// `max_age` 0 the cookie is deleted.
pub fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    max_age: i64,
    same_site: &str,
) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite={same_site}{secure}"
    ))
    .expect("cookie values are base64url or hex")
}

/// A signed-in API client (bearer token).
pub struct ApiUser {
    /// Who.
    pub who: Principal,
    /// From where.
    pub client: Client,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let client = Client::from_parts(parts, state);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(token) = token else {
            return Err(Problem {
                error: Error::Unauthenticated,
                lang: client.lang,
            });
        };
        match state.portal.authenticate(token).await {
            Ok(who) => Ok(Self { who, client }),
            Err(error) => Err(Problem {
                error,
                lang: client.lang,
            }),
        }
    }
}

/// A signed-in browser (session cookie); anyone else is sent to the sign-in page.
pub struct PageUser {
    /// Who.
    pub who: Principal,
    /// From where.
    pub client: Client,
}

impl PageUser {
    /// The language to render in: the account's own.
    pub fn lang(&self) -> Lang {
        self.who.lang
    }
}

/// Sent to the sign-in page.
pub struct ToLogin;

impl IntoResponse for ToLogin {
    fn into_response(self) -> Response {
        Redirect::to("/login").into_response()
    }
}

impl PageUser {
    /// The browser's user when its session cookie names a live session.
    async fn signed_in(parts: &Parts, state: &AppState) -> Option<Self> {
        let client = Client::from_parts(parts, state);
        let token = client.cookie(SESSION_COOKIE)?;
        let who = state.portal.authenticate(token).await.ok()?;
        Some(Self { who, client })
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = ToLogin;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Self::signed_in(parts, state).await.ok_or(ToLogin)
    }
}

/// On a public page: the signed-in user, if any (their header), never a redirect.
impl OptionalFromRequestParts<AppState> for PageUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(Self::signed_in(parts, state).await)
    }
}

/// The CSRF token a form shown to `client` must carry: the session's own once signed in;
/// before that, a MAC of a nonce kept in a cookie (set here when missing, so no server state
/// is needed and any node can check it).
pub fn csrf_token(
    state: &AppState,
    client: &Client,
    who: Option<&Principal>,
) -> (String, Option<HeaderValue>) {
    if let Some(who) = who {
        return (who.csrf.clone(), None);
    }
    match client.cookie(CSRF_COOKIE) {
        Some(nonce) => (state.portal.mac("csrf", nonce), None),
        None => {
            let nonce = podpis_core::random_token();
            let cookie = set_cookie(state, CSRF_COOKIE, &nonce, 86_400, "Strict");
            (state.portal.mac("csrf", &nonce), Some(cookie))
        }
    }
}

/// Whether `token` is the CSRF token for this client (and principal).
pub fn csrf_ok(state: &AppState, client: &Client, who: Option<&Principal>, token: &str) -> bool {
    match who {
        Some(who) => podpis_core::same_secret(&who.csrf, token),
        None => client
            .cookie(CSRF_COOKIE)
            .is_some_and(|nonce| state.portal.check_mac("csrf", nonce, token)),
    }
}
