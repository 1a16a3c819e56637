//! Acks for messages taken on handover (our own queues, take mode), sent in batches:
//! one `basic.ack` with `multiple` covers every delivery up to the last one the UI has.
//!
//! Measured with examples/worker_ingest against a bare lapin consumer that acks each
//! message: lapin routes every ack through its internal RPC task and the broker
//! handles each one, so one ack per message spent most of the time on acks.
//!
//! Acks are never held while the worker waits: the serve loop flushes as soon as no
//! delivery is ready, and before a send to a full UI channel. So the broker's prefetch
//! window (unacked <= prefetch) still bounds what is in flight, and a quiet queue sees
//! every message acked at once.

use lapin::{Acker, options::BasicAckOptions};

/// Handed over, not yet acked.
#[derive(Default)]
pub(super) struct PendingAcks {
    /// The newest delivery's acker: acking it with `multiple` covers the older ones.
    last: Option<Acker>,
    count: u32,
}

impl PendingAcks {
    /// The batch size for a prefetch window: half of it, so the broker always has
    /// room to keep sending while we ack. 0 (unlimited prefetch) still acks regularly.
    pub fn batch(prefetch: u16) -> u32 {
        match prefetch {
            0 => 128,
            n => (u32::from(n) / 2).max(1),
        }
    }

    /// Records a delivery the UI has; true when the batch is full and should go out.
    pub fn record(&mut self, acker: Acker, batch: u32) -> bool {
        self.last = Some(acker);
        self.count += 1;
        self.count >= batch
    }

    pub fn count(&self) -> u32 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.last.is_none()
    }

    /// Forgets them: their channel is gone, and the broker requeued them.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Acks everything recorded so far. `Ok(false)` from lapin (the channel already
    /// closed) is fine: the consumer stream reports that loss itself.
    pub async fn flush(&mut self) -> lapin::Result<()> {
        let Some(acker) = self.last.take() else {
            return Ok(());
        };
        self.count = 0;
        acker
            .ack(BasicAckOptions { multiple: true })
            .await
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_is_half_the_prefetch_window() {
        assert_eq!(PendingAcks::batch(256), 128);
        assert_eq!(PendingAcks::batch(1), 1);
        assert_eq!(PendingAcks::batch(0), 128);
    }
}
