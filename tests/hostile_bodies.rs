//! Bodies and headers at the edges: empty, 128 MiB (RabbitMQ 3.10's default
//! `max_message_size`), not UTF-8, JSON nested past serde_json's limit, header tables
//! nested past ours. Each is delivered the way the worker delivers it, drawn in the pane
//! and in the message view in every body view, and must say what it is without freezing.
//! The biggest and a deep header table also make the trip through the real broker.

mod support;

use std::time::{Duration, Instant};

use amqp_tui::{
    action::Action,
    inspect::body::BodyView,
    model::{Focus, Model, Overlay, scroll::Step},
    session::{Message, Properties, Value, WorkerEvent, properties::MAX_NESTING},
    update::update,
};
use lapin::BasicProperties;
use sha2::{Digest, Sha256};
use support::{
    Broker, Session, WAIT,
    client::{Client, deep_headers as deep_headers_lapin},
    screen::{delivery, feed, line_with, lines, render, with_messages},
};

/// RabbitMQ 3.10's default `max_message_size`: the biggest body a default broker takes.
const MAX_MESSAGE_SIZE: usize = 128 * 1024 * 1024;
/// Not a benchmark: a draw slower than this in a debug build means the UI froze.
const FREEZE: Duration = Duration::from_secs(2);

/// What the user sees of one delivery: the pane, then the message view as text, JSON, hex.
struct Shown {
    pane: Vec<String>,
    views: Vec<(BodyView, Vec<String>)>,
}

impl Shown {
    fn view(&self, view: BodyView) -> &[String] {
        self.views
            .iter()
            .find(|(v, _)| *v == view)
            .map(|(_, screen)| screen.as_slice())
            .unwrap_or_else(|| panic!("{view:?} was not drawn"))
    }

    fn all(&self) -> impl Iterator<Item = &[String]> {
        std::iter::once(self.pane.as_slice()).chain(self.views.iter().map(|(_, s)| s.as_slice()))
    }
}

/// Delivers `d` to a connected model, as the worker's event does, and draws every screen
/// that shows it, each within [`FREEZE`].
fn show(d: Box<Message>) -> Shown {
    let mut model = with_messages(0);
    feed(&mut model, WorkerEvent::Delivery(d));
    let pane = timed_draw(&model, "pane");
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::OpenMessage);
    let mut views = Vec::new();
    for _ in 0..3 {
        let Overlay::Message { view, .. } = model.overlay else {
            panic!("the message view is open")
        };
        views.push((view, timed_draw(&model, &format!("{view:?}"))));
        update(&mut model, Action::CycleBodyView);
    }
    Shown { pane, views }
}

fn timed_draw(model: &Model, what: &str) -> Vec<String> {
    let start = Instant::now();
    let screen = lines(&render(model));
    let elapsed = start.elapsed();
    println!("{what}: drawn in {elapsed:?}");
    assert!(elapsed < FREEZE, "{what}: a draw took {elapsed:?}");
    screen
}

fn with_body(body: Vec<u8>) -> Box<Message> {
    let mut d = delivery(b"");
    d.body = body;
    d
}

fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kib| kib / 1024)
}

/// 16-byte lines of text, `MAX_MESSAGE_SIZE` bytes in all.
fn biggest_body() -> Vec<u8> {
    b"0123456789abcde\n".repeat(MAX_MESSAGE_SIZE / 16)
}

fn assert_biggest_is_summarised(shown: &Shown) {
    assert!(line_with(&shown.pane, "128.0 MiB").contains("0123456789abcde\\n0123"));
    for view in [BodyView::Text, BodyView::Json, BodyView::Hex] {
        let screen = shown.view(view);
        assert!(line_with(screen, "body size").contains("128.0 MiB (134217728 bytes)"));
    }
    // The screen fills before the body ends: one line says how much is not shown.
    assert!(line_with(shown.view(BodyView::Text), "MiB more").contains("│… "));
    assert!(line_with(shown.view(BodyView::Hex), "more lines").contains("MiB more"));
    assert!(line_with(shown.view(BodyView::Hex), "00000000").contains("30 31 32 33"));
    assert!(line_with(shown.view(BodyView::Json), "not JSON").contains("invalid number"));
}

#[test]
fn an_empty_body_says_so() {
    let shown = show(with_body(Vec::new()));
    assert!(line_with(&shown.pane, "(empty body)").contains("0 B"));
    for (view, screen) in &shown.views {
        assert!(
            line_with(screen, "body size").contains("0 B (0 bytes)"),
            "{view:?}"
        );
        line_with(screen, "(empty body)");
    }
}

#[test]
fn a_128_mib_body_is_summarised_not_read_whole() {
    let shown = show(with_body(biggest_body()));
    assert_biggest_is_summarised(&shown);
    println!("peak RSS {} MiB", peak_rss_mib());
}

#[test]
fn invalid_utf8_says_so_and_shows_the_bytes() {
    let shown = show(with_body(b"caf\xe9 \xff\xfe ok".to_vec()));
    assert!(line_with(&shown.pane, "hex").contains("hex 63 61 66 e9 20 ff fe"));
    let text = shown.view(BodyView::Text);
    line_with(text, "not valid UTF-8: invalid bytes are shown as \\xNN");
    assert!(line_with(text, "caf").contains("caf\\xe9 \\xff\\xfe ok"));
    line_with(shown.view(BodyView::Json), "not JSON");
    assert!(line_with(shown.view(BodyView::Hex), "00000000").contains("|caf."));
}

#[test]
fn json_nested_past_the_limit_is_shown_as_text_and_says_why() {
    let opened = "[".repeat(100_000);
    // Valid JSON one level past serde_json's recursion limit (128).
    let valid = format!("{}{}", "[".repeat(129), "]".repeat(129));
    for body in [opened, valid] {
        let mut d = with_body(body.into_bytes());
        d.properties.content_type = Some("application/json".into());
        let shown = show(d);
        let json = shown.view(BodyView::Json);
        line_with(json, "JSON nested too deep to format (over 128 levels");
        line_with(json, "[[[[[[[[");
        line_with(shown.view(BodyView::Text), "[[[[[[[[");
    }
}

/// `{"deep": {"k": {"k": … "leaf" …}}}`, `depth` tables deep.
fn deep_headers(depth: usize) -> Value {
    let mut value = Value::LongString(b"leaf\x1b[2J".to_vec());
    for _ in 0..depth {
        value = Value::Table(vec![("k\u{202e}".into(), value)]);
    }
    value
}

#[test]
fn deep_header_tables_are_cut_in_the_view() {
    // Deeper than MAX_NESTING cannot come from the broker (`Value::from_amqp` cuts it) and
    // would take the stack to drop; this is as deep as a delivery's headers get.
    let mut d = with_body(b"x".to_vec());
    d.properties.headers = Some(vec![("deep".into(), deep_headers(MAX_NESTING))]);
    let shown = show(d);
    for screen in shown.views.iter().map(|(_, s)| s) {
        assert!(line_with(screen, "deep: ").contains("table"));
        assert!(line_with(screen, "k\\u{202e}: ").contains("table"));
    }
    // The view scrolls to where the headers are cut.
    let mut model = with_messages(0);
    feed(
        &mut model,
        WorkerEvent::Delivery(shown_delivery(MAX_NESTING)),
    );
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::OpenMessage);
    update(&mut model, Action::ScrollOverlay(Step::Rows(30)));
    let screen = timed_draw(&model, "scrolled");
    let cut = line_with(&screen, "…");
    assert!(
        cut.trim_start_matches(['│', ' ']).starts_with('…'),
        "{cut:?}"
    );
    assert!(!screen.iter().any(|l| l.contains("leaf")), "past the cut");
}

fn shown_delivery(depth: usize) -> Box<Message> {
    let mut d = with_body(b"x".to_vec());
    d.properties.headers = Some(vec![("deep".into(), deep_headers(depth))]);
    d
}

#[test]
fn wide_header_tables_and_arrays_draw_in_time() {
    // What fits in one 128 KiB frame: ~40,000 one-letter entries, ~130,000 voids.
    let table: Vec<(String, Value)> = (0..40_000)
        .map(|i| (format!("h{i}"), Value::Void))
        .collect();
    let mut d = with_body(b"x".to_vec());
    d.properties = Properties {
        headers: Some(vec![
            ("wide".into(), Value::Table(table)),
            // Named to be listed after `wide`: tables are listed in natural order.
            (
                "wide-array".into(),
                Value::Array(vec![Value::Void; 130_000]),
            ),
        ]),
        ..Properties::default()
    };
    let wide = d.clone();
    let shown = show(d);
    for screen in shown.views.iter().map(|(_, s)| s) {
        assert!(line_with(screen, "headers").contains("2 entries"));
        assert!(line_with(screen, "wide: ").contains("table"));
        assert!(line_with(screen, "h0: ").contains("void"));
    }
    let mut model = with_messages(0);
    feed(&mut model, WorkerEvent::Delivery(wide));
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::OpenMessage);
    update(&mut model, Action::ScrollOverlay(Step::Rows(1_000)));
    let end = timed_draw(&model, "scrolled to the end of the headers");
    line_with(&end, "… 169002 more header lines");
}

/// The conversion the worker applies to every delivery's properties, at depths up to what
/// one 128 KiB frame holds (RabbitMQ takes 18,000 levels, refuses 19,000 as too large).
/// lapin's values are built and dropped on a thread with room for their recursion; ours
/// are converted, delivered, drawn and dropped on a thread of the usual 2 MiB.
#[test]
fn header_tables_as_deep_as_a_frame_holds_are_cut_when_converted() {
    for depth in [1_000, 10_000, 18_000] {
        let run = move || {
            let props = BasicProperties::default().with_headers(deep_headers_lapin(depth));
            std::thread::scope(|scope| {
                std::thread::Builder::new()
                    .stack_size(2 << 20)
                    .spawn_scoped(scope, || {
                        let mut d = with_body(b"x".to_vec());
                        d.properties = Properties::from_amqp(&props);
                        let headers = d.properties.headers.as_ref().expect("headers");
                        assert_eq!(depth_of(&headers[0].1), MAX_NESTING, "depth {depth}");
                        let shown = show(d);
                        for screen in shown.views.iter().map(|(_, s)| s) {
                            assert!(line_with(screen, "deep: ").contains("table"));
                        }
                    })
                    .expect("spawn")
                    .join()
                    .expect("converted and drawn");
            });
        };
        std::thread::Builder::new()
            .stack_size(1 << 30)
            .spawn(run)
            .expect("spawn")
            .join()
            .expect("no panic");
    }
}

/// Levels of tables and arrays above the first value that is neither.
fn depth_of(mut value: &Value) -> usize {
    let mut depth = 0;
    loop {
        value = match value {
            Value::Table(t) if !t.is_empty() => &t[0].1,
            Value::Array(a) if !a.is_empty() => &a[0],
            _ => return depth,
        };
        depth += 1;
    }
}

async fn next_delivery(session: &mut Session) -> Box<Message> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let event = tokio::time::timeout_at(deadline, session.events_rx.recv())
            .await
            .expect("a delivery within the wait")
            .expect("the worker is running");
        if let WorkerEvent::Delivery(d) = event.event {
            return d;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn through_the_broker_128_mib_arrives_intact_and_renders() {
    let broker = Broker::shared();
    let settings = broker.plain("hostile-big");
    let mut session = Session::start(settings.clone());
    session.connected().await;
    let client = Client::connect(&broker).await;
    let body = biggest_body();
    let sent = Sha256::digest(&body);
    let start = Instant::now();
    client
        .publish(
            &settings.routing.exchange,
            settings.routing.key(),
            &body,
            BasicProperties::default(),
        )
        .await;
    drop(body);
    let got = next_delivery(&mut session).await;
    println!("128 MiB published and delivered in {:?}", start.elapsed());
    assert_eq!(got.body.len(), MAX_MESSAGE_SIZE);
    assert_eq!(
        Sha256::digest(&got.body),
        sent,
        "the body arrived unchanged"
    );
    let shown = show(got);
    assert_biggest_is_summarised(&shown);
    println!("peak RSS {} MiB", peak_rss_mib());
}

/// lapin parses header tables recursively on its I/O thread, whose stack is the default
/// 2 MiB: a table nested 150 to 200 levels deep overflows it in a debug build, 1,000 to
/// 1,250 in a release build, and the app aborts (a lapin problem; RabbitMQ accepts up to
/// the ~18,000 levels a frame holds). 100 levels pass through lapin and meet our cut.
const DEPTH_THROUGH_LAPIN: usize = 100;

#[tokio::test(flavor = "multi_thread")]
async fn through_the_broker_a_deep_header_table_is_cut_and_renders() {
    let broker = Broker::shared();
    let settings = broker.plain("hostile-deep");
    let mut session = Session::start(settings.clone());
    session.connected().await;
    let client = Client::connect(&broker).await;
    let props = BasicProperties::default().with_headers(deep_headers_lapin(DEPTH_THROUGH_LAPIN));
    let body = b"deep headers".to_vec();
    client
        .publish(
            &settings.routing.exchange,
            settings.routing.key(),
            &body,
            props,
        )
        .await;
    let got = next_delivery(&mut session).await;
    assert_eq!(got.body, body);
    let headers = got.properties.headers.as_ref().expect("headers arrived");
    assert_eq!(headers[0].0, "deep");
    assert_eq!(depth_of(&headers[0].1), MAX_NESTING, "cut at MAX_NESTING");
    let shown = show(got);
    for screen in shown.all().skip(1) {
        assert!(line_with(screen, "deep: ").contains("table"));
        assert!(line_with(screen, "k: ").contains("array[1]"));
        assert!(line_with(screen, "[0] ").contains("table"));
    }
}
