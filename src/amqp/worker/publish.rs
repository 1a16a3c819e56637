//! Publishing on a confirm channel of its own (mandatory, so unroutable messages come
//! back): one request may ask for many copies, reported as one outcome.

use lapin::{
    BasicProperties, Channel, Confirmation, PublisherConfirm,
    options::{BasicPublishOptions, ConfirmSelectOptions},
    types::ShortString,
};

use super::{Events, published, session::LiveSession, source::short};
use crate::amqp::{
    AmqpEvent, PublishOutcome, PublishRequest,
    error::describe,
    message::{Table, Value},
};

impl LiveSession {
    pub(super) async fn publish(&mut self, request: PublishRequest, events: &Events) {
        let copies = request.copies.max(1);
        let mut confirms = Vec::with_capacity(copies.min(1024) as usize);
        let mut problem = None;
        match self.prepare(&request, events).await {
            Ok(ready) => {
                // Pipelined: each call returns once its frames are written, and the
                // confirms are awaited together below.
                for _ in 0..copies {
                    let sent = ready
                        .channel
                        .basic_publish(
                            ready.exchange.clone(),
                            ready.key.clone(),
                            ready.options,
                            &request.body,
                            ready.properties.clone(),
                        )
                        .await;
                    match sent {
                        Ok(confirm) => confirms.push(confirm),
                        Err(err) => {
                            problem = Some(describe(&err));
                            break;
                        }
                    }
                }
            }
            Err(reason) => problem = Some(reason),
        }
        // Waiting for the confirms must not hold up consuming.
        let events = events.clone();
        tokio::spawn(async move {
            let outcome = settle_confirms(copies, confirms, problem).await;
            // The UI may be gone by now: nobody is left to tell.
            let _ = events.send(published(&request, outcome)).await;
        });
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
        let channel = self.publish_channel(events).await?;
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

    async fn publish_channel(&mut self, events: &Events) -> Result<Channel, String> {
        if let Some(channel) = &self.publish_channel {
            if channel.status().connected() {
                return Ok(channel.clone());
            }
            events
                .send(AmqpEvent::Notice(
                    "The broker closed the publish channel; reopened it.".into(),
                ))
                .await;
        }
        let channel = self
            .connection
            .create_channel()
            .await
            .map_err(|err| format!("could not open a channel: {}", describe(&err)))?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .map_err(|err| format!("could not enable publisher confirms: {}", describe(&err)))?;
        self.publish_channel = Some(channel.clone());
        Ok(channel)
    }
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

/// Awaits every confirm and sums them up: the old single outcomes for one copy.
async fn settle_confirms(
    copies: u32,
    confirms: Vec<PublisherConfirm>,
    problem: Option<String>,
) -> PublishOutcome {
    let sent = confirms.len() as u32;
    let mut tally = Tally {
        failed: copies - sent,
        first_problem: problem,
        ..Tally::default()
    };
    let mut single = None;
    for confirm in confirms {
        single = Some(tally.add(confirm.await));
    }
    if copies == 1 {
        return match (single, tally.first_problem) {
            (Some(outcome), _) => outcome,
            (None, reason) => PublishOutcome::Failed {
                reason: reason.unwrap_or_else(|| "the message was not sent".into()),
            },
        };
    }
    PublishOutcome::Copies {
        routed: tally.routed,
        returned: tally.returned,
        nacked: tally.nacked,
        failed: tally.failed,
        first_problem: tally.first_problem,
    }
}

#[derive(Default)]
struct Tally {
    routed: u32,
    returned: u32,
    nacked: u32,
    failed: u32,
    first_problem: Option<String>,
}

impl Tally {
    /// Counts one confirm and returns it as a single publish's outcome.
    fn add(&mut self, confirm: lapin::Result<Confirmation>) -> PublishOutcome {
        let outcome = match confirm {
            Ok(Confirmation::Ack(None) | Confirmation::NotRequested) => PublishOutcome::Routed,
            Ok(Confirmation::Ack(Some(returned))) => PublishOutcome::Unroutable {
                reply_code: returned.reply_code,
                reply_text: returned.reply_text.to_string(),
                exchange: returned.delivery.exchange.to_string(),
                routing_key: returned.delivery.routing_key.to_string(),
            },
            Ok(Confirmation::Nack(_)) => PublishOutcome::Nacked,
            Err(err) => PublishOutcome::Failed {
                reason: format!("{}; the publish channel will be reopened", describe(&err)),
            },
        };
        let problem = match &outcome {
            PublishOutcome::Routed | PublishOutcome::Copies { .. } => {
                self.routed += 1;
                None
            }
            PublishOutcome::Unroutable {
                reply_code,
                reply_text,
                exchange,
                routing_key,
            } => {
                self.returned += 1;
                Some(format!(
                    "unroutable: {reply_text} ({reply_code}), exchange '{exchange}', key '{routing_key}'"
                ))
            }
            PublishOutcome::Nacked => {
                self.nacked += 1;
                Some("the broker nacked it".to_string())
            }
            PublishOutcome::Failed { reason } => {
                self.failed += 1;
                Some(reason.clone())
            }
        };
        if self.first_problem.is_none() {
            self.first_problem = problem;
        }
        outcome
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
