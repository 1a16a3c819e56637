//! The only place the model changes. Pure: it returns [`Effect`]s for the app to carry out.

use crossterm::event::Event;
use tui_input::{InputRequest, backend::crossterm::EventHandler};

use crate::{
    action::Action,
    amqp::{
        AmqpEvent, ConnectionSettings, PublishOutcome, PublishRequest, SessionEvent, SessionId,
    },
    model::{ConnState, Field, Focus, Level, Model, Screen, connect_form::field_at_fault},
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Connect {
        session: SessionId,
        settings: ConnectionSettings,
    },
    Publish {
        session: SessionId,
        request: PublishRequest,
    },
    Disconnect {
        session: SessionId,
    },
}

const SESSION_FOCUS: [Focus; 5] = [
    Focus::Messages,
    Focus::ComposeBody,
    Focus::ComposeExchange,
    Focus::ComposeKey,
    Focus::ComposeMode,
];

pub fn update(model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => {
            model.quit = true;
            return disconnect(model);
        }
        Action::ToggleHelp => model.show_help = !model.show_help,
        Action::CloseHelp => model.show_help = false,
        Action::FocusNext => model.focus = cycle_focus(model, 1),
        Action::FocusPrev => model.focus = cycle_focus(model, -1),
        Action::Connect => return connect(model),
        Action::CancelConnect => {
            if matches!(model.conn, ConnState::Connecting { .. }) {
                let effects = disconnect(model);
                model.notify(Level::Info, "Connection attempt cancelled.");
                return effects;
            }
            model.notify(Level::Info, "Press Ctrl-C to quit.");
        }
        Action::LeaveSession => {
            let target = model
                .session_settings
                .as_ref()
                .map(ConnectionSettings::display_target);
            let effects = disconnect(model);
            model.screen = Screen::Form;
            model.focus = Focus::Form(Field::Host);
            model.notify(
                Level::Info,
                format!(
                    "Disconnected from {}. Edit the form and press Enter to connect again.",
                    target.unwrap_or_default()
                ),
            );
            return effects;
        }
        Action::FocusMessages => model.focus = Focus::Messages,
        Action::Publish => return publish(model),
        Action::ToggleField | Action::NextChoice => toggle(model, 1),
        Action::PrevChoice => toggle(model, -1),
        Action::ScrollUp => model.log.scroll_by(1, model.page_rows),
        Action::ScrollDown => model.log.scroll_by(-1, model.page_rows),
        Action::PageUp => model
            .log
            .scroll_by(model.page_rows as isize, model.page_rows),
        Action::PageDown => model
            .log
            .scroll_by(-(model.page_rows as isize), model.page_rows),
        Action::ScrollOldest => model.log.scroll_to_oldest(model.page_rows),
        Action::FollowTail => model.log.follow_tail(),
        Action::ClearMessages => model.log.clear(),
        Action::Edit(key) => edit(model, |input| {
            input.handle_event(&Event::Key(key));
        }),
        Action::Paste(text) => edit(model, |input| {
            // Fields are one line: a pasted newline must not become a stray Enter, nor
            // a bidi override reorder what the field shows.
            for c in text.chars() {
                let c = if crate::text::is_unsafe(c) { ' ' } else { c };
                input.handle(InputRequest::InsertChar(c));
            }
        }),
        Action::Resize { page_rows } => model.page_rows = page_rows.max(1),
        Action::Broker(event) => broker_event(model, event),
    }
    Vec::new()
}

fn cycle_focus(model: &Model, step: isize) -> Focus {
    match (model.screen, model.focus) {
        (Screen::Form, Focus::Form(field)) => {
            Focus::Form(if step > 0 { field.next() } else { field.prev() })
        }
        (Screen::Form, _) => Focus::Form(Field::Host),
        (Screen::Session, focus) => {
            let i = SESSION_FOCUS.iter().position(|f| *f == focus).unwrap_or(0) as isize;
            let n = SESSION_FOCUS.len() as isize;
            SESSION_FOCUS[(i + step).rem_euclid(n) as usize]
        }
    }
}

fn connect(model: &mut Model) -> Vec<Effect> {
    if matches!(model.conn, ConnState::Connecting { .. }) {
        model.notify(Level::Info, "Already connecting. Esc cancels the attempt.");
        return Vec::new();
    }
    let settings = match model.form.validate() {
        Ok(settings) => settings,
        Err((field, message)) => {
            model.focus = Focus::Form(field);
            model.notify(Level::Error, message.clone());
            model.form.set_error(Some(field), &message);
            return Vec::new();
        }
    };
    let mut effects = disconnect(model);
    model.session += 1;
    model.form.error = None;
    model.conn = ConnState::Connecting {
        target: settings.display_target(),
        security: settings.security(),
        attempt: 1,
    };
    model.notify(
        Level::Info,
        format!("Connecting to {} …", settings.display_target()),
    );
    // What the user typed and the messages seen so far are kept; the compose box aims at
    // the new routing only when the routing changed.
    let previous = model.session_settings.as_ref().map(|s| &s.routing);
    if previous != Some(&settings.routing) {
        model.compose.aim_at(&settings.routing);
    }
    model.session_settings = Some(settings.clone());
    effects.push(Effect::Connect {
        session: model.session,
        settings,
    });
    effects
}

/// Ends the current session, if any; its late events will be ignored.
fn disconnect(model: &mut Model) -> Vec<Effect> {
    if model.conn == ConnState::Idle {
        return Vec::new();
    }
    let session = model.session;
    model.session += 1;
    model.conn = ConnState::Idle;
    vec![Effect::Disconnect { session }]
}

fn publish(model: &mut Model) -> Vec<Effect> {
    if !matches!(model.conn, ConnState::Connected { .. }) {
        model.notify(
            Level::Error,
            "Not connected: the message was not sent. It stays in the compose box; press Enter again once connected.",
        );
        return Vec::new();
    }
    match model.compose.request() {
        Ok(request) => {
            model.notify(
                Level::Info,
                format!(
                    "Publishing to {} …",
                    target_label(&request.exchange, &request.routing_key)
                ),
            );
            vec![Effect::Publish {
                session: model.session,
                request,
            }]
        }
        Err(message) => {
            model.notify(Level::Error, message);
            Vec::new()
        }
    }
}

fn toggle(model: &mut Model, step: isize) {
    match model.focus {
        Focus::Form(Field::Tls) => model.form.toggle_tls(),
        Focus::Form(Field::Verify) => {
            model.form.verify = !model.form.verify;
            if !model.form.verify {
                model.notify(
                    Level::Warning,
                    "Verification off: any certificate the server presents will be accepted.",
                );
            }
        }
        Focus::Form(Field::ExchangeType) => {
            let t = model.form.exchange_type;
            model.form.exchange_type = if step > 0 { t.next() } else { t.prev() };
        }
        Focus::ComposeMode => model.compose.persistent = !model.compose.persistent,
        _ => {}
    }
}

fn edit(model: &mut Model, apply: impl FnOnce(&mut tui_input::Input)) {
    let input = match model.focus {
        Focus::Form(field) if field.is_text() => {
            if matches!(model.form.error, Some((Some(f), _)) if f == field) {
                model.form.error = None;
            }
            model.form.input_mut(field)
        }
        Focus::ComposeBody => &mut model.compose.body,
        Focus::ComposeExchange => &mut model.compose.exchange,
        Focus::ComposeKey => &mut model.compose.routing_key,
        _ => return,
    };
    apply(input);
}

fn target_label(exchange: &str, key: &str) -> String {
    let exchange = if exchange.is_empty() {
        "the default exchange".to_string()
    } else {
        format!("exchange '{exchange}'")
    };
    format!("{exchange} with key '{key}'")
}

fn broker_event(model: &mut Model, SessionEvent { session, event }: SessionEvent) {
    if session != model.session {
        return;
    }
    match event {
        // The hot path, once per message: nothing else is worked out for it.
        AmqpEvent::Delivery(delivery) => {
            model.messages_received += 1;
            model.log.push(delivery);
        }
        other => session_event(model, other),
    }
}

/// Everything about the session but its deliveries.
fn session_event(model: &mut Model, event: AmqpEvent) {
    let Some(settings) = model.session_settings.clone() else {
        return;
    };
    let target = settings.display_target();
    match event {
        AmqpEvent::Connecting { attempt } => {
            model.conn = ConnState::Connecting {
                target,
                security: settings.security(),
                attempt,
            };
        }
        AmqpEvent::Connected {
            queue,
            security,
            reconnected,
            ..
        } => {
            let verb = if reconnected {
                "Reconnected to"
            } else {
                "Connected to"
            };
            let watch = settings.routing.summary(&queue);
            model.notify(Level::Success, format!("{verb} {target}: {watch}."));
            model.conn = ConnState::Connected {
                target,
                security,
                queue,
            };
            if model.screen == Screen::Form {
                model.screen = Screen::Session;
                model.focus = Focus::ComposeBody;
            }
        }
        AmqpEvent::Delivery(_) => {}
        AmqpEvent::Published {
            exchange,
            routing_key,
            outcome,
            ..
        } => {
            model.compose.in_flight = model.compose.in_flight.saturating_sub(1);
            let to = target_label(&exchange, &routing_key);
            match outcome {
                PublishOutcome::Routed => {
                    model.notify(Level::Success, format!("Published to {to}: confirmed by the broker."));
                }
                PublishOutcome::Unroutable { reply } => model.notify(
                    Level::Warning,
                    format!("Published to {to}, but no queue is bound for it: the broker returned it ({reply})."),
                ),
                PublishOutcome::Nacked => {
                    model.notify(Level::Error, format!("The broker refused (nacked) the message to {to}."));
                }
                PublishOutcome::Failed { reason } => {
                    model.notify(Level::Error, format!("Publish to {to} failed: {reason}"));
                }
            }
        }
        AmqpEvent::ConnectionLost {
            error,
            retry_in,
            attempt,
        } => {
            model.notify(
                Level::Warning,
                format!(
                    "Connection lost: {error} Reconnecting in {} s (attempt {attempt}).",
                    retry_in.as_secs()
                ),
            );
            model.conn = ConnState::Reconnecting {
                target,
                security: settings.security(),
                attempt,
                retry_in_secs: retry_in.as_secs(),
                error: error.to_string(),
            };
        }
        AmqpEvent::Failed(error) => {
            let field = field_at_fault(&error);
            model.conn = ConnState::Idle;
            model.screen = Screen::Form;
            if let Some(field) = field {
                model.focus = Focus::Form(field);
            }
            model.notify(Level::Error, error.to_string());
            model.form.set_error(field, &error.to_string());
        }
        AmqpEvent::Notice(text) => model.notify(Level::Info, text),
        AmqpEvent::Stopped => model.conn = ConnState::Idle,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::amqp::{ConnectError, Delivery, Security};

    fn connected() -> Model {
        let mut model = Model::default();
        update(&mut model, Action::Connect);
        let event = AmqpEvent::Connected {
            queue: "q".into(),
            security: Security::Plain,
            reconnected: false,
            details: Box::default(),
        };
        feed(&mut model, event);
        model
    }

    fn delivery(body: &[u8]) -> Delivery {
        Delivery {
            received_at: chrono::Local::now(),
            exchange: "testEx".into(),
            routing_key: "test".into(),
            redelivered: false,
            content_type: None,
            delivery_mode: None,
            body: body.to_vec(),
        }
    }

    fn feed(model: &mut Model, event: AmqpEvent) {
        let session = model.session;
        update(model, Action::Broker(SessionEvent { session, event }));
    }

    #[test]
    fn connect_starts_a_session_and_connected_opens_the_pane() {
        let mut model = Model::default();
        let effects = update(&mut model, Action::Connect);
        assert!(matches!(
            effects.as_slice(),
            [Effect::Connect { session: 1, .. }]
        ));
        assert_eq!(
            model.screen,
            Screen::Form,
            "the form stays until the broker says yes"
        );
        feed(
            &mut model,
            AmqpEvent::Connected {
                queue: "q".into(),
                security: Security::Plain,
                reconnected: false,
                details: Box::default(),
            },
        );
        assert_eq!(model.screen, Screen::Session);
        assert_eq!(model.focus, Focus::ComposeBody);
    }

    #[test]
    fn events_of_a_session_the_user_left_are_ignored() {
        let mut model = connected();
        let old = model.session;
        let effects = update(&mut model, Action::LeaveSession);
        assert_eq!(effects, [Effect::Disconnect { session: old }]);
        assert_eq!(model.screen, Screen::Form);
        let late = delivery(b"late");
        update(
            &mut model,
            Action::Broker(SessionEvent {
                session: old,
                event: AmqpEvent::Delivery(late),
            }),
        );
        assert_eq!(model.messages_received, 0);
    }

    #[test]
    fn a_failed_connect_returns_to_the_field_at_fault() {
        let mut model = Model::default();
        update(&mut model, Action::Connect);
        feed(
            &mut model,
            AmqpEvent::Failed(ConnectError::AccessRefused {
                user: "guest".into(),
            }),
        );
        assert_eq!(model.conn, ConnState::Idle);
        assert_eq!(model.focus, Focus::Form(Field::Password));
        assert!(
            matches!(&model.form.error, Some((Some(Field::Password), m)) if m.contains("ACCESS_REFUSED"))
        );
        assert_eq!(
            model.form.value(Field::Password),
            "guest",
            "what the user typed is kept"
        );
    }

    #[test]
    fn publishing_while_reconnecting_is_refused_and_the_text_kept() {
        let mut model = connected();
        model.compose.body = tui_input::Input::new("keep me".into());
        feed(
            &mut model,
            AmqpEvent::ConnectionLost {
                error: ConnectError::HeartbeatMissed,
                retry_in: Duration::from_secs(1),
                attempt: 1,
            },
        );
        let effects = update(&mut model, Action::Publish);
        assert!(effects.is_empty());
        assert_eq!(model.compose.body.value(), "keep me");
        assert!(
            model
                .notice
                .as_ref()
                .is_some_and(|n| n.level == Level::Error && n.text.contains("Not connected"))
        );
    }

    #[test]
    fn a_publish_carries_the_compose_box() {
        let mut model = connected();
        model.compose.body = tui_input::Input::new("hi".into());
        model.compose.persistent = true;
        let effects = update(&mut model, Action::Publish);
        let [Effect::Publish { request, .. }] = effects.as_slice() else {
            panic!("expected one publish, got {effects:?}");
        };
        assert_eq!(
            (request.exchange.as_str(), request.routing_key.as_str()),
            ("testEx", "test")
        );
        assert_eq!(request.body, b"hi");
        assert!(request.persistent);
    }

    #[test]
    fn reconnecting_from_the_form_keeps_the_body_and_the_messages() {
        let mut model = connected();
        model.compose.body = tui_input::Input::new("draft".into());
        feed(&mut model, AmqpEvent::Delivery(delivery(b"seen")));
        update(&mut model, Action::LeaveSession);
        model.form = crate::model::ConnectForm::from_settings(&ConnectionSettings {
            routing: crate::amqp::Routing {
                exchange: "other".into(),
                ..Default::default()
            },
            ..ConnectionSettings::default()
        });
        update(&mut model, Action::Connect);
        assert_eq!(model.compose.body.value(), "draft");
        assert_eq!(
            model.compose.exchange.value(),
            "other",
            "aimed at the new routing"
        );
        assert_eq!(model.log.len(), 1);
    }

    #[test]
    fn notices_quoting_the_network_are_made_safe() {
        let mut model = connected();
        feed(
            &mut model,
            AmqpEvent::Notice("blocked: \x1b[2Jlow memory".into()),
        );
        let text = &model.notice.as_ref().expect("a notice").text;
        assert!(!text.chars().any(crate::text::is_unsafe), "{text:?}");
    }
}
