//! A message body as lines for the screen: text, pretty JSON or a hex dump. Pure and
//! bounded: the work done is proportional to `width × max_lines`, never to the body, so a
//! 128 MiB body costs what its first screen costs.

use std::fmt::Write;

use ratatui::{
    style::{Color, Style},
    text::{Line, Span},
};

use super::{json, rows::Rows};
use crate::{
    text::{human_size, is_unsafe_at, visible},
    ui::theme,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyView {
    Text,
    Json,
    Hex,
}

/// Escapes in text stand out from the characters around them.
const ESCAPE: Style = Style::new().fg(Color::Red);
const NOTE: Style = Style::new().fg(Color::Yellow);

/// Hexdump's classic 16-byte row is 78 columns wide; narrower screens get 8-byte rows.
const WIDE_HEX_COLUMNS: u16 = 78;

/// How much of a body is examined to choose a view.
const SNIFF_BYTES: usize = 64 * 1024;

/// JSON when the content type says so or the body (its first MiB, for big ones) parses
/// as JSON; text when it is UTF-8; hex otherwise.
pub fn best_view(body: &[u8], content_type: Option<&str>) -> BodyView {
    if content_type.is_some_and(says_json) || json::check(body, json::MIN_CHECK_BYTES).is_ok() {
        BodyView::Json
    } else if looks_like_text(body) {
        BodyView::Text
    } else {
        BodyView::Hex
    }
}

/// `application/json`, `application/problem+json; charset=utf-8`, `text/json`.
fn says_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let essence = essence.to_ascii_lowercase();
    essence.ends_with("/json") || essence.ends_with("+json")
}

/// Only the head is examined, as in `text::body_preview`: a big body is judged by how it
/// starts.
fn looks_like_text(body: &[u8]) -> bool {
    is_utf8(&body[..body.len().min(SNIFF_BYTES)], body.len())
}

/// At most `max_lines` rows of at most `width` columns (the caller draws them without
/// wrapping), then one dim line saying how much is left out, if anything is.
pub fn render(body: &[u8], view: BodyView, width: u16, max_lines: usize) -> Vec<Line<'static>> {
    if body.is_empty() {
        return vec![Line::styled("(empty body)", theme::DIM)];
    }
    let budget = super::rows::input_budget(width, max_lines);
    match view {
        BodyView::Text => text(body, width, max_lines),
        BodyView::Hex => hex(body, width, max_lines),
        BodyView::Json => match json::check(body, budget.max(json::MIN_CHECK_BYTES)) {
            Ok(checked) => {
                let mut rows = Rows::new(width, max_lines);
                let shown = json::format(checked, &mut rows);
                rows.finish(body.len() - shown)
            }
            Err(why) => {
                let mut lines = vec![Line::styled(visible(&why), NOTE)];
                lines.extend(text(body, width, max_lines.saturating_sub(1)));
                lines
            }
        },
    }
}

/// UTF-8 split on `\n`; invalid bytes as `\xNN`, everything unsafe through `visible`.
/// A first line says so when the part on screen is not UTF-8: `\xff` alone could be text.
fn text(body: &[u8], width: u16, max_lines: usize) -> Vec<Line<'static>> {
    // Rows fill up before the end of this head, so a character cut by it is never shown.
    let head = &body[..body.len().min(super::rows::input_budget(width, max_lines))];
    let mut lines = Vec::new();
    let mut max_lines = max_lines;
    if max_lines > 1 && !is_utf8(head, body.len()) {
        lines.push(Line::styled(NOT_UTF8, NOTE));
        max_lines -= 1;
    }
    let mut rows = Rows::new(width, max_lines);
    let shown = push_text(head, &mut rows);
    lines.extend(rows.finish(body.len() - shown));
    lines
}

const NOT_UTF8: &str = "not valid UTF-8: invalid bytes are shown as \\xNN (v switches to hex)";

/// Whether `head`, the start of a body `total` bytes long, is UTF-8 as far as it goes.
fn is_utf8(head: &[u8], total: usize) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        // A character cut in two by the end of the head is not a reason to say otherwise.
        Err(err) => err.error_len().is_none() && head.len() < total,
    }
}

/// Returns how many bytes of `head` made it into `rows`.
fn push_text(head: &[u8], rows: &mut Rows) -> usize {
    let mut shown = 0;
    let mut buf = [0u8; 4];
    for chunk in head.utf8_chunks() {
        let valid = chunk.valid();
        for (at, c) in valid.char_indices() {
            let placed = match c {
                '\n' => rows.newline(),
                // Per character rather than per line, so that an escape is never cut in
                // two by the end of a row.
                c if c == '\\' || is_unsafe_at(valid, at, c) => {
                    rows.push(&visible(c.encode_utf8(&mut buf)), ESCAPE)
                }
                c => rows.push(c.encode_utf8(&mut buf), Style::new()),
            };
            if !placed {
                return shown;
            }
            shown += c.len_utf8();
        }
        for byte in chunk.invalid() {
            if !rows.push(&format!("\\x{byte:02x}"), ESCAPE) {
                return shown;
            }
            shown += 1;
        }
    }
    shown
}

/// `00000000  48 65 6c 6c 6f 0a        |Hello.|`, like `hexdump -C`. Only printable
/// ASCII reaches the gutter; everything else is a dot.
fn hex(body: &[u8], width: u16, max_lines: usize) -> Vec<Line<'static>> {
    let per_row = if width >= WIDE_HEX_COLUMNS { 16 } else { 8 };
    let mut lines: Vec<Line<'static>> = body
        .chunks(per_row)
        .take(max_lines)
        .enumerate()
        .map(|(n, chunk)| hex_row(n * per_row, chunk, per_row))
        .collect();
    let total_rows = body.len().div_ceil(per_row);
    if total_rows > lines.len() {
        let unshown = body.len() - lines.len() * per_row;
        lines.push(Line::styled(
            format!(
                "… {} more lines ({} more)",
                total_rows - lines.len(),
                human_size(unshown)
            ),
            theme::DIM,
        ));
    }
    lines
}

fn hex_row(offset: usize, chunk: &[u8], per_row: usize) -> Line<'static> {
    let mut bytes = String::with_capacity(per_row * 3 + 2);
    for i in 0..per_row {
        match chunk.get(i) {
            Some(byte) => {
                let _ = write!(bytes, "{byte:02x} ");
            }
            None => bytes.push_str("   "),
        }
        if i == 7 && per_row == 16 {
            bytes.push(' ');
        }
    }
    let ascii: String = chunk
        .iter()
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                char::from(b)
            } else {
                '.'
            }
        })
        .collect();
    Line::from(vec![
        Span::styled(format!("{offset:08x}  "), theme::DIM),
        Span::raw(bytes),
        Span::styled(" |", theme::DIM),
        Span::raw(ascii),
        Span::styled("|", theme::DIM),
    ])
}

#[cfg(test)]
#[path = "body_tests.rs"]
mod tests;
