//! What a session's worker reports, and what the app asks of it.

use std::time::Duration;

use crate::amqp::Binding;

use super::{
    ConnectError, ConnectionDetails, Endpoint, Message, PublishOutcome, PublishRequest, SessionId,
    Settle,
};
use crate::tls::Security;

/// What the app asks of a session's worker. AMQP-only commands (bind, peek) are offered
/// only where they apply; another protocol's worker answers them with a refusal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionCommand {
    Publish(Box<PublishRequest>),
    /// Bind the session's own queue live (declare and tap sources only); a reconnect
    /// declares the current set.
    Bind(Binding),
    Unbind(Binding),
    /// Settle a message consumed with `manual acks`; `epoch` is the delivery's.
    Settle {
        delivery_tag: u64,
        epoch: u64,
        settle: Settle,
    },
    /// Peek mode: basic.get up to `max` messages, show them, requeue them all.
    Peek {
        max: u32,
    },
    Disconnect,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkerEvent {
    Connecting {
        attempt: u32,
        /// The node tried now.
        endpoint: Endpoint,
    },
    Connected {
        queue: String,
        security: Security,
        reconnected: bool,
        /// The node the session is on.
        endpoint: Endpoint,
        /// Set when the session lost its node and carried on from another.
        failed_over: Option<FailedOver>,
        /// Boxed: it is large and rare next to deliveries on the same channel.
        details: Box<ConnectionDetails>,
    },
    /// Boxed: the properties make it large, and the channel holds thousands.
    Delivery(Box<Message>),
    Published {
        id: u64,
        exchange: String,
        routing_key: String,
        outcome: PublishOutcome,
        /// The copies the broker did not confirm (never sent, lost with the connection,
        /// nacked), handed back so the user can send them again.
        unsent: Option<Box<PublishRequest>>,
    },
    /// No connection right now: the request waits in the worker's outbox and goes out,
    /// in order, as soon as the connection is back. `waiting` counts the outbox.
    PublishQueued {
        id: u64,
        waiting: usize,
    },
    BindingChanged {
        binding: Binding,
        /// Bind (true) or Unbind (false).
        added: bool,
        result: Result<(), String>,
    },
    Settled {
        delivery_tag: u64,
        epoch: u64,
        settle: Settle,
        result: Result<(), String>,
    },
    /// A peek is over: `count` deliveries came before this event and are back in the queue.
    Peeked {
        count: u32,
        result: Result<(), String>,
    },
    /// The connection dropped (or a reconnect attempt failed); the worker tries again
    /// after `retry_in`, and that try is reconnect `attempt` (1 after a drop).
    ConnectionLost {
        error: ConnectError,
        retry_in: Duration,
        attempt: u32,
    },
    /// The consuming channel closed and could not be opened again (a channel error: the
    /// exchange redeclared with another type, access refused, the queue gone). The
    /// connection stays up and publishing works; watching is tried again after `retry_in`.
    WatchLost {
        error: ConnectError,
        retry_in: Duration,
    },
    /// The consuming channel is open again, on `queue`, after the broker closed it.
    WatchResumed {
        queue: String,
    },
    /// One node of several did not answer; the next is tried at once.
    EndpointDown {
        endpoint: Endpoint,
        error: ConnectError,
    },
    /// The first attempt failed: nothing to resume, the user has to change something.
    Failed(ConnectError),
    Notice(String),
    Stopped,
}

/// How a session moved to another node after its own went away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedOver {
    pub from: Endpoint,
    /// From the loss being noticed to the new node consuming again.
    pub took: Duration,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionEvent {
    pub session: SessionId,
    pub event: WorkerEvent,
}
