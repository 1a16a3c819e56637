//! Routes observed in the broker view: whether observing is on, and the app's own
//! publishes as the broker routed them, each beside the simulation over the topology.

use std::collections::VecDeque;

use crate::{
    observe::Comparison,
    topology::{Probe, Route},
};

/// Observed publishes kept for the panel, the oldest forgotten first.
pub const OBSERVED_KEPT: usize = 50;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ObserveState {
    #[default]
    Off,
    /// Asked for: the tap is binding and tracing is being switched on.
    Starting { id: u64 },
    /// Tracing on, the tap reading; `was_on` when it was on before observing.
    On { id: u64, was_on: bool },
}

impl ObserveState {
    /// The observing under way, starting or on.
    pub fn id(self) -> Option<u64> {
        match self {
            Self::Off => None,
            Self::Starting { id } | Self::On { id, .. } => Some(id),
        }
    }
}

/// One publish of this app's, as the broker routed it and as the simulation says.
#[derive(Clone, Debug, PartialEq)]
pub struct Observed {
    /// How it was published ("AMQP orders order.new", "MQTT a/b"). Safe to draw.
    pub published_as: String,
    /// What the broker saw: exchange, key and headers.
    pub probe: Probe,
    /// The queues the broker routed it to (`routed_queues`), sorted.
    pub routed: Vec<String>,
    /// The simulation over the topology last fetched.
    pub simulated: Route,
    pub comparison: Comparison,
    /// How many publishes in a row came out the same (a bulk publish of N copies is one
    /// line with its count).
    pub count: u64,
    /// The view's topology generation the simulation was made over.
    pub generation: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Observation {
    pub state: ObserveState,
    /// This app's publishes as observed, newest last.
    pub seen: VecDeque<Observed>,
    /// Publishes traced in the vhost that this app did not make: counted, not kept.
    pub others: u64,
    /// Nodes that would not switch tracing on, each with why.
    pub failed_nodes: Vec<String>,
}

impl Observation {
    /// Keeps `observed`, or counts it into the last line when it is the same again.
    pub fn push(&mut self, observed: Observed) {
        if let Some(last) = self.seen.back_mut()
            && last.published_as == observed.published_as
            && last.probe == observed.probe
            && last.routed == observed.routed
            && last.comparison == observed.comparison
        {
            last.count += observed.count;
            // Simulated over the newer topology, to the same verdict.
            last.generation = observed.generation;
            return;
        }
        if self.seen.len() >= OBSERVED_KEPT {
            self.seen.pop_front();
        }
        self.seen.push_back(observed);
    }

    /// Differences between the broker and the simulation among the lines kept.
    pub fn differences(&self) -> usize {
        self.seen.iter().filter(|o| !o.comparison.matches()).count()
    }
}
