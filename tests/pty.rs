//! The real binary in a pseudo-terminal: keys in, screen text out.

mod support;

use std::time::Duration;

use support::{Broker, pty::Launched};

#[test]
fn connect_from_the_command_line_publish_by_typing_and_see_it_arrive() {
    let broker = Broker::shared();
    let routing = support::unique_routing("pty");
    let uri = format!("amqps://guest:guest@localhost:{}/%2f", broker.tls_port());
    let ca = broker.ca().display().to_string();
    let mut app = Launched::watching(&uri, &routing, &["--ca-cert", &ca]);

    let text = app.wait_for("the session to connect", Duration::from_secs(20), |s| {
        s.contains(" CONNECTED ")
    });
    assert!(text.contains("TLS, server verified against"), "{text}");
    assert!(
        !text.contains("guest:guest"),
        "the URI's password must not be shown"
    );

    app.press(b"\thello from a pty\r"); // Tab: from the pane into the compose box
    let text = app.wait_for("the message in the pane", Duration::from_secs(10), |s| {
        s.lines()
            .any(|l| l.contains(&routing.exchange[..10]) && l.contains("hello from a pty"))
    });
    assert!(text.contains("1 received"), "{text}");
    assert!(text.contains("acked by the broker"), "{text}");

    // Live sessions: the first Ctrl-C asks, the second quits.
    app.press(b"\x03\x03");
    let status = app.exit_status(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    app.assert_terminal_restored();
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut app = Launched::start(&["--no-connect"]);
    app.wait_for("the form", Duration::from_secs(10), |s| {
        s.contains("amqp-tui · connect")
    });
    let pid = app.child.process_id().expect("a pid");
    let pid = libc::pid_t::try_from(pid).expect("a pid fits pid_t");
    // SAFETY: kill(2) with a pid we spawned and a valid signal number.
    let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(sent, 0, "kill(SIGTERM) failed");
    let status = app.exit_status(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    app.assert_terminal_restored();
}
