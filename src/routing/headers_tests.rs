use super::*;

fn s(text: &str) -> Value {
    Value::LongString(text.as_bytes().to_vec())
}

fn table(pairs: &[(&str, Value)]) -> Table {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn pdf_report(x_match: &str) -> Table {
    table(&[
        ("x-match", s(x_match)),
        ("format", s("pdf")),
        ("type", s("report")),
    ])
}

#[test]
fn all_needs_every_argument_and_says_which_failed() {
    let v = explain(&pdf_report("all"), &table(&[("format", s("pdf"))]));
    assert!(!v.matched);
    assert_eq!(
        v.reason,
        r#"headers x-match=all: "format" = "pdf" ✓, "type" missing ✗"#
    );
    let both = table(&[
        ("format", s("pdf")),
        ("type", s("report")),
        ("extra", s("1")),
    ]);
    assert!(explain(&pdf_report("all"), &both).matched);
}

#[test]
fn all_is_the_default_when_x_match_is_absent() {
    let args = table(&[("format", s("pdf")), ("type", s("report"))]);
    let v = explain(&args, &table(&[("format", s("pdf"))]));
    assert!(!v.matched);
    assert!(
        v.reason.starts_with("headers x-match=all (the default): "),
        "{}",
        v.reason
    );
}

#[test]
fn any_needs_one_argument() {
    let v = explain(&pdf_report("any"), &table(&[("type", s("report"))]));
    assert!(v.matched, "{v:?}");
    assert_eq!(
        v.reason,
        r#"headers x-match=any: "format" missing ✗, "type" = "report" ✓"#
    );
    let v = explain(&pdf_report("any"), &table(&[("format", s("doc"))]));
    assert!(!v.matched);
    assert!(
        v.reason.contains(r#""format" = "pdf" ✗ (header is "doc")"#),
        "{}",
        v.reason
    );
}

#[test]
fn nothing_to_compare_matches_everything_with_all_and_nothing_with_any() {
    // match_all([], ...) -> true; match_any([], ...) -> false.
    let all = explain(&table(&[("x-match", s("all"))]), &vec![]);
    assert!(all.matched);
    assert!(
        all.reason.contains("every message matches"),
        "{}",
        all.reason
    );
    assert!(explain(&vec![], &table(&[("a", s("b"))])).matched);
    let any = explain(&table(&[("x-match", s("any"))]), &table(&[("a", s("b"))]));
    assert!(!any.matched);
    assert!(any.reason.contains("no message matches"), "{}", any.reason);
}

#[test]
fn x_arguments_count_only_with_the_with_x_kinds() {
    let headers = table(&[("x-tenant", s("acme"))]);
    let args = |kind: &str| table(&[("x-match", s(kind)), ("x-tenant", s("acme"))]);
    // match/2 skips every "x-" name: "any" then has nothing left and matches nothing.
    let any = explain(&args("any"), &headers);
    assert!(!any.matched);
    assert!(
        any.reason.contains(r#""x-tenant" ignored"#),
        "{}",
        any.reason
    );
    assert!(explain(&args("any-with-x"), &headers).matched);
    assert!(explain(&args("all-with-x"), &headers).matched);
    assert!(!explain(&args("all-with-x"), &vec![]).matched);
    // "all" ignores the x- argument, so a message without it still matches.
    assert!(explain(&args("all"), &vec![]).matched);
}

#[test]
fn x_match_itself_is_never_a_header_to_find() {
    // match_x/2 skips <<"x-match">> even with -with-x.
    let args = table(&[("x-match", s("all-with-x")), ("a", s("1"))]);
    assert!(explain(&args, &table(&[("a", s("1"))])).matched);
}

#[test]
fn a_void_argument_asks_only_for_presence() {
    let args = table(&[("urgent", Value::Void)]);
    for value in [s("yes"), Value::Bool(false), Value::Void] {
        let v = explain(&args, &table(&[("urgent", value)]));
        assert!(v.matched);
        assert_eq!(
            v.reason,
            r#"headers x-match=all (the default): "urgent" present ✓"#
        );
    }
    let v = explain(&args, &table(&[("other", s("x"))]));
    assert!(!v.matched);
    assert!(v.reason.contains(r#""urgent" missing ✗"#), "{}", v.reason);
}

#[test]
fn a_void_header_does_not_equal_a_value() {
    let v = explain(&table(&[("a", s("1"))]), &table(&[("a", Value::Void)]));
    assert!(!v.matched);
    assert!(
        v.reason.contains("void never equals a string"),
        "{}",
        v.reason
    );
}

#[test]
fn integer_widths_do_not_matter() {
    // Every AMQP integer type parses to an Erlang integer; match/2 uses =:= on values.
    let args = table(&[("size", Value::I64(10))]);
    for header in [
        Value::I8(10),
        Value::U8(10),
        Value::I16(10),
        Value::I32(10),
        Value::U32(10),
    ] {
        assert!(
            explain(&args, &table(&[("size", header.clone())])).matched,
            "{header:?}"
        );
    }
}

#[test]
fn numbers_text_and_booleans_never_cross() {
    let cases = [
        (
            Value::I64(1),
            Value::F64Bits(1.0f64.to_bits()),
            "a float never equals an integer",
        ),
        (Value::I64(10), s("10"), "a string never equals an integer"),
        (s("10"), Value::I64(10), "an integer never equals a string"),
        (
            Value::Bool(true),
            s("true"),
            "a string never equals a boolean",
        ),
    ];
    for (binding, header, why) in cases {
        let v = explain(&table(&[("n", binding)]), &table(&[("n", header)]));
        assert!(!v.matched);
        assert!(v.reason.contains(why), "{} lacks {why}", v.reason);
    }
}

#[test]
fn bytes_equal_text_with_the_same_bytes() {
    let v = explain(
        &table(&[("f", s("pdf"))]),
        &table(&[("f", Value::ByteArray(b"pdf".to_vec()))]),
    );
    assert!(v.matched, "{v:?}");
}

#[test]
fn a_header_timestamp_is_compared_in_milliseconds() {
    // mc_amqpl:routing_value(timestamp, V) -> V * 1000, for headers only.
    let v = explain(
        &table(&[("at", Value::Timestamp(5))]),
        &table(&[("at", Value::Timestamp(5))]),
    );
    assert!(!v.matched);
    assert!(v.reason.contains("milliseconds, as 5000"), "{}", v.reason);
    assert!(
        explain(
            &table(&[("at", Value::I64(5000))]),
            &table(&[("at", Value::Timestamp(5))])
        )
        .matched
    );
}

#[test]
fn a_repeated_header_name_keeps_its_last_value() {
    let headers = table(&[("a", s("1")), ("a", s("2"))]);
    assert!(explain(&table(&[("a", s("2"))]), &headers).matched);
    assert!(!explain(&table(&[("a", s("1"))]), &headers).matched);
}

#[test]
fn a_binding_rabbitmq_refuses_matches_nothing_and_says_why() {
    let v = explain(&table(&[("x-match", s("some"))]), &vec![]);
    assert!(!v.matched);
    assert_eq!(
        v.reason,
        r#"headers: RabbitMQ refuses this binding: x-match must be all, any, all-with-x or any-with-x, not "some""#
    );
    let v = explain(&table(&[("x-match", Value::I64(1))]), &vec![]);
    assert!(!v.matched);
    assert!(v.reason.contains("as a long string, not 1"), "{}", v.reason);
}

#[test]
fn the_routing_key_plays_no_part() {
    use crate::amqp::{Binding, ExchangeType};
    let binding = Binding {
        key: "ignored".into(),
        arguments: table(&[("a", s("1"))]),
    };
    let headers = table(&[("a", s("1"))]);
    let v = crate::routing::explain(ExchangeType::Headers, &binding, "other", &headers);
    assert!(v.matched);
}

#[test]
fn the_quick_answer_is_the_explained_one_on_every_combination() {
    let kinds = ["all", "any", "all-with-x", "any-with-x", "bogus"];
    let values = [
        s("pdf"),
        s("doc"),
        Value::Void,
        Value::I32(1),
        Value::I64(1),
    ];
    let mut arguments = vec![Table::new()];
    for kind in kinds {
        arguments.push(table(&[("x-match", s(kind))]));
        for value in &values {
            arguments.push(table(&[("x-match", s(kind)), ("format", value.clone())]));
            arguments.push(table(&[
                ("x-match", s(kind)),
                ("format", value.clone()),
                ("x-tag", s("t")),
            ]));
        }
    }
    arguments.push(table(&[("format", s("pdf")), ("type", s("report"))]));
    let mut headers = vec![Table::new()];
    for value in &values {
        headers.push(table(&[("format", value.clone())]));
        headers.push(table(&[("format", value.clone()), ("x-tag", s("t"))]));
        // A repeated name keeps its last value.
        headers.push(table(&[("format", s("zip")), ("format", value.clone())]));
    }
    for a in &arguments {
        for h in &headers {
            assert_eq!(is_match(a, h), explain(a, h).matched, "{a:?} / {h:?}");
        }
    }
}
