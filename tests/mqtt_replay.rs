//! MQTT messages through the whole app against the real node, checked by `mosquitto_sub`
//! (a client no one here wrote): a message the app received replays to its topic with its
//! QoS, and one loaded from a file with the retain flag is retained by the broker.

mod support;

use std::time::Duration;

use amqp_tui::{
    action::Action,
    app::App,
    inspect::export::ExportedMessage,
    model::{ConnState, Model},
    mqtt::MqttOptions,
    session::{ConnectionSettings, MessagePart, MqttFacts, Protocol},
};
use ratatui::{Terminal, backend::TestBackend};
use support::{
    Broker,
    mqtt_clients::{self, Received, Subscriber},
    unique_suffix,
};

const PATIENCE: Duration = Duration::from_secs(60);

async fn run_until(
    app: &mut App,
    terminal: &mut Terminal<TestBackend>,
    until: impl Fn(&Model) -> bool,
) {
    let idle = futures_lite::stream::pending;
    tokio::time::timeout(PATIENCE, app.run_until(terminal, idle(), until))
        .await
        .expect("the app got there in time")
        .expect("the app's loop");
}

/// A topic prefix no other test uses (no `/`, `.`, `+` or `#` in its level).
fn unique(tag: &str) -> String {
    format!("replay/{tag}-{}-{}", std::process::id(), unique_suffix())
}

/// The app with one MQTT tab subscribed to `prefix/#` at QoS 1, connected.
async fn mqtt_app(broker: &Broker, prefix: &str) -> (App, Terminal<TestBackend>) {
    let settings = ConnectionSettings {
        protocol: Protocol::Mqtt,
        host: "127.0.0.1".into(),
        port: broker.mqtt_port(),
        mqtt: MqttOptions {
            client_id: format!("mqttview-{}", unique_suffix()),
            subscriptions: vec![format!("{prefix}/#")],
            qos: 1,
            ..MqttOptions::default()
        },
        ..ConnectionSettings::default()
    };
    let mut app = App::new(Model::new(&settings));
    app.dispatch(Action::Connect);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    run_until(&mut app, &mut terminal, |m| {
        matches!(m.tab().conn, ConnState::Connected { .. }) || m.tab().form.error.is_some()
    })
    .await;
    assert!(
        matches!(app.model().tab().conn, ConnState::Connected { .. }),
        "{:?}",
        app.model().tab().form.error
    );
    (app, terminal)
}

#[tokio::test]
async fn a_received_mqtt_message_replays_to_its_topic_with_its_qos() {
    let broker = Broker::shared();
    let target = broker.mqtt_plain();
    let prefix = unique("live");
    let (mut app, mut terminal) = mqtt_app(&broker, &prefix).await;
    let topic = format!("{prefix}/in");
    // Two: the original, then the app's replay.
    let watcher = Subscriber::mosquitto(&target, &format!("{prefix}/#"), 1, 2).await;
    mqtt_clients::mosquitto_pub(&target, &topic, "from mosquitto", 1, &[])
        .await
        .expect_success("mosquitto_pub");
    run_until(&mut app, &mut terminal, |m| m.tab().log.len() == 1).await;
    let first = app.model().tab().log.shown_entries().next().expect("one");
    assert_eq!(first.delivery.part, live(&topic));

    app.dispatch(Action::ReplayShown);
    run_until(&mut app, &mut terminal, |m| m.tab().log.len() == 2).await;
    let got = watcher.finish().await.expect_success("mosquitto_sub");
    let sent = Received {
        topic: topic.clone(),
        qos: 1,
        retained: false,
        payload: b"from mosquitto".to_vec(),
    };
    assert_eq!(got.messages(), [sent.clone(), sent], "{got:#?}");
    let again = app.model().tab().log.shown_entries().nth(1).expect("two");
    assert_eq!(again.delivery.part, live(&topic));
}

/// A message as a subscription gets it live: QoS 1, not from the retained store.
fn live(topic: &str) -> MessagePart {
    MessagePart::Mqtt(MqttFacts {
        topic: topic.into(),
        qos: 1,
        retain: false,
        dup: false,
    })
}

#[tokio::test]
async fn a_loaded_retained_message_replays_retained() {
    let broker = Broker::shared();
    let target = broker.mqtt_plain();
    let prefix = unique("kept");
    let (mut app, mut terminal) = mqtt_app(&broker, &prefix).await;
    let topic = format!("{prefix}/state");
    let message = ExportedMessage {
        exchange: "amq.topic".into(),
        routing_key: amqp_tui::mqtt::topic::to_routing_key(&topic),
        redelivered: false,
        received_at: None,
        properties: Default::default(),
        body: b"on".to_vec(),
        part: MessagePart::Mqtt(MqttFacts {
            topic: topic.clone(),
            qos: 1,
            retain: true,
            dup: false,
        }),
    };
    let tab = app.model().tab().number;
    app.dispatch(Action::FileLoaded {
        tab,
        path: "kept.jsonl".into(),
        result: Ok(vec![message]),
    });
    app.dispatch(Action::ReplayShown);
    // The loaded one, then the replay coming back through the tab's own subscription.
    run_until(&mut app, &mut terminal, |m| m.tab().log.len() == 2).await;

    // A subscriber that arrives afterwards gets it from the broker's retained store.
    let late = Subscriber::mosquitto(&target, &topic, 1, 1).await;
    let got = late.finish().await.expect_success("mosquitto_sub");
    // Cleared before asserting, so a failure leaves nothing retained behind.
    mqtt_clients::mosquitto_pub(&target, &topic, "", 1, &["-r"])
        .await
        .expect_success("mosquitto_pub clearing the retained message");
    assert_eq!(
        got.messages(),
        [Received {
            topic,
            qos: 1,
            retained: true,
            payload: b"on".to_vec(),
        }],
        "{got:#?}"
    );
}
