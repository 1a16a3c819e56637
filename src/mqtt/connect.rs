//! Opening an MQTT connection: rumqttc's options from the session's settings, TLS through
//! the shared trust module, and rumqttc's errors as the app's [`ConnectError`]s.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use rumqttc::{
    AsyncClient, ConnectReturnCode, ConnectionError, EventLoop, MqttOptions, StateError,
    TlsConfiguration, Transport,
};

use crate::{
    session::{ConnectError, ConnectionSettings},
    tls::trust::{Dialed, Trust},
};

/// Largest packet either way. rumqttc's default is 10 KiB, which would refuse most real
/// payloads; this bounds what one packet can make us allocate.
pub const MAX_PACKET_BYTES: usize = 16 << 20;
/// Requests rumqttc queues between the worker and the socket.
const REQUEST_CAPACITY: usize = 64;
/// QoS 1 publishes written and not yet acknowledged, at most.
pub const INFLIGHT: u16 = 100;

/// Like AMQP's: two heartbeat (keep-alive) intervals, at least 5 s and at most 10 s.
pub fn connect_timeout(keep_alive: u16) -> Duration {
    let secs = match keep_alive {
        0 => 10,
        k => (2 * u64::from(k)).clamp(5, 10),
    };
    Duration::from_secs(secs)
}

/// RabbitMQ's convention for the virtual host: a user name of `vhost:user`. The default
/// vhost needs no prefix, unless the user name itself holds a colon.
pub fn user_name(vhost: &str, user: &str) -> String {
    if vhost == "/" && !user.contains(':') {
        user.to_string()
    } else {
        format!("{vhost}:{user}")
    }
}

/// A client id for a session that was not given one: unique enough that two tabs (or two
/// copies of the app) do not kick each other off, which RabbitMQ does to a duplicate id.
/// The process id tells copies of the app on one host apart, a counter the ids of one
/// process (whatever seed its callers pass: every session's first connection has the
/// same epoch), and `seed` (random, or the clock) copies on different hosts.
pub fn generated_client_id(seed: u64) -> String {
    static MADE: AtomicU64 = AtomicU64::new(0);
    let n = MADE.fetch_add(1, Ordering::Relaxed);
    format!(
        "amqp-tui-{:x}-{n:x}-{:x}",
        std::process::id(),
        seed & 0xffff_ffff
    )
}

/// A seed for [`generated_client_id`] when no random one is at hand: the clock.
pub fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()) ^ d.as_secs())
}

/// A client and its event loop for one connection attempt, after a TCP (and TLS) dial
/// that learned the peer and certificate and classified any handshake failure.
pub async fn open(
    settings: &ConnectionSettings,
    client_id: &str,
) -> Result<(AsyncClient, EventLoop, Dialed, Trust), ConnectError> {
    let trust = Trust::load(settings)?;
    let addr = settings.addr();
    let limit = connect_timeout(settings.heartbeat_secs);
    let dialed = trust
        .dial(
            settings.protocol,
            &settings.host,
            settings.port,
            &addr,
            limit,
        )
        .await?;
    let host = settings.host.trim_start_matches('[').trim_end_matches(']');
    let mut options = MqttOptions::new(client_id, host, settings.port);
    options
        .set_credentials(
            user_name(&settings.vhost, &settings.user),
            settings.password.clone(),
        )
        .set_keep_alive(Duration::from_secs(u64::from(settings.heartbeat_secs)))
        .set_clean_session(settings.mqtt.clean_session)
        .set_max_packet_size(MAX_PACKET_BYTES, MAX_PACKET_BYTES)
        .set_inflight(INFLIGHT)
        // A QoS 1 delivery is acknowledged once it is handed to the app, not on arrival:
        // what the worker still holds when the app stops stays with the broker (for a
        // kept session) instead of being acknowledged and lost.
        .set_manual_acks(true);
    if trust.is_on() {
        let connector = trust.connector()?;
        options.set_transport(Transport::tls_with_config(
            TlsConfiguration::NativeConnector(connector),
        ));
    }
    let (client, mut eventloop) = AsyncClient::new(options, REQUEST_CAPACITY);
    eventloop
        .network_options
        .set_connection_timeout(limit.as_secs());
    Ok((client, eventloop, dialed, trust))
}

/// What went wrong, in the words the form and the notices use for every protocol.
pub fn classify(
    err: &ConnectionError,
    settings: &ConnectionSettings,
    trust: &Trust,
    connected: bool,
) -> ConnectError {
    let addr = settings.addr();
    let protocol = settings.protocol;
    match err {
        ConnectionError::ConnectionRefused(code) => match code {
            ConnectReturnCode::BadUserNamePassword | ConnectReturnCode::NotAuthorized => {
                if settings.vhost == "/" {
                    ConnectError::AccessRefused {
                        user: settings.user.clone(),
                    }
                } else {
                    // RabbitMQ answers the same for a wrong password and a vhost the user
                    // cannot reach: name both.
                    ConnectError::VhostOrLoginRefused {
                        vhost: settings.vhost.clone(),
                        user: settings.user.clone(),
                    }
                }
            }
            ConnectReturnCode::BadClientId => ConnectError::ClientIdRefused {
                client_id: settings.mqtt.client_id.clone(),
            },
            ConnectReturnCode::RefusedProtocolVersion => ConnectError::Closed {
                detail: "the broker refused MQTT 3.1.1 (CONNACK: unacceptable protocol version)"
                    .into(),
            },
            other => ConnectError::Closed {
                detail: format!("the broker refused the connection (CONNACK: {other:?})"),
            },
        },
        ConnectionError::NetworkTimeout | ConnectionError::FlushTimeout => ConnectError::Timeout {
            addr,
            secs: connect_timeout(settings.heartbeat_secs).as_secs(),
        },
        ConnectionError::Tls(tls) => {
            trust.classify(&tls.to_string(), protocol, &settings.host, &addr)
        }
        ConnectionError::Io(io) | ConnectionError::MqttState(StateError::Io(io)) => {
            let text = io.to_string();
            if let Some(cause) =
                crate::tls::connector::classify_alert(&text, trust.presents_client_cert())
            {
                return cause;
            }
            if connected {
                ConnectError::Io { detail: text }
            } else {
                ConnectError::from_io(io, protocol, &settings.host, &addr)
            }
        }
        ConnectionError::MqttState(StateError::AwaitPingResp) => ConnectError::HeartbeatMissed {
            secs: 2 * u64::from(settings.heartbeat_secs),
        },
        ConnectionError::MqttState(StateError::ConnectionAborted) if !connected => {
            ConnectError::HandshakeClosed { addr, protocol }
        }
        ConnectionError::MqttState(StateError::ConnectionAborted) => ConnectError::Closed {
            detail: "the broker closed the connection".into(),
        },
        // rumqttc drops the connection over it: the message cannot reach us at all.
        ConnectionError::MqttState(StateError::Deserialization(
            rumqttc::Error::PayloadSizeLimitExceeded(size),
        )) => ConnectError::Closed {
            detail: format!(
                "a message of {size} bytes arrived, more than the {} MiB an MQTT packet may hold here, so the connection had to be dropped. With a clean session RabbitMQ discards it; without one it offers it again on every reconnect, and the subscription must be cleared (connect once with clean session on)",
                MAX_PACKET_BYTES >> 20
            ),
        },
        ConnectionError::NotConnAck(packet) => ConnectError::Closed {
            detail: format!("the broker answered CONNECT with {packet:?}, not CONNACK"),
        },
        other => ConnectError::Closed {
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vhost_rides_in_the_user_name() {
        assert_eq!(user_name("/", "guest"), "guest");
        assert_eq!(user_name("orders", "ops"), "orders:ops");
        // A colon in the user would be read as the separator: say the vhost explicitly.
        assert_eq!(user_name("/", "a:b"), "/:a:b");
    }

    #[test]
    fn generated_client_ids_differ_even_for_one_seed() {
        let (a, b) = (generated_client_id(1), generated_client_id(1));
        assert_ne!(a, b);
        assert!(a.starts_with("amqp-tui-"), "{a}");
    }

    #[test]
    fn the_connect_timeout_follows_the_keep_alive() {
        assert_eq!(connect_timeout(0).as_secs(), 10);
        assert_eq!(connect_timeout(1).as_secs(), 5);
        assert_eq!(connect_timeout(4).as_secs(), 8);
        assert_eq!(connect_timeout(60).as_secs(), 10);
    }
}
