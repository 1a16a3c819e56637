//! Property tests of `mqtt::topic`: whatever a user types or a broker sends as a topic,
//! the checks and RabbitMQ's topic/key mapping answer without panicking, and the mapping
//! back from a key undoes the mapping to it except where RabbitMQ 3.10 itself does not
//! (a `.` comes back as `/`, a `*` as `+`: see `topics_with_dots_map_as_mqtt_topic_says_on_the_node`
//! in tests/mqtt_traffic.rs for the node's word on it).

use amqp_tui::mqtt::topic::{
    check_filter, check_name, dot_warning, from_routing_key, to_routing_key,
};
use proptest::{prelude::*, test_runner::Config};

fn config() -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(512),
        // A failure prints its minimal input; files of seeds would litter the tree in CI.
        failure_persistence: None,
        ..Config::default()
    }
}

/// Topics made mostly of what the rules and the mapping look at, and any character.
fn topic() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(vec!['/', '.', '+', '*', '#', 'a', '\0']),
        1 => any::<char>(),
    ];
    prop_oneof![
        proptest::collection::vec(piece, 0..24).prop_map(|cs| cs.into_iter().collect()),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn topic_rules_and_the_mapping_never_panic(t in topic()) {
        let filter = check_filter(&t);
        let name = check_name(&t);
        // A valid name is a valid filter: a name is a filter without wildcards.
        if name.is_ok() {
            prop_assert!(filter.is_ok(), "{t:?}: {filter:?}");
        }
        // Every refusal says what is wrong in words.
        for problem in [filter.err(), name.err()].into_iter().flatten() {
            prop_assert!(!problem.to_string().is_empty());
        }
        let _ = dot_warning(&t);
        let _ = from_routing_key(&t);
    }

    #[test]
    fn a_topic_without_dots_or_stars_maps_to_a_key_and_back_unchanged(t in topic()) {
        let t: String = t.chars().filter(|c| !matches!(c, '.' | '*')).collect();
        prop_assert_eq!(from_routing_key(&to_routing_key(&t)), t.clone());
        prop_assert_eq!(dot_warning(&t), None);
        // The key has no slash for RabbitMQ to keep: AMQP sees every level.
        prop_assert!(!to_routing_key(&t).contains('/'));
    }

    #[test]
    fn any_topic_comes_back_as_rabbitmq_delivers_it(t in topic()) {
        let back = from_routing_key(&to_routing_key(&t));
        let expected: String = t
            .chars()
            .map(|c| match c {
                '.' => '/',
                '*' => '+',
                other => other,
            })
            .collect();
        prop_assert_eq!(&back, &expected);
        // The warning is there exactly when the subscriber sees something else.
        prop_assert_eq!(dot_warning(&t).is_some(), back != t);
    }
}
