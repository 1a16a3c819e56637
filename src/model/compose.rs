//! The compose box: body, target exchange and key, delivery mode, copies, and the
//! properties and headers edited beside it.

use std::collections::{BTreeMap, BTreeSet};

use tui_input::Input;

use super::{
    bulk::Bulk,
    properties_form::{PropField, PropertiesForm},
    unsent::Unsent,
};
use crate::{
    amqp::Routing,
    session::{
        ConnectionSettings, Properties, Protocol, PublishOutcome, PublishPart, PublishRequest,
    },
};

/// "Publish N copies" is bounded: a typo must not flood a production broker.
pub const MAX_COPIES: u32 = 100_000;

#[derive(Clone, Debug)]
pub struct Compose {
    pub body: Input,
    /// In an MQTT tab (see `Tab::protocol`): the topic. `confirm` then means QoS 1
    /// (confirmed by PUBACK) and `persistent` the retain flag.
    pub exchange: Input,
    pub routing_key: Input,
    pub copies: Input,
    /// A replayed message's exact bytes; typing in the body replaces them.
    pub raw_body: Option<Vec<u8>>,
    pub persistent: bool,
    /// Publisher confirms (F5 turns them off, to measure or to flood faster).
    pub confirm: bool,
    pub props: PropertiesForm,
    next_id: u64,
    pub in_flight: usize,
    /// Outcomes of this tab's publishes, for the box's title: every publish is accounted.
    pub tally: Tally,
    /// Publishes waiting in the worker for the connection to come back, by id.
    pub waiting: BTreeSet<u64>,
    /// What the broker did not confirm, for Ctrl-R.
    pub unsent: Unsent,
    /// Bulk sends (replay, resend) whose outcomes are still coming in.
    pub bulks: Vec<Bulk>,
    /// MQTT publishes sent with the retain flag, by id: their outcome says so.
    pub retained: BTreeSet<u64>,
    /// The topic of each MQTT publish in flight, by id: the notice names the topic as
    /// typed (a key mapped back would turn its dots into slashes).
    pub topics: BTreeMap<u64, String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub acked: u64,
    /// Published without confirms: written and not returned, never acked.
    pub sent: u64,
    pub returned: u64,
    pub nacked: u64,
    /// Refused by the broker (no such exchange, no permission): not kept for Ctrl-R.
    pub refused: u64,
    pub failed: u64,
}

impl Tally {
    /// Counts every copy a publish's outcome reports: the one place outcomes are summed.
    pub fn add(&mut self, outcome: &PublishOutcome) {
        match outcome {
            PublishOutcome::Routed => self.acked += 1,
            PublishOutcome::Sent => self.sent += 1,
            PublishOutcome::Unroutable { .. } => self.returned += 1,
            PublishOutcome::Nacked => self.nacked += 1,
            PublishOutcome::Refused { .. } => self.refused += 1,
            PublishOutcome::Failed { .. } => self.failed += 1,
            PublishOutcome::Copies {
                routed,
                sent,
                returned,
                nacked,
                refused,
                failed,
                ..
            } => {
                self.acked += u64::from(*routed);
                self.sent += u64::from(*sent);
                self.returned += u64::from(*returned);
                self.nacked += u64::from(*nacked);
                self.refused += u64::from(*refused);
                self.failed += u64::from(*failed);
            }
        }
    }

    pub fn total(&self) -> u64 {
        self.acked + self.sent + self.returned + self.nacked + self.refused + self.failed
    }
}

/// Why the compose box cannot publish, and where to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposeError {
    pub message: String,
    /// Set when the problem is in the properties editor.
    pub property: Option<PropField>,
}

impl Compose {
    pub fn for_routing(routing: &Routing) -> Self {
        Self {
            body: Input::default(),
            exchange: Input::new(routing.exchange.clone()),
            routing_key: Input::new(routing.key().to_string()),
            copies: Input::new("1".into()),
            raw_body: None,
            persistent: false,
            confirm: true,
            props: PropertiesForm::default(),
            next_id: 1,
            in_flight: 0,
            tally: Tally::default(),
            waiting: BTreeSet::new(),
            unsent: Unsent::default(),
            bulks: Vec::new(),
            retained: BTreeSet::new(),
            topics: BTreeMap::new(),
        }
    }

    /// Publishes go where the session watches, unless the user changes them.
    pub fn aim_at(&mut self, routing: &Routing) {
        self.exchange = Input::new(routing.exchange.clone());
        self.routing_key = Input::new(routing.key().to_string());
    }

    /// Aims at what a session of `settings` publishes to: AMQP's exchange and key, or
    /// MQTT's topic with the session's QoS.
    pub fn aim(&mut self, settings: &ConnectionSettings) {
        match settings.protocol {
            Protocol::Amqp => self.aim_at(&settings.routing),
            Protocol::Mqtt => {
                self.exchange = Input::default();
                self.routing_key = Input::new(settings.mqtt.publish_topic.clone());
                self.confirm = settings.mqtt.qos >= 1;
                self.persistent = false;
            }
            Protocol::Stomp | Protocol::WebStomp => {
                self.exchange = Input::default();
                self.routing_key = Input::new(settings.stomp.publish_destination.clone());
                self.confirm = true;
                self.persistent = false;
            }
        }
    }

    pub fn delivery_mode_label(&self, protocol: Protocol) -> &'static str {
        match (protocol, self.persistent) {
            (Protocol::Mqtt, true) => "retain",
            (Protocol::Mqtt, false) => "no retain",
            (Protocol::Amqp, true) => "2 persistent",
            (Protocol::Amqp, false) => "1 transient",
            (Protocol::Stomp | Protocol::WebStomp, true) => "persistent",
            (Protocol::Stomp | Protocol::WebStomp, false) => "transient",
        }
    }

    /// The QoS an MQTT publish goes out with: 1 while confirms are on.
    pub fn qos(&self) -> u8 {
        u8::from(self.confirm)
    }

    /// The body is kept after publishing, so sending the same message again is one key.
    /// A request for a session of `protocol`: AMQP's exchange, key and properties, or an
    /// MQTT topic.
    pub fn request(&mut self, protocol: Protocol) -> Result<PublishRequest, ComposeError> {
        let plain = |message: String| ComposeError {
            message,
            property: None,
        };
        if protocol == Protocol::Mqtt {
            return self.mqtt_request();
        }
        // STOMP sends to a destination (in the key's input), which RabbitMQ turns into an
        // exchange and key; properties travel as headers, as for AMQP.
        let stomp = matches!(protocol, Protocol::Stomp | Protocol::WebStomp);
        let destination = self.routing_key.value().trim().to_string();
        let (exchange, key) = if stomp {
            crate::stomp::Destination::parse(&destination)
                .map_err(|e| plain(format!("Destination: {e}.")))?
                .routing()
        } else {
            (
                self.exchange.value().to_string(),
                self.routing_key.value().to_string(),
            )
        };
        for (name, value) in [("Exchange", &exchange), ("Routing key", &key)] {
            if value.len() > 255 {
                return Err(plain(format!(
                    "{name} is {} bytes long: AMQP allows at most 255.",
                    value.len()
                )));
            }
        }
        let copies = self.copies()?;
        let mode = if self.persistent { 2 } else { 1 };
        let properties =
            self.props
                .to_properties(mode)
                .map_err(|(field, message)| ComposeError {
                    message: format!("Properties, {}: {message} (F4 edits them).", field.label()),
                    property: Some(field),
                })?;
        let id = self.take_id();
        if stomp {
            // The notice names the destination as typed, not what RabbitMQ made of it.
            self.topics.insert(id, destination.clone());
        }
        Ok(PublishRequest {
            id,
            exchange,
            routing_key: key,
            body: self.body_bytes(),
            properties,
            copies,
            confirm: self.confirm,
            part: if stomp {
                PublishPart::Stomp { destination }
            } else {
                PublishPart::Amqp
            },
        })
    }

    fn copies(&self) -> Result<u32, ComposeError> {
        let copies_text = self.copies.value().trim();
        match copies_text.parse::<u32>() {
            Ok(n) if (1..=MAX_COPIES).contains(&n) => Ok(n),
            _ => Err(ComposeError {
                message: format!("Copies '{copies_text}' is not a number from 1 to {MAX_COPIES}."),
                property: None,
            }),
        }
    }

    fn body_bytes(&self) -> Vec<u8> {
        self.raw_body
            .clone()
            .unwrap_or_else(|| self.body.value().as_bytes().to_vec())
    }

    /// An MQTT publish: to a topic (no wildcards), with the box's QoS and retain flag.
    /// MQTT 3.1.1 carries no properties, so the editor's are not sent.
    fn mqtt_request(&mut self) -> Result<PublishRequest, ComposeError> {
        let topic = self.routing_key.value().to_string();
        if let Err(problem) = crate::mqtt::topic::check_name(&topic) {
            return Err(ComposeError {
                message: format!("Topic '{}' {problem}.", crate::text::visible(&topic)),
                property: None,
            });
        }
        let copies = self.copies()?;
        let qos = self.qos();
        let id = self.take_id();
        if self.persistent {
            self.retained.insert(id);
        }
        self.topics.insert(id, topic.clone());
        Ok(PublishRequest {
            id,
            exchange: crate::mqtt::MQTT_EXCHANGE.into(),
            routing_key: crate::mqtt::topic::to_routing_key(&topic),
            body: self.body_bytes(),
            properties: Properties::default(),
            copies,
            confirm: qos >= 1,
            part: PublishPart::Mqtt {
                topic,
                qos,
                retain: self.persistent,
            },
        })
    }

    /// Numbers a publish and counts it as awaiting its confirm.
    pub fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.in_flight += 1;
        id
    }

    /// Numbers `requests` as one bulk send, which `what` names ("Replayed 5000 messages"):
    /// their outcomes are summed up in one notice once the last is in, not one by one.
    pub fn number_bulk(&mut self, what: String, requests: &mut [PublishRequest]) {
        let first = self.next_id;
        for request in requests.iter_mut() {
            request.id = self.take_id();
        }
        if requests.len() > 1 {
            self.bulks.push(Bulk::new(what, first..self.next_id));
        }
    }

    /// Loads a message to send again: its target, properties and exact body, all editable.
    /// An MQTT message fills the box as an MQTT tab reads it: its topic in the key's
    /// field, QoS 1 as confirms on, retain as `persistent`. The caller hands it over in
    /// the terms of the tab's protocol (`update::inspect` maps one into the other).
    pub fn load(&mut self, d: &crate::session::Message) {
        match &d.part {
            crate::session::MessagePart::Amqp => {
                self.exchange = Input::new(d.exchange.clone());
                self.routing_key = Input::new(d.routing_key.clone());
                self.persistent = d.properties.delivery_mode == Some(2);
            }
            crate::session::MessagePart::Mqtt(facts) => {
                self.exchange = Input::default();
                self.routing_key = Input::new(facts.topic.clone());
                self.confirm = facts.qos >= 1;
                self.persistent = facts.retain;
            }
            crate::session::MessagePart::Stomp(facts) => {
                self.exchange = Input::default();
                self.routing_key = Input::new(facts.destination.clone());
                self.persistent = d.properties.delivery_mode == Some(2);
            }
        }
        self.props = PropertiesForm::from_properties(&d.properties);
        self.copies = Input::new("1".into());
        match std::str::from_utf8(&d.body) {
            // One line of plain text is edited as text; anything else is kept as bytes.
            Ok(text)
                if !text.contains(['\n', '\r']) && !text.chars().any(crate::text::is_unsafe) =>
            {
                self.body = Input::new(text.into());
                self.raw_body = None;
            }
            _ => {
                self.body = Input::default();
                self.raw_body = Some(d.body.clone());
            }
        }
    }
}
