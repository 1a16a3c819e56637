//! The app's MQTT "publish N copies", for `scripts/bench`: the compose box's request to
//! `--topic` through the app's MQTT worker, at QoS 1 (each copy confirmed by its PUBACK)
//! or 0 (`--qos 0`). Beside `bare_mqtt_publisher`. Prints `msgs_per_sec=… count=… secs=…`;
//! the clock runs from the publish key until every copy is accounted for.

use std::time::Instant;

use amqp_tui::{
    action::Action,
    app::App,
    model::{ConnState, Focus, Model},
    session::{ConnectionSettings, Protocol, uri::apply_uri},
};
use anyhow::Context;
use clap::Parser;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::{Terminal, backend::TestBackend};

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
    let mut app = App::new(Model::new(&settings));
    app.dispatch(Action::Connect);
    let mut terminal = Terminal::new(TestBackend::new(120, 40))?;
    let idle = futures_lite::stream::pending;
    app.run_until(&mut terminal, idle(), |m| {
        matches!(m.tab().conn, ConnState::Connected { .. }) || m.tab().form.error.is_some()
    })
    .await?;
    if let Some((_, error)) = &app.model().tab().form.error {
        anyhow::bail!("could not connect: {error}");
    }
    // Tab into the compose box, as a user would, type the body, then on to the copies
    // field (an MQTT compose box has no exchange field to pass).
    for (target, what) in [
        (Focus::ComposeBody, "the compose box"),
        (Focus::ComposeCopies, "the copies field"),
    ] {
        for _ in 0..8 {
            if app.model().tab().focus == target {
                break;
            }
            app.dispatch(Action::FocusNext);
        }
        anyhow::ensure!(
            app.model().tab().focus == target,
            "Tab never reached {what}"
        );
        if target == Focus::ComposeBody {
            app.dispatch(Action::Paste("x".repeat(args.size)));
        }
    }
    app.dispatch(Action::Edit(KeyEvent::from(KeyCode::Backspace)));
    app.dispatch(Action::Paste(args.count.to_string()));
    anyhow::ensure!(
        app.model().tab().compose.qos() == args.qos.min(1),
        "the compose box is at QoS {}, not {}",
        app.model().tab().compose.qos(),
        args.qos
    );
    let start = Instant::now();
    app.dispatch(Action::Publish);
    if app.model().tab().compose.in_flight == 0 {
        let notice = app.model().tab().notice.as_ref().map(|n| n.text.clone());
        anyhow::bail!("the compose box refused: {}", notice.unwrap_or_default());
    }
    let total = u64::from(args.count);
    app.run_until(&mut terminal, idle(), |m| {
        let t = m.tab().compose.tally;
        t.acked + t.returned + t.nacked + t.refused + t.failed + t.sent >= total
    })
    .await
    .context("the app's loop failed")?;
    let secs = start.elapsed().as_secs_f64();
    let tally = app.model().tab().compose.tally;
    app.shutdown().await;
    anyhow::ensure!(
        tally.failed + tally.nacked + tally.refused == 0,
        "not every copy went through: {tally:?}"
    );
    if args.qos >= 1 {
        anyhow::ensure!(
            tally.acked == total,
            "only {} of {total} copies were acknowledged: {tally:?}",
            tally.acked
        );
    }
    println!(
        "msgs_per_sec={:.0} count={} secs={secs:.3}",
        f64::from(args.count) / secs,
        args.count
    );
    Ok(())
}
