//! The bench's "bare" STOMP publisher: amqp-tui's frame codec over a socket (or a
//! WebSocket), nothing else of the app. Sends `--count` SENDs of `--size` bytes to
//! `--destination`, each asking for a RECEIPT, and waits for every receipt. Prints
//! `msgs_per_sec=<f64> count=<M> secs=<f64>`, the clock running from the first SEND to
//! the last RECEIPT, as on the app's side (`app_stomp_publish`).

#[path = "support/bare_stomp.rs"]
mod bare_stomp;

use std::time::{Duration, Instant};

use amqp_tui::stomp::{Command, Frame};
use anyhow::{Context, bail};
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// stomp://user:pass@127.0.0.1:PORT/ or ws://user:pass@127.0.0.1:PORT/ws
    #[arg(long)]
    uri: String,
    #[arg(long)]
    destination: String,
    #[arg(long)]
    count: u32,
    #[arg(long, default_value_t = 64)]
    size: usize,
    /// SENDs written ahead of their receipts.
    #[arg(long, default_value_t = 256)]
    window: u32,
    /// Give up after this many seconds: a load loop must end.
    #[arg(long, default_value_t = 120)]
    timeout_secs: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let deadline = Duration::from_secs(args.timeout_secs);
    tokio::time::timeout(deadline, publish(&args))
        .await
        .with_context(|| format!("timed out after {} s", args.timeout_secs))?
}

async fn publish(args: &Args) -> anyhow::Result<()> {
    let mut conn = bare_stomp::connect(&args.uri).await?;
    let body = vec![b'x'; args.size];
    let started = Instant::now();
    let (mut sent, mut receipts) = (0u32, 0u32);
    while receipts < args.count {
        while sent < args.count && sent - receipts < args.window.max(1) {
            conn.send(
                Frame::new(Command::Send)
                    .with_header("destination", args.destination.as_str())
                    .with_header("receipt", sent.to_string())
                    .with_body(body.clone()),
            )
            .await?;
            sent += 1;
        }
        let frame = conn.next_frame().await?;
        if frame.command != Command::Receipt {
            bail!("expected a RECEIPT, got {}", frame.command);
        }
        receipts += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    conn.send(Frame::new(Command::Disconnect)).await?;
    println!(
        "msgs_per_sec={} count={receipts} secs={secs}",
        f64::from(receipts) / secs
    );
    Ok(())
}
