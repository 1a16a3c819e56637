//! The app's STOMP (or, with a `ws://` URI, Web-STOMP) "publish N copies", for
//! `scripts/bench`: the compose box's SENDs to `--destination` through the app's session,
//! each asking for a RECEIPT (counted like a publisher confirm). Beside
//! `bare_stomp_publisher`. Prints `msgs_per_sec=… count=… secs=…`; the clock runs from
//! the publish key until every copy is accounted for.

use amqp_tui::session::{ConnectionSettings, Protocol, uri::apply_uri};
use clap::Parser;

#[path = "support/app_publish.rs"]
mod publish;

#[derive(Parser)]
struct Args {
    /// stomp://user:pass@127.0.0.1:PORT/ or ws://user:pass@127.0.0.1:PORT/ws
    #[arg(long)]
    uri: String,
    /// The compose box's destination.
    #[arg(long)]
    destination: String,
    /// What the session subscribes to: a destination the SENDs do not reach, so the app
    /// only publishes, as the bare publisher does.
    #[arg(long, default_value = "/topic/bench.quiet")]
    subscribe: String,
    #[arg(long)]
    count: u32,
    #[arg(long, default_value_t = 64)]
    size: usize,
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
    settings.stomp.destinations = vec![args.subscribe.clone()];
    settings.stomp.publish_destination = args.destination.clone();
    publish::measure(&settings, args.count, args.size, true).await
}
