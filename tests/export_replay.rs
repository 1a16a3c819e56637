//! Export then replay against the real broker: what comes back is, byte for byte, what
//! was first delivered — properties, nested headers of every kind, and non-UTF-8 bodies.

mod support;

use amqp_tui::{
    inspect::export::{ExportedMessage, read_jsonl, write_jsonl},
    session::{Properties, PublishOutcome, PublishRequest, Value},
};
use support::{Broker, Session};

fn every_property() -> Properties {
    Properties {
        content_type: Some("application/octet-stream".into()),
        content_encoding: Some("identity".into()),
        headers: Some(vec![
            ("bool".into(), Value::Bool(true)),
            ("i8".into(), Value::I8(-8)),
            ("i16".into(), Value::I16(-16)),
            ("i32".into(), Value::I32(-32)),
            ("i64".into(), Value::I64(-64)),
            ("f32".into(), Value::F32Bits(2.5f32.to_bits())),
            ("f64".into(), Value::F64Bits(0.1f64.to_bits())),
            (
                "decimal".into(),
                Value::Decimal {
                    scale: 2,
                    value: 1999,
                },
            ),
            ("longstr".into(), Value::LongString(vec![0xff, 0x00, b'x'])),
            (
                "array".into(),
                Value::Array(vec![Value::I32(1), Value::LongString(b"two".to_vec())]),
            ),
            ("timestamp".into(), Value::Timestamp(1_700_000_000)),
            (
                "table".into(),
                Value::Table(vec![(
                    "inner".into(),
                    Value::Table(vec![("deep".into(), Value::Void)]),
                )]),
            ),
            ("bytes".into(), Value::ByteArray(vec![1, 2, 3])),
            ("void".into(), Value::Void),
        ]),
        delivery_mode: Some(2),
        priority: Some(5),
        correlation_id: Some("corr-1".into()),
        reply_to: Some("replies".into()),
        expiration: Some("600000".into()),
        message_id: Some("msg-1".into()),
        timestamp: Some(1_700_000_001),
        kind: Some("order.created".into()),
        user_id: Some("guest".into()),
        app_id: Some("amqp-tui-test".into()),
    }
}

async fn publish(
    session: &mut Session,
    id: u64,
    exchange: &str,
    key: &str,
    body: &[u8],
    properties: Properties,
) {
    let request = PublishRequest {
        id,
        exchange: exchange.into(),
        routing_key: key.into(),
        body: body.to_vec(),
        properties,
        copies: 1,
        confirm: true,
        part: Default::default(),
    };
    let (outcome, _) = session.request(request).await;
    assert_eq!(outcome, PublishOutcome::Routed);
}

#[tokio::test]
async fn export_then_replay_reproduces_properties_headers_and_binary_bodies() {
    let broker = Broker::shared();
    let settings = broker.plain("replay");
    let (exchange, key) = (
        settings.routing.exchange.clone(),
        settings.routing.key().to_string(),
    );
    let mut session = Session::start(settings);
    session.connected().await;

    let bodies: [&[u8]; 3] = [b"plain text", &[0xff, 0xfe, 0x00, 0x80], b""];
    let mut first = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        publish(
            &mut session,
            i as u64 + 1,
            &exchange,
            &key,
            body,
            every_property(),
        )
        .await;
        first.push(session.delivery().await);
    }
    let scratch = support::scratch_dir("replay");
    let path = scratch.path().join("replay.jsonl");
    let exported: Vec<ExportedMessage> = first.iter().map(ExportedMessage::from_delivery).collect();
    assert_eq!(write_jsonl(&path, &exported).expect("export"), 3);
    let text = std::fs::read_to_string(&path).expect("file");
    assert!(
        text.lines()
            .nth(1)
            .is_some_and(|l| l.contains("\"body_base64\"")),
        "{text}"
    );

    let read = read_jsonl(&path).expect("import");
    assert_eq!(read, exported, "the file gives back what was written");
    for (i, message) in read.iter().enumerate() {
        publish(
            &mut session,
            10 + i as u64,
            &message.exchange,
            &message.routing_key,
            &message.body,
            message.properties.clone(),
        )
        .await;
        let again = session.delivery().await;
        assert_eq!(again.body, first[i].body, "body {i}");
        assert_eq!(again.properties, first[i].properties, "properties {i}");
        // lapin keeps header tables sorted by name; the values are untouched.
        let mut published = every_property();
        if let Some(headers) = &mut published.headers {
            headers.sort_by(|a, b| a.0.cmp(&b.0));
        }
        assert_eq!(again.properties, published, "as first published {i}");
    }
    let _ = std::fs::remove_file(&path);
}
