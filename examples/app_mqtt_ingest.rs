//! The app's whole MQTT subscriber path, for `scripts/bench`: the MQTT session worker,
//! the bounded channel, the model and a redraw at the app's frame rate into a test
//! terminal, counting messages into the pane. Beside `bare_mqtt_subscriber` with the same
//! client id, topic and QoS; with `--no-clean-session` both drain a subscription queue the
//! bench filled beforehand. Prints `msgs_per_sec=… count=… secs=… draws=…`.

use amqp_tui::session::{ConnectionSettings, Protocol, uri::apply_uri};
use clap::Parser;

#[path = "support/app_ingest.rs"]
mod ingest;

#[derive(Parser)]
struct Args {
    /// mqtt://user:pass@127.0.0.1:PORT
    #[arg(long)]
    uri: String,
    #[arg(long)]
    topic: String,
    #[arg(long, default_value_t = 1)]
    qos: u8,
    #[arg(long, default_value = "app-mqtt-ingest")]
    client_id: String,
    /// Keep the broker's session (and its queue) after disconnecting.
    #[arg(long)]
    no_clean_session: bool,
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
        settings.protocol == Protocol::Mqtt,
        "--uri must be mqtt://…"
    );
    settings.mqtt.subscriptions = vec![args.topic.clone()];
    settings.mqtt.qos = args.qos;
    settings.mqtt.client_id = args.client_id.clone();
    settings.mqtt.clean_session = !args.no_clean_session;
    ingest::measure(
        &settings,
        args.count,
        (args.width, args.height),
        &args.topic,
    )
    .await
}
