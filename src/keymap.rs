//! The one table from keys to actions. The dispatcher, the footer hints and the help
//! overlay all read it, so what the help says is what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::{
    action::Action,
    model::{Focus, Model},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Anywhere,
    Form,
    FormToggle,
    Messages,
    Compose,
    ComposeToggle,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Self::Anywhere => "Anywhere",
            Self::Form => "Connection form",
            Self::FormToggle => "Form switches and choices",
            Self::Messages => "Message pane",
            Self::Compose => "Compose box",
            Self::ComposeToggle => "Delivery mode switch",
        }
    }

    pub const ALL: [Context; 6] = [
        Self::Anywhere,
        Self::Form,
        Self::FormToggle,
        Self::Messages,
        Self::Compose,
        Self::ComposeToggle,
    ];
}

pub struct Binding {
    pub context: Context,
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
    pub keys: &'static str,
    pub action: Action,
    pub label: &'static str,
    /// Shown in the footer, not only in the help overlay.
    pub hint: bool,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

macro_rules! bind {
    ($ctx:ident, $code:expr, $mods:expr, $keys:literal, $action:expr, $label:literal, $hint:literal) => {
        Binding {
            context: Context::$ctx,
            code: $code,
            modifiers: $mods,
            keys: $keys,
            action: $action,
            label: $label,
            hint: $hint,
        }
    };
}

use KeyCode::*;

// One binding a line: a table is easier to check as a table.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    bind!(Anywhere, Char('c'), CTRL, "Ctrl-C", Action::Quit, "quit", true),
    bind!(Anywhere, F(1), NONE, "F1", Action::ToggleHelp, "help", false),
    bind!(Anywhere, Tab, NONE, "Tab", Action::FocusNext, "next field", false),
    bind!(Anywhere, BackTab, SHIFT, "Shift-Tab", Action::FocusPrev, "previous field", false),
    bind!(Form, Enter, NONE, "Enter", Action::Connect, "connect", true),
    bind!(Form, Down, NONE, "Down", Action::FocusNext, "next field", false),
    bind!(Form, Up, NONE, "Up", Action::FocusPrev, "previous field", false),
    bind!(Form, Esc, NONE, "Esc", Action::CancelConnect, "cancel connecting", false),
    bind!(FormToggle, Enter, NONE, "Enter", Action::Connect, "connect", true),
    bind!(FormToggle, Char(' '), NONE, "Space", Action::ToggleField, "switch / next choice", true),
    bind!(FormToggle, Right, NONE, "Right", Action::NextChoice, "next choice", false),
    bind!(FormToggle, Left, NONE, "Left", Action::PrevChoice, "previous choice", false),
    bind!(FormToggle, Down, NONE, "Down", Action::FocusNext, "next field", false),
    bind!(FormToggle, Up, NONE, "Up", Action::FocusPrev, "previous field", false),
    bind!(FormToggle, Char('?'), NONE, "?", Action::ToggleHelp, "help", true),
    bind!(FormToggle, Esc, NONE, "Esc", Action::CancelConnect, "cancel connecting", false),
    bind!(FormToggle, Char('q'), NONE, "q", Action::Quit, "quit", false),
    bind!(Messages, Up, NONE, "Up", Action::ScrollUp, "scroll up", false),
    bind!(Messages, Down, NONE, "Down", Action::ScrollDown, "scroll down", false),
    bind!(Messages, Char('k'), NONE, "k", Action::ScrollUp, "scroll up", false),
    bind!(Messages, Char('j'), NONE, "j", Action::ScrollDown, "scroll down", false),
    bind!(Messages, PageUp, NONE, "PgUp", Action::PageUp, "page up", true),
    bind!(Messages, PageDown, NONE, "PgDn", Action::PageDown, "page down", false),
    bind!(Messages, Home, NONE, "Home", Action::ScrollOldest, "oldest", false),
    bind!(Messages, End, NONE, "End", Action::FollowTail, "follow newest", true),
    bind!(Messages, Char('c'), NONE, "c", Action::ClearMessages, "clear pane", false),
    bind!(Messages, Char('?'), NONE, "?", Action::ToggleHelp, "help", true),
    bind!(Messages, Esc, NONE, "Esc", Action::LeaveSession, "disconnect, back to form", true),
    bind!(Messages, Char('q'), NONE, "q", Action::LeaveSession, "disconnect, back to form", false),
    bind!(Compose, Enter, NONE, "Enter", Action::Publish, "publish", true),
    bind!(Compose, Esc, NONE, "Esc", Action::FocusMessages, "leave the box", true),
    bind!(ComposeToggle, Enter, NONE, "Enter", Action::Publish, "publish", true),
    bind!(ComposeToggle, Char(' '), NONE, "Space", Action::ToggleField, "transient / persistent", true),
    bind!(ComposeToggle, Char('?'), NONE, "?", Action::ToggleHelp, "help", false),
    bind!(ComposeToggle, Esc, NONE, "Esc", Action::FocusMessages, "leave the box", true),
    bind!(ComposeToggle, Char('q'), NONE, "q", Action::FocusMessages, "leave the box", false),
];

pub fn context_of(focus: Focus) -> Context {
    match focus {
        Focus::Form(field) if field.is_text() => Context::Form,
        Focus::Form(_) => Context::FormToggle,
        Focus::Messages => Context::Messages,
        Focus::ComposeMode => Context::ComposeToggle,
        Focus::ComposeBody | Focus::ComposeExchange | Focus::ComposeKey => Context::Compose,
    }
}

/// The action for a key press, or `None` when the key means nothing here.
pub fn action_for(model: &Model, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if model.show_help {
        let quit = key.code == Char('c') && key.modifiers.contains(CTRL);
        return Some(if quit {
            Action::Quit
        } else {
            Action::CloseHelp
        });
    }
    let context = context_of(model.focus);
    let found = BINDINGS.iter().find(|b| {
        (b.context == Context::Anywhere || b.context == context)
            && b.code == key.code
            && key.modifiers == b.modifiers
    });
    match found {
        Some(binding) => Some(binding.action.clone()),
        None if model.focus.is_text() => Some(Action::Edit(key)),
        None => None,
    }
}

/// The footer's hints for the focused pane.
pub fn hints(focus: Focus) -> impl Iterator<Item = &'static Binding> {
    let context = context_of(focus);
    BINDINGS
        .iter()
        .filter(move |b| b.hint && (b.context == context || b.context == Context::Anywhere))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn q_types_in_text_fields_but_leaves_the_message_pane() {
        let mut model = Model {
            focus: Focus::Form(Field::Host),
            ..Model::default()
        };
        assert!(matches!(
            action_for(&model, press(Char('q'), NONE)),
            Some(Action::Edit(_))
        ));
        model.focus = Focus::Messages;
        assert_eq!(
            action_for(&model, press(Char('q'), NONE)),
            Some(Action::LeaveSession)
        );
    }

    #[test]
    fn ctrl_c_quits_from_anywhere_even_the_help() {
        let mut model = Model::default();
        for focus in [
            Focus::Form(Field::Password),
            Focus::Messages,
            Focus::ComposeBody,
        ] {
            model.focus = focus;
            assert_eq!(
                action_for(&model, press(Char('c'), CTRL)),
                Some(Action::Quit)
            );
        }
        model.show_help = true;
        assert_eq!(
            action_for(&model, press(Char('c'), CTRL)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                let overlap = a.context == b.context
                    || a.context == Context::Anywhere
                    || b.context == Context::Anywhere;
                assert!(
                    !(overlap && a.code == b.code && a.modifiers == b.modifiers),
                    "{} bound twice ({:?} / {:?})",
                    a.keys,
                    a.context,
                    b.context
                );
            }
        }
    }
}
