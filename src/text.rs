//! Making untrusted bytes safe to draw. Anything from the network passes through here
//! before it reaches a terminal cell: control characters, escape sequences and bidi
//! overrides are shown as visible escapes, never executed.

use std::fmt::Write;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Bodies are previewed, not shown whole: a 128 MiB body must not cost a frame.
pub const PREVIEW_CHARS: usize = 400;

/// Returns `s` with every character that could move the cursor, change colours, or
/// reorder text replaced by a visible escape like `\e`, `\n` or `\u{202e}`.
pub fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_visible(&mut out, s, usize::MAX);
    out
}

fn push_visible(out: &mut String, s: &str, max_chars: usize) -> bool {
    for (n, (at, c)) in s.char_indices().enumerate() {
        if n >= max_chars {
            return false;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x1b' => out.push_str("\\e"),
            '\\' => out.push_str("\\\\"),
            // A joiner is kept only with the emoji after it: the last character shown
            // here has nothing after it on the screen.
            c if is_unsafe_at(s, at, c) || (c == ZWJ && n + 1 >= max_chars) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    true
}

/// What the user typed, shown as typed: unsafe characters are escaped as in
/// [`visible`], but a backslash stays one backslash. Text from the network must go
/// through `visible`, where `\\` keeps a backslash from faking an escape; the user's own
/// `/order\.eu/` shown as `/order\\.eu/` is just wrong.
pub fn typed(s: &str) -> String {
    s.split('\\').map(visible).collect::<Vec<_>>().join("\\")
}

/// Orders `h2` before `h10`: runs of digits compare as numbers, the rest as text.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut a, mut b) = (a, b);
    // `h2` and `h02` are the same number: fewer leading zeros first, but only when all the
    // rest is equal, so that the order stays total.
    let mut tie = Ordering::Equal;
    let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    loop {
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return tie,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (da, db) = (digits(a), digits(b));
                let na = a[..da].trim_start_matches('0');
                let nb = b[..db].trim_start_matches('0');
                // Without leading zeros, a longer number is the bigger one.
                let order = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if order.is_ne() {
                    return order;
                }
                tie = tie.then(da.cmp(&db));
                (a, b) = (&a[da..], &b[db..]);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                (a, b) = (&a[x.len_utf8()..], &b[y.len_utf8()..]);
            }
        }
    }
}

/// [`is_unsafe`] for the character `c` found at byte `at` of `s`: a zero-width joiner
/// between two emoji (`👩‍💻`, `🏳️‍🌈`) is part of one picture, not a hidden character,
/// so it is drawn as it is. Anywhere else (`a\u{200d}b` looks like `ab`) it is escaped.
pub fn is_unsafe_at(s: &str, at: usize, c: char) -> bool {
    is_unsafe(c) && !(c == ZWJ && joins_emoji(&s[..at], &s[at + c.len_utf8()..]))
}

const ZWJ: char = '\u{200d}';

/// Whether a joiner between `before` and `after` joins two emoji. Variation selectors
/// and skin tones may stand between the first emoji and the joiner.
fn joins_emoji(before: &str, after: &str) -> bool {
    let base = before
        .chars()
        .rev()
        .find(|&c| !matches!(c, '\u{fe0e}' | '\u{fe0f}' | '\u{1f3fb}'..='\u{1f3ff}'));
    base.is_some_and(is_emoji) && after.chars().next().is_some_and(is_emoji)
}

/// Emoji as far as a joiner is concerned: the pictographic blocks. Letters, digits and
/// marks are not, so a joiner cannot glue text together unseen.
fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{1f000}'..='\u{1faff}'  // emoticons, pictographs, transport, supplemental symbols
        | '\u{2190}'..='\u{21ff}'  // arrows
        | '\u{2300}'..='\u{23ff}'  // technical: watch, hourglass
        | '\u{2600}'..='\u{27bf}'  // miscellaneous symbols, dingbats: heart, fire
        | '\u{2b00}'..='\u{2bff}'  // arrows, stars, squares
        | '\u{a9}' | '\u{ae}' | '\u{203c}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{3030}' | '\u{303d}' | '\u{3297}' | '\u{3299}'
    )
}

/// C0 and C1 controls, DEL, and the characters that reorder or hide text. Where the
/// neighbours are known, [`is_unsafe_at`] lets a joiner inside an emoji sequence through.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}'   // zero-width chars, LRM, RLM
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{206f}' // word joiner, invisible operators, bidi isolates,
                                      // deprecated format controls
            | '\u{00ad}'              // soft hyphen: invisible unless a line breaks there
            | '\u{061c}'              // Arabic letter mark
            | '\u{180e}'              // Mongolian vowel separator
            | '\u{feff}'              // zero-width no-break space
            | '\u{fff9}'..='\u{fffb}' // interlinear annotation
            | '\u{1bca0}'..='\u{1bca3}' // shorthand format controls
            | '\u{1d173}'..='\u{1d17a}' // musical format controls
            | '\u{e0000}'..='\u{e007f}' // tags: invisible ASCII look-alikes
        )
}

/// Columns `s` takes on a terminal: two for a CJK character or an emoji, none for a
/// combining mark.
pub fn width(s: &str) -> usize {
    s.width()
}

/// The part of `s` that starts `skip` display columns in and fits in `width` columns,
/// cut only between grapheme clusters: a wide character or an emoji sequence is shown
/// whole or not at all, never half (which would leave a dangling joiner or shift what
/// follows).
pub fn columns(s: &str, skip: usize, width: usize) -> &str {
    let mut at = 0;
    let mut start = None;
    let mut end = s.len();
    for (i, grapheme) in s.grapheme_indices(true) {
        if start.is_none() && at >= skip {
            start = Some(i);
        }
        at += grapheme.width();
        if start.is_some() && at > skip.saturating_add(width) {
            end = i;
            break;
        }
    }
    match start {
        Some(start) => &s[start..end],
        None => "",
    }
}

/// `s` padded with spaces to `width` display columns (`format!("{s:<w$}")` counts
/// characters, so a wide character would push the next column over).
pub fn pad(s: &str, width: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(s.width())));
    out
}

/// A one-line preview of a body: UTF-8 as escaped text, anything else as hex. Only the
/// head is examined, so the cost does not grow with the body.
pub fn body_preview(body: &[u8]) -> String {
    if body.is_empty() {
        return "(empty body)".into();
    }
    let head = &body[..body.len().min(PREVIEW_CHARS * 4)];
    let text = match std::str::from_utf8(head) {
        Ok(text) => Some(text),
        // A character cut in two by the end of the head is not a reason to show hex.
        Err(err) if err.error_len().is_none() && head.len() < body.len() => {
            std::str::from_utf8(&head[..err.valid_up_to()]).ok()
        }
        Err(_) => None,
    };
    match text {
        Some(text) => {
            let mut out = String::with_capacity(text.len().min(PREVIEW_CHARS + 8));
            if !push_visible(&mut out, text, PREVIEW_CHARS) || text.len() < body.len() {
                out.push('…');
            }
            out
        }
        None => hex_preview(body, PREVIEW_CHARS / 3),
    }
}

fn hex_preview(body: &[u8], max_bytes: usize) -> String {
    let mut out = String::from("hex ");
    for (i, b) in body.iter().take(max_bytes).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{b:02x}");
    }
    if body.len() > max_bytes {
        out.push_str(" …");
    }
    out
}

/// `812 B`, `4.0 KiB`, `1.5 MiB`.
pub fn human_size(bytes: usize) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KIB {
        format!("{bytes} B")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{:.1} MiB", b / (KIB * KIB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_made_visible() {
        let hostile = "red\x1b[31m bell\x07 nl\n cr\r csi\u{9b}2J rlo\u{202e}txt";
        let shown = visible(hostile);
        assert_eq!(
            shown,
            "red\\e[31m bell\\u{7} nl\\n cr\\r csi\\u{9b}2J rlo\\u{202e}txt"
        );
        assert!(!shown.chars().any(is_unsafe));
    }

    #[test]
    fn invisible_format_characters_are_made_visible() {
        let hostile = "soft\u{ad}hyphen \u{206a}iss tag\u{e0041} mvs\u{180e}";
        assert_eq!(
            visible(hostile),
            "soft\\u{ad}hyphen \\u{206a}iss tag\\u{e0041} mvs\\u{180e}"
        );
    }

    #[test]
    fn emoji_sequences_stay_whole_and_lone_joiners_do_not() {
        // Family, technologist, rainbow flag (a variation selector before the joiner),
        // text and emoji presentation selectors.
        for emoji in [
            "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}",
            "\u{1f469}\u{1f3fd}\u{200d}\u{1f4bb}",
            "\u{1f3f3}\u{fe0f}\u{200d}\u{1f308}",
            "\u{2764}\u{fe0f} \u{263a}\u{fe0e}",
        ] {
            assert_eq!(visible(emoji), emoji);
        }
        assert_eq!(visible("a\u{200d}b"), "a\\u{200d}b");
        assert_eq!(visible("\u{1f468}\u{200d}"), "\u{1f468}\\u{200d}");
        assert_eq!(visible("\u{200d}\u{1f468}"), "\\u{200d}\u{1f468}");
        assert_eq!(
            visible("\u{1f468}\u{200d}\u{202e}\u{1f469}"),
            "\u{1f468}\\u{200d}\\u{202e}\u{1f469}"
        );
    }

    #[test]
    fn text_is_cut_and_padded_by_display_columns() {
        let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
        let s = format!("a中{family}e\u{301}b");
        assert_eq!(width(&s), 7);
        assert_eq!(columns(&s, 0, 3), "a中");
        assert_eq!(columns(&s, 1, 4), format!("中{family}"));
        // A cut through the middle of a wide character leaves it out whole.
        assert_eq!(columns(&s, 2, 3), family);
        assert_eq!(columns(&s, 5, 9), "e\u{301}b");
        assert_eq!(columns(&s, 9, 9), "");
        assert_eq!(pad("中", 4), "中  ");
        assert_eq!(pad(family, 3), format!("{family} "));
    }

    #[test]
    fn typed_text_keeps_its_backslashes_and_escapes_the_rest() {
        assert_eq!(typed("/order\\.eu/"), "/order\\.eu/");
        assert_eq!(typed("a\\\u{1b}b\\"), "a\\\\eb\\");
    }

    #[test]
    fn numbers_in_names_sort_as_numbers() {
        let mut names = [
            "h10", "h2", "h1", "a", "h02", "h", "h2b", "x-9", "x-10", "H3",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "H3", "a", "h", "h1", "h2", "h02", "h2b", "h10", "x-9", "x-10"
            ]
        );
    }

    #[test]
    fn a_backslash_cannot_fake_an_escape() {
        assert_eq!(visible("\\e"), "\\\\e");
    }

    #[test]
    fn binary_bodies_are_hex() {
        assert_eq!(body_preview(&[0x00, 0xff, 0x10]), "hex 00 ff 10");
        assert_eq!(body_preview(b"Hello World!"), "Hello World!");
    }

    #[test]
    fn long_bodies_are_cut() {
        let long = "x".repeat(PREVIEW_CHARS * 2);
        let preview = body_preview(long.as_bytes());
        assert_eq!(preview.chars().count(), PREVIEW_CHARS + 1);
        assert!(preview.ends_with('…'));
        let binary = vec![0xffu8; 10_000];
        assert!(body_preview(&binary).ends_with(" …"));
        // A multi-byte character straddling the examined head is still text.
        let euros = "€".repeat(PREVIEW_CHARS * 2);
        let preview = body_preview(euros.as_bytes());
        assert!(
            preview.starts_with("€€€") && preview.ends_with('…'),
            "{preview}"
        );
    }

    #[test]
    fn sizes_are_human() {
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(4096), "4.0 KiB");
        assert_eq!(human_size(3 * 1024 * 1024 / 2), "1.5 MiB");
    }
}
