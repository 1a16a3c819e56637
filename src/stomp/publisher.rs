//! Publishes on one STOMP connection, from the compose box's request to its outcome. Each
//! copy is one SEND; with `confirm` each asks for a `receipt`, and the RECEIPT is its
//! confirmation (with `persistent:true` RabbitMQ sends it only after its own publisher
//! confirm), counted like AMQP's confirms and MQTT's PUBACKs. Without `confirm` a copy is
//! "sent" once written.

use std::collections::{HashMap, VecDeque};

use super::{Destination, Frame, frames};
use crate::session::{PublishOutcome, PublishPart, PublishRequest};

/// Requests taken from the command channel and not yet finished, at most.
pub const BACKLOG_MAX: usize = 1024;
/// SENDs written and waiting for their RECEIPT, at most: past it, copies wait here.
const WINDOW: usize = 512;

struct Tracked {
    request: PublishRequest,
    destination: String,
    to_send: u32,
    sent: u32,
    acked: u32,
    refused: u32,
    failed: u32,
    first_problem: Option<String>,
}

#[derive(Default)]
pub struct Publisher {
    tracked: HashMap<u64, Tracked>,
    /// Requests with copies still to write, oldest first.
    to_send: VecDeque<u64>,
    /// Receipt ids of SENDs written and not yet confirmed, with their request.
    awaiting: HashMap<String, u64>,
    next_receipt: u64,
}

impl Publisher {
    pub fn backlog(&self) -> usize {
        self.tracked.len()
    }

    /// Whether a copy can be written now.
    pub fn has_work(&self) -> bool {
        !self.to_send.is_empty() && self.awaiting.len() < WINDOW
    }

    /// Takes a request; one that can never be sent as it is comes straight back with its
    /// outcome.
    pub fn enqueue(
        &mut self,
        request: PublishRequest,
    ) -> Result<(), Box<(PublishRequest, PublishOutcome)>> {
        let destination = match &request.part {
            PublishPart::Stomp { destination } => destination.clone(),
            // A message replayed from another tab: where RabbitMQ routes it the same way.
            PublishPart::Amqp => {
                Destination::for_routing(&request.exchange, &request.routing_key).to_string()
            }
            PublishPart::Mqtt { .. } => {
                let reason = "a STOMP session sends to a destination, not to an MQTT topic";
                let outcome = PublishOutcome::not_sent(request.copies, reason.to_string());
                return Err(Box::new((request, outcome)));
            }
        };
        if let Err(problem) = Destination::parse(&destination) {
            let outcome = PublishOutcome::refused(request.copies, problem.to_string());
            return Err(Box::new((request, outcome)));
        }
        let id = request.id;
        self.tracked.insert(
            id,
            Tracked {
                destination: destination.trim().to_string(),
                to_send: request.copies.max(1),
                sent: 0,
                acked: 0,
                refused: 0,
                failed: 0,
                first_problem: None,
                request,
            },
        );
        self.to_send.push_back(id);
        Ok(())
    }

    /// The next SEND to write, and the request it belongs to; `None` when nothing waits
    /// or the window of unconfirmed SENDs is full.
    pub fn next_send(&mut self) -> Option<(u64, Frame)> {
        if self.awaiting.len() >= WINDOW {
            return None;
        }
        let &id = self.to_send.front()?;
        let t = self.tracked.get_mut(&id)?;
        let receipt = t.request.confirm.then(|| {
            self.next_receipt += 1;
            format!("send-{}", self.next_receipt)
        });
        let frame = frames::send(
            &t.destination,
            &t.request.properties,
            &t.request.body,
            receipt.as_deref(),
        );
        t.to_send -= 1;
        if t.to_send == 0 {
            self.to_send.pop_front();
        }
        if let Some(receipt) = receipt {
            self.awaiting.insert(receipt, id);
        }
        Some((id, frame))
    }

    /// A SEND of request `id` was written: without a receipt, that is all it gets.
    pub fn written(&mut self, id: u64) -> Option<(PublishRequest, PublishOutcome)> {
        let t = self.tracked.get_mut(&id)?;
        if t.request.confirm {
            return None;
        }
        t.sent += 1;
        self.finish(id)
    }

    /// A RECEIPT arrived.
    pub fn receipt(&mut self, receipt_id: &str) -> Option<(PublishRequest, PublishOutcome)> {
        let id = self.awaiting.remove(receipt_id)?;
        self.tracked.get_mut(&id)?.acked += 1;
        self.finish(id)
    }

    /// An ERROR names the receipt of a SEND: the broker refused that copy, `why`.
    pub fn refused(
        &mut self,
        receipt_id: &str,
        why: &str,
    ) -> Option<(PublishRequest, PublishOutcome)> {
        let id = self.awaiting.remove(receipt_id)?;
        let t = self.tracked.get_mut(&id)?;
        t.refused += 1;
        t.first_problem.get_or_insert_with(|| why.to_string());
        self.finish(id)
    }

    /// The requests none of whose copies were written, oldest first, taken back: nothing
    /// of them reached the connection, so they can wait for the next one.
    pub fn take_unsent(&mut self) -> Vec<PublishRequest> {
        let mut unsent = Vec::new();
        self.to_send.retain(|id| {
            let untouched = self
                .tracked
                .get(id)
                .is_some_and(|t| t.to_send == t.request.copies.max(1));
            if untouched {
                unsent.push(*id);
            }
            !untouched
        });
        unsent
            .into_iter()
            .filter_map(|id| self.tracked.remove(&id).map(|t| t.request))
            .collect()
    }

    /// The connection is gone: every copy not yet sent or confirmed failed, `why`.
    pub fn fail_all(&mut self, why: &str) -> Vec<(PublishRequest, PublishOutcome)> {
        self.awaiting.clear();
        self.to_send.clear();
        let mut ids: Vec<u64> = self.tracked.keys().copied().collect();
        ids.sort_unstable();
        ids.into_iter()
            .filter_map(|id| {
                let t = self.tracked.get_mut(&id)?;
                let total = t.request.copies.max(1);
                t.failed = total - t.sent - t.acked - t.refused;
                t.to_send = 0;
                t.first_problem.get_or_insert_with(|| why.to_string());
                self.finish(id)
            })
            .collect()
    }

    fn finish(&mut self, id: u64) -> Option<(PublishRequest, PublishOutcome)> {
        let t = self.tracked.get(&id)?;
        let total = t.request.copies.max(1);
        if t.sent + t.acked + t.refused + t.failed < total {
            return None;
        }
        let t = self.tracked.remove(&id)?;
        let problem = t.first_problem.clone().unwrap_or_default();
        let outcome = if total == 1 {
            match (t.sent, t.acked, t.refused) {
                (1, _, _) => PublishOutcome::Sent,
                (_, 1, _) => PublishOutcome::Routed,
                (_, _, 1) => PublishOutcome::Refused { reason: problem },
                _ => PublishOutcome::Failed { reason: problem },
            }
        } else {
            PublishOutcome::Copies {
                routed: t.acked,
                sent: t.sent,
                returned: 0,
                nacked: 0,
                refused: t.refused,
                failed: t.failed,
                first_problem: t.first_problem,
            }
        };
        Some((t.request, outcome))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(id: u64, copies: u32, confirm: bool) -> PublishRequest {
        PublishRequest {
            id,
            exchange: String::new(),
            routing_key: String::new(),
            body: b"b".to_vec(),
            properties: Default::default(),
            copies,
            confirm,
            part: PublishPart::Stomp {
                destination: "/topic/t".into(),
            },
        }
    }

    #[test]
    fn copies_are_counted_by_their_receipts_and_the_rest_fail_on_a_drop() {
        let mut p = Publisher::default();
        p.enqueue(request(1, 3, true)).expect("valid");
        let receipts: Vec<String> = std::iter::from_fn(|| p.next_send())
            .map(|(_, f)| f.header("receipt").expect("a receipt").to_string())
            .collect();
        assert_eq!(receipts.len(), 3);
        assert!(p.receipt(&receipts[0]).is_none());
        let (_, outcome) = p.fail_all("gone").pop().expect("finished");
        assert_eq!(
            outcome,
            PublishOutcome::Copies {
                routed: 1,
                sent: 0,
                returned: 0,
                nacked: 0,
                refused: 0,
                failed: 2,
                first_problem: Some("gone".into()),
            }
        );
        assert_eq!(outcome.unconfirmed(), 2);
    }

    #[test]
    fn an_unwritten_request_goes_back_whole_and_a_bad_destination_is_refused() {
        let mut p = Publisher::default();
        p.enqueue(request(1, 2, true)).expect("valid");
        assert_eq!(p.take_unsent().len(), 1);
        let mut bad = request(2, 1, true);
        bad.part = PublishPart::Stomp {
            destination: "/nowhere".into(),
        };
        let refused = p.enqueue(bad).expect_err("refused");
        assert!(matches!(refused.1, PublishOutcome::Refused { .. }));
    }
}
