//! The app's MQTT "publish N copies", for `scripts/bench`: the compose box's request to
//! `--topic` through the app's MQTT worker, at QoS 1 (each copy confirmed by its PUBACK)
//! or 0 (`--qos 0`). Beside `bare_mqtt_publisher`. Prints `msgs_per_sec=… count=… secs=…`;
//! the clock runs from the publish key until every copy is accounted for.

use amqp_tui::session::{ConnectionSettings, Protocol, uri::apply_uri};
use clap::Parser;

#[path = "support/app_publish.rs"]
mod publish;

#[derive(Parser)]
struct Args {
    /// mqtt://user:pass@127.0.0.1:PORT
    #[arg(long)]
    uri: String,
    /// The compose box's topic.
    #[arg(long)]
    topic: String,
    /// What the session subscribes to: a filter the publishes do not match, so the app
    /// only publishes, as the bare publisher does.
    #[arg(long, default_value = "bench/quiet")]
    subscribe: String,
    #[arg(long, default_value_t = 1)]
    qos: u8,
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
        settings.protocol == Protocol::Mqtt,
        "--uri must be mqtt://…"
    );
    settings.mqtt.subscriptions = vec![args.subscribe.clone()];
    settings.mqtt.publish_topic = args.topic.clone();
    // The compose box starts at the session's QoS.
    settings.mqtt.qos = args.qos;
    publish::measure(&settings, args.count, args.size, args.qos >= 1).await
}
