//! The app's whole ingest path, measured the same way for every protocol: the real loop
//! drawing into a test terminal until `count` messages are in the pane. Prints
//! `msgs_per_sec=… count=… secs=… draws=…` for `scripts/bench`.

use std::{sync::OnceLock, time::Instant};

use amqp_tui::{action::Action, app::App, model::Model, session::ConnectionSettings};
use anyhow::Context;
use ratatui::{Terminal, backend::TestBackend};

/// Connects with `settings` and counts; `what` names the source in a failure. The loop
/// runs on a runtime worker, as the app's binary runs it.
pub async fn measure(
    settings: &ConnectionSettings,
    count: u64,
    size: (u16, u16),
    what: &str,
) -> anyhow::Result<()> {
    let (settings, what) = (settings.clone(), what.to_owned());
    amqp_tui::app::on_runtime_worker(async move { count_in(&settings, count, size, &what).await })
        .await
}

async fn count_in(
    settings: &ConnectionSettings,
    count: u64,
    (width, height): (u16, u16),
    what: &str,
) -> anyhow::Result<()> {
    let mut app = App::new(Model::new(settings));
    app.dispatch(Action::Connect);
    let mut terminal = Terminal::new(TestBackend::new(width, height))?;
    // The clock starts at the first message, as the bare side's does.
    let first = OnceLock::<Instant>::new();
    let stats = app
        .run_until(&mut terminal, futures_lite::stream::pending(), |model| {
            let received = model.tab().messages_received;
            if received > 0 {
                first.get_or_init(Instant::now);
            }
            let failed = model.tab().form.error.is_some();
            failed || received >= count
        })
        .await
        .context("the app's loop failed")?;
    if let Some((_, error)) = &app.model().tab().form.error {
        anyhow::bail!("could not take messages from {what}: {error}");
    }
    let secs = first
        .get()
        .context("no message arrived")?
        .elapsed()
        .as_secs_f64();
    app.shutdown().await;
    println!(
        "msgs_per_sec={:.0} count={count} secs={secs:.3} draws={}",
        count as f64 / secs,
        stats.draws
    );
    Ok(())
}
