//! Opening a STOMP connection: the transport (TCP, TLS through the shared trust, or a
//! WebSocket for Web-STOMP), CONNECT and CONNECTED, and a SUBSCRIBE per destination, each
//! confirmed by a RECEIPT; every failure as the app's [`ConnectError`].

use std::time::Duration;

use tokio::net::TcpStream;
use tokio_tungstenite::{
    Connector, MaybeTlsStream,
    tungstenite::{self, client::IntoClientRequest, protocol::WebSocketConfig},
};

use super::{
    Command, Destination, Frame, FrameError, Item, Limits,
    wire::{Io, Wire, WireError},
};
use crate::{
    session::{ConnectError, ConnectionDetails, ConnectionSettings, Protocol},
    tls::{CertificateInfo, TlsDetails, trust::Trust},
};

/// The subprotocol Web-STOMP picks STOMP 1.2 by.
const SUBPROTOCOL: &str = "v12.stomp";

/// A connection that is CONNECTED and subscribed, with what serving it needs.
pub struct Opened {
    pub wire: Wire,
    pub details: ConnectionDetails,
    /// How often we must send something (a heartbeat if nothing else); `None`: never.
    pub send_every: Option<Duration>,
    /// Silence from the server for this long means the connection is dead.
    pub silence_limit: Option<Duration>,
    /// MESSAGE frames that arrived before the last subscription was confirmed.
    pub early: Vec<Frame>,
}

/// Connects, logs in and subscribes, within one bound (the same as MQTT's).
pub async fn open(settings: &ConnectionSettings) -> Result<Opened, ConnectError> {
    let destinations = checked_destinations(settings)?;
    let trust = Trust::load(settings)?;
    let limit = crate::mqtt::connect::connect_timeout(settings.heartbeat_secs);
    let addr = settings.addr();
    let attempt = async {
        let (wire, peer_addr, local_addr, server_certificate) = dial(settings, &trust).await?;
        let details = ConnectionDetails {
            peer_addr,
            local_addr,
            client_id: None,
            server: None,
            heartbeat_secs: None,
            tls: trust.is_on().then(|| TlsDetails {
                protocol: None,
                cipher: None,
                security: settings.security(),
                server_certificate,
                client_certificate: trust.client_subject(),
            }),
        };
        let mut opened = login(wire, details, settings, &trust).await?;
        subscribe(&mut opened, settings, &destinations).await?;
        Ok(opened)
    };
    match tokio::time::timeout(limit, attempt).await {
        Ok(result) => result,
        Err(_) => Err(ConnectError::Timeout {
            addr,
            secs: limit.as_secs(),
        }),
    }
}

/// Every destination parsed before anything is sent, so a typo is named as such.
fn checked_destinations(settings: &ConnectionSettings) -> Result<Vec<String>, ConnectError> {
    settings
        .stomp
        .destinations
        .iter()
        .map(|d| {
            Destination::parse(d)
                .map(|_| d.trim().to_string())
                .map_err(|err| ConnectError::InvalidName {
                    field: "Destination",
                    reason: err.to_string(),
                })
        })
        .collect()
}

/// The wire, the peer's address and ours, and the server's certificate.
type Dial = (
    Wire,
    Option<String>,
    Option<std::net::SocketAddr>,
    Option<CertificateInfo>,
);

async fn dial(settings: &ConnectionSettings, trust: &Trust) -> Result<Dial, ConnectError> {
    let protocol = settings.protocol;
    let addr = settings.addr();
    let bare = settings.host.trim_start_matches('[').trim_end_matches(']');
    let path = web_stomp_path(settings)?;
    let tcp = TcpStream::connect((bare, settings.port))
        .await
        .map_err(|err| ConnectError::from_io(&err, protocol, &settings.host, &addr))?;
    let peer_addr = tcp.peer_addr().ok().map(|a| a.to_string());
    let local_addr = tcp.local_addr().ok();
    let certificate = |tls: &native_tls::TlsStream<_>| {
        tls.peer_certificate()
            .ok()
            .flatten()
            .and_then(|cert| cert.to_der().ok())
            .and_then(|der| CertificateInfo::from_der(&der))
    };
    if let Some(path) = path {
        let scheme = if trust.is_on() { "wss" } else { "ws" };
        let url = format!("{scheme}://{addr}{path}");
        let mut request = url
            .into_client_request()
            .map_err(|err| ConnectError::InvalidName {
                field: "Web-STOMP path",
                reason: crate::text::visible(&err.to_string()),
            })?;
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            tungstenite::http::HeaderValue::from_static(SUBPROTOCOL),
        );
        let connector = if trust.is_on() {
            Connector::NativeTls(trust.connector()?)
        } else {
            Connector::Plain
        };
        // Room for the largest frame the codec takes, headers and all.
        let most = Limits::DEFAULT_MAX_BODY + 2 * Limits::DEFAULT_MAX_HEADER_LINE;
        let config = WebSocketConfig::default()
            .max_message_size(Some(most))
            .max_frame_size(Some(most));
        let (ws, _) = tokio_tungstenite::client_async_tls_with_config(
            request,
            tcp,
            Some(config),
            Some(connector),
        )
        .await
        .map_err(|err| ws_handshake_error(err, settings, trust, path))?;
        let server_certificate = match ws.get_ref() {
            MaybeTlsStream::NativeTls(tls) => certificate(tls.get_ref()),
            _ => None,
        };
        return Ok((
            Wire::websocket(ws),
            peer_addr,
            local_addr,
            server_certificate,
        ));
    }
    if !trust.is_on() {
        return Ok((Wire::stream(Box::new(tcp)), peer_addr, local_addr, None));
    }
    let connector = tokio_native_tls::TlsConnector::from(trust.connector()?);
    let tls = connector
        .connect(bare, tcp)
        .await
        .map_err(|err| trust.classify(&err.to_string(), protocol, bare, &addr))?;
    let server_certificate = certificate(tls.get_ref());
    let io: Box<dyn Io> = Box::new(tls);
    Ok((Wire::stream(io), peer_addr, local_addr, server_certificate))
}

/// The Web-STOMP endpoint, `None` for plain STOMP. SockJS at `/stomp` (the broker guide's
/// examples) is gone since RabbitMQ 3.7: say so instead of a bare HTTP 404.
fn web_stomp_path(settings: &ConnectionSettings) -> Result<Option<String>, ConnectError> {
    if settings.protocol != Protocol::WebStomp {
        return Ok(None);
    }
    let path = settings.stomp.ws_path.trim();
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    if path == "/stomp" || path.starts_with("/stomp/") {
        return Err(ConnectError::WebStompSockJsPath { path });
    }
    Ok(Some(path))
}

fn ws_handshake_error(
    err: tungstenite::Error,
    settings: &ConnectionSettings,
    trust: &Trust,
    path: String,
) -> ConnectError {
    let addr = settings.addr();
    let protocol = settings.protocol;
    match err {
        tungstenite::Error::Tls(tls) => {
            let bare = settings.host.trim_start_matches('[').trim_end_matches(']');
            trust.classify(&tls.to_string(), protocol, bare, &addr)
        }
        tungstenite::Error::Http(response) => ConnectError::InvalidName {
            field: "Web-STOMP path",
            reason: format!(
                "{addr} answered HTTP {} for '{}': RabbitMQ's Web-STOMP endpoint is /ws",
                response.status(),
                crate::text::visible(&path)
            ),
        },
        tungstenite::Error::Io(io) => {
            crate::tls::connector::classify_alert(&io.to_string(), trust.presents_client_cert())
                .unwrap_or_else(|| ConnectError::from_io(&io, protocol, &settings.host, &addr))
        }
        // The port closed the connection or answered with something that is not HTTP.
        _ => ConnectError::HandshakeClosed { addr, protocol },
    }
}

/// RabbitMQ unescapes CONNECT's header values although STOMP 1.2 says not to, so a
/// backslash must be sent doubled to arrive as one.
fn connect_value(value: &str) -> String {
    value.replace('\\', "\\\\")
}

async fn login(
    mut wire: Wire,
    mut details: ConnectionDetails,
    settings: &ConnectionSettings,
    trust: &Trust,
) -> Result<Opened, ConnectError> {
    let ms = u64::from(settings.heartbeat_secs) * 1000;
    // Over Web-STOMP we do not offer to send heart-beats, so RabbitMQ starts no monitor
    // of us: in 3.10's Web-STOMP handler, credit flow that starts blocking and lets go
    // before a SEND is held resumes a monitor it never paused; the monitor crashes and
    // takes the connection with it (seen in the publish bench: `{unexpected_message,
    // resume}` in the node's log, thousands of receipts in). We still watch the
    // server's heart-beats, and keep the socket busy every WS_KEEPALIVE (an EOL is
    // allowed at any time). Plain STOMP's monitor crashes the same way, harmlessly.
    let offer_ms = if settings.protocol == Protocol::WebStomp {
        0
    } else {
        ms
    };
    let connect = Frame::new(Command::Connect)
        .with_header("accept-version", "1.2")
        .with_header("host", connect_value(&settings.vhost))
        .with_header("login", connect_value(&settings.user))
        .with_header("passcode", connect_value(&settings.password))
        .with_header("heart-beat", format!("{offer_ms},{ms}"));
    let early = |err: WireError| before_connected(err, settings, trust);
    wire.send(Item::Frame(connect)).await.map_err(early)?;
    let connected = loop {
        match wire.recv().await {
            None => {
                return Err(ConnectError::HandshakeClosed {
                    addr: settings.addr(),
                    protocol: settings.protocol,
                });
            }
            Some(Err(err)) => return Err(early(err)),
            Some(Ok(Item::Heartbeat)) => {}
            Some(Ok(Item::Frame(frame))) if frame.command == Command::Connected => break frame,
            Some(Ok(Item::Frame(frame))) if frame.command == Command::Error => {
                return Err(refused_login(&frame, settings));
            }
            Some(Ok(Item::Frame(frame))) => {
                return Err(ConnectError::Closed {
                    detail: format!("the server answered CONNECT with {}", frame.command),
                });
            }
        }
    };
    details.server = connected.header("server").map(crate::text::visible);
    let (sx, sy) = heart_beat(connected.header("heart-beat"));
    // STOMP 1.2 "Heart-beating": each side's interval is the larger of what one can do
    // and the other wants, when both want one at all.
    let send_ms = (offer_ms > 0 && sy > 0).then(|| offer_ms.max(sy));
    let expect_ms = (sx > 0 && ms > 0).then(|| sx.max(ms));
    // The details name the interval the broker watches us by, or, over Web-STOMP where
    // it does not, the one we watch it by.
    let shown_ms = match settings.protocol {
        Protocol::WebStomp => expect_ms,
        _ => send_ms,
    };
    details.heartbeat_secs =
        Some(shown_ms.map_or(0, |m| u16::try_from(m / 1000).unwrap_or(u16::MAX)));
    // RabbitMQ's Web-STOMP closes a WebSocket that stays silent for 60 s (its cowboy
    // idle_timeout), whatever STOMP heart-beats were agreed: the demo's Web-STOMP tabs
    // reconnected every minute. Something goes out at least every WS_KEEPALIVE there.
    let send_every = match (settings.protocol, send_ms.map(Duration::from_millis)) {
        (Protocol::WebStomp, Some(every)) => Some(every.min(WS_KEEPALIVE)),
        (Protocol::WebStomp, None) => Some(WS_KEEPALIVE),
        (_, every) => every,
    };
    Ok(Opened {
        wire,
        details,
        send_every,
        silence_limit: expect_ms.map(|m| Duration::from_millis(2 * m)),
        early: Vec::new(),
    })
}

/// `heart-beat:sx,sy`; missing or unreadable means none.
/// Well inside Web-STOMP's 60 s idle timeout, rare enough to cost nothing.
const WS_KEEPALIVE: Duration = Duration::from_secs(20);

fn heart_beat(header: Option<&str>) -> (u64, u64) {
    let Some((x, y)) = header.and_then(|h| h.split_once(',')) else {
        return (0, 0);
    };
    (x.trim().parse().unwrap_or(0), y.trim().parse().unwrap_or(0))
}

/// A transport failure before CONNECTED: most often the wrong port, or TLS off where the
/// port expects it (the TLS listener drops what is not a handshake).
fn before_connected(err: WireError, settings: &ConnectionSettings, trust: &Trust) -> ConnectError {
    let closed = ConnectError::HandshakeClosed {
        addr: settings.addr(),
        protocol: settings.protocol,
    };
    match err {
        WireError::Frame(FrameError::UnknownCommand { .. } | FrameError::Truncated) => closed,
        WireError::Frame(other) => ConnectError::Closed {
            detail: other.to_string(),
        },
        WireError::Io(detail) => {
            crate::tls::connector::classify_alert(&detail, trust.presents_client_cert())
                .unwrap_or(closed)
        }
    }
}

/// The broker's ERROR in answer to CONNECT, in RabbitMQ's words (checked on 3.10.8).
fn refused_login(frame: &Frame, settings: &ConnectionSettings) -> ConnectError {
    let body = crate::text::visible(String::from_utf8_lossy(&frame.body).trim());
    if body.contains("Access refused for user") {
        ConnectError::AccessRefused {
            user: settings.user.clone(),
        }
    } else if body.contains("Virtual host") && body.contains("access denied") {
        ConnectError::StompVhostRefused {
            vhost: settings.vhost.clone(),
            user: settings.user.clone(),
            reason: body,
        }
    } else {
        stomp_error(frame)
    }
}

/// An ERROR frame as the user reads it: its `message` header and body, made safe.
pub fn stomp_error(frame: &Frame) -> ConnectError {
    let (message, detail) = error_parts(frame);
    ConnectError::StompError { message, detail }
}

/// An ERROR frame's `message` header and body, made safe to show.
fn error_parts(frame: &Frame) -> (String, String) {
    (
        crate::text::visible(frame.header("message").unwrap_or("(no message header)")),
        crate::text::visible(String::from_utf8_lossy(&frame.body).trim()),
    )
}

/// A SUBSCRIBE per destination, each with a receipt: RabbitMQ answers a refused one (an
/// `/amq/queue/` of a missing queue) with an ERROR before that receipt, so it is known
/// before serving starts.
async fn subscribe(
    opened: &mut Opened,
    settings: &ConnectionSettings,
    destinations: &[String],
) -> Result<(), ConnectError> {
    let wire = &mut opened.wire;
    let lost = |err: WireError| ConnectError::Closed {
        detail: err.to_string(),
    };
    for (i, destination) in destinations.iter().enumerate() {
        let mut frame = Frame::new(Command::Subscribe)
            .with_header("id", subscription_id(i))
            .with_header("destination", destination.as_str())
            .with_header("ack", super::WIRE_ACK);
        if settings.prefetch > 0 {
            frame = frame.with_header("prefetch-count", settings.prefetch.to_string());
        }
        frame = frame.with_header("receipt", subscription_id(i));
        wire.feed(Item::Frame(frame)).await.map_err(lost)?;
    }
    wire.flush().await.map_err(lost)?;
    let mut confirmed = 0;
    while confirmed < destinations.len() {
        let pending = &destinations[confirmed];
        let refused = |reason: String| ConnectError::DestinationRefused {
            destination: pending.clone(),
            reason,
        };
        match wire.recv().await {
            None => {
                return Err(refused(
                    "the broker closed the connection instead of confirming it (over Web-STOMP RabbitMQ does that in place of an ERROR frame)".into(),
                ));
            }
            Some(Err(err)) => return Err(refused(err.to_string())),
            Some(Ok(Item::Heartbeat)) => {}
            Some(Ok(Item::Frame(frame))) => match frame.command {
                Command::Receipt
                    if frame.header("receipt-id") == Some(&subscription_id(confirmed)) =>
                {
                    confirmed += 1;
                }
                Command::Message => opened.early.push(frame),
                Command::Error => {
                    let (message, detail) = error_parts(&frame);
                    return Err(refused(format!("{message}: {detail}")));
                }
                _ => {}
            },
        }
    }
    Ok(())
}

/// The id of the `i`th subscription: MESSAGE frames name it, and so does the app.
pub fn subscription_id(i: usize) -> String {
    format!("sub-{i}")
}
