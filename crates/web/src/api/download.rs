//! Files sent to be saved or shown: their headers, with the file's own name kept (RFC 6266).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use podpis_core::flat_file_name;

/// What RFC 8187 lets stand unencoded in an extended value (`attr-char`); the rest is
/// percent-encoded UTF-8.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The `Content-Disposition` value that offers `name` as `disposition` (`inline` or
/// `attachment`): `filename` in safe ASCII for old clients, and, when that had to change the
/// name (a Cyrillic one, say), `filename*` with the name itself in UTF-8, which browsers
/// prefer. Folders and control characters never reach either.
pub(crate) fn content_disposition(disposition: &str, name: &str) -> String {
    let name = flat_file_name(name);
    let ascii = ascii_file_name(&name);
    if ascii == name {
        format!("{disposition}; filename=\"{ascii}\"")
    } else {
        format!(
            "{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{}",
            utf8_percent_encode(&name, ATTR_CHAR)
        )
    }
}

/// `name` in letters, digits, `.` and `-` of ASCII, anything else `_`: a file name any
/// client and any shell takes as it is.
pub(crate) fn ascii_file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `bytes` of `content_type` under the file name `name`, shown (`inline`) or saved
/// (`attachment`) as `disposition` says, never cached.
pub(crate) fn download(
    name: &str,
    content_type: &str,
    disposition: &str,
    bytes: Vec<u8>,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                content_disposition(disposition, name),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// `bytes` as a PDF shown in the browser under the file name `name`, never cached.
pub(crate) fn pdf_download(name: &str, bytes: Vec<u8>) -> Response {
    download(name, "application/pdf", "inline", bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_name_needs_no_extended_form() {
        assert_eq!(
            content_disposition("attachment", "act-42.pdf"),
            "attachment; filename=\"act-42.pdf\""
        );
    }

    #[test]
    fn a_cyrillic_name_is_kept_in_utf8() {
        assert_eq!(
            content_disposition("inline", "Акт №1.pdf"),
            "inline; filename=\"_____1.pdf\"; \
             filename*=UTF-8''%D0%90%D0%BA%D1%82%20%E2%84%961.pdf"
        );
    }

    #[test]
    fn quotes_folders_and_controls_cannot_break_out() {
        let header = content_disposition("attachment", "../a\"b;\r\nc\\d.sig");
        assert_eq!(
            header,
            "attachment; filename=\".._a_b___c_d.sig\"; \
             filename*=UTF-8''.._a%22b%3B__c_d.sig"
        );
        assert!(axum::http::HeaderValue::from_str(&header).is_ok());
    }
}
