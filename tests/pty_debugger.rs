//! The routing debugger driven as a user drives it: the real binary in a pty.

mod support;

use std::time::Duration;

use lapin::{BasicProperties, ExchangeKind};
use support::{Broker, client::Client, client::queue_counts, pty::Launched, unique_suffix};

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn peeking_at_an_existing_queue_shows_its_messages_and_leaves_it_as_it_was() {
    let broker = Broker::shared();
    let queue = format!("pty-peek-{}-{}", std::process::id(), unique_suffix());
    let client = Client::connect(&broker).await;
    client.queue(&queue).await;
    for body in ["first", "second", "third"] {
        client
            .publish("", &queue, body.as_bytes(), BasicProperties::default())
            .await;
    }
    let uri = format!("amqp://guest:guest@127.0.0.1:{}/%2f", broker.port());
    let mut app = Launched::start(&[
        "--uri", &uri, "--watch", "queue", "--queue", &queue, "--ack", "peek",
    ]);
    app.wait_for("the session", WAIT, |s| s.contains(" CONNECTED "));
    app.press(b"g");
    let text = app.wait_for("the peeked messages", WAIT, |s| {
        s.contains("Peeked 3 messages") && s.contains("third")
    });
    assert!(text.contains("first") && text.contains("second"), "{text}");
    assert_eq!(
        queue_counts(&broker, &queue),
        (3, 0),
        "ready, unacked: as before"
    );
    assert_eq!(
        client.drain(&queue).await,
        [b"first".to_vec(), b"second".to_vec(), b"third".to_vec()],
        "in the same order"
    );
    // Live sessions: the first Ctrl-C asks, the second quits.
    app.press(b"\x03\x03");
    assert!(app.exit_status(Duration::from_secs(10)).success());
}

#[tokio::test]
async fn tapping_an_exchange_shows_its_traffic_and_explains_a_miss() {
    let broker = Broker::shared();
    let exchange = format!("pty-tap-{}-{}", std::process::id(), unique_suffix());
    let client = Client::connect(&broker).await;
    client.exchange(&exchange, ExchangeKind::Topic).await;
    let uri = format!("amqp://guest:guest@127.0.0.1:{}/%2f", broker.port());
    let mut app = Launched::start(&[
        "--uri",
        &uri,
        "--watch",
        "tap",
        "--exchange",
        &exchange,
        "--exchange-type",
        "topic",
        "--routing-key",
        "order.*.created",
    ]);
    app.wait_for("the tap", WAIT, |s| {
        s.contains(" CONNECTED ") && s.contains("tap ")
    });
    client
        .publish(
            &exchange,
            "order.eu.created",
            b"routed",
            BasicProperties::default(),
        )
        .await;
    client
        .publish(
            &exchange,
            "order.eu.shipped",
            b"missed",
            BasicProperties::default(),
        )
        .await;
    app.wait_for("the routed message", WAIT, |s| s.contains("routed"));
    app.press(b"x");
    app.wait_for("the explainer", WAIT, |s| s.contains("Explain routing"));
    app.press(b"\x15order.eu.shipped"); // Ctrl-U clears the key, then type
    let text = app.wait_for("the verdict", WAIT, |s| s.contains("0 of 1 bindings match"));
    assert!(
        text.contains("NO_ROUTE"),
        "a miss is explained before publishing:\n{text}"
    );
    assert!(
        !text.contains("missed"),
        "the tap never saw the unbound key:\n{text}"
    );
    // Live sessions: the first Ctrl-C asks, the second quits.
    app.press(b"\x03\x03");
    assert!(app.exit_status(Duration::from_secs(10)).success());
}
