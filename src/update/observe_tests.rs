//! Observing routes through `update`: asked first, started with the tap's AMQP settings,
//! stopped on leaving the view, closing the tab or quitting; each traced publish of the
//! app's kept beside the simulation, others only counted, stale reports ignored.

use chrono::Local;

use super::broker_view_tests::with_topology;
use super::tests::notice;
use super::{Effect, update};
use crate::{
    action::Action,
    model::{Level, Model, broker_view::ObserveState},
    observe::{ObserveEvent, TraceEvent},
    session::{ConnectionSettings, Protocol, Value},
};

/// The view open over the example topology, observing asked and confirmed: the id.
fn observing(model: &mut Model) -> u64 {
    let asked = update(model, Action::ToggleObserve);
    assert_eq!(asked, [], "asks first");
    let (level, text) = notice(model);
    assert_eq!(level, Some(Level::Warning));
    assert!(text.contains("copies every message"), "{text}");
    assert!(text.contains("o again turns it on"), "{text}");
    let effects = update(model, Action::ToggleObserve);
    let [
        Effect::StartObserve {
            tab,
            observe,
            management,
            tap,
        },
    ] = effects.as_slice()
    else {
        panic!("observing starts: {effects:?}");
    };
    assert_eq!(*tab, 1);
    assert_eq!(tap.protocol, Protocol::Amqp);
    assert_eq!(management.vhost, tap.vhost);
    assert_eq!(
        model.tab().broker.observe.state,
        ObserveState::Starting { id: *observe }
    );
    *observe
}

fn report(model: &mut Model, observe: u64, event: ObserveEvent) {
    let effects = update(
        model,
        Action::Observed {
            tab: 1,
            observe,
            event,
        },
    );
    assert_eq!(effects, []);
}

fn traced(exchange: &str, key: &str, body: &[u8], routed: &[&str]) -> TraceEvent {
    TraceEvent {
        exchange: exchange.into(),
        routing_keys: vec![key.into()],
        routed_queues: routed.iter().map(|q| q.to_string()).collect(),
        node: Some("rabbit@localhost".into()),
        headers: vec![("format".into(), Value::LongString(b"pdf".to_vec()))],
        body: body.to_vec(),
    }
}

fn sent(model: &mut Model, exchange: &str, key: &str, body: &[u8]) {
    let request = crate::model::crossings::tests::request(1, exchange, key, body);
    model.crossings.sent(1, &request, Local::now());
}

#[test]
fn o_asks_first_then_starts_and_leaving_the_view_stops_it() {
    let mut model = with_topology(ConnectionSettings::default());
    let id = observing(&mut model);
    report(
        &mut model,
        id,
        ObserveEvent::On {
            was_on: false,
            failed: Vec::new(),
        },
    );
    assert_eq!(
        model.tab().broker.observe.state,
        ObserveState::On { id, was_on: false }
    );
    assert!(
        notice(&model).1.contains("tracing is on"),
        "{:?}",
        notice(&model)
    );
    let effects = update(&mut model, Action::ToggleBrokerView);
    assert_eq!(effects, [Effect::StopObserve { tab: 1 }]);
    assert_eq!(model.tab().broker.observe.state, ObserveState::Off);
    // What became of tracing is said when the observer has put it back.
    report(
        &mut model,
        id,
        ObserveEvent::Ended {
            why: None,
            tracing: "tracing is off again".into(),
        },
    );
    assert_eq!(
        notice(&model),
        (
            Some(Level::Info),
            "Observing stopped: tracing is off again.".into()
        )
    );
}

#[test]
fn o_again_and_quitting_stop_it_too() {
    let mut model = with_topology(ConnectionSettings::default());
    observing(&mut model);
    assert_eq!(
        update(&mut model, Action::ToggleObserve),
        [Effect::StopObserve { tab: 1 }]
    );
    observing(&mut model);
    let effects = update(&mut model, Action::QuitNow);
    assert!(
        effects.contains(&Effect::StopObserve { tab: 1 }),
        "{effects:?}"
    );
}

#[test]
fn each_traced_publish_of_the_apps_is_beside_the_simulation_and_differences_show() {
    let mut model = with_topology(ConnectionSettings::default());
    let id = observing(&mut model);
    sent(&mut model, "orders", "order.eu", b"mine");
    // The broker agrees with the simulation twice (one line, counted), then routes the
    // same message somewhere the simulation did not say; a stranger's publish is counted.
    let agreed = traced("orders", "order.eu", b"mine", &["audit-q", "orders-q"]);
    let differs = traced("orders", "order.eu", b"mine", &["orders-q", "surprise"]);
    let stranger = traced("orders", "order.eu", b"theirs", &["orders-q"]);
    report(
        &mut model,
        id,
        ObserveEvent::Traced(vec![agreed.clone(), agreed, stranger, differs]),
    );
    let observation = &model.tab().broker.observe;
    assert_eq!(observation.others, 1);
    assert_eq!(observation.seen.len(), 2);
    let first = &observation.seen[0];
    assert_eq!(first.published_as, "AMQP orders order.eu");
    assert_eq!(first.count, 2);
    assert_eq!(first.simulated.queues, ["audit-q", "orders-q"]);
    assert_eq!(
        first.probe.headers.get("format"),
        Some(&serde_json::json!("pdf"))
    );
    assert!(first.comparison.matches());
    let second = &observation.seen[1];
    assert_eq!(second.comparison.only_observed, ["surprise"]);
    assert_eq!(second.comparison.only_simulated, ["audit-q"]);
    assert_eq!(observation.differences(), 1);
}

#[test]
fn reports_of_an_observing_stopped_since_change_nothing_but_say_how_it_ended() {
    let mut model = with_topology(ConnectionSettings::default());
    let old = observing(&mut model);
    update(&mut model, Action::ToggleObserve);
    let new = observing(&mut model);
    assert_ne!(old, new);
    sent(&mut model, "orders", "order.eu", b"mine");
    report(
        &mut model,
        old,
        ObserveEvent::Traced(vec![traced("orders", "order.eu", b"mine", &[])]),
    );
    report(
        &mut model,
        old,
        ObserveEvent::On {
            was_on: true,
            failed: Vec::new(),
        },
    );
    assert!(model.tab().broker.observe.seen.is_empty());
    assert_eq!(
        model.tab().broker.observe.state,
        ObserveState::Starting { id: new }
    );
    report(
        &mut model,
        old,
        ObserveEvent::Ended {
            why: Some("the tap lost its connection: reset".into()),
            tracing: "tracing is off again".into(),
        },
    );
    assert_eq!(
        model.tab().broker.observe.state,
        ObserveState::Starting { id: new },
        "the current one goes on"
    );
    let (level, text) = notice(&model);
    assert_eq!(level, Some(Level::Warning));
    assert!(text.contains("lost its connection"), "{text}");
}

#[test]
fn a_background_answer_does_not_cancel_a_question_being_read() {
    let mut model = with_topology(ConnectionSettings::default());
    assert_eq!(update(&mut model, Action::ToggleObserve), []);
    assert_eq!(model.armed, Some(Action::ToggleObserve));
    let timer = model.tab().broker.timer;
    update(&mut model, Action::TopologyDue { tab: 1, timer });
    report(
        &mut model,
        99,
        ObserveEvent::Traced(vec![traced("orders", "k", b"x", &[])]),
    );
    assert_eq!(model.armed, Some(Action::ToggleObserve));
}

#[test]
fn one_tab_at_a_time_observes_a_vhost_of_a_broker() {
    let settings = ConnectionSettings::default();
    let mut model = with_topology(settings.clone());
    observing(&mut model);
    let form = crate::model::ConnectForm::from_settings(&settings);
    let second = model.open_tab(form).expect("room for a tab");
    second.session_settings = Some(settings);
    second.broker.open = true;
    second.broker.topology = Some(crate::model::broker_view::tree_tests::example());
    assert_eq!(
        update(&mut model, Action::ToggleObserve),
        [],
        "refused at once"
    );
    assert_eq!(model.armed, None, "nothing to ask");
    let (_, text) = notice(&model);
    assert!(text.contains("Tab 1 already observes vhost '/'"), "{text}");
    assert_eq!(model.tab().broker.observe.state, ObserveState::Off);
}

#[test]
fn keys_the_broker_routed_by_beyond_the_message_and_cc_are_simulated_as_bcc() {
    let mut model = with_topology(ConnectionSettings::default());
    let id = observing(&mut model);
    sent(&mut model, "orders", "order.eu", b"mine");
    let mut event = traced("orders", "order.eu", b"mine", &["audit-q", "orders-q"]);
    event.routing_keys = vec!["order.eu".into(), "cc.key".into(), "bcc.key".into()];
    event.headers.push((
        "CC".into(),
        Value::Array(vec![Value::LongString(b"cc.key".to_vec())]),
    ));
    report(&mut model, id, ObserveEvent::Traced(vec![event.clone()]));
    let first = model.tab().broker.observe.seen[0].clone();
    assert_eq!(
        first.probe.headers.get("BCC"),
        Some(&serde_json::json!(["bcc.key"]))
    );
    assert_eq!(
        first.probe.headers.get("CC"),
        Some(&serde_json::json!(["cc.key"]))
    );

    // After another refresh the same message is simulated again, over the new topology.
    let generation = model.tab().broker.generation;
    model
        .tab_mut()
        .broker
        .fetched(crate::model::broker_view::tree_tests::example(), None, None);
    report(&mut model, id, ObserveEvent::Traced(vec![event]));
    let seen = &model.tab().broker.observe.seen;
    assert_eq!(seen.len(), 1, "the same line, counted");
    assert_eq!(seen[0].count, 2);
    assert_eq!(model.tab().broker.generation, generation + 1);
    assert_eq!(seen[0].generation, generation + 1, "simulated again");
}
