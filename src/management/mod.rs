//! The broker's management HTTP API: a small client of our own on `reqwest` (native-tls,
//! the session's trust settings) with lenient `serde` structs, since fields vary by broker
//! version. Runs in background tasks; results reach the UI as actions.
//!
//! The contract the broker view is written against; filled in by its own work.

use crate::{session::ConnectionSettings, topology::Topology};

/// Where and as whom to ask: resolved from a session's settings (its management URL, or
/// the default for its host and TLS; its user and password unless others are given).
#[derive(Clone)]
pub struct ManagementTarget {
    _private: (),
}

impl ManagementTarget {
    /// Resolves the target, or says which field is wrong and what to do.
    pub fn from_settings(_settings: &ConnectionSettings) -> Result<Self, String> {
        todo!("management target")
    }

    /// The URL as shown to the user: never with a password.
    pub fn display_url(&self) -> String {
        todo!("management target")
    }
}

/// Why a refresh failed as a whole (one endpoint refused is `Topology::not_permitted`).
#[derive(Debug, thiserror::Error)]
pub enum ManagementError {
    #[error("{0}")]
    Other(String),
}

/// Reads the vhost's exchanges, queues, bindings and policies (and the overview).
pub async fn fetch_topology(
    _target: &ManagementTarget,
    _vhost: &str,
) -> Result<Topology, ManagementError> {
    todo!("fetch the topology")
}
