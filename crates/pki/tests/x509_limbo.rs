//! x509-limbo's RFC 5280 and pathological path-validation cases (../shared/corpus/x509-limbo):
//! every case runs through the validator and its verdict is compared with the expected one.
//! The cases where Podpis differs are listed below with the reason; any other difference fails.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use const_oid::ObjectIdentifier;
use podpis_pki::Certificate;
use podpis_pki::validate::{Options, TrustStore, validate};

/// Cases where Podpis's verdict differs from x509-limbo's, and why.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/x509-limbo")
}

fn load(name: &str) -> Option<Certificate> {
    let bytes = std::fs::read(corpus().join(name)).unwrap();
    Certificate::load_all(&bytes).ok()?.into_iter().next()
}

/// `2024-03-01T00:00:00.999+00:00` → a time (UTC only, as the cases are).
fn parse_time(text: &str) -> SystemTime {
    let date = der::DateTime::new(
        text[0..4].parse().unwrap(),
        text[5..7].parse().unwrap(),
        text[8..10].parse().unwrap(),
        text[11..13].parse().unwrap(),
        text[14..16].parse().unwrap(),
        text[17..19].parse().unwrap(),
    )
    .unwrap();
    let millis = text[19..]
        .strip_prefix('.')
        .map_or(0, |rest| rest[..3].parse::<u64>().unwrap());
    UNIX_EPOCH + date.unix_duration() + Duration::from_millis(millis)
}

fn eku_oid(name: &str) -> ObjectIdentifier {
    use const_oid::db::rfc5280 as ids;
    match name {
        "serverAuth" => ids::ID_KP_SERVER_AUTH,
        "clientAuth" => ids::ID_KP_CLIENT_AUTH,
        "codeSigning" => ids::ID_KP_CODE_SIGNING,
        "emailProtection" => ids::ID_KP_EMAIL_PROTECTION,
        "timeStamping" => ids::ID_KP_TIME_STAMPING,
        "OCSPSigning" => ids::ID_KP_OCSP_SIGNING,
        other => panic!("unknown EKU {other}"),
    }
}

#[test]
fn x509_limbo_cases_match_or_are_explained() {
    let text = std::fs::read_to_string(corpus().join("cases.json")).unwrap();
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(cases.len(), 112);
    let mut agreed = 0;
    let mut unexplained = Vec::new();
    let mut explained_but_agreeing = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let expected = case["expected_result"] == "SUCCESS";
        let files = |key: &str| -> Vec<Certificate> {
            case[key]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|f| load(f.as_str().unwrap()))
                .collect()
        };
        let trusted = TrustStore::new(files("trusted"));
        let intermediates = files("intermediates");
        let mut options = Options::default();
        if let Some(time) = case["validation_time"].as_str() {
            options.time = parse_time(time);
        }
        if let Some(depth) = case["max_chain_depth"].as_u64() {
            options.max_depth = depth as usize;
        }
        if let Some(ekus) = case["extended_key_usage"].as_array() {
            options.required_eku = ekus.iter().map(|e| eku_oid(e.as_str().unwrap())).collect();
        }
        let got = match load(case["peer"].as_str().unwrap()) {
            Some(peer) => {
                let report = validate(&peer, &intermediates, &trusted, &options);
                if report.passed() != expected || std::env::var("LIMBO_VERBOSE").is_ok() {
                    let failed: Vec<_> = report
                        .checks
                        .iter()
                        .filter(|c| !c.passed)
                        .map(|c| format!("#{} {}: {}", c.position, c.check, c.detail))
                        .collect();
                    eprintln!(
                        "{id}: expected {expected}, got {:?} {:?} {failed:?}",
                        report.indication, report.sub_indication
                    );
                }
                report.passed()
            }
            None => false,
        };
        let known = KNOWN_DIFFERENCES.iter().any(|(k, _)| *k == id);
        match (got == expected, known) {
            (true, false) => agreed += 1,
            (true, true) => explained_but_agreeing.push(id),
            (false, false) => unexplained.push(id),
            (false, true) => {}
        }
    }
    eprintln!("x509-limbo: {agreed} of {} cases agree", cases.len());
    assert!(
        unexplained.is_empty(),
        "unexplained differences: {unexplained:#?}"
    );
    assert!(
        explained_but_agreeing.is_empty(),
        "listed as differing but now agreeing: {explained_but_agreeing:#?}"
    );
    assert_eq!(agreed + KNOWN_DIFFERENCES.len(), cases.len());
}
