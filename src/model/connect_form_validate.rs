//! The connection form's validation: the settings it describes, or the first field that
//! is wrong and why. Only the fields that apply to the form as it is now are checked.

use std::path::PathBuf;

use super::{ConnectForm, Field};
use crate::{
    amqp::{Routing, Source},
    mqtt::MqttOptions,
    session::{ConnectionSettings, ManagementSettings, Protocol},
    stomp::{Destination, StompOptions},
    tls::{ClientCert, TlsMode},
};

impl ConnectForm {
    /// [`Self::validate`] with the environment passed in, for tests.
    pub fn validate_with(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<ConnectionSettings, (Field, String)> {
        let host = self.value(Field::Host).trim();
        if host.is_empty() {
            return Err((
                Field::Host,
                "Host is empty: type the broker's host name or address, e.g. localhost.".into(),
            ));
        }
        let port_text = self.value(Field::Port).trim();
        let port = match port_text.parse::<u16>() {
            Ok(p) if p > 0 => p,
            _ => {
                return Err((
                    Field::Port,
                    format!(
                        "Port '{port_text}' is not a number from 1 to 65535 ({}).",
                        self.protocol.port_hint()
                    ),
                ));
            }
        };
        let endpoints = crate::session::endpoint::parse_list(host, port).map_err(|why| {
            let mut why = why;
            // "host 2 of 3 …" and "the host …" open a sentence.
            why = why.strip_prefix("the ").map_or(why.clone(), str::to_string);
            (
                Field::Host,
                format!("{}{}.", why[..1].to_uppercase(), &why[1..]),
            )
        })?;
        let vhost = self.value(Field::Vhost);
        if vhost.is_empty() {
            return Err((
                Field::Vhost,
                "Virtual host is empty: use / for the default virtual host.".into(),
            ));
        }
        if self.value(Field::User).is_empty() {
            return Err((
                Field::User,
                "User is empty: type the user to log in as (guest on a fresh broker).".into(),
            ));
        }
        let heartbeat_text = self.value(Field::Heartbeat).trim();
        let Ok(heartbeat_secs) = heartbeat_text.parse::<u16>() else {
            return Err((
                Field::Heartbeat,
                format!(
                    "Heartbeat '{heartbeat_text}' is not a number of seconds from 0 to 65535 (0 turns heartbeats off)."
                ),
            ));
        };
        if vhost.len() > 255 {
            return Err((
                Field::Vhost,
                format!(
                    "Virtual host is {} bytes long: AMQP names are at most 255 bytes.",
                    vhost.len()
                ),
            ));
        }
        let (routing, mqtt, stomp) = match self.protocol {
            Protocol::Amqp => (
                self.routing()?,
                MqttOptions::default(),
                StompOptions::default(),
            ),
            Protocol::Mqtt => (
                Routing::default(),
                self.mqtt_options()?,
                StompOptions::default(),
            ),
            Protocol::Stomp | Protocol::WebStomp => (
                Routing::default(),
                MqttOptions::default(),
                self.stomp_options()?,
            ),
        };
        let prefetch = if self.applies(Field::Prefetch) {
            self.typed_prefetch()?
        } else {
            self.prefetch
        };
        let password = self.password(env)?;
        let client_cert = if self.applies(Field::ClientCert) {
            self.client_cert()?
        } else {
            None
        };
        let ca_text = self.value(Field::CaFile).trim();
        let tls = match (self.tls, self.verify) {
            (false, _) => TlsMode::Off,
            (true, false) => TlsMode::NoVerify,
            (true, true) => TlsMode::Verify {
                ca_file: (!ca_text.is_empty()).then(|| PathBuf::from(ca_text)),
            },
        };
        Ok(ConnectionSettings {
            protocol: self.protocol,
            host: endpoints[0].host.clone(),
            port: endpoints[0].port,
            failover: endpoints[1..].to_vec(),
            shuffle: self.shuffle,
            vhost: vhost.to_string(),
            user: self.value(Field::User).to_string(),
            password,
            tls,
            client_cert,
            heartbeat_secs,
            prefetch,
            routing,
            mqtt,
            stomp,
            management: self.management()?,
        })
    }

    /// What an AMQP session declares, binds and consumes.
    fn routing(&self) -> Result<Routing, (Field, String)> {
        for field in [Field::Exchange, Field::Queue, Field::RoutingKey] {
            let len = self.value(field).len();
            if len > 255 {
                return Err((
                    field,
                    format!(
                        "{} is {len} bytes long: AMQP names are at most 255 bytes.",
                        field.label()
                    ),
                ));
            }
        }
        match self.source {
            Source::Queue if self.value(Field::Queue).is_empty() => {
                return Err((
                    Field::Queue,
                    "Queue is empty: type the name of the existing queue to consume.".into(),
                ));
            }
            Source::TapExchange if self.value(Field::Exchange).is_empty() => {
                return Err((
                    Field::Exchange,
                    "Exchange is empty: type the name of the existing exchange to tap (the default exchange cannot be bound to)."
                        .into(),
                ));
            }
            _ => {}
        }
        // amq.topic is a topic exchange whatever the form says: bind and explain as one.
        let exchange_type = crate::amqp::exchange_types::effective_type(
            self.value(Field::Exchange),
            self.exchange_type,
        );
        let binding = crate::routing::parse_binding(exchange_type, self.value(Field::RoutingKey))
            .map_err(|reason| (Field::RoutingKey, format!("Binding key: {reason}")))?;
        Ok(Routing {
            source: self.source,
            exchange: self.value(Field::Exchange).to_string(),
            exchange_type,
            queue: self.value(Field::Queue).to_string(),
            bindings: vec![binding],
            ack: self.ack,
        })
    }

    /// What an MQTT session subscribes to, and as whom.
    fn mqtt_options(&self) -> Result<MqttOptions, (Field, String)> {
        let text = self.value(Field::Topics);
        let subscriptions: Vec<String> = text
            .split([',', ' '])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        if subscriptions.is_empty() {
            return Err((
                Field::Topics,
                "Subscribe to is empty: give one or more topic filters, separated by commas (test/#, sensors/+/temp).".into(),
            ));
        }
        for filter in &subscriptions {
            crate::mqtt::topic::check_filter(filter).map_err(|problem| {
                (
                    Field::Topics,
                    format!(
                        "Subscribe to: topic filter '{}' {problem}.",
                        crate::text::visible(filter)
                    ),
                )
            })?;
        }
        let client_id = self.value(Field::ClientId).trim().to_string();
        if client_id.len() > 65_535 {
            return Err((
                Field::ClientId,
                format!(
                    "Client id is {} bytes long: MQTT allows at most 65535.",
                    client_id.len()
                ),
            ));
        }
        if client_id.is_empty() && !self.clean_session {
            return Err((
                Field::ClientId,
                "Client id is empty: a session the broker keeps (clean session off) needs a client id to find it again.".into(),
            ));
        }
        Ok(MqttOptions {
            client_id,
            clean_session: self.clean_session,
            subscriptions,
            qos: self.qos,
            publish_topic: self.publish_topic.clone(),
        })
    }

    /// What a STOMP or Web-STOMP session subscribes to, and how it settles.
    fn stomp_options(&self) -> Result<StompOptions, (Field, String)> {
        let destinations: Vec<String> = self
            .value(Field::Destinations)
            .split([',', ' '])
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string)
            .collect();
        if destinations.is_empty() {
            return Err((
                Field::Destinations,
                "Subscribe to is empty: give one or more destinations, separated by commas (/exchange/testEx/test, /topic/test.#, /queue/NAME, /amq/queue/NAME).".into(),
            ));
        }
        for destination in &destinations {
            Destination::parse(destination).map_err(|why| {
                (
                    Field::Destinations,
                    format!("Subscribe to: {}.", crate::text::visible(&why.to_string())),
                )
            })?;
        }
        let ws_path = self.value(Field::WsPath).trim().to_string();
        if self.applies(Field::WsPath) {
            check_ws_path(&ws_path).map_err(|why| (Field::WsPath, why))?;
        }
        Ok(StompOptions {
            destinations,
            ack: self.stomp_ack,
            publish_destination: self.publish_destination.clone(),
            ws_path,
        })
    }

    /// STOMP's `prefetch-count`, typed on the form.
    fn typed_prefetch(&self) -> Result<u16, (Field, String)> {
        let text = self.value(Field::Prefetch).trim();
        match text.parse::<u16>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err((
                Field::Prefetch,
                format!(
                    "Prefetch '{}' is not a number from 1 to 65535: the messages the broker may send before they are acknowledged (256 is a good start).",
                    crate::text::visible(text)
                ),
            )),
        }
    }

    /// The typed password wins; else the variable named by "Password from env var".
    fn password(&self, env: impl Fn(&str) -> Option<String>) -> Result<String, (Field, String)> {
        let typed = self.value(Field::Password);
        let var = self.value(Field::PasswordEnv).trim();
        if !typed.is_empty() || var.is_empty() {
            return Ok(typed.to_string());
        }
        env(var).ok_or_else(|| {
            (
                Field::PasswordEnv,
                format!(
                    "Password from env var: {var} is not set in amqp-tui's environment. Export it before starting amqp-tui, or type the password."
                ),
            )
        })
    }

    /// The management API as typed: an empty URL stands for the session's default (see
    /// [`crate::session::default_management_url`]); a typed one must be http(s).
    fn management(&self) -> Result<ManagementSettings, (Field, String)> {
        let url = self.value(Field::ManagementUrl).trim();
        let scheme_ok = ["http://", "https://"].iter().any(|scheme| {
            url.len() > scheme.len()
                && url
                    .get(..scheme.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
        });
        if crate::session::uri::take_password(url).is_some() {
            return Err((
                Field::ManagementUrl,
                "Management URL holds a password, which would be shown and saved with the URL: leave it out of the URL and type it in Management password.".into(),
            ));
        }
        if !url.is_empty() && !scheme_ok {
            return Err((
                Field::ManagementUrl,
                format!(
                    "Management URL '{}' is not an http:// or https:// URL: type one like {}, or leave it empty for that default.",
                    crate::text::visible(&crate::session::uri::redacted(url)),
                    crate::session::default_management_url(
                        self.value(Field::Host).trim(),
                        self.tls
                    )
                ),
            ));
        }
        Ok(ManagementSettings {
            url: url.to_string(),
            user: self.value(Field::ManagementUser).trim().to_string(),
            password: self.value(Field::ManagementPassword).to_string(),
        })
    }

    fn client_cert(&self) -> Result<Option<ClientCert>, (Field, String)> {
        let cert = self.value(Field::ClientCert).trim();
        let key = self.value(Field::ClientKey).trim();
        match (cert.is_empty(), key.is_empty()) {
            (true, true) => Ok(None),
            (false, true) => Err((
                Field::ClientKey,
                "Client key is empty: a client certificate needs its private key (a PEM file)."
                    .into(),
            )),
            (true, false) => Err((
                Field::ClientCert,
                "Client certificate is empty: type the PEM certificate that goes with the key."
                    .into(),
            )),
            (false, false) => Ok(Some(ClientCert {
                cert_file: PathBuf::from(cert),
                key_file: PathBuf::from(key),
            })),
        }
    }
}

/// Web-STOMP's endpoint path: absolute, and not the SockJS endpoint RabbitMQ dropped.
pub(crate) fn check_ws_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!(
            "Endpoint path '{}' does not start with '/': RabbitMQ's Web-STOMP endpoint is {}.",
            crate::text::visible(path),
            crate::stomp::WEB_STOMP_PATH
        ));
    }
    if path.trim_end_matches('/') == "/stomp" {
        return Err(format!(
            "Endpoint path /stomp is the SockJS endpoint RabbitMQ removed in 3.7: use {}.",
            crate::stomp::WEB_STOMP_PATH
        ));
    }
    Ok(())
}
