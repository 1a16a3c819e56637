//! `amqp-tui route` as a script runs it: the real binary against the node's management
//! API, its JSON, and its exit codes (0 routed, 3 unrouted, 1 cannot ask).

mod support;

use std::process::{Command, Output};

use lapin::{
    Connection, ConnectionProperties, ExchangeKind,
    options::{ExchangeBindOptions, ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions},
    types::{AMQPValue, FieldTable},
};
use support::Broker;

/// The vhost goes when the test ends, whatever happens.
struct Scratch {
    broker: Broker,
    vhost: String,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::panic::catch_unwind(|| self.broker.ctl(&["delete_vhost", &self.vhost]));
    }
}

/// `orders` (topic) -[order.#]-> `audit-x` (fanout) -> `audit-q`; `orders` -[order.new]->
/// `o`; `tagged` (headers) -[x-match=any, n=1]-> `o`.
async fn demo_vhost(broker: &Broker) -> Scratch {
    let vhost = format!(
        "route-cli-{}-{}",
        std::process::id(),
        support::unique_suffix()
    );
    broker.ctl(&["add_vhost", &vhost]);
    let scratch = Scratch {
        broker: broker.clone(),
        vhost: vhost.clone(),
    };
    broker.ctl(&["set_permissions", "-p", &vhost, "guest", ".*", ".*", ".*"]);
    let uri = format!("amqp://guest:guest@127.0.0.1:{}/{vhost}", broker.port());
    let connection = Connection::connect(&uri, ConnectionProperties::default())
        .await
        .expect("connect");
    let ch = connection.create_channel().await.expect("channel");
    let none = FieldTable::default;
    for (name, kind) in [
        ("orders", ExchangeKind::Topic),
        ("audit-x", ExchangeKind::Fanout),
        ("tagged", ExchangeKind::Headers),
    ] {
        ch.exchange_declare(name.into(), kind, ExchangeDeclareOptions::default(), none())
            .await
            .expect("exchange");
    }
    for q in ["audit-q", "o"] {
        ch.queue_declare(q.into(), QueueDeclareOptions::default(), none())
            .await
            .expect("queue");
    }
    ch.exchange_bind(
        "audit-x".into(),
        "orders".into(),
        "order.#".into(),
        ExchangeBindOptions::default(),
        none(),
    )
    .await
    .expect("e2e");
    ch.queue_bind(
        "audit-q".into(),
        "audit-x".into(),
        "".into(),
        QueueBindOptions::default(),
        none(),
    )
    .await
    .expect("bind");
    ch.queue_bind(
        "o".into(),
        "orders".into(),
        "order.new".into(),
        QueueBindOptions::default(),
        none(),
    )
    .await
    .expect("bind");
    let mut args = FieldTable::default();
    args.insert("x-match".into(), AMQPValue::LongString("any".into()));
    args.insert("n".into(), AMQPValue::LongInt(1));
    ch.queue_bind(
        "o".into(),
        "tagged".into(),
        "".into(),
        QueueBindOptions::default(),
        args,
    )
    .await
    .expect("bind");
    let _ = connection.close(200, "set up".into()).await;
    scratch
}

/// The binary, with the session URI (and its password) in AMQP_URL as the help advises.
fn route(broker: &Broker, management: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_amqp-tui"))
        .arg("route")
        .args(["--management", management])
        .args(args)
        .env(
            "AMQP_URL",
            format!("amqp://guest:guest@127.0.0.1:{}/%2f", broker.port()),
        )
        .env_remove("AMQP_TUI_LOG")
        .env_remove("AMQP_TUI_LOG_FILE")
        .output()
        .expect("run amqp-tui route")
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not one JSON object ({err}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[tokio::test]
async fn route_json_answers_with_queues_and_paths_and_exit_codes() {
    let broker = Broker::shared();
    let scratch = demo_vhost(&broker).await;
    let vh = scratch.vhost.as_str();
    let mgmt = broker.mgmt_url();

    let routed = route(
        &broker,
        &mgmt,
        &[
            "--vhost",
            vh,
            "--exchange",
            "orders",
            "--key",
            "order.new",
            "--json",
        ],
    );
    assert_eq!(
        routed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&routed.stderr)
    );
    let answer = json(&routed);
    assert_eq!(answer["queues"], serde_json::json!(["audit-q", "o"]));
    assert_eq!(
        answer["paths"],
        serde_json::json!([
            "orders -[order.#]-> audit-x -[]-> audit-q",
            "orders -[order.new]-> o"
        ])
    );
    assert_eq!(answer["approximate"], serde_json::json!([]));
    assert_eq!(answer["problems"], serde_json::json!([]));

    let by_header = route(
        &broker,
        &mgmt,
        &[
            "--vhost",
            vh,
            "--exchange",
            "tagged",
            "--header",
            "n=1",
            "--json",
        ],
    );
    assert_eq!(by_header.status.code(), Some(0));
    assert_eq!(json(&by_header)["queues"], serde_json::json!(["o"]));

    let unrouted = route(
        &broker,
        &mgmt,
        &[
            "--vhost",
            vh,
            "--exchange",
            "orders",
            "--key",
            "invoice.paid",
            "--json",
        ],
    );
    assert_eq!(
        unrouted.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&unrouted.stderr)
    );
    assert_eq!(json(&unrouted)["queues"], serde_json::json!([]));

    let missing = route(
        &broker,
        &mgmt,
        &["--vhost", vh, "--exchange", "nope", "--json"],
    );
    assert_eq!(missing.status.code(), Some(3));
    let problems = json(&missing)["problems"].to_string();
    assert!(problems.contains("does not exist in vhost"), "{problems}");

    // Text for people: the queues, then the paths.
    let text = route(
        &broker,
        &mgmt,
        &["--vhost", vh, "--exchange", "orders", "--key", "order.x"],
    );
    assert_eq!(text.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&text.stdout),
        "A message to exchange 'orders' with key 'order.x' reaches 1 queue:\n  audit-q\nPaths:\n  orders -[order.#]-> audit-x -[]-> audit-q\n"
    );
}

#[test]
fn route_exits_1_with_the_reason_when_the_api_cannot_be_asked() {
    let broker = Broker::shared();
    let closed = format!("http://127.0.0.1:{}", support::closed_port());
    let out = route(&broker, &closed, &["--exchange", "amq.topic", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout for a script to misread"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rabbitmq-plugins enable rabbitmq_management"),
        "{stderr}"
    );
    let bad = route(&broker, "ftp://h", &["--exchange", "amq.topic"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Management URL: 'ftp://h' is ftp://"));
}
