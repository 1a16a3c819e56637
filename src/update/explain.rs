//! The routing explainer (`x`): AMQP's over the session's bindings, and for an MQTT tab
//! what RabbitMQ makes of its topics.

use crate::{
    model::{Level, Model, Overlay, text_field::TextField},
    session::Protocol,
};

/// Starts from the selected message's key and headers, else the compose box's key. An
/// MQTT tab has no bindings of its own to explain: it says what AMQP makes of its topics.
pub(super) fn open(model: &mut Model) {
    if model.tab().protocol() == Protocol::Mqtt {
        return explain_mqtt(model);
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
