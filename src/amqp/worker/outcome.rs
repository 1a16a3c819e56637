//! Summing up how the copies of one publish request fared, with confirms or without.

use lapin::{Confirmation, PublisherConfirm, message::BasicReturnMessage};

use crate::amqp::{PublishOutcome, error::describe};

/// Awaits every confirm and sums them up: the old single outcomes for one copy.
pub(super) async fn settle_confirms(
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
        single = Some(tally.add(confirmed(confirm.await)));
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

fn confirmed(confirm: lapin::Result<Confirmation>) -> PublishOutcome {
    match confirm {
        Ok(Confirmation::Ack(None) | Confirmation::NotRequested) => PublishOutcome::Routed,
        Ok(Confirmation::Ack(Some(returned))) => unroutable(&returned),
        Ok(Confirmation::Nack(_)) => PublishOutcome::Nacked,
        Err(err) => PublishOutcome::Failed {
            reason: format!(
                "{}: the channel closed before the broker confirmed it, so it may or may not be in a queue",
                describe(&err)
            ),
        },
    }
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
    failed: u32,
    first_problem: Option<String>,
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
            failed: self.failed,
            first_problem: self.first_problem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
