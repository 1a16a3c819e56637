//! The routing explainer (`x`): AMQP's over the session's bindings, and for an MQTT tab
//! what RabbitMQ makes of its topics.

use crate::{
    model::{Level, Model, Overlay, text_field::TextField},
    session::Protocol,
};

/// Starts from the selected message's key and headers, else the compose box's key. An
/// MQTT tab has no bindings of its own to explain: it says what AMQP makes of its topics.
pub(super) fn open(model: &mut Model) {
    match model.tab().protocol() {
        Protocol::Mqtt => return explain_mqtt(model),
        Protocol::Stomp | Protocol::WebStomp => return explain_stomp(model),
        Protocol::Amqp => {}
    }
    let tab = model.tab();
    let (key, headers) = match tab.log.selected() {
        Some(entry) => (
            entry.delivery.routing_key.clone(),
            entry
                .delivery
                .properties
                .headers
                .as_ref()
                .map(|t| crate::model::properties_form::table_to_json(t).to_string())
                .unwrap_or_default(),
        ),
        None => (tab.compose.routing_key.value().to_string(), String::new()),
    };
    model.overlay = Overlay::Explain {
        key: TextField::prefilled(key),
        headers: TextField::prefilled(headers),
        on_headers: false,
    };
}

/// What RabbitMQ makes of this tab's topics: the AMQP routing key of the selected
/// message's topic (or the compose box's), and the binding key of each subscription.
fn explain_mqtt(model: &mut Model) {
    use crate::mqtt::{MQTT_EXCHANGE, topic::to_routing_key};
    let tab = model.tab_mut();
    let topic = match tab.log.selected().map(|e| &e.delivery.part) {
        Some(crate::session::MessagePart::Mqtt(facts)) => facts.topic.clone(),
        _ => tab.compose.routing_key.value().to_string(),
    };
    let filters: Vec<String> = tab
        .session_settings
        .as_ref()
        .map(|s| s.mqtt.subscriptions.clone())
        .unwrap_or_default()
        .iter()
        .map(|f| format!("'{f}' is binding key '{}'", to_routing_key(f)))
        .collect();
    let subscriptions = if filters.is_empty() {
        String::new()
    } else {
        format!(" Subscriptions: {}.", filters.join(", "))
    };
    let text = format!(
        "MQTT topic '{topic}' reaches AMQP as routing key '{}' on {MQTT_EXCHANGE} (RabbitMQ makes / into . and + into *): an AMQP tap on {MQTT_EXCHANGE} with '{}' sees it.{subscriptions}",
        to_routing_key(&topic),
        to_routing_key(&topic),
    );
    tab.notify(Level::Info, text);
}

/// What RabbitMQ makes of this tab's destinations: the exchange and key of the selected
/// message's destination (or the compose box's), and what each subscription binds.
fn explain_stomp(model: &mut Model) {
    use crate::stomp::Destination;
    let tab = model.tab_mut();
    // A MESSAGE's header is percent-encoded by the broker; a typed one is taken as typed.
    let (text, from_broker) = match tab.log.selected().map(|e| &e.delivery.part) {
        Some(crate::session::MessagePart::Stomp(facts)) => (facts.destination.clone(), true),
        _ => (tab.compose.routing_key.value().trim().to_string(), false),
    };
    let parsed = if from_broker {
        Destination::from_message_header(&text).ok_or_else(|| Destination::parse(&text).err())
    } else {
        Destination::parse(&text).map_err(Some)
    };
    let sent = match parsed {
        Ok(destination) => {
            let (exchange, key) = destination.routing();
            format!(
                "STOMP destination '{text}' is {}: an AMQP tap on that exchange bound with '{key}' sees what is sent to it.",
                target(&exchange, &key)
            )
        }
        Err(Some(why)) => format!("Destination: {why}."),
        Err(None) => format!("Destination '{text}' could not be read."),
    };
    let subscriptions: Vec<String> = tab
        .session_settings
        .as_ref()
        .map(|s| s.stomp.destinations.clone())
        .unwrap_or_default()
        .iter()
        .filter_map(|d| Some((d, Destination::parse(d).ok()?)))
        .map(|(d, parsed)| match parsed {
            Destination::Exchange { name, key } => {
                format!("'{d}' binds its own queue to '{name}' with '{key}'")
            }
            Destination::Topic(key) => format!(
                "'{d}' binds its own queue to {} with '{key}'",
                crate::mqtt::MQTT_EXCHANGE
            ),
            Destination::Queue(q) | Destination::AmqQueue(q) => format!("'{d}' reads queue '{q}'"),
        })
        .collect();
    let subscriptions = if subscriptions.is_empty() {
        String::new()
    } else {
        format!(" Subscriptions: {}.", subscriptions.join(", "))
    };
    let text = crate::text::visible(&format!("{sent}{subscriptions}"));
    tab.notify(Level::Info, text);
}

/// `exchange 'x' with routing key 'k'`, or the default exchange's queue.
fn target(exchange: &str, key: &str) -> String {
    if exchange.is_empty() {
        format!("the default exchange with routing key '{key}' (queue '{key}')")
    } else {
        format!("exchange '{exchange}' with routing key '{key}'")
    }
}

pub(super) fn input(overlay: &mut Overlay) -> Option<&mut TextField> {
    match overlay {
        Overlay::Explain {
            key,
            headers,
            on_headers,
        } => Some(if *on_headers { headers } else { key }),
        _ => None,
    }
}
