//! The connection form.

use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    style::Style,
    text::{Line, Span},
    widgets::{Block, Paragraph, Wrap},
};

use super::{input_view, place_cursor, theme};
use crate::{
    amqp::Source,
    model::{Field, Focus, Tab, connect_form::FieldKind},
};

const LABEL_WIDTH: u16 = 30;

/// `←/→ AMQP, MQTT, …`: every protocol the choice cycles through, from the one list.
static PROTOCOL_HINT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let names: Vec<&str> = crate::session::Protocol::ALL
        .iter()
        .map(|p| p.label())
        .collect();
    format!("  ←/→ {}", names.join(", "))
});

pub fn draw(frame: &mut Frame, area: Rect, tab: &Tab) {
    let title = match &tab.profile {
        Some(profile) => format!(
            " amqp-tui · connect · profile {} ",
            crate::text::visible(profile)
        ),
        None => " amqp-tui · connect ".into(),
    };
    let block = Block::bordered()
        .title(Span::styled(title, theme::TITLE))
        .border_style(theme::BORDER_FOCUSED);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let shown_fields = tab.form.fields();
    let rows = shown_fields.len() as u16;
    let error_rows = if tab.form.error_shown().is_some() {
        2
    } else {
        0
    };
    let [fields, error] =
        Layout::vertical([Constraint::Max(rows), Constraint::Min(error_rows)]).areas(inner);
    // A short terminal scrolls the form so the focused field is always on screen.
    let shown = usize::from(fields.height);
    let focused = match tab.focus {
        Focus::Form(field) => shown_fields.iter().position(|f| *f == field).unwrap_or(0),
        _ => 0,
    };
    let first = (focused + 1).saturating_sub(shown);
    for (row_index, field) in shown_fields.into_iter().skip(first).take(shown).enumerate() {
        let row = Rect {
            y: fields.y + row_index as u16,
            height: 1,
            ..fields
        };
        draw_field(frame, row, tab, field);
    }
    if let Some((_, message)) = tab.form.error_shown() {
        let text = Paragraph::new(Line::styled(message, theme::ERROR)).wrap(Wrap { trim: true });
        frame.render_widget(text, error);
    }
}

fn draw_field(frame: &mut Frame, row: Rect, tab: &Tab, field: Field) {
    let form = &tab.form;
    let focused = tab.focus == Focus::Form(field);
    let at_fault = matches!(form.error_shown(), Some((Some(f), _)) if f == field);
    let [label_area, value_area] =
        Layout::horizontal([Constraint::Length(LABEL_WIDTH), Constraint::Min(1)]).areas(row);
    let marker = if at_fault { "! " } else { "  " };
    let label_style = if at_fault { theme::ERROR } else { theme::LABEL };
    let label = Line::from(vec![
        Span::styled(marker, theme::ERROR),
        Span::styled(
            format!(
                "{:>w$} ",
                form.label(field),
                w = usize::from(LABEL_WIDTH) - 3
            ),
            label_style,
        ),
    ]);
    frame.render_widget(Paragraph::new(label), label_area);

    let value_style = if focused { theme::FOCUS } else { Style::new() };
    let (text, hint) = match field.kind() {
        FieldKind::Text | FieldKind::Secret => {
            let (shown, cursor) = input_view(
                form.input(field),
                value_area.width,
                field.kind() == FieldKind::Secret,
            );
            if focused {
                place_cursor(frame, value_area, cursor);
            }
            (shown, text_hint(tab, field))
        }
        FieldKind::Toggle => {
            let on = match field {
                Field::Tls => form.tls,
                Field::RememberPassword => form.remember_password,
                Field::CleanSession => form.clean_session,
                _ => form.verify,
            };
            let shown = if on { "[x] on" } else { "[ ] off" }.to_string();
            let hint = match (field, on) {
                (Field::RememberPassword, true) => {
                    Some(("  written to the profiles file (mode 0600)", theme::DIM))
                }
                (Field::RememberPassword, false) => {
                    Some(("  asked on connect unless an env var is named", theme::DIM))
                }
                (Field::Verify, false) if form.tls => {
                    Some(("  any certificate is accepted: NOT VERIFIED", theme::ERROR))
                }
                (Field::Verify, _) if !form.tls => Some(("  (TLS is off)", theme::DIM)),
                (Field::CleanSession, false) => Some((
                    "  the broker keeps subscriptions and QoS 1 messages for this client id",
                    theme::DIM,
                )),
                _ => None,
            };
            (shown, hint)
        }
        FieldKind::Choice => match field {
            Field::AckMode if form.source != Source::Queue => (
                String::new(),
                Some(("(only when consuming an existing queue)", theme::DIM)),
            ),
            Field::Protocol => (
                format!("< {} >", form.protocol.label()),
                Some((PROTOCOL_HINT.as_str(), theme::DIM)),
            ),
            Field::StompAck => (format!("< {} >", form.stomp_ack.as_str()), None),
            Field::Qos if form.qos >= 2 => (
                format!("< {} >", form.qos),
                Some(("  RabbitMQ 3.10 downgrades QoS 2 to 1", theme::HEADER)),
            ),
            Field::Qos => (format!("< {} >", form.qos), None),
            Field::Source => (format!("< {} >", form.source.label()), None),
            Field::AckMode => (format!("< {} >", form.ack.label()), None),
            _ => (format!("< {} >", form.exchange_type), None),
        },
    };
    let mut spans = vec![Span::styled(text, value_style)];
    if let Some((hint, style)) = hint {
        spans.push(Span::styled(hint, style));
    }
    // Only the empty URL field: what it stands for depends on the host and TLS.
    if field == Field::ManagementUrl && form.value(field).is_empty() {
        let default =
            crate::session::default_management_url(form.value(Field::Host).trim(), form.tls);
        spans.push(Span::styled(
            format!("(default: {})", crate::text::visible(&default)),
            theme::DIM,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), value_area);
}

fn text_hint(tab: &Tab, field: Field) -> Option<(&'static str, Style)> {
    let form = &tab.form;
    let empty = form.value(field).is_empty();
    match field {
        Field::Queue if form.source == Source::Queue && empty => {
            Some(("(required: the name of the existing queue)", theme::ERROR))
        }
        Field::Queue if form.source == Source::Queue => None,
        Field::Exchange | Field::RoutingKey if form.source == Source::Queue => {
            Some(("  (not used: the queue is consumed as it is)", theme::DIM))
        }
        Field::Queue if empty => Some(("(server-named, exclusive, auto-delete)", theme::DIM)),
        Field::Exchange if empty => Some((
            "(the default exchange: consume the queue directly)",
            theme::DIM,
        )),
        Field::CaFile if !form.tls => Some(("  (TLS is off)", theme::DIM)),
        Field::CaFile if !form.verify => Some(("  (ignored: verification is off)", theme::DIM)),
        Field::CaFile if empty => Some(("(system trust store)", theme::DIM)),
        Field::ClientCert | Field::ClientKey if !form.tls && !empty => {
            Some(("  (TLS is off)", theme::DIM))
        }
        Field::ClientCert if empty => {
            Some(("(none: for brokers that require mutual TLS)", theme::DIM))
        }
        Field::ClientId if empty => Some(("(generated when connecting)", theme::DIM)),
        Field::Topics => Some(("  AMQP sees test/# as key test.# on amq.topic", theme::DIM)),
        Field::Destinations => Some((
            "  /exchange/X/KEY, /queue/Q, /amq/queue/Q or /topic/KEY",
            theme::DIM,
        )),
        Field::PasswordEnv if empty => Some((
            "(e.g. AMQP_PASSWORD; used when Password is empty)",
            theme::DIM,
        )),
        Field::ManagementUser if empty => Some(("(the session's user)", theme::DIM)),
        Field::ManagementPassword if empty => Some(("(the session's password)", theme::DIM)),
        _ => None,
    }
}
