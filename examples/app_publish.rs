//! The app's AMQP "publish N copies", for `scripts/bench`: the compose box's request through
//! the app's worker, with or without publisher confirms. Prints
//! `msgs_per_sec=… count=… secs=…`; the clock runs until every copy is accounted for.

use amqp_tui::session::{ConnectionSettings, uri::apply_uri};
use clap::Parser;

#[path = "support/app_publish.rs"]
mod publish;

#[derive(Parser)]
struct Args {
    #[arg(long)]
    uri: String,
    #[arg(long)]
    exchange: String,
    #[arg(long)]
    key: String,
    #[arg(long)]
    count: u32,
    #[arg(long, default_value_t = 64)]
    size: usize,
    /// Wait for the broker to confirm every copy.
    #[arg(long)]
    confirm: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut settings = ConnectionSettings::default();
    apply_uri(&mut settings, &args.uri).map_err(anyhow::Error::msg)?;
    // The session declares the exchange it publishes to and a queue bound to the key.
    settings.routing.exchange = args.exchange.clone();
    settings.routing.bindings = vec![amqp_tui::amqp::Binding::key(args.key.clone())];
    publish::measure(&settings, args.count, args.size, args.confirm).await
}
