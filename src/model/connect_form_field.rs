//! The connection form's fields: which protocol shows each, its label and its kind.

use crate::session::{Protocol, cycle};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Protocol,
    Host,
    Port,
    Vhost,
    User,
    Password,
    RememberPassword,
    PasswordEnv,
    Tls,
    CaFile,
    Verify,
    ClientCert,
    ClientKey,
    Heartbeat,
    Source,
    Exchange,
    ExchangeType,
    Queue,
    AckMode,
    RoutingKey,
    ClientId,
    CleanSession,
    Topics,
    Qos,
    Destinations,
    StompAck,
    Prefetch,
    WsPath,
    /// The broker view's management API: every protocol's form has them.
    ManagementUrl,
    ManagementUser,
    ManagementPassword,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Secret,
    Toggle,
    Choice,
}

impl Field {
    pub const ALL: [Field; 31] = [
        Self::Protocol,
        Self::Host,
        Self::Port,
        Self::Vhost,
        Self::User,
        Self::Password,
        Self::RememberPassword,
        Self::PasswordEnv,
        Self::Tls,
        Self::CaFile,
        Self::Verify,
        Self::ClientCert,
        Self::ClientKey,
        Self::Heartbeat,
        Self::Source,
        Self::Exchange,
        Self::ExchangeType,
        Self::Queue,
        Self::AckMode,
        Self::RoutingKey,
        Self::ClientId,
        Self::CleanSession,
        Self::Topics,
        Self::Qos,
        Self::Destinations,
        Self::StompAck,
        Self::Prefetch,
        Self::WsPath,
        Self::ManagementUrl,
        Self::ManagementUser,
        Self::ManagementPassword,
    ];

    /// The fields of one protocol only: the form hides the others.
    const AMQP_ONLY: [Field; 6] = [
        Self::Source,
        Self::Exchange,
        Self::ExchangeType,
        Self::Queue,
        Self::AckMode,
        Self::RoutingKey,
    ];
    const MQTT_ONLY: [Field; 4] = [Self::ClientId, Self::CleanSession, Self::Topics, Self::Qos];
    /// STOMP's and Web-STOMP's; the endpoint path is Web-STOMP's alone.
    const STOMP_ONLY: [Field; 4] = [
        Self::Destinations,
        Self::StompAck,
        Self::Prefetch,
        Self::WsPath,
    ];

    /// Whether the form shows this field for `protocol`.
    pub fn belongs_to(self, protocol: Protocol) -> bool {
        let own = match protocol {
            Protocol::Amqp => &Self::AMQP_ONLY[..],
            Protocol::Mqtt => &Self::MQTT_ONLY[..],
            Protocol::Stomp | Protocol::WebStomp => &Self::STOMP_ONLY[..],
        };
        let someone_elses = [&Self::AMQP_ONLY[..], &Self::MQTT_ONLY, &Self::STOMP_ONLY]
            .into_iter()
            .any(|list| list.contains(&self));
        if self == Self::WsPath {
            return protocol == Protocol::WebStomp;
        }
        own.contains(&self) || !someone_elses
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Protocol => "Protocol",
            Self::Host => "Host(s), comma-separated",
            Self::Port => "Port",
            Self::Vhost => "Virtual host",
            Self::User => "User",
            Self::Password => "Password",
            Self::RememberPassword => "Save password in profile",
            Self::PasswordEnv => "Password from env var",
            Self::Tls => "TLS",
            Self::CaFile => "CA certificate",
            Self::Verify => "Verify server certificate",
            Self::ClientCert => "Client certificate",
            Self::ClientKey => "Client key",
            Self::Heartbeat => "Heartbeat (s)",
            Self::Exchange => "Exchange",
            Self::ExchangeType => "Exchange type",
            Self::Queue => "Queue",
            Self::Source => "Watch",
            Self::AckMode => "Ack mode (existing queue)",
            Self::RoutingKey => "Binding key",
            Self::ClientId => "Client id",
            Self::CleanSession => "Clean session",
            Self::Topics => "Subscribe to (topic filters)",
            Self::Qos => "QoS (subscriptions)",
            Self::Destinations => "Subscribe to (destinations)",
            Self::StompAck => "Ack mode",
            Self::Prefetch => "Prefetch (prefetch-count)",
            Self::WsPath => "Endpoint path",
            Self::ManagementUrl => "Management URL",
            Self::ManagementUser => "Management user",
            Self::ManagementPassword => "Management password",
        }
    }

    pub fn kind(self) -> FieldKind {
        match self {
            Self::Password | Self::ManagementPassword => FieldKind::Secret,
            Self::Tls | Self::Verify | Self::RememberPassword | Self::CleanSession => {
                FieldKind::Toggle
            }
            Self::Protocol
            | Self::ExchangeType
            | Self::Source
            | Self::AckMode
            | Self::Qos
            | Self::StompAck => FieldKind::Choice,
            _ => FieldKind::Text,
        }
    }

    pub fn is_text(self) -> bool {
        matches!(self.kind(), FieldKind::Text | FieldKind::Secret)
    }

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }

    pub fn next(self) -> Self {
        cycle(&Self::ALL, self, 1)
    }

    pub fn prev(self) -> Self {
        cycle(&Self::ALL, self, -1)
    }
}
