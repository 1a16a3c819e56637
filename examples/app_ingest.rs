//! The app's whole consumer path, for `scripts/bench`: a lapin consumer task, the bounded
//! channel, the model and a redraw at the app's frame rate into a test terminal, draining
//! a queue that must already exist. Prints `msgs_per_sec=… count=… secs=… draws=…`.

use std::{cell::Cell, time::Instant};

use amqp_tui::{
    action::Action,
    amqp::{AckMode, Source},
    app::App,
    model::Model,
    session::{ConnectionSettings, uri::apply_uri},
};
use anyhow::Context;
use clap::Parser;
use ratatui::{Terminal, backend::TestBackend};

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
    let mut app = App::new(Model::new(&settings));
    app.dispatch(Action::Connect);
    let mut terminal = Terminal::new(TestBackend::new(args.width, args.height))?;
    // The clock starts at the first delivery, as the bare consumer's does.
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
        anyhow::bail!("could not consume {}: {error}", args.queue);
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
