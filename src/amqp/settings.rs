//! What a session connects to and what it watches: plain data, validated by the form.

use std::fmt;

use crate::session::cycle;

use lapin::ExchangeKind;

pub const DEFAULT_PORT: u16 = 5672;
pub const DEFAULT_TLS_PORT: u16 = 5671;
pub const DEFAULT_HEARTBEAT_SECS: u16 = 60;
/// Deliveries the broker may push before we ack: bounds what a flood can queue in memory.
pub const DEFAULT_PREFETCH: u16 = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExchangeType {
    #[default]
    Direct,
    Topic,
    Fanout,
    Headers,
}

impl ExchangeType {
    pub const ALL: [ExchangeType; 4] = [Self::Direct, Self::Topic, Self::Fanout, Self::Headers];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Topic => "topic",
            Self::Fanout => "fanout",
            Self::Headers => "headers",
        }
    }

    pub fn next(self) -> Self {
        cycle(&Self::ALL, self, 1)
    }

    pub fn prev(self) -> Self {
        cycle(&Self::ALL, self, -1)
    }

    pub fn kind(self) -> ExchangeKind {
        match self {
            Self::Direct => ExchangeKind::Direct,
            Self::Topic => ExchangeKind::Topic,
            Self::Fanout => ExchangeKind::Fanout,
            Self::Headers => ExchangeKind::Headers,
        }
    }
}

impl fmt::Display for ExchangeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ExchangeType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown exchange type '{s}': use direct, topic, fanout or headers")
            })
    }
}

/// One binding of the session's queue to its exchange: a routing key (direct, topic) and
/// arguments (`x-match` and the header pairs on a headers exchange).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Binding {
    pub key: String,
    pub arguments: crate::session::Table,
}

impl Binding {
    pub fn key(key: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            arguments: Vec::new(),
        }
    }
}

/// Where the session's messages come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Declare the exchange (auto-delete) and a queue of our own (exclusive, auto-delete),
    /// bound with the bindings: what the guide's consumer does.
    #[default]
    Declare,
    /// An exchange that must already exist (checked passively, never created), tapped by a
    /// server-named exclusive auto-delete queue: its own consumers lose nothing.
    TapExchange,
    /// A queue that must already exist (checked passively), consumed with `AckMode`.
    Queue,
}

impl Source {
    pub const ALL: [Source; 3] = [Self::Declare, Self::TapExchange, Self::Queue];

    pub fn label(self) -> &'static str {
        match self {
            Self::Declare => "declare exchange + own queue",
            Self::TapExchange => "tap an existing exchange",
            Self::Queue => "consume an existing queue",
        }
    }
}

impl std::str::FromStr for Source {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "declare" => Ok(Self::Declare),
            "tap" => Ok(Self::TapExchange),
            "queue" => Ok(Self::Queue),
            other => Err(format!(
                "unknown source '{other}': use declare (exchange + own queue), tap (an existing exchange) or queue (an existing queue)"
            )),
        }
    }
}

/// How messages taken from an existing queue are settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AckMode {
    /// The broker forgets each message as it sends it.
    NoAck,
    /// Consumed with acks, each acked once the UI has it: drains the queue like no-ack,
    /// but the prefetch window still bounds what the broker pushes ahead of the UI.
    Auto,
    /// Each message waits, unacknowledged, for the user's ack, reject or requeue.
    #[default]
    Manual,
    /// basic.get a batch and requeue it all: the queue is left as it was.
    Peek,
}

impl AckMode {
    pub const ALL: [AckMode; 4] = [Self::NoAck, Self::Auto, Self::Manual, Self::Peek];

    pub fn label(self) -> &'static str {
        match self {
            Self::NoAck => "no-ack (the broker forgets each message)",
            Self::Auto => "take: ack each as it reaches the UI (drains the queue)",
            Self::Manual => "manual (ack / reject / requeue each message)",
            Self::Peek => "peek (get and requeue: the queue stays as it was)",
        }
    }
}

impl std::str::FromStr for AckMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "no-ack" => Ok(Self::NoAck),
            "auto" => Ok(Self::Auto),
            "manual" => Ok(Self::Manual),
            "peek" => Ok(Self::Peek),
            other => Err(format!(
                "unknown ack mode '{other}': use no-ack, auto, manual or peek"
            )),
        }
    }
}

/// The routing a session watches: declared on connect and on every reconnect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Routing {
    pub source: Source,
    pub exchange: String,
    pub exchange_type: ExchangeType,
    /// Our own queue's name (empty: server-named), or the existing queue to consume.
    pub queue: String,
    /// The queue's bindings to the exchange; more can be added and removed live.
    pub bindings: Vec<Binding>,
    /// For `Source::Queue` only: our own queues are acked as each message reaches the UI.
    pub ack: AckMode,
}

impl Routing {
    /// The first binding's key: what the compose box publishes with by default.
    pub fn key(&self) -> &str {
        self.bindings.first().map_or("", |b| b.key.as_str())
    }

    /// `testEx (direct) ─test→ amq.gen-…`, or `queue q` on the default exchange or for an
    /// existing queue. Raw names: make it safe before drawing it.
    pub fn summary(&self, queue: &str) -> String {
        if self.exchange.is_empty() || self.source == Source::Queue {
            return format!("queue {queue}");
        }
        let keys: Vec<String> = self
            .bindings
            .iter()
            .map(|b| crate::routing::format_binding(self.exchange_type, b))
            .collect();
        let tap = if self.source == Source::TapExchange {
            "tap "
        } else {
            ""
        };
        format!(
            "{tap}{} ({}) ─{}→ {queue}",
            self.exchange,
            self.type_label(),
            keys.join(" | ")
        )
    }
}

impl Default for Routing {
    fn default() -> Self {
        Self {
            source: Source::Declare,
            exchange: "testEx".into(),
            exchange_type: ExchangeType::Direct,
            queue: String::new(),
            bindings: vec![Binding::key("test")],
            ack: AckMode::default(),
        }
    }
}
