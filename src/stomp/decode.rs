//! Decoding: bytes to [`Item`]s, one state of [`State`] at a time, within the codec's
//! [`Limits`].

use bytes::{Buf, BytesMut};
use tokio_util::codec::Decoder;

use super::codec::{CONTENT_LENGTH, Limits, Pending, State, StompCodec};
use super::error::{FrameError, excerpt};
use super::escape::{text, unescape};
use super::frame::{Command, Frame, Item};

/// The most the decoder sets aside at once for a body still to come.
const RESERVE_STEP: usize = 16 * 1024 * 1024;

impl StompCodec {
    /// Takes the next whole line off `src` without its LF or CR LF, or `None` until it
    /// has arrived. A line that grows past `limit` fails with `too_long(line so far)`
    /// without waiting for its end: an endless line must not fill memory.
    fn line(
        &mut self,
        src: &mut BytesMut,
        limit: usize,
        too_long: impl FnOnce(&[u8]) -> FrameError,
    ) -> Result<Option<BytesMut>, FrameError> {
        // Clamped: a caller may clear the buffer after an error and go on.
        self.scanned = self.scanned.min(src.len());
        let Some(at) = memchr::memchr(b'\n', &src[self.scanned..]) else {
            self.scanned = src.len();
            // One byte of slack: the CR of a CR LF is not part of the line.
            if src.len() > limit.saturating_add(1) {
                return Err(too_long(src));
            }
            return Ok(None);
        };
        let end = self.scanned + at;
        self.scanned = 0;
        let mut line = src.split_to(end + 1);
        line.truncate(end);
        // STOMP 1.2 ends lines with LF or CR LF.
        if line.last() == Some(&b'\r') {
            line.truncate(end - 1);
        }
        if line.len() > limit {
            return Err(too_long(&line));
        }
        // A CR anywhere else is no line end, and RabbitMQ refuses it too: a server that
        // sends one is out of step with us.
        if memchr::memchr(b'\r', &line).is_some() {
            return Err(FrameError::BareCarriageReturn);
        }
        Ok(Some(line))
    }

    /// Takes the body and its NUL off `src`, or `None` until they have arrived.
    fn body(
        &mut self,
        src: &mut BytesMut,
        length: Option<usize>,
    ) -> Result<Option<Vec<u8>>, FrameError> {
        let end = match length {
            Some(length) => {
                if src.len() <= length {
                    // Room for the rest saves the reader growing the buffer step by step;
                    // at most RESERVE_STEP at a time, so a length that is only a claim
                    // costs no more than that until its bytes come.
                    let missing = (length - src.len()).saturating_add(1);
                    src.reserve(missing.min(RESERVE_STEP));
                    return Ok(None);
                }
                // With a content-length the body may hold NULs, but the byte after it
                // must be the frame's NUL; anything else means the length is wrong.
                if src[length] != 0 {
                    return Err(FrameError::MissingNul { found: src[length] });
                }
                length
            }
            None => {
                self.scanned = self.scanned.min(src.len());
                let Some(at) = memchr::memchr(0, &src[self.scanned..]) else {
                    self.scanned = src.len();
                    if src.len() > self.limits.max_body {
                        return Err(self.body_too_large(src.len()));
                    }
                    return Ok(None);
                };
                let end = self.scanned + at;
                self.scanned = 0;
                if end > self.limits.max_body {
                    return Err(self.body_too_large(end));
                }
                end
            }
        };
        let body = src.split_to(end).to_vec();
        src.advance(1);
        Ok(Some(body))
    }

    fn body_too_large(&self, length: usize) -> FrameError {
        FrameError::BodyTooLarge {
            length: length as u64,
            limit: self.limits.max_body,
        }
    }

    /// One call of [`Decoder::decode`]; on an error the state is left as `Idle`.
    fn decode_step(&mut self, src: &mut BytesMut) -> Result<Option<Item>, FrameError> {
        loop {
            // Taken out and put back on every path but an error, after which the stream
            // is done anyway.
            match std::mem::take(&mut self.state) {
                State::Idle => {
                    let Some(&first) = src.first() else {
                        return Ok(None);
                    };
                    match (first, src.get(1)) {
                        // NULs between frames are noise to RabbitMQ's parser; skip them.
                        (0, _) => src.advance(1),
                        (b'\n', _) => {
                            src.advance(1);
                            return Ok(Some(Item::Heartbeat));
                        }
                        (b'\r', Some(b'\n')) => {
                            src.advance(2);
                            return Ok(Some(Item::Heartbeat));
                        }
                        (b'\r', None) => return Ok(None),
                        (b'\r', Some(_)) => return Err(FrameError::BareCarriageReturn),
                        _ => {
                            // No command is longer than MAX_LEN: anything longer is some
                            // other protocol, said at once rather than after a whole line.
                            let unknown = |line: &[u8]| FrameError::UnknownCommand {
                                line: excerpt(line),
                            };
                            let Some(line) = self.line(src, Command::MAX_LEN, unknown)? else {
                                return Ok(None);
                            };
                            let command =
                                Command::from_wire(&line).ok_or_else(|| unknown(&line))?;
                            self.state = State::Headers(Pending::new(command));
                        }
                    }
                }
                State::Headers(mut pending) => {
                    let limit = self.limits.max_header_line;
                    let too_long = |_: &[u8]| FrameError::HeaderLineTooLong { limit };
                    let Some(line) = self.line(src, limit, too_long)? else {
                        self.state = State::Headers(pending);
                        return Ok(None);
                    };
                    if line.is_empty() {
                        self.state = State::Body {
                            frame: pending.frame,
                            length: pending.content_length,
                        };
                    } else {
                        pending.add(&line, &self.limits)?;
                        self.state = State::Headers(pending);
                    }
                }
                State::Body { mut frame, length } => match self.body(src, length)? {
                    Some(body) => {
                        frame.body = body;
                        return Ok(Some(Item::Frame(frame)));
                    }
                    None => {
                        self.state = State::Body { frame, length };
                        return Ok(None);
                    }
                },
            }
        }
    }
}

impl Pending {
    fn new(command: Command) -> Self {
        Self {
            frame: Frame::new(command),
            lines: 0,
            content_length: None,
        }
    }

    /// Adds one header line (`name:value`) to the frame.
    fn add(&mut self, line: &[u8], limits: &Limits) -> Result<(), FrameError> {
        if self.lines >= limits.max_headers {
            return Err(FrameError::TooManyHeaders {
                limit: limits.max_headers,
            });
        }
        self.lines += 1;
        // The first colon ends the name: a colon in an escaped name is `\c`, and
        // RabbitMQ accepts bare colons in values, so we do too.
        let colon = memchr::memchr(b':', line).ok_or_else(|| FrameError::HeaderWithoutColon {
            line: excerpt(line),
        })?;
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        let (name, value) = if self.frame.command.escapes_headers() {
            (unescape(name)?, unescape(value)?)
        } else {
            (text(name.to_vec()), text(value.to_vec()))
        };
        if name != CONTENT_LENGTH {
            self.frame.headers.push((name, value));
        } else if self.content_length.is_none() {
            // The first content-length counts, like any repeated header.
            self.content_length = Some(content_length(&value, limits)?);
        }
        Ok(())
    }
}

/// The body length a content-length value gives, checked against the limit here, before
/// any memory is set aside for it (`content-length: 18446744073709551615` must fail,
/// not allocate). RabbitMQ trims spaces around the number; so do we.
fn content_length(value: &str, limits: &Limits) -> Result<usize, FrameError> {
    let digits = value.trim_matches(|c| c == ' ' || c == '\t');
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FrameError::BadContentLength {
            value: excerpt(value.as_bytes()),
        });
    }
    // Saturating: a number too long for u64 is still just "too large".
    let length = digits.bytes().fold(0u64, |n, d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    });
    match usize::try_from(length) {
        Ok(length) if length <= limits.max_body => Ok(length),
        _ => Err(FrameError::BodyTooLarge {
            length,
            limit: limits.max_body,
        }),
    }
}

impl Decoder for StompCodec {
    type Item = Item;
    type Error = FrameError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Item>, FrameError> {
        let decoded = self.decode_step(src);
        if decoded.is_err() {
            // The frame in hand is lost; whoever goes on reading starts afresh.
            self.scanned = 0;
        }
        decoded
    }

    /// At the end of the stream, anything but a clean stop between frames is a frame cut
    /// short: say so, rather than tokio_util's generic "bytes remaining on stream".
    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Item>, FrameError> {
        match self.decode(src)? {
            Some(item) => Ok(Some(item)),
            None if src.is_empty() && matches!(self.state, State::Idle) => Ok(None),
            None => Err(FrameError::Truncated),
        }
    }
}
