//! The app's "publish N copies", for `scripts/bench`: the compose box's request through
//! the app's worker, with or without publisher confirms. Prints
//! `msgs_per_sec=… count=… secs=…`; the clock runs until every copy is accounted for.

use std::time::Instant;

use amqp_tui::{
    action::Action,
    app::App,
    model::{ConnState, Focus, Model},
    session::{ConnectionSettings, uri::apply_uri},
};
use anyhow::Context;
use clap::Parser;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::{Terminal, backend::TestBackend};

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
    // A session starts in the message pane: Tab into the compose box, as a user would,
    // then type the body and the copies field.
    for _ in 0..8 {
        if app.model().tab().focus == Focus::ComposeBody {
            break;
        }
        app.dispatch(Action::FocusNext);
    }
    anyhow::ensure!(
        app.model().tab().focus == Focus::ComposeBody,
        "Tab never reached the compose box"
    );
    app.dispatch(Action::Paste("x".repeat(args.size)));
    for _ in 0..4 {
        app.dispatch(Action::FocusNext);
    }
    app.dispatch(Action::Edit(KeyEvent::from(KeyCode::Backspace)));
    app.dispatch(Action::Paste(args.count.to_string()));
    if !args.confirm {
        app.dispatch(Action::ToggleConfirms);
    }
    let start = Instant::now();
    app.dispatch(Action::Publish);
    if app.model().tab().compose.in_flight == 0 {
        let notice = app.model().tab().notice.as_ref().map(|n| n.text.clone());
        anyhow::bail!("the compose box refused: {}", notice.unwrap_or_default());
    }
    let total = u64::from(args.count);
    app.run_until(&mut terminal, idle(), |m| {
        let t = m.tab().compose.tally;
        t.acked + t.returned + t.nacked + t.failed + t.sent >= total
    })
    .await
    .context("the app's loop failed")?;
    let secs = start.elapsed().as_secs_f64();
    let tally = app.model().tab().compose.tally;
    app.shutdown().await;
    anyhow::ensure!(
        tally.failed + tally.nacked == 0,
        "not every copy went through: {tally:?}"
    );
    println!(
        "msgs_per_sec={:.0} count={} secs={secs:.3}",
        f64::from(args.count) / secs,
        args.count
    );
    Ok(())
}
