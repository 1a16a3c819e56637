//! The STOMP and Web-STOMP session task. PLACEHOLDER until the STOMP link lands: it
//! reports that the session cannot start, so nothing waits on it.

use tokio::sync::mpsc;

use crate::session::{
    ConnectError, ConnectionSettings, SessionCommand, WorkerEvent, worker::Events,
};

pub fn start(
    settings: ConnectionSettings,
    commands_rx: mpsc::Receiver<SessionCommand>,
    events: Events,
) {
    tokio::spawn(async move {
        drop(commands_rx);
        let detail = format!("{} sessions are not built yet", settings.protocol);
        events
            .send(WorkerEvent::Failed(ConnectError::Closed { detail }))
            .await;
    });
}
