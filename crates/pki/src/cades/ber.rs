//! BER to DER, for the signature files CryptoPro and `openssl cms -stream` write: indefinite
//! lengths become definite, and constructed OCTET STRINGs (content in segments) become one
//! primitive OCTET STRING. Everything else is copied as it is, so DER parts (the signed
//! attributes, the certificates) keep their exact bytes.

use crate::error::Error;

/// How deeply values may nest: far beyond any real signature, and a bound on recursion.
const MAX_DEPTH: usize = 64;

/// Converts one BER value (and nothing after it) to DER.
pub(super) fn to_der(input: &[u8]) -> Result<Vec<u8>, Error> {
    let (value, rest) = convert(input, 0)?;
    if !rest.is_empty() {
        return Err(bad("bytes after the end"));
    }
    Ok(value)
}

fn bad(what: &str) -> Error {
    Error::Cms(format!("BER: {what}"))
}

/// Converts the value at the start of `input`; returns it in DER and what follows it.
fn convert(input: &[u8], depth: usize) -> Result<(Vec<u8>, &[u8]), Error> {
    if depth > MAX_DEPTH {
        return Err(bad("nested too deeply"));
    }
    let (identifier, rest) = split_identifier(input)?;
    let constructed = identifier[0] & 0x20 != 0;
    let (length, rest) = read_length(rest)?;
    let mut out = Vec::new();
    let rest = match (constructed, length) {
        (false, Some(len)) => {
            let content = rest.get(..len).ok_or_else(|| bad("truncated"))?;
            out.extend_from_slice(identifier);
            write_length(&mut out, content.len());
            out.extend_from_slice(content);
            return Ok((out, &rest[len..]));
        }
        (false, None) => return Err(bad("a primitive value of indefinite length")),
        (true, Some(len)) => {
            let content = rest.get(..len).ok_or_else(|| bad("truncated"))?;
            let children = children(content, false, depth)?.0;
            emit_constructed(&mut out, identifier, children)?;
            &rest[len..]
        }
        (true, None) => {
            let (children, rest) = children(rest, true, depth)?;
            emit_constructed(&mut out, identifier, children)?;
            rest
        }
    };
    Ok((out, rest))
}

/// The DER children of a constructed value: up to the end of `content`, or up to the
/// end-of-contents marker when the length is indefinite.
fn children(
    mut content: &[u8],
    indefinite: bool,
    depth: usize,
) -> Result<(Vec<Vec<u8>>, &[u8]), Error> {
    let mut out = Vec::new();
    loop {
        if indefinite {
            match content {
                [0, 0, rest @ ..] => return Ok((out, rest)),
                [] => return Err(bad("no end-of-contents marker")),
                _ => {}
            }
        } else if content.is_empty() {
            return Ok((out, content));
        }
        let (child, rest) = convert(content, depth + 1)?;
        out.push(child);
        content = rest;
    }
}

/// Writes a constructed value; a constructed OCTET STRING becomes a primitive one.
fn emit_constructed(
    out: &mut Vec<u8>,
    identifier: &[u8],
    children: Vec<Vec<u8>>,
) -> Result<(), Error> {
    if identifier == [0x24] {
        let mut joined = Vec::new();
        for child in &children {
            let (inner, rest) = split_identifier(child)?;
            if inner != [0x04] {
                return Err(bad("a segment of an OCTET STRING that is not one"));
            }
            let (_, content) = read_length(rest)?;
            joined.extend_from_slice(content);
        }
        out.push(0x04);
        write_length(out, joined.len());
        out.extend_from_slice(&joined);
        return Ok(());
    }
    let len = children.iter().map(Vec::len).sum();
    out.extend_from_slice(identifier);
    write_length(out, len);
    for child in children {
        out.extend_from_slice(&child);
    }
    Ok(())
}

/// The identifier octets (one, or more for tag numbers ≥ 31) and what follows.
fn split_identifier(input: &[u8]) -> Result<(&[u8], &[u8]), Error> {
    let first = *input.first().ok_or_else(|| bad("truncated"))?;
    let mut end = 1;
    if first & 0x1f == 0x1f {
        loop {
            let byte = *input.get(end).ok_or_else(|| bad("truncated tag"))?;
            end += 1;
            if byte & 0x80 == 0 {
                break;
            }
            if end > 5 {
                return Err(bad("a tag number too large"));
            }
        }
    }
    Ok(input.split_at(end))
}

/// The length (`None` when indefinite) and what follows it.
fn read_length(input: &[u8]) -> Result<(Option<usize>, &[u8]), Error> {
    let (&first, rest) = input.split_first().ok_or_else(|| bad("truncated length"))?;
    match first {
        0x80 => Ok((None, rest)),
        n if n < 0x80 => Ok((Some(n as usize), rest)),
        n => {
            let count = (n & 0x7f) as usize;
            if count > 4 {
                return Err(bad("a length too large"));
            }
            let bytes = rest.get(..count).ok_or_else(|| bad("truncated length"))?;
            let len = bytes.iter().fold(0usize, |acc, &b| (acc << 8) | b as usize);
            Ok((Some(len), &rest[count..]))
        }
    }
}

fn write_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    out.push(0x80 | (bytes.len() - skip) as u8);
    out.extend_from_slice(&bytes[skip..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indefinite_lengths_and_segments_become_der() {
        // SEQUENCE (indefinite) { [0] (indefinite) { OCTET STRING segments "ab" "cd" }, INTEGER 5 }
        let ber = [
            0x30, 0x80, 0xa0, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x02, b'c', b'd',
            0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0x05, 0x00, 0x00,
        ];
        let der = [
            0x30, 0x0b, 0xa0, 0x06, 0x04, 0x04, b'a', b'b', b'c', b'd', 0x02, 0x01, 0x05,
        ];
        assert_eq!(to_der(&ber).unwrap(), der);
        assert_eq!(to_der(&der).unwrap(), der, "DER stays as it is");
        let long = [&[0x04, 0x81, 0x80][..], &[7u8; 128]].concat();
        assert_eq!(to_der(&long).unwrap(), long);
    }

    #[test]
    fn broken_ber_is_an_error() {
        for bad in [
            &[0x30, 0x80, 0x02, 0x01, 0x05][..],         // no end-of-contents
            &[0x04, 0x80, 0x00, 0x00],                   // primitive indefinite
            &[0x30, 0x05, 0x02, 0x01],                   // truncated
            &[0x24, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00], // a segment that is not an OCTET STRING
            &[0x30, 0x00, 0x00],                         // trailing bytes
        ] {
            assert!(to_der(bad).is_err(), "{bad:02x?}");
        }
        let deep: Vec<u8> = std::iter::repeat_n([0x30, 0x80], 100).flatten().collect();
        assert!(to_der(&deep).is_err());
    }
}
