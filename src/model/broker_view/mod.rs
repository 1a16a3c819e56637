//! The broker view (F6): a tab's picture of its broker's topology through the management
//! API. Plain state: `update` changes it, `ui::broker_view` draws it, the app fetches.

mod observe;
mod tree;
#[cfg(test)]
pub(crate) mod tree_tests;

use std::collections::{BTreeSet, HashMap, VecDeque};

use std::sync::Arc;

use crate::topology::{Indexed, Probe, Route, Topology};

pub use observe::{OBSERVED_KEPT, Observation, ObserveState, Observed};
pub use tree::{Row, RowKind, Target, rows};

/// How often an open view asks the broker again.
pub const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(5);
/// Depths kept per queue for the sparkline: five minutes of refreshes.
pub const DEPTH_HISTORY: usize = 60;

/// How the queues are ordered, in the tree and in the queue list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QueueSort {
    #[default]
    Name,
    /// Most messages (ready + unacked) first.
    Depth,
    /// Busiest (publish + deliver per second) first.
    Rate,
}

impl QueueSort {
    pub fn next(self) -> Self {
        match self {
            Self::Name => Self::Depth,
            Self::Depth => Self::Rate,
            Self::Rate => Self::Name,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Depth => "depth",
            Self::Rate => "rate",
        }
    }
}

/// What the tree shows of the topology.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeOptions {
    /// Names to keep: a substring (any case) or a `/regex/`.
    pub filter: Option<crate::model::filter::Filter>,
    /// Hide queues with no messages and no traffic, and exchanges left with nothing.
    pub hide_idle: bool,
    /// Show the default exchange's implicit binding of every queue.
    pub show_implicit: bool,
    pub sort: QueueSort,
    /// Exchanges whose bindings are folded away, by name.
    pub collapsed: BTreeSet<String>,
}

/// A fetch's answer as it reaches `update`: the topology, or why not, and the URL asked
/// (never with a password).
#[derive(Clone, Debug, PartialEq)]
pub struct Fetched {
    pub result: Result<Topology, String>,
    pub url: Option<String>,
    /// The tree's rows, built off the loop with the options the view had when it asked:
    /// used when they still hold, so a large vhost's refresh never holds a key.
    pub tree: Option<(TreeOptions, Vec<Row>)>,
    /// The topology indexed for routing questions, built off the loop too.
    pub index: Option<Arc<Indexed>>,
}

// Actions compare for tests; a topology's rates are floats, and a NaN rate would only
// make two answers differ, which is what a test comparing them wants.
impl Eq for Fetched {}

#[derive(Clone, Debug, Default)]
pub struct BrokerView {
    /// Drawn instead of the tab's own screen while open.
    pub open: bool,
    pub topology: Option<Topology>,
    /// Why the last refresh failed as a whole, made safe to draw.
    pub error: Option<String>,
    /// The fetch under way, if any: never two at once for one view.
    pub in_flight: Option<u64>,
    /// The one refresh timer whose tick counts; older ones are stale.
    pub timer: u64,
    /// Numbers fetches and timers, so a late answer is told from a current one.
    next_id: u64,
    /// The management URL as the last answer named it (never with a password).
    pub url: Option<String>,
    pub options: TreeOptions,
    /// The tree as drawn, rebuilt whenever the topology or the options change.
    pub rows: Vec<Row>,
    pub selected: usize,
    /// Each queue's depth (ready + unacked) at the last refreshes, oldest first.
    pub depths: HashMap<String, VecDeque<u64>>,
    /// The last routing simulation asked for (`x`), drawn under the tree.
    pub route: Option<(Probe, Route)>,
    /// Routes observed through the broker's firehose (`o`).
    pub observe: Observation,
    /// `topology` indexed for routing questions, when the fetch built it.
    pub index: Option<Arc<Indexed>>,
    /// Counts the topologies taken: an answer worked out over an older one is stale.
    pub generation: u64,
    /// Which of the app's tabs have their connection on each node, by node name, as the
    /// last fetch's connection list said.
    pub our_tabs: HashMap<String, Vec<u32>>,
}

impl BrokerView {
    /// A new id for a fetch or a timer.
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// A fetch answered: keeps the topology, the depth history, and the selection on the
    /// same object where it still exists. `tree` is the rows built off the loop, taken
    /// when built with today's options.
    pub fn fetched(
        &mut self,
        topology: Topology,
        tree: Option<(TreeOptions, Vec<Row>)>,
        index: Option<Arc<Indexed>>,
    ) {
        self.generation += 1;
        self.index = index;
        for queue in &topology.queues {
            let depths = self.depths.entry(queue.name.clone()).or_default();
            depths.push_back(queue.ready.saturating_add(queue.unacked));
            while depths.len() > DEPTH_HISTORY {
                depths.pop_front();
            }
        }
        // Queues gone from the broker take their history with them.
        let names: std::collections::HashSet<&str> =
            topology.queues.iter().map(|q| q.name.as_str()).collect();
        self.depths.retain(|name, _| names.contains(name.as_str()));
        self.topology = Some(topology);
        self.error = None;
        match tree {
            Some((options, rows)) if options == self.options => self.set_rows(rows),
            _ => self.rebuild(),
        }
    }

    /// Rebuilds the rows after a change, keeping the selection on the same row if it is
    /// still there.
    pub fn rebuild(&mut self) {
        let rows = match &self.topology {
            Some(topology) => rows(topology, &self.options),
            None => Vec::new(),
        };
        self.set_rows(rows);
    }

    fn set_rows(&mut self, rows: Vec<Row>) {
        let before = self.rows.get(self.selected).map(|r| r.id.clone());
        self.rows = rows;
        if let Some(id) = before
            && let Some(at) = self.rows.iter().position(|r| r.id == id)
        {
            self.selected = at;
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    pub fn select_by(&mut self, step: isize) {
        let last = self.rows.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(step).min(last);
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.selected)
    }

    /// Where a message would go over the topology last fetched (with its index when the
    /// fetch built one); `None` before the first answer.
    pub fn simulate(&self, probe: &Probe) -> Option<Route> {
        match (&self.index, &self.topology) {
            (Some(index), _) => Some(index.simulate(probe)),
            (None, Some(topology)) => Some(crate::topology::simulate(topology, probe)),
            (None, None) => None,
        }
    }

    /// The queue under the cursor, if the row names one: the sparkline follows it.
    pub fn selected_queue(&self) -> Option<&str> {
        match &self.selected_row()?.target {
            Some(Target::Queue(name)) => Some(name),
            _ => None,
        }
    }
}
