//! RabbitMQ's STOMP destinations: the four forms a session subscribes and sends to, and
//! what each is as AMQP routing (the exchange and key a publish lands on), so a STOMP
//! message is routed, matched and explained like any other.

use std::fmt;

/// A destination RabbitMQ's STOMP plugin accepts for SUBSCRIBE and SEND.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// `/exchange/NAME[/PATTERN]`: SEND publishes to NAME with key PATTERN; SUBSCRIBE
    /// binds an exclusive auto-delete queue with PATTERN.
    Exchange { name: String, key: String },
    /// `/queue/NAME`: a durable queue, declared on first use; SEND goes through the
    /// default exchange.
    Queue(String),
    /// `/amq/queue/NAME`: an existing queue only.
    AmqQueue(String),
    /// `/topic/KEY`: `amq.topic` with key KEY.
    Topic(String),
}

/// Why a destination was refused, in words for the field that holds it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DestinationError {
    #[error("a destination is needed, e.g. /topic/test.# or /exchange/testEx/test")]
    Empty,
    #[error(
        "'{0}' is none of RabbitMQ's destinations: use /exchange/NAME/KEY, /queue/NAME, /amq/queue/NAME or /topic/KEY"
    )]
    Unknown(String),
    #[error("'{0}' names no {1}: write it after the last '/'")]
    MissingName(String, &'static str),
}

impl Destination {
    pub fn parse(text: &str) -> Result<Self, DestinationError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DestinationError::Empty);
        }
        let named = |rest: &str, what| {
            if rest.is_empty() {
                Err(DestinationError::MissingName(text.to_string(), what))
            } else {
                Ok(rest.to_string())
            }
        };
        if let Some(rest) = text.strip_prefix("/exchange/") {
            let (name, key) = rest.split_once('/').unwrap_or((rest, ""));
            return Ok(Self::Exchange {
                name: named(name, "exchange")?,
                key: key.to_string(),
            });
        }
        if let Some(rest) = text.strip_prefix("/amq/queue/") {
            return named(rest, "queue").map(Self::AmqQueue);
        }
        if let Some(rest) = text.strip_prefix("/queue/") {
            return named(rest, "queue").map(Self::Queue);
        }
        if let Some(rest) = text.strip_prefix("/topic/") {
            return named(rest, "routing key").map(Self::Topic);
        }
        Err(DestinationError::Unknown(text.to_string()))
    }

    /// The exchange and routing key a SEND to it is published with, as AMQP sees it.
    pub fn routing(&self) -> (String, String) {
        match self {
            Self::Exchange { name, key } => (name.clone(), key.clone()),
            Self::Queue(queue) | Self::AmqQueue(queue) => (String::new(), queue.clone()),
            Self::Topic(key) => (crate::mqtt::MQTT_EXCHANGE.to_string(), key.clone()),
        }
    }

    /// Where a STOMP SEND goes to land on `exchange` with `key`: the inverse of `routing`
    /// (the default exchange is a queue's name, `amq.topic` a topic key).
    pub fn for_routing(exchange: &str, key: &str) -> Self {
        match exchange {
            "" => Self::Queue(key.to_string()),
            crate::mqtt::MQTT_EXCHANGE => Self::Topic(key.to_string()),
            name => Self::Exchange {
                name: name.to_string(),
                key: key.to_string(),
            },
        }
    }

    /// RabbitMQ writes a MESSAGE's `destination` with `/`, `%` and non-ASCII bytes of its
    /// names percent-encoded (`/exchange/x/a%2Fb`): the routing those names stand for.
    pub fn from_message_header(header: &str) -> Option<Self> {
        let decoded = |part: &str| percent_decode(part);
        let parsed = Self::parse(header).ok()?;
        Some(match parsed {
            Self::Exchange { name, key } => Self::Exchange {
                name: decoded(&name),
                key: decoded(&key),
            },
            Self::Queue(q) => Self::Queue(decoded(&q)),
            Self::AmqQueue(q) => Self::AmqQueue(decoded(&q)),
            Self::Topic(k) => Self::Topic(decoded(&k)),
        })
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exchange { name, key } if key.is_empty() => write!(f, "/exchange/{name}"),
            Self::Exchange { name, key } => write!(f, "/exchange/{name}/{key}"),
            Self::Queue(q) => write!(f, "/queue/{q}"),
            Self::AmqQueue(q) => write!(f, "/amq/queue/{q}"),
            Self::Topic(k) => write!(f, "/topic/{k}"),
        }
    }
}

/// `%XX` sequences back to bytes; anything malformed is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_is_routing_as_rabbitmq_does_it() {
        let routing = |d: &str| Destination::parse(d).expect(d).routing();
        assert_eq!(
            routing("/exchange/testEx/test"),
            ("testEx".into(), "test".into())
        );
        assert_eq!(
            routing("/exchange/amq.fanout"),
            ("amq.fanout".into(), String::new())
        );
        assert_eq!(routing("/queue/orders"), (String::new(), "orders".into()));
        assert_eq!(
            routing("/amq/queue/orders"),
            (String::new(), "orders".into())
        );
        assert_eq!(
            routing("/topic/test.any"),
            ("amq.topic".into(), "test.any".into())
        );
    }

    #[test]
    fn a_destination_of_no_known_form_says_which_forms_are() {
        for bad in ["orders", "/queues/x", "/temp-queue/x", "topic/x"] {
            let err = Destination::parse(bad).expect_err(bad).to_string();
            assert!(
                err.contains("/exchange/NAME/KEY") && err.contains(bad),
                "{err}"
            );
        }
        assert_eq!(Destination::parse("  "), Err(DestinationError::Empty));
        assert!(matches!(
            Destination::parse("/queue/"),
            Err(DestinationError::MissingName(_, "queue"))
        ));
    }

    #[test]
    fn a_message_destination_is_percent_decoded() {
        let d = Destination::from_message_header("/exchange/x%2Fy/a%2Fb%25").expect("valid");
        assert_eq!(d.routing(), ("x/y".into(), "a/b%".into()));
        let d = Destination::from_message_header("/topic/%E6%9D%B1").expect("valid");
        assert_eq!(d.routing().1, "東");
        // Malformed escapes stay as written.
        let d = Destination::from_message_header("/queue/100%").expect("valid");
        assert_eq!(d.routing().1, "100%");
        assert_eq!(
            Destination::parse("/topic/a.b").expect("valid").to_string(),
            "/topic/a.b"
        );
    }

    #[test]
    fn routing_maps_back_to_the_destination_that_lands_there() {
        for text in ["/exchange/testEx/test", "/queue/orders", "/topic/test.any"] {
            let d = Destination::parse(text).expect(text);
            let (exchange, key) = d.routing();
            assert_eq!(Destination::for_routing(&exchange, &key), d);
        }
    }
}
