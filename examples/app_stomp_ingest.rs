//! The app's whole STOMP (or, with a `ws://` URI, Web-STOMP) consumer path, for
//! `scripts/bench`: the session worker, the bounded channel, the model and a redraw at
//! the app's frame rate into a test terminal, counting messages into the pane. Beside
//! `bare_stomp_consumer` on the same destination and prefetch. Prints
//! `msgs_per_sec=… count=… secs=… draws=…`.

use amqp_tui::session::{ConnectionSettings, Protocol, uri::apply_uri};
use clap::Parser;

#[path = "support/app_ingest.rs"]
mod ingest;

#[derive(Parser)]
struct Args {
    /// stomp://user:pass@127.0.0.1:PORT/ or ws://user:pass@127.0.0.1:PORT/ws
    #[arg(long)]
    uri: String,
    #[arg(long)]
    destination: String,
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
    anyhow::ensure!(
        matches!(settings.protocol, Protocol::Stomp | Protocol::WebStomp),
        "--uri must be stomp://… or ws://…"
    );
    settings.stomp.destinations = vec![args.destination.clone()];
    settings.prefetch = args.prefetch;
    ingest::measure(
        &settings,
        args.count,
        (args.width, args.height),
        &args.destination,
    )
    .await
}
