//! The portal over HTTP: server-rendered pages for people (Russian, with English available;
//! forms work without JavaScript and carry CSRF tokens), the same operations as JSON under
//! `/api/v1` (bearer tokens, RFC 9457 problems, an OpenAPI document at `/api/v1/openapi.json`),
//! and `/healthz` and `/metrics` for whoever runs it.
//!
//! Handlers are thin: they read the request, call one [`podpis_core::Portal`] method and render
//! the result. Nothing here keeps state between requests — sessions, codes and limits live in the
//! database — so any number of nodes can serve the same portal.
#![warn(missing_docs)]

mod api;
mod auth;
mod error;
mod metrics;
mod pages;
mod parts;
mod publish;
mod sandbox;
mod security_headers;
mod texts;

use std::sync::Arc;

use axum::Router;
use podpis_core::Portal;
use podpis_core::notify::WorkerStats;
use podpis_core::payments::SandboxGateway;

pub use api::ApiDoc;
pub use metrics::Metrics;

/// How the HTTP layer behaves.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` (browsers still send them to `http://localhost`).
    pub secure_cookies: bool,
    /// Take the client's address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_proxy: bool,
    /// Show the administrator the development mailbox (messages are not really sent).
    pub dev_mailbox: bool,
    /// The sandbox payment gateway whose pages `/sandbox/pay` serves, when payments go through it.
    pub sandbox: Option<SandboxGateway>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: true,
            trust_proxy: false,
            dev_mailbox: false,
            sandbox: None,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The portal.
    pub portal: Portal,
    /// The HTTP layer's settings.
    pub config: Arc<WebConfig>,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The delivery worker's counters, when this node runs one.
    pub worker: Option<Arc<WorkerStats>>,
}

/// The whole application: pages, API, health and metrics, with request logging and counting.
pub fn app(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    Router::new()
        .merge(pages::routes())
        .merge(publish::routes())
        .merge(sandbox::routes())
        .nest("/api/v1", api::routes())
        .merge(metrics::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security_headers::add,
        ))
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::track,
        ))
        .with_state(state)
}
