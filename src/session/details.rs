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
    /// Negotiated heartbeat in seconds (0 = off).
    pub heartbeat_secs: Option<u16>,
    /// `None` for plain AMQP.
    pub tls: Option<TlsDetails>,
}
