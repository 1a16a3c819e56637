use std::time::{Duration, Instant};

use ratatui::style::Color;

use super::*;
use crate::text::is_unsafe;

fn texts(lines: &[Line<'_>]) -> Vec<String> {
    lines.iter().map(ToString::to_string).collect()
}

fn fg_of(lines: &[Line<'_>], content: &str) -> Option<Color> {
    lines
        .iter()
        .flat_map(|line| &line.spans)
        .find(|span| span.content.contains(content))
        .and_then(|span| span.style.fg)
}

/// Every byte value, C1 controls and the bidi overrides, as text and as JSON.
fn hostile_bodies() -> Vec<Vec<u8>> {
    let mut all_bytes: Vec<u8> = (0..=255).collect();
    all_bytes.extend("\u{9b}2J\u{202e}\u{2066}\u{feff}".as_bytes());
    let json = "{\"k\u{202e}\u{9b}\": \"v\u{7f}\u{2067}\\u001b[31m\u{85}\"}";
    vec![all_bytes, "red\x1b[31m\r\n\u{9b}2J".into(), json.into()]
}

#[test]
fn nothing_unsafe_reaches_the_screen_in_any_view() {
    for body in hostile_bodies() {
        for view in [BodyView::Text, BodyView::Json, BodyView::Hex] {
            for line in texts(&render(&body, view, 40, 100)) {
                assert!(!line.chars().any(is_unsafe), "{view:?}: {line:?}");
            }
        }
    }
}

#[test]
fn text_splits_lines_and_shows_escapes_and_invalid_bytes() {
    let body = b"h\xc3\xa9llo\x1b[31m\nrlo\xe2\x80\xaex\\\n\xff\xfeend\r\n";
    let lines = render(body, BodyView::Text, 80, 10);
    assert_eq!(
        texts(&lines),
        [
            "not valid UTF-8: invalid bytes are shown as \\xNN (v switches to hex)",
            "héllo\\e[31m",
            "rlo\\u{202e}x\\\\",
            "\\xff\\xfeend\\r"
        ]
    );
    assert_eq!(fg_of(&lines, "\\e"), Some(Color::Red), "escapes stand out");
    assert_eq!(
        texts(&render(b"a\n\nb", BodyView::Text, 80, 10)),
        ["a", "", "b"]
    );
}

#[test]
fn text_wraps_at_width_and_says_what_is_left_out() {
    let lines = render(b"abcdefghij", BodyView::Text, 4, 2);
    assert_eq!(texts(&lines), ["abcd", "efgh", "… 2 B more"]);
    let exact = render(b"abcd\nefgh\n", BodyView::Text, 4, 2);
    assert_eq!(
        texts(&exact),
        ["abcd", "efgh"],
        "nothing left out, no marker"
    );
}

#[test]
fn an_empty_body_says_so() {
    for view in [BodyView::Text, BodyView::Json, BodyView::Hex] {
        assert_eq!(texts(&render(b"", view, 80, 10)), ["(empty body)"]);
    }
}

#[test]
fn hex_rows_match_hexdump() {
    // `printf 'Hello, world!\x00\x7f\xff\x1bX' | hexdump -C`
    let body = b"Hello, world!\x00\x7f\xff\x1bX";
    assert_eq!(
        texts(&render(body, BodyView::Hex, 80, 10)),
        [
            "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 00 7f ff  |Hello, world!...|",
            "00000010  1b 58                                             |.X|",
        ]
    );
    assert_eq!(
        texts(&render(b"Hello\n", BodyView::Hex, 78, 10)),
        ["00000000  48 65 6c 6c 6f 0a                                 |Hello.|"]
    );
}

#[test]
fn hex_narrows_and_counts_what_is_left_out() {
    let body: Vec<u8> = (0..40).collect();
    let lines = texts(&render(&body, BodyView::Hex, 60, 2));
    assert_eq!(
        lines,
        [
            "00000000  00 01 02 03 04 05 06 07  |........|",
            "00000008  08 09 0a 0b 0c 0d 0e 0f  |........|",
            "… 3 more lines (24 B more)",
        ]
    );
}

#[test]
fn json_is_indented_and_highlighted() {
    let body = br#"{"a":[1,true,null,"x"],"b":{}, "c" : -1.5e3,"big":12345678901234567890123}"#;
    let lines = render(body, BodyView::Json, 80, 50);
    assert_eq!(
        texts(&lines),
        [
            "{",
            "  \"a\": [",
            "    1,",
            "    true,",
            "    null,",
            "    \"x\"",
            "  ],",
            "  \"b\": {},",
            "  \"c\": -1.5e3,",
            "  \"big\": 12345678901234567890123",
            "}",
        ],
        "numbers stay exactly as written"
    );
    assert_eq!(fg_of(&lines, "\"a\""), Some(Color::Cyan), "key");
    assert_eq!(fg_of(&lines, "\"x\""), Some(Color::Green), "string");
    assert_eq!(fg_of(&lines, "1.5e3"), Some(Color::Magenta), "number");
    assert_eq!(fg_of(&lines, "null"), Some(Color::Yellow), "literal");
}

#[test]
fn json_strings_keep_their_escapes_and_lose_raw_controls() {
    let body = "[\"tab\\t esc\\u001b rlo\u{202e} csi\u{9b}\"]";
    let lines = texts(&render(body.as_bytes(), BodyView::Json, 80, 10));
    assert_eq!(
        lines,
        ["[", "  \"tab\\t esc\\u001b rlo\\u202e csi\\u009b\"", "]"]
    );
}

#[test]
fn what_is_not_json_is_shown_as_text_after_the_reason() {
    let lines = texts(&render(b"[ x\nsecond", BodyView::Json, 80, 10));
    assert_eq!(
        lines,
        [
            "not JSON: expected value at line 1 column 3",
            "[ x",
            "second"
        ]
    );
    let two_values = texts(&render(b"{} {}", BodyView::Json, 80, 10));
    assert!(
        two_values[0].starts_with("not JSON: trailing characters"),
        "{two_values:?}"
    );
}

#[test]
fn deep_nesting_hits_the_recursion_limit_not_the_stack() {
    let opened = "[".repeat(100_000);
    let balanced = format!("{opened}{}", "]".repeat(100_000));
    for body in [opened, balanced] {
        let start = Instant::now();
        let lines = texts(&render(body.as_bytes(), BodyView::Json, 80, 20));
        assert!(
            lines[0].starts_with(
                "JSON nested too deep to format (over 128 levels at line 1, column 128)"
            ),
            "{}",
            lines[0]
        );
        let elapsed = start.elapsed();
        println!("{} bytes nested: rendered in {elapsed:?}", body.len());
        assert_eq!(lines.len(), 21, "the reason, 19 rows of text, the marker");
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    }
    // 100 levels is within serde_json's limit (128): formatted, stopped by the budget.
    let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    let lines = texts(&render(deep.as_bytes(), BodyView::Json, 80, 20));
    assert_eq!(lines[1], "  [");
    assert_eq!(lines.len(), 21, "20 rows and the marker");
    assert!(lines[20].starts_with("… ") && lines[20].ends_with(" more"));
}

#[test]
fn json_stops_at_max_lines() {
    let body = format!("[{}0]", "0,".repeat(1000));
    let lines = texts(&render(body.as_bytes(), BodyView::Json, 80, 5));
    assert_eq!(lines[..5], ["[", "  0,", "  0,", "  0,", "  0,"]);
    assert_eq!(lines[5], "… 1.9 KiB more");
    assert_eq!(lines.len(), 6);
}

#[test]
fn past_the_checked_head_a_big_body_is_not_read() {
    let mut body = format!("[{}0", "0,".repeat(json::MIN_CHECK_BYTES)).into_bytes();
    body.extend(b" this is not JSON");
    let lines = texts(&render(&body, BodyView::Json, 80, 3));
    assert_eq!(lines[..3], ["[", "  0,", "  0,"]);
    // An error near the start of the same big body is found.
    body[3] = b'x';
    assert!(texts(&render(&body, BodyView::Json, 80, 3))[0].starts_with("not JSON"));
}

#[test]
fn the_best_view_follows_content_type_then_content() {
    let cases: [(&[u8], Option<&str>, BodyView); 7] = [
        (b"not json", Some("application/json"), BodyView::Json),
        (
            b"{}",
            Some("application/problem+json; charset=utf-8"),
            BodyView::Json,
        ),
        (b" {\"a\": [1]} ", None, BodyView::Json),
        (b"hello", Some("text/plain"), BodyView::Text),
        (b"", None, BodyView::Text),
        (&[0xff, 0x00, 0xfe], None, BodyView::Hex),
        (
            &[0xff, 0x00, 0xfe],
            Some("APPLICATION/JSON"),
            BodyView::Json,
        ),
    ];
    for (body, content_type, view) in cases {
        assert_eq!(
            best_view(body, content_type),
            view,
            "{body:?} {content_type:?}"
        );
    }
}

#[test]
fn a_16_mib_body_renders_its_first_screen_fast() {
    const SIZE: usize = 16 << 20;
    let one_line = vec![b'x'; SIZE];
    let many_lines = b"lorem ipsum dolor sit amet\n".repeat(SIZE / 27);
    let binary: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    let json = format!("[{}0]", "{\"id\": 12345, \"ok\": true},".repeat(SIZE / 27));
    // Zero-width marks take no column: one character can carry all of them.
    let marks = format!("a{}", "\u{301}".repeat(SIZE / 2));
    let cases = [
        ("text, one line", &one_line[..], BodyView::Text),
        (
            "text, one accented letter",
            marks.as_bytes(),
            BodyView::Text,
        ),
        ("text, many lines", &many_lines[..], BodyView::Text),
        ("hex", &binary[..], BodyView::Hex),
        ("json", json.as_bytes(), BodyView::Json),
        ("json fallback", &one_line[..], BodyView::Json),
    ];
    for (name, body, view) in cases {
        let start = Instant::now();
        let lines = render(body, view, 200, 60);
        let best = best_view(body, None);
        let elapsed = start.elapsed();
        println!(
            "{name}: {} MiB, render + best_view in {elapsed:?}",
            body.len() >> 20
        );
        assert!(lines.len() <= 62, "{name}: {} lines", lines.len());
        assert!(
            texts(&lines).last().is_some_and(|l| l.starts_with('…')),
            "{name}"
        );
        assert!(best != BodyView::Hex || view == BodyView::Hex, "{name}");
        assert!(elapsed < Duration::from_secs(2), "{name}: {elapsed:?}");
    }
}
