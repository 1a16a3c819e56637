//! A session with several nodes, as `update` sees it: the nodes named once the management
//! API says, a failover's notice with the time it took and the nodes' names, and a node
//! the API does not list said to belong to another cluster.

use std::time::Duration;

use super::{
    Effect,
    tests::{feed, notice},
    update,
};
use crate::{
    action::Action,
    management::NodeSeen,
    model::{ConnState, Field, Level, Model, endpoints::EndpointState},
    session::{ConnectError, ConnectionDetails, Endpoint, FailedOver, SessionEvent, WorkerEvent},
    tls::Security,
};

fn node(port: u16) -> Endpoint {
    Endpoint::new("localhost", port)
}

fn connected_to(endpoint: Endpoint, failed_over: Option<FailedOver>) -> WorkerEvent {
    WorkerEvent::Connected {
        queue: "q".into(),
        security: Security::Plain,
        reconnected: failed_over.is_some(),
        endpoint,
        failed_over,
        details: Box::new(ConnectionDetails {
            local_addr: Some("127.0.0.1:40000".parse().expect("addr")),
            ..ConnectionDetails::default()
        }),
    }
}

/// Feeds `event` and returns the effects `update` asks for.
fn event(model: &mut Model, event: WorkerEvent) -> Vec<Effect> {
    let session = model.tab().session;
    update(model, Action::Broker(SessionEvent { session, event }))
}

fn found(model: &mut Model, endpoint: Endpoint, node: Option<&str>) {
    let session = model.tab().session;
    let result = Ok(NodeSeen {
        node: node.map(String::from),
        cluster_name: Some("prod".into()),
    });
    update(
        model,
        Action::NodeFound {
            session,
            endpoint,
            result,
        },
    );
}

/// Connected to the first of three nodes typed in the host field, with the management
/// URL typed too.
fn on_a_cluster() -> Model {
    let mut model = Model::default();
    *model.tab_mut().form.input_mut(Field::Host) =
        tui_input::Input::new("localhost, localhost:5673, localhost:5674".into());
    *model.tab_mut().form.input_mut(Field::ManagementUrl) =
        tui_input::Input::new("http://localhost:15673".into());
    let effects = update(&mut model, Action::Connect);
    let [Effect::Connect { settings, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(settings.failover, [node(5673), node(5674)]);
    let (_, text) = notice(&model);
    assert!(text.contains("(then 2 more nodes)"), "{text}");
    let effects = event(&mut model, connected_to(node(5672), None));
    let [Effect::FindNode { endpoint, ours, .. }] = effects.as_slice() else {
        panic!("the node is looked up: {effects:?}");
    };
    assert_eq!(*endpoint, node(5672));
    assert!(ours.local_addr.is_some());
    model
}

#[test]
fn a_failover_is_said_with_the_nodes_names_and_the_time_it_took() {
    let mut model = on_a_cluster();
    found(&mut model, node(5672), Some("rabbit@one"));
    let tab = model.tab();
    assert_eq!(
        tab.endpoints.current().and_then(|c| c.node.as_deref()),
        Some("rabbit@one")
    );

    let lost = WorkerEvent::ConnectionLost {
        error: ConnectError::Closed {
            detail: "the broker went away".into(),
        },
        retry_in: Duration::ZERO,
        attempt: 1,
    };
    event(&mut model, lost);
    let (level, text) = notice(&model);
    assert_eq!(level, Some(Level::Warning));
    assert!(
        text.ends_with("Failing over to another node now."),
        "{text}"
    );
    assert!(matches!(
        model.tab().endpoints.list[0].state,
        EndpointState::Lost(_)
    ));

    let moved = FailedOver {
        from: node(5672),
        took: Duration::from_millis(400),
    };
    let effects = event(&mut model, connected_to(node(5673), Some(moved)));
    assert!(matches!(effects.as_slice(), [Effect::FindNode { .. }]));
    let (_, text) = notice(&model);
    assert!(
        text.starts_with(
            "Failed over from rabbit@one to localhost:5673 in 0.4 s (outage 1 of this tab)"
        ),
        "{text}"
    );
    let ConnState::Connected { target, .. } = &model.tab().conn else {
        panic!("connected");
    };
    assert_eq!(target, "guest@localhost:5673/%2F");

    // Once the API names the new node, the notice does too.
    found(&mut model, node(5673), Some("rabbit@two"));
    let (level, text) = notice(&model);
    assert_eq!(level, Some(Level::Success));
    assert_eq!(
        text,
        "Failed over from rabbit@one to rabbit@two in 0.4 s (outage 1 of this tab)."
    );
}

#[test]
fn nodes_that_do_not_answer_are_named_and_all_down_keeps_retrying() {
    let mut model = on_a_cluster();
    let refused = ConnectError::Refused {
        addr: "localhost:5673".into(),
        protocol: crate::session::Protocol::Amqp,
    };
    event(
        &mut model,
        WorkerEvent::EndpointDown {
            endpoint: node(5673),
            error: refused.clone(),
        },
    );
    let (_, text) = notice(&model);
    assert!(
        text.starts_with("Node localhost:5673 could not be used: Connection refused"),
        "{text}"
    );
    assert!(matches!(
        model.tab().endpoints.list[1].state,
        EndpointState::Down(_)
    ));

    let all_down = ConnectError::NoNodeAnswered {
        tried: 3,
        endpoint: "localhost:5674".into(),
        last: Box::new(refused),
    };
    event(
        &mut model,
        WorkerEvent::ConnectionLost {
            error: all_down,
            retry_in: Duration::from_secs(2),
            attempt: 2,
        },
    );
    let (_, text) = notice(&model);
    assert!(text.contains("None of the 3 nodes could be used"), "{text}");
    assert!(
        text.ends_with("No node answered: trying them all again in 2 s (attempt 2)."),
        "{text}"
    );
}

#[test]
fn a_node_the_api_does_not_list_is_said_to_be_of_another_cluster() {
    let mut model = on_a_cluster();
    found(&mut model, node(5672), None);
    let (level, text) = notice(&model);
    assert_eq!(level, Some(Level::Warning));
    assert!(
        text.contains("The management API (cluster 'prod') does not list this session's connection to localhost:5672"),
        "{text}"
    );
    assert!(text.contains("another cluster"), "{text}");
    assert!(text.contains("every host in the list"), "{text}");
    assert_eq!(
        model.tab().endpoints.current().and_then(|c| c.node.clone()),
        None
    );
}

#[test]
fn without_a_management_url_nothing_is_asked() {
    let mut model = Model::default();
    *model.tab_mut().form.input_mut(Field::Host) =
        tui_input::Input::new("localhost, localhost:5673".into());
    update(&mut model, Action::Connect);
    let effects = event(&mut model, connected_to(node(5672), None));
    assert!(
        effects.is_empty(),
        "a guessed http://HOST:15672 is not sent the password unasked: {effects:?}"
    );
}

#[test]
fn an_answer_about_a_node_left_since_changes_only_its_name() {
    let mut model = on_a_cluster();
    let moved = FailedOver {
        from: node(5672),
        took: Duration::from_millis(300),
    };
    event(&mut model, connected_to(node(5673), Some(moved)));
    let moved = FailedOver {
        from: node(5673),
        took: Duration::from_millis(200),
    };
    event(&mut model, connected_to(node(5674), Some(moved)));
    let before = notice(&model);
    found(&mut model, node(5673), Some("rabbit@two"));
    assert_eq!(notice(&model), before, "the notice is about 5674 now");
    found(&mut model, node(5674), Some("rabbit@three"));
    let (_, text) = notice(&model);
    assert!(
        text.starts_with("Failed over from rabbit@two to rabbit@three in 0.2 s"),
        "{text}"
    );
}

#[test]
fn a_lookup_that_fails_leaves_the_address_alone() {
    let mut model = on_a_cluster();
    let before = notice(&model);
    let session = model.tab().session;
    update(
        &mut model,
        Action::NodeFound {
            session,
            endpoint: node(5672),
            result: Err("connection refused".into()),
        },
    );
    assert_eq!(notice(&model), before, "no noise without a management API");
}

#[test]
fn a_single_node_session_has_one_endpoint() {
    let mut model = Model::default();
    update(&mut model, Action::Connect);
    feed(&mut model, connected_to(node(5672), None));
    assert!(!model.tab().endpoints.several());
    assert_eq!(model.tab().endpoints.list.len(), 1);
}

#[test]
fn a_failover_notice_replaced_since_is_left_alone() {
    let mut model = on_a_cluster();
    let moved = FailedOver {
        from: node(5672),
        took: Duration::from_millis(300),
    };
    event(&mut model, connected_to(node(5673), Some(moved)));
    event(
        &mut model,
        WorkerEvent::Notice("The broker granted QoS 1.".into()),
    );
    let before = notice(&model);
    found(&mut model, node(5673), Some("rabbit@two"));
    assert_eq!(notice(&model), before, "a newer notice stays");
    assert_eq!(
        model
            .tab()
            .endpoints
            .current()
            .and_then(|c| c.node.as_deref()),
        Some("rabbit@two"),
        "the node is named all the same"
    );
}
