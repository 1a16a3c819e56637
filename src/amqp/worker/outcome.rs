//! Summing up how the copies of one publish request fared, with confirms or without.

use lapin::{Confirmation, PublisherConfirm, message::BasicReturnMessage};

use lapin::{ErrorKind, protocol::AMQPErrorKind};

use crate::{amqp::error::describe, session::PublishOutcome};

/// Awaits every confirm and sums them up: the old single outcomes for one copy. Copies
/// never written because the channel closed under them (`problem`) share the fate of
/// those written: refused, in the broker's words, when the broker closed it refusing this
/// request; failed otherwise.
pub(super) async fn settle_confirms(
    exchange: &str,
    copies: u32,
    confirms: Vec<PublisherConfirm>,
    problem: Option<String>,
) -> PublishOutcome {
    let unwritten = copies - confirms.len() as u32;
    let mut tally = Tally::default();
    let mut single = None;
    for confirm in confirms {
        single = Some(tally.add(confirmed(confirm.await, exchange)));
    }
    if unwritten > 0 {
        match tally.refusal.clone() {
            Some(reason) => {
                tally.refused += unwritten;
                single = Some(PublishOutcome::Refused { reason });
            }
            None => {
                tally.failed += unwritten;
                tally.first_problem = tally.first_problem.or(problem);
            }
        }
    }
    if copies == 1 {
        return match (single, tally.first_problem) {
            (Some(outcome), _) => outcome,
            (None, reason) => PublishOutcome::Failed {
                reason: reason.unwrap_or_else(|| "the message was not sent".into()),
            },
        };
    }
    tally.copies()
}

/// Without confirms: one copy is `Sent`, `Unroutable` or `Failed`; more are `Copies`
/// counting `sent`, never `routed`, since the broker confirmed nothing.
pub(super) fn unconfirmed_outcome(
    copies: u32,
    written: u32,
    returned: Vec<BasicReturnMessage>,
    problem: Option<String>,
) -> PublishOutcome {
    let mut tally = Tally {
        failed: copies - written,
        first_problem: problem,
        ..Tally::default()
    };
    let mut single = None;
    for message in returned.iter().take(written as usize) {
        single = Some(tally.add(unroutable(message)));
    }
    let returns = tally.returned;
    for _ in returns..written {
        single = Some(tally.add(PublishOutcome::Sent));
    }
    if copies == 1 {
        return match (single, tally.first_problem) {
            (Some(outcome), _) => outcome,
            (None, reason) => PublishOutcome::Failed {
                reason: reason.unwrap_or_else(|| "the message was not sent".into()),
            },
        };
    }
    tally.copies()
}

fn confirmed(confirm: lapin::Result<Confirmation>, exchange: &str) -> PublishOutcome {
    match confirm {
        Ok(Confirmation::Ack(None) | Confirmation::NotRequested) => PublishOutcome::Routed,
        Ok(Confirmation::Ack(Some(returned))) => unroutable(&returned),
        Ok(Confirmation::Nack(_)) => PublishOutcome::Nacked,
        Err(err) => match publish_refusal(&err, exchange) {
            Some(reason) => PublishOutcome::Refused { reason },
            None => PublishOutcome::Failed {
                reason: format!(
                    "{}: the channel closed before the broker confirmed it, so it may or may not be in a queue",
                    describe(&err)
                ),
            },
        },
    }
}

/// The broker's refusal of a publish to `exchange`, in its own words: it closed the
/// channel with a soft error (404 NOT_FOUND, 403 ACCESS_REFUSED) that names the exchange.
/// The broker took nothing of it. Publishes to other exchanges caught in the same close
/// were not refused, only lost with the channel: their error names another exchange.
pub(super) fn publish_refusal(err: &lapin::Error, exchange: &str) -> Option<String> {
    let ErrorKind::ProtocolError(amqp) = err.kind() else {
        return None;
    };
    if !matches!(amqp.kind(), AMQPErrorKind::Soft(_)) {
        return None;
    }
    // RabbitMQ names the default exchange so in its replies.
    let name = if exchange.is_empty() {
        "amq.default"
    } else {
        exchange
    };
    let text = amqp.get_message().to_string();
    text.contains(&format!("exchange '{name}'")).then_some(text)
}

fn unroutable(returned: &BasicReturnMessage) -> PublishOutcome {
    PublishOutcome::Unroutable {
        reply_code: returned.reply_code,
        reply_text: returned.reply_text.to_string(),
        exchange: returned.delivery.exchange.to_string(),
        routing_key: returned.delivery.routing_key.to_string(),
    }
}

#[derive(Default)]
struct Tally {
    routed: u32,
    sent: u32,
    returned: u32,
    nacked: u32,
    refused: u32,
    failed: u32,
    first_problem: Option<String>,
    /// The broker's words when it refused one of the copies.
    refusal: Option<String>,
}

impl Tally {
    /// Counts one copy's outcome and hands it back, for a single publish.
    fn add(&mut self, outcome: PublishOutcome) -> PublishOutcome {
        let problem = match &outcome {
            PublishOutcome::Routed | PublishOutcome::Copies { .. } => {
                self.routed += 1;
                None
            }
            PublishOutcome::Sent => {
                self.sent += 1;
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
            PublishOutcome::Refused { reason } => {
                self.refused += 1;
                self.refusal.get_or_insert_with(|| reason.clone());
                Some(format!("refused by the broker: {reason}"))
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

    fn copies(self) -> PublishOutcome {
        PublishOutcome::Copies {
            routed: self.routed,
            sent: self.sent,
            returned: self.returned,
            nacked: self.nacked,
            refused: self.refused,
            failed: self.failed,
            first_problem: self.first_problem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lapin::protocol::{AMQPHardError, AMQPSoftError};

    #[test]
    fn without_confirms_copies_count_as_sent_and_a_failure_is_named() {
        let outcome = unconfirmed_outcome(5, 3, Vec::new(), Some("channel closed".into()));
        assert_eq!(
            outcome,
            PublishOutcome::Copies {
                routed: 0,
                sent: 3,
                returned: 0,
                nacked: 0,
                refused: 0,
                failed: 2,
                first_problem: Some("channel closed".into()),
            }
        );
        assert_eq!(
            unconfirmed_outcome(1, 1, Vec::new(), None),
            PublishOutcome::Sent
        );
        assert!(matches!(
            unconfirmed_outcome(1, 0, Vec::new(), Some("no channel".into())),
            PublishOutcome::Failed { reason } if reason == "no channel"
        ));
    }

    #[test]
    fn a_refusal_naming_the_publishs_exchange_is_the_brokers_no_to_it() {
        let closed = |kind, text: &str| {
            let amqp = lapin::protocol::AMQPError::new(kind, text.into());
            lapin::Error::from(ErrorKind::ProtocolError(amqp))
        };
        let not_found = closed(
            AMQPErrorKind::Soft(AMQPSoftError::NOTFOUND),
            "NOT_FOUND - no exchange 'x' in vhost '/'",
        );
        assert_eq!(
            publish_refusal(&not_found, "x").as_deref(),
            Some("NOT_FOUND - no exchange 'x' in vhost '/'")
        );
        assert_eq!(
            publish_refusal(&not_found, "y"),
            None,
            "caught in another's close"
        );
        let forced = closed(
            AMQPErrorKind::Hard(AMQPHardError::CONNECTIONFORCED),
            "CONNECTION_FORCED - exchange 'x' is going away",
        );
        assert_eq!(publish_refusal(&forced, "x"), None, "a closed connection");
    }
}
