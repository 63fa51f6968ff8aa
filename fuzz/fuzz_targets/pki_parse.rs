//! Arbitrary bytes through every parsing entry point of podpis-pki: certificates (PEM or DER),
//! CRLs, requests, and what is read of a parsed certificate (summary, validation against itself).
//! None of them may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use podpis_pki::crl::Crl;
use podpis_pki::csr::Csr;
use podpis_pki::validate::{Options, TrustStore, validate};
use podpis_pki::{Certificate, describe};

fuzz_target!(|data: &[u8]| {
    if let Ok(certs) = Certificate::load_all(data) {
        for cert in &certs {
            let _ = describe::summarize(cert);
            let _ = cert.public_key();
            let report = validate(
                cert,
                &certs,
                &TrustStore::new(certs.clone()),
                &Options::default(),
            );
            let _ = report.passed();
        }
    }
    if let Ok(crl) = Crl::load(data) {
        let _ = crl.entries();
        let _ = crl.number();
    }
    if let Ok(csr) = Csr::load(data) {
        let _ = csr.subject_attributes();
        let _ = csr.verify();
    }
});
