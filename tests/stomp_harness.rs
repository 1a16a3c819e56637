//! The test node's STOMP and Web-STOMP listeners, driven by third-party clients only
//! (stomp.py and @stomp/stompjs on `ws`, see `support::stomp_clients`): proof that the
//! harness the app's STOMP tests stand on works, plain and over TLS verified against the
//! test CA, and that RabbitMQ routes STOMP to and from AMQP as the cross-protocol tests
//! expect (`/topic/KEY` is `amq.topic` with key KEY).

mod support;

use lapin::BasicProperties;
use support::{
    Broker,
    client::Client,
    stomp_clients::{self, StompMessage, StompSubscriber, StompTarget},
};

/// A routing-key word no other test uses (no `.`, `*`, `#` or `/` in it), so parallel
/// tests on the shared node cannot see each other's messages.
fn unique(tag: &str) -> String {
    format!("{tag}-{}-{}", std::process::id(), support::unique_suffix())
}

/// The client SENDs two bodies to `/topic/test.ID.x` with receipts; an AMQP queue bound to
/// `amq.topic` with `test.ID.#` gets both, with key `test.ID.x`.
async fn stomp_to_amqp(target: StompTarget, tag: &str) {
    let broker = Broker::shared();
    let id = unique(tag);
    let amqp = Client::connect(&broker).await;
    let queue = format!("q-{id}");
    amqp.queue(&queue).await;
    amqp.bind(&queue, "amq.topic", &format!("test.{id}.#"))
        .await;

    let sent = stomp_clients::send(
        &target,
        &format!("/topic/test.{id}.x"),
        &["first", "second line\nand more"],
        &[],
    )
    .await
    .expect_success("send");
    assert_eq!(sent.receipts(), ["send-1", "send-2"], "{sent:#?}");
    assert_eq!(
        sent.stdout.first().map(String::as_str),
        Some("CONNECTED\tRabbitMQ/3.10.8"),
        "the broker's CONNECTED frame names it: {sent:#?}"
    );

    let key = format!("test.{id}.x");
    assert_eq!(
        amqp.consume(&queue, 2).await,
        [
            (key.clone(), b"first".to_vec()),
            (key, b"second line\nand more".to_vec())
        ]
    );
}

#[tokio::test]
async fn stomp_py_over_plain_stomp_reaches_an_amqp_queue_bound_to_amq_topic() {
    stomp_to_amqp(Broker::shared().stomp_plain(), "stomp-plain").await;
}

#[tokio::test]
async fn stomp_py_over_tls_verified_against_the_test_ca_reaches_amq_topic() {
    stomp_to_amqp(Broker::shared().stomp_tls(), "stomp-tls").await;
}

#[tokio::test]
async fn stompjs_over_plain_web_stomp_reaches_an_amqp_queue_bound_to_amq_topic() {
    stomp_to_amqp(Broker::shared().web_stomp_plain(), "ws-plain").await;
}

#[tokio::test]
async fn stompjs_over_web_stomp_tls_verified_against_the_test_ca_reaches_amq_topic() {
    stomp_to_amqp(Broker::shared().web_stomp_tls(), "ws-tls").await;
}

/// A subscriber on `/topic/test.ID.#` gets what lapin publishes to `amq.topic` with key
/// `test.ID.y`, its destination rebuilt as `/topic/test.ID.y`.
async fn amqp_to_stomp(target: StompTarget, tag: &str, body: &[u8]) {
    let broker = Broker::shared();
    let id = unique(tag);
    let subscriber = StompSubscriber::start(&target, &format!("/topic/test.{id}.#"), 1, &[]).await;
    let amqp = Client::connect(&broker).await;
    amqp.publish(
        "amq.topic",
        &format!("test.{id}.y"),
        body,
        BasicProperties::default(),
    )
    .await;
    let got = subscriber.finish().await.expect_success("sub");
    assert_eq!(
        got.stomp_messages(),
        [StompMessage {
            destination: format!("/topic/test.{id}.y"),
            body: body.to_vec(),
        }],
        "{got:#?}"
    );
}

#[tokio::test]
async fn a_stomp_py_subscriber_on_a_topic_wildcard_gets_what_lapin_publishes_to_amq_topic() {
    amqp_to_stomp(
        Broker::shared().stomp_plain(),
        "amqp-stomp",
        b"from lapin \x00\xff",
    )
    .await;
}

#[tokio::test]
async fn a_stompjs_subscriber_over_wss_gets_what_lapin_publishes_to_amq_topic() {
    // UTF-8 (a NUL is fine): RabbitMQ's Web-STOMP sends text WebSocket frames unless
    // `web_stomp.ws_frame = binary`, and a client must drop a text frame that is not
    // UTF-8 (RFC 6455), as `ws` does ("invalid UTF-8 sequence").
    amqp_to_stomp(
        Broker::shared().web_stomp_tls(),
        "amqp-wss",
        "from lapin \u{0} é".as_bytes(),
    )
    .await;
}

/// A plain client pointed at a TLS listener gets an error at once (the listener drops
/// what is not a TLS handshake), never a hang until its own timeout.
#[tokio::test]
async fn a_plain_client_on_a_tls_port_reports_an_error_not_a_hang() {
    let broker = Broker::shared();
    let cases = [
        (
            "stomp.py",
            broker.stomp_plain().with_port(broker.stomps_port()),
        ),
        (
            "stompjs",
            broker.web_stomp_plain().with_port(broker.web_stomps_port()),
        ),
    ];
    for (client, target) in cases {
        let started = std::time::Instant::now();
        let failed = stomp_clients::send(&target, "/topic/test.never", &["x"], &[]).await;
        assert!(
            failed.code == Some(3) && failed.said().contains("closed before CONNECTED"),
            "{client}: {failed:#?}"
        );
        // Its own timeout (support::WAIT) would also exit 3, but say "within"; this is
        // the bound on "at once".
        assert!(
            started.elapsed() < support::WAIT / 2,
            "{client} took {:?}: {failed:#?}",
            started.elapsed()
        );
    }
}

/// As on a real node: no login without credentials (the STOMP plugin would otherwise let
/// such a client in as guest), and a wrong password, an unknown CA or the DNS name as
/// virtual host is refused, each with the broker's or the TLS library's reason.
#[tokio::test]
async fn the_node_refuses_stomp_clients_without_credentials_a_wrong_password_or_an_unknown_ca() {
    let broker = Broker::shared();
    let cases = [
        (
            "no credentials",
            broker.stomp_plain().anonymous(),
            "Missing login or passcode header(s)",
        ),
        (
            "no credentials, Web-STOMP",
            broker.web_stomp_plain().anonymous(),
            "Missing login or passcode header(s)",
        ),
        (
            "wrong password",
            broker.stomp_plain().with_user("guest", "not-the-password"),
            "Access refused for user 'guest'",
        ),
        (
            "wrong password, Web-STOMP",
            broker
                .web_stomp_tls()
                .with_user("guest", "not-the-password"),
            "Access refused for user 'guest'",
        ),
        (
            "the DNS name as virtual host",
            broker.stomp_tls().with_vhost("localhost"),
            "Virtual host 'localhost' access denied",
        ),
        (
            "unknown CA",
            broker.stomp_tls().with_cafile(&broker.other_ca()),
            "CERTIFICATE_VERIFY_FAILED",
        ),
        (
            "unknown CA, Web-STOMP",
            broker.web_stomp_tls().with_cafile(&broker.other_ca()),
            "self-signed certificate in certificate chain",
        ),
    ];
    for (case, target, reason) in cases {
        let refused = stomp_clients::send(&target, "/topic/test.never", &["x"], &[]).await;
        assert!(
            refused.code == Some(3) && refused.said().contains(reason),
            "{case}: {refused:#?}"
        );
        assert!(
            refused.receipts().is_empty(),
            "{case}: nothing was sent: {refused:#?}"
        );
    }
}
