//! The bench's "bare" MQTT publisher: plain rumqttc, no amqp-tui code. Publishes
//! `--count` messages of `--size` bytes to `--topic` at `--qos`, awaiting each hand-over
//! to rumqttc's queue as its own examples do. QoS 1: done once every PUBACK is in; QoS 0:
//! once every publish is written. Prints `msgs_per_sec=<f64> count=<M> secs=<f64>`; the
//! clock starts at the first publish, as on the app's side (`app_mqtt_publish`). Also the
//! MQTT flood of `bench_pty` (responsiveness, memory), which kills it when done.

#[path = "support/bare_mqtt.rs"]
mod bare_mqtt;

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use rumqttc::{Event, Outgoing, Packet};

#[derive(Parser)]
struct Args {
    /// mqtt://user:pass@127.0.0.1:PORT (loopback only: this is a load tool)
    #[arg(long)]
    uri: String,
    #[arg(long)]
    topic: String,
    #[arg(long, default_value_t = 1)]
    qos: u8,
    /// Bounded so a typo cannot flood the broker.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    count: u64,
    #[arg(long, default_value_t = 64)]
    size: usize,
    #[arg(long, default_value = "bare-mqtt-publisher")]
    client_id: String,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 600)]
    timeout_secs: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let qos = bare_mqtt::qos(args.qos)?;
    let (client, mut eventloop) = bare_mqtt::client(&args.uri, &args.client_id, true)?;
    // CONNACK first, so the clock starts at the first publish, not at the handshake.
    loop {
        match eventloop.poll().await.context("connect")? {
            Event::Incoming(Packet::ConnAck(_)) => break,
            _ => continue,
        }
    }
    let body = vec![b'x'; args.size];
    let publisher = client.clone();
    let (topic, count) = (args.topic.clone(), args.count);
    let started = Instant::now();
    // The handle waits whenever rumqttc's queue is full: that is the flow control.
    let feeding = tokio::spawn(async move {
        for _ in 0..count {
            publisher
                .publish(topic.as_str(), qos, false, body.clone())
                .await?;
        }
        Ok::<_, rumqttc::ClientError>(())
    });
    let deadline = Duration::from_secs(args.timeout_secs);
    let (mut written, mut acked) = (0u64, 0u64);
    let done = |w: u64, a: u64| match qos {
        rumqttc::QoS::AtMostOnce => w >= count,
        _ => a >= count,
    };
    while !done(written, acked) {
        let Some(left) = deadline.checked_sub(started.elapsed()) else {
            bail!("timed out: {written} written, {acked} acknowledged");
        };
        match tokio::time::timeout(left, eventloop.poll()).await {
            Ok(Ok(Event::Outgoing(Outgoing::Publish(_)))) => written += 1,
            Ok(Ok(Event::Incoming(Packet::PubAck(_)))) => acked += 1,
            Ok(Ok(_)) => {}
            Ok(Err(err)) => bail!("after {written} written, {acked} acknowledged: {err}"),
            Err(_) => bail!("timed out: {written} written, {acked} acknowledged"),
        }
    }
    let secs = started.elapsed().as_secs_f64();
    feeding.await?.context("publish")?;
    println!(
        "msgs_per_sec={} count={count} secs={secs}",
        count as f64 / secs
    );
    bare_mqtt::disconnect(&client, &mut eventloop).await;
    Ok(())
}
