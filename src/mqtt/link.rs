//! One live MQTT connection: CONNECT, SUBSCRIBE, then deliveries in and publishes out,
//! until the connection drops. A new connection gets a new rumqttc event loop: rumqttc
//! would otherwise send unacknowledged publishes again by itself, behind the outcome the
//! user was already shown (failed, kept for Ctrl-R).

use std::collections::VecDeque;

use chrono::Local;
use futures_util::FutureExt;
use rumqttc::{
    AsyncClient, ConnectionError, Event, EventLoop, Outgoing, Packet, Publish, SubscribeFilter,
    SubscribeReasonCode,
};
use tokio::sync::mpsc;

use super::{
    connect::{self, generated_client_id},
    publisher::{self, BACKLOG_MAX, Publisher},
    topic,
};
use crate::{
    session::{
        ConnectError, ConnectionDetails, ConnectionSettings, Message, MessagePart, MqttFacts,
        Properties, SessionCommand, WorkerEvent,
        outbox::Outbox,
        refusal,
        run::{Ended, Link, Opening},
        worker::{Events, not_sent, published},
    },
    tls::{TlsDetails, trust::Trust},
};

/// RabbitMQ's default `mqtt.exchange`: where every MQTT publish lands, as AMQP sees it.
pub const MQTT_EXCHANGE: &str = "amq.topic";

/// How long the check of a silently closed connection may take (see `MqttLink::lost`).
const PROBE_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

#[path = "link_acks.rs"]
mod acks;
use acks::{GOODBYE, ack_of};

/// Deliveries taken from rumqttc's buffer without waiting, at most, per wake-up.
const BURST: usize = 256;

pub struct MqttLink {
    client: AsyncClient,
    eventloop: EventLoop,
    settings: ConnectionSettings,
    details: ConnectionDetails,
    trust: Trust,
    epoch: u64,
    publisher: Publisher,
    /// Arrived before `serve` could hand them on: retained messages come with the SUBACK.
    early: Vec<(Message, Option<Publish>)>,
    /// Acknowledgements of deliveries handed to the app, waiting for room in rumqttc's
    /// request queue.
    to_ack: VecDeque<Publish>,
    /// Said once serving starts: a downgraded QoS, a topic with dots.
    notices: Vec<String>,
    /// False once the event loop failed: polling it again would make rumqttc connect
    /// again by itself, with our client id, kicking off whoever holds it now.
    alive: bool,
}

impl MqttLink {
    /// One event of rumqttc's loop; `Some` when it ends the connection.
    async fn on_polled(
        &mut self,
        polled: Result<Event, ConnectionError>,
        events: &Events,
        outbox: &mut Outbox,
    ) -> Option<Ended> {
        match polled {
            Ok(Event::Incoming(Packet::Publish(p))) => {
                let ack = ack_of(&p);
                let message = self.message(p);
                if !events.send(WorkerEvent::Delivery(Box::new(message))).await {
                    return Some(Ended::ByUser);
                }
                self.to_ack.extend(ack);
            }
            Ok(Event::Outgoing(Outgoing::Publish(pkid))) => {
                let done = self.publisher.written(pkid).into_iter().collect();
                if !self.report(events, done).await {
                    return Some(Ended::ByUser);
                }
            }
            Ok(Event::Incoming(Packet::PubAck(ack))) => {
                let done = self.publisher.acked(ack.pkid).into_iter().collect();
                if !self.report(events, done).await {
                    return Some(Ended::ByUser);
                }
            }
            Ok(_) => {}
            Err(err) => {
                self.alive = false;
                // Fields, not `self`: the rumqttc client is not Sync, and `serve` must be Send.
                let error = lost(&self.settings, &self.trust, &err).await;
                // Untouched requests wait for the next connection, in order.
                for request in self.publisher.take_unsent().into_iter().rev() {
                    outbox.unpop(request);
                }
                let why =
                    format!("the connection was lost before the broker acknowledged it ({error})");
                let done = self.publisher.fail_all(&why);
                self.report(events, done).await;
                return Some(Ended::Lost(error));
            }
        }
        None
    }

    fn message(&self, publish: rumqttc::Publish) -> Message {
        Message {
            received_at: Local::now(),
            exchange: MQTT_EXCHANGE.into(),
            routing_key: topic::to_routing_key(&publish.topic),
            redelivered: publish.dup,
            // Nothing for the user to settle: the worker acknowledges a QoS 1 delivery
            // once it is handed to the app.
            delivery_tag: 0,
            consumer_tag: Some(self.settings.mqtt.client_id.clone()),
            epoch: self.epoch,
            properties: Properties::default(),
            body: publish.payload.to_vec(),
            part: MessagePart::Mqtt(MqttFacts {
                topic: publish.topic,
                qos: publish.qos as u8,
                retain: publish.retain,
                dup: publish.dup,
            }),
        }
    }

    async fn report(
        &mut self,
        events: &Events,
        done: Vec<(
            crate::session::PublishRequest,
            crate::session::PublishOutcome,
        )>,
    ) -> bool {
        for (request, outcome) in done {
            if !events.send(published(&request, outcome)).await {
                return false;
            }
        }
        true
    }
}

/// What ended a connection that was serving. MQTT 3.1.1 gives a server no way to say
/// why it closes one, so a silent close is told apart by whether the port still takes
/// connections (the same dial every connect makes): RabbitMQ closes the older of two
/// connections with one client id and stays up, a node shutting down closes its
/// listener first.
async fn lost(s: &ConnectionSettings, trust: &Trust, err: &ConnectionError) -> ConnectError {
    if !is_peer_close(err) {
        return connect::classify(err, s, trust, true);
    }
    let addr = s.addr();
    let probe = trust
        .dial(s.protocol, &s.host, s.port, &addr, PROBE_LIMIT)
        .await;
    let detail = if probe.is_ok() {
        format!(
            "the broker closed the connection without a word while it still takes new ones. RabbitMQ does that when another client connects with the same client id ('{}'): if another tab or device uses it, give this tab another client id (an operator closing the connection looks the same)",
            s.mqtt.client_id
        )
    } else {
        format!(
            "the broker closed the connection, and {addr} no longer takes new ones: the node is shutting down or restarting"
        )
    };
    ConnectError::Closed { detail }
}

fn is_peer_close(err: &ConnectionError) -> bool {
    match err {
        ConnectionError::MqttState(rumqttc::StateError::ConnectionAborted) => true,
        ConnectionError::Io(io) | ConnectionError::MqttState(rumqttc::StateError::Io(io)) => {
            matches!(
                io.kind(),
                std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset
            )
        }
        _ => false,
    }
}

impl Link for MqttLink {
    async fn open(settings: &ConnectionSettings, opening: Opening) -> Result<Self, ConnectError> {
        let mut settings = settings.clone();
        if settings.mqtt.client_id.is_empty() {
            // Kept in `settings`, so a reconnect comes back as the same client.
            settings.mqtt.client_id = generated_client_id(connect::clock_seed());
        }
        // RabbitMQ 3.10 registers a client id cluster-wide and keeps a QoS 1
        // subscription in a queue on the node the client was on. While that node is
        // lost, another node given the old id closes the connection (the queue's home
        // node is down: after a kill) or holds it, and every other MQTT connect of the
        // cluster behind it, until the lost node is declared down (after a SIGSTOP: 60 s
        // and more, measured). So the old id is offered only to the node that holds it.
        if !opening.failing_over {
            return Self::open_as(settings, opening.epoch).await;
        }
        let old = settings.mqtt.client_id.clone();
        // A kept session cannot move: it waits for its node.
        if !settings.mqtt.clean_session {
            return Err(ConnectError::KeptSessionElsewhere { client_id: old });
        }
        // A clean session keeps nothing on the broker: under another id it loses
        // nothing, and carries on now.
        settings.mqtt.client_id = failover_client_id(&old, opening.epoch);
        let mut link = Self::open_as(settings, opening.epoch).await?;
        link.notices.push(format!(
            "Client id '{old}' may still be registered to the lost node, and RabbitMQ 3.10 refuses it elsewhere, or holds every MQTT connect of the cluster behind it, until that node is back or declared down. This clean session carries on as '{}' on another node and loses nothing by it (the broker's permissions see the new id).",
            link.settings.mqtt.client_id
        ));
        Ok(link)
    }

    fn watching(&self) -> String {
        self.watching_filters()
    }

    fn details(&self) -> ConnectionDetails {
        self.details.clone()
    }

    fn serve(
        &mut self,
        commands_rx: &mut mpsc::Receiver<SessionCommand>,
        events: &Events,
        outbox: &mut Outbox,
    ) -> impl std::future::Future<Output = Ended> + Send {
        self.serve_link(commands_rx, events, outbox)
    }

    fn settings(&self) -> &ConnectionSettings {
        &self.settings
    }

    fn epoch(&self) -> u64 {
        self.epoch
    }

    fn close(&mut self) -> impl std::future::Future<Output = ()> + Send {
        self.close_link()
    }
}

/// What a SUBACK says of `subscriptions` asked at `level`: a refused filter is an error,
/// a lower QoS granted a notice.
fn granted(
    subscriptions: &[String],
    ack: &rumqttc::SubAck,
    level: u8,
) -> Result<Vec<String>, ConnectError> {
    let mut notices = Vec::new();
    for (filter, code) in subscriptions.iter().zip(&ack.return_codes) {
        match code {
            SubscribeReasonCode::Failure => {
                return Err(ConnectError::SubscriptionRefused {
                    filter: filter.clone(),
                });
            }
            SubscribeReasonCode::Success(granted) if (*granted as u8) < level.min(2) => {
                notices.push(format!(
                    "The broker granted QoS {} for '{filter}', not the {level} asked for (RabbitMQ 3.10 downgrades QoS 2 to 1).",
                    *granted as u8
                ));
            }
            SubscribeReasonCode::Success(_) => {}
        }
    }
    Ok(notices)
}

/// `id-fN`: the id a clean session takes on failing over, the epoch telling successive
/// ones apart (an earlier suffix is replaced, not stacked).
fn failover_client_id(id: &str, epoch: u64) -> String {
    let base = match id.rsplit_once("-f") {
        Some((base, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => id,
    };
    format!("{base}-f{epoch}")
}

impl MqttLink {
    async fn open_as(settings: ConnectionSettings, epoch: u64) -> Result<Self, ConnectError> {
        let target = settings.display_target();
        tracing::info!(%target, security = %settings.security().label_for(settings.protocol), "connecting (MQTT)");
        let (client, mut eventloop, dialed, trust) =
            connect::open(&settings, &settings.mqtt.client_id).await?;
        let classify = |err: &ConnectionError| connect::classify(err, &settings, &trust, false);
        let mut early = Vec::new();
        // CONNECT, then CONNACK: rumqttc returns the refusal as an error.
        loop {
            match eventloop.poll().await {
                Ok(Event::Incoming(Packet::ConnAck(_))) => break,
                Ok(_) => {}
                Err(err) => {
                    let error = classify(&err);
                    tracing::warn!(%target, %error, "connect failed (MQTT)");
                    return Err(error);
                }
            }
        }
        let level = settings.mqtt.qos;
        let filters: Vec<SubscribeFilter> = settings
            .mqtt
            .subscriptions
            .iter()
            .map(|f| SubscribeFilter::new(f.clone(), publisher::subscription_qos(level)))
            .collect();
        let mut notices = Vec::new();
        if !filters.is_empty() {
            client
                .subscribe_many(filters)
                .await
                .map_err(|err| ConnectError::Closed {
                    detail: err.to_string(),
                })?;
            // Pings bound the wait, and without them the connect's own limit does.
            let limit = connect::connect_timeout(settings.heartbeat_secs);
            let stalled = |secs| ConnectError::SubscriptionStalled {
                addr: settings.addr(),
                secs,
            };
            let deadline = tokio::time::Instant::now() + limit;
            loop {
                let Ok(polled) = tokio::time::timeout_at(deadline, eventloop.poll()).await else {
                    return Err(stalled(limit.as_secs()));
                };
                match polled {
                    Ok(Event::Incoming(Packet::SubAck(ack))) => {
                        notices = granted(&settings.mqtt.subscriptions, &ack, level)?;
                        break;
                    }
                    Ok(Event::Incoming(Packet::Publish(p))) => early.push(p),
                    Ok(_) => {}
                    // RabbitMQ's connection process answers pings itself: one that is
                    // stuck declaring the subscription's queue answers nothing.
                    Err(ConnectionError::MqttState(rumqttc::StateError::AwaitPingResp)) => {
                        return Err(stalled(2 * u64::from(settings.heartbeat_secs)));
                    }
                    Err(err) => return Err(classify(&err)),
                }
            }
        }
        let details = ConnectionDetails {
            peer_addr: dialed.peer_addr,
            // rumqttc dials a connection of its own: the client id tells ours apart.
            local_addr: None,
            client_id: Some(settings.mqtt.client_id.clone()),
            // MQTT's CONNACK names no server.
            server: None,
            heartbeat_secs: Some(settings.heartbeat_secs),
            tls: trust.is_on().then(|| TlsDetails {
                protocol: None,
                cipher: None,
                security: settings.security(),
                server_certificate: dialed.server_certificate,
                client_certificate: trust.client_subject(),
            }),
        };
        tracing::info!(%target, client_id = %settings.mqtt.client_id, "connected (MQTT)");
        let mut link = Self {
            client,
            eventloop,
            settings,
            details,
            trust,
            epoch,
            publisher: Publisher::default(),
            early: Vec::new(),
            to_ack: VecDeque::new(),
            notices,
            alive: true,
        };
        link.early = early
            .into_iter()
            .map(|p| {
                let ack = ack_of(&p);
                (link.message(p), ack)
            })
            .collect();
        Ok(link)
    }

    fn watching_filters(&self) -> String {
        let qos = self.settings.mqtt.qos.min(1);
        format!(
            "{} (QoS {qos})",
            self.settings.mqtt.subscriptions.join(", ")
        )
    }

    async fn serve_link(
        &mut self,
        commands_rx: &mut mpsc::Receiver<SessionCommand>,
        events: &Events,
        outbox: &mut Outbox,
    ) -> Ended {
        for text in std::mem::take(&mut self.notices) {
            events.send(WorkerEvent::Notice(text)).await;
        }
        for (message, ack) in std::mem::take(&mut self.early) {
            if !events.send(WorkerEvent::Delivery(Box::new(message))).await {
                return Ended::ByUser;
            }
            self.to_ack.extend(ack);
        }
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
            self.send_acks();
            self.publisher.hand_over(&self.client);
            let done = self.publisher.finished();
            if !self.report(events, done).await {
                return Ended::ByUser;
            }
            // Past the backlog, publishes wait in the outbox, in order: commands are
            // always read, so a disconnect is never stuck behind them.
            let room = self.publisher.backlog() < BACKLOG_MAX && outbox.is_empty();
            tokio::select! {
                polled = self.eventloop.poll() => {
                    if let Some(ended) = self.on_polled(polled, events, outbox).await {
                        return ended;
                    }
                    // What rumqttc has already read goes to the app in one burst, so the
                    // app takes many deliveries per wake-up instead of one.
                    for _ in 0..BURST {
                        let Some(polled) = self.eventloop.poll().now_or_never() else {
                            break;
                        };
                        if let Some(ended) = self.on_polled(polled, events, outbox).await {
                            return ended;
                        }
                    }
                }
                command = commands_rx.recv() => match command {
                    None | Some(SessionCommand::Disconnect) => {
                        self.say_goodbye(events).await;
                        return Ended::ByUser;
                    }
                    Some(SessionCommand::Publish(request)) if room => {
                        if let Err(refused) = self.publisher.enqueue(*request) {
                            let (request, outcome) = *refused;
                            events.send(published(&request, outcome)).await;
                        }
                    }
                    Some(SessionCommand::Publish(request)) => {
                        if let Err((request, reason)) = outbox.push(*request) {
                            events.send(not_sent(*request, reason)).await;
                        }
                    }
                    Some(other) => {
                        events.send(refusal(other, "MQTT has no bindings, peeking or acks")).await;
                    }
                },
            }
        }
    }

    async fn close_link(&mut self) {
        // Said by `serve` when the user disconnects; a failed link is left alone: its
        // next poll would open a new connection, not close the old one.
        if !self.alive || self.client.try_disconnect().is_err() {
            return;
        }
        self.alive = false;
        let bye = async {
            loop {
                match self.eventloop.poll().await {
                    Ok(Event::Outgoing(Outgoing::Disconnect)) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        };
        let _ = tokio::time::timeout(GOODBYE, bye).await;
    }
}

#[cfg(test)]
mod failover_tests {
    use super::{ConnectError, Link, MqttLink, Opening, failover_client_id};
    use crate::session::{ConnectionSettings, Protocol};

    #[tokio::test]
    async fn a_kept_session_is_not_offered_to_another_node() {
        let mut settings = ConnectionSettings {
            protocol: Protocol::Mqtt,
            ..ConnectionSettings::default()
        };
        settings.mqtt.client_id = "meter-7".into();
        settings.mqtt.clean_session = false;
        let opening = Opening {
            epoch: 2,
            failing_over: true,
        };
        // Nothing listens on port 1: an answer other than this one would mean a dial.
        settings.port = 1;
        match MqttLink::open(&settings, opening).await {
            Err(ConnectError::KeptSessionElsewhere { client_id }) => {
                assert_eq!(client_id, "meter-7");
            }
            other => panic!("{:?}", other.err()),
        }
    }

    #[test]
    fn a_failover_id_replaces_an_earlier_one() {
        assert_eq!(failover_client_id("dev-1", 3), "dev-1-f3");
        assert_eq!(failover_client_id("dev-1-f3", 5), "dev-1-f5");
        assert_eq!(failover_client_id("shelf-f", 2), "shelf-f-f2");
        assert_eq!(failover_client_id("a-fx", 2), "a-fx-f2");
    }
}
