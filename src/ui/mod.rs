//! Drawing. Every view takes `&Model` and a frame area; none of them changes anything.

mod bindings;
mod broker_view;
mod compose;
mod connect_form;
mod details;
mod explain;
mod help;
mod message_detail;
mod message_log;
mod profiles;
mod properties;
mod seen;
mod status_bar;
mod tab_bar;
pub mod theme;
mod title;

use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    style::Style,
    text::{Line, Span},
    widgets::Paragraph,
};
use tui_input::Input;

use crate::model::{Model, Overlay, Screen, text_field::TextField};

/// Broker refusals are long and worth reading whole: the notice has at least these rows,
/// and takes more from the main pane when it wraps to more (see `status_bar::notice_rows`).
pub const NOTICE_ROWS: u16 = 2;

pub fn draw(frame: &mut Frame, model: &Model) {
    let tab = model.tab();
    let screen = frame.area();
    let [tabs, main, status, notice, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(status_bar::notice_rows(model, screen)),
        Constraint::Length(1),
    ])
    .areas(screen);
    tab_bar::draw(frame, tabs, model);
    match tab.screen {
        _ if tab.broker.open => broker_view::draw(frame, main, &tab.broker),
        Screen::Form => connect_form::draw(frame, main, tab),
        Screen::Session => {
            let [messages, compose] =
                Layout::vertical([Constraint::Min(3), Constraint::Length(compose::HEIGHT)])
                    .areas(main);
            message_log::draw(frame, messages, tab);
            compose::draw(frame, compose, tab);
        }
    }
    status_bar::draw_status(frame, status, tab);
    status_bar::draw_notice(frame, notice, model);
    status_bar::draw_hints(frame, hints, model);
    match &model.overlay {
        Overlay::None => {}
        Overlay::Help { page } => help::draw(frame, frame.area(), *page, model.tab().protocol()),
        Overlay::Details { scroll } => details::draw(frame, frame.area(), tab, *scroll),
        Overlay::Profiles => profiles::draw_list(frame, main, &model.profiles),
        Overlay::Prompt(prompt) => {
            // Names are typed with the list in view, so the user can see what exists.
            if prompt.kind.is_about_profiles() {
                profiles::draw_list(frame, main, &model.profiles);
            }
            profiles::draw_prompt(frame, question_area(main, frame.area()), prompt);
        }
        Overlay::Properties => properties::draw(frame, frame.area(), tab),
        Overlay::Bindings { selected } => bindings::draw(frame, frame.area(), tab, *selected),
        Overlay::Explain {
            key,
            headers,
            on_headers,
        } => {
            let inputs = explain::ExplainInputs {
                key,
                headers,
                on_headers: *on_headers,
            };
            explain::draw(frame, frame.area(), tab, &inputs);
        }
        Overlay::Message { view, scroll } => {
            let seen = seen::copy_line(model);
            message_detail::draw(frame, frame.area(), tab, *view, *scroll, seen);
        }
        Overlay::ConfirmDelete(name) => {
            profiles::draw_list(frame, main, &model.profiles);
            profiles::draw_confirm_delete(frame, question_area(main, frame.area()), name);
        }
    }
    // A question about quitting or closing (Ctrl-C reaches past every overlay) must be
    // seen, or the second press would come as a surprise: it goes over the overlay.
    if model.armed.is_some() && !matches!(model.overlay, Overlay::None) {
        frame.render_widget(ratatui::widgets::Clear, notice);
        status_bar::draw_notice(frame, notice, model);
    }
}

/// Where a prompt or a question goes: over the main pane, unless a tiny terminal left it
/// too short to show one (a bordered input needs 3 rows), then over the whole screen, so
/// what is being asked is never hidden.
fn question_area(main: Rect, screen: Rect) -> Rect {
    if main.height >= 3 { main } else { screen }
}

/// Message rows the session screen shows in a terminal `rows` high: the terminal less the
/// tab bar, the bottom lines, the compose box, and the pane's borders and header row.
pub fn message_rows(rows: u16) -> usize {
    let chrome = 1 + 1 + NOTICE_ROWS + 1 + compose::HEIGHT + 3;
    usize::from(rows.saturating_sub(chrome).max(1))
}

/// The slice of a text input that fits `width`, and where the cursor falls in it.
fn input_view(input: &Input, width: u16, secret: bool) -> (String, u16) {
    let width = usize::from(width.max(1));
    let (text, scroll, cursor) = if secret {
        // One bullet a character, whatever its width: the mask must not tell a wide
        // character from a narrow one, so its columns are counted here, not by tui-input.
        let text = "•".repeat(input.value().chars().count());
        let scroll = input.cursor().saturating_sub(width.saturating_sub(1));
        (text, scroll, input.cursor())
    } else {
        // As typed (a backslash stays one), with anything unsafe made visible; the cursor
        // is measured on the text drawn, which escapes make longer than the value.
        let value = input.value();
        let text = crate::text::typed(value);
        let before: String = value.chars().take(input.cursor()).collect();
        let cursor = crate::text::width(&crate::text::typed(&before));
        let scroll = cursor.saturating_sub(width.saturating_sub(1));
        (text, scroll, cursor)
    };
    // tui-input scrolls and places the cursor in display columns; cutting by characters
    // would shift a field holding wide characters and could split an emoji sequence.
    let shown = crate::text::columns(&text, scroll, width).to_string();
    let cursor = cursor.saturating_sub(scroll);
    (shown, u16::try_from(cursor).unwrap_or(u16::MAX))
}

/// A one-line text input filling `area`: highlighted and holding the cursor when focused.
fn draw_input(frame: &mut Frame, area: Rect, input: &Input, focused: bool, idle: Style) {
    let (shown, cursor) = input_view(input, area.width, false);
    let style = if focused { theme::FOCUS } else { idle };
    let padded = crate::text::pad(&shown, usize::from(area.width));
    frame.render_widget(Paragraph::new(Span::styled(padded, style)), area);
    if focused {
        place_cursor(frame, area, cursor);
    }
}

/// `label` right-aligned in `label_width` columns, then the input.
fn draw_labelled_input(
    frame: &mut Frame,
    row: Rect,
    (label, label_width, label_style): (&str, u16, Style),
    input: &Input,
    focused: bool,
) -> Rect {
    let [label_area, value] =
        Layout::horizontal([Constraint::Length(label_width), Constraint::Min(1)]).areas(row);
    frame.render_widget(
        Paragraph::new(Line::styled(format!("{label} "), label_style)).right_aligned(),
        label_area,
    );
    draw_input(frame, value, input, focused, Style::new());
    value
}

/// [`draw_labelled_input`] for a field that may hold a pre-filled selection.
fn draw_labelled_field(
    frame: &mut Frame,
    row: Rect,
    label: (&str, u16, Style),
    field: &TextField,
    focused: bool,
) {
    let value = draw_labelled_input(frame, row, label, field.input(), focused);
    if field.selected() {
        let (shown, _) = input_view(field.input(), value.width, false);
        mark_selection(frame, value, &shown);
    }
}

/// Shows that the `shown` text at the start of `area` is selected: typing replaces it.
fn mark_selection(frame: &mut Frame, area: Rect, shown: &str) {
    let width = u16::try_from(Span::raw(shown).width()).unwrap_or(u16::MAX);
    let selected = Rect {
        width: width.min(area.width),
        height: 1,
        ..area
    };
    frame.buffer_mut().set_style(selected, theme::SELECTION);
}

/// Where a text field sits, for placing the terminal cursor in it.
fn place_cursor(frame: &mut Frame, area: Rect, column: u16) {
    let x = area
        .x
        .saturating_add(column)
        .min(area.right().saturating_sub(1));
    frame.set_cursor_position((x, area.y));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_shows_its_text_as_typed_with_the_cursor_after_what_is_drawn() {
        let view = |value: &str| input_view(&Input::new(value.into()), 40, false);
        assert_eq!(view("/order\\.eu/"), ("/order\\.eu/".to_string(), 11));
        // An escape sequence pasted from a hostile profile is drawn, not executed, and the
        // cursor sits after the drawn text.
        assert_eq!(view("a\x1bb"), ("a\\eb".to_string(), 4));
        let (shown, cursor) = input_view(&Input::new("x\\".repeat(30)), 20, false);
        assert_eq!(shown, "\\x".repeat(9) + "\\", "the last 19 columns");
        assert_eq!(cursor, 19, "scrolled to keep the cursor in view");
    }
}
