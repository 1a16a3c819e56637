//! The message pane's filter: a substring (any case) or a `/regex/`, matched against the
//! routing key, an MQTT message's topic, the exchange, the headers and the body.

use regex::bytes::Regex;

use crate::session::{Message, MessagePart, Value};

/// Bodies are searched up to here: a filter must not stall the UI on a 128 MiB body.
pub const SEARCHED_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug)]
pub struct Filter {
    /// As the user typed it, for the pane title.
    pub text: String,
    /// A substring becomes a case-insensitive regex of its literal text: one matcher,
    /// run on the bytes as they are, with no copy or lowercasing per message — a filter
    /// is applied to every delivery of a flood.
    matcher: Regex,
}

/// The same text is the same filter: the matcher is made from it.
impl PartialEq for Filter {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Filter {}

impl Filter {
    /// `/pattern/` is a regular expression; anything else a substring, any case.
    pub fn parse(input: &str) -> Result<Self, String> {
        let pattern = match input.strip_prefix('/').and_then(|r| r.strip_suffix('/')) {
            Some(pattern) if !pattern.is_empty() => pattern.to_string(),
            _ => format!("(?i){}", regex::escape(input)),
        };
        let matcher = Regex::new(&pattern).map_err(|e| regex_error(&e))?;
        Ok(Self {
            text: input.to_string(),
            matcher,
        })
    }

    /// Whether a name (the broker view's exchanges and queues) matches.
    pub fn matches_text(&self, text: &str) -> bool {
        self.matcher.is_match(text.as_bytes())
    }

    pub fn matches(&self, delivery: &Message) -> bool {
        let body_end = delivery.body.len().min(SEARCHED_BODY_BYTES);
        let found = |bytes: &[u8]| self.matcher.is_match(bytes);
        // An MQTT message's key is its topic with `/` and `.` swapped: a term written
        // either way finds it, as the user sees the topic in the pane and AMQP sees the key.
        let topic = match &delivery.part {
            MessagePart::Mqtt(facts) => Some(facts.topic.as_bytes()),
            MessagePart::Stomp(facts) => Some(facts.destination.as_bytes()),
            MessagePart::Amqp => None,
        };
        found(delivery.routing_key.as_bytes())
            || topic.is_some_and(found)
            || found(delivery.exchange.as_bytes())
            || found(&delivery.body[..body_end])
            || delivery
                .properties
                .headers
                .as_ref()
                .is_some_and(|table| found(header_text(table).as_bytes()))
    }
}

/// One line for the prompt. regex words a syntax error over several lines, the pattern
/// and a caret under the fault, which a one-line field would show as literal `\n`s:
/// `not a valid regular expression: unclosed group (column 1)`.
fn regex_error(error: &regex::Error) -> String {
    let regex::Error::Syntax(text) = error else {
        return format!("not a valid regular expression: {error}");
    };
    let lines: Vec<&str> = text.lines().collect();
    let reason = lines
        .iter()
        .rev()
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or("syntax error");
    // regex indents the pattern and the caret line under it by four columns.
    let column = lines.iter().skip(1).find_map(|line| {
        let marks = line.trim();
        let caret = line.find('^')?;
        marks
            .chars()
            .all(|c| c == '^')
            .then(|| caret.saturating_sub(4) + 1)
    });
    match column {
        Some(column) => format!("not a valid regular expression: {reason} (column {column})"),
        None => format!("not a valid regular expression: {reason}"),
    }
}

/// `name=value` pairs, nested tables flattened as `outer.inner=value`, so a filter can
/// name a header and its value together.
fn header_text(table: &[(String, Value)]) -> String {
    let mut out = String::new();
    flatten(&mut out, "", table, 0);
    out
}

fn flatten(out: &mut String, prefix: &str, table: &[(String, Value)], depth: usize) {
    if depth > 16 {
        return;
    }
    for (name, value) in table {
        let name = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        match value {
            Value::Table(inner) => flatten(out, &name, inner, depth + 1),
            other => {
                out.push_str(&name);
                out.push('=');
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::ShortString(s) => s.clone(),
        Value::LongString(bytes) | Value::ByteArray(bytes) => {
            String::from_utf8_lossy(bytes).into_owned()
        }
        Value::Bool(b) => b.to_string(),
        Value::I8(v) => v.to_string(),
        Value::U8(v) => v.to_string(),
        Value::I16(v) => v.to_string(),
        Value::U16(v) => v.to_string(),
        Value::I32(v) => v.to_string(),
        Value::U32(v) => v.to_string(),
        Value::I64(v) => v.to_string(),
        Value::F32Bits(bits) => f32::from_bits(*bits).to_string(),
        Value::F64Bits(bits) => f64::from_bits(*bits).to_string(),
        Value::Decimal { scale, value } => format!("{value}e-{scale}"),
        Value::Timestamp(t) => t.to_string(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        Value::Table(_) | Value::Void => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(key: &str, body: &[u8], headers: Option<Vec<(String, Value)>>) -> Message {
        Message {
            received_at: chrono::Local::now(),
            exchange: "orders".into(),
            routing_key: key.into(),
            redelivered: false,
            delivery_tag: 1,
            epoch: 1,
            consumer_tag: None,
            properties: crate::session::Properties {
                headers,
                ..Default::default()
            },
            body: body.to_vec(),
            part: Default::default(),
        }
    }

    #[test]
    fn a_substring_matches_key_body_or_headers_in_any_case() {
        let filter = Filter::parse("EU").expect("valid");
        assert!(filter.matches(&delivery("order.eu.new", b"", None)));
        assert!(filter.matches(&delivery("k", b"shipped to eu-west", None)));
        let headers = vec![(
            "meta".to_string(),
            Value::Table(vec![("region".into(), Value::LongString(b"eu".to_vec()))]),
        )];
        assert!(filter.matches(&delivery("k", b"", Some(headers))));
        assert!(!filter.matches(&delivery("order.us", b"us", None)));
    }

    #[test]
    fn a_nested_header_is_named_with_its_path() {
        let headers = vec![(
            "meta".to_string(),
            Value::Table(vec![("region".into(), Value::I32(7))]),
        )];
        let filter = Filter::parse("/meta\\.region=7/").expect("valid");
        assert!(filter.matches(&delivery("k", b"", Some(headers))));
    }

    #[test]
    fn slashes_make_a_regex_and_a_bad_one_is_explained() {
        let filter = Filter::parse("/^order\\.(eu|us)\\./").expect("valid");
        assert!(filter.matches(&delivery("order.us.new", b"", None)));
        assert!(!filter.matches(&delivery("x.order.us.new", b"", None)));
        let err = Filter::parse("/(unclosed/").expect_err("invalid");
        assert_eq!(
            err,
            "not a valid regular expression: unclosed group (column 1)"
        );
        let err = Filter::parse("/a{2,1}/").expect_err("invalid");
        assert!(!err.contains('\n'), "{err}");
        assert!(err.contains("column 2"), "{err}");
    }

    fn mqtt(topic: &str) -> Message {
        let mut message = delivery(&crate::mqtt::topic::to_routing_key(topic), b"", None);
        message.exchange = crate::mqtt::MQTT_EXCHANGE.into();
        message.part = MessagePart::Mqtt(crate::session::MqttFacts {
            topic: topic.into(),
            qos: 1,
            retain: false,
            dup: false,
        });
        message
    }

    #[test]
    fn a_term_finds_a_stomp_message_by_its_destination() {
        let mut message = delivery("test.any", b"", None);
        message.part = MessagePart::Stomp(crate::session::StompFacts {
            destination: "/topic/test.any".into(),
            ..Default::default()
        });
        for term in ["/topic/test", "/^\\/topic\\/test\\.any$/", "TEST.any"] {
            let filter = Filter::parse(term).expect("valid");
            assert!(filter.matches(&message), "{term} finds it");
        }
        assert!(!Filter::parse("/queue/").expect("valid").matches(&message));
    }

    #[test]
    fn a_term_finds_an_mqtt_message_by_its_topic_or_its_key() {
        let message = mqtt("sensors/kitchen/temp");
        for term in [
            "Kitchen/Temp",
            "kitchen.temp",
            "/^sensors/kitchen/temp$/",
            "/^sensors\\.kitchen\\.temp$/",
        ] {
            let filter = Filter::parse(term).expect("valid");
            assert!(filter.matches(&message), "{term} finds it");
        }
        for term in ["kitchen/humidity", "/^kitchen/"] {
            let filter = Filter::parse(term).expect("valid");
            assert!(!filter.matches(&message), "{term} does not");
        }
        // An AMQP message has no topic: a slash term finds it only in its own fields.
        let amqp = delivery("sensors.kitchen.temp", b"", None);
        assert!(!Filter::parse("kitchen/temp").expect("valid").matches(&amqp));
    }

    #[test]
    fn a_hostile_topic_is_matched_as_the_bytes_it_is() {
        let message = mqtt("a/\x1b[2J/中文");
        assert!(
            Filter::parse("\x1b[2J/中")
                .expect("valid")
                .matches(&message)
        );
        assert!(
            Filter::parse("/2J/中文$/")
                .expect("valid")
                .matches(&message)
        );
    }

    #[test]
    fn only_the_head_of_a_huge_body_is_searched() {
        let mut body = vec![b'a'; SEARCHED_BODY_BYTES];
        body.extend_from_slice(b"needle");
        let filter = Filter::parse("needle").expect("valid");
        assert!(!filter.matches(&delivery("k", &body, None)));
    }
}
