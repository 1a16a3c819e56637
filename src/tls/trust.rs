//! A session's TLS trust, loaded once per attempt: the CA file (or the system store, or
//! nothing when verification is off), the client certificate, and the words that name them.
//! Every protocol connects through [`Trust`], so each means the same by "verified".

use std::time::Duration;

use tokio::net::TcpStream;
use tokio_native_tls::native_tls::{Certificate, TlsConnector};

use super::{
    CertificateInfo, TlsMode,
    client_cert::{self, ClientIdentity},
    connector,
};
use crate::session::{ConnectError, ConnectionSettings, Protocol};

#[derive(Clone)]
pub struct Trust {
    pub mode: TlsMode,
    pub ca: Option<Certificate>,
    pub client: Option<ClientIdentity>,
}

/// What one TCP (and TLS) connection found out about the server.
#[derive(Clone, Debug, Default)]
pub struct Dialed {
    pub peer_addr: Option<String>,
    pub server_certificate: Option<CertificateInfo>,
}

impl Trust {
    /// Reads the CA file and the client certificate up front, so a bad path fails with a
    /// message about the file, not about a handshake.
    pub fn load(settings: &ConnectionSettings) -> Result<Self, ConnectError> {
        let tls_on = settings.tls != TlsMode::Off;
        let ca = match &settings.tls {
            TlsMode::Verify {
                ca_file: Some(path),
            } => Some(connector::load_ca(path)?),
            _ => None,
        };
        let client = match &settings.client_cert {
            Some(files) if tls_on => Some(client_cert::load(files)?),
            _ => None,
        };
        Ok(Self {
            mode: settings.tls.clone(),
            ca,
            client,
        })
    }

    pub fn is_on(&self) -> bool {
        self.mode != TlsMode::Off
    }

    /// Whether a client certificate is presented: the broker's alerts about one only mean
    /// "your certificate" if there was one.
    pub fn presents_client_cert(&self) -> bool {
        self.client.is_some()
    }

    pub fn client_subject(&self) -> Option<String> {
        self.client.as_ref().map(|c| c.subject.clone())
    }

    /// "the CA in ca.pem" or "the system trust store", for messages.
    pub fn trusted(&self) -> String {
        match &self.mode {
            TlsMode::Verify {
                ca_file: Some(path),
            } => format!("the CA in {}", path.display()),
            _ => "the system trust store".to_string(),
        }
    }

    /// A connector for one attempt (native-tls builders cannot be cloned).
    pub fn connector(&self) -> Result<TlsConnector, ConnectError> {
        connector::connector_builder(&self.mode, self.ca.as_ref(), self.client.as_ref())
            .build()
            .map_err(|err| ConnectError::TlsHandshake {
                detail: err.to_string(),
            })
    }

    /// The cause of a failed handshake (or of a connection that died right after one),
    /// from the TLS library's words.
    pub fn classify(
        &self,
        detail: &str,
        protocol: Protocol,
        host: &str,
        addr: &str,
    ) -> ConnectError {
        connector::classify_handshake(
            detail,
            protocol,
            host,
            addr,
            &self.trusted(),
            self.presents_client_cert(),
        )
    }

    /// Connects to `host:port` over TCP and, when TLS is on, shakes hands as the session
    /// will, then hangs up. For clients that keep the socket to themselves (rumqttc), this
    /// is how the session learns the peer, the server's certificate and the precise cause
    /// of a refused handshake, in the same words as every other protocol.
    pub async fn dial(
        &self,
        protocol: Protocol,
        host: &str,
        port: u16,
        addr: &str,
        limit: Duration,
    ) -> Result<Dialed, ConnectError> {
        let attempt = async {
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            let tcp = TcpStream::connect((bare, port))
                .await
                .map_err(|err| ConnectError::from_io(&err, protocol, host, addr))?;
            let peer_addr = tcp.peer_addr().ok().map(|a| a.to_string());
            if !self.is_on() {
                return Ok(Dialed {
                    peer_addr,
                    server_certificate: None,
                });
            }
            let connector = tokio_native_tls::TlsConnector::from(self.connector()?);
            let stream = connector
                .connect(bare, tcp)
                .await
                .map_err(|err| self.classify(&err.to_string(), protocol, bare, addr))?;
            let server_certificate = stream
                .get_ref()
                .peer_certificate()
                .ok()
                .flatten()
                .and_then(|cert| cert.to_der().ok())
                .and_then(|der| CertificateInfo::from_der(&der));
            Ok(Dialed {
                peer_addr,
                server_certificate,
            })
        };
        match tokio::time::timeout(limit, attempt).await {
            Ok(result) => result,
            Err(_) => Err(ConnectError::Timeout {
                addr: addr.into(),
                secs: limit.as_secs(),
            }),
        }
    }
}
