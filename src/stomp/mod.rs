//! STOMP 1.2: the frame codec that STOMP and Web-STOMP sessions share. No crate fits (see
//! `protocols-notes.md`), and STOMP is a small text protocol: a `tokio_util` codec of our
//! own runs over TCP, TLS and WebSocket message bodies alike.
//!
//! ```
//! use amqp_tui::stomp::{Command, Frame, Item, StompCodec};
//! use bytes::BytesMut;
//! use tokio_util::codec::{Decoder, Encoder};
//!
//! let mut codec = StompCodec::default();
//! let mut wire = BytesMut::new();
//! let send = Frame::new(Command::Send)
//!     .with_header("destination", "/topic/test.any")
//!     .with_body(&b"hello"[..]);
//! codec.encode(&send, &mut wire).expect("encodable");
//! assert_eq!(codec.decode(&mut wire).expect("valid"), Some(Item::Frame(send)));
//! ```

pub mod codec;
mod connect;
mod decode;
pub mod destination;
pub mod error;
mod escape;
pub mod frame;
mod frames;
mod link;
mod publisher;
mod wire;
pub mod worker;

pub use codec::{Limits, StompCodec};
pub use destination::{Destination, DestinationError};
pub use error::FrameError;
pub use frame::{Command, Frame, Item};

/// The issue's default: the guide's exchange and key, as a STOMP destination.
pub const DEFAULT_DESTINATION: &str = "/exchange/testEx/test";
/// RabbitMQ's Web-STOMP endpoint since 3.7 (SockJS at `/stomp` is gone).
pub const WEB_STOMP_PATH: &str = "/ws";

/// The SUBSCRIBE's `ack` header whatever the mode: see [`AckMode::Auto`].
pub const WIRE_ACK: &str = "client-individual";

/// How a STOMP subscription's messages are settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AckMode {
    /// The app acks each message once the UI holds it. On the wire the subscription is
    /// client-individual all the same: so the prefetch bounds what is in flight (RabbitMQ
    /// ignores it for `ack:auto`), and a message the connection loses on its way is
    /// redelivered, not gone, like AMQP's take mode and MQTT's QoS 1.
    #[default]
    Auto,
    /// Each message waits for its own ACK or NACK (`a`, `d`, `u`), like AMQP's manual acks.
    ClientIndividual,
}

impl AckMode {
    pub const ALL: [AckMode; 2] = [Self::Auto, Self::ClientIndividual];

    /// As profiles and `--ack` spell it (the SUBSCRIBE's header is always
    /// [`WIRE_ACK`]).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::ClientIndividual => "client-individual",
        }
    }
}

/// What a STOMP or Web-STOMP session needs beyond the fields every protocol shares (the
/// prefetch is the shared one, sent as `prefetch-count`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StompOptions {
    /// Subscribed to, each with its own SUBSCRIBE.
    pub destinations: Vec<String>,
    pub ack: AckMode,
    /// The compose box's destination.
    pub publish_destination: String,
    /// Web-STOMP's endpoint on the server.
    pub ws_path: String,
}

impl Default for StompOptions {
    fn default() -> Self {
        Self {
            destinations: vec![DEFAULT_DESTINATION.into()],
            ack: AckMode::Auto,
            publish_destination: DEFAULT_DESTINATION.into(),
            ws_path: WEB_STOMP_PATH.into(),
        }
    }
}
