//! The broker view's network work, off the loop: a fetch through the management API and
//! the refresh timer each run as a task of their own, and come back as actions.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::{
    action::Action,
    management::{self, ManagementTarget, OurConnection, fetch_topology},
    model::broker_view::{self, Fetched, TreeOptions},
    session::{ConnectionSettings, Endpoint, SessionId},
    topology::Indexed,
};

/// Answers waiting for the loop: a handful of views each with at most one fetch and one
/// timer out at a time.
pub const CAPACITY: usize = 64;

/// Asks the management API which node a session's connection is on.
pub fn find_node(
    actions_tx: mpsc::Sender<Action>,
    session: SessionId,
    endpoint: Endpoint,
    settings: ConnectionSettings,
    ours: OurConnection,
) {
    tokio::spawn(async move {
        let result = match ManagementTarget::from_settings(&settings) {
            Ok(target) => management::node_of(&target, &ours)
                .await
                .map_err(|err| err.to_string()),
            Err(why) => Err(why),
        };
        let _ = actions_tx
            .send(Action::NodeFound {
                session,
                endpoint,
                result,
            })
            .await;
    });
}

/// Fetches, then builds the tree's rows with `options` and the routing index here, off
/// the loop: for a vhost of 10,000 queues that is most of the work of applying the answer.
pub fn fetch(
    actions_tx: mpsc::Sender<Action>,
    tab: u32,
    fetch: u64,
    settings: ConnectionSettings,
    options: TreeOptions,
) {
    tokio::spawn(async move {
        let fetched = match ManagementTarget::from_settings(&settings) {
            Ok(target) => {
                let url = Some(target.display_url());
                match fetch_topology(&target, &settings.vhost).await {
                    // On a thread for blocking work: the sessions' tasks share the
                    // runtime's workers and must not wait behind it.
                    Ok(topology) => tokio::task::spawn_blocking(move || {
                        let rows = broker_view::rows(&topology, &options);
                        let index = Indexed::build(topology.clone());
                        Fetched {
                            result: Ok(topology),
                            url,
                            tree: Some((options, rows)),
                            index: Some(Arc::new(index)),
                        }
                    })
                    .await
                    .unwrap_or_else(|_| Fetched {
                        result: Err("building the tree failed".into()),
                        url: None,
                        tree: None,
                        index: None,
                    }),
                    Err(err) => Fetched {
                        result: Err(err.to_string()),
                        url,
                        tree: None,
                        index: None,
                    },
                }
            }
            Err(why) => Fetched {
                result: Err(why),
                url: None,
                tree: None,
                index: None,
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
