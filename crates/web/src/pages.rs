//! The pages: server-rendered HTML, forms that work without JavaScript, a CSRF token in every
//! form. Only passkeys need JavaScript (WebAuthn is a browser API); their two JSON calls carry
//! the CSRF token in a header.

mod applications;
mod console;
mod documents;
mod recovery;
mod registry;
mod signatures;
mod verify;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use podpis_core::{
    Action, Error, Lang, MOSCOW_OFFSET, Principal, RegistrationForm, Role, SecondFactor,
    SessionKind, moscow_time_to_second, timestamp,
};
use podpis_store::Profile;
use serde::Deserialize;

use crate::AppState;
use crate::api::{
    self, CeremonyAnswer, CeremonyDto, EntryDto, JournalQuery, MessageDto, PasskeyDto, VerifyDto,
};
use crate::auth::{Client, LANG_COOKIE, PageUser, SESSION_COOKIE, csrf_ok, csrf_token, set_cookie};
use crate::texts::{self, Texts};

/// The pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(applications::routes())
        .merge(console::routes())
        .merge(registry::routes())
        .merge(signatures::routes())
        .merge(documents::routes())
        .merge(recovery::routes())
        .merge(verify::routes())
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/login/code", post(login_code))
        .route("/login/resend", post(login_resend))
        .route("/login/passkey/begin", post(passkey_login_begin))
        .route("/login/passkey/finish", post(passkey_login_finish))
        .route("/register", get(register_page).post(register))
        .route("/confirm", post(confirm))
        .route("/confirm/resend", post(confirm_resend))
        .route("/cabinet", get(cabinet))
        .route("/profile", get(profile_page).post(profile))
        .route("/security", get(security_page))
        .route("/security/password", post(password_change))
        .route("/security/totp", post(totp_begin))
        .route("/security/totp/confirm", post(totp_confirm))
        .route("/security/totp/remove", post(totp_remove))
        .route("/security/passkeys/begin", post(passkey_register_begin))
        .route("/security/passkeys/finish", post(passkey_register_finish))
        .route("/security/passkeys/remove", post(passkey_remove))
        .route("/sessions", get(sessions_page))
        .route("/sessions/end", post(end_session))
        .route("/sessions/end-all", post(end_all))
        .route("/logout", post(logout))
        .route("/journal", get(journal_page))
        .route("/journal/export", get(journal_export))
        .route("/admin", get(admin_page))
        .route("/admin/journal/verify", post(admin_verify))
        .route("/admin/mailbox", get(mailbox_page))
        .route("/lang", post(set_lang))
        .route(
            "/static/style.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, STATIC_CACHE),
                    ],
                    include_str!("../static/style.css"),
                )
            }),
        )
        .route(
            "/static/passkey.js",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        (header::CACHE_CONTROL, STATIC_CACHE),
                    ],
                    include_str!("../static/passkey.js"),
                )
            }),
        )
        .fallback(not_found)
}

/// How long a browser may keep the style sheet and the script (built into the binary, so new
/// with each release).
const STATIC_CACHE: &str = "public, max-age=3600";

/// What every page's frame shows.
pub struct Layout {
    /// The words.
    pub t: &'static Texts,
    /// The page's title.
    pub title: &'static str,
    /// The CSRF token for the page's forms.
    pub csrf: String,
    /// The signed-in user, if any.
    pub user: Option<UserNav>,
    /// An error to show above the content.
    pub error: Option<String>,
    /// A notice to show above the content.
    pub notice: Option<String>,
}

/// The signed-in user in the header.
pub struct UserNav {
    /// Name shown.
    pub name: String,
    /// Whether to show the administration link.
    pub admin: bool,
    /// Whether to show the certification centre's console (operators).
    pub operator: bool,
}

/// A page with its frame, and the cookie the frame's CSRF token needs (before sign-in).
struct Frame {
    l: Layout,
    cookie: Option<HeaderValue>,
}

fn anon_frame(s: &AppState, c: &Client, title: fn(&Texts) -> &'static str) -> Frame {
    let (csrf, cookie) = csrf_token(s, c, None);
    let t = texts::of(c.lang);
    Frame {
        l: Layout {
            t,
            title: title(t),
            csrf,
            user: None,
            error: None,
            notice: None,
        },
        cookie,
    }
}

/// The frame of a public page: `u`'s header when signed in, else the anonymous one.
fn public_frame(
    s: &AppState,
    c: &Client,
    u: Option<&PageUser>,
    title: fn(&Texts) -> &'static str,
) -> Frame {
    u.map_or_else(|| anon_frame(s, c, title), |u| user_frame(u, title))
}

/// The language of a public page: the signed-in user's, else the browser's.
fn public_lang(c: &Client, u: Option<&PageUser>) -> Lang {
    u.map_or(c.lang, PageUser::lang)
}

fn user_frame(u: &PageUser, title: fn(&Texts) -> &'static str) -> Frame {
    let t = texts::of(u.lang());
    let user = UserNav {
        name: u.who.name.clone(),
        admin: u.who.role == Role::Admin,
        operator: matches!(u.who.role, Role::Operator { .. }),
    };
    Frame {
        l: Layout {
            t,
            title: title(t),
            csrf: u.who.csrf.clone(),
            user: Some(user),
            error: None,
            notice: None,
        },
        cookie: None,
    }
}

fn html(page: &impl Template, status: StatusCode, cookie: Option<HeaderValue>) -> Response {
    match page.render() {
        Ok(body) => {
            let mut r = (status, Html(body)).into_response();
            if let Some(c) = cookie {
                r.headers_mut().append(header::SET_COOKIE, c);
            }
            r
        }
        Err(e) => {
            tracing::error!(error = %e, "template");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    l: Layout,
    link: &'static str,
    link_text: &'static str,
}

/// A page that only says something (an error, a success), with a link onward.
fn notice(
    mut f: Frame,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
    link: &'static str,
    link_text: fn(&Texts) -> &'static str,
) -> Response {
    f.l.error = error;
    f.l.notice = notice;
    let link_text = link_text(f.l.t);
    html(
        &NoticePage {
            l: f.l,
            link,
            link_text,
        },
        status,
        f.cookie,
    )
}

fn error_status(e: &Error) -> StatusCode {
    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn csrf_refused(f: Frame) -> Response {
    let text = f.l.t.csrf_failed.to_owned();
    notice(f, StatusCode::FORBIDDEN, Some(text), None, "/", |t| t.back)
}

async fn not_found(s: State<AppState>, c: Client, u: Option<PageUser>) -> Response {
    let f = public_frame(&s, &c, u.as_ref(), |t| t.error_title);
    let text = f.l.t.not_found.to_owned();
    notice(f, StatusCode::NOT_FOUND, Some(text), None, "/", |t| t.back)
}

fn field_of(e: &Error) -> &'static str {
    match e {
        Error::Invalid { field, .. } => field,
        _ => "",
    }
}

fn with_session(to: &str, s: &AppState, session: &podpis_core::NewSession) -> Response {
    let max_age = session.session.expires_at - session.session.created_at;
    let mut r = Redirect::to(to).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(s, SESSION_COOKIE, &session.token, max_age, "Lax"),
    );
    r
}

async fn home(s: State<AppState>, c: Client) -> Redirect {
    let signed_in = match c.cookie(SESSION_COOKIE) {
        Some(token) => s.portal.authenticate(token).await.is_ok(),
        None => false,
    };
    Redirect::to(if signed_in { "/cabinet" } else { "/login" })
}

// ---- Sign-in ----

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    login: String,
}

async fn login_page(s: State<AppState>, c: Client) -> Response {
    let f = anon_frame(&s, &c, |t| t.login_title);
    html(
        &LoginPage {
            l: f.l,
            login: String::new(),
        },
        StatusCode::OK,
        f.cookie,
    )
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

#[derive(Template)]
#[template(path = "code.html")]
struct CodePage {
    l: Layout,
    challenge: String,
    sent_to: String,
    expires: String,
    totp: bool,
}

async fn login(s: State<AppState>, c: Client, Form(form): Form<LoginForm>) -> Response {
    let mut f = anon_frame(&s, &c, |t| t.login_title);
    if !csrf_ok(&s, &c, None, &form.csrf) {
        return csrf_refused(f);
    }
    match s
        .portal
        .login_password(&c.ctx, &form.login, &form.password)
        .await
    {
        Ok(ch) => {
            f.l.title = f.l.t.code_title;
            let page = CodePage {
                totp: ch.factors.contains(&SecondFactor::Totp),
                challenge: ch.id,
                sent_to: ch.sent_to,
                expires: podpis_core::moscow_time(ch.expires_at, f.l.t.language()),
                l: f.l,
            };
            html(&page, StatusCode::OK, f.cookie)
        }
        Err(e) => {
            let status = error_status(&e);
            f.l.error = Some(e.text(c.lang));
            html(
                &LoginPage {
                    l: f.l,
                    login: form.login,
                },
                status,
                f.cookie,
            )
        }
    }
}

/// The sign-in form again, saying why the second step cannot go on (start over).
fn back_to_login(mut f: Frame, e: &Error, lang: Lang) -> Response {
    f.l.title = f.l.t.login_title;
    f.l.error = Some(e.text(lang));
    let page = LoginPage {
        l: f.l,
        login: String::new(),
    };
    html(&page, error_status(e), f.cookie)
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    challenge: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    factor: String,
    #[serde(default)]
    sent_to: String,
    #[serde(default)]
    expires: String,
    #[serde(default, deserialize_with = "flag")]
    totp: bool,
}

async fn login_code(s: State<AppState>, c: Client, Form(form): Form<CodeForm>) -> Response {
    let mut f = anon_frame(&s, &c, |t| t.code_title);
    if !csrf_ok(&s, &c, None, &form.csrf) {
        return csrf_refused(f);
    }
    let result = if form.factor == "totp" {
        s.portal
            .login_totp(&c.ctx, &form.challenge, &form.code, SessionKind::Cookie)
            .await
    } else {
        s.portal
            .login_code(&c.ctx, &form.challenge, &form.code, SessionKind::Cookie)
            .await
    };
    match result {
        Ok(session) => with_session("/cabinet", &s, &session),
        Err(
            e @ (Error::CodeExpired | Error::BadCredentials | Error::WrongCode { tries_left: 0 }),
        ) => back_to_login(f, &e, c.lang),
        Err(e) => {
            f.l.error = Some(e.text(c.lang));
            let page = CodePage {
                l: f.l,
                challenge: form.challenge,
                sent_to: form.sent_to,
                expires: form.expires,
                totp: form.totp,
            };
            html(&page, error_status(&e), f.cookie)
        }
    }
}

#[derive(Deserialize)]
struct ResendForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    challenge: String,
    #[serde(default, deserialize_with = "flag")]
    totp: bool,
}

async fn login_resend(s: State<AppState>, c: Client, Form(form): Form<ResendForm>) -> Response {
    let f = anon_frame(&s, &c, |t| t.code_title);
    if !csrf_ok(&s, &c, None, &form.csrf) {
        return csrf_refused(f);
    }
    match s.portal.resend_code(&c.ctx, &form.challenge).await {
        Ok(t) => {
            let page = CodePage {
                expires: podpis_core::moscow_time(t.expires_at, f.l.t.language()),
                l: f.l,
                challenge: t.id,
                sent_to: t.sent_to,
                totp: form.totp,
            };
            html(&page, StatusCode::OK, f.cookie)
        }
        Err(e) => back_to_login(f, &e, c.lang),
    }
}

/// A form's yes/no field: `true` or `on` is yes, anything else no. (Form fields are text; a
/// flattened form loses serde's hint that the field is a boolean.)
fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let text = String::deserialize(d)?;
    Ok(matches!(text.as_str(), "true" | "on" | "1"))
}

/// The JSON calls of the pages' passkey buttons: CSRF token in `X-CSRF-Token`.
fn header_csrf(headers: &HeaderMap) -> &str {
    headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn json_problem(e: Error, lang: Lang) -> Response {
    crate::error::Problem { error: e, lang }.into_response()
}

async fn passkey_login_begin(s: State<AppState>, c: Client, headers: HeaderMap) -> Response {
    if !csrf_ok(&s, &c, None, header_csrf(&headers)) {
        return json_problem(Error::Forbidden, c.lang);
    }
    match s.portal.passkey_login_begin(&c.ctx).await {
        Ok((ceremony, public_key)) => Json(CeremonyDto {
            ceremony,
            public_key,
        })
        .into_response(),
        Err(e) => json_problem(e, c.lang),
    }
}

async fn passkey_login_finish(
    s: State<AppState>,
    c: Client,
    headers: HeaderMap,
    Json(a): Json<CeremonyAnswer>,
) -> Response {
    if !csrf_ok(&s, &c, None, header_csrf(&headers)) {
        return json_problem(Error::Forbidden, c.lang);
    }
    let done = match api::credential(&a) {
        Ok(cred) => {
            s.portal
                .passkey_login_finish(&c.ctx, &a.ceremony, &cred, SessionKind::Cookie)
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(session) => {
            let max_age = session.session.expires_at - session.session.created_at;
            let mut r = Json(serde_json::json!({ "redirect": "/cabinet" })).into_response();
            r.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(&s, SESSION_COOKIE, &session.token, max_age, "Lax"),
            );
            r
        }
        Err(e) => json_problem(e, c.lang),
    }
}

// ---- Registration ----

#[derive(Deserialize, Default)]
struct RegisterFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    surname: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    patronymic: String,
    #[serde(default)]
    inn: String,
    #[serde(default)]
    snils: String,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    l: Layout,
    f: RegisterFields,
    field: &'static str,
}

async fn register_page(s: State<AppState>, c: Client) -> Response {
    let f = anon_frame(&s, &c, |t| t.register_title);
    html(
        &RegisterPage {
            l: f.l,
            f: RegisterFields::default(),
            field: "",
        },
        StatusCode::OK,
        f.cookie,
    )
}

/// What the confirmation page carries between its submissions.
#[derive(Deserialize, Default)]
struct ConfirmState {
    #[serde(default)]
    phone_id: String,
    #[serde(default)]
    email_id: String,
    #[serde(default)]
    phone_to: String,
    #[serde(default)]
    email_to: String,
    #[serde(default, deserialize_with = "flag")]
    phone_done: bool,
    #[serde(default, deserialize_with = "flag")]
    email_done: bool,
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    l: Layout,
    c: ConfirmState,
}

async fn register(s: State<AppState>, c: Client, Form(mut form): Form<RegisterFields>) -> Response {
    let mut f = anon_frame(&s, &c, |t| t.register_title);
    if !csrf_ok(&s, &c, None, &form.csrf) {
        return csrf_refused(f);
    }
    let reg = RegistrationForm {
        phone: form.phone.clone(),
        email: form.email.clone(),
        password: std::mem::take(&mut form.password),
        surname: form.surname.clone(),
        given_name: form.given_name.clone(),
        patronymic: form.patronymic.clone(),
        inn: form.inn.clone(),
        snils: form.snils.clone(),
    };
    match s.portal.register(&c.ctx, reg).await {
        Ok(r) => {
            f.l.title = f.l.t.confirm_title;
            let state = ConfirmState {
                phone_id: r.phone_code.id,
                email_id: r.email_code.id,
                phone_to: r.phone_code.sent_to,
                email_to: r.email_code.sent_to,
                ..Default::default()
            };
            html(&ConfirmPage { l: f.l, c: state }, StatusCode::OK, f.cookie)
        }
        Err(e) => {
            f.l.error = Some(e.text(c.lang));
            html(
                &RegisterPage {
                    l: f.l,
                    field: field_of(&e),
                    f: form,
                },
                error_status(&e),
                f.cookie,
            )
        }
    }
}

#[derive(Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    state: ConfirmState,
    #[serde(default)]
    phone_code: String,
    #[serde(default)]
    email_code: String,
    #[serde(default)]
    which: String,
}

async fn confirm(s: State<AppState>, c: Client, Form(mut form): Form<ConfirmForm>) -> Response {
    let mut f = anon_frame(&s, &c, |t| t.confirm_title);
    if !csrf_ok(&s, &c, None, &form.csrf) {
        return csrf_refused(f);
    }
    let mut errors = Vec::new();
    let st = &mut form.state;
    for (done, id, code, what) in [
        (
            &mut st.phone_done,
            &st.phone_id,
            &form.phone_code,
            f.l.t.phone,
        ),
        (
            &mut st.email_done,
            &st.email_id,
            &form.email_code,
            f.l.t.email,
        ),
    ] {
        if *done {
            continue;
        }
        match s.portal.confirm_contact(&c.ctx, id, code).await {
            Ok(()) => *done = true,
            Err(e) => errors.push(format!("{what}: {}", e.text(c.lang))),
        }
    }
    if st.phone_done && st.email_done {
        let text = f.l.t.registered_done.to_owned();
        return notice(f, StatusCode::OK, None, Some(text), "/login", |t| t.sign_in);
    }
    f.l.error = Some(errors.join(" "));
    html(
        &ConfirmPage {
            l: f.l,
            c: form.state,
        },
        StatusCode::UNPROCESSABLE_ENTITY,
        f.cookie,
    )
}

async fn confirm_resend(
    s: State<AppState>,
    c: Client,
    Form(mut form): Form<ConfirmForm>,
) -> Response {
    let mut f = anon_frame(&s, &c, |t| t.confirm_title);
    if !csrf_ok(&s, &c, None, &form.csrf) {
        return csrf_refused(f);
    }
    let st = &mut form.state;
    let (id, to) = if form.which == "email" {
        (&mut st.email_id, &mut st.email_to)
    } else {
        (&mut st.phone_id, &mut st.phone_to)
    };
    match s.portal.resend_code(&c.ctx, id).await {
        Ok(t) => {
            *id = t.id;
            *to = t.sent_to;
        }
        Err(e) => f.l.error = Some(e.text(c.lang)),
    }
    html(
        &ConfirmPage {
            l: f.l,
            c: form.state,
        },
        StatusCode::OK,
        f.cookie,
    )
}

// ---- The cabinet ----

#[derive(Template)]
#[template(path = "cabinet.html")]
struct CabinetPage {
    l: Layout,
    a: podpis_store::Account,
    /// The account's role in words.
    role: &'static str,
}

async fn cabinet(s: State<AppState>, u: PageUser) -> Response {
    let f = user_frame(&u, |t| t.cabinet_title);
    match s.portal.account(&u.who).await {
        Ok(a) => {
            let role = match u.who.role {
                Role::Admin => f.l.t.role_admin,
                Role::Operator { .. } => f.l.t.role_operator,
                Role::Citizen => f.l.t.role_citizen,
            };
            html(&CabinetPage { l: f.l, a, role }, StatusCode::OK, None)
        }
        Err(e) => page_error(f, e, u.lang()),
    }
}

/// `t` as the date a date field shows (UTC): `2026-12-01`.
fn day(t: i64) -> String {
    timestamp(t).chars().take(10).collect()
}

/// The name of centre `id` among `centres`, or the id of one the registry no longer has.
fn centre_name(centres: &[podpis_store::Centre], id: &str) -> String {
    centres
        .iter()
        .find(|c| c.id == id)
        .map_or_else(|| id.to_owned(), |c| c.name.clone())
}

fn page_error(f: Frame, e: Error, lang: Lang) -> Response {
    notice(
        f,
        error_status(&e),
        Some(e.text(lang)),
        None,
        "/cabinet",
        |t| t.back,
    )
}

/// The profile's fields as the form shows them.
#[derive(Deserialize, Default)]
struct ProfileFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    surname: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    patronymic: String,
    #[serde(default)]
    inn: String,
    #[serde(default)]
    snils: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    passport: String,
    #[serde(default)]
    ogrn: String,
}

impl ProfileFields {
    fn of(a: podpis_store::Account) -> Self {
        Self {
            csrf: String::new(),
            surname: a.surname,
            given_name: a.given_name,
            patronymic: a.patronymic,
            inn: a.inn.unwrap_or_default(),
            snils: a.snils.unwrap_or_default(),
            birth_date: a.birth_date.unwrap_or_default(),
            passport: a.passport.unwrap_or_default(),
            ogrn: a.ogrn.unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    l: Layout,
    p: ProfileFields,
    field: &'static str,
}

async fn profile_page(s: State<AppState>, u: PageUser) -> Response {
    let f = user_frame(&u, |t| t.profile_title);
    match s.portal.account(&u.who).await {
        Ok(a) => html(
            &ProfilePage {
                l: f.l,
                p: ProfileFields::of(a),
                field: "",
            },
            StatusCode::OK,
            None,
        ),
        Err(e) => page_error(f, e, u.lang()),
    }
}

async fn profile(s: State<AppState>, u: PageUser, Form(form): Form<ProfileFields>) -> Response {
    let mut f = user_frame(&u, |t| t.profile_title);
    if !csrf_ok(&s, &u.client, Some(&u.who), &form.csrf) {
        return csrf_refused(f);
    }
    let profile = Profile {
        surname: form.surname.clone(),
        given_name: form.given_name.clone(),
        patronymic: form.patronymic.clone(),
        inn: Some(form.inn.clone()),
        snils: Some(form.snils.clone()),
        birth_date: Some(form.birth_date.clone()),
        passport: Some(form.passport.clone()),
        ogrn: Some(form.ogrn.clone()),
    };
    match s
        .portal
        .update_profile(&u.client.ctx, &u.who, profile)
        .await
    {
        Ok(a) => {
            f.l.notice = Some(f.l.t.saved.to_owned());
            html(
                &ProfilePage {
                    l: f.l,
                    p: ProfileFields::of(a),
                    field: "",
                },
                StatusCode::OK,
                None,
            )
        }
        Err(e) => {
            f.l.error = Some(e.text(u.lang()));
            html(
                &ProfilePage {
                    l: f.l,
                    field: field_of(&e),
                    p: form,
                },
                error_status(&e),
                None,
            )
        }
    }
}

// ---- Security: TOTP and passkeys ----

/// A TOTP enrolment shown on the page.
#[derive(Deserialize)]
struct Enrolment {
    #[serde(default)]
    id: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    uri: String,
}

#[derive(Template)]
#[template(path = "security.html")]
struct SecurityPage {
    l: Layout,
    totp_on: bool,
    enrolment: Option<Enrolment>,
    passkeys: Vec<PasskeyDto>,
}

async fn security(
    s: &AppState,
    u: &PageUser,
    enrolment: Option<Enrolment>,
    error: Option<Error>,
    notice_text: Option<String>,
) -> Response {
    let mut f = user_frame(u, |t| t.security_title);
    let (account, passkeys) = match (
        s.portal.account(&u.who).await,
        s.portal.passkeys(&u.who).await,
    ) {
        (Ok(a), Ok(p)) => (a, p),
        (Err(e), _) | (_, Err(e)) => return page_error(f, e, u.lang()),
    };
    let status = error.as_ref().map_or(StatusCode::OK, error_status);
    f.l.error = error.map(|e| e.text(u.lang()));
    f.l.notice = notice_text;
    let page = SecurityPage {
        l: f.l,
        totp_on: account.totp_secret.is_some(),
        enrolment,
        passkeys: passkeys.into_iter().map(api::passkey_dto).collect(),
    };
    html(&page, status, None)
}

async fn security_page(s: State<AppState>, u: PageUser) -> Response {
    security(&s, &u, None, None, None).await
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// Refuses a form whose CSRF token is not the session's.
fn guard(s: &AppState, u: &PageUser, token: &str) -> Option<Response> {
    if csrf_ok(s, &u.client, Some(&u.who), token) {
        None
    } else {
        Some(csrf_refused(user_frame(u, |t| t.error_title)))
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

async fn password_change(
    s: State<AppState>,
    u: PageUser,
    Form(form): Form<PasswordForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    match s
        .portal
        .change_password(
            &u.client.ctx,
            &u.who,
            &form.current_password,
            &form.new_password,
        )
        .await
    {
        Ok(ended) => {
            let done = format!("{} {ended}.", texts::of(u.lang()).password_changed);
            security(&s, &u, None, None, Some(done)).await
        }
        Err(e) => security(&s, &u, None, Some(e), None).await,
    }
}

async fn totp_begin(s: State<AppState>, u: PageUser, Form(form): Form<CsrfOnly>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    match s.portal.totp_begin(&u.who).await {
        Ok(e) => {
            security(
                &s,
                &u,
                Some(Enrolment {
                    id: e.id,
                    secret: e.secret,
                    uri: e.uri,
                }),
                None,
                None,
            )
            .await
        }
        Err(e) => security(&s, &u, None, Some(e), None).await,
    }
}

#[derive(Deserialize)]
struct TotpConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(flatten)]
    enrolment: Enrolment,
}

async fn totp_confirm(
    s: State<AppState>,
    u: PageUser,
    Form(form): Form<TotpConfirmForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    match s
        .portal
        .totp_confirm(&u.client.ctx, &u.who, &form.enrolment.id, &form.code)
        .await
    {
        Ok(()) => {
            security(
                &s,
                &u,
                None,
                None,
                Some(texts::of(u.lang()).saved.to_owned()),
            )
            .await
        }
        Err(e) => security(&s, &u, Some(form.enrolment), Some(e), None).await,
    }
}

async fn totp_remove(s: State<AppState>, u: PageUser, Form(form): Form<CsrfOnly>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let result = s.portal.totp_remove(&u.client.ctx, &u.who).await;
    security(&s, &u, None, result.err(), None).await
}

async fn passkey_register_begin(s: State<AppState>, u: PageUser, headers: HeaderMap) -> Response {
    if !csrf_ok(&s, &u.client, Some(&u.who), header_csrf(&headers)) {
        return json_problem(Error::Forbidden, u.lang());
    }
    match s.portal.passkey_register_begin(&u.who).await {
        Ok((ceremony, public_key)) => Json(CeremonyDto {
            ceremony,
            public_key,
        })
        .into_response(),
        Err(e) => json_problem(e, u.lang()),
    }
}

async fn passkey_register_finish(
    s: State<AppState>,
    u: PageUser,
    headers: HeaderMap,
    Json(a): Json<CeremonyAnswer>,
) -> Response {
    if !csrf_ok(&s, &u.client, Some(&u.who), header_csrf(&headers)) {
        return json_problem(Error::Forbidden, u.lang());
    }
    let done = match api::credential(&a) {
        Ok(cred) => {
            s.portal
                .passkey_register_finish(&u.client.ctx, &u.who, &a.ceremony, &cred, &a.name)
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(p) => (StatusCode::CREATED, Json(api::passkey_dto(p))).into_response(),
        Err(e) => json_problem(e, u.lang()),
    }
}

#[derive(Deserialize)]
struct IdForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
}

async fn passkey_remove(s: State<AppState>, u: PageUser, Form(form): Form<IdForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let result = s
        .portal
        .passkey_remove(&u.client.ctx, &u.who, &form.id)
        .await;
    security(&s, &u, None, result.err(), None).await
}

// ---- Sessions ----

/// A session row.
struct SessionRow {
    id: String,
    created_at: String,
    last_seen_at: String,
    ip: String,
    user_agent: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    l: Layout,
    sessions: Vec<SessionRow>,
}

async fn sessions(s: &AppState, u: &PageUser, error: Option<Error>) -> Response {
    let mut f = user_frame(u, |t| t.sessions_title);
    let list = match s.portal.sessions(&u.who).await {
        Ok(l) => l,
        Err(e) => return page_error(f, e, u.lang()),
    };
    let lang = u.lang();
    let rows = list
        .into_iter()
        .map(|x| SessionRow {
            current: x.id == u.who.session_id,
            id: x.id,
            created_at: podpis_core::moscow_time(x.created_at, lang),
            last_seen_at: podpis_core::moscow_time(x.last_seen_at, lang),
            ip: x.ip.unwrap_or_default(),
            user_agent: x.user_agent.unwrap_or_default(),
        })
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, error_status);
    f.l.error = error.map(|e| e.text(u.lang()));
    html(
        &SessionsPage {
            l: f.l,
            sessions: rows,
        },
        status,
        None,
    )
}

async fn sessions_page(s: State<AppState>, u: PageUser) -> Response {
    sessions(&s, &u, None).await
}

async fn end_session(s: State<AppState>, u: PageUser, Form(form): Form<IdForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let result = s.portal.end_session(&u.client.ctx, &u.who, &form.id).await;
    sessions(&s, &u, result.err()).await
}

fn signed_out(s: &AppState) -> Response {
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(s, SESSION_COOKIE, "", 0, "Lax"),
    );
    r
}

async fn end_all(s: State<AppState>, u: PageUser, Form(form): Form<CsrfOnly>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    match s.portal.logout_everywhere(&u.client.ctx, &u.who).await {
        Ok(_) => signed_out(&s),
        Err(e) => sessions(&s, &u, Some(e)).await,
    }
}

async fn logout(s: State<AppState>, u: PageUser, Form(form): Form<CsrfOnly>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    match s.portal.logout(&u.client.ctx, &u.who).await {
        Ok(()) => signed_out(&s),
        Err(e) => sessions(&s, &u, Some(e)).await,
    }
}

// ---- The journal ----

#[derive(Template)]
#[template(path = "journal.html")]
struct JournalPage {
    l: Layout,
    entries: Vec<EntryDto>,
    actions: Vec<(&'static str, &'static str, bool)>,
    from: String,
    to: String,
    query: String,
    next: Option<i64>,
}

/// `action=…&from=…&to=…`, for links that keep the filter.
fn filter_query(q: &JournalQuery) -> String {
    let enc = |s: &Option<String>| {
        s.clone()
            .unwrap_or_default()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect::<String>()
    };
    format!(
        "action={}&from={}&to={}",
        enc(&q.action),
        enc(&q.from),
        enc(&q.to)
    )
}

async fn journal_page(
    s: State<AppState>,
    u: PageUser,
    Query(mut q): Query<JournalQuery>,
) -> Response {
    let mut f = user_frame(&u, |t| t.journal_title);
    let lang = u.lang();
    q.account = None;
    let page_size = 50;
    q.limit = Some(page_size);
    let result = match q.filter_in(MOSCOW_OFFSET) {
        Ok(filter) => s.portal.journal(&u.who, filter).await,
        Err(e) => Err(e),
    };
    let (entries, status) = match result {
        Ok(list) => (list, StatusCode::OK),
        Err(e) => {
            let status = error_status(&e);
            f.l.error = Some(e.text(lang));
            (Vec::new(), status)
        }
    };
    let next = (entries.len() as i64 == page_size)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    let page = JournalPage {
        l: f.l,
        entries: entries
            .into_iter()
            .map(|e| EntryDto {
                at: moscow_time_to_second(e.entry.at, lang),
                ..api::entry_dto(e, lang)
            })
            .collect(),
        actions: Action::ALL
            .iter()
            .map(|a| {
                (
                    a.name(),
                    a.title(lang),
                    q.action.as_deref() == Some(a.name()),
                )
            })
            .collect(),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        query: filter_query(&q),
        next,
    };
    html(&page, status, None)
}

#[derive(Deserialize)]
struct ExportQuery {
    #[serde(default)]
    format: String,
    #[serde(flatten)]
    filter: JournalQuery,
}

/// A CSV field, quoted when it must be (RFC 4180), with spreadsheet formulas defused: a field
/// a spreadsheet would read as one (OWASP's list of first characters) starts with `'`.
fn csv(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_owned()
    };
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

async fn journal_export(
    s: State<AppState>,
    u: PageUser,
    Query(mut q): Query<ExportQuery>,
) -> Response {
    let lang = u.lang();
    q.filter.account = None;
    q.filter.before = None;
    q.filter.limit = Some(10_000);
    let list = match q.filter.filter_in(MOSCOW_OFFSET) {
        Ok(filter) => s.portal.journal(&u.who, filter).await,
        Err(e) => Err(e),
    };
    let list: Vec<EntryDto> = match list {
        Ok(l) => l.into_iter().map(|e| api::entry_dto(e, lang)).collect(),
        Err(e) => return json_problem(e, lang),
    };
    let (kind, ext, body) = if q.format == "json" {
        (
            "application/json",
            "json",
            serde_json::to_string_pretty(&list).unwrap_or_default(),
        )
    } else {
        let mut out = String::from(
            "seq,time,action,title,status,ip,user_agent,object,details,details_text,hash\r\n",
        );
        for e in &list {
            let row = [
                e.seq.to_string(),
                e.at.clone(),
                e.action.clone(),
                e.title.clone(),
                e.status.clone(),
                e.ip.clone().unwrap_or_default(),
                e.user_agent.clone().unwrap_or_default(),
                e.object.clone().unwrap_or_default(),
                e.details.clone(),
                e.details_text.clone(),
                e.hash.clone(),
            ];
            out.push_str(&row.iter().map(|f| csv(f)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
        }
        ("text/csv; charset=utf-8", "csv", out)
    };
    let disposition = format!("attachment; filename=\"journal.{ext}\"");
    (
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

// ---- Administration ----

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    l: Layout,
    verdict: Option<VerifyDto>,
}

fn forbidden(f: Frame, lang: Lang) -> Response {
    page_error(f, Error::Forbidden, lang)
}

async fn admin_page(u: PageUser) -> Response {
    let f = user_frame(&u, |t| t.admin_title);
    if u.who.require_admin().is_err() {
        return forbidden(f, u.lang());
    }
    html(
        &AdminPage {
            l: f.l,
            verdict: None,
        },
        StatusCode::OK,
        None,
    )
}

async fn admin_verify(s: State<AppState>, u: PageUser, Form(form): Form<CsrfOnly>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let f = user_frame(&u, |t| t.admin_title);
    match s.portal.verify_journal(&u.client.ctx, &u.who).await {
        Ok(v) => html(
            &AdminPage {
                l: f.l,
                verdict: Some(api::verify_dto(v)),
            },
            StatusCode::OK,
            None,
        ),
        Err(e) => page_error(f, e, u.lang()),
    }
}

#[derive(Template)]
#[template(path = "mailbox.html")]
struct MailboxPage {
    l: Layout,
    messages: Vec<MessageDto>,
    dev: bool,
}

impl MailboxPage {
    /// A message's delivery status (`pending`, `delivered`, `failed`) in words.
    fn status_title(&self, status: &str) -> &'static str {
        match status {
            "delivered" => self.l.t.mail_delivered,
            "failed" => self.l.t.mail_failed,
            _ => self.l.t.mail_pending,
        }
    }
}

async fn mailbox_page(s: State<AppState>, u: PageUser) -> Response {
    let f = user_frame(&u, |t| t.mailbox_title);
    match s.portal.mailbox(&u.who, 200, 0).await {
        Ok(list) => {
            let page = MailboxPage {
                l: f.l,
                messages: list.into_iter().map(api::message_dto).collect(),
                dev: s.config.dev_mailbox,
            };
            html(&page, StatusCode::OK, None)
        }
        Err(e) => page_error(f, e, u.lang()),
    }
}

// ---- Language ----

/// The path of a `Referer`, to go back to the page the language switch was pressed on — only a
/// plain path of this site (never `//host` or `/\host`, which browsers take for another site).
fn local_path(referer: &str) -> Option<String> {
    let rest = referer.split_once("://")?.1;
    let path = &rest[rest.find('/')?..];
    (!path.starts_with("//") && !path.contains('\\')).then(|| path.to_owned())
}

#[derive(Deserialize)]
struct LangForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
}

async fn set_lang(
    s: State<AppState>,
    c: Client,
    headers: HeaderMap,
    Form(form): Form<LangForm>,
) -> Response {
    let who: Option<Principal> = match c.cookie(SESSION_COOKIE) {
        Some(token) => s.portal.authenticate(token).await.ok(),
        None => None,
    };
    if !csrf_ok(&s, &c, who.as_ref(), &form.csrf) {
        return csrf_refused(anon_frame(&s, &c, |t| t.error_title));
    }
    let lang = Lang::parse(&form.lang);
    if let Some(who) = &who
        && let Err(e) = s.portal.set_language(who, lang).await
    {
        tracing::warn!(error = %e, "saving the language");
    }
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(local_path)
        .unwrap_or_else(|| "/".into());
    let mut r = Redirect::to(&back).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&s, LANG_COOKIE, lang.code(), 365 * 86_400, "Lax"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv("signed_in"), "signed_in");
        assert_eq!(csv("a, \"b\""), "\"a, \"\"b\"\"\"");
        assert_eq!(csv("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for formula in ["+1", "-1", "@SUM(A1)", "\t=1"] {
            assert_eq!(csv(formula), format!("'{formula}"));
        }
        assert_eq!(csv("\r=1"), "\"'\r=1\"");
    }

    #[test]
    fn the_language_switch_goes_back_only_to_this_site() {
        assert_eq!(
            local_path("http://localhost:8080/journal?action=signed_in").as_deref(),
            Some("/journal?action=signed_in")
        );
        assert_eq!(local_path("https://podpis.example.ru/"), Some("/".into()));
        assert_eq!(local_path("https://podpis.example.ru"), None);
        assert_eq!(local_path("http://x//evil.example/"), None);
        assert_eq!(local_path("http://x/\\evil.example/"), None);
        assert_eq!(local_path("javascript:alert(1)"), None);
    }
}
