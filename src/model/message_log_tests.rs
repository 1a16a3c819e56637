use super::*;
use chrono::Local;

pub fn delivery(body: &str) -> Box<Message> {
    Box::new(Message {
        received_at: Local::now(),
        exchange: "testEx".into(),
        routing_key: "test".into(),
        redelivered: false,
        delivery_tag: 1,
        epoch: 1,
        consumer_tag: None,
        properties: Default::default(),
        body: body.as_bytes().to_vec(),
        part: Default::default(),
    })
}

fn bodies<'a>(it: impl Iterator<Item = (&'a LogEntry, bool)>) -> Vec<String> {
    it.map(|(e, _)| e.preview()).collect()
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

fn entry_body(entry: Option<&LogEntry>) -> Option<String> {
    entry.map(|e| e.preview())
}

#[test]
fn a_filter_shows_only_matches_and_keeps_counting_new_ones() {
    let mut log = MessageLog::default();
    for body in ["eu-1", "us-1", "eu-2"] {
        log.push(delivery(body));
    }
    log.set_filter(Some(Filter::parse("eu").expect("valid")));
    assert_eq!(bodies(log.visible(10)), ["eu-1", "eu-2"]);
    log.push(delivery("us-2"));
    log.push(delivery("eu-3"));
    assert_eq!(log.shown_len(), 3);
    assert_eq!(bodies(log.visible(2)), ["eu-2", "eu-3"]);
    log.set_filter(None);
    assert_eq!(log.shown_len(), 5);
}

#[test]
fn a_filtered_view_survives_the_ring_dropping_its_oldest() {
    let mut log = MessageLog::with_limits(3, usize::MAX);
    log.set_filter(Some(Filter::parse("keep").expect("valid")));
    for body in ["keep-1", "other", "keep-2", "keep-3"] {
        log.push(delivery(body));
    }
    assert_eq!(bodies(log.visible(10)), ["keep-2", "keep-3"]);
}

#[test]
fn the_cursor_moves_over_shown_entries_and_holds_the_view() {
    let mut log = MessageLog::default();
    for i in 0..10 {
        log.push(delivery(&i.to_string()));
    }
    log.select_by(-1, 3);
    assert_eq!(
        entry_body(log.selected()).as_deref(),
        Some("9"),
        "first the newest"
    );
    log.select_by(-1, 3);
    assert_eq!(entry_body(log.selected()).as_deref(), Some("8"));
    assert!(!log.following(), "moving the cursor stops the tail");
    log.push(delivery("10"));
    assert_eq!(bodies(log.visible(3)), ["7", "8", "9"], "the view holds");
    log.select_by(-5, 3);
    assert_eq!(entry_body(log.selected()).as_deref(), Some("3"));
    assert_eq!(
        bodies(log.visible(3)),
        ["2", "3", "4"],
        "a long step moves the view along"
    );
    let marked: Vec<bool> = log.visible(3).map(|(_, sel)| sel).collect();
    assert_eq!(marked, [false, true, false]);
    log.select_by(-3, 3);
    assert_eq!(entry_body(log.selected()).as_deref(), Some("0"));
    assert_eq!(
        bodies(log.visible(3)),
        ["0", "1", "2"],
        "clamped at the oldest"
    );
    log.follow_tail();
    assert!(log.selected().is_none());
    assert_eq!(bodies(log.visible(3)), ["8", "9", "10"]);
}

#[test]
fn pause_holds_the_view_at_the_tail_until_resumed() {
    let mut log = MessageLog::default();
    for i in 0..3 {
        log.push(delivery(&i.to_string()));
    }
    log.toggle_pause();
    log.push(delivery("3"));
    log.push(delivery("4"));
    assert_eq!(bodies(log.visible(3)), ["0", "1", "2"]);
    log.toggle_pause();
    assert_eq!(bodies(log.visible(3)), ["2", "3", "4"]);
}

#[test]
fn a_held_view_keeps_a_full_page_while_the_ring_drops_its_rows() {
    let mut log = MessageLog::with_limits(5, usize::MAX);
    for i in 0..5 {
        log.push(delivery(&i.to_string()));
    }
    log.toggle_pause();
    for i in 5..20 {
        log.push(delivery(&i.to_string()));
    }
    assert_eq!(
        bodies(log.visible(3)),
        ["15", "16", "17"],
        "the oldest page left"
    );
}

#[test]
fn home_puts_the_cursor_on_the_oldest_and_the_counter_follows_the_cursor() {
    let mut log = MessageLog::default();
    for i in 0..10 {
        log.push(delivery(&i.to_string()));
    }
    log.follow_tail();
    log.scroll_to_oldest(3);
    assert_eq!(
        entry_body(log.selected()).as_deref(),
        Some("0"),
        "Enter after Home opens the oldest, not the bottom row in view"
    );
    assert_eq!(bodies(log.visible(3)), ["0", "1", "2"]);
    assert_eq!(log.position(), 1, "the counter names the cursor's row");
    log.select_by(1, 3);
    assert_eq!(log.position(), 2, "the view holds, the counter moves");
    assert_eq!(bodies(log.visible(3)), ["0", "1", "2"]);
}
