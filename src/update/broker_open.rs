//! From the broker view to a session: Enter taps an exchange or peeks at a queue in a new
//! AMQP tab, and `x` simulates where a message would go over the fetched topology.

use super::{Effect, connect};
use crate::{
    action::Action,
    amqp::{AckMode, Binding, ExchangeType, Routing, Source},
    keymap,
    model::{
        ConnectForm, Level, MAX_TABS, Model, Overlay, Prompt, PromptKind, broker_view::Target,
        properties_form::table_to_json,
    },
    session::{ConnectionSettings, Protocol},
    tls::TlsMode,
    topology::{Probe, Topology},
};

/// Enter on a row: a new tab tapping the exchange, or consuming the queue in peek mode
/// (nothing is taken by accident), with the session's credentials, vhost and trust.
pub(super) fn open_selected(model: &mut Model) -> Vec<Effect> {
    let tab = model.tab();
    let view = &tab.broker;
    let (Some(target), Some(topology), Some(base)) = (
        view.selected_row().and_then(|r| r.target.clone()),
        view.topology.as_ref(),
        tab.session_settings.as_ref(),
    ) else {
        model.notify(
            Level::Info,
            "Nothing to open here: move to an exchange or a queue.",
        );
        return Vec::new();
    };
    let routing = match &target {
        Target::Exchange(name) => tap_routing(topology, name),
        Target::Queue(name) => Ok(Routing {
            source: Source::Queue,
            exchange: String::new(),
            queue: name.clone(),
            ack: AckMode::Peek,
            ..Routing::default()
        }),
    };
    let settings = routing.and_then(|routing| amqp_settings(base, topology, routing));
    let settings = match settings {
        Ok(settings) => settings,
        Err(why) => {
            model.notify(Level::Warning, why);
            return Vec::new();
        }
    };
    let bindings = settings.routing.bindings.clone();
    if model
        .open_tab(ConnectForm::from_settings(&settings))
        .is_none()
    {
        model.notify(
            Level::Warning,
            format!(
                "All {MAX_TABS} tabs are in use: close one with {}, then press Enter again.",
                keymap::keys_for(keymap::Context::Broker, &Action::CloseTab)
            ),
        );
        return Vec::new();
    }
    let mut effects = connect(model);
    // The form holds one binding; a direct exchange is tapped with every key bound to it.
    for effect in &mut effects {
        if let Effect::Connect { settings, .. } = effect {
            settings.routing.bindings = bindings.clone();
        }
    }
    if let Some(session) = &mut model.tab_mut().session_settings {
        session.routing.bindings = bindings;
    }
    effects
}

/// A tap that takes everything the exchange routes, for its type: `#` on a topic
/// exchange, any header on a headers one, every key bound today on a direct one.
fn tap_routing(topology: &Topology, name: &str) -> Result<Routing, String> {
    let shown = crate::text::visible(name);
    if name.is_empty() {
        return Err(
            "The default exchange cannot be bound to, so it cannot be tapped: Enter on a queue peeks at it instead."
                .into(),
        );
    }
    let Some(exchange) = topology.exchange(name) else {
        return Err(format!("Exchange '{shown}' is not in the last refresh."));
    };
    let exchange_type: ExchangeType = exchange.kind.parse().map_err(|_| {
        format!(
            "Exchange '{shown}' is of type {}, whose bindings are not keys: tap an exchange bound to it, or peek at a queue it feeds.",
            crate::text::visible(&exchange.kind)
        )
    })?;
    let bindings = match exchange_type {
        ExchangeType::Topic => vec![Binding::key("#")],
        ExchangeType::Fanout => vec![Binding::default()],
        // No header to compare matches every message under x-match=all.
        ExchangeType::Headers => vec![Binding::default()],
        ExchangeType::Direct => {
            let mut keys: Vec<&str> = topology
                .bindings
                .iter()
                .filter(|b| b.source == name)
                .map(|b| b.routing_key.as_str())
                .collect();
            keys.sort_unstable();
            keys.dedup();
            if keys.is_empty() {
                return Err(format!(
                    "Direct exchange '{shown}' has no bindings, so no key to tap it with: nothing it receives goes anywhere yet."
                ));
            }
            keys.into_iter().map(Binding::key).collect()
        }
    };
    Ok(Routing {
        source: Source::TapExchange,
        exchange: name.to_string(),
        exchange_type,
        queue: String::new(),
        bindings,
        ack: AckMode::default(),
    })
}

/// The session's settings over AMQP: the same host, vhost, credentials and trust; the
/// port the broker lists for AMQP when the session speaks another protocol.
pub(super) fn amqp_settings(
    base: &ConnectionSettings,
    topology: &Topology,
    routing: Routing,
) -> Result<ConnectionSettings, String> {
    let mut settings = base.clone();
    if base.protocol != Protocol::Amqp {
        let tls = base.tls != TlsMode::Off;
        let wanted = if tls { "amqp/ssl" } else { "amqp" };
        let Some(listener) = topology.listeners.iter().find(|l| l.protocol == wanted) else {
            let new_tab = keymap::keys_for(keymap::Context::Broker, &Action::NewTab);
            return Err(format!(
                "The broker lists no {wanted} listener, so a new AMQP tab has no port to use: open one by hand ({new_tab}) with the port."
            ));
        };
        settings.protocol = Protocol::Amqp;
        settings.port = listener.port;
        settings.mqtt = Default::default();
        settings.stomp = Default::default();
    }
    settings.routing = routing;
    Ok(settings)
}

/// `x`: asks for the exchange (the one under the cursor to start with), then the key,
/// then the headers. Needs a fetched topology.
pub(super) fn ask_simulation(model: &mut Model) {
    let view = &model.tab().broker;
    if view.topology.is_none() {
        let why = match &view.error {
            Some(error) => format!("No topology fetched yet ({error}): nothing to simulate over."),
            None => {
                "No topology fetched yet: wait for the first refresh, then press x again.".into()
            }
        };
        model.notify(Level::Info, why);
        return;
    }
    let exchange = match view.selected_row().and_then(|r| r.target.clone()) {
        Some(Target::Exchange(name)) => name,
        _ => view
            .route
            .as_ref()
            .map(|(p, _)| p.exchange.clone())
            .unwrap_or_default(),
    };
    model.overlay = Overlay::Prompt(Prompt::new(PromptKind::SimulateExchange, &exchange));
}

/// Enter in one of the simulation's prompts: the next question, or the answer.
pub(super) fn simulation_step(
    model: &mut Model,
    kind: PromptKind,
    answer: &str,
) -> Result<Vec<Effect>, String> {
    let Some(topology) = model.tab().broker.topology.clone() else {
        model.overlay = Overlay::None;
        model.notify(
            Level::Info,
            "No topology fetched yet: nothing to simulate over.",
        );
        return Ok(Vec::new());
    };
    let last = model.tab().broker.route.as_ref().map(|(p, _)| p.clone());
    let next = match kind {
        PromptKind::SimulateExchange => {
            if topology.exchange(answer).is_none() {
                return Err(format!(
                    "There is no exchange '{answer}' in vhost '{}' (empty is the default exchange).",
                    topology.vhost
                ));
            }
            let key = last.map(|p| p.routing_key).unwrap_or_default();
            Prompt::new(
                PromptKind::SimulateKey {
                    exchange: answer.to_string(),
                },
                &key,
            )
        }
        PromptKind::SimulateKey { exchange } => Prompt::new(
            PromptKind::SimulateHeaders {
                exchange,
                key: answer.to_string(),
            },
            "",
        ),
        PromptKind::SimulateHeaders { exchange, key } => {
            let headers = if answer.trim().is_empty() {
                Default::default()
            } else {
                let parsed = crate::routing::parse_binding(ExchangeType::Headers, answer)?;
                match table_to_json(&parsed.arguments) {
                    serde_json::Value::Object(map) => map,
                    _ => Default::default(),
                }
            };
            let probe = Probe {
                exchange,
                routing_key: key,
                headers,
            };
            let route = model
                .tab()
                .broker
                .simulate(&probe)
                .unwrap_or_else(|| crate::topology::simulate(&topology, &probe));
            model.tab_mut().broker.route = Some((probe, route));
            model.overlay = Overlay::None;
            return Ok(Vec::new());
        }
        _ => return Ok(Vec::new()),
    };
    model.overlay = Overlay::Prompt(next);
    Ok(Vec::new())
}
