//! What every protocol's worker shares: where it reports, and how it answers a command it
//! cannot carry out, so a publish is never dropped whatever protocol it was for.

use tokio::sync::mpsc;

use super::{PublishOutcome, PublishRequest, SessionCommand, SessionEvent, SessionId, WorkerEvent};

/// Commands queue here while the worker is busy; past it they wait in the app, so a
/// flood of publishes costs the app's memory once, not the channel's as well.
pub const COMMAND_CAPACITY: usize = 256;

/// Why a settle of an earlier connection's delivery is refused: its tag belonged to a
/// channel that is gone, and the broker requeued every message left unsettled on it.
pub const STALE_DELIVERY: &str =
    "delivered before the connection dropped; the broker has requeued it";

/// Where a worker reports, stamped with its session.
#[derive(Clone)]
pub struct Events {
    pub session: SessionId,
    pub events_tx: mpsc::Sender<SessionEvent>,
}

impl Events {
    /// False once the UI is gone: the worker has nobody left to work for.
    pub async fn send(&self, event: WorkerEvent) -> bool {
        let event = SessionEvent {
            session: self.session,
            event,
        };
        self.events_tx.send(event).await.is_ok()
    }

    /// The next send would wait for the UI to catch up.
    pub fn is_full(&self) -> bool {
        self.events_tx.capacity() == 0
    }
}

/// Answers what is still in the command channel, which nothing reads once the worker
/// ends: the app keeps it full during a bulk send, and a publish in it must come back as
/// failed (kept for Ctrl-R), never vanish.
pub async fn refuse_unread(
    commands_rx: &mut mpsc::Receiver<SessionCommand>,
    events: &Events,
    why: &str,
) {
    commands_rx.close();
    while let Ok(command) = commands_rx.try_recv() {
        if matches!(command, SessionCommand::Disconnect) {
            continue;
        }
        if !events.send(refusal(command, why)).await {
            return;
        }
    }
}

/// A publish none of whose copies were sent.
pub fn not_sent(request: PublishRequest, reason: String) -> WorkerEvent {
    published(&request, PublishOutcome::not_sent(request.copies, reason))
}

/// The answer to a command that cannot be carried out, `why` (no connection, or no
/// worker at all): a publish is reported failed and handed back for a resend.
pub fn refusal(command: SessionCommand, why: &str) -> WorkerEvent {
    match command {
        SessionCommand::Publish(request) => {
            not_sent(*request, format!("{why}; the message was not sent"))
        }
        SessionCommand::Bind(binding) => WorkerEvent::BindingChanged {
            binding,
            added: true,
            result: Err(format!("{why}; the binding was not added")),
        },
        SessionCommand::Unbind(binding) => WorkerEvent::BindingChanged {
            binding,
            added: false,
            result: Err(format!("{why}; the binding was not removed")),
        },
        SessionCommand::Settle {
            delivery_tag,
            epoch,
            settle,
        } => WorkerEvent::Settled {
            delivery_tag,
            epoch,
            settle,
            // Any delivery shown was made on a connection that is gone by now.
            result: Err(format!("{why}: {STALE_DELIVERY}")),
        },
        SessionCommand::Peek { .. } => WorkerEvent::Peeked {
            count: 0,
            result: Err(format!("{why}; nothing was fetched")),
        },
        // while_answering ends on Disconnect before asking; nothing to refuse.
        SessionCommand::Disconnect => WorkerEvent::Notice(why.to_string()),
    }
}

pub fn published(request: &PublishRequest, outcome: PublishOutcome) -> WorkerEvent {
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
    WorkerEvent::Published {
        id: request.id,
        exchange: request.exchange.clone(),
        routing_key: request.routing_key.clone(),
        outcome,
        unsent,
    }
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
                part: Default::default(),
            };
            commands_tx
                .try_send(SessionCommand::Publish(Box::new(request)))
                .expect("room");
        }
        commands_tx
            .try_send(SessionCommand::Disconnect)
            .expect("room");
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
                WorkerEvent::Published {
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
            commands_tx.try_send(SessionCommand::Disconnect).is_err(),
            "the channel is closed: a later command is refused by the app, not left unread"
        );
    }
}
