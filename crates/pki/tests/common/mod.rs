//! Shared by the pki integration tests: subjects, certificate parameters, the OpenSSL check.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, SystemTime};

use podpis_pki::issue::CertificateParams;
use podpis_pki::qualified::IssuerSignTool;
use podpis_pki::subject::{Profile, SubjectInfo};

pub const DAY: Duration = Duration::from_secs(24 * 3600);

pub fn ca_subject() -> SubjectInfo {
    SubjectInfo {
        common_name: Some("Тестовый УЦ Podpis".into()),
        organization: Some("ООО \"Подпись\"".into()),
        country: Some("RU".into()),
        ogrn: Some("1027700132195".into()),
        inn_le: Some("7707083893".into()),
        ..Default::default()
    }
}

pub fn person_subject() -> SubjectInfo {
    SubjectInfo {
        common_name: Some("Иванов Иван Иванович".into()),
        surname: Some("Иванов".into()),
        given_name: Some("Иван Иванович".into()),
        country: Some("RU".into()),
        inn: Some("500100732259".into()),
        snils: Some("112-233-445 95".into()),
        email: Some("ivanov@example.ru".into()),
        ..Default::default()
    }
}

pub fn params(
    profile: Profile,
    subject: &SubjectInfo,
    key: &dyn podpis_keys::Signer,
    serial: u8,
) -> CertificateParams {
    let now = SystemTime::now();
    CertificateParams {
        profile,
        subject: subject.to_name(profile).unwrap(),
        public_key: podpis_keys::Signer::public_key(key).unwrap(),
        serial: vec![serial, 0x5a, 0x11],
        not_before: now - DAY,
        not_after: now + 365 * DAY,
        path_len: Some(0),
        crl_url: Some("http://localhost:8080/crl/test.crl".into()),
        ocsp_url: Some("http://localhost:8080/ocsp".into()),
        ca_issuers_url: Some("http://localhost:8080/ca/test.cer".into()),
        sign_tool: "Podpis 0.1".into(),
        issuer_sign_tool: Some(issuer_sign_tool()),
        identification_kind: 0,
    }
}

pub fn issuer_sign_tool() -> IssuerSignTool {
    IssuerSignTool {
        sign_tool: "Podpis 0.1".into(),
        ca_tool: "Podpis УЦ 0.1".into(),
        sign_tool_cert: "без сертификата соответствия (тест)".into(),
        ca_tool_cert: "без сертификата соответствия (тест)".into(),
    }
}

/// Panics (fails the test) when OpenSSL's gost engine is missing: this test must not pass empty.
pub fn require_engine() {
    let out = Command::new("openssl")
        .args(["engine", "-t", "gost"])
        .output();
    let ok = out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("available"));
    assert!(
        ok,
        "OpenSSL with the gost engine is required (apt-get install openssl libengine-gost-openssl)"
    );
}

/// Writes an OpenSSL configuration that loads the gost engine, for the commands that have no
/// `-engine` option (`openssl crl`); pass its path as `OPENSSL_CONF`.
pub fn gost_openssl_conf(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("openssl-gost.cnf");
    std::fs::write(
        &path,
        "openssl_conf = openssl_def\n[openssl_def]\nengines = engines\n\
         [engines]\ngost = gost_section\n[gost_section]\nengine_id = gost\n\
         default_algorithms = ALL\n",
    )
    .unwrap();
    path
}
