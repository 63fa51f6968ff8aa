//! The registry of accredited centres in the API: the public list, the administrator's
//! additions and accreditation changes, and a hosted centre's issued certificates and
//! revocations for its operators.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use podpis_core::{CentreForm, Error, ImportForm, Lang, timestamp};
use podpis_pki::crl::Reason;
use podpis_store::{Centre, IssuedCertificate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiResult, Body, Page, ProblemDoc, fail};
use crate::AppState;
use crate::auth::{ApiUser, Client};

/// A centre of the registry.
#[derive(Serialize, ToSchema)]
pub(super) struct CentreDto {
    /// Short identifier, as in `/crl/<id>.crl`.
    id: String,
    name: String,
    /// ИНН of the legal entity.
    inn: String,
    /// ОГРН.
    ogrn: String,
    address: String,
    /// The price of a certificate, in kopecks.
    price: i64,
    accredited_from: String,
    accredited_until: String,
    /// Whether the accreditation is in force now.
    accredited: bool,
    /// Whether this portal runs the centre's CA.
    hosted: bool,
    /// The CA certificate chain, PEM, the centre's own first.
    chain_pem: String,
    crl_url: Option<String>,
    ocsp_url: Option<String>,
}

impl CentreDto {
    fn of(c: Centre, now: i64) -> Self {
        let chain_pem = c
            .chain
            .iter()
            .filter_map(|der| podpis_pki::Certificate::from_der(der).ok())
            .map(|cert| cert.to_pem())
            .collect();
        Self {
            accredited: c.accredited_at(now),
            id: c.id,
            name: c.name,
            inn: c.inn,
            ogrn: c.ogrn,
            address: c.address,
            price: c.price,
            accredited_from: timestamp(c.accredited_from),
            accredited_until: timestamp(c.accredited_until),
            hosted: c.hosted,
            chain_pem,
            crl_url: c.crl_url,
            ocsp_url: c.ocsp_url,
        }
    }
}

/// A certificate a hosted centre issued.
#[derive(Serialize, ToSchema)]
pub(super) struct IssuedDto {
    centre: String,
    /// Upper-case hex.
    serial: String,
    subject: String,
    snils: Option<String>,
    inn: Option<String>,
    not_before: String,
    not_after: String,
    /// `good` or `revoked`.
    status: &'static str,
    revoked_at: Option<String>,
    /// The CRL reason, such as `keyCompromise`.
    reason: Option<String>,
    /// The certificate, PEM.
    pem: String,
}

impl From<IssuedCertificate> for IssuedDto {
    fn from(c: IssuedCertificate) -> Self {
        Self {
            status: if c.revoked_at.is_some() {
                "revoked"
            } else {
                "good"
            },
            pem: podpis_pki::Certificate::from_der(&c.der)
                .map(|cert| cert.to_pem())
                .unwrap_or_default(),
            centre: c.centre_id,
            serial: c.serial,
            subject: c.subject,
            snils: c.snils,
            inn: c.inn,
            not_before: timestamp(c.not_before),
            not_after: timestamp(c.not_after),
            revoked_at: c.revoked_at.map(timestamp),
            reason: c.reason,
        }
    }
}

/// A time field of a request (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`) in Unix seconds.
fn parse_time(field: &'static str, text: &str) -> Result<i64, Error> {
    podpis_core::parse_time(text).ok_or_else(|| Error::Invalid {
        field,
        ru: "Дата: ГГГГ-ММ-ДД или ГГГГ-ММ-ДДTЧЧ:ММ:ССZ.".into(),
        en: "Date: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ.".into(),
    })
}

/// A centre's registry data.
#[derive(Deserialize, ToSchema)]
pub(super) struct CentreRequest {
    /// 2–32 lower-case Latin letters, digits and `-`.
    id: String,
    name: String,
    /// ИНН of the legal entity (10 digits).
    inn: String,
    /// ОГРН (13 digits).
    ogrn: String,
    address: String,
    /// In kopecks.
    price: i64,
    /// `YYYY-MM-DD`; now when left out.
    #[serde(default)]
    accredited_from: Option<String>,
    /// `YYYY-MM-DD`.
    accredited_until: String,
    /// The CA key's algorithm for a hosted centre (default `gost2012-256`).
    #[serde(default)]
    algorithm: Option<String>,
}

impl CentreRequest {
    fn form(&self) -> Result<CentreForm, Error> {
        Ok(CentreForm {
            id: self.id.clone(),
            name: self.name.clone(),
            inn: self.inn.clone(),
            ogrn: self.ogrn.clone(),
            address: self.address.clone(),
            price: self.price,
            accredited_from: self
                .accredited_from
                .as_deref()
                .map(|t| parse_time("accredited_from", t))
                .transpose()?,
            accredited_until: parse_time("accredited_until", &self.accredited_until)?,
        })
    }
}

/// An external centre to import.
#[derive(Deserialize, ToSchema)]
pub(super) struct ImportRequest {
    #[serde(flatten)]
    centre: CentreRequest,
    /// The CA certificates, PEM, the centre's own first.
    chain_pem: String,
    crl_url: Option<String>,
    ocsp_url: Option<String>,
}

/// An accreditation period.
#[derive(Deserialize, ToSchema)]
pub(super) struct AccreditationRequest {
    /// `YYYY-MM-DD`.
    from: String,
    /// `YYYY-MM-DD` (exclusive).
    until: String,
}

/// Why a certificate is revoked.
#[derive(Deserialize, ToSchema)]
pub(super) struct RevokeRequest {
    /// A CRL reason: keyCompromise, affiliationChanged, superseded, cessationOfOperation,
    /// privilegeWithdrawn or unspecified.
    reason: String,
}

/// The registry of accredited centres (public).
#[utoipa::path(get, path = "/api/v1/centres",
    responses((status = 200, body = Vec<CentreDto>)))]
pub(super) async fn list(State(s): State<AppState>, c: Client) -> ApiResult<Json<Vec<CentreDto>>> {
    let now = s.portal.clock().now();
    let list = s.portal.centres().await.map_err(fail(c.lang))?;
    Ok(Json(
        list.into_iter().map(|x| CentreDto::of(x, now)).collect(),
    ))
}

/// One centre of the registry (public).
#[utoipa::path(get, path = "/api/v1/centres/{id}",
    responses((status = 200, body = CentreDto), (status = 404, body = ProblemDoc)))]
pub(super) async fn one(
    State(s): State<AppState>,
    c: Client,
    Path(id): Path<String>,
) -> ApiResult<Json<CentreDto>> {
    let centre = s.portal.centre(&id).await.map_err(fail(c.lang))?;
    Ok(Json(CentreDto::of(centre, s.portal.clock().now())))
}

/// Adds a hosted centre: its CA key and certificate are made here (administrators).
#[utoipa::path(post, path = "/api/v1/admin/centres", security(("bearer" = [])), request_body = CentreRequest,
    responses((status = 201, body = CentreDto), (status = 403, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn add(
    State(s): State<AppState>,
    u: ApiUser,
    Body(r): Body<CentreRequest>,
) -> ApiResult<(StatusCode, Json<CentreDto>)> {
    let lang = u.who.lang;
    let spec = r
        .algorithm
        .as_deref()
        .unwrap_or("gost2012-256")
        .parse()
        .map_err(|e| Error::Invalid {
            field: "algorithm",
            ru: format!("Алгоритм ключа: {e}"),
            en: format!("Key algorithm: {e}"),
        })
        .map_err(fail(lang))?;
    let form = r.form().map_err(fail(lang))?;
    let centre = s
        .portal
        .add_hosted_centre(&u.client.ctx, Some(&u.who), &form, spec)
        .await
        .map_err(fail(lang))?;
    let now = s.portal.clock().now();
    Ok((StatusCode::CREATED, Json(CentreDto::of(centre, now))))
}

/// Imports an external accredited centre by its CA chain (administrators).
#[utoipa::path(post, path = "/api/v1/admin/centres/import", security(("bearer" = [])), request_body = ImportRequest,
    responses((status = 201, body = CentreDto), (status = 403, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
pub(super) async fn import(
    State(s): State<AppState>,
    u: ApiUser,
    Body(r): Body<ImportRequest>,
) -> ApiResult<(StatusCode, Json<CentreDto>)> {
    let lang = u.who.lang;
    let form = ImportForm {
        centre: r.centre.form().map_err(fail(lang))?,
        chain: r.chain_pem.into_bytes(),
        crl_url: r.crl_url,
        ocsp_url: r.ocsp_url,
    };
    let centre = s
        .portal
        .import_centre(&u.client.ctx, Some(&u.who), &form)
        .await
        .map_err(fail(lang))?;
    let now = s.portal.clock().now();
    Ok((StatusCode::CREATED, Json(CentreDto::of(centre, now))))
}

/// Sets a centre's accreditation period (administrators).
#[utoipa::path(put, path = "/api/v1/admin/centres/{id}/accreditation", security(("bearer" = [])),
    request_body = AccreditationRequest,
    responses((status = 200, body = CentreDto), (status = 403, body = ProblemDoc), (status = 404, body = ProblemDoc)))]
pub(super) async fn accreditation(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Body(r): Body<AccreditationRequest>,
) -> ApiResult<Json<CentreDto>> {
    let lang = u.who.lang;
    let from = parse_time("from", &r.from).map_err(fail(lang))?;
    let until = parse_time("until", &r.until).map_err(fail(lang))?;
    let centre = s
        .portal
        .set_accreditation(&u.client.ctx, Some(&u.who), &id, from, until)
        .await
        .map_err(fail(lang))?;
    Ok(Json(CentreDto::of(centre, s.portal.clock().now())))
}

/// The certificates a hosted centre issued, newest first (its operators, administrators).
#[utoipa::path(get, path = "/api/v1/centres/{id}/certificates", security(("bearer" = [])), params(Page),
    responses((status = 200, body = Vec<IssuedDto>), (status = 403, body = ProblemDoc)))]
pub(super) async fn certificates(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Query(p): Query<Page>,
) -> ApiResult<Json<Vec<IssuedDto>>> {
    let list = s
        .portal
        .issued_certificates(&u.who, &id, p.limit, p.offset)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Revokes a certificate of a hosted centre: it is in the CRL and OCSP says `revoked` as soon
/// as this answers (its operators, administrators).
#[utoipa::path(post, path = "/api/v1/centres/{id}/certificates/{serial}/revoke", security(("bearer" = [])),
    request_body = RevokeRequest,
    responses((status = 200, body = IssuedDto), (status = 403, body = ProblemDoc), (status = 404, body = ProblemDoc),
        (status = 409, body = ProblemDoc)))]
pub(super) async fn revoke(
    State(s): State<AppState>,
    u: ApiUser,
    Path((id, serial)): Path<(String, String)>,
    Body(r): Body<RevokeRequest>,
) -> ApiResult<Json<IssuedDto>> {
    let lang = u.who.lang;
    let reason = reason(&r.reason, lang)?;
    let revoked = s
        .portal
        .revoke_certificate(&u.client.ctx, Some(&u.who), &id, &serial, reason)
        .await
        .map_err(fail(lang))?;
    Ok(Json(revoked.into()))
}

/// A revocation reason an operator may give (not the CA's own compromise, not a hold).
fn reason(name: &str, lang: Lang) -> ApiResult<Reason> {
    podpis_core::OPERATOR_REASONS
        .into_iter()
        .find(|r| r.name() == name)
        .ok_or_else(|| {
            fail(lang)(Error::Invalid {
                field: "reason",
                ru: "Причина отзыва: keyCompromise, affiliationChanged, superseded, \
                     cessationOfOperation, privilegeWithdrawn или unspecified."
                    .into(),
                en: "Reason: keyCompromise, affiliationChanged, superseded, cessationOfOperation, \
                     privilegeWithdrawn or unspecified."
                    .into(),
            })
        })
}
