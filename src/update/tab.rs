//! Actions on one tab: focus, connecting and leaving, publishing, switches and typing.

use crossterm::event::Event;
use tui_input::backend::crossterm::EventHandler;

use super::{Effect, target_label};
use crate::{
    action::Action,
    amqp::{AckMode, Source},
    keymap,
    model::{
        ConnState, Field, Focus, Level, Model, Overlay, Prompt, PromptKind, Screen, Tab,
        text_field::{paste_exact, paste_one_line},
    },
    session::{ConnectionSettings, Protocol, cycle},
};

/// The order Tab walks the session screen in.
const SESSION_FOCUS: [Focus; 6] = [
    Focus::Messages,
    Focus::ComposeBody,
    Focus::ComposeExchange,
    Focus::ComposeKey,
    Focus::ComposeMode,
    Focus::ComposeCopies,
];

/// Actions that concern only the current tab.
pub(super) fn tab_action(tab: &mut Tab, page_rows: usize, action: Action) -> Vec<Effect> {
    match action {
        Action::FocusNext => tab.focus = cycle_focus(tab, 1),
        Action::FocusPrev => tab.focus = cycle_focus(tab, -1),
        Action::CancelConnect => {
            if matches!(tab.conn, ConnState::Connecting { .. }) {
                let effects = disconnect(tab);
                tab.notify(Level::Info, "Connection attempt cancelled.");
                return effects;
            }
            let quit = keymap::keys_at(tab.focus, &Action::Quit);
            tab.notify(Level::Info, format!("Press {quit} to quit."));
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
        Action::ResendUnsent => return resend_unsent(tab),
        Action::ToggleField | Action::NextChoice => toggle(tab, 1),
        Action::PrevChoice => toggle(tab, -1),
        Action::ScrollUp => tab.log.select_by(-1, page_rows),
        Action::ScrollDown => tab.log.select_by(1, page_rows),
        Action::PageUp => tab.log.select_by(-(page_rows as isize), page_rows),
        Action::PageDown => tab.log.select_by(page_rows as isize, page_rows),
        Action::ToggleConfirms => {
            tab.compose.confirm = !tab.compose.confirm;
            let text = match (tab.protocol(), tab.compose.confirm) {
                (Protocol::Amqp, true) => {
                    "Publisher confirms on: every publish is reported acked, nacked or returned."
                }
                (Protocol::Amqp, false) => {
                    "Publisher confirms OFF: publishes are only reported as sent (or returned)."
                }
                (Protocol::Mqtt, true) => {
                    "QoS 1: every publish is confirmed by the broker's PUBACK, counted like publisher confirms."
                }
                (Protocol::Mqtt, false) => {
                    "QoS 0: publishes are only reported as sent; nothing confirms them."
                }
                (Protocol::Stomp | Protocol::WebStomp, true) => {
                    "Receipts on: every SEND asks for a RECEIPT, counted like publisher confirms."
                }
                (Protocol::Stomp | Protocol::WebStomp, false) => {
                    "Receipts OFF: SENDs are only reported as sent; nothing confirms them."
                }
            };
            tab.notify(Level::Info, text);
        }
        Action::TogglePause => {
            tab.log.toggle_pause();
            let text = if tab.log.paused() {
                let resume = keymap::keys_at(tab.focus, &Action::TogglePause);
                let follow = keymap::keys_at(tab.focus, &Action::FollowTail);
                format!(
                    "Paused: new messages are kept but the pane holds still. {resume} or {follow} resumes."
                )
            } else {
                "Following the newest messages again.".to_string()
            };
            tab.notify(Level::Info, text);
        }
        Action::ScrollOldest => tab.log.scroll_to_oldest(page_rows),
        Action::FollowTail => tab.log.follow_tail(),
        Action::ClearMessages => tab.log.clear(),
        Action::Edit(key) => edit(tab, |input| {
            input.handle_event(&Event::Key(key));
        }),
        // The body is published byte for byte; every other field is one line.
        Action::Paste(text) if tab.focus == Focus::ComposeBody => {
            edit(tab, |input| paste_exact(input, &text))
        }
        Action::Paste(text) => edit(tab, |input| paste_one_line(input, &text)),
        // Handled by `update` before it gets here.
        Action::Quit
        | Action::OtherKey
        | Action::QuitNow
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
        | Action::ToggleBrokerView
        | Action::RefreshTopology
        | Action::TopologyDue { .. }
        | Action::TopologyFetched { .. }
        | Action::NodeFound { .. }
        | Action::BrokerSelect(_)
        | Action::BrokerOpen
        | Action::BrokerFold
        | Action::BrokerFilter
        | Action::BrokerHideIdle
        | Action::BrokerShowImplicit
        | Action::BrokerSort
        | Action::Simulate
        | Action::ToggleObserve
        | Action::Observed { .. }
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
        | Action::OpenFilter
        | Action::HelpPage(_)
        | Action::OpenMessage
        | Action::ExportSelected
        | Action::ExportShown
        | Action::LoadFile
        | Action::Replay
        | Action::ReplayShown
        | Action::Settle(_)
        | Action::Peek
        | Action::OpenBindings
        | Action::AddBinding
        | Action::RemoveBinding
        | Action::BindingUp
        | Action::BindingDown
        | Action::Exported(_)
        | Action::FileLoaded { .. }
        | Action::PublishFileUnreadable { .. }
        | Action::OpenExplain
        | Action::SwitchExplainInput
        | Action::CycleBodyView
        | Action::ScrollOverlay(_)
        | Action::OpenProperties
        | Action::PropertyNext
        | Action::PropertyPrev
        | Action::PublishFile
        | Action::SubmitPrompt
        | Action::Confirm
        | Action::ProfilesSaved(_) => {}
    }
    Vec::new()
}

fn cycle_focus(tab: &Tab, step: isize) -> Focus {
    match (tab.screen, tab.focus) {
        (Screen::Form, Focus::Form(field)) => Focus::Form(tab.form.step_field(field, step)),
        (Screen::Form, _) => Focus::Form(Field::Host),
        (Screen::Session, focus) => {
            // An MQTT publish has a topic and no exchange.
            let stops: Vec<Focus> = SESSION_FOCUS
                .into_iter()
                .filter(|f| !(tab.protocol() == Protocol::Mqtt && *f == Focus::ComposeExchange))
                .collect();
            let i = stops.iter().position(|f| *f == focus).unwrap_or(0) as isize;
            let n = stops.len() as isize;
            stops[(i + step).rem_euclid(n) as usize]
        }
    }
}

/// Enter on the form: asks for the password first when there is none to use.
pub(super) fn connect(model: &mut Model) -> Vec<Effect> {
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
        // Named only from the form, where the key works.
        let cancel = keymap::keys_at(tab.focus, &Action::CancelConnect);
        let how = if cancel.is_empty() {
            String::new()
        } else {
            format!(" {cancel} cancels the attempt.")
        };
        tab.notify(Level::Info, format!("Already connecting.{how}"));
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
    tab.endpoints = crate::model::endpoints::Endpoints::new(settings.endpoints());
    let others = match settings.failover.len() {
        0 => String::new(),
        n => format!(" (then {n} more nodes)"),
    };
    tab.notify(
        Level::Info,
        format!("Connecting to {}{others} …", settings.display_target()),
    );
    // Rows from another queue or exchange would sit under the new title as if they came
    // from it: they go. A reconnect to the same source keeps them.
    if let Some(previous) = &tab.session_settings
        && !same_source(previous, &settings)
    {
        tab.log.clear();
        tab.messages_received = 0;
    }
    // What the user typed and the messages seen so far are kept; the compose box aims at
    // the new routing only when the routing changed.
    let aim =
        |s: &ConnectionSettings| (s.protocol, s.routing.clone(), s.mqtt.publish_topic.clone());
    if tab.session_settings.as_ref().map(aim) != Some(aim(&settings)) {
        // Another protocol: F5 and the mode toggle mean other things there (QoS 0,
        // retain), so they start from their defaults rather than carry over.
        if tab.protocol() != settings.protocol {
            tab.compose.confirm = true;
            tab.compose.persistent = false;
        }
        tab.compose.aim(&settings);
    }
    tab.session_settings = Some(settings.clone());
    // The tab is called after what it is connected to, not after a profile the form is
    // loaded from or saved as later.
    tab.session_profile = tab.profile.clone();
    // A built-in exchange's own type (amq.topic is topic): the form follows it.
    tab.form.exchange_type = settings.routing.exchange_type;
    effects.push(Effect::Connect {
        session: tab.session,
        settings,
    });
    effects
}

/// Whether two sessions' messages come from the same place: broker, vhost, and the
/// exchange or queue watched (bindings may change live without changing that).
fn same_source(a: &ConnectionSettings, b: &ConnectionSettings) -> bool {
    let (x, y) = (&a.routing, &b.routing);
    let mqtt = |s: &ConnectionSettings| (s.protocol, s.mqtt.subscriptions.clone());
    (&a.host, a.port, &a.vhost, x.source, &x.exchange, &x.queue)
        == (&b.host, b.port, &b.vhost, y.source, &y.exchange, &y.queue)
        && mqtt(a) == mqtt(b)
}

/// Ends the current session, if any; its late events will be ignored.
pub(super) fn disconnect(tab: &mut Tab) -> Vec<Effect> {
    if tab.conn == ConnState::Idle {
        return Vec::new();
    }
    let session = tab.session;
    tab.session += 1;
    tab.conn = ConnState::Idle;
    vec![Effect::Disconnect { session }]
}

/// While the session reconnects, a publish waits in the worker for the connection; with
/// no session at all there is nobody to hand it to.
fn publish(tab: &mut Tab) -> Vec<Effect> {
    if matches!(tab.conn, ConnState::Idle) {
        tab.notify(
            Level::Error,
            "Not connected: the message was not sent. It stays in the compose box; press Enter again once connected.",
        );
        return Vec::new();
    }
    match tab.compose.request(tab.protocol()) {
        Ok(request) => {
            let copies = match request.copies {
                1 => String::new(),
                n => format!("{n} copies "),
            };
            tab.notify(
                Level::Info,
                format!(
                    "Publishing {copies}to {} …",
                    target_label(tab.protocol(), &request.exchange, &request.routing_key)
                ),
            );
            if let Some(notice) = &mut tab.notice {
                notice.publish = Some(request.id);
            }
            vec![Effect::Publish {
                session: tab.session,
                request,
            }]
        }
        Err(error) => {
            if let Some(field) = error.property {
                tab.compose.props.focus = field;
                tab.compose.props.error = Some((field, error.message.clone()));
            }
            tab.notify(Level::Error, error.message);
            Vec::new()
        }
    }
}

/// Ctrl-R: everything the broker did not confirm goes out again, under new ids.
fn resend_unsent(tab: &mut Tab) -> Vec<Effect> {
    if tab.compose.unsent.is_empty() {
        tab.notify(
            Level::Info,
            "Nothing to resend: every publish of this tab was confirmed, returned, or still awaits its confirm.",
        );
        return Vec::new();
    }
    let copies = tab.compose.unsent.copies();
    if matches!(tab.conn, ConnState::Idle) {
        tab.notify(
            Level::Error,
            format!("Not connected: connect first. The {copies} unconfirmed messages are kept for Ctrl-R."),
        );
        return Vec::new();
    }
    tab.notify(
        Level::Info,
        format!("Resending the {copies} messages the broker did not confirm …"),
    );
    let session = tab.session;
    let mut requests = tab.compose.unsent.take_all();
    let what = format!("Resent the {copies} messages the broker had not confirmed");
    tab.compose.number_bulk(what, &mut requests);
    requests
        .into_iter()
        .map(|request| Effect::Publish { session, request })
        .collect()
}

/// Enter in the "publish a file" prompt: the compose box's request, with the file's bytes
/// read by the app (update does no I/O).
pub(super) fn publish_file(model: &mut Model, path: &str) -> Result<Vec<Effect>, String> {
    if path.is_empty() {
        return Err("Type the path of the file to publish.".into());
    }
    let tab = model.tab_mut();
    if !matches!(tab.conn, ConnState::Connected { .. }) {
        return Err("Not connected: connect first, then publish the file.".into());
    }
    let request = tab.compose.request(tab.protocol()).map_err(|e| e.message)?;
    model.overlay = Overlay::None;
    let tab = model.tab_mut();
    tab.notify(Level::Info, format!("Publishing the bytes of {path} …"));
    Ok(vec![Effect::PublishFile {
        tab: tab.number,
        session: tab.session,
        request,
        path: path.into(),
    }])
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
        Focus::Form(Field::CleanSession) => tab.form.clean_session = !tab.form.clean_session,
        Focus::Form(Field::Protocol) => {
            let protocol = cycle(&Protocol::ALL, tab.form.protocol, step);
            tab.form.set_protocol(protocol);
        }
        Focus::Form(Field::Qos) => tab.form.qos = cycle(&[0, 1], tab.form.qos.min(1), step),
        Focus::Form(Field::Source) => {
            tab.form.source = cycle(&Source::ALL, tab.form.source, step);
        }
        Focus::Form(Field::AckMode) => tab.form.ack = cycle(&AckMode::ALL, tab.form.ack, step),
        Focus::Form(Field::StompAck) => {
            let all = crate::stomp::AckMode::ALL;
            tab.form.stomp_ack = cycle(&all, tab.form.stomp_ack, step);
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
        Focus::ComposeBody => {
            tab.compose.raw_body = None;
            &mut tab.compose.body
        }
        Focus::ComposeExchange => &mut tab.compose.exchange,
        Focus::ComposeKey => &mut tab.compose.routing_key,
        Focus::ComposeCopies => &mut tab.compose.copies,
        _ => return,
    };
    apply(input);
}
