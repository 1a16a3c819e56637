//! Opening a connection: TCP, optional TLS with our own trust rules, AMQP login.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lapin::{AsyncTcpStream, Connection, ConnectionProperties, types::LongString, uri::AMQPScheme};

use super::{
    details::{ConnectionDetails, TlsDetails},
    error::{ConnectError, Context, Stage},
    settings::{ConnectionSettings, TlsMode},
    tls,
};

/// lapin ignores `connection_timeout` on the async path, so we bound the attempt ourselves.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn open(
    settings: &ConnectionSettings,
) -> Result<(Connection, ConnectionDetails), ConnectError> {
    let ca = match &settings.tls {
        TlsMode::Verify {
            ca_file: Some(path),
        } => Some(tls::load_ca(path)?),
        _ => None,
    };
    let trusted = match &settings.tls {
        TlsMode::Verify {
            ca_file: Some(path),
        } => format!("the CA in {}", path.display()),
        _ => "the system trust store".to_string(),
    };
    let addr = settings.addr();
    // The connect function runs inside lapin; it leaves the precise TLS cause here because
    // lapin flattens it into an io::Error.
    let tls_failure: Arc<Mutex<Option<ConnectError>>> = Arc::default();
    let failure_slot = Arc::clone(&tls_failure);
    let mode = settings.tls.clone();
    let addr_for_tls = addr.clone();

    let connect = async move |uri: lapin::uri::AMQPUri, runtime| {
        let host = uri.authority.host.clone();
        let addrs =
            async_rs::Runtime::to_socket_addrs(&runtime, (host.clone(), uri.authority.port));
        let stream = AsyncTcpStream::connect(&runtime, addrs).await?;
        if uri.scheme != AMQPScheme::AMQPS {
            return Ok(stream);
        }
        let builder = tls::connector_builder(&mode, ca.as_ref());
        stream.into_native_tls(builder, &host).await.map_err(|err| {
            let cause = tls::classify_handshake(&err.to_string(), &host, &addr_for_tls, &trusted);
            if let Ok(mut slot) = failure_slot.lock() {
                *slot = Some(cause);
            }
            lapin::Error::from(err)
        })
    };

    let properties = ConnectionProperties::default()
        // Operators find the session in rabbitmqctl or the management UI by what it watches.
        .with_connection_name(LongString::from(connection_name(settings)))
        // One try per attempt: the worker owns the retry schedule and the user sees each failure.
        .configure_backoff(|b| b.with_max_times(0));
    let runtime = lapin::runtime::default_runtime().map_err(|err| ConnectError::Closed {
        detail: err.to_string(),
    })?;
    let attempt = Connection::connector(settings.amqp_uri(), runtime, connect, properties);
    let cx = Context::new(settings);
    match tokio::time::timeout(CONNECT_TIMEOUT, attempt).await {
        Ok(Ok(conn)) => {
            let details = ConnectionDetails {
                heartbeat_secs: Some(conn.configuration().heartbeat()),
                tls: (settings.tls != TlsMode::Off).then(|| TlsDetails {
                    protocol: None,
                    cipher: None,
                    security: settings.security(),
                    server_certificate: None,
                    client_certificate: None,
                }),
                ..ConnectionDetails::default()
            };
            Ok((conn, details))
        }
        Ok(Err(err)) => {
            let tls_cause = tls_failure.lock().ok().and_then(|mut slot| slot.take());
            Err(tls_cause.unwrap_or_else(|| ConnectError::from_lapin(&err, Stage::Connect, &cx)))
        }
        Err(_) => Err(ConnectError::Timeout {
            addr,
            secs: CONNECT_TIMEOUT.as_secs(),
        }),
    }
}

fn connection_name(settings: &ConnectionSettings) -> String {
    let routing = &settings.routing;
    format!("amqp-tui {}/{}", routing.exchange, routing.binding_key)
}
