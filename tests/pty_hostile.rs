//! A hostile publisher against the real binary: a header table nested as deep as a frame
//! holds. lapin reads it recursively on its own I/O thread; the app must survive it.

mod support;

use std::{process::Command, time::Duration};

use lapin::{BasicProperties, Connection, ConnectionProperties, options::BasicPublishOptions};
use support::{Broker, pty::Launched};

/// RabbitMQ takes tables this deep in its default 128 KiB frame (at 19,000 it refuses the
/// frame as too large).
const DEPTH: usize = 18_000;
const PUBLISH_ENV: &str = "AMQP_TUI_TEST_DEEP_PUBLISH";

#[test]
fn a_header_table_nested_as_deep_as_a_frame_holds_does_not_crash_the_app() {
    let broker = Broker::shared();
    let routing = support::unique_routing("deep-pty");
    let uri = format!("amqp://guest:guest@127.0.0.1:{}/%2f", broker.port());
    let mut app = Launched::watching(&uri, &routing, &[]);
    app.wait_for("the session to connect", Duration::from_secs(20), |s| {
        s.contains(" CONNECTED ")
    });

    // Publishing it needs a deep stack on this side too: lapin writes it recursively on
    // its I/O thread, which takes its size from RUST_MIN_STACK at the process's start.
    let target = format!("{uri}|{}|{}", routing.exchange, routing.key());
    let published = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "deep_publisher", "--ignored", "--nocapture"])
        .env(PUBLISH_ENV, &target)
        .env("RUST_MIN_STACK", (1usize << 30).to_string())
        .output()
        .expect("run the publisher");
    assert!(
        published.status.success(),
        "publisher: {}",
        String::from_utf8_lossy(&published.stderr)
    );

    let text = app.wait_for("the message in the pane", Duration::from_secs(20), |s| {
        s.contains("1 received")
    });
    assert!(text.contains("deep enough"), "{text}");
    assert!(
        app.child.try_wait().expect("child status").is_none(),
        "the app died"
    );
    // The details show the table, cut where the app stops following it.
    app.press(b"\r");
    app.wait_for("the message's headers", Duration::from_secs(10), |s| {
        s.contains("deep")
    });
    // Live sessions: the first Ctrl-C asks, the second quits.
    app.press(b"\x03\x03");
    let status = app.exit_status(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    app.assert_terminal_restored();
}

/// Run by the test above in a process of its own; does nothing otherwise.
#[test]
#[ignore = "a helper process of a_header_table_nested_as_deep_as_a_frame_holds_does_not_crash_the_app"]
fn deep_publisher() {
    let Ok(target) = std::env::var(PUBLISH_ENV) else {
        return;
    };
    let mut parts = target.split('|');
    let (uri, exchange, key) = (
        parts.next().expect("uri"),
        parts.next().expect("exchange"),
        parts.next().expect("key"),
    );
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let connection = Connection::connect(uri, ConnectionProperties::default())
            .await
            .expect("connect");
        let channel = connection.create_channel().await.expect("channel");
        // Hostile text at the bottom too, though the app cuts the table long before it.
        let headers = support::client::deep_headers(DEPTH);
        channel
            .basic_publish(
                exchange.into(),
                key.into(),
                BasicPublishOptions::default(),
                b"deep enough",
                BasicProperties::default().with_headers(headers),
            )
            .await
            .expect("publish");
        connection.close(200, "done".into()).await.expect("close");
    });
}
