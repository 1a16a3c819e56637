//! STOMP frames in the session's terms: a MESSAGE as the app's [`Message`], a publish
//! request as a SEND. RabbitMQ carries a message's AMQP properties as STOMP headers both
//! ways (`rabbit_stomp_util`), so a message keeps its properties across protocols.

use chrono::Local;

use super::{Command, Destination, Frame};
use crate::session::{Message, MessagePart, Properties, StompFacts, Value};

/// The header RabbitMQ uses for the AMQP `message-id` property: STOMP's own `message-id`
/// names the delivery, and RabbitMQ refuses it on SEND.
const AMQP_MESSAGE_ID: &str = "amqp-message-id";

/// Headers that frame or route a MESSAGE, not properties of the message itself.
const FRAMING: [&str; 6] = [
    "destination",
    "message-id",
    "subscription",
    "ack",
    "redelivered",
    "content-length",
];

/// Headers a SEND must not take from a message's custom headers: they would redirect it,
/// ask for a receipt of our own, or be refused (`message-id`).
const RESERVED_ON_SEND: [&str; 6] = [
    "destination",
    "receipt",
    "content-length",
    "message-id",
    "transaction",
    "persistent",
];

/// A MESSAGE frame as the app keeps it. `delivery_tag` and `consumer_tag` are the
/// session's: the tag it settles the message by, and the subscription id. Its `ack` is
/// kept for the user to settle by only when `user_settles`.
pub fn message(
    frame: Frame,
    delivery_tag: u64,
    epoch: u64,
    websocket: bool,
    user_settles: bool,
) -> Message {
    let destination = frame.header("destination").unwrap_or_default().to_string();
    let (exchange, routing_key) = Destination::from_message_header(&destination)
        .map(|d| d.routing())
        .unwrap_or_default();
    let subscription = frame.header("subscription").unwrap_or_default().to_string();
    let mut properties = Properties::default();
    let mut custom = Vec::new();
    // The first of repeated headers counts (STOMP 1.2); later ones stay in `headers`.
    let mut seen = std::collections::HashSet::new();
    for (name, value) in &frame.headers {
        if !seen.insert(name.as_str()) || FRAMING.contains(&name.as_str()) {
            continue;
        }
        if !set_property(&mut properties, name, value) {
            custom.push((name.clone(), Value::LongString(value.clone().into_bytes())));
        }
    }
    if !custom.is_empty() {
        properties.headers = Some(custom);
    }
    Message {
        received_at: Local::now(),
        exchange,
        routing_key,
        redelivered: frame.header("redelivered") == Some("true"),
        delivery_tag,
        consumer_tag: Some(subscription.clone()),
        epoch,
        properties,
        part: MessagePart::Stomp(StompFacts {
            destination,
            subscription,
            message_id: frame.header("message-id").unwrap_or_default().to_string(),
            ack: frame
                .header("ack")
                .filter(|_| user_settles)
                .map(str::to_string),
            headers: frame.headers,
            websocket,
        }),
        body: frame.body,
    }
}

/// Sets the AMQP property header `name` stands for; false when it is a custom header (or
/// a property header whose value does not parse, which is then kept as it came).
fn set_property(p: &mut Properties, name: &str, value: &str) -> bool {
    let text = || Some(value.to_string());
    match name {
        "content-type" => p.content_type = text(),
        "content-encoding" => p.content_encoding = text(),
        "persistent" => match value {
            "true" => p.delivery_mode = Some(2),
            "false" => p.delivery_mode = Some(1),
            _ => return false,
        },
        "priority" => match value.parse() {
            Ok(n) => p.priority = Some(n),
            Err(_) => return false,
        },
        "correlation-id" => p.correlation_id = text(),
        "reply-to" => p.reply_to = text(),
        "expiration" => p.expiration = text(),
        AMQP_MESSAGE_ID => p.message_id = text(),
        "timestamp" => match value.parse() {
            Ok(n) => p.timestamp = Some(n),
            Err(_) => return false,
        },
        "type" => p.kind = text(),
        "user-id" => p.user_id = text(),
        "app-id" => p.app_id = text(),
        _ => return false,
    }
    true
}

/// A SEND of `body` to `destination` with the properties as RabbitMQ reads them back, and
/// a `receipt` when one is asked for.
pub fn send(
    destination: &str,
    properties: &Properties,
    body: &[u8],
    receipt: Option<&str>,
) -> Frame {
    let mut frame = Frame::new(Command::Send).with_header("destination", destination);
    let p = properties;
    let mut put = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            frame.headers.push((name.to_string(), value));
        }
    };
    put("content-type", p.content_type.clone());
    put("content-encoding", p.content_encoding.clone());
    put(
        "persistent",
        (p.delivery_mode == Some(2)).then(|| "true".to_string()),
    );
    put("priority", p.priority.map(|n| n.to_string()));
    put("correlation-id", p.correlation_id.clone());
    put("reply-to", p.reply_to.clone());
    put("expiration", p.expiration.clone());
    put(AMQP_MESSAGE_ID, p.message_id.clone());
    put("timestamp", p.timestamp.map(|n| n.to_string()));
    put("type", p.kind.clone());
    put("user-id", p.user_id.clone());
    put("app-id", p.app_id.clone());
    for (name, value) in p.headers.iter().flatten() {
        if RESERVED_ON_SEND.contains(&name.as_str()) {
            continue;
        }
        if let Some(text) = header_text(value) {
            frame.headers.push((name.clone(), text));
        }
    }
    if let Some(receipt) = receipt {
        frame.headers.push(("receipt".into(), receipt.into()));
    }
    frame.body = body.to_vec();
    frame
}

/// A header value as STOMP text: STOMP headers are strings, so tables and arrays (which
/// have no STOMP form) are left out.
fn header_text(value: &Value) -> Option<String> {
    Some(match value {
        Value::Bool(b) => b.to_string(),
        Value::I8(n) => n.to_string(),
        Value::U8(n) => n.to_string(),
        Value::I16(n) => n.to_string(),
        Value::U16(n) => n.to_string(),
        Value::I32(n) => n.to_string(),
        Value::U32(n) => n.to_string(),
        Value::I64(n) => n.to_string(),
        Value::F32Bits(bits) => f32::from_bits(*bits).to_string(),
        Value::F64Bits(bits) => f64::from_bits(*bits).to_string(),
        Value::Decimal { scale, value } => {
            (f64::from(*value) / 10f64.powi(i32::from(*scale))).to_string()
        }
        Value::ShortString(s) => s.clone(),
        Value::LongString(b) | Value::ByteArray(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Timestamp(t) => t.to_string(),
        Value::Array(_) | Value::Table(_) | Value::Void => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_keeps_its_properties_and_custom_headers_and_every_header_in_order() {
        let frame = Frame::new(Command::Message)
            .with_header("destination", "/exchange/x/a%2Fb")
            .with_header("message-id", "T_sub-0@@1")
            .with_header("subscription", "sub-0")
            .with_header("redelivered", "true")
            .with_header("persistent", "true")
            .with_header("amqp-message-id", "m-1")
            .with_header("x-trace", "first")
            .with_header("x-trace", "second")
            .with_body(&b"hi"[..]);
        let m = message(
            frame.clone().with_header("ack", "T_sub-0@@1"),
            7,
            3,
            false,
            false,
        );
        assert_eq!((m.exchange.as_str(), m.routing_key.as_str()), ("x", "a/b"));
        assert!(m.redelivered);
        assert_eq!(m.properties.delivery_mode, Some(2));
        assert_eq!(m.properties.message_id.as_deref(), Some("m-1"));
        assert_eq!(
            m.properties.headers,
            Some(vec![(
                "x-trace".into(),
                Value::LongString(b"first".to_vec())
            )])
        );
        let MessagePart::Stomp(facts) = m.part else {
            panic!("a STOMP part")
        };
        assert_eq!(facts.headers[..frame.headers.len()], frame.headers);
        assert_eq!(facts.subscription, "sub-0");
        // Ack mode auto: the session acks it, so the user has nothing to settle by.
        assert_eq!(facts.ack, None);
        let settled_by_user = message(frame.with_header("ack", "a-1"), 8, 3, false, true);
        let MessagePart::Stomp(facts) = settled_by_user.part else {
            panic!("a STOMP part")
        };
        assert_eq!(facts.ack.as_deref(), Some("a-1"));
        assert_eq!(m.consumer_tag.as_deref(), Some("sub-0"));
    }

    #[test]
    fn a_send_never_carries_a_message_id_and_marks_persistence() {
        let properties = Properties {
            delivery_mode: Some(2),
            message_id: Some("m-1".into()),
            headers: Some(vec![
                ("message-id".into(), Value::LongString(b"no".to_vec())),
                ("x-n".into(), Value::I32(5)),
            ]),
            ..Properties::default()
        };
        let frame = send("/topic/t", &properties, b"x", Some("r-1"));
        assert_eq!(frame.header("message-id"), None);
        assert_eq!(frame.header("amqp-message-id"), Some("m-1"));
        assert_eq!(frame.header("persistent"), Some("true"));
        assert_eq!(frame.header("x-n"), Some("5"));
        assert_eq!(frame.header("receipt"), Some("r-1"));
    }
}
