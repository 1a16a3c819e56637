//! A bulk send (every shown message replayed, every unconfirmed one resent): thousands of
//! publishes reported once, with their true counts, when the last outcome is in, rather
//! than a notice per message whose last word would read as if all went well.

use std::ops::Range;

use super::{Level, compose::Tally};
use crate::session::PublishOutcome;

#[derive(Clone, Debug)]
pub struct Bulk {
    /// What the summary starts with: "Replayed 5000 messages to …".
    what: String,
    /// The publish ids it was given, one per request.
    ids: Range<u64>,
    outstanding: u64,
    tally: Tally,
    first_problem: Option<String>,
}

/// What one publish's outcome meant for the bulk sends.
#[derive(Debug, PartialEq, Eq)]
pub enum BulkReport {
    /// It was sent on its own: it gets its own notice.
    Single,
    /// Counted in a bulk send that still waits for other outcomes.
    Counted,
    /// The last of a bulk send: the summary of them all.
    Done(Level, String),
}

impl Bulk {
    pub fn new(what: String, ids: Range<u64>) -> Self {
        Self {
            what,
            outstanding: ids.end.saturating_sub(ids.start),
            ids,
            tally: Tally::default(),
            first_problem: None,
        }
    }

    fn summary(&self) -> (Level, String) {
        let t = &self.tally;
        let sent = match t.sent {
            0 => String::new(),
            n => format!("{n} sent without confirms, "),
        };
        let first = self
            .first_problem
            .as_ref()
            .map(|p| format!(" First problem: {}.", p.trim_end_matches('.')))
            .unwrap_or_default();
        // Not a number: past its bound the compose box lets the oldest go, and its title
        // counts what it keeps and what it let go.
        let resend = if t.nacked + t.failed > 0 {
            " Ctrl-R in the compose box sends the unconfirmed ones again."
        } else {
            ""
        };
        let level = if t.returned + t.nacked + t.refused + t.failed == 0 {
            Level::Success
        } else {
            Level::Error
        };
        let text = format!(
            "{}: {sent}{} acked, {} returned (unroutable), {} nacked, {} refused, {} failed.{first}{resend}",
            self.what, t.acked, t.returned, t.nacked, t.refused, t.failed
        );
        (level, text)
    }
}

/// Counts publish `id`'s outcome in the bulk send it belongs to, if any.
pub fn report(bulks: &mut Vec<Bulk>, id: u64, outcome: &PublishOutcome) -> BulkReport {
    let Some(index) = bulks.iter().position(|b| b.ids.contains(&id)) else {
        return BulkReport::Single;
    };
    let bulk = &mut bulks[index];
    bulk.tally.add(outcome);
    if bulk.first_problem.is_none() {
        bulk.first_problem = problem(outcome);
    }
    bulk.outstanding = bulk.outstanding.saturating_sub(1);
    if bulk.outstanding > 0 {
        return BulkReport::Counted;
    }
    let (level, text) = bulks.remove(index).summary();
    BulkReport::Done(level, text)
}

/// What went wrong with a publish, in a few words; `None` when nothing did.
fn problem(outcome: &PublishOutcome) -> Option<String> {
    match outcome {
        PublishOutcome::Routed | PublishOutcome::Sent => None,
        PublishOutcome::Unroutable {
            reply_code,
            reply_text,
            exchange,
            routing_key,
        } => Some(format!(
            "unroutable: {reply_text} ({reply_code}), exchange '{exchange}', key '{routing_key}'"
        )),
        PublishOutcome::Nacked => Some("the broker nacked it".into()),
        PublishOutcome::Refused { reason } => Some(format!("refused by the broker: {reason}")),
        PublishOutcome::Failed { reason } => Some(reason.clone()),
        PublishOutcome::Copies { first_problem, .. } => first_problem.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_outcome_of_a_bulk_send_sums_them_all_up() {
        let mut bulks = vec![Bulk::new("Replayed 3 messages".into(), 10..13)];
        assert_eq!(
            report(&mut bulks, 9, &PublishOutcome::Routed),
            BulkReport::Single
        );
        assert_eq!(
            report(&mut bulks, 11, &PublishOutcome::Routed),
            BulkReport::Counted
        );
        let failed = PublishOutcome::Failed {
            reason: "connection reset".into(),
        };
        assert_eq!(report(&mut bulks, 10, &failed), BulkReport::Counted);
        let BulkReport::Done(level, text) = report(&mut bulks, 12, &PublishOutcome::Routed) else {
            panic!("the third of three ends it");
        };
        assert_eq!(level, Level::Error);
        assert_eq!(
            text,
            "Replayed 3 messages: 2 acked, 0 returned (unroutable), 0 nacked, 0 refused, 1 failed. First problem: connection reset. Ctrl-R in the compose box sends the unconfirmed ones again."
        );
        assert!(bulks.is_empty());
    }
}
