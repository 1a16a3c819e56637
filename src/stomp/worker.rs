//! The STOMP and Web-STOMP session task: `session::run` drives a
//! [`StompLink`](super::link::StompLink).

use tokio::sync::mpsc;

use super::link::StompLink;
use crate::session::{ConnectionSettings, SessionCommand, run::run, worker::Events};

/// Runs a STOMP (or Web-STOMP) session on the current tokio runtime until the user
/// disconnects or the sender of `commands_rx` is dropped.
pub fn start(
    settings: ConnectionSettings,
    commands_rx: mpsc::Receiver<SessionCommand>,
    events: Events,
) {
    tokio::spawn(run::<StompLink>(settings, commands_rx, events));
}
