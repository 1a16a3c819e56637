//! The app's side of the consumer bench: spawns the real session worker on an existing
//! queue in take mode (`AckMode::Auto`) and counts the deliveries it hands over, draining
//! the event channel in batches the way the app's loop does. Prints
//! `msgs_per_sec=<f64> count=<M> secs=<f64>`, like `bare_consumer`; the clock starts
//! at the first delivery on both sides.

mod support;

use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Parser;
use tokio::sync::mpsc;

use amqp_tui::{
    amqp::{AckMode, Routing, Source},
    app::{EVENT_BATCH, EVENT_CAPACITY},
    session::{self, SessionCommand, WorkerEvent},
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
    #[arg(long)]
    count: u64,
    /// Give up after this many seconds: a load loop must end even if the queue runs dry.
    #[arg(long, default_value_t = 120)]
    timeout_secs: u64,
}

/// The consumer runs on a runtime worker, as the app's loop does.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    amqp_tui::app::on_runtime_worker(measure(Args::parse())).await
}

async fn measure(args: Args) -> anyhow::Result<()> {
    let mut settings = support::settings_for(&args.uri)?;
    settings.prefetch = args.prefetch;
    settings.routing = Routing {
        source: Source::Queue,
        exchange: String::new(),
        queue: args.queue.clone(),
        bindings: Vec::new(),
        ack: AckMode::Auto,
        ..Routing::default()
    };
    let started = Instant::now();
    let (events_tx, mut events_rx) = mpsc::channel(EVENT_CAPACITY);
    let commands_tx = session::spawn(1, settings, events_tx, session::COMMAND_CAPACITY);
    let deadline = Duration::from_secs(args.timeout_secs);
    let mut batch = Vec::with_capacity(EVENT_BATCH);
    let mut count = 0u64;
    let mut first = None::<Instant>;
    while count < args.count {
        let Some(left) = deadline.checked_sub(started.elapsed()) else {
            bail!("timed out after {count} messages");
        };
        match tokio::time::timeout(left, events_rx.recv_many(&mut batch, EVENT_BATCH)).await {
            Ok(0) => bail!("the worker stopped after {count} messages"),
            Ok(_) => {}
            Err(_) => bail!("timed out after {count} messages"),
        }
        for event in batch.drain(..) {
            match event.event {
                WorkerEvent::Delivery(_) => {
                    first.get_or_insert_with(Instant::now);
                    count += 1;
                }
                WorkerEvent::Failed(err) => bail!("could not connect: {err}"),
                WorkerEvent::ConnectionLost { error, .. } => bail!("connection lost: {error}"),
                _ => {}
            }
        }
    }
    let secs = first.map_or(0.0, |at| at.elapsed().as_secs_f64());
    println!(
        "msgs_per_sec={} count={count} secs={secs}",
        count as f64 / secs
    );
    // The worker closes its connection on Disconnect; if it is gone already, so be it.
    let _ = commands_tx.send(SessionCommand::Disconnect).await;
    while let Ok(Some(event)) = tokio::time::timeout(Duration::from_secs(3), events_rx.recv()).await
    {
        if event.event == WorkerEvent::Stopped {
            break;
        }
    }
    Ok(())
}
