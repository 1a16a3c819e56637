//! Routes observed (`o` in the broker view): starting and stopping the firehose tap, and
//! each traced publish of this app's put beside the simulation over the fetched topology.
//! Publishes of others in the vhost are counted, not kept. The question "tracing copies
//! every message" is asked first by `armed`, the one rule for keys that need a second press.

use super::{Effect, broker_open::amqp_settings, clock};
use crate::{
    amqp::Routing,
    model::{
        Level, Model, Tab,
        broker_view::{BrokerView, ObserveState, Observed},
        properties_form::table_to_json,
    },
    observe::{Comparison, ObserveEvent, TraceEvent},
    topology::{Probe, Route},
};

/// What `armed` says before observing starts: what it costs, and who may.
pub(super) fn warning(model: &Model) -> Option<String> {
    let view = &model.tab().broker;
    if !view.open || view.topology.is_none() || view.observe.state != ObserveState::Off {
        return None;
    }
    // Another tab observes it already: `toggle` says so at once, nothing to ask.
    if observer_of_the_same_vhost(model).is_some() {
        return None;
    }
    let vhost = model.tab().session_settings.as_ref()?.vhost.clone();
    // Notices are made visible where they are kept: no escaping here.
    Some(format!(
        "Observing switches tracing on for vhost '{vhost}' on every node (administrators only): the broker then copies every message published in the vhost, bodies included, which costs it; it is switched off again when you leave the view."
    ))
}

/// `o`: starts observing (once `armed` has asked), or stops it. One tab at a time
/// observes a vhost of a broker: two would switch tracing off under each other.
pub(super) fn toggle(model: &mut Model) -> Vec<Effect> {
    if model.tab().broker.observe.state == ObserveState::Off
        && let Some(other) = observer_of_the_same_vhost(model)
    {
        let vhost = model
            .tab()
            .session_settings
            .as_ref()
            .map(|s| s.vhost.clone())
            .unwrap_or_default();
        model.notify(
            Level::Info,
            format!(
                "Tab {other} already observes vhost '{vhost}' of this broker: its view shows every publish of this app, this tab's included."
            ),
        );
        return Vec::new();
    }
    let tab = model.tab_mut();
    if tab.broker.observe.state != ObserveState::Off {
        let effects = stop(tab);
        tab.notify(
            Level::Info,
            "Stopping: closing the tap and putting tracing back as it was…",
        );
        return effects;
    }
    let (Some(topology), Some(base)) = (&tab.broker.topology, &tab.session_settings) else {
        tab.notify(
            Level::Info,
            "No topology fetched yet: observing needs it to simulate beside the broker. Wait for the first refresh.",
        );
        return Vec::new();
    };
    let tap = match amqp_settings(base, topology, Routing::default()) {
        Ok(tap) => tap,
        Err(why) => {
            tab.notify(Level::Warning, format!("Cannot observe: {why}"));
            return Vec::new();
        }
    };
    let management = base.clone();
    let view = &mut tab.broker;
    let observe = view.next_id();
    view.observe.state = ObserveState::Starting { id: observe };
    view.observe.seen.clear();
    view.observe.others = 0;
    view.observe.failed_nodes.clear();
    // The panel shows what is observed from now on; `x` brings a simulation back.
    view.route = None;
    tab.notify(
        Level::Info,
        format!(
            "Observing vhost '{}': binding a tap to amq.rabbitmq.trace, then switching tracing on…",
            management.vhost
        ),
    );
    vec![Effect::StartObserve {
        tab: tab.number,
        observe,
        management: Box::new(management),
        tap: Box::new(tap),
    }]
}

/// The place (1-based) of another tab observing the current tab's vhost on the same
/// broker (the same host and management URL), if one does.
fn observer_of_the_same_vhost(model: &Model) -> Option<usize> {
    let here = model.tab();
    let place = |s: &crate::session::ConnectionSettings| {
        (s.host.clone(), s.management.url.clone(), s.vhost.clone())
    };
    let wanted = place(here.session_settings.as_ref()?);
    model.tabs().iter().enumerate().find_map(|(at, tab)| {
        let observing = tab.number != here.number
            && tab.broker.observe.state != ObserveState::Off
            && tab.session_settings.as_ref().map(place).as_ref() == Some(&wanted);
        observing.then_some(at + 1)
    })
}

/// Stops the tab's observing, if any: leaving the view, closing the tab and quitting.
pub(super) fn stop(tab: &mut Tab) -> Vec<Effect> {
    if tab.broker.observe.state == ObserveState::Off {
        return Vec::new();
    }
    tab.broker.observe.state = ObserveState::Off;
    vec![Effect::StopObserve { tab: tab.number }]
}

pub(super) fn observed(model: &mut Model, number: u32, observe: u64, event: ObserveEvent) {
    let now = clock();
    // Known before the tab is borrowed: which traced publishes are this app's.
    let event = match event {
        ObserveEvent::Traced(events) => Known::Traced(
            events
                .into_iter()
                .map(|event| {
                    let crossing = model.crossings.published(
                        &event.exchange,
                        event.routing_key(),
                        &event.body,
                        now,
                    );
                    (crossing.map(|c| c.published_as.clone()), event)
                })
                .collect(),
        ),
        ObserveEvent::On { was_on, failed } => Known::On { was_on, failed },
        ObserveEvent::Ended { why, tracing } => Known::Ended { why, tracing },
    };
    let Some(tab) = model.tabs_mut().find(|t| t.number == number) else {
        // The tab was closed meanwhile: what became of tracing is still the user's to know.
        if let Known::Ended { tracing, .. } = event {
            model.notify(Level::Info, format!("Observing stopped: {tracing}."));
        }
        return;
    };
    let current = tab.broker.observe.state.id() == Some(observe);
    match event {
        Known::On { was_on, failed } if current => on(tab, observe, was_on, failed),
        Known::Traced(events) if current => {
            for (published_as, event) in events {
                let view = &mut tab.broker;
                match published_as {
                    Some(published_as) => {
                        let observed = compare(view, published_as, event);
                        view.observe.push(observed);
                    }
                    None => view.observe.others += 1,
                }
            }
        }
        Known::On { .. } | Known::Traced(_) => {}
        // Said even when stale: what became of tracing is the user's to know.
        Known::Ended { why, tracing } => {
            if current {
                tab.broker.observe.state = ObserveState::Off;
            }
            match why {
                Some(why) => tab.notify(
                    Level::Warning,
                    format!("Observing stopped: {why}; {tracing}."),
                ),
                None => tab.notify(Level::Info, format!("Observing stopped: {tracing}.")),
            }
        }
    }
}

/// An observe event with the app's own publishes picked out.
enum Known {
    On {
        was_on: bool,
        failed: Vec<String>,
    },
    Traced(Vec<(Option<String>, TraceEvent)>),
    Ended {
        why: Option<String>,
        tracing: String,
    },
}

fn on(tab: &mut Tab, observe: u64, was_on: bool, failed: Vec<String>) {
    tab.broker.observe.state = ObserveState::On {
        id: observe,
        was_on,
    };
    let before = if was_on {
        "it was on already and stays on"
    } else {
        "switched off again when you leave the view"
    };
    if failed.is_empty() {
        tab.notify(
            Level::Success,
            format!(
                "Observing: tracing is on ({before}). Publish from any tab: each message of this app's appears here with the queues the broker chose beside the simulation."
            ),
        );
        return;
    }
    tab.notify(
        Level::Warning,
        format!(
            "Observing, but tracing would not switch on at {}: messages routed there are not seen.",
            failed.join("; ")
        ),
    );
    tab.broker.observe.failed_nodes = failed;
}

/// One traced publish of the app's beside the simulation of the same message. The last
/// line's simulation is reused when the message asks the same (a bulk publish simulates
/// once).
fn compare(view: &BrokerView, published_as: String, event: TraceEvent) -> Observed {
    let last = view.observe.seen.back();
    let generation = view.generation;
    let headers = match table_to_json(&event.headers) {
        serde_json::Value::Object(map) => map,
        _ => Default::default(),
    };
    let mut headers: crate::topology::Arguments = headers;
    // The firehose lists every key the message was routed by: its own, then CC's, then
    // BCC's, which the broker took out of the headers. Those go back as BCC, so the
    // simulation routes by them too (and no headers exchange sees them, as on the broker).
    let cc: Vec<&str> = headers
        .get("CC")
        .and_then(|v| v.as_array())
        .map(|keys| keys.iter().filter_map(|k| k.as_str()).collect())
        .unwrap_or_default();
    let bcc: Vec<serde_json::Value> = event
        .routing_keys
        .iter()
        .skip(1)
        .filter(|k| !cc.contains(&k.as_str()))
        .map(|k| serde_json::Value::String(k.clone()))
        .collect();
    if !bcc.is_empty() {
        headers.insert("BCC".into(), serde_json::Value::Array(bcc));
    }
    let probe = Probe {
        exchange: event.exchange.clone(),
        routing_key: event.routing_key().to_string(),
        headers,
    };
    let simulated = match last {
        // The same question over the same topology: the same answer.
        Some(last) if last.probe == probe && last.generation == generation => {
            last.simulated.clone()
        }
        _ => view.simulate(&probe).unwrap_or_else(|| Route {
            problems: vec!["No topology fetched: nothing to simulate over.".into()],
            ..Route::default()
        }),
    };
    let comparison = Comparison::of(&simulated.queues, &event.routed_queues);
    Observed {
        published_as,
        probe,
        routed: event.routed_queues,
        simulated,
        comparison,
        count: 1,
        generation,
    }
}
