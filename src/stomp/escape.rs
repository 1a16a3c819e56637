//! STOMP 1.2 header escaping ("Value Encoding"): `\\`, `\n`, `\r` and `\c` (a colon) stand
//! for the bytes that would otherwise end a line or split a name from its value. Any other
//! escape is an error, as the spec and RabbitMQ's parser both say: guessing would turn a
//! corrupt header into a plausible wrong one.

use bytes::{BufMut, BytesMut};

use super::error::{FrameError, excerpt};

/// Writes `text` with the four special bytes escaped.
pub(crate) fn escape_into(text: &str, dst: &mut BytesMut) {
    let bytes = text.as_bytes();
    let mut start = 0;
    // Copy runs of plain bytes at once; most headers have nothing to escape.
    for (at, &byte) in bytes.iter().enumerate() {
        let escaped: &[u8] = match byte {
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b':' => b"\\c",
            _ => continue,
        };
        dst.put_slice(&bytes[start..at]);
        dst.put_slice(escaped);
        start = at + 1;
    }
    dst.put_slice(&bytes[start..]);
}

/// The text of an escaped header name or value.
pub(crate) fn unescape(raw: &[u8]) -> Result<String, FrameError> {
    if memchr::memchr(b'\\', raw).is_none() {
        return Ok(text(raw.to_vec()));
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter();
    while let Some(&byte) = bytes.next() {
        if byte != b'\\' {
            out.push(byte);
            continue;
        }
        out.push(match bytes.next() {
            Some(b'\\') => b'\\',
            Some(b'n') => b'\n',
            Some(b'r') => b'\r',
            Some(b'c') => b':',
            other => {
                // Shown as sent: a backslash, then the byte after it made visible.
                let next = other.map(|&b| excerpt(&[b])).unwrap_or_default();
                return Err(FrameError::BadEscape {
                    sequence: format!("\\{next}"),
                });
            }
        });
    }
    Ok(text(out))
}

/// The text of a header name or value. STOMP 1.2 says headers are UTF-8, but RabbitMQ
/// 3.10 copies an AMQP message's string headers and properties into a MESSAGE byte for byte
/// (`rabbit_stomp_util:adhoc_convert_headers`), and AMQP strings are bytes: refusing the
/// frame would end the session on every delivery of one legal message. Bytes that are not
/// UTF-8 become U+FFFD instead, which the message view shows as such.
pub(crate) fn text(raw: Vec<u8>) -> String {
    String::from_utf8(raw)
        .unwrap_or_else(|not_utf8| String::from_utf8_lossy(not_utf8.as_bytes()).into_owned())
}

/// Whether `text` can go into an unescaped (CONNECT/CONNECTED) header as it is: a line
/// break would end the header early; in a name, a colon would end the name early.
pub(crate) fn fits_unescaped(text: &str, is_name: bool) -> bool {
    !text
        .bytes()
        .any(|b| b == b'\n' || b == b'\r' || (is_name && b == b':'))
}
