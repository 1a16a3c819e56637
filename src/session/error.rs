//! Typed connection errors: the form branches on them to point at the field at fault, and
//! their messages say what went wrong and what to do about it.

use std::{io, path::PathBuf};

use super::Protocol;

use thiserror::Error;

/// The step of session setup an error happened in; broker replies mean different
/// things at each step (ACCESS_REFUSED at login is a password, on a declare a permission).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Connect,
    DeclareExchange,
    DeclareQueue,
    Bind,
    Consume,
}

impl Stage {
    pub fn doing(self) -> &'static str {
        match self {
            Self::Connect => "logging in",
            Self::DeclareExchange => "declaring the exchange",
            Self::DeclareQueue => "declaring the queue",
            Self::Bind => "binding the queue",
            Self::Consume => "starting the consumer",
        }
    }
}

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ConnectError {
    #[error(
        "Connection refused by {addr}: no broker is listening there. Check host and port ({}).", protocol.port_hint()
    )]
    Refused { addr: String, protocol: Protocol },
    #[error("Host '{host}' could not be resolved: {detail}. Check the host name.")]
    UnknownHost { host: String, detail: String },
    #[error("No answer from {addr} within {secs} s. Check host, port and firewalls.")]
    Timeout { addr: String, secs: u64 },
    #[error("CA certificate file '{}' does not exist. Fix the path or leave it empty to use the system trust store.", path.display())]
    CaFileMissing { path: PathBuf },
    #[error("CA certificate file '{}' cannot be read: {detail}.", path.display())]
    CaFileUnreadable { path: PathBuf, detail: String },
    #[error("CA certificate file '{}' is not a PEM certificate ({detail}). Point it at the CA's certificate (-----BEGIN CERTIFICATE-----), not a key.", path.display())]
    CaFileNotPem { path: PathBuf, detail: String },
    #[error("Client certificate file '{}' does not exist. Fix the path, or leave it empty if the broker does not ask for one.", path.display())]
    ClientCertMissing { path: PathBuf },
    #[error("Client certificate file '{}' cannot be read: {detail}.", path.display())]
    ClientCertUnreadable { path: PathBuf, detail: String },
    #[error("Client certificate file '{}' is not a PEM certificate ({detail}). Point it at your certificate (-----BEGIN CERTIFICATE-----); the key goes in the key field.", path.display())]
    ClientCertNotPem { path: PathBuf, detail: String },
    #[error("The client certificate in '{}' cannot be used: {detail}.", path.display())]
    ClientCertUnusable { path: PathBuf, detail: String },
    #[error("Client key file '{}' does not exist. Fix the path.", path.display())]
    ClientKeyMissing { path: PathBuf },
    #[error("Client key file '{}' cannot be read: {detail}.", path.display())]
    ClientKeyUnreadable { path: PathBuf, detail: String },
    #[error("Client key file '{}' is not a PEM private key ({detail}).", path.display())]
    ClientKeyNotPem { path: PathBuf, detail: String },
    #[error(
        "Client key file '{}' holds a {format} key; amqp-tui needs PKCS#8 (-----BEGIN PRIVATE KEY-----). Convert it with: openssl pkcs8 -topk8 -nocrypt -in {} -out {}",
        path.display(), path.display(), pkcs8_name(path).display()
    )]
    ClientKeyNotPkcs8 { path: PathBuf, format: String },
    #[error(
        "Client key file '{}' is password-protected, which amqp-tui does not support. Write an unencrypted copy (keep it private) with: openssl pkcs8 -topk8 -nocrypt -in {} -out {}",
        path.display(), path.display(), pkcs8_name(path).display()
    )]
    ClientKeyEncrypted { path: PathBuf },
    #[error("Client key '{}' does not belong to the certificate in '{}'. Pick the key that was generated with that certificate.", key.display(), cert.display())]
    ClientKeyMismatch { cert: PathBuf, key: PathBuf },
    #[error(
        "TLS: the broker refused our client certificate ({detail}). It must be issued by a CA the broker trusts, be valid now, and be meant for client authentication."
    )]
    TlsClientCertRejected { detail: String },
    #[error(
        "TLS: the broker requires a client certificate. Give a certificate and key issued by a CA the broker trusts."
    )]
    TlsClientCertRequired,
    #[error(
        "TLS: the server's certificate is not issued by {trusted} (unknown issuer). Use the CA that signed the broker's certificate, or turn verification off to connect without checking."
    )]
    TlsUnknownIssuer { trusted: String },
    #[error(
        "TLS: the server's certificate is self-signed and not trusted. Give its certificate as the CA file, or turn verification off."
    )]
    TlsSelfSigned,
    #[error(
        "TLS: the server's certificate is not valid for host '{host}' (name mismatch). Connect with a name the certificate lists, or turn verification off."
    )]
    TlsNameMismatch { host: String },
    #[error(
        "TLS: the server's certificate has expired. Renew it on the broker, or turn verification off."
    )]
    TlsExpired,
    #[error("TLS: the server's certificate is not valid yet. Check the clocks of both machines.")]
    TlsNotYetValid,
    #[error(
        "TLS handshake failed: the port did not answer with TLS. Is {addr} the plain {protocol} port? TLS is usually on {}.", protocol.default_port(true)
    )]
    TlsNotTls { addr: String, protocol: Protocol },
    #[error(
        "TLS: the server at {addr} only speaks an old TLS version (1.0 or 1.1); amqp-tui requires TLS 1.2 or newer. Enable TLS 1.2 or 1.3 on the broker (RabbitMQ: ssl_options.versions)."
    )]
    TlsTooOld { addr: String },
    #[error("TLS handshake failed: {detail}")]
    TlsHandshake { detail: String },
    #[error(
        "{addr} did not complete an {protocol} handshake (it closed the connection or spoke another protocol). If it is a TLS port (usually {}), switch TLS on; otherwise check the port.", protocol.default_port(true)
    )]
    HandshakeClosed { addr: String, protocol: Protocol },
    #[error(
        "ACCESS_REFUSED: the broker refused the login of user '{user}'. Check user and password (RabbitMQ's guest user may only log in from localhost)."
    )]
    AccessRefused { user: String },
    #[error(
        "The broker refused the login of user '{user}' on virtual host '{vhost}' (CONNACK: bad user name or password, or not authorized). Check user, password and virtual host."
    )]
    VhostOrLoginRefused { vhost: String, user: String },
    #[error(
        "The broker refused client id '{client_id}' (CONNACK: identifier rejected). Leave the client id empty for a generated one, or pick another."
    )]
    ClientIdRefused { client_id: String },
    #[error(
        "The broker refused the subscription to '{filter}' (SUBACK failure): the user may not read that topic, or the filter is not valid. Check the topic filters."
    )]
    SubscriptionRefused { filter: String },
    /// STOMP's CONNECT names the virtual host in its `host` header, where clients that
    /// follow the STOMP spec put the server's DNS name: RabbitMQ refuses both alike.
    #[error(
        "The broker refused virtual host '{vhost}' for user '{user}' (STOMP ERROR: {reason}). STOMP sends the virtual host in the CONNECT frame's host header, and RabbitMQ refuses anything there but an existing virtual host the user may use, the server's DNS name included: give the virtual host (usually /)."
    )]
    StompVhostRefused {
        vhost: String,
        user: String,
        reason: String,
    },
    #[error(
        "The broker refused the subscription to '{destination}': {reason}. An /amq/queue/NAME destination needs a queue that exists (/queue/NAME declares one); check the destinations."
    )]
    DestinationRefused { destination: String, reason: String },
    #[error(
        "Web-STOMP path '{path}' is SockJS's, which RabbitMQ removed in 3.7: use /ws, its plain WebSocket endpoint."
    )]
    WebStompSockJsPath { path: String },
    /// An ERROR frame: the broker's `message` header and body, made safe to show.
    #[error("The broker sent a STOMP ERROR: {message}{}", if detail.is_empty() { String::new() } else { format!(" ({detail})") })]
    StompError { message: String, detail: String },
    #[error(
        "NOT_ALLOWED: virtual host '{vhost}' does not exist or user '{user}' has no access to it. Check the virtual host."
    )]
    VhostNotAllowed { vhost: String, user: String },
    #[error(
        "PRECONDITION_FAILED: exchange '{exchange}' already exists with other properties ({detail}). Pick its actual type or another exchange name."
    )]
    ExchangeMismatch { exchange: String, detail: String },
    #[error(
        "PRECONDITION_FAILED: queue '{queue}' already exists with other properties ({detail}). Leave the queue empty for a private one, or use another name."
    )]
    QueueMismatch { queue: String, detail: String },
    #[error(
        "RESOURCE_LOCKED: queue '{queue}' is exclusive to another connection. Leave the queue empty for a private one, or use another name."
    )]
    QueueLocked { queue: String },
    #[error("NOT_FOUND: exchange '{exchange}' does not exist ({detail}).")]
    ExchangeNotFound { exchange: String, detail: String },
    #[error(
        "NOT_FOUND: queue '{queue}' does not exist in this virtual host. Check its name, or choose to declare a queue of our own."
    )]
    QueueNotFound { queue: String },
    #[error("{field} is invalid: {reason}")]
    InvalidName { field: &'static str, reason: String },
    #[error("The broker answered {code} {text} while {doing}.")]
    Broker {
        code: u16,
        text: String,
        doing: &'static str,
    },
    /// Nothing came back from the broker for `secs` (two heartbeat intervals): a hung
    /// broker or a dead link, which only a reconnect can tell apart.
    #[error(
        "No heartbeat from the broker for {secs} s: the network or the broker stopped answering."
    )]
    HeartbeatMissed { secs: u64 },
    /// Says what failed, not that the connection is lost: the notice of a lost connection
    /// adds that, once, for every cause.
    #[error("The network connection failed: {detail}.")]
    Io { detail: String },
    #[error("Connection closed: {detail}")]
    Closed { detail: String },
    /// The node took the connection and then stopped answering while it set up the
    /// subscription: most likely held back by the cluster, as RabbitMQ holds a queue's
    /// declaration while one of its nodes is unreachable.
    #[error(
        "{addr} took the connection but did not answer its subscription within {secs} s. Most likely a node of its cluster stopped answering: RabbitMQ holds queue declarations until that node is back or declared down (net_ticktime, 60 s by default)."
    )]
    SubscriptionStalled { addr: String, secs: u64 },
    /// A kept (not clean) MQTT session lives on the node that was lost.
    #[error(
        "MQTT session '{client_id}' is kept on the node that was lost (RabbitMQ 3.10 does not move it), so this node is not asked: it would refuse the id, or hold every MQTT connect of the cluster while that node hangs. The session waits for its node; turn clean session on to fail over without what it kept."
    )]
    KeptSessionElsewhere { client_id: String },
    /// Every node of a cluster's list failed; what each said went out as it happened.
    #[error("None of the {tried} nodes could be used; the last, {endpoint}, said: {last}")]
    NoNodeAnswered {
        tried: usize,
        endpoint: String,
        last: Box<ConnectError>,
    },
}

/// Where the converted key goes in the command we suggest: next to the original, so the
/// user only has to change the key field's extension.
fn pkcs8_name(path: &std::path::Path) -> PathBuf {
    path.with_extension("pk8.pem")
}

impl ConnectError {
    /// A failed socket operation while connecting to `addr` (`host` as the user typed it).
    pub fn from_io(io: &io::Error, protocol: Protocol, host: &str, addr: &str) -> Self {
        match io.kind() {
            io::ErrorKind::ConnectionRefused => Self::Refused {
                addr: addr.into(),
                protocol,
            },
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset => Self::HandshakeClosed {
                addr: addr.into(),
                protocol,
            },
            _ if io.to_string().contains("lookup") || io.to_string().contains("resolve") => {
                Self::UnknownHost {
                    host: host.into(),
                    detail: io.to_string(),
                }
            }
            _ => Self::Io {
                detail: io.to_string(),
            },
        }
    }

    /// Errors that retrying cannot fix without the user changing something.
    pub fn needs_user(&self) -> bool {
        if let Self::NoNodeAnswered { last, .. } = self {
            return last.needs_user();
        }
        !matches!(
            self,
            Self::Refused { .. }
                | Self::Timeout { .. }
                | Self::HandshakeClosed { .. }
                | Self::HeartbeatMissed { .. }
                | Self::Io { .. }
                | Self::Closed { .. }
                | Self::SubscriptionStalled { .. }
                | Self::KeptSessionElsewhere { .. }
                | Self::StompError { .. }
                | Self::UnknownHost { .. }
        )
    }
}
