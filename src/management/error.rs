//! Why the management API could not be read, in words the user can act on. No message
//! carries a password: URLs are shown without one and bodies are never echoed whole.

use crate::session::ConnectError;

/// Why a refresh failed as a whole (one endpoint refused is `Topology::not_permitted`).
#[derive(Debug, thiserror::Error)]
pub enum ManagementError {
    #[error(
        "Management API at {url}: connection refused. Is the management plugin enabled? Enable it with `rabbitmq-plugins enable rabbitmq_management`; it listens on port 15672 (15671 with TLS) unless management.tcp.port says otherwise."
    )]
    Refused { url: String },
    #[error("Management API at {url}: cannot connect ({detail}). Check the host and port.")]
    Unreachable { url: String, detail: String },
    #[error(
        "Management API at {url}: no complete answer within {secs} s. Check the URL, and whether a proxy or firewall holds the connection."
    )]
    Timeout { url: String, secs: u64 },
    #[error("Management API at {url}: {source}")]
    Tls {
        url: String,
        #[source]
        source: ConnectError,
    },
    #[error(
        "Management API at {url}: the port did not answer with TLS. Is it the plain HTTP port? Use http:// there, or the TLS port (15671 by default)."
    )]
    NotTls { url: String },
    #[error(
        "Management API at {url}: 401, wrong user or password for '{user}'. Check the management user and password (or the session's, which are used when none are given)."
    )]
    Unauthorized { url: String, user: String },
    #[error(
        "Management API at {url}: user '{user}' may log in but not use the management API: it lacks the management tag. Give it one with `rabbitmqctl set_user_tags {user} management`, or use another user."
    )]
    NotManagementUser { url: String, user: String },
    #[error(
        "Management API at {url}: user '{user}' may not read vhost '{vhost}'. Grant it with `rabbitmqctl set_permissions -p {vhost} {user} '' '' '.*'`, or pick another vhost."
    )]
    VhostNotPermitted {
        url: String,
        user: String,
        vhost: String,
    },
    #[error(
        "Management API at {url}: user '{user}' may not switch tracing: observing routes needs the administrator tag (`rabbitmqctl set_user_tags {user} administrator`), or a management user and password of an administrator on the form."
    )]
    NotAdministrator { url: String, user: String },
    #[error(
        "Management API at {url}: vhost '{vhost}' does not exist. Check its name (`rabbitmqctl list_vhosts`)."
    )]
    VhostNotFound { url: String, vhost: String },
    #[error(
        "Management API at {url}{endpoint}: the answer is not JSON (status {status}, {content_type}), so this is not RabbitMQ's management API; a proxy or a login page? It begins: {preview}"
    )]
    NotJson {
        url: String,
        endpoint: String,
        status: u16,
        content_type: String,
        preview: String,
    },
    #[error(
        "Management API at {url}{endpoint}: the answer is larger than {limit_mib} MiB and was refused. Ask about a smaller vhost, or raise the limit."
    )]
    TooLarge {
        url: String,
        endpoint: String,
        limit_mib: usize,
    },
    #[error("Management API at {url}{endpoint}: the broker answered {status}{reason}.")]
    Status {
        url: String,
        endpoint: String,
        status: u16,
        reason: String,
    },
    #[error("Management API at {url}{endpoint}: cannot read the answer: {detail}.")]
    Decode {
        url: String,
        endpoint: String,
        detail: String,
    },
    /// Anything else, already worded for the user.
    #[error("{0}")]
    Other(String),
}
