//! A local model of how RabbitMQ routes a message to bindings: no broker involved.
//!
//! Each exchange type follows RabbitMQ's own source (deps/rabbit/src in
//! rabbitmq-server), so the verdict is what the broker would do, and the reason says
//! why in words an operator can act on:
//!
//! * direct (`rabbit_exchange_type_direct.erl`): the key equals the binding key, byte
//!   for byte;
//! * fanout (`rabbit_exchange_type_fanout.erl`): every binding, whatever the key;
//! * topic: see [`topic`];
//! * headers: see [`headers`] and [`term`].

mod headers;
mod reader;
mod syntax;
mod term;
mod topic;

pub use syntax::{format_binding, parse_binding};

use crate::{
    amqp::{Binding, ExchangeType},
    session::Table,
};

/// Whether a binding takes a message, and why, in one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub matched: bool,
    pub reason: String,
}

impl Verdict {
    fn new(matched: bool, reason: String) -> Self {
        Self { matched, reason }
    }
}

/// Would a message with this routing key and these headers go through this binding?
pub fn explain(
    exchange_type: ExchangeType,
    binding: &Binding,
    routing_key: &str,
    headers: &Table,
) -> Verdict {
    match exchange_type {
        ExchangeType::Direct => direct(&binding.key, routing_key),
        ExchangeType::Fanout => Verdict::new(
            true,
            "fanout: every queue bound gets every message".to_string(),
        ),
        ExchangeType::Topic => topic::explain(&binding.key, routing_key),
        ExchangeType::Headers => headers::explain(&binding.arguments, headers),
    }
}

/// [`explain`] for each binding, in order.
pub fn explain_all(
    exchange_type: ExchangeType,
    bindings: &[Binding],
    routing_key: &str,
    headers: &Table,
) -> Vec<(Binding, Verdict)> {
    bindings
        .iter()
        .map(|b| (b.clone(), explain(exchange_type, b, routing_key, headers)))
        .collect()
}

/// Whether a binding with this key and these arguments takes the message: the verdict of
/// [`explain`] alone, for the simulator, which asks it of every binding on the way. Direct
/// and fanout answer without building a reason.
pub fn matches(
    exchange_type: ExchangeType,
    binding_key: &str,
    arguments: &Table,
    routing_key: &str,
    headers: &Table,
) -> bool {
    match exchange_type {
        ExchangeType::Direct => direct_matches(binding_key, routing_key),
        ExchangeType::Fanout => true,
        ExchangeType::Topic => topic::is_match(binding_key, routing_key),
        ExchangeType::Headers => headers::is_match(arguments, headers),
    }
}

/// A topic key or pattern as its words (see `topic`): split once, matched many times
/// with [`topic_words_match`].
pub fn topic_words(s: &str) -> Vec<&str> {
    topic::words(s)
}

/// Whether the topic pattern's words match the key's, as [`matches`] decides it.
pub fn topic_words_match(pattern: &[&str], key: &[&str]) -> bool {
    topic::is_match_words(pattern, key)
}

/// Byte for byte, as `rabbit_exchange_type_direct` looks the key up.
fn direct_matches(binding_key: &str, key: &str) -> bool {
    key == binding_key
}

fn direct(binding_key: &str, key: &str) -> Verdict {
    let (k, b) = (quote(key), quote(binding_key));
    if direct_matches(binding_key, key) {
        return Verdict::new(true, format!("direct: key {k} = binding key {b}"));
    }
    // The two near misses an operator stares at longest.
    let hint = if key.eq_ignore_ascii_case(binding_key) {
        " (case matters)"
    } else if key.trim() == binding_key.trim() {
        " (they differ in spaces at the ends)"
    } else {
        ""
    };
    Verdict::new(false, format!("direct: key {k} ≠ binding key {b}{hint}"))
}

/// Text from a message or a broker, in quotes and safe to draw (see [`crate::text`]).
fn quote(s: &str) -> String {
    format!("\"{}\"", crate::text::visible(s).replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn says(v: &Verdict, part: &str) {
        assert!(v.reason.contains(part), "{:?} lacks {part:?}", v.reason);
    }

    #[test]
    fn direct_needs_byte_equality() {
        let b = Binding::key("orders");
        let yes = explain(ExchangeType::Direct, &b, "orders", &vec![]);
        assert!(yes.matched);
        let no = explain(ExchangeType::Direct, &b, "Orders", &vec![]);
        assert!(!no.matched);
        says(
            &no,
            r#"direct: key "Orders" ≠ binding key "orders" (case matters)"#,
        );
        let spaced = explain(ExchangeType::Direct, &b, "orders ", &vec![]);
        assert!(!spaced.matched);
        says(&spaced, "spaces");
        // The empty key is a key like any other.
        let empty = explain(ExchangeType::Direct, &Binding::key(""), "", &vec![]);
        assert!(empty.matched);
        assert!(!explain(ExchangeType::Direct, &b, "", &vec![]).matched);
    }

    #[test]
    fn direct_does_not_treat_wildcards_specially() {
        let v = explain(ExchangeType::Direct, &Binding::key("#"), "a", &vec![]);
        assert!(!v.matched, "{v:?}");
        assert!(explain(ExchangeType::Direct, &Binding::key("a.*"), "a.*", &vec![]).matched);
    }

    #[test]
    fn fanout_matches_whatever_the_key() {
        for key in ["", "anything", "a.b"] {
            let v = explain(ExchangeType::Fanout, &Binding::key("other"), key, &vec![]);
            assert!(v.matched);
            assert_eq!(v.reason, "fanout: every queue bound gets every message");
        }
    }

    #[test]
    fn explain_all_keeps_the_order_and_judges_each() {
        let bindings = [Binding::key("a.*"), Binding::key("#"), Binding::key("b")];
        let all = explain_all(ExchangeType::Topic, &bindings, "a.x", &vec![]);
        let got: Vec<(&str, bool)> = all
            .iter()
            .map(|(b, v)| (b.key.as_str(), v.matched))
            .collect();
        assert_eq!(got, [("a.*", true), ("#", true), ("b", false)]);
    }

    #[test]
    fn reasons_never_carry_raw_control_characters() {
        let v = explain(
            ExchangeType::Direct,
            &Binding::key("a"),
            "\x1b[2Jb",
            &vec![],
        );
        assert!(!v.reason.contains('\x1b'), "{:?}", v.reason);
        says(&v, "\\e[2Jb");
    }
}
