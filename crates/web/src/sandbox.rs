//! The sandbox payment gateway's own pages: `/sandbox/pay` shows the order of a checkout link and
//! takes a test card number; the outcome goes to the portal as the gateway's signed webhook (the
//! same [`podpis_core::Portal::payment_webhook`] the HTTP webhook calls), and the payer is sent
//! back to the portal. Served only when the portal's payments go through the sandbox.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use podpis_core::Lang;
use podpis_core::payments::{Order, TEST_CARD_DECLINED, TEST_CARD_OK, rubles};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Client;
use crate::security_headers;

/// The routes of the sandbox's pages.
pub fn routes() -> Router<AppState> {
    Router::new().route("/sandbox/pay", get(page).post(charge))
}

#[derive(Template)]
#[template(path = "sandbox_pay.html")]
struct PayPage {
    description: String,
    amount: String,
    order: String,
    sig: String,
    error: Option<String>,
    ok_card: &'static str,
    declined_card: &'static str,
}

/// A checkout link's query, and the card the payer entered.
#[derive(Deserialize)]
struct Link {
    order: String,
    sig: String,
    #[serde(default)]
    card: String,
}

fn render(link: &Link, order: &Order, error: Option<String>, status: StatusCode) -> Response {
    let page = PayPage {
        description: order.description.clone(),
        amount: rubles(order.amount, Lang::Ru),
        order: link.order.clone(),
        sig: link.sig.clone(),
        error,
        ok_card: TEST_CARD_OK,
        declined_card: TEST_CARD_DECLINED,
    };
    match page.render() {
        // A gateway's page of its own look: its one inline style is allowed, nothing else.
        Ok(body) => (
            status,
            [(
                header::CONTENT_SECURITY_POLICY,
                format!(
                    "{}; style-src 'self' 'unsafe-inline'",
                    security_headers::CONTENT_SECURITY_POLICY
                ),
            )],
            Html(body),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The answer where payments do not go through the sandbox.
fn not_here() -> Response {
    (StatusCode::NOT_FOUND, "no sandbox gateway here").into_response()
}

async fn page(State(s): State<AppState>, Query(link): Query<Link>) -> Response {
    let Some(gw) = s.config.sandbox.as_ref() else {
        return not_here();
    };
    match gw.open(&link.order, &link.sig) {
        Ok(order) => render(&link, &order, None, StatusCode::OK),
        Err(why) => (StatusCode::BAD_REQUEST, why).into_response(),
    }
}

async fn charge(State(s): State<AppState>, c: Client, Form(link): Form<Link>) -> Response {
    let Some(gw) = s.config.sandbox.as_ref() else {
        return not_here();
    };
    let order = match gw.open(&link.order, &link.sig) {
        Ok(order) => order,
        Err(why) => return (StatusCode::BAD_REQUEST, why).into_response(),
    };
    let (body, signature) = match gw.charge(&order, &link.card) {
        Ok(webhook) => webhook,
        Err(why) => {
            let text = format!("Номер карты не подходит ({why}).");
            return render(&link, &order, Some(text), StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    match s.portal.payment_webhook(&c.ctx, &body, &signature).await {
        Ok(()) => Redirect::to(&order.return_url).into_response(),
        Err(e) => render(
            &link,
            &order,
            Some(e.text(c.lang)),
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::CONFLICT),
        ),
    }
}
