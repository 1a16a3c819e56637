use serde_json::json;

use super::*;
use crate::text::is_unsafe;
use std::fs;

fn sample() -> Vec<ExportedMessage> {
    let properties = Properties {
        content_type: Some("application/json".into()),
        content_encoding: Some("gzip".into()),
        headers: Some(crate::session::properties::every_value_kind()),
        delivery_mode: Some(2),
        priority: Some(7),
        correlation_id: Some("c-1".into()),
        reply_to: Some("amq.rabbitmq.reply-to".into()),
        expiration: Some("60000".into()),
        message_id: Some("m-1".into()),
        timestamp: Some(1_700_000_000),
        kind: Some("order.created".into()),
        user_id: Some("guest".into()),
        app_id: Some("amqp-tui".into()),
    };
    let message = |body: &[u8]| ExportedMessage {
        exchange: "orders".into(),
        routing_key: "eu.created".into(),
        redelivered: false,
        received_at: Some("2024-05-01T12:00:00.123+02:00".into()),
        properties: properties.clone(),
        body: body.to_vec(),
        part: MessagePart::Amqp,
    };
    let mut binary = message(&[0xff, 0x00, 0xfe]);
    binary.redelivered = true;
    binary.received_at = None;
    let mut empty = message(b"");
    empty.properties = Properties::default();
    vec![
        message("{\"id\": 1}\né\x1b[31m\\\u{2028}".as_bytes()),
        binary,
        empty,
    ]
}

#[test]
fn messages_survive_a_round_trip_byte_for_byte() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("messages.jsonl");
    let messages = sample();
    assert_eq!(write_jsonl(&path, &messages), Ok(3));
    assert_eq!(read_jsonl(&path), Ok(messages));
}

#[test]
fn every_line_is_one_json_object_with_exactly_one_body_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("messages.jsonl");
    write_jsonl(&path, &sample()).expect("written");
    let text = fs::read_to_string(&path).expect("read back");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line parses alone"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["body_utf8"], "{\"id\": 1}\né\x1b[31m\\\u{2028}");
    assert_eq!(lines[1]["body_base64"], "/wD+");
    assert_eq!(lines[2]["body_utf8"], "");
    for (line, other) in lines
        .iter()
        .zip(["body_base64", "body_utf8", "body_base64"])
    {
        assert!(line.get(other).is_none(), "{line}");
    }
    assert_eq!(lines[1]["redelivered"], true);
    assert!(lines[1].get("received_at").is_none());
    assert_eq!(lines[2]["properties"], json!({}));
    assert_eq!(
        lines[0]["properties"]["headers"][0],
        json!(["b", {"type": "bool", "value": true}])
    );
}

#[test]
fn a_bad_line_names_its_number() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("messages.jsonl");
    let good = r#"{"exchange":"","routing_key":"q","body_utf8":"hi"}"#;
    let missing = r#"{"routing_key":"q","body_utf8":"hi"}"#;
    fs::write(&path, format!("{good}\n\n{missing}\n")).expect("written");
    let err = read_jsonl(&path).expect_err("line 3 has no exchange");
    assert_eq!(
        err.to_string(),
        format!("{} line 3: missing field `exchange`", path.display())
    );
    assert!(matches!(err, ExportError::Line { line: 3, .. }), "{err:?}");
}

#[test]
fn malformed_lines_say_what_is_wrong() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("m.jsonl");
    let start = r#"{"exchange":"","routing_key":"q""#;
    let cases = [
        (format!("{start},"), "EOF while parsing a value (column 33)"),
        (format!("{start} x"), "expected `,` or `}` (column 34)"),
        (format!("{start}}}"), "missing body_utf8 or body_base64"),
        (
            format!(r#"{start},"body_utf8":"","body_base64":""}}"#),
            "both body_utf8 and body_base64: a message has one body",
        ),
        (
            format!(r#"{start},"body_base64":"!!"}}"#),
            "body_base64: Invalid symbol 33, offset 0.",
        ),
        (
            format!(r#"{start},"body_utf8":"","received_at":"yesterday"}}"#),
            "received_at \"yesterday\" is not an RFC 3339 time (premature end of input)",
        ),
        (
            format!(
                r#"{start},"body_utf8":"","properties":{{"headers":[["h",{{"type":"\u001b[31m"}}]]}}}}"#
            ),
            "unknown variant `\\e[31m`, expected one of",
        ),
    ];
    for (line, expected) in cases {
        fs::write(&path, &line).expect("written");
        match read_jsonl(&path) {
            Err(ExportError::Line {
                line: 1, reason, ..
            }) => {
                assert!(reason.starts_with(expected), "{line}: {reason}");
                assert!(!reason.chars().any(is_unsafe), "{reason}");
            }
            other => panic!("{line}: {other:?}"),
        }
    }
}

#[test]
fn writing_replaces_the_file_atomically_and_privately() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("messages.jsonl");
    write_jsonl(&path, &sample()).expect("first export");
    let one = &sample()[1..2];
    assert_eq!(write_jsonl(&path, one), Ok(1));
    assert_eq!(read_jsonl(&path).expect("read"), one);
    let names: Vec<_> = fs::read_dir(dir.path())
        .expect("listed")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["messages.jsonl"], "no temp file is left behind");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn missing_files_and_directories_are_errors_not_panics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("absent").join("messages.jsonl");
    let err = write_jsonl(&path, &sample()).expect_err("no such directory");
    assert!(
        matches!(
            &err,
            ExportError::Io {
                action: "write",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("could not write "), "{err}");
    let err = read_jsonl(&path).expect_err("no such file");
    assert!(
        matches!(err, ExportError::Io { action: "read", .. }),
        "{err:?}"
    );
    assert!(matches!(
        write_jsonl(dir.path().join(".."), &sample()),
        Err(ExportError::Io { .. })
    ));
}

#[test]
fn headers_as_deep_as_a_delivery_keeps_them_load_back() {
    use crate::session::Value;
    let mut value = Value::Bool(true);
    for _ in 0..crate::session::properties::MAX_NESTING {
        value = Value::Table(vec![("k".into(), value)]);
    }
    let mut message = sample().remove(2);
    message.properties.headers = Some(vec![("deep".into(), value)]);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("deep.jsonl");
    assert_eq!(write_jsonl(&path, [&message]), Ok(1));
    assert_eq!(read_jsonl(&path), Ok(vec![message]));
}

fn mqtt(topic: &str, qos: u8, retain: bool, dup: bool) -> ExportedMessage {
    ExportedMessage {
        exchange: crate::mqtt::MQTT_EXCHANGE.into(),
        routing_key: crate::mqtt::topic::to_routing_key(topic),
        redelivered: dup,
        received_at: Some("2026-11-30T06:00:00+00:00".into()),
        properties: Properties::default(),
        body: b"21.5".to_vec(),
        part: MessagePart::Mqtt(MqttFacts {
            topic: topic.into(),
            qos,
            retain,
            dup,
        }),
    }
}

#[test]
fn an_mqtt_message_keeps_topic_qos_and_flags_and_loads_back_as_mqtt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mqtt.jsonl");
    // A hostile topic (an escape sequence, a bidi override, wide text) is data like any
    // other: kept byte for byte, never interpreted.
    let hostile = "dev/\x1b[2J\x1b]0;pwned\x07/\u{202e}中文🙂";
    let messages = vec![
        mqtt("sensors/kitchen/temp", 1, true, false),
        mqtt(hostile, 0, false, true),
    ];
    assert_eq!(write_jsonl(&path, &messages), Ok(2));
    let text = fs::read_to_string(&path).expect("read back");
    let first: serde_json::Value =
        serde_json::from_str(text.lines().next().expect("a line")).expect("JSON");
    assert_eq!(
        first["mqtt"],
        json!({"topic": "sensors/kitchen/temp", "qos": 1, "retain": true, "dup": false})
    );
    assert!(!text.contains('\x1b'), "escapes are JSON-escaped: {text}");
    let loaded = read_jsonl(&path).expect("loads");
    assert_eq!(loaded, messages);
    let delivery = loaded[1].to_delivery("mqtt.jsonl");
    assert_eq!(delivery.protocol(), crate::session::Protocol::Mqtt);
    assert_eq!(
        delivery.part,
        MessagePart::Mqtt(MqttFacts {
            topic: hostile.into(),
            qos: 0,
            retain: false,
            dup: true
        })
    );
}

#[test]
fn a_line_in_the_format_before_mqtt_loads_as_amqp() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.jsonl");
    // Written by amqp-tui before MQTT: no "mqtt" object.
    let line = r#"{"exchange":"amq.topic","routing_key":"test.any","redelivered":false,"received_at":"2024-05-01T12:00:00+02:00","properties":{"delivery_mode":2},"body_utf8":"hi"}"#;
    fs::write(&path, format!("{line}\n")).expect("written");
    let loaded = read_jsonl(&path).expect("loads");
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].part, MessagePart::Amqp);
    assert_eq!(loaded[0].routing_key, "test.any");
    let delivery = loaded[0].to_delivery("old.jsonl");
    assert_eq!(delivery.protocol(), crate::session::Protocol::Amqp);
    // And an AMQP message is still written without one.
    write_jsonl(&path, &loaded).expect("written");
    let text = fs::read_to_string(&path).expect("read back");
    assert!(!text.contains("\"mqtt\""), "{text}");
}

#[test]
fn a_bad_mqtt_object_says_which_field_is_wrong() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bad.jsonl");
    let start = r#"{"exchange":"amq.topic","routing_key":"a","body_utf8":"","mqtt":"#;
    let cases = [
        (
            format!(r#"{start}{{"topic":"a","qos":3}}}}"#),
            "mqtt.qos is 3: MQTT has QoS 0, 1 and 2",
        ),
        (
            format!(r#"{start}{{"topic":"a/#","qos":1}}}}"#),
            "mqtt.topic 'a/#' has a wildcard",
        ),
        (
            format!(r#"{start}{{"topic":"","qos":0}}}}"#),
            "mqtt.topic is empty",
        ),
        (format!(r#"{start}{{"qos":0}}}}"#), "missing field `topic`"),
    ];
    for (line, expected) in cases {
        fs::write(&path, &line).expect("written");
        match read_jsonl(&path) {
            Err(ExportError::Line {
                line: 1, reason, ..
            }) => assert!(reason.starts_with(expected), "{line}: {reason}"),
            other => panic!("{line}: {other:?}"),
        }
    }
}

#[test]
fn a_stomp_message_keeps_destination_and_every_header_and_loads_back_as_stomp() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("stomp.jsonl");
    let facts = crate::session::StompFacts {
        destination: "/topic/test.any".into(),
        subscription: "sub-0".into(),
        message_id: "T_sub-0@@session@@1".into(),
        ack: None,
        headers: vec![
            ("x-note".into(), "first \x1b[2J".into()),
            ("x-note".into(), "second".into()),
        ],
        websocket: true,
    };
    let message = ExportedMessage {
        part: MessagePart::Stomp(facts.clone()),
        ..mqtt("test/any", 1, false, false)
    };
    assert_eq!(write_jsonl(&path, std::slice::from_ref(&message)), Ok(1));
    let text = fs::read_to_string(&path).expect("read back");
    let line: serde_json::Value = serde_json::from_str(text.trim()).expect("JSON");
    assert_eq!(
        line["stomp"],
        json!({"destination": "/topic/test.any", "subscription": "sub-0",
               "message_id": "T_sub-0@@session@@1",
               "headers": [["x-note", "first \u{1b}[2J"], ["x-note", "second"]],
               "websocket": true})
    );
    assert!(line.get("mqtt").is_none(), "{text}");
    let loaded = read_jsonl(&path).expect("loads");
    assert_eq!(loaded, [message]);
    let delivery = loaded[0].to_delivery("stomp.jsonl");
    assert_eq!(delivery.protocol(), crate::session::Protocol::WebStomp);

    let start = r#"{"exchange":"x","routing_key":"a","body_utf8":"","#;
    for (line, expected) in [
        (
            format!(r#"{start}"stomp":{{"destination":"/nowhere"}}}}"#),
            "stomp.destination: '/nowhere' is none of RabbitMQ's destinations",
        ),
        (
            format!(
                r#"{start}"stomp":{{"destination":"/queue/a"}},"mqtt":{{"topic":"a","qos":0}}}}"#
            ),
            "both mqtt and stomp",
        ),
    ] {
        fs::write(&path, &line).expect("written");
        match read_jsonl(&path) {
            Err(ExportError::Line {
                line: 1, reason, ..
            }) => {
                assert!(reason.starts_with(expected), "{line}: {reason}")
            }
            other => panic!("{line}: {other:?}"),
        }
    }
}
