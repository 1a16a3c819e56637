//! Properties and header tables to and from lapin's types.

use lapin::{
    BasicProperties,
    types::{AMQPValue, ByteArray, DecimalValue, FieldArray, FieldTable, LongString, ShortString},
};

use crate::session::properties::{MAX_NESTING, Properties, Table, Value};

impl Value {
    pub fn from_amqp(value: &AMQPValue) -> Self {
        Self::from_amqp_at(value, 0)
    }

    /// `depth` counts the tables and arrays around `value`.
    fn from_amqp_at(value: &AMQPValue, depth: usize) -> Self {
        match value {
            AMQPValue::FieldArray(_) | AMQPValue::FieldTable(_) if depth >= MAX_NESTING => {
                Self::Void
            }
            AMQPValue::Boolean(b) => Self::Bool(*b),
            AMQPValue::ShortShortInt(v) => Self::I8(*v),
            AMQPValue::ShortShortUInt(v) => Self::U8(*v),
            AMQPValue::ShortInt(v) => Self::I16(*v),
            AMQPValue::ShortUInt(v) => Self::U16(*v),
            AMQPValue::LongInt(v) => Self::I32(*v),
            AMQPValue::LongUInt(v) => Self::U32(*v),
            AMQPValue::LongLongInt(v) => Self::I64(*v),
            AMQPValue::Float(v) => Self::F32Bits(v.to_bits()),
            AMQPValue::Double(v) => Self::F64Bits(v.to_bits()),
            AMQPValue::DecimalValue(d) => Self::Decimal {
                scale: d.scale,
                value: d.value,
            },
            AMQPValue::ShortString(s) => Self::ShortString(s.as_str().to_string()),
            AMQPValue::LongString(s) => Self::LongString(s.as_bytes().to_vec()),
            AMQPValue::FieldArray(a) => Self::Array(
                a.as_slice()
                    .iter()
                    .map(|v| Self::from_amqp_at(v, depth + 1))
                    .collect(),
            ),
            AMQPValue::Timestamp(t) => Self::Timestamp(*t),
            AMQPValue::FieldTable(t) => Self::Table(table_at(t, depth + 1)),
            AMQPValue::ByteArray(b) => Self::ByteArray(b.as_slice().to_vec()),
            AMQPValue::Void => Self::Void,
        }
    }

    /// `None` when a short string or a table key is longer than AMQP's 255 bytes.
    pub fn to_amqp(&self) -> Result<AMQPValue, String> {
        Ok(match self {
            Self::Bool(b) => AMQPValue::Boolean(*b),
            Self::I8(v) => AMQPValue::ShortShortInt(*v),
            Self::U8(v) => AMQPValue::ShortShortUInt(*v),
            Self::I16(v) => AMQPValue::ShortInt(*v),
            Self::U16(v) => AMQPValue::ShortUInt(*v),
            Self::I32(v) => AMQPValue::LongInt(*v),
            Self::U32(v) => AMQPValue::LongUInt(*v),
            Self::I64(v) => AMQPValue::LongLongInt(*v),
            Self::F32Bits(bits) => AMQPValue::Float(f32::from_bits(*bits)),
            Self::F64Bits(bits) => AMQPValue::Double(f64::from_bits(*bits)),
            Self::Decimal { scale, value } => AMQPValue::DecimalValue(DecimalValue {
                scale: *scale,
                value: *value,
            }),
            Self::ShortString(s) => AMQPValue::ShortString(short(s)?),
            Self::LongString(bytes) => AMQPValue::LongString(LongString::from(bytes.clone())),
            Self::Array(items) => AMQPValue::FieldArray(FieldArray::from(
                items
                    .iter()
                    .map(Value::to_amqp)
                    .collect::<Result<Vec<_>, _>>()?,
            )),
            Self::Timestamp(t) => AMQPValue::Timestamp(*t),
            Self::Table(table) => AMQPValue::FieldTable(table_to_amqp(table)?),
            Self::ByteArray(bytes) => AMQPValue::ByteArray(ByteArray::from(bytes.clone())),
            Self::Void => AMQPValue::Void,
        })
    }
}

/// The headers of a delivery; nesting past [`MAX_NESTING`] is cut (see there).
pub fn table_from_amqp(table: &FieldTable) -> Table {
    table_at(table, 0)
}

fn table_at(table: &FieldTable, depth: usize) -> Table {
    table
        .inner()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), Value::from_amqp_at(v, depth)))
        .collect()
}

pub fn table_to_amqp(table: &Table) -> Result<FieldTable, String> {
    let mut out = FieldTable::default();
    for (key, value) in table {
        out.insert(short(key)?, value.to_amqp()?);
    }
    Ok(out)
}

fn short(s: &str) -> Result<ShortString, String> {
    ShortString::try_new(s).map_err(|_| {
        format!(
            "'{}…' is {} bytes long: AMQP short strings are at most 255 bytes",
            crate::text::visible(&s.chars().take(20).collect::<String>()),
            s.len()
        )
    })
}

impl Properties {
    pub fn from_amqp(p: &BasicProperties) -> Self {
        let text = |s: &Option<ShortString>| s.as_ref().map(|s| s.as_str().to_string());
        Self {
            content_type: text(p.content_type()),
            content_encoding: text(p.content_encoding()),
            headers: p.headers().as_ref().map(table_from_amqp),
            delivery_mode: *p.delivery_mode(),
            priority: *p.priority(),
            correlation_id: text(p.correlation_id()),
            reply_to: text(p.reply_to()),
            expiration: text(p.expiration()),
            message_id: text(p.message_id()),
            timestamp: *p.timestamp(),
            kind: text(p.kind()),
            user_id: text(p.user_id()),
            app_id: text(p.app_id()),
        }
    }

    /// Fails, naming the value, when a string is too long for the protocol.
    pub fn to_amqp(&self) -> Result<BasicProperties, String> {
        let mut p = BasicProperties::default();
        if let Some(v) = &self.content_type {
            p = p.with_content_type(short(v)?);
        }
        if let Some(v) = &self.content_encoding {
            p = p.with_content_encoding(short(v)?);
        }
        if let Some(v) = &self.headers {
            p = p.with_headers(table_to_amqp(v)?);
        }
        if let Some(v) = self.delivery_mode {
            p = p.with_delivery_mode(v);
        }
        if let Some(v) = self.priority {
            p = p.with_priority(v);
        }
        if let Some(v) = &self.correlation_id {
            p = p.with_correlation_id(short(v)?);
        }
        if let Some(v) = &self.reply_to {
            p = p.with_reply_to(short(v)?);
        }
        if let Some(v) = &self.expiration {
            p = p.with_expiration(short(v)?);
        }
        if let Some(v) = &self.message_id {
            p = p.with_message_id(short(v)?);
        }
        if let Some(v) = self.timestamp {
            p = p.with_timestamp(v);
        }
        if let Some(v) = &self.kind {
            p = p.with_type(short(v)?);
        }
        if let Some(v) = &self.user_id {
            p = p.with_user_id(short(v)?);
        }
        if let Some(v) = &self.app_id {
            p = p.with_app_id(short(v)?);
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::properties::every_value_kind;

    #[test]
    fn every_value_kind_survives_lapin_both_ways() {
        let mut table = every_value_kind();
        // lapin's tables are sorted by key; ours follows it on the way back.
        table.sort_by(|a, b| a.0.cmp(&b.0));
        let amqp = table_to_amqp(&table).expect("valid");
        assert_eq!(table_from_amqp(&amqp), table);
    }

    #[test]
    fn every_property_survives_lapin_both_ways() {
        let props = Properties {
            content_type: Some("application/json".into()),
            content_encoding: Some("gzip".into()),
            headers: Some(vec![("x".into(), Value::I32(1))]),
            delivery_mode: Some(2),
            priority: Some(7),
            correlation_id: Some("c-1".into()),
            reply_to: Some("amq.rabbitmq.reply-to".into()),
            expiration: Some("60000".into()),
            message_id: Some("m-1".into()),
            timestamp: Some(1_700_000_000),
            kind: Some("order.created".into()),
            user_id: Some("guest".into()),
            app_id: Some("amqp-tui".into()),
        };
        let back = Properties::from_amqp(&props.to_amqp().expect("valid"));
        assert_eq!(back, props);
    }

    #[test]
    fn nesting_past_the_limit_arrives_as_void() {
        let mut value = AMQPValue::Boolean(true);
        for level in 0..MAX_NESTING + 5 {
            value = if level % 2 == 0 {
                AMQPValue::FieldArray(FieldArray::from(vec![value]))
            } else {
                let mut table = FieldTable::default();
                table.insert("t".into(), value);
                AMQPValue::FieldTable(table)
            };
        }
        let mut headers = FieldTable::default();
        headers.insert("deep".into(), value);
        let mut levels = 0;
        let mut at = &table_from_amqp(&headers)[0].1;
        loop {
            at = match at {
                Value::Array(items) => &items[0],
                Value::Table(table) => &table[0].1,
                other => break assert_eq!(other, &Value::Void),
            };
            levels += 1;
        }
        assert_eq!(levels, MAX_NESTING);
    }

    #[test]
    fn an_overlong_short_string_is_an_error_not_a_panic() {
        let props = Properties {
            message_id: Some("x".repeat(256)),
            ..Properties::default()
        };
        let err = props.to_amqp().expect_err("too long");
        assert!(err.contains("256 bytes"), "{err}");
    }
}
