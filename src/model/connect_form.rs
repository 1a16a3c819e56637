//! The connection form: what the user typed, kept exactly as typed, and its validation
//! into [`ConnectionSettings`].

use tui_input::Input;

use crate::{
    amqp::{AckMode, ExchangeType, Source},
    session::{ConnectionSettings, Protocol, cycle},
    tls::TlsMode,
};

/// Tells generated client ids of two forms apart.
fn rand_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

#[derive(Clone)]
pub struct ConnectForm {
    inputs: [Input; Field::ALL.len()],
    pub protocol: Protocol,
    pub tls: bool,
    pub verify: bool,
    /// Whether saving this form as a profile writes the password to disk.
    pub remember_password: bool,
    pub exchange_type: ExchangeType,
    pub source: Source,
    pub ack: AckMode,
    /// MQTT: start without the broker's state for the client id.
    pub clean_session: bool,
    /// MQTT: the subscriptions' QoS (0 or 1; RabbitMQ 3.10 downgrades 2 to 1).
    pub qos: u8,
    /// Once the user types a port, toggling TLS stops changing it.
    pub port_edited: bool,
    /// Not on the form (`--prefetch`), but carried through it.
    pub prefetch: u16,
    /// Try the host list shuffled (a profile option); carried through.
    pub shuffle: bool,
    /// MQTT: where the compose box publishes first (`--publish-topic`); carried through.
    pub publish_topic: String,
    /// STOMP: how the subscriptions' messages are settled.
    pub stomp_ack: crate::stomp::AckMode,
    /// STOMP: where the compose box sends first (`--publish-destination`); carried through.
    pub publish_destination: String,
    pub error: Option<(Option<Field>, String)>,
}

// By hand, so the typed password cannot reach a log or a panic message through `{:?}`.
impl std::fmt::Debug for ConnectForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("ConnectForm");
        for field in Field::ALL.into_iter().filter(|f| f.is_text()) {
            let value = self.value(field);
            let shown = match field.kind() {
                FieldKind::Secret if !value.is_empty() => "<redacted>",
                _ => value,
            };
            out.field(field.label(), &shown);
        }
        out.field("protocol", &self.protocol)
            .field("tls", &self.tls)
            .field("verify", &self.verify)
            .field("remember_password", &self.remember_password)
            .field("exchange_type", &self.exchange_type)
            .field("source", &self.source)
            .field("ack", &self.ack)
            .field("clean_session", &self.clean_session)
            .field("qos", &self.qos)
            .field("port_edited", &self.port_edited)
            .field("prefetch", &self.prefetch)
            .field("shuffle", &self.shuffle)
            .field("publish_topic", &self.publish_topic)
            .field("stomp_ack", &self.stomp_ack)
            .field("publish_destination", &self.publish_destination)
            .field("error", &self.error)
            .finish()
    }
}

impl Default for ConnectForm {
    fn default() -> Self {
        Self::from_settings(&ConnectionSettings::default())
    }
}

impl ConnectForm {
    pub fn from_settings(s: &ConnectionSettings) -> Self {
        let ca = match &s.tls {
            TlsMode::Verify { ca_file: Some(p) } => p.display().to_string(),
            _ => String::new(),
        };
        let (cert, key) = match &s.client_cert {
            Some(c) => (
                c.cert_file.display().to_string(),
                c.key_file.display().to_string(),
            ),
            None => (String::new(), String::new()),
        };
        // A password given inside the URL (a hand-edited profile) is never drawn in it.
        let management = s.management.clone().password_out_of_url();
        let text = |f: Field| -> String {
            match f {
                Field::Host => crate::session::endpoint::host_field_text(&s.endpoints(), s.port),
                Field::Port => s.port.to_string(),
                Field::Vhost => s.vhost.clone(),
                Field::User => s.user.clone(),
                Field::Password => s.password.clone(),
                Field::CaFile => ca.clone(),
                Field::ClientCert => cert.clone(),
                Field::ClientKey => key.clone(),
                Field::Heartbeat => s.heartbeat_secs.to_string(),
                Field::Exchange => s.routing.exchange.clone(),
                Field::Queue => s.routing.queue.clone(),
                Field::RoutingKey => s
                    .routing
                    .bindings
                    .first()
                    .map(|b| crate::routing::format_binding(s.routing.exchange_type, b))
                    .unwrap_or_default(),
                Field::PasswordEnv => String::new(),
                Field::ClientId if s.mqtt.client_id.is_empty() => {
                    crate::mqtt::connect::generated_client_id(rand_seed())
                }
                Field::ClientId => s.mqtt.client_id.clone(),
                Field::Topics => s.mqtt.subscriptions.join(", "),
                Field::Destinations => s.stomp.destinations.join(", "),
                Field::Prefetch => s.prefetch.to_string(),
                Field::WsPath => s.stomp.ws_path.clone(),
                Field::ManagementUrl => management.url.clone(),
                Field::ManagementUser => management.user.clone(),
                Field::ManagementPassword => management.password.clone(),
                Field::Protocol | Field::CleanSession | Field::Qos | Field::StompAck => {
                    String::new()
                }
                Field::Tls
                | Field::Verify
                | Field::RememberPassword
                | Field::ExchangeType
                | Field::Source
                | Field::AckMode => String::new(),
            }
        };
        let tls = s.tls != TlsMode::Off;
        let default_port = s.protocol.default_port(tls);
        Self {
            inputs: Field::ALL.map(|f| Input::new(text(f))),
            protocol: s.protocol,
            tls,
            verify: s.tls != TlsMode::NoVerify,
            remember_password: false,
            exchange_type: s.routing.exchange_type,
            source: s.routing.source,
            ack: s.routing.ack,
            clean_session: s.mqtt.clean_session,
            qos: s.mqtt.qos,
            port_edited: s.port != default_port,
            prefetch: s.prefetch,
            shuffle: s.shuffle,
            publish_topic: s.mqtt.publish_topic.clone(),
            stomp_ack: s.stomp.ack,
            publish_destination: s.stomp.publish_destination.clone(),
            error: None,
        }
    }

    pub fn value(&self, field: Field) -> &str {
        self.inputs[field.index()].value()
    }

    pub fn input(&self, field: Field) -> &Input {
        &self.inputs[field.index()]
    }

    pub fn input_mut(&mut self, field: Field) -> &mut Input {
        if field == Field::Port {
            self.port_edited = true;
        }
        &mut self.inputs[field.index()]
    }

    /// The message quotes broker replies, so it is made safe to draw here.
    pub fn set_error(&mut self, field: Option<Field>, message: &str) {
        self.error = Some((field, crate::text::visible(message)));
    }

    /// Whether `field` takes part in connecting with the form as it is now: the TLS
    /// fields only with TLS on, the CA only while verifying, the ack mode only for an
    /// existing queue. What does not apply is neither checked nor marked at fault.
    pub fn applies(&self, field: Field) -> bool {
        if !field.belongs_to(self.protocol) {
            return false;
        }
        match field {
            Field::CaFile => self.tls && self.verify,
            Field::Verify | Field::ClientCert | Field::ClientKey => self.tls,
            Field::AckMode => self.source == Source::Queue,
            _ => true,
        }
    }

    /// The error to show now: one about a field that no longer applies (TLS or
    /// verification switched off since) is kept, but not shown until it applies again.
    pub fn error_shown(&self) -> Option<(Option<Field>, &str)> {
        match &self.error {
            Some((Some(field), _)) if !self.applies(*field) => None,
            Some((field, message)) => Some((*field, message.as_str())),
            None => None,
        }
    }

    /// The fields shown, in order: those of the form's protocol.
    pub fn fields(&self) -> Vec<Field> {
        Field::ALL
            .into_iter()
            .filter(|f| f.belongs_to(self.protocol))
            .collect()
    }

    /// The shown field `step` places after (or before) `field`, wrapping around.
    pub fn step_field(&self, field: Field, step: isize) -> Field {
        let fields = self.fields();
        let at = fields.iter().position(|f| *f == field).unwrap_or(0);
        cycle(&fields, fields[at], step)
    }

    /// The label, in the protocol's words.
    pub fn label(&self, field: Field) -> &'static str {
        match (field, self.protocol) {
            (Field::Heartbeat, Protocol::Mqtt) => "Keep-alive (s)",
            (Field::Heartbeat, Protocol::Stomp | Protocol::WebStomp) => "Heart-beat (s)",
            _ => field.label(),
        }
    }

    pub fn toggle_tls(&mut self) {
        self.tls = !self.tls;
        self.follow_port();
    }

    pub fn set_protocol(&mut self, protocol: Protocol) {
        self.protocol = protocol;
        self.follow_port();
    }

    /// The port follows the protocol and TLS, until the user types one.
    fn follow_port(&mut self) {
        if !self.port_edited {
            let port = self.protocol.default_port(self.tls);
            self.inputs[Field::Port.index()] = Input::new(port.to_string());
        }
    }

    /// The settings the form describes, or the first field that is wrong and why. A
    /// password named by "Password from env var" is read from our environment.
    pub fn validate(&self) -> Result<ConnectionSettings, (Field, String)> {
        self.validate_with(|name| std::env::var(name).ok())
    }

    /// Whether connecting must first ask for the password: none typed, none to read.
    pub fn needs_password(&self) -> bool {
        self.value(Field::Password).is_empty() && self.value(Field::PasswordEnv).trim().is_empty()
    }

    pub fn set_password(&mut self, password: &str) {
        self.inputs[Field::Password.index()] = Input::new(password.into());
    }
}

#[path = "connect_form_field.rs"]
mod field;
pub use field::{Field, FieldKind};

#[path = "connect_form_fault.rs"]
mod fault;
pub use fault::field_at_fault;

#[path = "connect_form_validate.rs"]
mod validate;

#[cfg(test)]
#[path = "connect_form_tests.rs"]
mod tests;
