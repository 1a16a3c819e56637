//! The AMQP session: owns the connection and its channels, sets up what the session
//! watches, consumes, settles, peeks and publishes. Reconnecting is `session::run`'s,
//! the same for every protocol; this folder brings the [`Link`] it drives.
//!
//! `session` holds the live connection and its serve loop, `source` the three ways of
//! getting messages (declare, tap, existing queue), `queue_ops` the commands on them
//! (bindings, settle, peek), `publish` the publisher with its confirms.

mod handover;
mod outcome;
mod publish;
mod queue_ops;
mod session;
mod source;
mod watchdog;

use tokio::sync::mpsc;

use crate::session::{
    ConnectError, ConnectionDetails, ConnectionSettings, SessionCommand,
    outbox::Outbox,
    run::{Ended, Link, Opening, run},
    worker::Events,
};
use session::LiveSession;

/// Runs an AMQP session on the current tokio runtime until the user disconnects or the
/// sender of `commands_rx` is dropped.
pub fn start(
    settings: ConnectionSettings,
    commands_rx: mpsc::Receiver<SessionCommand>,
    events: Events,
) {
    tokio::spawn(run::<LiveSession>(settings, commands_rx, events));
}

impl Link for LiveSession {
    async fn open(settings: &ConnectionSettings, opening: Opening) -> Result<Self, ConnectError> {
        LiveSession::open(settings, opening.epoch).await
    }

    fn watching(&self) -> String {
        self.queue().to_string()
    }

    fn details(&self) -> ConnectionDetails {
        self.details.clone()
    }

    async fn serve(
        &mut self,
        commands_rx: &mut mpsc::Receiver<SessionCommand>,
        events: &Events,
        outbox: &mut Outbox,
    ) -> Ended {
        LiveSession::serve(self, commands_rx, events, outbox).await
    }

    fn settings(&self) -> &ConnectionSettings {
        &self.settings
    }

    fn epoch(&self) -> u64 {
        self.epoch
    }

    async fn close(&mut self) {
        LiveSession::close(self).await
    }
}
