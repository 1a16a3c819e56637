//! The app's side of the publisher bench: spawns the real session worker and sends it
//! one `SessionCommand::Publish` with `copies = --count`, as "publish N copies" does, then
//! waits for its one outcome. Prints `msgs_per_sec=<f64> count=<M> secs=<f64>`, like
//! `bare_publisher`; the clock starts at the first publish on both sides (here: when the
//! request goes to the connected worker).

mod support;

use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Parser;
use tokio::sync::mpsc;

use amqp_tui::{
    amqp::{Binding, Routing},
    app::EVENT_CAPACITY,
    session::{self, Properties, PublishOutcome, PublishRequest, SessionCommand, WorkerEvent},
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
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    count: u32,
    #[arg(long, default_value_t = 64)]
    size: usize,
    #[arg(long)]
    confirm: bool,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 120)]
    timeout_secs: u64,
}

/// What drives the worker runs on a runtime worker, as the app's loop does.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    amqp_tui::app::on_runtime_worker(measure(Args::parse())).await
}

async fn measure(args: Args) -> anyhow::Result<()> {
    let mut settings = support::settings_for(&args.uri)?;
    // The session needs something to watch: an auto-deleted exchange and queue of its
    // own, bound with a key nobody publishes to, so it receives nothing.
    settings.routing = Routing {
        exchange: format!("amqp-tui-bench-{}", std::process::id()),
        bindings: vec![Binding::key("bench-unused")],
        ..Routing::default()
    };
    let request = PublishRequest {
        id: 1,
        exchange: args.exchange.clone(),
        routing_key: args.key.clone(),
        body: vec![b'x'; args.size],
        properties: Properties::default(),
        copies: args.count,
        confirm: args.confirm,
        part: Default::default(),
    };
    let started = Instant::now();
    let (events_tx, mut events_rx) = mpsc::channel(EVENT_CAPACITY);
    let commands_tx = session::spawn(1, settings, events_tx, session::COMMAND_CAPACITY);
    let deadline = Duration::from_secs(args.timeout_secs);
    let mut published = None::<Instant>;
    // Commands sent while it connects are refused: wait for the session to be up.
    let mut request = Some(request);
    let outcome = loop {
        let Some(left) = deadline.checked_sub(started.elapsed()) else {
            bail!("timed out");
        };
        match tokio::time::timeout(left, events_rx.recv()).await {
            Ok(Some(event)) => match event.event {
                WorkerEvent::Connected { .. } => {
                    if let Some(request) = request.take() {
                        published = Some(Instant::now());
                        commands_tx
                            .send(SessionCommand::Publish(Box::new(request)))
                            .await?;
                    }
                }
                WorkerEvent::Published { outcome, .. } => break outcome,
                WorkerEvent::Failed(err) => bail!("could not connect: {err}"),
                WorkerEvent::ConnectionLost { error, .. } => bail!("connection lost: {error}"),
                _ => {}
            },
            Ok(None) => bail!("the worker stopped"),
            Err(_) => bail!("timed out"),
        }
    };
    let secs = published.map_or(0.0, |at| at.elapsed().as_secs_f64());
    let done = match &outcome {
        PublishOutcome::Copies { routed, sent, .. } => routed + sent,
        PublishOutcome::Routed | PublishOutcome::Sent => 1,
        _ => 0,
    };
    if done != args.count {
        bail!("not every copy went out: {outcome:?}");
    }
    println!(
        "msgs_per_sec={} count={} secs={secs}",
        f64::from(args.count) / secs,
        args.count
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
