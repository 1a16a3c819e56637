//! Property tests of everything that draws or parses input from outside: bodies, headers
//! and properties as the UI draws them, AMQP URIs, the connect form, `profiles.toml`.
//! Each case must not panic, and no cell of the drawn screen may hold a character that
//! controls the terminal or hides or reorders text. The predicate for that is written here,
//! apart from `text::is_unsafe`, so that a gap in that function shows up as a failure.
//!
//! The case counts keep the whole file to a few seconds in a debug build on two cores;
//! `PROPTEST_CASES=N` runs more.

#[path = "fuzz/parse.rs"]
mod parse;
#[path = "fuzz/render.rs"]
mod render;
#[path = "fuzz/strategies.rs"]
mod strategies;
mod support;

use proptest::test_runner::Config;
use ratatui::{buffer::Buffer, text::Line};

/// C0 (ESC among them), DEL and C1 controls; bidi embeddings, overrides, isolates and
/// marks; zero-width and invisible format characters; line and paragraph separators.
pub fn forbidden(c: char) -> bool {
    let u = u32::from(c);
    u < 0x20
        || (0x7f..=0x9f).contains(&u)
        || matches!(
            u,
            0x00ad                      // soft hyphen: invisible unless a line breaks there
            | 0x061c                    // Arabic letter mark
            | 0x180e                    // Mongolian vowel separator
            | 0x200b..=0x200f           // zero-width space, non-joiner, joiner; LRM, RLM
            | 0x2028 | 0x2029           // line and paragraph separators
            | 0x202a..=0x202e           // LRE, RLE, PDF, LRO, RLO
            | 0x2060..=0x2064           // word joiner, invisible operators
            | 0x2066..=0x2069           // LRI, RLI, FSI, PDI
            | 0x206a..=0x206f           // deprecated format controls
            | 0xfeff                    // zero-width no-break space
            | 0xfff9..=0xfffb           // interlinear annotation
            | 0xe0000..=0xe007f // tag characters: invisible text
        )
}

/// Whether `text` holds a forbidden character. The one exception is a zero-width joiner
/// inside an emoji sequence (`👩‍💻`): the terminal draws one picture, nothing is hidden.
pub fn forbidden_in(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        forbidden(c) && !(c == '\u{200d}' && emoji_joiner(&chars[..i], chars.get(i + 1)))
    })
}

/// The joiner follows an emoji (maybe with a presentation selector or skin tone after it)
/// and precedes one. Pictographs here are the Unicode emoji blocks, written out apart from
/// `text.rs` for the same reason as `forbidden`.
fn emoji_joiner(before: &[char], after: Option<&char>) -> bool {
    let pictograph = |c: char| {
        let u = u32::from(c);
        (0x1f000..=0x1faff).contains(&u)
            || (0x2600..=0x27bf).contains(&u)
            || (0x2300..=0x23ff).contains(&u)
            || (0x2b00..=0x2bff).contains(&u)
            || (0x2190..=0x21ff).contains(&u)
            || [
                0xa9, 0xae, 0x203c, 0x2049, 0x2122, 0x2139, 0x3030, 0x303d, 0x3297, 0x3299,
            ]
            .contains(&u)
    };
    let modifier = |c: char| matches!(u32::from(c), 0xfe0e | 0xfe0f | 0x1f3fb..=0x1f3ff);
    let base = before.iter().rev().copied().find(|&c| !modifier(c));
    base.is_some_and(pictograph) && after.is_some_and(|&c| pictograph(c))
}

/// Cases for the tests that draw whole screens (a few ms each in debug).
pub fn screens(cases: u32) -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(cases),
        // A failure prints its minimal input; files of seeds would litter the tree in CI.
        failure_persistence: None,
        ..Config::default()
    }
}

/// The first cell holding a forbidden character, as `(x, y, symbol)`.
pub fn dirty_cell(buffer: &Buffer) -> Option<(u16, u16, String)> {
    let area = buffer.area;
    (area.top()..area.bottom())
        .flat_map(|y| (area.left()..area.right()).map(move |x| (x, y)))
        .map(|(x, y)| (x, y, buffer[(x, y)].symbol().to_string()))
        .find(|(_, _, symbol)| forbidden_in(symbol))
}

/// Ratatui drops some control characters itself; checking the text handed to it too means
/// our sanitising is what is tested, not ratatui's.
pub fn dirty_span(lines: &[Line<'_>]) -> Option<String> {
    lines
        .iter()
        .flat_map(|line| &line.spans)
        .map(|span| span.content.to_string())
        .find(|text| forbidden_in(text))
}

#[macro_export]
macro_rules! assert_clean {
    ($buffer:expr, $what:expr) => {
        if let Some((x, y, symbol)) = $crate::dirty_cell(&$buffer) {
            panic!(
                "{}: cell ({x}, {y}) holds {symbol:?}:\n{}",
                $what,
                $crate::support::screen::lines(&$buffer).join("\n")
            );
        }
    };
}

#[test]
fn the_predicate_is_strict() {
    for c in [
        '\x1b',
        '\x00',
        '\x7f',
        '\u{9b}',
        '\u{202e}',
        '\u{2067}',
        '\u{200b}',
        '\u{e0041}',
    ] {
        assert!(forbidden(c), "{c:?}");
    }
    for c in ['a', ' ', 'é', '€', '中', '\u{1f600}', '\\'] {
        assert!(!forbidden(c), "{c:?}");
    }
    for text in [
        "a\u{200d}b",
        "\u{1f468}\u{200d}",
        "\u{1f468}\u{200d}\u{202e}\u{1f469}",
    ] {
        assert!(forbidden_in(text), "{text:?}");
    }
    for text in [
        "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}",
        "\u{1f3f3}\u{fe0f}\u{200d}\u{1f308}",
        "\u{2764}\u{fe0f}",
    ] {
        assert!(!forbidden_in(text), "{text:?}");
    }
}
