//! The broker view (F6): opening and closing it, its refresh schedule, and what its keys
//! do. The schedule: opening fetches at once; each answer starts one timer of
//! `Model::topology_refresh` (five seconds unless `--refresh` says); a timer's tick
//! fetches again if it is still the current timer and nothing is in flight; `r` fetches
//! now (unless a fetch is under way); closing forgets the timer and the fetch, so neither
//! does anything when it comes back.

use super::{Effect, prompt};
use crate::{
    action::Action,
    keymap,
    management::OurConnection,
    model::{
        Level, Model, PromptKind, Tab,
        broker_view::{Fetched, Target},
        scroll::Step,
    },
};

/// A broker event, and `--view topology`: the first tab to connect opens its view.
pub(super) fn broker_event(model: &mut Model, event: crate::session::SessionEvent) -> Vec<Effect> {
    let session = event.session;
    let connected = matches!(event.event, crate::session::WorkerEvent::Connected { .. });
    super::broker::broker_event(model, event);
    if !(connected && model.open_broker_view) {
        return Vec::new();
    }
    let Some(number) = model.tab_of_session(session).map(|t| t.number) else {
        return Vec::new();
    };
    model.open_broker_view = false;
    open(model, number)
}

pub(super) fn toggle(model: &mut Model) -> Vec<Effect> {
    if model.tab().broker.open {
        return close(model.tab_mut());
    }
    let number = model.tab().number;
    open(model, number)
}

/// Opens the view of tab `number` and fetches at once; needs the tab's session, whose
/// settings (host, TLS trust, user, management fields) say where the API is.
pub(super) fn open(model: &mut Model, number: u32) -> Vec<Effect> {
    let Some(tab) = model.tabs_mut().find(|t| t.number == number) else {
        return Vec::new();
    };
    if tab.session_settings.is_none() {
        let connect = keymap::keys_at(tab.focus, &Action::Connect);
        tab.notify(
            Level::Info,
            format!(
                "The broker view reads the management API of this tab's broker: connect first ({connect})."
            ),
        );
        return Vec::new();
    }
    tab.broker.open = true;
    tab.broker.rebuild();
    fetch(tab)
}

/// Leaving the view stops observing: tracing costs the broker only while someone looks.
fn close(tab: &mut Tab) -> Vec<Effect> {
    let effects = super::observe::stop(tab);
    let view = &mut tab.broker;
    view.open = false;
    // Whatever is out there now is stale: its answer and its tick are ignored.
    view.in_flight = None;
    view.timer = view.next_id();
    effects
}

/// A fetch, unless one is under way: never two at once for one view.
fn fetch(tab: &mut Tab) -> Vec<Effect> {
    let Some(settings) = tab.session_settings.clone() else {
        return Vec::new();
    };
    if tab.broker.in_flight.is_some() {
        return Vec::new();
    }
    let fetch = tab.broker.next_id();
    tab.broker.in_flight = Some(fetch);
    vec![Effect::FetchTopology {
        tab: tab.number,
        fetch,
        settings,
        options: Box::new(tab.broker.options.clone()),
    }]
}

pub(super) fn refresh_now(model: &mut Model) -> Vec<Effect> {
    let tab = model.tab_mut();
    if !tab.broker.open {
        return Vec::new();
    }
    if tab.broker.in_flight.is_some() {
        tab.notify(Level::Info, "A refresh is already under way.");
        return Vec::new();
    }
    fetch(tab)
}

pub(super) fn due(model: &mut Model, number: u32, timer: u64) -> Vec<Effect> {
    let Some(tab) = model.tabs_mut().find(|t| t.number == number) else {
        return Vec::new();
    };
    if !tab.broker.open || tab.broker.timer != timer {
        return Vec::new();
    }
    fetch(tab)
}

pub(super) fn fetched(model: &mut Model, number: u32, fetch: u64, fetched: Fetched) -> Vec<Effect> {
    let after = model.topology_refresh;
    let ours = our_connections(model);
    let Some(tab) = model.tabs_mut().find(|t| t.number == number) else {
        return Vec::new();
    };
    let view = &mut tab.broker;
    if !view.open || view.in_flight != Some(fetch) {
        return Vec::new();
    }
    view.in_flight = None;
    if let Some(url) = fetched.url {
        view.url = Some(crate::text::visible(&url));
    }
    match fetched.result {
        Ok(topology) => {
            view.our_tabs = tabs_by_node(&topology, &ours);
            view.fetched(topology, fetched.tree, fetched.index);
        }
        // The last topology stays in view, under the error.
        Err(why) => view.error = Some(crate::text::visible(&why)),
    }
    let timer = view.next_id();
    view.timer = timer;
    vec![Effect::RefreshLater {
        tab: number,
        timer,
        after,
    }]
}

/// Each connected tab's number and how the broker's connection list can tell its
/// connection.
fn our_connections(model: &Model) -> Vec<(u32, OurConnection)> {
    model
        .tabs()
        .iter()
        .filter(|t| matches!(t.conn, crate::model::ConnState::Connected { .. }))
        .filter_map(|t| Some((t.number, OurConnection::of(t.details.as_ref()?)?)))
        .collect()
}

/// Which tabs are on which node, as `topology`'s connection list says.
fn tabs_by_node(
    topology: &crate::topology::Topology,
    ours: &[(u32, OurConnection)],
) -> std::collections::HashMap<String, Vec<u32>> {
    let mut by_node: std::collections::HashMap<String, Vec<u32>> = Default::default();
    for (number, our) in ours {
        if let Some(connection) = topology.connections.iter().find(|c| our.is(c)) {
            by_node
                .entry(connection.node.clone())
                .or_default()
                .push(*number);
        }
    }
    by_node
}

/// The keys of the open view that change only what it shows.
pub(super) fn view_action(model: &mut Model, action: Action) -> Vec<Effect> {
    let page = model.page_rows;
    let view = &mut model.tab_mut().broker;
    match action {
        Action::BrokerSelect(step) => match step {
            Step::Rows(rows) => view.select_by(rows),
            Step::Pages(pages) => {
                view.select_by(pages.saturating_mul(isize::try_from(page).unwrap_or(1)))
            }
            Step::Home => view.selected = 0,
            Step::End => view.selected = view.rows.len().saturating_sub(1),
        },
        Action::BrokerFold => {
            if let Some(Target::Exchange(name)) = view.selected_row().and_then(|r| r.target.clone())
            {
                let collapsed = &mut view.options.collapsed;
                if !collapsed.remove(&name) {
                    collapsed.insert(name);
                }
                view.rebuild();
            }
        }
        Action::BrokerHideIdle => {
            view.options.hide_idle = !view.options.hide_idle;
            view.rebuild();
        }
        Action::BrokerShowImplicit => {
            view.options.show_implicit = !view.options.show_implicit;
            view.rebuild();
        }
        Action::BrokerSort => {
            view.options.sort = view.options.sort.next();
            view.rebuild();
        }
        Action::BrokerFilter => prompt::ask(model, PromptKind::BrokerFilter),
        Action::BrokerOpen => return super::broker_open::open_selected(model),
        Action::Simulate => super::broker_open::ask_simulation(model),
        _ => {}
    }
    Vec::new()
}

/// Enter in the broker filter prompt: empty clears it, a bad regex says so.
pub(super) fn apply_filter(model: &mut Model, text: &str) -> Result<Vec<Effect>, String> {
    let filter = match text {
        "" => None,
        text => Some(crate::model::filter::Filter::parse(text)?),
    };
    let view = &mut model.tab_mut().broker;
    view.options.filter = filter;
    view.rebuild();
    model.overlay = crate::model::Overlay::None;
    Ok(Vec::new())
}
