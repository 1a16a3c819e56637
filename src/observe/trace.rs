//! One firehose event, as RabbitMQ 3.10 writes it to `amq.rabbitmq.trace`: the routing key
//! `publish.<exchange>` (or `deliver.<queue>`), headers `exchange_name`, `routing_keys`,
//! `routed_queues` (the final queues, after exchange-to-exchange and alternate routing),
//! `node`, `user`, `properties` (the message's properties as a table: its `headers` are
//! what a headers exchange matched), and the message's own body.

use crate::session::{Table, Value};

/// A publish the broker routed, as the firehose tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEvent {
    /// The exchange published to (`""`: the default exchange).
    pub exchange: String,
    /// The routing key, then any `CC`/`BCC` keys.
    pub routing_keys: Vec<String>,
    /// Every queue the broker routed it to, sorted, each once.
    pub routed_queues: Vec<String>,
    /// The node that routed it.
    pub node: Option<String>,
    /// The message's own headers (`properties.headers`), `CC` included (the broker takes
    /// `BCC` out before it traces).
    pub headers: Table,
    pub body: Vec<u8>,
}

impl TraceEvent {
    /// Reads a `publish.*` event; `None` for deliveries and anything malformed.
    pub fn from_firehose(routing_key: &str, headers: &Table, body: &[u8]) -> Option<Self> {
        routing_key.strip_prefix("publish.")?;
        let exchange = text(find(headers, "exchange_name")?)?;
        let routing_keys = texts(find(headers, "routing_keys")?)?;
        let mut routed_queues = texts(find(headers, "routed_queues")?)?;
        routed_queues.sort();
        routed_queues.dedup();
        let node = find(headers, "node").and_then(text);
        let message_headers = match find(headers, "properties") {
            Some(Value::Table(properties)) => match find(properties, "headers") {
                Some(Value::Table(headers)) => headers.clone(),
                _ => Table::default(),
            },
            _ => Table::default(),
        };
        Some(Self {
            exchange,
            routing_keys,
            routed_queues,
            node,
            headers: message_headers,
            body: body.to_vec(),
        })
    }

    /// The routing key the message was published with.
    pub fn routing_key(&self) -> &str {
        self.routing_keys.first().map_or("", String::as_str)
    }
}

fn find<'a>(headers: &'a Table, name: &str) -> Option<&'a Value> {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::LongString(bytes) | Value::ByteArray(bytes) => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
        Value::ShortString(s) => Some(s.clone()),
        _ => None,
    }
}

fn texts(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Array(items) => items.iter().map(text).collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long(s: &str) -> Value {
        Value::LongString(s.as_bytes().to_vec())
    }

    fn headers() -> Table {
        vec![
            ("exchange_name".into(), long("orders")),
            (
                "routing_keys".into(),
                Value::Array(vec![long("order.new"), long("audit")]),
            ),
            (
                "routed_queues".into(),
                Value::Array(vec![long("q2"), long("q1"), long("q2")]),
            ),
            ("node".into(), long("rabbit@n1")),
            (
                "properties".into(),
                Value::Table(vec![
                    ("delivery_mode".into(), Value::U8(2)),
                    (
                        "headers".into(),
                        Value::Table(vec![("kind".into(), long("order"))]),
                    ),
                ]),
            ),
        ]
    }

    #[test]
    fn a_publish_event_names_exchange_keys_and_queues() {
        let event = TraceEvent::from_firehose("publish.orders", &headers(), b"hi").expect("read");
        assert_eq!(event.exchange, "orders");
        assert_eq!(event.routing_key(), "order.new");
        assert_eq!(event.routing_keys, ["order.new", "audit"]);
        assert_eq!(event.routed_queues, ["q1", "q2"]);
        assert_eq!(event.node.as_deref(), Some("rabbit@n1"));
        assert_eq!(event.headers, vec![("kind".to_string(), long("order"))]);
        assert_eq!(event.body, b"hi");
    }

    #[test]
    fn deliveries_and_malformed_events_are_not_publishes() {
        assert_eq!(
            TraceEvent::from_firehose("deliver.q1", &headers(), b""),
            None
        );
        let mut broken = headers();
        broken[2].1 = long("not a list");
        assert_eq!(
            TraceEvent::from_firehose("publish.orders", &broken, b""),
            None
        );
    }

    #[test]
    fn a_publish_routed_nowhere_has_no_queues() {
        let mut none = headers();
        none[2].1 = Value::Array(Vec::new());
        let event = TraceEvent::from_firehose("publish.orders", &none, b"").expect("read");
        assert!(event.routed_queues.is_empty());
    }
}
