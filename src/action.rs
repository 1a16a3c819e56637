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
    Resize {
        rows: u16,
    },
    Broker(SessionEvent),
}
