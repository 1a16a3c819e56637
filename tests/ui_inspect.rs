//! The routing-debugger screens through TestBackend: the message view, the filter, the
//! explainer, the properties editor and replay into the compose box.

mod support;

use amqp_tui::{
    action::Action,
    amqp::{Binding, ExchangeType, Routing},
    model::{Focus, Model, Overlay},
    session::{ConnectionSettings, Properties, Value, WorkerEvent},
    ui,
    update::{Effect, update},
};
use crossterm::event::{KeyCode, KeyEvent};
use support::screen::{H, connected, delivery, feed, line_with, lines, render, with_messages};

fn type_text(model: &mut Model, text: &str) {
    for c in text.chars() {
        update(model, Action::Edit(KeyEvent::from(KeyCode::Char(c))));
    }
}

fn rich_delivery() -> Box<amqp_tui::session::Message> {
    let mut d = delivery(br#"{"order": 42, "note": "\u001b[2J", "items": [1, 2]}"#);
    d.routing_key = "order.eu.created".into();
    d.delivery_tag = 77;
    d.properties = Properties {
        content_type: Some("application/json".into()),
        correlation_id: Some("corr-\x1b]0;pwned\x07".into()),
        headers: Some(vec![(
            "x-death".into(),
            Value::Array(vec![Value::Table(vec![
                ("count".into(), Value::I64(3)),
                ("queue".into(), Value::LongString(b"orders".to_vec())),
            ])]),
        )]),
        ..Properties::default()
    };
    d
}

#[test]
fn the_message_view_shows_properties_nested_headers_and_pretty_json() {
    let mut model = with_messages(3);
    feed(&mut model, WorkerEvent::Delivery(rich_delivery()));
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::OpenMessage);
    assert!(matches!(model.overlay, Overlay::Message { .. }));
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "routing-key").contains("order.eu.created"));
    assert!(line_with(&screen, "delivery-tag").contains("77"));
    assert!(line_with(&screen, "x-death").contains("array"));
    assert!(line_with(&screen, "count").contains('3'));
    assert!(
        line_with(&screen, "\"order\"").contains("42"),
        "pretty JSON, one key a line"
    );
    assert!(
        !screen
            .iter()
            .any(|l| l.contains('\x1b') || l.contains('\x07')),
        "escape sequences from the network are shown, never sent"
    );
    update(&mut model, Action::CycleBodyView);
    let screen = lines(&render(&model));
    assert!(
        line_with(&screen, "00000000").contains("7b 22 6f"),
        "hex of {{\"o"
    );
}

#[test]
fn the_filter_narrows_the_pane_and_says_so() {
    let mut model = with_messages(5);
    feed(&mut model, WorkerEvent::Delivery(rich_delivery()));
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::OpenFilter);
    type_text(&mut model, "/order\\.eu/");
    update(&mut model, Action::SubmitPrompt);
    let screen = lines(&render(&model));
    let title = line_with(&screen, "received");
    // The user's own text, shown as typed: one backslash.
    assert!(title.contains("filter /order\\.eu/ (1 match)"), "{title}");
    assert!(
        !screen.iter().any(|l| l.contains("message 3")),
        "non-matches are hidden"
    );
    update(&mut model, Action::OpenFilter);
    type_text(&mut model, "/(bad/");
    update(&mut model, Action::SubmitPrompt);
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "regular expression").contains("regular expression"));
}

#[test]
fn the_explainer_shows_which_bindings_match_and_why() {
    let settings = ConnectionSettings {
        routing: Routing {
            exchange: "orders".into(),
            exchange_type: ExchangeType::Topic,
            bindings: vec![Binding::key("order.*.created")],
            ..Routing::default()
        },
        ..ConnectionSettings::default()
    };
    let mut model = connected(settings);
    update(
        &mut model,
        Action::Resize {
            page_rows: ui::message_rows(H),
        },
    );
    // The form holds the first binding; the second is added live, as the worker reports.
    feed(
        &mut model,
        WorkerEvent::BindingChanged {
            binding: Binding::key("order.us.#"),
            added: true,
            result: Ok(()),
        },
    );
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::OpenExplain);
    for _ in 0..30 {
        update(&mut model, Action::Edit(KeyEvent::from(KeyCode::Backspace)));
    }
    type_text(&mut model, "order.eu.created");
    let screen = lines(&render(&model));
    let summary = line_with(&screen, "bindings match");
    assert!(
        summary.contains("1 of 2 bindings match"),
        "{}",
        screen.join("\n")
    );
    assert!(line_with(&screen, "✓ order.*.created").contains("\"*\" matched \"eu\""));
    assert!(line_with(&screen, "✗ order.us.#").contains("topic pattern"));
}

#[test]
fn properties_are_edited_in_f4_and_bad_ones_named_on_publish() {
    let mut model = with_messages(0);
    model.tab_mut().focus = Focus::ComposeBody;
    update(&mut model, Action::OpenProperties);
    for _ in 0..2 {
        update(&mut model, Action::PropertyNext);
    }
    type_text(&mut model, "999");
    update(&mut model, Action::CloseOverlay);
    type_text(&mut model, "hello");
    let effects = update(&mut model, Action::Publish);
    assert!(effects.is_empty(), "a priority of 999 is refused");
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "priority").contains("not a number from 0 to 255"));
    update(&mut model, Action::OpenProperties);
    for _ in 0..3 {
        update(&mut model, Action::Edit(KeyEvent::from(KeyCode::Backspace)));
    }
    type_text(&mut model, "9");
    update(&mut model, Action::CloseOverlay);
    let effects = update(&mut model, Action::Publish);
    let [Effect::Publish { request, .. }] = effects.as_slice() else {
        panic!("expected a publish, got {effects:?}");
    };
    assert_eq!(request.properties.priority, Some(9));
    assert_eq!(
        request.properties.content_type.as_deref(),
        Some("text/plain")
    );
}

#[test]
fn replay_puts_the_exact_message_in_the_compose_box() {
    let mut model = with_messages(0);
    let mut binary = rich_delivery();
    binary.body = vec![0xff, 0x00, 0xfe];
    feed(&mut model, WorkerEvent::Delivery(binary));
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::ScrollUp);
    update(&mut model, Action::Replay);
    let effects = update(&mut model, Action::Publish);
    let [Effect::Publish { request, .. }] = effects.as_slice() else {
        panic!("expected a publish, got {effects:?}");
    };
    assert_eq!(request.body, [0xff, 0x00, 0xfe]);
    assert_eq!(request.routing_key, "order.eu.created");
    assert_eq!(
        request.properties.correlation_id,
        rich_delivery().properties.correlation_id
    );
    assert_eq!(
        request.properties.headers,
        rich_delivery().properties.headers
    );
}
