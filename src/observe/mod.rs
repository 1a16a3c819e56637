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

/// What observing reports to the app, as it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObserveEvent {
    /// The tap is bound and tracing is on: `was_on` when it was on before (then it is
    /// left on at the end); `failed` names the nodes that would not switch, each with why.
    On { was_on: bool, failed: Vec<String> },
    /// Publishes traced since the last report, oldest first.
    Traced(Vec<TraceEvent>),
    /// Observing is over: `why` when it failed or broke rather than being turned off, and
    /// what became of tracing, made to be shown.
    Ended {
        why: Option<String>,
        tracing: String,
    },
}
