//! The real binary speaking MQTT over TLS, as a user starts it: `--uri mqtts://…`, a
//! publish from the compose box confirmed by PUBACK, and a message from `mosquitto_pub`
//! (a client no one here wrote) in the pane.

mod support;

use std::time::Duration;

use support::{Broker, mqtt_clients, pty::Launched};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mqtts_session_from_the_command_line_publishes_and_receives() {
    let broker = Broker::shared();
    let tag = format!("pty{}x{}", std::process::id(), support::unique_suffix());
    let uri = format!("mqtts://guest:guest@localhost:{}", broker.mqtts_port());
    let ca = broker.ca().display().to_string();
    let filter = format!("test/{tag}/#");
    let publish_topic = format!("test/{tag}/from-app");
    let mut app = Launched::start(&[
        "--uri",
        &uri,
        "--ca-cert",
        &ca,
        "--topic",
        &filter,
        "--publish-topic",
        &publish_topic,
    ]);

    // The status line names protocol and verdict; the notice (drawn after it) and the
    // pane's title the subscription.
    let text = app.wait_for(
        "the MQTT session to connect",
        Duration::from_secs(20),
        |s| {
            s.contains(" CONNECTED ")
                && s.contains("MQTT · TLS, server verified against")
                && s.contains(&format!(": subscribed to {filter} (QoS 1)."))
        },
    );
    assert!(
        text.contains(&format!("┌ subscribed to {filter} (QoS 1) · following")),
        "{text}"
    );
    assert!(!text.contains("guest:guest"), "the password is never shown");

    // Tab: from the pane into the compose box, whose topic came from --publish-topic.
    app.press(b"\thello over mqtts\r");
    let text = app.wait_for("the PUBACK and the echo", Duration::from_secs(10), |s| {
        s.contains("acked by the broker (PUBACK)")
            && s.lines()
                // The Topic column may cut the tag's end (it carries the pid).
                .any(|l| l.contains("test/pty") && l.contains("hello over mqtts"))
    });
    assert!(
        text.contains(&format!("Published to topic '{publish_topic}'")),
        "{text}"
    );

    let sent = mqtt_clients::mosquitto_pub(
        &broker.mqtt_tls(),
        &format!("test/{tag}/from-mosquitto"),
        "hello from mosquitto",
        1,
        &[],
    )
    .await;
    assert!(sent.success(), "mosquitto_pub failed: {sent:?}");
    app.wait_for("mosquitto's message", Duration::from_secs(10), |s| {
        s.lines()
            .any(|l| l.contains("test/pty") && l.contains("hello from mosquitto"))
            && s.contains("2 received")
    });

    app.press(b"\x03\x03");
    let status = app.exit_status(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    app.assert_terminal_restored();
}
