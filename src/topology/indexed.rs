//! A topology kept with its routing index: built once a refresh, off the loop, then asked
//! many questions (the explainer's every frame, every observed publish) at the cost of a
//! walk, not of indexing 10,000 queues again.

use std::fmt;

use super::{Probe, Route, Topology, simulate::Index};

self_cell::self_cell!(
    /// A [`Topology`] that owns the [`Index`] made from it.
    pub struct Indexed {
        owner: Topology,
        #[covariant]
        dependent: Index,
    }
);

impl Indexed {
    pub fn build(topology: Topology) -> Self {
        Self::new(topology, |topology| Index::new(topology))
    }

    pub fn simulate(&self, probe: &Probe) -> Route {
        self.borrow_dependent().simulate(probe)
    }

    pub fn topology(&self) -> &Topology {
        self.borrow_owner()
    }
}

impl fmt::Debug for Indexed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Indexed")
            .field("vhost", &self.topology().vhost)
            .finish_non_exhaustive()
    }
}

/// The same topology is the same index: one is made from the other.
impl PartialEq for Indexed {
    fn eq(&self, other: &Self) -> bool {
        self.topology() == other.topology()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::broker_view::tree_tests::example;

    #[test]
    fn answers_as_a_fresh_index_does() {
        let indexed = Indexed::build(example());
        let probe = Probe {
            exchange: "orders".into(),
            routing_key: "order.eu".into(),
            headers: Default::default(),
        };
        assert_eq!(
            indexed.simulate(&probe),
            super::super::simulate(&example(), &probe)
        );
        assert_eq!(indexed.topology(), &example());
    }
}
