//! The broker boundary. The UI sends [`AmqpCommand`]s and receives [`SessionEvent`]s; only
//! the worker task touches lapin.

pub mod certificate;
pub mod client_cert;
mod connect;
pub mod details;
pub mod error;
pub mod exchange_types;
pub mod message;
pub mod requests;
pub mod settings;
pub mod tls;
pub mod uri;
pub mod worker;

use std::time::Duration;

use chrono::{DateTime, Local};

pub use details::{CertificateInfo, ConnectionDetails, TlsDetails};
pub use error::ConnectError;
pub use message::{Properties, Table, Value};
pub use settings::{
    AckMode, Binding, ClientCert, ConnectionSettings, ExchangeType, Routing, Security, Source,
    TlsMode,
};

/// Tells events of the current session from those of one the user already left.
pub type SessionId = u64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub received_at: DateTime<Local>,
    pub exchange: String,
    pub routing_key: String,
    pub redelivered: bool,
    /// The channel's tag for it: what ack, reject and requeue name.
    pub delivery_tag: u64,
    /// `None` for a message fetched with basic.get (peek).
    pub consumer_tag: Option<String>,
    /// Which (re)connection delivered it: its tag means nothing on any other, so a
    /// settle names both.
    pub epoch: u64,
    pub properties: Properties,
    pub body: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishRequest {
    pub id: u64,
    pub exchange: String,
    pub routing_key: String,
    pub body: Vec<u8>,
    pub properties: Properties,
    /// Publish this many copies (at least 1); one outcome reports them all.
    pub copies: u32,
    /// Wait for publisher confirms (the default). Off, the copies go out on a channel
    /// without confirm mode: faster, but the outcome can only say they were sent.
    pub confirm: bool,
}

impl PublishRequest {
    /// The same message for `copies` copies, to send again what was not confirmed.
    pub fn with_copies(&self, copies: u32) -> Self {
        Self {
            copies,
            ..self.clone()
        }
    }
}

impl PublishOutcome {
    /// None of `copies` went out, for `reason`.
    pub fn not_sent(copies: u32, reason: String) -> Self {
        if copies > 1 {
            Self::Copies {
                routed: 0,
                sent: 0,
                returned: 0,
                nacked: 0,
                refused: 0,
                failed: copies,
                first_problem: Some(reason),
            }
        } else {
            Self::Failed { reason }
        }
    }

    /// How many copies the broker did not take: never sent, lost unconfirmed, or nacked.
    /// Returned and refused ones did reach the broker; sending them again as they are
    /// would only bounce again.
    pub fn unconfirmed(&self) -> u32 {
        match self {
            Self::Routed | Self::Sent | Self::Unroutable { .. } | Self::Refused { .. } => 0,
            Self::Nacked | Self::Failed { .. } => 1,
            Self::Copies { nacked, failed, .. } => nacked + failed,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublishOutcome {
    /// The broker confirmed it and at least one queue took it.
    Routed,
    /// Confirmed, but no queue was bound for it: the broker returned it (mandatory).
    Unroutable {
        /// 312 for NO_ROUTE.
        reply_code: u16,
        reply_text: String,
        /// What the broker returned it for, as it says so.
        exchange: String,
        routing_key: String,
    },
    Nacked,
    /// The broker refused it, closing the channel over it in its own words (404 NOT_FOUND
    /// or 403 ACCESS_REFUSED for its exchange): it is in no queue, and would be refused
    /// again as it is.
    Refused {
        reason: String,
    },
    /// Never sent, or lost unconfirmed: it may or may not be in a queue.
    Failed {
        reason: String,
    },
    /// Published with `confirm: false`: written to the socket, not confirmed. The broker
    /// did not return it before answering a later request on the same channel (it sends
    /// a mandatory return before that answer), so a queue took it; but nothing says the
    /// queue kept it. A return comes back as `Unroutable`, as with confirms.
    Sent,
    /// How `copies > 1` publishes of one request fared, reported once all are settled.
    /// With confirms `sent` is 0; without, `routed` and `nacked` are 0 and every copy is
    /// `sent`, `returned` or `failed`.
    Copies {
        routed: u32,
        /// Written without confirms and not returned: see [`PublishOutcome::Sent`].
        sent: u32,
        returned: u32,
        nacked: u32,
        /// Refused by the broker: see [`PublishOutcome::Refused`].
        refused: u32,
        /// Never sent, or lost with their channel.
        failed: u32,
        /// The first return, nack or failure, in words, for the status line.
        first_problem: Option<String>,
    },
}

/// What to do with a message consumed with manual acks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settle {
    /// basic.ack: the broker forgets it.
    Ack,
    /// basic.reject, requeue=false: dropped, or dead-lettered if the queue says so.
    Reject,
    /// basic.reject, requeue=true: back in the queue, redelivered=true next time.
    Requeue,
}

#[derive(Debug)]
pub enum AmqpCommand {
    Publish(Box<PublishRequest>),
    /// Bind the session's own queue live (declare and tap sources only); a reconnect
    /// declares the current set.
    Bind(Binding),
    Unbind(Binding),
    /// Settle a message consumed with `AckMode::Manual`; `epoch` is the delivery's.
    Settle {
        delivery_tag: u64,
        epoch: u64,
        settle: Settle,
    },
    /// `AckMode::Peek`: basic.get up to `max` messages, show them, requeue them all.
    Peek {
        max: u32,
    },
    Disconnect,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AmqpEvent {
    Connecting {
        attempt: u32,
    },
    Connected {
        queue: String,
        security: Security,
        reconnected: bool,
        /// Boxed: it is large and rare next to deliveries on the same channel.
        details: Box<ConnectionDetails>,
    },
    /// Boxed: the properties make it large, and the channel holds thousands.
    Delivery(Box<Delivery>),
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
    /// The first attempt failed: nothing to resume, the user has to change something.
    Failed(ConnectError),
    Notice(String),
    Stopped,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionEvent {
    pub session: SessionId,
    pub event: AmqpEvent,
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
