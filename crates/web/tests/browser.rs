//! The browser test: a real headless Chromium (Debian's `chromium`, driven by Playwright from
//! `tests/browser/walk.mjs`) walks the pages of a portal whose messages really go out — e-mail to
//! an SMTP server and SMS to an HTTP gateway on loopback, from which the walk reads the codes.
//! It enrols and uses a passkey through Chromium's virtual authenticator.
//!
//! It fails, rather than skips, when Node.js, Playwright (`npm ci` in tests/browser) or Chromium
//! is missing; `PODPIS_SKIP_BROWSER=1` skips it knowingly.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use podpis_core::notify::{SmsGateway, SmtpSender, Worker};
use podpis_core::{Policy, Portal, RelyingParty, SystemClock};
use podpis_testkit::{HttpSink, SmtpSink};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_walks_the_pages_in_chromium() {
    if std::env::var_os("PODPIS_SKIP_BROWSER").is_some() {
        eprintln!("browser test skipped: PODPIS_SKIP_BROWSER is set");
        return;
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

    let db = podpis_testkit::sqlite().await;
    let smtp = SmtpSink::start().await;
    let sms = HttpSink::start_beside(&smtp).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let origin = format!("http://localhost:{port}");
    let portal = Portal::open(
        db.store.clone(),
        Arc::new(SystemClock),
        Policy::default(),
        RelyingParty::for_url(&origin),
    )
    .await
    .unwrap();
    let email =
        SmtpSender::new("127.0.0.1", smtp.port, "Podpis <noreply@podpis.test>", None).unwrap();
    let gateway = SmsGateway::new(
        &format!("{}/send?to={{phone}}&text={{text}}", sms.url()),
        None,
    )
    .unwrap();
    let mut worker = Worker::new(
        db.store.clone(),
        Arc::new(SystemClock),
        Arc::new(email),
        Arc::new(gateway),
    );
    worker.idle = Duration::from_millis(100);
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(worker.run(stopped));
    common::serve_on(listener, portal, false).await;

    let screenshot = std::env::temp_dir().join("podpis-browser-journal.png");
    let out = tokio::process::Command::new("node")
        .arg("walk.mjs")
        .current_dir(&dir)
        .env("PODPIS_URL", &origin)
        .env("SINK_URL", format!("{}/__sink/received", sms.url()))
        .env("CHROMIUM", &chromium)
        .env("SCREENSHOT", &screenshot)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(180), out)
        .await
        .expect("the walk finishes within 3 minutes")
        .expect("node runs (is Node.js installed?)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the browser walk failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("browser walk: passed"), "{stdout}");
    assert!(
        stdout.contains("ok: signed in with the passkey alone"),
        "{stdout}"
    );
    // What the walk did is in the journal, and the chain holds.
    assert!(db.store.verify_journal().await.unwrap().is_ok());
}
