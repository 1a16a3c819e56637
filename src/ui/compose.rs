//! The compose box: where to publish, how, and what.

use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    style::Style,
    text::{Line, Span},
    widgets::{Block, Paragraph},
};

use super::{draw_input, place_cursor, theme};
use crate::{
    model::{Compose, Focus, Tab},
    session::Protocol,
};

pub const HEIGHT: u16 = 4;

/// What needs the user first, so a narrow terminal cuts the settings, not the news:
/// messages waiting or unconfirmed, then the tally, then how publishes go out.
fn title(compose: &Compose, protocol: Protocol) -> Vec<String> {
    let mut parts = vec!["Publish".to_string()];
    // Waiting ones are in flight too, but not yet on the wire: counted apart.
    let waiting = compose.waiting.len();
    if waiting > 0 {
        parts.push(format!("{waiting} waiting for the connection"));
    }
    if !compose.unsent.is_empty() {
        let copies = compose.unsent.copies();
        parts.push(format!("{copies} unconfirmed, Ctrl-R resends"));
    }
    // Failed and reported, but past the bound of what is kept for a resend.
    if compose.unsent.let_go > 0 {
        parts.push(format!("{} unconfirmed let go", compose.unsent.let_go));
    }
    let awaiting = compose.in_flight.saturating_sub(waiting);
    if awaiting > 0 {
        parts.push(format!("{awaiting} awaiting confirm"));
    }
    let t = compose.tally;
    if t != Default::default() && matches!(protocol, Protocol::Stomp | Protocol::WebStomp) {
        // A RECEIPT is STOMP's confirm; there are no returns or nacks to count.
        parts.push(format!("{} receipts, {} failed", t.acked, t.failed));
    } else if t != Default::default() {
        parts.push(format!(
            "{} acked, {} returned, {} nacked, {} failed",
            t.acked, t.returned, t.nacked, t.failed
        ));
    }
    if t != Default::default() {
        // Refused ones are not kept for Ctrl-R: counted apart, once there are any.
        if t.refused > 0 {
            parts.push(format!("{} refused", t.refused));
        }
        // Only once something went out unconfirmed: most sessions never do.
        if t.sent > 0 {
            parts.push(format!("{} sent unconfirmed", t.sent));
        }
    }
    if protocol == Protocol::Mqtt {
        // A dot (or *) comes back to MQTT subscribers changed: say what they will get.
        let topic = compose.routing_key.value();
        let seen = crate::mqtt::topic::from_routing_key(&crate::mqtt::topic::to_routing_key(topic));
        if seen != topic {
            parts.push(format!(
                "dots! subscribers get {}",
                crate::text::visible(&seen)
            ));
        }
        parts.push(if compose.confirm {
            "QoS 1, PUBACK confirms (F5)".to_string()
        } else {
            "QoS 0, NOT confirmed (F5)".to_string()
        });
        return parts;
    }
    if matches!(protocol, Protocol::Stomp | Protocol::WebStomp) {
        parts.push(if compose.confirm {
            "receipt on every SEND (F5)".to_string()
        } else {
            "NO receipt: NOT confirmed (F5)".to_string()
        });
        let set = compose.props.set_count();
        let noun = if set == 1 { "header" } else { "headers" };
        parts.push(format!("{set} {noun} set (F4)"));
        return parts;
    }
    let confirmed = if compose.confirm {
        "confirmed"
    } else {
        "NOT confirmed (F5)"
    };
    parts.push(format!("mandatory, {confirmed}"));
    let set = compose.props.set_count();
    let noun = if set == 1 { "property" } else { "properties" };
    parts.push(format!("{set} {noun} set (F4)"));
    parts
}

pub fn draw(frame: &mut Frame, area: Rect, tab: &Tab) {
    let compose = &tab.compose;
    let focused = matches!(
        tab.focus,
        Focus::ComposeBody
            | Focus::ComposeExchange
            | Focus::ComposeKey
            | Focus::ComposeMode
            | Focus::ComposeCopies
    );
    let block = Block::bordered()
        .title(Span::styled(
            super::title::fit(&title(compose, tab.protocol()), 0, area.width),
            theme::TITLE,
        ))
        .border_style(if focused {
            theme::BORDER_FOCUSED
        } else {
            theme::BORDER
        });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [targets, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(inner);

    let [
        ex_label,
        ex,
        key_label,
        key,
        mode_label,
        mode,
        copies_label,
        copies,
    ] = Layout::horizontal([
        Constraint::Length(10),
        Constraint::Fill(1),
        Constraint::Length(7),
        Constraint::Fill(1),
        Constraint::Length(8),
        Constraint::Length(14),
        Constraint::Length(8),
        Constraint::Length(7),
    ])
    .areas(targets);
    if matches!(tab.protocol(), Protocol::Stomp | Protocol::WebStomp) {
        // One wide destination field where AMQP has an exchange and a key.
        const LABEL: &str = "Destination ";
        let label_area = Rect {
            width: LABEL.len() as u16,
            ..ex_label
        };
        let dest_area = Rect {
            x: label_area.right(),
            width: key.right().saturating_sub(label_area.right()),
            ..ex
        };
        label(frame, label_area, LABEL);
        field(
            frame,
            dest_area,
            &compose.routing_key,
            tab.focus == Focus::ComposeKey,
        );
    } else if tab.protocol() == Protocol::Mqtt {
        // One wide topic field where AMQP has an exchange and a key.
        let topic_area = Rect {
            width: key.right().saturating_sub(ex.x),
            ..ex
        };
        label(frame, ex_label, "Topic ");
        field(
            frame,
            topic_area,
            &compose.routing_key,
            tab.focus == Focus::ComposeKey,
        );
    } else {
        label(frame, ex_label, "Exchange ");
        field(
            frame,
            ex,
            &compose.exchange,
            tab.focus == Focus::ComposeExchange,
        );
        label(frame, key_label, " Key ");
        field(
            frame,
            key,
            &compose.routing_key,
            tab.focus == Focus::ComposeKey,
        );
    }
    label(frame, mode_label, " Mode ");
    let mode_style = if tab.focus == Focus::ComposeMode {
        theme::FOCUS
    } else {
        Style::new()
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            compose.delivery_mode_label(tab.protocol()),
            mode_style,
        )),
        mode,
    );

    label(frame, copies_label, " Copies ");
    field(
        frame,
        copies,
        &compose.copies,
        tab.focus == Focus::ComposeCopies,
    );

    let [prompt, text] =
        Layout::horizontal([Constraint::Length(10), Constraint::Min(1)]).areas(body);
    label(frame, prompt, "Body › ");
    match &compose.raw_body {
        Some(bytes) if compose.body.value().is_empty() => {
            let note = format!(
                "({} from the replayed message, sent exactly; typing replaces them)",
                crate::text::human_size(bytes.len())
            );
            frame.render_widget(Paragraph::new(Span::styled(note, theme::DIM)), text);
            if tab.focus == Focus::ComposeBody {
                place_cursor(frame, text, 0);
            }
        }
        _ => draw_body(frame, text, &compose.body, tab.focus == Focus::ComposeBody),
    }
}

/// The body on its one line. It is published byte for byte, so a pasted line break or
/// tab stays in it: each shows as a dim mark (`↵` newline, `␍` carriage return, `⇥`
/// tab), any other control character escaped; the cursor counts the marks.
fn draw_body(frame: &mut Frame, area: Rect, body: &tui_input::Input, focused: bool) {
    let base = if focused { theme::FOCUS } else { theme::DIM };
    let mark = base.patch(theme::DIM);
    let cells: Vec<(String, Style)> = body
        .value()
        .chars()
        .map(|c| match c {
            '\n' => ("↵".to_string(), mark),
            '\r' => ("␍".to_string(), mark),
            '\t' => ("⇥".to_string(), mark),
            c => (crate::text::visible(c.encode_utf8(&mut [0; 4])), base),
        })
        .collect();
    let width = |s: &str| Span::raw(s).width();
    let cursor: usize = cells[..body.cursor().min(cells.len())]
        .iter()
        .map(|(s, _)| width(s))
        .sum();
    // Scrolled from the left just enough to keep the cursor in view.
    let room = usize::from(area.width.max(1)) - 1;
    let mut skip = 0;
    let mut scrolled = 0;
    while cursor - scrolled > room && skip < cells.len() {
        scrolled += width(&cells[skip].0);
        skip += 1;
    }
    let mut spans: Vec<Span> = cells
        .into_iter()
        .skip(skip)
        .map(|(text, style)| Span::styled(text, style))
        .collect();
    let used: usize = spans.iter().map(Span::width).sum();
    let pad = usize::from(area.width).saturating_sub(used);
    spans.push(Span::styled(" ".repeat(pad), base));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if focused {
        place_cursor(
            frame,
            area,
            u16::try_from(cursor - scrolled).unwrap_or(u16::MAX),
        );
    }
}

fn label(frame: &mut Frame, area: Rect, text: &'static str) {
    frame.render_widget(
        Paragraph::new(Line::styled(text, theme::LABEL)).right_aligned(),
        area,
    );
}

fn field(frame: &mut Frame, area: Rect, input: &tui_input::Input, focused: bool) {
    draw_input(frame, area, input, focused, theme::DIM);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        amqp::Routing,
        model::unsent::MAX_KEPT,
        session::{Properties, PublishRequest},
    };

    #[test]
    fn the_title_counts_what_waits_what_can_be_resent_and_what_was_let_go() {
        let mut compose = Compose::for_routing(&Routing::default());
        compose.waiting.insert(7);
        compose.in_flight = 1;
        for id in 0..=MAX_KEPT as u64 {
            compose.unsent.keep(PublishRequest {
                id,
                exchange: String::new(),
                routing_key: "k".into(),
                body: Vec::new(),
                properties: Properties::default(),
                copies: 1,
                confirm: true,
                part: Default::default(),
            });
        }
        let title = format!(" {} ", title(&compose, Protocol::Amqp).join(" · "));
        assert!(
            title.starts_with(" Publish · 1 waiting for the connection · 1000 unconfirmed, Ctrl-R resends · 1 unconfirmed let go · mandatory"),
            "{title}"
        );
    }
}
