//! The simulation beside what the broker did: which queues both name, and which only one.

use std::collections::BTreeSet;

/// The queues of one message, simulated and observed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Named by both: the simulation was right about these.
    pub agreed: Vec<String>,
    /// The simulation said so, the broker did not route there.
    pub only_simulated: Vec<String>,
    /// The broker routed there, the simulation did not say so.
    pub only_observed: Vec<String>,
}

impl Comparison {
    pub fn of(simulated: &[String], observed: &[String]) -> Self {
        let simulated: BTreeSet<&String> = simulated.iter().collect();
        let observed: BTreeSet<&String> = observed.iter().collect();
        let list = |set: BTreeSet<&&String>| set.into_iter().map(|s| (*s).clone()).collect();
        Self {
            agreed: list(simulated.intersection(&observed).collect()),
            only_simulated: list(simulated.difference(&observed).collect()),
            only_observed: list(observed.difference(&simulated).collect()),
        }
    }

    /// True when the broker did exactly what the simulation said.
    pub fn matches(&self) -> bool {
        self.only_simulated.is_empty() && self.only_observed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn differences_are_named_on_each_side() {
        let c = Comparison::of(&names(&["a", "b", "c"]), &names(&["b", "c", "d"]));
        assert_eq!(c.agreed, ["b", "c"]);
        assert_eq!(c.only_simulated, ["a"]);
        assert_eq!(c.only_observed, ["d"]);
        assert!(!c.matches());
    }

    #[test]
    fn the_same_sets_match_whatever_their_order() {
        let c = Comparison::of(&names(&["b", "a"]), &names(&["a", "b"]));
        assert!(c.matches());
        assert_eq!(c.agreed, ["a", "b"]);
    }
}
