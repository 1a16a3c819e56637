//! Publishes on one STOMP connection, from the compose box's request to its outcome. Each
//! copy is one SEND; with `confirm` each asks for a `receipt`, and the RECEIPT is its
//! confirmation (with `persistent:true` RabbitMQ sends it only after its own publisher
//! confirm), counted like AMQP's confirms and MQTT's PUBACKs. Without `confirm` a copy is
//! "sent" once written.

use std::collections::HashMap;

use super::{Destination, Frame, frames};
use crate::session::{
    PublishOutcome, PublishPart, PublishRequest,
    ledger::{Done, Ledger},
};

/// Requests taken from the command channel and not yet finished, at most.
pub const BACKLOG_MAX: usize = 1024;
/// SENDs written and waiting for their RECEIPT, at most: past it, copies wait here.
const WINDOW: usize = 512;

#[derive(Default)]
pub struct Publisher {
    /// Each request with its destination.
    ledger: Ledger<String>,
    /// Receipt ids of SENDs written and not yet confirmed, with their request.
    awaiting: HashMap<String, u64>,
    next_receipt: u64,
}

impl Publisher {
    pub fn backlog(&self) -> usize {
        self.ledger.len()
    }

    /// Whether a copy can be written now.
    pub fn has_work(&self) -> bool {
        self.ledger.has_unwritten() && self.awaiting.len() < WINDOW
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
        self.ledger.insert(request, destination.trim().to_string());
        Ok(())
    }

    /// The next SEND to write, and the request it belongs to; `None` when nothing waits
    /// or the window of unconfirmed SENDs is full.
    pub fn next_send(&mut self) -> Option<(u64, Frame)> {
        if self.awaiting.len() >= WINDOW {
            return None;
        }
        let (id, entry) = self.ledger.next_unwritten()?;
        let receipt = entry.request.confirm.then(|| {
            self.next_receipt += 1;
            format!("send-{}", self.next_receipt)
        });
        let frame = frames::send(
            &entry.route,
            &entry.request.properties,
            &entry.request.body,
            receipt.as_deref(),
        );
        self.ledger.took_one(id);
        if let Some(receipt) = receipt {
            self.awaiting.insert(receipt, id);
        }
        Some((id, frame))
    }

    /// A SEND of request `id` was written: without a receipt, that is all it gets.
    pub fn written(&mut self, id: u64) -> Option<Done> {
        if self.ledger.get(id)?.request.confirm {
            return None;
        }
        self.ledger.sent(id)
    }

    /// A RECEIPT arrived.
    pub fn receipt(&mut self, receipt_id: &str) -> Option<Done> {
        let id = self.awaiting.remove(receipt_id)?;
        self.ledger.acked(id)
    }

    /// An ERROR names the receipt of a SEND: the broker refused that copy, `why`.
    pub fn refused(&mut self, receipt_id: &str, why: &str) -> Option<Done> {
        let id = self.awaiting.remove(receipt_id)?;
        self.ledger.refused(id, why)
    }

    /// The requests none of whose copies were written, oldest first, taken back: nothing
    /// of them reached the connection, so they can wait for the next one.
    pub fn take_unsent(&mut self) -> Vec<PublishRequest> {
        self.ledger.take_unsent()
    }

    /// The connection is gone: every copy not yet sent or confirmed failed, `why`.
    pub fn fail_all(&mut self, why: &str) -> Vec<Done> {
        self.awaiting.clear();
        self.ledger.fail_all(why)
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
