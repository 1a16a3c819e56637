//! TLS trust for every protocol: which certificates to trust (a CA file alone, the system
//! store, or nothing, when the user says so), the client certificate, TLS 1.2 at least, and
//! what the server presented. Every protocol builds its connector here, so "verified
//! against ca.pem" means exactly the same for AMQP as for MQTT.

pub mod certificate;
pub mod client_cert;
pub mod connector;
pub mod details;
pub mod trust;

use std::path::PathBuf;

use crate::session::Protocol;

pub use details::{CertificateInfo, TlsDetails};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsMode {
    Off,
    /// Verify the chain and host name against `ca_file`, or the system store when `None`.
    Verify {
        ca_file: Option<PathBuf>,
    },
    /// Accept any certificate: the user asked for it explicitly.
    NoVerify,
}

/// A client certificate and its key (PEM files), for brokers that require mutual TLS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientCert {
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
}

/// How the connection is protected, as the status bar must state it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Security {
    Plain,
    TlsVerified { ca_file: Option<PathBuf> },
    TlsNotVerified,
}

impl Security {
    /// As the status bar states it, after the protocol: `MQTT · TLS, server verified
    /// against ca.pem`.
    pub fn label_for(&self, protocol: Protocol) -> String {
        format!("{} · {}", protocol.label(), self.label())
    }

    /// The protection alone.
    pub fn label(&self) -> String {
        match self {
            Self::Plain => "plain".into(),
            Self::TlsVerified { ca_file: Some(ca) } => {
                format!("TLS, server verified against {}", ca.display())
            }
            Self::TlsVerified { ca_file: None } => {
                "TLS, server verified against the system trust store".into()
            }
            Self::TlsNotVerified => "TLS, NOT VERIFIED".into(),
        }
    }
}
