//! The broker view's refresh schedule and keys, driven through `update`: one fetch at a
//! time, `r` now, one timer chain, closing stops it; Enter opens tabs; `--view topology`.

use std::time::Duration;

use super::tests::{connect_active, connected, connected_event, type_text};
use super::{Effect, update};
use crate::{
    action::Action,
    amqp::{AckMode, ExchangeType, Source},
    model::{
        Model, Overlay,
        broker_view::{Fetched, REFRESH_EVERY, tree_tests::example},
        scroll::Step,
    },
    session::{ConnectionSettings, Protocol},
    topology::Topology,
};

fn fetch_of(effects: &[Effect]) -> u64 {
    match effects {
        [Effect::FetchTopology { fetch, tab, .. }] => {
            assert_eq!(*tab, 1);
            *fetch
        }
        other => panic!("expected one fetch: {other:?}"),
    }
}

fn timer_of(effects: &[Effect]) -> u64 {
    match effects {
        [
            Effect::RefreshLater {
                timer, after, tab, ..
            },
        ] => {
            assert_eq!((*tab, *after), (1, REFRESH_EVERY));
            assert_eq!(REFRESH_EVERY, Duration::from_secs(5));
            *timer
        }
        other => panic!("expected one timer: {other:?}"),
    }
}

fn answer(model: &mut Model, fetch: u64, topology: Topology) -> Vec<Effect> {
    let fetched = Fetched {
        result: Ok(topology),
        url: Some("http://localhost:15672".into()),
        tree: None,
        index: None,
    };
    answer_with(model, fetch, fetched)
}

/// Fetch `fetch` of tab 1 answered with `fetched`.
fn answer_with(model: &mut Model, fetch: u64, fetched: Fetched) -> Vec<Effect> {
    update(
        model,
        Action::TopologyFetched {
            tab: 1,
            fetch,
            fetched: Box::new(fetched),
        },
    )
}

fn due(model: &mut Model, timer: u64) -> Vec<Effect> {
    update(model, Action::TopologyDue { tab: 1, timer })
}

#[test]
fn one_fetch_at_a_time_then_one_timer_after_each_answer() {
    let mut model = connected();
    let first = fetch_of(&update(&mut model, Action::ToggleBrokerView));
    assert!(model.tab().broker.open);
    assert_eq!(
        update(&mut model, Action::RefreshTopology),
        [],
        "r waits for it"
    );
    let timer = timer_of(&answer(&mut model, first, example()));
    assert_eq!(model.tab().broker.topology, Some(example()));
    let second = fetch_of(&due(&mut model, timer));
    assert_ne!(second, first);
    assert_eq!(due(&mut model, timer), [], "a fetch is in flight");
    // An answer to an older fetch does not count as this one.
    assert_eq!(answer(&mut model, first, Topology::default()), []);
    assert_eq!(model.tab().broker.in_flight, Some(second));
}

#[test]
fn r_refreshes_now_and_leaves_one_timer_chain() {
    let mut model = connected();
    let first = fetch_of(&update(&mut model, Action::ToggleBrokerView));
    let old_timer = timer_of(&answer(&mut model, first, example()));
    let now = fetch_of(&update(&mut model, Action::RefreshTopology));
    let new_timer = timer_of(&answer(&mut model, now, example()));
    assert_eq!(
        due(&mut model, old_timer),
        [],
        "the timer before r is stale"
    );
    fetch_of(&due(&mut model, new_timer));
}

#[test]
fn closing_the_view_stops_refreshing() {
    let mut model = connected();
    let first = fetch_of(&update(&mut model, Action::ToggleBrokerView));
    let timer = timer_of(&answer(&mut model, first, example()));
    let second = fetch_of(&due(&mut model, timer));
    assert_eq!(update(&mut model, Action::ToggleBrokerView), []);
    assert!(!model.tab().broker.open);
    // What was out when it closed comes back to nothing: no fetch, no timer.
    assert_eq!(answer(&mut model, second, Topology::default()), []);
    assert_eq!(due(&mut model, timer), []);
    // Opened again, it fetches at once.
    fetch_of(&update(&mut model, Action::ToggleBrokerView));
}

#[test]
fn an_error_is_kept_with_the_last_topology_and_refreshing_goes_on() {
    let mut model = connected();
    let first = fetch_of(&update(&mut model, Action::ToggleBrokerView));
    let timer = timer_of(&answer(&mut model, first, example()));
    let second = fetch_of(&due(&mut model, timer));
    let fetched = Box::new(Fetched {
        result: Err("HTTP 401: wrong \x1b[31mcredentials".into()),
        url: None,
        tree: None,
        index: None,
    });
    let effects = update(
        &mut model,
        Action::TopologyFetched {
            tab: 1,
            fetch: second,
            fetched,
        },
    );
    timer_of(&effects);
    let view = &model.tab().broker;
    assert_eq!(
        view.error.as_deref(),
        Some("HTTP 401: wrong \\e[31mcredentials")
    );
    assert_eq!(view.topology, Some(example()));
}

#[test]
fn the_view_needs_a_session_and_keys_never_reach_the_hidden_form() {
    let mut model = Model::default();
    assert_eq!(update(&mut model, Action::ToggleBrokerView), []);
    assert!(!model.tab().broker.open);
    let notice = &model.tab().notice.as_ref().expect("says why").text;
    assert!(notice.contains("connect first (Enter)"), "{notice}");
    let mut model = connected();
    update(&mut model, Action::ToggleBrokerView);
    model.tab_mut().focus = crate::model::Focus::ComposeBody;
    type_text(&mut model, "zz");
    update(&mut model, Action::Paste("pasted".into()));
    assert_eq!(model.tab().compose.body.value(), "");
}

#[test]
fn view_topology_opens_the_view_when_the_first_tab_connects() {
    let mut model = Model::default();
    model.open_broker_view = true;
    let effects = update(&mut model, Action::Connect);
    assert!(matches!(effects.as_slice(), [Effect::Connect { .. }]));
    let session = model.tab().session;
    let effects = update(
        &mut model,
        Action::Broker(crate::session::SessionEvent {
            session,
            event: connected_event(),
        }),
    );
    fetch_of(&effects);
    assert!(model.tab().broker.open && !model.open_broker_view);
    // Only the first time: connected again (a reconnect), the closed view stays closed.
    update(&mut model, Action::ToggleBrokerView);
    let effects = update(
        &mut model,
        Action::Broker(crate::session::SessionEvent {
            session,
            event: connected_event(),
        }),
    );
    assert_eq!(effects, []);
    assert!(!model.tab().broker.open);
}

pub(super) fn with_topology(settings: ConnectionSettings) -> Model {
    let mut model = Model::new(&settings);
    connect_active(&mut model);
    let first = fetch_of(&update(&mut model, Action::ToggleBrokerView));
    answer(&mut model, first, example());
    model
}

fn select(model: &mut Model, id: &str) {
    let at = model
        .tab()
        .broker
        .rows
        .iter()
        .position(|r| r.id == id)
        .unwrap_or_else(|| panic!("no row {id:?}"));
    update(model, Action::BrokerSelect(Step::Home));
    update(model, Action::BrokerSelect(Step::Rows(at as isize)));
}

fn opened(model: &mut Model) -> ConnectionSettings {
    let effects = update(model, Action::BrokerOpen);
    let [Effect::Connect { settings, .. }] = effects.as_slice() else {
        panic!("a new tab connects: {effects:?}");
    };
    assert_eq!(model.tabs().len(), 2);
    assert_eq!(model.tab().session_settings.as_ref(), Some(settings));
    settings.clone()
}

#[test]
fn enter_taps_an_exchange_with_everything_for_its_type_in_a_new_tab() {
    let mut model = with_topology(ConnectionSettings::default());
    select(&mut model, "x\0orders");
    let settings = opened(&mut model);
    let routing = &settings.routing;
    assert_eq!(routing.source, Source::TapExchange);
    assert_eq!(
        (routing.exchange.as_str(), routing.exchange_type),
        ("orders", ExchangeType::Topic)
    );
    assert_eq!(routing.bindings, [crate::amqp::Binding::key("#")]);
    // A direct exchange: every key bound to it today.
    let mut model = with_topology(ConnectionSettings::default());
    select(&mut model, "x\0dlx");
    let settings = opened(&mut model);
    assert_eq!(
        settings.routing.bindings,
        [crate::amqp::Binding::key("dead")]
    );
}

#[test]
fn enter_on_a_queue_peeks_and_a_stomp_session_uses_the_amqp_listener() {
    let stomp = ConnectionSettings {
        protocol: Protocol::Stomp,
        port: 61613,
        user: "ops".into(),
        vhost: "orders".into(),
        ..ConnectionSettings::default()
    };
    let mut model = with_topology(stomp);
    select(&mut model, "q\0dead-q");
    let settings = opened(&mut model);
    assert_eq!(settings.protocol, Protocol::Amqp);
    assert_eq!(settings.port, 5679, "the broker's amqp listener");
    assert_eq!(
        (settings.user.as_str(), settings.vhost.as_str()),
        ("ops", "orders")
    );
    assert_eq!(settings.routing.source, Source::Queue);
    assert_eq!(settings.routing.queue, "dead-q");
    assert_eq!(settings.routing.ack, AckMode::Peek);
    assert_eq!(model.tabs()[1].protocol(), Protocol::Amqp);
}

#[test]
fn the_filter_prompt_says_when_a_regex_is_invalid() {
    let mut model = with_topology(ConnectionSettings::default());
    update(&mut model, Action::BrokerFilter);
    type_text(&mut model, "/orders(/");
    update(&mut model, Action::SubmitPrompt);
    let Overlay::Prompt(prompt) = &model.overlay else {
        panic!("the prompt stays open");
    };
    let error = prompt.error.as_deref().unwrap_or_default();
    assert!(
        error.starts_with("not a valid regular expression"),
        "{error}"
    );
    update(&mut model, Action::CloseOverlay);
    update(&mut model, Action::BrokerFilter);
    type_text(&mut model, "dead");
    update(&mut model, Action::SubmitPrompt);
    assert!(matches!(model.overlay, Overlay::None));
    assert!(model.tab().broker.rows.iter().any(|r| r.id == "q\0dead-q"));
    assert!(!model.tab().broker.rows.iter().any(|r| r.id == "q\0lost"));
}

#[test]
fn simulating_needs_a_fetched_topology_and_says_so() {
    let mut model = connected();
    update(&mut model, Action::ToggleBrokerView);
    update(&mut model, Action::Simulate);
    assert!(matches!(model.overlay, Overlay::None));
    let notice = &model.tab().notice.as_ref().expect("says why").text;
    assert!(notice.starts_with("No topology fetched yet"), "{notice}");
    let mut model = with_topology(ConnectionSettings::default());
    select(&mut model, "x\0orders");
    update(&mut model, Action::Simulate);
    let Overlay::Prompt(prompt) = &model.overlay else {
        panic!("asks for the exchange");
    };
    assert_eq!(
        prompt.input.value(),
        "orders",
        "the exchange under the cursor"
    );
}

/// Needs `topology::simulate` (the "mgmt" work): exchange, key and headers asked in turn,
/// and the route kept for the view.
#[test]
fn x_asks_exchange_key_and_headers_then_keeps_the_simulated_route() {
    let mut model = with_topology(ConnectionSettings::default());
    select(&mut model, "x\0orders");
    update(&mut model, Action::Simulate);
    update(&mut model, Action::SubmitPrompt);
    let Overlay::Prompt(prompt) = &model.overlay else {
        panic!("asks for the key");
    };
    assert!(
        prompt.kind.title().contains("'orders'"),
        "{:?}",
        prompt.kind
    );
    type_text(&mut model, "order.eu");
    update(&mut model, Action::SubmitPrompt);
    type_text(&mut model, "format=pdf");
    update(&mut model, Action::SubmitPrompt);
    assert!(matches!(model.overlay, Overlay::None));
    let (probe, route) = model.tab().broker.route.clone().expect("a route");
    assert_eq!(
        (probe.exchange.as_str(), probe.routing_key.as_str()),
        ("orders", "order.eu")
    );
    assert_eq!(probe.headers.get("format"), Some(&serde_json::json!("pdf")));
    assert_eq!(route.queues, ["audit-q", "orders-q"]);
}

#[test]
fn an_unknown_exchange_keeps_the_simulation_prompt_open_with_the_reason() {
    let mut model = with_topology(ConnectionSettings::default());
    update(&mut model, Action::Simulate);
    type_text(&mut model, "nope");
    update(&mut model, Action::SubmitPrompt);
    let Overlay::Prompt(prompt) = &model.overlay else {
        panic!("the prompt stays open");
    };
    assert_eq!(
        prompt.error.as_deref(),
        Some("There is no exchange 'nope' in vhost '/' (empty is the default exchange).")
    );
}

#[test]
fn the_refresh_interval_is_the_one_the_command_line_gave() {
    let mut model = connected();
    model.topology_refresh = Duration::from_secs(30);
    let fetch = fetch_of(&update(&mut model, Action::ToggleBrokerView));
    let effects = answer(&mut model, fetch, example());
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::RefreshLater { after, .. }] if *after == Duration::from_secs(30)
        ),
        "{effects:?}"
    );
}

#[test]
fn rows_built_off_the_loop_are_taken_only_with_the_options_they_were_built_with() {
    use crate::model::broker_view::{Row, RowKind, TreeOptions};
    let marker = vec![Row {
        depth: 0,
        id: "built elsewhere".into(),
        kind: RowKind::Section("built elsewhere".into()),
        target: None,
    }];
    let apply = |model: &mut Model, fetch: u64, options: TreeOptions| {
        let fetched = Fetched {
            result: Ok(example()),
            url: None,
            tree: Some((options, marker.clone())),
            index: None,
        };
        answer_with(model, fetch, fetched)
    };
    let mut model = connected();
    let effects = update(&mut model, Action::ToggleBrokerView);
    let [Effect::FetchTopology { fetch, options, .. }] = effects.as_slice() else {
        panic!("a fetch: {effects:?}");
    };
    let (fetch, options) = (*fetch, (**options).clone());
    apply(&mut model, fetch, options.clone());
    assert_eq!(
        model.tab().broker.rows,
        marker,
        "the same options: taken as built"
    );

    update(&mut model, Action::RefreshTopology);
    let fetch = model.tab().broker.in_flight.expect("a fetch");
    // Idle queues hidden while the fetch was out: the rows built before are stale.
    update(&mut model, Action::BrokerHideIdle);
    apply(&mut model, fetch, options);
    let rows = &model.tab().broker.rows;
    assert_ne!(rows, &marker);
    assert!(rows.iter().any(|r| r.id == "x\0orders"), "{rows:?}");
}
