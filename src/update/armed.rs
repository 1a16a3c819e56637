//! One rule for the keys that end something live: quit, disconnect, close a tab. While
//! it would lose something (a session, a queue, unacked or unconfirmed messages) the
//! first press only says what would be lost and which key confirms, and arms; the same
//! action again carries it out; anything else the user does disarms it.

use crate::{
    action::Action,
    amqp::{AckMode, Source},
    keymap,
    model::{ConnState, Level, Model, Tab},
};

/// Whether `action` is held back to ask first. Called by `update` before anything else.
pub(super) fn holds(model: &mut Model, action: &Action) -> bool {
    if !from_the_user(action) {
        return false;
    }
    let armed = model.armed.take();
    let Some((loss, verb)) = losses(model, action) else {
        if let Some(armed) = armed.filter(|armed| armed != action) {
            cancelled(model, &armed);
        }
        return false;
    };
    if armed.as_ref() == Some(action) {
        return false;
    }
    if let Some(armed) = armed {
        cancelled(model, &armed);
    }
    let mut keys = keymap::keys_for(keymap::context_of(model), action);
    if keys.is_empty() {
        // Ctrl-C reaches past overlays (the profile list, a prompt…), unlike the table's
        // other "anywhere" keys: name it from the pane or form under the overlay.
        keys = keymap::keys_at(model.tab().focus, action);
    }
    model.notify(
        Level::Warning,
        format!("{loss} {keys} again {verb}; any other key cancels."),
    );
    model.armed = Some(action.clone());
    true
}

/// What arrives without the user: it must not disarm a question they are reading.
fn from_the_user(action: &Action) -> bool {
    !matches!(
        action,
        Action::Broker(_)
            | Action::Resize { .. }
            | Action::ProfilesSaved(_)
            | Action::Exported(_)
            | Action::FileLoaded { .. }
            | Action::PublishFileUnreadable { .. }
            | Action::TopologyDue { .. }
            | Action::TopologyFetched { .. }
            | Action::Observed { .. }
            | Action::NodeFound { .. }
            | Action::QuitNow
    )
}

fn cancelled(model: &mut Model, armed: &Action) {
    let text = match armed {
        Action::ToggleObserve => "Cancelled: tracing was not switched on.",
        _ => "Cancelled: nothing was closed.",
    };
    model.notify(Level::Info, text);
}

/// What `action` would lose now, and the verb of its confirming key; `None` when it
/// loses nothing and goes ahead at once.
fn losses(model: &Model, action: &Action) -> Option<(String, &'static str)> {
    match action {
        Action::Quit => {
            let live: Vec<&Tab> = model.tabs().iter().filter(|t| is_live(t)).collect();
            let unconfirmed = model.unconfirmed_publishes();
            if live.is_empty() && unconfirmed == 0 {
                return None;
            }
            let mut parts = Vec::new();
            if !live.is_empty() {
                let here = model.tab().number;
                let others = live.iter().filter(|t| t.number != here).count();
                let elsewhere = match others {
                    0 => String::new(),
                    n => format!(" ({n} in other tabs)"),
                };
                let mut sessions = format!(
                    "Quitting closes {}{elsewhere}",
                    count(live.len(), "open session", "open sessions")
                );
                let queues = live.iter().filter(|t| own_queue(t).is_some()).count();
                if queues > 0 {
                    sessions.push_str(&format!(
                        ", deleting {} of the app's own (exclusive, auto-delete)",
                        count(queues, "queue", "queues")
                    ));
                }
                let unacked: usize = live.iter().map(|t| unacked(t)).sum();
                if unacked > 0 {
                    sessions.push_str(&format!(
                        ", requeueing {}",
                        count(unacked, "unacked message", "unacked messages")
                    ));
                }
                parts.push(sessions);
            }
            if unconfirmed > 0 {
                parts.push(format!(
                    "{unconfirmed} publishes are not confirmed yet (waiting for the connection, awaiting the broker, or failed and kept for {}): quitting now loses them",
                    keymap::keys_at(crate::model::Focus::ComposeBody, &Action::ResendUnsent)
                ));
            }
            Some((format!("{}.", parts.join("; ")), "quits anyway"))
        }
        Action::LeaveSession => {
            let tab = model.tab();
            is_live(tab).then(|| {
                (
                    format!("Disconnecting {}.", session_losses(tab)),
                    "disconnects",
                )
            })
        }
        Action::CloseTab => {
            let tab = model.tab();
            let unconfirmed = tab.compose.in_flight as u64 + tab.compose.unsent.copies();
            if model.tabs().len() <= 1 || (!is_live(tab) && unconfirmed == 0) {
                return None;
            }
            let mut loss = format!("Closing tab {}", tab.title());
            if is_live(tab) {
                loss.push_str(&format!(" {}", session_losses(tab)));
            }
            if unconfirmed > 0 {
                loss.push_str(&format!(
                    "{} loses its {unconfirmed} publishes not confirmed yet",
                    if is_live(tab) { ", and" } else { "" }
                ));
            }
            Some((format!("{loss}."), "closes it"))
        }
        // Not a loss but a cost the broker pays: asked the same way, once.
        Action::ToggleObserve => super::observe::warning(model).map(|w| (w, "turns it on")),
        _ => None,
    }
}

fn is_live(tab: &Tab) -> bool {
    tab.conn != ConnState::Idle
}

/// What ending `tab`'s session loses, as the rest of a sentence: "ends the session to
/// …, deleting the server-named queue amq.gen-… and what it holds".
fn session_losses(tab: &Tab) -> String {
    let target = tab
        .session_settings
        .as_ref()
        .map(|s| s.display_target())
        .unwrap_or_default();
    let mut text = format!("ends the session to {target}");
    if let Some(queue) = own_queue(tab) {
        text.push_str(&format!(", deleting {queue} and any messages in it"));
    }
    let unacked = unacked(tab);
    if unacked > 0 {
        text.push_str(&format!(
            ", requeueing {}",
            count(unacked, "unacked message", "unacked messages")
        ));
    }
    text
}

/// The queue the session declared for itself (exclusive, auto-delete): ending the
/// session deletes it.
fn own_queue(tab: &Tab) -> Option<String> {
    let routing = &tab.session_settings.as_ref()?.routing;
    let ConnState::Connected { queue, .. } = &tab.conn else {
        return None;
    };
    if routing.source == Source::Queue {
        return None;
    }
    let name = crate::text::visible(queue);
    Some(if routing.queue.is_empty() {
        format!("the server-named queue {name}")
    } else {
        format!("queue {name} (exclusive, auto-delete)")
    })
}

/// Manual acks on an existing queue: what ending the session hands back to it.
fn unacked(tab: &Tab) -> usize {
    match &tab.session_settings {
        Some(s) if s.routing.source == Source::Queue && s.routing.ack == AckMode::Manual => {
            tab.log.unsettled()
        }
        _ => 0,
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
