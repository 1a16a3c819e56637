//! AMQP 0-9-1 sessions, through lapin: only this folder touches lapin. The app reaches it
//! through `session`: [`worker::start`] takes that module's commands and reports its
//! events.

pub(crate) mod connect;
pub mod error;
pub mod exchange_types;
pub mod properties;
pub mod settings;
pub mod worker;

pub use settings::{AckMode, Binding, ExchangeType, Routing, Source};
