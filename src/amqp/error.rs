//! Typed connection errors: the form branches on them to point at the field at fault, and
//! their messages say what went wrong and what to do about it.

use std::{io, path::PathBuf};

use lapin::{
    ErrorKind,
    protocol::{AMQPErrorKind, AMQPHardError, AMQPSoftError},
};
use thiserror::Error;

use super::settings::ConnectionSettings;

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
    fn doing(self) -> &'static str {
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
        "Connection refused by {addr}: no broker is listening there. Check host and port (AMQP uses 5672, AMQPS 5671)."
    )]
    Refused { addr: String },
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
        "TLS handshake failed: the port did not answer with TLS. Is {addr} the plain AMQP port? TLS is usually on 5671."
    )]
    TlsNotTls { addr: String },
    #[error(
        "TLS: the server at {addr} only speaks an old TLS version (1.0 or 1.1); amqp-tui requires TLS 1.2 or newer. Enable TLS 1.2 or 1.3 on the broker (RabbitMQ: ssl_options.versions)."
    )]
    TlsTooOld { addr: String },
    #[error("TLS handshake failed: {detail}")]
    TlsHandshake { detail: String },
    #[error(
        "{addr} did not complete an AMQP handshake (it closed the connection or spoke another protocol). If it is a TLS port (usually 5671), switch TLS on; otherwise check the port."
    )]
    HandshakeClosed { addr: String },
    #[error(
        "ACCESS_REFUSED: the broker refused the login of user '{user}'. Check user and password (RabbitMQ's guest user may only log in from localhost)."
    )]
    AccessRefused { user: String },
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
}

/// Where the converted key goes in the command we suggest: next to the original, so the
/// user only has to change the key field's extension.
fn pkcs8_name(path: &std::path::Path) -> PathBuf {
    path.with_extension("pk8.pem")
}

/// What a classification needs to know about the attempt, to name names in the message.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub settings: &'a ConnectionSettings,
    /// The queue's actual name once the broker named it.
    pub queue: &'a str,
}

impl<'a> Context<'a> {
    pub fn new(settings: &'a ConnectionSettings) -> Self {
        Self {
            settings,
            queue: &settings.routing.queue,
        }
    }
}

impl ConnectError {
    pub fn from_lapin(err: &lapin::Error, stage: Stage, cx: &Context<'_>) -> Self {
        match err.kind() {
            ErrorKind::ProtocolError(amqp) => {
                let text = amqp.get_message().to_string();
                let code = amqp.get_id();
                Self::from_reply(amqp.kind(), code, text, stage, cx)
            }
            ErrorKind::IOError(io) => Self::from_io(io, stage, cx),
            // lapin gives up after two intervals without a frame.
            ErrorKind::MissingHeartbeatError => Self::HeartbeatMissed {
                secs: 2 * u64::from(cx.settings.heartbeat_secs),
            },
            // A TLS listener answers a plain AMQP header with a TLS alert: not a frame.
            ErrorKind::ParsingError(_) if stage == Stage::Connect => Self::HandshakeClosed {
                addr: cx.settings.addr(),
            },
            ErrorKind::InvalidConnectionState(_) | ErrorKind::InvalidChannelState(..)
                if stage == Stage::Connect =>
            {
                Self::HandshakeClosed {
                    addr: cx.settings.addr(),
                }
            }
            _ => Self::Closed {
                detail: err.to_string(),
            },
        }
    }

    fn from_reply(
        kind: &AMQPErrorKind,
        code: u16,
        text: String,
        stage: Stage,
        cx: &Context<'_>,
    ) -> Self {
        match (kind, stage) {
            (AMQPErrorKind::Soft(AMQPSoftError::ACCESSREFUSED), Stage::Connect) => {
                Self::AccessRefused {
                    user: cx.settings.user.clone(),
                }
            }
            (AMQPErrorKind::Hard(AMQPHardError::NOTALLOWED), Stage::Connect) => {
                Self::VhostNotAllowed {
                    vhost: cx.settings.vhost.clone(),
                    user: cx.settings.user.clone(),
                }
            }
            (AMQPErrorKind::Soft(AMQPSoftError::PRECONDITIONFAILED), Stage::DeclareExchange) => {
                Self::ExchangeMismatch {
                    exchange: cx.settings.routing.exchange.clone(),
                    detail: text,
                }
            }
            (AMQPErrorKind::Soft(AMQPSoftError::PRECONDITIONFAILED), Stage::DeclareQueue) => {
                Self::QueueMismatch {
                    queue: cx.queue.into(),
                    detail: text,
                }
            }
            (AMQPErrorKind::Soft(AMQPSoftError::RESOURCELOCKED), _) => Self::QueueLocked {
                queue: cx.queue.into(),
            },
            (
                AMQPErrorKind::Soft(AMQPSoftError::NOTFOUND),
                Stage::DeclareExchange | Stage::Bind,
            ) => Self::ExchangeNotFound {
                exchange: cx.settings.routing.exchange.clone(),
                detail: text,
            },
            // Only a passive declare (an existing queue to consume) can miss it.
            (AMQPErrorKind::Soft(AMQPSoftError::NOTFOUND), Stage::DeclareQueue) => {
                Self::QueueNotFound {
                    queue: cx.queue.into(),
                }
            }
            _ => Self::Broker {
                code,
                text,
                doing: stage.doing(),
            },
        }
    }

    pub fn from_io(io: &io::Error, stage: Stage, cx: &Context<'_>) -> Self {
        match io.kind() {
            io::ErrorKind::ConnectionRefused => Self::Refused {
                addr: cx.settings.addr(),
            },
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
                if stage == Stage::Connect =>
            {
                Self::HandshakeClosed {
                    addr: cx.settings.addr(),
                }
            }
            _ if io.to_string().contains("lookup") || io.to_string().contains("resolve") => {
                Self::UnknownHost {
                    host: cx.settings.host.clone(),
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
        !matches!(
            self,
            Self::Refused { .. }
                | Self::Timeout { .. }
                | Self::HandshakeClosed { .. }
                | Self::HeartbeatMissed { .. }
                | Self::Io { .. }
                | Self::Closed { .. }
                | Self::UnknownHost { .. }
        )
    }
}

/// The broker's own words for a refusal ("NOT_FOUND - no exchange 'x' in vhost '/'"),
/// or lapin's description of anything else.
pub fn describe(err: &lapin::Error) -> String {
    match err.kind() {
        ErrorKind::ProtocolError(amqp) => amqp.get_message().to_string(),
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ConnectionSettings {
        ConnectionSettings::default()
    }

    #[test]
    fn refused_tcp_names_the_address() {
        let io = io::Error::from(io::ErrorKind::ConnectionRefused);
        let err = ConnectError::from_io(&io, Stage::Connect, &Context::new(&settings()));
        assert_eq!(
            err,
            ConnectError::Refused {
                addr: "localhost:5672".into()
            }
        );
        assert!(err.to_string().contains("localhost:5672"));
        assert!(!err.needs_user(), "a broker that is down may come back");
    }

    #[test]
    fn access_refused_at_login_is_about_credentials_but_on_declare_is_permission() {
        let kind = AMQPErrorKind::Soft(AMQPSoftError::ACCESSREFUSED);
        let login = ConnectError::from_reply(
            &kind,
            403,
            "x".into(),
            Stage::Connect,
            &Context::new(&settings()),
        );
        assert!(matches!(login, ConnectError::AccessRefused { .. }));
        let declare = ConnectError::from_reply(
            &kind,
            403,
            "reserved".into(),
            Stage::DeclareExchange,
            &Context::new(&settings()),
        );
        assert!(matches!(declare, ConnectError::Broker { code: 403, .. }));
        assert!(declare.to_string().contains("declaring the exchange"));
    }

    #[test]
    fn a_dropped_connection_says_connection_lost_once() {
        let io = io::Error::from_raw_os_error(104);
        let error = ConnectError::from_io(&io, Stage::Consume, &Context::new(&settings()));
        let mut model = crate::model::Model::default();
        crate::update::update(&mut model, crate::action::Action::Connect);
        let session = model.tab().session;
        let event = crate::amqp::AmqpEvent::ConnectionLost {
            error,
            retry_in: std::time::Duration::from_secs(1),
            attempt: 1,
        };
        crate::update::update(
            &mut model,
            crate::action::Action::Broker(crate::amqp::SessionEvent { session, event }),
        );
        let notice = model.tab().notice.as_ref().map(|n| n.text.as_str());
        assert_eq!(
            notice,
            Some(
                "Connection lost: The network connection failed: Connection reset by peer (os \
                 error 104). Reconnecting in 1 s (attempt 1)."
            )
        );
    }
}
