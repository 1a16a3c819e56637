//! The test node's MQTT listeners, driven by third-party clients only (mosquitto and
//! paho-mqtt, see `support::mqtt_clients`): proof that the harness the app's MQTT tests
//! stand on works, plain and over TLS, and that RabbitMQ routes MQTT into AMQP as the
//! cross-protocol tests expect (`a/b` becomes key `a.b` on `amq.topic`).

mod support;

use support::{
    Broker,
    client::Client,
    mqtt_clients::{self, MqttTarget, Received, Subscriber},
};

/// A topic level no other test uses (no `/`, `.`, `+` or `#` in it).
fn unique(tag: &str) -> String {
    format!("{tag}-{}-{}", std::process::id(), support::unique_suffix())
}

async fn mosquitto_to_mosquitto(target: MqttTarget, tag: &str) {
    let id = unique(tag);
    let subscriber = Subscriber::mosquitto(&target, &format!("interop/{id}/#"), 1, 2).await;
    for (topic, body, qos) in [("a", "first", 1), ("b/c", "second\nline", 0)] {
        mqtt_clients::mosquitto_pub(&target, &format!("interop/{id}/{topic}"), body, qos, &[])
            .await
            .expect_success("mosquitto_pub");
    }
    let got = subscriber.finish().await.expect_success("mosquitto_sub");
    assert_eq!(
        got.messages(),
        [
            Received {
                topic: format!("interop/{id}/a"),
                qos: 1,
                retained: false,
                payload: b"first".to_vec(),
            },
            Received {
                topic: format!("interop/{id}/b/c"),
                qos: 0,
                retained: false,
                payload: b"second\nline".to_vec(),
            },
        ],
        "{got:#?}"
    );
}

#[tokio::test]
async fn mosquitto_pub_reaches_mosquitto_sub_over_plain_mqtt() {
    mosquitto_to_mosquitto(Broker::shared().mqtt_plain(), "mosq-plain").await;
}

#[tokio::test]
async fn mosquitto_pub_reaches_mosquitto_sub_over_tls_verified_against_the_test_ca() {
    mosquitto_to_mosquitto(Broker::shared().mqtt_tls(), "mosq-tls").await;
}

/// paho publishes `interop/ID/any`; an AMQP queue bound to `amq.topic` with `interop.ID.#`
/// gets it with key `interop.ID.any`.
async fn paho_to_amqp(target: MqttTarget, tag: &str) {
    let broker = Broker::shared();
    let id = unique(tag);
    let amqp = Client::connect(&broker).await;
    let queue = format!("q-{id}");
    amqp.queue(&queue).await;
    amqp.bind(&queue, "amq.topic", &format!("interop.{id}.#"))
        .await;

    let published =
        mqtt_clients::paho_pub(&target, &format!("interop/{id}/any"), "via paho", 1, &[])
            .await
            .expect_success("mqtt_client.py pub");
    assert_eq!(published.stdout, ["PUBLISHED"], "{published:#?}");

    let got = amqp.consume(&queue, 1).await;
    assert_eq!(got, [(format!("interop.{id}.any"), b"via paho".to_vec())]);
}

#[tokio::test]
async fn a_paho_publish_over_plain_mqtt_reaches_an_amqp_queue_bound_to_amq_topic() {
    paho_to_amqp(Broker::shared().mqtt_plain(), "paho-plain").await;
}

#[tokio::test]
async fn a_paho_publish_over_tls_reaches_an_amqp_queue_bound_to_amq_topic() {
    paho_to_amqp(Broker::shared().mqtt_tls(), "paho-tls").await;
}

#[tokio::test]
async fn a_paho_subscriber_gets_what_mosquitto_publishes_over_tls() {
    let target = Broker::shared().mqtt_tls();
    let id = unique("paho-sub");
    let subscriber = Subscriber::paho(&target, &format!("interop/{id}/+"), 1, 1).await;
    mqtt_clients::mosquitto_pub(&target, &format!("interop/{id}/x"), "to paho", 1, &[])
        .await
        .expect_success("mosquitto_pub");
    let got = subscriber
        .finish()
        .await
        .expect_success("mqtt_client.py sub");
    assert_eq!(
        got.messages(),
        [Received {
            topic: format!("interop/{id}/x"),
            qos: 1,
            retained: false,
            payload: b"to paho".to_vec(),
        }]
    );
}

/// As on a real node: no anonymous logins (the node would otherwise let a client with no
/// credentials in as guest), and a wrong password or an unknown CA is refused.
#[tokio::test]
async fn the_node_refuses_mqtt_clients_without_a_password_a_wrong_one_or_an_unknown_ca() {
    let broker = Broker::shared();
    let id = unique("refused");
    let topic = format!("interop/{id}/x");
    let refused = "Bad user name or password";
    let cases = [
        ("no credentials", broker.mqtt_plain().anonymous(), refused),
        (
            "wrong password",
            broker.mqtt_plain().with_user("guest", "not-the-password"),
            refused,
        ),
        (
            "unknown CA",
            broker.mqtt_tls().with_cafile(&broker.other_ca()),
            "CERTIFICATE_VERIFY_FAILED",
        ),
    ];
    for (case, target, paho_says) in cases {
        let mosquitto = mqtt_clients::mosquitto_pub(&target, &topic, "x", 1, &[]).await;
        let said = mosquitto.stderr.join("\n").to_lowercase();
        let expected = match case {
            "unknown CA" => "a tls error occurred",
            _ => "connection refused: bad user name or password",
        };
        assert!(
            !mosquitto.success() && said.contains(expected),
            "mosquitto_pub, {case}: {mosquitto:#?}"
        );
        let paho = mqtt_clients::paho_pub(&target, &topic, "x", 1, &[]).await;
        assert!(
            paho.code == Some(3) && paho.stderr.join("\n").contains(paho_says),
            "mqtt_client.py pub, {case}: {paho:#?}"
        );
    }
}
