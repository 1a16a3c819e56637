//! The only place the model changes. Pure: it returns [`Effect`]s for the app to carry out.

use crossterm::event::Event;
use tui_input::{InputRequest, backend::crossterm::EventHandler};

mod profiles;

pub use profiles::open_in_new_tab;

use crate::{
    action::Action,
    amqp::{
        AmqpEvent, ConnectionSettings, PublishOutcome, PublishRequest, SessionEvent, SessionId,
    },
    model::{
        ConnState, Field, Focus, Level, MAX_TABS, Model, Overlay, Prompt, PromptKind, Screen, Tab,
        connect_form::field_at_fault,
    },
    profile::Profile,
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
    /// Write the whole list to the profiles file.
    SaveProfiles(Vec<Profile>),
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
            return model.tabs_mut().flat_map(disconnect).collect();
        }
        Action::ToggleHelp => model.overlay = toggled(&model.overlay, Overlay::Help),
        Action::ToggleDetails => model.overlay = toggled(&model.overlay, Overlay::Details),
        Action::Connect => return connect(model),
        Action::OpenProfiles => profiles::open_list(model),
        Action::ProfileUp => model.profiles.select_by(-1),
        Action::ProfileDown => model.profiles.select_by(1),
        Action::LoadProfile => return profiles::load_selected(model),
        Action::OpenProfileInTab => return profiles::open_selected_in_tab(model),
        Action::SaveProfileAs => profiles::ask(model, PromptKind::SaveAs),
        Action::ImportUri => profiles::ask(model, PromptKind::ImportUri),
        Action::RenameProfile => profiles::ask_about_selected(model, |from| {
            Overlay::Prompt(Prompt::new(
                PromptKind::Rename { from: from.clone() },
                &from,
            ))
        }),
        Action::DuplicateProfile => profiles::ask_about_selected(model, |from| {
            let copy = format!("{from}-copy");
            Overlay::Prompt(Prompt::new(PromptKind::Duplicate { from }, &copy))
        }),
        Action::DeleteProfile => profiles::ask_about_selected(model, Overlay::ConfirmDelete),
        Action::SubmitPrompt => return profiles::submit(model),
        Action::Confirm => {
            if let Overlay::ConfirmDelete(name) = std::mem::take(&mut model.overlay) {
                return profiles::delete(model, &name);
            }
        }
        Action::ProfilesSaved(result) => profiles::saved(model, result),
        Action::Edit(key) if matches!(model.overlay, Overlay::Prompt(_)) => {
            edit_prompt(model, |input| {
                input.handle_event(&Event::Key(key));
            })
        }
        Action::Paste(text) if matches!(model.overlay, Overlay::Prompt(_)) => {
            edit_prompt(model, |input| paste(input, &text))
        }
        Action::CloseOverlay => model.overlay = Overlay::None,
        Action::NewTab => new_tab(model),
        Action::CloseTab => return close_tab(model),
        Action::NextTab => model.cycle_tab(1),
        Action::PrevTab => model.cycle_tab(-1),
        Action::GoToTab(index) => {
            if !model.select_tab(index) {
                let count = model.tabs().len();
                model.notify(
                    Level::Info,
                    format!("There is no tab {}: {count} open.", index + 1),
                );
            }
        }
        Action::Resize { page_rows } => model.page_rows = page_rows.max(1),
        Action::Broker(event) => broker_event(model, event),
        other => {
            let page_rows = model.page_rows;
            return tab_action(model.tab_mut(), page_rows, other);
        }
    }
    Vec::new()
}

fn toggled(current: &Overlay, wanted: Overlay) -> Overlay {
    if std::mem::discriminant(current) == std::mem::discriminant(&wanted) {
        Overlay::None
    } else {
        wanted
    }
}

fn edit_prompt(model: &mut Model, apply: impl FnOnce(&mut tui_input::Input)) {
    if let Overlay::Prompt(prompt) = &mut model.overlay {
        prompt.error = None;
        apply(&mut prompt.input);
    }
}

/// Fields are one line: a pasted newline must not become a stray Enter, nor a bidi
/// override reorder what the field shows.
fn paste(input: &mut tui_input::Input, text: &str) {
    for c in text.chars() {
        let c = if crate::text::is_unsafe(c) { ' ' } else { c };
        input.handle(InputRequest::InsertChar(c));
    }
}

/// A new tab starts as a copy of the current form: watching a second exchange on the same
/// broker is the common case.
fn new_tab(model: &mut Model) {
    let mut form = model.tab().form.clone();
    form.error = None;
    match model.open_tab(form) {
        Some(tab) => tab.notify(
            Level::Info,
            "New tab: edit the form and press Enter to connect. Ctrl-W closes it.",
        ),
        None => model.notify(
            Level::Warning,
            format!("{MAX_TABS} tabs are open, the most Alt-1..9 can reach: close one with Ctrl-W first."),
        ),
    }
}

fn close_tab(model: &mut Model) -> Vec<Effect> {
    match model.close_tab() {
        Some(mut tab) => {
            let effects = disconnect(&mut tab);
            model.notify(Level::Info, format!("Closed tab {}.", tab.title()));
            effects
        }
        None => {
            model.notify(Level::Info, "This is the last tab: Ctrl-C quits.");
            Vec::new()
        }
    }
}

/// Actions that concern only the current tab.
fn tab_action(tab: &mut Tab, page_rows: usize, action: Action) -> Vec<Effect> {
    match action {
        Action::FocusNext => tab.focus = cycle_focus(tab, 1),
        Action::FocusPrev => tab.focus = cycle_focus(tab, -1),
        Action::CancelConnect => {
            if matches!(tab.conn, ConnState::Connecting { .. }) {
                let effects = disconnect(tab);
                tab.notify(Level::Info, "Connection attempt cancelled.");
                return effects;
            }
            tab.notify(Level::Info, "Press Ctrl-C to quit.");
        }
        Action::LeaveSession => {
            let target = tab
                .session_settings
                .as_ref()
                .map(ConnectionSettings::display_target);
            let effects = disconnect(tab);
            tab.screen = Screen::Form;
            tab.focus = Focus::Form(Field::Host);
            tab.notify(
                Level::Info,
                format!(
                    "Disconnected from {}. Edit the form and press Enter to connect again.",
                    target.unwrap_or_default()
                ),
            );
            return effects;
        }
        Action::FocusMessages => tab.focus = Focus::Messages,
        Action::Publish => return publish(tab),
        Action::ToggleField | Action::NextChoice => toggle(tab, 1),
        Action::PrevChoice => toggle(tab, -1),
        Action::ScrollUp => tab.log.scroll_by(1, page_rows),
        Action::ScrollDown => tab.log.scroll_by(-1, page_rows),
        Action::PageUp => tab.log.scroll_by(page_rows as isize, page_rows),
        Action::PageDown => tab.log.scroll_by(-(page_rows as isize), page_rows),
        Action::ScrollOldest => tab.log.scroll_to_oldest(page_rows),
        Action::FollowTail => tab.log.follow_tail(),
        Action::ClearMessages => tab.log.clear(),
        Action::Edit(key) => edit(tab, |input| {
            input.handle_event(&Event::Key(key));
        }),
        Action::Paste(text) => edit(tab, |input| paste(input, &text)),
        // Handled by `update` before it gets here.
        Action::Quit
        | Action::ToggleHelp
        | Action::ToggleDetails
        | Action::CloseOverlay
        | Action::NewTab
        | Action::CloseTab
        | Action::NextTab
        | Action::PrevTab
        | Action::GoToTab(_)
        | Action::Resize { .. }
        | Action::Broker(_)
        | Action::Connect
        | Action::OpenProfiles
        | Action::ProfileUp
        | Action::ProfileDown
        | Action::LoadProfile
        | Action::OpenProfileInTab
        | Action::SaveProfileAs
        | Action::RenameProfile
        | Action::DuplicateProfile
        | Action::DeleteProfile
        | Action::ImportUri
        | Action::SubmitPrompt
        | Action::Confirm
        | Action::ProfilesSaved(_) => {}
    }
    Vec::new()
}

fn cycle_focus(tab: &Tab, step: isize) -> Focus {
    match (tab.screen, tab.focus) {
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

/// Enter on the form: asks for the password first when there is none to use.
fn connect(model: &mut Model) -> Vec<Effect> {
    let tab = model.tab();
    if tab.form.needs_password() && !matches!(tab.conn, ConnState::Connecting { .. }) {
        let kind = PromptKind::Password {
            tab: tab.number,
            profile: tab.profile.clone(),
        };
        if matches!(model.overlay, Overlay::Prompt(_)) {
            // Another tab is already asking; this one waits for the user's Enter.
            model.notify(
                Level::Info,
                "This tab needs a password: press Enter to type it.",
            );
            return Vec::new();
        }
        model.overlay = Overlay::Prompt(Prompt::new(kind, ""));
        model.notify(
            Level::Info,
            "No password saved for this form: type it to connect.",
        );
        return Vec::new();
    }
    connect_tab(model.tab_mut())
}

fn connect_tab(tab: &mut Tab) -> Vec<Effect> {
    if matches!(tab.conn, ConnState::Connecting { .. }) {
        tab.notify(Level::Info, "Already connecting. Esc cancels the attempt.");
        return Vec::new();
    }
    let settings = match tab.form.validate() {
        Ok(settings) => settings,
        Err((field, message)) => {
            tab.focus = Focus::Form(field);
            tab.notify(Level::Error, message.clone());
            tab.form.set_error(Some(field), &message);
            return Vec::new();
        }
    };
    let mut effects = disconnect(tab);
    tab.session += 1;
    tab.form.error = None;
    tab.conn = ConnState::Connecting {
        target: settings.display_target(),
        security: settings.security(),
        attempt: 1,
    };
    tab.notify(
        Level::Info,
        format!("Connecting to {} …", settings.display_target()),
    );
    // What the user typed and the messages seen so far are kept; the compose box aims at
    // the new routing only when the routing changed.
    let previous = tab.session_settings.as_ref().map(|s| &s.routing);
    if previous != Some(&settings.routing) {
        tab.compose.aim_at(&settings.routing);
    }
    tab.session_settings = Some(settings.clone());
    effects.push(Effect::Connect {
        session: tab.session,
        settings,
    });
    effects
}

/// Ends the current session, if any; its late events will be ignored.
fn disconnect(tab: &mut Tab) -> Vec<Effect> {
    if tab.conn == ConnState::Idle {
        return Vec::new();
    }
    let session = tab.session;
    tab.session += 1;
    tab.conn = ConnState::Idle;
    vec![Effect::Disconnect { session }]
}

fn publish(tab: &mut Tab) -> Vec<Effect> {
    if !matches!(tab.conn, ConnState::Connected { .. }) {
        tab.notify(
            Level::Error,
            "Not connected: the message was not sent. It stays in the compose box; press Enter again once connected.",
        );
        return Vec::new();
    }
    match tab.compose.request() {
        Ok(request) => {
            tab.notify(
                Level::Info,
                format!(
                    "Publishing to {} …",
                    target_label(&request.exchange, &request.routing_key)
                ),
            );
            vec![Effect::Publish {
                session: tab.session,
                request,
            }]
        }
        Err(message) => {
            tab.notify(Level::Error, message);
            Vec::new()
        }
    }
}

fn toggle(tab: &mut Tab, step: isize) {
    match tab.focus {
        Focus::Form(Field::Tls) => tab.form.toggle_tls(),
        Focus::Form(Field::Verify) => {
            tab.form.verify = !tab.form.verify;
            if !tab.form.verify {
                tab.notify(
                    Level::Warning,
                    "Verification off: any certificate the server presents will be accepted.",
                );
            }
        }
        Focus::Form(Field::RememberPassword) => {
            tab.form.remember_password = !tab.form.remember_password;
        }
        Focus::Form(Field::ExchangeType) => {
            let t = tab.form.exchange_type;
            tab.form.exchange_type = if step > 0 { t.next() } else { t.prev() };
        }
        Focus::ComposeMode => tab.compose.persistent = !tab.compose.persistent,
        _ => {}
    }
}

fn edit(tab: &mut Tab, apply: impl FnOnce(&mut tui_input::Input)) {
    let input = match tab.focus {
        Focus::Form(field) if field.is_text() => {
            if matches!(tab.form.error, Some((Some(f), _)) if f == field) {
                tab.form.error = None;
            }
            tab.form.input_mut(field)
        }
        Focus::ComposeBody => &mut tab.compose.body,
        Focus::ComposeExchange => &mut tab.compose.exchange,
        Focus::ComposeKey => &mut tab.compose.routing_key,
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
    // None when the user left that session or closed its tab.
    let Some(tab) = model.tab_of_session(session) else {
        return;
    };
    match event {
        // The hot path, once per message: nothing else is worked out for it.
        AmqpEvent::Delivery(delivery) => {
            tab.messages_received += 1;
            tab.log.push(delivery);
        }
        other => session_event(tab, other),
    }
}

/// Everything about the session but its deliveries.
fn session_event(tab: &mut Tab, event: AmqpEvent) {
    let Some(settings) = tab.session_settings.clone() else {
        return;
    };
    let target = settings.display_target();
    match event {
        AmqpEvent::Connecting { attempt } => {
            tab.conn = ConnState::Connecting {
                target,
                security: settings.security(),
                attempt,
            };
        }
        AmqpEvent::Connected {
            queue,
            security,
            reconnected,
            details,
        } => {
            tab.details = Some(*details);
            let verb = if reconnected {
                "Reconnected to"
            } else {
                "Connected to"
            };
            let watch = settings.routing.summary(&queue);
            tab.notify(Level::Success, format!("{verb} {target}: {watch}."));
            tab.conn = ConnState::Connected {
                target,
                security,
                queue,
            };
            if tab.screen == Screen::Form {
                tab.screen = Screen::Session;
                tab.focus = Focus::ComposeBody;
            }
        }
        AmqpEvent::Delivery(_) => {}
        AmqpEvent::Published {
            exchange,
            routing_key,
            outcome,
            ..
        } => {
            tab.compose.in_flight = tab.compose.in_flight.saturating_sub(1);
            let to = target_label(&exchange, &routing_key);
            match outcome {
                PublishOutcome::Routed => {
                    tab.notify(Level::Success, format!("Published to {to}: confirmed by the broker."));
                }
                PublishOutcome::Unroutable { reply } => tab.notify(
                    Level::Warning,
                    format!("Published to {to}, but no queue is bound for it: the broker returned it ({reply})."),
                ),
                PublishOutcome::Nacked => {
                    tab.notify(Level::Error, format!("The broker refused (nacked) the message to {to}."));
                }
                PublishOutcome::Failed { reason } => {
                    tab.notify(Level::Error, format!("Publish to {to} failed: {reason}"));
                }
            }
        }
        AmqpEvent::ConnectionLost {
            error,
            retry_in,
            attempt,
        } => {
            tab.notify(
                Level::Warning,
                format!(
                    "Connection lost: {error} Reconnecting in {} s (attempt {attempt}).",
                    retry_in.as_secs()
                ),
            );
            tab.conn = ConnState::Reconnecting {
                target,
                security: settings.security(),
                attempt,
                retry_in_secs: retry_in.as_secs(),
                error: error.to_string(),
            };
        }
        AmqpEvent::Failed(error) => {
            let field = field_at_fault(&error);
            tab.conn = ConnState::Idle;
            tab.screen = Screen::Form;
            if let Some(field) = field {
                tab.focus = Focus::Form(field);
            }
            tab.notify(Level::Error, error.to_string());
            tab.form.set_error(field, &error.to_string());
        }
        AmqpEvent::Notice(text) => tab.notify(Level::Info, text),
        AmqpEvent::Stopped => tab.conn = ConnState::Idle,
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
        let session = model.tab().session;
        update(model, Action::Broker(SessionEvent { session, event }));
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
            AmqpEvent::Connected {
                queue: "q".into(),
                security: Security::Plain,
                reconnected: false,
                details: Box::default(),
            },
        );
        assert_eq!(model.tab().screen, Screen::Session);
        assert_eq!(model.tab().focus, Focus::ComposeBody);
    }

    #[test]
    fn events_of_a_session_the_user_left_are_ignored() {
        let mut model = connected();
        let old = model.tab().session;
        let effects = update(&mut model, Action::LeaveSession);
        assert_eq!(effects, [Effect::Disconnect { session: old }]);
        assert_eq!(model.tab().screen, Screen::Form);
        let late = delivery(b"late");
        update(
            &mut model,
            Action::Broker(SessionEvent {
                session: old,
                event: AmqpEvent::Delivery(late),
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
            AmqpEvent::Failed(ConnectError::AccessRefused {
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
    fn publishing_while_reconnecting_is_refused_and_the_text_kept() {
        let mut model = connected();
        model.tab_mut().compose.body = tui_input::Input::new("keep me".into());
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
        assert!(request.persistent);
    }

    #[test]
    fn reconnecting_from_the_form_keeps_the_body_and_the_messages() {
        let mut model = connected();
        model.tab_mut().compose.body = tui_input::Input::new("draft".into());
        feed(&mut model, AmqpEvent::Delivery(delivery(b"seen")));
        update(&mut model, Action::LeaveSession);
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
        assert_eq!(model.tab().log.len(), 1);
    }

    #[test]
    fn notices_quoting_the_network_are_made_safe() {
        let mut model = connected();
        feed(
            &mut model,
            AmqpEvent::Notice("blocked: \x1b[2Jlow memory".into()),
        );
        let text = &model.tab().notice.as_ref().expect("a notice").text;
        assert!(!text.chars().any(crate::text::is_unsafe), "{text:?}");
    }
}
