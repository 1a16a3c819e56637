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
mod decode;
pub mod error;
mod escape;
pub mod frame;

pub use codec::{Limits, StompCodec};
pub use error::FrameError;
pub use frame::{Command, Frame, Item};
