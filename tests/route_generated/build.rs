//! A random topology of the seed's choosing, declared on a vhost, and random messages'
//! headers: what the generated-topology test compares the simulator and the broker on.

use amqp_tui::{
    amqp::properties::table_to_amqp, session::properties::value_from_json, topology::Arguments,
};
use lapin::{
    Channel, ExchangeKind,
    options::{ExchangeBindOptions, ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions},
    types::{AMQPValue, FieldTable},
};
use serde_json::json;

use super::support::Broker;

pub const EXCHANGES: usize = 8;
pub const QUEUES: usize = 10;

/// splitmix64: small, seeded, the same everywhere.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

pub const KEYS: [&str; 8] = ["a", "b", "a.b", "a.b.c", "c", "", "b.c", "x.y"];
pub const PATTERNS: [&str; 10] = [
    "a", "a.*", "#", "a.#", "*.b", "#.c", "a.b.c", "*", "b", "*.*",
];
pub const KINDS: [&str; 4] = ["direct", "topic", "fanout", "headers"];

pub fn header_arguments(rng: &mut Rng) -> Arguments {
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

pub fn probe_headers(rng: &mut Rng, queues: &[String]) -> Arguments {
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

pub fn field_table(arguments: &Arguments) -> FieldTable {
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

pub struct Built {
    pub queues: Vec<String>,
    pub exchanges: Vec<String>,
}

/// Declares a random topology on the vhost.
pub async fn build(channel: &Channel, broker: &Broker, vhost: &str, rng: &mut Rng) -> Built {
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

pub async fn declare(channel: &Channel, name: &str, kind: &str, arguments: FieldTable) {
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

pub async fn bind_queue(
    channel: &Channel,
    queue: &str,
    exchange: &str,
    key: &str,
    args: FieldTable,
) {
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

pub async fn bind_exchange(
    channel: &Channel,
    dest: &str,
    source: &str,
    key: &str,
    args: FieldTable,
) {
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
