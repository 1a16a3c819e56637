//! The key overlay, drawn from the keymap table itself. It flows into columns, and into
//! pages of columns when the terminal is too small for all of them: no binding is lost.

use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    text::{Line, Span},
    widgets::{Block, Clear, Paragraph},
};

use super::theme;
use crate::{
    keymap::{BINDINGS, Context, offered},
    session::Protocol,
};

const COLUMN_WIDTH: u16 = 38;

/// Draws page `page` of the key columns: as many columns as fit side by side; Right and
/// Left turn the pages when there are more than fit. Only the keys the current tab's
/// protocol offers are listed, as in the footer.
pub fn draw(frame: &mut Frame, area: Rect, page: usize, protocol: Protocol) {
    let sections: Vec<Vec<Line>> = Context::ALL
        .into_iter()
        .map(|context| section(context, protocol))
        .collect();
    let popup = area.inner(ratatui::layout::Margin::new(1, 0));
    let rows = usize::from(popup.height.saturating_sub(2).max(1));
    let columns = layout_columns(sections, rows);
    let per_page = usize::from((popup.width.saturating_sub(2) / COLUMN_WIDTH).max(1));
    let pages = columns.len().div_ceil(per_page).max(1);
    let page = page.min(pages - 1);
    let shown: Vec<Vec<Line>> = columns
        .into_iter()
        .skip(page * per_page)
        .take(per_page)
        .collect();
    let width = (COLUMN_WIDTH * shown.len() as u16 + 2).min(popup.width);
    let height = shown.iter().map(Vec::len).max().unwrap_or(0) as u16 + 2;
    let popup = popup.centered(
        Constraint::Length(width),
        Constraint::Length(height.min(popup.height)),
    );
    frame.render_widget(Clear, popup);
    let footer = if pages > 1 {
        format!(
            " page {}/{pages}: Right / Left turn the page, any other key closes ",
            page + 1
        )
    } else {
        " Any key closes this help ".into()
    };
    let block = Block::bordered()
        .title(Span::styled(" Keys ", theme::TITLE))
        .title_bottom(Span::styled(footer, theme::DIM))
        .border_style(theme::BORDER_FOCUSED);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let areas =
        Layout::horizontal(vec![Constraint::Length(COLUMN_WIDTH); shown.len()]).split(inner);
    for (lines, area) in shown.into_iter().zip(areas.iter()) {
        frame.render_widget(Paragraph::new(lines), *area);
    }
}

/// A context's keys, one line per action: `Up, k  scroll up`.
fn section(context: Context, protocol: Protocol) -> Vec<Line<'static>> {
    let mut entries: Vec<(String, &'static str)> = Vec::new();
    let listed = BINDINGS
        .iter()
        .filter(|b| b.context == context && offered(protocol, &b.action));
    for binding in listed {
        match entries
            .iter_mut()
            .find(|(_, label)| *label == binding.label)
        {
            Some((keys, _)) => {
                keys.push_str(", ");
                keys.push_str(binding.keys);
            }
            None => entries.push((binding.keys.to_string(), binding.label)),
        }
    }
    let mut lines = vec![Line::styled(context.title(), theme::HEADER)];
    lines.extend(entries.into_iter().map(|(keys, label)| {
        Line::from(vec![
            Span::styled(format!(" {keys:<11} "), theme::KEY),
            Span::raw(label),
        ])
    }));
    lines
}

/// Sections flow down and on into the next column, so nothing is left out; a column never
/// starts with the blank line between two sections.
fn layout_columns(sections: Vec<Vec<Line<'static>>>, rows: usize) -> Vec<Vec<Line<'static>>> {
    let mut columns: Vec<Vec<Line>> = vec![Vec::new()];
    for (i, section) in sections.into_iter().enumerate() {
        let gap = (i > 0).then(|| Line::raw(""));
        for line in gap.into_iter().chain(section) {
            let full = columns.last().is_some_and(|c| c.len() >= rows);
            if full {
                columns.push(Vec::new());
            }
            let column = columns.last_mut().expect("there is always a column");
            if !(column.is_empty() && line.spans.is_empty()) {
                column.push(line);
            }
        }
    }
    columns
}
