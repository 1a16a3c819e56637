//! The firehose tap against the real node: with tracing on for a vhost of the test's own,
//! a publish there comes back through the tap as the broker routed it, `routed_queues`
//! and all (after an exchange-to-exchange hop and into an alternate exchange's queue), and
//! the tap's queue is gone once the tap stops.

mod support;

use std::time::Duration;

use amqp_tui::{
    observe::{self, Comparison, TAP_QUEUE_LIMIT, TapEvent},
    session::ConnectionSettings,
};
use lapin::{
    BasicProperties, Connection, ConnectionProperties, ExchangeKind,
    options::{
        BasicPublishOptions, ExchangeBindOptions, ExchangeDeclareOptions, QueueBindOptions,
        QueueDeclareOptions,
    },
    types::{AMQPValue, FieldTable},
};
use support::{Broker, WAIT};
use tokio::sync::mpsc;

/// A vhost with tracing on, deleted (with everything in it) when dropped.
struct TracedVhost {
    broker: Broker,
    name: String,
}

impl TracedVhost {
    fn new(broker: &Broker) -> Self {
        let name = format!(
            "observe-{}-{}",
            std::process::id(),
            support::unique_suffix()
        );
        broker.ctl(&["add_vhost", &name]);
        broker.ctl(&["set_permissions", "-p", &name, "guest", ".*", ".*", ".*"]);
        broker.ctl(&["trace_on", "-p", &name]);
        Self {
            broker: broker.clone(),
            name,
        }
    }
}

impl Drop for TracedVhost {
    fn drop(&mut self) {
        self.broker.ctl(&["trace_off", "-p", &self.name]);
        self.broker.ctl(&["delete_vhost", &self.name]);
    }
}

async fn next_publish(events: &mut mpsc::Receiver<TapEvent>) -> observe::TraceEvent {
    loop {
        match tokio::time::timeout(WAIT, events.recv()).await {
            Ok(Some(TapEvent::Traced(event))) => return *event,
            Ok(Some(TapEvent::Ready)) => {}
            other => panic!("expected a traced publish, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_comes_back_through_the_tap_with_the_queues_the_broker_chose() {
    let broker = Broker::shared();
    let vhost = TracedVhost::new(&broker);
    let uri = format!(
        "amqp://guest:guest@127.0.0.1:{}/{}",
        broker.port(),
        vhost.name
    );
    let client = Connection::connect(&uri, ConnectionProperties::default())
        .await
        .expect("the test's client connects");
    let channel = client.create_channel().await.expect("channel");
    // orders (topic) -[order.#]-> audit (fanout) -> audit-q; orders -[order.new]-> new-q;
    // and orders' alternate exchange `lost` (fanout) -> lost-q for what orders cannot route.
    let declare = async |name: &str, kind: ExchangeKind, args: FieldTable| {
        channel
            .exchange_declare(name.into(), kind, ExchangeDeclareOptions::default(), args)
            .await
            .expect("declare exchange");
    };
    declare("lost", ExchangeKind::Fanout, FieldTable::default()).await;
    let mut alternate = FieldTable::default();
    alternate.insert(
        "alternate-exchange".into(),
        AMQPValue::LongString("lost".into()),
    );
    declare("orders", ExchangeKind::Topic, alternate).await;
    declare("audit", ExchangeKind::Fanout, FieldTable::default()).await;
    for queue in ["audit-q", "new-q", "lost-q"] {
        channel
            .queue_declare(
                queue.into(),
                QueueDeclareOptions::default(),
                FieldTable::default(),
            )
            .await
            .expect("declare queue");
    }
    let bind = async |queue: &str, exchange: &str, key: &str| {
        channel
            .queue_bind(
                queue.into(),
                exchange.into(),
                key.into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await
            .expect("bind queue");
    };
    bind("audit-q", "audit", "").await;
    bind("new-q", "orders", "order.new").await;
    bind("lost-q", "lost", "").await;
    channel
        .exchange_bind(
            "audit".into(),
            "orders".into(),
            "order.#".into(),
            ExchangeBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .expect("bind exchange");

    let settings = ConnectionSettings {
        host: "127.0.0.1".into(),
        port: broker.port(),
        vhost: vhost.name.clone(),
        ..ConnectionSettings::default()
    };
    let (tx, mut events) = mpsc::channel(16);
    let tap = observe::start(settings, tx);
    let ready = tokio::time::timeout(WAIT, events.recv())
        .await
        .expect("in time");
    assert_eq!(ready, Some(TapEvent::Ready));
    let listing = broker.ctl(&[
        "list_queues",
        "-p",
        &vhost.name,
        "name",
        "arguments",
        "exclusive",
    ]);
    let tap_queue = listing
        .lines()
        .find(|l| l.starts_with("amq.gen-"))
        .unwrap_or_else(|| panic!("no tap queue in:\n{listing}"));
    assert!(
        tap_queue.contains(&format!("{{\"x-max-length\",{TAP_QUEUE_LIMIT}}}")),
        "{tap_queue}"
    );
    assert!(tap_queue.ends_with("true"), "exclusive: {tap_queue}");

    let publish = async |key: &str, body: &[u8]| {
        channel
            .basic_publish(
                "orders".into(),
                key.into(),
                BasicPublishOptions::default(),
                body,
                BasicProperties::default(),
            )
            .await
            .expect("publish");
    };
    publish("order.new", b"first").await;
    let event = next_publish(&mut events).await;
    assert_eq!(
        (
            event.exchange.as_str(),
            event.routing_key(),
            event.body.as_slice()
        ),
        ("orders", "order.new", &b"first"[..])
    );
    assert_eq!(event.routed_queues, ["audit-q", "new-q"]);
    // Only the e2e hop matches: the set is not empty, so the alternate exchange is unused.
    publish("order.old", b"second").await;
    assert_eq!(next_publish(&mut events).await.routed_queues, ["audit-q"]);
    // Nothing of orders' own matches: the alternate exchange takes it.
    publish("refund", b"third").await;
    let lost = next_publish(&mut events).await;
    assert_eq!(lost.routed_queues, ["lost-q"]);
    let simulated = vec!["audit-q".to_string()];
    let c = Comparison::of(&simulated, &lost.routed_queues);
    assert_eq!(
        (c.only_simulated, c.only_observed),
        (simulated, vec!["lost-q".to_string()])
    );

    // Stopped, its connection closes and the exclusive queue goes with it.
    tap.abort();
    let _ = tap.await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let listing = broker.ctl(&["list_queues", "-p", &vhost.name, "name"]);
        if !listing.contains("amq.gen-") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the tap's queue outlived it:\n{listing}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    client.close(200, "done".into()).await.expect("close");
}
