//! The broker's management HTTP API: a small client of our own on `reqwest` (native-tls,
//! the session's trust settings) with lenient `serde` structs, since fields vary by broker
//! version. Runs in background tasks; results reach the UI as actions.

mod api;
mod connections;
mod error;
mod http;
mod resolve;
mod target;
mod tracing;

pub use connections::{NodeSeen, OurConnection, node_of};
pub use error::ManagementError;
pub use target::{
    DEFAULT_PORT, DEFAULT_REPLY_LIMIT, DEFAULT_TIMEOUT, DEFAULT_TLS_PORT, ManagementTarget,
};
pub use tracing::{Switched, set_tracing};

use crate::topology::{NotPermitted, Topology};
use http::Reply;
pub use resolve::DecodeError;

/// What each endpoint answered, raw: `None` when it was not permitted (401/403, with the
/// status). Decoding is separate from fetching so it can be tested on any bytes.
#[derive(Clone, Debug)]
pub struct Replies {
    pub overview: Part,
    pub exchanges: Part,
    pub queues: Part,
    pub bindings: Part,
    pub policies: Part,
    pub operator_policies: Part,
    pub nodes: Part,
    pub connections: Part,
}

/// One endpoint's answer: its body, or the status that refused it.
pub type Part = Result<Vec<u8>, u16>;

/// The endpoints, as the view names the parts and as the URL spells them. Nodes and
/// connections are the cluster's, not the vhost's: only the columns the view uses.
const PARTS: [(&str, &str); 8] = [
    ("overview", "api/overview"),
    ("exchanges", "api/exchanges/"),
    ("queues", "api/queues/"),
    ("bindings", "api/bindings/"),
    ("policies", "api/policies/"),
    ("operator policies", "api/operator-policies/"),
    (
        "nodes",
        "api/nodes?columns=name,running,mem_alarm,disk_free_alarm",
    ),
    (
        "connections",
        "api/connections?columns=node,peer_host,peer_port,client_properties",
    ),
];

/// Reads the vhost's exchanges, queues, bindings and policies (and the overview).
pub async fn fetch_topology(
    target: &ManagementTarget,
    vhost: &str,
) -> Result<Topology, ManagementError> {
    let client = http::client(target)?;
    let vh = percent_encoding::utf8_percent_encode(vhost, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let endpoints: Vec<String> = PARTS
        .iter()
        .map(|(_, path)| {
            if path.ends_with('/') {
                format!("{path}{vh}")
            } else {
                (*path).to_string()
            }
        })
        .collect();
    let get = |i: usize| http::get(&client, target, &endpoints[i], vhost);
    // Side by side: a refresh takes as long as the slowest endpoint, not the sum.
    let (o, x, q, b, p, op, n, c) = tokio::join!(
        get(0),
        get(1),
        get(2),
        get(3),
        get(4),
        get(5),
        get(6),
        get(7)
    );
    let part = |reply: Result<Reply, ManagementError>| -> Result<Part, ManagementError> {
        Ok(match reply? {
            Reply::Body(body) => Ok(body),
            Reply::NotPermitted(status) => Err(status),
        })
    };
    let replies = Replies {
        overview: part(o)?,
        exchanges: part(x)?,
        queues: part(q)?,
        bindings: part(b)?,
        policies: part(p)?,
        operator_policies: part(op)?,
        nodes: part(n)?,
        connections: part(c)?,
    };
    topology_from_replies(vhost, &replies).map_err(|(i, err)| {
        let endpoint = format!("/{}", endpoints[i]);
        let url = target.display_url();
        match err {
            DecodeError::NotJson => {
                let body = match i {
                    0 => &replies.overview,
                    1 => &replies.exchanges,
                    2 => &replies.queues,
                    3 => &replies.bindings,
                    4 => &replies.policies,
                    5 => &replies.operator_policies,
                    6 => &replies.nodes,
                    _ => &replies.connections,
                };
                let body = body.as_deref().unwrap_or_default();
                http::not_json(
                    target,
                    &endpoint,
                    reqwest::StatusCode::OK,
                    "application/json",
                    body,
                )
            }
            DecodeError::Shape(detail) => ManagementError::Decode {
                url,
                endpoint,
                detail: crate::text::visible(&detail),
            },
        }
    })
}

/// Decodes the replies into the vhost's topology; on failure, which endpoint (its index
/// in the fetch order) and why. Never panics, whatever the bytes.
pub fn topology_from_replies(
    vhost: &str,
    replies: &Replies,
) -> Result<Topology, (usize, DecodeError)> {
    let mut topology = Topology {
        vhost: vhost.to_string(),
        ..Topology::default()
    };
    let overview = readable(&mut topology, 0, &replies.overview);
    let exchanges = readable(&mut topology, 1, &replies.exchanges);
    let queues = readable(&mut topology, 2, &replies.queues);
    let bindings = readable(&mut topology, 3, &replies.bindings);
    let policies = readable(&mut topology, 4, &replies.policies);
    let operator_policies = readable(&mut topology, 5, &replies.operator_policies);
    let nodes = readable(&mut topology, 6, &replies.nodes);
    let connections = readable(&mut topology, 7, &replies.connections);
    let at = |i: usize| move |err: DecodeError| (i, err);
    if let Some(body) = overview {
        let parsed = resolve::parse(body, "an object").map_err(at(0))?;
        resolve::overview(&mut topology, parsed);
    }
    let mut all_policies: Vec<api::ApiPolicy> = match policies {
        Some(body) => resolve::parse(body, "a list of policies").map_err(at(4))?,
        None => Vec::new(),
    };
    if let Some(body) = operator_policies {
        // Read so a malformed reply is reported; queues carry the merged definition.
        let _: Vec<api::ApiPolicy> =
            resolve::parse(body, "a list of operator policies").map_err(at(5))?;
    }
    all_policies.retain(|p| p.name.is_some());
    if let Some(body) = exchanges {
        let list = resolve::parse(body, "a list of exchanges").map_err(at(1))?;
        topology.exchanges = resolve::exchanges(list, &all_policies).map_err(at(1))?;
    }
    if let Some(body) = queues {
        let list = resolve::parse_repeated_keys(body, "a list of queues").map_err(at(2))?;
        topology.queues = resolve::queues(list, &all_policies).map_err(at(2))?;
    }
    if let Some(body) = bindings {
        let list = resolve::parse(body, "a list of bindings").map_err(at(3))?;
        topology.bindings = resolve::bindings(list).map_err(at(3))?;
    }
    if let Some(body) = nodes {
        topology.nodes = resolve::nodes(resolve::parse(body, "a list of nodes").map_err(at(6))?);
    }
    if let Some(body) = connections {
        // 3.10.8 gives an MQTT connection `client_properties` twice: `{}`, then its own.
        let list = resolve::parse_repeated_keys(body, "a list of connections").map_err(at(7))?;
        topology.connections = resolve::connections(list);
    }
    resolve::members_online(&mut topology);
    Ok(topology)
}

/// The part's body, or `None` after noting it as not permitted.
fn readable<'a>(topology: &mut Topology, i: usize, part: &'a Part) -> Option<&'a [u8]> {
    match part {
        Ok(body) => Some(body),
        Err(status) => {
            topology.not_permitted.push(NotPermitted {
                part: PARTS[i].0.to_string(),
                status: *status,
            });
            None
        }
    }
}
