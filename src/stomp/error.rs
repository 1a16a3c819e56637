//! What can go wrong reading or writing STOMP frames, in words a user can act on. A
//! decode error means the peer is not speaking STOMP 1.2 (or is hostile): the stream
//! cannot be resynchronised, so the session ends with this message.

use std::io;

use thiserror::Error;

/// Network text shown in an error is cut to this many bytes: enough to recognise an HTTP
/// status line or a TLS alert, never a whole hostile header.
pub(crate) const EXCERPT_BYTES: usize = 40;

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum FrameError {
    #[error(
        "a STOMP header line is longer than {limit} bytes; the server is broken or hostile, so the connection is dropped"
    )]
    HeaderLineTooLong { limit: usize },
    #[error(
        "a STOMP frame has more than {limit} headers; the server is broken or hostile, so the connection is dropped"
    )]
    TooManyHeaders { limit: usize },
    #[error("a STOMP frame body reaches {length} bytes, over the limit of {limit} bytes")]
    BodyTooLarge { length: u64, limit: usize },
    #[error("a STOMP frame's content-length header is '{value}', not a byte count")]
    BadContentLength { value: String },
    #[error(
        "a STOMP header holds the undefined escape '{sequence}' (STOMP 1.2 defines only \\\\, \\n, \\r and \\c)"
    )]
    BadEscape { sequence: String },
    #[error(
        "a STOMP frame does not end with a NUL byte after its content-length bytes (found {found:#04x}): its content-length is wrong"
    )]
    MissingNul { found: u8 },
    #[error("a STOMP header line '{line}' has no ':' between name and value")]
    HeaderWithoutColon { line: String },
    #[error("a STOMP line has a carriage return that is not followed by a line feed")]
    BareCarriageReturn,
    #[error(
        "received '{line}', which is not a STOMP command: is this port a STOMP listener, and TLS used exactly when the port expects it?"
    )]
    UnknownCommand { line: String },
    #[error(
        "the header '{name}' of a {command} frame holds a line break or a colon in its name, which {command} frames cannot carry (they are not escaped)"
    )]
    Unencodable { command: &'static str, name: String },
    #[error("the connection closed in the middle of a STOMP frame")]
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
