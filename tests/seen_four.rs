//! The four protocols of the broker guide at once, through the whole app loop with its
//! real workers on the real node: an AMQP tap of `amq.topic`, an MQTT tab, a STOMP tab and
//! a Web-STOMP tab, all watching `test.ID.#` in their protocol's words. Each publishes one
//! message in turn; the other three receive it, and the publishing tab's notice names all
//! three.

mod support;

use amqp_tui::{
    action::Action,
    amqp::{Binding, Routing, Source},
    app::App,
    model::{ConnectForm, Focus, Model},
    mqtt::{self, MqttOptions},
    session::{ConnectionSettings, Protocol},
    stomp::StompOptions,
};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::{Terminal, backend::TestBackend};
use support::{
    Broker,
    app_loop::{all_connected, run_until},
    screen::rows,
    unique_suffix,
};
use tui_input::Input;

fn stomp(broker: &Broker, protocol: Protocol, port: u16, id: &str, to: &str) -> ConnectionSettings {
    ConnectionSettings {
        protocol,
        host: "127.0.0.1".into(),
        port,
        stomp: StompOptions {
            destinations: vec![format!("/topic/test.{id}.#")],
            publish_destination: format!("/topic/test.{id}.{to}"),
            ..StompOptions::default()
        },
        ..broker.plain("seen-four")
    }
}

#[tokio::test]
async fn a_message_from_each_protocol_is_seen_by_the_other_three_and_named() {
    let broker = Broker::shared();
    let id = format!("four-{}-{}", std::process::id(), unique_suffix());
    let amqp = ConnectionSettings {
        routing: Routing {
            source: Source::TapExchange,
            exchange: mqtt::MQTT_EXCHANGE.into(),
            bindings: vec![Binding::key(format!("test.{id}.#"))],
            ..Routing::default()
        },
        ..broker.plain("seen-four")
    };
    let mqtt = ConnectionSettings {
        protocol: Protocol::Mqtt,
        host: "127.0.0.1".into(),
        port: broker.mqtt_port(),
        mqtt: MqttOptions {
            subscriptions: vec![format!("test/{id}/#")],
            qos: 1,
            publish_topic: format!("test/{id}/m"),
            ..MqttOptions::default()
        },
        ..ConnectionSettings::default()
    };
    let tabs = [
        amqp,
        mqtt,
        stomp(&broker, Protocol::Stomp, broker.stomp_port(), &id, "s"),
        stomp(
            &broker,
            Protocol::WebStomp,
            broker.web_stomp_port(),
            &id,
            "w",
        ),
    ];
    let mut model = Model::new(&tabs[0]);
    model.tab_mut().compose.body = Input::new("from tab 1".into());
    for (i, settings) in tabs.iter().enumerate().skip(1) {
        model
            .open_tab(ConnectForm::from_settings(settings))
            .expect("room for a tab");
        model.tab_mut().compose.body = Input::new(format!("from tab {}", i + 1));
    }
    let mut app = App::new(model);
    for tab in 0..tabs.len() {
        app.dispatch(Action::GoToTab(tab));
        app.dispatch(Action::Connect);
    }
    let mut terminal = Terminal::new(TestBackend::new(300, 30)).expect("test terminal");
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

    // How each tab sees a message published to key test.ID.K.
    let seen = |tab: usize, k: &str| match tab {
        0 => format!("AMQP amq.topic test.{id}.{k}"),
        1 => format!("MQTT test/{id}/{k}"),
        2 => format!("STOMP /topic/test.{id}.{k}"),
        _ => format!("Web-STOMP /topic/test.{id}.{k}"),
    };
    // The AMQP box starts at the tap's binding key: the key is typed over, as a user would.
    app.dispatch(Action::GoToTab(0));
    for _ in 0..8 {
        if app.model().tab().focus == Focus::ComposeKey {
            break;
        }
        app.dispatch(Action::FocusNext);
    }
    assert_eq!(app.model().tab().focus, Focus::ComposeKey);
    for _ in 0..format!("test.{id}.#").chars().count() {
        app.dispatch(Action::Edit(KeyEvent::from(KeyCode::Backspace)));
    }
    app.dispatch(Action::Paste(format!("test.{id}.a")));
    for (publisher, key) in [(0, "a"), (1, "m"), (2, "s"), (3, "w")] {
        app.dispatch(Action::GoToTab(publisher));
        app.dispatch(Action::Publish);
        let copies = publisher + 1;
        // The final state, whole: every copy in, and the publish's outcome reported.
        run_until(&mut app, &mut terminal, |m| {
            let mut others = m.tabs().iter().enumerate().filter(|(i, _)| *i != publisher);
            others.all(|(_, t)| t.log.len() >= copies)
                && m.tab().notice.as_ref().is_some_and(|n| {
                    ["acked by the broker", "RECEIPT"]
                        .iter()
                        .any(|done| n.text.contains(done))
                })
        })
        .await;
        run_until(&mut app, &mut terminal, |_| true).await;
        let screen = rows(terminal.backend().buffer()).join("\n");
        assert!(
            screen.contains("seen in 3 other tabs: "),
            "tab {}:\n{screen}",
            publisher + 1
        );
        for other in (0..4).filter(|t| *t != publisher) {
            assert!(
                screen.contains(&seen(other, key)),
                "tab {}'s notice lacks {}:\n{screen}",
                publisher + 1,
                seen(other, key)
            );
        }
    }
    app.shutdown().await;
}
