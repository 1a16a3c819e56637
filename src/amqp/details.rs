//! What an operator wants to know about an open connection: who answered, and how the
//! link is protected. Filled in by the worker when a connection opens.

use super::settings::Security;

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsDetails {
    /// Negotiated protocol version, when the TLS library exposes it. Always `None` with
    /// native-tls 0.2: its `TlsStream` keeps the OpenSSL `SslStream` private and offers only
    /// the peer certificate, ALPN and channel binding, not the version or cipher.
    pub protocol: Option<String>,
    /// Negotiated cipher suite, when the TLS library exposes it. `None` for the same reason.
    pub cipher: Option<String>,
    /// Whether and against what the server was verified.
    pub security: Security,
    /// The certificate the server presented (also when verification was off).
    pub server_certificate: Option<CertificateInfo>,
    /// Subject of the client certificate we presented, if any.
    pub client_certificate: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    /// DNS names and IP addresses, as `DNS:localhost`, `IP:127.0.0.1`.
    pub subject_alt_names: Vec<String>,
    /// RFC 3339 / ISO 8601 UTC, e.g. `2026-11-24T21:00:00Z`.
    pub not_before: String,
    pub not_after: String,
    /// Uppercase hex pairs separated by colons, as `openssl x509 -fingerprint -sha256` prints it.
    pub sha256_fingerprint: String,
}
