//! The whole app loop (its real workers, a test terminal) run until the model reaches a
//! state, for tests of several tabs at once.

use std::time::Duration;

use amqp_tui::{
    app::App,
    model::{ConnState, Model},
};
use ratatui::{Terminal, backend::TestBackend};

/// Long enough for several tabs of several protocols to connect on a loaded machine.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Runs the app until `until` holds; past [`PATIENCE`], fails naming each tab's message
/// count and notice, what a reader needs to see where it got stuck.
pub async fn run_until(
    app: &mut App,
    terminal: &mut Terminal<TestBackend>,
    until: impl Fn(&Model) -> bool,
) {
    let idle = futures_lite::stream::pending;
    let got = tokio::time::timeout(PATIENCE, app.run_until(terminal, idle(), until)).await;
    let state: Vec<String> = app
        .model()
        .tabs()
        .iter()
        .map(|t| {
            let notice = t
                .notice
                .as_ref()
                .map(|n| n.text.as_str())
                .unwrap_or_default();
            format!("{} messages; {notice}", t.log.len())
        })
        .collect();
    got.unwrap_or_else(|_| panic!("not there in time:\n{}", state.join("\n")))
        .expect("the app's loop");
}

/// Every tab is connected.
pub fn all_connected(model: &Model) -> bool {
    model
        .tabs()
        .iter()
        .all(|tab| matches!(tab.conn, ConnState::Connected { .. }))
}
