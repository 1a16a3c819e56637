//! Publishes the broker did not confirm (never sent, lost with the connection, nacked),
//! kept so the user can send them again with one key. Bounded like everything that grows
//! with time: past the bound the oldest are let go, and counted, never silently.

use crate::session::{PublishRequest, requests::Requests};

pub const MAX_KEPT: usize = 1_000;
/// Their bodies together: two messages of the broker's default maximum size.
pub const MAX_BYTES: usize = 256 << 20;

#[derive(Clone, Debug, Default)]
pub struct Unsent {
    requests: Requests,
    /// Reported failed, but let go to stay within bounds: no longer resendable.
    pub let_go: u64,
}

impl Unsent {
    pub fn keep(&mut self, request: PublishRequest) {
        self.requests.push(request);
        while self.requests.len() > MAX_KEPT || self.requests.bytes() > MAX_BYTES {
            let Some(oldest) = self.requests.pop() else {
                break;
            };
            self.let_go += u64::from(oldest.copies);
        }
    }

    /// Everything kept, oldest first, to be sent again.
    pub fn take_all(&mut self) -> Vec<PublishRequest> {
        self.requests.take_all()
    }

    /// Messages kept, counting every copy.
    pub fn copies(&self) -> u64 {
        self.requests.copies()
    }

    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Properties;

    fn request(id: u64, size: usize, copies: u32) -> PublishRequest {
        PublishRequest {
            id,
            exchange: String::new(),
            routing_key: "k".into(),
            body: vec![b'x'; size],
            properties: Properties::default(),
            copies,
            confirm: true,
            part: Default::default(),
        }
    }

    #[test]
    fn keeps_in_order_and_counts_what_it_lets_go() {
        let mut unsent = Unsent::default();
        unsent.keep(request(1, MAX_BYTES - 5, 3));
        unsent.keep(request(2, 4, 2));
        assert_eq!(unsent.copies(), 5);
        unsent.keep(request(3, 4, 1));
        assert_eq!(unsent.let_go, 3, "the oldest, with its 3 copies, made room");
        let ids: Vec<u64> = unsent.take_all().iter().map(|r| r.id).collect();
        assert_eq!(ids, [2, 3]);
        assert!(unsent.is_empty());
        assert_eq!(unsent.copies(), 0);
    }
}
