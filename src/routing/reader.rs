//! Reads the one-line binding syntax described in [`super::syntax`].

use super::{quote, syntax::SHORT_MAX, syntax::name_text};
use crate::session::{Table, Value};

/// The type names a value may start with, as in `i32:5`.
const PREFIXES: [&str; 12] = [
    "i8",
    "u8",
    "i16",
    "u16",
    "i32",
    "u32",
    "i64",
    "f32",
    "f64",
    "timestamp",
    "decimal",
    "bytes",
];

/// An optional "-" and digits.
fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// An integer, ".", digits: what a double looks like here without `f64:`.
pub(super) fn is_fraction(text: &str) -> bool {
    text.split_once('.').is_some_and(|(int, frac)| {
        is_integer(int) && !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit())
    })
}

/// A value written without quotes or brackets.
pub(super) fn scalar(token: &str) -> Result<Value, String> {
    match token {
        "true" => return Ok(Value::Bool(true)),
        "false" => return Ok(Value::Bool(false)),
        "void" => return Ok(Value::Void),
        _ => {}
    }
    if is_integer(token) {
        return token.parse().map(Value::I64).map_err(|_| {
            format!("{token} does not fit in a 64-bit integer: quote it to send it as text")
        });
    }
    if is_fraction(token) {
        return token
            .parse::<f64>()
            .map(|f| Value::F64Bits(f.to_bits()))
            .map_err(|_| format!("{token} is not a number"));
    }
    if let Some((prefix, rest)) = token.split_once(':')
        && PREFIXES.contains(&prefix)
    {
        return typed(prefix, rest.trim())
            .ok_or_else(|| format!("{token} is not a valid {prefix}"));
    }
    Ok(Value::LongString(token.as_bytes().to_vec()))
}

fn typed(prefix: &str, text: &str) -> Option<Value> {
    Some(match prefix {
        "i8" => Value::I8(text.parse().ok()?),
        "u8" => Value::U8(text.parse().ok()?),
        "i16" => Value::I16(text.parse().ok()?),
        "u16" => Value::U16(text.parse().ok()?),
        "i32" => Value::I32(text.parse().ok()?),
        "u32" => Value::U32(text.parse().ok()?),
        "i64" => Value::I64(text.parse().ok()?),
        "f32" => Value::F32Bits(text.parse::<f32>().ok()?.to_bits()),
        "f64" => Value::F64Bits(text.parse::<f64>().ok()?.to_bits()),
        "timestamp" => Value::Timestamp(text.parse().ok()?),
        "decimal" => {
            let (int, frac) = text.split_once('.').unwrap_or((text, ""));
            let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
            if int.is_empty() || !all_digits(int) || !all_digits(frac) {
                return None;
            }
            Value::Decimal {
                scale: frac.len().try_into().ok()?,
                value: format!("{int}{frac}").parse().ok()?,
            }
        }
        "bytes" => {
            if !text.len().is_multiple_of(2) || !text.is_ascii() {
                return None;
            }
            let pairs = (0..text.len()).step_by(2);
            Value::ByteArray(
                pairs
                    .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
                    .collect::<Option<_>>()?,
            )
        }
        _ => return None,
    })
}

/// A recursive-descent reader over what is left of the line.
pub(super) struct Parser<'a> {
    pub(super) rest: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.rest.chars().next()
    }

    fn bump(&mut self) {
        let mut chars = self.rest.chars();
        chars.next();
        self.rest = chars.as_str();
    }

    fn skip_spaces(&mut self) {
        self.rest = self.rest.trim_start();
    }

    /// Text up to a top-level "," or `close` (or `stop`), trimmed.
    fn token(&mut self, close: Option<char>, stop: Option<char>) -> &str {
        let end = self
            .rest
            .find(|c| c == ',' || Some(c) == close || Some(c) == stop)
            .unwrap_or(self.rest.len());
        let (token, rest) = self.rest.split_at(end);
        self.rest = rest;
        token.trim()
    }

    /// `name[=value]` items separated by commas, up to `close` or the end of the line.
    pub(super) fn items(&mut self, close: Option<char>) -> Result<Table, String> {
        let mut table: Table = Vec::new();
        loop {
            self.skip_spaces();
            match self.peek() {
                None => match close {
                    Some(c) => return Err(format!("missing \"{c}\" to close the table")),
                    None => return Ok(table),
                },
                Some(c) if Some(c) == close => {
                    self.bump();
                    return Ok(table);
                }
                // Empty items, like a trailing comma, are forgiven.
                Some(',') => {
                    self.bump();
                    continue;
                }
                Some(_) => {}
            }
            let name = self.name(close)?;
            self.skip_spaces();
            let value = if self.peek() == Some('=') {
                self.bump();
                self.skip_spaces();
                match self.peek() {
                    None | Some(',') => return Err(no_value(&name)),
                    Some(c) if Some(c) == close => return Err(no_value(&name)),
                    Some(_) => self.value(close)?,
                }
            } else {
                Value::Void
            };
            self.end_of_item(close)?;
            if table.iter().any(|(k, _)| *k == name) {
                return Err(format!("{} appears twice", quote(&name)));
            }
            table.push((name, value));
        }
    }

    fn name(&mut self, close: Option<char>) -> Result<String, String> {
        let name = if self.peek() == Some('"') {
            let bytes = self.quoted()?;
            String::from_utf8(bytes).map_err(|_| "an argument name must be UTF-8".to_string())?
        } else {
            let name = self.token(close, Some('='));
            if name.is_empty() {
                return Err("an argument needs a name before \"=\"".into());
            }
            name.to_string()
        };
        if name.len() > SHORT_MAX {
            return Err(format!(
                "the name {}… is {} bytes; AMQP allows at most {SHORT_MAX}",
                quote(&name.chars().take(20).collect::<String>()),
                name.len()
            ));
        }
        Ok(name)
    }

    fn value(&mut self, close: Option<char>) -> Result<Value, String> {
        match self.peek() {
            Some('"') => Ok(Value::LongString(self.quoted()?)),
            Some('[') => {
                self.bump();
                self.array()
            }
            Some('{') => {
                self.bump();
                self.items(Some('}')).map(Value::Table)
            }
            _ => match self.token(close, None) {
                "" => Err("a value is missing between commas".into()),
                token => scalar(token),
            },
        }
    }

    fn array(&mut self) -> Result<Value, String> {
        let mut items = Vec::new();
        loop {
            self.skip_spaces();
            match self.peek() {
                None => return Err("missing \"]\" to close the array".into()),
                Some(']') => {
                    self.bump();
                    return Ok(Value::Array(items));
                }
                Some(_) => items.push(self.value(Some(']'))?),
            }
            self.skip_spaces();
            match self.peek() {
                Some(',') => self.bump(),
                Some(']') | None => {}
                Some(c) => return Err(format!("unexpected \"{c}\" in an array")),
            }
        }
    }

    /// After a value: only spaces, then a ",", `close` or the end.
    fn end_of_item(&mut self, close: Option<char>) -> Result<(), String> {
        self.skip_spaces();
        match self.peek() {
            None | Some(',') => Ok(()),
            Some(c) if Some(c) == close => Ok(()),
            Some(_) => Err(format!(
                "unexpected {} after a value: separate arguments with \",\"",
                quote(self.token(close, None))
            )),
        }
    }

    /// A `"..."` string with its escapes; the opening quote is next.
    fn quoted(&mut self) -> Result<Vec<u8>, String> {
        self.bump();
        let mut out = Vec::new();
        let mut chars = self.rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.rest = &self.rest[i + 1..];
                    return Ok(out);
                }
                '\\' => match chars.next().map(|(_, c)| c) {
                    Some('"') => out.push(b'"'),
                    Some('\\') => out.push(b'\\'),
                    Some('n') => out.push(b'\n'),
                    Some('r') => out.push(b'\r'),
                    Some('t') => out.push(b'\t'),
                    Some('x') => {
                        let hex: String = chars.by_ref().take(2).map(|(_, c)| c).collect();
                        let byte = u8::from_str_radix(&hex, 16)
                            .ok()
                            .filter(|_| hex.len() == 2)
                            .ok_or_else(|| format!("\\x{hex} needs two hex digits"))?;
                        out.push(byte);
                    }
                    Some('u') => {
                        let spelled: String = chars
                            .by_ref()
                            .map(|(_, c)| c)
                            .take_while(|c| *c != '}')
                            .collect();
                        let c = spelled
                            .strip_prefix('{')
                            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                            .and_then(char::from_u32)
                            .ok_or("\\u needs a code point like \\u{202e}")?;
                        push(&mut out, c);
                    }
                    Some(other) => return Err(format!("unknown escape \\{other}")),
                    None => break,
                },
                c => push(&mut out, c),
            }
        }
        Err("missing closing quote".into())
    }
}

fn push(out: &mut Vec<u8>, c: char) {
    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
}

fn no_value(name: &str) -> String {
    format!(
        "{n}= has no value: write {n}=\"\" for an empty string, or just {n} to match on \
         presence",
        n = name_text(name)
    )
}
