//! How an MQTT link lets go: deliveries acknowledged once the app has them, and the
//! goodbye that counts what went out before DISCONNECT.

use rumqttc::{Event, Outgoing, Packet, Publish};

use super::MqttLink;
use crate::session::worker::Events;

/// What acknowledges `publish` (rumqttc reads only its QoS and packet id), or `None` for
/// QoS 0, which has nothing to acknowledge.
pub(super) fn ack_of(publish: &Publish) -> Option<Publish> {
    (publish.qos != rumqttc::QoS::AtMostOnce).then(|| {
        let mut ack = Publish::new("", publish.qos, Vec::new());
        ack.pkid = publish.pkid;
        ack
    })
}

/// How long a goodbye may keep the user waiting on a link that stopped answering.
pub(super) const GOODBYE: std::time::Duration = std::time::Duration::from_secs(2);

impl MqttLink {
    /// The user disconnects: acknowledge what the app has, then DISCONNECT behind the
    /// copies already handed to rumqttc (its queue is in order), counting those written
    /// and acknowledged meanwhile, so that only what really did not go out is reported
    /// failed and kept for Ctrl-R.
    pub(super) async fn say_goodbye(&mut self, events: &Events) {
        self.send_acks();
        let mut done = Vec::new();
        if self.alive && self.client.try_disconnect().is_ok() {
            self.alive = false;
            let publisher = &mut self.publisher;
            let eventloop = &mut self.eventloop;
            let bye = async {
                loop {
                    match eventloop.poll().await {
                        Ok(Event::Outgoing(Outgoing::Publish(pkid))) => {
                            done.extend(publisher.written(pkid));
                        }
                        Ok(Event::Incoming(Packet::PubAck(ack))) => {
                            done.extend(publisher.acked(ack.pkid));
                        }
                        Ok(Event::Outgoing(Outgoing::Disconnect)) | Err(_) => return,
                        Ok(_) => {}
                    }
                }
            };
            let _ = tokio::time::timeout(GOODBYE, bye).await;
        }
        done.extend(
            self.publisher
                .fail_all("you disconnected before the broker acknowledged it"),
        );
        self.report(events, done).await;
    }

    /// Acknowledges what the app has, while rumqttc's queue has room.
    pub(super) fn send_acks(&mut self) {
        while let Some(ack) = self.to_ack.front() {
            match self.client.try_ack(ack) {
                Ok(()) => {}
                // Full: the event loop makes room as it writes.
                Err(rumqttc::ClientError::TryRequest(_)) => return,
                // The loop is gone: the connection's end is reported by the loop itself.
                Err(_) => {}
            }
            self.to_ack.pop_front();
        }
    }
}
