//! What the broker view and the simulator know of a vhost: plain data, filled in by
//! `crate::management` from the API's replies, drawn by `ui::topology`.

/// Arguments as the API gives them (JSON values): header matching compares them.
pub type Arguments = serde_json::Map<String, serde_json::Value>;

/// One vhost, as one refresh saw it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Topology {
    pub vhost: String,
    pub exchanges: Vec<Exchange>,
    pub queues: Vec<Queue>,
    /// Every binding the API lists, the default exchange's implicit ones (source `""`)
    /// included: the browser hides those unless asked, the simulator uses them.
    pub bindings: Vec<Binding>,
    /// Parts of the API this user may not read; the rest still works.
    pub not_permitted: Vec<NotPermitted>,
    /// From `/api/overview`, when readable.
    pub cluster_name: Option<String>,
    pub broker_version: Option<String>,
    /// Every node's listeners (`/api/overview`): how a new tab reaches this broker over
    /// AMQP (to tap an exchange, consume a queue) whatever protocol the session speaks.
    pub listeners: Vec<Listener>,
    /// The cluster's nodes (`/api/nodes`), running or not, with their alarms.
    pub nodes: Vec<Node>,
    /// Every client connection the API lists (`/api/connections`), for telling which
    /// node each of our sessions is on.
    pub connections: Vec<ClientConnection>,
}

/// A node of the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// `rabbit@host`.
    pub name: String,
    pub running: bool,
    /// Publishers are blocked while either alarm is on.
    pub mem_alarm: bool,
    pub disk_free_alarm: bool,
}

/// A client connection as far as telling ours apart goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConnection {
    /// The node it is on.
    pub node: String,
    /// The client's address as the broker sees it.
    pub peer: Option<std::net::SocketAddr>,
    /// MQTT's client id.
    pub client_id: Option<String>,
}

impl ClientConnection {
    /// Whether it is the connection whose local address is `local` (AMQP, STOMP) or,
    /// for MQTT, whose client id is `client_id`.
    pub fn is(&self, local: Option<std::net::SocketAddr>, client_id: Option<&str>) -> bool {
        // The broker may list an IPv4 peer of a dual-stack listener as `::ffff:a.b.c.d`.
        let canonical = |s: std::net::SocketAddr| (s.ip().to_canonical(), s.port());
        let by_addr =
            matches!((self.peer, local), (Some(p), Some(l)) if canonical(p) == canonical(l));
        let by_id = client_id.is_some() && self.client_id.as_deref() == client_id;
        by_addr || by_id
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    pub node: String,
    /// As the broker names it: `amqp`, `amqp/ssl`, `mqtt`, `stomp`, `http/web-stomp`, ...
    pub protocol: String,
    pub port: u16,
}

/// An endpoint that answered 401 or 403.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotPermitted {
    /// What could not be read, as the view names it: "policies", "queues", ...
    pub part: String,
    pub status: u16,
}

/// Where a setting in force came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// An `x-…` argument of the object itself (it beats a policy).
    Argument,
    /// The named policy (or operator policy).
    Policy(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Exchange {
    /// `""` is the default exchange.
    pub name: String,
    /// As the broker names it: `direct`, `topic`, `fanout`, `headers`,
    /// `x-consistent-hash`, ...
    pub kind: String,
    pub durable: bool,
    pub auto_delete: bool,
    pub internal: bool,
    pub arguments: Arguments,
    /// The effective policy's name, if one applies.
    pub policy: Option<String>,
    /// The alternate exchange in force: by argument, else by policy.
    pub alternate: Option<Alternate>,
    /// Messages published in per second, when the broker reports it.
    pub publish_in_rate: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alternate {
    pub exchange: String,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueKind {
    Classic,
    Quorum,
    Stream,
    /// A type this version of the app does not know, as the broker names it.
    Other(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Queue {
    pub name: String,
    pub kind: QueueKind,
    pub durable: bool,
    pub auto_delete: bool,
    pub exclusive: bool,
    pub arguments: Arguments,
    /// The effective policy's name, if one applies.
    pub policy: Option<String>,
    pub ready: u64,
    pub unacked: u64,
    pub consumers: u64,
    /// Per second, when the broker reports them.
    pub publish_rate: Option<f64>,
    pub deliver_rate: Option<f64>,
    /// The node a classic queue lives on, or a quorum queue's leader.
    pub node: Option<String>,
    /// Quorum queues: every member, and those online (which lags by a stats interval).
    pub members: Vec<String>,
    pub online: Vec<String>,
    /// Where its rejected or expired messages go, by argument or policy.
    pub dead_letter: Option<DeadLetter>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadLetter {
    pub exchange: String,
    /// `x-dead-letter-routing-key`; `None` keeps the message's own keys.
    pub routing_key: Option<String>,
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DestinationKind {
    Queue,
    Exchange,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    /// `""`: the default exchange's implicit binding of every queue.
    pub source: String,
    pub destination: String,
    pub destination_kind: DestinationKind,
    pub routing_key: String,
    pub arguments: Arguments,
}

impl Topology {
    pub fn exchange(&self, name: &str) -> Option<&Exchange> {
        self.exchanges.iter().find(|e| e.name == name)
    }

    pub fn queue(&self, name: &str) -> Option<&Queue> {
        self.queues.iter().find(|q| q.name == name)
    }
}
