//! Whatever the management API (or something pretending to be it) answers, decoding never
//! panics, and neither does simulating over what was decoded: arbitrary bytes, and JSON
//! shaped like the API's with every field of any type. `PROPTEST_CASES=N` runs more.

use amqp_tui::{
    management::{Replies, topology_from_replies},
    topology::{Probe, simulate},
};
use proptest::{prelude::*, test_runner::Config};
use serde_json::Value;

/// The fields the client reads, and a few it does not.
const FIELDS: [&str; 24] = [
    "name",
    "type",
    "durable",
    "auto_delete",
    "internal",
    "arguments",
    "policy",
    "effective_policy_definition",
    "messages_ready",
    "messages_unacknowledged",
    "consumers",
    "node",
    "leader",
    "members",
    "online",
    "message_stats",
    "source",
    "destination",
    "destination_type",
    "routing_key",
    "pattern",
    "apply-to",
    "definition",
    "listeners",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just("queue".to_string()),
            Just("exchange".to_string()),
            Just("headers".to_string()),
            Just("x-consistent-hash".to_string()),
            Just("alternate-exchange".to_string()),
            Just("#".to_string()),
            Just("".to_string()),
            "\\PC{0,8}",
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(&FIELDS[..]), inner), 0..8).prop_map(
                |pairs| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            ),
        ]
    })
}

/// An object every endpoint accepts (exchange, queue, binding and policy fields at
/// once, over a few names so bindings connect), with any JSON in its other fields.
fn usable() -> impl Strategy<Value = Value> {
    let names = prop::sample::select(vec!["a", "b", "c", ""]);
    let kinds = prop::sample::select(vec![
        "direct",
        "topic",
        "fanout",
        "headers",
        "x-consistent-hash",
        "x-delayed-message",
    ]);
    (
        names.clone(),
        kinds,
        names.clone(),
        names,
        prop::sample::select(vec!["queue", "exchange"]),
        prop::collection::vec((prop::sample::select(&FIELDS[5..16]), json()), 0..4),
    )
        .prop_map(|(name, kind, source, destination, dtype, extra)| {
            let mut object = serde_json::Map::new();
            for (k, v) in extra {
                object.insert(k.to_string(), v);
            }
            for (k, v) in [
                ("name", name),
                ("type", kind),
                ("source", source),
                ("destination", destination),
                ("destination_type", dtype),
                ("pattern", ".*"),
            ] {
                object.insert(k.to_string(), Value::from(v));
            }
            Value::Object(object)
        })
}

/// Mostly lists of usable objects (so that whole topologies decode and are simulated),
/// else any bytes or any JSON.
fn reply() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => prop::collection::vec(usable(), 0..8).prop_map(|items| Value::Array(items).to_string().into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..256),
        1 => prop::collection::vec(json(), 0..6).prop_map(|items| Value::Array(items).to_string().into_bytes()),
        1 => json().prop_map(|v| v.to_string().into_bytes()),
    ]
}

fn part() -> impl Strategy<Value = Result<Vec<u8>, u16>> {
    prop_oneof![
        8 => reply().prop_map(Ok),
        1 => prop_oneof![Just(401u16), Just(403u16)].prop_map(Err),
    ]
}

/// The overview is one object.
fn overview() -> impl Strategy<Value = Result<Vec<u8>, u16>> {
    prop_oneof![
        6 => usable().prop_map(|v| Ok(v.to_string().into_bytes())),
        2 => part(),
    ]
}

proptest! {
    #![proptest_config(Config::with_cases(256))]

    #[test]
    fn any_reply_decodes_or_fails_without_panicking(
        overview in overview(), exchanges in part(), queues in part(), bindings in part(),
        policies in part(), operator_policies in part(), nodes in part(), connections in part(),
        exchange in "\\PC{0,6}", key in "[a-z.#*]{0,8}", headers in json(),
    ) {
        let replies = Replies {
            overview, exchanges, queues, bindings, policies, operator_policies, nodes, connections,
        };
        if let Ok(topology) = topology_from_replies("/", &replies) {
            let headers = match headers {
                Value::Object(map) => map,
                _ => serde_json::Map::new(),
            };
            for exchange in topology.exchanges.iter().map(|x| x.name.clone()).chain([exchange]) {
                let route = simulate(&topology, &Probe { exchange, routing_key: key.clone(), headers: headers.clone() });
                prop_assert!(route.queues.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
            }
        }
    }
}

/// RabbitMQ 3.10.8 lists a quorum queue whose member is down with `online` twice (the live
/// list, then the last statistics'): seen on the test cluster with a node killed. It also
/// lists every MQTT connection with `client_properties` twice.
#[test]
fn a_queue_listed_with_online_twice_decodes_and_online_follows_the_nodes() {
    let queues = br#"[{"name":"q","vhost":"/","type":"quorum","durable":true,"leader":"a","members":["a","b","c"],"online":["a","b"],"online":["a","c","b"]}]"#;
    let nodes = br#"[{"name":"a","running":true},{"name":"b","running":true},{"name":"c","running":false,"mem_alarm":true}]"#;
    let list = |body: &[u8]| Ok(body.to_vec());
    let replies = Replies {
        overview: list(b"{}"),
        exchanges: list(b"[]"),
        queues: list(queues),
        bindings: list(b"[]"),
        policies: list(b"[]"),
        operator_policies: list(b"[]"),
        nodes: list(nodes),
        // An AMQP connection, and an MQTT one as 3.10.8 lists it: `client_properties` twice.
        connections: list(
            br#"[{"node":"b","peer_host":"127.0.0.1","peer_port":4000},{"client_properties":{},"client_properties":{"client_id":"probe-look2","product":"MQTT client"},"node":"c","peer_host":"127.0.0.1","peer_port":42996}]"#,
        ),
    };
    let topology = topology_from_replies("/", &replies).expect("decodes");
    let queue = topology.queue("q").expect("the queue");
    assert_eq!(queue.members, ["a", "b", "c"]);
    assert_eq!(queue.online, ["a", "b"], "the members on running nodes");
    let down: Vec<(&str, bool, bool)> = topology
        .nodes
        .iter()
        .map(|n| (n.name.as_str(), n.running, n.mem_alarm))
        .collect();
    assert_eq!(
        down,
        [("a", true, false), ("b", true, false), ("c", false, true)]
    );
    let ours = "127.0.0.1:4000".parse().expect("addr");
    assert!(topology.connections[0].is(Some(ours), None));
    assert!(topology.connections[1].is(None, Some("probe-look2")));
    assert_eq!(topology.connections[1].node, "c");
}
