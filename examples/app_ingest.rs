//! The app's whole consumer path, for `scripts/bench`: a lapin consumer task, the bounded
//! channel, the model and a redraw at the app's frame rate into a test terminal, draining
//! a queue that must already exist. Prints `msgs_per_sec=… count=… secs=… draws=…`.

use amqp_tui::{
    amqp::{AckMode, Source},
    session::{ConnectionSettings, uri::apply_uri},
};
use clap::Parser;

#[path = "support/app_ingest.rs"]
mod ingest;

#[derive(Parser)]
struct Args {
    #[arg(long)]
    uri: String,
    #[arg(long)]
    queue: String,
    #[arg(long, default_value_t = 256)]
    prefetch: u16,
    #[arg(long)]
    count: u64,
    /// A terminal of an operator's usual size: every frame is really drawn into it.
    #[arg(long, default_value_t = 120)]
    width: u16,
    #[arg(long, default_value_t = 40)]
    height: u16,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut settings = ConnectionSettings::default();
    apply_uri(&mut settings, &args.uri).map_err(anyhow::Error::msg)?;
    settings.prefetch = args.prefetch;
    settings.routing.source = Source::Queue;
    settings.routing.queue = args.queue.clone();
    settings.routing.ack = "auto".parse::<AckMode>().map_err(anyhow::Error::msg)?;
    ingest::measure(
        &settings,
        args.count,
        (args.width, args.height),
        &args.queue,
    )
    .await
}
