//! The tree built from a hand-made topology: bindings under their exchange, recursion
//! through exchange-to-exchange bindings with a cycle ending it, AE and DLX edges, the
//! default exchange's implicit bindings hidden unless asked, filters and hiding.

use super::{QueueSort, RowKind, Target, TreeOptions, rows};
use crate::topology::{
    Alternate, Binding, DeadLetter, DestinationKind, Exchange, Listener, NotPermitted, Origin,
    Queue, QueueKind, Topology,
};

pub(crate) fn exchange(name: &str, kind: &str) -> Exchange {
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

pub(crate) fn queue(name: &str, ready: u64) -> Queue {
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

pub(crate) fn bind(source: &str, key: &str, destination: &str, to_exchange: bool) -> Binding {
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

/// orders (topic, AE `unrouted` by policy) -[order.#]-> orders-q (DLX `dlx` by argument),
/// -[#]-> audit-x (fanout) -> audit-q (quorum); loop-a <-> loop-b; dlx -[dead]-> dead-q.
pub(crate) fn example() -> Topology {
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
    audit_q.consumers = 2;
    audit_q.members = vec!["rabbit@a".into(), "rabbit@b".into(), "rabbit@c".into()];
    audit_q.online = vec!["rabbit@a".into(), "rabbit@b".into()];
    let queues = vec![orders_q, audit_q, queue("lost", 0), queue("dead-q", 7)];
    let mut bindings = vec![
        bind("orders", "order.#", "orders-q", false),
        bind("orders", "#", "audit-x", true),
        bind("audit-x", "", "audit-q", false),
        bind("loop-a", "k", "loop-b", true),
        bind("loop-b", "k", "loop-a", true),
        bind("unrouted", "", "lost", false),
        bind("dlx", "dead", "dead-q", false),
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
        ],
        queues,
        bindings,
        not_permitted: Vec::new(),
        cluster_name: Some("rabbit@test".into()),
        broker_version: Some("3.10.8".into()),
        listeners: vec![
            Listener {
                node: "rabbit@a".into(),
                protocol: "amqp".into(),
                port: 5679,
            },
            Listener {
                node: "rabbit@a".into(),
                protocol: "amqp/ssl".into(),
                port: 5680,
            },
        ],
        nodes: Vec::new(),
        connections: Vec::new(),
    }
}

fn find(rows: &[super::Row], wanted: impl Fn(&RowKind) -> bool) -> Vec<&super::Row> {
    rows.iter().filter(|r| wanted(&r.kind)).collect()
}

#[test]
fn bindings_recurse_through_exchanges_and_a_cycle_ends_marked() {
    let rows = rows(&example(), &TreeOptions::default());
    // orders -> audit-x -> audit-q, one level deeper each.
    let audit_q = find(
        &rows,
        |k| matches!(k, RowKind::Binding { destination, .. } if destination == "audit-q"),
    );
    let depths: Vec<u16> = audit_q.iter().map(|r| r.depth).collect();
    assert_eq!(
        depths,
        [1, 2],
        "under audit-x at the top, and under orders -> audit-x"
    );
    let cycles = find(&rows, |k| matches!(k, RowKind::Binding { cycle: true, .. }));
    let ends: Vec<(&str, u16)> = cycles
        .iter()
        .map(|r| match &r.kind {
            RowKind::Binding { destination, .. } => (destination.as_str(), r.depth),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        ends,
        [("loop-a", 2), ("loop-b", 2)],
        "each loop ends where it began"
    );
}

#[test]
fn alternate_and_dead_letter_edges_name_their_origin() {
    let rows = rows(&example(), &TreeOptions::default());
    let ae = find(&rows, |k| matches!(k, RowKind::Alternate { .. }));
    assert_eq!(ae.len(), 1);
    assert_eq!(
        ae[0].kind,
        RowKind::Alternate {
            exchange: "unrouted".into(),
            policy: Some("ae-policy".into()),
            cycle: false,
        }
    );
    let dlx = find(&rows, |k| matches!(k, RowKind::DeadLetter { .. }));
    assert!(!dlx.is_empty());
    assert_eq!(dlx[0].target, Some(Target::Exchange("dlx".into())));
}

#[test]
fn the_default_exchanges_bindings_show_only_when_asked() {
    let topology = example();
    let hidden = rows(&topology, &TreeOptions::default());
    let default = find(
        &hidden,
        |k| matches!(k, RowKind::Exchange { name, .. } if name.is_empty()),
    );
    assert_eq!(
        default[0].kind,
        RowKind::Exchange {
            name: String::new(),
            hidden: 4
        }
    );
    assert!(!hidden.iter().any(|r| r.id.starts_with("x\0\0")));
    let shown = rows(
        &topology,
        &TreeOptions {
            show_implicit: true,
            ..TreeOptions::default()
        },
    );
    let implicit = shown
        .iter()
        .filter(|r| r.id.starts_with("x\0\0") && matches!(r.kind, RowKind::Binding { .. }));
    assert_eq!(implicit.count(), 4);
}

#[test]
fn a_filter_keeps_what_leads_to_a_match_and_hiding_idle_drops_quiet_queues() {
    let filter = crate::model::filter::Filter::parse("/^dead/").expect("valid");
    let options = TreeOptions {
        filter: Some(filter),
        ..TreeOptions::default()
    };
    let rows = rows(&example(), &options);
    let names: Vec<String> = rows
        .iter()
        .filter_map(|r| match &r.kind {
            RowKind::Exchange { name, .. } => Some(format!("x {name}")),
            RowKind::Binding { destination, .. } => Some(format!("b {destination}")),
            RowKind::Queue { name } => Some(format!("q {name}")),
            _ => None,
        })
        .collect();
    assert_eq!(names, ["x dlx", "b dead-q", "q dead-q"]);
    let quiet = super::rows(
        &example(),
        &TreeOptions {
            hide_idle: true,
            sort: QueueSort::Depth,
            ..TreeOptions::default()
        },
    );
    let queues: Vec<&str> = quiet
        .iter()
        .filter_map(|r| match &r.kind {
            RowKind::Queue { name } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        queues,
        ["dead-q", "orders-q"],
        "deepest first, empty and idle hidden"
    );
}

#[test]
fn parts_not_permitted_come_first_and_the_rest_is_still_there() {
    let mut topology = example();
    topology.not_permitted = vec![NotPermitted {
        part: "policies".into(),
        status: 403,
    }];
    let rows = rows(&topology, &TreeOptions::default());
    assert_eq!(
        rows[0].kind,
        RowKind::NotPermitted {
            part: "policies".into(),
            status: 403
        }
    );
    assert!(
        rows.iter()
            .any(|r| matches!(&r.kind, RowKind::Queue { name } if name == "orders-q"))
    );
}

#[test]
fn a_cluster_s_nodes_are_listed_last_by_name() {
    let mut topology = Topology::default();
    for name in ["rabbit@n10", "rabbit@n2", "rabbit@n1"] {
        topology.nodes.push(crate::topology::Node {
            name: name.into(),
            running: true,
            mem_alarm: false,
            disk_free_alarm: false,
        });
    }
    let rows = rows(&topology, &TreeOptions::default());
    let tail: Vec<String> = rows
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(|r| match &r.kind {
            RowKind::Section(title) => title.clone(),
            RowKind::Node { name } => name.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(tail, ["Nodes (3)", "rabbit@n1", "rabbit@n2", "rabbit@n10"]);
    assert!(
        rows.iter()
            .all(|r| r.target.is_none() || !r.id.starts_with("n\0"))
    );
}
