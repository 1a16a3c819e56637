//! The MQTT session task: `session::run` drives an [`MqttLink`](super::link::MqttLink).

use tokio::sync::mpsc;

use super::link::MqttLink;
use crate::session::{ConnectionSettings, SessionCommand, run::run, worker::Events};

/// Runs an MQTT session on the current tokio runtime until the user disconnects or the
/// sender of `commands_rx` is dropped.
pub fn start(
    settings: ConnectionSettings,
    commands_rx: mpsc::Receiver<SessionCommand>,
    events: Events,
) {
    tokio::spawn(run::<MqttLink>(settings, commands_rx, events));
}
