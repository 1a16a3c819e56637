//! The API's replies turned into a [`Topology`]: objects checked for the fields nothing
//! works without, and alternate exchanges and dead-lettering resolved per object the
//! broker's way (an argument beats a policy, key by key).

use serde::de::DeserializeOwned;

use super::api::{ApiBinding, ApiExchange, ApiPolicy, ApiQueue, MessageStats, Overview};
use crate::topology::{
    Alternate, Arguments, Binding, DeadLetter, DestinationKind, Exchange, Listener, Origin, Queue,
    QueueKind, Topology,
};

/// Why a reply could not be used: the endpoint's path is added by the caller.
#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not JSON at all (a proxy's page, a cut reply).
    NotJson,
    /// JSON, but not the shape we read.
    Shape(String),
}

/// Parses one reply: a list of objects (or the overview's one object).
pub fn parse<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, DecodeError> {
    serde_json::from_slice(body).map_err(|err| match err.classify() {
        serde_json::error::Category::Data => {
            DecodeError::Shape(format!("expected {what}, got something else ({err})"))
        }
        _ => DecodeError::NotJson,
    })
}

/// [`parse`] for replies whose objects may repeat a key, which a derived struct refuses:
/// RabbitMQ 3.10.8 lists a quorum queue with a member down with `online` twice (the live
/// list, then the last stats'), and an MQTT connection with `client_properties` twice
/// (`{}`, then the client id). Read through a JSON value, the last one counts; the
/// view works out the members online from the nodes list when it has one.
pub fn parse_repeated_keys<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, DecodeError> {
    let value: serde_json::Value = parse(body, what)?;
    T::deserialize(value)
        .map_err(|err| DecodeError::Shape(format!("expected {what}, got something else ({err})")))
}

/// A field nothing works without, missing or of another type.
fn required(value: Option<String>, field: &str, index: usize) -> Result<String, DecodeError> {
    value.ok_or_else(|| DecodeError::Shape(format!("item {index} has no string field \"{field}\"")))
}

pub fn exchanges(
    list: Vec<ApiExchange>,
    policies: &[ApiPolicy],
) -> Result<Vec<Exchange>, DecodeError> {
    list.into_iter()
        .enumerate()
        .map(|(i, x)| {
            let name = required(x.name, "name", i)?;
            let kind = required(x.kind, "type", i)?;
            // 3.10.8 names an exchange's policy without its definition: look it up, or
            // (when the name is not reported) match the policies as the broker does.
            let policy = match x.policy {
                Some(named) => policies.iter().find(|p| p.name.as_deref() == Some(&named)),
                None => winning_policy(policies, &name, "exchanges"),
            };
            let alternate = match x
                .arguments
                .get("alternate-exchange")
                .and_then(|v| v.as_str())
            {
                Some(ae) => Some(Alternate {
                    exchange: ae.to_string(),
                    origin: Origin::Argument,
                }),
                None => policy.and_then(|p| {
                    let ae = p.definition.get("alternate-exchange")?.as_str()?;
                    Some(Alternate {
                        exchange: ae.to_string(),
                        origin: Origin::Policy(p.name.clone().unwrap_or_default()),
                    })
                }),
            };
            Ok(Exchange {
                name,
                kind,
                durable: x.durable,
                auto_delete: x.auto_delete,
                internal: x.internal,
                arguments: x.arguments,
                policy: policy.and_then(|p| p.name.clone()),
                alternate,
                publish_in_rate: rate(&x.message_stats, |s| &s.publish_in_details),
            })
        })
        .collect()
}

pub fn queues(list: Vec<ApiQueue>, policies: &[ApiPolicy]) -> Result<Vec<Queue>, DecodeError> {
    list.into_iter()
        .enumerate()
        .map(|(i, q)| {
            let name = required(q.name, "name", i)?;
            // The broker's own merge of policy and operator policy, when it reports one
            // (it lags a stats interval behind a policy change); else the policies matched
            // here.
            let matched = winning_policy(policies, &name, "queues");
            let (policy_name, definition) = match (&q.effective_policy_definition, &q.policy) {
                (Some(def), named) if !def.is_empty() => (named.clone(), Some(def.clone())),
                (_, Some(named)) => (
                    Some(named.clone()),
                    policies
                        .iter()
                        .find(|p| p.name.as_deref() == Some(named))
                        .map(|p| p.definition.clone()),
                ),
                _ => (
                    matched.and_then(|p| p.name.clone()),
                    matched.map(|p| p.definition.clone()),
                ),
            };
            let dead_letter =
                dead_letter(&q.arguments, policy_name.as_deref(), definition.as_ref());
            let kind = match q.kind.as_deref() {
                None | Some("classic") => QueueKind::Classic,
                Some("quorum") => QueueKind::Quorum,
                Some("stream") => QueueKind::Stream,
                Some(other) => QueueKind::Other(other.to_string()),
            };
            Ok(Queue {
                name,
                kind,
                durable: q.durable,
                auto_delete: q.auto_delete,
                exclusive: q.exclusive,
                policy: policy_name,
                ready: q.messages_ready,
                unacked: q.messages_unacknowledged,
                consumers: q.consumers,
                publish_rate: rate(&q.message_stats, |s| &s.publish_details),
                deliver_rate: rate(&q.message_stats, |s| &s.deliver_get_details),
                node: q.leader.or(q.node),
                members: q.members,
                online: q.online,
                dead_letter,
                arguments: q.arguments,
            })
        })
        .collect()
}

/// `x-dead-letter-exchange` / `-routing-key` beat the policy's `dead-letter-…`, each key
/// on its own, as `rabbit_amqqueue_process` resolves them.
fn dead_letter(
    arguments: &Arguments,
    policy: Option<&str>,
    definition: Option<&Arguments>,
) -> Option<DeadLetter> {
    let arg = |k: &str| {
        arguments
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let pol = |k: &str| {
        definition
            .and_then(|d| d.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let (exchange, origin) = match (arg("x-dead-letter-exchange"), pol("dead-letter-exchange")) {
        (Some(x), _) => (x, Origin::Argument),
        (None, Some(x)) => (x, Origin::Policy(policy.unwrap_or("?").to_string())),
        (None, None) => return None,
    };
    Some(DeadLetter {
        exchange,
        routing_key: arg("x-dead-letter-routing-key").or_else(|| pol("dead-letter-routing-key")),
        origin,
    })
}

/// The policy the broker applies to an object: the highest priority among those whose
/// `apply-to` covers it and whose pattern matches its name.
fn winning_policy<'a>(policies: &'a [ApiPolicy], name: &str, kind: &str) -> Option<&'a ApiPolicy> {
    policies
        .iter()
        .filter(|p| match p.apply_to.as_deref().unwrap_or("all") {
            "all" => true,
            "exchanges" => kind == "exchanges",
            // 3.12+ adds classic_queues, quorum_queues, streams: all queues.
            other => kind == "queues" && (other.contains("queue") || other == "streams"),
        })
        .filter(|p| {
            p.pattern
                .as_deref()
                .and_then(|pattern| regex::Regex::new(pattern).ok())
                .is_some_and(|re| re.is_match(name))
        })
        .max_by_key(|p| p.priority)
}

pub fn bindings(list: Vec<ApiBinding>) -> Result<Vec<Binding>, DecodeError> {
    list.into_iter()
        .enumerate()
        .map(|(i, b)| {
            let destination_kind = match b.destination_type.as_deref() {
                Some("queue") => DestinationKind::Queue,
                Some("exchange") => DestinationKind::Exchange,
                _ => {
                    return Err(DecodeError::Shape(format!(
                        "item {i} has no field \"destination_type\" of \"queue\" or \"exchange\""
                    )));
                }
            };
            Ok(Binding {
                source: required(b.source, "source", i)?,
                destination: required(b.destination, "destination", i)?,
                destination_kind,
                routing_key: b.routing_key,
                arguments: b.arguments,
            })
        })
        .collect()
}

pub fn overview(topology: &mut Topology, overview: Overview) {
    topology.cluster_name = overview.cluster_name;
    topology.broker_version = overview.rabbitmq_version;
    topology.listeners = overview
        .listeners
        .into_iter()
        .filter_map(|l| {
            Some(Listener {
                node: l.node?,
                protocol: l.protocol?,
                port: l.port?,
            })
        })
        .collect();
}

/// A quorum queue's members online, from the nodes list when there is one: the queue's
/// own `online` lags by a statistics interval, and 3.10 may list a stale one too.
pub fn members_online(topology: &mut Topology) {
    if topology.nodes.is_empty() {
        return;
    }
    let running: std::collections::HashSet<&str> = topology
        .nodes
        .iter()
        .filter(|n| n.running)
        .map(|n| n.name.as_str())
        .collect();
    for queue in &mut topology.queues {
        if !queue.members.is_empty() {
            queue.online = queue
                .members
                .iter()
                .filter(|m| running.contains(m.as_str()))
                .cloned()
                .collect();
        }
    }
}

pub fn nodes(list: Vec<super::api::ApiNode>) -> Vec<crate::topology::Node> {
    list.into_iter()
        .filter_map(|n| {
            Some(crate::topology::Node {
                name: n.name?,
                running: n.running,
                mem_alarm: n.mem_alarm,
                disk_free_alarm: n.disk_free_alarm,
            })
        })
        .collect()
}

pub fn connections(list: Vec<super::api::ApiConnection>) -> Vec<crate::topology::ClientConnection> {
    list.into_iter()
        .filter_map(|c| {
            let peer = match (&c.peer_host, c.peer_port) {
                (Some(host), Some(port)) => host
                    .parse::<std::net::IpAddr>()
                    .ok()
                    .map(|ip| std::net::SocketAddr::new(ip, port)),
                _ => None,
            };
            let client_id = c
                .client_properties
                .get("client_id")
                .and_then(|v| v.as_str())
                .map(String::from);
            Some(crate::topology::ClientConnection {
                node: c.node?,
                peer,
                client_id,
            })
        })
        .collect()
}

fn rate(
    stats: &Option<MessageStats>,
    pick: impl Fn(&MessageStats) -> &Option<super::api::Rate>,
) -> Option<f64> {
    stats
        .as_ref()
        .and_then(|s| pick(s).as_ref())
        .and_then(|r| r.rate)
}
