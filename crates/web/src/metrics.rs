//! `/healthz`, `/metrics` (Prometheus text format) and the middleware that logs and counts
//! every request: method, route template (never the query string, which may carry codes),
//! status and time.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;

use crate::AppState;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    total: u64,
    sum: f64,
}

/// Request counters and latency histograms, per route.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        *self
            .requests
            .lock()
            .expect("metrics")
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
        let mut latency = self.latency.lock().expect("metrics");
        let h = latency.entry(route.to_owned()).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[i] += 1;
            }
        }
        h.total += 1;
        h.sum += seconds;
    }

    fn render(&self, out: &mut String) {
        out.push_str(
            "# HELP podpis_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE podpis_http_requests_total counter\n");
        for ((method, route, status), n) in self.requests.lock().expect("metrics").iter() {
            let _ = writeln!(
                out,
                "podpis_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP podpis_http_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE podpis_http_request_duration_seconds histogram\n");
        for (route, h) in self.latency.lock().expect("metrics").iter() {
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "podpis_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "podpis_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.total
            );
            let _ = writeln!(
                out,
                "podpis_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "podpis_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.total
            );
        }
    }
}

/// Logs and counts one request.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    metrics.observe(&method, &route, status, seconds);
    if is_publication(&route) {
        // OCSP, CRL and CA-certificate fetches come by the thousand a second: counted in the
        // metrics, logged only at debug level.
        tracing::debug!(%method, %route, status, ms = seconds * 1000.0, "request");
    } else {
        tracing::info!(%method, %route, status, ms = seconds * 1000.0, "request");
    }
    response
}

/// Whether `route` is one of the hosted centres' publications (see `publish`).
fn is_publication(route: &str) -> bool {
    route.starts_with("/ocsp") || route.starts_with("/crl/") || route.starts_with("/ca/")
}

/// `/healthz` and `/metrics`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

async fn healthz(State(s): State<AppState>) -> Response {
    match s.portal.store().ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

async fn metrics(State(s): State<AppState>) -> Response {
    let mut out = String::new();
    s.metrics.render(&mut out);
    if let Ok(mut tx) = s.portal.store().read().await {
        if let Ok(pending) = tx.pending_messages().await {
            out.push_str("# HELP podpis_outbox_pending Messages waiting for delivery.\n# TYPE podpis_outbox_pending gauge\n");
            let _ = writeln!(out, "podpis_outbox_pending {pending}");
        }
        if let Ok((seq, _)) = tx.journal_head().await {
            out.push_str("# HELP podpis_journal_entries Entries in the action journal.\n# TYPE podpis_journal_entries gauge\n");
            let _ = writeln!(out, "podpis_journal_entries {seq}");
        }
    }
    if let Some(w) = &s.worker {
        out.push_str("# HELP podpis_outbox_sent_total Outbox delivery outcomes on this node.\n# TYPE podpis_outbox_sent_total counter\n");
        for (outcome, n) in [
            ("delivered", &w.delivered),
            ("retried", &w.retried),
            ("failed", &w.failed),
        ] {
            let _ = writeln!(
                out,
                "podpis_outbox_sent_total{{outcome=\"{outcome}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}
