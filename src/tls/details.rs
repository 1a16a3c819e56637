//! What the TLS handshake told us: the protocol, the cipher, the certificates.

use super::Security;

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
