//! What the broker reports about a session, applied to the tab that owns it.

use super::target_label;
use crate::session::Protocol;
use crate::{
    action::Action,
    amqp::Binding,
    keymap,
    model::{
        ConnState, Focus, Level, Model, Screen, Tab,
        bulk::{self, BulkReport},
        connect_form::field_at_fault,
        endpoints::EndpointState,
    },
    session::{PublishOutcome, PublishRequest, SessionEvent, Settle, WorkerEvent},
};

pub(super) fn broker_event(model: &mut Model, SessionEvent { session, event }: SessionEvent) {
    // Whichever session or tab it came from: its copies count for a while longer.
    if let WorkerEvent::Published { id, .. } = &event {
        let now = super::clock();
        model.crossings.reported(Tab::number_of(session), *id, now);
    }
    // None when the user left that session or closed its tab.
    let Some((tab, crossings)) = model.tab_and_crossings(session) else {
        // Except that a left session's publishes are still accounted for: messages that
        // waited for a connection are reported failed, and kept for a resend.
        if let WorkerEvent::Published {
            id,
            exchange,
            routing_key,
            outcome,
            unsent,
        } = event
            && let Some(tab) = model.tab_of_any_session(session)
        {
            publish_reported(tab, id, &exchange, &routing_key, outcome, unsent);
        }
        return;
    };
    match event {
        // The hot path, once per message: nothing else is worked out for it.
        WorkerEvent::Delivery(delivery) => {
            tab.messages_received += 1;
            crossings.delivered(tab.number, tab.log.next_seq(), &delivery);
            tab.log.push(delivery);
        }
        other => session_event(tab, other),
    }
}

/// Everything about the session but its deliveries.
fn session_event(tab: &mut Tab, event: WorkerEvent) {
    let Some(settings) = tab.session_settings.clone() else {
        return;
    };
    // The node the session is on or was last on: the one the status bar names.
    let target = match tab.endpoints.current() {
        Some(current) => settings.display_target_at(&current.endpoint),
        None => settings.display_target(),
    };
    match event {
        WorkerEvent::Connecting { attempt, endpoint } => {
            tab.endpoints.set(&endpoint, EndpointState::Connecting);
            tab.conn = ConnState::Connecting {
                target: settings.display_target_at(&endpoint),
                security: settings.security(),
                attempt,
            };
        }
        WorkerEvent::Connected {
            queue,
            security,
            reconnected,
            endpoint,
            failed_over,
            details,
        } => {
            tab.details = Some(*details);
            tab.not_watching = None;
            tab.endpoints.set(&endpoint, EndpointState::Connected);
            let target = settings.display_target_at(&endpoint);
            if reconnected {
                tab.outages += 1;
            }
            let n = tab.outages;
            let verb = match &failed_over {
                Some(moved) => format!(
                    "Failed over from {} to {} in {:.1} s (outage {n} of this tab):",
                    tab.endpoints.name_of(&moved.from),
                    tab.endpoints.name_of(&endpoint),
                    moved.took.as_secs_f64()
                ),
                None if reconnected => {
                    format!("Reconnected by itself (outage {n} of this tab) to {target}:")
                }
                None => format!("Connected to {target}:"),
            };
            let watch = settings.watch_summary(&queue);
            tab.notify(Level::Success, format!("{verb} {watch}."));
            tab.endpoints.last_failover = failed_over.map(|moved| (moved, tab.notices_shown));
            tab.conn = ConnState::Connected {
                target,
                security,
                queue,
            };
            // The pane first, where the session's keys work (F3 details, x explain, /
            // filter...); the compose box is one Tab away. Typing there at once would
            // put those keys into the body.
            if tab.screen == Screen::Form {
                tab.screen = Screen::Session;
                tab.focus = Focus::Messages;
            }
        }
        WorkerEvent::EndpointDown { endpoint, error } => {
            let why = error.to_string();
            tab.notify(
                Level::Warning,
                format!("Node {endpoint} could not be used: {why}"),
            );
            tab.endpoints.set(&endpoint, EndpointState::Down(why));
        }
        WorkerEvent::Delivery(_) => {}
        WorkerEvent::Published {
            id,
            exchange,
            routing_key,
            outcome,
            unsent,
        } => publish_reported(tab, id, &exchange, &routing_key, outcome, unsent),
        WorkerEvent::PublishQueued { id, waiting } => {
            tab.compose.waiting.insert(id);
            tab.notify(
                Level::Warning,
                format!("Not connected right now: the message waits and is published as soon as the connection is back ({waiting} waiting)."),
            );
        }
        WorkerEvent::ConnectionLost {
            error,
            retry_in,
            attempt,
        } => {
            tab.endpoints.current_lost(&error.to_string());
            let next = if retry_in.is_zero() {
                "Failing over to another node now.".to_string()
            } else if tab.endpoints.several() {
                format!(
                    "No node answered: trying them all again in {} s (attempt {attempt}).",
                    retry_in.as_secs()
                )
            } else {
                format!(
                    "Reconnecting in {} s (attempt {attempt}).",
                    retry_in.as_secs()
                )
            };
            tab.notify(Level::Warning, format!("Connection lost: {error} {next}"));
            tab.conn = ConnState::Reconnecting {
                target,
                security: settings.security(),
                attempt,
                retry_in_secs: retry_in.as_secs(),
                error: error.to_string(),
            };
        }
        WorkerEvent::Failed(error) => {
            let field = field_at_fault(&error);
            tab.conn = ConnState::Idle;
            tab.screen = Screen::Form;
            if let Some(field) = field {
                tab.focus = Focus::Form(field);
            }
            tab.notify(Level::Error, error.to_string());
            tab.form.set_error(field, &error.to_string());
        }
        WorkerEvent::BindingChanged {
            binding,
            added,
            result,
        } => binding_changed(tab, binding, added, result),
        WorkerEvent::Settled {
            delivery_tag,
            epoch,
            settle,
            result,
        } => match result {
            Ok(()) => {
                tab.log.mark_settled(delivery_tag, epoch, settle);
                let done = match settle {
                    Settle::Ack => "acknowledged: the broker has deleted it",
                    Settle::Reject => "rejected: the broker dropped it (or dead-lettered it)",
                    Settle::Requeue => "requeued: it is back in the queue, marked redelivered",
                };
                tab.notify(Level::Success, format!("Message {delivery_tag} {done}."));
            }
            Err(reason) => tab.notify(Level::Error, format!("Message {delivery_tag}: {reason}")),
        },
        WorkerEvent::Peeked { count, result } => match result {
            Ok(()) => tab.notify(
                Level::Success,
                format!("Peeked {count} messages and requeued them all: the queue holds what it held, in the same order."),
            ),
            Err(reason) => tab.notify(Level::Error, format!("Peek: {reason}")),
        },
        WorkerEvent::WatchLost { error, retry_in } => {
            tab.notify(
                Level::Error,
                format!(
                    "The broker closed the consuming channel and it cannot be reopened: {error} The connection stays up and publishing works; watching again in {} s.",
                    retry_in.as_secs()
                ),
            );
            tab.not_watching = Some(crate::text::visible(&error.to_string()));
        }
        WorkerEvent::WatchResumed { queue } => {
            tab.notify(
                Level::Warning,
                "The broker closed the consuming channel; reopened it. Messages left unsettled on it were requeued by the broker.",
            );
            tab.not_watching = None;
            if let ConnState::Connected { queue: watched, .. } = &mut tab.conn {
                *watched = queue;
            }
        }
        WorkerEvent::Notice(text) => tab.notify(Level::Info, text),
        WorkerEvent::Stopped => tab.conn = ConnState::Idle,
    }
}

fn publish_reported(
    tab: &mut Tab,
    id: u64,
    exchange: &str,
    routing_key: &str,
    outcome: PublishOutcome,
    unsent: Option<Box<PublishRequest>>,
) {
    let compose = &mut tab.compose;
    compose.waiting.remove(&id);
    let retained = compose.retained.remove(&id);
    let topic = compose.topics.remove(&id);
    compose.in_flight = compose.in_flight.saturating_sub(1);
    compose.tally.add(&outcome);
    let kept = unsent.is_some();
    if let Some(request) = unsent {
        compose.unsent.keep(*request);
    }
    match bulk::report(&mut compose.bulks, id, &outcome) {
        BulkReport::Single => {}
        BulkReport::Counted => return,
        BulkReport::Done(level, text) => return tab.notify(level, text),
    }
    let confirmed = outcome.unconfirmed() == 0;
    published(tab, exchange, routing_key, topic, outcome);
    // The tabs its copies reach are named after it as they come (`ui::seen`).
    if let Some(notice) = &mut tab.notice {
        notice.publish = Some(id);
    }
    if retained
        && confirmed
        && let Some(notice) = &mut tab.notice
    {
        notice.text.push_str(
            " Retained: the broker keeps it for new subscribers of exactly this topic (RabbitMQ 3.10 gives it to no wildcard subscription).",
        );
    }
    if kept {
        // The failure itself is already in the notice; say how to recover.
        if let Some(notice) = &mut tab.notice {
            let resend = keymap::keys_at(Focus::ComposeBody, &Action::ResendUnsent);
            notice
                .text
                .push_str(&format!(" {resend} in the compose box sends it again."));
        }
    }
}

/// How to open the routing explainer from `focus`, naming only keys that work there:
/// from the compose box that is leaving it first.
fn explain_hint(focus: Focus) -> String {
    match keymap::reach(focus, &Action::OpenExplain) {
        keys if keys.contains(", then ") => format!(" {keys}, explains the bindings."),
        keys if keys.is_empty() => String::new(),
        keys => format!(" {keys} explains the bindings."),
    }
}

/// A publish sent on its own is named in the notice; a message no queue took is shown
/// prominently, since finding those is the point.
fn published(
    tab: &mut Tab,
    exchange: &str,
    routing_key: &str,
    topic: Option<String>,
    outcome: PublishOutcome,
) {
    let protocol = tab.protocol();
    let stomp = matches!(protocol, Protocol::Stomp | Protocol::WebStomp);
    let to = match topic {
        Some(destination) if stomp => format!("destination '{destination}'"),
        Some(topic) => format!("topic '{topic}'"),
        None => target_label(protocol, exchange, routing_key),
    };
    let explain = explain_hint(tab.focus);
    let mqtt = protocol == Protocol::Mqtt;
    let (level, text) = match outcome {
        PublishOutcome::Routed if stomp => (
            Level::Success,
            format!("Sent to {to}: the broker confirmed it with a RECEIPT."),
        ),
        PublishOutcome::Sent if stomp => (
            Level::Success,
            format!("Sent to {to}: no receipt asked; nothing confirms it."),
        ),
        PublishOutcome::Refused { reason } if stomp => (
            Level::Error,
            format!("Not sent to {to}: {reason}. No RECEIPT came."),
        ),
        PublishOutcome::Routed if mqtt => (
            Level::Success,
            format!("Published to {to}: acked by the broker (PUBACK)."),
        ),
        PublishOutcome::Routed => (
            Level::Success,
            format!("Published to {to}: acked by the broker."),
        ),
        PublishOutcome::Sent if mqtt => (
            Level::Success,
            format!("Published to {to} at QoS 0: sent; nothing confirms it."),
        ),
        PublishOutcome::Refused { reason } if mqtt => (
            Level::Error,
            format!("Not published to {to}: {reason}. Nothing was sent."),
        ),
        PublishOutcome::Unroutable {
            reply_code,
            reply_text,
            exchange,
            routing_key,
        } => (
            Level::Error,
            format!(
                "unroutable: {reply_text}, exchange {}, key {} — no queue is bound for it; the broker returned it ({reply_code}).{explain}",
                if exchange.is_empty() {
                    "(default)"
                } else {
                    exchange.as_str()
                },
                routing_key
            ),
        ),
        PublishOutcome::Sent => (
            Level::Success,
            format!("Published to {to}: sent, not returned (no publisher confirm asked)."),
        ),
        PublishOutcome::Nacked => (
            Level::Error,
            format!("The broker refused (nacked) the message to {to}."),
        ),
        PublishOutcome::Refused { reason } => (
            Level::Error,
            format!("The broker refused the message to {to}: {reason}. It is in no queue."),
        ),
        PublishOutcome::Failed { reason } => {
            (Level::Error, format!("Publish to {to} failed: {reason}"))
        }
        PublishOutcome::Copies {
            routed,
            sent,
            returned,
            nacked,
            refused,
            failed,
            first_problem,
        } => {
            let total = routed + sent + returned + nacked + refused + failed;
            let level = if returned + nacked + refused + failed == 0 {
                Level::Success
            } else {
                Level::Error
            };
            let first = first_problem
                .map(|p| format!(" First problem: {p}"))
                .unwrap_or_default();
            (
                level,
                if sent > 0 {
                    format!(
                        "Published {total} copies to {to} without confirms: {sent} sent, {returned} returned (unroutable), {refused} refused, {failed} failed.{first}"
                    )
                } else {
                    format!(
                        "Published {total} copies to {to}: {routed} acked, {returned} returned (unroutable), {nacked} nacked, {refused} refused, {failed} failed.{first}"
                    )
                },
            )
        }
    };
    tab.notify(level, text);
}

/// A binding added or removed live: the session's routing follows, so the explainer, the
/// pane title and a saved profile see the bindings the broker has.
fn binding_changed(tab: &mut Tab, binding: Binding, added: bool, result: Result<(), String>) {
    let Some(settings) = tab.session_settings.as_mut() else {
        return;
    };
    let routing = &mut settings.routing;
    let shown = crate::routing::format_binding(routing.exchange_type, &binding);
    match result {
        Ok(()) => {
            if added {
                if !routing.bindings.contains(&binding) {
                    routing.bindings.push(binding);
                }
            } else {
                routing.bindings.retain(|b| *b != binding);
            }
            let verb = if added { "Bound" } else { "Unbound" };
            tab.notify(Level::Success, format!("{verb} {shown}."));
        }
        Err(reason) => {
            let verb = if added { "bind" } else { "unbind" };
            tab.notify(Level::Error, format!("Could not {verb} {shown}: {reason}"));
        }
    }
}
