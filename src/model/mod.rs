//! Everything the UI shows, owned in one place and changed only by [`crate::update`].

pub mod compose;
pub mod connect_form;
pub mod message_log;

use crate::amqp::{ConnectionSettings, Security, SessionId};

pub use compose::Compose;
pub use connect_form::{ConnectForm, Field};
pub use message_log::MessageLog;

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
}

impl Focus {
    pub fn is_text(self) -> bool {
        match self {
            Self::Form(field) => field.is_text(),
            Self::ComposeBody | Self::ComposeExchange | Self::ComposeKey => true,
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
}

#[derive(Clone, Debug)]
pub struct Model {
    pub screen: Screen,
    pub focus: Focus,
    pub form: ConnectForm,
    pub log: MessageLog,
    pub compose: Compose,
    pub conn: ConnState,
    /// The session whose events count; events of older sessions are ignored.
    pub session: SessionId,
    pub session_settings: Option<ConnectionSettings>,
    pub notice: Option<Notice>,
    pub show_help: bool,
    pub quit: bool,
    /// Rows of the message pane, for paging; set from the terminal size.
    pub page_rows: usize,
    pub messages_received: u64,
}

impl Model {
    pub fn new(settings: &ConnectionSettings) -> Self {
        Self {
            screen: Screen::Form,
            focus: Focus::Form(Field::Host),
            form: ConnectForm::from_settings(settings),
            log: MessageLog::default(),
            compose: Compose::for_routing(&settings.routing),
            conn: ConnState::Idle,
            session: 0,
            session_settings: None,
            notice: None,
            show_help: false,
            quit: false,
            page_rows: 10,
            messages_received: 0,
        }
    }

    /// Notices quote broker replies and names from the network: they are made safe here,
    /// once, so no view can forget to.
    pub fn notify(&mut self, level: Level, text: impl AsRef<str>) {
        self.notice = Some(Notice {
            level,
            text: crate::text::visible(text.as_ref()),
        });
    }
}

impl Default for Model {
    fn default() -> Self {
        Self::new(&ConnectionSettings::default())
    }
}
