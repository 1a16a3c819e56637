//! The protocols a session can speak: the one place that lists them.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// AMQP 0-9-1, through lapin.
    #[default]
    Amqp,
    /// MQTT 3.1.1, through rumqttc: RabbitMQ 3.10 speaks no MQTT 5.
    Mqtt,
    /// STOMP 1.2 over TCP or TLS, with the codec in `stomp/`.
    Stomp,
    /// STOMP 1.2 inside WebSocket messages (RabbitMQ's Web-STOMP plugin), same codec.
    #[serde(rename = "web-stomp")]
    WebStomp,
}

impl Protocol {
    pub const ALL: [Protocol; 4] = [Self::Amqp, Self::Mqtt, Self::Stomp, Self::WebStomp];

    /// As the status bar, the tab bar and `--list-profiles` name it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Amqp => "AMQP",
            Self::Mqtt => "MQTT",
            Self::Stomp => "STOMP",
            Self::WebStomp => "Web-STOMP",
        }
    }

    /// As profiles and the command line spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Amqp => "amqp",
            Self::Mqtt => "mqtt",
            Self::Stomp => "stomp",
            Self::WebStomp => "web-stomp",
        }
    }

    /// The broker's port for this protocol, plain or over TLS (the guide's ports).
    pub fn default_port(self, tls: bool) -> u16 {
        match (self, tls) {
            (Self::Amqp, false) => 5672,
            (Self::Amqp, true) => 5671,
            (Self::Mqtt, false) => 1883,
            (Self::Mqtt, true) => 8883,
            (Self::Stomp, false) => 61613,
            (Self::Stomp, true) => 61614,
            (Self::WebStomp, false) => 15674,
            (Self::WebStomp, true) => 15673,
        }
    }

    /// Where the protocol listens, for messages about a refused connection.
    pub fn port_hint(self) -> &'static str {
        match self {
            Self::Amqp => "AMQP uses 5672, AMQPS 5671",
            Self::Mqtt => "MQTT uses 1883, MQTT over TLS 8883",
            Self::Stomp => "STOMP uses 61613, STOMP over TLS 61614",
            Self::WebStomp => "Web-STOMP uses 15674 (ws://), over TLS 15673 (wss://)",
        }
    }

    /// The URI scheme, plain or over TLS.
    pub fn scheme(self, tls: bool) -> &'static str {
        match (self, tls) {
            (Self::Amqp, false) => "amqp",
            (Self::Amqp, true) => "amqps",
            (Self::Mqtt, false) => "mqtt",
            (Self::Mqtt, true) => "mqtts",
            (Self::Stomp, false) => "stomp",
            (Self::Stomp, true) => "stomps",
            (Self::WebStomp, false) => "ws",
            (Self::WebStomp, true) => "wss",
        }
    }

    /// The protocol and whether it uses TLS, for a URI scheme (any case).
    pub fn from_scheme(scheme: &str) -> Option<(Self, bool)> {
        Self::ALL.into_iter().find_map(|protocol| {
            [false, true]
                .into_iter()
                .find(|tls| protocol.scheme(*tls).eq_ignore_ascii_case(scheme))
                .map(|tls| (protocol, tls))
        })
    }

    /// Every scheme, for messages that list what is accepted.
    pub fn schemes() -> String {
        let all: Vec<String> = Self::ALL
            .into_iter()
            .flat_map(|p| [p.scheme(false), p.scheme(true)])
            .map(|s| format!("{s}://"))
            .collect();
        all.join(", ")
    }

    pub fn next(self) -> Self {
        crate::session::cycle(&Self::ALL, self, 1)
    }

    pub fn prev(self) -> Self {
        crate::session::cycle(&Self::ALL, self, -1)
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl std::str::FromStr for Protocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|p| p.as_str()).collect();
                format!("unknown protocol '{s}': use {}", names.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scheme_names_its_protocol_and_tls() {
        for protocol in Protocol::ALL {
            for tls in [false, true] {
                let scheme = protocol.scheme(tls).to_uppercase();
                assert_eq!(Protocol::from_scheme(&scheme), Some((protocol, tls)));
            }
        }
        assert_eq!(Protocol::from_scheme("http"), None);
        assert_eq!(
            Protocol::schemes(),
            "amqp://, amqps://, mqtt://, mqtts://, stomp://, stomps://, ws://, wss://"
        );
    }
}
