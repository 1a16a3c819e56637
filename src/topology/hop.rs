//! One hop of the simulation: how an exchange's type picks its bindings (through
//! `crate::routing`, the explainer's rules), the keys a message carries, and how a path
//! names what it passes.

use super::{Arguments, Exchange, simulate::Edge};
use crate::{amqp::ExchangeType, session::Table, text::visible};

/// How an exchange type picks bindings, and a note when the choice cannot be predicted.
pub(super) fn matching(exchange: &Exchange) -> (Option<ExchangeType>, Option<String>) {
    let known = |kind: &str| ExchangeType::ALL.into_iter().find(|t| t.as_str() == kind);
    if let Some(kind) = known(&exchange.kind) {
        return (Some(kind), None);
    }
    let name = label(&exchange.name);
    let kind = visible(&exchange.kind);
    if exchange.kind == "x-delayed-message" {
        let later = exchange
            .arguments
            .get("x-delayed-type")
            .and_then(|v| v.as_str())
            .and_then(known);
        let how = later.map_or("an unknown type".to_string(), |t| t.as_str().to_string());
        return (
            later,
            Some(format!(
                "{name} ({kind}) holds messages back, then routes them as {how}"
            )),
        );
    }
    (
        None,
        Some(format!(
            "{name} ({kind}) picks among its bindings in a way that cannot be predicted here: every binding is shown as possible"
        )),
    )
}

/// Whether `edge` takes a message with these keys (each also as topic words) and
/// headers.
pub(super) fn takes(
    kind: Option<ExchangeType>,
    edge: &Edge,
    (keys, key_words): (&[String], &[Vec<&str>]),
    headers: &Table,
) -> bool {
    let Some(kind) = kind else {
        return true;
    };
    let Some(arguments) = &edge.arguments else {
        return false;
    };
    let key = &edge.binding.routing_key;
    match kind {
        // The key plays no part: asking once is enough.
        ExchangeType::Fanout | ExchangeType::Headers => {
            crate::routing::matches(kind, key, arguments, "", headers)
        }
        ExchangeType::Topic if edge.pattern.is_some() => {
            let pattern = edge.pattern.as_deref().unwrap_or_default();
            key_words
                .iter()
                .any(|k| crate::routing::topic_words_match(pattern, k))
        }
        ExchangeType::Direct | ExchangeType::Topic => keys
            .iter()
            .any(|k| crate::routing::matches(kind, key, arguments, k, headers)),
    }
}

/// What a path shows on an edge: the binding key, or a headers binding's arguments.
pub(super) fn edge_label(kind: Option<ExchangeType>, edge: &Edge) -> String {
    match (kind, &edge.arguments) {
        (Some(ExchangeType::Headers), Some(arguments)) => crate::routing::format_binding(
            ExchangeType::Headers,
            &crate::amqp::Binding {
                key: String::new(),
                arguments: arguments.clone(),
            },
        ),
        _ => visible(&edge.binding.routing_key),
    }
}

/// An exchange's name as paths show it.
pub(super) fn label(exchange: &str) -> String {
    if exchange.is_empty() {
        "(default)".into()
    } else {
        visible(exchange)
    }
}

pub(super) fn push_once(list: &mut Vec<String>, note: String) {
    if !list.contains(&note) {
        list.push(note);
    }
}

/// JSON arguments as AMQP values, as the broker compares them.
pub(super) fn table(arguments: &Arguments) -> Option<Table> {
    arguments
        .iter()
        .map(|(k, v)| {
            Some((
                k.clone(),
                crate::session::properties::value_from_json(v.clone()).ok()?,
            ))
        })
        .collect()
}

/// The routing key, then the `CC` and `BCC` headers' keys (`rabbit_basic:header_routes`):
/// each must be an array; its string elements are keys.
pub(super) fn routing_keys(key: &str, headers: &Arguments) -> Result<Vec<String>, String> {
    let mut keys = vec![key.to_string()];
    for name in ["CC", "BCC"] {
        match headers.get(name) {
            None => {}
            Some(serde_json::Value::Array(items)) => {
                for item in items {
                    if let Some(k) = item.as_str()
                        && !keys.iter().any(|known| known == k)
                    {
                        keys.push(k.to_string());
                    }
                }
            }
            Some(_) => {
                return Err(format!(
                    "The {name} header must be an array of routing keys (e.g. [\"a\", \"b\"]): the broker refuses to route a message with any other {name}."
                ));
            }
        }
    }
    Ok(keys)
}
