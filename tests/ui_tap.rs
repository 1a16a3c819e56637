//! Tapping an existing exchange: the type a passive declare cannot check, on screen.

mod support;

use amqp_tui::{
    action::Action,
    amqp::{ExchangeType, Source},
    model::{Field, Focus, Model},
    session::WorkerEvent,
    ui,
    update::update,
};
use crossterm::event::{KeyCode, KeyEvent};
use support::screen::{H, feed, line_with, lines, render};

/// A tab whose form taps `exchange` as `chosen` with `key`, connected as the worker says.
fn tapping(exchange: &str, chosen: ExchangeType, key: &str) -> Model {
    let mut model = Model::default();
    let form = &mut model.tab_mut().form;
    form.source = Source::TapExchange;
    form.exchange_type = chosen;
    *form.input_mut(Field::Exchange) = tui_input::Input::new(exchange.into());
    *form.input_mut(Field::RoutingKey) = tui_input::Input::new(key.into());
    update(&mut model, Action::Connect);
    feed(
        &mut model,
        WorkerEvent::Connected {
            queue: "amq.gen-tap".into(),
            security: amqp_tui::tls::Security::Plain,
            reconnected: false,
            endpoint: amqp_tui::session::Endpoint::new("localhost", 5672),
            failed_over: None,
            details: Box::default(),
        },
    );
    update(
        &mut model,
        Action::Resize {
            page_rows: ui::message_rows(H),
        },
    );
    model
}

fn explain(model: &mut Model, key: &str) -> Vec<String> {
    model.tab_mut().focus = Focus::Messages;
    update(model, Action::OpenExplain);
    for _ in 0..30 {
        update(model, Action::Edit(KeyEvent::from(KeyCode::Backspace)));
    }
    for c in key.chars() {
        update(model, Action::Edit(KeyEvent::from(KeyCode::Char(c))));
    }
    lines(&render(model))
}

#[test]
fn tapping_amq_topic_chosen_as_direct_binds_and_explains_it_as_topic() {
    let mut model = tapping("amq.topic", ExchangeType::Direct, "order.*");
    let screen = lines(&render(&model));
    assert!(
        screen.iter().any(|l| l
            .contains("┌ tap amq.topic (topic) ─order.*→ amq.gen-tap · following · 0 received")),
        "{}",
        screen.join("\n")
    );
    let screen = explain(&mut model, "order.x");
    assert!(
        line_with(&screen, "bindings match").contains("amq.topic (topic): 1 of 1 bindings match"),
        "{}",
        screen.join("\n")
    );
    assert!(!screen.iter().any(|l| l.contains("assumed")));
}

#[test]
fn tapping_another_exchange_says_its_type_is_assumed() {
    let mut model = tapping("shop", ExchangeType::Topic, "order.*");
    let screen = lines(&render(&model));
    assert!(
        screen
            .iter()
            .any(|l| l.contains("┌ tap shop (topic, assumed) ─order.*→ amq.gen-tap")),
        "{}",
        screen.join("\n")
    );
    let screen = explain(&mut model, "order.x");
    assert!(
        line_with(&screen, "bindings match").contains("shop (topic, assumed): 1 of 1"),
        "{}",
        screen.join("\n")
    );
    assert!(
        line_with(&screen, "is assumed, not checked")
            .contains("The type topic is assumed, not checked: a tap only checks that the"),
        "{}",
        screen.join("\n")
    );
}
