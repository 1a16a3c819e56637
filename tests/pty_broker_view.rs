//! The broker view through the real binary in a pseudo-terminal, against the shared node's
//! management API: `--view topology` opens it once the tab connects, `/` filters the tree
//! down to one exchange, Enter taps it in a new tab, and a message published to the
//! exchange arrives there.

mod support;

use std::time::Duration;

use amqp_tui::profile::{Profile, ProfileStore};
use lapin::{BasicProperties, ExchangeKind};
use support::{Broker, client::Client, pty::Launched, unique_routing, unique_suffix};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn view_topology_filter_tap_an_exchange_and_see_a_message_arrive() {
    let broker = Broker::shared();
    let id = format!("{}-{}", std::process::id(), unique_suffix());
    let tapped = format!("bv-tap-{id}");
    let client = Client::connect(&broker).await;
    client.exchange(&tapped, ExchangeKind::Topic).await;

    // The management URL comes from the profile: the node's API is not on 15672.
    let routing = unique_routing("pty-bv");
    let profile = Profile {
        name: "bv".into(),
        host: "127.0.0.1".into(),
        port: broker.port(),
        password: Some("guest".into()),
        remember_password: true,
        exchange: routing.exchange.clone(),
        routing_key: routing.key().to_string(),
        management_url: broker.mgmt_url(),
        ..Profile::default()
    };
    let config = support::scratch_dir("pty-bv");
    ProfileStore::load(config.path())
        .store
        .save(std::slice::from_ref(&profile))
        .expect("write the profiles file");
    let mut app =
        Launched::start_with_config(&["--profile", "bv", "--view", "topology"], config.path());

    app.wait_for("the broker view with the tree", WAIT, |s| {
        s.contains("Broker vhost /") && s.contains("Exchanges (") && s.contains("Queues (")
    });
    app.press(b"/");
    app.press(tapped.as_bytes());
    app.press(b"\r");
    let exchange_row = format!("▾ {tapped} (topic)");
    let filtered = app.wait_for("the tree filtered to the exchange", WAIT, |s| {
        s.contains(&format!("filter {tapped}"))
            && s.contains(&exchange_row)
            && s.contains("Queues (")
    });
    assert!(!filtered.contains("amq.direct"), "{filtered}");

    // Down from the heading to the exchange, Enter taps it in a new tab.
    app.press(b"\x1b[B");
    app.press(b"\r");
    let tapping = app.wait_for("the new tab tapping the exchange", WAIT, |s| {
        s.contains(" CONNECTED ")
            && s.contains(&format!("tap {tapped} (topic"))
            && s.contains("─#→ amq.gen-")
            && !s.contains("Broker vhost")
    });
    assert!(
        tapping
            .lines()
            .next()
            .is_some_and(|bar| bar.contains(" 2 ")),
        "{tapping}"
    );

    let body = format!("seen through the broker view {id}");
    client
        .publish(
            &tapped,
            "any.key",
            body.as_bytes(),
            BasicProperties::default(),
        )
        .await;
    app.wait_for("the message in the new tab", WAIT, |s| {
        s.lines().any(|l| l.contains(&body)) && s.contains("1 received")
    });

    // Live sessions: the first Ctrl-C asks, the second quits.
    app.press(b"\x03\x03");
    assert!(app.exit_status(Duration::from_secs(10)).success());
    app.assert_terminal_restored();
    client.delete_exchange(&tapped).await;
}
