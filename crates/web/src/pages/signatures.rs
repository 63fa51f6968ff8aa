//! The signatures page ("Электронные подписи") and its steps: the citizen's certificates with
//! status and expiry; connecting one (issued to them here, or uploaded as a .cer) with the proof
//! of possession — the cloud key's PIN, or a `podpis sign` signature of a challenge — and an
//! SMS code; reissue, revocation, a cloud key's PIN change, and "this was not me" on the
//! journal. Each step is one page of [`StepPage`], whose form posts to one portal call.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use base64::Engine;
use podpis_core::{
    BindingChallenge, CodeAnswer, Error, MAX_PIN_TRIES, Medium, Missing, OWNER_REASONS, Possession,
    after_compromise, moscow_time, reason_title,
};
use podpis_pki::crl::Reason;
use serde::Deserialize;

use super::{
    Frame, IdForm, Layout, PageUser, centre_name, error_status, guard, html, notice, page_error,
    user_frame,
};
use crate::AppState;
use crate::parts::{DEFAULT_BODY_LIMIT, Parts};
use crate::texts::{self, Texts};

/// The routes of the signatures page and its steps.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/signatures", axum::routing::get(show))
        .route("/signatures/unbind", post(unbind))
        .route("/signatures/bind", post(bind_upload))
        .route("/signatures/bind-issued", post(bind_issued))
        .route("/signatures/bind/finish", post(bind_finish))
        .route("/signatures/revoke", post(revoke_begin))
        .route("/signatures/revoke/finish", post(revoke_finish))
        .route("/signatures/reissue", post(reissue_begin))
        .route("/signatures/reissue/confirm", post(reissue_confirm))
        .route("/signatures/pin", post(pin_begin))
        .route("/signatures/pin/finish", post(pin_finish))
        .route("/signatures/unlock", post(unlock_begin))
        .route("/signatures/unlock/finish", post(unlock_finish))
        .route("/journal/{seq}/not-me", post(not_me_begin))
        .route("/journal/{seq}/not-me/finish", post(not_me_finish))
}

struct BindingRow {
    id: String,
    serial: String,
    /// Its centre's id.
    centre: String,
    /// Its centre's name.
    centre_name: String,
    not_after: String,
    connected: bool,
    /// Connected and ending within the longest warning period.
    expiring: bool,
    /// Its centre is hosted here (reissue and revocation are offered).
    hosted: bool,
    cloud: bool,
    /// The cloud key's id, for the PIN change.
    cloud_key: Option<String>,
    /// Its cloud key is locked by wrong PINs.
    locked: bool,
}

struct IssuedRow {
    application_id: String,
    serial: String,
    /// Its centre's name.
    centre: String,
    not_after: String,
    cloud: bool,
}

#[derive(Template)]
#[template(path = "signatures.html")]
struct SignaturesPage {
    l: Layout,
    bindings: Vec<BindingRow>,
    issued: Vec<IssuedRow>,
}

/// The signatures page, with `error` or `done` (a notice) above it.
async fn page(s: &AppState, u: &PageUser, error: Option<Error>, done: Option<String>) -> Response {
    let mut f = user_frame(u, |t| t.signatures_title);
    let lang = u.lang();
    let loaded = async {
        Ok::<_, Error>((
            s.portal.bindings(&u.who).await?,
            s.portal.issued_to_me(&u.who).await?,
            s.portal.cloud_keys(&u.who).await?,
            s.portal.centres().await?,
        ))
    }
    .await;
    let (bindings, issued, keys, centres) = match loaded {
        Ok(all) => all,
        Err(e) => return page_error(f, e, lang),
    };
    let now = s.portal.clock().now();
    let warn_from = now + podpis_core::EXPIRY_WARNINGS[0] * 86_400;
    let key_of = |centre: &str, serial: &str| {
        keys.iter()
            .find(|k| k.centre_id == centre && k.serial == serial)
    };
    let bindings = bindings
        .into_iter()
        .map(|b| {
            let connected = b.status == "connected";
            let cloud_key = key_of(&b.centre_id, &b.serial);
            BindingRow {
                connected,
                expiring: connected && b.not_after <= warn_from,
                hosted: centres.iter().any(|c| c.id == b.centre_id && c.hosted),
                cloud: cloud_key.is_some(),
                locked: cloud_key.is_some_and(|k| k.failed_pins >= MAX_PIN_TRIES),
                cloud_key: cloud_key.filter(|_| connected).map(|k| k.id.clone()),
                not_after: moscow_time(b.not_after, lang),
                centre_name: centre_name(&centres, &b.centre_id),
                id: b.id,
                serial: b.serial,
                centre: b.centre_id,
            }
        })
        .collect();
    let issued = issued
        .into_iter()
        .map(|i| IssuedRow {
            application_id: i.application_id,
            serial: i.serial,
            centre: centre_name(&centres, &i.centre_id),
            not_after: moscow_time(i.not_after, lang),
            cloud: i.cloud,
        })
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, error_status);
    f.l.error = error.map(|e| e.text(lang));
    f.l.notice = done;
    html(
        &SignaturesPage {
            l: f.l,
            bindings,
            issued,
        },
        status,
        None,
    )
}

async fn show(s: State<AppState>, u: PageUser) -> Response {
    page(&s, &u, None, None).await
}

async fn unbind(s: State<AppState>, u: PageUser, Form(form): Form<IdForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let result = s.portal.unbind(&u.client.ctx, &u.who, &form.id).await;
    page(&s, &u, result.err(), None).await
}

/// A text to sign with the certificate's key, shown and offered as a file.
struct Challenge {
    text: String,
    base64: String,
}

impl Challenge {
    fn of(text: &str) -> Self {
        Challenge {
            text: text.to_owned(),
            base64: base64::engine::general_purpose::STANDARD.encode(text),
        }
    }
}

/// One field of a step's form.
pub(super) struct Input {
    name: &'static str,
    label: &'static str,
    /// `code` (a one-time code), `pin` (a secret), `file`; or a choice when `options` is set.
    kind: &'static str,
    options: Vec<(&'static str, &'static str)>,
}

pub(super) fn input(name: &'static str, label: &'static str, kind: &'static str) -> Input {
    Input {
        name,
        label,
        kind,
        options: Vec::new(),
    }
}

/// One step of a certificate action: what it does, the challenge to sign if any, and a form.
#[derive(Template)]
#[template(path = "step.html")]
struct StepPage {
    l: Layout,
    intro: &'static str,
    challenge: Option<Challenge>,
    action: String,
    multipart: bool,
    hidden: Vec<(&'static str, String)>,
    inputs: Vec<Input>,
    submit: &'static str,
    back: &'static str,
}

/// What a step page is made of, apart from its frame.
pub(super) struct Step {
    pub(super) title: fn(&Texts) -> &'static str,
    pub(super) intro: fn(&Texts) -> &'static str,
    pub(super) challenge: Option<String>,
    pub(super) action: String,
    /// The form posts as multipart (it carries a file, or its handler reads files).
    pub(super) multipart: bool,
    pub(super) hidden: Vec<(&'static str, String)>,
    pub(super) inputs: fn(&Texts) -> Vec<Input>,
    pub(super) back: &'static str,
}

/// Shows `step`, with `error` above it when the last try failed.
pub(super) fn step(u: &PageUser, step: Step, error: Option<Error>) -> Response {
    let mut f: Frame = user_frame(u, step.title);
    let t = f.l.t;
    let status = error.as_ref().map_or(StatusCode::OK, error_status);
    f.l.error = error.map(|e| e.text(u.lang()));
    let inputs = (step.inputs)(t);
    let page = StepPage {
        intro: (step.intro)(t),
        challenge: step.challenge.as_deref().map(Challenge::of),
        action: step.action,
        multipart: step.multipart,
        hidden: step.hidden,
        inputs,
        submit: t.confirm,
        back: step.back,
        l: f.l,
    };
    html(&page, status, None)
}

fn missing_file(field: &'static str) -> Error {
    Error::Invalid {
        field,
        ru: "Выберите файл.".into(),
        en: "Choose a file.".into(),
    }
}

// Connecting a certificate.

/// The proof-of-possession step of binding `binding_id` (challenge `challenge`).
fn bind_step(binding_id: &str, challenge: &str, cloud: bool) -> Step {
    Step {
        title: |t| t.bind_title,
        intro: if cloud {
            |t| t.bind_cloud_intro
        } else {
            |t| t.bind_token_intro
        },
        challenge: (!cloud).then(|| challenge.to_owned()),
        action: "/signatures/bind/finish".into(),
        multipart: true,
        hidden: vec![
            ("binding_id", binding_id.to_owned()),
            ("challenge", challenge.to_owned()),
            ("cloud", if cloud { "1" } else { "" }.to_owned()),
        ],
        inputs: if cloud {
            |t| {
                vec![
                    input("pin", t.pin_label, "pin"),
                    input("code", t.sms_code, "code"),
                ]
            }
        } else {
            |t| {
                vec![
                    input("proof", t.proof_file, "file"),
                    input("code", t.sms_code, "code"),
                ]
            }
        },
        back: "/signatures",
    }
}

/// Where a started binding goes: its proof step, or the signatures page with the refusal.
async fn after_bind_begin(
    s: &AppState,
    u: &PageUser,
    started: Result<BindingChallenge, Error>,
) -> Response {
    match started {
        Ok(c) => {
            let cloud = s
                .portal
                .cloud_keys(&u.who)
                .await
                .unwrap_or_default()
                .iter()
                .any(|k| k.centre_id == c.centre_id && k.serial == c.serial);
            step(u, bind_step(&c.binding_id, &c.challenge, cloud), None)
        }
        Err(e) => page(s, u, Some(e), None).await,
    }
}

async fn bind_upload(s: State<AppState>, u: PageUser, multipart: Multipart) -> Response {
    let parts = match Parts::read(multipart, DEFAULT_BODY_LIMIT).await {
        Ok(parts) => parts,
        Err(e) => return after_bind_begin(&s, &u, Err(e)).await,
    };
    if let Some(refused) = guard(&s, &u, parts.get("csrf")) {
        return refused;
    }
    let started = match parts.file("certificate") {
        Some(der) => s.portal.bind_begin(&u.client.ctx, &u.who, der).await,
        None => Err(missing_file("certificate")),
    };
    after_bind_begin(&s, &u, started).await
}

async fn bind_issued(s: State<AppState>, u: PageUser, Form(form): Form<IdForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let started = s
        .portal
        .bind_issued_begin(&u.client.ctx, &u.who, &form.id)
        .await;
    after_bind_begin(&s, &u, started).await
}

async fn bind_finish(s: State<AppState>, u: PageUser, multipart: Multipart) -> Response {
    let parts = match Parts::read(multipart, DEFAULT_BODY_LIMIT).await {
        Ok(parts) => parts,
        Err(e) => return page(&s, &u, Some(e), None).await,
    };
    if let Some(refused) = guard(&s, &u, parts.get("csrf")) {
        return refused;
    }
    let (id, code) = (parts.get("binding_id"), parts.get("code"));
    let cloud = !parts.get("cloud").is_empty();
    let result = if cloud {
        s.portal
            .bind_finish_with_pin(&u.client.ctx, &u.who, id, parts.get("pin"), code)
            .await
    } else {
        match parts.file("proof") {
            Some(proof) => {
                s.portal
                    .bind_finish(&u.client.ctx, &u.who, id, proof, code)
                    .await
            }
            None => Err(missing_file("proof")),
        }
    };
    match result {
        Ok(_) => {
            let done = texts::of(u.lang()).signatures_connected.to_owned();
            page(&s, &u, None, Some(done)).await
        }
        Err(e) => step(&u, bind_step(id, parts.get("challenge"), cloud), Some(e)),
    }
}

// Revocation by the owner.

#[derive(Deserialize)]
struct CertificateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    centre: String,
    #[serde(default)]
    serial: String,
}

fn revoke_step(centre: &str, serial: &str, code_id: &str) -> Step {
    Step {
        title: |t| t.revoke_title,
        intro: |t| t.revoke_intro,
        challenge: None,
        action: "/signatures/revoke/finish".into(),
        multipart: false,
        hidden: vec![
            ("centre", centre.to_owned()),
            ("serial", serial.to_owned()),
            ("code_id", code_id.to_owned()),
        ],
        inputs: |t| {
            vec![
                Input {
                    name: "reason",
                    label: t.revoke_reason,
                    kind: "choice",
                    options: OWNER_REASONS
                        .iter()
                        .map(|r| (r.name(), reason_title(*r, t.language())))
                        .collect(),
                },
                input("code", t.sms_code, "code"),
            ]
        },
        back: "/signatures",
    }
}

async fn revoke_begin(
    s: State<AppState>,
    u: PageUser,
    Form(form): Form<CertificateForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    match s
        .portal
        .revoke_own_begin(&u.client.ctx, &u.who, &form.centre, &form.serial)
        .await
    {
        Ok(ticket) => step(
            &u,
            revoke_step(&form.centre, &form.serial, &ticket.id),
            None,
        ),
        Err(e) => page(&s, &u, Some(e), None).await,
    }
}

#[derive(Deserialize)]
struct RevokeFinishForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    centre: String,
    #[serde(default)]
    serial: String,
    #[serde(default)]
    code_id: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    reason: String,
}

async fn revoke_finish(
    s: State<AppState>,
    u: PageUser,
    Form(form): Form<RevokeFinishForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let reason = OWNER_REASONS
        .into_iter()
        .find(|r| r.name() == form.reason)
        .unwrap_or(Reason::CessationOfOperation);
    let answer = CodeAnswer {
        id: &form.code_id,
        code: &form.code,
    };
    match s
        .portal
        .revoke_own_finish(
            &u.client.ctx,
            &u.who,
            &form.centre,
            &form.serial,
            answer,
            reason,
        )
        .await
    {
        Ok(_) => {
            let done = texts::of(u.lang()).revoked_done.to_owned();
            page(&s, &u, None, Some(done)).await
        }
        Err(e) => step(
            &u,
            revoke_step(&form.centre, &form.serial, &form.code_id),
            Some(e),
        ),
    }
}

// Reissue while the current certificate is valid.

#[derive(Deserialize)]
struct ReissueForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    medium: Medium,
}

fn reissue_step(application_id: &str, challenge: &str, cloud: bool) -> Step {
    Step {
        title: |t| t.reissue_title,
        intro: |t| t.reissue_intro,
        challenge: (!cloud).then(|| challenge.to_owned()),
        action: "/signatures/reissue/confirm".into(),
        multipart: true,
        hidden: vec![
            ("id", application_id.to_owned()),
            ("challenge", challenge.to_owned()),
            ("cloud", if cloud { "1" } else { "" }.to_owned()),
        ],
        inputs: if cloud {
            |t| vec![input("pin", t.pin_label, "pin")]
        } else {
            |t| vec![input("proof", t.proof_file, "file")]
        },
        back: "/signatures",
    }
}

async fn reissue_begin(s: State<AppState>, u: PageUser, Form(form): Form<ReissueForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let started = async {
        let binding = s
            .portal
            .bindings(&u.who)
            .await?
            .into_iter()
            .find(|b| b.id == form.id)
            .ok_or(Error::NotFound(Missing::Binding))?;
        let cloud = s
            .portal
            .cloud_keys(&u.who)
            .await?
            .iter()
            .any(|k| k.centre_id == binding.centre_id && k.serial == binding.serial);
        let start = s
            .portal
            .reissue_begin(&u.client.ctx, &u.who, &form.id, form.medium)
            .await?;
        Ok::<_, Error>((start, cloud))
    }
    .await;
    match started {
        Ok((start, cloud)) => step(
            &u,
            reissue_step(&start.application.application.id, &start.challenge, cloud),
            None,
        ),
        Err(e) => page(&s, &u, Some(e), None).await,
    }
}

async fn reissue_confirm(s: State<AppState>, u: PageUser, multipart: Multipart) -> Response {
    let parts = match Parts::read(multipart, DEFAULT_BODY_LIMIT).await {
        Ok(parts) => parts,
        Err(e) => return page(&s, &u, Some(e), None).await,
    };
    if let Some(refused) = guard(&s, &u, parts.get("csrf")) {
        return refused;
    }
    let id = parts.get("id");
    let cloud = !parts.get("cloud").is_empty();
    let possession = if cloud {
        Ok(Possession::Pin(parts.get("pin").to_owned()))
    } else {
        parts
            .file("proof")
            .map(|p| Possession::Signature(p.to_vec()))
            .ok_or_else(|| missing_file("proof"))
    };
    let result = match possession {
        Ok(p) => s.portal.reissue_confirm(&u.client.ctx, &u.who, id, p).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(view) => Redirect::to(&format!("/applications/{}", view.application.id)).into_response(),
        Err(e) => step(&u, reissue_step(id, parts.get("challenge"), cloud), Some(e)),
    }
}

// A cloud key's PIN.

fn pin_step(key_id: &str, ticket: &str) -> Step {
    Step {
        title: |t| t.pin_title,
        intro: |t| t.pin_intro,
        challenge: None,
        action: "/signatures/pin/finish".into(),
        multipart: false,
        hidden: vec![("id", key_id.to_owned()), ("code_id", ticket.to_owned())],
        inputs: |t| {
            vec![
                input("old_pin", t.pin_old, "pin"),
                input("new_pin", t.pin_new, "pin"),
                input("code", t.sms_code, "code"),
            ]
        },
        back: "/signatures",
    }
}

async fn pin_begin(s: State<AppState>, u: PageUser, Form(form): Form<IdForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    match s
        .portal
        .change_pin_begin(&u.client.ctx, &u.who, &form.id)
        .await
    {
        Ok(ticket) => step(&u, pin_step(&form.id, &ticket.id), None),
        Err(e) => page(&s, &u, Some(e), None).await,
    }
}

#[derive(Deserialize)]
struct PinFinishForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    code_id: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    old_pin: String,
    #[serde(default)]
    new_pin: String,
}

async fn pin_finish(s: State<AppState>, u: PageUser, Form(form): Form<PinFinishForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let answer = CodeAnswer {
        id: &form.code_id,
        code: &form.code,
    };
    match s
        .portal
        .change_pin_finish(
            &u.client.ctx,
            &u.who,
            &form.id,
            answer,
            &form.old_pin,
            &form.new_pin,
        )
        .await
    {
        Ok(()) => {
            let done = texts::of(u.lang()).pin_changed.to_owned();
            page(&s, &u, None, Some(done)).await
        }
        Err(e) => step(&u, pin_step(&form.id, &form.code_id), Some(e)),
    }
}

// Unlocking a cloud key that wrong PINs locked.

fn unlock_step(key_id: &str, ticket: &str) -> Step {
    Step {
        title: |t| t.unlock_title,
        intro: |t| t.unlock_intro,
        challenge: None,
        action: "/signatures/unlock/finish".into(),
        multipart: false,
        hidden: vec![("id", key_id.to_owned()), ("code_id", ticket.to_owned())],
        inputs: |t| vec![input("code", t.sms_code, "code")],
        back: "/signatures",
    }
}

async fn unlock_begin(s: State<AppState>, u: PageUser, Form(form): Form<IdForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    match s
        .portal
        .unlock_key_begin(&u.client.ctx, &u.who, &form.id)
        .await
    {
        Ok(ticket) => step(&u, unlock_step(&form.id, &ticket.id), None),
        Err(e) => page(&s, &u, Some(e), None).await,
    }
}

#[derive(Deserialize)]
struct KeyCodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    code_id: String,
    #[serde(default)]
    code: String,
}

async fn unlock_finish(s: State<AppState>, u: PageUser, Form(form): Form<KeyCodeForm>) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let answer = CodeAnswer {
        id: &form.code_id,
        code: &form.code,
    };
    match s
        .portal
        .unlock_key_finish(&u.client.ctx, &u.who, &form.id, answer)
        .await
    {
        Ok(()) => {
            let done = texts::of(u.lang()).unlocked.to_owned();
            page(&s, &u, None, Some(done)).await
        }
        Err(e) => step(&u, unlock_step(&form.id, &form.code_id), Some(e)),
    }
}

// "This was not me" on the journal.

fn not_me_step(seq: i64, code_id: &str) -> Step {
    Step {
        title: |t| t.not_me_title,
        intro: |t| t.not_me_intro,
        challenge: None,
        action: format!("/journal/{seq}/not-me/finish"),
        multipart: false,
        hidden: vec![("code_id", code_id.to_owned())],
        inputs: |t| vec![input("code", t.sms_code, "code")],
        back: "/journal",
    }
}

async fn not_me_begin(
    s: State<AppState>,
    u: PageUser,
    Path(seq): Path<i64>,
    Form(form): Form<IdForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    match s.portal.not_me_begin(&u.client.ctx, &u.who, seq).await {
        Ok((ticket, _, _)) => step(&u, not_me_step(seq, &ticket.id), None),
        Err(e) => page_error(user_frame(&u, |t| t.not_me_title), e, u.lang()),
    }
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code_id: String,
    #[serde(default)]
    code: String,
}

async fn not_me_finish(
    s: State<AppState>,
    u: PageUser,
    Path(seq): Path<i64>,
    Form(form): Form<CodeForm>,
) -> Response {
    if let Some(refused) = guard(&s, &u, &form.csrf) {
        return refused;
    }
    let answer = CodeAnswer {
        id: &form.code_id,
        code: &form.code,
    };
    match s
        .portal
        .not_me_finish(&u.client.ctx, &u.who, seq, answer)
        .await
    {
        Ok(_) => notice(
            user_frame(&u, |t| t.not_me_title),
            StatusCode::OK,
            None,
            Some(after_compromise(u.lang()).to_owned()),
            "/signatures",
            |t| t.signatures_title,
        ),
        Err(e) => step(&u, not_me_step(seq, &form.code_id), Some(e)),
    }
}
