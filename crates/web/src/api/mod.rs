//! The JSON API under `/api/v1`: every operation of the pages, for programs. Sessions are bearer
//! tokens (`Authorization: Bearer …`), so no CSRF token is needed; errors are RFC 9457 problems.
//! The OpenAPI document is generated from these handlers ([`ApiDoc`]).

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use podpis_core::passkey::Credential;
use podpis_core::{
    Error, Lang, LoginChallenge, MAX_VERIFY_BYTES, RegistrationForm, Role, SessionKind, timestamp,
};
use podpis_store::{Account, Delivery, Entry, JournalFilter, Message, Passkey, Profile, Session};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

mod applications;
mod bindings;
mod centres;
mod documents;
mod download;
mod integrations;
mod issuance;
mod revocation;
mod verify;
mod visits;

pub(crate) use documents::package_download;
pub(crate) use download::{ascii_file_name, download, pdf_download};
pub(crate) use issuance::act_font;
pub(crate) use verify::{check_form, report_pdf};
pub(crate) use visits::qr_svg;

use crate::AppState;
use crate::auth::{ApiUser, Client};
use crate::error::Problem;

/// The API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/register", post(register))
        .route("/confirm", post(confirm))
        .route("/password/reset", post(reset_begin))
        .route("/password/reset/finish", post(reset_finish))
        .route("/codes/{id}/resend", post(resend))
        .route("/login", post(login))
        .route("/login/code", post(login_code))
        .route("/login/passkey/begin", post(passkey_login_begin))
        .route("/login/passkey/finish", post(passkey_login_finish))
        .route("/me", get(me))
        .route("/me/profile", put(update_profile))
        .route("/me/password", post(change_password))
        .route("/sessions", get(sessions))
        .route("/sessions/{id}", delete(end_session))
        .route("/logout", post(logout))
        .route("/logout-everywhere", post(logout_everywhere))
        .route("/journal", get(journal))
        .route("/totp", post(totp_begin).delete(totp_remove))
        .route("/totp/confirm", post(totp_confirm))
        .route("/passkeys", get(passkeys))
        .route("/passkeys/begin", post(passkey_register_begin))
        .route("/passkeys/finish", post(passkey_register_finish))
        .route("/passkeys/{id}", delete(passkey_remove))
        .route("/admin/accounts", get(admin_accounts))
        .route("/admin/roles", post(admin_role))
        .route("/admin/mailbox", get(admin_mailbox))
        .route("/admin/journal/verify", get(admin_verify_journal))
        .route("/centres", get(centres::list))
        .route("/centres/{id}", get(centres::one))
        .route("/centres/{id}/certificates", get(centres::certificates))
        .route(
            "/centres/{id}/certificates/{serial}/revoke",
            post(centres::revoke),
        )
        .route("/bindings", get(bindings::list).post(bindings::begin))
        .route("/bindings/{id}", delete(bindings::remove))
        .route("/bindings/{id}/finish", post(bindings::finish))
        .route(
            "/applications",
            get(applications::list).post(applications::create),
        )
        .route("/applications/form", get(applications::form))
        .route(
            "/applications/{id}",
            get(applications::one).put(applications::update),
        )
        .route("/applications/{id}/scans", post(applications::attach))
        .route(
            "/applications/{id}/scans/{scan}",
            get(applications::scan).delete(applications::remove_scan),
        )
        .route("/applications/{id}/submit", post(applications::submit))
        .route("/applications/{id}/cancel", post(applications::cancel))
        .route("/applications/{id}/review", post(applications::review))
        .route("/applications/{id}/pay", post(applications::pay))
        .route("/applications/{id}/payments", get(applications::payments))
        .route("/centres/{id}/applications", get(applications::queue))
        .route("/payments/webhook", post(applications::webhook))
        .route(
            "/centres/{id}/slots",
            get(visits::free).post(visits::publish),
        )
        .route(
            "/applications/{id}/visit",
            get(visits::show).post(visits::book).delete(visits::cancel),
        )
        .route("/applications/{id}/visit/qr.svg", get(visits::qr))
        .route("/applications/{id}/identity", post(visits::identity))
        .route("/visits/open", post(visits::open))
        .route("/applications/{id}/issue", post(issuance::issue))
        .route("/applications/{id}/cloud-key", post(issuance::cloud_key))
        .route("/applications/{id}/act.pdf", get(issuance::act))
        .route("/cloud-keys", get(issuance::cloud_keys))
        .route("/cloud-keys/{id}/pin", post(issuance::pin_begin))
        .route("/cloud-keys/{id}/pin/finish", post(issuance::pin_finish))
        .route("/cloud-keys/{id}/unlock", post(issuance::unlock_begin))
        .route(
            "/cloud-keys/{id}/unlock/finish",
            post(issuance::unlock_finish),
        )
        .route(
            "/my-certificates/{centre}/{serial}/revoke",
            post(revocation::begin),
        )
        .route(
            "/my-certificates/{centre}/{serial}/revoke/finish",
            post(revocation::finish),
        )
        .route("/bindings/{id}/reissue", post(issuance::reissue))
        .route(
            "/applications/{id}/reissue/confirm",
            post(issuance::reissue_confirm),
        )
        .route("/journal/{seq}/not-me", post(revocation::not_me))
        .route(
            "/journal/{seq}/not-me/finish",
            post(revocation::not_me_finish),
        )
        .route("/services", get(documents::services))
        .route(
            "/admin/services/{id}/integration",
            post(integrations::integrate),
        )
        .route("/integrations/documents", post(integrations::submit))
        .route("/integrations/documents/{id}", get(integrations::one))
        .route(
            "/integrations/documents/{id}/signature",
            get(integrations::signature),
        )
        .route(
            "/integrations/documents/{id}/decision",
            post(integrations::decide),
        )
        .route("/documents/{id}/refuse", post(integrations::refuse))
        .route("/documents", get(documents::list).post(documents::upload))
        .route("/documents/sign", post(documents::sign_begin))
        .route("/documents/sign/finish", post(documents::sign_finish))
        .route("/documents/{id}", get(documents::one))
        .route("/documents/{id}/content", get(documents::content))
        .route("/documents/{id}/package", get(documents::package))
        .route(
            "/documents/{id}/signature",
            get(documents::signature).post(documents::attach),
        )
        .route(
            "/verify",
            post(verify::signature).layer(DefaultBodyLimit::max(2 * MAX_VERIFY_BYTES + 64 * 1024)),
        )
        .route(
            "/verify/report.pdf",
            post(verify::report).layer(DefaultBodyLimit::max(2 * MAX_VERIFY_BYTES + 64 * 1024)),
        )
        .route(
            "/verify/certificate",
            post(verify::certificate).layer(DefaultBodyLimit::max(MAX_VERIFY_BYTES)),
        )
        .route(
            "/verify/kept/{id}",
            get(verify::kept).delete(verify::forget),
        )
        .route("/verify/kept/{id}/report.pdf", get(verify::kept_report))
        .route("/verify/kept/{id}/document", get(verify::kept_document))
        .route("/verify/kept/{id}/signature", get(verify::kept_signature))
        .route("/admin/centres", post(centres::add))
        .route("/admin/centres/import", post(centres::import))
        .route(
            "/admin/centres/{id}/accreditation",
            put(centres::accreditation),
        )
        .fallback(|c: Client| async move {
            Problem {
                error: Error::NotFound(podpis_core::Missing::Endpoint),
                lang: c.lang,
            }
        })
}

/// The OpenAPI document of this API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Podpis portal API", description = "Accounts, sign-in, sessions, the action journal, the registry of accredited certification centres, certificate bindings, and applications for qualified certificates with their payments, of the Podpis portal. Errors are RFC 9457 problem documents whose `type` is `/problems/<kind>`."),
    paths(
        register, confirm, resend, reset_begin, reset_finish, login, login_code, passkey_login_begin, passkey_login_finish,
        me, update_profile, change_password, sessions, end_session, logout, logout_everywhere, journal,
        totp_begin, totp_confirm, totp_remove, passkeys, passkey_register_begin,
        passkey_register_finish, passkey_remove, admin_accounts, admin_role, admin_mailbox,
        admin_verify_journal, centres::list, centres::one, centres::add, centres::import,
        centres::accreditation, centres::certificates, centres::revoke, bindings::begin,
        bindings::finish, bindings::list, bindings::remove, applications::form,
        applications::create, applications::list, applications::one, applications::update,
        applications::attach, applications::scan, applications::remove_scan,
        applications::submit, applications::cancel, applications::review, applications::queue,
        applications::pay, applications::payments, applications::webhook, visits::publish,
        visits::free, visits::book, visits::show, visits::cancel, visits::qr, visits::open,
        visits::identity, issuance::issue, issuance::cloud_key, issuance::cloud_keys,
        issuance::pin_begin, issuance::pin_finish, issuance::unlock_begin, issuance::unlock_finish, revocation::begin, revocation::finish,
        revocation::not_me, revocation::not_me_finish, issuance::reissue,
        issuance::reissue_confirm, issuance::act, documents::services, documents::upload,
        documents::list, documents::one, documents::content, documents::package, documents::signature,
        documents::attach, documents::sign_begin, documents::sign_finish, verify::signature,
        verify::report, verify::certificate, verify::kept, verify::kept_report,
        verify::kept_document, verify::kept_signature, verify::forget, integrations::integrate, integrations::submit,
        integrations::one, integrations::signature, integrations::decide, integrations::refuse
    ),
    components(schemas(ProblemDoc)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// An RFC 9457 problem document, as every error is answered.
#[derive(Serialize, ToSchema)]
struct ProblemDoc {
    /// `/problems/<kind>`: invalid-field, bad-credentials, wrong-code, code-expired,
    /// too-many-requests, unauthenticated, forbidden, not-found, passkey-refused, conflict,
    /// internal.
    r#type: String,
    /// The HTTP reason phrase.
    title: String,
    /// The HTTP status.
    status: u16,
    /// What went wrong and what to do, in the client's language (Accept-Language).
    detail: String,
    /// invalid-field: the field.
    field: Option<String>,
    /// wrong-code: tries left.
    #[serde(rename = "triesLeft")]
    tries_left: Option<i64>,
    /// too-many-requests: seconds to wait (also in Retry-After).
    #[serde(rename = "retryAfter")]
    retry_after: Option<i64>,
}

/// A JSON body; malformed JSON is a problem document too.
struct Body<T>(T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = req
            .headers()
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map_or(Lang::Ru, Lang::parse);
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Self(v)),
            Err(e) => Err(Problem {
                error: Error::Invalid {
                    field: "body",
                    ru: format!("Тело запроса не подходит: {}", e.body_text()),
                    en: format!("The request body does not fit: {}", e.body_text()),
                },
                lang,
            }),
        }
    }
}

type ApiResult<T> = Result<T, Problem>;

fn fail(lang: Lang) -> impl Fn(Error) -> Problem {
    move |error| Problem { error, lang }
}

// ---- Registration and confirmation ----

/// The registration form.
#[derive(Deserialize, ToSchema)]
struct RegisterRequest {
    /// +7 999 123-45-67
    phone: String,
    /// name@example.ru
    email: String,
    /// 8–128 characters, letters and a digit or sign.
    password: String,
    /// Фамилия.
    surname: String,
    /// Имя.
    given_name: String,
    /// Отчество.
    #[serde(default)]
    patronymic: String,
    /// ИНН (12 digits, optional).
    #[serde(default)]
    inn: String,
    /// СНИЛС (optional).
    #[serde(default)]
    snils: String,
}

/// A one-time code that was sent.
#[derive(Serialize, ToSchema)]
struct CodeTicketDto {
    /// Quote it with the code.
    id: String,
    /// Where it went, partly hidden.
    sent_to: String,
    /// Until when it is valid (RFC 3339).
    expires_at: String,
}

impl From<podpis_core::CodeTicket> for CodeTicketDto {
    fn from(t: podpis_core::CodeTicket) -> Self {
        Self {
            id: t.id,
            sent_to: t.sent_to,
            expires_at: timestamp(t.expires_at),
        }
    }
}

/// The codes to answer after registration.
#[derive(Serialize, ToSchema)]
struct RegistrationDto {
    /// Sent by SMS.
    phone_code: CodeTicketDto,
    /// Sent by e-mail.
    email_code: CodeTicketDto,
}

/// Registers an account; codes go to the phone and the e-mail.
#[utoipa::path(post, path = "/api/v1/register", request_body = RegisterRequest,
    responses((status = 201, body = RegistrationDto), (status = 422, body = ProblemDoc), (status = 429, body = ProblemDoc)))]
async fn register(
    State(s): State<AppState>,
    c: Client,
    Body(r): Body<RegisterRequest>,
) -> ApiResult<(StatusCode, Json<RegistrationDto>)> {
    let form = RegistrationForm {
        phone: r.phone,
        email: r.email,
        password: r.password,
        surname: r.surname,
        given_name: r.given_name,
        patronymic: r.patronymic,
        inn: r.inn,
        snils: r.snils,
    };
    let reg = s
        .portal
        .register(&c.ctx, form)
        .await
        .map_err(fail(c.lang))?;
    Ok((
        StatusCode::CREATED,
        Json(RegistrationDto {
            phone_code: reg.phone_code.into(),
            email_code: reg.email_code.into(),
        }),
    ))
}

/// An answer to a code.
#[derive(Deserialize, ToSchema)]
struct ConfirmRequest {
    /// The code's id.
    code_id: String,
    /// The six digits.
    code: String,
}

/// Confirms a phone or e-mail with its code.
#[utoipa::path(post, path = "/api/v1/confirm", request_body = ConfirmRequest,
    responses((status = 204), (status = 401, body = ProblemDoc), (status = 410, body = ProblemDoc)))]
async fn confirm(
    State(s): State<AppState>,
    c: Client,
    Body(r): Body<ConfirmRequest>,
) -> ApiResult<StatusCode> {
    s.portal
        .confirm_contact(&c.ctx, &r.code_id, &r.code)
        .await
        .map_err(fail(c.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a new code in place of code `id`.
#[utoipa::path(post, path = "/api/v1/codes/{id}/resend", params(("id" = String, Path)),
    responses((status = 200, body = CodeTicketDto), (status = 410, body = ProblemDoc), (status = 429, body = ProblemDoc)))]
async fn resend(
    State(s): State<AppState>,
    c: Client,
    Path(id): Path<String>,
) -> ApiResult<Json<CodeTicketDto>> {
    Ok(Json(
        s.portal
            .resend_code(&c.ctx, &id)
            .await
            .map_err(fail(c.lang))?
            .into(),
    ))
}

/// The account whose password is forgotten.
#[derive(Deserialize, ToSchema)]
struct ResetRequest {
    /// Its phone, e-mail or SNILS.
    login: String,
}

/// Starts recovering a forgotten password: a code by SMS to the account's confirmed phone. The
/// answer is the same whether the account exists or not (`sent_to` is empty).
#[utoipa::path(post, path = "/api/v1/password/reset", request_body = ResetRequest,
    responses((status = 200, body = CodeTicketDto), (status = 429, body = ProblemDoc)))]
async fn reset_begin(
    State(s): State<AppState>,
    c: Client,
    Body(r): Body<ResetRequest>,
) -> ApiResult<Json<CodeTicketDto>> {
    Ok(Json(
        s.portal
            .reset_password_begin(&c.ctx, &r.login)
            .await
            .map_err(fail(c.lang))?
            .into(),
    ))
}

/// The code of a recovery and the new password.
#[derive(Deserialize, ToSchema)]
struct ResetFinishRequest {
    /// The code's id.
    code_id: String,
    /// The six digits.
    code: String,
    /// 8–128 characters, letters and a digit or sign.
    new_password: String,
}

/// Replaces the forgotten password; every session of the account ends.
#[utoipa::path(post, path = "/api/v1/password/reset/finish", request_body = ResetFinishRequest,
    responses((status = 204), (status = 401, body = ProblemDoc), (status = 410, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
async fn reset_finish(
    State(s): State<AppState>,
    c: Client,
    Body(r): Body<ResetFinishRequest>,
) -> ApiResult<StatusCode> {
    s.portal
        .reset_password_finish(&c.ctx, &r.code_id, &r.code, &r.new_password)
        .await
        .map_err(fail(c.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- Sign-in ----

/// Login (phone, e-mail or SNILS) and password.
#[derive(Deserialize, ToSchema)]
struct LoginRequest {
    login: String,
    password: String,
}

/// The second step of sign-in.
#[derive(Serialize, ToSchema)]
struct ChallengeDto {
    /// Quote it in the second step.
    challenge: String,
    /// Where the SMS code went.
    sent_to: String,
    /// Until when the code is valid.
    expires_at: String,
    /// `sms`, and `totp` when an authenticator app is enrolled.
    factors: Vec<String>,
}

impl From<LoginChallenge> for ChallengeDto {
    fn from(c: LoginChallenge) -> Self {
        Self {
            challenge: c.id,
            sent_to: c.sent_to,
            expires_at: timestamp(c.expires_at),
            factors: c.factors.iter().map(|f| f.name().to_owned()).collect(),
        }
    }
}

/// Checks the password and sends a code by SMS.
#[utoipa::path(post, path = "/api/v1/login", request_body = LoginRequest,
    responses((status = 200, body = ChallengeDto), (status = 401, body = ProblemDoc), (status = 429, body = ProblemDoc)))]
async fn login(
    State(s): State<AppState>,
    c: Client,
    Body(r): Body<LoginRequest>,
) -> ApiResult<Json<ChallengeDto>> {
    Ok(Json(
        s.portal
            .login_password(&c.ctx, &r.login, &r.password)
            .await
            .map_err(fail(c.lang))?
            .into(),
    ))
}

/// The second factor.
#[derive(Deserialize, ToSchema)]
struct CodeLoginRequest {
    challenge: String,
    code: String,
    /// `sms` (default) or `totp`.
    #[serde(default)]
    factor: Option<String>,
}

/// A session token: send it as `Authorization: Bearer <token>`.
#[derive(Serialize, ToSchema)]
struct TokenDto {
    token: String,
    session_id: String,
    expires_at: String,
}

impl From<podpis_core::NewSession> for TokenDto {
    fn from(s: podpis_core::NewSession) -> Self {
        Self {
            token: s.token,
            session_id: s.session.id,
            expires_at: timestamp(s.session.expires_at),
        }
    }
}

/// Completes sign-in with the SMS code or a TOTP code: a bearer token.
#[utoipa::path(post, path = "/api/v1/login/code", request_body = CodeLoginRequest,
    responses((status = 200, body = TokenDto), (status = 401, body = ProblemDoc), (status = 410, body = ProblemDoc)))]
async fn login_code(
    State(s): State<AppState>,
    c: Client,
    Body(r): Body<CodeLoginRequest>,
) -> ApiResult<Json<TokenDto>> {
    let session = match r.factor.as_deref() {
        Some("totp") => {
            s.portal
                .login_totp(&c.ctx, &r.challenge, &r.code, SessionKind::Bearer)
                .await
        }
        _ => {
            s.portal
                .login_code(&c.ctx, &r.challenge, &r.code, SessionKind::Bearer)
                .await
        }
    };
    Ok(Json(session.map_err(fail(c.lang))?.into()))
}

/// A WebAuthn ceremony begun: pass `publicKey` to `navigator.credentials`.
#[derive(Serialize, ToSchema)]
pub(crate) struct CeremonyDto {
    pub ceremony: String,
    #[serde(rename = "publicKey")]
    #[schema(value_type = Object)]
    pub public_key: serde_json::Value,
}

/// The browser's answer to a WebAuthn ceremony.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CeremonyAnswer {
    pub ceremony: String,
    /// The `PublicKeyCredential`, binary fields in base64url.
    #[schema(value_type = Object)]
    pub credential: serde_json::Value,
    /// A name for a new passkey.
    #[serde(default)]
    pub name: String,
}

/// Reads the credential of an answer.
pub(crate) fn credential(a: &CeremonyAnswer) -> Result<Credential, Error> {
    serde_json::from_value(a.credential.clone())
        .map_err(|e| Error::Passkey(format!("the credential is malformed: {e}")))
}

/// Begins a passkey sign-in.
#[utoipa::path(post, path = "/api/v1/login/passkey/begin", responses((status = 200, body = CeremonyDto)))]
async fn passkey_login_begin(State(s): State<AppState>, c: Client) -> ApiResult<Json<CeremonyDto>> {
    let (ceremony, public_key) = s
        .portal
        .passkey_login_begin(&c.ctx)
        .await
        .map_err(fail(c.lang))?;
    Ok(Json(CeremonyDto {
        ceremony,
        public_key,
    }))
}

/// Signs in with a passkey alone: a bearer token.
#[utoipa::path(post, path = "/api/v1/login/passkey/finish", request_body = CeremonyAnswer,
    responses((status = 200, body = TokenDto), (status = 401, body = ProblemDoc)))]
async fn passkey_login_finish(
    State(s): State<AppState>,
    c: Client,
    Body(a): Body<CeremonyAnswer>,
) -> ApiResult<Json<TokenDto>> {
    let cred = credential(&a).map_err(fail(c.lang))?;
    let session = s
        .portal
        .passkey_login_finish(&c.ctx, &a.ceremony, &cred, SessionKind::Bearer)
        .await;
    Ok(Json(session.map_err(fail(c.lang))?.into()))
}

// ---- The account ----

/// An account.
#[derive(Serialize, ToSchema)]
struct AccountDto {
    id: String,
    phone: String,
    email: String,
    phone_confirmed: bool,
    email_confirmed: bool,
    surname: String,
    given_name: String,
    patronymic: String,
    inn: Option<String>,
    snils: Option<String>,
    birth_date: Option<String>,
    passport: Option<String>,
    /// ОГРН of the organization the owner acts for as its officer.
    ogrn: Option<String>,
    /// citizen, operator or admin.
    role: String,
    /// An operator's certification centre.
    operator_ca: Option<String>,
    language: String,
    totp_enrolled: bool,
    created_at: String,
}

impl From<Account> for AccountDto {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            phone: a.phone,
            email: a.email,
            phone_confirmed: a.phone_confirmed,
            email_confirmed: a.email_confirmed,
            surname: a.surname,
            given_name: a.given_name,
            patronymic: a.patronymic,
            inn: a.inn,
            snils: a.snils,
            birth_date: a.birth_date,
            passport: a.passport,
            ogrn: a.ogrn,
            role: a.role,
            operator_ca: a.operator_ca,
            language: a.language,
            totp_enrolled: a.totp_secret.is_some(),
            created_at: timestamp(a.created_at),
        }
    }
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", security(("bearer" = [])), responses((status = 200, body = AccountDto), (status = 401, body = ProblemDoc)))]
async fn me(State(s): State<AppState>, u: ApiUser) -> ApiResult<Json<AccountDto>> {
    Ok(Json(
        s.portal
            .account(&u.who)
            .await
            .map_err(fail(u.who.lang))?
            .into(),
    ))
}

/// The profile's fields.
#[derive(Deserialize, ToSchema)]
pub(crate) struct ProfileRequest {
    pub surname: String,
    pub given_name: String,
    #[serde(default)]
    pub patronymic: String,
    #[serde(default)]
    pub inn: String,
    #[serde(default)]
    pub snils: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub birth_date: String,
    /// Series and number: 4510 123456
    #[serde(default)]
    pub passport: String,
    /// ОГРН of the organization you act for as its officer (13 digits), if any.
    #[serde(default)]
    pub ogrn: String,
}

impl From<ProfileRequest> for Profile {
    fn from(p: ProfileRequest) -> Self {
        Self {
            surname: p.surname,
            given_name: p.given_name,
            patronymic: p.patronymic,
            inn: Some(p.inn),
            snils: Some(p.snils),
            birth_date: Some(p.birth_date),
            passport: Some(p.passport),
            ogrn: Some(p.ogrn),
        }
    }
}

/// Replaces the profile (each field checked; INN and SNILS with their control digits).
#[utoipa::path(put, path = "/api/v1/me/profile", security(("bearer" = [])), request_body = ProfileRequest,
    responses((status = 200, body = AccountDto), (status = 422, body = ProblemDoc)))]
async fn update_profile(
    State(s): State<AppState>,
    u: ApiUser,
    Body(p): Body<ProfileRequest>,
) -> ApiResult<Json<AccountDto>> {
    Ok(Json(
        s.portal
            .update_profile(&u.client.ctx, &u.who, p.into())
            .await
            .map_err(fail(u.who.lang))?
            .into(),
    ))
}

/// A change of password.
#[derive(Deserialize, ToSchema)]
struct PasswordRequest {
    /// The password now.
    current_password: String,
    /// 8–128 characters, letters and a digit or sign; not the current one.
    new_password: String,
}

/// How a change of password ended.
#[derive(Serialize, ToSchema)]
struct PasswordChanged {
    /// How many other sessions were ended (this one stays).
    sessions_ended: u64,
}

/// Changes the password: the current one must be right (a wrong one changes nothing and is
/// journaled); every other session of the account ends and the owner is told by e-mail.
#[utoipa::path(post, path = "/api/v1/me/password", security(("bearer" = [])), request_body = PasswordRequest,
    responses((status = 200, body = PasswordChanged), (status = 422, body = ProblemDoc)))]
async fn change_password(
    State(s): State<AppState>,
    u: ApiUser,
    Body(p): Body<PasswordRequest>,
) -> ApiResult<Json<PasswordChanged>> {
    let sessions_ended = s
        .portal
        .change_password(&u.client.ctx, &u.who, &p.current_password, &p.new_password)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(PasswordChanged { sessions_ended }))
}

// ---- Sessions ----

/// A live session.
#[derive(Serialize, ToSchema)]
struct SessionDto {
    id: String,
    /// cookie or bearer.
    kind: String,
    created_at: String,
    last_seen_at: String,
    expires_at: String,
    ip: Option<String>,
    user_agent: Option<String>,
    /// The session of this request.
    current: bool,
}

fn session_dto(s: Session, current: &str) -> SessionDto {
    SessionDto {
        current: s.id == current,
        id: s.id,
        kind: s.kind,
        created_at: timestamp(s.created_at),
        last_seen_at: timestamp(s.last_seen_at),
        expires_at: timestamp(s.expires_at),
        ip: s.ip,
        user_agent: s.user_agent,
    }
}

/// The signed-in account's live sessions.
#[utoipa::path(get, path = "/api/v1/sessions", security(("bearer" = [])), responses((status = 200, body = Vec<SessionDto>)))]
async fn sessions(State(s): State<AppState>, u: ApiUser) -> ApiResult<Json<Vec<SessionDto>>> {
    let list = s.portal.sessions(&u.who).await.map_err(fail(u.who.lang))?;
    Ok(Json(
        list.into_iter()
            .map(|x| session_dto(x, &u.who.session_id))
            .collect(),
    ))
}

/// Ends one session.
#[utoipa::path(delete, path = "/api/v1/sessions/{id}", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ProblemDoc)))]
async fn end_session(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.portal
        .end_session(&u.client.ctx, &u.who, &id)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends this session.
#[utoipa::path(post, path = "/api/v1/logout", security(("bearer" = [])), responses((status = 204)))]
async fn logout(State(s): State<AppState>, u: ApiUser) -> ApiResult<StatusCode> {
    s.portal
        .logout(&u.client.ctx, &u.who)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of the account.
#[utoipa::path(post, path = "/api/v1/logout-everywhere", security(("bearer" = [])), responses((status = 204)))]
async fn logout_everywhere(State(s): State<AppState>, u: ApiUser) -> ApiResult<StatusCode> {
    s.portal
        .logout_everywhere(&u.client.ctx, &u.who)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- The journal ----

/// Which entries.
#[derive(Deserialize, IntoParams, Default)]
pub(crate) struct JournalQuery {
    /// One action (registered, signed_in, code_sent, …).
    pub action: Option<String>,
    /// From this day (YYYY-MM-DD, UTC) on.
    pub from: Option<String>,
    /// Up to and including this day.
    pub to: Option<String>,
    /// Entries before this sequence number (the next page).
    pub before: Option<i64>,
    /// At most this many (default 50).
    pub limit: Option<i64>,
    /// Administrators: another account's journal.
    pub account: Option<String>,
}

impl JournalQuery {
    /// The store's filter, its days those of UTC; a date that is not a date is named.
    pub(crate) fn filter(&self) -> Result<JournalFilter, Error> {
        self.filter_in(0)
    }

    /// The store's filter, its days those of the clock `offset` seconds ahead of UTC (the
    /// pages' Moscow days); a date that is not a date is named.
    pub(crate) fn filter_in(&self, offset: i64) -> Result<JournalFilter, Error> {
        let day =
            |field: &'static str, v: &Option<String>, add: i64| -> Result<Option<i64>, Error> {
                match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                    None => Ok(None),
                    Some(v) => (!v.contains('T'))
                        .then(|| podpis_core::parse_time(v))
                        .flatten()
                        .map(|t| Some(t - offset + add))
                        .ok_or_else(|| Error::Invalid {
                            field,
                            ru: "Дата: укажите в виде ГГГГ-ММ-ДД.".into(),
                            en: "Date: write it as YYYY-MM-DD.".into(),
                        }),
                }
            };
        let action = self.action.clone().filter(|a| !a.is_empty());
        if let Some(a) = &action
            && podpis_core::Action::from_name(a).is_none()
        {
            return Err(Error::Invalid {
                field: "action",
                ru: format!("Нет такого действия: {a}."),
                en: format!("No such action: {a}."),
            });
        }
        Ok(JournalFilter {
            account_id: self.account.clone().filter(|a| !a.is_empty()),
            action,
            from: day("from", &self.from, 0)?,
            to: day("to", &self.to, 86_400)?,
            before_seq: self.before,
            limit: self.limit.unwrap_or(50),
        })
    }
}

/// A journal entry.
#[derive(Serialize, ToSchema)]
pub(crate) struct EntryDto {
    pub seq: i64,
    pub at: String,
    pub action: String,
    /// The action in words.
    pub title: String,
    /// ok or failed.
    pub status: String,
    pub actor: Option<String>,
    pub object: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The details as written (and hashed into the chain), in English.
    pub details: String,
    /// The details in the reader's language.
    pub details_text: String,
    /// This entry's link in the chain (Streebog-256, hex).
    pub hash: String,
}

pub(crate) fn entry_dto(e: Entry, lang: Lang) -> EntryDto {
    let title = podpis_core::Action::from_name(&e.entry.action)
        .map_or(e.entry.action.clone(), |a| a.title(lang).to_owned());
    EntryDto {
        seq: e.seq,
        at: timestamp(e.entry.at),
        action: e.entry.action,
        title,
        status: e.entry.status,
        actor: e.entry.actor,
        object: e.entry.object,
        ip: e.entry.ip,
        user_agent: e.entry.user_agent,
        details_text: podpis_core::journal_details(&e.entry.details, lang).into_owned(),
        details: e.entry.details,
        hash: e.hash,
    }
}

/// The signed-in account's journal, newest first.
#[utoipa::path(get, path = "/api/v1/journal", security(("bearer" = [])), params(JournalQuery),
    responses((status = 200, body = Vec<EntryDto>), (status = 422, body = ProblemDoc)))]
async fn journal(
    State(s): State<AppState>,
    u: ApiUser,
    Query(q): Query<JournalQuery>,
) -> ApiResult<Json<Vec<EntryDto>>> {
    let lang = u.who.lang;
    let filter = q.filter().map_err(fail(lang))?;
    let list = s.portal.journal(&u.who, filter).await.map_err(fail(lang))?;
    Ok(Json(list.into_iter().map(|e| entry_dto(e, lang)).collect()))
}

// ---- Second factors ----

/// An authenticator-app enrolment begun.
#[derive(Serialize, ToSchema)]
struct TotpDto {
    id: String,
    /// Base32, to type into the app.
    secret: String,
    /// otpauth:// URI, for a QR code.
    uri: String,
}

/// Begins enrolling an authenticator app (TOTP).
#[utoipa::path(post, path = "/api/v1/totp", security(("bearer" = [])), responses((status = 200, body = TotpDto)))]
async fn totp_begin(State(s): State<AppState>, u: ApiUser) -> ApiResult<Json<TotpDto>> {
    let e = s
        .portal
        .totp_begin(&u.who)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(TotpDto {
        id: e.id,
        secret: e.secret,
        uri: e.uri,
    }))
}

/// The app's code that confirms an enrolment.
#[derive(Deserialize, ToSchema)]
struct TotpConfirmRequest {
    id: String,
    code: String,
}

/// Confirms the enrolment with a code from the app.
#[utoipa::path(post, path = "/api/v1/totp/confirm", security(("bearer" = [])), request_body = TotpConfirmRequest,
    responses((status = 204), (status = 422, body = ProblemDoc)))]
async fn totp_confirm(
    State(s): State<AppState>,
    u: ApiUser,
    Body(r): Body<TotpConfirmRequest>,
) -> ApiResult<StatusCode> {
    s.portal
        .totp_confirm(&u.client.ctx, &u.who, &r.id, &r.code)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the authenticator app.
#[utoipa::path(delete, path = "/api/v1/totp", security(("bearer" = [])), responses((status = 204)))]
async fn totp_remove(State(s): State<AppState>, u: ApiUser) -> ApiResult<StatusCode> {
    s.portal
        .totp_remove(&u.client.ctx, &u.who)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A registered passkey.
#[derive(Serialize, ToSchema)]
pub(crate) struct PasskeyDto {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

pub(crate) fn passkey_dto(p: Passkey) -> PasskeyDto {
    PasskeyDto {
        id: p.credential_id,
        name: p.name,
        created_at: timestamp(p.created_at),
        last_used_at: p.last_used_at.map(timestamp),
    }
}

/// The account's passkeys.
#[utoipa::path(get, path = "/api/v1/passkeys", security(("bearer" = [])), responses((status = 200, body = Vec<PasskeyDto>)))]
async fn passkeys(State(s): State<AppState>, u: ApiUser) -> ApiResult<Json<Vec<PasskeyDto>>> {
    let list = s.portal.passkeys(&u.who).await.map_err(fail(u.who.lang))?;
    Ok(Json(list.into_iter().map(passkey_dto).collect()))
}

/// Begins registering a passkey.
#[utoipa::path(post, path = "/api/v1/passkeys/begin", security(("bearer" = [])), responses((status = 200, body = CeremonyDto)))]
async fn passkey_register_begin(
    State(s): State<AppState>,
    u: ApiUser,
) -> ApiResult<Json<CeremonyDto>> {
    let (ceremony, public_key) = s
        .portal
        .passkey_register_begin(&u.who)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(CeremonyDto {
        ceremony,
        public_key,
    }))
}

/// Finishes registering a passkey.
#[utoipa::path(post, path = "/api/v1/passkeys/finish", security(("bearer" = [])), request_body = CeremonyAnswer,
    responses((status = 201, body = PasskeyDto), (status = 401, body = ProblemDoc)))]
async fn passkey_register_finish(
    State(s): State<AppState>,
    u: ApiUser,
    Body(a): Body<CeremonyAnswer>,
) -> ApiResult<(StatusCode, Json<PasskeyDto>)> {
    let lang = u.who.lang;
    let cred = credential(&a).map_err(fail(lang))?;
    let p = s
        .portal
        .passkey_register_finish(&u.client.ctx, &u.who, &a.ceremony, &cred, &a.name)
        .await
        .map_err(fail(lang))?;
    Ok((StatusCode::CREATED, Json(passkey_dto(p))))
}

/// Removes a passkey.
#[utoipa::path(delete, path = "/api/v1/passkeys/{id}", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ProblemDoc)))]
async fn passkey_remove(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.portal
        .passkey_remove(&u.client.ctx, &u.who, &id)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- Administration ----

/// A page of a listing.
#[derive(Deserialize, IntoParams)]
struct Page {
    #[serde(default = "fifty")]
    limit: i64,
    #[serde(default)]
    offset: i64,
}

fn fifty() -> i64 {
    50
}

/// Accounts (administrators).
#[utoipa::path(get, path = "/api/v1/admin/accounts", security(("bearer" = [])), params(Page),
    responses((status = 200, body = Vec<AccountDto>), (status = 403, body = ProblemDoc)))]
async fn admin_accounts(
    State(s): State<AppState>,
    u: ApiUser,
    Query(p): Query<Page>,
) -> ApiResult<Json<Vec<AccountDto>>> {
    let list = s
        .portal
        .accounts(&u.who, p.limit, p.offset)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// A role to give.
#[derive(Deserialize, ToSchema)]
struct RoleRequest {
    /// The account's phone, e-mail or SNILS.
    login: String,
    /// citizen, operator or admin.
    role: String,
    /// For an operator: the certification centre.
    #[serde(default)]
    ca: Option<String>,
}

/// Gives an account a role (administrators).
#[utoipa::path(post, path = "/api/v1/admin/roles", security(("bearer" = [])), request_body = RoleRequest,
    responses((status = 200, body = AccountDto), (status = 403, body = ProblemDoc), (status = 404, body = ProblemDoc)))]
async fn admin_role(
    State(s): State<AppState>,
    u: ApiUser,
    Body(r): Body<RoleRequest>,
) -> ApiResult<Json<AccountDto>> {
    let lang = u.who.lang;
    let role = match (r.role.as_str(), r.ca) {
        ("admin", _) => Role::Admin,
        ("citizen", _) => Role::Citizen,
        ("operator", Some(ca)) if !ca.trim().is_empty() => Role::Operator {
            ca: ca.trim().to_owned(),
        },
        _ => {
            return Err(Problem {
                error: Error::Invalid {
                    field: "role",
                    ru: "Роль: citizen, admin или operator с указанием УЦ (ca).".into(),
                    en: "Role: citizen, admin, or operator with its CA (ca).".into(),
                },
                lang,
            });
        }
    };
    Ok(Json(
        s.portal
            .grant_role(&u.client.ctx, Some(&u.who), &r.login, &role)
            .await
            .map_err(fail(lang))?
            .into(),
    ))
}

/// A message in the outbox.
#[derive(Serialize, ToSchema)]
pub(crate) struct MessageDto {
    pub id: String,
    /// email or sms.
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    /// The text (a delivered code is erased, except in the development mailbox).
    pub body: String,
    pub created_at: String,
    pub attempts: i64,
    /// pending, delivered or failed.
    pub status: String,
    pub delivered_by: Option<String>,
    pub last_error: Option<String>,
}

pub(crate) fn message_dto(m: Message) -> MessageDto {
    let (status, by) = match m.delivery {
        Delivery::Pending { .. } => ("pending", None),
        Delivery::Delivered { by, .. } => ("delivered", Some(by)),
        Delivery::Failed { .. } => ("failed", None),
    };
    MessageDto {
        id: m.message.id,
        channel: m.message.channel,
        recipient: m.message.recipient,
        subject: m.message.subject,
        body: m.message.body,
        created_at: timestamp(m.message.created_at),
        attempts: m.attempts,
        status: status.into(),
        delivered_by: by,
        last_error: m.last_error,
    }
}

/// The outbox: what was, or would have been, sent (administrators).
#[utoipa::path(get, path = "/api/v1/admin/mailbox", security(("bearer" = [])), params(Page),
    responses((status = 200, body = Vec<MessageDto>), (status = 403, body = ProblemDoc)))]
async fn admin_mailbox(
    State(s): State<AppState>,
    u: ApiUser,
    Query(p): Query<Page>,
) -> ApiResult<Json<Vec<MessageDto>>> {
    let list = s
        .portal
        .mailbox(&u.who, p.limit, p.offset)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(list.into_iter().map(message_dto).collect()))
}

/// The result of walking the journal's chain.
#[derive(Serialize, ToSchema)]
pub(crate) struct VerifyDto {
    /// Whether every entry holds.
    pub intact: bool,
    /// How many entries hold (when intact).
    pub entries: Option<i64>,
    /// The first entry that does not.
    pub broken_at: Option<i64>,
    /// What is wrong with it.
    pub reason: Option<String>,
}

/// Walks the whole journal chain and names the first broken entry (administrators).
#[utoipa::path(get, path = "/api/v1/admin/journal/verify", security(("bearer" = [])),
    responses((status = 200, body = VerifyDto), (status = 403, body = ProblemDoc)))]
async fn admin_verify_journal(State(s): State<AppState>, u: ApiUser) -> ApiResult<Json<VerifyDto>> {
    let verdict = s
        .portal
        .verify_journal(&u.client.ctx, &u.who)
        .await
        .map_err(fail(u.who.lang))?;
    Ok(Json(verify_dto(verdict)))
}

pub(crate) fn verify_dto(verdict: Result<i64, podpis_store::Breach>) -> VerifyDto {
    match verdict {
        Ok(n) => VerifyDto {
            intact: true,
            entries: Some(n),
            broken_at: None,
            reason: None,
        },
        Err(b) => VerifyDto {
            intact: false,
            entries: None,
            broken_at: Some(b.seq),
            reason: Some(b.reason),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_days_are_taken_on_the_given_clock() {
        let q = JournalQuery {
            action: None,
            from: Some("2027-01-15".into()),
            to: Some("2027-01-15".into()),
            before: None,
            limit: None,
            account: None,
        };
        // 2027-01-15 00:00 UTC is 1_799_971_200; Moscow's day starts three hours earlier.
        let utc = q.filter().unwrap();
        assert_eq!(
            (utc.from, utc.to),
            (Some(1_799_971_200), Some(1_800_057_600))
        );
        let moscow = q.filter_in(podpis_core::MOSCOW_OFFSET).unwrap();
        assert_eq!(
            (moscow.from, moscow.to),
            (Some(1_799_960_400), Some(1_800_046_800))
        );
        let bad = JournalQuery {
            from: Some("15.01.2027".into()),
            ..q
        };
        assert!(bad.filter_in(podpis_core::MOSCOW_OFFSET).is_err());
    }
}
