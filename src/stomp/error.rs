//! What can go wrong reading or writing STOMP frames, in words a user can act on. A
//! decode error means the peer is not speaking STOMP 1.2 (or is hostile): the stream
//! cannot be resynchronised, so the session ends with this message.

use std::io;

use thiserror::Error;

/// Network text shown in an error is cut to this many bytes: enough to recognise an HTTP
/// status line or a TLS alert, never a whole hostile header.
pub(crate) const EXCERPT_BYTES: usize = 40;

/// Decode errors are worded for the app, which decodes what the server sends; each names
/// the cause, and the session adds what it does about it.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum FrameError {
    #[error(
        "the server sent a STOMP header line longer than {limit} bytes (a broken or hostile server)"
    )]
    HeaderLineTooLong { limit: usize },
    #[error(
        "the server sent a STOMP frame with more than {limit} headers (a broken or hostile server)"
    )]
    TooManyHeaders { limit: usize },
    #[error(
        "the server sent a STOMP frame body reaching {length} bytes, over the limit of {limit} bytes"
    )]
    BodyTooLarge { length: u64, limit: usize },
    #[error("the server sent a STOMP content-length of '{value}', which is not a byte count")]
    BadContentLength { value: String },
    #[error(
        "the server sent a STOMP header with the undefined escape '{sequence}' (STOMP 1.2 defines only \\\\, \\n, \\r and \\c)"
    )]
    BadEscape { sequence: String },
    #[error(
        "the server sent a STOMP frame whose content-length is wrong: the byte after its body is {found:#04x}, not the NUL that ends a frame"
    )]
    MissingNul { found: u8 },
    #[error("the server sent a STOMP header line without a ':' between name and value: '{line}'")]
    HeaderWithoutColon { line: String },
    #[error("the server sent a STOMP line with a carriage return not followed by a line feed")]
    BareCarriageReturn,
    #[error(
        "the server sent '{line}', which is not a STOMP frame: is this port a STOMP listener, and is TLS on exactly when the port expects it?"
    )]
    UnknownCommand { line: String },
    #[error(
        "the header '{name}' of a {command} frame holds a line break, or a colon in its name, which {command} frames cannot carry (they are not escaped)"
    )]
    Unencodable { command: &'static str, name: String },
    #[error("the server closed the connection in the middle of a STOMP frame")]
    Truncated,
    #[error("reading or writing the STOMP connection failed: {detail}")]
    Io { kind: io::ErrorKind, detail: String },
}

/// `Decoder` and `Encoder` need this; the error is kept as its kind and text so that
/// `FrameError` stays `Clone` and comparable, like the session's other errors.
impl From<io::Error> for FrameError {
    fn from(err: io::Error) -> Self {
        Self::Io {
            kind: err.kind(),
            detail: err.to_string(),
        }
    }
}

/// `bytes` from the network as an error can show them: lossy UTF-8, cut to
/// [`EXCERPT_BYTES`], control characters and escape sequences made visible.
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(EXCERPT_BYTES)];
    let mut text = crate::text::visible(&String::from_utf8_lossy(cut));
    if cut.len() < bytes.len() {
        text.push('…');
    }
    text
}
