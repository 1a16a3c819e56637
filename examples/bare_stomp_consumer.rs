//! The bench's "bare" STOMP consumer: amqp-tui's frame codec over a socket (or a
//! WebSocket), nothing else of the app. Subscribes to `--destination` with the ack mode
//! `--ack` (`auto`, the broker forgets each message as it sends it, or `client-individual`:
//! it ACKs every MESSAGE as it arrives, `--prefetch` at a time, as the app does in its own
//! ack mode auto) and counts `--count`. Prints
//! `msgs_per_sec=<f64> count=<M> secs=<f64>`; the clock starts at the first message, as on
//! the app's side (`app_stomp_ingest`).

#[path = "support/bare_stomp.rs"]
mod bare_stomp;

use std::time::{Duration, Instant};

use amqp_tui::stomp::{Command, Frame};
use anyhow::Context;
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// stomp://user:pass@127.0.0.1:PORT/ or ws://user:pass@127.0.0.1:PORT/ws
    #[arg(long)]
    uri: String,
    #[arg(long)]
    destination: String,
    #[arg(long, default_value_t = 256)]
    prefetch: u16,
    /// `auto` or `client-individual`.
    #[arg(long, default_value = "auto")]
    ack: String,
    #[arg(long)]
    count: u64,
    /// Give up after this many seconds: a load loop must end even if no message comes.
    #[arg(long, default_value_t = 120)]
    timeout_secs: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let deadline = Duration::from_secs(args.timeout_secs);
    tokio::time::timeout(deadline, consume(&args))
        .await
        .with_context(|| format!("timed out after {} s", args.timeout_secs))?
}

async fn consume(args: &Args) -> anyhow::Result<()> {
    let mut conn = bare_stomp::connect(&args.uri).await?;
    conn.send(
        Frame::new(Command::Subscribe)
            .with_header("id", "0")
            .with_header("destination", args.destination.as_str())
            .with_header("ack", args.ack.as_str())
            .with_header("prefetch-count", args.prefetch.to_string()),
    )
    .await?;
    let (mut count, mut first) = (0u64, None::<Instant>);
    while count < args.count {
        let frame = conn.next_frame().await?;
        if frame.command != Command::Message {
            continue;
        }
        first.get_or_insert_with(Instant::now);
        count += 1;
        if args.ack != "auto" {
            let id = frame
                .header("ack")
                .context("a MESSAGE without its ack header")?;
            conn.send(Frame::new(Command::Ack).with_header("id", id))
                .await?;
        }
    }
    let secs = first.map_or(0.0, |at| at.elapsed().as_secs_f64());
    conn.send(Frame::new(Command::Disconnect)).await?;
    println!(
        "msgs_per_sec={} count={count} secs={secs}",
        count as f64 / secs
    );
    Ok(())
}
