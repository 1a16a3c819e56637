//! The bench's "bare" consumer: plain lapin, no amqp-tui code. Consumes `--count`
//! messages from `--queue` with manual acks and prints
//! `msgs_per_sec=<f64> count=<M> secs=<f64>`. The clock starts at the first delivery,
//! as on the app's side (`app_ingest`, `worker_ingest`): connection set-up takes a
//! varying few tens of ms, which at short sizes swung the ratio more than the app did.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use futures_lite::StreamExt;
use lapin::{
    Connection, ConnectionProperties,
    options::{BasicAckOptions, BasicConsumeOptions, BasicQosOptions},
    types::FieldTable,
};

#[derive(Parser)]
struct Args {
    /// amqp://user:pass@127.0.0.1:PORT/%2f (loopback only: this is a load tool)
    #[arg(long)]
    uri: String,
    #[arg(long)]
    queue: String,
    #[arg(long, default_value_t = 256)]
    prefetch: u16,
    /// Stop after this many messages.
    #[arg(long)]
    count: u64,
    /// Acknowledge every K deliveries at once (`multiple`), the way a tuned consumer
    /// does; 0 means half the prefetch window, 1 one ack per message.
    #[arg(long, default_value_t = 0)]
    ack_every: u64,
    /// Give up after this many seconds: a load loop must end even if the queue runs dry.
    #[arg(long, default_value_t = 120)]
    timeout_secs: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let connection = Connection::connect(&args.uri, ConnectionProperties::default())
        .await
        .context("connect")?;
    let channel = connection.create_channel().await.context("channel")?;
    channel
        .basic_qos(args.prefetch, BasicQosOptions::default())
        .await
        .context("basic.qos")?;
    let mut consumer = channel
        .basic_consume(
            args.queue.as_str().into(),
            "bare-consumer".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .context("basic.consume")?;
    let deadline = Duration::from_secs(args.timeout_secs);
    let ack_every = match args.ack_every {
        0 => u64::from(args.prefetch / 2).max(1),
        k => k,
    };
    let mut count = 0u64;
    let mut first = None::<Instant>;
    while count < args.count {
        let Some(left) = deadline.checked_sub(started.elapsed()) else {
            bail!("timed out after {count} messages");
        };
        let delivery = match tokio::time::timeout(left, consumer.next()).await {
            Ok(Some(delivery)) => delivery.context("delivery")?,
            Ok(None) => bail!("the consumer ended after {count} messages"),
            Err(_) => bail!("timed out after {count} messages"),
        };
        first.get_or_insert_with(Instant::now);
        count += 1;
        if count.is_multiple_of(ack_every) || count == args.count {
            delivery
                .ack(BasicAckOptions { multiple: true })
                .await
                .context("basic.ack")?;
        }
    }
    let secs = first.context("no message arrived")?.elapsed().as_secs_f64();
    println!(
        "msgs_per_sec={} count={count} secs={secs}",
        count as f64 / secs
    );
    // Closing is courtesy: the numbers are already out.
    let _ = connection.close(200, "done".into()).await;
    Ok(())
}
