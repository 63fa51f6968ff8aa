//! A signed document's package: one ZIP file with the document, its detached signature and a
//! verification report made when the package is asked for (a printable PDF and the same report
//! as JSON), so the owner can hand everything to someone else in one file.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::documents::own_document;
use crate::verification::verification_report;
use crate::{Error, Portal, Principal, Result};

/// The name of the PDF report inside a package.
pub const PACKAGE_REPORT_PDF: &str = "verification-report.pdf";
/// The name of the JSON report inside a package.
pub const PACKAGE_REPORT_JSON: &str = "verification-report.json";

/// `name` with no folder in it and no control character (each becomes `_`): a file name that
/// stays one file's name wherever it is written.
pub fn flat_file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if matches!(c, '/' | '\\') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// `name` as a file name of the archive's top level: no folders, never empty.
fn entry_name(name: &str) -> String {
    let flat = flat_file_name(name);
    let flat = flat.trim_start_matches('.');
    if flat.is_empty() {
        "document".into()
    } else {
        flat.into()
    }
}

/// Unix time `t` as a ZIP time stamp (local time of Moscow, as ZIP keeps local time).
fn zip_time(t: i64) -> DateTime {
    crate::clock::moscow_clock(t)
        .and_then(|d| {
            DateTime::from_date_and_time(
                d.year(),
                d.month(),
                d.day(),
                d.hour(),
                d.minutes(),
                d.seconds(),
            )
            .ok()
        })
        .unwrap_or_default()
}

/// The archive of `files` (name and bytes), each deflated and stamped with `time`.
fn zip_archive(files: &[(String, &[u8])], time: i64) -> Result<Vec<u8>> {
    let failed = |e: zip::result::ZipError| Error::Internal(format!("zip: {e}"));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip_time(time));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options).map_err(failed)?;
        zip.write_all(bytes)
            .map_err(|e| Error::Internal(format!("zip: {e}")))?;
    }
    Ok(zip.finish().map_err(failed)?.into_inner())
}

impl Portal {
    /// The package of the principal's signed document `id`: the document under its own name,
    /// its `.sig`, and the verification report of that signature over those bytes made now
    /// ([`PACKAGE_REPORT_PDF`], set in `font`, and [`PACKAGE_REPORT_JSON`]). A draft has no
    /// package; another's document is not found. Returns the archive's file name
    /// (`<document>.zip`) and its bytes.
    pub async fn signed_package(
        &self,
        who: &Principal,
        id: &str,
        font: &[u8],
    ) -> Result<(String, Vec<u8>)> {
        let document = own_document(&mut self.store.read().await?, who, id).await?;
        let signature = document.signature.as_deref().ok_or_else(|| {
            Error::conflict(
                "Документ ещё не подписан: пакета нет.",
                "The document is not signed yet: there is no package.",
            )
        })?;
        let verification = self
            .verification(Some(&document.content), signature)
            .await?;
        let pdf = verification_report(&verification, font)?;
        let json = serde_json::to_vec_pretty(&verification)
            .map_err(|e| Error::Internal(format!("report: {e}")))?;
        let name = entry_name(&document.name);
        let files = [
            (name.clone(), document.content.as_slice()),
            (format!("{name}.sig"), signature),
            (PACKAGE_REPORT_PDF.to_owned(), pdf.as_slice()),
            (PACKAGE_REPORT_JSON.to_owned(), json.as_slice()),
        ];
        let zip = zip_archive(
            &files,
            document.signed_at.unwrap_or(verification.checked_at),
        )?;
        Ok((format!("{name}.zip"), zip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_stay_at_the_top_level() {
        assert_eq!(entry_name("Договор №1.pdf"), "Договор №1.pdf");
        assert_eq!(entry_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(entry_name("a\\b\nc.txt"), "a_b_c.txt");
        assert_eq!(entry_name("..."), "document");
    }

    #[test]
    fn zip_time_is_moscow_local_time() {
        // 1_800_000_000 is 15.01.2027 08:00:00 UTC.
        let t = zip_time(1_800_000_000);
        assert_eq!((t.year(), t.month(), t.day()), (2027, 1, 15));
        assert_eq!((t.hour(), t.minute(), t.second()), (11, 0, 0));
    }

    #[test]
    fn the_archive_reads_back_whole() {
        let files = [
            ("a.txt".to_owned(), &b"alpha"[..]),
            ("b.sig".to_owned(), &[0u8, 1, 2, 255][..]),
        ];
        let bytes = zip_archive(&files, 1_800_000_000).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 2);
        for (name, content) in files {
            let mut entry = archive.by_name(&name).unwrap();
            let mut read = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut read).unwrap();
            assert_eq!(read, content);
        }
    }
}
