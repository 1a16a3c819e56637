//! The bench's "bare" publisher: plain lapin, no amqp-tui code. Publishes `--count`
//! messages of `--size` bytes (mandatory off), awaiting each write as lapin's own
//! examples do; with `--confirm`, on a confirm channel, then waits for every confirm.
//! Prints `msgs_per_sec=<f64> count=<M> secs=<f64>`. Also pre-fills queues for the
//! consumer bench: `--exchange '' --key QUEUE --declare-queue`.

use std::time::Instant;

use anyhow::{Context, bail};
use clap::Parser;
use lapin::{
    BasicProperties, Connection, ConnectionProperties,
    options::{BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions},
    types::FieldTable,
};

#[derive(Parser)]
struct Args {
    /// amqp://user:pass@127.0.0.1:PORT/%2f (loopback only: this is a load tool)
    #[arg(long)]
    uri: String,
    #[arg(long, default_value = "")]
    exchange: String,
    #[arg(long)]
    key: String,
    /// Bounded so a typo cannot flood the broker.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    count: u64,
    #[arg(long, default_value_t = 64)]
    size: usize,
    #[arg(long)]
    confirm: bool,
    /// Declare a plain queue named `--key` first (for pre-filling with `--exchange ''`).
    #[arg(long)]
    declare_queue: bool,
    /// At most this many messages a second (0: as fast as it can). A flood that outruns
    /// what the broker can pass on only takes the broker's CPU from passing it on.
    #[arg(long, default_value_t = 0)]
    rate: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let body = vec![b'x'; args.size];
    let connection = Connection::connect(&args.uri, ConnectionProperties::default())
        .await
        .context("connect")?;
    let channel = connection.create_channel().await.context("channel")?;
    if args.declare_queue {
        channel
            .queue_declare(
                args.key.as_str().into(),
                QueueDeclareOptions::default(),
                FieldTable::default(),
            )
            .await
            .context("queue.declare")?;
    }
    if args.confirm {
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .context("confirm.select")?;
    }
    // The clock starts at the first publish, as on the app's side (`app_publish`,
    // `worker_publish`): connection set-up takes a varying few tens of ms, which at
    // short sizes swung the ratio more than the app did.
    let started = Instant::now();
    for sent in 0..args.count {
        // Paced a thousand at a time: a sleep per message would cost more than the rate.
        if args.rate > 0 && sent % 1000 == 0 {
            let due = started + std::time::Duration::from_secs_f64(sent as f64 / args.rate as f64);
            tokio::time::sleep_until(due.into()).await;
        }
        let confirm = channel
            .basic_publish(
                args.exchange.as_str().into(),
                args.key.as_str().into(),
                BasicPublishOptions::default(),
                &body,
                BasicProperties::default(),
            )
            .await
            .context("basic.publish")?;
        // Without confirm mode this resolves at once; with it, it registers for
        // wait_for_confirms below instead of holding a future per message.
        drop(confirm);
    }
    if args.confirm {
        channel
            .wait_for_confirms()
            .await
            .context("waiting for confirms")?;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "msgs_per_sec={} count={} secs={secs}",
        args.count as f64 / secs,
        args.count
    );
    if !args.confirm {
        // Without confirms "written" is all a publisher knows; a round trip on the
        // channel at least proves the broker read everything before we disconnect.
        let _ = channel
            .basic_qos(0, lapin::options::BasicQosOptions::default())
            .await;
    }
    if let Err(err) = connection.close(200, "done".into()).await {
        bail!("close: {err}");
    }
    Ok(())
}
