//! The session task: owns the connection and its channels, sets up what the session
//! watches, consumes, settles, peeks, publishes, and reconnects by itself when the
//! connection drops.
//!
//! `session` holds the live connection and its serve loop, `source` the three ways of
//! getting messages (declare, tap, existing queue), `queue_ops` the commands on them
//! (bindings, settle, peek), `publish` the publisher with its confirms.

mod handover;
mod outbox;
mod outcome;
mod publish;
mod queue_ops;
mod session;
mod source;
mod watchdog;

use tokio::sync::mpsc;

use super::{
    AmqpCommand, AmqpEvent, PublishOutcome, PublishRequest, SessionEvent, SessionId,
    error::ConnectError, reconnect_delay, settings::ConnectionSettings,
};
use outbox::Outbox;
use session::LiveSession;

/// Commands queue here while the worker is busy; past it they wait in the app, so a
/// flood of publishes costs the app's memory once, not the channel's as well.
pub const COMMAND_CAPACITY: usize = 256;

/// Why a settle of an earlier connection's delivery is refused: its tag belonged to a
/// channel that is gone, and the broker requeued every message left unsettled on it.
pub const STALE_DELIVERY: &str =
    "delivered before the connection dropped; the broker has requeued it";

/// Starts a session task on the current tokio runtime. Dropping the returned sender, or
/// sending [`AmqpCommand::Disconnect`], ends it.
pub fn spawn(
    session: SessionId,
    settings: ConnectionSettings,
    events_tx: mpsc::Sender<SessionEvent>,
) -> mpsc::Sender<AmqpCommand> {
    spawn_with_capacity(session, settings, events_tx, COMMAND_CAPACITY)
}

/// [`spawn`] with room for `capacity` commands in the channel (at least 1).
pub fn spawn_with_capacity(
    session: SessionId,
    settings: ConnectionSettings,
    events_tx: mpsc::Sender<SessionEvent>,
    capacity: usize,
) -> mpsc::Sender<AmqpCommand> {
    let (commands_tx, commands_rx) = mpsc::channel(capacity.max(1));
    let events = Events { session, events_tx };
    tokio::spawn(run(settings, commands_rx, events));
    commands_tx
}

#[derive(Clone)]
struct Events {
    session: SessionId,
    events_tx: mpsc::Sender<SessionEvent>,
}

impl Events {
    /// False once the UI is gone: the worker has nobody left to work for.
    async fn send(&self, event: AmqpEvent) -> bool {
        let event = SessionEvent {
            session: self.session,
            event,
        };
        self.events_tx.send(event).await.is_ok()
    }

    /// The next send would wait for the UI to catch up.
    fn is_full(&self) -> bool {
        self.events_tx.capacity() == 0
    }
}

async fn run(
    mut settings: ConnectionSettings,
    mut commands_rx: mpsc::Receiver<AmqpCommand>,
    events: Events,
) {
    // Failed attempts since the last good connection: drives the backoff.
    let mut failures = 0u32;
    let mut connected_before = false;
    // Bumped for every consuming channel: delivery tags are only valid on their own.
    let mut epoch = 0u64;
    // Publishes typed while there is no connection, sent once there is one.
    let mut outbox = Outbox::default();
    let why_unsent = loop {
        // The first connection and the first retry after a drop are both attempt 1.
        let attempt = failures.max(1);
        if !events.send(AmqpEvent::Connecting { attempt }).await {
            return;
        }
        let opened = while_answering(
            &mut commands_rx,
            &events,
            &mut outbox,
            "not connected yet",
            LiveSession::open(&settings, epoch + 1),
        )
        .await;
        let error = match opened {
            None => break "you disconnected before the connection came back".to_string(),
            Some(Ok(mut live)) => {
                let connected = AmqpEvent::Connected {
                    queue: live.queue().to_string(),
                    security: settings.security(),
                    reconnected: connected_before,
                    details: Box::new(live.details.clone()),
                };
                if connected_before {
                    tracing::info!(queue = live.queue(), "reconnected");
                }
                if !events.send(connected).await {
                    live.close().await;
                    return;
                }
                connected_before = true;
                failures = 0;
                let ended = live.serve(&mut commands_rx, &events, &mut outbox).await;
                // Bindings added or removed live are declared again on the reconnect.
                settings = live.settings.clone();
                epoch = live.epoch;
                // On a loss too: the consumer may be gone while the TCP connection lives on.
                live.close().await;
                match ended {
                    Ended::ByUser => break "you disconnected before it was sent".to_string(),
                    Ended::Lost(error) => error,
                }
            }
            Some(Err(error)) if !connected_before => {
                // A first attempt that fails goes straight back to the user.
                let why = format!("could not connect: {error}");
                if !events.send(AmqpEvent::Failed(error)).await {
                    return;
                }
                fail_waiting(&mut outbox, &events, &why).await;
                refuse_unread(&mut commands_rx, &events, &why).await;
                return;
            }
            Some(Err(error)) => error,
        };
        failures += 1;
        let retry_in = reconnect_delay(failures);
        tracing::warn!(%error, ?retry_in, attempt = failures, "connection lost");
        let lost = AmqpEvent::ConnectionLost {
            error,
            retry_in,
            attempt: failures,
        };
        if !events.send(lost).await {
            return;
        }
        let waited = while_answering(
            &mut commands_rx,
            &events,
            &mut outbox,
            "disconnected, reconnecting",
            tokio::time::sleep(retry_in),
        )
        .await;
        if waited.is_none() {
            break "you disconnected before the connection came back".to_string();
        }
    };
    fail_waiting(&mut outbox, &events, &why_unsent).await;
    refuse_unread(&mut commands_rx, &events, &why_unsent).await;
    events.send(AmqpEvent::Stopped).await;
}

/// Runs `work` while queueing publishes for the next connection and refusing every other
/// command with `why`; `None` when the user disconnected.
async fn while_answering<T>(
    commands_rx: &mut mpsc::Receiver<AmqpCommand>,
    events: &Events,
    outbox: &mut Outbox,
    why: &str,
    work: impl Future<Output = T>,
) -> Option<T> {
    tokio::pin!(work);
    loop {
        tokio::select! {
            done = &mut work => return Some(done),
            command = commands_rx.recv() => match command {
                None | Some(AmqpCommand::Disconnect) => return None,
                Some(AmqpCommand::Publish(request)) => queue(outbox, *request, events).await,
                Some(command) => {
                    events.send(refusal(command, why)).await;
                }
            },
        }
    }
}

/// Keeps a publish for the next connection, and says so; a full outbox refuses it.
async fn queue(outbox: &mut Outbox, request: PublishRequest, events: &Events) {
    let id = request.id;
    let event = match outbox.push(request) {
        Ok(waiting) => {
            tracing::info!(id, waiting, "publish waits for the connection");
            AmqpEvent::PublishQueued { id, waiting }
        }
        Err((request, reason)) => not_sent(*request, reason),
    };
    events.send(event).await;
}

/// The worker is ending: whatever still waits for a connection is reported failed, and
/// handed back so it can be sent again.
async fn fail_waiting(outbox: &mut Outbox, events: &Events, why: &str) {
    while let Some(request) = outbox.pop() {
        let reason = format!("{why}; the message was not sent");
        if !events.send(not_sent(request, reason)).await {
            return;
        }
    }
}

/// Answers what is still in the command channel, which nothing reads once the worker
/// ends: the app keeps it full during a bulk send, and a publish in it must come back as
/// failed (kept for Ctrl-R), never vanish.
async fn refuse_unread(commands_rx: &mut mpsc::Receiver<AmqpCommand>, events: &Events, why: &str) {
    commands_rx.close();
    while let Ok(command) = commands_rx.try_recv() {
        if matches!(command, AmqpCommand::Disconnect) {
            continue;
        }
        if !events.send(refusal(command, why)).await {
            return;
        }
    }
}

/// A publish none of whose copies were sent.
fn not_sent(request: PublishRequest, reason: String) -> AmqpEvent {
    published(&request, PublishOutcome::not_sent(request.copies, reason))
}

/// The answer to a command that cannot be carried out, `why` (no connection, or no
/// worker at all): a publish is reported failed and handed back for a resend.
pub fn refusal(command: AmqpCommand, why: &str) -> AmqpEvent {
    match command {
        AmqpCommand::Publish(request) => {
            not_sent(*request, format!("{why}; the message was not sent"))
        }
        AmqpCommand::Bind(binding) => AmqpEvent::BindingChanged {
            binding,
            added: true,
            result: Err(format!("{why}; the binding was not added")),
        },
        AmqpCommand::Unbind(binding) => AmqpEvent::BindingChanged {
            binding,
            added: false,
            result: Err(format!("{why}; the binding was not removed")),
        },
        AmqpCommand::Settle {
            delivery_tag,
            epoch,
            settle,
        } => AmqpEvent::Settled {
            delivery_tag,
            epoch,
            settle,
            // Any delivery shown was made on a connection that is gone by now.
            result: Err(format!("{why}: {STALE_DELIVERY}")),
        },
        AmqpCommand::Peek { .. } => AmqpEvent::Peeked {
            count: 0,
            result: Err(format!("{why}; nothing was fetched")),
        },
        // while_answering ends on Disconnect before asking; nothing to refuse.
        AmqpCommand::Disconnect => AmqpEvent::Notice(why.to_string()),
    }
}

fn published(request: &PublishRequest, outcome: PublishOutcome) -> AmqpEvent {
    let unsent = match outcome.unconfirmed() {
        0 => None,
        copies => {
            // Never the body: it may be anything.
            tracing::warn!(
                id = request.id,
                exchange = %request.exchange,
                routing_key = %request.routing_key,
                unconfirmed = copies,
                ?outcome,
                "publish not confirmed"
            );
            Some(Box::new(request.with_copies(copies)))
        }
    };
    AmqpEvent::Published {
        id: request.id,
        exchange: request.exchange.clone(),
        routing_key: request.routing_key.clone(),
        outcome,
        unsent,
    }
}

enum Ended {
    ByUser,
    Lost(ConnectError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn what_is_left_in_the_command_channel_is_answered_not_dropped() {
        let (commands_tx, mut commands_rx) = mpsc::channel(8);
        for id in 1..=3 {
            let request = PublishRequest {
                id,
                exchange: "ex".into(),
                routing_key: "key".into(),
                body: b"kept".to_vec(),
                properties: Default::default(),
                copies: 2,
                confirm: true,
            };
            commands_tx
                .try_send(AmqpCommand::Publish(Box::new(request)))
                .expect("room");
        }
        commands_tx.try_send(AmqpCommand::Disconnect).expect("room");
        let (events_tx, mut events_rx) = mpsc::channel(8);
        let events = Events {
            session: 9,
            events_tx,
        };
        refuse_unread(&mut commands_rx, &events, "could not connect").await;
        drop(events);
        let mut answered = Vec::new();
        while let Some(SessionEvent { event, .. }) = events_rx.recv().await {
            match event {
                AmqpEvent::Published {
                    id,
                    outcome,
                    unsent: Some(request),
                    ..
                } => {
                    assert_eq!(outcome.unconfirmed(), 2, "both copies failed");
                    assert_eq!(request.body, b"kept", "handed back for Ctrl-R");
                    answered.push(id);
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(answered, [1, 2, 3], "each publish once, in order");
        assert!(
            commands_tx.try_send(AmqpCommand::Disconnect).is_err(),
            "the channel is closed: a later command is refused by the app, not left unread"
        );
    }
}
