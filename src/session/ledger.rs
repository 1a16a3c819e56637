//! The copies of publish requests on one connection, counted the same way for every
//! protocol whose broker answers copy by copy (MQTT's PUBACKs, STOMP's RECEIPTs): each copy
//! is taken to be written, then ends sent (no answer asked for), acked, refused or failed,
//! and a request is finished, with its outcome, once every copy has ended. AMQP's confirms
//! come by delivery tag through lapin and keep their own count.

use std::collections::{HashMap, VecDeque};

use super::{PublishOutcome, PublishRequest};

/// A finished request and what became of it.
pub type Done = (PublishRequest, PublishOutcome);

/// One request, with what the protocol needs to write its copies (`route`: a topic and
/// QoS, a destination).
pub struct Entry<T> {
    pub request: PublishRequest,
    pub route: T,
    unwritten: u32,
    sent: u32,
    acked: u32,
    refused: u32,
    failed: u32,
    first_problem: Option<String>,
}

impl<T> Entry<T> {
    fn total(&self) -> u32 {
        self.request.copies.max(1)
    }
}

pub struct Ledger<T> {
    entries: HashMap<u64, Entry<T>>,
    /// Requests with copies still to write, oldest first.
    unwritten: VecDeque<u64>,
}

impl<T> Default for Ledger<T> {
    fn default() -> Self {
        Self {
            entries: HashMap::new(),
            unwritten: VecDeque::new(),
        }
    }
}

impl<T> Ledger<T> {
    /// Requests taken and not yet finished.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, id: u64) -> Option<&Entry<T>> {
        self.entries.get(&id)
    }

    pub fn has_unwritten(&self) -> bool {
        !self.unwritten.is_empty()
    }

    pub fn insert(&mut self, request: PublishRequest, route: T) {
        let id = request.id;
        let unwritten = request.copies.max(1);
        self.entries.insert(
            id,
            Entry {
                request,
                route,
                unwritten,
                sent: 0,
                acked: 0,
                refused: 0,
                failed: 0,
                first_problem: None,
            },
        );
        self.unwritten.push_back(id);
    }

    /// The oldest request with a copy still to write.
    pub fn next_unwritten(&mut self) -> Option<(u64, &Entry<T>)> {
        loop {
            let &id = self.unwritten.front()?;
            match self.entries.get(&id) {
                Some(entry) => return Some((id, entry)),
                None => {
                    self.unwritten.pop_front();
                }
            }
        }
    }

    /// One copy of the oldest request was taken to be written.
    pub fn took_one(&mut self, id: u64) {
        let Some(entry) = self.entries.get_mut(&id) else {
            return;
        };
        entry.unwritten = entry.unwritten.saturating_sub(1);
        if entry.unwritten == 0 && self.unwritten.front() == Some(&id) {
            self.unwritten.pop_front();
        }
    }

    /// A copy went out with no answer asked for.
    pub fn sent(&mut self, id: u64) -> Option<Done> {
        self.entries.get_mut(&id)?.sent += 1;
        self.finish(id)
    }

    /// The broker confirmed a copy.
    pub fn acked(&mut self, id: u64) -> Option<Done> {
        self.entries.get_mut(&id)?.acked += 1;
        self.finish(id)
    }

    /// The broker refused a copy, `why`.
    pub fn refused(&mut self, id: u64, why: &str) -> Option<Done> {
        let entry = self.entries.get_mut(&id)?;
        entry.refused += 1;
        entry.first_problem.get_or_insert_with(|| why.to_string());
        self.finish(id)
    }

    /// The copies of `id` not yet written failed, `why`, and none more will be: the
    /// request is finished once those already written have ended.
    pub fn fail_unwritten(&mut self, id: u64, why: &str) -> Option<Done> {
        let entry = self.entries.get_mut(&id)?;
        entry.failed += entry.unwritten;
        entry.unwritten = 0;
        entry.first_problem.get_or_insert_with(|| why.to_string());
        self.unwritten.retain(|&other| other != id);
        self.finish(id)
    }

    /// The requests none of whose copies were written, oldest first, taken back: nothing
    /// of them reached the connection, so they can wait for the next one.
    pub fn take_unsent(&mut self) -> Vec<PublishRequest> {
        let mut unsent = Vec::new();
        let entries = &self.entries;
        self.unwritten.retain(|id| {
            let untouched = entries.get(id).is_some_and(|e| e.unwritten == e.total());
            if untouched {
                unsent.push(*id);
            }
            !untouched
        });
        unsent
            .into_iter()
            .filter_map(|id| self.entries.remove(&id).map(|e| e.request))
            .collect()
    }

    /// The connection is gone: every copy that has not ended failed, `why`.
    pub fn fail_all(&mut self, why: &str) -> Vec<Done> {
        self.unwritten.clear();
        let mut ids: Vec<u64> = self.entries.keys().copied().collect();
        ids.sort_unstable();
        ids.into_iter()
            .filter_map(|id| {
                let entry = self.entries.get_mut(&id)?;
                entry.failed = entry.total() - entry.sent - entry.acked - entry.refused;
                entry.unwritten = 0;
                entry.first_problem.get_or_insert_with(|| why.to_string());
                self.finish(id)
            })
            .collect()
    }

    /// The outcome once every copy of `id` has ended.
    fn finish(&mut self, id: u64) -> Option<Done> {
        let e = self.entries.get(&id)?;
        let total = e.total();
        if e.sent + e.acked + e.refused + e.failed < total {
            return None;
        }
        let e = self.entries.remove(&id)?;
        let problem = e.first_problem.clone().unwrap_or_default();
        let outcome = if total == 1 {
            match (e.sent, e.acked, e.refused) {
                (1, _, _) => PublishOutcome::Sent,
                (_, 1, _) => PublishOutcome::Routed,
                (_, _, 1) => PublishOutcome::Refused { reason: problem },
                _ => PublishOutcome::Failed { reason: problem },
            }
        } else {
            PublishOutcome::Copies {
                routed: e.acked,
                sent: e.sent,
                returned: 0,
                nacked: 0,
                refused: e.refused,
                failed: e.failed,
                first_problem: e.first_problem,
            }
        };
        Some((e.request, outcome))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::PublishPart;

    fn request(id: u64, copies: u32) -> PublishRequest {
        PublishRequest {
            id,
            exchange: String::new(),
            routing_key: String::new(),
            body: b"b".to_vec(),
            properties: Default::default(),
            copies,
            confirm: true,
            part: PublishPart::Amqp,
        }
    }

    #[test]
    fn one_copy_ends_as_its_answer_says() {
        let mut ledger = Ledger::default();
        for id in 1..=3 {
            ledger.insert(request(id, 1), ());
            ledger.took_one(id);
        }
        assert_eq!(ledger.sent(1).map(|d| d.1), Some(PublishOutcome::Sent));
        assert_eq!(ledger.acked(2).map(|d| d.1), Some(PublishOutcome::Routed));
        assert_eq!(
            ledger.refused(3, "no").map(|d| d.1),
            Some(PublishOutcome::Refused {
                reason: "no".into()
            })
        );
        assert!(ledger.is_empty());
    }

    #[test]
    fn copies_are_counted_and_the_rest_fail_when_the_connection_goes() {
        let mut ledger = Ledger::default();
        ledger.insert(request(1, 4), ());
        assert_eq!(ledger.next_unwritten().map(|(id, _)| id), Some(1));
        for _ in 0..3 {
            ledger.took_one(1);
        }
        assert!(ledger.acked(1).is_none());
        assert!(ledger.refused(1, "full").is_none());
        let (_, outcome) = ledger.fail_all("gone").pop().expect("finished");
        assert_eq!(
            outcome,
            PublishOutcome::Copies {
                routed: 1,
                sent: 0,
                returned: 0,
                nacked: 0,
                refused: 1,
                failed: 2,
                first_problem: Some("full".into()),
            }
        );
    }

    #[test]
    fn untouched_requests_go_back_whole_and_a_started_one_stays() {
        let mut ledger = Ledger::default();
        ledger.insert(request(1, 2), ());
        ledger.insert(request(2, 2), ());
        ledger.took_one(1);
        let back: Vec<u64> = ledger.take_unsent().iter().map(|r| r.id).collect();
        assert_eq!(back, [2]);
        assert_eq!(ledger.len(), 1);
        assert_eq!(ledger.next_unwritten().map(|(id, _)| id), Some(1));
    }

    #[test]
    fn failing_the_unwritten_copies_waits_for_those_in_flight() {
        let mut ledger = Ledger::default();
        ledger.insert(request(1, 3), ());
        ledger.took_one(1);
        assert!(ledger.fail_unwritten(1, "closed").is_none());
        assert!(!ledger.has_unwritten());
        let (_, outcome) = ledger.acked(1).expect("finished");
        assert_eq!(outcome.unconfirmed(), 2);
    }
}
