//! Publishes on one MQTT connection, from the compose box's request to its outcome.
//!
//! rumqttc numbers a QoS 1 publish when it writes it (`Outgoing::Publish(pkid)`), in the
//! order it was handed over, and the broker's PUBACK names that number: so each handed
//! copy is matched to its request in order, then by packet id. QoS 0 has no answer; its
//! outcome is "sent" once written.

use std::collections::{HashMap, VecDeque};

use rumqttc::{AsyncClient, ClientError, QoS};

use super::connect::MAX_PACKET_BYTES;
use crate::session::{
    PublishOutcome, PublishPart, PublishRequest,
    ledger::{Done, Ledger},
};

/// Copies handed to rumqttc and not yet written, at most: what is beyond waits here, and
/// what is beyond that waits in the app, so a flood never grows rumqttc's queue.
const HANDED_MAX: usize = 256;
/// Requests taken from the command channel and not yet finished, at most.
pub const BACKLOG_MAX: usize = 1024;

/// Where and how a request's copies are published.
struct Route {
    topic: String,
    qos: QoS,
    retain: bool,
}

#[derive(Default)]
pub struct Publisher {
    ledger: Ledger<Route>,
    /// One entry per copy handed over and not yet written.
    handed: VecDeque<u64>,
    /// QoS 1 copies written and waiting for their PUBACK, by packet id.
    unacked: HashMap<u16, u64>,
    /// Requests finished by a hand-over that failed, to report.
    failed_over: Vec<Done>,
}

/// What MQTT makes of a QoS: RabbitMQ 3.10 speaks 0 and 1 and downgrades 2 to 1.
pub fn qos(level: u8) -> QoS {
    match level {
        0 => QoS::AtMostOnce,
        _ => QoS::AtLeastOnce,
    }
}

/// The QoS a subscription asks for: 2 is asked as 2, and RabbitMQ 3.10's SUBACK grants 1,
/// which the session then says.
pub fn subscription_qos(level: u8) -> QoS {
    match level {
        0 => QoS::AtMostOnce,
        1 => QoS::AtLeastOnce,
        _ => QoS::ExactlyOnce,
    }
}

impl Publisher {
    pub fn backlog(&self) -> usize {
        self.ledger.len()
    }

    /// Takes a request; a request that can never be sent as it is comes straight back
    /// with its outcome.
    pub fn enqueue(
        &mut self,
        request: PublishRequest,
    ) -> Result<(), Box<(PublishRequest, PublishOutcome)>> {
        let PublishPart::Mqtt {
            topic,
            qos: level,
            retain,
        } = request.part.clone()
        else {
            let reason = "an MQTT session publishes to a topic, not to an exchange".to_string();
            let outcome = PublishOutcome::not_sent(request.copies, reason);
            return Err(Box::new((request, outcome)));
        };
        if let Err(problem) = super::topic::check_name(&topic) {
            let outcome =
                PublishOutcome::refused(request.copies, format!("topic '{topic}' {problem}"));
            return Err(Box::new((request, outcome)));
        }
        if packet_size(&topic, request.body.len(), qos(level)) > MAX_PACKET_BYTES {
            let reason = format!(
                "the message is {} bytes, more than the {} MiB an MQTT packet may hold here",
                request.body.len(),
                MAX_PACKET_BYTES >> 20
            );
            let outcome = PublishOutcome::refused(request.copies, reason);
            return Err(Box::new((request, outcome)));
        }
        let route = Route {
            topic,
            qos: qos(level),
            retain,
        };
        self.ledger.insert(request, route);
        Ok(())
    }

    /// Hands copies to rumqttc while its queue has room.
    pub fn hand_over(&mut self, client: &AsyncClient) {
        while self.handed.len() < HANDED_MAX {
            let Some((id, entry)) = self.ledger.next_unwritten() else {
                return;
            };
            let Route { topic, qos, retain } = &entry.route;
            let body = entry.request.body.clone();
            match client.try_publish(topic.clone(), *qos, *retain, body) {
                Ok(()) => {
                    self.handed.push_back(id);
                    self.ledger.took_one(id);
                }
                // Full: the event loop makes room as it writes.
                Err(ClientError::TryRequest(_)) => return,
                Err(other) => {
                    let done = self.ledger.fail_unwritten(id, &other.to_string());
                    self.failed_over.extend(done);
                    return;
                }
            }
        }
    }

    /// rumqttc wrote the oldest handed copy as packet `pkid`.
    pub fn written(&mut self, pkid: u16) -> Option<Done> {
        let id = self.handed.pop_front()?;
        if self.ledger.get(id)?.route.qos == QoS::AtMostOnce {
            return self.ledger.sent(id);
        }
        self.unacked.insert(pkid, id);
        None
    }

    /// The broker acknowledged packet `pkid`.
    pub fn acked(&mut self, pkid: u16) -> Option<Done> {
        let id = self.unacked.remove(&pkid)?;
        self.ledger.acked(id)
    }

    /// Requests finished by a hand-over that failed.
    pub fn finished(&mut self) -> Vec<Done> {
        std::mem::take(&mut self.failed_over)
    }

    /// The requests none of whose copies were handed to rumqttc, oldest first, taken
    /// back: nothing of them reached the connection, so they can wait for the next one.
    pub fn take_unsent(&mut self) -> Vec<PublishRequest> {
        self.ledger.take_unsent()
    }

    /// The connection is gone: every copy not yet sent or acknowledged failed, `why`.
    pub fn fail_all(&mut self, why: &str) -> Vec<Done> {
        self.handed.clear();
        self.unacked.clear();
        let mut done = std::mem::take(&mut self.failed_over);
        done.extend(self.ledger.fail_all(why));
        done
    }
}

/// The size of the PUBLISH packet, counted as rumqttc counts it before writing: past its
/// limit rumqttc fails the whole connection, so a message that would not fit must be
/// refused here, to the byte.
fn packet_size(topic: &str, body: usize, qos: QoS) -> usize {
    let packet_id = if qos == QoS::AtMostOnce { 0 } else { 2 };
    let remaining = 2 + topic.len() + packet_id + body;
    // MQTT's remaining length: 7 bits per byte.
    let length_bytes = match remaining {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    };
    1 + length_bytes + remaining
}
