//! The live pane of deliveries. Only the rows that fit are built.

use ratatui::{
    Frame,
    layout::{Constraint, Rect},
    text::Span,
    widgets::{Block, Row, Table},
};

use super::theme;
use crate::{
    model::{ConnState, Focus, Tab},
    session::{Protocol, Settle},
    text,
};

pub fn draw(frame: &mut Frame, area: Rect, tab: &Tab) {
    let log = &tab.log;
    // What the pane watches, then the rest in order of importance, what the user acts on
    // first: a narrow border shortens the watched name (often a long server-named queue),
    // then leaves out parts from the end, never silently.
    let mut parts = vec![watching(tab)];
    parts.push(
        match (log.following(), log.paused()) {
            (true, _) => "following",
            (false, true) => "PAUSED (End resumes)",
            (false, false) => "scrolled back (End follows)",
        }
        .to_string(),
    );
    if let Some(filter) = log.filter() {
        let matches = log.shown_len();
        parts.push(format!(
            "filter {} ({matches} {})",
            text::typed(&filter.text),
            if matches == 1 { "match" } else { "matches" }
        ));
    }
    if log.dropped > 0 {
        parts.push(format!("{} oldest dropped from view", log.dropped));
    }
    if !log.following() {
        parts.push(format!("{}/{}", log.position(), log.shown_len()));
    }
    parts.push(format!("{} received", tab.messages_received));
    let title = super::title::fit(&parts, 0, area.width);
    let border = if tab.focus == Focus::Messages {
        theme::BORDER_FOCUSED
    } else {
        theme::BORDER
    };
    let block = Block::bordered()
        .title(Span::styled(title, theme::TITLE))
        .border_style(border);
    // Header row takes one line of the inner area.
    let rows_fit = usize::from(block.inner(area).height.saturating_sub(1));
    // An MQTT tab names each message by its topic, with its QoS and flags, where an AMQP
    // tab names the exchange and key: for an MQTT message those are only what RabbitMQ
    // made of its topic (amq.topic, slashes as dots). The columns follow the tab, so a
    // file of the other protocol's messages loaded into it reads the same way.
    let protocol = tab.protocol();
    let rows = log.visible(rows_fit).map(|(entry, selected)| {
        // Manual acks: what the user did to it, after the size.
        let size = match entry.settled {
            None => entry.size(),
            Some(Settle::Ack) => format!("{} ✓", entry.size()),
            Some(Settle::Reject) => format!("{} ✗", entry.size()),
            Some(Settle::Requeue) => format!("{} ↺", entry.size()),
        };
        let (target, detail) = match protocol {
            Protocol::Mqtt => (entry.topic(), entry.mqtt_flags()),
            Protocol::Stomp | Protocol::WebStomp => (entry.destination(), entry.subscription()),
            Protocol::Amqp => (entry.exchange(), entry.routing_key()),
        };
        let row = Row::new([entry.time(), target, detail, size, entry.preview()]);
        if selected {
            row.style(theme::FOCUS)
        } else {
            row
        }
    });
    let (widths, header) = match protocol {
        Protocol::Mqtt => (
            [
                Constraint::Length(12),
                // Where AMQP has exchange and key (30 columns): a topic's last levels
                // are what tell messages apart.
                Constraint::Length(30),
                Constraint::Length(8),
                Constraint::Length(9),
                Constraint::Min(10),
            ],
            ["Received", "Topic", "QoS", "Size", "Body"],
        ),
        Protocol::Stomp | Protocol::WebStomp => (
            [
                Constraint::Length(12),
                // A destination's key tells messages apart; the subscription is `sub-N`.
                Constraint::Length(30),
                Constraint::Length(12),
                Constraint::Length(9),
                Constraint::Min(10),
            ],
            ["Received", "Destination", "Subscription", "Size", "Body"],
        ),
        Protocol::Amqp => (
            [
                Constraint::Length(12),
                Constraint::Length(14),
                Constraint::Length(16),
                Constraint::Length(9),
                Constraint::Min(10),
            ],
            ["Received", "Exchange", "Routing key", "Size", "Body"],
        ),
    };
    let header = Row::new(header).style(theme::HEADER);
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
}

/// What the pane shows, as the session's routing summary, made safe to draw.
fn watching(tab: &Tab) -> String {
    let queue = match &tab.conn {
        ConnState::Connected { queue, .. } => queue.as_str(),
        _ => "…",
    };
    tab.session_settings
        .as_ref()
        .map(|settings| text::visible(&settings.watch_summary(queue)))
        .unwrap_or_default()
}
