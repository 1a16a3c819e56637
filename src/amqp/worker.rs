//! The session task: owns the connection and its channels, declares the routing, consumes,
//! publishes, and reconnects by itself when the connection drops.

use chrono::Local;
use futures_lite::StreamExt;
use lapin::{
    Channel, Confirmation, Connection, Consumer, Event,
    options::{
        BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions,
        ConfirmSelectOptions, ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
    },
    types::{FieldTable, ShortString},
};
use tokio::sync::mpsc;

use super::{
    AmqpCommand, AmqpEvent, Delivery, PublishOutcome, PublishRequest, SessionEvent, SessionId,
    connect,
    details::ConnectionDetails,
    error::{ConnectError, Context, Stage, describe},
    message::{Properties, table_to_amqp},
    reconnect_delay,
    settings::ConnectionSettings,
};

/// Commands queue here while the worker is busy; a full queue makes the UI report it.
const COMMAND_CAPACITY: usize = 256;

/// Starts a session task on the current tokio runtime. Dropping the returned sender, or
/// sending [`AmqpCommand::Disconnect`], ends it.
pub fn spawn(
    session: SessionId,
    settings: ConnectionSettings,
    events_tx: mpsc::Sender<SessionEvent>,
) -> mpsc::Sender<AmqpCommand> {
    let (commands_tx, commands_rx) = mpsc::channel(COMMAND_CAPACITY);
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
}

async fn run(
    settings: ConnectionSettings,
    mut commands_rx: mpsc::Receiver<AmqpCommand>,
    events: Events,
) {
    // Failed attempts since the last good connection: drives the backoff.
    let mut failures = 0u32;
    let mut connected_before = false;
    loop {
        // The first connection and the first retry after a drop are both attempt 1.
        let attempt = failures.max(1);
        if !events.send(AmqpEvent::Connecting { attempt }).await {
            return;
        }
        let opened = while_answering(
            &mut commands_rx,
            &events,
            "not connected yet",
            LiveSession::open(&settings),
        )
        .await;
        let error = match opened {
            None => break,
            Some(Ok(mut live)) => {
                let connected = AmqpEvent::Connected {
                    queue: live.queue.clone(),
                    security: settings.security(),
                    reconnected: connected_before,
                    details: Box::new(live.details.clone()),
                };
                if !events.send(connected).await {
                    live.close().await;
                    return;
                }
                connected_before = true;
                failures = 0;
                let ended = live.serve(&mut commands_rx, &events).await;
                // On a loss too: the consumer may be gone while the TCP connection lives on.
                live.close().await;
                match ended {
                    Ended::ByUser => break,
                    Ended::Lost(error) => error,
                }
            }
            Some(Err(error)) if !connected_before => {
                // A first attempt that fails goes straight back to the user.
                events.send(AmqpEvent::Failed(error)).await;
                return;
            }
            Some(Err(error)) => error,
        };
        failures += 1;
        let retry_in = reconnect_delay(failures);
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
            "disconnected, reconnecting",
            tokio::time::sleep(retry_in),
        )
        .await;
        if waited.is_none() {
            break;
        }
    }
    events.send(AmqpEvent::Stopped).await;
}

/// Runs `work` while refusing publishes with `why`; `None` when the user disconnected.
async fn while_answering<T>(
    commands_rx: &mut mpsc::Receiver<AmqpCommand>,
    events: &Events,
    why: &str,
    work: impl Future<Output = T>,
) -> Option<T> {
    tokio::pin!(work);
    loop {
        tokio::select! {
            done = &mut work => return Some(done),
            command = commands_rx.recv() => match command {
                None | Some(AmqpCommand::Disconnect) => return None,
                Some(AmqpCommand::Publish(request)) => {
                    let outcome = PublishOutcome::Failed { reason: format!("{why}; the message was not sent") };
                    events.send(published(&request, outcome)).await;
                }
            },
        }
    }
}

fn published(request: &PublishRequest, outcome: PublishOutcome) -> AmqpEvent {
    AmqpEvent::Published {
        id: request.id,
        exchange: request.exchange.clone(),
        routing_key: request.routing_key.clone(),
        outcome,
    }
}

enum Ended {
    ByUser,
    Lost(ConnectError),
}

struct LiveSession {
    connection: Connection,
    consumer: Consumer,
    /// Opened on first publish and again after the broker closes it (e.g. NOT_FOUND).
    publish_channel: Option<Channel>,
    queue: String,
    settings: ConnectionSettings,
    details: ConnectionDetails,
}

impl LiveSession {
    async fn open(settings: &ConnectionSettings) -> Result<Self, ConnectError> {
        let (connection, details) = connect::open(settings).await?;
        let routing = &settings.routing;
        let cx = Context::new(settings);
        let fail =
            |stage: Stage| move |err: lapin::Error| ConnectError::from_lapin(&err, stage, &cx);
        let exchange = short("Exchange", &routing.exchange)?;
        let queue = short("Queue", &routing.queue)?;

        let channel = connection
            .create_channel()
            .await
            .map_err(fail(Stage::Connect))?;
        channel
            .basic_qos(settings.prefetch, BasicQosOptions::default())
            .await
            .map_err(fail(Stage::Consume))?;
        // The default exchange ("") cannot be declared or bound: every queue is already
        // bound to it by name. `amq.*` names are reserved: only a passive check is allowed.
        if !routing.exchange.is_empty() {
            let options = ExchangeDeclareOptions {
                passive: routing.exchange.starts_with("amq."),
                auto_delete: true,
                ..ExchangeDeclareOptions::default()
            };
            channel
                .exchange_declare(
                    exchange.clone(),
                    routing.exchange_type.kind(),
                    options,
                    FieldTable::default(),
                )
                .await
                .map_err(fail(Stage::DeclareExchange))?;
        }
        let declared = channel
            .queue_declare(
                queue,
                QueueDeclareOptions {
                    exclusive: true,
                    auto_delete: true,
                    ..QueueDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await
            .map_err(fail(Stage::DeclareQueue))?;
        let queue_name = declared.name().clone();
        if !routing.exchange.is_empty() {
            for binding in &routing.bindings {
                let key = short("Routing key", &binding.key)?;
                let arguments = table_to_amqp(&binding.arguments).map_err(|reason| {
                    ConnectError::InvalidName {
                        field: "Routing key",
                        reason,
                    }
                })?;
                channel
                    .queue_bind(
                        queue_name.clone(),
                        exchange.clone(),
                        key,
                        QueueBindOptions::default(),
                        arguments,
                    )
                    .await
                    .map_err(fail(Stage::Bind))?;
            }
        }
        let consumer = channel
            .basic_consume(
                queue_name.clone(),
                ShortString::from("amqp-tui"),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
            .map_err(fail(Stage::Consume))?;
        Ok(Self {
            connection,
            consumer,
            publish_channel: None,
            queue: queue_name.to_string(),
            settings: settings.clone(),
            details,
        })
    }

    async fn serve(
        &mut self,
        commands_rx: &mut mpsc::Receiver<AmqpCommand>,
        events: &Events,
    ) -> Ended {
        let mut connection_events = self.connection.events_listener();
        loop {
            tokio::select! {
                command = commands_rx.recv() => match command {
                    None | Some(AmqpCommand::Disconnect) => return Ended::ByUser,
                    Some(AmqpCommand::Publish(request)) => self.publish(*request, events).await,
                },
                next = self.consumer.next() => match next {
                    Some(Ok(delivery)) => {
                        let acker = delivery.acker.clone();
                        if !events.send(AmqpEvent::Delivery(Box::new(to_delivery(delivery)))).await {
                            return Ended::ByUser;
                        }
                        // Acked only once handed over: the prefetch window then bounds what
                        // the broker can push ahead of the UI.
                        if let Err(err) = acker.ack(BasicAckOptions::default()).await {
                            return Ended::Lost(self.lost(&err));
                        }
                    }
                    Some(Err(err)) => return Ended::Lost(self.lost(&err)),
                    None => return Ended::Lost(ConnectError::Closed {
                        detail: "the broker cancelled the consumer (was the queue deleted?)".into(),
                    }),
                },
                Some(event) = connection_events.next() => match event {
                    Event::ConnectionBlocked(reason) => {
                        events.send(AmqpEvent::Notice(format!("The broker blocked publishing on this connection: {reason}"))).await;
                    }
                    Event::ConnectionUnblocked => {
                        events.send(AmqpEvent::Notice("The broker unblocked publishing.".into())).await;
                    }
                    // Channel errors arrive here too; only a dead connection ends the session.
                    Event::Error(err) if !self.connection.status().connected() => {
                        return Ended::Lost(self.lost(&err));
                    }
                    _ => {}
                },
            }
        }
    }

    fn lost(&self, err: &lapin::Error) -> ConnectError {
        let cx = Context {
            settings: &self.settings,
            queue: &self.queue,
        };
        ConnectError::from_lapin(err, Stage::Consume, &cx)
    }

    async fn publish(&mut self, request: PublishRequest, events: &Events) {
        let outcome = match self.start_publish(&request, events).await {
            Ok(confirm) => {
                // Waiting for the confirm must not hold up consuming.
                let events = events.clone();
                tokio::spawn(async move {
                    let outcome = match confirm.await {
                        Ok(Confirmation::Ack(None) | Confirmation::NotRequested) => {
                            PublishOutcome::Routed
                        }
                        Ok(Confirmation::Ack(Some(returned))) => PublishOutcome::Unroutable {
                            reply: format!("{} {}", returned.reply_code, returned.reply_text),
                        },
                        Ok(Confirmation::Nack(_)) => PublishOutcome::Nacked,
                        Err(err) => PublishOutcome::Failed {
                            reason: format!(
                                "{}; the publish channel will be reopened",
                                describe(&err)
                            ),
                        },
                    };
                    events.send(published(&request, outcome)).await;
                });
                return;
            }
            Err(reason) => PublishOutcome::Failed { reason },
        };
        events.send(published(&request, outcome)).await;
    }

    async fn start_publish(
        &mut self,
        request: &PublishRequest,
        events: &Events,
    ) -> Result<lapin::PublisherConfirm, String> {
        let exchange = short("Exchange", &request.exchange).map_err(|e| e.to_string())?;
        let key = short("Routing key", &request.routing_key).map_err(|e| e.to_string())?;
        let channel = self.publish_channel(events).await?;
        let properties = request.properties.to_amqp()?;
        let options = BasicPublishOptions {
            mandatory: true,
            ..BasicPublishOptions::default()
        };
        channel
            .basic_publish(exchange, key, options, &request.body, properties)
            .await
            .map_err(|err| describe(&err))
    }

    async fn publish_channel(&mut self, events: &Events) -> Result<Channel, String> {
        if let Some(channel) = &self.publish_channel {
            if channel.status().connected() {
                return Ok(channel.clone());
            }
            events
                .send(AmqpEvent::Notice(
                    "The broker closed the publish channel; reopened it.".into(),
                ))
                .await;
        }
        let channel = self
            .connection
            .create_channel()
            .await
            .map_err(|err| format!("could not open a channel: {}", describe(&err)))?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .map_err(|err| format!("could not enable publisher confirms: {}", describe(&err)))?;
        self.publish_channel = Some(channel.clone());
        Ok(channel)
    }

    async fn close(&self) {
        let bye = self
            .connection
            .close(200, ShortString::from("amqp-tui closing"));
        // A dead broker must not keep the user waiting.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), bye).await;
    }
}

fn short(field: &'static str, value: &str) -> Result<ShortString, ConnectError> {
    ShortString::try_new(value).map_err(|_| ConnectError::InvalidName {
        field,
        reason: format!("{} bytes long; AMQP allows at most 255", value.len()),
    })
}

fn to_delivery(delivery: lapin::message::Delivery) -> Delivery {
    Delivery {
        received_at: Local::now(),
        exchange: delivery.exchange.to_string(),
        routing_key: delivery.routing_key.to_string(),
        redelivered: delivery.redelivered,
        delivery_tag: delivery.delivery_tag,
        consumer_tag: Some("amqp-tui".into()),
        properties: Properties::from_amqp(&delivery.properties),
        body: delivery.data,
    }
}
