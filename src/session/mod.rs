//! The protocol-neutral boundary between the app and the protocols it speaks. The app
//! sends [`SessionCommand`]s and receives [`SessionEvent`]s carrying [`Message`]s; [`spawn`] is
//! the one place that picks a protocol's worker. Each protocol lives in its own folder
//! (`amqp/`, `mqtt/`) and shares TLS trust through `tls/`.

pub mod details;
pub mod endpoint;
pub mod error;
pub mod event;
pub mod ledger;
pub mod message;
pub mod outbox;
pub mod properties;
pub mod protocol;
pub mod requests;
pub mod run;
pub mod settings;
pub mod uri;
pub mod worker;

use std::time::Duration;

use tokio::sync::mpsc;

pub use details::ConnectionDetails;
pub use endpoint::Endpoint;
pub use error::ConnectError;
pub use event::{FailedOver, SessionCommand, SessionEvent, WorkerEvent};
pub use message::{
    Message, MessagePart, MqttFacts, PublishOutcome, PublishPart, PublishRequest, Settle,
    StompFacts,
};
pub use properties::{Properties, Table, Value};
pub use protocol::Protocol;
pub use settings::{
    ConnectionSettings, MANAGEMENT_PORT, MANAGEMENT_TLS_PORT, ManagementSettings, cycle,
    default_management_url,
};
pub use worker::{COMMAND_CAPACITY, refusal};

/// Tells events of the current session from those of one the user already left.
pub type SessionId = u64;

/// Starts the worker of `settings.protocol` on the current tokio runtime, with room for
/// `capacity` commands in its channel. Dropping the returned sender, or sending
/// [`SessionCommand::Disconnect`], ends it.
pub fn spawn(
    session: SessionId,
    settings: ConnectionSettings,
    events_tx: mpsc::Sender<SessionEvent>,
    capacity: usize,
) -> mpsc::Sender<SessionCommand> {
    let (commands_tx, commands_rx) = mpsc::channel(capacity.max(1));
    let events = worker::Events { session, events_tx };
    match settings.protocol {
        Protocol::Amqp => crate::amqp::worker::start(settings, commands_rx, events),
        Protocol::Mqtt => crate::mqtt::worker::start(settings, commands_rx, events),
        Protocol::Stomp | Protocol::WebStomp => {
            crate::stomp::worker::start(settings, commands_rx, events)
        }
    }
    commands_tx
}

/// The reconnect schedule: quick at first, then every 5 s like the guide's consumer.
pub fn reconnect_delay(attempt: u32) -> Duration {
    let secs = 1u64 << attempt.saturating_sub(1).min(3);
    Duration::from_secs(secs.min(5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnect_backs_off_to_five_seconds() {
        let delays: Vec<u64> = (1..=6).map(|a| reconnect_delay(a).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 5, 5, 5]);
    }
}
