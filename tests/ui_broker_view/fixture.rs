//! The hand-built topology the broker view's screens are drawn from.

use amqp_tui::topology::{
    Alternate, Binding, DeadLetter, DestinationKind, Exchange, Origin, Queue, QueueKind, Topology,
};

pub fn exchange(name: &str, kind: &str) -> Exchange {
    Exchange {
        name: name.into(),
        kind: kind.into(),
        durable: true,
        auto_delete: false,
        internal: false,
        arguments: Default::default(),
        policy: None,
        alternate: None,
        publish_in_rate: None,
    }
}

pub fn queue(name: &str, ready: u64) -> Queue {
    Queue {
        name: name.into(),
        kind: QueueKind::Classic,
        durable: true,
        auto_delete: false,
        exclusive: false,
        arguments: Default::default(),
        policy: None,
        ready,
        unacked: 0,
        consumers: 0,
        publish_rate: None,
        deliver_rate: None,
        node: Some("rabbit@a".into()),
        members: Vec::new(),
        online: Vec::new(),
        dead_letter: None,
    }
}

pub fn bind(source: &str, key: &str, destination: &str, to_exchange: bool) -> Binding {
    Binding {
        source: source.into(),
        destination: destination.into(),
        destination_kind: if to_exchange {
            DestinationKind::Exchange
        } else {
            DestinationKind::Queue
        },
        routing_key: key.into(),
        arguments: Default::default(),
    }
}

/// orders (topic; AE `unrouted` by policy) -[order.#]-> orders-q (DLX by argument) and
/// -[#]-> audit-x (fanout) -> audit-q (quorum); loop-a <-> loop-b; dlx -[dead]-> dead-q.
pub fn example() -> Topology {
    let mut orders = exchange("orders", "topic");
    orders.alternate = Some(Alternate {
        exchange: "unrouted".into(),
        origin: Origin::Policy("ae-policy".into()),
    });
    let mut orders_q = queue("orders-q", 3);
    orders_q.unacked = 1;
    orders_q.consumers = 1;
    orders_q.publish_rate = Some(1.5);
    orders_q.deliver_rate = Some(1.0);
    orders_q.dead_letter = Some(DeadLetter {
        exchange: "dlx".into(),
        routing_key: Some("dead".into()),
        origin: Origin::Argument,
    });
    let mut audit_q = queue("audit-q", 0);
    audit_q.kind = QueueKind::Quorum;
    audit_q.members = vec!["rabbit@a".into(), "rabbit@b".into(), "rabbit@c".into()];
    audit_q.online = vec!["rabbit@a".into(), "rabbit@b".into()];
    let mut headers = exchange("by-format", "headers");
    headers.publish_in_rate = Some(2.0);
    let mut pdf = bind("by-format", "", "pdf-q", false);
    pdf.arguments.insert("x-match".into(), "any".into());
    pdf.arguments.insert("format".into(), "pdf".into());
    let queues = vec![
        orders_q,
        audit_q,
        queue("lost", 0),
        queue("dead-q", 7),
        queue("pdf-q", 0),
    ];
    let mut bindings = vec![
        bind("orders", "order.#", "orders-q", false),
        bind("orders", "#", "audit-x", true),
        bind("audit-x", "", "audit-q", false),
        bind("loop-a", "k", "loop-b", true),
        bind("loop-b", "k", "loop-a", true),
        bind("unrouted", "", "lost", false),
        bind("dlx", "dead", "dead-q", false),
        pdf,
    ];
    for q in &queues {
        bindings.push(bind("", &q.name, &q.name, false));
    }
    Topology {
        vhost: "/".into(),
        exchanges: vec![
            exchange("", "direct"),
            orders,
            exchange("audit-x", "fanout"),
            exchange("loop-a", "direct"),
            exchange("loop-b", "direct"),
            exchange("unrouted", "fanout"),
            exchange("dlx", "direct"),
            headers,
        ],
        queues,
        bindings,
        not_permitted: Vec::new(),
        cluster_name: Some("rabbit@test".into()),
        broker_version: Some("3.10.8".into()),
        listeners: Vec::new(),
        nodes: Vec::new(),
        connections: Vec::new(),
    }
}
