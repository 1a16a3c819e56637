//! MQTT messages on screen through TestBackend: the pane's row (topic, QoS and flags, size,
//! body), the message view, hostile topics, and replay from MQTT and AMQP tabs.

mod support;

use amqp_tui::{
    action::Action,
    inspect::export::ExportedMessage,
    model::{Focus, Level, Model, Overlay},
    mqtt::MQTT_EXCHANGE,
    session::{
        ConnectionSettings, Message, MessagePart, MqttFacts, Protocol, PublishPart, WorkerEvent,
    },
    ui,
    update::{Effect, update},
};
use support::screen::{H, connected, delivery, feed, line_with, lines, render, rows};

const TOPIC: &str = "sensors/kitchen/temp";

/// Connected over MQTT, sized to the test terminal.
fn mqtt_tab() -> Model {
    let settings = ConnectionSettings {
        protocol: Protocol::Mqtt,
        port: Protocol::Mqtt.default_port(false),
        ..ConnectionSettings::default()
    };
    let mut model = connected(settings);
    assert_eq!(model.tab().protocol(), Protocol::Mqtt);
    update(
        &mut model,
        Action::Resize {
            page_rows: ui::message_rows(H),
        },
    );
    model
}

/// A message as the MQTT session delivers it: RabbitMQ's exchange and key beside the topic.
fn mqtt_message(topic: &str, qos: u8, retain: bool, dup: bool, body: &[u8]) -> Box<Message> {
    let mut message = delivery(body);
    message.exchange = MQTT_EXCHANGE.into();
    message.routing_key = amqp_tui::mqtt::topic::to_routing_key(topic);
    message.redelivered = dup;
    message.part = MessagePart::Mqtt(MqttFacts {
        topic: topic.into(),
        qos,
        retain,
        dup,
    });
    message
}

fn select_last(model: &mut Model) {
    model.tab_mut().focus = Focus::Messages;
    update(model, Action::ScrollUp);
    assert!(
        model.tab().log.selected().is_some(),
        "a message is selected"
    );
}

fn notice(model: &Model) -> String {
    model
        .tab()
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

#[test]
fn an_mqtt_row_shows_its_topic_qos_flags_size_and_body() {
    let mut model = mqtt_tab();
    feed(
        &mut model,
        WorkerEvent::Delivery(mqtt_message(TOPIC, 1, true, true, b"21.5")),
    );
    feed(
        &mut model,
        WorkerEvent::Delivery(mqtt_message("a/b", 0, false, false, b"x")),
    );
    let screen = lines(&render(&model));
    let header = line_with(&screen, "Received");
    assert!(
        header.contains(&format!("{:<30} {:<8} {:<9} Body", "Topic", "QoS", "Size")),
        "{header}"
    );
    let row = line_with(&screen, TOPIC);
    assert!(
        row.contains(&format!("{TOPIC:<30} {:<8} {:<9} 21.5", "q1 R D", "4 B")),
        "{row}"
    );
    let row = line_with(&screen, "a/b ");
    assert!(
        row.contains(&format!("{:<30} {:<8} {:<9} x", "a/b", "q0", "1 B")),
        "{row}"
    );
    // What RabbitMQ made of the topic is the message view's business, not the row's.
    assert!(!screen.iter().any(|l| l.contains("sensors.kitchen")));
    assert!(!screen.iter().any(|l| l.contains("Routing key")));
}

#[test]
fn an_amqp_tab_keeps_its_exchange_and_key_columns() {
    let mut model = support::screen::with_messages(1);
    let screen = lines(&render(&model));
    let header = line_with(&screen, "Received");
    assert!(
        header.contains(&format!(
            "{:<14} {:<16} {:<9} Body",
            "Exchange", "Routing key", "Size"
        )),
        "{header}"
    );
    // An MQTT message reaches an AMQP tab (a file loaded into it) as AMQP sees it.
    feed(
        &mut model,
        WorkerEvent::Delivery(mqtt_message(TOPIC, 1, false, false, b"21.5")),
    );
    let screen = lines(&render(&model));
    let row = line_with(&screen, "21.5");
    assert!(
        row.contains(&format!("{:<14} {:<16}", "amq.topic", "sensors.kitchen.")),
        "{row}"
    );
}

#[test]
fn a_hostile_topic_is_shown_escaped_and_wide_text_keeps_its_columns() {
    let mut model = mqtt_tab();
    // A window-title change and a bidi override in one topic (the view test has a colour).
    let hostile = "d/\x1b]0;\x07/\u{202e}";
    feed(
        &mut model,
        WorkerEvent::Delivery(mqtt_message(hostile, 1, false, false, b"evil")),
    );
    feed(
        &mut model,
        WorkerEvent::Delivery(mqtt_message("温度/厨房", 0, true, false, b"wide")),
    );
    let buffer = render(&model);
    let screen = rows(&buffer);
    assert!(
        !screen
            .iter()
            .any(|l| l.chars().any(amqp_tui::text::is_unsafe)),
        "nothing from the network reaches the terminal raw"
    );
    let row = line_with(&screen, "evil");
    assert!(
        row.contains(&format!("{:<30} {:<8}", "d/\\e]0;\\u{7}/\\u{202e}", "q1")),
        "{row}"
    );
    // Four two-column characters and a slash: 9 columns, padded to 30 like any other.
    let row = line_with(&screen, "wide");
    assert!(
        row.contains(&format!("温度/厨房{} {:<8}", " ".repeat(30 - 9), "q0 R")),
        "{row}"
    );
}

#[test]
fn the_message_view_shows_the_mqtt_publish_and_what_rabbitmq_routes_it_as() {
    let mut model = mqtt_tab();
    feed(
        &mut model,
        WorkerEvent::Delivery(mqtt_message(
            "dev/\x1b[31m/x",
            1,
            true,
            false,
            b"{\"t\": 21.5}",
        )),
    );
    select_last(&mut model);
    update(&mut model, Action::OpenMessage);
    assert!(matches!(model.overlay, Overlay::Message { .. }));
    let screen = lines(&render(&model));
    let label = |name: &str| format!("  {name:<18}");
    assert!(line_with(&screen, "MQTT publish").contains("MQTT publish"));
    for (name, value) in [
        ("topic", "dev/\\e[31m/x"),
        ("qos", "1"),
        ("retain", "yes"),
        ("dup", "no"),
        ("exchange", "amq.topic"),
        ("routing-key", "dev.\\e[31m.x"),
    ] {
        let expected = format!("{}{value}", label(name));
        assert!(
            line_with(&screen, &label(name)).contains(&expected),
            "{expected:?} in\n{}",
            screen.join("\n")
        );
    }
    assert!(line_with(&screen, "As RabbitMQ routes it").contains("(what AMQP sees)"));
    // AMQP's delivery facts mean nothing for an MQTT message.
    for absent in ["delivery-tag", "consumer-tag", "Properties"] {
        assert!(!screen.iter().any(|l| l.contains(absent)), "{absent}");
    }
}

#[test]
fn an_mqtt_message_replays_to_its_topic_with_its_qos_and_retain() {
    let mut model = mqtt_tab();
    feed(
        &mut model,
        WorkerEvent::Delivery(mqtt_message(TOPIC, 1, true, false, b"21.5")),
    );
    select_last(&mut model);
    update(&mut model, Action::Replay);
    let compose = &model.tab().compose;
    assert_eq!(compose.routing_key.value(), TOPIC);
    assert!(compose.confirm, "QoS 1 is confirmed");
    assert!(compose.persistent, "retained");
    assert_eq!(model.tab().focus, Focus::ComposeKey);
    let text = notice(&model);
    assert!(text.contains("its topic, QoS, retain flag"), "{text}");

    let effects = update(&mut model, Action::ReplayShown);
    let [Effect::Publish { request, .. }] = effects.as_slice() else {
        panic!("expected a publish, got {effects:?}");
    };
    assert_eq!(
        request.part,
        PublishPart::Mqtt {
            topic: TOPIC.into(),
            qos: 1,
            retain: true
        }
    );
    assert_eq!(request.exchange, MQTT_EXCHANGE);
    assert_eq!(request.routing_key, "sensors.kitchen.temp");
    assert!(request.confirm);
    assert_eq!(request.body, b"21.5");
}

/// Loads `messages` into the current tab as the app does with a file.
fn load(model: &mut Model, messages: Vec<ExportedMessage>) {
    let tab = model.tab().number;
    update(
        model,
        Action::FileLoaded {
            tab,
            path: "m.jsonl".into(),
            result: Ok(messages),
        },
    );
}

#[test]
fn an_amqp_message_replayed_from_an_mqtt_tab_goes_to_the_topic_its_key_maps_to() {
    let mut model = mqtt_tab();
    let mut amqp = delivery(b"hello");
    amqp.exchange = "amq.topic".into();
    amqp.routing_key = "test.any".into();
    amqp.properties.delivery_mode = Some(2);
    let mut wildcard = delivery(b"no");
    wildcard.routing_key = "test.*".into();
    load(
        &mut model,
        vec![
            ExportedMessage::from_delivery(&amqp),
            ExportedMessage::from_delivery(&wildcard),
        ],
    );
    let text = notice(&model);
    assert!(text.ends_with("every shown one to its topic."), "{text}");
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::ScrollUp);
    update(&mut model, Action::ScrollUp);
    update(&mut model, Action::Replay);
    assert_eq!(model.tab().compose.routing_key.value(), "test/any");
    assert!(model.tab().compose.confirm, "persistent: QoS 1");
    assert!(!model.tab().compose.persistent, "not retained");
    let text = notice(&model);
    assert!(
        text.starts_with("AMQP key 'test.any' becomes MQTT topic 'test/any'."),
        "{text}"
    );

    let effects = update(&mut model, Action::ReplayShown);
    let [Effect::Publish { request, .. }] = effects.as_slice() else {
        panic!("expected one publish, got {effects:?}");
    };
    assert_eq!(
        request.part,
        PublishPart::Mqtt {
            topic: "test/any".into(),
            qos: 1,
            retain: false
        }
    );
    let notice = model.tab().notice.clone().expect("a notice");
    assert_eq!(notice.level, Level::Warning);
    assert_eq!(
        notice.text,
        "Replaying 1 messages to their topics … 2 came by AMQP: each goes to the topic its routing key becomes ('.' as '/'). 1 not replayed, as their topic 'test/+' has a wildcard (+ or #): a publish goes to one topic, only subscriptions take wildcards."
    );
}

#[test]
fn an_mqtt_message_replayed_from_an_amqp_tab_goes_to_amq_topic_with_its_key() {
    let mut model = connected(ConnectionSettings::default());
    load(
        &mut model,
        vec![ExportedMessage::from_delivery(&mqtt_message(
            TOPIC, 1, true, false, b"21.5",
        ))],
    );
    select_last(&mut model);
    update(&mut model, Action::Replay);
    let compose = &model.tab().compose;
    assert_eq!(compose.exchange.value(), "amq.topic");
    assert_eq!(compose.routing_key.value(), "sensors.kitchen.temp");
    assert_eq!(model.tab().focus, Focus::ComposeExchange);
    let text = notice(&model);
    assert!(
        text.starts_with(
            "MQTT topic 'sensors/kitchen/temp' goes to amq.topic with key 'sensors.kitchen.temp'."
        ),
        "{text}"
    );

    let effects = update(&mut model, Action::ReplayShown);
    let [Effect::Publish { request, .. }] = effects.as_slice() else {
        panic!("expected a publish, got {effects:?}");
    };
    assert_eq!(request.part, PublishPart::Amqp);
    assert_eq!(request.exchange, "amq.topic");
    assert_eq!(request.routing_key, "sensors.kitchen.temp");
    let text = notice(&model);
    assert!(
        text.ends_with(
            "1 came by MQTT: each goes to amq.topic with the key RabbitMQ made of its topic."
        ),
        "{text}"
    );
}

/// F1 lists what the tab's protocol offers, as the footer does: an MQTT tab has no
/// bindings, settling, peek or AMQP properties editor.
#[test]
fn the_help_overlay_of_an_mqtt_tab_lists_only_what_mqtt_offers() {
    let help = |mut model: Model| -> String {
        let mut screen = Vec::new();
        for page in 0..4 {
            model.overlay = Overlay::Help { page };
            screen.extend(lines(&render(&model)));
        }
        screen.join("\n")
    };
    let mqtt = help(mqtt_tab());
    let amqp = help(connected(ConnectionSettings::default()));
    for binding in amqp_tui::keymap::BINDINGS {
        let listed = |screen: &str| {
            screen
                .lines()
                .any(|l| l.contains(binding.keys) && l.contains(binding.label))
        };
        assert!(listed(&amqp), "AMQP help lacks {}:\n{amqp}", binding.label);
        let offered = amqp_tui::keymap::offered(Protocol::Mqtt, &binding.action);
        if !offered {
            assert!(!listed(&mqtt), "MQTT help lists {}:\n{mqtt}", binding.label);
        }
    }
    assert!(!mqtt.contains("peek"), "{mqtt}");
}
