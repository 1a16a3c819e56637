//! `update` driven as the app drives it: actions in, model and effects out. The fixtures
//! here are shared with `tab_tests` and `profiles_tests`.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Effect, update};
use crate::{
    action::Action,
    model::{ConnState, Field, Focus, Level, Model, Overlay, Screen},
    session::{ConnectError, ConnectionSettings, Message, SessionEvent, WorkerEvent},
    tls::Security,
};

pub(super) fn connected() -> Model {
    let mut model = Model::default();
    connect_active(&mut model);
    model
}

/// Connects the current tab and has the broker say yes.
pub(super) fn connect_active(model: &mut Model) {
    let effects = update(model, Action::Connect);
    assert!(
        matches!(effects.as_slice(), [Effect::Connect { .. }]),
        "{effects:?}"
    );
    feed(model, connected_event());
}

/// `action` asked about first (a live session would be lost), then confirmed by the
/// same action again: the effects of carrying it out.
pub(super) fn confirmed(model: &mut Model, action: Action) -> Vec<Effect> {
    let asked = update(model, action.clone());
    assert!(asked.is_empty(), "{action:?} asks first: {asked:?}");
    assert_eq!(model.armed, Some(action.clone()));
    update(model, action)
}

pub(super) fn connected_event() -> WorkerEvent {
    WorkerEvent::Connected {
        queue: "q".into(),
        security: Security::Plain,
        reconnected: false,
        endpoint: crate::session::Endpoint::new("localhost", 5672),
        failed_over: None,
        details: Box::default(),
    }
}

pub(super) fn delivery(body: &[u8]) -> Box<Message> {
    Box::new(Message {
        received_at: chrono::Local::now(),
        exchange: "testEx".into(),
        routing_key: "test".into(),
        redelivered: false,
        delivery_tag: 1,
        epoch: 1,
        consumer_tag: None,
        properties: Default::default(),
        body: body.to_vec(),
        part: Default::default(),
    })
}

/// An event for the current tab's session.
pub(super) fn feed(model: &mut Model, event: WorkerEvent) {
    let session = model.tab().session;
    update(model, Action::Broker(SessionEvent { session, event }));
}

/// Types `text` key by key, as the keymap sends it to a prompt or a field.
pub(super) fn type_text(model: &mut Model, text: &str) {
    for c in text.chars() {
        let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        update(model, Action::Edit(key));
    }
}

/// The text of the current tab's notice, or "" when there is none.
pub(super) fn notice(model: &Model) -> (Option<Level>, String) {
    match &model.tab().notice {
        Some(n) => (Some(n.level), n.text.clone()),
        None => (None, String::new()),
    }
}

pub(super) fn prompt_error(model: &Model) -> Option<String> {
    match &model.overlay {
        Overlay::Prompt(prompt) => prompt.error.clone(),
        other => panic!("expected a prompt, got {other:?}"),
    }
}

#[test]
fn connect_starts_a_session_and_connected_opens_the_pane() {
    let mut model = Model::default();
    let effects = update(&mut model, Action::Connect);
    assert!(matches!(effects.as_slice(), [Effect::Connect { .. }]));
    assert_eq!(
        model.tab().screen,
        Screen::Form,
        "the form stays until the broker says yes"
    );
    feed(
        &mut model,
        WorkerEvent::Connected {
            queue: "q".into(),
            security: Security::Plain,
            reconnected: false,
            endpoint: crate::session::Endpoint::new("localhost", 5672),
            failed_over: None,
            details: Box::default(),
        },
    );
    assert_eq!(model.tab().screen, Screen::Session);
    assert_eq!(
        model.tab().focus,
        Focus::Messages,
        "the pane, where the session's keys work"
    );
}

#[test]
fn events_of_a_session_the_user_left_are_ignored() {
    let mut model = connected();
    let old = model.tab().session;
    let effects = confirmed(&mut model, Action::LeaveSession);
    assert_eq!(effects, [Effect::Disconnect { session: old }]);
    assert_eq!(model.tab().screen, Screen::Form);
    let late = delivery(b"late");
    update(
        &mut model,
        Action::Broker(SessionEvent {
            session: old,
            event: WorkerEvent::Delivery(late),
        }),
    );
    assert_eq!(model.tab().messages_received, 0);
}

#[test]
fn a_failed_connect_returns_to_the_field_at_fault() {
    let mut model = Model::default();
    update(&mut model, Action::Connect);
    feed(
        &mut model,
        WorkerEvent::Failed(ConnectError::AccessRefused {
            user: "guest".into(),
        }),
    );
    assert_eq!(model.tab().conn, ConnState::Idle);
    assert_eq!(model.tab().focus, Focus::Form(Field::Password));
    assert!(
        matches!(&model.tab().form.error, Some((Some(Field::Password), m)) if m.contains("ACCESS_REFUSED"))
    );
    assert_eq!(
        model.tab().form.value(Field::Password),
        "guest",
        "what the user typed is kept"
    );
}

#[test]
fn publishing_while_reconnecting_goes_to_the_worker_which_keeps_it_for_the_connection() {
    let mut model = connected();
    model.tab_mut().compose.body = tui_input::Input::new("keep me".into());
    feed(
        &mut model,
        WorkerEvent::ConnectionLost {
            error: ConnectError::HeartbeatMissed { secs: 120 },
            retry_in: Duration::from_secs(1),
            attempt: 1,
        },
    );
    let effects = update(&mut model, Action::Publish);
    let [Effect::Publish { request, .. }] = effects.as_slice() else {
        panic!("expected the publish handed to the worker, got {effects:?}");
    };
    assert_eq!(request.body, b"keep me");
    assert_eq!(model.tab().compose.body.value(), "keep me");
    feed(
        &mut model,
        WorkerEvent::PublishQueued {
            id: request.id,
            waiting: 1,
        },
    );
    let tab = model.tab();
    assert!(tab.compose.waiting.contains(&request.id));
    let notice = tab.notice.as_ref().expect("a notice");
    assert_eq!(notice.level, Level::Warning);
    assert!(notice.text.contains("1 waiting"), "{}", notice.text);
}

#[test]
fn with_no_session_a_publish_is_refused_and_the_text_kept() {
    let mut model = connected();
    model.tab_mut().compose.body = tui_input::Input::new("keep me".into());
    feed(&mut model, WorkerEvent::Stopped);
    let effects = update(&mut model, Action::Publish);
    assert!(effects.is_empty());
    assert_eq!(model.tab().compose.body.value(), "keep me");
    assert!(
        model
            .tab()
            .notice
            .as_ref()
            .is_some_and(|n| n.level == Level::Error && n.text.contains("Not connected"))
    );
}

#[test]
fn what_the_broker_did_not_confirm_is_kept_and_ctrl_r_sends_it_again_under_a_new_id() {
    let mut model = connected();
    model.tab_mut().compose.body = tui_input::Input::new("again".into());
    let effects = update(&mut model, Action::Publish);
    let [Effect::Publish { request, .. }] = effects.as_slice() else {
        panic!("expected one publish, got {effects:?}");
    };
    let lost = request.with_copies(1);
    feed(
        &mut model,
        WorkerEvent::Published {
            id: request.id,
            exchange: request.exchange.clone(),
            routing_key: request.routing_key.clone(),
            outcome: crate::session::PublishOutcome::Failed {
                reason: "connection reset: it may or may not be in a queue".into(),
            },
            unsent: Some(Box::new(lost.clone())),
        },
    );
    let tab = model.tab();
    assert_eq!((tab.compose.tally.failed, tab.compose.in_flight), (1, 0));
    assert_eq!(tab.compose.unsent.copies(), 1);
    let notice = &tab.notice.as_ref().expect("a notice").text;
    assert!(
        notice.contains("may or may not") && notice.contains("Ctrl-R"),
        "{notice}"
    );
    let effects = update(&mut model, Action::ResendUnsent);
    let [Effect::Publish { request: again, .. }] = effects.as_slice() else {
        panic!("expected the resend, got {effects:?}");
    };
    assert_ne!(
        again.id, lost.id,
        "a resend is a new publish with its own outcome"
    );
    assert_eq!(
        (again.body.as_slice(), again.copies),
        (b"again".as_slice(), 1)
    );
    assert!(model.tab().compose.unsent.is_empty());
    assert_eq!(model.tab().compose.in_flight, 1);
    let effects = update(&mut model, Action::ResendUnsent);
    assert!(effects.is_empty(), "nothing left to resend");
}

#[test]
fn a_publish_carries_the_compose_box() {
    let mut model = connected();
    model.tab_mut().compose.body = tui_input::Input::new("hi".into());
    model.tab_mut().compose.persistent = true;
    let effects = update(&mut model, Action::Publish);
    let [Effect::Publish { request, .. }] = effects.as_slice() else {
        panic!("expected one publish, got {effects:?}");
    };
    assert_eq!(
        (request.exchange.as_str(), request.routing_key.as_str()),
        ("testEx", "test")
    );
    assert_eq!(request.body, b"hi");
    assert_eq!(request.properties.delivery_mode, Some(2));
}

#[test]
fn reconnecting_from_the_form_to_another_exchange_keeps_the_body_but_not_the_rows() {
    let mut model = connected();
    model.tab_mut().compose.body = tui_input::Input::new("draft".into());
    feed(&mut model, WorkerEvent::Delivery(delivery(b"seen")));
    confirmed(&mut model, Action::LeaveSession);
    model.tab_mut().form = crate::model::ConnectForm::from_settings(&ConnectionSettings {
        routing: crate::amqp::Routing {
            exchange: "other".into(),
            ..Default::default()
        },
        ..ConnectionSettings::default()
    });
    update(&mut model, Action::Connect);
    assert_eq!(model.tab().compose.body.value(), "draft");
    assert_eq!(
        model.tab().compose.exchange.value(),
        "other",
        "aimed at the new routing"
    );
    // The old exchange's rows would read as the new one's (the same source keeps them:
    // tests/ui_tabs.rs).
    assert_eq!(model.tab().log.len(), 0);
}

#[test]
fn notices_quoting_the_network_are_made_safe() {
    let mut model = connected();
    feed(
        &mut model,
        WorkerEvent::Notice("blocked: \x1b[2Jlow memory".into()),
    );
    let text = &model.tab().notice.as_ref().expect("a notice").text;
    assert!(!text.chars().any(crate::text::is_unsafe), "{text:?}");
}

#[test]
fn a_closed_consuming_channel_is_shown_until_watching_resumes_on_a_new_queue() {
    let mut model = connected();
    feed(
        &mut model,
        WorkerEvent::WatchLost {
            error: ConnectError::Closed {
                detail: "PRECONDITION_FAILED - inequivalent arg 'type'".into(),
            },
            retry_in: Duration::from_secs(5),
        },
    );
    let tab = model.tab();
    assert!(tab.not_watching.is_some());
    let notice = tab.notice.as_ref().expect("a notice");
    assert_eq!(notice.level, Level::Error);
    assert!(
        notice.text.contains("PRECONDITION_FAILED") && notice.text.contains("connection stays up"),
        "{}",
        notice.text
    );
    assert!(matches!(tab.conn, ConnState::Connected { .. }));
    feed(
        &mut model,
        WorkerEvent::WatchResumed {
            queue: "amq.gen-new".into(),
        },
    );
    let tab = model.tab();
    assert!(tab.not_watching.is_none());
    assert!(
        matches!(&tab.conn, ConnState::Connected { queue, .. } if queue == "amq.gen-new"),
        "{:?}",
        tab.conn
    );
}

#[test]
fn leaving_a_session_with_messages_waiting_still_accounts_for_them() {
    let mut model = connected();
    model.tab_mut().compose.body = tui_input::Input::new("waiting".into());
    let left = model.tab().session;
    let effects = update(&mut model, Action::Publish);
    let [Effect::Publish { request, .. }] = effects.as_slice() else {
        panic!("expected one publish, got {effects:?}");
    };
    let request = request.clone();
    feed(
        &mut model,
        WorkerEvent::PublishQueued {
            id: request.id,
            waiting: 1,
        },
    );
    let effects = confirmed(&mut model, Action::LeaveSession);
    assert!(matches!(effects.as_slice(), [Effect::Disconnect { .. }]));
    // The worker, ending, reports what still waited, under the session the tab has left.
    let event = WorkerEvent::Published {
        id: request.id,
        exchange: request.exchange.clone(),
        routing_key: request.routing_key.clone(),
        outcome: crate::session::PublishOutcome::Failed {
            reason: "you disconnected before the connection came back".into(),
        },
        unsent: Some(Box::new(request.clone())),
    };
    update(
        &mut model,
        Action::Broker(SessionEvent {
            session: left,
            event,
        }),
    );
    let compose = &model.tab().compose;
    assert_eq!(compose.tally.failed, 1);
    assert!(compose.waiting.is_empty());
    assert_eq!(compose.unsent.copies(), 1, "kept for Ctrl-R");
}

#[test]
fn quitting_with_unconfirmed_publishes_asks_once_but_a_signal_does_not_ask() {
    let mut model = connected();
    model.tab_mut().compose.body = tui_input::Input::new("in flight".into());
    update(&mut model, Action::Publish);
    assert!(update(&mut model, Action::Quit).is_empty());
    assert!(!model.quit);
    let notice = &model.tab().notice.as_ref().expect("a warning").text;
    assert!(notice.contains("1 publishes are not confirmed"), "{notice}");
    // Another key in between disarms it.
    update(&mut model, Action::FocusMessages);
    update(&mut model, Action::Quit);
    assert!(!model.quit);
    let effects = update(&mut model, Action::Quit);
    assert!(model.quit);
    assert!(matches!(effects.as_slice(), [Effect::Disconnect { .. }]));

    let mut model = connected();
    update(&mut model, Action::Publish);
    update(&mut model, Action::QuitNow);
    assert!(model.quit, "SIGTERM and SIGHUP quit at once");
}
