//! The applicant's pages: the list of applications and a new one, and an application's page,
//! which shows what its state allows — the form and the scans, submission, payment, booking
//! the visit with its QR code, the cloud key's PIN, the issuance act. Each form posts to one
//! portal call, as the API does.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use podpis_core::payments::rubles;
use podpis_core::{
    ApplicationForm, ApplicationView, Error, MAX_SCAN_BYTES, Medium, SCAN_KINDS, Status,
    SubjectType, moscow_time, scan_title,
};
use serde::Deserialize;

use super::{IdForm, PageUser, centre_name, error_status, guard, html, page_error, user_frame};
use crate::AppState;
use crate::api::{act_font, qr_svg};
use crate::parts::Parts;

/// The routes of the applicant's pages.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/applications", get(list))
        .route("/applications/new", post(create))
        .route("/applications/{id}", get(show))
        .route("/applications/{id}/save", post(save))
        .route(
            "/applications/{id}/scans",
            post(attach).layer(DefaultBodyLimit::max(MAX_SCAN_BYTES + 64 * 1024)),
        )
        .route("/applications/{id}/scans/remove", post(remove_scan))
        .route("/applications/{id}/submit", post(submit))
        .route("/applications/{id}/cancel", post(cancel))
        .route("/applications/{id}/pay", post(pay))
        .route("/applications/{id}/visit", post(book))
        .route("/applications/{id}/visit/cancel", post(cancel_visit))
        .route("/applications/{id}/cloud-key", post(cloud_key))
        .route("/applications/{id}/act.pdf", get(act))
}

struct Row {
    id: String,
    centre: String,
    status: &'static str,
    updated: String,
}

struct CentreOption {
    id: String,
    name: String,
}

#[derive(Template)]
#[template(path = "applications.html")]
struct ListPage {
    l: super::Layout,
    rows: Vec<Row>,
    centres: Vec<CentreOption>,
}

async fn list(s: State<AppState>, u: PageUser) -> Response {
    let f = user_frame(&u, |t| t.applications_title);
    let lang = u.lang();
    let (apps, centres) = match (
        s.portal.applications(&u.who).await,
        s.portal.centres().await,
    ) {
        (Ok(a), Ok(c)) => (a, c),
        (Err(e), _) | (_, Err(e)) => return page_error(f, e, lang),
    };
    let now = s.portal.clock().now();
    let rows = apps
        .into_iter()
        .map(|v| Row {
            status: v.status.title(lang),
            updated: moscow_time(v.application.updated_at, lang),
            centre: centre_name(&centres, &v.application.centre_id),
            id: v.application.id,
        })
        .collect();
    let centres = centres
        .into_iter()
        .filter(|c| c.hosted && c.accredited_at(now))
        .map(|c| CentreOption {
            id: c.id,
            name: c.name,
        })
        .collect();
    html(
        &ListPage {
            l: f.l,
            rows,
            centres,
        },
        StatusCode::OK,
        None,
    )
}

#[derive(Deserialize)]
struct NewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    centre_id: String,
    subject_type: SubjectType,
    medium: Medium,
}

async fn create(s: State<AppState>, u: PageUser, Form(n): Form<NewForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &n.csrf) {
        return refused;
    }
    let result = async {
        let mut form = s.portal.application_form(&u.who).await?;
        form.centre_id = n.centre_id;
        form.subject_type = n.subject_type;
        form.medium = n.medium;
        s.portal
            .create_application(&u.client.ctx, &u.who, form)
            .await
    }
    .await;
    match result {
        Ok(v) => Redirect::to(&format!("/applications/{}", v.application.id)).into_response(),
        Err(e) => page_error(user_frame(&u, |t| t.applications_title), e, u.lang()),
    }
}

struct ScanRow {
    id: String,
    kind: &'static str,
    name: String,
    size: i64,
}

struct SlotRow {
    id: String,
    when: String,
}

struct VisitBox {
    when: String,
    code: String,
    qr: String,
}

#[derive(Template)]
#[template(path = "application.html")]
struct ShowPage {
    l: super::Layout,
    id: String,
    /// The centre's name.
    centre: String,
    status: &'static str,
    comment: String,
    price: String,
    form: ApplicationForm,
    editable: bool,
    officer: bool,
    entrepreneur: bool,
    scans: Vec<ScanRow>,
    kinds: Vec<(&'static str, &'static str)>,
    cancellable: bool,
    awaiting_payment: bool,
    /// Why the last payment was declined, while payment is awaited.
    declined: Option<String>,
    paid: bool,
    slots: Vec<SlotRow>,
    visit: Option<VisitBox>,
    cloud_pin: bool,
    act: bool,
}

/// The application page, with `error` above it when the last action failed.
async fn page(s: &AppState, u: &PageUser, id: &str, error: Option<Error>) -> Response {
    let mut f = user_frame(u, |t| t.application_title);
    let lang = u.lang();
    let v: ApplicationView = match s.portal.application(&u.who, id).await {
        Ok(v) => v,
        Err(e) => return page_error(f, e, lang),
    };
    let centre = s
        .portal
        .centre(&v.application.centre_id)
        .await
        .map_or_else(|_| v.application.centre_id.clone(), |c| c.name);
    let slots = if v.status == Status::Paid {
        s.portal
            .free_slots(&v.application.centre_id)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|slot| SlotRow {
                when: moscow_time(slot.starts_at, lang),
                id: slot.id,
            })
            .collect()
    } else {
        Vec::new()
    };
    let visit = if v.status == Status::VisitBooked {
        s.portal.visit(&u.who, id).await.ok().map(|visit| VisitBox {
            when: moscow_time(visit.slot.starts_at, lang),
            qr: qr_svg(&visit.token),
            code: visit.code,
        })
    } else {
        None
    };
    let declined = if v.status == Status::AwaitingPayment {
        s.portal
            .payments(&u.who, id)
            .await
            .unwrap_or_default()
            .into_iter()
            .max_by_key(|p| p.updated_at)
            .filter(|p| p.status == "declined")
            .map(|p| p.reason)
    } else {
        None
    };
    let status = error.as_ref().map_or(StatusCode::OK, error_status);
    f.l.error = error.map(|e| e.text(lang));
    let page = ShowPage {
        declined,
        l: f.l,
        id: v.application.id.clone(),
        centre,
        status: v.status.title(lang),
        comment: if v.status.tells_applicant() {
            v.application.comment.clone()
        } else {
            String::new()
        },
        price: rubles(v.application.price, lang),
        editable: v.status.editable(),
        officer: v.form.subject_type == SubjectType::Officer,
        entrepreneur: v.form.subject_type == SubjectType::Entrepreneur,
        scans: v
            .scans
            .into_iter()
            .map(|a| ScanRow {
                kind: scan_title(&a.kind, lang),
                id: a.id,
                name: a.name,
                size: a.size,
            })
            .collect(),
        kinds: SCAN_KINDS
            .iter()
            .map(|k| (*k, scan_title(k, lang)))
            .collect(),
        cancellable: Status::Cancelled != v.status && v.status.may_become(Status::Cancelled),
        awaiting_payment: v.status == Status::AwaitingPayment,
        paid: v.status == Status::Paid,
        slots,
        visit,
        cloud_pin: v.status == Status::IdentityVerified && v.form.medium == Medium::Cloud,
        act: matches!(v.status, Status::Issued | Status::Closed),
        form: v.form,
    };
    html(&page, status, None)
}

async fn show(s: State<AppState>, u: PageUser, Path(id): Path<String>) -> Response {
    page(&s, &u, &id, None).await
}

/// The form's text fields as the page posts them (the centre, subject type and medium stay as
/// the application was made).
#[derive(Deserialize)]
struct Fields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    surname: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    patronymic: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    inn: String,
    #[serde(default)]
    snils: String,
    #[serde(default)]
    document_number: String,
    #[serde(default)]
    ogrnip: String,
    #[serde(default)]
    organization: String,
    #[serde(default)]
    inn_le: String,
    #[serde(default)]
    ogrn: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    locality: String,
    #[serde(default)]
    street: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    consent: Option<String>,
}

async fn save(
    s: State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &f.csrf) {
        return refused;
    }
    let result = async {
        let current = s.portal.application(&u.who, &id).await?;
        let form = ApplicationForm {
            surname: f.surname,
            given_name: f.given_name,
            patronymic: f.patronymic,
            birth_date: f.birth_date,
            inn: f.inn,
            snils: f.snils,
            document_number: f.document_number,
            ogrnip: f.ogrnip,
            organization: f.organization,
            inn_le: f.inn_le,
            ogrn: f.ogrn,
            title: f.title,
            region: f.region,
            locality: f.locality,
            street: f.street,
            phone: f.phone,
            email: f.email,
            consent: f.consent.is_some(),
            ..current.form
        };
        s.portal
            .update_application(&u.client.ctx, &u.who, &id, form)
            .await
    }
    .await;
    page(&s, &u, &id, result.err()).await
}

async fn attach(
    s: State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let parts = match Parts::read(multipart, MAX_SCAN_BYTES).await {
        Ok(parts) => parts,
        Err(e) => return page(&s, &u, &id, Some(e)).await,
    };
    if let Some(refused) = guard(&s, &u, parts.get("csrf")) {
        return refused;
    }
    let result = match parts.files.get("file").filter(|(_, b)| !b.is_empty()) {
        Some((name, bytes)) => s
            .portal
            .attach_scan(
                &u.client.ctx,
                &u.who,
                &id,
                parts.get("kind"),
                name.as_deref().unwrap_or("scan.pdf"),
                bytes,
            )
            .await
            .map(drop),
        None => Err(Error::Invalid {
            field: "file",
            ru: "Выберите файл PDF до 5 МБ.".into(),
            en: "Choose a PDF file of up to 5 MB.".into(),
        }),
    };
    page(&s, &u, &id, result.err()).await
}

async fn remove_scan(
    s: State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(form): Form<IdForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let result = s
        .portal
        .remove_scan(&u.client.ctx, &u.who, &id, &form.id)
        .await;
    page(&s, &u, &id, result.err()).await
}

async fn submit(
    s: State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(form): Form<IdForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let result = s
        .portal
        .submit_application(&u.client.ctx, &u.who, &id)
        .await;
    page(&s, &u, &id, result.err()).await
}

async fn cancel(
    s: State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(form): Form<IdForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let result = s
        .portal
        .cancel_application(&u.client.ctx, &u.who, &id)
        .await;
    page(&s, &u, &id, result.err()).await
}

async fn pay(
    s: State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(form): Form<IdForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let back = format!("{}/applications/{id}", s.portal.origin());
    match s
        .portal
        .pay_application(&u.client.ctx, &u.who, &id, &back)
        .await
    {
        Ok(checkout) => Redirect::to(&checkout.url).into_response(),
        Err(e) => page(&s, &u, &id, Some(e)).await,
    }
}

async fn book(
    s: State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(form): Form<IdForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let result = s
        .portal
        .book_visit(&u.client.ctx, &u.who, &id, &form.id)
        .await;
    page(&s, &u, &id, result.err()).await
}

async fn cancel_visit(
    s: State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(form): Form<IdForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let result = s.portal.cancel_visit(&u.client.ctx, &u.who, &id).await;
    page(&s, &u, &id, result.err()).await
}

#[derive(Deserialize)]
struct PinForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pin: String,
}

async fn cloud_key(
    s: State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(form): Form<PinForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let result = s
        .portal
        .issue_cloud_key(&u.client.ctx, &u.who, &id, &form.pin)
        .await;
    page(&s, &u, &id, result.err()).await
}

async fn act(s: State<AppState>, u: PageUser, Path(id): Path<String>) -> Response {
    let f = user_frame(&u, |t| t.application_title);
    let result = match act_font() {
        Ok(font) => s.portal.application_act(&u.who, &id, font).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(pdf) => crate::api::pdf_download(&format!("act-{id}.pdf"), pdf),
        Err(e) => page_error(f, e, u.lang()),
    }
}
