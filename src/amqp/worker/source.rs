//! Where the session's messages come from: a queue of our own on a declared exchange, a
//! tap on an existing exchange, or an existing queue. Each opens the consuming channel.

use lapin::{
    Channel, Connection, Consumer,
    options::{
        BasicConsumeOptions, BasicQosOptions, ExchangeDeclareOptions, QueueBindOptions,
        QueueDeclareOptions,
    },
    types::{FieldTable, ShortString},
};

use crate::{
    amqp::{
        error::Context, properties::table_to_amqp, settings::AckMode, settings::Binding,
        settings::Source,
    },
    session::{ConnectionSettings, error::ConnectError, error::Stage},
};

/// The tag of our one consumer; tags only need to be unique per channel.
pub(super) const CONSUMER_TAG: &str = "amqp-tui";

/// The channel messages arrive on, and what the session is watching through it.
pub(super) struct Consuming {
    pub channel: Channel,
    /// `None` when peeking: messages are fetched on command with basic.get.
    pub consumer: Option<Consumer>,
    /// The queue's real name (server-named for a tap).
    pub queue: String,
}

pub(super) async fn open(
    connection: &Connection,
    settings: &ConnectionSettings,
) -> Result<Consuming, ConnectError> {
    let routing = &settings.routing;
    let cx = Context::new(settings);
    let channel = connection
        .create_channel()
        .await
        .map_err(|err| ConnectError::from_lapin(&err, Stage::Connect, &cx))?;
    channel
        .basic_qos(settings.prefetch, BasicQosOptions::default())
        .await
        .map_err(|err| ConnectError::from_lapin(&err, Stage::Consume, &cx))?;
    match routing.source {
        Source::Declare => declare(channel, settings).await,
        Source::TapExchange => {
            if routing.exchange.is_empty() {
                return Err(ConnectError::InvalidName {
                    field: "Exchange",
                    reason: "the default exchange routes by queue name and cannot be tapped; consume the queue instead".into(),
                });
            }
            exchange_exists(connection, settings).await?;
            own_queue(channel, settings, "").await
        }
        Source::Queue => existing_queue(connection, channel, settings).await,
    }
}

/// The guide's consumer: declare the exchange (auto-delete) and a queue of our own.
async fn declare(
    channel: Channel,
    settings: &ConnectionSettings,
) -> Result<Consuming, ConnectError> {
    let routing = &settings.routing;
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
                short("Exchange", &routing.exchange)?,
                routing.exchange_type.kind(),
                options,
                FieldTable::default(),
            )
            .await
            .map_err(|err| fail(&err, Stage::DeclareExchange, settings))?;
    }
    own_queue(channel, settings, &routing.queue).await
}

/// An exclusive auto-delete queue bound with every binding, consumed and acked by us.
async fn own_queue(
    channel: Channel,
    settings: &ConnectionSettings,
    name: &str,
) -> Result<Consuming, ConnectError> {
    let routing = &settings.routing;
    let declared = channel
        .queue_declare(
            short("Queue", name)?,
            QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .map_err(|err| fail(&err, Stage::DeclareQueue, settings))?;
    let queue = declared.name().clone();
    if !routing.exchange.is_empty() {
        for binding in &routing.bindings {
            bind(&channel, queue.as_str(), &routing.exchange, binding, true)
                .await
                .map_err(|err| match err {
                    BindError::Invalid(error) => error,
                    BindError::Broker(err) => fail(&err, Stage::Bind, settings),
                })?;
        }
    }
    let consumer = consume(&channel, &queue, false, settings).await?;
    Ok(Consuming {
        channel,
        consumer: Some(consumer),
        queue: queue.to_string(),
    })
}

/// Someone else's queue: it must exist, its bindings are left alone, `ack` decides how
/// its messages are taken.
async fn existing_queue(
    connection: &Connection,
    channel: Channel,
    settings: &ConnectionSettings,
) -> Result<Consuming, ConnectError> {
    let routing = &settings.routing;
    if routing.queue.is_empty() {
        return Err(ConnectError::InvalidName {
            field: "Queue",
            reason: "name the existing queue to consume".into(),
        });
    }
    let queue = short("Queue", &routing.queue)?;
    // A failed passive declare closes its channel: check on one we can lose.
    let probe = throwaway(connection, settings).await?;
    let checked = probe
        .queue_declare(
            queue.clone(),
            QueueDeclareOptions {
                passive: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await;
    close_throwaway(&probe).await;
    checked.map_err(|err| fail(&err, Stage::DeclareQueue, settings))?;
    let consumer = match routing.ack {
        AckMode::NoAck => Some(consume(&channel, &queue, true, settings).await?),
        AckMode::Auto | AckMode::Manual => Some(consume(&channel, &queue, false, settings).await?),
        AckMode::Peek => None,
    };
    Ok(Consuming {
        channel,
        consumer,
        queue: routing.queue.clone(),
    })
}

/// Checks that the exchange to tap exists without ever creating it.
async fn exchange_exists(
    connection: &Connection,
    settings: &ConnectionSettings,
) -> Result<(), ConnectError> {
    let routing = &settings.routing;
    let exchange = short("Exchange", &routing.exchange)?;
    // A failed passive declare closes its channel: check on one we can lose.
    let probe = throwaway(connection, settings).await?;
    let checked = probe
        .exchange_declare(
            exchange,
            routing.exchange_type.kind(),
            ExchangeDeclareOptions {
                passive: true,
                ..ExchangeDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await;
    close_throwaway(&probe).await;
    checked.map_err(|err| fail(&err, Stage::DeclareExchange, settings))
}

async fn consume(
    channel: &Channel,
    queue: &ShortString,
    no_ack: bool,
    settings: &ConnectionSettings,
) -> Result<Consumer, ConnectError> {
    channel
        .basic_consume(
            queue.clone(),
            ShortString::from(CONSUMER_TAG),
            BasicConsumeOptions {
                no_ack,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .map_err(|err| fail(&err, Stage::Consume, settings))
}

async fn throwaway(
    connection: &Connection,
    settings: &ConnectionSettings,
) -> Result<Channel, ConnectError> {
    connection
        .create_channel()
        .await
        .map_err(|err| fail(&err, Stage::Connect, settings))
}

pub(super) async fn close_throwaway(channel: &Channel) {
    if channel.status().connected() {
        // Closing a channel we are done with: a failure leaves nothing to clean up.
        let _ = channel.close(200, ShortString::from("done")).await;
    }
}

pub(super) enum BindError {
    /// Too long a key or header name: nothing was sent.
    Invalid(ConnectError),
    Broker(lapin::Error),
}

/// queue.bind (or queue.unbind) of `queue` to `exchange` with one binding.
pub(super) async fn bind(
    channel: &Channel,
    queue: &str,
    exchange: &str,
    binding: &Binding,
    add: bool,
) -> Result<(), BindError> {
    let queue = short("Queue", queue).map_err(BindError::Invalid)?;
    let exchange = short("Exchange", exchange).map_err(BindError::Invalid)?;
    let key = short("Routing key", &binding.key).map_err(BindError::Invalid)?;
    let arguments = table_to_amqp(&binding.arguments).map_err(|reason| {
        BindError::Invalid(ConnectError::InvalidName {
            field: "Routing key",
            reason,
        })
    })?;
    let done = if add {
        channel
            .queue_bind(queue, exchange, key, QueueBindOptions::default(), arguments)
            .await
    } else {
        channel.queue_unbind(queue, exchange, key, arguments).await
    };
    done.map_err(BindError::Broker)
}

fn fail(err: &lapin::Error, stage: Stage, settings: &ConnectionSettings) -> ConnectError {
    ConnectError::from_lapin(err, stage, &Context::new(settings))
}

pub(super) fn short(field: &'static str, value: &str) -> Result<ShortString, ConnectError> {
    ShortString::try_new(value).map_err(|_| ConnectError::InvalidName {
        field,
        reason: format!("{} bytes long; AMQP allows at most 255", value.len()),
    })
}
