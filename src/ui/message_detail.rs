//! One message in full: delivery information (for MQTT the publish's topic, QoS and flags,
//! and what RabbitMQ routes it as), every property, the headers (nested tables and arrays
//! with their AMQP types) and the body as text, JSON or hex.

use ratatui::{
    Frame,
    layout::Rect,
    style::Style,
    text::{Line, Span},
    widgets::{Block, Clear, Paragraph, Wrap},
};

use super::theme;
use crate::{
    inspect::{
        body::{self, BodyView},
        headers,
    },
    keymap::{self, Context},
    model::{Tab, message_log::LogEntry, scroll::Scroll},
    session::{Message, MessagePart, MqttFacts, Protocol},
    text::{human_size, visible},
};

/// Body rows the view builds at most. End shows the end of a body up to this many rows;
/// a longer one ends with the line saying how much is left out (export it with `e` to
/// read it all). It bounds what a frame costs, as `inspect::body` promises.
pub const MAX_BODY_ROWS: usize = 5_000;

/// `seen`, first, says where the message came from and was seen when a tab of the app
/// published it (`ui::seen`).
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    tab: &Tab,
    view: BodyView,
    scroll: Scroll,
    seen: Option<String>,
) {
    frame.render_widget(Clear, area);
    let Some(entry) = tab.log.selected() else {
        let block = Block::bordered().title(" Message ");
        let text =
            Paragraph::new("No message selected: Esc, then Up/Down to pick one.").block(block);
        frame.render_widget(text, area);
        return;
    };
    let view_name = match view {
        BodyView::Text => "text",
        BodyView::Json => "JSON",
        BodyView::Hex => "hex",
    };
    let inner = Block::bordered().inner(area);
    let height = usize::from(inner.height);
    let mut lines: Vec<Line> = seen
        .map(|s| Line::styled(s, theme::TITLE))
        .into_iter()
        .collect();
    lines.extend(head_lines(entry));
    // Long values (a routing key, a header) wrap instead of running off the edge.
    let mut heights: Vec<usize> = lines.iter().map(|l| rows_of(l, inner.width)).collect();
    let head_rows: usize = heights.iter().sum();
    let body_rows = match scroll {
        // One row less than the screen leaves the last one to the line saying how much of
        // the body is left out; otherwise it would always be just below the screen.
        Scroll::Top(top) => top
            .saturating_add(height)
            .saturating_sub(head_rows)
            .saturating_sub(1)
            .max(1),
        Scroll::End(_) => MAX_BODY_ROWS,
    };
    let body = body::render(
        &entry.delivery.body,
        view,
        inner.width,
        body_rows.min(MAX_BODY_ROWS),
    );
    heights.extend(body.iter().map(|l| rows_of(l, inner.width)));
    lines.extend(body);
    let rows: usize = heights.iter().sum();
    let top = scroll.offset(rows, height);
    // Only the lines that reach the window are wrapped and drawn: the first of them, and
    // how many of its rows are above the window.
    let (mut first, mut above) = (0, 0);
    while heights.get(first).is_some_and(|h| above + h <= top) {
        above += heights[first];
        first += 1;
    }
    let window: Vec<Line> = lines.into_iter().skip(first).take(height + 1).collect();
    let block = Block::bordered()
        .title(Span::styled(
            format!(" Message · body as {view_name} (v switches) "),
            theme::TITLE,
        ))
        .title_bottom(Span::styled(
            bottom_title(top, height, rows, area.width),
            theme::DIM,
        ))
        .border_style(theme::BORDER_FOCUSED);
    frame.render_widget(block, area);
    let within = u16::try_from(top - above).unwrap_or(u16::MAX);
    let paragraph = Paragraph::new(window)
        .wrap(Wrap { trim: false })
        .scroll((within, 0));
    frame.render_widget(paragraph, inner);
}

/// Where the window is, then the keys: the view covers the footer, so its border says
/// what the footer would, from the same keymap.
fn bottom_title(top: usize, height: usize, rows: usize, width: u16) -> String {
    let mut parts = vec![format!("rows {}-{}", top + 1, (top + height).min(rows))];
    parts.extend(
        keymap::BINDINGS
            .iter()
            .filter(|b| b.context == Context::Message && b.hint)
            .map(|b| format!("{} {}", b.keys, b.label)),
    );
    super::title::fit(&parts, 0, width)
}

/// Rows `line` takes at `width` as the wrapping paragraph draws it. Most lines (every body
/// row) fit, and only the others are measured by wrapping them, so a frame does not wrap
/// thousands of rows to show a screenful.
fn rows_of(line: &Line, width: u16) -> usize {
    if line.width() <= usize::from(width) {
        1
    } else {
        Paragraph::new(line.clone())
            .wrap(Wrap { trim: false })
            .line_count(width)
    }
}

#[path = "message_detail_stomp.rs"]
mod stomp;

/// Everything above the body.
pub fn head_lines(entry: &LogEntry) -> Vec<Line<'static>> {
    let d = &entry.delivery;
    let mut lines = match &d.part {
        MessagePart::Amqp => delivery_lines(d),
        MessagePart::Stomp(facts) => stomp::stomp_lines(entry, facts),
        MessagePart::Mqtt(facts) => mqtt_lines(d, facts),
    };
    let props = headers::property_lines(&d.properties);
    // MQTT 3.1.1 has no properties: an empty section would only be noise there.
    if !props.is_empty() || d.protocol() == Protocol::Amqp {
        lines.push(Line::styled("Properties", theme::HEADER));
    }
    if props.is_empty() && d.protocol() == Protocol::Amqp {
        lines.push(Line::styled("  (none set)", theme::DIM));
    }
    for (label, value) in props {
        lines.push(pair(label, value));
    }
    if let Some(table) = &d.properties.headers {
        lines.push(Line::styled("Headers", theme::HEADER));
        lines.extend(headers::header_lines(table));
    }
    lines.push(Line::styled("Body", theme::HEADER));
    lines
}

fn received(d: &Message) -> String {
    d.received_at.format("%Y-%m-%d %H:%M:%S%.3f").to_string()
}

fn body_size(d: &Message) -> String {
    format!("{} ({} bytes)", human_size(d.body.len()), d.body.len())
}

fn delivery_lines(d: &Message) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled("Delivery", theme::HEADER)];
    let exchange = if d.exchange.is_empty() {
        "(default exchange)".to_string()
    } else {
        visible(&d.exchange)
    };
    let consumer = d
        .consumer_tag
        .as_deref()
        .map_or_else(|| "(basic.get: peeked)".to_string(), visible);
    for (label, value) in [
        ("received", received(d)),
        ("exchange", exchange),
        ("routing-key", visible(&d.routing_key)),
        ("redelivered", d.redelivered.to_string()),
        ("delivery-tag", d.delivery_tag.to_string()),
        ("consumer-tag", consumer),
        ("body size", body_size(d)),
    ] {
        lines.push(pair(label, value));
    }
    lines
}

/// The PUBLISH as MQTT carried it, then what RabbitMQ made of it: the exchange and key an
/// AMQP tap on the same broker sees it with.
fn mqtt_lines(d: &Message, facts: &MqttFacts) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled("MQTT publish", theme::HEADER)];
    let yes_no = |flag: bool| if flag { "yes" } else { "no" }.to_string();
    for (label, value) in [
        ("received", received(d)),
        ("topic", visible(&facts.topic)),
        ("qos", facts.qos.to_string()),
        ("retain", yes_no(facts.retain)),
        ("dup", yes_no(facts.dup)),
        ("body size", body_size(d)),
    ] {
        lines.push(pair(label, value));
    }
    lines.push(Line::styled(
        "As RabbitMQ routes it (what AMQP sees)",
        theme::HEADER,
    ));
    lines.push(pair("exchange", visible(&d.exchange)));
    lines.push(pair("routing-key", visible(&d.routing_key)));
    lines
}

fn pair(label: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("  {label:<18}"), theme::LABEL),
        Span::styled(value, Style::new()),
    ])
}
