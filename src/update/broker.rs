//! What the broker reports about a session, applied to the tab that owns it.

use super::target_label;
use crate::{
    amqp::{AmqpEvent, PublishOutcome, SessionEvent},
    model::{ConnState, Focus, Level, Model, Screen, Tab, connect_form::field_at_fault},
};

pub(super) fn broker_event(model: &mut Model, SessionEvent { session, event }: SessionEvent) {
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
                PublishOutcome::Unroutable { reply_code, reply_text, .. } => tab.notify(
                    Level::Warning,
                    format!("Published to {to}, but no queue is bound for it: the broker returned it ({reply_code} {reply_text})."),
                ),
                // Placeholder wording until the UI shows copies, settles and peeks itself.
                PublishOutcome::Copies { routed, returned, nacked, failed, first_problem } => tab.notify(
                    if routed > 0 && returned + nacked + failed == 0 { Level::Success } else { Level::Warning },
                    format!(
                        "Published copies to {to}: {routed} routed, {returned} returned, {nacked} nacked, {failed} failed{}",
                        first_problem.map(|p| format!(" (first: {p})")).unwrap_or_default()
                    ),
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
        AmqpEvent::BindingChanged {
            result: Err(reason),
            ..
        }
        | AmqpEvent::Settled {
            result: Err(reason),
            ..
        }
        | AmqpEvent::Peeked {
            result: Err(reason),
            ..
        } => tab.notify(Level::Error, reason),
        AmqpEvent::BindingChanged { .. } | AmqpEvent::Settled { .. } | AmqpEvent::Peeked { .. } => {
        }
        AmqpEvent::Notice(text) => tab.notify(Level::Info, text),
        AmqpEvent::Stopped => tab.conn = ConnState::Idle,
    }
}
