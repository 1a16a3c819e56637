//! Commands on what the session watches: live bindings, settling manually acked
//! messages, peeking at a queue without taking anything from it.

use lapin::options::{BasicGetOptions, BasicNackOptions, BasicRejectOptions};

use super::{session::LiveSession, source};
use crate::session::run::Ended;
use crate::session::worker::{Events, STALE_DELIVERY};
use crate::{
    amqp::{error::describe, settings::AckMode, settings::Binding, settings::Source},
    session::{Settle, WorkerEvent},
};

impl LiveSession {
    pub(super) async fn change_binding(
        &mut self,
        binding: Binding,
        added: bool,
        events: &Events,
    ) -> Result<(), Ended> {
        let result = self.bind_live(&binding, added).await;
        let event = WorkerEvent::BindingChanged {
            binding,
            added,
            result,
        };
        if events.send(event).await {
            Ok(())
        } else {
            Err(Ended::ByUser)
        }
    }

    async fn bind_live(&mut self, binding: &Binding, added: bool) -> Result<(), String> {
        let routing = &self.settings.routing;
        if routing.source == Source::Queue {
            return Err("the queue belongs to someone else: consuming it leaves its bindings alone; declare or tap an exchange to choose bindings".into());
        }
        if routing.exchange.is_empty() {
            return Err("the default exchange routes by queue name; it takes no bindings".into());
        }
        // On a channel of its own: a refused binding (an exchange deleted meanwhile, bad
        // x-match arguments) closes its channel, and that must not be the consumer's.
        let channel = self
            .connection
            .create_channel()
            .await
            .map_err(|err| format!("could not open a channel: {}", describe(&err)))?;
        let done = source::bind(
            &channel,
            &self.consuming.queue,
            &routing.exchange,
            binding,
            added,
        )
        .await;
        source::close_throwaway(&channel).await;
        match done {
            Ok(()) => {}
            Err(source::BindError::Invalid(error)) => return Err(error.to_string()),
            Err(source::BindError::Broker(err)) => return Err(describe(&err)),
        }
        let bindings = &mut self.settings.routing.bindings;
        if added {
            if !bindings.contains(binding) {
                bindings.push(binding.clone());
            }
        } else {
            bindings.retain(|b| b != binding);
        }
        Ok(())
    }

    pub(super) async fn settle(
        &mut self,
        delivery_tag: u64,
        epoch: u64,
        settle: Settle,
    ) -> Result<(), String> {
        let routing = &self.settings.routing;
        match (routing.source, routing.ack) {
            (Source::Queue, AckMode::Manual) => {}
            (Source::Queue, AckMode::NoAck) => {
                return Err("consumed with no-ack: the broker forgot it when it sent it".into());
            }
            (Source::Queue, AckMode::Auto) => {
                return Err("taken in take mode: it was acked as it reached the UI".into());
            }
            (Source::Queue, AckMode::Peek) => {
                return Err("a peeked message is back in the queue already".into());
            }
            _ => {
                return Err("this session's own queue acks every message as it arrives".into());
            }
        }
        // Tags are per channel: another epoch's tag could name a different message here.
        if epoch != self.epoch {
            return Err(STALE_DELIVERY.into());
        }
        // Checked here rather than by the broker: an unknown or twice-settled tag makes
        // RabbitMQ close the channel (PRECONDITION_FAILED), requeueing everything on it.
        let acker = self.unsettled.remove(&delivery_tag).ok_or_else(|| {
            format!("delivery {delivery_tag} is not waiting to be settled (already settled?)")
        })?;
        let sent = match settle {
            Settle::Ack => acker.ack(Default::default()).await,
            Settle::Reject => acker.reject(BasicRejectOptions { requeue: false }).await,
            Settle::Requeue => acker.reject(BasicRejectOptions { requeue: true }).await,
        };
        match sent {
            Ok(true) => Ok(()),
            // lapin refuses once the channel is gone; the broker requeued it then.
            Ok(false) => Err(STALE_DELIVERY.into()),
            Err(err) => Err(describe(&err)),
        }
    }

    /// basic.get up to `max` messages, hand each to the UI, then requeue them all at
    /// once; RabbitMQ puts requeued messages back in their places, so the queue is left
    /// as it was (but for the redelivered flag).
    pub(super) async fn peek(&mut self, max: u32, events: &Events) -> Result<(), Ended> {
        let (count, result) = match self.peek_batch(max, events).await {
            Ok(count) => (count, Ok(())),
            Err(PeekError::Ended(ended)) => return Err(ended),
            Err(PeekError::Failed { count, reason }) => (count, Err(reason)),
        };
        if events.send(WorkerEvent::Peeked { count, result }).await {
            Ok(())
        } else {
            Err(Ended::ByUser)
        }
    }

    async fn peek_batch(&mut self, max: u32, events: &Events) -> Result<u32, PeekError> {
        let routing = &self.settings.routing;
        if (routing.source, routing.ack) != (Source::Queue, AckMode::Peek) {
            return Err(PeekError::Failed {
                count: 0,
                reason: "peeking is for an existing queue opened in peek mode".into(),
            });
        }
        // A failed get (the queue deleted meanwhile) leaves the channel closed.
        if !self.consuming.channel.status().connected() {
            self.reopen_consuming(events, None)
                .await
                .map_err(PeekError::Ended)?;
        }
        let channel = self.consuming.channel.clone();
        let queue =
            source::short("Queue", &self.consuming.queue).map_err(|e| PeekError::Failed {
                count: 0,
                reason: e.to_string(),
            })?;
        let mut count = 0u32;
        let mut last_tag = None;
        let mut problem = None;
        while count < max {
            match channel
                .basic_get(queue.clone(), BasicGetOptions { no_ack: false })
                .await
            {
                Ok(Some(got)) => {
                    last_tag = Some(got.delivery.delivery_tag);
                    count += 1;
                    let delivery = super::session::to_delivery(got.delivery, self.epoch, None);
                    if !events.send(WorkerEvent::Delivery(Box::new(delivery))).await {
                        return Err(PeekError::Ended(Ended::ByUser));
                    }
                }
                Ok(None) => break,
                Err(err) => {
                    problem = Some(describe(&err));
                    break;
                }
            }
        }
        if let Some(tag) = last_tag {
            let requeue = BasicNackOptions {
                multiple: true,
                requeue: true,
            };
            if let Err(err) = channel.basic_nack(tag, requeue).await {
                // A closed channel requeues them too: the broker does it for us.
                problem.get_or_insert(format!(
                    "{}; the broker requeues them when the channel closes",
                    describe(&err)
                ));
            }
        }
        match problem {
            None => Ok(count),
            Some(reason) => Err(PeekError::Failed { count, reason }),
        }
    }
}

enum PeekError {
    /// The UI is gone, or the connection with the channel.
    Ended(Ended),
    Failed {
        count: u32,
        reason: String,
    },
}
