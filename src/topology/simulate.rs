//! Routing simulated over a vhost's real bindings, in the broker's order
//! (`rabbit_exchange:route/2` on 3.10): the exchange's own matches by type, then each
//! exchange it routes to, each exchange visited once (so cycles end); its alternate
//! exchange only when its own matches are empty (a match of an exchange counts);
//! `CC`/`BCC` keys beside the routing key; the default exchange by queue name; every
//! queue once. Dead-lettering is a conditional hop after that. The matching rules
//! themselves are `crate::routing`'s, the same the explainer uses.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{
    Arguments, Binding, DestinationKind, Exchange, Origin, Queue, Topology,
    hop::{edge_label, label, matching, push_once, routing_keys, table, takes},
};
use crate::{amqp::ExchangeType, session::Table, text::visible};

/// The message asked about.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Probe {
    pub exchange: String,
    pub routing_key: String,
    pub headers: Arguments,
}

/// Where the message would go, and why.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Route {
    /// Every queue reached, sorted, each once.
    pub queues: Vec<String>,
    /// One line per queue reached, its path as `orders -[order.#]-> audit-x -[#]-> audit-q`,
    /// then one per conditional dead-letter hop (`if rejected or expired -> …`).
    pub paths: Vec<String>,
    /// Exchanges on the way whose choice cannot be predicted (`x-consistent-hash`, …):
    /// when not empty, the answer is approximate.
    pub approximate: Vec<String>,
    /// Problems with the question itself, as the user must read them: an exchange that
    /// does not exist, ...
    pub problems: Vec<String>,
}

pub fn simulate(topology: &Topology, probe: &Probe) -> Route {
    Index::new(topology).simulate(probe)
}

/// A topology indexed for many questions: build it once per refresh, then each
/// [`Index::simulate`] only walks the exchanges on the message's way.
pub struct Index<'a> {
    topology: &'a Topology,
    exchanges: HashMap<&'a str, &'a Exchange>,
    queues: HashMap<&'a str, &'a Queue>,
    outgoing: HashMap<&'a str, Vec<Edge<'a>>>,
}

pub(super) struct Edge<'a> {
    pub(super) binding: &'a Binding,
    /// The arguments as AMQP values, for headers matching; `None` when one cannot be a
    /// header value (the binding then never matches).
    pub(super) arguments: Option<Table>,
    /// How a path goes on over this edge, ` -[key]-> destination`: made once per
    /// refresh, not once per message.
    shown: String,
    /// A topic binding's pattern as words, split once per refresh.
    pub(super) pattern: Option<Vec<&'a str>>,
}

/// What one walk from an exchange found.
#[derive(Default)]
struct Walk<'a> {
    /// Queue name -> the first path that reached it.
    reached: BTreeMap<&'a str, String>,
    approximate: Vec<String>,
    problems: Vec<String>,
}

impl<'a> Index<'a> {
    pub fn new(topology: &'a Topology) -> Self {
        let exchanges: HashMap<&str, &Exchange> = topology
            .exchanges
            .iter()
            .map(|x| (x.name.as_str(), x))
            .collect();
        let mut outgoing: HashMap<&str, Vec<Edge>> = HashMap::new();
        for binding in &topology.bindings {
            let kind = exchanges
                .get(binding.source.as_str())
                .and_then(|x| matching(x).0);
            let arguments = if kind == Some(ExchangeType::Headers) {
                table(&binding.arguments)
            } else {
                Some(Table::new())
            };
            let pattern = (kind == Some(ExchangeType::Topic))
                .then(|| crate::routing::topic_words(&binding.routing_key));
            let mut edge = Edge {
                binding,
                arguments,
                shown: String::new(),
                pattern,
            };
            edge.shown = format!(
                " -[{}]-> {}",
                edge_label(kind, &edge),
                label(&binding.destination)
            );
            outgoing
                .entry(binding.source.as_str())
                .or_default()
                .push(edge);
        }
        Self {
            topology,
            exchanges,
            queues: topology
                .queues
                .iter()
                .map(|q| (q.name.as_str(), q))
                .collect(),
            outgoing,
        }
    }

    pub fn simulate(&self, probe: &Probe) -> Route {
        let mut route = Route::default();
        // The broker takes BCC out of the message before routing: no headers exchange
        // sees it (its keys still count, below).
        let mut seen_headers = probe.headers.clone();
        seen_headers.remove("BCC");
        let headers = match table(&seen_headers) {
            Some(headers) => headers,
            None => {
                route
                    .problems
                    .push("A header value cannot be sent as AMQP (a number too large?).".into());
                return route;
            }
        };
        let keys = match routing_keys(&probe.routing_key, &probe.headers) {
            Ok(keys) => keys,
            Err(problem) => {
                route.problems.push(problem);
                return route;
            }
        };
        if let Some(problem) = self.cannot_publish(&probe.exchange) {
            route.problems.push(problem);
            return route;
        }
        let walk = self.walk(&probe.exchange, &keys, &headers);
        if probe.exchange.is_empty() && walk.reached.is_empty() {
            route.problems.push(format!(
                "No queue is named '{}': the default exchange routes by queue name only, so the message is dropped.",
                visible(&probe.routing_key)
            ));
        }
        route.queues = walk.reached.keys().map(|q| q.to_string()).collect();
        route.paths = walk.reached.values().cloned().collect();
        route.approximate = walk.approximate;
        route.problems.extend(walk.problems);
        for name in &route.queues {
            let Some(dl) = self
                .queues
                .get(name.as_str())
                .and_then(|q| q.dead_letter.as_ref())
            else {
                continue;
            };
            let dl_keys = dl
                .routing_key
                .clone()
                .map_or_else(|| keys.clone(), |k| vec![k]);
            let origin = match &dl.origin {
                Origin::Argument => "by argument".to_string(),
                Origin::Policy(p) => format!("by policy {}", visible(p)),
            };
            let head = format!("{}: if rejected or expired ({origin}) ->", visible(name));
            if !dl.exchange.is_empty() && !self.exchanges.contains_key(dl.exchange.as_str()) {
                route.paths.push(format!(
                    "{head} {}, which does not exist: dropped",
                    label(&dl.exchange)
                ));
                continue;
            }
            let then = self.walk(&dl.exchange, &dl_keys, &headers);
            if then.reached.is_empty() {
                route.paths.push(format!(
                    "{head} {}, which routes it to no queue: dropped",
                    label(&dl.exchange)
                ));
            }
            for path in then.reached.values() {
                route.paths.push(format!("{head} {path}"));
            }
            for note in then.approximate {
                push_once(&mut route.approximate, note);
            }
            for problem in then.problems {
                push_once(&mut route.problems, problem);
            }
        }
        route.problems.extend(self.unknown_parts());
        route
    }

    /// What the answer cannot know, from the parts of the API this user may not read.
    fn unknown_parts(&self) -> Vec<String> {
        let refused = |part: &str| self.topology.not_permitted.iter().any(|p| p.part == part);
        let mut unknown = Vec::new();
        for part in ["bindings", "queues"] {
            if refused(part) {
                unknown.push(format!(
                    "The {part} could not be read (not permitted): the queues reached are not known."
                ));
            }
        }
        let by_policy = self.topology.exchanges.iter().any(|x| x.policy.is_some())
            || self.topology.queues.iter().any(|q| q.policy.is_some());
        if refused("policies") && by_policy {
            unknown.push(
                "The policies could not be read (not permitted): an alternate exchange or dead-lettering set by policy is not shown.".into(),
            );
        }
        unknown
    }

    /// Why a message cannot be published to this exchange at all.
    fn cannot_publish(&self, exchange: &str) -> Option<String> {
        if exchange.is_empty() {
            return None;
        }
        let vhost = visible(&self.topology.vhost);
        match self.exchanges.get(exchange) {
            None if self
                .topology
                .not_permitted
                .iter()
                .any(|p| p.part == "exchanges") =>
            {
                Some(
                    "The exchanges could not be read (not permitted), so nothing can be simulated."
                        .into(),
                )
            }
            None => Some(format!(
                "Exchange {} does not exist in vhost '{vhost}': publishing to it closes the channel (NOT_FOUND). Check the name.",
                label(exchange)
            )),
            Some(x) if x.internal => Some(format!(
                "Exchange {} is internal: clients cannot publish to it (ACCESS_REFUSED); it only takes messages from other exchanges.",
                label(exchange)
            )),
            Some(_) => None,
        }
    }

    fn walk(&self, start: &str, keys: &[String], headers: &Table) -> Walk<'a> {
        let mut walk = Walk::default();
        if start.is_empty() {
            // The default exchange routes by queue name and nothing else.
            for key in keys {
                if let Some((&name, _)) = self.queues.get_key_value(key.as_str()) {
                    let path = format!("{} -[{}]-> {}", label(""), visible(key), visible(key));
                    walk.reached.entry(name).or_insert(path);
                }
            }
            return walk;
        }
        let Some((&start, _)) = self.exchanges.get_key_value(start) else {
            return walk;
        };
        let key_words: Vec<Vec<&str>> = keys
            .iter()
            .map(|k| crate::routing::topic_words(k))
            .collect();
        let mut seen: HashSet<&str> = HashSet::from([start]);
        let mut work: Vec<(&'a str, String)> = vec![(start, label(start))];
        while let Some((name, prefix)) = work.pop() {
            let Some(&exchange) = self.exchanges.get(name) else {
                continue;
            };
            let (kind, note) = matching(exchange);
            if let Some(note) = note {
                push_once(&mut walk.approximate, note);
            }
            let mut own_matches = false;
            for edge in self
                .outgoing
                .get(name)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                if !takes(kind, edge, (keys, &key_words), headers) {
                    continue;
                }
                own_matches = true;
                let b = edge.binding;
                let destination = b.destination.as_str();
                // The first path to a queue is the one kept: later ones are not built.
                let path = || {
                    let mut path = String::with_capacity(prefix.len() + edge.shown.len());
                    path.push_str(&prefix);
                    path.push_str(&edge.shown);
                    path
                };
                match b.destination_kind {
                    DestinationKind::Queue => {
                        walk.reached.entry(destination).or_insert_with(path);
                    }
                    DestinationKind::Exchange => {
                        if self.exchanges.contains_key(destination) && seen.insert(destination) {
                            work.push((destination, path()));
                        }
                    }
                }
            }
            let Some(alternate) = exchange.alternate.as_ref().filter(|_| !own_matches) else {
                continue;
            };
            let ae = alternate.exchange.as_str();
            if !self.exchanges.contains_key(ae) {
                push_once(
                    &mut walk.problems,
                    format!(
                        "The alternate exchange {} of {} does not exist: what it would take is dropped.",
                        label(ae),
                        label(name)
                    ),
                );
            } else if seen.insert(ae) {
                let origin = match &alternate.origin {
                    Origin::Argument => "argument".to_string(),
                    Origin::Policy(p) => format!("policy {}", visible(p)),
                };
                work.push((
                    ae,
                    format!(
                        "{prefix} -(no match: alternate by {origin})-> {}",
                        label(ae)
                    ),
                ));
            }
        }
        walk
    }
}

#[cfg(test)]
#[path = "simulate_tests.rs"]
mod tests;
