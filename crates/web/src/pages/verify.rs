//! The public verification page ("Проверка электронной подписи"), open to anyone: a document
//! and its `.sig` (or an attached signature), or a certificate alone, checked against the
//! registry; the report shows each signer, the certificate now and at signing time, the chain
//! and every check. Nothing uploaded is stored unless the form asks to keep the files: then
//! the page moves to their link (`/verify/kept/{id}`), which shows the report again with the
//! files to download, and deletes them on request.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use podpis_core::{
    CentreRef, Error, Kept, Lang, MAX_VERIFY_BYTES, Verification, check_text, moscow_time,
};
use podpis_pki::cades::SignerIdentity;
use podpis_pki::validate::{self, Indication, SubIndication};
use serde::Deserialize;

use super::{Frame, Layout, csrf_refused, error_status, html, public_frame, public_lang};
use crate::AppState;
use crate::api::check_form;
use crate::auth::{Client, PageUser, csrf_ok};
use crate::parts::Parts;
use crate::texts::Texts;

/// The routes of the verification page.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/verify",
            get(show)
                .post(check_signature)
                .layer(DefaultBodyLimit::max(2 * MAX_VERIFY_BYTES + 64 * 1024)),
        )
        .route(
            "/verify/report.pdf",
            post(report).layer(DefaultBodyLimit::max(2 * MAX_VERIFY_BYTES + 64 * 1024)),
        )
        .route(
            "/verify/certificate",
            post(check_certificate).layer(DefaultBodyLimit::max(MAX_VERIFY_BYTES)),
        )
        .route("/verify/kept/{id}", get(show_kept))
        .route("/verify/kept/{id}/delete", post(delete_kept))
}

/// One signer (or the certificate alone) as the page shows it.
struct SignerView {
    name: String,
    facts: Vec<(&'static str, String)>,
    chain: Vec<String>,
    /// Every check of the signature and of the certificate path: passed, and what was found.
    checks: Vec<(bool, String)>,
}

/// The report as the page shows it.
struct ReportView {
    verdict: &'static str,
    intact: &'static str,
    hash: Option<String>,
    signers: Vec<SignerView>,
}

/// Kept files as the page offers them.
struct KeptView {
    id: String,
    name: String,
    has_document: bool,
    until: String,
}

impl KeptView {
    fn new(k: Kept, lang: Lang) -> Self {
        KeptView {
            id: k.id,
            name: k.name,
            has_document: k.has_document,
            until: moscow_time(k.expires_at, lang),
        }
    }
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    l: Layout,
    report: Option<ReportView>,
    kept: Option<KeptView>,
}

/// The verdict in words, for a signature or (`certificate`) a certificate alone.
fn verdict(t: &Texts, indication: Indication, certificate: bool) -> &'static str {
    match (indication, certificate) {
        (Indication::TotalPassed, false) => t.verify_valid,
        (Indication::TotalFailed, false) => t.verify_invalid,
        (Indication::Indeterminate, false) => t.verify_unknown,
        (Indication::TotalPassed, true) => t.verify_cert_valid,
        (Indication::TotalFailed, true) => t.verify_cert_invalid,
        (Indication::Indeterminate, true) => t.verify_cert_unknown,
    }
}

/// A certificate's validation `report` in words: the verdict, and why when it did not pass
/// (with the ETSI sub-indication for those who look it up).
fn certificate_outcome(t: &Texts, report: &validate::Report) -> String {
    let verdict = verdict(t, report.indication, true);
    let Some(sub) = report.sub_indication else {
        return verdict.to_owned();
    };
    let why = match sub {
        SubIndication::FormatFailure => t.why_format,
        SubIndication::SigCryptoFailure => t.why_crypto,
        SubIndication::Revoked => t.why_revoked,
        SubIndication::Expired => t.why_expired,
        SubIndication::NotYetValid => t.why_not_yet_valid,
        SubIndication::NoCertificateChainFound => t.why_no_chain,
        SubIndication::ChainConstraintsFailure => t.why_constraints,
        SubIndication::TryLater => t.why_try_later,
        SubIndication::HashFailure => t.why_hash,
        SubIndication::NoSigningCertificateFound => t.why_no_certificate,
    };
    format!("{verdict}: {why} ({})", podpis_core::outcome(report))
}

/// The facts of a signer's certificate and its centre.
fn identity_facts(
    t: &Texts,
    id: &SignerIdentity,
    centre: Option<&CentreRef>,
) -> Vec<(&'static str, String)> {
    let mut facts = Vec::new();
    for (label, value) in [
        (t.snils, &id.snils),
        (t.inn, &id.inn),
        (t.inn_le, &id.inn_le),
        (t.ogrn, &id.ogrn),
        (t.field_organization, &id.organization),
    ] {
        if let Some(v) = value {
            facts.push((label, v.clone()));
        }
    }
    facts.push((t.certificate_serial, id.certificate_serial.clone()));
    facts.push((
        t.verify_centre,
        centre.map_or(t.verify_not_in_registry.to_owned(), |c| c.name.clone()),
    ));
    facts.push((t.verify_issuer, id.issuer.clone()));
    facts
}

/// The chain and the checks of a certificate's validation, in the words of `t`.
fn path_view(t: &Texts, report: &validate::Report) -> (Vec<String>, Vec<(bool, String)>) {
    let chain = report
        .chain
        .iter()
        .map(|c| format!("{} ({} — {})", c.subject, c.not_before, c.not_after))
        .collect();
    let checks = report
        .checks
        .iter()
        .map(|c| {
            (
                c.passed,
                format!(
                    "[{}] {}",
                    c.position,
                    check_text(c.check, &c.detail, t.language())
                ),
            )
        })
        .collect();
    (chain, checks)
}

fn signature_view(t: &'static Texts, v: Verification) -> ReportView {
    let signers = v
        .report
        .signatures
        .iter()
        .zip(&v.signers)
        .map(|(s, context)| {
            let mut facts = s
                .signer
                .as_ref()
                .map(|id| identity_facts(t, id, context.centre.as_ref()))
                .unwrap_or_default();
            facts.push((
                t.verify_signing_time,
                s.signing_time.clone().unwrap_or_default(),
            ));
            if let Some(now) = &s.certificate {
                facts.push((t.verify_now, certificate_outcome(t, now)));
            }
            if let Some(then) = &context.at_signing_time {
                facts.push((t.verify_then, certificate_outcome(t, then)));
            }
            let (chain, mut checks) = s
                .certificate
                .as_ref()
                .map(|r| path_view(t, r))
                .unwrap_or_default();
            let mut own: Vec<(bool, String)> = s
                .checks
                .iter()
                .map(|c| (c.passed, check_text(c.check, &c.detail, t.language())))
                .collect();
            own.append(&mut checks);
            SignerView {
                name: s
                    .signer
                    .as_ref()
                    .and_then(|id| id.name.clone())
                    .unwrap_or_else(|| "?".into()),
                facts,
                chain,
                checks: own,
            }
        })
        .collect();
    ReportView {
        verdict: verdict(t, v.report.indication, false),
        intact: if v.intact {
            t.verify_intact
        } else {
            t.verify_changed
        },
        hash: Some(format!(
            "{} ({} {})",
            v.document_hash, v.document_size, t.bytes
        )),
        signers,
    }
}

/// The page, with the report (and the kept files it came from) or the refusal.
fn respond(
    s: &AppState,
    c: &Client,
    u: Option<&PageUser>,
    result: Result<Option<(ReportView, Option<KeptView>)>, Error>,
) -> Response {
    let mut f = public_frame(s, c, u, |t| t.verify_title);
    match result {
        Ok(Some((report, kept))) => page(f, StatusCode::OK, Some(report), kept),
        Ok(None) => page(f, StatusCode::OK, None, None),
        Err(e) => {
            f.l.error = Some(e.text(public_lang(c, u)));
            page(f, error_status(&e), None, None)
        }
    }
}

/// The page in frame `f`, with `report` and the `kept` files it came from, if any.
fn page(
    f: Frame,
    status: StatusCode,
    report: Option<ReportView>,
    kept: Option<KeptView>,
) -> Response {
    html(
        &VerifyPage {
            l: f.l,
            report,
            kept,
        },
        status,
        f.cookie,
    )
}

async fn show(s: State<AppState>, c: Client, u: Option<PageUser>) -> Response {
    respond(&s, &c, u.as_ref(), Ok(None))
}

fn missing(field: &'static str) -> Error {
    Error::Invalid {
        field,
        ru: "Выберите файл.".into(),
        en: "Choose a file.".into(),
    }
}

/// The report on the form's files; asked to keep them, the move to their link.
async fn check_signature(
    s: State<AppState>,
    c: Client,
    u: Option<PageUser>,
    multipart: Multipart,
) -> Response {
    let u = u.as_ref();
    let parts = match Parts::read(multipart, MAX_VERIFY_BYTES).await {
        Ok(parts) => parts,
        Err(e) => return respond(&s, &c, u, Err(e)),
    };
    let t = crate::texts::of(public_lang(&c, u));
    match check_form(&s, &c, u.map(|u| &u.who), &parts, true).await {
        Ok(answer) => match answer.kept {
            Some(kept) => Redirect::to(&format!("/verify/kept/{}", kept.id)).into_response(),
            None => respond(
                &s,
                &c,
                u,
                Ok(Some((signature_view(t, answer.verification), None))),
            ),
        },
        Err(e) => respond(&s, &c, u, Err(e)),
    }
}

/// Kept files' report, verified anew, with the files to download.
async fn show_kept(
    s: State<AppState>,
    c: Client,
    u: Option<PageUser>,
    Path(id): Path<String>,
) -> Response {
    let u = u.as_ref();
    let t = crate::texts::of(public_lang(&c, u));
    let result = s
        .portal
        .kept_verification(&c.ctx, &id)
        .await
        .map(|(v, kept)| {
            Some((
                signature_view(t, v),
                Some(KeptView::new(kept, t.language())),
            ))
        });
    respond(&s, &c, u, result)
}

#[derive(Deserialize)]
struct DeleteForm {
    #[serde(default)]
    csrf: String,
}

/// Deletes kept files at once; the page says so.
async fn delete_kept(
    s: State<AppState>,
    c: Client,
    u: Option<PageUser>,
    Path(id): Path<String>,
    Form(form): Form<DeleteForm>,
) -> Response {
    let u = u.as_ref();
    // The form carries the token of the frame it was shown in: the session's once signed in.
    if !csrf_ok(&s, &c, u.map(|u| &u.who), &form.csrf) {
        return csrf_refused(public_frame(&s, &c, u, |t| t.verify_title));
    }
    let who = u.map(|u| &u.who);
    if let Err(e) = s.portal.forget_verification(&c.ctx, who, &id).await {
        return respond(&s, &c, u, Err(e));
    }
    let mut f = public_frame(&s, &c, u, |t| t.verify_title);
    f.l.notice = Some(f.l.t.verify_deleted.to_owned());
    page(f, StatusCode::OK, None, None)
}

async fn report(
    s: State<AppState>,
    c: Client,
    u: Option<PageUser>,
    multipart: Multipart,
) -> Response {
    match crate::api::report_pdf(&s, &c, multipart).await {
        Ok(pdf) => pdf,
        Err(problem) => respond(&s, &c, u.as_ref(), Err(problem.error)),
    }
}

async fn check_certificate(
    s: State<AppState>,
    c: Client,
    u: Option<PageUser>,
    multipart: Multipart,
) -> Response {
    let u = u.as_ref();
    let parts = match Parts::read(multipart, MAX_VERIFY_BYTES).await {
        Ok(parts) => parts,
        Err(e) => return respond(&s, &c, u, Err(e)),
    };
    let t = crate::texts::of(public_lang(&c, u));
    let result = match parts.file("certificate") {
        Some(bytes) => s.portal.verify_certificate(&c.ctx, bytes).await.map(|v| {
            let mut facts = identity_facts(t, &v.identity, v.centre.as_ref());
            facts.push((t.verify_now, certificate_outcome(t, &v.report)));
            facts.push((t.verify_checked, moscow_time(v.checked_at, t.language())));
            let (chain, checks) = path_view(t, &v.report);
            Some((
                ReportView {
                    verdict: verdict(t, v.report.indication, true),
                    intact: "",
                    hash: None,
                    signers: vec![SignerView {
                        name: v.identity.name.clone().unwrap_or_else(|| "?".into()),
                        facts,
                        chain,
                        checks,
                    }],
                },
                None,
            ))
        }),
        None => Err(missing("certificate")),
    };
    respond(&s, &c, u, result)
}
