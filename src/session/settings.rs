//! What a session connects to: the fields every protocol shares, and each protocol's own
//! options beside them. Plain data, validated by the form.

use std::fmt;

use crate::{
    amqp::{
        Routing,
        settings::{DEFAULT_HEARTBEAT_SECS, DEFAULT_PREFETCH},
    },
    mqtt::MqttOptions,
    stomp::StompOptions,
    tls::{ClientCert, Security, TlsMode},
};

use super::{Protocol, endpoint::Endpoint};

/// Cycles through a `const ALL` list, for the form's choice fields.
pub fn cycle<T: Copy + PartialEq>(all: &[T], current: T, step: isize) -> T {
    let n = all.len() as isize;
    let i = all.iter().position(|x| *x == current).unwrap_or(0) as isize;
    all[(i + step).rem_euclid(n) as usize]
}

#[derive(Clone, PartialEq, Eq)]
pub struct ConnectionSettings {
    pub protocol: Protocol,
    /// The first node to try; [`Self::endpoints`] lists it with the others.
    pub host: String,
    pub port: u16,
    /// The other nodes of the same cluster, tried after `host:port`.
    pub failover: Vec<Endpoint>,
    /// Try the nodes in a shuffled order, so that many clients spread over a cluster.
    pub shuffle: bool,
    pub vhost: String,
    pub user: String,
    pub password: String,
    pub tls: TlsMode,
    /// Presented during the TLS handshake; unused when `tls` is `Off`.
    pub client_cert: Option<ClientCert>,
    /// AMQP's heartbeat, MQTT's keep-alive.
    pub heartbeat_secs: u16,
    /// AMQP: deliveries the broker may push before we ack.
    pub prefetch: u16,
    /// AMQP: what the session declares, binds and consumes.
    pub routing: Routing,
    /// MQTT: client id, subscriptions, clean session.
    pub mqtt: MqttOptions,
    /// STOMP and Web-STOMP: destinations, ack mode, the Web-STOMP path.
    pub stomp: StompOptions,
    /// The broker's management API, for the broker view (any protocol).
    pub management: ManagementSettings,
}

/// Where the broker's management API is, as the user gave it. Empty fields take the
/// session's: the URL `http://HOST:15672` (`https://HOST:15671` when the session uses TLS,
/// with its trust settings), the user and password the session's own, unless the URL's
/// user info or these fields name others.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ManagementSettings {
    pub url: String,
    pub user: String,
    pub password: String,
}

/// The management API's ports when the URL is left empty: RabbitMQ's defaults.
pub const MANAGEMENT_PORT: u16 = 15672;
pub const MANAGEMENT_TLS_PORT: u16 = 15671;

/// The URL an empty management URL stands for: `http://HOST:15672`, or
/// `https://HOST:15671` when the session uses TLS. The one place this rule is written:
/// the form shows it, the management client resolves it.
pub fn default_management_url(host: &str, tls: bool) -> String {
    let (scheme, port) = if tls {
        ("https", MANAGEMENT_TLS_PORT)
    } else {
        ("http", MANAGEMENT_PORT)
    };
    // An IPv6 address needs its brackets in a URL.
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    format!("{scheme}://{host}:{port}")
}

impl ManagementSettings {
    /// A password inside the URL moved to `password` (decoded), unless one is given
    /// there already: the URL is shown on the form and saved in profiles, the password
    /// only where passwords go.
    pub fn password_out_of_url(mut self) -> Self {
        if let Some((url, password)) = crate::session::uri::take_password(&self.url) {
            self.url = url;
            if self.password.is_empty() {
                self.password = percent_encoding::percent_decode_str(&password)
                    .decode_utf8_lossy()
                    .into_owned();
            }
        }
        self
    }
}

// Hand-written so a password can never reach a log through `{:?}`.
impl fmt::Debug for ManagementSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagementSettings")
            .field("url", &crate::session::uri::redacted(&self.url))
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

// Hand-written so a password can never reach a log or a panic message through `{:?}`.
impl fmt::Debug for ConnectionSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionSettings")
            .field("protocol", &self.protocol)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("failover", &self.failover)
            .field("shuffle", &self.shuffle)
            .field("vhost", &self.vhost)
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("tls", &self.tls)
            .field("client_cert", &self.client_cert)
            .field("heartbeat_secs", &self.heartbeat_secs)
            .field("prefetch", &self.prefetch)
            .field("routing", &self.routing)
            .field("mqtt", &self.mqtt)
            .field("stomp", &self.stomp)
            .field("management", &self.management)
            .finish()
    }
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            protocol: Protocol::Amqp,
            host: "localhost".into(),
            port: Protocol::Amqp.default_port(false),
            failover: Vec::new(),
            shuffle: false,
            vhost: "/".into(),
            user: "guest".into(),
            password: "guest".into(),
            tls: TlsMode::Off,
            client_cert: None,
            heartbeat_secs: DEFAULT_HEARTBEAT_SECS,
            prefetch: DEFAULT_PREFETCH,
            routing: Routing::default(),
            mqtt: MqttOptions::default(),
            stomp: StompOptions::default(),
            management: ManagementSettings::default(),
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

    /// Every node the session may connect to: `host:port` first, then the failover list.
    pub fn endpoints(&self) -> Vec<Endpoint> {
        let first = Endpoint::new(
            self.host.trim_start_matches('[').trim_end_matches(']'),
            self.port,
        );
        std::iter::once(first)
            .chain(self.failover.iter().cloned())
            .collect()
    }

    /// These settings aimed at one of the endpoints, for one connection attempt.
    pub fn at(&self, endpoint: &Endpoint) -> Self {
        Self {
            host: endpoint.host.clone(),
            port: endpoint.port,
            ..self.clone()
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

    /// What the session watches, as titles and notices say it: an AMQP routing summary
    /// (`testEx (direct) ─test→ amq.gen-…`) or MQTT's subscriptions. `watching` is what
    /// the worker reported on connecting (the queue's name, the filters with their QoS).
    /// Raw names: make it safe before drawing it.
    pub fn watch_summary(&self, watching: &str) -> String {
        match self.protocol {
            Protocol::Amqp => self.routing.summary(watching),
            Protocol::Mqtt | Protocol::Stomp | Protocol::WebStomp => {
                format!("subscribed to {watching}")
            }
        }
    }

    /// [`Self::display_target`] on `endpoint` instead of the first node.
    pub fn display_target_at(&self, endpoint: &Endpoint) -> String {
        super::uri::display_target(&self.user, &endpoint.host, endpoint.port, &self.vhost)
    }

    /// `user@host:port/vhost`, never the password.
    pub fn display_target(&self) -> String {
        super::uri::display_target(&self.user, &self.host, self.port, &self.vhost)
    }
}
