//! Routes observed: the broker's firehose (`amq.rabbitmq.trace`) read back, so the broker
//! view can put the queues a message really reached beside the simulated ones.
//!
//! Tracing copies every publish and delivery of the vhost, bodies included, on every node
//! it is switched on at: the tap's queue is exclusive, auto-delete and length-limited, and
//! only `publish.#` events are bound.

pub mod compare;
pub mod tap;
pub mod trace;

pub use compare::Comparison;
pub use tap::{TAP_QUEUE_LIMIT, TapEvent, start};
pub use trace::TraceEvent;
