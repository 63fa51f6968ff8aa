//! The certification centre's console for its operators: the queue of applications to review
//! (approve, or return with a comment), slots for visits, opening an application at the visit by
//! its QR token or short code, the identity check, and issuance (a .p12 file whose password is
//! shown once, or a certificate for the token's CSR).

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use podpis_core::{
    ApplicationView, Error, IdentityCheck, Issuance, Lang, MOSCOW_OFFSET, Medium, OPERATOR_REASONS,
    Review, Role, Status, moscow_time, parse_time, reason_title, scan_title,
};
use serde::Deserialize;

use super::{Frame, PageUser, error_status, forbidden, guard, html, page_error, user_frame};
use crate::AppState;

/// The routes of the console.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/operator", get(queue))
        .route("/operator/review", post(review))
        .route("/operator/slots", post(slots))
        .route("/operator/open", post(open))
        .route("/operator/revoke", post(revoke))
        .route("/operator/applications/{id}", get(card))
        .route("/operator/applications/{id}/identity", post(identity))
        .route("/operator/applications/{id}/issue", post(issue))
        .route("/operator/applications/{id}/scans/{scan}", get(scan))
}

/// The operator's centre.
fn centre_of(u: &PageUser) -> Option<String> {
    match &u.who.role {
        Role::Operator { ca } => Some(ca.clone()),
        _ => None,
    }
}

struct Row {
    id: String,
    name: String,
    updated: String,
}

fn rows(list: Vec<ApplicationView>, lang: Lang) -> Vec<Row> {
    list.into_iter()
        .map(|v| Row {
            name: format!(
                "{} {} {}",
                v.form.surname, v.form.given_name, v.form.patronymic
            ),
            updated: moscow_time(v.application.updated_at, lang),
            id: v.application.id,
        })
        .collect()
}

/// A certificate the centre issued.
struct CertificateRow {
    serial: String,
    subject: String,
    until: String,
    revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "console.html")]
struct QueuePage {
    l: super::Layout,
    /// The centre's name.
    centre: String,
    accepted: Vec<Row>,
    booked: Vec<Row>,
    issued: Vec<CertificateRow>,
    reasons: Vec<(&'static str, &'static str)>,
}

async fn queue_page(s: &AppState, u: &PageUser, result: Result<String, Error>) -> Response {
    let mut f = user_frame(u, |t| t.operator_title);
    let lang = u.lang();
    let Some(centre) = centre_of(u) else {
        return forbidden(f, lang);
    };
    let loaded = async {
        Ok::<_, Error>((
            s.portal
                .application_queue(&u.who, &centre, Status::Accepted)
                .await?,
            s.portal
                .application_queue(&u.who, &centre, Status::VisitBooked)
                .await?,
            s.portal.issued_certificates(&u.who, &centre, 50, 0).await?,
            s.portal.centre(&centre).await?.name,
        ))
    }
    .await;
    let (accepted, booked, issued, centre) = match loaded {
        Ok(all) => all,
        Err(e) => return page_error(f, e, lang),
    };
    let t = f.l.t;
    let issued = issued
        .into_iter()
        .map(|c| CertificateRow {
            revoked: c.revoked_at.map(|at| {
                let reason = c
                    .reason
                    .as_deref()
                    .and_then(|r| r.parse().ok())
                    .map_or("", |r| reason_title(r, lang));
                format!(
                    "{} {} ({reason})",
                    t.operator_revoked,
                    moscow_time(at, lang)
                )
            }),
            serial: c.serial,
            subject: c.subject,
            until: moscow_time(c.not_after, lang),
        })
        .collect();
    let status = match &result {
        Ok(_) => StatusCode::OK,
        Err(e) => error_status(e),
    };
    match result {
        Ok(notice) if !notice.is_empty() => f.l.notice = Some(notice),
        Ok(_) => {}
        Err(e) => f.l.error = Some(e.text(lang)),
    }
    html(
        &QueuePage {
            l: f.l,
            centre,
            accepted: rows(accepted, lang),
            booked: rows(booked, lang),
            issued,
            reasons: OPERATOR_REASONS
                .iter()
                .map(|r| (r.name(), reason_title(*r, lang)))
                .collect(),
        },
        status,
        None,
    )
}

async fn queue(s: State<AppState>, u: PageUser) -> Response {
    queue_page(&s, &u, Ok(String::new())).await
}

#[derive(Deserialize)]
struct ReviewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
}

async fn review(s: State<AppState>, u: PageUser, Form(r): Form<ReviewForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &r.csrf) {
        return refused;
    }
    let decision = if r.decision == "approve" {
        Review::Approve
    } else {
        Review::Return(r.comment)
    };
    let result = s
        .portal
        .review_application(&u.client.ctx, &u.who, &r.id, decision)
        .await
        .map(|v| v.status.title(u.lang()).to_owned());
    queue_page(&s, &u, result).await
}

#[derive(Deserialize)]
struct SlotForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    starts: String,
    #[serde(default)]
    minutes: i64,
}

async fn slots(s: State<AppState>, u: PageUser, Form(f): Form<SlotForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &f.csrf) {
        return refused;
    }
    let Some(centre) = centre_of(&u) else {
        return forbidden(user_frame(&u, |t| t.operator_title), u.lang());
    };
    // Moscow time, as people at the centre write it: "2027-01-20 10:00" or "…T10:00".
    let written = f.starts.trim().replace(' ', "T");
    let starts = parse_time(&format!("{written}:00Z")).map(|t| t - MOSCOW_OFFSET);
    let result = match starts {
        Some(t) => s
            .portal
            .publish_slots(&u.client.ctx, &u.who, &centre, &[t], f.minutes)
            .await
            .map(|slots| format!("{} ✓", slots.len())),
        None => Err(Error::Invalid {
            field: "starts",
            ru: "Время приёма: ГГГГ-ММ-ДД ЧЧ:ММ по Москве.".into(),
            en: "The slot: YYYY-MM-DD HH:MM, Moscow time.".into(),
        }),
    };
    queue_page(&s, &u, result).await
}

#[derive(Deserialize)]
struct OpenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

async fn open(s: State<AppState>, u: PageUser, Form(f): Form<OpenForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &f.csrf) {
        return refused;
    }
    match s.portal.open_visit(&u.who, &f.code).await {
        Ok(v) => card_page(&s, &u, &v.application.id, None, None).await,
        Err(e) => queue_page(&s, &u, Err(e)).await,
    }
}

struct ScanRow {
    id: String,
    kind: &'static str,
    name: String,
}

/// A .p12 file just issued, shown once.
struct P12Shown {
    password: String,
    href: String,
}

#[derive(Template)]
#[template(path = "console_card.html")]
struct CardPage {
    l: super::Layout,
    id: String,
    status: &'static str,
    v: ApplicationView,
    scans: Vec<ScanRow>,
    at_visit: bool,
    issue_p12: bool,
    issue_csr: bool,
    act: bool,
    p12: Option<P12Shown>,
}

async fn card_page(
    s: &AppState,
    u: &PageUser,
    id: &str,
    error: Option<Error>,
    p12: Option<P12Shown>,
) -> Response {
    let mut f: Frame = user_frame(u, |t| t.operator_title);
    let lang = u.lang();
    if centre_of(u).is_none() {
        return forbidden(f, lang);
    }
    let v = match s.portal.application(&u.who, id).await {
        Ok(v) => v,
        Err(e) => return page_error(f, e, lang),
    };
    let status = error.as_ref().map_or(StatusCode::OK, error_status);
    f.l.error = error.map(|e| e.text(lang));
    let verified = v.status == Status::IdentityVerified;
    let page = CardPage {
        l: f.l,
        id: v.application.id.clone(),
        status: v.status.title(lang),
        scans: v
            .scans
            .iter()
            .map(|a| ScanRow {
                id: a.id.clone(),
                kind: scan_title(&a.kind, lang),
                name: a.name.clone(),
            })
            .collect(),
        at_visit: v.status == Status::VisitBooked,
        issue_p12: verified && v.form.medium == Medium::P12,
        issue_csr: verified && v.form.medium == Medium::Token,
        act: matches!(v.status, Status::Issued | Status::Closed),
        p12,
        v,
    };
    html(&page, status, None)
}

async fn card(s: State<AppState>, u: PageUser, Path(id): Path<String>) -> Response {
    card_page(&s, &u, &id, None, None).await
}

#[derive(Deserialize)]
struct IdentityForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

async fn identity(
    s: State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(f): Form<IdentityForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &f.csrf) {
        return refused;
    }
    let check = if f.decision == "confirm" {
        IdentityCheck::Confirmed
    } else {
        IdentityCheck::Refused(f.reason)
    };
    let result = s
        .portal
        .check_identity(&u.client.ctx, &u.who, &id, check)
        .await;
    card_page(&s, &u, &id, result.err(), None).await
}

#[derive(Deserialize)]
struct IssueForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    medium: String,
    #[serde(default)]
    csr: String,
}

async fn issue(
    s: State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(f): Form<IssueForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &f.csrf) {
        return refused;
    }
    let how = if f.medium == "p12" {
        Issuance::P12
    } else {
        Issuance::Csr(f.csr.into_bytes())
    };
    match s
        .portal
        .issue_for_application(&u.client.ctx, &u.who, &id, how)
        .await
    {
        Ok(issued) => {
            let shown = issued.p12.map(|file| P12Shown {
                password: file.password.to_string(),
                href: format!(
                    "data:application/x-pkcs12;base64,{}",
                    STANDARD.encode(&file.der)
                ),
            });
            card_page(&s, &u, &id, None, shown).await
        }
        Err(e) => card_page(&s, &u, &id, Some(e), None).await,
    }
}

async fn scan(
    s: State<AppState>,
    u: PageUser,
    Path((id, scan)): Path<(String, String)>,
) -> Response {
    match s.portal.scan(&u.who, &id, &scan).await {
        Ok(a) => crate::api::pdf_download(&a.name, a.content),
        Err(e) => page_error(user_frame(&u, |t| t.operator_title), e, u.lang()),
    }
}

#[derive(Deserialize)]
struct RevokeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    serial: String,
    #[serde(default)]
    reason: String,
}

async fn revoke(s: State<AppState>, u: PageUser, Form(r): Form<RevokeForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &r.csrf) {
        return refused;
    }
    let Some(centre) = centre_of(&u) else {
        return forbidden(user_frame(&u, |t| t.operator_title), u.lang());
    };
    let result = match OPERATOR_REASONS.into_iter().find(|x| x.name() == r.reason) {
        Some(reason) => s
            .portal
            .revoke_certificate(&u.client.ctx, Some(&u.who), &centre, &r.serial, reason)
            .await
            .map(|_| crate::texts::of(u.lang()).revoked_done.to_owned()),
        None => Err(Error::Invalid {
            field: "reason",
            ru: "Выберите причину отзыва.".into(),
            en: "Choose the reason.".into(),
        }),
    };
    queue_page(&s, &u, result).await
}
