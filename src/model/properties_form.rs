//! The compose box's properties and headers, as the user types them, and their validation
//! into [`Properties`]. Headers are written as a JSON object.

use tui_input::Input;

use crate::session::{Properties, Table, Value, properties::value_from_json};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropField {
    ContentType,
    ContentEncoding,
    Priority,
    CorrelationId,
    ReplyTo,
    Expiration,
    MessageId,
    Timestamp,
    Type,
    UserId,
    AppId,
    Headers,
}

impl PropField {
    pub const ALL: [PropField; 12] = [
        Self::ContentType,
        Self::ContentEncoding,
        Self::Priority,
        Self::CorrelationId,
        Self::ReplyTo,
        Self::Expiration,
        Self::MessageId,
        Self::Timestamp,
        Self::Type,
        Self::UserId,
        Self::AppId,
        Self::Headers,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::ContentType => "content_type",
            Self::ContentEncoding => "content_encoding",
            Self::Priority => "priority (0-255)",
            Self::CorrelationId => "correlation_id",
            Self::ReplyTo => "reply_to",
            Self::Expiration => "expiration (ms)",
            Self::MessageId => "message_id",
            Self::Timestamp => "timestamp (Unix s)",
            Self::Type => "type",
            Self::UserId => "user_id",
            Self::AppId => "app_id",
            Self::Headers => "headers (JSON)",
        }
    }

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }

    pub fn step(self, step: isize) -> Self {
        crate::session::cycle(&Self::ALL, self, step)
    }
}

#[derive(Clone, Debug)]
pub struct PropertiesForm {
    inputs: [Input; PropField::ALL.len()],
    pub focus: PropField,
    pub error: Option<(PropField, String)>,
    /// A replayed message's headers, exactly typed: JSON cannot say `long` from `signedint`,
    /// so they are sent as they came until the user edits the headers field.
    exact_headers: Option<Table>,
}

impl Default for PropertiesForm {
    fn default() -> Self {
        let mut form = Self {
            inputs: PropField::ALL.map(|_| Input::default()),
            focus: PropField::ContentType,
            error: None,
            exact_headers: None,
        };
        form.inputs[PropField::ContentType.index()] = Input::new("text/plain".into());
        form
    }
}

impl PropertiesForm {
    /// The form filled from a message's properties (delivery mode is the compose box's).
    pub fn from_properties(p: &Properties) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let number = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
        let values = [
            text(&p.content_type),
            text(&p.content_encoding),
            number(p.priority.map(u64::from)),
            text(&p.correlation_id),
            text(&p.reply_to),
            text(&p.expiration),
            text(&p.message_id),
            number(p.timestamp),
            text(&p.kind),
            text(&p.user_id),
            text(&p.app_id),
            p.headers
                .as_ref()
                .map(|t| table_to_json(t).to_string())
                .unwrap_or_default(),
        ];
        Self {
            inputs: values.map(Input::new),
            focus: PropField::ContentType,
            error: None,
            exact_headers: p.headers.clone(),
        }
    }

    pub fn value(&self, field: PropField) -> &str {
        self.inputs[field.index()].value()
    }

    pub fn input(&self, field: PropField) -> &Input {
        &self.inputs[field.index()]
    }

    /// For editing: changing the headers drops the exact copy a replay brought.
    pub fn input_mut(&mut self, field: PropField) -> &mut Input {
        if field == PropField::Headers {
            self.exact_headers = None;
        }
        &mut self.inputs[field.index()]
    }

    /// How many properties are set, for the compose box's title.
    pub fn set_count(&self) -> usize {
        PropField::ALL
            .iter()
            .filter(|f| !self.value(**f).trim().is_empty())
            .count()
    }

    pub fn to_properties(&self, delivery_mode: u8) -> Result<Properties, (PropField, String)> {
        let text = |field: PropField| {
            let v = self.value(field).trim();
            (!v.is_empty()).then(|| v.to_string())
        };
        let priority = match text(PropField::Priority) {
            None => None,
            Some(v) => Some(v.parse::<u8>().map_err(|_| {
                (
                    PropField::Priority,
                    format!("priority '{v}' is not a number from 0 to 255"),
                )
            })?),
        };
        let timestamp = match text(PropField::Timestamp) {
            None => None,
            Some(v) => Some(v.parse::<u64>().map_err(|_| {
                (
                    PropField::Timestamp,
                    format!("timestamp '{v}' is not a number of seconds since 1970"),
                )
            })?),
        };
        if let Some(v) = text(PropField::Expiration)
            && v.parse::<u64>().is_err()
        {
            return Err((
                PropField::Expiration,
                format!(
                    "expiration '{v}' is not a number of milliseconds (RabbitMQ refuses anything else)"
                ),
            ));
        }
        let headers = match (&self.exact_headers, text(PropField::Headers)) {
            (Some(exact), _) => Some(exact.clone()),
            (None, None) => None,
            (None, Some(v)) => Some(table_from_json(&v).map_err(|e| (PropField::Headers, e))?),
        };
        Ok(Properties {
            content_type: text(PropField::ContentType),
            content_encoding: text(PropField::ContentEncoding),
            headers,
            delivery_mode: Some(delivery_mode),
            priority,
            correlation_id: text(PropField::CorrelationId),
            reply_to: text(PropField::ReplyTo),
            expiration: text(PropField::Expiration),
            message_id: text(PropField::MessageId),
            timestamp,
            kind: text(PropField::Type),
            user_id: text(PropField::UserId),
            app_id: text(PropField::AppId),
        })
    }
}

/// Headers from a JSON object. Integers become 32-bit when they fit and 64-bit otherwise
/// (as pika sends them), other numbers doubles, strings long strings, `null` void.
pub fn table_from_json(text: &str) -> Result<Table, String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("headers are not valid JSON: {e}"))?;
    match json {
        serde_json::Value::Object(map) => map
            .into_iter()
            .map(|(k, v)| Ok((k, value_from_json(v)?)))
            .collect(),
        _ => Err("headers must be a JSON object, e.g. {\"x-retry\": 3}".into()),
    }
}

/// The inverse, for editing a received message's headers; exact types are approximated.
pub fn table_to_json(table: &Table) -> serde_json::Value {
    serde_json::Value::Object(
        table
            .iter()
            .map(|(k, v)| (k.clone(), value_to_json(v)))
            .collect(),
    )
}

fn value_to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Bool(b) => J::Bool(*b),
        Value::I8(v) => J::from(*v),
        Value::U8(v) => J::from(*v),
        Value::I16(v) => J::from(*v),
        Value::U16(v) => J::from(*v),
        Value::I32(v) => J::from(*v),
        Value::U32(v) => J::from(*v),
        Value::I64(v) => J::from(*v),
        Value::Timestamp(v) => J::from(*v),
        Value::F32Bits(bits) => J::from(f64::from(f32::from_bits(*bits))),
        Value::F64Bits(bits) => J::from(f64::from_bits(*bits)),
        Value::Decimal { scale, value } => {
            J::from(f64::from(*value) / 10f64.powi(i32::from(*scale)))
        }
        Value::ShortString(s) => J::from(s.as_str()),
        Value::LongString(bytes) | Value::ByteArray(bytes) => {
            J::from(String::from_utf8_lossy(bytes).into_owned())
        }
        Value::Array(items) => J::Array(items.iter().map(value_to_json).collect()),
        Value::Table(t) => table_to_json(t),
        Value::Void => J::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(form: &mut PropertiesForm, field: PropField, text: &str) {
        *form.input_mut(field) = Input::new(text.into());
    }

    #[test]
    fn every_property_is_read_from_the_form() {
        let mut form = PropertiesForm::default();
        for (field, text) in [
            (PropField::ContentEncoding, "gzip"),
            (PropField::Priority, "9"),
            (PropField::CorrelationId, "c-1"),
            (PropField::ReplyTo, "replies"),
            (PropField::Expiration, "60000"),
            (PropField::MessageId, "m-1"),
            (PropField::Timestamp, "1700000000"),
            (PropField::Type, "order.created"),
            (PropField::UserId, "guest"),
            (PropField::AppId, "amqp-tui"),
            (
                PropField::Headers,
                r#"{"n": 1, "big": 5000000000, "f": 1.5, "s": "x", "t": {"in": [true, null]}}"#,
            ),
        ] {
            set(&mut form, field, text);
        }
        let p = form.to_properties(2).expect("valid");
        assert_eq!(p.content_type.as_deref(), Some("text/plain"));
        assert_eq!(
            (p.priority, p.timestamp, p.delivery_mode),
            (Some(9), Some(1_700_000_000), Some(2))
        );
        assert_eq!(p.kind.as_deref(), Some("order.created"));
        let headers = p.headers.expect("headers");
        let get = |k: &str| headers.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(get("n"), Some(Value::I32(1)));
        assert_eq!(get("big"), Some(Value::I64(5_000_000_000)));
        assert_eq!(get("f"), Some(Value::F64Bits(1.5f64.to_bits())));
        assert_eq!(get("s"), Some(Value::LongString(b"x".to_vec())));
        assert_eq!(
            get("t"),
            Some(Value::Table(vec![(
                "in".into(),
                Value::Array(vec![Value::Bool(true), Value::Void])
            )]))
        );
    }

    #[test]
    fn bad_values_name_their_field() {
        for (field, text, expect) in [
            (PropField::Priority, "300", "priority"),
            (PropField::Timestamp, "yesterday", "timestamp"),
            (PropField::Expiration, "1m", "milliseconds"),
            (PropField::Headers, "[1]", "JSON object"),
            (PropField::Headers, "{oops", "not valid JSON"),
        ] {
            let mut form = PropertiesForm::default();
            set(&mut form, field, text);
            let (at, message) = form.to_properties(1).expect_err(text);
            assert_eq!(at, field);
            assert!(message.contains(expect), "{message}");
        }
    }

    #[test]
    fn a_received_messages_properties_fill_the_form_back() {
        let p = Properties {
            content_type: Some("application/json".into()),
            priority: Some(3),
            timestamp: Some(5),
            headers: Some(vec![("k".into(), Value::I32(7))]),
            delivery_mode: Some(1),
            ..Properties::default()
        };
        let form = PropertiesForm::from_properties(&p);
        assert_eq!(form.to_properties(1).expect("valid"), p);
    }
}
