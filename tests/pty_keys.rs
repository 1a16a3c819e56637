//! Keys in the real binary: a bracketed paste reaches the broker byte for byte, and a
//! stray q on a form toggle asks before quitting while another tab has a live session.

mod support;

use std::time::Duration;

use support::{Broker, client::Client, pty::Launched, unique_routing, unique_suffix};

const WAIT: Duration = Duration::from_secs(20);

/// The screen with its rows run together, so a notice wrapped over two rows reads as
/// the sentence it is.
fn flowing(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn a_pasted_multi_line_body_reaches_the_broker_byte_for_byte() {
    let broker = Broker::shared();
    let routing = unique_routing("pty-paste");
    let uri = format!("amqp://guest:guest@127.0.0.1:{}/%2f", broker.port());
    let mut app = Launched::watching(&uri, &routing, &[]);
    app.wait_for("the session", WAIT, |s| s.contains(" CONNECTED "));
    // A queue of the test's own on the app's exchange, to read what was published.
    let client = Client::connect(&broker).await;
    let queue = format!("pty-paste-{}-{}", std::process::id(), unique_suffix());
    client.queue(&queue).await;
    client.bind(&queue, &routing.exchange, routing.key()).await;

    let pasted = "line 1\nline\t2\r\nend";
    // Tab into the compose box; the paste as a terminal sends it; Enter publishes.
    let mut keys = b"\t\x1b[200~".to_vec();
    keys.extend_from_slice(pasted.as_bytes());
    keys.extend_from_slice(b"\x1b[201~\r");
    app.press(&keys);
    // The confirm's notice is drawn last in its frame: the box and pane are whole by then.
    app.wait_for("the confirm", WAIT, |s| {
        s.contains("Body › line 1↵line⇥2␍↵end")
            && s.contains("1 received")
            && flowing(s).contains("acked by the broker")
    });

    let got = client.consume(&queue, 1).await;
    assert_eq!(
        got,
        [(routing.key().to_string(), pasted.as_bytes().to_vec())]
    );
    app.press(b"\x03\x03");
    assert!(app.exit_status(Duration::from_secs(10)).success());
}

#[test]
fn q_on_a_form_toggle_asks_before_quitting_with_a_live_session_in_another_tab() {
    let broker = Broker::shared();
    let routing = unique_routing("pty-q");
    let uri = format!("amqp://guest:guest@127.0.0.1:{}/%2f", broker.port());
    let mut app = Launched::watching(&uri, &routing, &[]);
    app.wait_for("the session", WAIT, |s| s.contains(" CONNECTED "));
    // Ctrl-T: a new tab on its form; Down five times from Host to the first toggle.
    app.press(b"\x14");
    app.press(&b"\x1b[B".repeat(5));
    app.wait_for("the toggle focused", WAIT, |s| {
        s.contains("Space switch / next choice") && s.contains("DISCONNECTED")
    });
    app.press(b"q");
    let warning = "Quitting closes 1 open session (1 in other tabs), deleting 1 queue of the app's own (exclusive, auto-delete). Ctrl-C or q again quits anyway; any other key cancels.";
    app.wait_for("the question", WAIT, |s| flowing(s).contains(warning));
    assert!(
        app.child.try_wait().expect("child status").is_none(),
        "one stray q quit the app"
    );
    app.press(b"q");
    let status = app.exit_status(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    app.assert_terminal_restored();
}
