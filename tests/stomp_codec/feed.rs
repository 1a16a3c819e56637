//! Driving the codec the way `FramedRead` does: bytes arrive in chunks, and after each
//! chunk the decoder is asked for items until it wants more.

use amqp_tui::stomp::{Frame, FrameError, Item, StompCodec};
use bytes::BytesMut;
use proptest::test_runner::Config;
use tokio_util::codec::{Decoder, Encoder};

/// Feeds `chunks` to `codec`, decoding after each, then ends the stream: the items, or
/// the first error.
pub fn decode_chunks<'a>(
    codec: &mut StompCodec,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<Item>, FrameError> {
    let mut src = BytesMut::new();
    let mut items = Vec::new();
    for chunk in chunks {
        src.extend_from_slice(chunk);
        while let Some(item) = codec.decode(&mut src)? {
            items.push(item);
        }
    }
    while let Some(item) = codec.decode_eof(&mut src)? {
        items.push(item);
    }
    Ok(items)
}

/// `wire` decoded by a default codec in one piece.
pub fn decode(wire: &[u8]) -> Result<Vec<Item>, FrameError> {
    decode_chunks(&mut StompCodec::default(), [wire])
}

/// The one frame `wire` holds (heartbeats after it allowed), or the error.
pub fn decode_frame(wire: &[u8]) -> Result<Frame, FrameError> {
    let items = decode(wire)?;
    let mut frames = items.into_iter().filter_map(|item| match item {
        Item::Frame(frame) => Some(frame),
        Item::Heartbeat => None,
    });
    let frame = frames.next().expect("a frame");
    assert_eq!(frames.next(), None, "one frame");
    Ok(frame)
}

/// The wire bytes of `items`.
pub fn encode(items: &[Item]) -> Vec<u8> {
    let mut codec = StompCodec::default();
    let mut dst = BytesMut::new();
    for item in items {
        codec.encode(item.clone(), &mut dst).expect("encodable");
    }
    dst.to_vec()
}

/// `bytes` cut into pieces of the given sizes, used in turn (0 counts as 1).
pub fn chunked<'a>(bytes: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    assert!(!sizes.is_empty(), "at least one chunk size");
    let mut out = Vec::new();
    let mut rest = bytes;
    for size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at((*size).clamp(1, rest.len()));
        out.push(chunk);
        rest = tail;
    }
    out
}

/// The frame's header block with CR LF line ends instead of LF (the body untouched): the
/// block ends at the first blank line, as headers never hold a raw LF.
pub fn with_crlf(wire: &[u8]) -> Vec<u8> {
    let end = wire
        .windows(2)
        .position(|w| w == b"\n\n")
        .expect("a header block")
        + 2;
    let mut out = Vec::with_capacity(wire.len() + 64);
    for &byte in &wire[..end] {
        if byte == b'\n' {
            out.push(b'\r');
        }
        out.push(byte);
    }
    out.extend_from_slice(&wire[end..]);
    out
}

/// `cases` cases (or `PROPTEST_CASES`), and no seed files: a failure prints its minimal
/// input, and files of seeds would litter the tree.
pub fn cases(cases: u32) -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..Config::default()
    }
}
