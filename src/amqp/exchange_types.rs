//! What is known about an exchange's type before connecting. A passive declare (all a
//! tap may do: it must never create or change anything) says whether an exchange exists,
//! not its type; only the built-in `amq.*` exchanges have types known in advance. For
//! any other tapped exchange the type is the user's choice, assumed and unchecked, and
//! the title and the explainer say so. (A management API lookup could tell it.)

use super::settings::{ExchangeType, Routing, Source};

/// The type of a built-in exchange every RabbitMQ virtual host has, whatever the form
/// says; `None` for any other name.
pub fn builtin_type(exchange: &str) -> Option<ExchangeType> {
    match exchange {
        "amq.direct" => Some(ExchangeType::Direct),
        "amq.fanout" => Some(ExchangeType::Fanout),
        "amq.topic" | "amq.rabbitmq.trace" => Some(ExchangeType::Topic),
        "amq.headers" | "amq.match" => Some(ExchangeType::Headers),
        _ => None,
    }
}

/// The type to bind and explain with: a built-in exchange's own, else the chosen one.
pub fn effective_type(exchange: &str, chosen: ExchangeType) -> ExchangeType {
    builtin_type(exchange).unwrap_or(chosen)
}

impl Routing {
    /// Whether the exchange type is only the user's choice: a tap on an exchange that is
    /// not built in. Declaring checks it (the broker refuses another type with
    /// PRECONDITION_FAILED), and an existing queue has no exchange to explain.
    pub fn type_assumed(&self) -> bool {
        self.source == Source::TapExchange && builtin_type(&self.exchange).is_none()
    }

    /// `topic`, or `topic, assumed` when [`Routing::type_assumed`].
    pub fn type_label(&self) -> String {
        if self.type_assumed() {
            format!("{}, assumed", self.exchange_type)
        } else {
            self.exchange_type.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tap(exchange: &str, exchange_type: ExchangeType) -> Routing {
        Routing {
            source: Source::TapExchange,
            exchange: exchange.into(),
            exchange_type,
            ..Routing::default()
        }
    }

    #[test]
    fn built_in_exchanges_have_their_own_type() {
        for (name, expected) in [
            ("amq.direct", ExchangeType::Direct),
            ("amq.fanout", ExchangeType::Fanout),
            ("amq.topic", ExchangeType::Topic),
            ("amq.headers", ExchangeType::Headers),
            ("amq.match", ExchangeType::Headers),
            ("amq.rabbitmq.trace", ExchangeType::Topic),
        ] {
            assert_eq!(
                effective_type(name, ExchangeType::Direct),
                expected,
                "{name}"
            );
        }
        assert_eq!(
            effective_type("shop", ExchangeType::Fanout),
            ExchangeType::Fanout
        );
    }

    #[test]
    fn only_a_tap_on_another_exchange_assumes_its_type() {
        assert!(tap("shop", ExchangeType::Topic).type_assumed());
        assert_eq!(
            tap("shop", ExchangeType::Topic).type_label(),
            "topic, assumed"
        );
        assert!(!tap("amq.topic", ExchangeType::Topic).type_assumed());
        let declared = Routing {
            exchange: "shop".into(),
            ..Routing::default()
        };
        assert_eq!(declared.type_label(), "direct");
    }
}
