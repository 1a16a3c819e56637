//! Publishing on channels of its own, mandatory so unroutable messages come back: one
//! with publisher confirms, one without for requests that do not want to wait for them.
//! One request may ask for many copies, reported as one outcome.

use futures_util::StreamExt;
use lapin::{
    BasicProperties, Channel,
    message::BasicReturnMessage,
    options::{BasicPublishOptions, BasicQosOptions, ConfirmSelectOptions},
    types::ShortString,
};

use super::{
    outcome::{settle_confirms, unconfirmed_outcome},
    session::LiveSession,
    source::short,
};
use crate::{
    amqp::error::describe,
    session::{
        PublishRequest, Table, Value, WorkerEvent,
        worker::{Events, published},
    },
};

/// Publishes written ahead of the one the loop waits for.
const PUBLISH_WINDOW: usize = 64;

impl LiveSession {
    /// Hands `request` back, untouched, when the connection is already gone: it then
    /// waits for the next one instead of failing.
    pub(super) async fn publish(
        &mut self,
        request: PublishRequest,
        events: &Events,
    ) -> Option<PublishRequest> {
        if !self.connection.status().connected() {
            return Some(request);
        }
        let copies = request.copies.max(1);
        let mut confirms = Vec::with_capacity(copies.min(1024) as usize);
        let mut written = 0u32;
        let mut returned = Vec::new();
        let mut problem = None;
        match self.prepare(&request, events).await {
            Ok(ready) => {
                // Pipelined: a window of publishes is in flight at once, each future
                // resolving once its frames are written, so the loop does not wait for
                // lapin's I/O thread between messages; `buffered` keeps them in order.
                // The confirms are awaited together below.
                let publishes = futures_util::stream::iter(0..copies).map(|_| {
                    ready.channel.basic_publish(
                        ready.exchange.clone(),
                        ready.key.clone(),
                        ready.options,
                        &request.body,
                        ready.properties.clone(),
                    )
                });
                let mut publishes = publishes.buffered(PUBLISH_WINDOW);
                while let Some(sent) = publishes.next().await {
                    match sent {
                        Ok(confirm) if request.confirm => confirms.push(confirm),
                        // Not in confirm mode: it resolves at once, to NotRequested.
                        Ok(_) => written += 1,
                        Err(err) => {
                            problem = Some(describe(&err));
                            break;
                        }
                    }
                }
                drop(publishes);
                if !request.confirm && written > 0 {
                    match returns_so_far(&ready.channel).await {
                        Ok(messages) => returned = messages,
                        Err(err) => {
                            problem.get_or_insert(format!(
                                "sent, but could not learn whether the broker returned any: {}",
                                describe(&err)
                            ));
                        }
                    }
                }
            }
            Err(reason) => problem = Some(reason),
        }
        if written == 0 && confirms.is_empty() && !self.connection.status().connected() {
            return Some(request);
        }
        if !request.confirm {
            let outcome = unconfirmed_outcome(copies, written, returned, problem);
            // The UI may be gone by now: nobody is left to tell.
            let _ = events.send(published(&request, outcome)).await;
            return None;
        }
        // Waiting for the confirms must not hold up consuming.
        let events = events.clone();
        tokio::spawn(async move {
            let outcome = settle_confirms(&request.exchange, copies, confirms, problem).await;
            // The UI may be gone by now: nobody is left to tell.
            let _ = events.send(published(&request, outcome)).await;
        });
        None
    }

    async fn prepare(
        &mut self,
        request: &PublishRequest,
        events: &Events,
    ) -> Result<Ready, String> {
        let exchange = short("Exchange", &request.exchange).map_err(|e| e.to_string())?;
        let key = short("Routing key", &request.routing_key).map_err(|e| e.to_string())?;
        if let Some(headers) = &request.properties.headers {
            check_headers(headers, "")?;
        }
        let properties = request.properties.to_amqp()?;
        let channel = self.publish_channel(request.confirm, events).await?;
        Ok(Ready {
            channel,
            exchange,
            key,
            options: BasicPublishOptions {
                mandatory: true,
                ..BasicPublishOptions::default()
            },
            properties,
        })
    }

    async fn publish_channel(&mut self, confirm: bool, events: &Events) -> Result<Channel, String> {
        let slot = if confirm {
            &self.publish_channel
        } else {
            &self.unconfirmed_channel
        };
        if let Some(channel) = slot {
            if channel.status().connected() {
                return Ok(channel.clone());
            }
            events
                .send(WorkerEvent::Notice(
                    "The broker closed the publish channel; reopened it.".into(),
                ))
                .await;
        }
        let channel = self
            .connection
            .create_channel()
            .await
            .map_err(|err| format!("could not open a channel: {}", describe(&err)))?;
        if confirm {
            channel
                .confirm_select(ConfirmSelectOptions::default())
                .await
                .map_err(|err| {
                    format!("could not enable publisher confirms: {}", describe(&err))
                })?;
            self.publish_channel = Some(channel.clone());
        } else {
            self.unconfirmed_channel = Some(channel.clone());
        }
        Ok(channel)
    }
}

/// The mandatory returns for everything published so far on a channel without confirm
/// mode. RabbitMQ sends a return while it routes the publish, before it answers any later
/// request on that channel; so once a basic.qos (harmless: nothing consumes there) is
/// answered, every return is in. lapin keeps them until `wait_for_confirms` drains them.
async fn returns_so_far(channel: &Channel) -> lapin::Result<Vec<BasicReturnMessage>> {
    channel.basic_qos(0, BasicQosOptions::default()).await?;
    channel.wait_for_confirms().await
}

struct Ready {
    channel: Channel,
    exchange: ShortString,
    key: ShortString,
    options: BasicPublishOptions,
    properties: BasicProperties,
}

/// Header values RabbitMQ cannot parse. It closes the whole connection on them
/// (541 INTERNAL_ERROR, seen with 3.10), so they are refused before anything is sent:
/// lapin writes a short string with type tag '_', which AMQP tables do not have, and
/// Erlang has no NaN or infinity to read a non-finite float into.
fn check_headers(table: &Table, path: &str) -> Result<(), String> {
    for (name, value) in table {
        check_value(value, &format!("{path}{name}"))?;
    }
    Ok(())
}

fn check_value(value: &Value, at: &str) -> Result<(), String> {
    let refuse = |what: &str| {
        Err(format!(
            "header '{}' is {what}, which RabbitMQ cannot read (it would close the connection); the message was not sent",
            crate::text::visible(at)
        ))
    };
    match value {
        Value::ShortString(_) => refuse("a short string (send it as a long string)"),
        Value::F32Bits(bits) if !f32::from_bits(*bits).is_finite() => {
            refuse("a NaN or infinite float")
        }
        Value::F64Bits(bits) if !f64::from_bits(*bits).is_finite() => {
            refuse("a NaN or infinite float")
        }
        Value::Table(table) => check_headers(table, &format!("{at}.")),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check_value(item, &format!("{at}[{i}]"))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_rabbitmq_cannot_parse_are_refused_wherever_they_nest() {
        let nested = vec![(
            "outer".to_string(),
            Value::Table(vec![(
                "list".to_string(),
                Value::Array(vec![Value::I32(1), Value::F64Bits(f64::NAN.to_bits())]),
            )]),
        )];
        let err = check_headers(&nested, "").expect_err("NaN");
        assert!(err.contains("'outer.list[1]'"), "{err}");
        let short = vec![("s".to_string(), Value::ShortString("x".into()))];
        assert!(check_headers(&short, "").is_err());
        let fine = vec![
            ("f".to_string(), Value::F32Bits(1.5f32.to_bits())),
            ("s".to_string(), Value::LongString(b"x".to_vec())),
        ];
        assert_eq!(check_headers(&fine, ""), Ok(()));
    }
}
