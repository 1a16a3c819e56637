//! What an operator wants to know about an open connection: who answered, and how the
//! link is protected. Filled in by the worker when a connection opens.

use crate::tls::TlsDetails;

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ConnectionDetails {
    /// The address the TCP connection reached, e.g. `127.0.0.1:5671`.
    pub peer_addr: Option<String>,
    /// From the broker's `connection.start` server properties, e.g. `RabbitMQ 3.10.8`.
    /// Always `None` with lapin 4.12: it reads those properties and drops them, with no
    /// accessor on `Connection`.
    pub server: Option<String>,
    /// Our end of the TCP connection: how the management API's connection list tells
    /// ours apart. `None` where the protocol's crate keeps the socket (MQTT).
    pub local_addr: Option<std::net::SocketAddr>,
    /// MQTT: the client id the connection logged in with (the session's, generated, or
    /// `ID-fN` after a failover).
    pub client_id: Option<String>,
    /// Negotiated heartbeat in seconds (0 = off).
    pub heartbeat_secs: Option<u16>,
    /// `None` for plain AMQP.
    pub tls: Option<TlsDetails>,
}
