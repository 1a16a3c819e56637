//! The one table from keys to actions. The dispatcher, the footer hints and the help
//! overlay all read it, so what the help says is what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::{
    action::Action,
    model::{Focus, Model, Overlay, scroll::Step},
    session::{Protocol, Settle},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Anywhere,
    Form,
    FormToggle,
    Messages,
    Compose,
    ComposeToggle,
    Details,
    Profiles,
    Prompt,
    Confirm,
    Properties,
    Message,
    Explain,
    Bindings,
    /// The broker view (F6), drawn instead of the tab's screen.
    Broker,
    /// What every text field does with the keys no pane binds (tui-input's editing keys),
    /// listed so that the help shows them; keys reach a field through `Action::Edit`.
    TextField,
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
            Self::Details => "Connection details",
            Self::Profiles => "Profile list (F2)",
            Self::Prompt => "Prompts",
            Self::Confirm => "Yes / no questions",
            Self::Properties => "Properties editor (F4)",
            Self::Message => "Message view (Enter on a message)",
            Self::Explain => "Routing explainer (x)",
            Self::Bindings => "Bindings (b)",
            Self::Broker => "Broker view (F6)",
            Self::TextField => "Any text field",
        }
    }

    /// Overlays take every key but Ctrl-C: the `Anywhere` keys do not reach past them.
    pub fn is_overlay(self) -> bool {
        matches!(
            self,
            Self::Details
                | Self::Profiles
                | Self::Prompt
                | Self::Confirm
                | Self::Properties
                | Self::Message
                | Self::Explain
                | Self::Bindings
        )
    }

    pub const ALL: [Context; 16] = [
        Self::Anywhere,
        Self::Form,
        Self::FormToggle,
        Self::Messages,
        Self::Compose,
        Self::ComposeToggle,
        Self::Details,
        Self::Profiles,
        Self::Prompt,
        Self::Confirm,
        Self::Properties,
        Self::Message,
        Self::Explain,
        Self::Bindings,
        Self::Broker,
        Self::TextField,
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
const ALT: KeyModifiers = KeyModifiers::ALT;

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

/// A key a text field edits with, as the help lists it.
const fn edit(code: KeyCode, modifiers: KeyModifiers) -> Action {
    Action::Edit(KeyEvent {
        code,
        modifiers,
        kind: KeyEventKind::Press,
        state: crossterm::event::KeyEventState::NONE,
    })
}

// One binding a line: a table is easier to check as a table.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    bind!(Anywhere, Char('c'), CTRL, "Ctrl-C", Action::Quit, "quit", true),
    bind!(Anywhere, F(1), NONE, "F1", Action::ToggleHelp, "help", false),
    bind!(Anywhere, Tab, NONE, "Tab", Action::FocusNext, "next field", false),
    bind!(Anywhere, BackTab, SHIFT, "Shift-Tab", Action::FocusPrev, "previous field", false),
    bind!(Anywhere, F(2), NONE, "F2", Action::OpenProfiles, "profiles", true),
    bind!(Anywhere, F(3), NONE, "F3", Action::ToggleDetails, "connection details", false),
    bind!(Anywhere, Char('t'), CTRL, "Ctrl-T", Action::NewTab, "new tab, same form", false),
    bind!(Anywhere, Char('x'), CTRL, "Ctrl-X", Action::CloseTab, "close this tab", false),
    bind!(Anywhere, Right, CTRL, "Ctrl-Right", Action::NextTab, "next tab", false),
    bind!(Anywhere, Left, CTRL, "Ctrl-Left", Action::PrevTab, "previous tab", false),
    // Alt-2..9 are matched in `action_for`; one line documents them all.
    bind!(Anywhere, Char('1'), ALT, "Alt-1..9", Action::GoToTab(0), "go to tab 1..9", false),
    bind!(Anywhere, F(6), NONE, "F6", Action::ToggleBrokerView, "broker view", false),
    bind!(Form, Enter, NONE, "Enter", Action::Connect, "connect", true),
    bind!(Form, Down, NONE, "Down", Action::FocusNext, "next field", false),
    bind!(Form, Up, NONE, "Up", Action::FocusPrev, "previous field", false),
    bind!(Form, Esc, NONE, "Esc", Action::CancelConnect, "cancel connecting", false),
    bind!(Form, Char('s'), CTRL, "Ctrl-S", Action::SaveProfileAs, "save as profile", false),
    bind!(FormToggle, Enter, NONE, "Enter", Action::Connect, "connect", true),
    bind!(FormToggle, Char(' '), NONE, "Space", Action::ToggleField, "switch / next choice", true),
    bind!(FormToggle, Right, NONE, "Right", Action::NextChoice, "next choice", false),
    bind!(FormToggle, Left, NONE, "Left", Action::PrevChoice, "previous choice", false),
    bind!(FormToggle, Down, NONE, "Down", Action::FocusNext, "next field", false),
    bind!(FormToggle, Up, NONE, "Up", Action::FocusPrev, "previous field", false),
    bind!(FormToggle, Char('?'), NONE, "?", Action::ToggleHelp, "help", true),
    bind!(FormToggle, Esc, NONE, "Esc", Action::CancelConnect, "cancel connecting", false),
    bind!(FormToggle, Char('q'), NONE, "q", Action::Quit, "quit", false),
    bind!(FormToggle, Char('s'), CTRL, "Ctrl-S", Action::SaveProfileAs, "save as profile", false),
    bind!(Messages, Up, NONE, "Up", Action::ScrollUp, "older message", false),
    bind!(Messages, Down, NONE, "Down", Action::ScrollDown, "newer message", false),
    bind!(Messages, Char('k'), NONE, "k", Action::ScrollUp, "older message", false),
    bind!(Messages, Char('j'), NONE, "j", Action::ScrollDown, "newer message", false),
    bind!(Messages, PageUp, NONE, "PgUp", Action::PageUp, "page up", true),
    bind!(Messages, PageDown, NONE, "PgDn", Action::PageDown, "page down", false),
    bind!(Messages, Char('/'), NONE, "/", Action::OpenFilter, "filter", true),
    bind!(Messages, Char('p'), NONE, "p", Action::TogglePause, "pause / resume", true),
    bind!(Messages, Enter, NONE, "Enter", Action::OpenMessage, "open message", true),
    bind!(Messages, Char('x'), NONE, "x", Action::OpenExplain, "explain routing", true),
    bind!(Messages, Char('b'), NONE, "b", Action::OpenBindings, "bindings", true),
    bind!(Messages, Char('a'), NONE, "a", Action::Settle(Settle::Ack), "ack (manual)", false),
    bind!(Messages, Char('d'), NONE, "d", Action::Settle(Settle::Reject), "reject: drop (manual)", false),
    bind!(Messages, Char('u'), NONE, "u", Action::Settle(Settle::Requeue), "requeue (manual)", false),
    bind!(Messages, Char('g'), NONE, "g", Action::Peek, "peek (peek mode)", false),
    bind!(Messages, Char('R'), SHIFT, "R", Action::Replay, "replay via compose", false),
    bind!(Messages, Char('r'), CTRL, "Ctrl-R", Action::ReplayShown, "replay all shown", false),
    bind!(Messages, Char('e'), NONE, "e", Action::ExportSelected, "export message", false),
    bind!(Messages, Char('E'), SHIFT, "E", Action::ExportShown, "export shown", false),
    bind!(Messages, Char('L'), SHIFT, "L", Action::LoadFile, "load exported file", false),
    bind!(Messages, Home, NONE, "Home", Action::ScrollOldest, "oldest", false),
    bind!(Messages, End, NONE, "End", Action::FollowTail, "follow newest", true),
    bind!(Messages, Char('c'), NONE, "c", Action::ClearMessages, "clear pane", false),
    bind!(Messages, Char('i'), NONE, "i", Action::ToggleDetails, "connection details", true),
    bind!(Messages, Char('?'), NONE, "?", Action::ToggleHelp, "help", true),
    bind!(Messages, Esc, NONE, "Esc", Action::LeaveSession, "disconnect, to form", true),
    bind!(Messages, Char('q'), NONE, "q", Action::LeaveSession, "disconnect, to form", false),
    bind!(Compose, Enter, NONE, "Enter", Action::Publish, "publish", true),
    bind!(Compose, Esc, NONE, "Esc", Action::FocusMessages, "leave the box", true),
    bind!(Compose, F(4), NONE, "F4", Action::OpenProperties, "properties, headers", true),
    bind!(Compose, F(5), NONE, "F5", Action::ToggleConfirms, "confirms on / off", false),
    bind!(Compose, Char('o'), CTRL, "Ctrl-O", Action::PublishFile, "publish a file's bytes", false),
    bind!(Compose, Char('r'), CTRL, "Ctrl-R", Action::ResendUnsent, "resend unconfirmed", false),
    bind!(ComposeToggle, Enter, NONE, "Enter", Action::Publish, "publish", true),
    bind!(ComposeToggle, Char(' '), NONE, "Space", Action::ToggleField, "transient / persistent", true),
    bind!(ComposeToggle, Char('?'), NONE, "?", Action::ToggleHelp, "help", false),
    bind!(ComposeToggle, Esc, NONE, "Esc", Action::FocusMessages, "leave the box", true),
    bind!(ComposeToggle, F(4), NONE, "F4", Action::OpenProperties, "properties, headers", false),
    bind!(ComposeToggle, F(5), NONE, "F5", Action::ToggleConfirms, "confirms on / off", false),
    bind!(ComposeToggle, Char('r'), CTRL, "Ctrl-R", Action::ResendUnsent, "resend unconfirmed", false),
    bind!(ComposeToggle, Char('q'), NONE, "q", Action::FocusMessages, "leave the box", false),
    bind!(Details, Esc, NONE, "Esc", Action::CloseOverlay, "close", true),
    bind!(Details, F(3), NONE, "F3", Action::CloseOverlay, "close", false),
    bind!(Details, Char('q'), NONE, "q", Action::CloseOverlay, "close", false),
    bind!(Details, Char('i'), NONE, "i", Action::CloseOverlay, "close", false),
    bind!(Details, Down, NONE, "Down", Action::ScrollOverlay(Step::Rows(1)), "scroll down", true),
    bind!(Details, Up, NONE, "Up", Action::ScrollOverlay(Step::Rows(-1)), "scroll up", false),
    bind!(Details, PageDown, NONE, "PgDn", Action::ScrollOverlay(Step::Pages(1)), "page down", false),
    bind!(Details, PageUp, NONE, "PgUp", Action::ScrollOverlay(Step::Pages(-1)), "page up", false),
    bind!(Details, Home, NONE, "Home", Action::ScrollOverlay(Step::Home), "to the top", false),
    bind!(Details, End, NONE, "End", Action::ScrollOverlay(Step::End), "to the end", true),
    bind!(Profiles, Enter, NONE, "Enter", Action::LoadProfile, "load into the form", true),
    bind!(Profiles, Char('t'), NONE, "t", Action::OpenProfileInTab, "connect in a new tab", true),
    bind!(Profiles, Char('s'), NONE, "s", Action::SaveProfileAs, "save the form as…", true),
    bind!(Profiles, Char('r'), NONE, "r", Action::RenameProfile, "rename", true),
    bind!(Profiles, Char('d'), NONE, "d", Action::DuplicateProfile, "duplicate", true),
    bind!(Profiles, Delete, NONE, "Del", Action::DeleteProfile, "delete", false),
    bind!(Profiles, Char('x'), NONE, "x", Action::DeleteProfile, "delete", true),
    bind!(Profiles, Char('i'), NONE, "i", Action::ImportUri, "import a URI", true),
    bind!(Profiles, Up, NONE, "Up", Action::ProfileUp, "previous", false),
    bind!(Profiles, Down, NONE, "Down", Action::ProfileDown, "next", false),
    bind!(Profiles, Char('k'), NONE, "k", Action::ProfileUp, "previous", false),
    bind!(Profiles, Char('j'), NONE, "j", Action::ProfileDown, "next", false),
    bind!(Profiles, Esc, NONE, "Esc", Action::CloseOverlay, "close", true),
    bind!(Profiles, F(2), NONE, "F2", Action::CloseOverlay, "close", false),
    bind!(Profiles, Char('q'), NONE, "q", Action::CloseOverlay, "close", false),
    bind!(Prompt, Enter, NONE, "Enter", Action::SubmitPrompt, "ok", true),
    bind!(Prompt, Esc, NONE, "Esc", Action::CloseOverlay, "cancel", true),
    bind!(Confirm, Char('y'), NONE, "y", Action::Confirm, "yes", true),
    bind!(Confirm, Char('n'), NONE, "n", Action::CloseOverlay, "no", true),
    bind!(Confirm, Esc, NONE, "Esc", Action::CloseOverlay, "no", false),
    bind!(Explain, Tab, NONE, "Tab", Action::SwitchExplainInput, "key / headers", true),
    bind!(Explain, BackTab, SHIFT, "Shift-Tab", Action::SwitchExplainInput, "key / headers", false),
    bind!(Explain, Esc, NONE, "Esc", Action::CloseOverlay, "close", true),
    bind!(Explain, Enter, NONE, "Enter", Action::CloseOverlay, "close", false),
    bind!(Message, Esc, NONE, "Esc", Action::CloseOverlay, "close", true),
    bind!(Message, Char('q'), NONE, "q", Action::CloseOverlay, "close", false),
    bind!(Message, Char('v'), NONE, "v", Action::CycleBodyView, "text / JSON / hex", true),
    bind!(Message, Char('R'), SHIFT, "R", Action::Replay, "replay via compose", true),
    bind!(Message, Char('e'), NONE, "e", Action::ExportSelected, "export", true),
    bind!(Message, Char('a'), NONE, "a", Action::Settle(Settle::Ack), "ack (manual)", false),
    bind!(Message, Char('d'), NONE, "d", Action::Settle(Settle::Reject), "reject: drop (manual)", false),
    bind!(Message, Char('u'), NONE, "u", Action::Settle(Settle::Requeue), "requeue (manual)", false),
    bind!(Bindings, Char('a'), NONE, "a", Action::AddBinding, "add", true),
    bind!(Bindings, Char('d'), NONE, "d", Action::RemoveBinding, "remove", true),
    bind!(Bindings, Delete, NONE, "Del", Action::RemoveBinding, "remove", false),
    bind!(Bindings, Up, NONE, "Up", Action::BindingUp, "previous", false),
    bind!(Bindings, Down, NONE, "Down", Action::BindingDown, "next", false),
    bind!(Bindings, Esc, NONE, "Esc", Action::CloseOverlay, "close", true),
    bind!(Message, Down, NONE, "Down", Action::ScrollOverlay(Step::Rows(1)), "scroll down", true),
    bind!(Message, Up, NONE, "Up", Action::ScrollOverlay(Step::Rows(-1)), "scroll up", false),
    bind!(Message, Char('j'), NONE, "j", Action::ScrollOverlay(Step::Rows(1)), "scroll down", false),
    bind!(Message, Char('k'), NONE, "k", Action::ScrollOverlay(Step::Rows(-1)), "scroll up", false),
    bind!(Message, PageDown, NONE, "PgDn", Action::ScrollOverlay(Step::Pages(1)), "page down", false),
    bind!(Message, PageUp, NONE, "PgUp", Action::ScrollOverlay(Step::Pages(-1)), "page up", false),
    bind!(Message, Home, NONE, "Home", Action::ScrollOverlay(Step::Home), "to the top", false),
    bind!(Message, End, NONE, "End", Action::ScrollOverlay(Step::End), "to the end", true),
    bind!(Properties, Down, NONE, "Down", Action::PropertyNext, "next property", false),
    bind!(Properties, Up, NONE, "Up", Action::PropertyPrev, "previous property", false),
    bind!(Properties, Tab, NONE, "Tab", Action::PropertyNext, "next property", false),
    bind!(Properties, BackTab, SHIFT, "Shift-Tab", Action::PropertyPrev, "previous property", false),
    bind!(Properties, Enter, NONE, "Enter", Action::CloseOverlay, "done", true),
    bind!(Properties, Esc, NONE, "Esc", Action::CloseOverlay, "done", true),
    bind!(Properties, F(4), NONE, "F4", Action::CloseOverlay, "done", false),
    bind!(Broker, Enter, NONE, "Enter", Action::BrokerOpen, "open in a new tab", true),
    bind!(Broker, Char('/'), NONE, "/", Action::BrokerFilter, "filter", true),
    bind!(Broker, Char('x'), NONE, "x", Action::Simulate, "simulate", true),
    bind!(Broker, Char('r'), NONE, "r", Action::RefreshTopology, "refresh now", false),
    bind!(Broker, Char('o'), NONE, "o", Action::ToggleObserve, "observe", true),
    bind!(Broker, Char(' '), NONE, "Space", Action::BrokerFold, "fold / unfold", false),
    bind!(Broker, Char('h'), NONE, "h", Action::BrokerHideIdle, "hide idle queues", false),
    bind!(Broker, Char('d'), NONE, "d", Action::BrokerShowImplicit, "default exchange's routes", false),
    bind!(Broker, Char('s'), NONE, "s", Action::BrokerSort, "sort by name, depth, rate", false),
    bind!(Broker, Up, NONE, "Up", Action::BrokerSelect(Step::Rows(-1)), "previous row", false),
    bind!(Broker, Down, NONE, "Down", Action::BrokerSelect(Step::Rows(1)), "next row", false),
    bind!(Broker, Char('k'), NONE, "k", Action::BrokerSelect(Step::Rows(-1)), "previous row", false),
    bind!(Broker, Char('j'), NONE, "j", Action::BrokerSelect(Step::Rows(1)), "next row", false),
    bind!(Broker, PageUp, NONE, "PgUp", Action::BrokerSelect(Step::Pages(-1)), "page up", false),
    bind!(Broker, PageDown, NONE, "PgDn", Action::BrokerSelect(Step::Pages(1)), "page down", false),
    bind!(Broker, Home, NONE, "Home", Action::BrokerSelect(Step::Home), "first row", false),
    bind!(Broker, End, NONE, "End", Action::BrokerSelect(Step::End), "last row", false),
    bind!(Broker, Char('?'), NONE, "?", Action::ToggleHelp, "help", false),
    bind!(Broker, Esc, NONE, "Esc", Action::ToggleBrokerView, "close the view", true),
    bind!(Broker, Char('q'), NONE, "q", Action::ToggleBrokerView, "close the view", false),
    bind!(TextField, Left, NONE, "Left/Right", edit(Left, NONE), "move", false),
    bind!(TextField, Home, NONE, "Home/End", edit(Home, NONE), "start / end", false),
    bind!(TextField, Char('a'), CTRL, "Ctrl-A/Ctrl-E", edit(Char('a'), CTRL), "start / end", false),
    bind!(TextField, Backspace, NONE, "Backspace", edit(Backspace, NONE), "delete before", false),
    bind!(TextField, Char('u'), CTRL, "Ctrl-U", edit(Char('u'), CTRL), "clear the field", false),
    bind!(TextField, Char('w'), CTRL, "Ctrl-W", edit(Char('w'), CTRL), "delete a word", false),
    bind!(TextField, Char('k'), CTRL, "Ctrl-K", edit(Char('k'), CTRL), "delete to the end", false),
    bind!(TextField, Char('y'), CTRL, "Ctrl-Y", edit(Char('y'), CTRL), "paste the deleted", false),
];

/// Where keys go: an overlay takes them before the focused pane does.
pub fn context_of(model: &Model) -> Context {
    match model.overlay {
        Overlay::Details { .. } => Context::Details,
        Overlay::Profiles => Context::Profiles,
        Overlay::Prompt(_) => Context::Prompt,
        Overlay::ConfirmDelete(_) => Context::Confirm,
        Overlay::Properties => Context::Properties,
        Overlay::Message { .. } => Context::Message,
        Overlay::Explain { .. } => Context::Explain,
        Overlay::Bindings { .. } => Context::Bindings,
        Overlay::None | Overlay::Help { .. } if model.tab().broker.open => Context::Broker,
        Overlay::None | Overlay::Help { .. } => focus_context(model.tab().focus),
    }
}

fn focus_context(focus: Focus) -> Context {
    match focus {
        Focus::Form(field) if field.is_text() => Context::Form,
        Focus::Form(_) => Context::FormToggle,
        Focus::Messages => Context::Messages,
        Focus::ComposeMode => Context::ComposeToggle,
        Focus::ComposeBody | Focus::ComposeExchange | Focus::ComposeKey | Focus::ComposeCopies => {
            Context::Compose
        }
    }
}

/// The action for a key press, or `None` when the key means nothing here.
pub fn action_for(model: &Model, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if matches!(model.overlay, Overlay::Help { .. }) {
        let quit = key.code == Char('c') && key.modifiers.contains(CTRL);
        return Some(match key.code {
            _ if quit => Action::Quit,
            Right | PageDown => Action::HelpPage(1),
            Left | PageUp => Action::HelpPage(-1),
            _ => Action::CloseOverlay,
        });
    }
    let context = context_of(model);
    if key.code == Char('c') && key.modifiers == CTRL {
        return Some(Action::Quit);
    }
    if let (Char(digit @ '1'..='9'), ALT, false) = (key.code, key.modifiers, context.is_overlay()) {
        return Some(Action::GoToTab(digit as usize - '1' as usize));
    }
    let found = BINDINGS.iter().find(|b| {
        ((b.context == Context::Anywhere && !context.is_overlay()) || b.context == context)
            && b.code == key.code
            && key.modifiers == b.modifiers
    });
    match found {
        Some(binding) => Some(binding.action.clone()),
        None if takes_text(model) => Some(Action::Edit(key)),
        None if model.armed.is_some() => Some(Action::OtherKey),
        None => None,
    }
}

/// Whether unbound keys are typed into a text field.
fn takes_text(model: &Model) -> bool {
    match model.overlay {
        Overlay::None => !model.tab().broker.open && model.tab().focus.is_text(),
        Overlay::Prompt(_) | Overlay::Properties | Overlay::Explain { .. } => true,
        Overlay::Help { .. }
        | Overlay::Details { .. }
        | Overlay::Profiles
        | Overlay::ConfirmDelete(_)
        | Overlay::Message { .. }
        | Overlay::Bindings { .. } => false,
    }
}

/// The names of the keys that do `action` in `context` (or anywhere, outside overlays),
/// as a notice says them: "Esc or q". Empty when no key does it there. Notices take key
/// names from here, so they name only keys that work where the user is.
pub fn keys_for(context: Context, action: &Action) -> String {
    let keys: Vec<&str> = BINDINGS
        .iter()
        .filter(|b| {
            (b.context == context || (b.context == Context::Anywhere && !context.is_overlay()))
                && b.action == *action
        })
        .map(|b| b.keys)
        .collect();
    keys.join(" or ")
}

/// [`keys_for`] in the context of `focus`, overlays aside: for a notice that outlasts
/// whatever overlay is open, about a tab that may not be the current one.
pub fn keys_at(focus: Focus, action: &Action) -> String {
    keys_for(focus_context(focus), action)
}

/// How to do `action` from `focus`, for a notice: its keys there ("x"), or the way into
/// the pane first when only the pane has it ("Esc, then x"); empty when neither works.
pub fn reach(focus: Focus, action: &Action) -> String {
    let here = keys_at(focus, action);
    if !here.is_empty() {
        return here;
    }
    let back = keys_at(focus, &Action::FocusMessages);
    let there = keys_at(Focus::Messages, action);
    if back.is_empty() || there.is_empty() {
        return String::new();
    }
    format!("{back}, then {there}")
}

/// Whether a session of `protocol` offers `action`: bindings and peeking are AMQP's;
/// STOMP settles (in its client ack mode) and sends headers; MQTT 3.1.1 has none of them.
pub fn offered(protocol: Protocol, action: &Action) -> bool {
    match action {
        Action::OpenBindings | Action::Peek => protocol == Protocol::Amqp,
        Action::Settle(_) | Action::OpenProperties => protocol != Protocol::Mqtt,
        _ => true,
    }
}

/// The footer's hints for where the keys go now, naming only what the tab's protocol offers.
pub fn hints(model: &Model) -> impl Iterator<Item = &'static Binding> {
    let context = context_of(model);
    let protocol = model.tab().protocol();
    BINDINGS.iter().filter(move |b| {
        let anywhere = b.context == Context::Anywhere && !context.is_overlay();
        b.hint && (b.context == context || anywhere) && offered(protocol, &b.action)
    })
}

#[cfg(test)]
#[path = "keymap_tests.rs"]
mod tests;
