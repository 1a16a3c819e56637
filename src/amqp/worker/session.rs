//! One live connection: its consuming channel, its publish channel, and the serve loop
//! that selects over commands, deliveries and connection events.

use std::collections::HashMap;

use chrono::Local;
use futures_lite::StreamExt;
use lapin::{Acker, Channel, Connection, Event, types::ShortString};
use tokio::sync::mpsc;

use super::{handover::PendingAcks, source, watchdog::Watchdog};
use crate::session::worker::Events;
use crate::session::{
    outbox::Outbox,
    run::{Ended, queue_publish},
};
use crate::{
    amqp::{connect, error::Context, settings::AckMode, settings::Source},
    session::{
        ConnectionDetails, ConnectionSettings, Message, MessagePart, SessionCommand, WorkerEvent,
        error::ConnectError, error::Stage, properties::Properties,
    },
};

/// How long a few handed-over messages wait for more before they are acked.
const IDLE_ACK_DELAY: std::time::Duration = std::time::Duration::from_millis(2);
/// Between tries to watch again after a channel error, like the reconnect loop.
const REWATCH_DELAY: std::time::Duration = std::time::Duration::from_secs(5);

pub(super) struct LiveSession {
    pub connection: Connection,
    pub consuming: source::Consuming,
    /// Opened on first publish and again after the broker closes it (e.g. NOT_FOUND).
    pub publish_channel: Option<Channel>,
    /// The same without confirm mode, for requests with `confirm: false`: a channel's
    /// confirm mode cannot be turned off again.
    pub unconfirmed_channel: Option<Channel>,
    /// What the session watches; live binding changes land here, so a reconnect
    /// declares the current set.
    pub settings: ConnectionSettings,
    pub details: ConnectionDetails,
    /// Names the consuming channel the current delivery tags belong to.
    pub epoch: u64,
    /// Manual acks: the deliveries of this epoch still waiting for the user's decision.
    /// The prefetch window bounds it.
    pub unsettled: HashMap<u64, Acker>,
    /// Taken on handover, waiting for the next batched ack.
    handed_over: PendingAcks,
    /// Set when the consuming channel could not be reopened: when to try again.
    rewatch_at: Option<tokio::time::Instant>,
    watchdog: Watchdog,
}

/// How a delivery is settled, by source and ack mode.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Taking {
    /// Our own queue: acked as soon as the UI has it.
    AckOnHandover,
    /// no-ack: the broker already forgot it.
    Nothing,
    /// Kept for the user's ack, reject or requeue.
    UserSettles,
}

impl LiveSession {
    pub async fn open(settings: &ConnectionSettings, epoch: u64) -> Result<Self, ConnectError> {
        let (connection, details) = connect::open(settings).await?;
        let consuming = match source::open(&connection, settings).await {
            Ok(consuming) => consuming,
            Err(error) => {
                let bye = connection.close(200, ShortString::from("amqp-tui giving up"));
                // A connection we cannot use: closing it is courtesy, not a requirement.
                let _ = tokio::time::timeout(std::time::Duration::from_secs(2), bye).await;
                return Err(error);
            }
        };
        // Without it lapin's own, slower heartbeat check still ends a dead connection.
        let watchdog = Watchdog::start(&connection)
            .await
            .unwrap_or_else(|_| Watchdog::off());
        Ok(Self {
            connection,
            consuming,
            publish_channel: None,
            unconfirmed_channel: None,
            settings: settings.clone(),
            details,
            epoch,
            unsettled: HashMap::new(),
            handed_over: PendingAcks::default(),
            rewatch_at: None,
            watchdog,
        })
    }

    pub fn queue(&self) -> &str {
        &self.consuming.queue
    }

    fn taking(&self) -> Taking {
        match (self.settings.routing.source, self.settings.routing.ack) {
            (Source::Queue, AckMode::NoAck) => Taking::Nothing,
            (Source::Queue, AckMode::Auto) => Taking::AckOnHandover,
            (Source::Queue, AckMode::Manual | AckMode::Peek) => Taking::UserSettles,
            _ => Taking::AckOnHandover,
        }
    }

    pub async fn serve(
        &mut self,
        commands_rx: &mut mpsc::Receiver<SessionCommand>,
        events: &Events,
        outbox: &mut Outbox,
    ) -> Ended {
        let mut connection_events = self.connection.events_listener();
        if let Err(ended) = self.send_waiting(outbox, events).await {
            return ended;
        }
        loop {
            // Biased: the last branch, which acks what the UI already has, must run
            // only when nothing else is ready, so acks go out in batches.
            tokio::select! {
                biased;
                silence = self.watchdog.silence() => {
                    tracing::warn!(?silence, "the broker stopped answering");
                    return Ended::Lost(ConnectError::HeartbeatMissed { secs: silence.as_secs() });
                }
                command = commands_rx.recv() => match command {
                    None | Some(SessionCommand::Disconnect) => return Ended::ByUser,
                    Some(command) => {
                        if let Err(ended) = self.command(command, events, outbox).await {
                            return ended;
                        }
                    }
                },
                Some(event) = connection_events.next() => match event {
                    Event::ConnectionBlocked(reason) => {
                        self.watchdog.set_blocked(true);
                        events.send(WorkerEvent::Notice(format!("The broker blocked publishing on this connection: {reason}"))).await;
                    }
                    Event::ConnectionUnblocked => {
                        self.watchdog.set_blocked(false);
                        events.send(WorkerEvent::Notice("The broker unblocked publishing.".into())).await;
                    }
                    // Channel errors arrive here too; only a dead connection ends the session.
                    Event::Error(err) if !self.connection.status().connected() => {
                        return Ended::Lost(self.lost(&err));
                    }
                    _ => {}
                },
                next = next_delivery(&mut self.consuming.consumer) => match next {
                    Some(Ok(delivery)) => {
                        if let Err(ended) = self.deliver(delivery, events).await {
                            return ended;
                        }
                    }
                    // The channel, or the whole connection, is gone.
                    Some(Err(err)) => {
                        if let Err(ended) = self.reopen_consuming(events, Some(&err)).await {
                            return ended;
                        }
                    }
                    None => {
                        if let Err(ended) = self.reopen_consuming(events, None).await {
                            return ended;
                        }
                    }
                },
                // A quarter batch goes out when the consumer pauses; fewer wait a moment
                // for company, so a flood is acked in batches and a trickle still at once.
                () = std::future::ready(()), if self.handed_over.count() >= PendingAcks::batch(self.settings.prefetch) / 4 => {
                    if let Err(ended) = self.flush_handed_over().await {
                        return ended;
                    }
                }
                () = tokio::time::sleep(IDLE_ACK_DELAY), if !self.handed_over.is_empty() => {
                    if let Err(ended) = self.flush_handed_over().await {
                        return ended;
                    }
                }
                () = sleep_until(self.rewatch_at) => {
                    self.rewatch_at = None;
                    if let Err(ended) = self.reopen_consuming(events, None).await {
                        return ended;
                    }
                }
            }
        }
    }

    /// What was typed while disconnected goes out first, in the order it was typed.
    async fn send_waiting(&mut self, outbox: &mut Outbox, events: &Events) -> Result<(), Ended> {
        if outbox.is_empty() {
            return Ok(());
        }
        let notice = format!(
            "Publishing the {} messages that waited for the connection.",
            outbox.len()
        );
        if !events.send(WorkerEvent::Notice(notice)).await {
            return Err(Ended::ByUser);
        }
        while let Some(request) = outbox.pop() {
            if let Some(request) = self.publish(request, events).await {
                // Gone again already: they wait for the next connection.
                outbox.unpop(request);
                break;
            }
        }
        Ok(())
    }

    async fn command(
        &mut self,
        command: SessionCommand,
        events: &Events,
        outbox: &mut Outbox,
    ) -> Result<(), Ended> {
        match command {
            SessionCommand::Publish(request) => {
                if let Some(request) = self.publish(*request, events).await {
                    queue_publish(outbox, request, events).await;
                }
            }
            SessionCommand::Bind(binding) => {
                return self.change_binding(binding, true, events).await;
            }
            SessionCommand::Unbind(binding) => {
                return self.change_binding(binding, false, events).await;
            }
            SessionCommand::Settle {
                delivery_tag,
                epoch,
                settle,
            } => {
                let result = self.settle(delivery_tag, epoch, settle).await;
                let settled = WorkerEvent::Settled {
                    delivery_tag,
                    epoch,
                    settle,
                    result,
                };
                if !events.send(settled).await {
                    return Err(Ended::ByUser);
                }
            }
            SessionCommand::Peek { max } => return self.peek(max, events).await,
            SessionCommand::Disconnect => return Err(Ended::ByUser),
        }
        Ok(())
    }

    async fn deliver(
        &mut self,
        delivery: lapin::message::Delivery,
        events: &Events,
    ) -> Result<(), Ended> {
        let acker = delivery.acker.clone();
        let tag = delivery.delivery_tag;
        let taking = self.taking();
        if taking == Taking::UserSettles {
            self.unsettled.insert(tag, acker.clone());
        }
        let event = to_delivery(delivery, self.epoch, Some(source::CONSUMER_TAG));
        // Waiting on a slow UI must not hold acks for what it already has.
        if events.is_full() {
            self.flush_handed_over().await?;
        }
        if !events.send(WorkerEvent::Delivery(Box::new(event))).await {
            return Err(Ended::ByUser);
        }
        if taking == Taking::AckOnHandover {
            // Acked only once handed over: the prefetch window then bounds what the broker
            // can push ahead of the UI.
            let batch = PendingAcks::batch(self.settings.prefetch);
            if self.handed_over.record(acker, batch) {
                self.flush_handed_over().await?;
            }
        }
        Ok(())
    }

    async fn flush_handed_over(&mut self) -> Result<(), Ended> {
        match self.handed_over.flush().await {
            Ok(()) => Ok(()),
            Err(err) => Err(Ended::Lost(self.lost(&err))),
        }
    }

    /// The consumer ended. A dead connection ends the session; a channel the broker
    /// closed (a channel error, a cancelled consumer) is opened again on the same
    /// connection, which starts a new epoch: the old delivery tags are void and the
    /// broker requeued whatever was unsettled.
    pub async fn reopen_consuming(
        &mut self,
        events: &Events,
        cause: Option<&lapin::Error>,
    ) -> Result<(), Ended> {
        // What ended the consumer says more than a failed reopen on a dead connection.
        let dead = |session: &Self, fallback: ConnectError| match cause {
            Some(err) => session.lost(err),
            None => fallback,
        };
        if !self.connection.status().connected() {
            let closed = ConnectError::Closed {
                detail: "the connection closed under the consumer".into(),
            };
            return Err(Ended::Lost(dead(self, closed)));
        }
        source::close_throwaway(&self.consuming.channel).await;
        // Whatever happens next, the old channel's tags are void and its unsettled
        // messages requeued by the broker.
        self.epoch += 1;
        self.unsettled.clear();
        self.handed_over.clear();
        let event = match source::open(&self.connection, &self.settings).await {
            Ok(consuming) => {
                self.consuming = consuming;
                WorkerEvent::WatchResumed {
                    queue: self.consuming.queue.clone(),
                }
            }
            // A channel error: the connection is fine, so it stays, and publishing with it.
            Err(error) if self.connection.status().connected() => {
                tracing::warn!(%error, "the consuming channel cannot be reopened");
                self.consuming.consumer = None;
                self.rewatch_at = Some(tokio::time::Instant::now() + REWATCH_DELAY);
                WorkerEvent::WatchLost {
                    error,
                    retry_in: REWATCH_DELAY,
                }
            }
            Err(error) => return Err(Ended::Lost(dead(self, error))),
        };
        if !events.send(event).await {
            return Err(Ended::ByUser);
        }
        Ok(())
    }

    pub fn lost(&self, err: &lapin::Error) -> ConnectError {
        let cx = Context {
            settings: &self.settings,
            queue: &self.consuming.queue,
        };
        ConnectError::from_lapin(err, Stage::Consume, &cx)
    }

    pub async fn close(&mut self) {
        // A broker that stopped answering gets no acks and is not waited for: it requeues
        // what it sent when it notices the connection is gone.
        let answering = !self.watchdog.gave_up();
        // What the UI has is taken: without this the broker would requeue it on close.
        if answering && self.connection.status().connected() {
            let acked = self.handed_over.flush();
            // Best effort, like the close itself.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), acked).await;
        }
        let bye = self
            .connection
            .close(200, ShortString::from("amqp-tui closing"));
        // A dead broker must not keep the user waiting; a silent one is only told.
        let grace = if answering { 2 } else { 0 };
        let _ = tokio::time::timeout(std::time::Duration::from_secs(grace), bye).await;
    }
}

/// Never, when nothing is scheduled.
async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// The consumer's next delivery; never, while peeking (there is no consumer).
async fn next_delivery(
    consumer: &mut Option<lapin::Consumer>,
) -> Option<lapin::Result<lapin::message::Delivery>> {
    match consumer {
        Some(consumer) => consumer.next().await,
        None => std::future::pending().await,
    }
}

pub(super) fn to_delivery(
    delivery: lapin::message::Delivery,
    epoch: u64,
    consumer_tag: Option<&str>,
) -> Message {
    Message {
        received_at: Local::now(),
        exchange: delivery.exchange.to_string(),
        routing_key: delivery.routing_key.to_string(),
        redelivered: delivery.redelivered,
        delivery_tag: delivery.delivery_tag,
        consumer_tag: consumer_tag.map(str::to_string),
        epoch,
        properties: Properties::from_amqp(&delivery.properties),
        body: delivery.data,
        part: MessagePart::Amqp,
    }
}
