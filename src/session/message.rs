//! Messages and publishes as plain data, the same for every protocol.

use chrono::{DateTime, Local};

use super::{Protocol, properties::Properties};

/// A message as the app keeps it, whatever protocol delivered it. Every protocol's message
/// reaches RabbitMQ as a publish to an exchange with a routing key and properties (an MQTT
/// topic `a/b` is key `a.b` on `amq.topic`), so those are the common fields; the rest
/// rides in [`MessagePart`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub received_at: DateTime<Local>,
    pub exchange: String,
    pub routing_key: String,
    pub redelivered: bool,
    /// The worker's handle for settling it (AMQP's delivery tag): what ack, reject and
    /// requeue name.
    pub delivery_tag: u64,
    /// The subscription that delivered it (AMQP's consumer tag); `None` for a message
    /// fetched with basic.get (peek) or loaded from a file, which nothing can settle.
    pub consumer_tag: Option<String>,
    /// Which (re)connection delivered it: its tag means nothing on any other, so a
    /// settle names both.
    pub epoch: u64,
    pub properties: Properties,
    pub body: Vec<u8>,
    /// What only its protocol knows about it.
    pub part: MessagePart,
}

/// The facts of a message that only one protocol has.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum MessagePart {
    /// AMQP 0-9-1 says everything in the common fields.
    #[default]
    Amqp,
    Mqtt(MqttFacts),
    Stomp(StompFacts),
}

/// An MQTT PUBLISH as it arrived: its topic (the exchange and key above are what RabbitMQ
/// made of it), QoS and flags.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct MqttFacts {
    pub topic: String,
    pub qos: u8,
    pub retain: bool,
    pub dup: bool,
}

/// A STOMP MESSAGE frame as it arrived: where it came from, which subscription took it,
/// and every header (the common fields hold what RabbitMQ made of the routing, and the
/// AMQP properties it copied into headers).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct StompFacts {
    /// The `destination` header, as the broker wrote it (`/topic/test.any`).
    pub destination: String,
    pub subscription: String,
    pub message_id: String,
    /// The `ack` header: what ACK and NACK name, in client acknowledgement modes.
    pub ack: Option<String>,
    /// Every header in arrival order, repeated ones included (the first is the one that
    /// counts).
    pub headers: Vec<(String, String)>,
    /// Over Web-STOMP rather than plain STOMP.
    pub websocket: bool,
}

impl Message {
    /// Whether the user can settle it (`a`, `d`, `u`): a STOMP message carries the `ack`
    /// id that ACK and NACK name; an AMQP delivery its consumer and delivery tag (a
    /// peeked or loaded message has neither).
    pub fn can_settle(&self) -> bool {
        match &self.part {
            MessagePart::Stomp(facts) => facts.ack.is_some(),
            _ => self.consumer_tag.is_some() && self.delivery_tag != 0,
        }
    }

    /// The protocol that delivered it.
    pub fn protocol(&self) -> Protocol {
        match self.part {
            MessagePart::Amqp => Protocol::Amqp,
            MessagePart::Mqtt(_) => Protocol::Mqtt,
            MessagePart::Stomp(StompFacts {
                websocket: false, ..
            }) => Protocol::Stomp,
            MessagePart::Stomp(_) => Protocol::WebStomp,
        }
    }
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
    /// How the protocol sends it, beyond exchange, key and properties.
    pub part: PublishPart,
}

/// What a publish needs that only one protocol has.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum PublishPart {
    #[default]
    Amqp,
    /// The topic to publish to (the request's key is what RabbitMQ makes of it), the QoS
    /// (1 is confirmed by PUBACK, like a publisher confirm) and the retain flag.
    Mqtt {
        topic: String,
        qos: u8,
        retain: bool,
    },
    /// The destination to SEND to (the request's exchange and key are what RabbitMQ makes
    /// of it). `persistent`, `content-type` and custom headers come from the properties;
    /// with `confirm`, a `receipt` is asked for and counted like a publisher confirm.
    Stomp { destination: String },
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

    /// None of `copies` can be sent as they are, for `reason`: refused, not kept for Ctrl-R.
    pub fn refused(copies: u32, reason: String) -> Self {
        if copies > 1 {
            Self::Copies {
                routed: 0,
                sent: 0,
                returned: 0,
                nacked: 0,
                refused: copies,
                failed: 0,
                first_problem: Some(reason),
            }
        } else {
            Self::Refused { reason }
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
