//! The routing explainer: for a key and headers the user types, which of the session's
//! bindings match and why, worked out locally with RabbitMQ's rules before publishing.

use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    text::{Line, Span},
    widgets::{Block, Clear, Paragraph, Wrap},
};

use super::{draw_labelled_field, theme};
use crate::{
    amqp::Source,
    model::{Tab, properties_form::table_from_json, text_field::TextField},
    routing,
    text::visible,
};

pub struct ExplainInputs<'a> {
    pub key: &'a TextField,
    pub headers: &'a TextField,
    pub on_headers: bool,
}

pub fn draw(frame: &mut Frame, area: Rect, tab: &Tab, inputs: &ExplainInputs) {
    let mut verdicts = verdict_lines(tab, inputs);
    verdicts.extend(broker_lines(tab, inputs));
    // Two rows a verdict leaves room for a reason that wraps.
    let rows = u16::try_from(verdicts.len() * 2 + 5).unwrap_or(u16::MAX);
    let popup = area.centered(
        Constraint::Length(area.width.saturating_sub(4).clamp(30, 110)),
        Constraint::Length(rows.clamp(8, area.height.max(8))),
    );
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Span::styled(" Explain routing ", theme::TITLE))
        .title_bottom(Span::styled(
            " Tab key / headers · Esc close · evaluated locally with RabbitMQ's rules ",
            theme::DIM,
        ))
        .border_style(theme::BORDER_FOCUSED);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [key_row, headers_row, _, results] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    input_row(
        frame,
        key_row,
        "Routing key",
        inputs.key,
        !inputs.on_headers,
    );
    input_row(
        frame,
        headers_row,
        "Headers (JSON)",
        inputs.headers,
        inputs.on_headers,
    );
    let text = Paragraph::new(verdicts).wrap(Wrap { trim: false });
    frame.render_widget(text, results);
}

fn input_row(frame: &mut Frame, area: Rect, label: &str, input: &TextField, focused: bool) {
    draw_labelled_field(frame, area, (label, 16, theme::LABEL), input, focused);
}

/// One line per binding: ✓ or ✗, the binding as RabbitMQ's syntax writes it, and why.
pub fn verdict_lines(tab: &Tab, inputs: &ExplainInputs) -> Vec<Line<'static>> {
    let Some(settings) = &tab.session_settings else {
        return vec![Line::styled(
            "Connect first: the bindings are the session's.",
            theme::DIM,
        )];
    };
    let routing = &settings.routing;
    if routing.source == Source::Queue {
        return vec![Line::styled(
            "This session consumes an existing queue: its bindings are the broker's, not known here.",
            theme::DIM,
        )];
    }
    let headers = match inputs.headers.value().trim() {
        "" => Vec::new(),
        text => match table_from_json(text) {
            Ok(table) => table,
            Err(err) => return vec![Line::styled(visible(&err), theme::ERROR)],
        },
    };
    let verdicts = routing::explain_all(
        routing.exchange_type,
        &routing.bindings,
        inputs.key.value(),
        &headers,
    );
    let matched = verdicts.iter().filter(|(_, v)| v.matched).count();
    let mut lines = vec![Line::styled(
        format!(
            "{} ({}): {matched} of {} bindings match{}",
            visible(&routing.exchange),
            routing.type_label(),
            verdicts.len(),
            if matched == 0 {
                " — published with mandatory, this message would come back as NO_ROUTE"
            } else {
                ""
            }
        ),
        theme::HEADER,
    )];
    if routing.type_assumed() {
        lines.push(Line::styled(
            format!(
                "The type {} is assumed, not checked: a tap only checks that the exchange \
                 exists. If it has another type, these verdicts are wrong.",
                routing.exchange_type
            ),
            theme::level(crate::model::Level::Warning),
        ));
    }
    for (binding, verdict) in verdicts {
        let (mark, style) = if verdict.matched {
            ("✓ ", theme::level(crate::model::Level::Success))
        } else {
            ("✗ ", theme::ERROR)
        };
        lines.push(Line::from(vec![
            Span::styled(mark, style),
            Span::styled(
                visible(&routing::format_binding(routing.exchange_type, &binding)),
                theme::KEY,
            ),
            Span::raw("  "),
            Span::raw(verdict.reason),
        ]));
    }
    lines
}

/// The same key and headers published from the compose box's exchange, simulated over
/// the broker's real bindings when the broker view (F6) has read them: every queue
/// reached across exchange-to-exchange bindings, alternate exchanges and dead-lettering.
pub fn broker_lines(tab: &Tab, inputs: &ExplainInputs) -> Vec<Line<'static>> {
    let Some(topology) = &tab.broker.topology else {
        return vec![
            Line::raw(""),
            Line::styled(
                "F6 reads the broker's topology: then x also follows the message over its real bindings.",
                theme::DIM,
            ),
        ];
    };
    let headers = match inputs.headers.value().trim() {
        "" => Default::default(),
        text => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(map)) => map,
            // The session's verdicts above already say what is wrong with the headers.
            _ => return Vec::new(),
        },
    };
    let probe = crate::topology::Probe {
        exchange: tab.compose.exchange.value().to_string(),
        routing_key: inputs.key.value().to_string(),
        headers,
    };
    let Some(route) = tab.broker.simulate(&probe) else {
        return Vec::new();
    };
    let mut lines = vec![
        Line::raw(""),
        Line::styled(
            format!(
                "On the broker (vhost {}, as F6 last read it):",
                visible(&topology.vhost)
            ),
            theme::HEADER,
        ),
    ];
    // The popup wraps its lines: nothing to cut here.
    lines.extend(super::broker_view::route_lines(&probe, &route, usize::MAX));
    lines
}
