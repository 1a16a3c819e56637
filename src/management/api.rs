//! The API's replies as we read them: only the fields we use, each lenient (a missing
//! field, `null` or another JSON type than 3.10.8 sends reads as "unknown"), since fields
//! come and go between broker versions. The few fields nothing works without (an object's
//! name) are checked in `resolve`, which names the endpoint and field when one is missing.

use serde::{Deserialize, Deserializer, de::DeserializeOwned};

use crate::topology::Arguments;

/// Reads any JSON value, then keeps it only if it has the type we expect.
fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(T::deserialize(value).unwrap_or_default())
}

#[derive(Debug, Default, Deserialize)]
pub struct Overview {
    /// The node that answered.
    #[serde(default, deserialize_with = "lenient")]
    pub node: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub cluster_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub rabbitmq_version: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub listeners: Vec<ApiListener>,
}

/// `/api/nodes?columns=name,running,mem_alarm,disk_free_alarm`.
#[derive(Debug, Default, Deserialize)]
pub struct ApiNode {
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub running: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub mem_alarm: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub disk_free_alarm: bool,
}

/// `/api/connections?columns=node,peer_host,peer_port,client_properties`.
#[derive(Debug, Default, Deserialize)]
pub struct ApiConnection {
    #[serde(default, deserialize_with = "lenient")]
    pub node: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub peer_host: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub peer_port: Option<u16>,
    #[serde(default, deserialize_with = "lenient")]
    pub client_properties: serde_json::Value,
}

#[derive(Debug, Default, Deserialize)]
pub struct ApiListener {
    #[serde(default, deserialize_with = "lenient")]
    pub node: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub protocol: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub port: Option<u16>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ApiExchange {
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "lenient")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub durable: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub auto_delete: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub internal: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub arguments: Arguments,
    /// 3.10.8 names the policy in force but, unlike for queues, not its definition.
    #[serde(default, deserialize_with = "lenient")]
    pub policy: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub message_stats: Option<MessageStats>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ApiQueue {
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    /// `classic`, `quorum`, `stream`; absent before 3.8.
    #[serde(default, rename = "type", deserialize_with = "lenient")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub durable: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub auto_delete: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub exclusive: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub arguments: Arguments,
    #[serde(default, deserialize_with = "lenient")]
    pub policy: Option<String>,
    /// The policy and operator policy merged as the broker applies them (lags a stats
    /// interval behind a new policy).
    #[serde(default, deserialize_with = "lenient")]
    pub effective_policy_definition: Option<Arguments>,
    #[serde(default, deserialize_with = "lenient")]
    pub messages_ready: u64,
    #[serde(default, deserialize_with = "lenient")]
    pub messages_unacknowledged: u64,
    #[serde(default, deserialize_with = "lenient")]
    pub consumers: u64,
    #[serde(default, deserialize_with = "lenient")]
    pub node: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub leader: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub members: Vec<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub online: Vec<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub message_stats: Option<MessageStats>,
}

#[derive(Debug, Default, Deserialize)]
pub struct MessageStats {
    #[serde(default, deserialize_with = "lenient")]
    pub publish_details: Option<Rate>,
    #[serde(default, deserialize_with = "lenient")]
    pub publish_in_details: Option<Rate>,
    #[serde(default, deserialize_with = "lenient")]
    pub deliver_get_details: Option<Rate>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Rate {
    #[serde(default, deserialize_with = "lenient")]
    pub rate: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ApiBinding {
    #[serde(default, deserialize_with = "lenient")]
    pub source: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub destination: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub destination_type: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub routing_key: String,
    #[serde(default, deserialize_with = "lenient")]
    pub arguments: Arguments,
}

#[derive(Debug, Default, Deserialize)]
pub struct ApiPolicy {
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub pattern: Option<String>,
    /// `all`, `exchanges`, `queues` (3.10); later versions add `classic_queues`, ...
    #[serde(default, rename = "apply-to", deserialize_with = "lenient")]
    pub apply_to: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub definition: Arguments,
    #[serde(default, deserialize_with = "lenient")]
    pub priority: i64,
}
