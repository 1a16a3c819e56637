//! One line of text for a binding, both ways.
//!
//! Direct and topic: the routing key, as typed. Fanout: nothing (the key is ignored).
//! Headers: `x-match=any, format=pdf, size=10, urgent`, where a value is
//!
//! * `true` / `false`: a boolean;
//! * an integer like `10` or `-3`: a 64-bit signed integer (`long`), and a number with a
//!   fraction like `1.5`: a double. That is what the management UI and `rabbitmqadmin`
//!   send, since the HTTP API turns JSON numbers into `long` and `double`
//!   (`rabbit_mgmt_format.erl`, `type_val/1`);
//! * `"..."`: a long string, with `\"`, `\\`, `\n`, `\r`, `\t`, `\xNN` and `\u{...}`;
//! * `i8:` `u8:` `i16:` `u16:` `i32:` `u32:` `i64:` `f32:` `f64:` `timestamp:`
//!   `decimal:` `bytes:` (hex) followed by the value: that exact AMQP type;
//! * `[a, b]`: an array; `{name=value, ...}`: a table;
//! * `void`, or a name with no `=` at all: void, which asks only that the header exist;
//! * anything else: a long string of the text, trimmed.

use std::fmt::Write;

use super::{
    headers::x_match,
    reader::{Parser, is_fraction, scalar},
};
use crate::{
    amqp::{Binding, ExchangeType},
    session::{Table, Value},
};

/// AMQP short strings (routing keys, table names) hold at most 255 bytes.
pub(super) const SHORT_MAX: usize = 255;

/// Reads what the user typed for a binding of an exchange of this type.
pub fn parse_binding(exchange_type: ExchangeType, text: &str) -> Result<Binding, String> {
    match exchange_type {
        ExchangeType::Direct | ExchangeType::Topic => {
            if text.len() > SHORT_MAX {
                return Err(format!(
                    "the routing key is {} bytes; AMQP allows at most {SHORT_MAX}",
                    text.len()
                ));
            }
            Ok(Binding::key(text))
        }
        ExchangeType::Fanout => Ok(Binding::default()),
        ExchangeType::Headers => {
            let mut parser = Parser { rest: text };
            let arguments = parser.items(None)?;
            x_match(&arguments)?;
            Ok(Binding {
                key: String::new(),
                arguments,
            })
        }
    }
}

/// The text [`parse_binding`] reads back into the same binding (a short string comes
/// back as a long string). Headers come out safe to draw; a direct or topic key comes
/// out as it is, so draw it through [`crate::text::visible`].
pub fn format_binding(exchange_type: ExchangeType, binding: &Binding) -> String {
    match exchange_type {
        ExchangeType::Direct | ExchangeType::Topic => binding.key.clone(),
        ExchangeType::Fanout => String::new(),
        ExchangeType::Headers => items_text(&binding.arguments),
    }
}

/// A value in a reason: like [`value_text`], but text is always quoted so it reads as
/// text next to names.
pub(super) fn shown(value: &Value) -> String {
    match value {
        Value::LongString(b) => quote_bytes(b),
        other => value_text(other),
    }
}

fn items_text(table: &Table) -> String {
    let items: Vec<String> = table
        .iter()
        .map(|(name, value)| match value {
            Value::Void => name_text(name),
            other => format!("{}={}", name_text(name), value_text(other)),
        })
        .collect();
    items.join(", ")
}

pub(super) fn name_text(name: &str) -> String {
    let plain = !name.is_empty()
        && name.trim() == name
        && !name.contains(['=', ',', '"', '\\', '[', ']', '{', '}'])
        && !name.chars().any(crate::text::is_unsafe);
    if plain {
        name.to_string()
    } else {
        quote_bytes(name.as_bytes())
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::I8(v) => format!("i8:{v}"),
        Value::U8(v) => format!("u8:{v}"),
        Value::I16(v) => format!("i16:{v}"),
        Value::U16(v) => format!("u16:{v}"),
        Value::I32(v) => format!("i32:{v}"),
        Value::U32(v) => format!("u32:{v}"),
        Value::I64(v) => v.to_string(),
        Value::F32Bits(bits) => format!("f32:{:?}", f32::from_bits(*bits)),
        Value::F64Bits(bits) => {
            // `{:?}` keeps the ".0" that tells a double from an integer.
            let text = format!("{:?}", f64::from_bits(*bits));
            if is_fraction(&text) {
                text
            } else {
                format!("f64:{text}")
            }
        }
        Value::Decimal { scale, value } => format!("decimal:{}", decimal_text(*scale, *value)),
        // RabbitMQ has no table type for it (see `term`): it reads back as a long string.
        Value::ShortString(s) => quote_bytes(s.as_bytes()),
        Value::LongString(b) => match std::str::from_utf8(b) {
            Ok(text) if is_plain_text(text) => text.to_string(),
            _ => quote_bytes(b),
        },
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(value_text).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Timestamp(t) => format!("timestamp:{t}"),
        Value::Table(table) => format!("{{{}}}", items_text(table)),
        Value::ByteArray(b) => {
            let mut out = String::from("bytes:");
            for byte in b {
                let _ = write!(out, "{byte:02x}");
            }
            out
        }
        Value::Void => "void".into(),
    }
}

/// Text that reads back as itself without quotes.
fn is_plain_text(text: &str) -> bool {
    !text.is_empty()
        && text.trim() == text
        && !text.contains([',', '"', '\\', '[', ']', '{', '}'])
        && !text.chars().any(crate::text::is_unsafe)
        && matches!(scalar(text), Ok(Value::LongString(_)))
}

fn decimal_text(scale: u8, value: u32) -> String {
    let digits = format!("{value:0>width$}", width = usize::from(scale) + 1);
    let (int, frac) = digits.split_at(digits.len() - usize::from(scale));
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

fn quote_bytes(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if crate::text::is_unsafe(c) => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
                c => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
#[path = "syntax_tests.rs"]
mod tests;
