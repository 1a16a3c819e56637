//! A broken or hostile server: each way of going wrong ends with its own error, memory
//! stays within the limits whatever arrives, and no input panics.

use std::time::{Duration, Instant};

use amqp_tui::stomp::{FrameError, Item, Limits, StompCodec};
use bytes::BytesMut;
use proptest::prelude::*;
use tokio_util::codec::Decoder;

use crate::feed::{decode, decode_chunks};

const LINE: usize = Limits::DEFAULT_MAX_HEADER_LINE;

/// Feeds `chunk` `times` times after `head`, decoding after each; returns the error and
/// the most the buffer held before it, or panics if all of it decodes without one.
fn feed_until_error(head: &[u8], chunk: &[u8], times: usize) -> (FrameError, usize) {
    let mut codec = StompCodec::default();
    let mut src = BytesMut::from(head);
    let mut most = src.len();
    for _ in 0..=times {
        loop {
            match codec.decode(&mut src) {
                Ok(Some(_)) => continue,
                Ok(None) => break,
                Err(err) => return (err, most),
            }
        }
        src.extend_from_slice(chunk);
        most = most.max(src.len());
    }
    panic!(
        "{} bytes decoded without an error",
        head.len() + times * chunk.len()
    );
}

#[test]
fn an_endless_header_line_fails_once_the_buffer_passes_the_limit() {
    const CHUNK: usize = 64 * 1024;
    // 10 MiB with no line end, arriving 64 KiB at a time.
    let (err, most) = feed_until_error(b"MESSAGE\nx-endless:", &[b'a'; CHUNK], 160);
    assert_eq!(err, FrameError::HeaderLineTooLong { limit: LINE });
    assert!(most <= LINE + 1 + CHUNK, "the buffer reached {most} bytes");
}

#[test]
fn an_endless_first_line_is_no_stomp_command() {
    let (err, most) = feed_until_error(b"", &[b'A'; 1024], 10 * 1024);
    assert_eq!(
        err,
        FrameError::UnknownCommand {
            line: format!("{}…", "A".repeat(40))
        }
    );
    assert!(
        most <= 1024,
        "refused within the first chunk, at {most} bytes"
    );
}

#[test]
fn an_http_reply_is_named_as_what_it_is() {
    let err = decode(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
    assert_eq!(
        err,
        Err(FrameError::UnknownCommand {
            line: "HTTP/1.1 400 Bad Request".into()
        })
    );
}

#[test]
fn a_huge_content_length_fails_before_memory_is_reserved() {
    let mut codec = StompCodec::default();
    let mut src = BytesMut::from(&b"MESSAGE\ncontent-length:18446744073709551615\n\n"[..]);
    let err = codec.decode(&mut src);
    assert_eq!(
        err,
        Err(FrameError::BodyTooLarge {
            length: u64::MAX,
            limit: Limits::DEFAULT_MAX_BODY
        })
    );
    assert!(src.capacity() < 1024, "reserved {} bytes", src.capacity());
    // Longer than u64 is just as large.
    let err = decode(b"MESSAGE\ncontent-length:99999999999999999999999\n\n\0");
    assert!(matches!(
        err,
        Err(FrameError::BodyTooLarge {
            length: u64::MAX,
            ..
        })
    ));
}

/// A content-length within the limit is still only a claim until its bytes come: the
/// decoder sets aside 16 MiB at most for it, not the whole 128 MiB.
#[test]
fn a_large_content_length_reserves_memory_step_by_step() {
    let mut codec = StompCodec::default();
    let claim = format!("MESSAGE\ncontent-length:{}\n\n", Limits::DEFAULT_MAX_BODY);
    let mut src = BytesMut::from(claim.as_bytes());
    assert_eq!(codec.decode(&mut src), Ok(None));
    let most = 16 * 1024 * 1024 + claim.len();
    assert!(src.capacity() <= most, "reserved {} bytes", src.capacity());
    assert!(src.capacity() > 1024 * 1024, "room for the body set aside");
}

/// A MESSAGE frame with `n` distinct headers.
fn with_headers(n: usize) -> Vec<u8> {
    let mut wire = b"MESSAGE\n".to_vec();
    for i in 0..n {
        wire.extend_from_slice(format!("h{i}:v\n").as_bytes());
    }
    wire.extend_from_slice(b"\n\0");
    wire
}

#[test]
fn the_header_after_the_limit_fails() {
    let limit = Limits::DEFAULT_MAX_HEADERS;
    let items = decode(&with_headers(limit)).expect("exactly the limit is fine");
    assert!(matches!(&items[..], [Item::Frame(f)] if f.headers.len() == limit));
    assert_eq!(
        decode(&with_headers(limit + 1)),
        Err(FrameError::TooManyHeaders { limit })
    );
    assert_eq!(
        decode(&with_headers(10_000)),
        Err(FrameError::TooManyHeaders { limit })
    );
}

#[test]
fn a_frame_without_its_nul_after_content_length_fails() {
    assert_eq!(
        decode(b"MESSAGE\ncontent-length:3\n\nabcMESSAGE\n\n\0"),
        Err(FrameError::MissingNul { found: b'M' })
    );
}

#[test]
fn a_body_without_content_length_fails_once_past_the_limit() {
    let mut codec = StompCodec::new(Limits::new(10, 64, 1000));
    let chunks = [&b"MESSAGE\n\n"[..]]
        .into_iter()
        .chain([&[b'b'; 100][..]; 20]);
    assert_eq!(
        decode_chunks(&mut codec, chunks),
        Err(FrameError::BodyTooLarge {
            length: 1100,
            limit: 1000
        })
    );
}

#[test]
fn each_malformed_header_says_what_is_wrong() {
    let cases: [(&[u8], FrameError); 6] = [
        (
            b"MESSAGE\nbad:a\\tb\n\n\0",
            FrameError::BadEscape {
                sequence: "\\t".into(),
            },
        ),
        (
            b"MESSAGE\nbad:ends\\\n\n\0",
            FrameError::BadEscape {
                sequence: "\\".into(),
            },
        ),
        (
            b"MESSAGE\ncontent-length:12a\n\n\0",
            FrameError::BadContentLength {
                value: "12a".into(),
            },
        ),
        (
            b"MESSAGE\ncontent-length:-1\n\n\0",
            FrameError::BadContentLength { value: "-1".into() },
        ),
        (
            b"MESSAGE\nno colon here\n\n\0",
            FrameError::HeaderWithoutColon {
                line: "no colon here".into(),
            },
        ),
        (b"MESSAGE\nbad:a\rb\n\n\0", FrameError::BareCarriageReturn),
    ];
    for (wire, want) in cases {
        assert_eq!(decode(wire), Err(want), "{}", String::from_utf8_lossy(wire));
    }
}

#[test]
fn a_stream_cut_inside_a_frame_is_truncated() {
    for wire in [
        &b"MESS"[..],
        b"MESSAGE\nfoo:bar\n",
        b"MESSAGE\n\nbody",
        b"\r",
    ] {
        assert_eq!(decode(wire), Err(FrameError::Truncated), "{wire:?}");
    }
}

/// A frame arriving in small pieces costs linear time: each byte is searched once. A
/// search from the start at every piece would take minutes here, not milliseconds.
#[test]
fn a_big_frame_arriving_in_small_pieces_is_not_searched_again() {
    let started = Instant::now();
    let body = vec![b'b'; 8 * 1024 * 1024];
    let chunks = [&b"MESSAGE\n\n"[..]]
        .into_iter()
        .chain(body.chunks(1024))
        .chain([&b"\0"[..]]);
    let items = decode_chunks(&mut StompCodec::default(), chunks).expect("valid");
    assert!(matches!(&items[..], [Item::Frame(f)] if f.body.len() == body.len()));

    let line = [
        b"SEND\nlong:".to_vec(),
        vec![b'v'; 200 * 1024],
        b"\n\n\0".to_vec(),
    ]
    .concat();
    let items = decode_chunks(&mut StompCodec::default(), line.chunks(1)).expect("valid");
    assert_eq!(items.len(), 1);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

/// Found by the property below: decoding on after an error (here a header line over the
/// limit, starting with a NUL, fed a byte at a time) gives errors or items, never a panic.
#[test]
fn decoding_on_after_an_error_does_not_panic() {
    let mut codec = StompCodec::new(Limits::new(4, 32, 64));
    let wire = [&b"MESSAGE\n\0content-length:"[..], &[b'9'; 40], b"\n"].concat();
    let mut src = BytesMut::new();
    let mut refused = None;
    for &byte in &wire {
        src.extend_from_slice(&[byte]);
        if let Err(err) = codec.decode(&mut src) {
            refused = Some(err);
            break;
        }
    }
    assert_eq!(refused, Some(FrameError::HeaderLineTooLong { limit: 32 }));
    assert!(codec.decode_eof(&mut src).is_err(), "the rest is no frame");
}

/// Byte soup with enough STOMP in it to reach every state of the decoder.
fn soup() -> impl Strategy<Value = Vec<u8>> {
    let tokens: Vec<&[u8]> = vec![
        b"MESSAGE\n",
        b"CONNECTED\n",
        b"SEND\r\n",
        b"content-length:",
        b"content-length:3\n",
        b"content-length:99999999999999999999\n",
        b"h:v\n",
        b"\\",
        b"\\c",
        b"\\t",
        b":",
        b"\n",
        b"\r",
        b"\r\n",
        b"\0",
        b"\xff",
    ];
    let token = prop_oneof![
        prop::sample::select(tokens).prop_map(<[u8]>::to_vec),
        prop::collection::vec(any::<u8>(), 0..24),
    ];
    prop::collection::vec(token, 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(crate::feed::cases(512))]

    /// No input panics, and between calls the buffer never holds more than one line or
    /// one body may: the decoder takes all it can and refuses more than the limits.
    #[test]
    fn any_bytes_decode_without_panic_within_the_limits(
        wire in soup(),
        sizes in prop::collection::vec(1usize..64, 1..6),
    ) {
        let limits = Limits::new(4, 32, 64);
        let mut codec = StompCodec::new(limits);
        let mut src = BytesMut::new();
        'feed: for chunk in crate::feed::chunked(&wire, &sizes) {
            src.extend_from_slice(chunk);
            loop {
                match codec.decode(&mut src) {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(_) => break 'feed,
                }
            }
            prop_assert!(src.len() <= (limits.max_header_line + 1).max(limits.max_body));
            prop_assert!(src.capacity() <= 4096, "capacity {}", src.capacity());
        }
        let _ = codec.decode_eof(&mut src);
    }
}

/// Network text in an error is cut short and its control characters made visible, so the
/// message can go to the status line or a log as it is.
#[test]
fn errors_show_network_text_safely() {
    let err = decode(b"\x1b]0;owned\x07\n").expect_err("not STOMP");
    assert_eq!(
        err.to_string(),
        "the server sent '\\e]0;owned\\u{7}', which is not a STOMP frame: is this port a \
         STOMP listener, and is TLS on exactly when the port expects it?"
    );
    let err = decode(b"MESSAGE\nk:a\\tb\n\n\0").expect_err("bad escape");
    assert_eq!(
        err.to_string(),
        "the server sent a STOMP header with the undefined escape '\\t' (STOMP 1.2 defines \
         only \\\\, \\n, \\r and \\c)"
    );
    let line = [&b"MESSAGE\n"[..], &[b'x'; 100], b"\n\n\0"].concat();
    let Err(FrameError::HeaderWithoutColon { line }) = decode(&line) else {
        panic!("a line without a colon")
    };
    assert_eq!(line, format!("{}…", "x".repeat(40)));
}
