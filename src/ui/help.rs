//! The key overlay, drawn from the keymap table itself.

use ratatui::{
    Frame,
    layout::{Constraint, Rect},
    text::{Line, Span},
    widgets::{Block, Clear, Paragraph},
};

use super::theme;
use crate::keymap::{BINDINGS, Context};

pub fn draw(frame: &mut Frame, area: Rect) {
    let mut lines = Vec::new();
    for context in Context::ALL {
        lines.push(Line::styled(context.title(), theme::HEADER));
        for binding in BINDINGS.iter().filter(|b| b.context == context) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<10}", binding.keys), theme::KEY),
                Span::raw(binding.label),
            ]));
        }
    }
    lines.push(Line::styled("Any key closes this help.", theme::DIM));
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let popup = area.centered(
        Constraint::Length(48.min(area.width)),
        Constraint::Length(height),
    );
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Span::styled(" Keys ", theme::TITLE))
        .border_style(theme::BORDER_FOCUSED);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
