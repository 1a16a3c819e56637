//! A message's properties and headers as plain data: every basic property and header value,
//! exactly as it travelled, so it can be shown, edited, exported and replayed byte for byte.
//! RabbitMQ keeps every message in this model whatever protocol brought it (an MQTT
//! publish arrives with `x-mqtt-publish-qos`, STOMP headers become headers), so it is the
//! vocabulary every protocol shares.

use serde::{Deserialize, Serialize};

/// A header table in the broker's order (AMQP tables are keyed; lapin keeps them sorted).
pub type Table = Vec<(String, Value)>;

/// Tables and arrays nested deeper than this arrive as [`Value::Void`]. Cloning, comparing,
/// exporting and dropping a `Value` all recurse, so a peer could otherwise pick the depth
/// that overflows our stack (a frame of 128 KiB holds ~18,000 levels). Real headers nest
/// a few levels (`x-death` is three); the message view shows 32. At 40, every table an
/// export writes can be loaded back: each level costs three of serde_json's 128.
pub const MAX_NESTING: usize = 40;

/// An AMQP field value. Floats are kept as their bits so that a replay is exact and the
/// type stays `Eq`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    Bool(bool),
    I8(i8),
    U8(u8),
    I16(i16),
    U16(u16),
    I32(i32),
    U32(u32),
    I64(i64),
    F32Bits(u32),
    F64Bits(u64),
    Decimal {
        scale: u8,
        value: u32,
    },
    /// Deprecated in AMQP 0-9-1 tables, but brokers and old clients still send it.
    ShortString(String),
    /// Bytes: RabbitMQ's "longstr" carries any binary, not only UTF-8.
    LongString(Vec<u8>),
    Array(Vec<Value>),
    Timestamp(u64),
    Table(Table),
    ByteArray(Vec<u8>),
    Void,
}

/// The basic properties a publisher can set (all but the deprecated cluster-id).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Properties {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<Table>,
    /// 1 transient, 2 persistent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_mode: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// Per-message TTL in milliseconds, as a string (the protocol's choice).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// Seconds since the Unix epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<u64>,
    /// The `type` property.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
}

/// Every kind of value, with the edges a round trip can lose: NaN payloads, extreme
/// integers, unsafe characters, binary strings, nesting. Shared by the tests that claim
/// "byte for byte".
/// A header value from JSON. Integers become 32-bit when they fit and 64-bit otherwise
/// (as pika sends them), other numbers doubles, strings long strings, `null` void: how
/// the form's typed headers and the management API's binding arguments both read.
pub fn value_from_json(json: serde_json::Value) -> Result<Value, String> {
    use serde_json::Value as J;
    Ok(match json {
        J::Null => Value::Void,
        J::Bool(b) => Value::Bool(b),
        J::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => match i32::try_from(i) {
                Ok(small) => Value::I32(small),
                Err(_) => Value::I64(i),
            },
            (None, Some(f)) => Value::F64Bits(f.to_bits()),
            (None, None) => return Err(format!("the number {n} does not fit a header value")),
        },
        J::String(s) => Value::LongString(s.into_bytes()),
        J::Array(items) => Value::Array(
            items
                .into_iter()
                .map(value_from_json)
                .collect::<Result<_, _>>()?,
        ),
        J::Object(map) => Value::Table(
            map.into_iter()
                .map(|(k, v)| Ok((k, value_from_json(v)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}

#[cfg(test)]
pub(crate) fn every_value_kind() -> Table {
    vec![
        ("b".into(), Value::Bool(true)),
        ("i8".into(), Value::I8(-8)),
        ("u8".into(), Value::U8(8)),
        ("i16".into(), Value::I16(-16)),
        ("u16".into(), Value::U16(16)),
        ("i32".into(), Value::I32(-32)),
        ("u32".into(), Value::U32(32)),
        ("i64".into(), Value::I64(i64::MIN)),
        ("f32".into(), Value::F32Bits(f32::NAN.to_bits() | 1)),
        ("f64".into(), Value::F64Bits(u64::MAX)),
        (
            "dec".into(),
            Value::Decimal {
                scale: 2,
                value: 1999,
            },
        ),
        ("short".into(), Value::ShortString("s\u{202e}\n".into())),
        ("long".into(), Value::LongString(vec![0xff, 0, b'a'])),
        ("ts".into(), Value::Timestamp(u64::MAX)),
        ("bytes".into(), Value::ByteArray(vec![1, 2, 3])),
        ("void".into(), Value::Void),
        (
            "x-death".into(),
            Value::Array(vec![
                Value::Table(vec![
                    ("count".into(), Value::I64(3)),
                    ("nested".into(), Value::Table(vec![])),
                ]),
                Value::Array(vec![]),
                Value::Void,
            ]),
        ),
    ]
}
