//! The app's "publish N copies" through the compose box, measured the same way for every
//! protocol: connect, Tab into the box as a user would, type the body and the copies,
//! Enter, and run the loop until every copy is accounted for. Prints
//! `msgs_per_sec=… count=… secs=…` for `scripts/bench`.

use std::time::Instant;

use amqp_tui::{
    action::Action,
    app::App,
    model::{ConnState, Focus, Model},
    session::ConnectionSettings,
};
use anyhow::Context;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::{Terminal, backend::TestBackend};

/// `confirmed`: every copy must come back acknowledged (a confirm, a PUBACK, a RECEIPT),
/// not only sent.
/// The loop runs on a runtime worker, as the app's binary runs it.
pub async fn measure(
    settings: &ConnectionSettings,
    count: u32,
    size: usize,
    confirmed: bool,
) -> anyhow::Result<()> {
    let settings = settings.clone();
    amqp_tui::app::on_runtime_worker(publish(settings, count, size, confirmed)).await
}

async fn publish(
    settings: ConnectionSettings,
    count: u32,
    size: usize,
    confirmed: bool,
) -> anyhow::Result<()> {
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
    // field (past whatever fields the protocol's box has).
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
            app.dispatch(Action::Paste("x".repeat(size)));
        }
    }
    app.dispatch(Action::Edit(KeyEvent::from(KeyCode::Backspace)));
    app.dispatch(Action::Paste(count.to_string()));
    // Confirms (publisher confirms, QoS 1, receipts): switched as a user would.
    if app.model().tab().compose.confirm != confirmed {
        app.dispatch(Action::ToggleConfirms);
    }
    anyhow::ensure!(
        app.model().tab().compose.confirm == confirmed,
        "the compose box's confirms did not switch"
    );
    let start = Instant::now();
    app.dispatch(Action::Publish);
    if app.model().tab().compose.in_flight == 0 {
        let notice = app.model().tab().notice.as_ref().map(|n| n.text.clone());
        anyhow::bail!("the compose box refused: {}", notice.unwrap_or_default());
    }
    let total = u64::from(count);
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
    if confirmed {
        anyhow::ensure!(
            tally.acked == total,
            "only {} of {total} copies were acknowledged: {tally:?}",
            tally.acked
        );
    }
    println!(
        "msgs_per_sec={:.0} count={count} secs={secs:.3}",
        f64::from(count) / secs,
    );
    Ok(())
}
