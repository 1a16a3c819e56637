//! Routing simulated over a vhost's real bindings, in the broker's order. The contract
//! the broker view and `amqp-tui route` are written against; filled in by its own work.

use super::{Arguments, Topology};

/// The message asked about.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Probe {
    pub exchange: String,
    pub routing_key: String,
    pub headers: Arguments,
}

/// Where the message would go, and why.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Route {
    /// Every queue reached, sorted, each once.
    pub queues: Vec<String>,
    /// One line per queue reached, its path as `orders -[order.#]-> audit-x -[#]-> audit-q`,
    /// then one per conditional dead-letter hop (`if rejected or expired -> …`).
    pub paths: Vec<String>,
    /// Exchanges on the way whose choice cannot be predicted (`x-consistent-hash`, …):
    /// when not empty, the answer is approximate.
    pub approximate: Vec<String>,
    /// Problems with the question itself, as the user must read them: an exchange that
    /// does not exist, ...
    pub problems: Vec<String>,
}

pub fn simulate(_topology: &Topology, _probe: &Probe) -> Route {
    todo!("routing simulation over the real bindings")
}
