//! `podpis serve` as a process: configuration from a file, variables and flags; migrations at
//! start; health, API and metrics over HTTP; graceful shutdown on SIGTERM; `podpis db migrate`,
//! `podpis journal verify` (a tampered row named), `podpis account create|grant`; and a node
//! killed (SIGKILL) between committing a message and sending it, whose message the next start
//! still delivers.

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

/// One HTTP/1.1 request over a fresh connection: status and body.
fn http(port: u16, method: &str, path: &str, body: Option<Value>) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(s, "{method} {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
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
        out.contains("applied migrations [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"),
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
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&out[..split]).into_owned();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, out[split + 4..].to_vec())
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
