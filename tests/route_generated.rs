//! The simulator against the broker's own answer: seeded random topologies built on a
//! vhost of the test's own (direct, topic, fanout and headers exchanges with every
//! x-match mode, exchange-to-exchange bindings with a cycle, alternate exchanges by
//! argument and by policy, the argument beating a policy, CC/BCC, the default exchange),
//! then hundreds of random messages, each compared with the queues the firehose says the
//! broker routed it to (`routed_queues`).
//!
//! Reproduce a failure with the seed it prints: `AMQP_TUI_ROUTE_SEED=N`.

#[path = "route_generated/build.rs"]
mod build;
mod support;

use std::collections::BTreeSet;

use amqp_tui::{
    management::{ManagementTarget, fetch_topology},
    session::{ConnectionSettings, ManagementSettings},
    topology::{Probe, simulate::Index},
};
use build::{KEYS, Rng, bind_queue, build, field_table, probe_headers};
use futures_lite::StreamExt;
use lapin::{
    BasicProperties, Connection, ConnectionProperties,
    options::{BasicConsumeOptions, BasicPublishOptions, QueueDeclareOptions},
    types::{AMQPValue, FieldTable},
};
use support::Broker;

const ROUNDS: u64 = 3;
const PROBES: usize = 250;

/// The vhost, its tracing and its policy go when the test ends, whatever happens.
struct Scratch {
    broker: Broker,
    vhost: String,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::panic::catch_unwind(|| {
            self.broker.ctl(&["trace_off", "-p", &self.vhost]);
        });
        let _ = std::panic::catch_unwind(|| {
            self.broker.ctl(&["delete_vhost", &self.vhost]);
        });
    }
}

fn routed_queues(headers: &FieldTable) -> BTreeSet<String> {
    match headers.inner().get("routed_queues") {
        Some(AMQPValue::FieldArray(items)) => items
            .as_slice()
            .iter()
            .filter_map(|v| match v {
                AMQPValue::LongString(s) => {
                    Some(String::from_utf8_lossy(s.as_bytes()).into_owned())
                }
                _ => None,
            })
            .collect(),
        other => panic!("no routed_queues array in the trace event: {other:?}"),
    }
}

async fn round(broker: &Broker, seed: u64) {
    let mut rng = Rng(seed);
    let vhost = format!(
        "route-gen-{}-{}",
        std::process::id(),
        support::unique_suffix()
    );
    broker.ctl(&["add_vhost", &vhost]);
    let _scratch = Scratch {
        broker: broker.clone(),
        vhost: vhost.clone(),
    };
    broker.ctl(&["set_permissions", "-p", &vhost, "guest", ".*", ".*", ".*"]);
    let uri = format!("amqp://guest:guest@127.0.0.1:{}/{vhost}", broker.port());
    let connection = Connection::connect(&uri, ConnectionProperties::default())
        .await
        .expect("connect to the scratch vhost");
    let channel = connection.create_channel().await.expect("channel");
    let built = build(&channel, broker, &vhost, &mut rng).await;

    let settings = ConnectionSettings {
        host: "127.0.0.1".into(),
        management: ManagementSettings {
            url: broker.mgmt_url(),
            ..ManagementSettings::default()
        },
        ..ConnectionSettings::default()
    };
    let target = ManagementTarget::from_settings(&settings).expect("target");
    let topology = fetch_topology(&target, &vhost).await.expect("topology");
    let index = Index::new(&topology);

    broker.ctl(&["trace_on", "-p", &vhost]);
    let trace = channel
        .queue_declare(
            "".into(),
            QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .expect("trace queue");
    bind_queue(
        &channel,
        trace.name().as_str(),
        "amq.rabbitmq.trace",
        "publish.#",
        FieldTable::default(),
    )
    .await;
    let mut events = channel
        .basic_consume(
            trace.name().as_str().into(),
            "trace".into(),
            BasicConsumeOptions {
                no_ack: true,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .expect("consume the trace");

    let mut targets: Vec<String> = built.exchanges.clone();
    targets.push(String::new());
    let mut keys: Vec<String> = KEYS.iter().map(|k| k.to_string()).collect();
    keys.extend(built.queues.iter().cloned());
    keys.push("ae0-q".into());
    let mut probes = Vec::with_capacity(PROBES);
    for i in 0..PROBES {
        let probe = Probe {
            exchange: rng.pick(&targets).clone(),
            routing_key: rng.pick(&keys).clone(),
            headers: probe_headers(&mut rng, &built.queues),
        };
        let props = BasicProperties::default().with_headers(field_table(&probe.headers));
        channel
            .basic_publish(
                probe.exchange.as_str().into(),
                probe.routing_key.as_str().into(),
                BasicPublishOptions::default(),
                i.to_string().as_bytes(),
                props,
            )
            .await
            .expect("publish");
        probes.push(probe);
    }
    let mut seen = 0;
    let mut mismatches = Vec::new();
    while seen < PROBES {
        let event = tokio::time::timeout(support::WAIT, events.next())
            .await
            .unwrap_or_else(|_| panic!("seed {seed}: only {seen} of {PROBES} trace events arrived"))
            .expect("trace stream open")
            .expect("trace event");
        let i: usize = std::str::from_utf8(&event.data)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a trace event of another message: {:?}", event.data));
        // The default exchange names its queue before the broker looks it up, so the
        // firehose lists a key that names no queue, although no queue gets the message.
        let broker_says: BTreeSet<String> =
            routed_queues(event.properties.headers().as_ref().expect("headers"))
                .into_iter()
                .filter(|q| topology.queue(q).is_some())
                .collect();
        let route = index.simulate(&probes[i]);
        let simulated: BTreeSet<String> = route.queues.iter().cloned().collect();
        if simulated != broker_says {
            mismatches.push(format!(
                "probe {i} {:?}: broker {broker_says:?}, simulated {simulated:?}, paths {:?}, problems {:?}",
                probes[i], route.paths, route.problems
            ));
        }
        seen += 1;
    }
    assert!(
        mismatches.is_empty(),
        "seed {seed} (AMQP_TUI_ROUTE_SEED={seed} reproduces it): {} of {PROBES} differ:\n{}\ntopology: {topology:#?}",
        mismatches.len(),
        mismatches.join("\n")
    );
    let _ = connection.close(200, "done".into()).await;
}

#[tokio::test]
async fn the_simulator_agrees_with_the_brokers_firehose_on_random_topologies() {
    let broker = Broker::shared();
    let seed = std::env::var("AMQP_TUI_ROUTE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    println!("seed {seed} (AMQP_TUI_ROUTE_SEED={seed} reproduces this run)");
    for r in 0..ROUNDS {
        round(&broker, seed.wrapping_add(r)).await;
    }
}
