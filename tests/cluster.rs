//! The test cluster (`scripts/test-cluster`, started once per run by `scripts/test`) as
//! failover needs it: three running nodes of one cluster, each serving AMQP; a quorum
//! queue's confirmed messages survive `kill -9` of the node it was declared on and are
//! served by another node; `start` brings the killed node back into the cluster; a paused
//! node answers nothing until resumed. One test: each step changes the cluster the next
//! one sees.

mod support;

use std::time::{Duration, Instant};

use lapin::{
    BasicProperties, Connection, ConnectionProperties,
    options::QueueDeclareOptions,
    types::{AMQPValue, FieldTable},
};
use support::{Broker, client::Client, cluster::Cluster, unique_suffix};

/// Long enough for a quorum queue to elect a new leader, or a node to rejoin, on a busy
/// two-core machine.
const SETTLE: Duration = Duration::from_secs(60);

fn running_nodes(node: &Broker) -> Vec<String> {
    let status = node.ctl(&["-q", "cluster_status", "--formatter", "json"]);
    let status: serde_json::Value = serde_json::from_str(&status).expect("cluster_status JSON");
    let mut nodes: Vec<String> = status["running_nodes"]
        .as_array()
        .expect("running_nodes")
        .iter()
        .filter_map(|n| n.as_str().map(String::from))
        .collect();
    nodes.sort();
    nodes
}

fn ready_messages(node: &Broker, queue: &str) -> Option<u64> {
    let listing = node.ctl(&["-q", "list_queues", "name", "messages_ready"]);
    listing
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .find(|(name, _)| *name == queue)
        .and_then(|(_, n)| n.trim().parse().ok())
}

async fn connects(node: &Broker) -> bool {
    let uri = format!("amqp://guest:guest@127.0.0.1:{}/%2f", node.port());
    let attempt = Connection::connect(&uri, ConnectionProperties::default());
    matches!(
        tokio::time::timeout(Duration::from_secs(3), attempt).await,
        Ok(Ok(_))
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_one_cluster_that_survive_a_killed_and_a_paused_node() {
    let cluster = Cluster::shared();
    let all = ["n1@localhost", "n2@localhost", "n3@localhost"];
    for n in 1..=3 {
        let node = cluster.node(n);
        assert_eq!(running_nodes(&node), all, "as node {n} sees it");
        assert!(connects(&node).await, "node {n} serves AMQP");
    }

    // A quorum queue declared on node 1, with twenty confirmed messages.
    let queue = format!("cluster-q-{}-{}", std::process::id(), unique_suffix());
    let first = Client::connect(&cluster.node(1)).await;
    let mut arguments = FieldTable::default();
    arguments.insert(
        "x-queue-type".into(),
        AMQPValue::LongString("quorum".into()),
    );
    first
        .channel
        .queue_declare(
            queue.as_str().into(),
            QueueDeclareOptions {
                durable: true,
                ..QueueDeclareOptions::default()
            },
            arguments,
        )
        .await
        .expect("declare the quorum queue");
    for i in 0..20 {
        let body = format!("m{i}");
        first
            .publish("", &queue, body.as_bytes(), BasicProperties::default())
            .await;
    }
    drop(first);

    // Node 1 crashes; node 2 serves every message once a new leader is elected.
    cluster.script(&["kill", "1"]);
    let second = cluster.node(2);
    let started = Instant::now();
    while ready_messages(&second, &queue) != Some(20) {
        assert!(
            started.elapsed() < SETTLE,
            "node 2 does not serve the 20 messages: {:?}",
            ready_messages(&second, &queue)
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let client = Client::connect(&second).await;
    let bodies = client.drain(&queue).await;
    let expected: Vec<Vec<u8>> = (0..20).map(|i| format!("m{i}").into_bytes()).collect();
    assert_eq!(bodies, expected, "every message, once, in order");
    assert!(!running_nodes(&second).contains(&all[0].to_string()));

    // `start` brings node 1 back into the same cluster.
    cluster.script(&["start"]);
    assert_eq!(running_nodes(&second), all);
    assert!(connects(&cluster.node(1)).await);

    // A paused node keeps its port open and answers nothing, until resumed.
    let third = cluster.node(3);
    cluster.script(&["pause", "3"]);
    let paused = connects(&third).await;
    cluster.script(&["resume", "3"]);
    assert!(!paused, "a paused node must not complete a connection");
    let started = Instant::now();
    while !connects(&third).await {
        assert!(
            started.elapsed() < SETTLE,
            "node 3 does not answer once resumed"
        );
    }
    client
        .channel
        .queue_delete(queue.as_str().into(), Default::default())
        .await
        .expect("delete the queue");
}
