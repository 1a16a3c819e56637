//! Making untrusted bytes safe to draw. Anything from the network passes through here
//! before it reaches a terminal cell: control characters, escape sequences and bidi
//! overrides are shown as visible escapes, never executed.

use std::fmt::Write;

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
    for (n, c) in s.chars().enumerate() {
        if n >= max_chars {
            return false;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x1b' => out.push_str("\\e"),
            '\\' => out.push_str("\\\\"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    true
}

/// C0 and C1 controls, DEL, and the characters that reorder or hide text.
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
