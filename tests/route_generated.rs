//! The simulator against the broker's own answer: seeded random topologies built on a
//! vhost of the test's own (direct, topic, fanout and headers exchanges with every
//! x-match mode, exchange-to-exchange bindings with a cycle, alternate exchanges by
//! argument and by policy, the argument beating a policy, CC/BCC, the default exchange),
//! then hundreds of random messages, each compared with the queues the firehose says the
//! broker routed it to (`routed_queues`).
//!
//! Reproduce a failure with the seed it prints: `AMQP_TUI_ROUTE_SEED=N`.

mod support;

use std::{collections::BTreeSet, time::Duration};

use amqp_tui::{
    amqp::properties::table_to_amqp,
    management::{ManagementTarget, fetch_topology},
    session::{ConnectionSettings, ManagementSettings, properties::value_from_json},
    topology::{Arguments, Probe, simulate::Index},
};
use futures_lite::StreamExt;
use lapin::{
    BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind,
    options::{
        BasicConsumeOptions, BasicPublishOptions, ExchangeBindOptions, ExchangeDeclareOptions,
        QueueBindOptions, QueueDeclareOptions,
    },
    types::{AMQPValue, FieldTable},
};
use serde_json::json;
use support::Broker;

const ROUNDS: u64 = 3;
const PROBES: usize = 250;
const EXCHANGES: usize = 8;
const QUEUES: usize = 10;

/// splitmix64: small, seeded, the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const KEYS: [&str; 8] = ["a", "b", "a.b", "a.b.c", "c", "", "b.c", "x.y"];
const PATTERNS: [&str; 10] = [
    "a", "a.*", "#", "a.#", "*.b", "#.c", "a.b.c", "*", "b", "*.*",
];
const KINDS: [&str; 4] = ["direct", "topic", "fanout", "headers"];

fn header_arguments(rng: &mut Rng) -> Arguments {
    let mode = *rng.pick(&["all", "any", "all-with-x", "any-with-x"]);
    let mut args = Arguments::new();
    if rng.chance(90) {
        args.insert("x-match".into(), json!(mode));
    }
    let candidates = [
        ("h1", json!(1)),
        ("h1", json!("v")),
        ("h2", json!("w")),
        ("h3", json!(7)),
        ("x-h", json!("x")),
    ];
    for _ in 0..1 + rng.below(3) {
        let (k, v) = rng.pick(&candidates).clone();
        args.insert(k.into(), v);
    }
    args
}

fn probe_headers(rng: &mut Rng, queues: &[String]) -> Arguments {
    let mut headers = Arguments::new();
    let candidates = [
        ("h1", json!(1)),
        ("h1", json!("v")),
        ("h1", json!(2)),
        ("h2", json!("w")),
        ("h2", json!("z")),
        ("h3", json!(7)),
        ("x-h", json!("x")),
    ];
    for _ in 0..rng.below(4) {
        let (k, v) = rng.pick(&candidates).clone();
        headers.insert(k.into(), v);
    }
    if rng.chance(15) {
        headers.insert("CC".into(), json!([rng.pick(&KEYS), rng.pick(queues)]));
    }
    if rng.chance(10) {
        headers.insert("BCC".into(), json!([rng.pick(&KEYS)]));
    }
    headers
}

fn field_table(arguments: &Arguments) -> FieldTable {
    let table = arguments
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                value_from_json(v.clone()).expect("a header value"),
            )
        })
        .collect();
    table_to_amqp(&table).expect("AMQP table")
}

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

struct Built {
    queues: Vec<String>,
    exchanges: Vec<String>,
}

/// Declares a random topology on the vhost.
async fn build(channel: &Channel, broker: &Broker, vhost: &str, rng: &mut Rng) -> Built {
    let queues: Vec<String> = (0..QUEUES).map(|i| format!("q{i}")).collect();
    for q in &queues {
        channel
            .queue_declare(
                q.as_str().into(),
                QueueDeclareOptions::default(),
                FieldTable::default(),
            )
            .await
            .expect("declare queue");
    }
    // Alternate exchanges: fanout, each to a queue of its own.
    for ae in ["ae0", "ae1"] {
        declare(channel, ae, "fanout", FieldTable::default()).await;
        let q = format!("{ae}-q");
        channel
            .queue_declare(
                q.as_str().into(),
                QueueDeclareOptions::default(),
                FieldTable::default(),
            )
            .await
            .expect("declare queue");
        bind_queue(channel, &q, ae, "", FieldTable::default()).await;
    }
    let mut kinds: Vec<&str> = (0..EXCHANGES).map(|_| *rng.pick(&KINDS)).collect();
    // Every type, whatever the seed.
    kinds[..4].copy_from_slice(&KINDS);
    let exchanges: Vec<String> = (0..EXCHANGES).map(|i| format!("x{i}")).collect();
    for (i, name) in exchanges.iter().enumerate() {
        let mut arguments = FieldTable::default();
        // x1: by argument. x3: by argument, beating the policy (x3..x5 -> ae1).
        if i == 1 || i == 3 || (i > 5 && rng.chance(30)) {
            arguments.insert(
                "alternate-exchange".into(),
                AMQPValue::LongString("ae0".into()),
            );
        }
        declare(channel, name, kinds[i], arguments).await;
    }
    broker.ctl(&[
        "set_policy",
        "-p",
        vhost,
        "--apply-to",
        "exchanges",
        "ae-pol",
        "^x[3-5]$",
        r#"{"alternate-exchange":"ae1"}"#,
    ]);
    let key_for = |rng: &mut Rng, kind: &str| -> (String, Arguments) {
        match kind {
            "topic" => (rng.pick(&PATTERNS).to_string(), Arguments::new()),
            "headers" => (String::new(), header_arguments(rng)),
            _ => (rng.pick(&KEYS).to_string(), Arguments::new()),
        }
    };
    for _ in 0..30 {
        let s = rng.below(EXCHANGES);
        let (key, arguments) = key_for(rng, kinds[s]);
        if rng.chance(20) {
            let d = rng.below(EXCHANGES);
            bind_exchange(
                channel,
                &exchanges[d],
                &exchanges[s],
                &key,
                field_table(&arguments),
            )
            .await;
        } else {
            let q = rng.pick(&queues).clone();
            bind_queue(channel, &q, &exchanges[s], &key, field_table(&arguments)).await;
        }
    }
    // A cycle, whatever the seed: x0 -> x2 -> x0, bound so that messages go round.
    bind_exchange(channel, "x2", "x0", "a", FieldTable::default()).await;
    bind_exchange(channel, "x0", "x2", "", FieldTable::default()).await;
    let mut all = exchanges.clone();
    all.extend(["ae0".to_string(), "ae1".to_string()]);
    Built {
        queues,
        exchanges: all,
    }
}

async fn declare(channel: &Channel, name: &str, kind: &str, arguments: FieldTable) {
    let kind = match kind {
        "direct" => ExchangeKind::Direct,
        "topic" => ExchangeKind::Topic,
        "fanout" => ExchangeKind::Fanout,
        _ => ExchangeKind::Headers,
    };
    channel
        .exchange_declare(
            name.into(),
            kind,
            ExchangeDeclareOptions::default(),
            arguments,
        )
        .await
        .expect("declare exchange");
}

async fn bind_queue(channel: &Channel, queue: &str, exchange: &str, key: &str, args: FieldTable) {
    channel
        .queue_bind(
            queue.into(),
            exchange.into(),
            key.into(),
            QueueBindOptions::default(),
            args,
        )
        .await
        .expect("bind queue");
}

async fn bind_exchange(channel: &Channel, dest: &str, source: &str, key: &str, args: FieldTable) {
    channel
        .exchange_bind(
            dest.into(),
            source.into(),
            key.into(),
            ExchangeBindOptions::default(),
            args,
        )
        .await
        .expect("bind exchange");
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
    let started = std::time::Instant::now();
    for r in 0..ROUNDS {
        round(&broker, seed.wrapping_add(r)).await;
    }
    assert!(
        started.elapsed() < Duration::from_secs(50),
        "took {:?}",
        started.elapsed()
    );
}
