//! How typed and pasted text goes into inputs: a pre-filled input whose text starts
//! selected, so typing replaces it; and the two paste rules, one for one-line fields and
//! one for the message body, which is sent byte for byte.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::{Input, InputRequest, backend::crossterm::EventHandler};

/// A one-line input offered with a value the user most often replaces (a profile name, a
/// routing key, an export path): the value starts selected, as in other text fields a
/// user knows. A typed character or a paste replaces the selection; Backspace or Delete
/// deletes it; any other key (Left, Right, Home, End…) drops the selection and does
/// what it always does.
#[derive(Clone, Debug, Default)]
pub struct TextField {
    input: Input,
    selected: bool,
}

impl TextField {
    /// `text` in the field, selected (when there is any).
    pub fn prefilled(text: impl Into<String>) -> Self {
        let text = text.into();
        Self {
            selected: !text.is_empty(),
            input: Input::new(text),
        }
    }

    pub fn input(&self) -> &Input {
        &self.input
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// The whole value is selected: the view draws it so.
    pub fn selected(&self) -> bool {
        self.selected
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if std::mem::take(&mut self.selected) {
            let typed = matches!(key.code, KeyCode::Char(_))
                && !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
            match key.code {
                KeyCode::Backspace | KeyCode::Delete => {
                    self.input.reset();
                    return;
                }
                _ if typed => self.input.reset(),
                _ => {}
            }
        }
        self.input.handle_event(&Event::Key(key));
    }

    pub fn paste(&mut self, text: &str) {
        if std::mem::take(&mut self.selected) {
            self.input.reset();
        }
        paste_one_line(&mut self.input, text);
    }
}

impl From<Input> for TextField {
    /// An input taken as it is, nothing selected.
    fn from(input: Input) -> Self {
        Self {
            input,
            selected: false,
        }
    }
}

/// A paste into a one-line field (host, user, a name, a path): a pasted newline must not
/// become a stray Enter, nor a control character or bidi override reach the field.
pub fn paste_one_line(input: &mut Input, text: &str) {
    for c in text.chars() {
        let c = if crate::text::is_unsafe(c) { ' ' } else { c };
        input.handle(InputRequest::InsertChar(c));
    }
}

/// A paste into the message body: kept exactly, newlines, tabs and carriage returns
/// included, since the body is published byte for byte. The view shows them as marks.
pub fn paste_exact(input: &mut Input, text: &str) {
    for c in text.chars() {
        input.handle(InputRequest::InsertChar(c));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::from(code)
    }

    #[test]
    fn typing_replaces_a_prefilled_value() {
        let mut field = TextField::prefilled("fresh");
        assert!(field.selected());
        field.handle_key(key(KeyCode::Char('n')));
        field.handle_key(key(KeyCode::Char('2')));
        assert_eq!(field.value(), "n2");
        assert!(!field.selected());
    }

    #[test]
    fn moving_the_cursor_keeps_the_value_and_edits_it_as_usual() {
        let mut field = TextField::prefilled("fresh");
        field.handle_key(key(KeyCode::End));
        field.handle_key(key(KeyCode::Char('2')));
        assert_eq!(field.value(), "fresh2");
        let mut field = TextField::prefilled("fresh");
        field.handle_key(key(KeyCode::Home));
        field.handle_key(key(KeyCode::Char('x')));
        assert_eq!(field.value(), "xfresh");
        let mut field = TextField::prefilled("order.#");
        field.handle_key(key(KeyCode::Left));
        field.handle_key(key(KeyCode::Backspace));
        assert_eq!(field.value(), "order#");
    }

    #[test]
    fn backspace_deletes_the_selection_and_a_paste_replaces_it() {
        let mut field = TextField::prefilled("fresh");
        field.handle_key(key(KeyCode::Backspace));
        assert_eq!(field.value(), "");
        let mut field = TextField::prefilled("#");
        field.paste("order.us\nshipped");
        assert_eq!(field.value(), "order.us shipped", "one line: no newline");
        field.paste("!");
        assert_eq!(field.value(), "order.us shipped!", "then a paste inserts");
    }

    #[test]
    fn the_body_keeps_pasted_control_characters_and_a_line_field_does_not() {
        let pasted = "a\nb\tc\r\nd\u{1b}[2J";
        let mut body = Input::default();
        paste_exact(&mut body, pasted);
        assert_eq!(body.value(), pasted);
        let mut host = Input::default();
        paste_one_line(&mut host, pasted);
        assert_eq!(host.value(), "a b c  d [2J");
    }
}
