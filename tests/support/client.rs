//! A plain lapin client for setting up what a session is pointed at (exchanges, queues,
//! other consumers) and for checking what the broker holds afterwards.

use std::time::Duration;

use futures_lite::StreamExt;
use lapin::{
    BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind,
    options::{
        BasicConsumeOptions, BasicGetOptions, BasicPublishOptions, ConfirmSelectOptions,
        ExchangeDeclareOptions, ExchangeDeleteOptions, QueueBindOptions, QueueDeclareOptions,
    },
    types::{AMQPValue, FieldArray, FieldTable},
};

use super::{Broker, WAIT};

pub struct Client {
    pub connection: Connection,
    pub channel: Channel,
}

impl Client {
    pub async fn connect(broker: &Broker) -> Self {
        Self::connect_vhost(broker, "/").await
    }

    pub async fn connect_vhost(broker: &Broker, vhost: &str) -> Self {
        let vhost =
            percent_encoding::utf8_percent_encode(vhost, percent_encoding::NON_ALPHANUMERIC);
        let uri = format!("amqp://guest:guest@127.0.0.1:{}/{vhost}", broker.port());
        let connection = Connection::connect(&uri, ConnectionProperties::default())
            .await
            .expect("test client connects");
        let channel = connection.create_channel().await.expect("channel");
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .expect("confirms");
        Self {
            connection,
            channel,
        }
    }

    /// A non-exclusive exchange that outlives this client until deleted.
    pub async fn exchange(&self, name: &str, kind: ExchangeKind) {
        self.channel
            .exchange_declare(
                name.into(),
                kind,
                ExchangeDeclareOptions::default(),
                FieldTable::default(),
            )
            .await
            .expect("declare exchange");
    }

    pub async fn delete_exchange(&self, name: &str) {
        self.channel
            .exchange_delete(name.into(), ExchangeDeleteOptions::default())
            .await
            .expect("delete exchange");
    }

    /// A plain shared queue (what an operator would point the app at); it expires a
    /// minute after the test stops using it.
    pub async fn queue(&self, name: &str) {
        let mut arguments = FieldTable::default();
        arguments.insert("x-expires".into(), AMQPValue::LongInt(60_000));
        self.channel
            .queue_declare(name.into(), QueueDeclareOptions::default(), arguments)
            .await
            .expect("declare queue");
    }

    pub async fn bind(&self, queue: &str, exchange: &str, key: &str) {
        self.channel
            .queue_bind(
                queue.into(),
                exchange.into(),
                key.into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await
            .expect("bind");
    }

    /// Publishes and waits for the broker's confirm.
    pub async fn publish(&self, exchange: &str, key: &str, body: &[u8], props: BasicProperties) {
        let confirm = self
            .channel
            .basic_publish(
                exchange.into(),
                key.into(),
                BasicPublishOptions::default(),
                body,
                props,
            )
            .await
            .expect("publish");
        assert!(confirm.await.expect("confirm").is_ack());
    }

    /// Takes every message in the queue (basic.get, auto-ack), in queue order.
    pub async fn drain(&self, queue: &str) -> Vec<Vec<u8>> {
        let mut bodies = Vec::new();
        while let Some(got) = self
            .channel
            .basic_get(queue.into(), BasicGetOptions { no_ack: true })
            .await
            .expect("basic.get")
        {
            bodies.push(got.delivery.data);
        }
        bodies
    }

    /// Consumes `n` messages from the queue on a channel of its own, acking each.
    pub async fn consume(&self, queue: &str, n: usize) -> Vec<(String, Vec<u8>)> {
        let channel = self.connection.create_channel().await.expect("channel");
        let mut consumer = channel
            .basic_consume(
                queue.into(),
                "other-consumer".into(),
                BasicConsumeOptions {
                    no_ack: true,
                    ..BasicConsumeOptions::default()
                },
                FieldTable::default(),
            )
            .await
            .expect("consume");
        let mut got = Vec::new();
        while got.len() < n {
            let next = tokio::time::timeout(WAIT, consumer.next())
                .await
                .unwrap_or_else(|_| panic!("only {} of {n} arrived: {got:?}", got.len()))
                .expect("stream open")
                .expect("delivery");
            got.push((next.routing_key.to_string(), next.data));
        }
        got
    }
}

/// `(messages_ready, messages_unacknowledged)` as rabbitmqctl reports them.
pub fn queue_counts(broker: &Broker, queue: &str) -> (u64, u64) {
    let listing = broker.ctl(&[
        "list_queues",
        "name",
        "messages_ready",
        "messages_unacknowledged",
    ]);
    let row = listing
        .lines()
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .find(|cols| cols.first() == Some(&queue))
        .unwrap_or_else(|| panic!("queue {queue} is not listed:\n{listing}"));
    let number = |i: usize| row[i].trim().parse().expect("a count");
    (number(1), number(2))
}

/// Waits until the queue's counts are `expected`: the broker updates them a moment after
/// an ack or a requeue, and each look is a rabbitmqctl run that a loaded machine slows
/// down (seen past 20 s in a full parallel run), hence the longer wait.
pub async fn expect_counts(broker: &Broker, queue: &str, expected: (u64, u64)) {
    let deadline = tokio::time::Instant::now() + 3 * WAIT;
    loop {
        let counts = queue_counts(broker, queue);
        if counts == expected {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "queue {queue}: (ready, unacked) = {counts:?}, expected {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Closes our session's connection from the broker's side, found by its name.
pub fn close_connection_named(broker: &Broker, name: &str) {
    let listing = broker.ctl(&["list_connections", "pid", "client_properties"]);
    let pid = listing
        .lines()
        .find(|line| line.contains(name))
        .and_then(|line| line.split('\t').next())
        .unwrap_or_else(|| panic!("no connection named {name}:\n{listing}"))
        .to_string();
    broker.ctl(&["close_connection", &pid, "test closes it"]);
}

/// A headers table `depth` levels deep in lapin's types, with hostile text at the bottom.
pub fn deep_headers(depth: usize) -> FieldTable {
    let mut value = AMQPValue::LongString(b"leaf\x1b[2J\xe2\x80\xae".to_vec().into());
    for level in 0..depth {
        value = if level % 2 == 0 {
            AMQPValue::FieldArray(FieldArray::from(vec![value]))
        } else {
            let mut table = FieldTable::default();
            table.insert("k".into(), value);
            AMQPValue::FieldTable(table)
        };
    }
    let mut headers = FieldTable::default();
    headers.insert("deep".into(), value);
    headers
}
