use super::*;
use crate::text::is_unsafe;

fn texts(lines: &[Line<'_>]) -> Vec<String> {
    lines.iter().map(ToString::to_string).collect()
}

#[test]
fn every_set_property_gets_a_line_in_protocol_order() {
    let props = Properties {
        content_type: Some("application/json".into()),
        content_encoding: Some("gzip".into()),
        headers: Some(vec![("x".into(), Value::I32(1))]),
        delivery_mode: Some(2),
        priority: Some(7),
        correlation_id: Some("c-1".into()),
        reply_to: Some("amq.rabbitmq.reply-to".into()),
        expiration: Some("60000".into()),
        message_id: Some("m\x1b[2J".into()),
        timestamp: Some(1_700_000_000),
        kind: Some("order.created".into()),
        user_id: Some("guest".into()),
        app_id: Some("amqp-tui".into()),
    };
    assert_eq!(
        property_lines(&props),
        [
            ("content-type", "application/json".to_string()),
            ("content-encoding", "gzip".into()),
            ("headers", "1 entry".into()),
            ("delivery-mode", "2 (persistent)".into()),
            ("priority", "7".into()),
            ("correlation-id", "c-1".into()),
            ("reply-to", "amq.rabbitmq.reply-to".into()),
            ("expiration", "60000 ms".into()),
            ("message-id", "m\\e[2J".into()),
            ("timestamp", "1700000000 (2023-11-14 22:13:20 UTC)".into()),
            ("type", "order.created".into()),
            ("user-id", "guest".into()),
            ("app-id", "amqp-tui".into()),
        ]
    );
}

#[test]
fn unset_properties_are_left_out_and_odd_values_are_explained() {
    assert_eq!(property_lines(&Properties::default()), []);
    let odd = Properties {
        delivery_mode: Some(1),
        expiration: Some("soon\u{202e}".into()),
        timestamp: Some(u64::MAX),
        headers: Some(vec![]),
        ..Properties::default()
    };
    assert_eq!(
        property_lines(&odd),
        [
            ("headers", "0 entries".to_string()),
            ("delivery-mode", "1 (transient)".into()),
            ("expiration", "soon\\u{202e}".into()),
            ("timestamp", "18446744073709551615 (out of range)".into()),
        ]
    );
}

#[test]
fn a_dead_lettered_message_reads_like_the_management_ui() {
    let table = vec![
        (
            "x-death".to_string(),
            Value::Array(vec![Value::Table(vec![
                ("count".into(), Value::I64(1)),
                ("queue".into(), Value::LongString(b"orders".to_vec())),
                ("time".into(), Value::Timestamp(1_700_000_000)),
            ])]),
        ),
        ("format".into(), Value::LongString(b"pdf".to_vec())),
    ];
    assert_eq!(
        texts(&header_lines(&table)),
        [
            "format: longstr \"pdf\"",
            "x-death: array[1]",
            "  [0] table",
            "    count: long 1",
            "    queue: longstr \"orders\"",
            "    time: timestamp 1700000000 (2023-11-14 22:13:20 UTC)",
        ]
    );
}

#[test]
fn every_value_kind_names_its_type() {
    let table = vec![
        ("b".into(), Value::Bool(true)),
        ("i8".into(), Value::I8(-8)),
        ("u8".into(), Value::U8(8)),
        ("i16".into(), Value::I16(-16)),
        ("u16".into(), Value::U16(16)),
        ("i32".into(), Value::I32(-32)),
        ("u32".into(), Value::U32(32)),
        ("f32".into(), Value::F32Bits(1.5f32.to_bits())),
        ("f64".into(), Value::F64Bits(f64::NAN.to_bits())),
        (
            "dec".into(),
            Value::Decimal {
                scale: 2,
                value: 1999,
            },
        ),
        ("tiny".into(), Value::Decimal { scale: 3, value: 5 }),
        ("short".into(), Value::ShortString("s".into())),
        ("bin".into(), Value::LongString(vec![0xff, 0, b'a'])),
        ("empty".into(), Value::Table(vec![])),
        ("bytes".into(), Value::ByteArray(vec![1, 2, 3])),
        ("void".into(), Value::Void),
    ];
    assert_eq!(
        texts(&header_lines(&table)),
        // In natural order of their names, as every table is listed.
        [
            "b: bool true",
            "bin: longstr hex ff 00 61",
            "bytes: bytes hex 01 02 03",
            "dec: decimal 19.99",
            "empty: table (empty)",
            "f32: float 1.5",
            "f64: double NaN",
            "i8: byte -8",
            "i16: short -16",
            "i32: signedint -32",
            "short: shortstr \"s\"",
            "tiny: decimal 0.005",
            "u8: unsignedbyte 8",
            "u16: unsignedshort 16",
            "u32: unsignedint 32",
            "void: void",
        ]
    );
}

#[test]
fn hostile_names_and_values_are_made_visible_and_long_ones_cut() {
    let table = vec![
        (
            "k\x1b[31m".to_string(),
            Value::ShortString("v\u{202e}\u{9b}".into()),
        ),
        ("long".into(), Value::LongString(vec![b'x'; 1000])),
        ("blob".into(), Value::ByteArray(vec![0; 1000])),
    ];
    let lines = texts(&header_lines(&table));
    // Listed as blob, k…, long: natural order of the names.
    assert_eq!(lines[1], "k\\e[31m: shortstr \"v\\u{202e}\\u{9b}\"");
    assert!(lines[2].ends_with("xx\"… (1000 bytes)"), "{}", lines[2]);
    assert!(lines[2].len() < 300, "{}", lines[2].len());
    assert!(lines[0].ends_with("00 … (1000 bytes)"), "{}", lines[0]);
    assert!(lines.iter().all(|l| !l.chars().any(is_unsafe)));
}

#[test]
fn nesting_is_cut_at_max_depth() {
    let mut value = Value::Void;
    for _ in 0..1000 {
        value = Value::Table(vec![("t".into(), value)]);
    }
    let lines = texts(&header_lines(&vec![("top".into(), value)]));
    assert_eq!(lines.len(), MAX_DEPTH + 1, "32 levels and the ellipsis");
    assert_eq!(lines[MAX_DEPTH].trim(), "…");
    assert_eq!(lines[MAX_DEPTH - 1], format!("{}t: table", "  ".repeat(31)));
}

#[test]
fn wide_headers_are_cut_at_max_lines_and_say_how_many_more() {
    let table = vec![
        (
            "wide".into(),
            Value::Table((0..1500).map(|i| (format!("h{i}"), Value::Void)).collect()),
        ),
        ("long".into(), Value::Array(vec![Value::Void; 2000])),
    ];
    let lines = texts(&header_lines(&table));
    assert_eq!(lines.len(), MAX_LINES + 1);
    // `long` comes before `wide`.
    assert_eq!(lines[MAX_LINES - 1], format!("  [{}] void", MAX_LINES - 2));
    // 1 + 1500 + 1 + 2000 lines in all.
    assert_eq!(lines[MAX_LINES], "… 2502 more header lines");
}
