//! [`StompCodec`]: STOMP 1.2 frames to and from bytes, as a `tokio_util` `Decoder` and
//! `Encoder`, so the same code reads a TCP stream, a TLS stream or the bodies of WebSocket
//! messages. It follows the STOMP 1.2 spec and, where the spec leaves room, RabbitMQ's
//! own parser (`rabbit_stomp_frame.erl`).
//!
//! The decoder holds memory to the [`Limits`] whatever the server sends: an over-long
//! line fails as soon as the buffer holds more than a line may, a content-length over the
//! body limit fails before anything is reserved, and every byte is searched once even
//! when a big frame arrives a few bytes at a time.

use std::fmt::Write as _;

use bytes::{BufMut, BytesMut};
use tokio_util::codec::Encoder;

use super::error::{FrameError, excerpt};
use super::escape::{escape_into, fits_unescaped};
use super::frame::{Frame, Item};

/// The header that carries the body's length: framing, never one of `Frame::headers`.
pub(super) const CONTENT_LENGTH: &str = "content-length";

/// How much one frame may take. A server that goes past a limit ends the session with a
/// [`FrameError`] naming it, instead of growing the app's memory without bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Header lines in one frame, repeats and `content-length` included.
    pub max_headers: usize,
    /// Bytes in one header line (name, colon and value, as escaped on the wire), line end
    /// not counted. A command line is held to the longest command ([`Command::MAX_LEN`]).
    ///
    /// [`Command::MAX_LEN`]: super::Command::MAX_LEN
    pub max_header_line: usize,
    /// Bytes in one frame body.
    pub max_body: usize,
}

impl Limits {
    /// 1000 headers: RabbitMQ turns a message's AMQP headers into STOMP headers, and real
    /// messages carry tens; a thousand is generous and still bounds a hostile frame.
    pub const DEFAULT_MAX_HEADERS: usize = 1000;
    /// 256 KiB: all of an AMQP message's properties fit in one 128 KiB frame (RabbitMQ's
    /// default `frame_max`), and STOMP escaping can double a value, so no header RabbitMQ
    /// relays from an AMQP publisher is longer.
    pub const DEFAULT_MAX_HEADER_LINE: usize = 256 * 1024;
    /// 128 MiB: RabbitMQ 3.10's default `max_message_size`, the largest body the broker
    /// accepts and so the largest MESSAGE it can send.
    pub const DEFAULT_MAX_BODY: usize = 128 * 1024 * 1024;

    pub fn new(max_headers: usize, max_header_line: usize, max_body: usize) -> Self {
        Self {
            max_headers,
            max_header_line,
            max_body,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(
            Self::DEFAULT_MAX_HEADERS,
            Self::DEFAULT_MAX_HEADER_LINE,
            Self::DEFAULT_MAX_BODY,
        )
    }
}

/// Decodes [`Item`]s (frames and heartbeats) and encodes [`Frame`]s and [`Item`]s. After a
/// decode error the stream is out of step and cannot be trusted: end the connection.
#[derive(Debug, Default)]
pub struct StompCodec {
    pub(super) limits: Limits,
    pub(super) state: State,
    /// Bytes at the front of the buffer already searched, without success, for the end of
    /// the current line (LF) or body (NUL): the next search starts after them, so a frame
    /// arriving in many small reads costs linear time, not quadratic.
    pub(super) scanned: usize,
}

#[derive(Debug, Default)]
pub(super) enum State {
    /// Between frames: line ends here are heartbeats.
    #[default]
    Idle,
    /// The command line is read; header lines are consumed one at a time.
    Headers(Pending),
    /// The blank line is read; the body ends after `length` bytes, or without a
    /// content-length at the first NUL.
    Body { frame: Frame, length: Option<usize> },
}

#[derive(Debug)]
pub(super) struct Pending {
    pub(super) frame: Frame,
    pub(super) lines: usize,
    pub(super) content_length: Option<usize>,
}

impl StompCodec {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            state: State::Idle,
            scanned: 0,
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }
}

impl Encoder<&Frame> for StompCodec {
    type Error = FrameError;

    /// Writes the frame with escaped headers (not in CONNECT, STOMP and CONNECTED), a
    /// `content-length` always (so a body may hold NULs, and the receiver need not
    /// search for the end), the body and its NUL. On an error nothing is written.
    fn encode(&mut self, frame: &Frame, dst: &mut BytesMut) -> Result<(), FrameError> {
        let start = dst.len();
        let written = write_frame(frame, dst);
        if written.is_err() {
            dst.truncate(start);
        }
        written
    }
}

fn write_frame(frame: &Frame, dst: &mut BytesMut) -> Result<(), FrameError> {
    let command = frame.command.as_str();
    let headers: usize = frame
        .headers
        .iter()
        .map(|(n, v)| n.len() + v.len() + 2)
        .sum();
    // Room for everything at once; 32 covers "content-length:" and a 20-digit number.
    dst.reserve(command.len() + headers + frame.body.len() + 32);
    dst.put_slice(command.as_bytes());
    dst.put_u8(b'\n');
    for (name, value) in &frame.headers {
        if name == CONTENT_LENGTH {
            continue;
        }
        if frame.command.escapes_headers() {
            escape_into(name, dst);
            dst.put_u8(b':');
            escape_into(value, dst);
        } else if fits_unescaped(name, true) && fits_unescaped(value, false) {
            dst.put_slice(name.as_bytes());
            dst.put_u8(b':');
            dst.put_slice(value.as_bytes());
        } else {
            return Err(FrameError::Unencodable {
                command,
                name: excerpt(name.as_bytes()),
            });
        }
        dst.put_u8(b'\n');
    }
    // Writing to a BytesMut cannot fail.
    let _ = write!(dst, "{CONTENT_LENGTH}:{}\n\n", frame.body.len());
    dst.put_slice(&frame.body);
    dst.put_u8(0);
    Ok(())
}

impl Encoder<Frame> for StompCodec {
    type Error = FrameError;

    fn encode(&mut self, frame: Frame, dst: &mut BytesMut) -> Result<(), FrameError> {
        self.encode(&frame, dst)
    }
}

impl Encoder<Item> for StompCodec {
    type Error = FrameError;

    /// A heartbeat is a bare LF (STOMP 1.2 "Heart-beating").
    fn encode(&mut self, item: Item, dst: &mut BytesMut) -> Result<(), FrameError> {
        match item {
            Item::Frame(frame) => self.encode(&frame, dst),
            Item::Heartbeat => {
                dst.put_u8(b'\n');
                Ok(())
            }
        }
    }
}
