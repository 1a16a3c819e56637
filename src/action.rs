//! Every intent the app acts on: from keys, from the broker, from the clock.

use crossterm::event::KeyEvent;

use crate::amqp::SessionEvent;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    ToggleHelp,
    CloseHelp,
    FocusNext,
    FocusPrev,
    /// Enter on the form.
    Connect,
    /// Esc on the form while an attempt is under way.
    CancelConnect,
    /// Esc or q on the message pane: end the session and go back to the form.
    LeaveSession,
    /// Esc in the compose box: back to the message pane.
    FocusMessages,
    Publish,
    ToggleField,
    NextChoice,
    PrevChoice,
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    ScrollOldest,
    FollowTail,
    ClearMessages,
    /// A key for the focused text field.
    Edit(KeyEvent),
    Paste(String),
    /// The terminal changed size; the message pane now shows `page_rows` rows.
    Resize {
        page_rows: usize,
    },
    Broker(SessionEvent),
}
