//! The life of a session, the same for every protocol: connect, serve, and when the
//! connection drops, report it and fail over to another node of the cluster at once, or
//! reconnect on one schedule (1, 2, 4, then every 5 s) when none answers, keeping
//! publishes typed meanwhile in one bounded outbox. A protocol brings only its
//! [`Link`]: how to open a connection and serve it.

use std::{future::Future, time::Duration};

use tokio::{sync::mpsc, time::Instant};

use super::{
    ConnectError, ConnectionDetails, ConnectionSettings, Endpoint, FailedOver, PublishRequest,
    SessionCommand, WorkerEvent, endpoint,
    outbox::Outbox,
    reconnect_delay, refusal,
    worker::{Events, not_sent, refuse_unread},
};

/// One live connection of a protocol, as [`run`] drives it.
pub trait Link: Sized + Send {
    /// Connects and sets up what the session watches.
    fn open(
        settings: &ConnectionSettings,
        opening: Opening,
    ) -> impl Future<Output = Result<Self, ConnectError>> + Send;

    /// What it watches, for the status bar: a queue name, topic filters.
    fn watching(&self) -> String;

    fn details(&self) -> ConnectionDetails;

    /// Delivers, publishes (the outbox first) and answers commands until the connection
    /// is lost or the user disconnects.
    fn serve(
        &mut self,
        commands_rx: &mut mpsc::Receiver<SessionCommand>,
        events: &Events,
        outbox: &mut Outbox,
    ) -> impl Future<Output = Ended> + Send;

    /// The settings as they are now (bindings change live), for the next connection.
    fn settings(&self) -> &ConnectionSettings;

    /// The epoch of the last delivery source opened on this connection.
    fn epoch(&self) -> u64;

    /// Says goodbye politely when the connection still lives, within a short bound.
    fn close(&mut self) -> impl Future<Output = ()> + Send;
}

/// What a [`Link`] is told about the connection it opens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Opening {
    /// Names this connection, so a settle of an earlier one's delivery can be told apart.
    pub epoch: u64,
    /// The session's node was lost and this is another one: what the lost node holds
    /// for the session (a registered client id, a subscription queue) is not here.
    pub failing_over: bool,
}

/// Runs a session of protocol `L` until the user disconnects or the sender of
/// `commands_rx` is dropped: connects, serves, and reconnects with the same outbox,
/// whatever the protocol. With several nodes, a lost connection fails over to the next
/// node at once (the lost one is tried last); only when no node answers does the session
/// wait, on the schedule of [`reconnect_delay`], and then try them all again in turn.
pub async fn run<L: Link>(
    mut settings: ConnectionSettings,
    mut commands_rx: mpsc::Receiver<SessionCommand>,
    events: Events,
) {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let order = endpoint::connect_order(&settings.endpoints(), settings.shuffle, seed);
    // Failed rounds since the last good connection: drives the backoff.
    let mut failures = 0u32;
    let mut connected_before = false;
    // Bumped for every consuming channel: delivery tags are only valid on their own.
    let mut epoch = 0u64;
    // Publishes typed while there is no connection, sent once there is one.
    let mut outbox = Outbox::default();
    // Where the next round starts in `order`.
    let mut first = 0usize;
    // The node lost and when the loss was noticed, until the session is back.
    let mut lost: Option<(Endpoint, Instant)> = None;
    let why_unsent = loop {
        // The first connection and the first retry after a drop are both attempt 1.
        let attempt = failures.max(1);
        let round = try_each::<L>(
            &order,
            first,
            attempt,
            &settings,
            epoch,
            lost.as_ref().map(|(from, _)| from),
            &mut commands_rx,
            &events,
            &mut outbox,
        )
        .await;
        let error = match round {
            Round::Stop => return,
            Round::Disconnected => {
                break "you disconnected before the connection came back".to_string();
            }
            Round::Opened(at, mut live) => {
                let endpoint = order[at].clone();
                let watching = live.watching();
                let failed_over =
                    lost.take()
                        .filter(|(from, _)| *from != endpoint)
                        .map(|(from, since)| FailedOver {
                            from,
                            took: since.elapsed(),
                        });
                if let Some(moved) = &failed_over {
                    tracing::info!(from = %moved.from, to = %endpoint, took = ?moved.took, "failed over");
                } else if connected_before {
                    tracing::info!(%watching, "reconnected");
                }
                let connected = WorkerEvent::Connected {
                    queue: watching,
                    security: settings.security(),
                    reconnected: connected_before,
                    endpoint: endpoint.clone(),
                    failed_over,
                    details: Box::new(live.details()),
                };
                if !events.send(connected).await {
                    live.close().await;
                    return;
                }
                connected_before = true;
                failures = 0;
                let ended = live.serve(&mut commands_rx, &events, &mut outbox).await;
                // The failover's clock starts when the loss is noticed, before the goodbye.
                let noticed = Instant::now();
                // Bindings added or removed live are declared again on the reconnect.
                settings = live.settings().clone();
                epoch = live.epoch();
                // On a loss too: the consumer may be gone while the TCP connection lives on.
                live.close().await;
                match ended {
                    Ended::ByUser => break "you disconnected before it was sent".to_string(),
                    Ended::Lost(error) => {
                        lost = Some((endpoint, noticed));
                        first = (at + 1) % order.len();
                        if order.len() > 1 {
                            // Another node may answer now: no waiting before trying it.
                            tracing::warn!(%error, "connection lost, failing over");
                            let lost = WorkerEvent::ConnectionLost {
                                error,
                                retry_in: Duration::ZERO,
                                attempt: 1,
                            };
                            if !events.send(lost).await {
                                return;
                            }
                            continue;
                        }
                        error
                    }
                }
            }
            Round::Failed(error) if !connected_before => {
                // A first connection that fails goes straight back to the user.
                let why = format!("could not connect: {error}");
                if !events.send(WorkerEvent::Failed(error)).await {
                    return;
                }
                fail_waiting(&mut outbox, &events, &why).await;
                refuse_unread(&mut commands_rx, &events, &why).await;
                return;
            }
            Round::Failed(error) => error,
        };
        failures += 1;
        let retry_in = reconnect_delay(failures);
        tracing::warn!(%error, ?retry_in, attempt = failures, "connection lost");
        let lost = WorkerEvent::ConnectionLost {
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
    events.send(WorkerEvent::Stopped).await;
}

/// How one pass over the nodes ended.
enum Round<L> {
    /// Connected to `order[index]`.
    Opened(usize, L),
    /// No node answered; the error says why, naming the last one when there are several.
    Failed(ConnectError),
    Disconnected,
    /// The app is gone.
    Stop,
}

/// Tries each node once, starting at `order[first]`, until one opens; `lost` is the
/// node the session was on, while it is not back on one.
#[allow(clippy::too_many_arguments)]
async fn try_each<L: Link>(
    order: &[Endpoint],
    first: usize,
    attempt: u32,
    settings: &ConnectionSettings,
    epoch: u64,
    lost: Option<&Endpoint>,
    commands_rx: &mut mpsc::Receiver<SessionCommand>,
    events: &Events,
    outbox: &mut Outbox,
) -> Round<L> {
    let mut last = None;
    for k in 0..order.len() {
        let at = (first + k) % order.len();
        let endpoint = &order[at];
        let connecting = WorkerEvent::Connecting {
            attempt,
            endpoint: endpoint.clone(),
        };
        if !events.send(connecting).await {
            return Round::Stop;
        }
        let opened = while_answering(
            commands_rx,
            events,
            outbox,
            "not connected yet",
            L::open(
                &settings.at(endpoint),
                Opening {
                    epoch: epoch + 1,
                    failing_over: lost.is_some_and(|from| from != endpoint),
                },
            ),
        )
        .await;
        match opened {
            None => return Round::Disconnected,
            Some(Ok(live)) => return Round::Opened(at, live),
            // What the user must fix (a password, a vhost, a certificate) is the cluster's
            // answer, not one node's: the other nodes would say the same.
            Some(Err(error)) if error.needs_user() => return Round::Failed(error),
            Some(Err(error)) => {
                tracing::warn!(%endpoint, %error, "node did not answer");
                if order.len() > 1 {
                    let down = WorkerEvent::EndpointDown {
                        endpoint: endpoint.clone(),
                        error: error.clone(),
                    };
                    if !events.send(down).await {
                        return Round::Stop;
                    }
                }
                last = Some((endpoint, error));
            }
        }
    }
    let Some((endpoint, error)) = last else {
        unreachable!("a session has at least one endpoint")
    };
    if order.len() == 1 {
        return Round::Failed(error);
    }
    Round::Failed(ConnectError::NoNodeAnswered {
        tried: order.len(),
        endpoint: endpoint.to_string(),
        last: Box::new(error),
    })
}

/// Runs `work` while queueing publishes for the next connection and refusing every other
/// command with `why`; `None` when the user disconnected.
pub async fn while_answering<T>(
    commands_rx: &mut mpsc::Receiver<SessionCommand>,
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
                None | Some(SessionCommand::Disconnect) => return None,
                Some(SessionCommand::Publish(request)) => queue_publish(outbox, *request, events).await,
                Some(command) => {
                    events.send(refusal(command, why)).await;
                }
            },
        }
    }
}

/// Keeps a publish for the next connection, and says so; a full outbox refuses it.
pub async fn queue_publish(outbox: &mut Outbox, request: PublishRequest, events: &Events) {
    let id = request.id;
    let event = match outbox.push(request) {
        Ok(waiting) => {
            tracing::info!(id, waiting, "publish waits for the connection");
            WorkerEvent::PublishQueued { id, waiting }
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

/// How serving a connection ended.
pub enum Ended {
    ByUser,
    Lost(ConnectError),
}
