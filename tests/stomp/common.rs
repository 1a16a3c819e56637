#![allow(dead_code)]
//! Helpers shared by the STOMP session tests: settings for an app session on the test
//! node's STOMP and Web-STOMP listeners, publish requests as the compose box builds them,
//! and a fake server for the hostile-server tests.

use amqp_tui::{
    session::{ConnectionSettings, Protocol, PublishPart, PublishRequest},
    stomp::{AckMode, Destination, StompOptions},
    tls::TlsMode,
};

use crate::support::{self, Broker};

/// A routing-key word no other test uses (no `.`, `*`, `#` or `/` in it).
pub fn unique(tag: &str) -> String {
    format!("{tag}-{}-{}", std::process::id(), support::unique_suffix())
}

/// Which listener a session uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Stomp,
    WebStomp,
}

pub const BOTH: [Via; 2] = [Via::Stomp, Via::WebStomp];

/// A plain session as guest, subscribed to `destinations`.
pub fn plain(broker: &Broker, via: Via, destinations: &[String]) -> ConnectionSettings {
    let (protocol, port) = match via {
        Via::Stomp => (Protocol::Stomp, broker.stomp_port()),
        Via::WebStomp => (Protocol::WebStomp, broker.web_stomp_port()),
    };
    ConnectionSettings {
        protocol,
        host: "127.0.0.1".into(),
        port,
        heartbeat_secs: 10,
        prefetch: 50,
        stomp: StompOptions {
            destinations: destinations.to_vec(),
            ..StompOptions::default()
        },
        ..ConnectionSettings::default()
    }
}

/// The same over TLS with `mode`; `localhost` is the name the server certificate carries.
pub fn tls(
    broker: &Broker,
    via: Via,
    destinations: &[String],
    mode: TlsMode,
) -> ConnectionSettings {
    let port = match via {
        Via::Stomp => broker.stomps_port(),
        Via::WebStomp => broker.web_stomps_port(),
    };
    ConnectionSettings {
        host: "localhost".into(),
        port,
        tls: mode,
        ..plain(broker, via, destinations)
    }
}

pub fn verified(broker: &Broker) -> TlsMode {
    TlsMode::Verify {
        ca_file: Some(broker.ca()),
    }
}

pub fn client_acks(mut settings: ConnectionSettings) -> ConnectionSettings {
    settings.stomp.ack = AckMode::ClientIndividual;
    settings
}

/// A SEND to `destination` as the compose box builds it, with a receipt when `confirm`.
pub fn publish(id: u64, destination: &str, body: &[u8], copies: u32) -> PublishRequest {
    let (exchange, routing_key) = Destination::parse(destination)
        .expect("a valid destination")
        .routing();
    PublishRequest {
        id,
        exchange,
        routing_key,
        body: body.to_vec(),
        properties: Default::default(),
        copies,
        confirm: true,
        part: PublishPart::Stomp {
            destination: destination.into(),
        },
    }
}
