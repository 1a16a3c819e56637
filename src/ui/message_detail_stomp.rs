//! A STOMP MESSAGE in the message view: the frame's facts, every header as it arrived
//! (made safe to draw), then what RabbitMQ made of the destination.

use ratatui::text::Line;

use super::{body_size, pair, received};
use crate::{
    model::message_log::LogEntry,
    session::{Settle, StompFacts},
    text::visible,
    ui::theme,
};

pub(super) fn stomp_lines(entry: &LogEntry, facts: &StompFacts) -> Vec<Line<'static>> {
    let d = &entry.delivery;
    let title = if facts.websocket {
        "Web-STOMP message"
    } else {
        "STOMP message"
    };
    let mut lines = vec![Line::styled(title, theme::HEADER)];
    // client-individual: the `ack` id names the message in ACK and NACK; marked as AMQP's
    // manual mode marks it in the pane.
    let ack = match (&facts.ack, entry.settled) {
        (None, _) => "(none: ack mode auto, nothing to settle)".to_string(),
        (Some(id), None) => format!("{} · waiting for ACK or NACK", visible(id)),
        (Some(id), Some(Settle::Ack)) => format!("{} · ✓ acked", visible(id)),
        (Some(id), Some(Settle::Reject)) => format!("{} · ✗ nacked, dropped", visible(id)),
        (Some(id), Some(Settle::Requeue)) => format!("{} · ↺ nacked, requeued", visible(id)),
    };
    for (label, value) in [
        ("received", received(d)),
        ("destination", visible(&facts.destination)),
        ("subscription", visible(&facts.subscription)),
        ("message-id", visible(&facts.message_id)),
        ("ack", ack),
        ("body size", body_size(d)),
    ] {
        lines.push(pair(label, value));
    }
    lines.push(Line::styled("STOMP headers", theme::HEADER));
    if facts.headers.is_empty() {
        lines.push(Line::styled("  (none)", theme::DIM));
    }
    for (i, (name, value)) in facts.headers.iter().enumerate() {
        // STOMP 1.2: the first of repeated headers is the one that counts.
        let repeated = facts.headers[..i].iter().any(|(n, _)| n == name);
        let mut value = visible(value);
        if repeated {
            value.push_str("  (repeated: the first counts)");
        }
        lines.push(pair(&visible(name), value));
    }
    lines.push(Line::styled(
        "As RabbitMQ routes it (what AMQP sees)",
        theme::HEADER,
    ));
    let exchange = if d.exchange.is_empty() {
        "(default exchange)".to_string()
    } else {
        visible(&d.exchange)
    };
    lines.push(pair("exchange", exchange));
    lines.push(pair("routing-key", visible(&d.routing_key)));
    lines
}
