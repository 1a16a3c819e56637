//! The profile list, and the small prompts drawn over it.

use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    text::{Line, Span},
    widgets::{Block, Clear, List, ListItem, ListState, Paragraph, Wrap},
};

use super::{input_view, mark_selection, place_cursor, theme};
use crate::{
    model::{ProfileList, Prompt},
    profile::Profile,
    text::visible,
};

pub fn draw_list(frame: &mut Frame, area: Rect, list: &ProfileList) {
    let problem_rows: u16 = if list.problem.is_some() { 3 } else { 0 };
    let rows = u16::try_from(list.profiles.len().max(2)).unwrap_or(u16::MAX);
    let popup = area.centered(
        Constraint::Length(area.width.saturating_sub(4).clamp(20, 120)),
        Constraint::Length(rows.saturating_add(problem_rows + 2).min(area.height)),
    );
    frame.render_widget(Clear, popup);
    // A long path gives up its middle, never its end (the file name).
    let mut title = vec!["Profiles".to_string()];
    title.extend(
        list.path
            .as_ref()
            .map(|p| visible(&p.display().to_string())),
    );
    let title = super::title::fit(&title, 1, popup.width);
    let block = Block::bordered()
        .title(Span::styled(title, theme::TITLE))
        .border_style(theme::BORDER_FOCUSED);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);

    let [problem, rows] =
        Layout::vertical([Constraint::Length(problem_rows), Constraint::Min(1)]).areas(inner);
    if let Some(text) = &list.problem {
        let text =
            Paragraph::new(Line::styled(visible(text), theme::ERROR)).wrap(Wrap { trim: true });
        frame.render_widget(text, problem);
    }
    if list.profiles.is_empty() {
        let hint = "No profiles yet. s saves the current form as one; i imports an AMQP URI.";
        frame.render_widget(
            Paragraph::new(Line::styled(hint, theme::DIM)).wrap(Wrap { trim: true }),
            rows,
        );
        return;
    }
    let items: Vec<ListItem> = list.profiles.iter().map(item).collect();
    let mut state = ListState::default().with_selected(Some(list.selected));
    let widget = List::new(items)
        .highlight_style(theme::FOCUS)
        .highlight_symbol("> ");
    frame.render_stateful_widget(widget, rows, &mut state);
}

/// One line: name, where it connects, how it is protected, what it watches.
fn item(p: &Profile) -> ListItem<'static> {
    let security = match (p.tls, p.verify) {
        (false, _) => Span::styled("plain", theme::security(&crate::tls::Security::Plain)),
        (true, true) => Span::styled(
            "TLS verified",
            theme::security(&crate::tls::Security::TlsVerified { ca_file: None }),
        ),
        (true, false) => Span::styled(
            "TLS NOT VERIFIED",
            theme::security(&crate::tls::Security::TlsNotVerified),
        ),
    };
    let password = if p.password.is_some() {
        "password saved"
    } else if p.password_env.is_some() {
        "password from env"
    } else {
        "password asked"
    };
    // Protection and password first: they are what differs between profiles of one broker.
    ListItem::new(Line::from(vec![
        // Padded by display width: an emoji or CJK name takes two columns a character.
        Span::styled(
            format!("{} ", crate::text::pad(&visible(&p.name), 22)),
            theme::HEADER,
        ),
        security,
        Span::raw(visible(&format!("  {}  ", crate::profile::display_url(p)))),
        Span::styled(password, theme::DIM),
        Span::styled(
            visible(&format!(
                "  {} ({}) key {}",
                p.exchange, p.exchange_type, p.routing_key
            )),
            theme::DIM,
        ),
    ]))
}

pub fn draw_prompt(frame: &mut Frame, area: Rect, prompt: &Prompt) {
    let width = area.width.saturating_sub(4).clamp(20, 80);
    // Near the top, so the profile list drawn under it stays readable; at the very top
    // when that row is needed for the prompt itself.
    let top = u16::from(area.height > 7);
    let popup = area
        .centered_horizontally(Constraint::Length(width))
        .intersection(Rect {
            y: area.y + top,
            height: 7,
            ..area
        });
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Span::styled(
            format!(" {} ", prompt.kind.title()),
            theme::TITLE,
        ))
        .border_style(theme::BORDER_FOCUSED);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [input, _, message] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    let (shown, cursor) = input_view(prompt.input.input(), input.width, prompt.kind.is_secret());
    frame.render_widget(
        Paragraph::new(Span::styled(shown.clone(), theme::FOCUS)),
        input,
    );
    if prompt.input.selected() {
        mark_selection(frame, input, &shown);
    }
    place_cursor(frame, input, cursor);
    let line = match &prompt.error {
        Some(error) => Line::styled(error.clone(), theme::ERROR),
        None => Line::styled(prompt.kind.help(), theme::DIM),
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), message);
}

pub fn draw_confirm_delete(frame: &mut Frame, area: Rect, name: &str) {
    let popup = area.centered(
        Constraint::Length(area.width.saturating_sub(4).clamp(20, 60)),
        Constraint::Length(3),
    );
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Span::styled(" Delete profile ", theme::TITLE))
        .border_style(theme::BORDER_FOCUSED);
    let text = format!("Delete profile {}? y deletes, n keeps it.", visible(name));
    frame.render_widget(Paragraph::new(text).block(block), popup);
}
