//! The connection form.

use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    style::Style,
    text::{Line, Span},
    widgets::{Block, Paragraph, Wrap},
};

use super::{input_view, place_cursor, theme};
use crate::model::{Field, Focus, Model, connect_form::FieldKind};

const LABEL_WIDTH: u16 = 30;

pub fn draw(frame: &mut Frame, area: Rect, model: &Model) {
    let block = Block::bordered()
        .title(Span::styled(" amqp-tui · connect ", theme::TITLE))
        .border_style(theme::BORDER_FOCUSED);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let rows = Field::ALL.len() as u16;
    let [fields, _, error] = Layout::vertical([
        Constraint::Length(rows),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    for (i, field) in Field::ALL.into_iter().enumerate() {
        let row = Rect {
            y: fields.y + i as u16,
            height: 1,
            ..fields
        };
        if row.y >= fields.bottom() {
            break;
        }
        draw_field(frame, row, model, field);
    }
    if let Some((_, message)) = &model.form.error {
        let text =
            Paragraph::new(Line::styled(message.as_str(), theme::ERROR)).wrap(Wrap { trim: true });
        frame.render_widget(text, error);
    }
}

fn draw_field(frame: &mut Frame, row: Rect, model: &Model, field: Field) {
    let form = &model.form;
    let focused = model.focus == Focus::Form(field);
    let at_fault = matches!(form.error, Some((Some(f), _)) if f == field);
    let [label_area, value_area] =
        Layout::horizontal([Constraint::Length(LABEL_WIDTH), Constraint::Min(1)]).areas(row);
    let marker = if at_fault { "! " } else { "  " };
    let label_style = if at_fault { theme::ERROR } else { theme::LABEL };
    let label = Line::from(vec![
        Span::styled(marker, theme::ERROR),
        Span::styled(
            format!("{:>w$} ", field.label(), w = usize::from(LABEL_WIDTH) - 3),
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
            (shown, text_hint(model, field))
        }
        FieldKind::Toggle => {
            let on = if field == Field::Tls {
                form.tls
            } else {
                form.verify
            };
            let shown = if on { "[x] on" } else { "[ ] off" }.to_string();
            let hint = match (field, on) {
                (Field::Verify, false) if form.tls => {
                    Some(("  any certificate is accepted: NOT VERIFIED", theme::ERROR))
                }
                (Field::Verify, _) if !form.tls => Some(("  (TLS is off)", theme::DIM)),
                _ => None,
            };
            (shown, hint)
        }
        FieldKind::Choice => (format!("< {} >", form.exchange_type), None),
    };
    let mut spans = vec![Span::styled(text, value_style)];
    if let Some((hint, style)) = hint {
        spans.push(Span::styled(hint, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), value_area);
}

fn text_hint(model: &Model, field: Field) -> Option<(&'static str, Style)> {
    let form = &model.form;
    let empty = form.value(field).is_empty();
    match field {
        Field::Queue if empty => Some(("(server-named, exclusive, auto-delete)", theme::DIM)),
        Field::Exchange if empty => Some((
            "(the default exchange: consume the queue directly)",
            theme::DIM,
        )),
        Field::CaFile if !form.tls => Some(("  (TLS is off)", theme::DIM)),
        Field::CaFile if !form.verify => Some(("  (ignored: verification is off)", theme::DIM)),
        Field::CaFile if empty => Some(("(system trust store)", theme::DIM)),
        _ => None,
    }
}
