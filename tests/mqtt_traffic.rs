//! Messages through MQTT sessions on the test node: third-party clients (mosquitto) to
//! the app and back, plain and over TLS; QoS 1 acknowledged by PUBACK, QoS 0 sent, copies;
//! retained messages; and the two directions between MQTT and AMQP through `amq.topic`.

#[path = "mqtt/common.rs"]
mod common;
mod support;

use amqp_tui::{
    amqp::{Binding, Routing, Source},
    mqtt,
    session::{ConnectionSettings, MessagePart, MqttFacts, PublishOutcome},
};
use common::{plain, publish, tls, unique, verified};
use support::{
    Broker, Session,
    client::Client,
    mqtt_clients::{self, MqttTarget, Received, Subscriber},
};

fn facts(message: &amqp_tui::session::Message) -> MqttFacts {
    match &message.part {
        MessagePart::Mqtt(facts) => facts.clone(),
        other => panic!("not an MQTT message: {other:?}"),
    }
}

async fn mosquitto_pub_reaches_the_app(
    settings: impl Fn(&[String]) -> ConnectionSettings,
    target: MqttTarget,
    tag: &str,
) {
    let id = unique(tag);
    let mut session = Session::start(settings(&[format!("test/{id}/#")]));
    session.connected().await;
    let topic = format!("test/{id}/from-mosquitto");
    mqtt_clients::mosquitto_pub(&target, &topic, "hello app", 1, &[])
        .await
        .expect_success("mosquitto_pub");
    let message = session.delivery().await;
    assert_eq!(message.body, b"hello app");
    assert_eq!(message.exchange, mqtt::MQTT_EXCHANGE);
    assert_eq!(message.routing_key, format!("test.{id}.from-mosquitto"));
    assert_eq!(
        facts(&message),
        MqttFacts {
            topic,
            qos: 1,
            retain: false,
            dup: false
        }
    );
}

#[tokio::test]
async fn mosquitto_pub_reaches_an_app_session_over_plain_mqtt() {
    let broker = Broker::shared();
    mosquitto_pub_reaches_the_app(|f| plain(&broker, f, 1), broker.mqtt_plain(), "mosq-to-app")
        .await;
}

#[tokio::test]
async fn mosquitto_pub_reaches_an_app_session_over_tls() {
    let broker = Broker::shared();
    mosquitto_pub_reaches_the_app(
        |f| tls(&broker, f, 1, verified(&broker)),
        broker.mqtt_tls(),
        "mosq-to-app-tls",
    )
    .await;
}

async fn the_app_reaches_mosquitto_sub(settings: ConnectionSettings, target: MqttTarget, id: &str) {
    let subscriber = Subscriber::mosquitto(&target, &format!("test/{id}/#"), 1, 2).await;
    let mut session = Session::start(settings);
    session.connected().await;
    let one = publish(1, &format!("test/{id}/one"), b"qos one", 1, false);
    assert_eq!(session.request(one).await.0, PublishOutcome::Routed);
    let zero = publish(2, &format!("test/{id}/zero"), b"qos zero", 0, false);
    assert_eq!(session.request(zero).await.0, PublishOutcome::Sent);
    let got = subscriber.finish().await.expect_success("mosquitto_sub");
    assert_eq!(
        got.messages(),
        [
            Received {
                topic: format!("test/{id}/one"),
                qos: 1,
                retained: false,
                payload: b"qos one".to_vec(),
            },
            Received {
                topic: format!("test/{id}/zero"),
                qos: 0,
                retained: false,
                payload: b"qos zero".to_vec(),
            },
        ]
    );
}

#[tokio::test]
async fn an_app_session_reaches_mosquitto_sub_over_plain_mqtt_qos_1_routed_qos_0_sent() {
    let broker = Broker::shared();
    let id = unique("app-to-mosq");
    the_app_reaches_mosquitto_sub(plain(&broker, &[], 1), broker.mqtt_plain(), &id).await;
}

#[tokio::test]
async fn an_app_session_reaches_mosquitto_sub_over_tls() {
    let broker = Broker::shared();
    let id = unique("app-to-mosq-tls");
    let settings = tls(&broker, &[], 1, verified(&broker));
    the_app_reaches_mosquitto_sub(settings, broker.mqtt_tls(), &id).await;
}

#[tokio::test]
async fn copies_at_qos_1_are_one_outcome_all_acknowledged_and_all_delivered() {
    const N: u32 = 300;
    let broker = Broker::shared();
    let id = unique("copies");
    let mut session = Session::start(plain(&broker, &[format!("test/{id}/#")], 1));
    session.connected().await;
    let mut request = publish(1, &format!("test/{id}/n"), b"copy", 1, false);
    request.copies = N;
    let (outcome, unsent) = session.request(request).await;
    assert_eq!(
        outcome,
        PublishOutcome::Copies {
            routed: N,
            sent: 0,
            returned: 0,
            nacked: 0,
            refused: 0,
            failed: 0,
            first_problem: None
        }
    );
    assert_eq!(unsent, None);
    for _ in 0..N {
        assert_eq!(session.delivery().await.body, b"copy");
    }
}

#[tokio::test]
async fn copies_at_qos_0_are_all_sent() {
    const N: u32 = 50;
    let broker = Broker::shared();
    let id = unique("copies0");
    let mut session = Session::start(plain(&broker, &[format!("test/{id}/#")], 0));
    session.connected().await;
    let mut request = publish(1, &format!("test/{id}/n"), b"copy", 0, false);
    request.copies = N;
    let (outcome, _) = session.request(request).await;
    assert!(
        matches!(
            outcome,
            PublishOutcome::Copies {
                sent: N,
                routed: 0,
                failed: 0,
                ..
            }
        ),
        "{outcome:?}"
    );
}

/// A retained message reaches a session that subscribes afterwards, flagged retained; the
/// same message published live is not flagged.
#[tokio::test]
async fn a_retained_message_reaches_a_later_exact_topic_subscription_flagged_retained() {
    let broker = Broker::shared();
    let id = unique("retained");
    let topic = format!("test/{id}/kept");
    let target = broker.mqtt_plain();
    mqtt_clients::mosquitto_pub(&target, &topic, "kept for later", 1, &["-r"])
        .await
        .expect_success("mosquitto_pub -r");
    let mut session = Session::start(plain(&broker, std::slice::from_ref(&topic), 1));
    session.connected().await;
    let message = session.delivery().await;
    assert_eq!(message.body, b"kept for later");
    let facts = facts(&message);
    assert!(facts.retain, "{facts:?}");
    assert_eq!(facts.topic, topic);
    // Clear it: an empty retained message removes it from the store.
    mqtt_clients::mosquitto_pub(&target, &topic, "", 1, &["-r"])
        .await
        .expect_success("mosquitto_pub -r (clear)");
}

/// RabbitMQ 3.10 keeps retained messages by exact topic and hands them out only to a
/// subscription whose filter equals a stored topic: a wildcard subscription gets none.
/// What the app shows for it must be what the broker does.
#[tokio::test]
async fn a_wildcard_subscription_gets_no_retained_message_on_rabbitmq_3_10() {
    let broker = Broker::shared();
    let id = unique("retained-wild");
    let topic = format!("test/{id}/kept");
    let target = broker.mqtt_plain();
    mqtt_clients::mosquitto_pub(&target, &topic, "kept", 1, &["-r"])
        .await
        .expect_success("mosquitto_pub -r");
    let mut session = Session::start(plain(&broker, &[format!("test/{id}/#")], 1));
    session.connected().await;
    // A live message after it: anything retained would have come first, with the SUBACK.
    let live = format!("test/{id}/live");
    mqtt_clients::mosquitto_pub(&target, &live, "live", 1, &[])
        .await
        .expect_success("mosquitto_pub");
    let first = session.delivery().await;
    assert_eq!(facts(&first).topic, live, "{first:?}");
    assert!(!facts(&first).retain);
    mqtt_clients::mosquitto_pub(&target, &topic, "", 1, &["-r"])
        .await
        .expect_success("mosquitto_pub -r (clear)");
}

#[tokio::test]
async fn an_mqtt_publish_reaches_an_amqp_tap_on_amq_topic_with_the_key_mapped() {
    let broker = Broker::shared();
    let id = unique("mqtt-to-amqp");
    let mut amqp = Session::start(ConnectionSettings {
        routing: Routing {
            source: Source::TapExchange,
            exchange: mqtt::MQTT_EXCHANGE.into(),
            bindings: vec![Binding::key(format!("test.{id}.#"))],
            ..Routing::default()
        },
        ..broker.plain("tap")
    });
    amqp.connected().await;
    let mut session = Session::start(plain(&broker, &[], 1));
    session.connected().await;
    let request = publish(1, &format!("test/{id}/any"), b"across", 1, false);
    assert_eq!(session.request(request).await.0, PublishOutcome::Routed);
    let message = amqp.delivery().await;
    assert_eq!(message.body, b"across");
    assert_eq!(message.exchange, "amq.topic");
    assert_eq!(message.routing_key, format!("test.{id}.any"));
    let qos_header = message
        .properties
        .headers
        .as_ref()
        .and_then(|h| h.iter().find(|(k, _)| k == "x-mqtt-publish-qos"))
        .map(|(_, v)| v.clone());
    assert!(
        qos_header.is_some_and(|v| format!("{v:?}").contains('1')),
        "{:?}",
        message.properties
    );
}

#[tokio::test]
async fn an_amqp_publish_to_amq_topic_reaches_an_mqtt_session_with_the_topic_mapped() {
    let broker = Broker::shared();
    let id = unique("amqp-to-mqtt");
    let mut session = Session::start(plain(&broker, &[format!("test/{id}/#")], 1));
    session.connected().await;
    let amqp = Client::connect(&broker).await;
    amqp.publish(
        "amq.topic",
        &format!("test.{id}.any"),
        b"from amqp",
        Default::default(),
    )
    .await;
    let message = session.delivery().await;
    assert_eq!(message.body, b"from amqp");
    assert_eq!(facts(&message).topic, format!("test/{id}/any"));
    assert_eq!(message.routing_key, format!("test.{id}.any"));
}

/// What `mqtt::topic` says RabbitMQ makes of a topic with a dot and a `*`, checked against
/// the node: the key an AMQP tap sees, and the topic an MQTT subscriber sees.
#[tokio::test]
async fn topics_with_dots_map_as_mqtt_topic_says_on_the_node() {
    let broker = Broker::shared();
    let id = unique("dots");
    let mut amqp = Session::start(ConnectionSettings {
        routing: Routing {
            source: Source::TapExchange,
            exchange: mqtt::MQTT_EXCHANGE.into(),
            bindings: vec![Binding::key(format!("test.{id}.#"))],
            ..Routing::default()
        },
        ..broker.plain("tap-dots")
    });
    amqp.connected().await;
    let mut session = Session::start(plain(&broker, &[format!("test/{id}/#")], 1));
    session.connected().await;
    let topic = format!("test/{id}/v1.2/a*b");
    let request = publish(1, &topic, b"dotted", 1, false);
    assert_eq!(session.request(request).await.0, PublishOutcome::Routed);

    let seen_by_amqp = amqp.delivery().await;
    assert_eq!(seen_by_amqp.routing_key, format!("test.{id}.v1.2.a*b"));
    assert_eq!(
        seen_by_amqp.routing_key,
        mqtt::topic::to_routing_key(&topic)
    );

    let seen_by_mqtt = session.delivery().await;
    assert_eq!(facts(&seen_by_mqtt).topic, format!("test/{id}/v1/2/a+b"));
    assert_eq!(
        facts(&seen_by_mqtt).topic,
        mqtt::topic::from_routing_key(&mqtt::topic::to_routing_key(&topic))
    );
    assert!(mqtt::topic::dot_warning(&topic).is_some_and(|w| w.contains("v1/2/a+b")));
}

/// A message bigger than the packet limit arriving from AMQP: the session says what came
/// and what the limit is, instead of a bare decoding error, and carries on.
#[tokio::test]
async fn a_message_over_the_packet_limit_arriving_is_named_and_the_session_carries_on() {
    let broker = Broker::shared();
    let id = unique("big-in");
    let mut session = Session::start(plain(&broker, &[format!("test/{id}/#")], 0));
    session.connected().await;
    let amqp = Client::connect(&broker).await;
    let limit = mqtt::connect::MAX_PACKET_BYTES;
    amqp.publish(
        "amq.topic",
        &format!("test.{id}.big"),
        &vec![b'x'; limit + 1],
        Default::default(),
    )
    .await;
    let error = session
        .wait_for(support::WAIT, |e| match e {
            amqp_tui::session::WorkerEvent::ConnectionLost { error, .. } => Some(error.clone()),
            amqp_tui::session::WorkerEvent::Delivery(m) => {
                panic!("delivered {} bytes", m.body.len())
            }
            _ => None,
        })
        .await;
    let message = error.to_string();
    assert!(
        message.contains("a message of ")
            && message.contains(" bytes arrived")
            && message.contains(&format!("more than the {} MiB", limit >> 20)),
        "{message}"
    );
    // It reconnects, and what comes next arrives.
    session
        .wait_for(support::WAIT, |e| {
            matches!(e, amqp_tui::session::WorkerEvent::Connected { .. }).then_some(())
        })
        .await;
    amqp.publish(
        "amq.topic",
        &format!("test.{id}.small"),
        b"small",
        Default::default(),
    )
    .await;
    assert_eq!(session.delivery().await.body, b"small");
}
