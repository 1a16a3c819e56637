//! JSON bodies: checked by serde_json, pretty-printed by a small streaming formatter.
//!
//! The formatter works on the body's own bytes instead of a parsed `serde_json::Value`:
//! it stops as soon as the screen is full, numbers stay exactly as written (a
//! `serde_json::Value` would round `12345678901234567890123` to a float), and nothing
//! recurses, so nesting depth cannot reach the stack.

use std::fmt::{self, Write};

use ratatui::style::{Color, Style};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::rows::Rows;
use crate::text::is_unsafe_at;

const KEY: Style = Style::new().fg(Color::Cyan);
const STRING: Style = Style::new().fg(Color::Green);
const NUMBER: Style = Style::new().fg(Color::Magenta);
const LITERAL: Style = Style::new().fg(Color::Yellow);
const PUNCT: Style = Style::new();
const ESCAPE: Style = Style::new().fg(Color::Red);

/// Bodies are checked up to at least this many bytes, so that whitespace-heavy JSON
/// still fills a screen; past it, only as much as the screen could show.
pub(super) const MIN_CHECK_BYTES: usize = 1 << 20;

/// The longest prefix of `body` worth formatting (at most `budget` bytes), or a line for
/// the user saying why it is not shown as JSON. A prefix that is fine but for ending early
/// counts as JSON: the rest is never shown, so it need not be read.
pub(super) fn check(body: &[u8], budget: usize) -> Result<&[u8], String> {
    let head = &body[..body.len().min(budget)];
    match serde_json::from_slice::<Checked>(head) {
        Ok(Checked) => Ok(head),
        Err(err) if err.is_eof() && head.len() < body.len() => Ok(head),
        // Deep nesting may well be valid JSON: "not JSON" would be wrong.
        Err(err) if err.to_string().starts_with(RECURSION_LIMIT) => Err(format!(
            "JSON nested too deep to format (over {MAX_DEPTH} levels at line {}, column {}): \
             shown as text",
            err.line(),
            err.column()
        )),
        Err(err) => Err(format!("not JSON: {err}")),
    }
}

/// How serde_json words its depth error, and the depth it allows.
const RECURSION_LIMIT: &str = "recursion limit exceeded";
const MAX_DEPTH: usize = 128;

/// Deserializing this reads every value through `deserialize_any`, which is where
/// serde_json enforces its recursion limit (128). `IgnoredAny` would not do: serde_json
/// skips it with a heap stack and no limit, so 100,000 nested `[` would be "valid".
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CheckedVisitor)
    }
}

struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        // Keys are always strings in JSON: skipping them cannot recurse.
        while map.next_entry::<IgnoredAny, Checked>()?.is_some() {}
        Ok(Checked)
    }
}

/// Pretty-prints `src` (two-space indent) into `rows` until they are full. Returns how
/// many bytes of `src` were shown, counting from the start of the first token left out.
pub(super) fn format(src: &[u8], rows: &mut Rows) -> usize {
    let mut depth = 0usize;
    let mut i = skip_ws(src, 0);
    while let Some(&byte) = src.get(i) {
        let start = i;
        let placed = match byte {
            b'{' | b'[' => {
                let (open, empty, close) = if byte == b'{' {
                    ("{", "{}", b'}')
                } else {
                    ("[", "[]", b']')
                };
                let next = skip_ws(src, i + 1);
                if src.get(next) == Some(&close) {
                    i = next + 1;
                    rows.push(empty, PUNCT)
                } else {
                    i += 1;
                    depth += 1;
                    rows.push(open, PUNCT) && line_break(rows, depth)
                }
            }
            b'}' | b']' => {
                i += 1;
                depth = depth.saturating_sub(1);
                let close = if byte == b'}' { "}" } else { "]" };
                line_break(rows, depth) && rows.push(close, PUNCT)
            }
            b',' => {
                i += 1;
                rows.push(",", PUNCT) && line_break(rows, depth)
            }
            b':' => {
                i += 1;
                rows.push(": ", PUNCT)
            }
            b'"' => {
                i = string_end(src, i);
                let is_key = src.get(skip_ws(src, i)) == Some(&b':');
                push_token(rows, &src[start..i], if is_key { KEY } else { STRING })
            }
            _ => {
                i = bare_end(src, i);
                let token = &src[start..i];
                let style = match token.first() {
                    Some(b't' | b'f' | b'n') => LITERAL,
                    _ => NUMBER,
                };
                push_token(rows, token, style)
            }
        };
        if !placed {
            return start;
        }
        i = skip_ws(src, i);
    }
    src.len()
}

fn line_break(rows: &mut Rows, depth: usize) -> bool {
    rows.newline() && (0..depth).all(|_| rows.push("  ", PUNCT))
}

/// A token shown as written in the body: JSON's own escapes (`\n`, `\u001b`) are already
/// visible text. Only raw characters that JSON allows but a terminal must not receive
/// (C1 controls, DEL, bidi overrides) are rewritten, as JSON `\uXXXX` escapes.
/// `text::visible` would double every backslash the body already has.
fn push_token(rows: &mut Rows, token: &[u8], style: Style) -> bool {
    let mut buf = [0u8; 4];
    for chunk in token.utf8_chunks() {
        let valid = chunk.valid();
        for (at, c) in valid.char_indices() {
            let placed = if is_unsafe_at(valid, at, c) {
                let mut escape = String::new();
                for unit in c.encode_utf16(&mut [0u16; 2]) {
                    let _ = write!(escape, "\\u{unit:04x}");
                }
                rows.push(&escape, ESCAPE)
            } else {
                rows.push(c.encode_utf8(&mut buf), style)
            };
            if !placed {
                return false;
            }
        }
        // Checked JSON is UTF-8; this is for a prefix cut inside a character.
        for byte in chunk.invalid() {
            if !rows.push(&format!("\\x{byte:02x}"), ESCAPE) {
                return false;
            }
        }
    }
    true
}

fn skip_ws(src: &[u8], mut i: usize) -> usize {
    while matches!(src.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Just past the closing quote of the string opening at `start`, or the end of `src`.
fn string_end(src: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(&byte) = src.get(i) {
        match byte {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    src.len()
}

/// The end of a number or `true`/`false`/`null`. Always past `start`, so the formatter
/// moves forward on any input.
fn bare_end(src: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(byte) = src.get(i) {
        if matches!(
            byte,
            b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'}' | b'[' | b']' | b',' | b':' | b'"'
        ) {
            break;
        }
        i += 1;
    }
    i
}
