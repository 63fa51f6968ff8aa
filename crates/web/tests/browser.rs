//! The browser tests: a real headless Chromium (Debian's `chromium`, driven by Playwright from
//! the scripts in `tests/browser`) walks the pages of a portal whose messages really go out —
//! e-mail to an SMTP server and SMS to an HTTP gateway on loopback, from which the walks read
//! the codes. `walk.mjs` registers a citizen and enrols and uses a passkey through Chromium's
//! virtual authenticator; `lifecycle.mjs` takes a citizen and an operator through applying,
//! paying, the visit with its QR code, issuance and connecting the certificate.
//!
//! They fail, rather than skip, when Node.js, Playwright (`npm ci` in tests/browser) or
//! Chromium is missing; `PODPIS_SKIP_BROWSER=1` skips them knowingly.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use podpis_core::notify::{SmsGateway, SmtpSender, Worker};
use podpis_core::payments::SandboxGateway;
use podpis_core::{
    CentreForm, Context, Policy, Portal, RegistrationForm, RelyingParty, Role, SystemClock, Vault,
};
use podpis_testkit::{HttpSink, SmtpSink, TestDb};

/// A portal served on loopback with real senders, ready for a walk.
struct Site {
    db: TestDb,
    portal: Portal,
    origin: String,
    sms: HttpSink,
    _smtp: SmtpSink,
    _stop: tokio::sync::watch::Sender<bool>,
}

/// The folder of the walks and Chromium's path, or `None` when the browser tests are skipped.
fn tools() -> Option<(PathBuf, String)> {
    if std::env::var_os("PODPIS_SKIP_BROWSER").is_some() {
        eprintln!("browser test skipped: PODPIS_SKIP_BROWSER is set");
        return None;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} is missing: apt-get install chromium (scripts/test does), or PODPIS_SKIP_BROWSER=1"
    );
    assert!(
        dir.join("node_modules/playwright-core").exists(),
        "Playwright is missing: run `npm ci` in {} (scripts/test does)",
        dir.display()
    );
    Some((dir, chromium))
}

async fn site() -> Site {
    let db = podpis_testkit::sqlite().await;
    let smtp = SmtpSink::start().await;
    let sms = HttpSink::start_beside(&smtp).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let origin = format!("http://localhost:{port}");
    let gateway = SandboxGateway::new(b"test sandbox key", &format!("{origin}/sandbox/pay"));
    let portal = Portal::open(
        db.store.clone(),
        Arc::new(SystemClock),
        Policy::default(),
        RelyingParty::for_url(&origin),
    )
    .await
    .unwrap()
    .with_vault(Vault::new(&[7; 32]))
    .with_payments(Arc::new(gateway));
    let email =
        SmtpSender::new("127.0.0.1", smtp.port, "Podpis <noreply@podpis.test>", None).unwrap();
    let sender = SmsGateway::new(
        &format!("{}/send?to={{phone}}&text={{text}}", sms.url()),
        None,
    )
    .unwrap();
    let mut worker = Worker::new(
        db.store.clone(),
        Arc::new(SystemClock),
        Arc::new(email),
        Arc::new(sender),
    );
    worker.idle = Duration::from_millis(100);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(worker.run(stopped));
    common::serve_on(listener, portal.clone(), false).await;
    Site {
        db,
        portal,
        origin,
        sms,
        _smtp: smtp,
        _stop: stop,
    }
}

/// Runs the walk `script` against `site` with `env`; its output, once it passed.
async fn walk(
    site: &Site,
    (dir, chromium): (PathBuf, String),
    script: &str,
    env: &[(&str, &str)],
) -> String {
    let screenshot = std::env::temp_dir().join(format!("podpis-{script}.png"));
    let out = tokio::process::Command::new("node")
        .arg(script)
        .current_dir(&dir)
        .env("PODPIS_URL", &site.origin)
        .env("SINK_URL", format!("{}/__sink/received", site.sms.url()))
        .env("CHROMIUM", &chromium)
        .env("SCREENSHOT", &screenshot)
        .envs(env.iter().copied())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(180), out)
        .await
        .expect("the walk finishes within 3 minutes")
        .expect("node runs (is Node.js installed?)");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the browser walk {script} failed:\n{stdout}\n{stderr}"
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_walks_the_pages_in_chromium() {
    let Some(tools) = tools() else { return };
    let site = site().await;
    let stdout = walk(&site, tools, "walk.mjs", &[]).await;
    assert!(stdout.contains("browser walk: passed"), "{stdout}");
    assert!(
        stdout.contains("ok: signed in with the passkey alone"),
        "{stdout}"
    );
    // What the walk did is in the journal, and the chain holds.
    assert!(site.db.store.verify_journal().await.unwrap().is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_and_an_operator_walk_the_certificate_lifecycle_in_chromium() {
    let Some(tools) = tools() else { return };
    let site = site().await;
    let ctx = Context::default();
    let centre = CentreForm {
        id: "demo".into(),
        name: "УЦ Демо".into(),
        inn: "7707083893".into(),
        ogrn: "1027700132195".into(),
        address: "Москва".into(),
        price: 150_000,
        accredited_from: None,
        accredited_until: 4_102_444_800,
    };
    site.portal
        .add_hosted_centre(&ctx, None, &centre, "gost2012-256".parse().unwrap())
        .await
        .unwrap();
    let account = |phone: &str, email: &str, snils: &str, inn: &str| RegistrationForm {
        phone: phone.into(),
        email: email.into(),
        password: "Пароль-2026".into(),
        surname: "Кузнецова".into(),
        given_name: "Анна".into(),
        snils: snils.into(),
        inn: inn.into(),
        ..Default::default()
    };
    let citizen = account(
        "+79993004051",
        "anna@example.ru",
        "11223344595",
        "500100732259",
    );
    let operator = account("+79993004052", "operator@demo.ru", "", "");
    let citizen = site
        .portal
        .create_confirmed_account(&ctx, citizen, &Role::Citizen)
        .await
        .unwrap();
    site.portal
        .create_confirmed_account(&ctx, operator, &Role::Operator { ca: "demo".into() })
        .await
        .unwrap();
    let stdout = walk(
        &site,
        tools,
        "lifecycle.mjs",
        &[
            ("CITIZEN", "anna@example.ru 79993004051"),
            ("OPERATOR", "operator@demo.ru 79993004052"),
        ],
    )
    .await;
    assert!(stdout.contains("lifecycle walk: passed"), "{stdout}");
    // The certificate the walk connected is the centre's, issued for the walk's application,
    // and the journal's chain holds.
    let mut tx = site.db.store.read().await.unwrap();
    let issued = tx.certificates("demo", 10, 0).await.unwrap();
    assert_eq!(issued.len(), 1, "one certificate issued");
    let bound = tx.bindings_of(&citizen.id).await.unwrap();
    assert_eq!(
        (bound.len(), bound[0].status.as_str(), &bound[0].serial),
        (1, "connected", &issued[0].serial)
    );
    let signed = tx.documents_of(&citizen.id).await.unwrap();
    assert_eq!(
        (signed.len(), signed[0].status.as_str()),
        (1, "sent"),
        "the walk's document is signed"
    );
    drop(tx);
    assert!(site.db.store.verify_journal().await.unwrap().is_ok());
}
