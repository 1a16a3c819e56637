//! The firehose tap: an AMQP connection of its own (the settings given: trust, user,
//! vhost), an exclusive, auto-delete queue of at most [`TAP_QUEUE_LIMIT`] messages (the
//! oldest dropped first) bound to `amq.rabbitmq.trace` for `publish.#` only, consumed
//! with a prefetch and acked in batches. Each publish event goes out on the channel; the task ends when the
//! receiver is gone (closing its connection) or the connection fails, which it reports as
//! its last event.

use futures_lite::StreamExt;
use lapin::{
    options::{
        BasicAckOptions, BasicConsumeOptions, BasicQosOptions, QueueBindOptions,
        QueueDeclareOptions,
    },
    types::{AMQPValue, FieldTable, ShortString},
};
use tokio::{sync::mpsc, task::JoinHandle};

use super::TraceEvent;
use crate::{
    amqp::{connect, properties::table_from_amqp},
    session::ConnectionSettings,
};

/// The tap's queue holds no more than this: tracing a busy vhost must never grow a queue
/// without bound while the app is slow or away.
pub const TAP_QUEUE_LIMIT: i64 = 10_000;
/// Traced messages the broker may push before the tap acks: what the app can hold unread.
const PREFETCH: u16 = 1024;
/// Acked together (`multiple`), well inside the prefetch so the flow never stalls.
const ACK_EVERY: u64 = 256;
/// Where RabbitMQ's firehose publishes (`publish.<exchange>`, `deliver.<queue>`).
const TRACE_EXCHANGE: &str = "amq.rabbitmq.trace";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TapEvent {
    /// Bound and consuming: from now on every publish traced in the vhost comes through.
    Ready,
    Traced(Box<TraceEvent>),
    /// The tap stopped; why, made to be shown.
    Ended(String),
}

/// Starts the tap on the current tokio runtime; abort the handle (or drop the receiver)
/// to stop it, which closes its connection and so deletes its queue.
pub fn start(settings: ConnectionSettings, events: mpsc::Sender<TapEvent>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let why = match run(&settings, &events).await {
            Ok(()) => return,
            Err(why) => why,
        };
        let _ = events.send(TapEvent::Ended(why)).await;
    })
}

async fn run(settings: &ConnectionSettings, events: &mpsc::Sender<TapEvent>) -> Result<(), String> {
    let (connection, _) = connect::open(settings)
        .await
        .map_err(|e| format!("the tap could not connect: {e}"))?;
    let failed = |what: &str, e: lapin::Error| format!("the tap could not {what}: {e}");
    let channel = connection
        .create_channel()
        .await
        .map_err(|e| failed("open a channel", e))?;
    let mut arguments = FieldTable::default();
    arguments.insert(
        "x-max-length".into(),
        AMQPValue::LongLongInt(TAP_QUEUE_LIMIT),
    );
    let queue = channel
        .queue_declare(
            ShortString::from(""),
            QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..QueueDeclareOptions::default()
            },
            arguments,
        )
        .await
        .map_err(|e| failed("declare its queue", e))?;
    channel
        .queue_bind(
            queue.name().clone(),
            ShortString::from(TRACE_EXCHANGE),
            ShortString::from("publish.#"),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .map_err(|e| failed(&format!("bind to {TRACE_EXCHANGE}"), e))?;
    // Acked, with a prefetch: lapin buffers what the broker pushes without bound, so the
    // broker must not push faster than the app reads (the queue's limit drops the rest).
    channel
        .basic_qos(PREFETCH, BasicQosOptions::default())
        .await
        .map_err(|e| failed("set its prefetch", e))?;
    let mut consumer = channel
        .basic_consume(
            queue.name().clone(),
            ShortString::from("amqp-tui-observe"),
            BasicConsumeOptions {
                exclusive: true,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .map_err(|e| failed("consume its queue", e))?;
    if events.send(TapEvent::Ready).await.is_err() {
        return Ok(());
    }
    let mut seen: u64 = 0;
    loop {
        // The receiver gone is the signal to stop: checked while waiting, not only when a
        // message comes, so a quiet vhost does not keep the tap's queue alive.
        let delivery = tokio::select! {
            delivery = consumer.next() => delivery,
            () = events.closed() => break,
        };
        let Some(delivery) = delivery else {
            return Err("the broker ended the tap's consumer".into());
        };
        let delivery = delivery.map_err(|e| format!("the tap lost its connection: {e}"))?;
        // Each ack lets one more in: the app holds at most PREFETCH unread.
        seen += 1;
        if seen.is_multiple_of(ACK_EVERY) {
            delivery
                .acker
                .ack(BasicAckOptions { multiple: true })
                .await
                .map_err(|e| failed("ack", e))?;
        }
        let headers = delivery
            .properties
            .headers()
            .as_ref()
            .map(table_from_amqp)
            .unwrap_or_default();
        let Some(event) =
            TraceEvent::from_firehose(delivery.routing_key.as_str(), &headers, &delivery.data)
        else {
            continue;
        };
        if events
            .send(TapEvent::Traced(Box::new(event)))
            .await
            .is_err()
        {
            break;
        }
    }
    // Closing the connection deletes the exclusive queue with it.
    let _ = connection
        .close(200, ShortString::from("observe off"))
        .await;
    Ok(())
}
