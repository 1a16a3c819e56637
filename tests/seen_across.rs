//! One message followed across protocols on the real node, through the whole app loop with
//! its real workers: an MQTT tab publishes to `test/ID/x`; an AMQP tab tapping `amq.topic`
//! with `test.ID.#` receives it, and the MQTT tab's notice names it there; the copy's
//! message view names the MQTT tab it came from.

mod support;

use amqp_tui::{
    action::Action,
    amqp::{Binding, Routing, Source},
    app::App,
    model::{ConnectForm, Model},
    mqtt::{self, MqttOptions},
    session::{ConnectionSettings, Protocol},
};
use ratatui::{Terminal, backend::TestBackend};
use support::{
    Broker,
    app_loop::{all_connected, run_until},
    screen::rows,
    unique_suffix,
};
use tui_input::Input;

#[tokio::test]
async fn an_mqtt_publish_seen_by_an_amqp_tap_is_named_in_the_notice_and_the_copy() {
    let broker = Broker::shared();
    let id = format!("seen-{}-{}", std::process::id(), unique_suffix());
    let topic = format!("test/{id}/x");
    // Tab 1: MQTT, subscribed to its own topic too: its own copy is not "another tab".
    let mqtt = ConnectionSettings {
        protocol: Protocol::Mqtt,
        host: "127.0.0.1".into(),
        port: broker.mqtt_port(),
        mqtt: MqttOptions {
            subscriptions: vec![format!("test/{id}/#")],
            qos: 1,
            publish_topic: topic.clone(),
            ..MqttOptions::default()
        },
        ..ConnectionSettings::default()
    };
    // Tab 2: AMQP, tapping amq.topic with the key RabbitMQ makes of the MQTT filter.
    let tap = ConnectionSettings {
        routing: Routing {
            source: Source::TapExchange,
            exchange: mqtt::MQTT_EXCHANGE.into(),
            bindings: vec![Binding::key(format!("test.{id}.#"))],
            ..Routing::default()
        },
        ..broker.plain("seen")
    };
    let mut model = Model::new(&mqtt);
    model.tab_mut().compose.body = Input::new("across protocols".into());
    model
        .open_tab(ConnectForm::from_settings(&tap))
        .expect("room for a second tab");
    let mut app = App::new(model);
    app.dispatch(Action::Connect);
    app.dispatch(Action::GoToTab(0));
    app.dispatch(Action::Connect);
    let mut terminal = Terminal::new(TestBackend::new(250, 30)).expect("test terminal");
    run_until(&mut app, &mut terminal, |m| {
        all_connected(m) || m.tabs().iter().any(|t| t.form.error.is_some())
    })
    .await;
    assert!(
        all_connected(app.model()),
        "{:?}",
        app.model()
            .tabs()
            .iter()
            .map(|t| &t.notice)
            .collect::<Vec<_>>()
    );

    app.dispatch(Action::Publish);
    // The final state, whole: the PUBACK reported, the copy in each tab.
    run_until(&mut app, &mut terminal, |m| {
        m.tabs().iter().all(|t| t.log.len() == 1)
            && m.tab()
                .notice
                .as_ref()
                .is_some_and(|n| n.text.contains("PUBACK"))
    })
    .await;
    run_until(&mut app, &mut terminal, |_| true).await;
    let screen = rows(terminal.backend().buffer());
    let notice = format!(
        "Published to topic '{topic}': acked by the broker (PUBACK). · seen in 1 other tab: AMQP amq.topic test.{id}.x"
    );
    assert!(
        screen.iter().any(|row| row.trim_end() == notice),
        "{notice}\n{}",
        screen.join("\n")
    );

    app.dispatch(Action::GoToTab(1));
    app.dispatch(Action::OpenMessage);
    run_until(&mut app, &mut terminal, |_| true).await;
    let screen = rows(terminal.backend().buffer());
    let line = format!("published from tab 1 (MQTT {topic}) · also seen in: MQTT {topic}");
    assert!(
        screen
            .iter()
            .any(|row| row.trim_matches(['│', ' ']) == line),
        "{line}\n{}",
        screen.join("\n")
    );
    app.shutdown().await;
}
