//! The administrator's pages of the registry of accredited centres (`/admin/centres`): every
//! centre with its accreditation, hosting a new centre (its CA key made here), importing an
//! external one (its CA chain and URLs), changing or ending an accreditation, and appointing a
//! centre's operator. Each form posts to one portal call, as `podpis centre …` does.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use podpis_core::payments::rubles;
use podpis_core::{CentreForm, Error, ImportForm, Role, parse_time};
use serde::Deserialize;

use super::{Layout, PageUser, day, error_status, forbidden, guard, html, user_frame};
use crate::AppState;
use crate::parts::{DEFAULT_BODY_LIMIT, Parts};
use crate::texts;

/// The routes of the registry pages.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/centres", get(show).post(add))
        .route("/admin/centres/import", post(import))
        .route("/admin/centres/{id}/accreditation", post(accreditation))
        .route("/admin/operators", post(appoint))
}

struct CentreRow {
    id: String,
    name: String,
    address: String,
    inn: String,
    ogrn: String,
    hosted: bool,
    crl_url: Option<String>,
    ocsp_url: Option<String>,
    price: String,
    from: String,
    until: String,
    in_force: bool,
}

#[derive(Template)]
#[template(path = "registry.html")]
struct RegistryPage {
    l: Layout,
    centres: Vec<CentreRow>,
}

/// The registry page, with `error` or `done` above it.
async fn page(s: &AppState, u: &PageUser, error: Option<Error>, done: bool) -> Response {
    let mut f = user_frame(u, |t| t.registry_title);
    if u.who.require_admin().is_err() {
        return forbidden(f, u.lang());
    }
    let now = s.portal.clock().now();
    let centres = match s.portal.centres().await {
        Ok(all) => all,
        Err(e) => return super::page_error(f, e, u.lang()),
    };
    let centres = centres
        .into_iter()
        .map(|c| CentreRow {
            in_force: c.accredited_at(now),
            price: rubles(c.price, u.lang()),
            from: day(c.accredited_from),
            // The period ends at the start of the day after the last one shown.
            until: day(c.accredited_until - 1),
            id: c.id,
            name: c.name,
            address: c.address,
            inn: c.inn,
            ogrn: c.ogrn,
            hosted: c.hosted,
            crl_url: c.crl_url,
            ocsp_url: c.ocsp_url,
        })
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, error_status);
    f.l.error = error.map(|e| e.text(u.lang()));
    f.l.notice = done.then(|| texts::of(u.lang()).registry_saved.to_owned());
    html(&RegistryPage { l: f.l, centres }, status, None)
}

async fn show(s: State<AppState>, u: PageUser) -> Response {
    page(&s, &u, None, false).await
}

fn invalid(field: &'static str, ru: &str, en: &str) -> Error {
    Error::Invalid {
        field,
        ru: ru.into(),
        en: en.into(),
    }
}

/// The end of the accreditation for a last day `YYYY-MM-DD` (the start of the next day, UTC).
fn until(text: &str) -> Result<i64, Error> {
    parse_time(text).map(|t| t + 86_400).ok_or_else(|| {
        invalid(
            "until",
            "Последний день аккредитации: дата ГГГГ-ММ-ДД.",
            "The accreditation's last day: a date YYYY-MM-DD.",
        )
    })
}

/// Rubles as typed (`1500`, `1 500`, `1500,50`, `1500.50`, with or without `₽`) in kopecks.
fn kopecks(text: &str) -> Result<i64, Error> {
    let text: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '₽')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let text = if text.is_empty() { "0" } else { text.as_str() };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (whole, part) = match text.split_once('.') {
        Some((whole, part)) if digits(part) && part.len() <= 2 => (whole, part),
        Some(_) => ("", ""),
        None => (text, ""),
    };
    let price = digits(whole)
        .then(|| {
            let whole: i64 = whole.parse().ok()?;
            let part: i64 = format!("{part:0<2}").parse().ok()?;
            whole.checked_mul(100)?.checked_add(part)
        })
        .flatten();
    price.ok_or_else(|| {
        invalid(
            "price",
            "Цена: рубли, не больше двух знаков после запятой.",
            "The price: rubles, at most two digits after the point.",
        )
    })
}

/// The registry data the forms of both kinds of centre share.
fn centre_form(text: impl Fn(&str) -> String) -> Result<CentreForm, Error> {
    Ok(CentreForm {
        id: text("id"),
        name: text("name"),
        inn: text("inn"),
        ogrn: text("ogrn"),
        address: text("address"),
        price: kopecks(&text("price"))?,
        accredited_from: None,
        accredited_until: until(&text("until"))?,
    })
}

#[derive(Deserialize)]
struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
    #[serde(flatten)]
    fields: std::collections::HashMap<String, String>,
}

async fn add(s: State<AppState>, u: PageUser, Form(form): Form<AddForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let result = async {
        let centre = centre_form(|k| form.fields.get(k).cloned().unwrap_or_default())?;
        let key = form.key.parse().map_err(|_| {
            invalid(
                "key",
                "Ключ УЦ: gost2012-256 или gost2012-512.",
                "The key: gost2012-256 or gost2012-512.",
            )
        })?;
        s.portal
            .add_hosted_centre(&u.client.ctx, Some(&u.who), &centre, key)
            .await
    }
    .await;
    let done = result.is_ok();
    page(&s, &u, result.err(), done).await
}

async fn import(s: State<AppState>, u: PageUser, multipart: Multipart) -> Response {
    let parts = match Parts::read(multipart, DEFAULT_BODY_LIMIT).await {
        Ok(parts) => parts,
        Err(e) => return page(&s, &u, Some(e), false).await,
    };
    if let Some(refused) = guard(&s, &u, parts.get("csrf")) {
        return refused;
    }
    let result = async {
        let centre = centre_form(|k| parts.get(k).to_owned())?;
        let chain = parts
            .file("chain")
            .ok_or_else(|| {
                invalid(
                    "chain",
                    "Выберите файл сертификата УЦ.",
                    "Choose the centre's certificate file.",
                )
            })?
            .to_vec();
        let url = |k: &str| Some(parts.get(k).trim().to_owned()).filter(|u| !u.is_empty());
        let form = ImportForm {
            centre,
            chain,
            crl_url: url("crl_url"),
            ocsp_url: url("ocsp_url"),
        };
        s.portal
            .import_centre(&u.client.ctx, Some(&u.who), &form)
            .await
    }
    .await;
    let done = result.is_ok();
    page(&s, &u, result.err(), done).await
}

#[derive(Deserialize)]
struct AccreditationForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    /// `now` ends the accreditation at once.
    #[serde(default)]
    end: String,
}

async fn accreditation(
    s: State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(form): Form<AccreditationForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let result = async {
        let from = parse_time(&form.from).ok_or_else(|| {
            invalid(
                "from",
                "Начало аккредитации: дата ГГГГ-ММ-ДД.",
                "The accreditation's start: a date YYYY-MM-DD.",
            )
        })?;
        let until = if form.end == "now" {
            s.portal.clock().now()
        } else {
            until(&form.until)?
        };
        s.portal
            .set_accreditation(&u.client.ctx, Some(&u.who), &id, from, until)
            .await
    }
    .await;
    let done = result.is_ok();
    page(&s, &u, result.err(), done).await
}

#[derive(Deserialize)]
struct AppointForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    centre: String,
}

async fn appoint(s: State<AppState>, u: PageUser, Form(form): Form<AppointForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let role = Role::Operator { ca: form.centre };
    let result = s
        .portal
        .grant_role(&u.client.ctx, Some(&u.who), form.login.trim(), &role)
        .await;
    let done = result.is_ok();
    page(&s, &u, result.err(), done).await
}

#[cfg(test)]
mod tests {
    use super::kopecks;

    #[test]
    fn prices_are_read_as_rubles_and_kopecks() {
        assert_eq!(kopecks("1500").unwrap(), 150_000);
        assert_eq!(kopecks("1500,5").unwrap(), 150_050);
        assert_eq!(kopecks("0.99").unwrap(), 99);
        assert_eq!(kopecks("").unwrap(), 0);
        for bad in ["-1", "1.999", "12a", "1.", "."] {
            assert!(kopecks(bad).is_err(), "{bad}");
        }
    }
}
