//! The nodes a session may connect to and what each last did, for the status bar and the
//! details panel. Filled from the worker's events; the node names from the management API.

use crate::session::Endpoint;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndpointState {
    NotTried,
    Connecting,
    Connected,
    /// The session was on it and lost it: why.
    Lost(String),
    /// An attempt on it failed: why.
    Down(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointStatus {
    pub endpoint: Endpoint,
    pub state: EndpointState,
    /// The broker node behind it (`rabbit@host`), once the management API said.
    pub node: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoints {
    pub list: Vec<EndpointStatus>,
    /// The one the session is on or trying now.
    current: Option<usize>,
    /// The last failover and the count of notices shown once it was said
    /// ([`super::Tab::notices_shown`]), until the management API names the new node (or
    /// cannot): its notice is reworded only while it is still the latest.
    pub last_failover: Option<(crate::session::FailedOver, u64)>,
}

impl Endpoints {
    pub fn new(endpoints: Vec<Endpoint>) -> Self {
        let list = endpoints
            .into_iter()
            .map(|endpoint| EndpointStatus {
                endpoint,
                state: EndpointState::NotTried,
                node: None,
            })
            .collect();
        Self {
            list,
            current: None,
            last_failover: None,
        }
    }

    /// Records what `endpoint` did; connecting or connected makes it the current one.
    pub fn set(&mut self, endpoint: &Endpoint, state: EndpointState) {
        let Some(i) = self.list.iter().position(|s| s.endpoint == *endpoint) else {
            return;
        };
        if matches!(state, EndpointState::Connecting | EndpointState::Connected) {
            self.current = Some(i);
        }
        self.list[i].state = state;
    }

    /// The current node's connection is lost: it says why.
    pub fn current_lost(&mut self, why: &str) {
        if let Some(status) = self.current.and_then(|i| self.list.get_mut(i))
            && status.state == EndpointState::Connected
        {
            status.state = EndpointState::Lost(why.to_string());
        }
    }

    pub fn current(&self) -> Option<&EndpointStatus> {
        self.current.and_then(|i| self.list.get(i))
    }

    pub fn set_node(&mut self, endpoint: &Endpoint, node: String) {
        if let Some(status) = self.list.iter_mut().find(|s| s.endpoint == *endpoint) {
            status.node = Some(node);
        }
    }

    /// The node's name when known, else its address: how notices name a node.
    pub fn name_of(&self, endpoint: &Endpoint) -> String {
        self.list
            .iter()
            .find(|s| s.endpoint == *endpoint)
            .and_then(|s| s.node.clone())
            .unwrap_or_else(|| endpoint.to_string())
    }

    /// Whether there is more than one node to go to.
    pub fn several(&self) -> bool {
        self.list.len() > 1
    }
}
