//! The real binary speaking STOMP and Web-STOMP over TLS, as a user starts it:
//! `--uri stomps://…` or `--uri wss://…/ws`, a SEND from the compose box confirmed by its
//! RECEIPT, and a message from a client no one here wrote (stomp.py, @stomp/stompjs) in
//! the pane.

mod support;

use std::time::Duration;

use support::{Broker, pty::Launched, stomp_clients};

async fn session_from_the_command_line(web: bool) {
    let broker = Broker::shared();
    let tag = format!("pty{}x{}", std::process::id(), support::unique_suffix());
    let (uri, label, target) = if web {
        (
            format!(
                "wss://guest:guest@localhost:{}/ws",
                broker.web_stomps_port()
            ),
            "Web-STOMP",
            broker.web_stomp_tls(),
        )
    } else {
        (
            format!("stomps://guest:guest@localhost:{}/", broker.stomps_port()),
            "STOMP",
            broker.stomp_tls(),
        )
    };
    let ca = broker.ca().display().to_string();
    let watch = format!("/topic/test.{tag}.#");
    let publish_to = format!("/topic/test.{tag}.from-app");
    let mut app = Launched::start(&[
        "--uri",
        &uri,
        "--ca-cert",
        &ca,
        "--destination",
        &watch,
        "--publish-destination",
        &publish_to,
    ]);

    let text = app.wait_for("the session to connect", Duration::from_secs(20), |s| {
        s.contains(" CONNECTED ")
            && s.contains(&format!("{label} · TLS, server verified against"))
            && s.contains(&format!(": subscribed to {watch} (ack auto)."))
    });
    assert!(!text.contains("guest:guest"), "the password is never shown");

    // Tab: from the pane into the compose box, whose destination came from the flag.
    app.press(format!("\thello over {label}\r").as_bytes());
    let text = app.wait_for("the RECEIPT and the echo", Duration::from_secs(10), |s| {
        s.contains("the broker confirmed it with a RECEIPT")
            // The Destination column cuts a long name (the tag carries the pid), so the
            // row is known by its subscription and body, not by the whole destination.
            && s.lines()
                .any(|l| l.contains(" sub-0 ") && l.contains(&format!("hello over {label}")))
    });
    assert!(text.contains(&publish_to), "{text}");

    let from_client = format!("/topic/test.{tag}.in");
    stomp_clients::send(&target, &from_client, &["hello from a client"], &[])
        .await
        .expect_success("the third-party client's SEND");
    app.wait_for("the client's message", Duration::from_secs(10), |s| {
        s.lines()
            .any(|l| l.contains(" sub-0 ") && l.contains("hello from a client"))
            && s.contains("2 received")
    });

    app.press(b"\x03\x03");
    let status = app.exit_status(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    app.assert_terminal_restored();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stomps_session_from_the_command_line_sends_and_receives() {
    session_from_the_command_line(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wss_session_from_the_command_line_sends_and_receives() {
    session_from_the_command_line(true).await;
}
