//! The form and the compose box of an MQTT tab, rendered into TestBackend: the protocol
//! first, only MQTT's fields, the port following protocol and TLS, the compose box aimed
//! at a topic, and AMQP-only keys neither offered nor acted on.

mod support;

use amqp_tui::{
    action::Action,
    model::{Field, Focus, Model},
    mqtt::MqttOptions,
    session::{ConnectionSettings, Protocol},
    update::{Effect, update},
};
use support::screen::{connected, line_with, lines, render};

fn mqtt_settings() -> ConnectionSettings {
    ConnectionSettings {
        protocol: Protocol::Mqtt,
        port: 1883,
        mqtt: MqttOptions {
            client_id: "dev-7".into(),
            subscriptions: vec!["sensors/+/temp".into()],
            publish_topic: "sensors/7/cmd".into(),
            ..MqttOptions::default()
        },
        ..ConnectionSettings::default()
    }
}

#[test]
fn choosing_mqtt_shows_its_fields_and_hides_amqps() {
    let mut model = Model::default();
    model.tab_mut().focus = Focus::Form(Field::Protocol);
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "Protocol").contains("< AMQP >"));
    assert!(line_with(&screen, "Port").contains("5672"));

    update(&mut model, Action::NextChoice);
    let screen = lines(&render(&model));
    let all = screen.join("\n");
    assert!(line_with(&screen, "Protocol").contains("< MQTT >"), "{all}");
    assert!(line_with(&screen, "Port").contains("1883"), "{all}");
    assert!(line_with(&screen, "Keep-alive (s)").contains("60"), "{all}");
    assert!(
        line_with(&screen, "Subscribe to").contains("test/#"),
        "{all}"
    );
    assert!(
        line_with(&screen, "QoS (subscriptions)").contains("< 1 >"),
        "{all}"
    );
    assert!(
        line_with(&screen, "Clean session").contains("[x] on"),
        "{all}"
    );
    assert!(
        line_with(&screen, "Client id").contains("amqp-tui-"),
        "{all}"
    );
    for hidden in [
        "Exchange",
        "Binding key",
        "Watch",
        "Ack mode",
        "Queue",
        "Heartbeat",
    ] {
        assert!(
            !screen.iter().any(|l| l.contains(&format!(" {hidden} "))),
            "{hidden} is AMQP's:\n{all}"
        );
    }

    // TLS on: the port follows to 8883.
    model.tab_mut().focus = Focus::Form(Field::Tls);
    update(&mut model, Action::ToggleField);
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "Port").contains("8883"));

    // Enter connects with an MQTT session.
    let effects = update(&mut model, Action::Connect);
    match effects.as_slice() {
        [Effect::Connect { settings, .. }] => {
            assert_eq!(settings.protocol, Protocol::Mqtt);
            assert_eq!(settings.port, 8883);
            assert_eq!(settings.mqtt.subscriptions, ["test/#"]);
        }
        other => panic!("expected one Connect, got {other:?}"),
    }
}

#[test]
fn an_mqtt_session_publishes_to_a_topic_and_offers_no_amqp_only_keys() {
    let mut model = connected(mqtt_settings());
    let screen = lines(&render(&model));
    let all = screen.join("\n");
    assert!(
        line_with(&screen, "CONNECTED").contains("MQTT · plain"),
        "{all}"
    );
    assert!(
        line_with(&screen, "Topic sensors").contains("sensors/7/cmd"),
        "{all}"
    );
    assert!(
        line_with(&screen, "Publish").contains("QoS 1, PUBACK confirms (F5)"),
        "{all}"
    );
    assert!(!all.contains("properties, headers"), "F4 is AMQP's:\n{all}");

    // b (bindings) is not offered: the footer does not name it, pressing it says why.
    assert!(
        !line_with(&screen, "Ctrl-C quit").contains("bindings"),
        "{all}"
    );
    let effects = update(&mut model, Action::OpenBindings);
    assert!(effects.is_empty());
    let notice = model.tab().notice.as_ref().expect("a notice");
    assert!(
        notice.text.contains("this tab speaks MQTT"),
        "{}",
        notice.text
    );

    // x says which AMQP key the topic becomes.
    update(&mut model, Action::OpenExplain);
    let notice = model.tab().notice.as_ref().expect("a notice");
    assert!(
        notice
            .text
            .contains("'sensors/7/cmd' reaches AMQP as routing key 'sensors.7.cmd' on amq.topic")
            && notice
                .text
                .contains("'sensors/+/temp' is binding key 'sensors.*.temp'"),
        "{}",
        notice.text
    );

    // Enter in the compose box publishes to the topic at QoS 1; F5 makes it QoS 0.
    model.tab_mut().focus = Focus::ComposeBody;
    let effects = update(&mut model, Action::Publish);
    let request = match effects.as_slice() {
        [Effect::Publish { request, .. }] => request.clone(),
        other => panic!("expected one Publish, got {other:?}"),
    };
    assert_eq!(
        request.part,
        amqp_tui::session::PublishPart::Mqtt {
            topic: "sensors/7/cmd".into(),
            qos: 1,
            retain: false
        }
    );
    assert_eq!(
        (request.exchange.as_str(), request.routing_key.as_str()),
        ("amq.topic", "sensors.7.cmd")
    );
    update(&mut model, Action::ToggleConfirms);
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "Publish").contains("QoS 0, NOT confirmed (F5)"));

    // A wildcard in the topic is refused before anything is sent, naming the topic.
    model.tab_mut().compose.routing_key = tui_input::Input::new("sensors/#".into());
    let effects = update(&mut model, Action::Publish);
    assert!(effects.is_empty());
    let notice = model.tab().notice.as_ref().expect("a notice");
    assert!(
        notice.text.contains("Topic 'sensors/#' has a wildcard"),
        "{}",
        notice.text
    );
}
