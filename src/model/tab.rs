//! One tab: a connection of its own, with its form, message pane and compose box.

use crate::{
    amqp::Routing,
    session::{ConnectionDetails, ConnectionSettings, Protocol, SessionId},
};

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
    /// The profile the running session was started from, if any: the form may since have
    /// been loaded or saved as another, which is not what the session is connected to.
    pub session_profile: Option<String>,
    pub notice: Option<Notice>,
    /// Counts the notices shown, so a later change can tell whether one is still the
    /// latest without reading its words.
    pub notices_shown: u64,
    pub messages_received: u64,
    /// Connected, but the consuming channel is closed and waits to be reopened: why.
    pub not_watching: Option<String>,
    /// Connections this tab's sessions lost and then got back by themselves.
    pub outages: u32,
    /// The session's nodes (one, or several of a cluster) and what each last did.
    pub endpoints: super::endpoints::Endpoints,
    /// The broker view (F6) through this tab's session's management API.
    pub broker: super::broker_view::BrokerView,
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
            endpoints: Default::default(),
            details: None,
            profile: None,
            session_profile: None,
            notice: None,
            notices_shown: 0,
            messages_received: 0,
            not_watching: None,
            outages: 0,
            broker: Default::default(),
        }
    }

    /// Starts a new session id, so late events of the previous one are ignored.
    pub fn next_session(&mut self) -> SessionId {
        self.session += 1;
        self.session
    }

    /// The number of the tab a session id belongs to, current or not (see `session`).
    pub fn number_of(session: SessionId) -> u32 {
        u32::try_from(session >> 32).unwrap_or(u32::MAX)
    }

    /// What the tab bar calls this tab on its own: the profile of what it shows (the
    /// session's while there is one, else the form's), or the last target. See
    /// [`titles`] for the labels that tell the tabs apart.
    pub fn title(&self) -> String {
        let profile = match self.conn {
            ConnState::Idle => &self.profile,
            _ => &self.session_profile,
        };
        let name = match (profile, &self.session_settings) {
            (Some(profile), _) => profile.clone(),
            // The node the session is on: after a failover, no longer the first.
            (None, Some(settings)) => match self.endpoints.current() {
                Some(current) => current.endpoint.to_string(),
                None => settings.addr(),
            },
            (None, None) => "new".into(),
        };
        crate::text::visible(&name)
    }

    /// Notices quote broker replies and names from the network: they are made safe here,
    /// once, so no view can forget to.
    pub fn notify(&mut self, level: Level, text: impl AsRef<str>) {
        self.notices_shown += 1;
        self.notice = Some(Notice {
            level,
            text: crate::text::visible(text.as_ref()),
            publish: None,
        });
    }

    /// The protocol the tab speaks: its session's, or before it has one the form's. The
    /// pane's columns and where a replay goes follow it.
    pub fn protocol(&self) -> Protocol {
        self.session_settings
            .as_ref()
            .map_or(self.form.protocol, |s| s.protocol)
    }
}

/// The tab bar's labels: each tab's [`Tab::title`], and where several tabs would read the
/// same, what differs between their sessions (user, vhost, exchange, queue) after it, so
/// three tabs on one broker no longer all read `localhost:5671`. Safe to draw.
pub fn titles(tabs: &[Tab]) -> Vec<String> {
    let bases: Vec<String> = tabs.iter().map(Tab::title).collect();
    tabs.iter()
        .zip(&bases)
        .map(|(tab, base)| {
            let twins: Vec<&Tab> = tabs
                .iter()
                .zip(&bases)
                .filter(|(_, other)| *other == base)
                .map(|(twin, _)| twin)
                .collect();
            let Some(settings) = &tab.session_settings else {
                return base.clone();
            };
            let mut label = base.clone();
            for (i, part) in parts(settings).into_iter().enumerate() {
                let differs = twins.iter().any(|twin| {
                    twin.session_settings
                        .as_ref()
                        .is_some_and(|other| parts(other)[i] != part)
                });
                if differs && !part.is_empty() {
                    label.push(' ');
                    label.push_str(&crate::text::visible(&part));
                }
            }
            label
        })
        .collect()
}

/// What can tell two sessions on one broker apart, shortest first, as the label shows it.
fn parts(settings: &ConnectionSettings) -> [String; 4] {
    let routing = &settings.routing;
    let exchange = if routing.source == crate::amqp::Source::Queue {
        String::new()
    } else {
        routing.exchange.clone()
    };
    let queue = if routing.queue.is_empty() {
        String::new()
    } else {
        format!("queue {}", routing.queue)
    };
    [
        format!("user {}", settings.user),
        format!("vhost {}", settings.vhost),
        exchange,
        queue,
    ]
}

#[cfg(test)]
#[path = "tab_tests.rs"]
mod tests;
