//! The STOMP 1.2 frame codec (`amqp_tui::stomp`) on its own: round trips of arbitrary
//! frames, streams cut anywhere, line ends, escaping, repeated headers, frames as
//! RabbitMQ 3.10 writes them; hostile input in `stomp_codec/hostile.rs`.
//!
//! The case counts keep the file to seconds in a debug build; `PROPTEST_CASES=N` runs
//! more.

#[path = "stomp_codec/feed.rs"]
mod feed;
#[path = "stomp_codec/hostile.rs"]
mod hostile;

use amqp_tui::stomp::{Command, Frame, FrameError, Item, Limits, StompCodec};
use bytes::BytesMut;
use feed::{chunked, decode, decode_chunks, decode_frame, encode, with_crlf};
use proptest::prelude::*;
use tokio_util::codec::Encoder;

/// Header text: every byte STOMP escapes, heavily weighted, among arbitrary unicode.
fn text(escapes: bool) -> impl Strategy<Value = String> {
    let special = if escapes {
        prop_oneof![Just('\\'), Just('\n'), Just('\r'), Just(':')].boxed()
    } else {
        // CONNECT and CONNECTED are not escaped: a backslash or colon stays as it is.
        prop_oneof![Just('\\'), Just(':')].boxed()
    };
    // Unescaped text cannot hold a line break: it would end the header.
    let fits = move |c: char| escapes || (c != '\n' && c != '\r');
    prop::collection::vec(prop_oneof![special, any::<char>()], 0..12)
        .prop_map(move |chars| chars.into_iter().filter(|&c| fits(c)).collect())
}

/// A frame of any command, with headers its command can carry and a binary body.
fn frame() -> impl Strategy<Value = Frame> {
    prop::sample::select(Command::ALL.to_vec()).prop_flat_map(|command| {
        let escapes = command.escapes_headers();
        // An unescaped name cannot hold a colon: it would end the name.
        let name = text(escapes).prop_map(move |name| match escapes {
            true => name,
            false => name.replace(':', ";"),
        });
        let headers = prop::collection::vec((name, text(escapes)), 0..6);
        let body = prop::collection::vec(prop_oneof![Just(0u8), any::<u8>()], 0..200);
        (headers, body).prop_map(move |(headers, body)| Frame {
            command,
            // content-length is framing, never one of the frame's headers.
            headers: headers
                .into_iter()
                .filter(|(name, _)| name != "content-length")
                .collect(),
            body,
        })
    })
}

/// Frames with heartbeats between them, as a server sends them.
fn stream() -> impl Strategy<Value = Vec<Item>> {
    let item = prop_oneof![1 => Just(Item::Heartbeat), 3 => frame().prop_map(Item::Frame)];
    prop::collection::vec(item, 0..8)
}

proptest! {
    #![proptest_config(feed::cases(256))]

    #[test]
    fn a_frame_decodes_to_itself(frame in frame()) {
        let wire = encode(&[Item::Frame(frame.clone())]);
        prop_assert_eq!(decode(&wire), Ok(vec![Item::Frame(frame)]));
    }

    #[test]
    fn crlf_line_ends_decode_like_lf(frame in frame()) {
        let wire = with_crlf(&encode(&[Item::Frame(frame.clone())]));
        prop_assert_eq!(decode(&wire), Ok(vec![Item::Frame(frame)]));
    }

    #[test]
    fn a_stream_decodes_the_same_however_it_is_cut(
        items in stream(),
        sizes in prop::collection::vec(1usize..40, 1..8),
    ) {
        let wire = encode(&items);
        let chunks = chunked(&wire, &sizes);
        prop_assert_eq!(decode_chunks(&mut StompCodec::default(), chunks), Ok(items));
    }
}

#[test]
fn a_stream_decodes_the_same_cut_at_every_byte() {
    let items = vec![
        Item::Heartbeat,
        Item::Frame(rabbitmq_message()),
        Item::Heartbeat,
        Item::Heartbeat,
        Item::Frame(Frame::new(Command::Receipt).with_header("receipt-id", "r:1\\x\n")),
        Item::Frame(Frame::new(Command::Connected).with_header("server", "a\\b:c")),
        Item::Frame(Frame::new(Command::Error).with_body(&b"\0\0nul\0"[..])),
    ];
    // A CR LF heartbeat and a CR LF frame too, whose CR may end a read.
    let crlf = Frame::new(Command::Message).with_header("k", "v");
    let wire = [
        &encode(&items)[..],
        b"\r\n",
        &with_crlf(&encode(&[Item::Frame(crlf.clone())])),
    ]
    .concat();
    let items = [items, vec![Item::Heartbeat, Item::Frame(crlf)]].concat();
    for at in 0..=wire.len() {
        let (head, tail) = wire.split_at(at);
        let got = decode_chunks(&mut StompCodec::default(), [head, tail]);
        assert_eq!(got.as_ref(), Ok(&items), "cut at byte {at}");
    }
    let bytewise = decode_chunks(&mut StompCodec::default(), wire.chunks(1));
    assert_eq!(bytewise, Ok(items), "one byte at a time");
}

#[test]
fn crlf_heartbeats_and_frames_decode_like_lf_ones() {
    let wire = b"\r\nMESSAGE\r\ndestination:/queue/q\r\ncontent-length:2\r\n\r\nhi\0\r\n";
    let frame = Frame::new(Command::Message)
        .with_header("destination", "/queue/q")
        .with_body(&b"hi"[..]);
    assert_eq!(
        decode(wire),
        Ok(vec![Item::Heartbeat, Item::Frame(frame), Item::Heartbeat])
    );
}

#[test]
fn connect_and_connected_headers_are_not_unescaped() {
    let connected = decode_frame(b"CONNECTED\nversion:1.2\nserver:a\\cb\\\\c\n\n\0");
    let frame = connected.expect("valid");
    assert_eq!(frame.header("server"), Some("a\\cb\\\\c"));
    // The same bytes in an escaped frame mean a colon and one backslash.
    let message = decode_frame(b"MESSAGE\nserver:a\\cb\\\\c\n\n\0").expect("valid");
    assert_eq!(message.header("server"), Some("a:b\\c"));

    let mut wire = BytesMut::new();
    let connect = Frame::new(Command::Connect).with_header("passcode", "p\\w:d");
    StompCodec::default()
        .encode(&connect, &mut wire)
        .expect("encodable");
    assert_eq!(
        &wire[..],
        b"CONNECT\npasscode:p\\w:d\ncontent-length:0\n\n\0"
    );
}

#[test]
fn connect_headers_that_only_escaping_could_carry_are_refused() {
    let mut wire = BytesMut::from(&b"kept"[..]);
    let connect = Frame::new(Command::Connect).with_header("login", "a\nb");
    let err = StompCodec::default().encode(&connect, &mut wire);
    assert_eq!(
        err,
        Err(FrameError::Unencodable {
            command: "CONNECT",
            name: "login".into()
        })
    );
    assert_eq!(
        &wire[..],
        b"kept",
        "nothing of the refused frame is written"
    );
}

#[test]
fn escaped_headers_are_written_escaped() {
    let mut wire = BytesMut::new();
    let send = Frame::new(Command::Send).with_header("a:b", "c\\d\ne\rf");
    StompCodec::default()
        .encode(&send, &mut wire)
        .expect("encodable");
    assert_eq!(
        &wire[..],
        b"SEND\na\\cb:c\\\\d\\ne\\rf\ncontent-length:0\n\n\0"
    );
}

#[test]
fn the_first_of_repeated_headers_wins_and_the_rest_are_kept() {
    let frame = decode_frame(b"MESSAGE\nfoo:1\nfoo:2\n\n\0").expect("valid");
    assert_eq!(frame.header("foo"), Some("1"));
    assert_eq!(frame.headers.len(), 2, "later copies stay as history");
    // A repeated content-length: the first counts, so the body is three bytes.
    let frame =
        decode_frame(b"MESSAGE\ncontent-length:3\ncontent-length:1\n\na\0c\0").expect("valid");
    assert_eq!(frame.body, b"a\0c");
    assert_eq!(
        frame.header("content-length"),
        None,
        "framing, not a header"
    );
}

#[test]
fn without_content_length_the_body_ends_at_the_first_nul() {
    // NULs and line ends after a frame are noise and heartbeats, as in RabbitMQ's parser.
    let items = decode(b"MESSAGE\nfoo:bar\n\nab\0\0\0\n");
    let frame = Frame::new(Command::Message)
        .with_header("foo", "bar")
        .with_body(&b"ab"[..]);
    assert_eq!(items, Ok(vec![Item::Frame(frame), Item::Heartbeat]));
}

/// RabbitMQ copies an AMQP publisher's string headers into a MESSAGE byte for byte, and
/// AMQP strings need not be UTF-8: such a frame is a legal message, kept, not an error.
#[test]
fn header_bytes_that_are_not_utf8_become_replacement_characters() {
    let frame = decode_frame(b"MESSAGE\nx-trace\xff:a\xfe\\cb\n\nbody\0").expect("kept");
    assert_eq!(frame.header("x-trace\u{fffd}"), Some("a\u{fffd}:b"));
    assert_eq!(frame.body, b"body");
    let frame = decode_frame(b"CONNECTED\nserver:\xc3(\n\n\0").expect("kept");
    assert_eq!(frame.header("server"), Some("\u{fffd}("));
}

#[test]
fn a_heartbeat_is_encoded_as_a_bare_line_feed() {
    let mut wire = BytesMut::new();
    StompCodec::default()
        .encode(Item::Heartbeat, &mut wire)
        .expect("encodable");
    assert_eq!(&wire[..], b"\n");
}

/// A MESSAGE as RabbitMQ 3.10.8 sends one to a `client-individual` subscriber of
/// `/topic/test.#`: with `persistent`, `content-type` and its LF after the NUL.
fn rabbitmq_message() -> Frame {
    Frame::new(Command::Message)
        .with_header("subscription", "sub-0")
        .with_header("destination", "/topic/test.any")
        .with_header("message-id", "T_sub-0@@session-F7yQ6HK6nHH2hVBvC8_Ahw@@1")
        .with_header("redelivered", "false")
        .with_header("ack", "T_sub-0@@session-F7yQ6HK6nHH2hVBvC8_Ahw@@1")
        .with_header("content-type", "text/plain")
        .with_header("persistent", "true")
        .with_body(&b"hello"[..])
}

#[test]
fn frames_as_rabbitmq_writes_them_decode() {
    let connected = b"CONNECTED\nserver:RabbitMQ/3.10.8\nsession:session-abc\nheart-beat:0,0\nversion:1.2\n\n\0";
    let frame = decode_frame(connected).expect("valid");
    assert_eq!(frame.command, Command::Connected);
    assert_eq!(frame.header("server"), Some("RabbitMQ/3.10.8"));
    assert_eq!(frame.header("heart-beat"), Some("0,0"));
    assert_eq!(frame.header("version"), Some("1.2"));
    assert!(frame.body.is_empty());

    let message = b"MESSAGE\nsubscription:sub-0\ndestination:/topic/test.any\n\
message-id:T_sub-0@@session-F7yQ6HK6nHH2hVBvC8_Ahw@@1\nredelivered:false\n\
ack:T_sub-0@@session-F7yQ6HK6nHH2hVBvC8_Ahw@@1\ncontent-type:text/plain\npersistent:true\n\
content-length:5\n\nhello\0\n";
    assert_eq!(
        decode(message),
        Ok(vec![Item::Frame(rabbitmq_message()), Item::Heartbeat]),
        "RabbitMQ writes a LF after each frame's NUL: a heartbeat to us"
    );
}

#[test]
fn limits_have_documented_defaults_and_can_be_chosen() {
    assert_eq!(StompCodec::default().limits(), Limits::default());
    assert_eq!(Limits::default().max_body, 128 * 1024 * 1024);
    let small = Limits::new(2, 16, 8);
    assert_eq!(StompCodec::new(small).limits(), small);
}
