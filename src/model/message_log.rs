//! The deliveries a session has seen: a bounded ring with a scroll position that follows
//! the tail until the user scrolls away from it.

use std::collections::VecDeque;

use super::filter::Filter;
use crate::{
    mqtt::topic,
    session::{Message, MessagePart, Settle},
    text,
};

pub const DEFAULT_CAPACITY: usize = 10_000;
/// Bodies kept for the pane, in bytes: a few huge messages must not exhaust memory.
pub const DEFAULT_BYTE_BUDGET: usize = 32 * 1024 * 1024;

/// A delivery as the pane keeps it. Its display strings are worked out only for the
/// rows on screen: a flood fills the ring far faster than anyone can read it.
#[derive(Clone, Debug)]
pub struct LogEntry {
    pub delivery: Box<Message>,
    /// How the user settled it (manual acks), once the broker confirmed.
    pub settled: Option<Settle>,
}

impl LogEntry {
    pub fn new(delivery: Box<Message>) -> Self {
        Self {
            delivery,
            settled: None,
        }
    }

    pub fn time(&self) -> String {
        self.delivery.received_at.format("%H:%M:%S%.3f").to_string()
    }

    pub fn exchange(&self) -> String {
        if self.delivery.exchange.is_empty() {
            "(default)".into()
        } else {
            text::visible(&self.delivery.exchange)
        }
    }

    pub fn routing_key(&self) -> String {
        text::visible(&self.delivery.routing_key)
    }

    pub fn size(&self) -> String {
        text::human_size(self.delivery.body.len())
    }

    pub fn preview(&self) -> String {
        text::body_preview(&self.delivery.body)
    }

    /// The MQTT topic, safe to draw: the one it was published to, or for an AMQP message
    /// the topic an MQTT subscriber would receive its routing key as.
    pub fn topic(&self) -> String {
        match &self.delivery.part {
            MessagePart::Mqtt(facts) => text::visible(&facts.topic),
            MessagePart::Amqp | MessagePart::Stomp(_) => {
                text::visible(&topic::from_routing_key(&self.delivery.routing_key))
            }
        }
    }

    /// The STOMP destination, safe to draw: the header the broker wrote, or for a message
    /// of another protocol the destination a STOMP client would send it to.
    pub fn destination(&self) -> String {
        let d = &self.delivery;
        match &d.part {
            MessagePart::Stomp(facts) => text::visible(&facts.destination),
            MessagePart::Amqp | MessagePart::Mqtt(_) => text::visible(
                &crate::stomp::Destination::for_routing(&d.exchange, &d.routing_key).to_string(),
            ),
        }
    }

    /// The STOMP subscription it came through (`sub-0`), or the protocol that delivered it.
    pub fn subscription(&self) -> String {
        match &self.delivery.part {
            MessagePart::Stomp(facts) => text::visible(&facts.subscription),
            _ => self.delivery.protocol().label().into(),
        }
    }

    /// QoS and flags in a few columns, `q1 R D` (retained, duplicate); `AMQP` for a
    /// message that came by AMQP and has neither.
    pub fn mqtt_flags(&self) -> String {
        match &self.delivery.part {
            MessagePart::Mqtt(facts) => {
                let mut flags = format!("q{}", facts.qos);
                if facts.retain {
                    flags.push_str(" R");
                }
                if facts.dup {
                    flags.push_str(" D");
                }
                flags
            }
            MessagePart::Amqp => "AMQP".into(),
            MessagePart::Stomp(_) => "STOMP".into(),
        }
    }
}

/// How much of the past each tab's pane keeps: whichever bound is reached first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct History {
    pub messages: usize,
    pub bytes: usize,
}

impl Default for History {
    fn default() -> Self {
        Self {
            messages: DEFAULT_CAPACITY,
            bytes: DEFAULT_BYTE_BUDGET,
        }
    }
}

#[derive(Clone, Debug)]
pub struct MessageLog {
    entries: VecDeque<LogEntry>,
    /// Sequence number of `entries[0]`; entry `i` has `first_seq + i`.
    first_seq: u64,
    capacity: usize,
    byte_budget: usize,
    bytes: usize,
    /// Deliveries pushed out of the ring to keep memory bounded.
    pub dropped: u64,
    /// Sequence numbers of the entries the filter lets through, oldest first.
    shown: Option<(Filter, VecDeque<u64>)>,
    /// Rows between the bottom of the view and the newest shown entry; 0 at the tail.
    offset: usize,
    /// The live tail is paused: arrivals are kept but the view does not move.
    paused: bool,
    /// The entry the cursor is on, by sequence number.
    selected: Option<u64>,
}

impl Default for MessageLog {
    fn default() -> Self {
        Self::with_limits(DEFAULT_CAPACITY, DEFAULT_BYTE_BUDGET)
    }
}

impl MessageLog {
    pub fn with_limits(capacity: usize, byte_budget: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            first_seq: 0,
            capacity: capacity.max(1),
            byte_budget,
            bytes: 0,
            dropped: 0,
            shown: None,
            offset: 0,
            paused: false,
            selected: None,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries the filter lets through (all of them without a filter).
    pub fn shown_len(&self) -> usize {
        match &self.shown {
            Some((_, seqs)) => seqs.len(),
            None => self.entries.len(),
        }
    }

    pub fn following(&self) -> bool {
        self.offset == 0 && !self.paused
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    pub fn filter(&self) -> Option<&Filter> {
        self.shown.as_ref().map(|(filter, _)| filter)
    }

    pub fn push(&mut self, delivery: Box<Message>) {
        let size = delivery.body.len();
        // The newest entry is always kept, even when it alone exceeds the budget.
        while !self.entries.is_empty()
            && (self.entries.len() >= self.capacity || self.bytes + size > self.byte_budget)
        {
            self.pop_oldest();
        }
        self.bytes += size;
        let seq = self.first_seq + self.entries.len() as u64;
        let passes = match &mut self.shown {
            Some((filter, seqs)) => {
                let passes = filter.matches(&delivery);
                if passes {
                    seqs.push_back(seq);
                }
                passes
            }
            None => true,
        };
        self.entries.push_back(LogEntry::new(delivery));
        // Keep the rows the user is reading in place while new ones arrive below.
        if passes && !self.following() {
            self.offset = (self.offset + 1).min(self.shown_len().saturating_sub(1));
        }
    }

    fn pop_oldest(&mut self) {
        if let Some(old) = self.entries.pop_front() {
            self.bytes -= old.delivery.body.len();
            self.dropped += 1;
            if let Some((_, seqs)) = &mut self.shown
                && seqs.front() == Some(&self.first_seq)
            {
                seqs.pop_front();
            }
            if self.selected == Some(self.first_seq) {
                self.selected = None;
            }
            self.first_seq += 1;
        }
        self.offset = self.offset.min(self.shown_len().saturating_sub(1));
    }

    /// Records a settle the broker carried out, on the entry it was for.
    pub fn mark_settled(&mut self, delivery_tag: u64, epoch: u64, settle: Settle) {
        if let Some(entry) = self.entries.iter_mut().rev().find(|e| {
            e.delivery.delivery_tag == delivery_tag
                && e.delivery.epoch == epoch
                && e.delivery.can_settle()
        }) {
            entry.settled = Some(settle);
        }
    }

    /// Deliveries of the current consumer not yet acked, rejected or requeued (manual
    /// acks): what ending the session hands back to the queue. Older epochs were
    /// requeued by the broker when their channel went.
    pub fn unsettled(&self) -> usize {
        let current = self
            .entries
            .iter()
            .filter(|e| e.delivery.can_settle())
            .map(|e| e.delivery.epoch)
            .max();
        self.entries
            .iter()
            .filter(|e| {
                e.delivery.can_settle() && e.settled.is_none() && Some(e.delivery.epoch) == current
            })
            .count()
    }

    pub fn clear(&mut self) {
        self.first_seq += self.entries.len() as u64;
        self.entries.clear();
        if let Some((_, seqs)) = &mut self.shown {
            seqs.clear();
        }
        self.bytes = 0;
        self.offset = 0;
        self.selected = None;
    }

    /// Sets or (with `None`) clears the filter, and goes back to the newest match.
    pub fn set_filter(&mut self, filter: Option<Filter>) {
        self.shown = filter.map(|filter| {
            let seqs = self
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| filter.matches(&e.delivery))
                .map(|(i, _)| self.first_seq + i as u64)
                .collect();
            (filter, seqs)
        });
        self.offset = 0;
        if self
            .selected
            .is_some_and(|seq| self.shown_index(seq).is_none())
        {
            self.selected = None;
        }
    }

    pub fn toggle_pause(&mut self) {
        self.paused = !self.paused;
        if !self.paused {
            self.follow_tail();
        }
    }

    /// Positive scrolls back in time.
    pub fn scroll_by(&mut self, rows: isize, page: usize) {
        let max = self.shown_len().saturating_sub(page.max(1));
        self.offset = self.offset.saturating_add_signed(rows).min(max);
    }

    /// Home: the view and the cursor go to the oldest shown entry, so what Enter opens
    /// is the row the user sees marked.
    pub fn scroll_to_oldest(&mut self, page: usize) {
        self.offset = self.shown_len().saturating_sub(page.max(1));
        self.selected = self.shown_seq(0);
    }

    /// Back to the newest message, live: ends a pause and drops the cursor.
    pub fn follow_tail(&mut self) {
        self.offset = 0;
        self.paused = false;
        self.selected = None;
    }

    /// Moves the cursor `step` shown entries (negative: older), starting from the newest
    /// row in view, and scrolls so it stays in view. Moving the cursor holds the view.
    pub fn select_by(&mut self, step: isize, page: usize) {
        let n = self.shown_len();
        if n == 0 {
            return;
        }
        let bottom = n - 1 - self.offset.min(n - 1);
        let next = match self.selected.and_then(|seq| self.shown_index(seq)) {
            Some(current) => current.saturating_add_signed(step).min(n - 1),
            // A first single step picks the newest row in view; a page moves from there.
            None if step.unsigned_abs() <= 1 => bottom,
            None => bottom.saturating_add_signed(step).min(n - 1),
        };
        self.selected = self.shown_seq(next);
        // In view: rows [bottom - page + 1, bottom]. A page step moves the view by a page
        // too; a smaller one only when the cursor would leave it.
        let page = page.max(1);
        let mut bottom = if step.unsigned_abs() >= page {
            bottom
                .saturating_add_signed(step)
                .clamp((page - 1).min(n - 1), n - 1)
        } else {
            bottom
        };
        if next > bottom {
            bottom = next;
        } else if next + page <= bottom {
            bottom = next + page - 1;
        }
        self.offset = n - 1 - bottom;
        self.paused = self.paused || self.offset == 0;
    }

    /// The sequence number the next delivery pushed gets: what names it to the crossings.
    pub fn next_seq(&self) -> u64 {
        self.first_seq + self.entries.len() as u64
    }

    /// The sequence number of the cursor's entry, while the ring keeps it.
    pub fn selected_seq(&self) -> Option<u64> {
        self.selected().and(self.selected)
    }

    pub fn selected(&self) -> Option<&LogEntry> {
        let seq = self.selected?;
        let index = usize::try_from(seq.checked_sub(self.first_seq)?).ok()?;
        self.entries.get(index)
    }

    /// The entries that fit in `rows`, oldest first, each with whether it has the cursor.
    pub fn visible(&self, rows: usize) -> impl Iterator<Item = (&LogEntry, bool)> {
        let n = self.shown_len();
        // A view held while the ring drops its oldest rows shows the oldest full page
        // left, not a shrinking sliver of it.
        let end = (n - self.offset.min(n)).max(rows.min(n));
        let start = end.saturating_sub(rows);
        (start..end).filter_map(move |i| {
            let seq = self.shown_seq(i)?;
            let entry = self
                .entries
                .get(usize::try_from(seq - self.first_seq).ok()?)?;
            Some((entry, self.selected == Some(seq)))
        })
    }

    /// Every shown entry, oldest first: what "export the pane" writes.
    pub fn shown_entries(&self) -> impl Iterator<Item = &LogEntry> {
        (0..self.shown_len()).filter_map(|i| {
            let seq = self.shown_seq(i)?;
            self.entries
                .get(usize::try_from(seq - self.first_seq).ok()?)
        })
    }

    /// The pane title's `n` of `n/N`, counted from 1: the cursor's entry, or the newest
    /// in view when there is no cursor.
    pub fn position(&self) -> usize {
        match self.selected.and_then(|seq| self.shown_index(seq)) {
            Some(index) => index + 1,
            None => self.shown_len() - self.offset.min(self.shown_len()),
        }
    }

    fn shown_seq(&self, index: usize) -> Option<u64> {
        match &self.shown {
            Some((_, seqs)) => seqs.get(index).copied(),
            None => (index < self.entries.len()).then(|| self.first_seq + index as u64),
        }
    }

    fn shown_index(&self, seq: u64) -> Option<usize> {
        match &self.shown {
            Some((_, seqs)) => seqs.binary_search(&seq).ok(),
            None => {
                let i = usize::try_from(seq.checked_sub(self.first_seq)?).ok()?;
                (i < self.entries.len()).then_some(i)
            }
        }
    }
}

#[cfg(test)]
#[path = "message_log_tests.rs"]
mod tests;
