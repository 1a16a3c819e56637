//! The app's whole MQTT subscriber path, for `scripts/bench`: the MQTT session worker,
//! the bounded channel, the model and a redraw at the app's frame rate into a test
//! terminal, counting messages into the pane. Beside `bare_mqtt_subscriber` with the same
//! client id, topic and QoS; with `--no-clean-session` both drain a subscription queue the
//! bench filled beforehand. Prints `msgs_per_sec=… count=… secs=… draws=…`.

use std::{cell::Cell, time::Instant};

use amqp_tui::{
    action::Action,
    app::App,
    model::Model,
    session::{ConnectionSettings, Protocol, uri::apply_uri},
};
use anyhow::Context;
use clap::Parser;
use ratatui::{Terminal, backend::TestBackend};

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
    let mut app = App::new(Model::new(&settings));
    app.dispatch(Action::Connect);
    let mut terminal = Terminal::new(TestBackend::new(args.width, args.height))?;
    // The clock starts at the first message, as the bare subscriber's does.
    let first = Cell::new(None::<Instant>);
    let stats = app
        .run_until(&mut terminal, futures_lite::stream::pending(), |model| {
            let received = model.tab().messages_received;
            if received > 0 && first.get().is_none() {
                first.set(Some(Instant::now()));
            }
            let failed = model.tab().form.error.is_some();
            failed || received >= args.count
        })
        .await
        .context("the app's loop failed")?;
    if let Some((_, error)) = &app.model().tab().form.error {
        anyhow::bail!("could not subscribe to {}: {error}", args.topic);
    }
    let secs = first
        .get()
        .context("no message arrived")?
        .elapsed()
        .as_secs_f64();
    app.shutdown().await;
    println!(
        "msgs_per_sec={:.0} count={} secs={secs:.3} draws={}",
        args.count as f64 / secs,
        args.count,
        stats.draws
    );
    Ok(())
}
