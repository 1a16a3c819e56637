//! One message followed across tabs, on screen through TestBackend: a publish from one tab
//! whose copies reach an MQTT tab and another AMQP tab (the events their workers send) is
//! named in the publishing tab's notice, which grows as copies come, and in each copy's
//! message view; copies that come too late, or differ in body or exchange, say nothing.

mod support;

use amqp_tui::{
    action::Action,
    model::{ConnectForm, Focus, Model, crossings::MAX_PUBLISHES},
    mqtt::{MQTT_EXCHANGE, MqttOptions},
    session::{
        ConnectionSettings, MessagePart, MqttFacts, Protocol, PublishOutcome, SessionEvent,
        WorkerEvent,
    },
    update::{Effect, open_in_new_tab, update},
};
use chrono::{DateTime, Local, TimeDelta};
use support::screen::{connected, delivery, draw_at, feed, line_with};
use tui_input::Input;

/// Wide enough that neither the notice nor the message view's line wraps.
const WIDE: u16 = 220;
const KEY: &str = "test.any";
const TOPIC: &str = "test/any";
const BODY: &[u8] = b"hello across";

/// Tab 1 AMQP (the publisher), tab 2 MQTT subscribed to `test/#`, tab 3 AMQP tapping
/// `amq.topic`; all connected, tab 1 current.
fn three_tabs() -> Model {
    let mut model = connected(ConnectionSettings::default());
    let mqtt = ConnectionSettings {
        protocol: Protocol::Mqtt,
        port: Protocol::Mqtt.default_port(false),
        mqtt: MqttOptions {
            subscriptions: vec!["test/#".into()],
            ..MqttOptions::default()
        },
        ..ConnectionSettings::default()
    };
    let mut tap = ConnectionSettings::default();
    tap.routing.exchange = MQTT_EXCHANGE.into();
    for (settings, name) in [(mqtt, "mqtt"), (tap, "tap")] {
        let effects = open_in_new_tab(
            &mut model,
            ConnectForm::from_settings(&settings),
            name,
            true,
        );
        assert!(
            matches!(effects.as_slice(), [Effect::Connect { .. }]),
            "{effects:?}"
        );
        feed(
            &mut model,
            WorkerEvent::Connected {
                queue: "q".into(),
                security: settings.security(),
                reconnected: false,
                endpoint: amqp_tui::session::Endpoint::new("localhost", 5672),
                failed_over: None,
                details: Box::default(),
            },
        );
    }
    assert_eq!(model.tabs()[1].protocol(), Protocol::Mqtt);
    update(&mut model, Action::GoToTab(0));
    model
}

/// The current tab publishes `body` to `target` (AMQP: amq.topic and the key; MQTT: the
/// topic): the request's id.
fn publish(model: &mut Model, target: &str, body: &[u8]) -> u64 {
    let compose = &mut model.tab_mut().compose;
    compose.exchange = Input::new(MQTT_EXCHANGE.into());
    compose.routing_key = Input::new(target.into());
    compose.body = Input::new(String::from_utf8_lossy(body).into_owned());
    let effects = update(model, Action::Publish);
    let [Effect::Publish { request, .. }] = effects.as_slice() else {
        panic!("expected one publish, got {effects:?}");
    };
    assert_eq!(
        (request.exchange.as_str(), request.routing_key.as_str()),
        (MQTT_EXCHANGE, KEY)
    );
    request.id
}

/// The broker confirmed publish `id` of the tab at `index`.
fn routed(model: &mut Model, index: usize, id: u64) {
    let event = WorkerEvent::Published {
        id,
        exchange: MQTT_EXCHANGE.into(),
        routing_key: KEY.into(),
        outcome: PublishOutcome::Routed,
        unsent: None,
    };
    feed_tab(model, index, event);
}

fn feed_tab(model: &mut Model, index: usize, event: WorkerEvent) {
    let session = model.tabs()[index].session;
    update(model, Action::Broker(SessionEvent { session, event }));
}

/// A copy as an AMQP tap on `exchange` gets it, received at `at`.
fn amqp_copy(exchange: &str, body: &[u8], at: DateTime<Local>) -> WorkerEvent {
    let mut message = delivery(body);
    message.received_at = at;
    message.exchange = exchange.into();
    message.routing_key = KEY.into();
    WorkerEvent::Delivery(message)
}

/// A copy as the MQTT session gets it: RabbitMQ's exchange and key beside the topic.
fn mqtt_copy(body: &[u8], at: DateTime<Local>) -> WorkerEvent {
    let WorkerEvent::Delivery(mut message) = amqp_copy(MQTT_EXCHANGE, body, at) else {
        unreachable!("amqp_copy makes a delivery")
    };
    message.part = MessagePart::Mqtt(MqttFacts {
        topic: TOPIC.into(),
        qos: 1,
        retain: false,
        dup: false,
    });
    WorkerEvent::Delivery(message)
}

fn screen(model: &Model) -> Vec<String> {
    draw_at(model, WIDE, 30)
}

/// The current tab's notice line, as drawn.
fn notice(model: &Model, starting: &str) -> String {
    line_with(&screen(model), starting).trim().to_string()
}

/// Enter on the newest message of the tab at `index`: the first line of its view, if it
/// says where the message came from.
fn copy_line(model: &mut Model, index: usize) -> Option<String> {
    update(model, Action::GoToTab(index));
    model.tab_mut().focus = Focus::Messages;
    update(model, Action::OpenMessage);
    let rows = screen(model);
    update(model, Action::CloseOverlay);
    rows.iter()
        .find(|row| row.contains("published from"))
        .map(|row| row.trim_matches(['│', ' ']).to_string())
}

const ROUTED: &str = "Published to exchange 'amq.topic' with key 'test.any': acked by the broker.";

#[test]
fn a_publish_seen_in_an_mqtt_tab_and_an_amqp_tab_is_named_in_the_notice_and_each_copy() {
    let mut model = three_tabs();
    let id = publish(&mut model, KEY, BODY);
    // The MQTT tab's copy comes before the publisher's confirm: the notice grows already.
    feed_tab(&mut model, 1, mqtt_copy(BODY, Local::now()));
    assert_eq!(
        notice(&model, "Publishing to"),
        "Publishing to exchange 'amq.topic' with key 'test.any' … · seen in 1 other tab: MQTT test/any"
    );
    routed(&mut model, 0, id);
    assert_eq!(
        notice(&model, "Published to"),
        format!("{ROUTED} · seen in 1 other tab: MQTT test/any")
    );
    feed_tab(&mut model, 2, amqp_copy(MQTT_EXCHANGE, BODY, Local::now()));
    assert_eq!(
        notice(&model, "Published to"),
        format!("{ROUTED} · seen in 2 other tabs: MQTT test/any · AMQP amq.topic test.any")
    );

    assert_eq!(
        copy_line(&mut model, 1).as_deref(),
        Some(
            "published from tab 1 (AMQP amq.topic test.any) · also seen in: AMQP amq.topic test.any"
        )
    );
    assert_eq!(
        copy_line(&mut model, 2).as_deref(),
        Some("published from tab 1 (AMQP amq.topic test.any) · also seen in: MQTT test/any")
    );
}

#[test]
fn a_copy_after_the_window_says_nothing() {
    let mut model = three_tabs();
    let id = publish(&mut model, KEY, BODY);
    routed(&mut model, 0, id);
    let confirmed = Local::now();
    feed_tab(
        &mut model,
        1,
        mqtt_copy(BODY, confirmed + TimeDelta::seconds(11)),
    );
    feed_tab(
        &mut model,
        2,
        amqp_copy(MQTT_EXCHANGE, BODY, confirmed + TimeDelta::seconds(9)),
    );
    update(&mut model, Action::GoToTab(0));
    assert_eq!(
        notice(&model, "Published to"),
        format!("{ROUTED} · seen in 1 other tab: AMQP amq.topic test.any")
    );
    assert_eq!(copy_line(&mut model, 1), None);
    assert_eq!(
        copy_line(&mut model, 2).as_deref(),
        Some("published from tab 1 (AMQP amq.topic test.any)")
    );
}

#[test]
fn another_body_with_the_same_key_or_the_same_body_from_another_exchange_says_nothing() {
    let mut model = three_tabs();
    let id = publish(&mut model, KEY, BODY);
    routed(&mut model, 0, id);
    feed_tab(&mut model, 1, mqtt_copy(b"hello ACROSS", Local::now()));
    feed_tab(&mut model, 2, amqp_copy("testEx", BODY, Local::now()));
    update(&mut model, Action::GoToTab(0));
    assert_eq!(notice(&model, "Published to"), ROUTED);
    assert_eq!(copy_line(&mut model, 1), None);
    assert_eq!(copy_line(&mut model, 2), None);
}

#[test]
fn a_copy_only_in_its_own_publishing_tab_says_nothing_new() {
    let mut model = three_tabs();
    let id = publish(&mut model, KEY, BODY);
    routed(&mut model, 0, id);
    feed_tab(&mut model, 0, amqp_copy(MQTT_EXCHANGE, BODY, Local::now()));
    assert_eq!(notice(&model, "Published to"), ROUTED);
    assert_eq!(copy_line(&mut model, 0), None);

    feed_tab(&mut model, 1, mqtt_copy(BODY, Local::now()));
    update(&mut model, Action::GoToTab(0));
    assert_eq!(
        notice(&model, "Published to"),
        format!("{ROUTED} · seen in 1 other tab: MQTT test/any")
    );
    assert_eq!(
        copy_line(&mut model, 0).as_deref(),
        Some("published from tab 1 (AMQP amq.topic test.any) · also seen in: MQTT test/any")
    );
}

#[test]
fn an_mqtt_publish_names_its_tab_as_the_bar_numbers_it_after_tabs_close() {
    let mut model = three_tabs();
    update(&mut model, Action::GoToTab(1));
    let id = publish(&mut model, TOPIC, BODY);
    routed(&mut model, 1, id);
    feed_tab(&mut model, 2, amqp_copy(MQTT_EXCHANGE, BODY, Local::now()));
    update(&mut model, Action::GoToTab(1));
    assert_eq!(
        notice(&model, "Published to"),
        "Published to topic 'test/any': acked by the broker (PUBACK). · seen in 1 other tab: AMQP amq.topic test.any"
    );
    assert_eq!(
        copy_line(&mut model, 2).as_deref(),
        Some("published from tab 2 (MQTT test/any)")
    );
    // Closing tab 1 moves the MQTT tab to the bar's first place; closing that one too
    // leaves the copy's origin a closed tab.
    for _ in 0..2 {
        let open = model.tabs().len();
        update(&mut model, Action::GoToTab(0));
        // Asked first (the session would end), then closed.
        update(&mut model, Action::CloseTab);
        update(&mut model, Action::CloseTab);
        assert_eq!(model.tabs().len(), open - 1);
        let expected = match model.tabs().len() {
            2 => "published from tab 1 (MQTT test/any)",
            _ => "published from a tab since closed (MQTT test/any)",
        };
        let last = model.tabs().len() - 1;
        assert_eq!(copy_line(&mut model, last).as_deref(), Some(expected));
    }
}

#[test]
fn a_thousand_publishes_keep_the_record_under_its_cap_and_the_newest_followed() {
    let mut model = three_tabs();
    let mut last = 0;
    for i in 0..1000 {
        last = publish(&mut model, KEY, format!("message {i}").as_bytes());
        routed(&mut model, 0, last);
        assert!(
            model.crossings.len() <= MAX_PUBLISHES,
            "{}",
            model.crossings.len()
        );
    }
    assert_eq!(model.crossings.len(), MAX_PUBLISHES);
    feed_tab(&mut model, 1, mqtt_copy(b"message 999", Local::now()));
    feed_tab(
        &mut model,
        2,
        amqp_copy(MQTT_EXCHANGE, b"message 0", Local::now()),
    );
    assert!(model.crossings.of_publish(1, last).is_some());
    assert_eq!(
        notice(&model, "Published to"),
        format!("{ROUTED} · seen in 1 other tab: MQTT test/any")
    );
    assert_eq!(
        copy_line(&mut model, 2),
        None,
        "the first publish is forgotten"
    );
}
