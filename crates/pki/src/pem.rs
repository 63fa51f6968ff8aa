//! Lenient PEM reading: every `-----BEGIN <label>-----` block of a text, whatever its line width
//! (real CA files are not always wrapped at 64 columns, which strict RFC 7468 decoders insist on).

use crate::error::Error;

/// The DER of every block of `bytes` whose label is one of `labels`, in order (possibly none); or
/// `bytes` itself when it is DER (starts with a SEQUENCE).
pub(crate) fn der_blocks(bytes: &[u8], labels: &[&str]) -> Result<Vec<Vec<u8>>, Error> {
    if bytes.first() == Some(&0x30) {
        return Ok(vec![bytes.to_vec()]);
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let block = &rest[start..];
        let Some(end_marker) = block.find("-----END ") else {
            break;
        };
        let end = block[end_marker..]
            .find('\n')
            .map_or(block.len(), |i| end_marker + i + 1);
        let label = block["-----BEGIN ".len()..]
            .split("-----")
            .next()
            .unwrap_or_default();
        if labels.contains(&label) {
            out.push(body(&block[..end_marker])?);
        }
        rest = &block[end..];
    }
    Ok(out)
}

/// Decodes the Base64 body after a PEM `BEGIN` line.
fn body(block: &str) -> Result<Vec<u8>, Error> {
    base64_text(block).map_err(|e| Error::Malformed(format!("PEM Base64: {e}")))
}

/// Decodes Base64 text of any line width, skipping PEM `-----BEGIN/END …-----` lines.
pub(crate) fn base64_text(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    use base64::Engine;
    let body: String = text
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .flat_map(|line| line.chars())
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD.decode(body)
}
