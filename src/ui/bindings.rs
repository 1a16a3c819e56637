//! The session's bindings, with the cursor on one: add and remove them live.

use ratatui::{
    Frame,
    layout::{Constraint, Rect},
    text::{Line, Span},
    widgets::{Block, Clear, List, ListItem, ListState},
};

use super::theme;
use crate::{model::Tab, routing, text::visible};

pub fn draw(frame: &mut Frame, area: Rect, tab: &Tab, selected: usize) {
    let Some(settings) = &tab.session_settings else {
        return;
    };
    let routing = &settings.routing;
    let rows = u16::try_from(routing.bindings.len().max(1)).unwrap_or(u16::MAX);
    let popup = area.centered(
        Constraint::Length(area.width.saturating_sub(4).clamp(30, 90)),
        Constraint::Length(rows.saturating_add(2).min(area.height)),
    );
    frame.render_widget(Clear, popup);
    let title = format!(
        " Bindings of {} to {} ({}) ",
        match &tab.conn {
            crate::model::ConnState::Connected { queue, .. } => visible(queue),
            _ => "the queue".into(),
        },
        visible(&routing.exchange),
        routing.exchange_type
    );
    let block = Block::bordered()
        .title(Span::styled(title, theme::TITLE))
        .title_bottom(Span::styled(" a add · d remove · Esc close ", theme::DIM))
        .border_style(theme::BORDER_FOCUSED);
    if routing.bindings.is_empty() {
        let empty = ListItem::new(Line::styled("No bindings: a adds one.", theme::DIM));
        frame.render_widget(List::new([empty]).block(block), popup);
        return;
    }
    let items: Vec<ListItem> = routing
        .bindings
        .iter()
        .map(|b| ListItem::new(visible(&routing::format_binding(routing.exchange_type, b))))
        .collect();
    let mut state =
        ListState::default().with_selected(Some(selected.min(routing.bindings.len() - 1)));
    let list = List::new(items)
        .block(block)
        .highlight_style(theme::FOCUS)
        .highlight_symbol("> ");
    frame.render_stateful_widget(list, popup, &mut state);
}
