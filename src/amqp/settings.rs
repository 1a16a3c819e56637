//! What a session connects to and what it watches: plain data, validated by the form.

use std::{fmt, path::PathBuf};

use lapin::{
    ExchangeKind,
    uri::{AMQPAuthority, AMQPQueryString, AMQPScheme, AMQPUri, AMQPUserInfo},
};

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsMode {
    Off,
    /// Verify the chain and host name against `ca_file`, or the system store when `None`.
    Verify {
        ca_file: Option<PathBuf>,
    },
    /// Accept any certificate: the user asked for it explicitly.
    NoVerify,
}

/// A client certificate and its key (PEM files), for brokers that require mutual TLS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientCert {
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
}

/// How the connection is protected, as the status bar must state it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Security {
    Plain,
    TlsVerified { ca_file: Option<PathBuf> },
    TlsNotVerified,
}

impl Security {
    pub fn label(&self) -> String {
        match self {
            Self::Plain => "plain AMQP".into(),
            Self::TlsVerified { ca_file: Some(ca) } => {
                format!("TLS, server verified against {}", ca.display())
            }
            Self::TlsVerified { ca_file: None } => {
                "TLS, server verified against the system trust store".into()
            }
            Self::TlsNotVerified => "TLS, NOT VERIFIED".into(),
        }
    }
}

/// One binding of the session's queue to its exchange: a routing key (direct, topic) and
/// arguments (`x-match` and the header pairs on a headers exchange).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Binding {
    pub key: String,
    pub arguments: super::message::Table,
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

/// Cycles through a `const ALL` list, for the form's choice fields.
pub fn cycle<T: Copy + PartialEq>(all: &[T], current: T, step: isize) -> T {
    let n = all.len() as isize;
    let i = all.iter().position(|x| *x == current).unwrap_or(0) as isize;
    all[(i + step).rem_euclid(n) as usize]
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

#[derive(Clone, PartialEq, Eq)]
pub struct ConnectionSettings {
    pub host: String,
    pub port: u16,
    pub vhost: String,
    pub user: String,
    pub password: String,
    pub tls: TlsMode,
    /// Presented during the TLS handshake; unused when `tls` is `Off`.
    pub client_cert: Option<ClientCert>,
    pub heartbeat_secs: u16,
    pub prefetch: u16,
    pub routing: Routing,
}

// Hand-written so a password can never reach a log or a panic message through `{:?}`.
impl fmt::Debug for ConnectionSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("vhost", &self.vhost)
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("tls", &self.tls)
            .field("client_cert", &self.client_cert)
            .field("heartbeat_secs", &self.heartbeat_secs)
            .field("prefetch", &self.prefetch)
            .field("routing", &self.routing)
            .finish()
    }
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            host: "localhost".into(),
            port: DEFAULT_PORT,
            vhost: "/".into(),
            user: "guest".into(),
            password: "guest".into(),
            tls: TlsMode::Off,
            client_cert: None,
            heartbeat_secs: DEFAULT_HEARTBEAT_SECS,
            prefetch: DEFAULT_PREFETCH,
            routing: Routing::default(),
        }
    }
}

impl ConnectionSettings {
    pub fn security(&self) -> Security {
        match &self.tls {
            TlsMode::Off => Security::Plain,
            TlsMode::Verify { ca_file } => Security::TlsVerified {
                ca_file: ca_file.clone(),
            },
            TlsMode::NoVerify => Security::TlsNotVerified,
        }
    }

    /// `host:port`, bracketing IPv6 literals.
    pub fn addr(&self) -> String {
        if self.host.contains(':') && !self.host.starts_with('[') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// `user@host:port/vhost`, never the password.
    pub fn display_target(&self) -> String {
        super::uri::display_target(&self.user, &self.host, self.port, &self.vhost)
    }

    /// Built field by field rather than parsed, because lapin mis-parses IPv6 literals.
    pub fn amqp_uri(&self) -> AMQPUri {
        AMQPUri {
            scheme: if self.tls == TlsMode::Off {
                AMQPScheme::AMQP
            } else {
                AMQPScheme::AMQPS
            },
            authority: AMQPAuthority {
                userinfo: AMQPUserInfo {
                    username: self.user.clone(),
                    password: self.password.clone(),
                },
                host: self
                    .host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .into(),
                port: self.port,
            },
            vhost: self.vhost.clone(),
            query: AMQPQueryString {
                heartbeat: Some(self.heartbeat_secs),
                ..AMQPQueryString::default()
            },
        }
    }
}
