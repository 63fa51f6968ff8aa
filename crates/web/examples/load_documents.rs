//! Load over loopback against `podpis serve` (a release build, in a process of its own) for the
//! documents of portal services: the public verification API with a 10 KiB document and its
//! GOST 2012-256 signature, and cloud signing (a batch of drafts per PIN and SMS code). Beside
//! each, the raw library cost of the same work, measured in this process on one core just
//! before and just after the load (averaged): `verify_document` with the same chain and CRL,
//! and a CAdES-BES signature of the same document. Prints a Markdown table.
//!
//! `cargo run --release -p podpis-web --example load_documents -- PODPIS [SECONDS] [CONNECTIONS] [BATCH]`
//! (PODPIS: the `podpis` binary to serve with; `scripts/load-portal` builds and passes it;
//! BATCH: the drafts signed per PIN and code, 10 unless given, at most 50.)
//!
//! The setup goes through the portal's own calls on the server's database before the server
//! starts: the demo centre, citizens with connected cloud keys (the application, visit and
//! binding steps), drafts. The server's CPU time comes from `/proc/PID/stat`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, UNIX_EPOCH};

use podpis_core::{
    ApplicationForm, CentreForm, CodeAnswer, Context, IdentityCheck, Lang, Medium, Policy, Portal,
    Principal, RegistrationForm, RelyingParty, Review, Role, SessionKind, SystemClock, Vault,
};
use podpis_pki::Certificate;
use podpis_pki::cades::{DigestAlgorithm, SignRequest, SignedMessage, sign, verify_document};
use podpis_pki::crl::Crl;
use podpis_pki::identifiers::IdentifierKind;
use podpis_pki::validate::{Options, TrustStore};
use podpis_store::Store;
use serde_json::{Value, json};

/// The cloud keys' PIN.
const PIN: &str = "246810";
/// Drafts signed per request (one PIN and one code each), unless the command line says.
const BATCH: usize = 10;
/// Codes one account may be sent in ten minutes: the batches each citizen can sign.
const BATCHES_PER_CITIZEN: usize = 5;
/// Citizens per signing client: a client signs for each of its citizens in turn, so that the
/// signing load lasts a few seconds within the limit on codes.
const CITIZENS_PER_CLIENT: usize = 4;
/// PBKDF2 iterations of the cloud keys' PIN (the PIN check fixed, as the issue allows).
const PIN_ITERATIONS: u32 = 1_000;
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n";

fn main() {
    let mut args = std::env::args().skip(1);
    let podpis = args.next().expect("the podpis binary");
    let seconds: u64 = args.next().map_or(10, |a| a.parse().expect("seconds"));
    let connections: usize = args.next().map_or(8, |a| a.parse().expect("connections"));
    let batch: usize = args.next().map_or(BATCH, |a| a.parse().expect("batch"));
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("PODPIS_LOAD_DATABASE")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("load.db").display()));
    let vault_file = dir.path().join("vault-key");
    let vault_hex = Vault::generate_hex();
    std::fs::write(&vault_file, vault_hex.as_str()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let world = rt.block_on(setup(
        &url,
        &vault_hex,
        connections * CITIZENS_PER_CLIENT,
        batch,
    ));
    let server = Server::start(&podpis, &url, &vault_file);
    eprintln!(
        "load_documents: podpis serve runs as process {}",
        server.child.id()
    );
    let base = format!("http://127.0.0.1:{}", server.port);

    let mut raw_verify = || {
        let message = SignedMessage::from_bytes(&world.sig).unwrap();
        let report = verify_document(
            &message,
            &|algorithm| algorithm.digest(&world.document),
            &[],
            &world.trust,
            &world.options(),
        );
        assert!(
            report
                .signatures
                .iter()
                .all(|s| s.checks.iter().all(|c| c.passed))
        );
    };
    let mut raw_sign = || {
        let digest = DigestAlgorithm::Streebog256.digest(&world.document);
        let signed = sign(
            &SignRequest {
                signer: &world.key,
                certificate: &world.key_cert,
                chain: &world.chain,
                digest: &digest,
                signing_time: std::time::SystemTime::now(),
            },
            None,
        )
        .unwrap();
        std::hint::black_box(signed.to_der().unwrap());
    };
    // The library's signature carries what the portal's do: the signer's certificate and the
    // centre's chain.
    assert_eq!(
        SignedMessage::from_bytes(&world.sig)
            .unwrap()
            .certificates()
            .len(),
        1 + world.chain.len()
    );

    // The library's rate is taken just before and just after each load and averaged, as this
    // machine's speed drifts from minute to minute.
    let before = raw_rate(&mut raw_verify);
    let verify = rt.block_on(verify_load(&base, &world, &server, seconds, connections));
    let raw_verify = (before + raw_rate(&mut raw_verify)) / 2.0;
    let before = raw_rate(&mut raw_sign);
    let signing = rt.block_on(signing_load(&base, &world, &server, connections));
    let raw_sign = (before + raw_rate(&mut raw_sign)) / 2.0;

    println!();
    println!(
        "podpis serve (release) on {url}, {connections} connections, {} cores:",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!(
        "| request | requests/s | p50 | p99 | server CPU per request | per core | raw library, one core | per core / raw |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    verify.row(
        "public verification, 10 KiB + GOST 2012-256 .sig",
        raw_verify,
    );
    signing.row(
        &format!("cloud signing, {batch} drafts per PIN + code (documents/s)"),
        raw_sign,
    );
    println!();
    println!(
        "The PIN check is fixed: the cloud keys here are sealed under their PIN with \
         {PIN_ITERATIONS} PBKDF2 iterations instead of {} (about {:.0} ms of CPU, once per batch).",
        podpis_keys::file::DEFAULT_ITERATIONS,
        unlock_cost().as_secs_f64() * 1e3
    );
}

/// What the load needs: the citizens with their tokens, keys and drafts, a signed document,
/// and the centre's certificate and CRL as trust for the raw verification.
struct World {
    citizens: Vec<Citizen>,
    /// Drafts signed per PIN and code.
    batch: usize,
    store: Store,
    document: Vec<u8>,
    sig: Vec<u8>,
    trust: TrustStore,
    crl: Crl,
    /// A software key with a certificate of the centre, for the raw signing.
    key: podpis_keys::SoftwareKey,
    key_cert: Certificate,
    /// The centre's chain, which the portal's signatures carry.
    chain: Vec<Certificate>,
}

impl World {
    fn options(&self) -> Options {
        Options {
            time: std::time::SystemTime::now(),
            crls: vec![self.crl.clone()],
            require_revocation: true,
            qualified: true,
            ..Options::default()
        }
    }
}

#[derive(Clone)]
struct Citizen {
    phone: String,
    token: String,
    key: String,
    drafts: Vec<String>,
}

fn operator() -> Principal {
    Principal {
        account_id: "operator".into(),
        role: Role::Operator { ca: "demo".into() },
        session_id: String::new(),
        csrf: String::new(),
        lang: Lang::Ru,
        name: "Оператор".into(),
    }
}

/// The `i`-th of a series of identifiers of `kind` that begin with `base + 1000·i` and end
/// with two control digits that fit.
fn identifier(kind: IdentifierKind, base: u64, i: usize) -> String {
    let head = base + 1_000 * i as u64;
    (0..100)
        .map(|cc| format!("{head}{cc:02}"))
        .find(|s| podpis_pki::identifiers::check(kind, s).is_ok())
        .expect("some control digits fit")
}

async fn setup(url: &str, vault_hex: &str, citizens: usize, batch: usize) -> World {
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let policy = Policy {
        code_sends: i64::MAX,
        per_address: i64::MAX,
        pin_kdf_iterations: PIN_ITERATIONS,
        ..Policy::default()
    };
    let portal = Portal::open(
        store.clone(),
        Arc::new(SystemClock),
        policy,
        RelyingParty::for_url("http://localhost"),
    )
    .await
    .unwrap()
    .with_vault(Vault::from_hex(vault_hex).unwrap());
    let ctx = Context::default();
    let now = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let form = CentreForm {
        id: "demo".into(),
        name: "УЦ Нагрузка".into(),
        inn: "7707083893".into(),
        ogrn: "1027700132195".into(),
        address: "Москва".into(),
        price: 0,
        accredited_from: None,
        accredited_until: now + 365 * 86_400,
    };
    portal
        .add_hosted_centre(&ctx, None, &form, "gost2012-256".parse().unwrap())
        .await
        .unwrap();
    let op = operator();
    let slots: Vec<i64> = (0..citizens as i64)
        .map(|i| now + 86_400 + 3_600 * i)
        .collect();
    let slots = portal
        .publish_slots(&ctx, &op, "demo", &slots, 30)
        .await
        .unwrap();
    let document: Vec<u8> = (0..10 * 1024u32).map(|i| b'a' + (i % 26) as u8).collect();
    eprintln!("load_documents: {citizens} citizens with cloud keys…");
    let mut all = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        let phone = format!("+7999{:07}", 100 + i);
        let email = format!("load{i}@example.ru");
        let account = portal
            .create_confirmed_account(
                &ctx,
                RegistrationForm {
                    phone: phone.clone(),
                    email: email.clone(),
                    password: "Пароль-Нагрузка-1".into(),
                    surname: "Нагрузкина".into(),
                    given_name: "Нина".into(),
                    snils: identifier(IdentifierKind::Snils, 112_233_445, i),
                    inn: identifier(IdentifierKind::Inn, 5_001_007_322, i),
                    ..Default::default()
                },
                &Role::Citizen,
            )
            .await
            .unwrap();
        let challenge = portal
            .login_password(&ctx, &email, "Пароль-Нагрузка-1")
            .await
            .unwrap();
        let code = podpis_testkit::queued_code(&store, &phone).await;
        let token = portal
            .login_code(&ctx, &challenge.id, &code, SessionKind::Bearer)
            .await
            .unwrap()
            .token;
        let me = portal.authenticate(&token).await.unwrap();
        assert_eq!(me.account_id, account.id);
        let mut f: ApplicationForm = portal.application_form(&me).await.unwrap();
        f.centre_id = "demo".into();
        f.medium = Medium::Cloud;
        f.birth_date = "1985-11-02".into();
        f.document_number = "4510 654321".into();
        f.consent = true;
        let id = portal
            .create_application(&ctx, &me, f)
            .await
            .unwrap()
            .application
            .id;
        portal
            .attach_scan(&ctx, &me, &id, "passport", "passport.pdf", PDF)
            .await
            .unwrap();
        portal.submit_application(&ctx, &me, &id).await.unwrap();
        portal
            .review_application(&ctx, &op, &id, Review::Approve)
            .await
            .unwrap();
        portal.book_visit(&ctx, &me, &id, &slot.id).await.unwrap();
        portal
            .check_identity(&ctx, &op, &id, IdentityCheck::Confirmed)
            .await
            .unwrap();
        portal.issue_cloud_key(&ctx, &me, &id, PIN).await.unwrap();
        let started = portal.bind_issued_begin(&ctx, &me, &id).await.unwrap();
        let code = podpis_testkit::queued_code(&store, &phone).await;
        portal
            .bind_finish_with_pin(&ctx, &me, &started.binding_id, PIN, &code)
            .await
            .unwrap();
        let key = portal.cloud_keys(&me).await.unwrap()[0].id.clone();
        let mut drafts = Vec::new();
        for n in 0..batch * BATCHES_PER_CITIZEN + 1 {
            let d = portal
                .upload_document(&ctx, &me, "contract", &format!("letter-{n}.txt"), &document)
                .await
                .unwrap();
            drafts.push(d.id);
        }
        all.push(Citizen {
            phone,
            token,
            key,
            drafts,
        });
    }
    // One document signed here, for the verification load.
    let me = portal.authenticate(&all[0].token).await.unwrap();
    let first = vec![all[0].drafts.remove(0)];
    // That used one of the citizen's signing codes for these ten minutes.
    all[0].drafts.truncate(batch * (BATCHES_PER_CITIZEN - 1));
    let ticket = portal
        .sign_begin(&ctx, &me, &all[0].key, &first)
        .await
        .unwrap();
    let code = podpis_testkit::queued_code(&store, &all[0].phone).await;
    let signed = portal
        .sign_finish(
            &ctx,
            &me,
            &all[0].key,
            &first,
            CodeAnswer {
                id: &ticket.id,
                code: &code,
            },
            PIN,
        )
        .await
        .unwrap()
        .remove(0);
    let centre = portal.centre("demo").await.unwrap();
    let chain: Vec<Certificate> = centre
        .chain
        .iter()
        .map(|der| Certificate::from_der(der).unwrap())
        .collect();
    let ca = chain.last().unwrap().clone();
    let sig = portal
        .document(&me, &signed.id)
        .await
        .unwrap()
        .signature
        .unwrap();
    let key = podpis_keys::SoftwareKey::generate("gost2012-256".parse().unwrap()).unwrap();
    let request = podpis_core::CertificateRequest {
        profile: podpis_pki::subject::Profile::Person,
        subject: podpis_pki::subject::SubjectInfo {
            common_name: Some("Нагрузкина Нина".into()),
            surname: Some("Нагрузкина".into()),
            given_name: Some("Нина".into()),
            country: Some("RU".into()),
            snils: Some(identifier(IdentifierKind::Snils, 112_233_445, citizens)),
            inn: Some(identifier(IdentifierKind::Inn, 5_001_007_322, citizens)),
            ..Default::default()
        },
        public_key: podpis_keys::Signer::public_key(&key).unwrap(),
        days: 30,
        account_id: None,
    };
    let issued = portal
        .issue_certificate(&ctx, "demo", &request)
        .await
        .unwrap();
    let mut tx = store.read().await.unwrap();
    let crl = Crl::from_der(&tx.crl("demo").await.unwrap().unwrap().der).unwrap();
    drop(tx);
    World {
        citizens: all,
        batch,
        store,
        document,
        sig,
        trust: TrustStore::new(vec![ca]),
        crl,
        key,
        key_cert: Certificate::from_der(&issued.der).unwrap(),
        chain,
    }
}

/// `podpis serve` on the load's database, and its port.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(podpis: &str, url: &str, vault: &std::path::Path) -> Self {
        let mut child = Command::new(podpis)
            .args(["serve", "--listen", "127.0.0.1:0", "--database", url])
            .arg("--vault-key-file")
            .arg(vault)
            .args(["--rate-per-address", "1000000000"])
            .env("PODPIS_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("podpis serve starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let port = loop {
            let line = lines
                .next()
                .expect("podpis serve says where it listens")
                .unwrap();
            if let Some(rest) = line.split("listening on 127.0.0.1:").nth(1) {
                break rest
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
            }
        };
        // Keep reading, so that the mailbox lines never fill the pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Self { child, port }
    }

    /// The server's CPU time so far (user + system).
    fn cpu(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap()
            .split_whitespace()
            .collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        // SAFETY: sysconf has no preconditions.
        let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
        Duration::from_secs_f64(ticks as f64 / per_second as f64)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a load run measured.
struct Measured {
    /// The measured requests' latencies.
    latencies: Vec<Duration>,
    elapsed: Duration,
    /// The server's CPU time over the run.
    cpu: Duration,
    /// The operations done: requests, or documents signed.
    units: usize,
}

impl Measured {
    fn quantile(&self, q: f64) -> Duration {
        let mut all = self.latencies.clone();
        all.sort();
        all[((all.len() - 1) as f64 * q) as usize]
    }

    /// A table row, against `raw` operations per second of the library on one core.
    fn row(&self, name: &str, raw: f64) {
        let ops = self.units as f64;
        let rate = ops / self.elapsed.as_secs_f64();
        let cpu = self.cpu.as_secs_f64() / ops;
        println!(
            "| {name} | {rate:.0} | {:.1} ms | {:.1} ms | {:.2} ms | {:.0}/s | {raw:.0}/s | {:.2}× |",
            self.quantile(0.5).as_secs_f64() * 1e3,
            self.quantile(0.99).as_secs_f64() * 1e3,
            cpu * 1e3,
            1.0 / cpu,
            1.0 / cpu / raw,
        );
    }
}

/// The public verification API under `connections` clients for `seconds`.
async fn verify_load(
    base: &str,
    world: &World,
    server: &Server,
    seconds: u64,
    connections: usize,
) -> Measured {
    let boundary = "podpisloadboundary";
    let mut body = Vec::new();
    for (name, file, bytes) in [
        ("signature", "doc.sig", &world.sig),
        ("document", "doc.txt", &world.document),
    ] {
        body.extend_from_slice(
            format!("--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\ncontent-type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    eprintln!("load_documents: loading the verification API for {seconds} s…");
    let http = reqwest::Client::new();
    let url = format!("{base}/api/v1/verify");
    let post = move |http: &reqwest::Client, url: &str, body: &[u8]| {
        http.post(url)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body.to_vec())
    };
    let check = post(&http, &url, &body).send().await.unwrap();
    let report: Value = check.json().await.unwrap();
    assert_eq!(report["report"]["indication"], "TOTAL_PASSED", "{report}");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let cpu = server.cpu();
    let start = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (http, url, body) = (http.clone(), url.clone(), body.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let r = post(&http, &url, &body).send().await.unwrap();
                    assert_eq!(r.status(), 200);
                    r.bytes().await.unwrap();
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let latencies = joined(tasks).await;
    Measured {
        units: latencies.len(),
        latencies,
        elapsed: start.elapsed(),
        cpu: server.cpu() - cpu,
    }
}

/// Every citizen signs their drafts in batches: start (a code by SMS), then finish with the PIN
/// and the code read from the outbox; `clients` clients, each signing for its share of the
/// citizens in turn. The latencies are the finishing requests'; the CPU is all of it.
async fn signing_load(base: &str, world: &World, server: &Server, clients: usize) -> Measured {
    eprintln!(
        "load_documents: loading cloud signing ({} citizens, {clients} clients)…",
        world.citizens.len()
    );
    let http = reqwest::Client::new();
    let cpu = server.cpu();
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let (http, base, store) = (http.clone(), base.to_owned(), world.store.clone());
            let size = world.batch;
            let mine: Vec<Citizen> = world
                .citizens
                .iter()
                .skip(client)
                .step_by(clients)
                .cloned()
                .collect();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for citizen in &mine {
                    for batch in citizen.drafts.chunks(size).filter(|b| b.len() == size) {
                        latencies.push(sign_batch(&http, &base, &store, citizen, batch).await);
                    }
                }
                latencies
            })
        })
        .collect();
    let latencies = joined(tasks).await;
    let batches = latencies.len();
    Measured {
        units: batches * world.batch,
        latencies,
        elapsed: start.elapsed(),
        cpu: server.cpu() - cpu,
    }
}

/// One batch signed with the cloud key: the code sent, then the PIN and the code; the finishing
/// request's latency.
async fn sign_batch(
    http: &reqwest::Client,
    base: &str,
    store: &Store,
    citizen: &Citizen,
    batch: &[String],
) -> Duration {
    let Citizen {
        phone, token, key, ..
    } = citizen;
    let body = json!({ "key_id": key, "documents": batch });
    let ticket: Value = http
        .post(format!("{base}/api/v1/documents/sign"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = podpis_testkit::queued_code(store, phone).await;
    let finish = json!({ "key_id": key, "documents": batch,
        "code_id": ticket["id"], "code": code, "pin": PIN });
    let t = Instant::now();
    let r = http
        .post(format!("{base}/api/v1/documents/sign/finish"))
        .bearer_auth(token)
        .json(&finish)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    r.bytes().await.unwrap();
    t.elapsed()
}

/// Every task's latencies, once all have finished.
async fn joined(tasks: Vec<tokio::task::JoinHandle<Vec<Duration>>>) -> Vec<Duration> {
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    latencies
}

/// The CPU time of opening a cloud key with its PIN as the portal seals it by default,
/// measured here.
fn unlock_cost() -> Duration {
    let key = podpis_keys::SoftwareKey::generate("gost2012-256".parse().unwrap()).unwrap();
    let sealed = podpis_keys::file::encrypt_pem(&key, PIN.as_bytes()).unwrap();
    let start = Instant::now();
    for _ in 0..3 {
        podpis_keys::file::load(sealed.as_bytes(), Some(PIN.as_bytes())).unwrap();
    }
    start.elapsed() / 3
}

/// How often `op` runs per second of this thread's CPU time, over a second of it: CPU time,
/// as the server's is counted, so that another process taking this core meanwhile (the
/// server finishing its work, say) does not make the library look slower.
fn raw_rate(op: &mut impl FnMut()) -> f64 {
    let span = Duration::from_secs(1);
    let start = thread_cpu();
    let mut n = 0u32;
    // The clock is a system call: read it every 16 runs, not after each.
    while thread_cpu() - start < span {
        for _ in 0..16 {
            op();
        }
        n += 16;
    }
    f64::from(n) / (thread_cpu() - start).as_secs_f64()
}

/// The CPU time this thread has used.
fn thread_cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for clock_gettime to fill.
    let done = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(done, 0, "the thread's CPU clock");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}
