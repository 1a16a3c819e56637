use super::*;

fn s(text: &str) -> Value {
    Value::LongString(text.as_bytes().to_vec())
}

fn headers(text: &str) -> Result<Table, String> {
    parse_binding(ExchangeType::Headers, text).map(|b| b.arguments)
}

fn error(text: &str) -> String {
    match headers(text) {
        Ok(table) => panic!("{text:?} parsed as {table:?}"),
        Err(err) => err,
    }
}

fn round_trip(arguments: Table) {
    let binding = Binding {
        key: String::new(),
        arguments,
    };
    let text = format_binding(ExchangeType::Headers, &binding);
    let back = parse_binding(ExchangeType::Headers, &text);
    assert_eq!(back.as_ref(), Ok(&binding), "through {text:?}");
}

#[test]
fn direct_and_topic_take_the_key_as_typed() {
    for kind in [ExchangeType::Direct, ExchangeType::Topic] {
        for key in ["orders.*.eu", " spaced ", "", "a..b", "x-match=any"] {
            let b = parse_binding(kind, key).expect("a key");
            assert_eq!(b, Binding::key(key));
            assert_eq!(format_binding(kind, &b), key);
        }
    }
}

#[test]
fn a_key_longer_than_a_short_string_is_refused() {
    assert!(parse_binding(ExchangeType::Topic, &"a".repeat(255)).is_ok());
    let err = parse_binding(ExchangeType::Direct, &"a".repeat(256)).expect_err("too long");
    assert_eq!(err, "the routing key is 256 bytes; AMQP allows at most 255");
}

#[test]
fn fanout_ignores_the_text() {
    let b = parse_binding(ExchangeType::Fanout, "whatever").expect("always");
    assert_eq!(b, Binding::default());
    assert_eq!(format_binding(ExchangeType::Fanout, &Binding::key("k")), "");
}

#[test]
fn headers_read_the_documented_example() {
    assert_eq!(
        headers("x-match=any, format=pdf, size=10"),
        Ok(vec![
            ("x-match".into(), s("any")),
            ("format".into(), s("pdf")),
            ("size".into(), Value::I64(10)),
        ])
    );
}

#[test]
fn headers_values_take_the_types_the_management_api_sends() {
    let table =
        headers(r#"a=true, b=false, c=-7, d=1.5, e="10", f=plain text, g, h=void, i="", j="x, y""#);
    assert_eq!(
        table,
        Ok(vec![
            ("a".into(), Value::Bool(true)),
            ("b".into(), Value::Bool(false)),
            ("c".into(), Value::I64(-7)),
            ("d".into(), Value::F64Bits(1.5f64.to_bits())),
            ("e".into(), s("10")),
            ("f".into(), s("plain text")),
            ("g".into(), Value::Void),
            ("h".into(), Value::Void),
            ("i".into(), s("")),
            ("j".into(), s("x, y")),
        ])
    );
}

#[test]
fn headers_read_typed_values_arrays_and_tables() {
    let table = headers(
        "a=i32:5, b=u8:255, c=f32:0.5, d=timestamp:1700000000, e=decimal:19.99, \
         f=bytes:00ff, g=[1, \"x\", [i16:-2]], h={n=1, m}, i=[]",
    );
    assert_eq!(
        table,
        Ok(vec![
            ("a".into(), Value::I32(5)),
            ("b".into(), Value::U8(255)),
            ("c".into(), Value::F32Bits(0.5f32.to_bits())),
            ("d".into(), Value::Timestamp(1_700_000_000)),
            (
                "e".into(),
                Value::Decimal {
                    scale: 2,
                    value: 1999
                }
            ),
            ("f".into(), Value::ByteArray(vec![0, 0xff])),
            (
                "g".into(),
                Value::Array(vec![
                    Value::I64(1),
                    s("x"),
                    Value::Array(vec![Value::I16(-2)])
                ])
            ),
            (
                "h".into(),
                Value::Table(vec![("n".into(), Value::I64(1)), ("m".into(), Value::Void)])
            ),
            ("i".into(), Value::Array(vec![])),
        ])
    );
}

#[test]
fn text_that_merely_contains_a_colon_stays_text() {
    assert_eq!(
        headers("url=http://x:1/a"),
        Ok(vec![("url".into(), s("http://x:1/a"))])
    );
}

#[test]
fn empty_items_and_spaces_are_forgiven() {
    assert_eq!(
        headers("  a = 1 ,, b ,"),
        Ok(vec![("a".into(), Value::I64(1)), ("b".into(), Value::Void)])
    );
    assert_eq!(headers(""), Ok(vec![]));
}

#[test]
fn errors_name_the_problem() {
    let cases = [
        (
            "x-match=some",
            r#"x-match must be all, any, all-with-x or any-with-x, not "some""#,
        ),
        (
            "x-match",
            "x-match must be all, any, all-with-x or any-with-x as a long string, not void",
        ),
        (
            "format=, b=1",
            r#"format= has no value: write format="" for an empty string, or just format to match on presence"#,
        ),
        ("a=1, a=2", r#""a" appears twice"#),
        ("=5", r#"an argument needs a name before "=""#),
        (r#"a="open"#, "missing closing quote"),
        (
            r#"a="x" y"#,
            r#"unexpected "y" after a value: separate arguments with ",""#,
        ),
        (
            "n=99999999999999999999",
            "99999999999999999999 does not fit in a 64-bit integer: quote it to send it as text",
        ),
        ("n=i8:300", "i8:300 is not a valid i8"),
        ("n=bytes:0g", "bytes:0g is not a valid bytes"),
        ("a=[1, 2", r#"missing "]" to close the array"#),
        ("a={b=1", r#"missing "}" to close the table"#),
        (r#"a="\q""#, r"unknown escape \q"),
    ];
    for (text, want) in cases {
        assert_eq!(error(text), want, "for {text:?}");
    }
    let long = format!("{}=1", "n".repeat(256));
    assert!(error(&long).contains("is 256 bytes; AMQP allows at most 255"));
}

#[test]
fn formats_the_way_people_type() {
    let b = parse_binding(
        ExchangeType::Headers,
        "x-match=any, format=pdf, size=10, urgent",
    )
    .expect("valid");
    assert_eq!(
        format_binding(ExchangeType::Headers, &b),
        "x-match=any, format=pdf, size=10, urgent"
    );
}

#[test]
fn every_value_kind_round_trips() {
    round_trip(vec![
        ("b".into(), Value::Bool(true)),
        ("i8".into(), Value::I8(-8)),
        ("u8".into(), Value::U8(8)),
        ("i16".into(), Value::I16(-16)),
        ("u16".into(), Value::U16(16)),
        ("i32".into(), Value::I32(-32)),
        ("u32".into(), Value::U32(32)),
        ("i64".into(), Value::I64(i64::MIN)),
        ("f32".into(), Value::F32Bits(0.1f32.to_bits())),
        ("f64".into(), Value::F64Bits(1.0f64.to_bits())),
        ("f64e".into(), Value::F64Bits(1e300f64.to_bits())),
        ("negzero".into(), Value::F64Bits((-0.0f64).to_bits())),
        ("nan".into(), Value::F64Bits(f64::NAN.to_bits())),
        ("dec".into(), Value::Decimal { scale: 2, value: 5 }),
        (
            "dec0".into(),
            Value::Decimal {
                scale: 0,
                value: 42,
            },
        ),
        (
            "arr".into(),
            Value::Array(vec![Value::I32(1), Value::Void, s("a,b")]),
        ),
        ("ts".into(), Value::Timestamp(1_700_000_000)),
        (
            "nested".into(),
            Value::Table(vec![("deep".into(), Value::Table(vec![]))]),
        ),
        ("bytes".into(), Value::ByteArray(vec![1, 2, 0xff])),
        ("empty".into(), Value::ByteArray(vec![])),
        ("void".into(), Value::Void),
    ]);
}

#[test]
fn awkward_text_round_trips() {
    let texts: [&[u8]; 16] = [
        b"",
        b" padded ",
        b"true",
        b"void",
        b"10",
        b"-1.5",
        b"i32:5",
        b"a,b",
        b"quote\"d",
        b"back\\slash",
        b"[not an array]",
        b"\xff\xfe binary",
        b"\x1b[2J",
        b"line\nbreak\ttab\r",
        "\u{202e}reversed".as_bytes(),
        "caf\u{e9}".as_bytes(),
    ];
    for text in texts {
        round_trip(vec![("v".into(), Value::LongString(text.to_vec()))]);
    }
    for name in [
        "x=y",
        "with space",
        "",
        " lead",
        "a,b",
        "q\"",
        "[",
        "é",
        "\x1besc",
    ] {
        round_trip(vec![(name.into(), Value::I64(1))]);
    }
}

#[test]
fn formatted_text_is_safe_to_draw() {
    let b = Binding {
        key: String::new(),
        arguments: vec![("\x1bname".into(), s("\x1b[2J\u{202e}"))],
    };
    let text = format_binding(ExchangeType::Headers, &b);
    assert!(!text.chars().any(crate::text::is_unsafe), "{text:?}");
}
