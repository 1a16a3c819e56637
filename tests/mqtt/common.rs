#![allow(dead_code)]
//! Helpers shared by the MQTT session tests: settings for an app session on the test
//! node's MQTT listeners, and publish requests as the compose box builds them.

use amqp_tui::{
    mqtt::{self, MqttOptions},
    session::{ConnectionSettings, Protocol, PublishPart, PublishRequest},
    tls::TlsMode,
};

use crate::support::{self, Broker};

/// A topic level no other test uses (no `/`, `.`, `+` or `#` in it).
pub fn unique(tag: &str) -> String {
    format!("{tag}-{}-{}", std::process::id(), support::unique_suffix())
}

/// An MQTT session over plain TCP, subscribed to `filters` at `qos`.
pub fn plain(broker: &Broker, filters: &[String], qos: u8) -> ConnectionSettings {
    ConnectionSettings {
        protocol: Protocol::Mqtt,
        host: "127.0.0.1".into(),
        port: broker.mqtt_port(),
        heartbeat_secs: 30,
        mqtt: MqttOptions {
            subscriptions: filters.to_vec(),
            qos,
            ..MqttOptions::default()
        },
        ..ConnectionSettings::default()
    }
}

/// The same over TLS with `mode`; `localhost` is the name the server certificate carries.
pub fn tls(broker: &Broker, filters: &[String], qos: u8, mode: TlsMode) -> ConnectionSettings {
    ConnectionSettings {
        host: "localhost".into(),
        port: broker.mqtts_port(),
        tls: mode,
        ..plain(broker, filters, qos)
    }
}

pub fn verified(broker: &Broker) -> TlsMode {
    TlsMode::Verify {
        ca_file: Some(broker.ca()),
    }
}

/// A publish to `topic` as the compose box sends it on an MQTT tab.
pub fn publish(id: u64, topic: &str, body: &[u8], qos: u8, retain: bool) -> PublishRequest {
    PublishRequest {
        id,
        exchange: mqtt::MQTT_EXCHANGE.into(),
        routing_key: mqtt::topic::to_routing_key(topic),
        body: body.to_vec(),
        properties: Default::default(),
        copies: 1,
        confirm: qos > 0,
        part: PublishPart::Mqtt {
            topic: topic.into(),
            qos,
            retain,
        },
    }
}
