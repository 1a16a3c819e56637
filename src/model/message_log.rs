//! The deliveries a session has seen: a bounded ring with a scroll position that follows
//! the tail until the user scrolls away from it.

use std::collections::VecDeque;

use crate::{amqp::Delivery, text};

pub const DEFAULT_CAPACITY: usize = 10_000;
/// Bodies kept for the pane, in bytes: a few huge messages must not exhaust memory.
pub const DEFAULT_BYTE_BUDGET: usize = 32 * 1024 * 1024;

/// A delivery with its display strings worked out once, on arrival, instead of every frame.
#[derive(Clone, Debug)]
pub struct LogEntry {
    pub delivery: Box<Delivery>,
    pub time: String,
    pub exchange: String,
    pub routing_key: String,
    pub size: String,
    pub preview: String,
}

impl LogEntry {
    pub fn new(delivery: Box<Delivery>) -> Self {
        Self {
            time: delivery.received_at.format("%H:%M:%S%.3f").to_string(),
            exchange: if delivery.exchange.is_empty() {
                "(default)".into()
            } else {
                text::visible(&delivery.exchange)
            },
            routing_key: text::visible(&delivery.routing_key),
            size: text::human_size(delivery.body.len()),
            preview: text::body_preview(&delivery.body),
            delivery,
        }
    }
}

#[derive(Clone, Debug)]
pub struct MessageLog {
    entries: VecDeque<LogEntry>,
    capacity: usize,
    byte_budget: usize,
    bytes: usize,
    /// Deliveries pushed out of the ring to keep memory bounded.
    pub dropped: u64,
    /// Rows between the bottom of the view and the newest entry; 0 follows the tail.
    offset: usize,
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
            capacity: capacity.max(1),
            byte_budget,
            bytes: 0,
            dropped: 0,
            offset: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn following(&self) -> bool {
        self.offset == 0
    }

    pub fn push(&mut self, delivery: Box<Delivery>) {
        let size = delivery.body.len();
        // The newest entry is always kept, even when it alone exceeds the budget.
        while !self.entries.is_empty()
            && (self.entries.len() >= self.capacity || self.bytes + size > self.byte_budget)
        {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.delivery.body.len();
                self.dropped += 1;
            }
        }
        self.bytes += size;
        self.entries.push_back(LogEntry::new(delivery));
        // Keep the rows the user is reading in place while new ones arrive below.
        if self.offset > 0 {
            self.offset = (self.offset + 1).min(self.entries.len().saturating_sub(1));
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
        self.offset = 0;
    }

    /// Positive scrolls back in time.
    pub fn scroll_by(&mut self, rows: isize, page: usize) {
        let max = self.entries.len().saturating_sub(page.max(1));
        self.offset = self.offset.saturating_add_signed(rows).min(max);
    }

    pub fn scroll_to_oldest(&mut self, page: usize) {
        self.offset = self.entries.len().saturating_sub(page.max(1));
    }

    pub fn follow_tail(&mut self) {
        self.offset = 0;
    }

    /// The entries that fit in `rows`, oldest first.
    pub fn visible(&self, rows: usize) -> impl Iterator<Item = &LogEntry> {
        let end = self.entries.len() - self.offset.min(self.entries.len());
        let start = end.saturating_sub(rows);
        self.entries.range(start..end)
    }

    /// Index of the newest visible entry, counted from 1, for the pane title.
    pub fn position(&self) -> usize {
        self.entries.len() - self.offset.min(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Local;

    pub fn delivery(body: &str) -> Box<Delivery> {
        Box::new(Delivery {
            received_at: Local::now(),
            exchange: "testEx".into(),
            routing_key: "test".into(),
            redelivered: false,
            delivery_tag: 1,
            consumer_tag: None,
            epoch: 1,
            properties: Default::default(),
            body: body.as_bytes().to_vec(),
        })
    }

    fn bodies<'a>(it: impl Iterator<Item = &'a LogEntry>) -> Vec<String> {
        it.map(|e| e.preview.clone()).collect()
    }

    #[test]
    fn the_ring_is_bounded_and_counts_what_it_drops() {
        let mut log = MessageLog::with_limits(3, usize::MAX);
        for i in 0..5 {
            log.push(delivery(&i.to_string()));
        }
        assert_eq!(log.len(), 3);
        assert_eq!(log.dropped, 2);
        assert_eq!(bodies(log.visible(10)), ["2", "3", "4"]);
    }

    #[test]
    fn the_ring_is_bounded_by_bytes_too() {
        let mut log = MessageLog::with_limits(100, 10);
        for body in ["aaaa", "bbbb", "cccc"] {
            log.push(delivery(body));
        }
        assert_eq!(bodies(log.visible(10)), ["bbbb", "cccc"]);
        log.push(delivery(&"x".repeat(50)));
        assert_eq!(
            log.len(),
            1,
            "an oversized body evicts the rest but is itself kept"
        );
        assert_eq!(log.dropped, 3);
    }

    #[test]
    fn scrolling_back_stops_following_and_holds_the_view() {
        let mut log = MessageLog::default();
        for i in 0..10 {
            log.push(delivery(&i.to_string()));
        }
        assert_eq!(bodies(log.visible(3)), ["7", "8", "9"]);
        log.scroll_by(2, 3);
        assert!(!log.following());
        assert_eq!(bodies(log.visible(3)), ["5", "6", "7"]);
        log.push(delivery("10"));
        assert_eq!(
            bodies(log.visible(3)),
            ["5", "6", "7"],
            "new arrivals do not move the view"
        );
        log.scroll_by(100, 3);
        assert_eq!(
            bodies(log.visible(3)),
            ["0", "1", "2"],
            "clamped at the oldest"
        );
        log.follow_tail();
        assert_eq!(bodies(log.visible(3)), ["8", "9", "10"]);
    }
}
