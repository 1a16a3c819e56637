//! The protocol-neutral boundary between the app and the protocols it speaks.

pub mod protocol;

pub use protocol::Protocol;
