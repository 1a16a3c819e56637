//! The bench's "bare" MQTT subscriber: plain rumqttc, no amqp-tui code. Connects with
//! `--client-id`, subscribes to `--topic` at `--qos` and counts `--count` publishes
//! (rumqttc acknowledges QoS 1 ones itself as it reads them; the app acknowledges each once
//! it holds it, one PUBACK write at a time, which a QoS 1 row's ratio includes). Prints
//! `msgs_per_sec=<f64> count=<M> secs=<f64>`; the clock starts at the first message, as
//! on the app's side (`app_mqtt_ingest`).
//!
//! With `--no-clean-session` the broker keeps the subscription's queue between
//! connections: `--count 0` only subscribes and leaves, so that queue exists and can be
//! filled before a measured run drains it.

#[path = "support/bare_mqtt.rs"]
mod bare_mqtt;

use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Parser;
use rumqttc::{Event, Packet};

#[derive(Parser)]
struct Args {
    /// mqtt://user:pass@127.0.0.1:PORT (loopback only: this is a load tool)
    #[arg(long)]
    uri: String,
    #[arg(long)]
    topic: String,
    #[arg(long, default_value_t = 1)]
    qos: u8,
    #[arg(long, default_value = "bare-mqtt-subscriber")]
    client_id: String,
    /// Keep the broker's session (and its queue) after disconnecting.
    #[arg(long)]
    no_clean_session: bool,
    /// Stop after this many messages; 0: subscribe, then leave.
    #[arg(long)]
    count: u64,
    /// Give up after this many seconds: a load loop must end even if no message comes.
    #[arg(long, default_value_t = 120)]
    timeout_secs: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let deadline = Duration::from_secs(args.timeout_secs);
    let (client, mut eventloop) =
        bare_mqtt::client(&args.uri, &args.client_id, !args.no_clean_session)?;
    client
        .subscribe(args.topic.as_str(), bare_mqtt::qos(args.qos)?)
        .await?;
    let (mut count, mut subscribed) = (0u64, false);
    let mut first = None::<Instant>;
    while count < args.count || !subscribed {
        let Some(left) = deadline.checked_sub(started.elapsed()) else {
            bail!("timed out after {count} messages");
        };
        match tokio::time::timeout(left, eventloop.poll()).await {
            Ok(Ok(Event::Incoming(Packet::Publish(_)))) => {
                first.get_or_insert_with(Instant::now);
                count += 1;
            }
            Ok(Ok(Event::Incoming(Packet::SubAck(ack)))) => {
                if ack
                    .return_codes
                    .iter()
                    .any(|c| matches!(c, rumqttc::SubscribeReasonCode::Failure))
                {
                    bail!("the broker refused the subscription to {}", args.topic);
                }
                subscribed = true;
            }
            Ok(Ok(_)) => {}
            Ok(Err(err)) => bail!("after {count} messages: {err}"),
            Err(_) => bail!("timed out after {count} messages"),
        }
    }
    let secs = first.map_or(0.0, |at| at.elapsed().as_secs_f64());
    bare_mqtt::disconnect(&client, &mut eventloop).await;
    if args.count > 0 {
        println!(
            "msgs_per_sec={} count={count} secs={secs}",
            count as f64 / secs
        );
    }
    Ok(())
}
