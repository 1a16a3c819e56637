//! Basic properties and header tables as text. Every string that came from the network
//! goes through `text::visible`; every header value says its AMQP type, since a
//! consumer that expects `long` and gets `longstr` is a common routing-debugging find.

use std::fmt::Write;

use chrono::DateTime;
use ratatui::text::{Line, Span};

use crate::{
    session::properties::{Properties, Table, Value},
    text::{natural_cmp, visible},
    ui::theme,
};

/// Nesting shown before a table or array is cut to `…`. Also bounds the recursion here.
const MAX_DEPTH: usize = 32;
/// Characters of a string value, and bytes of a binary one, shown before `…`.
const MAX_VALUE_CHARS: usize = 256;
const MAX_VALUE_BYTES: usize = 64;

/// `(label, value)` for every property that is set, in the protocol's order. Labels are
/// the AMQP names; `headers` only says how many there are (see `header_lines`).
pub fn property_lines(p: &Properties) -> Vec<(&'static str, String)> {
    let text = |value: &Option<String>| value.as_deref().map(visible);
    let candidates = [
        ("content-type", text(&p.content_type)),
        ("content-encoding", text(&p.content_encoding)),
        (
            "headers",
            p.headers
                .as_ref()
                .map(|h| count(h.len(), "entry", "entries")),
        ),
        ("delivery-mode", p.delivery_mode.map(delivery_mode)),
        ("priority", p.priority.map(|v| v.to_string())),
        ("correlation-id", text(&p.correlation_id)),
        ("reply-to", text(&p.reply_to)),
        ("expiration", p.expiration.as_deref().map(expiration_text)),
        ("message-id", text(&p.message_id)),
        ("timestamp", p.timestamp.map(timestamp)),
        ("type", text(&p.kind)),
        ("user-id", text(&p.user_id)),
        ("app-id", text(&p.app_id)),
    ];
    candidates
        .into_iter()
        .filter_map(|(label, value)| Some((label, value?)))
        .collect()
}

fn delivery_mode(mode: u8) -> String {
    match mode {
        1 => "1 (transient)".to_string(),
        2 => "2 (persistent)".to_string(),
        other => format!("{other} (not 1 or 2)"),
    }
}

/// The protocol carries the TTL as a string; say the unit when it is a number.
fn expiration_text(expiration: &str) -> String {
    if !expiration.is_empty() && expiration.bytes().all(|b| b.is_ascii_digit()) {
        format!("{expiration} ms")
    } else {
        visible(expiration)
    }
}

/// `1700000000 (2023-11-14 22:13:20 UTC)`.
fn timestamp(seconds: u64) -> String {
    let date = i64::try_from(seconds)
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .map_or_else(
            || "out of range".to_string(),
            |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        );
    format!("{seconds} ({date})")
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One line per entry, nested tables and arrays indented under their parent:
/// `x-death: array[1]`, `  [0] table`, `    count: long 1`. At most [`MAX_LINES`] of
/// them, then one saying how many more there are.
pub fn header_lines(table: &Table) -> Vec<Line<'static>> {
    let mut lines = HeaderLines::default();
    lines.table(table, 0);
    let mut out = lines.out;
    if lines.unshown > 0 {
        out.push(Line::styled(
            format!("… {} more header lines", lines.unshown),
            theme::DIM,
        ));
    }
    out
}

/// Header lines drawn in the message view. A frame of 128 KiB holds ~130,000 values, and
/// the view is rebuilt on every scroll.
pub const MAX_LINES: usize = 1_000;

#[derive(Default)]
struct HeaderLines {
    out: Vec<Line<'static>>,
    /// Lines past `MAX_LINES`, counted but not built.
    unshown: usize,
}

impl HeaderLines {
    fn add(&mut self, line: impl FnOnce() -> Line<'static>) {
        if self.out.len() < MAX_LINES {
            self.out.push(line());
        } else {
            self.unshown += 1;
        }
    }

    /// Entries in natural order (`h2` before `h10`): the broker's tables come sorted as
    /// text, which puts `h10` first.
    fn table(&mut self, table: &Table, depth: usize) {
        let mut entries: Vec<&(String, Value)> = table.iter().collect();
        entries.sort_by(|a, b| natural_cmp(&a.0, &b.0));
        for (key, value) in entries {
            self.entry(&|| format!("{}: ", visible(key)), value, depth);
        }
    }

    /// `name` is only called for lines that are drawn.
    fn entry(&mut self, name: &dyn Fn() -> String, value: &Value, depth: usize) {
        let indent = || "  ".repeat(depth);
        self.add(|| {
            let (kind, shown) = describe(value);
            let mut spans = vec![
                Span::styled(format!("{}{}", indent(), name()), theme::LABEL),
                Span::styled(kind, theme::DIM),
            ];
            if !shown.is_empty() {
                spans.push(Span::raw(format!(" {shown}")));
            }
            Line::from(spans)
        });
        let has_children = match value {
            Value::Table(table) => !table.is_empty(),
            Value::Array(items) => !items.is_empty(),
            _ => false,
        };
        if has_children && depth + 1 >= MAX_DEPTH {
            self.add(|| Line::styled(format!("{}  …", indent()), theme::DIM));
            return;
        }
        match value {
            Value::Table(table) => self.table(table, depth + 1),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.entry(&|| format!("[{i}] "), item, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// The AMQP type, in RabbitMQ's names, and the value as safe text.
fn describe(value: &Value) -> (String, String) {
    let (kind, shown) = match value {
        Value::Bool(v) => ("bool", v.to_string()),
        Value::I8(v) => ("byte", v.to_string()),
        Value::U8(v) => ("unsignedbyte", v.to_string()),
        Value::I16(v) => ("short", v.to_string()),
        Value::U16(v) => ("unsignedshort", v.to_string()),
        Value::I32(v) => ("signedint", v.to_string()),
        Value::U32(v) => ("unsignedint", v.to_string()),
        Value::I64(v) => ("long", v.to_string()),
        Value::F32Bits(bits) => ("float", f32::from_bits(*bits).to_string()),
        Value::F64Bits(bits) => ("double", f64::from_bits(*bits).to_string()),
        Value::Decimal { scale, value } => ("decimal", decimal(*scale, *value)),
        Value::ShortString(s) => ("shortstr", quoted(s)),
        Value::LongString(bytes) => match std::str::from_utf8(bytes) {
            Ok(s) => ("longstr", quoted(s)),
            Err(_) => ("longstr", hex(bytes)),
        },
        Value::Array(items) => return (format!("array[{}]", items.len()), String::new()),
        Value::Timestamp(seconds) => ("timestamp", timestamp(*seconds)),
        Value::Table(table) if table.is_empty() => ("table", "(empty)".to_string()),
        Value::Table(_) => ("table", String::new()),
        Value::ByteArray(bytes) => ("bytes", hex(bytes)),
        Value::Void => ("void", String::new()),
    };
    (kind.to_string(), shown)
}

/// `value × 10^-scale` written out exactly: scale 2, value 1999 is `19.99`.
fn decimal(scale: u8, value: u32) -> String {
    let digits = value.to_string();
    let scale = usize::from(scale);
    if scale == 0 {
        return digits;
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!("{whole}.{fraction}")
}

fn quoted(s: &str) -> String {
    let head: String = s.chars().take(MAX_VALUE_CHARS).collect();
    if head.len() < s.len() {
        format!("\"{}\"… ({} bytes)", visible(&head), s.len())
    } else {
        format!("\"{}\"", visible(&head))
    }
}

/// `hex ff 00 61`, then `… (N bytes)` past the first few.
fn hex(bytes: &[u8]) -> String {
    let mut out = String::from("hex");
    for byte in bytes.iter().take(MAX_VALUE_BYTES) {
        let _ = write!(out, " {byte:02x}");
    }
    if bytes.len() > MAX_VALUE_BYTES {
        let _ = write!(out, " … ({} bytes)", bytes.len());
    }
    out
}

#[cfg(test)]
#[path = "headers_tests.rs"]
mod tests;
