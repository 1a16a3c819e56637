//! Publish requests kept in order with their bodies' bytes counted: the worker's outbox and
//! the compose box's unconfirmed list both hold them, each bounding count and bytes its
//! own way.

use std::collections::VecDeque;

use crate::session::PublishRequest;

#[derive(Clone, Debug, Default)]
pub struct Requests {
    queue: VecDeque<PublishRequest>,
    bytes: usize,
}

impl Requests {
    pub fn push(&mut self, request: PublishRequest) {
        self.bytes += request.body.len();
        self.queue.push_back(request);
    }

    /// Back at the front: a request `pop` gave out that could not go after all.
    pub fn push_front(&mut self, request: PublishRequest) {
        self.bytes += request.body.len();
        self.queue.push_front(request);
    }

    /// The oldest.
    pub fn pop(&mut self) -> Option<PublishRequest> {
        let request = self.queue.pop_front()?;
        self.bytes -= request.body.len();
        Some(request)
    }

    pub fn take_all(&mut self) -> Vec<PublishRequest> {
        self.bytes = 0;
        self.queue.drain(..).collect()
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Their bodies together, each counted once however many copies it asks for.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Messages, counting every copy.
    pub fn copies(&self) -> u64 {
        self.queue.iter().map(|r| u64::from(r.copies)).sum()
    }
}
