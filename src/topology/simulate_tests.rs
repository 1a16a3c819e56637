use serde_json::json;

use super::*;
use crate::topology::{Alternate, DeadLetter, NotPermitted, QueueKind};

fn exchange(name: &str, kind: &str) -> Exchange {
    Exchange {
        name: name.into(),
        kind: kind.into(),
        durable: true,
        auto_delete: false,
        internal: false,
        arguments: Arguments::new(),
        policy: None,
        alternate: None,
        publish_in_rate: None,
    }
}

fn queue(name: &str) -> Queue {
    Queue {
        name: name.into(),
        kind: QueueKind::Classic,
        durable: true,
        auto_delete: false,
        exclusive: false,
        arguments: Arguments::new(),
        policy: None,
        ready: 0,
        unacked: 0,
        consumers: 0,
        publish_rate: None,
        deliver_rate: None,
        node: None,
        members: vec![],
        online: vec![],
        dead_letter: None,
    }
}

fn bind(source: &str, destination: &str, key: &str) -> Binding {
    Binding {
        source: source.into(),
        destination: destination.into(),
        destination_kind: DestinationKind::Queue,
        routing_key: key.into(),
        arguments: Arguments::new(),
    }
}

fn bind_x(source: &str, destination: &str, key: &str) -> Binding {
    Binding {
        destination_kind: DestinationKind::Exchange,
        ..bind(source, destination, key)
    }
}

fn args(value: serde_json::Value) -> Arguments {
    value.as_object().expect("an object").clone()
}

/// The topology with the default exchange's implicit bindings, as the API lists them.
fn topology(exchanges: Vec<Exchange>, queues: &[&str], bindings: Vec<Binding>) -> Topology {
    let mut all = vec![exchange("", "direct")];
    all.extend(exchanges);
    let mut with_default: Vec<Binding> = queues.iter().map(|q| bind("", q, q)).collect();
    with_default.extend(bindings);
    Topology {
        vhost: "/".into(),
        exchanges: all,
        queues: queues.iter().map(|q| queue(q)).collect(),
        bindings: with_default,
        ..Topology::default()
    }
}

fn probe(exchange: &str, key: &str) -> Probe {
    Probe {
        exchange: exchange.into(),
        routing_key: key.into(),
        headers: Arguments::new(),
    }
}

fn queues(route: &Route) -> Vec<&str> {
    route.queues.iter().map(String::as_str).collect()
}

#[test]
fn each_exchange_type_matches_by_its_own_rule() {
    let t = topology(
        vec![
            exchange("d", "direct"),
            exchange("t", "topic"),
            exchange("f", "fanout"),
        ],
        &["q1", "q2", "q3"],
        vec![
            bind("d", "q1", "a"),
            bind("d", "q2", "b"),
            bind("t", "q1", "a.*"),
            bind("t", "q2", "#.z"),
            bind("t", "q3", "a.#"),
            bind("f", "q1", "ignored"),
            bind("f", "q2", ""),
        ],
    );
    assert_eq!(queues(&simulate(&t, &probe("d", "a"))), ["q1"]);
    assert_eq!(queues(&simulate(&t, &probe("d", "A"))), Vec::<&str>::new());
    assert_eq!(
        queues(&simulate(&t, &probe("t", "a.z"))),
        ["q1", "q2", "q3"]
    );
    assert_eq!(queues(&simulate(&t, &probe("t", "a.b.c"))), ["q3"]);
    assert_eq!(queues(&simulate(&t, &probe("f", "whatever"))), ["q1", "q2"]);
}

#[test]
fn headers_match_with_every_x_match_mode() {
    let mut h = bind("h", "all", "");
    h.arguments = args(json!({"x-match": "all", "a": 1, "b": "x"}));
    let mut any = bind("h", "any", "");
    any.arguments = args(json!({"x-match": "any", "a": 1, "b": "x"}));
    let mut allx = bind("h", "allx", "");
    allx.arguments = args(json!({"x-match": "all-with-x", "x-k": "v"}));
    let mut anyx = bind("h", "anyx", "");
    anyx.arguments = args(json!({"x-match": "any-with-x", "x-k": "v", "c": true}));
    let t = topology(
        vec![exchange("h", "headers")],
        &["all", "any", "allx", "anyx"],
        vec![h, any, allx, anyx],
    );
    let mut p = probe("h", "");
    p.headers = args(json!({"a": 1, "b": "x"}));
    assert_eq!(queues(&simulate(&t, &p)), ["all", "any"]);
    p.headers = args(json!({"a": 1}));
    assert_eq!(queues(&simulate(&t, &p)), ["any"]);
    p.headers = args(json!({"x-k": "v"}));
    assert_eq!(queues(&simulate(&t, &p)), ["allx", "anyx"]);
    let route = simulate(&t, &p);
    assert!(
        route
            .paths
            .contains(&"h -[x-k=v, x-match=all-with-x]-> allx".to_string()),
        "{:?}",
        route.paths
    );
}

#[test]
fn exchange_to_exchange_bindings_are_followed_and_cycles_end() {
    let t = topology(
        vec![
            exchange("orders", "topic"),
            exchange("audit-x", "fanout"),
            exchange("back", "fanout"),
        ],
        &["audit-q", "o"],
        vec![
            bind_x("orders", "audit-x", "order.#"),
            bind("orders", "o", "order.new"),
            bind("audit-x", "audit-q", "#"),
            bind_x("audit-x", "back", ""),
            // The cycle: back to where it started.
            bind_x("back", "orders", ""),
            bind_x("back", "audit-x", ""),
        ],
    );
    let route = simulate(&t, &probe("orders", "order.new"));
    assert_eq!(queues(&route), ["audit-q", "o"]);
    assert_eq!(
        route.paths,
        [
            "orders -[order.#]-> audit-x -[#]-> audit-q",
            "orders -[order.new]-> o"
        ]
    );
}

#[test]
fn the_alternate_exchange_only_takes_what_the_exchange_itself_does_not_match() {
    let mut main = exchange("main", "direct");
    main.alternate = Some(Alternate {
        exchange: "ae".into(),
        origin: Origin::Policy("ae-pol".into()),
    });
    let t = topology(
        vec![main, exchange("ae", "fanout"), exchange("other", "direct")],
        &["q", "unrouted"],
        vec![
            bind("main", "q", "k"),
            // A match of an exchange is a match: the alternate is not used, even though
            // `other` routes the message nowhere.
            bind_x("main", "other", "to-other"),
            bind("ae", "unrouted", ""),
        ],
    );
    assert_eq!(queues(&simulate(&t, &probe("main", "k"))), ["q"]);
    assert!(queues(&simulate(&t, &probe("main", "to-other"))).is_empty());
    let route = simulate(&t, &probe("main", "nothing"));
    assert_eq!(queues(&route), ["unrouted"]);
    assert_eq!(
        route.paths,
        ["main -(no match: alternate by policy ae-pol)-> ae -[]-> unrouted"]
    );
}

#[test]
fn a_missing_alternate_exchange_is_a_problem_not_a_route() {
    let mut main = exchange("main", "direct");
    main.alternate = Some(Alternate {
        exchange: "gone".into(),
        origin: Origin::Argument,
    });
    let route = simulate(&topology(vec![main], &[], vec![]), &probe("main", "k"));
    assert!(route.queues.is_empty());
    assert!(
        route.problems[0].contains("\"gone\"") || route.problems[0].contains("gone"),
        "{:?}",
        route.problems
    );
}

#[test]
fn cc_and_bcc_add_routing_keys_and_queues_are_reached_once() {
    let t = topology(
        vec![exchange("d", "direct")],
        &["a", "b", "c"],
        vec![
            bind("d", "a", "ka"),
            bind("d", "a", "kb"),
            bind("d", "b", "kb"),
            bind("d", "c", "kc"),
        ],
    );
    let mut p = probe("d", "ka");
    p.headers = args(json!({"CC": ["kb"], "BCC": ["kc", 7]}));
    let route = simulate(&t, &p);
    assert_eq!(queues(&route), ["a", "b", "c"]);
    assert_eq!(route.paths.len(), 3, "{:?}", route.paths);
    p.headers = args(json!({"CC": "kb"}));
    let refused = simulate(&t, &p);
    assert!(refused.queues.is_empty());
    assert!(
        refused.problems[0].contains("CC header must be an array"),
        "{:?}",
        refused.problems
    );
}

#[test]
fn the_default_exchange_routes_by_queue_name() {
    let t = topology(vec![], &["jobs"], vec![]);
    let route = simulate(&t, &probe("", "jobs"));
    assert_eq!(queues(&route), ["jobs"]);
    assert_eq!(route.paths, ["(default) -[jobs]-> jobs"]);
    let nowhere = simulate(&t, &probe("", "nope"));
    assert!(nowhere.queues.is_empty());
    assert!(
        nowhere.problems[0].contains("No queue is named 'nope'"),
        "{:?}",
        nowhere.problems
    );
}

#[test]
fn dead_lettering_is_a_conditional_hop_not_a_destination() {
    let mut t = topology(
        vec![exchange("work", "direct"), exchange("dlx", "topic")],
        &["w", "dead", "other"],
        vec![bind("work", "w", "job"), bind("dlx", "dead", "retry.#")],
    );
    t.queues[0].dead_letter = Some(DeadLetter {
        exchange: "dlx".into(),
        routing_key: Some("retry.1".into()),
        origin: Origin::Policy("dl".into()),
    });
    let route = simulate(&t, &probe("work", "job"));
    assert_eq!(queues(&route), ["w"]);
    assert_eq!(
        route.paths,
        [
            "work -[job]-> w",
            "w: if rejected or expired (by policy dl) -> dlx -[retry.#]-> dead"
        ]
    );
    // Without a dead-letter key the message keeps its own, which dlx does not match.
    t.queues[0].dead_letter.as_mut().expect("set").routing_key = None;
    let route = simulate(&t, &probe("work", "job"));
    assert_eq!(
        route.paths[1],
        "w: if rejected or expired (by policy dl) -> dlx, which routes it to no queue: dropped"
    );
}

#[test]
fn unpredictable_exchange_types_are_marked_approximate() {
    let mut delayed = exchange("later", "x-delayed-message");
    delayed.arguments = args(json!({"x-delayed-type": "direct"}));
    let t = topology(
        vec![exchange("hash", "x-consistent-hash"), delayed],
        &["a", "b"],
        vec![
            bind("hash", "a", "1"),
            bind("hash", "b", "2"),
            bind("later", "a", "k"),
        ],
    );
    let route = simulate(&t, &probe("hash", "anything"));
    assert_eq!(queues(&route), ["a", "b"]);
    assert!(
        route.approximate[0].contains("x-consistent-hash"),
        "{:?}",
        route.approximate
    );
    let route = simulate(&t, &probe("later", "k"));
    assert_eq!(queues(&route), ["a"]);
    assert!(
        route.approximate[0].contains("then routes them as direct"),
        "{:?}",
        route.approximate
    );
    assert!(simulate(&t, &probe("later", "x")).queues.is_empty());
}

#[test]
fn unknown_and_internal_exchanges_are_problems() {
    let mut internal = exchange("inner", "fanout");
    internal.internal = true;
    let mut t = topology(vec![internal], &["q"], vec![bind("inner", "q", "")]);
    let route = simulate(&t, &probe("nope", "k"));
    assert!(route.queues.is_empty());
    assert!(
        route.problems[0].contains("does not exist in vhost '/'"),
        "{:?}",
        route.problems
    );
    let route = simulate(&t, &probe("inner", "k"));
    assert!(route.queues.is_empty());
    assert!(
        route.problems[0].contains("internal"),
        "{:?}",
        route.problems
    );
    t.exchanges.clear();
    t.not_permitted.push(NotPermitted {
        part: "exchanges".into(),
        status: 401,
    });
    assert!(simulate(&t, &probe("nope", "k")).problems[0].contains("not permitted"));
}

#[test]
fn names_from_the_broker_reach_paths_only_made_safe() {
    let t = topology(
        vec![exchange("x\u{1b}[2J", "fanout")],
        &["q\n"],
        vec![bind("x\u{1b}[2J", "q\n", "")],
    );
    let route = simulate(&t, &probe("x\u{1b}[2J", ""));
    assert_eq!(route.queues, ["q\n"], "raw names for scripts");
    assert_eq!(route.paths, ["x\\e[2J -[]-> q\\n"]);
}

#[test]
fn bcc_is_taken_out_before_a_headers_exchange_looks() {
    // A headers binding on BCC itself: the broker removes BCC first, so it never matches.
    let mut on_bcc = bind("h", "q", "");
    on_bcc.arguments = args(json!({"x-match": "any", "BCC": ["nowhere"]}));
    let t = topology(vec![exchange("h", "headers")], &["q"], vec![on_bcc]);
    let mut p = probe("h", "");
    p.headers = args(json!({"BCC": ["nowhere"]}));
    let route = simulate(&t, &p);
    assert!(route.problems.is_empty(), "{:?}", route.problems);
    assert!(route.queues.is_empty(), "{:?}", route.paths);
}

#[test]
fn parts_the_user_may_not_read_are_named_not_answered_as_nowhere() {
    let mut t = topology(
        vec![exchange("x", "direct")],
        &["q"],
        vec![bind("x", "q", "k")],
    );
    t.exchanges[1].policy = Some("ae-policy".into());
    t.not_permitted = vec![
        NotPermitted {
            part: "policies".into(),
            status: 401,
        },
        NotPermitted {
            part: "bindings".into(),
            status: 403,
        },
    ];
    let problems = simulate(&t, &probe("x", "k")).problems;
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("The bindings could not be read")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("The policies could not be read")),
        "{problems:?}"
    );
}
