//! The broker view's network work, off the loop: a fetch through the management API and
//! the refresh timer each run as a task of their own, and come back as actions.

use tokio::sync::mpsc;

use crate::{
    action::Action,
    management::{ManagementTarget, fetch_topology},
    model::broker_view::Fetched,
    session::ConnectionSettings,
};

/// Answers waiting for the loop: a handful of views each with at most one fetch and one
/// timer out at a time.
pub const CAPACITY: usize = 64;

pub fn fetch(actions_tx: mpsc::Sender<Action>, tab: u32, fetch: u64, settings: ConnectionSettings) {
    tokio::spawn(async move {
        let fetched = match ManagementTarget::from_settings(&settings) {
            Ok(target) => Fetched {
                url: Some(target.display_url()),
                result: fetch_topology(&target, &settings.vhost)
                    .await
                    .map_err(|err| err.to_string()),
            },
            Err(why) => Fetched {
                result: Err(why),
                url: None,
            },
        };
        let action = Action::TopologyFetched {
            tab,
            fetch,
            fetched: Box::new(fetched),
        };
        // Closed only when the app is gone, and then nobody is waiting for it.
        let _ = actions_tx.send(action).await;
    });
}

pub fn later(actions_tx: mpsc::Sender<Action>, tab: u32, timer: u64, after: std::time::Duration) {
    tokio::spawn(async move {
        tokio::time::sleep(after).await;
        // Closed only when the app is gone, and then nobody is waiting for it.
        let _ = actions_tx.send(Action::TopologyDue { tab, timer }).await;
    });
}
