//! `podpis serve` as a process: configuration from a file, variables and flags; migrations at
//! start; health, API and metrics over HTTP; graceful shutdown on SIGTERM; `podpis db migrate`,
//! `podpis journal verify` (a tampered row named), `podpis account create|grant`; and a node
//! killed (SIGKILL) between committing a message and sending it, whose message the next start
//! still delivers; and a citizen of `--demo` who binds a certificate and signs a document with
//! the `podpis sign` command, the portal taking the `.sig` and `podpis verify` passing its package.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use podpis_testkit::SmtpSink;
use serde_json::{Value, json};

fn podpis() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_podpis"));
    for var in [
        "PODPIS_CONFIG",
        "PODPIS_DATABASE",
        "PODPIS_LISTEN",
        "PODPIS_SMTP",
        "PODPIS_SMS_URL",
        "PODPIS_PUBLIC_URL",
    ] {
        c.env_remove(var);
    }
    c
}

/// A running `podpis serve`, its port, and the lines it prints.
struct Node {
    child: Child,
    port: u16,
    lines: mpsc::Receiver<String>,
}

impl Node {
    fn start(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Self {
        let mut cmd = podpis();
        cmd.current_dir(dir)
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        #[allow(clippy::zombie_processes)] // Node's Drop waits for it.
        let mut child = cmd.spawn().expect("podpis serve starts");
        let out = BufReader::new(child.stdout.take().unwrap());
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let started = Instant::now();
        loop {
            let line = lines
                .recv_timeout(Duration::from_secs(60))
                .expect("podpis serve says where it listens");
            if let Some(rest) = line.split("listening on 127.0.0.1:").nth(1) {
                let port = rest
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                return Self { child, port, lines };
            }
            assert!(started.elapsed() < Duration::from_secs(60));
        }
    }

    /// Waits for a printed line containing `needle`.
    fn wait_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200))
                && line.contains(needle)
            {
                return line;
            }
        }
        panic!("podpis serve never printed {needle:?}");
    }

    fn signal(&self, sig: i32) {
        // SAFETY: kill(2) on our own child's pid.
        assert_eq!(unsafe { libc::kill(self.child.id() as i32, sig) }, 0);
    }

    fn wait(mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "podpis serve did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Node {
    /// A test that fails leaves no server behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request over a fresh connection, with a bearer `token` if given: status and raw
/// body bytes.
fn request(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let auth = token.map_or(String::new(), |t| format!("authorization: Bearer {t}\r\n"));
    write!(s, "{method} {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n{auth}content-type: {content_type}\r\ncontent-length: {}\r\n\r\n", body.len()).unwrap();
    s.write_all(body).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&out[..split]).into_owned();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, out[split + 4..].to_vec())
}

/// One JSON request: status and body as text.
fn http(port: u16, method: &str, path: &str, body: Option<Value>) -> (u16, String) {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let (status, out) = request(
        port,
        method,
        path,
        None,
        "application/json",
        body.as_bytes(),
    );
    (status, String::from_utf8(out).unwrap())
}

fn register(port: u16, n: u32) -> Value {
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/register",
        Some(json!({
            "phone": format!("+7999400{n:04}"), "email": format!("node{n}@example.ru"), "password": "Пароль-2026",
            "surname": "Узлов", "given_name": "Николай"
        })),
    );
    assert_eq!(status, 201, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn serves_from_a_config_file_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("podpis.toml"),
        "database = \"sqlite://from-file.db\"\npublic_url = \"http://localhost:9999\"\n",
    )
    .unwrap();
    // A variable beats the file.
    let node = Node::start(
        dir.path(),
        &[],
        &[("PODPIS_DATABASE", "sqlite://from-env.db")],
    );
    assert!(dir.path().join("from-env.db").exists());
    assert!(!dir.path().join("from-file.db").exists());
    assert_eq!(
        http(node.port, "GET", "/healthz", None),
        (200, "ok\n".into())
    );
    register(node.port, 1);
    let sms = node.wait_line("[mailbox] SMS to +79994000001");
    assert!(
        sms.contains("код подтверждения телефона"),
        "the development mailbox prints the SMS: {sms}"
    );
    let (status, metrics) = http(node.port, "GET", "/metrics", None);
    assert_eq!(status, 200);
    assert!(metrics.contains("podpis_http_requests_total{method=\"POST\",route=\"/api/v1/register\",status=\"201\"} 1"), "{metrics}");
    assert!(metrics.contains("podpis_journal_entries 3"), "{metrics}");
    assert!(metrics.contains("podpis_outbox_sent_total{outcome=\"delivered\"}"));
    let (status, page) = http(node.port, "GET", "/login", None);
    assert_eq!(status, 200);
    assert!(page.contains("Вход в личный кабинет"));
    node.signal(libc::SIGTERM);
    let lines = &node.lines;
    let mut stopped = false;
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(20)) {
        stopped |= line.contains("Podpis stopped.");
    }
    assert!(stopped, "it says it stopped");
    assert!(node.wait().success(), "a graceful stop exits 0");
}

#[test]
fn database_commands_migrate_verify_and_make_staff() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("p.db").display());
    let run = |args: &[&str]| {
        let out = podpis()
            .args(args)
            .args(["--database", &url])
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, _) = run(&["db", "migrate"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("applied migrations [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]"),
        "{out}"
    );
    let (_, out, _) = run(&["db", "migrate"]);
    assert!(out.contains("up to date"), "{out}");
    std::fs::write(dir.path().join("pw"), "Пароль-Админа-1\n").unwrap();
    let pw = dir.path().join("pw");
    let (code, out, err) = run(&[
        "account",
        "create",
        "--phone",
        "+79995550001",
        "--email",
        "admin@example.ru",
        "--surname",
        "Главная",
        "--given-name",
        "Ольга",
        "--password-file",
        pw.to_str().unwrap(),
        "--role",
        "admin",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("is admin"), "{out}");
    let (code, out, _) = run(&[
        "account",
        "create",
        "--phone",
        "+79995550002",
        "--email",
        "op@example.ru",
        "--surname",
        "Операторов",
        "--given-name",
        "Олег",
        "--password-file",
        pw.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = run(&[
        "account",
        "grant",
        "--login",
        "op@example.ru",
        "--role",
        "operator",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--ca"), "{err}");
    let grant_operator = || {
        run(&[
            "account",
            "grant",
            "--login",
            "op@example.ru",
            "--role",
            "operator",
            "--ca",
            "test-ca",
        ])
    };
    let (code, _, err) = grant_operator();
    assert_eq!(
        code, 2,
        "an operator of a centre the registry does not have: {err}"
    );
    let (code, _, err) = run(&[
        "centre",
        "add",
        "--id",
        "test-ca",
        "--name",
        "УЦ Тест",
        "--inn",
        "7707083893",
        "--ogrn",
        "1027700132195",
        "--address",
        "Москва",
        "--public-url",
        "https://portal.example",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = grant_operator();
    assert_eq!(code, 0);
    assert!(out.contains("is now operator"), "{out}");
    let (code, out, _) = run(&[
        "account",
        "grant",
        "--login",
        "nobody@example.ru",
        "--role",
        "admin",
    ]);
    assert_eq!(code, 2, "{out}");

    let (code, out, _) = run(&["journal", "verify"]);
    assert_eq!(code, 0);
    assert!(out.contains("the journal holds: 4 entries"), "{out}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(podpis_testkit::raw_sql(
        &url,
        "UPDATE journal SET actor = 'someone' WHERE seq = 2",
    ));
    let (code, out, _) = run(&["journal", "verify", "--json"]);
    assert_eq!(code, 1, "a broken journal fails the check");
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        (v["intact"].as_bool(), v["brokenAt"].as_i64()),
        (Some(false), Some(2)),
        "{v}"
    );
}

#[test]
fn a_node_killed_before_sending_loses_no_message() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let smtp = rt.block_on(SmtpSink::start());
    smtp.set_stalled(true);
    let dir = tempfile::tempdir().unwrap();
    let smtp_arg = format!("127.0.0.1:{}", smtp.port);
    let args = ["--smtp", smtp_arg.as_str(), "--outbox-lease", "4"];
    let node = Node::start(dir.path(), &args, &[]);
    register(node.port, 7);
    // The SMS goes to the mailbox; the e-mail's delivery hangs on the stalled SMTP server.
    node.wait_line("[mailbox] SMS to +79994000007");
    std::thread::sleep(Duration::from_millis(500));
    node.signal(libc::SIGKILL);
    node.wait();
    assert!(smtp.received().is_empty());
    smtp.set_stalled(false);
    let again = Node::start(dir.path(), &args, &[]);
    let restarted = Instant::now();
    let mail = rt
        .block_on(async {
            tokio::time::timeout(Duration::from_secs(20), smtp.wait_for("node7@example.ru")).await
        })
        .expect("delivered after the restart");
    // Within the dead node's 4-second lease, not after a 15-second retry: the first node died
    // holding the claim, before it could record any attempt.
    assert!(
        restarted.elapsed() < Duration::from_secs(12),
        "{:?}",
        restarted.elapsed()
    );
    assert!(mail.code().is_some(), "the code arrived: {}", mail.text);
    again.signal(libc::SIGTERM);
    assert!(again.wait().success());
}

/// One HTTP/1.1 GET: status and raw body bytes.
fn get_bytes(port: u16, path: &str) -> (u16, Vec<u8>) {
    request(port, "GET", path, None, "text/plain", b"")
}

#[test]
fn the_registry_is_kept_by_the_cli_and_the_demo_centre_publishes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let url = format!("sqlite://{}", db.display());
    let run = |args: &[&str]| {
        let out = podpis()
            .args(args)
            .args(["--database", &url])
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let centre = |verb: &str, id: &str, extra: &[&str]| {
        let base = [
            "centre",
            verb,
            "--id",
            id,
            "--name",
            "УЦ Тест",
            "--inn",
            "7707083893",
            "--ogrn",
            "1027700132195",
            "--address",
            "Москва",
            "--price",
            "1500.50",
        ];
        run(&[&base[..], extra].concat())
    };
    let (code, out) = centre("add", "main", &["--public-url", "https://portal.example"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Made a new vault key file"), "{out}");
    let vault = dir.path().join("p.db.vault-key");
    let key = std::fs::read_to_string(&vault).unwrap();
    assert_eq!(key.trim().len(), 64);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&vault).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let (code, out) = centre("add", "main", &[]);
    assert_eq!(code, 2, "a taken id: {out}");
    assert!(out.contains("in the registry already"), "{out}");
    let (code, out) = centre("add", "x", &["--accredited-until", "2020-01-01"]);
    assert_eq!(code, 2, "{out}");

    // The server publishes what the CLI made, and --demo adds the demo centre.
    let node = Node::start(dir.path(), &["--database", &url, "--demo"], &[]);
    node.wait_line("sandbox card gateway");
    node.wait_line("demo accredited centre");
    // The demo takes payments through the sandbox, whose page refuses a damaged link.
    assert_eq!(get_bytes(node.port, "/sandbox/pay?order=AA&sig=00").0, 400);
    let (status, crl) = get_bytes(node.port, "/crl/main.crl");
    assert_eq!(status, 200);
    let crl = podpis_pki::crl::Crl::from_der(&crl).unwrap();
    let (status, ca) = get_bytes(node.port, "/ca/main.cer");
    assert_eq!(status, 200);
    let ca = podpis_pki::Certificate::from_der(&ca).unwrap();
    crl.verify_issued_by(&ca).unwrap();
    assert_eq!(get_bytes(node.port, "/crl/demo.crl").0, 200);
    assert_eq!(get_bytes(node.port, "/crl/none.crl").0, 404);
    node.signal(libc::SIGTERM);
    assert!(node.wait().success());

    // An external centre imported by its chain, then its accreditation ended.
    std::fs::write(dir.path().join("ca.pem"), ca.to_pem()).unwrap();
    let chain = dir.path().join("ca.pem");
    let (code, out) = centre("import", "ext", &["--chain", chain.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(&[
        "centre",
        "accredit",
        "--id",
        "ext",
        "--from",
        "2020-01-01",
        "--until",
        "2021-01-01",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(not in force)"), "{out}");
    let (code, out) = run(&["centre", "list", "--json"]);
    assert_eq!(code, 0, "{out}");
    let list: Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<(&str, bool, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap(),
                c["hosted"].as_bool().unwrap(),
                c["accredited"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(ids.contains(&("main", true, true)), "{ids:?}");
    assert!(ids.contains(&("demo", true, true)), "{ids:?}");
    assert!(ids.contains(&("ext", false, false)), "{ids:?}");
    assert_eq!(
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "main")
            .unwrap()["crlUrl"],
        "https://portal.example/crl/main.crl"
    );
}

/// The code in the last SMS the server's mailbox printed for `phone`.
fn sms_code(node: &Node, phone: &str) -> String {
    let line = node.wait_line(&format!("[mailbox] SMS to {phone}"));
    line.split(|c: char| !c.is_ascii_digit())
        .rfind(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {line}"))
        .to_owned()
}

/// A JSON request with the bearer `token`: status and the JSON answer.
fn api(port: u16, token: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
    let body = body.to_string();
    let (status, out) = request(
        port,
        method,
        path,
        Some(token),
        "application/json",
        body.as_bytes(),
    );
    (status, serde_json::from_slice(&out).unwrap_or(Value::Null))
}

/// The demo centre issues a certificate for the public key of key file `key` to the demo
/// citizen with this SNILS and INN: its CA engine, in-process on the server's own database and vault
/// (the centre's console is tested elsewhere). Returns the certificate in PEM.
fn issue_for_key_file(dir: &Path, url: &str, key: &Path, (snils, inn): (&str, &str)) -> String {
    use podpis_core::{CertificateRequest, Context, Policy, Portal, RelyingParty, SystemClock};
    use podpis_keys::Signer;
    use podpis_pki::subject::{Profile, SubjectInfo};
    let key = podpis_keys::file::load(&std::fs::read(key).unwrap(), None).unwrap();
    let vault = std::fs::read_to_string(dir.join("p.db.vault-key")).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = podpis_store::Store::connect(url).await.unwrap();
        let portal = Portal::open(
            store,
            std::sync::Arc::new(SystemClock),
            Policy::default(),
            RelyingParty::for_url("http://localhost"),
        )
        .await
        .unwrap()
        .with_vault(podpis_core::Vault::from_hex(&vault).unwrap());
        let request = CertificateRequest {
            profile: Profile::Person,
            subject: SubjectInfo {
                common_name: Some("Иванов Иван".into()),
                surname: Some("Иванов".into()),
                given_name: Some("Иван".into()),
                country: Some("RU".into()),
                snils: Some(snils.into()),
                inn: Some(inn.into()),
                ..SubjectInfo::default()
            },
            public_key: key.public_key().unwrap(),
            days: 30,
            account_id: None,
        };
        let issued = portal
            .issue_certificate(&Context::default(), "demo", &request)
            .await
            .unwrap();
        podpis_pki::Certificate::from_der(&issued.der)
            .unwrap()
            .to_pem()
    })
}

#[test]
fn a_document_signed_by_podpis_sign_is_taken_by_the_portal() {
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name);
    let url = format!("sqlite://{}", at("p.db").display());
    let node = Node::start(dir.path(), &["--database", &url, "--demo"], &[]);
    node.wait_line("demo accredited centre");
    let port = node.port;
    let phone = "+79000000002";

    // The demo citizen signs in (password, then the SMS code) and enters a SNILS.
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/login",
        Some(json!({ "login": "citizen@podpis.demo", "password": "Demo-2026!" })),
    );
    assert_eq!(status, 200, "{body}");
    let challenge: Value = serde_json::from_str(&body).unwrap();
    let code = sms_code(&node, phone);
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/login/code",
        Some(json!({ "challenge": challenge["challenge"], "code": code })),
    );
    assert_eq!(status, 200, "{body}");
    let token: Value = serde_json::from_str(&body).unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let (snils, inn) = ("11223344595", "500100732259");
    let profile = json!({ "surname": "Иванов", "given_name": "Иван", "snils": snils, "inn": inn });
    let (status, body) = api(port, &token, "PUT", "/api/v1/me/profile", profile);
    assert_eq!(status, 200, "{body}");

    // A key file made by `podpis key generate`, certified by the demo centre.
    let run = |args: &[&str]| {
        let out = podpis()
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "podpis {args:?}: {text}");
        text
    };
    run(&["key", "generate", "--alg", "gost2012-256", "--out", "k.pem"]);
    let cert = issue_for_key_file(dir.path(), &url, &at("k.pem"), (snils, inn));
    std::fs::write(at("c.pem"), &cert).unwrap();

    // Binding: the challenge signed by `podpis sign` (PEM), and the SMS code.
    let (status, started) = api(
        port,
        &token,
        "POST",
        "/api/v1/bindings",
        json!({ "certificate": cert }),
    );
    assert_eq!(status, 201, "{started}");
    std::fs::write(at("challenge.txt"), started["challenge"].as_str().unwrap()).unwrap();
    let code = sms_code(&node, phone);
    // `podpis sign` with the key file and its certificate.
    let sign_with_key_file = |file: &str, extra: &[&str]| {
        let base = ["sign", "--key", "k.pem", "--cert", "c.pem", "--in", file];
        run(&[&base[..], extra].concat())
    };
    sign_with_key_file("challenge.txt", &["--pem"]);
    let proof = std::fs::read_to_string(at("challenge.txt.sig")).unwrap();
    let finish = format!(
        "/api/v1/bindings/{}/finish",
        started["binding_id"].as_str().unwrap()
    );
    let (status, bound) = api(
        port,
        &token,
        "POST",
        &finish,
        json!({ "proof": proof, "code": code }),
    );
    assert_eq!(status, 200, "{bound}");
    assert_eq!(bound["status"], "connected", "{bound}");

    // A document uploaded to a service, signed by `podpis sign` (DER, detached), and taken.
    let letter = "Прошу принять договор.\n";
    std::fs::write(at("letter.txt"), letter).unwrap();
    let (status, uploaded) = request(
        port,
        "POST",
        "/api/v1/documents?service=contract&name=letter.txt",
        Some(&token),
        "application/octet-stream",
        letter.as_bytes(),
    );
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&uploaded));
    let uploaded: Value = serde_json::from_slice(&uploaded).unwrap();
    let id = uploaded["id"].as_str().unwrap();
    sign_with_key_file("letter.txt", &[]);
    let sig = std::fs::read(at("letter.txt.sig")).unwrap();
    let path = format!("/api/v1/documents/{id}/signature");
    let (status, other) = request(
        port,
        "POST",
        &path,
        Some(&token),
        "application/pkcs7-signature",
        &std::fs::read(at("challenge.txt.sig")).unwrap(),
    );
    assert_eq!(
        status,
        422,
        "a signature of other bytes is refused: {}",
        String::from_utf8_lossy(&other)
    );
    let (status, taken) = request(
        port,
        "POST",
        &path,
        Some(&token),
        "application/pkcs7-signature",
        &sig,
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&taken));
    let taken: Value = serde_json::from_slice(&taken).unwrap();
    assert_eq!(taken["status"], "sent", "{taken}");

    // The signed package holds that very .sig, and `podpis verify` passes it against the demo
    // centre's certificate and CRL as the server publishes them.
    let (status, zip) = request(
        port,
        "GET",
        &format!("/api/v1/documents/{id}/package"),
        Some(&token),
        "text/plain",
        b"",
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&zip));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut packed = Vec::new();
    archive
        .by_name("letter.txt.sig")
        .unwrap()
        .read_to_end(&mut packed)
        .unwrap();
    assert_eq!(packed, sig);
    std::fs::write(at("packed.sig"), &packed).unwrap();
    let ca = podpis_pki::Certificate::from_der(&get_bytes(port, "/ca/demo.cer").1).unwrap();
    std::fs::write(at("ca.pem"), ca.to_pem()).unwrap();
    std::fs::write(at("demo.crl"), get_bytes(port, "/crl/demo.crl").1).unwrap();
    let report = run(&[
        "verify",
        "--in",
        "letter.txt",
        "--sig",
        "packed.sig",
        "--trust",
        "ca.pem",
        "--crl",
        "demo.crl",
        "--json",
    ]);
    let report: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["indication"], "TOTAL_PASSED", "{report}");
}
