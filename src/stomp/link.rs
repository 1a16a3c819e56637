//! One live STOMP or Web-STOMP connection, as `session::run` drives it: CONNECT and the
//! subscriptions (`connect.rs`), then deliveries in, SENDs out, acks, and heart-beats both
//! ways, until the connection drops. The same code serves TCP, TLS and WebSocket: only
//! the [`Wire`] under it differs.

use std::{collections::HashMap, time::Duration};

use tokio::{sync::mpsc, time::Instant};

use super::{
    AckMode, Command, Frame, Item,
    connect::{self, Opened},
    frames,
    publisher::{BACKLOG_MAX, Publisher},
    wire::{Wire, WireError},
};
use crate::session::{
    ConnectError, ConnectionDetails, ConnectionSettings, Protocol, PublishOutcome, PublishRequest,
    SessionCommand, Settle, WorkerEvent,
    outbox::Outbox,
    refusal,
    run::{Ended, Link, Opening},
    worker::{Events, STALE_DELIVERY, not_sent, published},
};

/// SENDs written per turn of the loop before commands and the socket are looked at again.
const BATCH: usize = 64;
/// How long a goodbye may keep the user waiting on a link that stopped answering.
const GOODBYE: Duration = Duration::from_secs(2);
/// Acks of ack mode auto written before they are flushed, when messages keep coming: a
/// quiet socket flushes them at once, and this bounds the wait under a flood, well inside
/// any prefetch window worth having.
const ACK_FLUSH: usize = 64;
/// The receipt the DISCONNECT asks for: once it comes, everything before it was handled.
const BYE: &str = "bye";

pub struct StompLink {
    wire: Wire,
    settings: ConnectionSettings,
    details: ConnectionDetails,
    epoch: u64,
    /// Negotiated heart-beats: how often we must write, how long the server may be silent.
    send_every: Option<Duration>,
    silence_limit: Option<Duration>,
    early: Vec<Frame>,
    publisher: Publisher,
    /// With client-individual acks: our delivery tag -> the MESSAGE's `ack` header, which
    /// ACK and NACK name.
    unsettled: HashMap<u64, String>,
    /// With ack mode auto: ACKs written and not yet flushed.
    acks_unflushed: usize,
    next_tag: u64,
    /// False once the connection failed or said goodbye: nothing more is written.
    alive: bool,
}

/// How serving one event went on.
enum Step {
    Go,
    End(Ended),
}

impl StompLink {
    fn websocket(&self) -> bool {
        self.settings.protocol == Protocol::WebStomp
    }

    async fn report(&self, events: &Events, done: Vec<(PublishRequest, PublishOutcome)>) -> bool {
        for (request, outcome) in done {
            if !events.send(published(&request, outcome)).await {
                return false;
            }
        }
        true
    }

    /// A MESSAGE to the app: remembered for the user to settle (client-individual), or
    /// acked by us once the UI holds it (auto).
    async fn deliver(&mut self, frame: Frame, events: &Events) -> Step {
        self.next_tag += 1;
        let tag = self.next_tag;
        let user_settles = self.settings.stomp.ack == AckMode::ClientIndividual;
        let ack = frame.header("ack").map(str::to_string);
        if user_settles && let Some(ack) = &ack {
            self.unsettled.insert(tag, ack.clone());
        }
        let message = frames::message(frame, tag, self.epoch, self.websocket(), user_settles);
        if !events.send(WorkerEvent::Delivery(Box::new(message))).await {
            return Step::End(Ended::ByUser);
        }
        let Some(id) = ack.filter(|_| !user_settles) else {
            return Step::Go;
        };
        let written = self
            .wire
            .feed(Item::Frame(Frame::new(Command::Ack).with_header("id", id)))
            .await;
        self.acks_unflushed += 1;
        match written {
            Ok(()) if self.acks_unflushed >= ACK_FLUSH => self.flush_acks().await,
            Ok(()) => Step::Go,
            Err(err) => Step::End(Ended::Lost(self.wire_lost(err))),
        }
    }

    async fn flush_acks(&mut self) -> Step {
        self.acks_unflushed = 0;
        match self.wire.flush().await {
            Ok(()) => Step::Go,
            Err(err) => Step::End(Ended::Lost(self.wire_lost(err))),
        }
    }

    /// The connection is gone: requests none of whose copies went out wait for the next
    /// one, the rest are reported failed and handed back for Ctrl-R.
    async fn lost(&mut self, error: ConnectError, events: &Events, outbox: &mut Outbox) -> Ended {
        self.alive = false;
        for request in self.publisher.take_unsent().into_iter().rev() {
            outbox.unpop(request);
        }
        let why = format!("the connection was lost before the broker acknowledged it ({error})");
        let done = self.publisher.fail_all(&why);
        self.report(events, done).await;
        Ended::Lost(error)
    }

    fn wire_lost(&self, err: WireError) -> ConnectError {
        match err {
            WireError::Frame(frame) => ConnectError::Closed {
                detail: frame.to_string(),
            },
            WireError::Io(detail) => ConnectError::Io { detail },
        }
    }

    async fn on_item(&mut self, item: Option<Result<Item, WireError>>, events: &Events) -> Step {
        let frame = match item {
            None => {
                return Step::End(Ended::Lost(ConnectError::Closed {
                    detail: "the broker closed the connection".into(),
                }));
            }
            Some(Err(err)) => return Step::End(Ended::Lost(self.wire_lost(err))),
            Some(Ok(Item::Heartbeat)) => return Step::Go,
            Some(Ok(Item::Frame(frame))) => frame,
        };
        if frame.command == Command::Message {
            return self.deliver(frame, events).await;
        }
        match frame.command {
            Command::Receipt => {
                let done = frame
                    .header("receipt-id")
                    .and_then(|id| self.publisher.receipt(id));
                if !self.report(events, done.into_iter().collect()).await {
                    return Step::End(Ended::ByUser);
                }
            }
            Command::Error => {
                let error = connect::stomp_error(&frame);
                if let Some(id) = frame.header("receipt-id") {
                    let done = self.publisher.refused(id, &error.to_string());
                    self.report(events, done.into_iter().collect()).await;
                }
                // RabbitMQ closes the connection after an ERROR; a reconnect starts afresh.
                return Step::End(Ended::Lost(error));
            }
            _ => {}
        }
        Step::Go
    }

    /// Writes what the publisher has ready, a batch at a time.
    async fn write_sends(&mut self, events: &Events) -> Result<bool, WireError> {
        let mut wrote = false;
        let mut done = Vec::new();
        for _ in 0..BATCH {
            let Some((id, frame)) = self.publisher.next_send() else {
                break;
            };
            self.wire.feed(Item::Frame(frame)).await?;
            done.extend(self.publisher.written(id));
            wrote = true;
        }
        if wrote {
            self.wire.flush().await?;
            self.acks_unflushed = 0;
        }
        // A UI that is gone is noticed by the next delivery or command.
        self.report(events, done).await;
        Ok(wrote)
    }

    async fn settle(&mut self, delivery_tag: u64, epoch: u64, settle: Settle) -> WorkerEvent {
        let answer = |result| WorkerEvent::Settled {
            delivery_tag,
            epoch,
            settle,
            result,
        };
        if self.settings.stomp.ack == AckMode::Auto {
            return answer(Err(
                "the subscriptions use ack mode auto: the app acked each message as it arrived, and there is nothing to settle".into(),
            ));
        }
        if epoch != self.epoch {
            return answer(Err(STALE_DELIVERY.into()));
        }
        let Some(ack) = self.unsettled.remove(&delivery_tag) else {
            return answer(Err(
                "already settled, or not delivered on this connection".into()
            ));
        };
        let frame = match settle {
            Settle::Ack => Frame::new(Command::Ack).with_header("id", ack),
            Settle::Reject => Frame::new(Command::Nack)
                .with_header("id", ack)
                .with_header("requeue", "false"),
            Settle::Requeue => Frame::new(Command::Nack)
                .with_header("id", ack)
                .with_header("requeue", "true"),
        };
        match self.wire.send(Item::Frame(frame)).await {
            Ok(()) => answer(Ok(())),
            Err(err) => answer(Err(format!("not settled: {err}"))),
        }
    }

    /// The user disconnects: DISCONNECT with a receipt, counting the RECEIPTs of SENDs
    /// that come before it, so only what really was not confirmed is reported failed.
    async fn say_goodbye(&mut self, events: &Events) {
        let mut done = Vec::new();
        if self.alive {
            self.alive = false;
            let bye = Frame::new(Command::Disconnect).with_header("receipt", BYE);
            let wire = &mut self.wire;
            let publisher = &mut self.publisher;
            let wait = async {
                if wire.send(Item::Frame(bye)).await.is_err() {
                    return;
                }
                while let Some(Ok(item)) = wire.recv().await {
                    let Item::Frame(frame) = item else { continue };
                    if frame.command != Command::Receipt {
                        continue;
                    }
                    match frame.header("receipt-id") {
                        Some(BYE) => return,
                        Some(id) => done.extend(publisher.receipt(id)),
                        None => {}
                    }
                }
            };
            let _ = tokio::time::timeout(GOODBYE, wait).await;
        }
        done.extend(
            self.publisher
                .fail_all("you disconnected before the broker acknowledged it"),
        );
        self.report(events, done).await;
    }
}

impl Link for StompLink {
    async fn open(settings: &ConnectionSettings, opening: Opening) -> Result<Self, ConnectError> {
        let epoch = opening.epoch;
        let target = settings.display_target();
        let security = settings.security().label_for(settings.protocol);
        tracing::info!(%target, %security, "connecting ({})", settings.protocol);
        let Opened {
            wire,
            details,
            send_every,
            silence_limit,
            early,
        } = connect::open(settings).await.inspect_err(|error| {
            tracing::warn!(%target, %error, "connect failed ({})", settings.protocol);
        })?;
        tracing::info!(%target, server = ?details.server, "connected ({})", settings.protocol);
        Ok(Self {
            wire,
            settings: settings.clone(),
            details,
            epoch,
            send_every,
            silence_limit,
            early,
            publisher: Publisher::default(),
            unsettled: HashMap::new(),
            acks_unflushed: 0,
            next_tag: 0,
            alive: true,
        })
    }

    fn watching(&self) -> String {
        format!(
            "{} (ack {})",
            self.settings.stomp.destinations.join(", "),
            self.settings.stomp.ack.as_str()
        )
    }

    fn details(&self) -> ConnectionDetails {
        self.details.clone()
    }

    async fn serve(
        &mut self,
        commands_rx: &mut mpsc::Receiver<SessionCommand>,
        events: &Events,
        outbox: &mut Outbox,
    ) -> Ended {
        for frame in std::mem::take(&mut self.early) {
            match self.deliver(frame, events).await {
                Step::Go => {}
                Step::End(Ended::ByUser) => return Ended::ByUser,
                Step::End(Ended::Lost(error)) => return self.lost(error, events, outbox).await,
            }
        }
        // Far away stands for "never": a `select!` branch needs a future either way.
        let far = Duration::from_secs(86_400 * 365);
        let mut last_heard = Instant::now();
        let mut last_written = Instant::now();
        loop {
            // What waited for a connection goes first, as room allows.
            while self.publisher.backlog() < BACKLOG_MAX
                && let Some(request) = outbox.pop()
            {
                if let Err(refused) = self.publisher.enqueue(request) {
                    let (request, outcome) = *refused;
                    events.send(published(&request, outcome)).await;
                }
            }
            match self.write_sends(events).await {
                Ok(false) => {}
                Ok(true) => last_written = Instant::now(),
                Err(err) => {
                    let error = self.wire_lost(err);
                    return self.lost(error, events, outbox).await;
                }
            }
            let room = self.publisher.backlog() < BACKLOG_MAX && outbox.is_empty();
            let beat_at = last_written + self.send_every.unwrap_or(far);
            let silent_at = last_heard + self.silence_limit.unwrap_or(far);
            let more_to_send = self.publisher.has_work();
            let acks_waiting = self.acks_unflushed > 0;
            let step = tokio::select! {
                // Reading first: after a slow hand-over to the app, what waits on the
                // socket is heard before the silence is judged.
                biased;
                item = self.wire.recv() => {
                    last_heard = Instant::now();
                    self.on_item(item, events).await
                }
                command = commands_rx.recv() => match command {
                    None | Some(SessionCommand::Disconnect) => {
                        self.say_goodbye(events).await;
                        Step::End(Ended::ByUser)
                    }
                    Some(SessionCommand::Publish(request)) if room => {
                        if let Err(refused) = self.publisher.enqueue(*request) {
                            let (request, outcome) = *refused;
                            events.send(published(&request, outcome)).await;
                        }
                        Step::Go
                    }
                    Some(SessionCommand::Publish(request)) => {
                        if let Err((request, reason)) = outbox.push(*request) {
                            events.send(not_sent(*request, reason)).await;
                        }
                        Step::Go
                    }
                    Some(SessionCommand::Settle { delivery_tag, epoch, settle }) => {
                        let answer = self.settle(delivery_tag, epoch, settle).await;
                        events.send(answer).await;
                        Step::Go
                    }
                    Some(other) => {
                        events.send(refusal(other, "STOMP has no bindings or peeking")).await;
                        Step::Go
                    }
                },
                _ = tokio::time::sleep_until(silent_at) => {
                    let secs = self.silence_limit.unwrap_or(far).as_secs();
                    Step::End(Ended::Lost(ConnectError::HeartbeatMissed { secs }))
                }
                _ = tokio::time::sleep_until(beat_at) => {
                    last_written = Instant::now();
                    match self.wire.send(Item::Heartbeat).await {
                        Ok(()) => Step::Go,
                        Err(err) => Step::End(Ended::Lost(self.wire_lost(err))),
                    }
                }
                // Nothing more to read right now: the acks go out.
                () = std::future::ready(()), if acks_waiting => self.flush_acks().await,
                () = std::future::ready(()), if more_to_send => Step::Go,
            };
            match step {
                Step::Go => {}
                Step::End(Ended::Lost(error)) => return self.lost(error, events, outbox).await,
                Step::End(Ended::ByUser) => {
                    self.alive = false;
                    return Ended::ByUser;
                }
            }
        }
    }

    fn settings(&self) -> &ConnectionSettings {
        &self.settings
    }

    fn epoch(&self) -> u64 {
        self.epoch
    }

    async fn close(&mut self) {
        // Also after a loss: the socket may live on behind a broker that sent ERROR.
        self.alive = false;
        let _ = tokio::time::timeout(GOODBYE, self.wire.shutdown()).await;
    }
}
