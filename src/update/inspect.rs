//! Keeping and resending messages: export to JSON Lines, load such a file into the pane,
//! and replay a message (or every shown one) to its original or another target.

use std::path::PathBuf;

use super::Effect;
use crate::{
    action::Action,
    inspect::export::ExportedMessage,
    keymap,
    model::{ConnState, Focus, Level, Model, Overlay, Prompt, PromptKind},
    mqtt,
    session::{
        Message, MessagePart, MqttFacts, Properties, Protocol, PublishPart, PublishRequest,
        StompFacts,
    },
    stomp,
};

/// The default file name a prompt offers.
const DEFAULT_EXPORT: &str = "amqp-tui-messages.jsonl";

pub fn ask_export(model: &mut Model, all: bool) {
    let has = if all {
        model.tab().log.shown_len() > 0
    } else {
        model.tab().log.selected().is_some()
    };
    if !has {
        let what = if all {
            "The pane is empty"
        } else {
            "No message is selected (Up/Down picks one)"
        };
        model.notify(Level::Info, format!("{what}: nothing to export."));
        return;
    }
    let kind = if all {
        PromptKind::ExportShown
    } else {
        PromptKind::ExportSelected
    };
    model.overlay = Overlay::Prompt(Prompt::new(kind, DEFAULT_EXPORT));
}

/// Enter in an export prompt.
pub fn export(model: &mut Model, path: &str, all: bool) -> Result<Vec<Effect>, String> {
    if path.is_empty() {
        return Err("Type the path of the file to write.".into());
    }
    let log = &model.tab().log;
    let messages: Vec<ExportedMessage> = if all {
        log.shown_entries()
            .map(|e| ExportedMessage::from_delivery(&e.delivery))
            .collect()
    } else {
        log.selected()
            .map(|e| ExportedMessage::from_delivery(&e.delivery))
            .into_iter()
            .collect()
    };
    model.overlay = Overlay::None;
    // The file is written off the loop; this says so until `exported` replaces it.
    let count = messages.len();
    model.notify(
        Level::Info,
        format!(
            "Exporting {count} message{} to {path} …",
            if count == 1 { "" } else { "s" }
        ),
    );
    Ok(vec![Effect::Export {
        path: PathBuf::from(path),
        messages,
    }])
}

pub fn exported(model: &mut Model, result: Result<(usize, PathBuf), String>) {
    match result {
        Ok((count, path)) => model.notify(
            Level::Success,
            format!(
                "Exported {count} message{} to {} (JSON Lines; L loads it back).",
                if count == 1 { "" } else { "s" },
                path.display()
            ),
        ),
        Err(reason) => model.notify(Level::Error, format!("Nothing was exported: {reason}")),
    }
}

/// Enter in the "load a file" prompt.
pub fn load(model: &mut Model, path: &str) -> Result<Vec<Effect>, String> {
    if path.is_empty() {
        return Err("Type the path of a JSON Lines file exported by amqp-tui.".into());
    }
    model.overlay = Overlay::None;
    model.notify(Level::Info, format!("Loading {path} …"));
    Ok(vec![Effect::LoadFile {
        tab: model.tab().number,
        path: PathBuf::from(path),
    }])
}

/// The app read a file for tab `tab`: its messages join that tab's pane.
pub fn loaded(
    model: &mut Model,
    tab: u32,
    path: PathBuf,
    result: Result<Vec<ExportedMessage>, String>,
) {
    let Some(tab) = model.tabs_mut().find(|t| t.number == tab) else {
        return;
    };
    match result {
        Ok(messages) => {
            let name = path.display().to_string();
            for message in &messages {
                tab.log.push(Box::new(message.to_delivery(&name)));
            }
            // The file arrives later: the keys are named for where the user is then.
            let one = keymap::reach(tab.focus, &Action::Replay);
            let all = keymap::reach(tab.focus, &Action::ReplayShown);
            let target = match tab.protocol() {
                Protocol::Amqp => "its original exchange and key",
                Protocol::Mqtt => "its topic",
                Protocol::Stomp | Protocol::WebStomp => "its destination",
            };
            let how = if one.is_empty() || all.is_empty() {
                String::new()
            } else {
                format!(
                    ": {one} replays the one under the cursor, {all} every shown one to {target}"
                )
            };
            tab.notify(
                Level::Success,
                format!(
                    "Loaded {} messages from {name} into the pane{how}.",
                    messages.len()
                ),
            );
        }
        Err(reason) => tab.notify(Level::Error, format!("Nothing was loaded: {reason}")),
    }
}

/// `R`: the selected message into the compose box, to send as it is or retargeted.
pub fn replay_into_compose(model: &mut Model) {
    let tab = model.tab_mut();
    let Some(entry) = tab.log.selected() else {
        tab.notify(Level::Info, "No message is selected: Up/Down picks one.");
        return;
    };
    let protocol = tab.protocol();
    let (message, mapped) = in_terms_of((*entry.delivery).clone(), protocol);
    tab.compose.load(&message);
    // An MQTT publish has no exchange: its box starts at the topic.
    tab.focus = match protocol {
        Protocol::Amqp => Focus::ComposeExchange,
        Protocol::Mqtt | Protocol::Stomp | Protocol::WebStomp => Focus::ComposeKey,
    };
    model.overlay = Overlay::None;
    let what = match protocol {
        Protocol::Amqp => {
            "The message is in the compose box with its properties and exact body: change the exchange or key if you like, Enter publishes it."
        }
        Protocol::Mqtt => {
            "The message is in the compose box with its topic, QoS, retain flag and exact body: change the topic if you like, Enter publishes it."
        }
        Protocol::Stomp | Protocol::WebStomp => {
            "The message is in the compose box with its destination, headers and exact body: change the destination if you like, Enter publishes it."
        }
    };
    let text = match mapped {
        Some(mapped) => format!("{mapped}. {what}"),
        None => what.to_string(),
    };
    model.notify(Level::Info, text);
}

/// `message` as the tab's `protocol` publishes it, and in words how it was mapped when it
/// came by the other one. RabbitMQ routes every MQTT publish to `amq.topic` with its topic
/// as key (`/` and `.` swapped), so the two map into each other: an MQTT message from an
/// AMQP tab goes to amq.topic with its key, an AMQP message from an MQTT tab to the topic
/// its key becomes, QoS 1 if it was persistent (as RabbitMQ marks QoS 1 publishes).
fn in_terms_of(mut message: Message, protocol: Protocol) -> (Message, Option<String>) {
    let mapped = match (&message.part, protocol) {
        (MessagePart::Amqp, Protocol::Amqp) | (MessagePart::Mqtt(_), Protocol::Mqtt) => None,
        (MessagePart::Stomp(_), Protocol::Stomp | Protocol::WebStomp) => None,
        // To STOMP: the destination that lands on the same exchange and key.
        (_, Protocol::Stomp | Protocol::WebStomp) => {
            let destination =
                stomp::Destination::for_routing(&message.exchange, &message.routing_key)
                    .to_string();
            let note = format!(
                "exchange '{}' with key '{}' is STOMP destination '{destination}'",
                message.exchange, message.routing_key
            );
            message.part = MessagePart::Stomp(StompFacts {
                destination,
                websocket: protocol == Protocol::WebStomp,
                ..StompFacts::default()
            });
            Some(note)
        }
        (MessagePart::Stomp(facts), Protocol::Amqp) => {
            let note = format!(
                "STOMP destination '{}' goes to {} with key '{}'",
                facts.destination, message.exchange, message.routing_key
            );
            message.part = MessagePart::Amqp;
            Some(note)
        }
        (MessagePart::Mqtt(facts), Protocol::Amqp) => {
            let note = format!(
                "MQTT topic '{}' goes to {} with key '{}'",
                facts.topic, message.exchange, message.routing_key
            );
            message.part = MessagePart::Amqp;
            Some(note)
        }
        (MessagePart::Amqp | MessagePart::Stomp(_), Protocol::Mqtt) => {
            let topic = mqtt::topic::from_routing_key(&message.routing_key);
            let note = format!(
                "AMQP key '{}' becomes MQTT topic '{topic}'",
                message.routing_key
            );
            let qos = u8::from(message.properties.delivery_mode == Some(2));
            // MQTT 3.1.1 carries no properties: none are kept to look as if they were sent.
            message.properties = Properties::default();
            message.part = MessagePart::Mqtt(MqttFacts {
                topic,
                qos,
                retain: false,
                dup: false,
            });
            Some(note)
        }
    };
    (message, mapped)
}

/// The publish that sends `message` (in the tab's terms) again, as it is.
fn replay_request(message: Message) -> Result<PublishRequest, String> {
    match message.part {
        MessagePart::Amqp => Ok(PublishRequest {
            id: 0,
            exchange: message.exchange,
            routing_key: message.routing_key,
            body: message.body,
            properties: message.properties,
            copies: 1,
            confirm: true,
            part: PublishPart::Amqp,
        }),
        MessagePart::Stomp(facts) => {
            let destination = stomp::Destination::parse(&facts.destination)
                .map_err(|err| crate::text::visible(&err.to_string()))?;
            let (exchange, routing_key) = destination.routing();
            Ok(PublishRequest {
                id: 0,
                exchange,
                routing_key,
                body: message.body,
                properties: message.properties,
                copies: 1,
                confirm: true,
                part: PublishPart::Stomp {
                    destination: destination.to_string(),
                },
            })
        }
        MessagePart::Mqtt(facts) => {
            mqtt::topic::check_name(&facts.topic)
                .map_err(|err| format!("topic '{}' {err}", crate::text::visible(&facts.topic)))?;
            // RabbitMQ 3.10 takes QoS 0 and 1; it would downgrade a 2 anyway.
            let qos = facts.qos.min(1);
            Ok(PublishRequest {
                id: 0,
                exchange: mqtt::MQTT_EXCHANGE.into(),
                routing_key: mqtt::topic::to_routing_key(&facts.topic),
                body: message.body,
                properties: Properties::default(),
                copies: 1,
                confirm: qos >= 1,
                part: PublishPart::Mqtt {
                    topic: facts.topic,
                    qos,
                    retain: facts.retain,
                },
            })
        }
    }
}

/// `Ctrl-R`: every shown message again, each to its own original target: exchange and
/// key, or topic with its QoS and retain flag, mapped to the tab's protocol.
pub fn replay_shown(model: &mut Model) -> Vec<Effect> {
    let tab = model.tab_mut();
    if !matches!(tab.conn, ConnState::Connected { .. }) {
        tab.notify(Level::Error, "Not connected: nothing was replayed.");
        return Vec::new();
    }
    let protocol = tab.protocol();
    let deliveries: Vec<_> = tab
        .log
        .shown_entries()
        .map(|e| (*e.delivery).clone())
        .collect();
    let (mut mapped, mut skipped, mut first_skip) = (0, 0, None);
    let mut requests = Vec::with_capacity(deliveries.len());
    for delivery in deliveries {
        let (message, note) = in_terms_of(delivery, protocol);
        mapped += usize::from(note.is_some());
        match replay_request(message) {
            Ok(request) => requests.push(request),
            Err(reason) => {
                skipped += 1;
                first_skip.get_or_insert(reason);
            }
        }
    }
    let count = requests.len();
    let targets = match protocol {
        Protocol::Amqp => "their original exchanges and keys",
        Protocol::Mqtt => "their topics",
        Protocol::Stomp | Protocol::WebStomp => "their destinations",
    };
    let what = format!("Replayed {count} messages to {targets}");
    tab.compose.number_bulk(what, &mut requests);
    let mut text = format!("Replaying {count} messages to {targets} …");
    if mapped > 0 {
        text.push_str(&match protocol {
            Protocol::Amqp => format!(
                " {mapped} came by MQTT: each goes to {} with the key RabbitMQ made of its topic.",
                mqtt::MQTT_EXCHANGE
            ),
            Protocol::Mqtt => format!(
                " {mapped} came by AMQP: each goes to the topic its routing key becomes ('.' as '/')."
            ),
            Protocol::Stomp | Protocol::WebStomp => format!(
                " {mapped} came by another protocol: each goes to the destination of its exchange and key."
            ),
        });
    }
    if let Some(reason) = first_skip {
        text.push_str(&format!(" {skipped} not replayed, as their {reason}."));
    }
    tab.notify(
        if skipped > 0 {
            Level::Warning
        } else {
            Level::Info
        },
        text,
    );
    let session = tab.session;
    requests
        .into_iter()
        .map(|request| Effect::Publish { session, request })
        .collect()
}
