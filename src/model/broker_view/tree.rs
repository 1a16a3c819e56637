//! The broker view's tree as rows: each exchange, its bindings (key or header arguments)
//! to queues and exchanges, recursing through exchange-to-exchange bindings (a cycle is
//! marked and ends there), alternate-exchange and dead-letter edges, then every queue.
//! Built by `update` when the topology or the options change, read by the view.

use std::collections::HashMap;

use super::{QueueSort, TreeOptions};
use crate::topology::{Binding, DestinationKind, Exchange, Node, Origin, Queue, Topology};

/// Rows past this are cut (a lattice of exchange-to-exchange bindings multiplies paths):
/// the last row says how many were left out.
pub const MAX_ROWS: usize = 50_000;

/// What Enter acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Exchange(String),
    Queue(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum RowKind {
    /// A part of the API this user may not read.
    NotPermitted { part: String, status: u16 },
    /// A heading: "Exchanges", "Queues by depth".
    Section(String),
    /// A top-level exchange; `hidden` implicit bindings are not shown.
    Exchange { name: String, hidden: usize },
    /// A binding from the parent exchange: its key or header arguments, as text.
    Binding {
        label: String,
        destination: String,
        to_exchange: bool,
        /// The destination exchange is already on the path: the tree ends here.
        cycle: bool,
    },
    /// The parent exchange's alternate exchange.
    Alternate {
        exchange: String,
        policy: Option<String>,
        cycle: bool,
    },
    /// Where the parent queue's rejected or expired messages go.
    DeadLetter {
        exchange: String,
        routing_key: Option<String>,
        policy: Option<String>,
    },
    /// A queue in the queue list.
    Queue { name: String },
    /// Rows left out past [`MAX_ROWS`].
    More(usize),
    /// A node of the cluster, in the nodes list under the tree.
    Node { name: String },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Indentation level.
    pub depth: u16,
    /// The path to the row, stable across refreshes: the selection follows it.
    pub id: String,
    pub kind: RowKind,
    pub target: Option<Target>,
}

struct Index<'a> {
    options: &'a TreeOptions,
    exchanges: HashMap<&'a str, &'a Exchange>,
    queues: HashMap<&'a str, &'a Queue>,
    by_source: HashMap<&'a str, Vec<&'a Binding>>,
}

pub fn rows(topology: &Topology, options: &TreeOptions) -> Vec<Row> {
    let mut by_source: HashMap<&str, Vec<&Binding>> = HashMap::new();
    for binding in &topology.bindings {
        by_source.entry(&binding.source).or_default().push(binding);
    }
    let index = Index {
        options,
        exchanges: topology
            .exchanges
            .iter()
            .map(|e| (e.name.as_str(), e))
            .collect(),
        queues: topology
            .queues
            .iter()
            .map(|q| (q.name.as_str(), q))
            .collect(),
        by_source,
    };
    let mut out = Vec::new();
    for denied in &topology.not_permitted {
        out.push(Row {
            depth: 0,
            id: format!("denied\0{}", denied.part),
            kind: RowKind::NotPermitted {
                part: denied.part.clone(),
                status: denied.status,
            },
            target: None,
        });
    }
    let mut exchanges: Vec<&Exchange> = topology.exchanges.iter().collect();
    exchanges.sort_by(|a, b| crate::text::natural_cmp(&a.name, &b.name));
    let mut tree = Vec::new();
    for exchange in exchanges {
        let id = format!("x\0{}", exchange.name);
        let children = index.children(&exchange.name, &id, 1, &mut vec![&exchange.name]);
        let named = index.matches(&exchange.name);
        let children = match (&options.filter, named) {
            (Some(_), false) if children.is_empty() => continue,
            _ => children,
        };
        let quiet = exchange.publish_in_rate.unwrap_or(0.0) <= 0.0;
        if options.hide_idle && children.is_empty() && quiet {
            continue;
        }
        let hidden = if exchange.name.is_empty() && !options.show_implicit {
            index.by_source.get("").map_or(0, Vec::len)
        } else {
            0
        };
        tree.push(Row {
            depth: 0,
            id,
            kind: RowKind::Exchange {
                name: exchange.name.clone(),
                hidden,
            },
            target: Some(Target::Exchange(exchange.name.clone())),
        });
        tree.extend(children);
        if tree.len() > MAX_ROWS {
            break;
        }
    }
    out.push(section(format!("Exchanges ({})", topology.exchanges.len())));
    out.extend(tree);
    let mut queues: Vec<&Queue> = topology
        .queues
        .iter()
        .filter(|q| index.matches(&q.name) && !(options.hide_idle && quiet(q)))
        .collect();
    sort_queues(&mut queues, options.sort);
    out.push(section(format!(
        "Queues ({}) by {}",
        topology.queues.len(),
        options.sort.label()
    )));
    for queue in queues {
        let id = format!("q\0{}", queue.name);
        out.push(Row {
            depth: 0,
            id: id.clone(),
            kind: RowKind::Queue {
                name: queue.name.clone(),
            },
            target: Some(Target::Queue(queue.name.clone())),
        });
        out.extend(dead_letter(queue, &id, 1));
        if out.len() > MAX_ROWS {
            break;
        }
    }
    if out.len() > MAX_ROWS {
        let cut = out.len() - MAX_ROWS;
        out.truncate(MAX_ROWS);
        out.push(Row {
            depth: 0,
            id: "more".into(),
            kind: RowKind::More(cut),
            target: None,
        });
    }
    // Last, past any cut: a cluster's few nodes are always listed.
    if !topology.nodes.is_empty() {
        out.push(section(format!("Nodes ({})", topology.nodes.len())));
        let mut nodes: Vec<&Node> = topology.nodes.iter().collect();
        nodes.sort_by(|a, b| crate::text::natural_cmp(&a.name, &b.name));
        for node in nodes {
            out.push(Row {
                depth: 0,
                id: format!("n\0{}", node.name),
                kind: RowKind::Node {
                    name: node.name.clone(),
                },
                target: None,
            });
        }
    }
    out
}

fn section(title: String) -> Row {
    Row {
        depth: 0,
        id: format!("section\0{title}"),
        kind: RowKind::Section(title),
        target: None,
    }
}

/// No messages and no traffic.
fn quiet(queue: &Queue) -> bool {
    queue.ready == 0
        && queue.unacked == 0
        && queue.publish_rate.unwrap_or(0.0) <= 0.0
        && queue.deliver_rate.unwrap_or(0.0) <= 0.0
}

fn rate(queue: &Queue) -> f64 {
    queue.publish_rate.unwrap_or(0.0) + queue.deliver_rate.unwrap_or(0.0)
}

fn sort_queues(queues: &mut [&Queue], sort: QueueSort) {
    queues.sort_by(|a, b| queue_order(a, b, sort));
}

fn queue_order(a: &Queue, b: &Queue, sort: QueueSort) -> std::cmp::Ordering {
    let by_name = crate::text::natural_cmp(&a.name, &b.name);
    match sort {
        QueueSort::Name => by_name,
        QueueSort::Depth => (b.ready + b.unacked)
            .cmp(&(a.ready + a.unacked))
            .then(by_name),
        QueueSort::Rate => rate(b).total_cmp(&rate(a)).then(by_name),
    }
}

fn dead_letter(queue: &Queue, parent: &str, depth: u16) -> Option<Row> {
    let dl = queue.dead_letter.as_ref()?;
    Some(Row {
        depth,
        id: format!("{parent}\0dlx"),
        kind: RowKind::DeadLetter {
            exchange: dl.exchange.clone(),
            routing_key: dl.routing_key.clone(),
            policy: policy_name(&dl.origin),
        },
        target: Some(Target::Exchange(dl.exchange.clone())),
    })
}

fn policy_name(origin: &Origin) -> Option<String> {
    match origin {
        Origin::Argument => None,
        Origin::Policy(name) => Some(name.clone()),
    }
}

impl<'a> Index<'a> {
    fn matches(&self, name: &str) -> bool {
        self.options
            .filter
            .as_ref()
            .is_none_or(|f| f.matches_text(name))
    }

    /// The rows under exchange `name`: its bindings, each destination exchange's own
    /// (unless already on `path`, a cycle), then its alternate exchange. With a filter,
    /// only what leads to a matching name.
    fn children(
        &self,
        name: &'a str,
        parent: &str,
        depth: u16,
        path: &mut Vec<&'a str>,
    ) -> Vec<Row> {
        let mut out = Vec::new();
        if self.options.collapsed.contains(name) || (name.is_empty() && !self.options.show_implicit)
        {
            return out;
        }
        let headers = self
            .exchanges
            .get(name)
            .is_some_and(|e| e.kind == "headers");
        let mut bindings: Vec<&'a Binding> = self.by_source.get(name).cloned().unwrap_or_default();
        bindings.sort_by(|a, b| self.binding_order(a, b));
        for (i, binding) in bindings.into_iter().enumerate() {
            if out.len() > MAX_ROWS {
                break;
            }
            let to_exchange = binding.destination_kind == DestinationKind::Exchange;
            let id = format!("{parent}\0{i}\0{}", binding.destination);
            let cycle = to_exchange && path.contains(&binding.destination.as_str());
            let mut below = Vec::new();
            if to_exchange && !cycle {
                path.push(&binding.destination);
                below = self.children(&binding.destination, &id, depth + 1, path);
                path.pop();
            } else if !to_exchange
                && let Some(queue) = self.queues.get(binding.destination.as_str())
            {
                if self.options.hide_idle && quiet(queue) {
                    continue;
                }
                // Shown with its queue, or alone when only it matches the filter.
                let edge = dead_letter(queue, &id, depth + 1);
                let wanted = |row: &Row| {
                    self.matches(&queue.name)
                        || matches!(&row.kind, RowKind::DeadLetter { exchange, .. } if self.matches(exchange))
                };
                below.extend(edge.filter(wanted));
            }
            if self.options.filter.is_some()
                && !self.matches(&binding.destination)
                && below.is_empty()
            {
                continue;
            }
            out.push(Row {
                depth,
                id,
                kind: RowKind::Binding {
                    label: binding_label(binding, headers),
                    destination: binding.destination.clone(),
                    to_exchange,
                    cycle,
                },
                target: Some(if to_exchange {
                    Target::Exchange(binding.destination.clone())
                } else {
                    Target::Queue(binding.destination.clone())
                }),
            });
            out.extend(below);
        }
        if let Some(alternate) = self.exchanges.get(name).and_then(|e| e.alternate.as_ref())
            && self.matches(&alternate.exchange)
        {
            out.push(Row {
                depth,
                id: format!("{parent}\0ae"),
                kind: RowKind::Alternate {
                    exchange: alternate.exchange.clone(),
                    policy: policy_name(&alternate.origin),
                    cycle: path.contains(&alternate.exchange.as_str()),
                },
                target: Some(Target::Exchange(alternate.exchange.clone())),
            });
        }
        out
    }

    /// Queues in the chosen order, exchanges after them by name.
    fn binding_order(&self, a: &Binding, b: &Binding) -> std::cmp::Ordering {
        use std::cmp::Ordering::{Greater, Less};
        let queue = |binding: &Binding| self.queues.get(binding.destination.as_str()).copied();
        let order = match (queue(a), queue(b)) {
            (Some(qa), Some(qb)) => queue_order(qa, qb, self.options.sort),
            (Some(_), None) => Less,
            (None, Some(_)) => Greater,
            (None, None) => crate::text::natural_cmp(&a.destination, &b.destination),
        };
        order.then_with(|| a.routing_key.cmp(&b.routing_key))
    }
}

/// A binding as the tree shows it: the routing key, or on a headers exchange its
/// arguments (`x-match=any, format=pdf`). Raw: the view makes it safe.
pub fn binding_label(binding: &Binding, headers: bool) -> String {
    if !headers {
        return binding.routing_key.clone();
    }
    // x-match first, as RabbitMQ lists it: it says how the rest are read.
    let mut arguments: Vec<_> = binding.arguments.iter().collect();
    arguments.sort_by_key(|(name, _)| name.as_str() != "x-match");
    let args: Vec<String> = arguments
        .into_iter()
        .map(|(name, value)| match value {
            serde_json::Value::String(text) => format!("{name}={text}"),
            other => format!("{name}={other}"),
        })
        .collect();
    args.join(", ")
}
