//! Failover through the real binary in a pseudo-terminal: `--uri` with the test
//! cluster's three nodes, the node the session is on killed, the failover notice naming
//! both nodes (from the management API), the status bar the new one, and a message
//! typed afterwards arriving.

mod support;

use std::time::Duration;

use support::{cluster::Cluster, pty::Launched, unique_routing};

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn killing_the_session_s_node_fails_over_and_the_session_carries_on() {
    let cluster = Cluster::shared();
    let _restore = cluster.restore_on_drop();
    let port = |n: u8| cluster.var(&format!("NODE{n}_AMQP_PORT")).to_string();
    let uri = format!(
        "amqp://guest:guest@127.0.0.1:{},127.0.0.1:{},127.0.0.1:{}/%2f",
        port(1),
        port(2),
        port(3)
    );
    // Node 2's API: it stays up when node 1 goes.
    let management = cluster.var("NODE2_MGMT_URL").to_string();
    let routing = unique_routing("pty-failover");
    let mut app = Launched::watching(&uri, &routing, &["--management", &management]);

    let on_first = format!("127.0.0.1:{}/%2F on n1@localhost", port(1));
    let text = app.wait_for("connected to node 1, named", WAIT, |s| {
        s.contains(" CONNECTED ") && s.contains(&on_first)
    });
    assert!(!text.contains("guest:guest"), "no password on screen");

    cluster.script(&["kill", "1"]);
    let text = app.wait_for("the failover notice and the new node", WAIT, |s| {
        s.contains("Failed over from n1@localhost to n2@localhost in")
            && s.contains(&format!("127.0.0.1:{}/%2F on n2@localhost", port(2)))
    });
    assert!(text.contains("1 outage(s) recovered"), "{text}");

    // F3: every node with its last state.
    app.press(b"\x1bOR");
    let details = app.wait_for("the details panel's node list", WAIT, |s| {
        s.contains("Nodes") && s.contains("lost:")
    });
    assert!(
        details.contains(&format!("127.0.0.1:{} (n2@localhost) connected", port(2))),
        "{details}"
    );
    // F3 again closes it (Esc with the next keys would read as Alt+Tab).
    app.press(b"\x1bOR");
    app.wait_for("the panel closed", WAIT, |s| !s.contains("lost:"));

    app.press(b"\tafter the failover\r");
    app.wait_for("the message typed after the failover", WAIT, |s| {
        s.lines()
            .any(|l| l.contains("after the failover") && l.contains(&routing.exchange[..10]))
            && s.contains("acked by the broker")
    });

    app.press(b"\x03\x03");
    let status = app.exit_status(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    app.assert_terminal_restored();
}
