//! The life of a session, the same for every protocol: connect, serve, and when the
//! connection drops, report it and reconnect on one schedule (1, 2, 4, then every 5 s),
//! keeping publishes typed meanwhile in one bounded outbox. A protocol brings only its
//! [`Link`]: how to open a connection and serve it.

use std::future::Future;

use tokio::sync::mpsc;

use super::{
    ConnectError, ConnectionDetails, ConnectionSettings, PublishRequest, SessionCommand,
    WorkerEvent,
    outbox::Outbox,
    reconnect_delay, refusal,
    worker::{Events, not_sent, refuse_unread},
};

/// One live connection of a protocol, as [`run`] drives it.
pub trait Link: Sized + Send {
    /// Connects and sets up what the session watches; `epoch` names this connection, so
    /// a settle of an earlier one's delivery can be told apart.
    fn open(
        settings: &ConnectionSettings,
        epoch: u64,
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

/// Runs a session of protocol `L` until the user disconnects or the sender of
/// `commands_rx` is dropped: connects, serves, and reconnects on the schedule of
/// [`reconnect_delay`] with the same outbox, whatever the protocol.
pub async fn run<L: Link>(
    mut settings: ConnectionSettings,
    mut commands_rx: mpsc::Receiver<SessionCommand>,
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
        if !events.send(WorkerEvent::Connecting { attempt }).await {
            return;
        }
        let opened = while_answering(
            &mut commands_rx,
            &events,
            &mut outbox,
            "not connected yet",
            L::open(&settings, epoch + 1),
        )
        .await;
        let error = match opened {
            None => break "you disconnected before the connection came back".to_string(),
            Some(Ok(mut live)) => {
                let watching = live.watching();
                let connected = WorkerEvent::Connected {
                    queue: watching.clone(),
                    security: settings.security(),
                    reconnected: connected_before,
                    details: Box::new(live.details()),
                };
                if connected_before {
                    tracing::info!(%watching, "reconnected");
                }
                if !events.send(connected).await {
                    live.close().await;
                    return;
                }
                connected_before = true;
                failures = 0;
                let ended = live.serve(&mut commands_rx, &events, &mut outbox).await;
                // Bindings added or removed live are declared again on the reconnect.
                settings = live.settings().clone();
                epoch = live.epoch();
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
                if !events.send(WorkerEvent::Failed(error)).await {
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
