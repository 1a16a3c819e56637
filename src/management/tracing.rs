//! The firehose switched for a vhost through the API (`PUT /api/vhosts/{vh}` with
//! `tracing`), for observing routes. The vhost is read first so its description and tags
//! go back as they were (the PUT replaces them). A switch holds on the node that serves
//! the request only, so it goes to every node's management listener the overview names,
//! on the host its node name gives (`rabbit@host`).

use serde::Deserialize;
use serde_json::json;

use super::{
    ManagementError, ManagementTarget,
    api::Overview,
    http::{self, Reply},
    resolve::{DecodeError, parse},
};

/// What switching did, node by node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Switched {
    /// Whether tracing was on before (on the node asked first): observing leaves it on
    /// when it found it so.
    pub was_on: bool,
    /// Each node asked, and how it went (the error already worded for the user).
    pub nodes: Vec<(String, Result<(), String>)>,
}

impl Switched {
    /// Nodes where the switch failed.
    pub fn failures(&self) -> impl Iterator<Item = &(String, Result<(), String>)> {
        self.nodes.iter().filter(|(_, r)| r.is_err())
    }
}

#[derive(Debug, Default, Deserialize)]
struct Vhost {
    #[serde(default)]
    description: serde_json::Value,
    #[serde(default)]
    tags: serde_json::Value,
    #[serde(default)]
    tracing: bool,
}

/// Switches tracing of `vhost` on or off on every node. Fails as a whole only when the
/// node asked first refuses (not an administrator, ...).
pub async fn set_tracing(
    target: &ManagementTarget,
    vhost: &str,
    on: bool,
) -> Result<Switched, ManagementError> {
    let client = http::client(target)?;
    let vh = percent_encoding::utf8_percent_encode(vhost, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let endpoint = format!("api/vhosts/{vh}");
    let decode = |body: &[u8], what: &str| {
        parse::<Vhost>(body, what).map_err(|err| ManagementError::Decode {
            url: target.display_url(),
            endpoint: format!("/{what}"),
            detail: match err {
                DecodeError::NotJson => "not JSON".to_string(),
                DecodeError::Shape(detail) => detail,
            },
        })
    };
    let current = match http::get(&client, target, &endpoint, vhost).await? {
        Reply::Body(body) => decode(&body, &endpoint)?,
        Reply::NotPermitted(_) => {
            return Err(ManagementError::NotAdministrator {
                url: target.display_url(),
                user: target.user.clone(),
            });
        }
    };
    let body = json!({
        "description": current.description,
        "tags": current.tags,
        "tracing": on,
    });
    let mut nodes = Vec::new();
    for (node, node_target) in every_node(&client, target).await {
        let result = http::put_json(&client, &node_target, &endpoint, &body).await;
        match result {
            // The first node refusing is the answer for all: the same user everywhere.
            Err(err) if nodes.is_empty() => return Err(err),
            result => nodes.push((node, result.map_err(|e| e.to_string()))),
        }
    }
    Ok(Switched {
        was_on: current.tracing,
        nodes,
    })
}

/// The node `target` reaches first, then every other node with a listener of the same
/// scheme, each as a target of its own. Without an overview, `target` alone.
async fn every_node(
    client: &reqwest::Client,
    target: &ManagementTarget,
) -> Vec<(String, ManagementTarget)> {
    let overview = match http::get(client, target, "api/overview", "").await {
        Ok(Reply::Body(body)) => parse::<Overview>(&body, "api/overview").unwrap_or_default(),
        _ => Overview::default(),
    };
    let Some(first) = overview.node.clone() else {
        return vec![(target.display_url(), target.clone())];
    };
    let mut nodes = vec![(first.clone(), target.clone())];
    let scheme = target.base.scheme();
    let wanted = if scheme == "https" { "https" } else { "http" };
    for listener in &overview.listeners {
        let (Some(node), Some(protocol), Some(port)) =
            (&listener.node, &listener.protocol, listener.port)
        else {
            continue;
        };
        if protocol != wanted || *node == first {
            continue;
        }
        let host = node.split_once('@').map_or(node.as_str(), |(_, host)| host);
        let mut other = target.clone();
        if other.base.set_host(Some(host)).is_err() || other.base.set_port(Some(port)).is_err() {
            continue;
        }
        nodes.push((node.clone(), other));
    }
    nodes
}
