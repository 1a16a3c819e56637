//! The broker's real topology of one vhost (exchanges, queues, bindings, with alternate
//! and dead-letter settings resolved from arguments and policies), as the management API
//! reports it, and routing simulated over it. Protocol-neutral: every session's broker
//! view reads it.

mod hop;
pub mod indexed;
pub mod model;
pub mod simulate;

pub use indexed::Indexed;
pub use model::{
    Alternate, Arguments, Binding, ClientConnection, DeadLetter, DestinationKind, Exchange,
    Listener, Node, NotPermitted, Origin, Queue, QueueKind, Topology,
};
pub use simulate::{Probe, Route, simulate};
