//! What the user does with the broker's queue beyond watching: settle messages taken from
//! an existing queue, peek at one, and add or remove the session's bindings live.

use super::Effect;
use crate::session::SessionCommand;
use crate::{
    amqp::{AckMode, Source},
    model::{ConnState, Level, Model, Overlay, Tab},
    routing,
    session::Settle,
};

/// Messages a peek takes at most: enough to see what is queued, bounded so one key press
/// never holds a busy queue's messages for long.
pub const PEEK_MAX: u32 = 100;

fn live_session(tab: &mut Tab) -> Option<crate::session::SessionId> {
    if matches!(tab.conn, ConnState::Connected { .. }) {
        Some(tab.session)
    } else {
        tab.notify(
            Level::Error,
            "Not connected: nothing was sent to the broker.",
        );
        None
    }
}

fn ack_mode(tab: &Tab) -> Option<AckMode> {
    let routing = &tab.session_settings.as_ref()?.routing;
    (routing.source == Source::Queue).then_some(routing.ack)
}

/// Whether the tab's messages wait for `a`, `d`, `u`: AMQP's manual acks on an existing
/// queue, STOMP's client-individual subscriptions.
fn settles_by_hand(tab: &Tab) -> bool {
    use crate::session::Protocol;
    match tab.session_settings.as_ref().map(|s| (s.protocol, s)) {
        Some((Protocol::Stomp | Protocol::WebStomp, s)) => {
            s.stomp.ack == crate::stomp::AckMode::ClientIndividual
        }
        Some((Protocol::Amqp, _)) => ack_mode(tab) == Some(AckMode::Manual),
        _ => false,
    }
}

/// `a`, `d`, `u` on a message: only for an existing queue consumed with manual acks, or a
/// STOMP subscription with client-individual acks.
pub fn settle(model: &mut Model, settle: Settle) -> Vec<Effect> {
    let tab = model.tab_mut();
    let stomp = matches!(
        tab.protocol(),
        crate::session::Protocol::Stomp | crate::session::Protocol::WebStomp
    );
    if stomp && !settles_by_hand(tab) {
        tab.notify(
            Level::Info,
            "Ack, nack and requeue are for a subscription with ack mode client-individual (Ack mode on the form, or --ack client). With auto, the app acks each message as it arrives.",
        );
        return Vec::new();
    }
    if !settles_by_hand(tab) {
        tab.notify(
            Level::Info,
            "Ack, reject and requeue are for an existing queue consumed with manual acks (Watch and Ack mode on the form). Our own queues, and take mode, ack messages as they arrive.",
        );
        return Vec::new();
    }
    let Some(entry) = tab.log.selected() else {
        tab.notify(Level::Info, "No message is selected: Up/Down picks one.");
        return Vec::new();
    };
    let (delivery_tag, epoch) = (entry.delivery.delivery_tag, entry.delivery.epoch);
    if !entry.delivery.can_settle() {
        tab.notify(
            Level::Info,
            "This message was peeked or loaded from a file: there is nothing to settle.",
        );
        return Vec::new();
    }
    if let Some(done) = entry.settled {
        tab.notify(
            Level::Info,
            format!("This message was already settled ({done:?})."),
        );
        return Vec::new();
    }
    let Some(session) = live_session(tab) else {
        return Vec::new();
    };
    vec![Effect::Command {
        session,
        command: SessionCommand::Settle {
            delivery_tag,
            epoch,
            settle,
        },
    }]
}

/// `g`: peek at the queue (peek mode only).
pub fn peek(model: &mut Model) -> Vec<Effect> {
    let tab = model.tab_mut();
    if ack_mode(tab) != Some(AckMode::Peek) {
        tab.notify(
            Level::Info,
            "Peek is for an existing queue opened in peek mode (Watch and Ack mode on the form).",
        );
        return Vec::new();
    }
    let Some(session) = live_session(tab) else {
        return Vec::new();
    };
    tab.notify(
        Level::Info,
        format!("Peeking at up to {PEEK_MAX} messages …"),
    );
    vec![Effect::Command {
        session,
        command: SessionCommand::Peek { max: PEEK_MAX },
    }]
}

pub fn open_bindings(model: &mut Model) {
    let tab = model.tab_mut();
    match tab.session_settings.as_ref().map(|s| s.routing.source) {
        None => tab.notify(
            Level::Info,
            "Connect first: the bindings are the session's.",
        ),
        Some(Source::Queue) => tab.notify(
            Level::Info,
            "This session consumes an existing queue: its bindings are the broker's to change.",
        ),
        Some(_) => model.overlay = Overlay::Bindings { selected: 0 },
    }
}

/// Enter in the "add a binding" prompt.
pub fn add_binding(model: &mut Model, text: &str) -> Result<Vec<Effect>, String> {
    let tab = model.tab_mut();
    let exchange_type = tab
        .session_settings
        .as_ref()
        .map(|s| s.routing.exchange_type)
        .ok_or("Connect first.")?;
    let binding = routing::parse_binding(exchange_type, text)?;
    let session = live_session(tab).ok_or("Not connected.")?;
    let count = tab
        .session_settings
        .as_ref()
        .map_or(0, |s| s.routing.bindings.len());
    model.overlay = Overlay::Bindings { selected: count };
    Ok(vec![Effect::Command {
        session,
        command: SessionCommand::Bind(binding),
    }])
}

/// `d` in the bindings list: unbind the one under the cursor.
pub fn remove_binding(model: &mut Model) -> Vec<Effect> {
    let Overlay::Bindings { selected } = model.overlay else {
        return Vec::new();
    };
    let tab = model.tab_mut();
    let Some(binding) = tab.session_settings.as_ref().and_then(|s| {
        let last = s.routing.bindings.len().checked_sub(1)?;
        s.routing.bindings.get(selected.min(last)).cloned()
    }) else {
        tab.notify(Level::Info, "No binding selected: a adds one.");
        return Vec::new();
    };
    let Some(session) = live_session(tab) else {
        return Vec::new();
    };
    vec![Effect::Command {
        session,
        command: SessionCommand::Unbind(binding),
    }]
}
