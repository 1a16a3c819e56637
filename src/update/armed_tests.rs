//! The one "armed destructive action" rule: quit, disconnect and close a tab ask first
//! while something live would be lost, and the same key again confirms.

use crossterm::event::{KeyCode, KeyEvent};

use super::{
    Effect,
    tests::{connect_active, connected, delivery, feed, notice},
    update,
};
use crate::{
    action::Action,
    amqp::{AckMode, Routing, Source},
    keymap::action_for,
    model::{ConnState, Field, Focus, Level, Model, Screen},
    session::{ConnectionSettings, Settle, WorkerEvent},
};

fn key(c: char) -> KeyEvent {
    KeyEvent::from(KeyCode::Char(c))
}

/// What the keymap makes of `key` where the user is, applied.
fn press(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    match action_for(model, key) {
        Some(action) => update(model, action),
        None => Vec::new(),
    }
}

#[test]
fn q_on_a_form_toggle_asks_before_quitting_with_a_session_in_another_tab() {
    let mut model = connected();
    update(&mut model, Action::NewTab);
    model.tab_mut().focus = Focus::Form(Field::Tls);
    assert!(press(&mut model, key('q')).is_empty());
    assert!(!model.quit, "one stray q does not quit");
    let (level, text) = notice(&model);
    assert_eq!(level, Some(Level::Warning));
    assert!(
        text.starts_with(
            "Quitting closes 1 open session (1 in other tabs), deleting 1 queue of the app's own"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("Ctrl-C or q again quits anyway; any other key cancels."),
        "{text}"
    );
    let effects = press(&mut model, key('q'));
    assert!(model.quit, "the same key again confirms");
    assert!(matches!(effects.as_slice(), [Effect::Disconnect { .. }]));
}

#[test]
fn any_other_key_disarms_even_one_bound_to_nothing() {
    let mut model = connected();
    update(&mut model, Action::NewTab);
    model.tab_mut().focus = Focus::Form(Field::Tls);
    press(&mut model, key('q'));
    press(&mut model, key('z'));
    assert_eq!(model.armed, None);
    assert_eq!(notice(&model).1, "Cancelled: nothing was closed.");
    press(&mut model, key('q'));
    assert!(!model.quit, "asked again, not quit");
    update(&mut model, Action::FocusNext);
    press(&mut model, key('q'));
    assert!(!model.quit, "a bound key disarms too");
}

#[test]
fn broker_events_do_not_disarm_a_question() {
    let mut model = connected();
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::LeaveSession);
    feed(&mut model, WorkerEvent::Delivery(delivery(b"meanwhile")));
    update(&mut model, Action::Resize { page_rows: 5 });
    let effects = update(&mut model, Action::LeaveSession);
    assert!(matches!(effects.as_slice(), [Effect::Disconnect { .. }]));
}

#[test]
fn nothing_live_nothing_asked() {
    let mut model = Model::default();
    model.tab_mut().focus = Focus::Form(Field::Tls);
    press(&mut model, key('q'));
    assert!(
        model.quit,
        "no session, no unconfirmed publish: q quits at once"
    );

    let mut model = Model::default();
    update(&mut model, Action::NewTab);
    assert!(update(&mut model, Action::CloseTab).is_empty());
    assert_eq!(model.tabs().len(), 1, "an idle tab closes at once");
}

#[test]
fn esc_in_the_pane_says_the_server_named_queue_would_be_deleted() {
    let mut model = connected();
    model.tab_mut().focus = Focus::Messages;
    assert!(press(&mut model, KeyEvent::from(KeyCode::Esc)).is_empty());
    assert_eq!(model.tab().screen, Screen::Session, "still in the session");
    let (_, text) = notice(&model);
    assert_eq!(
        text,
        "Disconnecting ends the session to guest@localhost:5672/%2F, deleting the server-named queue q and any messages in it. Esc or q again disconnects; any other key cancels."
    );
    let effects = press(&mut model, KeyEvent::from(KeyCode::Esc));
    assert!(matches!(effects.as_slice(), [Effect::Disconnect { .. }]));
    assert_eq!(model.tab().screen, Screen::Form);
}

#[test]
fn leaving_a_manual_ack_queue_counts_the_unacked_messages_requeued() {
    let settings = ConnectionSettings {
        routing: Routing {
            source: Source::Queue,
            queue: "orders".into(),
            ack: AckMode::Manual,
            ..Routing::default()
        },
        ..ConnectionSettings::default()
    };
    let mut model = Model::new(&settings);
    connect_active(&mut model);
    for tag in 1..=3 {
        let mut d = delivery(b"order");
        d.delivery_tag = tag;
        d.consumer_tag = Some("ctag".into());
        feed(&mut model, WorkerEvent::Delivery(d));
    }
    feed(
        &mut model,
        WorkerEvent::Settled {
            delivery_tag: 2,
            epoch: 1,
            settle: Settle::Ack,
            result: Ok(()),
        },
    );
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::LeaveSession);
    let (_, text) = notice(&model);
    assert!(
        text.starts_with("Disconnecting ends the session to guest@localhost:5672/%2F, requeueing 2 unacked messages."),
        "{text}"
    );
    assert!(
        !text.contains("deleting"),
        "an existing queue is not deleted: {text}"
    );
}

#[test]
fn ctrl_x_asks_before_closing_a_connected_tab() {
    let mut model = connected();
    update(&mut model, Action::NewTab);
    connect_active(&mut model);
    let ctrl_x = KeyEvent::new(KeyCode::Char('x'), crossterm::event::KeyModifiers::CONTROL);
    assert!(press(&mut model, ctrl_x).is_empty());
    assert_eq!(model.tabs().len(), 2);
    let (_, text) = notice(&model);
    assert!(text.starts_with("Closing tab localhost:5672 ends the session to guest@localhost:5672/%2F, deleting the server-named queue q"), "{text}");
    assert!(
        text.ends_with("Ctrl-X again closes it; any other key cancels."),
        "{text}"
    );
    let effects = press(&mut model, ctrl_x);
    assert!(matches!(effects.as_slice(), [Effect::Disconnect { .. }]));
    assert_eq!(model.tabs().len(), 1);
    assert!(matches!(model.tab().conn, ConnState::Connected { .. }));
}

#[test]
fn ctrl_c_over_an_overlay_names_the_key_that_confirms() {
    let mut model = connected();
    update(&mut model, Action::OpenProfiles);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), crossterm::event::KeyModifiers::CONTROL);
    press(&mut model, ctrl_c);
    let (_, text) = notice(&model);
    assert!(
        text.ends_with("Ctrl-C again quits anyway; any other key cancels."),
        "{text}"
    );
    press(&mut model, ctrl_c);
    assert!(model.quit);
}

#[test]
fn a_failed_connect_that_focuses_a_toggle_leaves_q_asking_first() {
    let mut model = connected();
    update(&mut model, Action::NewTab);
    update(&mut model, Action::Connect);
    feed(
        &mut model,
        WorkerEvent::Failed(crate::session::ConnectError::TlsExpired),
    );
    assert_eq!(model.tab().focus, Focus::Form(Field::Verify), "a toggle");
    press(&mut model, key('q'));
    assert!(!model.quit, "tab 1's session is still live");
    assert!(notice(&model).1.contains("(1 in other tabs)"));
}

#[test]
fn quitting_from_the_only_live_tab_says_so_without_other_tabs() {
    let mut model = connected();
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::Quit);
    assert_eq!(
        notice(&model).1,
        "Quitting closes 1 open session, deleting 1 queue of the app's own (exclusive, auto-delete). Ctrl-C again quits anyway; any other key cancels."
    );
}
