//! Publishing: copies, returns, and a message arriving exactly as it was sent.

use amqp_tui::session::{Properties, PublishOutcome, Value};

use super::{publish, request, support};
use support::{
    Broker, Session,
    client::{Client, expect_counts},
    unique_suffix,
};

#[tokio::test]
async fn copies_are_counted_in_one_outcome_and_returns_name_exchange_and_key() {
    let broker = Broker::shared();
    let mut session = Session::start(broker.plain("copies"));
    session.connected().await;
    let routing = session.settings.routing.clone();

    let mut req = request(&routing.exchange, routing.key(), b"copy");
    req.copies = 25;
    let outcome = publish(&mut session, req).await;
    assert_eq!(
        outcome,
        PublishOutcome::Copies {
            routed: 25,
            sent: 0,
            returned: 0,
            nacked: 0,
            refused: 0,
            failed: 0,
            first_problem: None
        }
    );
    for _ in 0..25 {
        assert_eq!(session.delivery().await.body, b"copy");
    }

    let mut req = request(&routing.exchange, "nobody-listens", b"lost");
    req.copies = 4;
    match publish(&mut session, req).await {
        PublishOutcome::Copies {
            routed: 0,
            sent: 0,
            returned: 4,
            nacked: 0,
            refused: 0,
            failed: 0,
            first_problem: Some(p),
        } => {
            assert!(
                p.contains("NO_ROUTE") && p.contains("nobody-listens"),
                "{p}"
            );
        }
        other => panic!("expected 4 returned, got {other:?}"),
    }

    let outcome = publish(
        &mut session,
        request(&routing.exchange, "nobody-listens", b"one"),
    )
    .await;
    assert_eq!(
        outcome,
        PublishOutcome::Unroutable {
            reply_code: 312,
            reply_text: "NO_ROUTE".into(),
            exchange: routing.exchange.clone(),
            routing_key: "nobody-listens".into(),
        }
    );
}

/// Every value kind RabbitMQ can carry, nested, in lapin's (sorted) key order.
fn every_value() -> Vec<(String, Value)> {
    let scalars = vec![
        Value::Bool(true),
        Value::I8(-8),
        Value::U8(200),
        Value::I16(-16_000),
        Value::U16(60_000),
        Value::I32(-2_000_000_000),
        Value::U32(4_000_000_000),
        Value::I64(i64::MIN),
        Value::F32Bits(1.5f32.to_bits()),
        Value::F64Bits((-0.1f64).to_bits()),
        Value::Decimal {
            scale: 2,
            value: 1999,
        },
        Value::LongString(vec![0xff, 0x00, b'a', 0xc3]),
        Value::Timestamp(1_700_000_000),
        Value::ByteArray(vec![0, 1, 2, 255]),
        Value::Void,
    ];
    let mut table: Vec<(String, Value)> = scalars
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("k{i:02}"), v.clone()))
        .collect();
    let inner = vec![
        ("a".to_string(), Value::Array(scalars.clone())),
        ("t".to_string(), Value::Table(table.clone())),
    ];
    table.push(("nested".into(), Value::Table(inner)));
    table.push((
        "arrays".into(),
        Value::Array(vec![
            Value::Array(vec![]),
            Value::Table(vec![]),
            Value::Array(scalars),
        ]),
    ));
    table.sort_by(|a, b| a.0.cmp(&b.0));
    table
}

#[tokio::test]
async fn a_message_arrives_exactly_as_published() {
    let broker = Broker::shared();
    let mut session = Session::start(broker.plain("fidelity"));
    session.connected().await;
    let routing = session.settings.routing.clone();
    let properties = Properties {
        content_type: Some("application/octet-stream".into()),
        content_encoding: Some("identity".into()),
        headers: Some(every_value()),
        delivery_mode: Some(2),
        priority: Some(9),
        correlation_id: Some("corr-ü".into()),
        // Not amq.rabbitmq.reply-to: RabbitMQ refuses that one (PRECONDITION_FAILED, fast
        // reply consumer does not exist) unless this channel consumes from it.
        reply_to: Some("replies".into()),
        expiration: Some("600000".into()),
        message_id: Some("msg-1".into()),
        timestamp: Some(1_700_000_123),
        kind: Some("order.created".into()),
        // RabbitMQ refuses a user-id other than the connection's user.
        user_id: Some("guest".into()),
        app_id: Some("amqp-tui-tests".into()),
    };
    let body: Vec<u8> = (0..=255u8).chain([0xff, 0xfe, 0x00]).collect();
    let mut req = request(&routing.exchange, routing.key(), &body);
    req.properties = properties.clone();
    assert_eq!(publish(&mut session, req).await, PublishOutcome::Routed);
    let delivery = session.delivery().await;
    assert_eq!(delivery.properties, properties);
    assert_eq!(delivery.body, body);
}

#[tokio::test]
async fn headers_rabbitmq_cannot_read_are_refused_and_the_connection_lives() {
    let broker = Broker::shared();
    let mut session = Session::start(broker.plain("bad-header"));
    session.connected().await;
    let routing = session.settings.routing.clone();
    for bad in [
        Value::ShortString("s".into()),
        Value::F64Bits(f64::NAN.to_bits()),
    ] {
        let mut req = request(&routing.exchange, routing.key(), b"bad");
        req.properties.headers = Some(vec![("h".into(), bad)]);
        match publish(&mut session, req).await {
            PublishOutcome::Failed { reason } => assert!(reason.contains("'h'"), "{reason}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    let outcome = publish(
        &mut session,
        request(&routing.exchange, routing.key(), b"ok"),
    )
    .await;
    assert_eq!(outcome, PublishOutcome::Routed);
    assert_eq!(session.delivery().await.body, b"ok");
}

#[tokio::test]
async fn copies_without_confirms_are_counted_as_sent_and_reach_the_queue() {
    let broker = Broker::shared();
    let mut session = Session::start(broker.plain("unconfirmed"));
    session.connected().await;
    let client = Client::connect(&broker).await;
    let queue = format!("q-unconfirmed-{}", unique_suffix());
    client.queue(&queue).await;

    let mut req = request("", &queue, b"fast");
    req.copies = 1000;
    req.confirm = false;
    assert_eq!(
        publish(&mut session, req).await,
        PublishOutcome::Copies {
            routed: 0,
            sent: 1000,
            returned: 0,
            nacked: 0,
            refused: 0,
            failed: 0,
            first_problem: None
        }
    );
    expect_counts(&broker, &queue, (1000, 0)).await;

    let mut one = request("", &queue, b"one");
    one.confirm = false;
    assert_eq!(publish(&mut session, one).await, PublishOutcome::Sent);
    // Mandatory returns still come back without confirm mode.
    let nowhere = format!("no-such-queue-{}", unique_suffix());
    let mut lost = request("", &nowhere, b"lost");
    lost.confirm = false;
    match publish(&mut session, lost).await {
        PublishOutcome::Unroutable {
            reply_code: 312,
            routing_key,
            ..
        } => assert_eq!(routing_key, nowhere),
        other => panic!("expected a return, got {other:?}"),
    }
    expect_counts(&broker, &queue, (1001, 0)).await;
}
