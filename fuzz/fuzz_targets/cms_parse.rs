//! Arbitrary bytes through the CMS reader of podpis-pki (DER, BER, PEM, Base64) and, when they
//! parse, through the per-signer checks and the document report. None of it may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use podpis_pki::cades::{SignedMessage, verify_document};
use podpis_pki::validate::{Options, TrustStore};

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = SignedMessage::from_bytes(data) {
        let content = message.content().unwrap_or_default();
        let certificates = message.certificates();
        let report = verify_document(
            &message,
            &|algorithm| algorithm.digest(&content),
            &[],
            &TrustStore::new(certificates),
            &Options::default(),
        );
        let _ = report.indication;
        let _ = message.to_der();
    }
});
