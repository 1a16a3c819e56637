//! The compose box: where to publish, how, and what.

use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    style::Style,
    text::{Line, Span},
    widgets::{Block, Paragraph},
};

use super::{draw_input, place_cursor, theme};
use crate::model::{Focus, Tab};

pub const HEIGHT: u16 = 4;

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
    let confirmed = if compose.confirm {
        "confirmed"
    } else {
        "NOT confirmed (F5)"
    };
    let mut title = format!(
        " Publish (mandatory, {confirmed}) · {} properties set (F4) ",
        compose.props.set_count()
    );
    let t = compose.tally;
    if t != Default::default() {
        title.push_str(&format!(
            "· {} acked, {} returned, {} nacked, {} failed ",
            t.acked, t.returned, t.nacked, t.failed
        ));
        // Only once something went out unconfirmed: most sessions never do.
        if t.sent > 0 {
            title.push_str(&format!("· {} sent unconfirmed ", t.sent));
        }
    }
    if compose.in_flight > 0 {
        title.push_str(&format!("· {} awaiting confirm ", compose.in_flight));
    }
    let block = Block::bordered()
        .title(Span::styled(title, theme::TITLE))
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
    label(frame, mode_label, " Mode ");
    let mode_style = if tab.focus == Focus::ComposeMode {
        theme::FOCUS
    } else {
        Style::new()
    };
    frame.render_widget(
        Paragraph::new(Span::styled(compose.delivery_mode_label(), mode_style)),
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
        _ => field(frame, text, &compose.body, tab.focus == Focus::ComposeBody),
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
