//! Connection profiles: named sets of connection and routing settings kept in
//! `profiles.toml` in the user's config directory.
//!
//! Pure parts (the [`Profile`] type, name rules, list edits, the text encoding) are
//! separate from [`ProfileStore`], which does the file I/O, so `update` can edit a list
//! without touching the disk and the app saves it afterwards.

mod edit;
mod error;
mod file;
mod list;
mod merge;
mod store;

use std::{ffi::OsString, fmt, path::PathBuf};

use serde::{Deserialize, Serialize};

use crate::amqp::{
    AckMode, ExchangeType, Source, settings::DEFAULT_HEARTBEAT_SECS, settings::DEFAULT_PORT,
    settings::DEFAULT_PREFETCH,
};
use crate::session::Protocol;

/// What an MQTT session subscribes to and publishes to unless told otherwise.
pub const DEFAULT_TOPIC_FILTER: &str = "test/#";
pub const DEFAULT_PUBLISH_TOPIC: &str = "test/any";

pub use edit::{MAX_NAME_CHARS, delete, duplicate, rename, upsert, validate_name};
pub use error::{CONFIG_DIR_ENV, ProfileError};
pub use file::{FILE_NAME, FORMAT_VERSION};
pub use list::{list_text, url as display_url};
pub use store::{Loaded, ProfileStore, SaveOutcome};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
// `default`: a hand-written file may leave out anything but the name. `deny_unknown_fields`:
// a typo like `prot = 5672` must be reported, not silently replaced by the default.
#[serde(default, deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    /// A file written before MQTT existed has none, and loads as AMQP.
    pub protocol: Protocol,
    pub host: String,
    pub port: u16,
    /// The other nodes of the same cluster (`host:port`), tried after `host:port`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failover: Vec<crate::session::Endpoint>,
    /// Try the nodes in a shuffled order rather than as listed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub shuffle: bool,
    pub vhost: String,
    pub user: String,
    /// Written only when `remember_password` is true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    pub remember_password: bool,
    /// Name of an environment variable holding the password, read on connect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    pub tls: bool,
    pub verify: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_cert: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_key: Option<PathBuf>,
    pub heartbeat: u16,
    pub prefetch: u16,
    pub exchange: String,
    pub exchange_type: ExchangeType,
    pub queue: String,
    pub routing_key: String,
    pub source: Source,
    pub ack: AckMode,
    /// MQTT: the client id; empty means one is generated when connecting.
    pub client_id: String,
    /// MQTT: start without the broker's state for this client id.
    pub clean_session: bool,
    /// MQTT: the topic filters subscribed to.
    pub topics: Vec<String>,
    /// MQTT: the QoS of the subscriptions and of the compose box's publishes (0 or 1).
    pub qos: u8,
    /// MQTT: the compose box's topic.
    pub publish_topic: String,
    /// STOMP and Web-STOMP: the destinations subscribed to.
    pub destinations: Vec<String>,
    /// STOMP and Web-STOMP: `auto` or `client-individual`. Not `ack`, which is AMQP's
    /// (`manual`, `peek`…) in files written before STOMP existed.
    pub stomp_ack: crate::stomp::AckMode,
    /// STOMP and Web-STOMP: the compose box's destination.
    pub publish_destination: String,
    /// Web-STOMP: the endpoint path on the server.
    pub ws_path: String,
    /// The broker view's management API; empty: the session's default URL.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub management_url: String,
    /// Empty: the session's user.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub management_user: String,
    /// Written only when `remember_password` is true, like `password`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub management_password: Option<String>,
}

impl Default for Profile {
    // Mirrors `ConnectionSettings::default()`, except that no password is stored.
    fn default() -> Self {
        Self {
            name: String::new(),
            protocol: Protocol::Amqp,
            host: "localhost".into(),
            port: DEFAULT_PORT,
            failover: Vec::new(),
            shuffle: false,
            vhost: "/".into(),
            user: "guest".into(),
            password: None,
            remember_password: false,
            password_env: None,
            tls: false,
            verify: true,
            ca_file: None,
            client_cert: None,
            client_key: None,
            heartbeat: DEFAULT_HEARTBEAT_SECS,
            prefetch: DEFAULT_PREFETCH,
            exchange: "testEx".into(),
            exchange_type: ExchangeType::Direct,
            queue: String::new(),
            routing_key: "test".into(),
            source: Source::Declare,
            ack: AckMode::Manual,
            client_id: String::new(),
            clean_session: true,
            topics: vec![DEFAULT_TOPIC_FILTER.into()],
            qos: 1,
            publish_topic: DEFAULT_PUBLISH_TOPIC.into(),
            destinations: vec![crate::stomp::DEFAULT_DESTINATION.into()],
            stomp_ack: crate::stomp::AckMode::Auto,
            publish_destination: crate::stomp::DEFAULT_DESTINATION.into(),
            ws_path: crate::stomp::WEB_STOMP_PATH.into(),
            management_url: String::new(),
            management_user: String::new(),
            management_password: None,
        }
    }
}

// Hand-written so a password can never reach a log or a panic message through `{:?}`.
impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("protocol", &self.protocol)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("failover", &self.failover)
            .field("shuffle", &self.shuffle)
            .field("vhost", &self.vhost)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("remember_password", &self.remember_password)
            .field("password_env", &self.password_env)
            .field("tls", &self.tls)
            .field("verify", &self.verify)
            .field("ca_file", &self.ca_file)
            .field("client_cert", &self.client_cert)
            .field("client_key", &self.client_key)
            .field("heartbeat", &self.heartbeat)
            .field("prefetch", &self.prefetch)
            .field("exchange", &self.exchange)
            .field("exchange_type", &self.exchange_type)
            .field("queue", &self.queue)
            .field("routing_key", &self.routing_key)
            .field("source", &self.source)
            .field("ack", &self.ack)
            .field("client_id", &self.client_id)
            .field("clean_session", &self.clean_session)
            .field("topics", &self.topics)
            .field("qos", &self.qos)
            .field("publish_topic", &self.publish_topic)
            .field("destinations", &self.destinations)
            .field("stomp_ack", &self.stomp_ack)
            .field("publish_destination", &self.publish_destination)
            .field("ws_path", &self.ws_path)
            .field(
                "management_url",
                &crate::session::uri::redacted(&self.management_url),
            )
            .field("management_user", &self.management_user)
            .field(
                "management_password",
                &self.management_password.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl Profile {
    /// Every node the profile connects to: `host:port` first, then the failover list.
    pub fn endpoints(&self) -> Vec<crate::session::Endpoint> {
        let first = crate::session::Endpoint::new(self.host.clone(), self.port);
        std::iter::once(first)
            .chain(self.failover.iter().cloned())
            .collect()
    }
}

/// Where `profiles.toml` lives: `$AMQP_TUI_CONFIG_DIR` when set and non-empty, otherwise
/// the platform config directory (`~/.config/amqp-tui` on Linux).
pub fn config_dir() -> Result<PathBuf, ProfileError> {
    let platform_dir = directories::ProjectDirs::from("", "", "amqp-tui")
        .map(|dirs| dirs.config_dir().to_path_buf());
    config_dir_from(std::env::var_os(CONFIG_DIR_ENV), platform_dir)
}

// Separate from `config_dir` so tests need not set process-global environment variables
// while other tests run in parallel.
fn config_dir_from(
    env_value: Option<OsString>,
    platform_dir: Option<PathBuf>,
) -> Result<PathBuf, ProfileError> {
    match env_value {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => platform_dir.ok_or(ProfileError::NoConfigDir),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::ConnectionSettings;

    #[test]
    fn defaults_match_the_connection_defaults() {
        let profile = Profile::default();
        let settings = ConnectionSettings::default();
        assert_eq!(profile.host, settings.host);
        assert_eq!(profile.port, settings.port);
        assert_eq!(profile.vhost, settings.vhost);
        assert_eq!(profile.user, settings.user);
        assert_eq!(profile.heartbeat, settings.heartbeat_secs);
        assert_eq!(profile.prefetch, settings.prefetch);
        assert_eq!(profile.exchange, settings.routing.exchange);
        assert_eq!(profile.exchange_type, settings.routing.exchange_type);
        assert_eq!(profile.queue, settings.routing.queue);
        assert_eq!(profile.routing_key, settings.routing.key());
        assert_eq!(profile.password, None);
        assert!(!profile.tls && profile.verify && !profile.remember_password);
    }

    #[test]
    fn debug_redacts_the_password() {
        let profile = Profile {
            password: Some("hunter2-secret".into()),
            ..Profile::default()
        };
        let shown = format!("{profile:?}");
        assert!(!shown.contains("hunter2-secret"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(format!("{:?}", Profile::default()).contains("password: None"));
    }

    #[test]
    fn config_dir_prefers_the_environment_variable() {
        let platform = Some(PathBuf::from("/home/u/.config/amqp-tui"));
        assert_eq!(
            config_dir_from(Some("/tmp/custom".into()), platform.clone()),
            Ok(PathBuf::from("/tmp/custom"))
        );
        // Set but empty counts as unset, as shells make it easy to export an empty value.
        assert_eq!(
            config_dir_from(Some("".into()), platform.clone()),
            Ok(PathBuf::from("/home/u/.config/amqp-tui"))
        );
        assert_eq!(
            config_dir_from(None, platform),
            Ok(PathBuf::from("/home/u/.config/amqp-tui"))
        );
    }

    #[test]
    fn no_config_dir_tells_the_user_what_to_set() {
        let err = config_dir_from(None, None).expect_err("no HOME, no variable");
        assert_eq!(err, ProfileError::NoConfigDir);
        assert!(err.to_string().contains(CONFIG_DIR_ENV), "{err}");
    }
}
