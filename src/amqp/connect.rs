//! Opening a connection: TCP, optional TLS with our own trust rules, AMQP login.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_rs::TokioRuntime;
use lapin::{
    AsyncTcpStream, Connection, ConnectionProperties,
    types::LongString,
    uri::{AMQPAuthority, AMQPQueryString, AMQPScheme, AMQPUri, AMQPUserInfo},
};

use super::error::Context;
use crate::{
    session::{
        ConnectionDetails, ConnectionSettings,
        error::{ConnectError, Stage},
    },
    tls::{CertificateInfo, TlsDetails, TlsMode, client_cert, connector, trust::Trust},
};

/// lapin ignores `connection_timeout` on the async path, so we bound the attempt ourselves:
/// two heartbeat intervals, the silence the user told us means dead (a hung broker accepts
/// TCP in its kernel and then never answers). But never under 5 s, which leaves a slow
/// link or a busy broker time for the handshake's round trips (TCP, TLS with a client
/// certificate, AMQP start/tune/open), and never over the 10 s allowed with heartbeats off.
fn connect_timeout(heartbeat_secs: u16) -> Duration {
    const FLOOR: u64 = 5;
    const CEILING: u64 = 10;
    let secs = match heartbeat_secs {
        0 => CEILING,
        h => (2 * u64::from(h)).clamp(FLOOR, CEILING),
    };
    Duration::from_secs(secs)
}

/// The stream lapin's default (tokio) runtime works with.
type Stream = AsyncTcpStream<<TokioRuntime as async_rs::traits::Reactor>::TcpStream>;

/// What the connect function learned about the link; lapin keeps the stream to itself.
#[derive(Default)]
struct Dialed {
    peer_addr: Option<String>,
    local_addr: Option<std::net::SocketAddr>,
    server_certificate: Option<CertificateInfo>,
}

/// Written by the connect function, read once the AMQP handshake is over. lapin calls the
/// function again for every attempt, so each run overwrites what the previous one left.
type Slot<T> = Arc<Mutex<Option<T>>>;

fn put<T>(slot: &Slot<T>, value: T) {
    // A poisoned slot only loses the details, never the connection.
    if let Ok(mut slot) = slot.lock() {
        *slot = Some(value);
    }
}

fn take<T>(slot: &Slot<T>) -> Option<T> {
    slot.lock().ok().and_then(|mut slot| slot.take())
}

/// One connection attempt, logged: the target (never the password) and the outcome.
pub async fn open(
    settings: &ConnectionSettings,
) -> Result<(Connection, ConnectionDetails), ConnectError> {
    let target = settings.display_target();
    tracing::info!(%target, security = %settings.security().label_for(settings.protocol), "connecting");
    let result = attempt(settings).await;
    match &result {
        Ok((_, details)) => tracing::info!(
            %target,
            peer = details.peer_addr.as_deref().unwrap_or("?"),
            "connected"
        ),
        Err(error) => tracing::warn!(%target, %error, "connect failed"),
    }
    result
}

async fn attempt(
    settings: &ConnectionSettings,
) -> Result<(Connection, ConnectionDetails), ConnectError> {
    let trust = Trust::load(settings)?;
    let tls_on = trust.is_on();
    let presented = trust.presents_client_cert();
    let client_subject = trust.client_subject();
    let addr = settings.addr();
    // The connect function runs inside lapin; it leaves the precise TLS cause here because
    // lapin flattens it into an io::Error.
    let tls_failure: Slot<ConnectError> = Arc::default();
    let failure_slot = Arc::clone(&tls_failure);
    let dialed: Slot<Dialed> = Arc::default();
    let dialed_slot = Arc::clone(&dialed);
    let addr_for_tls = addr.clone();
    let protocol = settings.protocol;
    // For the second opinion on a failure; the connect function owns the original.
    let probe_trust = trust.clone();

    let connect = async move |uri: AMQPUri, runtime: TokioRuntime| {
        if let Ok(mut slot) = dialed_slot.lock() {
            slot.take();
        }
        let host = uri.authority.host.clone();
        let addrs =
            async_rs::Runtime::to_socket_addrs(&runtime, (host.clone(), uri.authority.port));
        let stream = AsyncTcpStream::connect(&runtime, addrs).await?;
        let peer_addr = peer_addr(&stream);
        let local_addr = match &stream {
            AsyncTcpStream::Plain(tcp) => tcp.get_ref().local_addr().ok(),
            _ => None,
        };
        if uri.scheme != AMQPScheme::AMQPS {
            put(
                &dialed_slot,
                Dialed {
                    peer_addr,
                    local_addr,
                    server_certificate: None,
                },
            );
            return Ok(stream);
        }
        let builder =
            connector::connector_builder(&trust.mode, trust.ca.as_ref(), trust.client.as_ref());
        let stream = stream
            .into_native_tls(builder, &host)
            .await
            .map_err(|err| {
                let cause = trust.classify(&err.to_string(), protocol, &host, &addr_for_tls);
                put(&failure_slot, cause);
                lapin::Error::from(err)
            })?;
        put(
            &dialed_slot,
            Dialed {
                peer_addr,
                local_addr,
                server_certificate: server_certificate(&stream),
            },
        );
        Ok(stream)
    };

    let properties = ConnectionProperties::default()
        // Operators find the session in rabbitmqctl or the management UI by what it watches.
        .with_connection_name(LongString::from(connection_name(settings)))
        // One try per attempt: the worker owns the retry schedule and the user sees each failure.
        .configure_backoff(|b| b.with_max_times(0));
    let runtime = lapin::runtime::default_runtime().map_err(|err| ConnectError::Closed {
        detail: err.to_string(),
    })?;
    let attempt = Connection::connector(amqp_uri(settings), runtime, connect, properties);
    let cx = Context::new(settings);
    let limit = connect_timeout(settings.heartbeat_secs);
    match tokio::time::timeout(limit, attempt).await {
        Ok(Ok(conn)) => {
            let dialed = take(&dialed).unwrap_or_default();
            let details = ConnectionDetails {
                peer_addr: dialed.peer_addr,
                local_addr: dialed.local_addr,
                client_id: None,
                // lapin 4.12 reads the broker's connection.start server properties (product,
                // version) and drops them (channel.rs, on_connection_start_received), so
                // there is nothing to show.
                server: None,
                heartbeat_secs: Some(conn.configuration().heartbeat()),
                tls: tls_on.then(|| TlsDetails {
                    protocol: None,
                    cipher: None,
                    security: settings.security(),
                    server_certificate: dialed.server_certificate,
                    client_certificate: client_subject,
                }),
            };
            Ok((conn, details))
        }
        Ok(Err(err)) => {
            if let Some(cause) = take(&tls_failure)
                // With TLS 1.3 a refused client certificate only shows once lapin reads.
                .or_else(|| connector::classify_alert(&lapin_error_chain(&err), presented))
            {
                return Err(cause);
            }
            let error = ConnectError::from_lapin(&err, Stage::Connect, &cx);
            let handshake_done = take(&dialed).is_some();
            if !(tls_on && handshake_done && matches!(error, ConnectError::HandshakeClosed { .. }))
            {
                return Err(error);
            }
            let probe = Probe {
                mode: &probe_trust.mode,
                ca: probe_trust.ca.as_ref(),
                client: probe_trust.client.as_ref(),
            };
            let verdict =
                tokio::time::timeout(PROBE_TIMEOUT, probe.client_cert_verdict(amqp_uri(settings)));
            Err(verdict.await.ok().flatten().unwrap_or(error))
        }
        Err(_) => Err(ConnectError::Timeout {
            addr,
            secs: limit.as_secs(),
        }),
    }
}

/// A TLS handshake without AMQP, to learn whether the broker refuses our client certificate.
///
/// With TLS 1.3 the server judges the client certificate after the client's side of the
/// handshake is over. Its alert then races lapin's first write (the AMQP header), and the
/// TCP reset that follows usually discards it: all we see is "connection reset". With
/// TLS 1.2 the verdict is part of the handshake itself, so when a connection dies right
/// after a successful handshake we ask again that way. It costs nothing when all is well.
struct Probe<'a> {
    mode: &'a TlsMode,
    ca: Option<&'a tokio_native_tls::native_tls::Certificate>,
    client: Option<&'a client_cert::ClientIdentity>,
}

const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

impl Probe<'_> {
    async fn client_cert_verdict(&self, uri: AMQPUri) -> Option<ConnectError> {
        let runtime = lapin::runtime::default_runtime().ok()?;
        let host = uri.authority.host.clone();
        let addrs =
            async_rs::Runtime::to_socket_addrs(&runtime, (host.clone(), uri.authority.port));
        let stream: Stream = AsyncTcpStream::connect(&runtime, addrs).await.ok()?;
        let mut builder = connector::connector_builder(self.mode, self.ca, self.client);
        builder.max_protocol_version(Some(tokio_native_tls::native_tls::Protocol::Tlsv12));
        // A broker that only speaks TLS 1.3 fails here for another reason: no verdict then.
        let err = stream.into_native_tls(builder, &host).await.err()?;
        connector::classify_alert(&err.to_string(), self.client.is_some())
    }
}

fn peer_addr(stream: &Stream) -> Option<String> {
    match stream {
        AsyncTcpStream::Plain(tcp) => tcp.get_ref().peer_addr().ok().map(|a| a.to_string()),
        _ => None,
    }
}

/// Read whether or not the certificate was verified: with verification off the operator
/// most needs to see what answered.
fn server_certificate(stream: &Stream) -> Option<CertificateInfo> {
    match stream {
        AsyncTcpStream::NativeTls(tls) => {
            let der = tls.peer_certificate().ok()??.to_der().ok()?;
            CertificateInfo::from_der(&der)
        }
        _ => None,
    }
}

/// The error and its sources in one line: the TLS alert is often a source, not the top.
fn lapin_error_chain(err: &lapin::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn connection_name(settings: &ConnectionSettings) -> String {
    let routing = &settings.routing;
    format!("amqp-tui {}/{}", routing.exchange, routing.key())
}

/// The URI lapin connects with, built field by field rather than parsed, because lapin
/// mis-parses IPv6 literals.
fn amqp_uri(settings: &ConnectionSettings) -> AMQPUri {
    AMQPUri {
        scheme: if settings.tls == TlsMode::Off {
            AMQPScheme::AMQP
        } else {
            AMQPScheme::AMQPS
        },
        authority: AMQPAuthority {
            userinfo: AMQPUserInfo {
                username: settings.user.clone(),
                password: settings.password.clone(),
            },
            host: settings
                .host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .into(),
            port: settings.port,
        },
        vhost: settings.vhost.clone(),
        query: AMQPQueryString {
            heartbeat: Some(settings.heartbeat_secs),
            ..AMQPQueryString::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::connect_timeout;

    #[test]
    fn the_connect_timeout_follows_the_heartbeat_within_bounds() {
        let secs = |h| connect_timeout(h).as_secs();
        assert_eq!(
            [secs(0), secs(1), secs(2), secs(4), secs(60)],
            [10, 5, 5, 8, 10]
        );
    }
}
