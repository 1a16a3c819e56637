//! The compose box's properties and headers editor, drawn over the session.

use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    text::{Line, Span},
    widgets::{Block, Clear, Paragraph, Wrap},
};

use super::{draw_labelled_input, theme};
use crate::model::{Tab, properties_form::PropField};

const LABEL_WIDTH: u16 = 22;

pub fn draw(frame: &mut Frame, area: Rect, tab: &Tab) {
    let props = &tab.compose.props;
    let rows = PropField::ALL.len() as u16;
    let popup = area.centered(
        Constraint::Length(area.width.saturating_sub(4).clamp(30, 100)),
        Constraint::Length((rows + 6).min(area.height)),
    );
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Span::styled(
            format!(
                " Properties and headers · delivery mode {} is set in the box ",
                tab.compose.delivery_mode_label(tab.protocol())
            ),
            theme::TITLE,
        ))
        .title_bottom(Span::styled(
            " Enter/Esc done · headers as JSON: {\"x-retry\": 3, \"meta\": {\"eu\": true}} ",
            theme::DIM,
        ))
        .border_style(theme::BORDER_FOCUSED);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [fields, message] =
        Layout::vertical([Constraint::Length(rows), Constraint::Min(1)]).areas(inner);
    for (i, field) in PropField::ALL.into_iter().enumerate() {
        let row = Rect {
            y: fields.y + i as u16,
            height: 1,
            ..fields
        };
        if row.y >= fields.bottom() {
            break;
        }
        let at_fault = matches!(&props.error, Some((f, _)) if *f == field);
        let label_style = if at_fault { theme::ERROR } else { theme::LABEL };
        let focused = props.focus == field;
        draw_labelled_input(
            frame,
            row,
            (field.label(), LABEL_WIDTH, label_style),
            props.input(field),
            focused,
        );
    }
    if let Some((_, text)) = &props.error {
        let text = Paragraph::new(Line::styled(crate::text::visible(text), theme::ERROR))
            .wrap(Wrap { trim: true });
        frame.render_widget(text, message);
    }
}
