//! One tab: a connection of its own, with its form, message pane and compose box.

use crate::amqp::{ConnectionDetails, ConnectionSettings, Routing, SessionId};

use super::{
    Compose, ConnState, ConnectForm, Field, Focus, Level, MessageLog, Notice, Screen,
    message_log::History,
};

#[derive(Clone, Debug)]
pub struct Tab {
    /// Fixed for the tab's life, unlike its position in the bar.
    pub number: u32,
    pub screen: Screen,
    pub focus: Focus,
    pub form: ConnectForm,
    pub log: MessageLog,
    pub compose: Compose,
    pub conn: ConnState,
    /// The session whose events count; events of older sessions are ignored. The tab's
    /// number sits in the high half, so no two tabs ever share one.
    pub session: SessionId,
    pub session_settings: Option<ConnectionSettings>,
    /// What the broker and the TLS handshake told us when the session last connected.
    pub details: Option<ConnectionDetails>,
    /// The profile the form was loaded from or last saved as.
    pub profile: Option<String>,
    pub notice: Option<Notice>,
    pub messages_received: u64,
    /// Connected, but the consuming channel is closed and waits to be reopened: why.
    pub not_watching: Option<String>,
    /// Connections this tab's sessions lost and then got back by themselves.
    pub outages: u32,
}

impl Tab {
    pub fn new(number: u32, form: ConnectForm, history: History) -> Self {
        // Aimed properly when the tab first connects.
        let compose = Compose::for_routing(&Routing::default());
        Self {
            number,
            screen: Screen::Form,
            focus: Focus::Form(Field::Host),
            form,
            log: MessageLog::with_limits(history.messages, history.bytes),
            compose,
            conn: ConnState::Idle,
            session: SessionId::from(number) << 32,
            session_settings: None,
            details: None,
            profile: None,
            notice: None,
            messages_received: 0,
            not_watching: None,
            outages: 0,
        }
    }

    /// Starts a new session id, so late events of the previous one are ignored.
    pub fn next_session(&mut self) -> SessionId {
        self.session += 1;
        self.session
    }

    /// What the tab bar calls this tab: the profile, or the target once connected.
    pub fn title(&self) -> String {
        let name = match (&self.profile, &self.session_settings) {
            (Some(profile), _) => profile.clone(),
            (None, Some(settings)) => settings.addr(),
            (None, None) => "new".into(),
        };
        crate::text::visible(&name)
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
