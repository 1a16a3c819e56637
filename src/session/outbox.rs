//! Publishes that arrive while there is no connection wait here, in order, and go out as
//! soon as the connection is back. Bounded by count and by bytes: an outage must not turn
//! into unbounded memory, and what does not fit is refused with its reason, never dropped.

use super::{PublishRequest, requests::Requests};

/// Requests kept while disconnected.
pub const MAX_REQUESTS: usize = 10_000;
/// Their bodies together: two messages of the broker's default maximum size.
pub const MAX_BYTES: usize = 256 << 20;

#[derive(Default)]
pub struct Outbox {
    waiting: Requests,
}

impl Outbox {
    /// Queues `request`, or hands it back with the reason when the outbox is full.
    pub fn push(
        &mut self,
        request: PublishRequest,
    ) -> Result<usize, (Box<PublishRequest>, String)> {
        let (len, bytes) = (self.waiting.len(), self.waiting.bytes());
        if len >= MAX_REQUESTS || bytes + request.body.len() > MAX_BYTES {
            let reason = format!(
                "not connected, and {len} messages ({} MiB) already wait for the connection; this one was not queued",
                bytes >> 20
            );
            return Err((Box::new(request), reason));
        }
        self.waiting.push(request);
        Ok(self.waiting.len())
    }

    /// Oldest first, so a reconnect sends them in the order they were typed.
    pub fn pop(&mut self) -> Option<PublishRequest> {
        self.waiting.pop()
    }

    /// Puts back a request `pop` gave out that could not go after all, at the front.
    pub fn unpop(&mut self, request: PublishRequest) {
        self.waiting.push_front(request);
    }

    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Properties;

    fn request(id: u64, size: usize) -> PublishRequest {
        PublishRequest {
            id,
            exchange: "x".into(),
            routing_key: "k".into(),
            body: vec![0; size],
            properties: Properties::default(),
            copies: 1,
            confirm: true,
            part: Default::default(),
        }
    }

    #[test]
    fn keeps_order_and_refuses_past_its_byte_bound_without_losing_the_request() {
        let mut outbox = Outbox::default();
        assert_eq!(outbox.push(request(1, 10)), Ok(1));
        assert_eq!(outbox.push(request(2, MAX_BYTES - 10)), Ok(2));
        let (back, reason) = outbox.push(request(3, 1)).expect_err("full");
        assert_eq!(back.id, 3);
        assert!(reason.contains("2 messages (256 MiB)"), "{reason}");
        assert_eq!(outbox.pop().map(|r| r.id), Some(1));
        assert_eq!(outbox.pop().map(|r| r.id), Some(2));
        assert!(outbox.is_empty());
        assert_eq!(outbox.push(request(4, 1)), Ok(1));
    }

    #[test]
    fn refuses_past_its_count_bound() {
        let mut outbox = Outbox::default();
        for id in 0..MAX_REQUESTS as u64 {
            outbox.push(request(id, 0)).expect("room");
        }
        assert!(outbox.push(request(0, 0)).is_err());
        assert_eq!(outbox.len(), MAX_REQUESTS);
    }
}
