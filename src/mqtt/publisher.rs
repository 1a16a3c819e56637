//! Publishes on one MQTT connection, from the compose box's request to its outcome.
//!
//! rumqttc numbers a QoS 1 publish when it writes it (`Outgoing::Publish(pkid)`), in the
//! order it was handed over, and the broker's PUBACK names that number: so each handed
//! copy is matched to its request in order, then by packet id. QoS 0 has no answer; its
//! outcome is "sent" once written.

use std::collections::{HashMap, VecDeque};

use rumqttc::{AsyncClient, ClientError, QoS};

use super::connect::MAX_PACKET_BYTES;
use crate::session::{PublishOutcome, PublishPart, PublishRequest};

/// Copies handed to rumqttc and not yet written, at most: what is beyond waits here, and
/// what is beyond that waits in the app, so a flood never grows rumqttc's queue.
const HANDED_MAX: usize = 256;
/// Requests taken from the command channel and not yet finished, at most.
pub const BACKLOG_MAX: usize = 1024;

struct Tracked {
    request: PublishRequest,
    topic: String,
    qos: QoS,
    retain: bool,
    to_hand: u32,
    sent: u32,
    acked: u32,
    failed: u32,
    first_problem: Option<String>,
}

#[derive(Default)]
pub struct Publisher {
    tracked: HashMap<u64, Tracked>,
    /// Requests with copies still to hand over, oldest first.
    to_hand: VecDeque<u64>,
    /// One entry per copy handed over and not yet written.
    handed: VecDeque<u64>,
    /// QoS 1 copies written and waiting for their PUBACK, by packet id.
    unacked: HashMap<u16, u64>,
    /// Requests whose hand-over failed, to report.
    failed_over: Vec<u64>,
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
        self.tracked.len()
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
        let id = request.id;
        let copies = request.copies.max(1);
        self.tracked.insert(
            id,
            Tracked {
                topic,
                qos: qos(level),
                retain,
                to_hand: copies,
                sent: 0,
                acked: 0,
                failed: 0,
                first_problem: None,
                request,
            },
        );
        self.to_hand.push_back(id);
        Ok(())
    }

    /// Hands copies to rumqttc while its queue has room.
    pub fn hand_over(&mut self, client: &AsyncClient) {
        while self.handed.len() < HANDED_MAX {
            let Some(&id) = self.to_hand.front() else {
                return;
            };
            let Some(t) = self.tracked.get_mut(&id) else {
                self.to_hand.pop_front();
                continue;
            };
            let body = t.request.body.clone();
            match client.try_publish(t.topic.clone(), t.qos, t.retain, body) {
                Ok(()) => {
                    self.handed.push_back(id);
                    t.to_hand -= 1;
                    if t.to_hand == 0 {
                        self.to_hand.pop_front();
                    }
                }
                // Full: the event loop makes room as it writes.
                Err(ClientError::TryRequest(_)) => return,
                Err(other) => {
                    let failed = t.to_hand;
                    t.to_hand = 0;
                    t.failed += failed;
                    t.first_problem.get_or_insert(other.to_string());
                    self.to_hand.pop_front();
                    self.failed_over.push(id);
                    return;
                }
            }
        }
    }

    /// rumqttc wrote the oldest handed copy as packet `pkid`.
    pub fn written(&mut self, pkid: u16) -> Option<(PublishRequest, PublishOutcome)> {
        let id = self.handed.pop_front()?;
        let t = self.tracked.get_mut(&id)?;
        if t.qos == QoS::AtMostOnce {
            t.sent += 1;
        } else {
            self.unacked.insert(pkid, id);
        }
        self.finish(id)
    }

    /// The broker acknowledged packet `pkid`.
    pub fn acked(&mut self, pkid: u16) -> Option<(PublishRequest, PublishOutcome)> {
        let id = self.unacked.remove(&pkid)?;
        self.tracked.get_mut(&id)?.acked += 1;
        self.finish(id)
    }

    /// Requests finished by a hand-over that failed.
    pub fn finished(&mut self) -> Vec<(PublishRequest, PublishOutcome)> {
        let ids = std::mem::take(&mut self.failed_over);
        ids.into_iter().filter_map(|id| self.finish(id)).collect()
    }

    /// The requests none of whose copies were handed to rumqttc, oldest first, taken
    /// back: nothing of them reached the connection, so they can wait for the next one.
    pub fn take_unsent(&mut self) -> Vec<PublishRequest> {
        let mut unsent = Vec::new();
        self.to_hand.retain(|id| {
            let untouched = self
                .tracked
                .get(id)
                .is_some_and(|t| t.to_hand == t.request.copies.max(1));
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

    /// The connection is gone: every copy not yet sent or acknowledged failed, `why`.
    pub fn fail_all(&mut self, why: &str) -> Vec<(PublishRequest, PublishOutcome)> {
        self.handed.clear();
        self.unacked.clear();
        self.to_hand.clear();
        let mut ids: Vec<u64> = self.tracked.keys().copied().collect();
        ids.sort_unstable();
        ids.into_iter()
            .filter_map(|id| {
                let t = self.tracked.get_mut(&id)?;
                let total = t.request.copies.max(1);
                t.failed = total - t.sent - t.acked;
                t.to_hand = 0;
                t.first_problem.get_or_insert_with(|| why.to_string());
                self.finish(id)
            })
            .collect()
    }

    fn finish(&mut self, id: u64) -> Option<(PublishRequest, PublishOutcome)> {
        let t = self.tracked.get(&id)?;
        let total = t.request.copies.max(1);
        if t.sent + t.acked + t.failed < total {
            return None;
        }
        let t = self.tracked.remove(&id)?;
        let outcome = if total == 1 {
            match (t.sent, t.acked) {
                (1, _) => PublishOutcome::Sent,
                (_, 1) => PublishOutcome::Routed,
                _ => PublishOutcome::Failed {
                    reason: t.first_problem.unwrap_or_default(),
                },
            }
        } else {
            PublishOutcome::Copies {
                routed: t.acked,
                sent: t.sent,
                returned: 0,
                nacked: 0,
                refused: 0,
                failed: t.failed,
                first_problem: t.first_problem,
            }
        };
        Some((t.request, outcome))
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
