//! Which broker node a session is on: asked of the management API each time the session
//! connects, shown in the status bar and the details panel, and used to name the nodes in
//! a failover's notice.

use super::Effect;
use crate::{
    management::{NodeSeen, OurConnection},
    model::{Level, Model},
    session::{Endpoint, SessionId, WorkerEvent},
};

/// After a `Connected` event: the lookup, when the connection can be told apart in the
/// API's list (our local address, or MQTT's client id).
pub(super) fn after_connected(
    model: &mut Model,
    session: SessionId,
    event: &WorkerEvent,
) -> Vec<Effect> {
    let WorkerEvent::Connected {
        endpoint, details, ..
    } = event
    else {
        return Vec::new();
    };
    let Some(tab) = model.tab_of_session(session) else {
        return Vec::new();
    };
    let Some(settings) = tab.session_settings.clone() else {
        return Vec::new();
    };
    // Only an API the user named: a guessed `http://HOST:15672` is asked nothing unasked,
    // with the session's password or otherwise.
    if settings.management.url.trim().is_empty() {
        return Vec::new();
    }
    let Some(ours) = OurConnection::of(details) else {
        return Vec::new();
    };
    vec![Effect::FindNode {
        session,
        endpoint: endpoint.clone(),
        // The API as the session would reach it on this node when no URL is given.
        settings: Box::new(settings.at(endpoint)),
        ours,
    }]
}

/// The API answered which node the session's connection on `endpoint` is on.
pub(super) fn found(
    model: &mut Model,
    session: SessionId,
    endpoint: Endpoint,
    result: Result<NodeSeen, String>,
) {
    let Some(tab) = model.tab_of_session(session) else {
        return;
    };
    // An answer about a node the session has since left changes nothing but its name.
    let current = tab.endpoints.current().map(|c| c.endpoint.clone());
    let about_current = current.as_ref() == Some(&endpoint);
    let seen = match result {
        Ok(seen) => seen,
        Err(why) => {
            // Not permitted, unreachable: the status bar names the address alone.
            tracing::warn!(%endpoint, %why, "node lookup failed");
            if about_current {
                tab.endpoints.last_failover = None;
            }
            return;
        }
    };
    let Some(node) = seen.node else {
        if !about_current {
            return;
        }
        tab.endpoints.last_failover = None;
        let cluster = seen
            .cluster_name
            .map_or(String::new(), |name| format!(" (cluster '{name}')"));
        let several = if tab.endpoints.several() {
            " Check that every host in the list is a node of the same cluster."
        } else {
            ""
        };
        tab.notify(
            Level::Warning,
            format!(
                "The management API{cluster} does not list this session's connection to {endpoint}: that node may belong to another cluster (or the connection passes through NAT or a proxy, which hides our address).{several}"
            ),
        );
        return;
    };
    tab.endpoints.set_node(&endpoint, node);
    if !about_current {
        return;
    }
    // A failover's notice names the nodes once the new one is known, unless another
    // notice has come since.
    if let Some((moved, said_at)) = tab.endpoints.last_failover.take()
        && said_at == tab.notices_shown
    {
        let text = format!(
            "Failed over from {} to {} in {:.1} s (outage {} of this tab).",
            tab.endpoints.name_of(&moved.from),
            tab.endpoints.name_of(&endpoint),
            moved.took.as_secs_f64(),
            tab.outages
        );
        tab.notify(Level::Success, text);
    }
}
