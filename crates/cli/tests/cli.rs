//! The `podpis` command end to end: exit codes, files, JSON, and OpenSSL reading what it writes.

use std::path::Path;
use std::process::{Command, Output};

fn podpis(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_podpis"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn generate_sign_verify_and_tamper() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("doc.txt"), "Договор № 17\n").unwrap();
    for alg in [
        "gost2012-256",
        "gost2012-256:tc26-256-a",
        "gost2012-512:tc26-512-c",
        "gost2001",
    ] {
        let key = format!("{}.pem", alg.replace(':', "_"));
        ok(&podpis(
            &["key", "generate", "--alg", alg, "--out", &key],
            d,
        ));
        ok(&podpis(
            &["key", "public", "--key", &key, "--out", "pub.pem"],
            d,
        ));
        let _ = std::fs::remove_file(d.join("doc.sig"));
        ok(&podpis(
            &[
                "raw", "sign", "--key", &key, "--in", "doc.txt", "--out", "doc.sig",
            ],
            d,
        ));
        let out = ok(&podpis(
            &[
                "raw", "verify", "--key", "pub.pem", "--in", "doc.txt", "--sig", "doc.sig",
                "--json",
            ],
            d,
        ));
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(report["valid"], true, "{alg}");

        std::fs::write(d.join("doc2.txt"), "Договор № 18\n").unwrap();
        let bad = podpis(
            &[
                "raw", "verify", "--key", "pub.pem", "--in", "doc2.txt", "--sig", "doc.sig",
            ],
            d,
        );
        assert_eq!(
            bad.status.code(),
            Some(1),
            "{alg}: a changed document must fail with exit code 1"
        );
        assert!(String::from_utf8_lossy(&bad.stdout).contains("INVALID"));
    }
}

#[test]
fn bad_input_exits_2_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = podpis(
        &[
            "key",
            "generate",
            "--alg",
            "gost2012-256:nonsense",
            "--out",
            "k.pem",
        ],
        d,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown parameter set 'nonsense'"));
    assert!(!d.join("k.pem").exists());

    let out = podpis(
        &[
            "key",
            "generate",
            "--alg",
            "gost2012-512:cryptopro-a",
            "--out",
            "k.pem",
        ],
        d,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used"));

    std::fs::write(
        d.join("garbage.pem"),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    std::fs::write(d.join("doc"), "x").unwrap();
    let out = podpis(
        &[
            "raw",
            "sign",
            "--key",
            "garbage.pem",
            "--in",
            "doc",
            "--out",
            "doc.sig",
        ],
        d,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!d.join("doc.sig").exists(), "nothing is written on error");

    ok(&podpis(&["key", "generate", "--out", "k.pem"], d));
    let again = podpis(&["key", "generate", "--out", "k.pem"], d);
    assert_eq!(
        again.status.code(),
        Some(2),
        "an existing key is never overwritten"
    );

    std::fs::write(d.join("short.sig"), [1u8; 10]).unwrap();
    let out = podpis(
        &[
            "raw",
            "verify",
            "--key",
            "k.pem",
            "--in",
            "doc",
            "--sig",
            "short.sig",
        ],
        d,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("signature must be"));

    let out = podpis(&["frobnicate"], d);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn openssl_verifies_cli_signatures() {
    if std::env::var_os("PODPIS_SKIP_OPENSSL").is_some() {
        eprintln!("SKIPPED: PODPIS_SKIP_OPENSSL is set");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("doc"), vec![7u8; 300_000]).unwrap();
    ok(&podpis(
        &["key", "generate", "--alg", "gost2012-256", "--out", "k.pem"],
        d,
    ));
    ok(&podpis(
        &["key", "public", "--key", "k.pem", "--out", "pub.pem"],
        d,
    ));
    ok(&podpis(
        &[
            "raw", "sign", "--key", "k.pem", "--in", "doc", "--out", "doc.sig",
        ],
        d,
    ));
    let out = Command::new("openssl")
        .args([
            "dgst",
            "-engine",
            "gost",
            "-md_gost12_256",
            "-verify",
            "pub.pem",
            "-signature",
            "doc.sig",
            "doc",
        ])
        .current_dir(d)
        .output()
        .expect("openssl with the gost engine is needed (scripts/test installs it)");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Verified OK"),
        "{out:?}"
    );

    // And the digest command agrees with OpenSSL's Streebog.
    let ours = ok(&podpis(&["digest", "doc"], d));
    let theirs = Command::new("openssl")
        .args(["dgst", "-engine", "gost", "-md_gost12_256", "-r", "doc"])
        .current_dir(d)
        .output()
        .unwrap();
    let theirs = String::from_utf8_lossy(&theirs.stdout);
    assert_eq!(
        ours.split_whitespace().next(),
        theirs.split_whitespace().next()
    );
}

#[test]
fn cert_show_names_russian_attributes_and_agrees_with_openssl() {
    let cert = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/russian-ca/certs/0001.pem"
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = ok(&podpis(&["cert", "show", cert], d));
    assert!(
        text.contains("ОГРН (OGRN) 1157847091148: control digits OK"),
        "{text}"
    );
    assert!(text.contains("Общее имя (CN): УЦ 1 ИС ГУЦ"), "{text}");
    assert!(text.contains("subjectSignTool"), "{text}");
    let openssl = Command::new("openssl")
        .args(["x509", "-noout", "-serial", "-in", cert])
        .output()
        .unwrap();
    let serial = String::from_utf8_lossy(&openssl.stdout);
    let serial = serial.trim().strip_prefix("serial=").unwrap();
    assert!(
        text.contains(&format!("Serial: {serial}")),
        "{serial} in {text}"
    );

    let json: serde_json::Value =
        serde_json::from_str(&ok(&podpis(&["cert", "show", "--json", cert], d))).unwrap();
    assert_eq!(json[0]["serial"], serial);
    assert_eq!(json[0]["signature_algorithm"]["oid"], "1.2.643.2.2.3");
    assert_eq!(json[0]["identifiers"][1]["kind"], "Ogrn");
    assert!(json[0]["identifiers"][1]["error"].is_null());

    std::fs::write(d.join("junk.cer"), b"\x30\x82\x01\x00junk").unwrap();
    let out = podpis(&["cert", "show", "junk.cer"], d);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a valid X.509 certificate"));
}

fn fails(out: &Output, code: i32, message: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    assert!(stderr.contains(message), "{message:?} not in: {stderr}");
}

#[test]
fn encrypted_keys_need_their_password_and_openssl_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("pass"), "correct horse\n").unwrap();
    std::fs::write(d.join("wrong"), "incorrect horse\n").unwrap();
    std::fs::write(d.join("doc"), "Заявление\n").unwrap();
    ok(&podpis(
        &[
            "key",
            "generate",
            "--out",
            "k.pem",
            "--password-file",
            "pass",
        ],
        d,
    ));
    let pem = std::fs::read_to_string(d.join("k.pem")).unwrap();
    assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let sign = |extra: &[&str]| {
        let mut args = vec![
            "raw", "sign", "--key", "k.pem", "--in", "doc", "--out", "doc.sig",
        ];
        args.extend_from_slice(extra);
        podpis(&args, d)
    };
    fails(&sign(&[]), 2, "a password is required");
    fails(&sign(&["--password-file", "wrong"]), 2, "wrong password");
    assert!(!d.join("doc.sig").exists());
    ok(&sign(&["--password-file", "pass"]));
    // OpenSSL decrypts it with the same password (first line of the file).
    let out = Command::new("openssl")
        .args([
            "pkey",
            "-engine",
            "gost",
            "-in",
            "k.pem",
            "-passin",
            "file:pass",
            "-noout",
            "-text_pub",
        ])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn csr_create_checks_the_profile_and_openssl_verifies_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&podpis(&["key", "generate", "--out", "k.pem"], d));
    let person = [
        "--cn",
        "Иванов Иван Иванович",
        "--surname",
        "Иванов",
        "--given-name",
        "Иван Иванович",
        "--snils",
        "112-233-445 95",
    ];
    let create = |extra: &[&str]| {
        let mut args = vec!["csr", "create", "--key", "k.pem", "--out", "req.pem"];
        args.extend_from_slice(&person);
        args.extend_from_slice(extra);
        podpis(&args, d)
    };
    const INN: [&str; 2] = ["--inn", "500100732259"];
    fails(
        &create(&[&INN[..], &["--profile", "entrepreneur"]].concat()),
        2,
        "OGRNIP is required",
    );
    fails(&create(&[]), 2, "INN is required");
    fails(
        &create(&["--inn", "500100732258"]),
        2,
        "(INN): control digit 12 is 8",
    );
    assert!(!d.join("req.pem").exists());
    ok(&create(&INN));
    let out = ok(&podpis(&["csr", "show", "req.pem", "--json"], d));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["signature_valid"], true);
    assert!(out.contains("11223344595"), "{out}");
    let out = Command::new("openssl")
        .args([
            "req", "-engine", "gost", "-in", "req.pem", "-verify", "-noout", "-subject",
            "-nameopt", "utf8",
        ])
        .current_dir(d)
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && all.contains("verify OK"), "{all}");
    assert!(all.contains("Иванов"), "{all}");
}

/// The common subject options of a person's request.
const PERSON: [&str; 10] = [
    "--cn",
    "Петрова Анна Сергеевна",
    "--surname",
    "Петрова",
    "--given-name",
    "Анна Сергеевна",
    "--inn",
    "500100732259",
    "--snils",
    "112-233-445 95",
];

fn ca_init(d: &Path, dir: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "ca",
        "init",
        "--dir",
        dir,
        "--cn",
        "Тестовый УЦ",
        "--org",
        "ООО \"Подпись\"",
        "--ogrn",
        "1027700132195",
        "--inn-le",
        "7707083893",
        "--password-file",
        "pass",
        "--crl-url",
        "http://localhost:8080/crl/test.crl",
    ];
    args.extend_from_slice(extra);
    podpis(&args, d)
}

/// A new key of `alg` in `key` and a person's certificate for it in `cert`, from the CA in `ca`
/// (password file `pass`).
fn person_certificate(d: &Path, ca: &str, alg: &str, key: &str, cert: &str) {
    ok(&podpis(&["key", "generate", "--alg", alg, "--out", key], d));
    let req = format!("{key}.csr");
    let mut csr = vec!["csr", "create", "--key", key, "--out", &req];
    csr.extend_from_slice(&PERSON);
    ok(&podpis(&csr, d));
    ok(&ca_issue(d, ca, &req, "person", "pass", cert));
}

/// `podpis ca issue` by the CA in `dir` to `profile`, its key opened with the password file `pass`.
fn ca_issue(d: &Path, dir: &str, csr: &str, profile: &str, pass: &str, out: &str) -> Output {
    podpis(
        &[
            "ca",
            "issue",
            "--dir",
            dir,
            "--csr",
            csr,
            "--profile",
            profile,
            "--password-file",
            pass,
            "--out",
            out,
        ],
        d,
    )
}

/// An OpenSSL configuration that loads the gost engine, for commands without `-engine`; pass
/// it as `OPENSSL_CONF`.
fn gost_openssl_conf(d: &Path) -> std::path::PathBuf {
    let conf = d.join("gost.cnf");
    std::fs::write(
        &conf,
        "openssl_conf = d\n[d]\nengines = e\n[e]\ngost = g\n[g]\nengine_id = gost\n\
         default_algorithms = ALL\n",
    )
    .unwrap();
    conf
}

/// `openssl cms -verify` of the detached DER signature `sig` over `content`, trusting `cas`.
fn openssl_cms_verify(d: &Path, sig: &str, content: &str, cas: &str) -> (bool, String) {
    openssl_in(
        d,
        &[
            "cms",
            "-verify",
            "-engine",
            "gost",
            "-binary",
            "-inform",
            "DER",
            "-in",
            sig,
            "-content",
            content,
            "-CAfile",
            cas,
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
    )
}

fn openssl_in(d: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(d)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn ca_issues_revokes_and_publishes_crls_that_openssl_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("pass"), "ca secret\n").unwrap();
    std::fs::write(d.join("wrong"), "guess\n").unwrap();
    ok(&ca_init(d, "root", &[]));
    ok(&ca_init(
        d,
        "sub",
        &[
            "--alg",
            "gost2012-512",
            "--parent",
            "root",
            "--parent-password-file",
            "pass",
        ],
    ));
    fails(&ca_init(d, "sub", &[]), 2, "not empty");
    let key = std::fs::read_to_string(d.join("sub/ca.key")).unwrap();
    assert!(key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));

    ok(&podpis(&["key", "generate", "--out", "user.key"], d));
    let mut csr = vec!["csr", "create", "--key", "user.key", "--out", "req.pem"];
    csr.extend_from_slice(&PERSON);
    ok(&podpis(&csr, d));
    let issue =
        |profile: &str, pass: &str, out: &str| ca_issue(d, "sub", "req.pem", profile, pass, out);
    fails(&issue("person", "wrong", "x.pem"), 2, "wrong password");
    fails(&issue("legal", "pass", "x.pem"), 2, "is required");
    assert!(!d.join("x.pem").exists());
    ok(&issue("person", "pass", "user.pem"));
    ok(&issue("person", "pass", "user2.pem"));

    let chain = ["-CAfile", "root/ca.pem", "-untrusted", "sub/ca.pem"];
    let (good, text) = openssl_in(
        d,
        &[&["verify", "-engine", "gost"][..], &chain, &["user.pem"]].concat(),
    );
    assert!(good, "{text}");

    // Revoke the first certificate by its serial as `cert show` prints it.
    let shown = ok(&podpis(&["cert", "show", "user.pem", "--json"], d));
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let serial = shown[0]["serial"].as_str().unwrap().to_string();
    let revoke = |serial: &str| {
        podpis(
            &[
                "ca",
                "revoke",
                "--dir",
                "sub",
                "--serial",
                serial,
                "--reason",
                "keyCompromise",
            ],
            d,
        )
    };
    ok(&revoke(&serial));
    fails(&revoke(&serial), 2, "already revoked");
    fails(&revoke("0102"), 2, "no certificate with serial 0102");
    let crl = |pass: &str, out: &str| {
        podpis(
            &[
                "ca",
                "crl",
                "--dir",
                "sub",
                "--password-file",
                pass,
                "--out",
                out,
            ],
            d,
        )
    };
    fails(&crl("wrong", "bad.crl"), 2, "wrong password");
    ok(&crl("pass", "1.crl"));
    ok(&crl("pass", "2.crl"));
    let listing = ok(&podpis(&["ca", "list", "--dir", "sub", "--json"], d));
    let listing: serde_json::Value = serde_json::from_str(&listing).unwrap();
    assert_eq!(listing["crl_number"], 2, "the failed CRL spent no number");
    assert_eq!(listing["issued"].as_array().unwrap().len(), 2);
    assert_eq!(listing["issued"][0]["revoked"]["reason"], "keyCompromise");

    let (_, text) = openssl_in(d, &["crl", "-in", "2.crl", "-noout", "-crlnumber"]);
    assert!(text.contains("crlNumber=0x02"), "{text}");
    let crl_check = [
        &[
            "verify",
            "-engine",
            "gost",
            "-crl_check",
            "-CRLfile",
            "2.crl",
        ][..],
        &chain,
    ]
    .concat();
    let (good, text) = openssl_in(d, &[&crl_check[..], &["user.pem"]].concat());
    assert!(!good && text.contains("certificate revoked"), "{text}");
    let (good, text) = openssl_in(d, &[&crl_check[..], &["user2.pem"]].concat());
    assert!(good, "{text}");

    // Podpis's own validation of the same chain: the layered report and the exit codes.
    let verify = |cert: &str, extra: &[&str]| {
        let mut args = vec![
            "cert",
            "verify",
            cert,
            "--trust",
            "root/ca.pem",
            "--untrusted",
            "sub/ca.pem",
            "--json",
        ];
        args.extend_from_slice(extra);
        podpis(&args, d)
    };
    let report =
        |out: &Output| -> serde_json::Value { serde_json::from_slice(&out.stdout).unwrap() };
    let out = verify("user2.pem", &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(report(&out)["indication"], "TOTAL_PASSED");
    assert_eq!(report(&out)["chain"].as_array().unwrap().len(), 3);
    let out = verify("user2.pem", &["--qualified"]);
    assert_eq!(out.status.code(), Some(0));
    let checks = report(&out)["checks"].as_array().unwrap().clone();
    let profile = checks
        .iter()
        .find(|c| c["check"] == "qualifiedProfile")
        .unwrap();
    assert_eq!(profile["passed"], true, "{profile}");
    let shown = ok(&podpis(&["cert", "show", "user2.pem"], d));
    assert!(
        shown.contains("CA tools: Podpis (нет сертификата соответствия ФСБ (Podpis)); Podpis CA"),
        "{shown}"
    );
    let out = verify("user.pem", &["--crl", "2.crl"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(report(&out)["subIndication"], "REVOKED");
    // With CRLs given, the intermediate's status must be known too: the root publishes one.
    let out = verify("user2.pem", &["--crl", "2.crl"]);
    assert_eq!(report(&out)["subIndication"], "TRY_LATER");
    ok(&podpis(
        &[
            "ca",
            "crl",
            "--dir",
            "root",
            "--password-file",
            "pass",
            "--out",
            "root.crl",
        ],
        d,
    ));
    let out = verify("user2.pem", &["--crl", "2.crl", "--crl", "root.crl"]);
    assert_eq!(
        report(&out)["indication"],
        "TOTAL_PASSED",
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // OCSP: OpenSSL asks, the CA answers from its records, OpenSSL and Podpis check the answer.
    let conf = gost_openssl_conf(d);
    let ocsp = |args: &[&str]| {
        let out = Command::new("openssl")
            .arg("ocsp")
            .args(args)
            .env("OPENSSL_CONF", &conf)
            .current_dir(d)
            .output()
            .unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let ask = [
        "-issuer",
        "sub/ca.pem",
        "-cert",
        "user.pem",
        "-cert",
        "user2.pem",
    ];
    ocsp(&[&ask[..], &["-no_nonce", "-reqout", "req.der"]].concat());
    let answer = |pass: &str, out: &str| {
        podpis(
            &[
                "ca",
                "ocsp",
                "--dir",
                "sub",
                "--password-file",
                pass,
                "--request",
                "req.der",
                "--out",
                out,
            ],
            d,
        )
    };
    fails(&answer("wrong", "bad.der"), 2, "wrong password");
    assert!(!d.join("bad.der").exists());
    ok(&answer("pass", "resp.der"));
    let text = ocsp(
        &[
            &ask[..],
            &["-respin", "resp.der", "-CAfile", "root/ca.pem", "-no_nonce"],
        ]
        .concat(),
    );
    assert!(text.contains("Response verify OK"), "{text}");
    assert!(text.contains("user.pem: revoked"), "{text}");
    assert!(text.contains("user2.pem: good"), "{text}");
    let out = verify("user.pem", &["--ocsp", "resp.der"]);
    assert_eq!(report(&out)["subIndication"], "REVOKED");
    let out = verify("user2.pem", &["--ocsp", "resp.der", "--crl", "root.crl"]);
    assert_eq!(report(&out)["indication"], "TOTAL_PASSED");
    std::fs::write(d.join("junk.der"), b"\x30\x03\x02\x01\x00").unwrap();
    fails(
        &podpis(
            &[
                "ca",
                "ocsp",
                "--dir",
                "sub",
                "--password-file",
                "pass",
                "--request",
                "junk.der",
                "--out",
                "x.der",
            ],
            d,
        ),
        2,
        "not an OCSP request",
    );
    let out = verify("user2.pem", &["--at", "2020-01-01"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(report(&out)["subIndication"], "NOT_YET_VALID");
    fails(
        &verify("user2.pem", &["--at", "yesterday"]),
        2,
        "expected 2026-01-31",
    );
    let text = ok(&podpis(
        &[
            "cert",
            "verify",
            "user2.pem",
            "--trust",
            "root",
            "--untrusted",
            "sub/chain.pem",
        ],
        d,
    ));
    assert!(
        text.contains("TOTAL_PASSED") && text.contains("[trust anchor]"),
        "{text}"
    );
}

#[test]
fn concurrent_issues_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("pass"), "ca secret\n").unwrap();
    ok(&ca_init(d, "ca", &[]));
    ok(&podpis(&["key", "generate", "--out", "user.key"], d));
    let mut csr = vec!["csr", "create", "--key", "user.key", "--out", "req.pem"];
    csr.extend_from_slice(&PERSON);
    ok(&podpis(&csr, d));
    let children: Vec<_> = (0..6)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_podpis"))
                .args([
                    "ca",
                    "issue",
                    "--dir",
                    "ca",
                    "--csr",
                    "req.pem",
                    "--profile",
                    "person",
                    "--password-file",
                    "pass",
                    "--out",
                    &format!("c{i}.pem"),
                ])
                .current_dir(d)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        ok(&child.wait_with_output().unwrap());
    }
    let listing = ok(&podpis(&["ca", "list", "--dir", "ca", "--json"], d));
    let listing: serde_json::Value = serde_json::from_str(&listing).unwrap();
    let issued = listing["issued"].as_array().unwrap();
    assert_eq!(issued.len(), 6, "every issue is recorded");
    let serials: std::collections::BTreeSet<_> = issued
        .iter()
        .map(|i| i["serial"].as_str().unwrap())
        .collect();
    assert_eq!(serials.len(), 6);
    assert_eq!(std::fs::read_dir(d.join("ca/issued")).unwrap().count(), 6);
}

#[test]
fn ecdsa_rsa_and_ed25519_keys_make_cas_and_certificates_openssl_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("pass"), "ca secret\n").unwrap();
    for alg in ["ecdsa-p256", "rsa-2048", "ed25519"] {
        let ca = format!("ca-{alg}");
        let key = format!("{alg}.key");
        ok(&ca_init(d, &ca, &["--alg", alg]));
        ok(&podpis(
            &["key", "generate", "--alg", alg, "--out", &key],
            d,
        ));
        let shown = ok(&podpis(&["key", "show", &key, "--json"], d));
        let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
        let expected = match alg {
            "ecdsa-p256" => "ECDSA P-256",
            "rsa-2048" => "RSA-2048",
            _ => "Ed25519",
        };
        assert_eq!(shown["algorithm"], expected);
        let req = format!("{alg}.csr");
        let mut csr = vec!["csr", "create", "--key", &key, "--out", &req];
        csr.extend_from_slice(&PERSON);
        ok(&podpis(&csr, d));
        let cert = format!("{alg}.pem");
        ok(&ca_issue(d, &ca, &req, "person", "pass", &cert));
        let (verified, text) =
            openssl_in(d, &["verify", "-CAfile", &format!("{ca}/ca.pem"), &cert]);
        assert!(verified, "{alg}: {text}");
        let (verified, text) = openssl_in(d, &["req", "-verify", "-noout", "-in", &req]);
        assert!(verified, "{alg}: {text}");
        // A valid certificate, but not a qualified one.
        let trust = format!("{ca}/ca.pem");
        let verify = |extra: &[&str]| {
            podpis(
                &[&["cert", "verify", &cert, "--trust", &trust][..], extra].concat(),
                d,
            )
        };
        ok(&verify(&[]));
        let out = verify(&["--qualified"]);
        assert_eq!(out.status.code(), Some(1), "{alg}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("FAIL #0 qualifiedProfile: not qualified:")
                && text.contains("not GOST R 34.10-2012"),
            "{alg}: {text}"
        );
    }
    fails(
        &podpis(
            &["key", "generate", "--alg", "rsa-1024", "--out", "x.key"],
            d,
        ),
        2,
        "unknown algorithm 'rsa-1024'",
    );
}

#[test]
fn p12_export_and_import_round_trip_with_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("pass"), "ca secret\n").unwrap();
    std::fs::write(d.join("p12pass"), "пароль p12\n").unwrap();
    std::fs::write(d.join("wrong"), "guess\n").unwrap();
    ok(&ca_init(d, "root", &[]));
    ok(&podpis(&["key", "generate", "--out", "user.key"], d));
    let mut csr = vec!["csr", "create", "--key", "user.key", "--out", "req.pem"];
    csr.extend_from_slice(&PERSON);
    ok(&podpis(&csr, d));
    ok(&ca_issue(
        d, "root", "req.pem", "person", "pass", "user.pem",
    ));
    let export = |key: &str, out: &str| {
        podpis(
            &[
                "p12",
                "export",
                "--key",
                key,
                "--cert",
                "user.pem",
                "--chain",
                "root/ca.pem",
                "--name",
                "Иванов",
                "--p12-password-file",
                "p12pass",
                "--out",
                out,
            ],
            d,
        )
    };
    ok(&podpis(&["key", "generate", "--out", "other.key"], d));
    fails(&export("other.key", "x.p12"), 2, "public keys differ");
    assert!(!d.join("x.p12").exists());
    ok(&export("user.key", "user.p12"));

    let conf = gost_openssl_conf(d);
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .env("OPENSSL_CONF", &conf)
            .current_dir(d)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let pass = "pass:пароль p12";
    let certs = openssl(&["pkcs12", "-in", "user.p12", "-passin", pass, "-nokeys"]);
    assert_eq!(certs.matches("BEGIN CERTIFICATE").count(), 2, "{certs}");

    let import = |input: &str, pass_file: &str, key_out: &str| {
        podpis(
            &[
                "p12",
                "import",
                "--in",
                input,
                "--p12-password-file",
                pass_file,
                "--key-out",
                key_out,
                "--key-password-file",
                "pass",
                "--cert-out",
                "cert.pem",
                "--chain-out",
                "chain.pem",
            ],
            d,
        )
    };
    fails(&import("user.p12", "wrong", "a.key"), 2, "wrong password");
    assert!(!d.join("a.key").exists());
    ok(&import("user.p12", "p12pass", "back.key"));
    let back = std::fs::read_to_string(d.join("back.key")).unwrap();
    assert!(back.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assert_eq!(
        std::fs::read_to_string(d.join("cert.pem")).unwrap(),
        std::fs::read_to_string(d.join("user.pem")).unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(d.join("chain.pem")).unwrap(),
        std::fs::read_to_string(d.join("root/ca.pem")).unwrap()
    );
    let public = |key: &str, pass: Option<&str>| {
        let mut args = vec!["key", "public", "--key", key, "--out", "pub.pem"];
        if let Some(p) = pass {
            args.extend(["--password-file", p]);
        }
        ok(&podpis(&args, d));
        std::fs::read(d.join("pub.pem")).unwrap()
    };
    assert_eq!(public("back.key", Some("pass")), public("user.key", None));
    // A .p12 is a key file too: it signs requests directly.
    assert_eq!(
        public("user.p12", Some("p12pass")),
        public("user.key", None)
    );
    let mut csr = vec!["csr", "create", "--key", "user.p12", "--out", "p12.csr"];
    csr.extend_from_slice(&PERSON);
    fails(&podpis(&csr, d), 2, "password");
    csr.extend(["--password-file", "p12pass"]);
    ok(&podpis(&csr, d));

    // A file OpenSSL made, with the chain first.
    openssl(&[
        "pkcs12",
        "-export",
        "-inkey",
        "user.key",
        "-in",
        "user.pem",
        "-certfile",
        "root/ca.pem",
        "-passout",
        pass,
        "-out",
        "openssl.p12",
    ]);
    ok(&import("openssl.p12", "p12pass", "theirs.key"));
    assert_eq!(public("theirs.key", Some("pass")), public("user.key", None));
}

#[test]
fn token_keys_make_requests_a_ca_certifies() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("tokens")).unwrap();
    let conf = d.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            d.join("tokens").display()
        ),
    )
    .unwrap();
    let status = Command::new("softhsm2-util")
        .args(["--init-token", "--free", "--label", "cli", "--pin", "1234"])
        .args(["--so-pin", "000000"])
        .env("SOFTHSM2_CONF", &conf)
        .output()
        .expect("SoftHSM2 is required (apt-get install softhsm2)");
    assert!(status.status.success());
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_podpis"))
            .args(args)
            .env("SOFTHSM2_CONF", &conf)
            .current_dir(d)
            .output()
            .unwrap()
    };
    std::fs::write(d.join("pin"), "1234\n").unwrap();
    std::fs::write(d.join("wrong"), "0000\n").unwrap();
    std::fs::write(d.join("pass"), "ca secret\n").unwrap();
    let uri = "pkcs11:token=cli;object=user";
    let generate = |uri: &str, pin: &str| {
        run(&[
            "key",
            "generate",
            "--alg",
            "ecdsa-p256",
            "--out",
            uri,
            "--password-file",
            pin,
        ])
    };
    fails(&generate(uri, "wrong"), 2, "wrong PIN");
    ok(&generate(uri, "pin"));
    fails(
        &run(&["key", "public", "--key", uri, "--out", "pub.pem"]),
        2,
        "needs --password-file",
    );
    ok(&run(&[
        "key",
        "public",
        "--key",
        uri,
        "--password-file",
        "pin",
        "--out",
        "pub.pem",
    ]));
    let shown = ok(&run(&["key", "show", "pub.pem", "--json"]));
    assert!(shown.contains("ECDSA P-256"), "{shown}");

    let mut csr = vec![
        "csr",
        "create",
        "--key",
        uri,
        "--password-file",
        "pin",
        "--out",
        "req.pem",
    ];
    csr.extend_from_slice(&PERSON);
    ok(&run(&csr));
    let (verified, text) = openssl_in(d, &["req", "-verify", "-noout", "-in", "req.pem"]);
    assert!(verified, "{text}");
    ok(&ca_init(d, "root", &[]));
    ok(&ca_issue(
        d, "root", "req.pem", "person", "pass", "user.pem",
    ));
    let (verified, text) = openssl_in(
        d,
        &[
            "verify",
            "-engine",
            "gost",
            "-CAfile",
            "root/ca.pem",
            "user.pem",
        ],
    );
    assert!(verified, "{text}");

    // A document signed with the token key: OpenSSL verifies the CMS signature.
    ok(&run(&[
        "sign",
        "--key",
        uri,
        "--password-file",
        "pin",
        "--cert",
        "user.pem",
        "--in",
        "req.pem",
        "--out",
        "req.pem.sig",
    ]));
    let (verified, text) = openssl_cms_verify(d, "req.pem.sig", "req.pem", "root/ca.pem");
    assert!(verified, "{text}");

    // A CA whose key stays on the token: nothing but its place is stored, the PIN is asked
    // for every signature, and what it signs OpenSSL accepts.
    ok(&generate("pkcs11:token=cli;object=ca", "pin"));
    let token_ca = |pin: &str| {
        let mut args = vec![
            "ca",
            "init",
            "--dir",
            "tokenca",
            "--key",
            "pkcs11:token=cli;object=ca",
            "--cn",
            "УЦ на токене",
            "--org",
            "ООО \"Подпись\"",
            "--ogrn",
            "1027700132195",
            "--inn-le",
            "7707083893",
        ];
        args.extend(["--password-file", pin]);
        run(&args)
    };
    fails(&token_ca("wrong"), 2, "wrong PIN");
    assert!(!d.join("tokenca").exists(), "a failed init leaves nothing");
    ok(&token_ca("pin"));
    assert!(!d.join("tokenca/ca.key").exists());
    let issue = |pin: &str| {
        run(&[
            "ca",
            "issue",
            "--dir",
            "tokenca",
            "--csr",
            "req.pem",
            "--profile",
            "person",
            "--password-file",
            pin,
            "--out",
            "token-user.pem",
        ])
    };
    fails(&issue("wrong"), 2, "wrong PIN");
    ok(&issue("pin"));
    ok(&run(&[
        "ca",
        "crl",
        "--dir",
        "tokenca",
        "--password-file",
        "pin",
        "--out",
        "token.crl",
    ]));
    let (verified, text) = openssl_in(
        d,
        &[
            "verify",
            "-crl_check",
            "-CRLfile",
            "token.crl",
            "-CAfile",
            "tokenca/ca.pem",
            "token-user.pem",
        ],
    );
    assert!(verified, "{text}");

    // The token's PIN changes (C_SetPIN): a wrong current PIN changes nothing; then only the
    // new PIN opens the keys.
    std::fs::write(d.join("new-pin"), "5678\n").unwrap();
    let change = |old: &str, new: &str| {
        run(&[
            "token",
            "change-pin",
            "--token",
            "cli",
            "--pin-file",
            old,
            "--new-pin-file",
            new,
        ])
    };
    fails(&change("wrong", "new-pin"), 2, "wrong PIN");
    fails(&change("pin", "pin"), 2, "the same as the current one");
    ok(&change("pin", "new-pin"));
    let public = |pin: &str| {
        run(&[
            "key",
            "public",
            "--key",
            uri,
            "--password-file",
            pin,
            "--out",
            "pub2.pem",
        ])
    };
    fails(&public("pin"), 2, "wrong PIN");
    ok(&public("new-pin"));
}

#[test]
fn sign_and_verify_documents_with_openssl_agreeing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("pass"), "ca secret\n").unwrap();
    ok(&ca_init(d, "ca", &[]));
    for (key, alg) in [("gost.key", "gost2012-256"), ("ec.key", "ecdsa-p256")] {
        person_certificate(d, "ca", alg, key, &format!("{key}.pem"));
    }
    std::fs::write(d.join("doc.pdf"), b"%PDF-1.4 a document\n").unwrap();
    let sign = |extra: &[&str]| {
        podpis(
            &[
                &[
                    "sign",
                    "--key",
                    "gost.key",
                    "--cert",
                    "gost.key.pem",
                    "--chain",
                    "ca/ca.pem",
                    "--in",
                    "doc.pdf",
                ][..],
                extra,
            ]
            .concat(),
            d,
        )
    };
    ok(&sign(&[]));
    let verify = |extra: &[&str]| {
        podpis(
            &[
                &["verify", "--in", "doc.pdf", "--sig", "doc.pdf.sig"][..],
                extra,
            ]
            .concat(),
            d,
        )
    };
    let report =
        |out: &Output| -> serde_json::Value { serde_json::from_slice(&out.stdout).unwrap() };
    let out = verify(&["--trust", "ca/ca.pem", "--qualified", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let json = report(&out);
    assert_eq!(json["indication"], "TOTAL_PASSED");
    assert_eq!(json["signatures"][0]["signer"]["inn"], "500100732259");
    assert_eq!(json["signatures"][0]["signer"]["snils"], "11223344595");
    let ossl = |sig: &str| openssl_cms_verify(d, sig, "doc.pdf", "ca/ca.pem");
    let (good, text) = ossl("doc.pdf.sig");
    assert!(good, "{text}");
    // Without trust anchors: INDETERMINATE, exit 1.
    let out = verify(&["--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(report(&out)["indication"], "INDETERMINATE");

    // A second, parallel signature by another signer: both verify, here and in OpenSSL.
    ok(&podpis(
        &[
            "sign",
            "--key",
            "ec.key",
            "--cert",
            "ec.key.pem",
            "--in",
            "doc.pdf",
            "--add-to",
            "doc.pdf.sig",
            "--out",
            "both.sig",
        ],
        d,
    ));
    let out = podpis(
        &[
            "verify",
            "--in",
            "doc.pdf",
            "--sig",
            "both.sig",
            "--trust",
            "ca/ca.pem",
            "--json",
        ],
        d,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(report(&out)["signatures"].as_array().unwrap().len(), 2);
    let (good, text) = ossl("both.sig");
    assert!(good, "{text}");

    // A changed document: TOTAL_FAILED / HASH_FAILURE, in words for a person too.
    std::fs::write(d.join("doc.pdf"), b"%PDF-1.4 a d0cument\n").unwrap();
    let out = verify(&["--trust", "ca/ca.pem"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("HASH_FAILURE") && text.contains("the document differs"),
        "{text}"
    );

    // Attached, PEM: verifies without --in.
    ok(&sign(&["--attached", "--pem", "--out", "attached.p7m"]));
    let out = podpis(
        &["verify", "--sig", "attached.p7m", "--trust", "ca/ca.pem"],
        d,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // The signer's certificate expired at the validation time, then revoked: TOTAL_FAILED
    // with EXPIRED and REVOKED.
    ok(&sign(&["--out", "fresh.sig"]));
    let check = |extra: &[&str]| {
        let out = podpis(
            &[
                &[
                    "verify",
                    "--in",
                    "doc.pdf",
                    "--sig",
                    "fresh.sig",
                    "--trust",
                    "ca/ca.pem",
                    "--json",
                ][..],
                extra,
            ]
            .concat(),
            d,
        );
        assert_eq!(out.status.code(), Some(1));
        let json = report(&out);
        assert_eq!(json["indication"], "TOTAL_FAILED");
        json["signatures"][0]["subIndication"].clone()
    };
    assert_eq!(check(&["--at", "2099-01-01"]), "EXPIRED");
    let shown = ok(&podpis(&["cert", "show", "gost.key.pem", "--json"], d));
    let serial = serde_json::from_str::<serde_json::Value>(&shown).unwrap()[0]["serial"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&podpis(
        &[
            "ca",
            "revoke",
            "--dir",
            "ca",
            "--serial",
            &serial,
            "--reason",
            "keyCompromise",
        ],
        d,
    ));
    ok(&podpis(
        &[
            "ca",
            "crl",
            "--dir",
            "ca",
            "--password-file",
            "pass",
            "--out",
            "ca.crl",
        ],
        d,
    ));
    assert_eq!(check(&["--crl", "ca.crl"]), "REVOKED");

    // A certificate no longer valid (OpenSSL's -days 0 ends it the second it begins) is refused
    // unless --allow-expired; a wrong password is named; nothing is written.
    let (made, text) = openssl_in(
        d,
        &[
            "req", "-new", "-engine", "gost", "-key", "gost.key", "-subj", "/CN=old", "-out",
            "old.csr",
        ],
    );
    assert!(made, "{text}");
    let (made, text) = openssl_in(
        d,
        &[
            "x509", "-req", "-engine", "gost", "-in", "old.csr", "-signkey", "gost.key", "-days",
            "0", "-out", "old.pem",
        ],
    );
    assert!(made, "{text}");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let old = |extra: &[&str]| {
        podpis(
            &[
                &[
                    "sign", "--key", "gost.key", "--cert", "old.pem", "--in", "doc.pdf", "--out",
                    "old.sig",
                ][..],
                extra,
            ]
            .concat(),
            d,
        )
    };
    fails(&old(&[]), 2, "--allow-expired");
    assert!(!d.join("old.sig").exists());
    ok(&old(&["--allow-expired"]));
    ok(&podpis(
        &[
            "key",
            "generate",
            "--out",
            "enc.key",
            "--password-file",
            "pass",
        ],
        d,
    ));
    std::fs::write(d.join("wrong"), "guess\n").unwrap();
    fails(
        &podpis(
            &[
                "sign",
                "--key",
                "enc.key",
                "--password-file",
                "wrong",
                "--cert",
                "gost.key.pem",
                "--in",
                "doc.pdf",
                "--out",
                "enc.sig",
            ],
            d,
        ),
        2,
        "wrong password",
    );
    assert!(!d.join("enc.sig").exists());

    // A batch: a folder and a file, one key opening, one .sig each, each verifies.
    std::fs::create_dir(d.join("batch")).unwrap();
    for i in 0..3 {
        std::fs::write(d.join(format!("batch/{i}.txt")), format!("document {i}")).unwrap();
    }
    let batch = |extra: &[&str]| {
        podpis(
            &[
                &[
                    "sign",
                    "--key",
                    "gost.key",
                    "--cert",
                    "gost.key.pem",
                    "--in",
                    "batch",
                    "doc.pdf",
                ][..],
                extra,
            ]
            .concat(),
            d,
        )
    };
    fails(&batch(&["--out", "x.sig"]), 2, "a single document");
    ok(&batch(&[]));
    for doc in ["batch/0.txt", "batch/1.txt", "batch/2.txt", "doc.pdf"] {
        let sig = format!("{doc}.sig");
        let out = podpis(
            &["verify", "--in", doc, "--sig", &sig, "--trust", "ca/ca.pem"],
            d,
        );
        assert_eq!(out.status.code(), Some(0), "{doc}");
    }
    // Signing the folder again skips the .sig files beside the documents.
    ok(&batch(&[]));
    assert_eq!(std::fs::read_dir(d.join("batch")).unwrap().count(), 6);

    // Unusable input and a wrong key: exit 2, nothing written.
    fails(
        &podpis(&["verify", "--sig", "doc.pdf.sig"], d),
        2,
        "give the document with --in",
    );
    fails(
        &podpis(&["verify", "--in", "doc.pdf", "--sig", "doc.pdf"], d),
        2,
        "not a valid CMS signature",
    );
    fails(
        &podpis(
            &[
                "sign",
                "--key",
                "ec.key",
                "--cert",
                "gost.key.pem",
                "--in",
                "doc.pdf",
                "--out",
                "wrong.sig",
            ],
            d,
        ),
        2,
        "does not belong to the certificate",
    );
    assert!(!d.join("wrong.sig").exists());
}

/// The peak resident memory of the children this process has waited for, in KiB.
fn children_peak_memory_kib() -> i64 {
    // SAFETY: getrusage fills the zeroed struct it is given and reads nothing else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0);
    usage.ru_maxrss
}

#[test]
fn a_2_gib_document_signs_and_verifies_in_constant_memory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("pass"), "ca secret\n").unwrap();
    ok(&ca_init(d, "ca", &[]));
    person_certificate(d, "ca", "gost2012-256", "user.key", "user.pem");
    // A sparse file: 2 GiB to read and hash, no disk used.
    let big = std::fs::File::create(d.join("big.bin")).unwrap();
    big.set_len(2 << 30).unwrap();
    drop(big);
    ok(&podpis(
        &[
            "sign", "--key", "user.key", "--cert", "user.pem", "--in", "big.bin",
        ],
        d,
    ));
    let out = podpis(
        &[
            "verify",
            "--in",
            "big.bin",
            "--sig",
            "big.bin.sig",
            "--trust",
            "ca/ca.pem",
        ],
        d,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let peak = children_peak_memory_kib();
    assert!(peak < 64 * 1024, "a child used {peak} KiB");
}
