//! Everything the UI shows, owned in one place and changed only by [`crate::update`].

pub mod broker_view;
pub mod bulk;
pub mod compose;
pub mod connect_form;
pub mod crossings;
pub mod endpoints;
pub mod filter;
pub mod message_log;
pub mod profiles;
pub mod prompt;
pub mod properties_form;
pub mod scroll;
pub mod tab;
pub mod text_field;
pub mod unsent;

use crate::{
    session::{ConnectionSettings, SessionId},
    tls::Security,
};

pub use profiles::ProfileList;
pub use prompt::{Prompt, PromptKind};
pub use tab::Tab;

pub use compose::Compose;
pub use connect_form::{ConnectForm, Field};
pub use crossings::Crossings;
pub use message_log::{History, MessageLog};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Form,
    Session,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Form(Field),
    Messages,
    ComposeBody,
    ComposeExchange,
    ComposeKey,
    ComposeMode,
    ComposeCopies,
}

impl Focus {
    pub fn is_text(self) -> bool {
        match self {
            Self::Form(field) => field.is_text(),
            Self::ComposeBody | Self::ComposeExchange | Self::ComposeKey | Self::ComposeCopies => {
                true
            }
            Self::Messages | Self::ComposeMode => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnState {
    Idle,
    Connecting {
        target: String,
        security: Security,
        attempt: u32,
    },
    Connected {
        target: String,
        security: Security,
        queue: String,
    },
    Reconnecting {
        target: String,
        security: Security,
        attempt: u32,
        retry_in_secs: u64,
        error: String,
    },
}

impl ConnState {
    pub fn security(&self) -> Option<&Security> {
        match self {
            Self::Idle => None,
            Self::Connecting { security, .. }
            | Self::Connected { security, .. }
            | Self::Reconnecting { security, .. } => Some(security),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Warning,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
    /// The publish (its id in the tab's compose box) this notice reports, if it reports
    /// one: the tabs its copies are seen in are named after the text as they come.
    pub publish: Option<u64>,
}

/// What is drawn over the tabs and takes the keys while it is open.
#[derive(Clone, Debug, Default)]
pub enum Overlay {
    #[default]
    None,
    /// The key list, on page `page` when it needs more than one.
    Help {
        page: usize,
    },
    /// The connection details panel of the current tab, scrolled to `scroll`.
    Details {
        scroll: scroll::Scroll,
    },
    Profiles,
    Prompt(Prompt),
    /// Delete this profile? y / n.
    ConfirmDelete(String),
    /// The compose box's properties and headers editor.
    Properties,
    /// The session's bindings, `selected` under the cursor.
    Bindings {
        selected: usize,
    },
    /// The routing explainer: a key and headers to test against the session's bindings.
    Explain {
        key: text_field::TextField,
        headers: text_field::TextField,
        on_headers: bool,
    },
    /// The selected message in full, its body shown as `view`, scrolled to `scroll`.
    Message {
        view: crate::inspect::body::BodyView,
        scroll: scroll::Scroll,
    },
}

/// At most this many tabs: Alt-1..9 reach them all.
pub const MAX_TABS: usize = 9;

#[derive(Clone, Debug)]
pub struct Model {
    tabs: Vec<Tab>,
    active: usize,
    /// Numbers the next tab, and through it the tab's session ids.
    next_tab_number: u32,
    pub overlay: Overlay,
    pub profiles: ProfileList,
    /// What each new tab's pane keeps (`--history`, `--history-mib`).
    pub history: History,
    pub quit: bool,
    /// A destructive action (quit, disconnect, close a tab) asked about once: the same
    /// action next carries it out, anything else the user does disarms it.
    pub armed: Option<crate::action::Action>,
    /// Rows of the message pane, for paging; set from the terminal size.
    pub page_rows: usize,
    /// A warning about the whole run that must outlast the notices (a password given on
    /// the command line): the tab bar keeps it in view.
    pub warning: Option<String>,
    /// The publishes of every tab followed across tabs, for "seen in" notices.
    pub crossings: Crossings,
    /// `--view topology`: the first tab to connect opens its broker view.
    pub open_broker_view: bool,
    /// How long an open broker view waits between refreshes (`--refresh`).
    pub topology_refresh: std::time::Duration,
}

impl Model {
    pub fn new(settings: &ConnectionSettings) -> Self {
        let mut model = Self {
            tabs: Vec::new(),
            active: 0,
            next_tab_number: 1,
            overlay: Overlay::None,
            profiles: ProfileList::default(),
            history: History::default(),
            quit: false,
            armed: None,
            page_rows: 10,
            warning: None,
            crossings: Crossings::default(),
            open_broker_view: false,
            topology_refresh: broker_view::REFRESH_EVERY,
        };
        model.open_tab(ConnectForm::from_settings(settings));
        model
    }

    /// A model whose tabs keep `history`; the first tab is made with it too.
    pub fn with_history(settings: &ConnectionSettings, history: History) -> Self {
        let mut model = Self::new(settings);
        model.history = history;
        let form = model.tabs[0].form.clone();
        model.tabs[0] = Tab::new(model.tabs[0].number, form, history);
        model
    }

    pub fn tab(&self) -> &Tab {
        &self.tabs[self.active]
    }

    pub fn tab_mut(&mut self) -> &mut Tab {
        &mut self.tabs[self.active]
    }

    /// Publishes of every tab that quitting would lose: waiting for a connection,
    /// awaiting their confirm, or kept unconfirmed for a resend.
    pub fn unconfirmed_publishes(&self) -> u64 {
        self.tabs
            .iter()
            .map(|tab| tab.compose.in_flight as u64 + tab.compose.unsent.copies())
            .sum()
    }

    pub fn tabs(&self) -> &[Tab] {
        &self.tabs
    }

    pub fn tabs_mut(&mut self) -> impl Iterator<Item = &mut Tab> {
        self.tabs.iter_mut()
    }

    pub fn active(&self) -> usize {
        self.active
    }

    /// Opens a tab after the others and makes it current; `None` when all are taken.
    pub fn open_tab(&mut self, form: ConnectForm) -> Option<&mut Tab> {
        if self.tabs.len() >= MAX_TABS {
            return None;
        }
        self.tabs
            .push(Tab::new(self.next_tab_number, form, self.history));
        self.next_tab_number += 1;
        self.active = self.tabs.len() - 1;
        self.tabs.last_mut()
    }

    /// Removes the current tab, unless it is the last one; returns it to be wound down.
    pub fn close_tab(&mut self) -> Option<Tab> {
        if self.tabs.len() <= 1 {
            return None;
        }
        let tab = self.tabs.remove(self.active);
        self.active = self.active.min(self.tabs.len() - 1);
        Some(tab)
    }

    /// Makes tab `index` (0-based) current if it exists.
    pub fn select_tab(&mut self, index: usize) -> bool {
        let exists = index < self.tabs.len();
        if exists {
            self.active = index;
        }
        exists
    }

    pub fn cycle_tab(&mut self, step: isize) {
        let n = self.tabs.len() as isize;
        self.active = (self.active as isize + step).rem_euclid(n) as usize;
    }

    /// Makes the tab numbered `number` current; returns it if it is still open.
    pub fn focus_tab_number(&mut self, number: u32) -> Option<&mut Tab> {
        let index = self.tabs.iter().position(|t| t.number == number)?;
        self.active = index;
        self.tabs.get_mut(index)
    }

    /// The tab a broker event belongs to, if the user has not left that session.
    pub fn tab_of_session(&mut self, session: SessionId) -> Option<&mut Tab> {
        self.tabs.iter_mut().find(|tab| tab.session == session)
    }

    /// [`Self::tab_of_session`], with the crossings beside it: a delivery is shown in its
    /// tab and may be the copy of a publish made in another.
    pub fn tab_and_crossings(&mut self, session: SessionId) -> Option<(&mut Tab, &mut Crossings)> {
        let tab = self.tabs.iter_mut().find(|tab| tab.session == session)?;
        Some((tab, &mut self.crossings))
    }

    /// The tab a session belonged to, even one the tab has since left (its number is in
    /// the session id's high half).
    pub fn tab_of_any_session(&mut self, session: SessionId) -> Option<&mut Tab> {
        let number = session >> 32;
        self.tabs
            .iter_mut()
            .find(|tab| u64::from(tab.number) == number)
    }

    /// Shows a notice in the current tab.
    pub fn notify(&mut self, level: Level, text: impl AsRef<str>) {
        self.tab_mut().notify(level, text);
    }
}

impl Default for Model {
    fn default() -> Self {
        Self::new(&ConnectionSettings::default())
    }
}
