//! MQTT topic names and filters: what MQTT 3.1.1 allows, and what RabbitMQ makes of them.
//!
//! RabbitMQ publishes every MQTT message to `amq.topic` (its `mqtt.exchange`) with the
//! topic as routing key, `/` made `.` (and `+` made `*` in filters), so an AMQP tap on
//! `amq.topic` with `test.#` sees `test/any`, and an AMQP publish with key `test.any`
//! reaches an MQTT subscriber of `test/#` as topic `test/any`. It is not a swap: on
//! 3.10.8 an MQTT `v1.2/x` becomes key `v1.2.x`, and every `.` of a key becomes `/` (and
//! `*` becomes `+`) on the way to an MQTT subscriber, so that one arrives as `v1/2/x`.

/// MQTT's limit on a topic: a two-byte length prefix.
const MAX_TOPIC_BYTES: usize = 65_535;

/// Why a topic filter or name is refused, worded to follow the quoted topic:
/// `'a/#/b' puts # before its end`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TopicError {
    #[error("is empty: give a topic such as test/any")]
    Empty,
    #[error("is {0} bytes long: MQTT allows at most 65535")]
    TooLong(usize),
    #[error("contains a NUL character, which MQTT forbids")]
    Nul,
    #[error("puts # before its end: # must be the last level, alone (a/b/#)")]
    HashNotLast,
    #[error(
        "mixes a wildcard with other characters in one level: use + or # alone between slashes (a/+/c)"
    )]
    WildcardInLevel,
    #[error(
        "has a wildcard (+ or #): a publish goes to one topic, only subscriptions take wildcards"
    )]
    WildcardInName,
}

fn common(topic: &str) -> Result<(), TopicError> {
    if topic.is_empty() {
        return Err(TopicError::Empty);
    }
    if topic.len() > MAX_TOPIC_BYTES {
        return Err(TopicError::TooLong(topic.len()));
    }
    if topic.contains('\0') {
        return Err(TopicError::Nul);
    }
    Ok(())
}

/// A subscription's topic filter, by MQTT 3.1.1 section 4.7.
pub fn check_filter(filter: &str) -> Result<(), TopicError> {
    common(filter)?;
    let levels: Vec<&str> = filter.split('/').collect();
    for (i, level) in levels.iter().enumerate() {
        if level.contains('#') {
            if *level != "#" {
                return Err(TopicError::WildcardInLevel);
            }
            if i + 1 != levels.len() {
                return Err(TopicError::HashNotLast);
            }
        }
        if level.contains('+') && *level != "+" {
            return Err(TopicError::WildcardInLevel);
        }
    }
    Ok(())
}

/// A topic to publish to: no wildcards.
pub fn check_name(topic: &str) -> Result<(), TopicError> {
    common(topic)?;
    if topic.contains(['+', '#']) {
        return Err(TopicError::WildcardInName);
    }
    Ok(())
}

/// A warning for a topic that MQTT subscribers will not see as it was published: one with
/// dots (or `*`), which RabbitMQ turns into slashes (or `+`) on the way back.
pub fn dot_warning(topic: &str) -> Option<String> {
    let key = to_routing_key(topic);
    let back = from_routing_key(&key);
    (back != topic).then(|| {
        format!(
            "'{topic}' contains dots or '*': RabbitMQ turns '/' into '.' for AMQP (key '{key}') and every '.' into '/' ('*' into '+') for MQTT, so MQTT subscribers see '{back}'."
        )
    })
}

/// The routing key RabbitMQ 3.10 publishes an MQTT topic (or binds a filter) with: `/`
/// becomes `.`, `+` becomes `*`; a `.` stays a `.`.
pub fn to_routing_key(topic: &str) -> String {
    topic
        .chars()
        .map(|c| match c {
            '/' => '.',
            '+' => '*',
            other => other,
        })
        .collect()
}

/// The MQTT topic RabbitMQ 3.10 delivers an AMQP routing key as: `.` becomes `/`, `*`
/// becomes `+`; a `/` stays a `/`.
pub fn from_routing_key(key: &str) -> String {
    key.chars()
        .map(|c| match c {
            '.' => '/',
            '*' => '+',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_follow_mqtt_3_1_1() {
        for good in [
            "test/#",
            "#",
            "+",
            "a/+/c",
            "+/+",
            "/a",
            "a//b",
            "sport/tennis/+",
        ] {
            assert_eq!(check_filter(good), Ok(()), "{good}");
        }
        assert_eq!(check_filter("a/#/b"), Err(TopicError::HashNotLast));
        assert_eq!(check_filter("a/b#"), Err(TopicError::WildcardInLevel));
        assert_eq!(check_filter("a+/b"), Err(TopicError::WildcardInLevel));
        assert_eq!(check_filter(""), Err(TopicError::Empty));
        assert_eq!(check_filter("a\0b"), Err(TopicError::Nul));
        assert_eq!(
            check_filter(&"a".repeat(65_536)),
            Err(TopicError::TooLong(65_536))
        );
    }

    #[test]
    fn a_publish_topic_takes_no_wildcard() {
        assert_eq!(check_name("test/any"), Ok(()));
        assert_eq!(check_name("test/#"), Err(TopicError::WildcardInName));
        assert_eq!(check_name("a/+/b"), Err(TopicError::WildcardInName));
    }

    #[test]
    fn topics_map_to_keys_as_rabbitmq_maps_them() {
        assert_eq!(to_routing_key("test/any"), "test.any");
        assert_eq!(to_routing_key("a/+/#"), "a.*.#");
        // As RabbitMQ 3.10.8 does it (tests/mqtt_traffic.rs checks it against the node).
        assert_eq!(to_routing_key("v1.2/x"), "v1.2.x");
        assert_eq!(to_routing_key("a*b/c"), "a*b.c");
        assert_eq!(from_routing_key("test.any"), "test/any");
        assert_eq!(from_routing_key("a/b.c*"), "a/b/c+");
        assert_eq!(from_routing_key(&to_routing_key("x/y.z")), "x/y/z");
        assert!(dot_warning("test/any").is_none());
        let warning = dot_warning("v1.2/x").expect("dots");
        assert!(
            warning.contains("key 'v1.2.x'") && warning.contains("see 'v1/2/x'"),
            "{warning}"
        );
        assert!(dot_warning("a*b").is_some());
    }
}
