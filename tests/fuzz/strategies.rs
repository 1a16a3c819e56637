//! Hostile input: characters a terminal would act on, text that looks like JSON or TOML,
//! bytes that are not UTF-8, header values of every kind, and mutations of valid input.

use amqp_tui::session::{Properties, Value};
use proptest::{collection::vec, prelude::*};

/// Characters that control, reorder or hide text, and their neighbours that do not.
pub fn hostile_char() -> impl Strategy<Value = char> {
    let specials: Vec<char> = [
        0x1b, 0x07, 0x08, 0x0a, 0x0d, 0x00, 0x7f, 0x85, 0x9b, 0x9d, 0x9c, 0xad, 0x061c, 0x180e,
        0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d,
        0x202e, 0x2060, 0x2061, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0x206a, 0x206f, 0xfeff,
        0xfff9, 0xfffb, 0xe0001, 0xe0041, 0xe007f, 0x1d173,
    ]
    .into_iter()
    .filter_map(char::from_u32)
    .collect();
    prop_oneof![
        4 => proptest::sample::select(specials),
        2 => (0u32..0x20).prop_map(|c| char::from_u32(c).expect("C0")),
        2 => (0x80u32..0xa0).prop_map(|c| char::from_u32(c).expect("C1")),
        3 => proptest::sample::select(b"\\\"[]{}:,;=#'%@/.?&x0 ".map(char::from).to_vec()),
        2 => any::<char>(),
    ]
}

/// Whole escape sequences as terminals parse them, so that a half-escaped one would show.
fn escape_sequence() -> impl Strategy<Value = String> {
    proptest::sample::select(vec![
        "\x1b[2J",
        "\x1b[31m",
        "\x1b]0;title\x07",
        "\x1b]8;;http://x\x1b\\",
        "\u{9b}2J",
        "\x1bP+q\x1b\\",
        "\u{202e}gnp.exe",
        "\u{2066}\u{2069}",
        "a\u{200d}b",
        "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}",
        "\u{1f3f3}\u{fe0f}\u{200d}\u{1f308}",
        "\\e[31m",
        "\\u001b",
        "%1b%5b2J",
    ])
    .prop_map(String::from)
}

pub fn hostile_string(max: usize) -> impl Strategy<Value = String> {
    vec(
        prop_oneof![
            3 => hostile_char().prop_map(String::from),
            1 => escape_sequence(),
        ],
        0..max,
    )
    .prop_map(|parts| parts.concat())
}

/// Text made of JSON's punctuation and literals with hostile strings inside.
fn json_like() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        proptest::sample::select(vec![
            "{",
            "}",
            "[",
            "]",
            "\"",
            ":",
            ",",
            " ",
            "\n",
            "1",
            "-0.5e3",
            "true",
            "null",
            "\"k\": ",
            "\"\\u001b[2J\"",
            "\"\\ud800\"",
            "\\",
        ])
        .prop_map(String::from),
        hostile_string(8).prop_map(|s| format!("\"{s}\"")),
    ];
    vec(token, 0..60).prop_map(|tokens| tokens.concat().into_bytes())
}

/// Bytes that are not UTF-8: lone continuation bytes, overlong forms, surrogates, cut
/// characters, between hostile text.
fn broken_utf8() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        proptest::sample::select(vec![
            &[0xffu8][..],
            &[0x80],
            &[0xc0, 0x80],
            &[0xed, 0xa0, 0x80],
            &[0xe2, 0x80],
            &[0xf4, 0x90, 0x80, 0x80],
            &[0xc2, 0x9b],
            &[0xe2, 0x80, 0xae],
        ])
        .prop_map(<[u8]>::to_vec),
        hostile_string(6).prop_map(String::into_bytes),
    ];
    vec(piece, 0..30).prop_map(|pieces| pieces.concat())
}

pub fn hostile_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        hostile_string(200).prop_map(String::into_bytes),
        json_like(),
        broken_utf8(),
        vec(any::<u8>(), 0..600),
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<i8>().prop_map(Value::I8),
        any::<u8>().prop_map(Value::U8),
        any::<i16>().prop_map(Value::I16),
        any::<u16>().prop_map(Value::U16),
        any::<i32>().prop_map(Value::I32),
        any::<u32>().prop_map(Value::U32),
        any::<i64>().prop_map(Value::I64),
        any::<u32>().prop_map(Value::F32Bits),
        any::<u64>().prop_map(Value::F64Bits),
        (any::<u8>(), any::<u32>()).prop_map(|(scale, value)| Value::Decimal { scale, value }),
        hostile_string(40).prop_map(Value::ShortString),
        prop_oneof![
            hostile_string(40).prop_map(String::into_bytes),
            broken_utf8(),
            hostile_string(400).prop_map(String::into_bytes),
        ]
        .prop_map(Value::LongString),
        any::<u64>().prop_map(Value::Timestamp),
        vec(any::<u8>(), 0..100).prop_map(Value::ByteArray),
        Just(Value::Void),
    ]
}

pub fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec((hostile_string(12), inner), 0..6).prop_map(Value::Table),
        ]
    })
}

pub fn table() -> impl Strategy<Value = Vec<(String, Value)>> {
    vec((hostile_string(16), value()), 0..8)
}

pub fn properties() -> impl Strategy<Value = Properties> {
    let text = || proptest::option::of(hostile_string(30));
    (
        (text(), text(), proptest::option::of(table())),
        (
            proptest::option::of(any::<u8>()),
            proptest::option::of(any::<u8>()),
        ),
        (text(), text(), text(), text()),
        (proptest::option::of(any::<u64>()), text(), text(), text()),
    )
        .prop_map(
            |(
                (content_type, content_encoding, headers),
                (delivery_mode, priority),
                (correlation_id, reply_to, expiration, message_id),
                (timestamp, kind, user_id, app_id),
            )| Properties {
                content_type,
                content_encoding,
                headers,
                delivery_mode,
                priority,
                correlation_id,
                reply_to,
                expiration,
                message_id,
                timestamp,
                kind,
                user_id,
                app_id,
            },
        )
}

/// One edit of a valid input: what a typo, a truncated paste or an attacker makes of it.
#[derive(Clone, Debug)]
pub enum Mutation {
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Replace(usize, u8),
    Duplicate(usize, usize),
}

pub fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let one = prop_oneof![
        (
            any::<usize>(),
            hostile_string(8).prop_map(String::into_bytes)
        )
            .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
        (any::<usize>(), 0usize..20).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Replace(at, b)),
        (any::<usize>(), 0usize..40).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
    ];
    vec(one, 1..6)
}

pub fn mutate(valid: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = valid.as_bytes().to_vec();
    for m in mutations {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
        match m {
            Mutation::Insert(i, new) => {
                let i = at(*i, bytes.len());
                bytes.splice(i..i, new.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let i = at(*i, bytes.len());
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
            Mutation::Replace(i, b) => {
                if !bytes.is_empty() {
                    let i = i % bytes.len();
                    bytes[i] = *b;
                }
            }
            Mutation::Duplicate(i, n) => {
                let i = at(*i, bytes.len());
                let end = (i + n).min(bytes.len());
                let copy = bytes[i..end].to_vec();
                bytes.splice(end..end, copy);
            }
        }
    }
    bytes
}
