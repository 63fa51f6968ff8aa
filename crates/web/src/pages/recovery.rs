//! The forgotten-password pages: the login, then the code sent by SMS and a new password.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use podpis_core::Error;
use serde::Deserialize;

use super::{Frame, Layout, anon_frame, csrf_refused, error_status, html};
use crate::AppState;
use crate::auth::{Client, csrf_ok};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/password/reset", get(start).post(send))
        .route("/password/reset/finish", axum::routing::post(finish))
}

#[derive(Template)]
#[template(path = "password_reset.html")]
struct ResetPage {
    l: Layout,
    login: String,
    /// The code's ticket once one was asked for.
    code_id: Option<String>,
}

/// The page of `f` at its first step (no ticket) or its second, with `error` when an action
/// failed.
fn page(mut f: Frame, login: String, code_id: Option<String>, error: Option<Error>) -> Response {
    let status = error.as_ref().map_or(StatusCode::OK, error_status);
    f.l.error = error.map(|e| e.text(f.l.t.language()));
    html(
        &ResetPage {
            l: f.l,
            login,
            code_id,
        },
        status,
        f.cookie,
    )
}

async fn start(s: State<AppState>, c: Client) -> Response {
    page(
        anon_frame(&s, &c, |t| t.reset_title),
        String::new(),
        None,
        None,
    )
}

#[derive(Deserialize)]
struct SendForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
}

async fn send(s: State<AppState>, c: Client, Form(form): Form<SendForm>) -> Response {
    let f = anon_frame(&s, &c, |t| t.reset_title);
    if !csrf_ok(&s, &c, None, &form.csrf) {
        return csrf_refused(f);
    }
    match s.portal.reset_password_begin(&c.ctx, &form.login).await {
        Ok(ticket) => page(f, form.login, Some(ticket.id), None),
        Err(e) => page(f, form.login, None, Some(e)),
    }
}

#[derive(Deserialize)]
struct FinishForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code_id: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    new_password: String,
}

async fn finish(s: State<AppState>, c: Client, Form(form): Form<FinishForm>) -> Response {
    let mut f = anon_frame(&s, &c, |t| t.reset_title);
    if !csrf_ok(&s, &c, None, &form.csrf) {
        return csrf_refused(f);
    }
    match s
        .portal
        .reset_password_finish(&c.ctx, &form.code_id, &form.code, &form.new_password)
        .await
    {
        Ok(()) => {
            f.l.title = f.l.t.login_title;
            f.l.notice = Some(f.l.t.reset_done.to_owned());
            html(
                &super::LoginPage {
                    l: f.l,
                    login: String::new(),
                },
                StatusCode::OK,
                f.cookie,
            )
        }
        // The code is used up or too old: the flow starts again.
        Err(e @ Error::CodeExpired) => page(f, String::new(), None, Some(e)),
        Err(e) => page(f, String::new(), Some(form.code_id), Some(e)),
    }
}
