//! Messages to and from JSON Lines: one object per line, so a file can be grepped, cut
//! with `head`, and replayed. Properties and headers keep their exact AMQP types, so a
//! replay publishes the same bytes. Only message data is written: no connection details.
//!
//! ```text
//! {"exchange":"orders","routing_key":"eu.created","redelivered":false,
//!  "received_at":"2024-05-01T12:00:00+02:00","properties":{…},"body_utf8":"{\"id\":1}"}
//! ```
//! A body that is not UTF-8 is written as `body_base64` instead; a file has exactly one
//! of the two on every line. A message that came by MQTT adds what only MQTT knows,
//! `"mqtt":{"topic":"test/any","qos":1,"retain":false,"dup":false}`, and one that came by
//! STOMP `"stomp":{"destination":"/topic/test.any","subscription":"sub-0",…}` with every
//! header; a line with neither (every file written before MQTT) is an AMQP message.

use std::{
    fs::File,
    io::{self, BufRead, BufReader, BufWriter, Write},
    path::{Path, PathBuf},
};

use crate::{
    private_file,
    session::{MessagePart, MqttFacts, StompFacts},
};

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};

use crate::{
    session::{Message, properties::Properties},
    text::visible,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedMessage {
    pub exchange: String,
    pub routing_key: String,
    pub redelivered: bool,
    /// RFC 3339; checked on import.
    pub received_at: Option<String>,
    pub properties: Properties,
    pub body: Vec<u8>,
    /// The protocol's own part: `Mqtt` keeps topic, QoS and flags.
    pub part: MessagePart,
}

impl ExportedMessage {
    pub fn from_delivery(d: &Message) -> Self {
        Self {
            exchange: d.exchange.clone(),
            routing_key: d.routing_key.clone(),
            redelivered: d.redelivered,
            received_at: Some(d.received_at.to_rfc3339()),
            properties: d.properties.clone(),
            body: d.body.clone(),
            part: d.part.clone(),
        }
    }

    /// The message as a pane entry, marked as read from `file` rather than delivered.
    pub fn to_delivery(&self, file: &str) -> Message {
        let received_at = self
            .received_at
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map_or_else(chrono::Local::now, |t| t.with_timezone(&chrono::Local));
        Message {
            received_at,
            exchange: self.exchange.clone(),
            routing_key: self.routing_key.clone(),
            redelivered: self.redelivered,
            delivery_tag: 0,
            // Never settled: epoch 0 is no connection's.
            epoch: 0,
            consumer_tag: Some(format!("file {file}")),
            properties: self.properties.clone(),
            body: self.body.clone(),
            part: self.part.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// `action` is "write", "read" or "rename". The reason is a string so that the error
    /// can be cloned into the model and compared in tests.
    #[error("could not {action} {}: {reason}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        reason: String,
    },
    /// A line that is not a message; `line` counts from 1.
    #[error("{} line {line}: {reason}", path.display())]
    Line {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

impl ExportError {
    fn io(path: &Path, action: &'static str, err: &io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            action,
            reason: err.to_string(),
        }
    }
}

/// The line as written. Borrowed, so exporting does not copy bodies.
#[derive(Serialize)]
struct WireOut<'a> {
    exchange: &'a str,
    routing_key: &'a str,
    redelivered: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    received_at: Option<&'a str>,
    properties: &'a Properties,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_utf8: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_base64: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mqtt: Option<MqttWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stomp: Option<StompWire>,
}

/// A STOMP message's own facts, as written and read. The `ack` id is left out: it names
/// the message only within the session that received it.
#[derive(Serialize, Deserialize)]
struct StompWire {
    destination: String,
    #[serde(default)]
    subscription: String,
    #[serde(default)]
    message_id: String,
    /// In arrival order, repeats included: a list of pairs, not a map.
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    websocket: bool,
}

/// An MQTT message's own facts, as written and read.
#[derive(Serialize, Deserialize)]
struct MqttWire {
    topic: String,
    qos: u8,
    #[serde(default)]
    retain: bool,
    #[serde(default)]
    dup: bool,
}

/// The line as read. Unknown fields are ignored, so files from a newer version load.
#[derive(Deserialize)]
struct WireIn {
    exchange: String,
    routing_key: String,
    #[serde(default)]
    redelivered: bool,
    #[serde(default)]
    received_at: Option<String>,
    #[serde(default)]
    properties: Properties,
    body_utf8: Option<String>,
    body_base64: Option<String>,
    #[serde(default)]
    mqtt: Option<MqttWire>,
    #[serde(default)]
    stomp: Option<StompWire>,
}

impl Serialize for ExportedMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let utf8 = std::str::from_utf8(&self.body).ok();
        WireOut {
            exchange: &self.exchange,
            routing_key: &self.routing_key,
            redelivered: self.redelivered,
            received_at: self.received_at.as_deref(),
            properties: &self.properties,
            body_utf8: utf8,
            body_base64: utf8.is_none().then(|| BASE64.encode(&self.body)),
            stomp: match &self.part {
                MessagePart::Stomp(facts) => Some(StompWire {
                    destination: facts.destination.clone(),
                    subscription: facts.subscription.clone(),
                    message_id: facts.message_id.clone(),
                    headers: facts.headers.clone(),
                    websocket: facts.websocket,
                }),
                _ => None,
            },
            mqtt: match &self.part {
                MessagePart::Amqp | MessagePart::Stomp(_) => None,
                MessagePart::Mqtt(facts) => Some(MqttWire {
                    topic: facts.topic.clone(),
                    qos: facts.qos,
                    retain: facts.retain,
                    dup: facts.dup,
                }),
            },
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ExportedMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = WireIn::deserialize(deserializer)?;
        let body = match (wire.body_utf8, wire.body_base64) {
            (Some(text), None) => text.into_bytes(),
            (None, Some(encoded)) => BASE64
                .decode(encoded)
                .map_err(|err| D::Error::custom(format!("body_base64: {err}")))?,
            (Some(_), Some(_)) => {
                return Err(D::Error::custom(
                    "both body_utf8 and body_base64: a message has one body",
                ));
            }
            (None, None) => return Err(D::Error::custom("missing body_utf8 or body_base64")),
        };
        if let Some(at) = &wire.received_at {
            chrono::DateTime::parse_from_rfc3339(at).map_err(|err| {
                D::Error::custom(format!(
                    "received_at \"{at}\" is not an RFC 3339 time ({err})"
                ))
            })?;
        }
        let part = match (wire.mqtt, wire.stomp) {
            (Some(_), Some(_)) => {
                return Err(D::Error::custom(
                    "both mqtt and stomp: a message came by one protocol",
                ));
            }
            (None, Some(stomp)) => {
                crate::stomp::Destination::parse(&stomp.destination).map_err(|err| {
                    D::Error::custom(format!("stomp.destination: {}", visible(&err.to_string())))
                })?;
                MessagePart::Stomp(StompFacts {
                    destination: stomp.destination,
                    subscription: stomp.subscription,
                    message_id: stomp.message_id,
                    ack: None,
                    headers: stomp.headers,
                    websocket: stomp.websocket,
                })
            }
            (None, None) => MessagePart::Amqp,
            (Some(mqtt), None) => {
                // What MQTT 3.1.1 allows, so a replay can send it as it is.
                if mqtt.qos > 2 {
                    return Err(D::Error::custom(format!(
                        "mqtt.qos is {}: MQTT has QoS 0, 1 and 2",
                        mqtt.qos
                    )));
                }
                crate::mqtt::topic::check_name(&mqtt.topic).map_err(|err| {
                    match mqtt.topic.as_str() {
                        "" => D::Error::custom(format!("mqtt.topic {err}")),
                        topic => D::Error::custom(format!(
                            "mqtt.topic '{}' {err}",
                            crate::text::visible(topic)
                        )),
                    }
                })?;
                MessagePart::Mqtt(MqttFacts {
                    topic: mqtt.topic,
                    qos: mqtt.qos,
                    retain: mqtt.retain,
                    dup: mqtt.dup,
                })
            }
        };
        Ok(Self {
            exchange: wire.exchange,
            routing_key: wire.routing_key,
            redelivered: wire.redelivered,
            received_at: wire.received_at,
            properties: wire.properties,
            body,
            part,
        })
    }
}

/// Writes one line per message and returns how many. Atomic: the messages go to a temp
/// file next to `path`, which then replaces `path` in one rename, so a reader (or a
/// crash) never sees half a file. The file is 0600: bodies may hold anything.
pub fn write_jsonl<'a>(
    path: impl AsRef<Path>,
    messages: impl IntoIterator<Item = &'a ExportedMessage>,
) -> Result<usize, ExportError> {
    let path = path.as_ref();
    let (temp, file) =
        private_file::create_temp(path).map_err(|err| ExportError::io(path, "write", &err))?;
    let count = match write_lines(file, messages) {
        Ok(count) => count,
        Err(err) => {
            private_file::discard(&temp);
            return Err(ExportError::io(path, "write", &err));
        }
    };
    private_file::commit(&temp, path).map_err(|err| ExportError::io(path, "rename", &err))?;
    Ok(count)
}

fn write_lines<'a>(
    file: File,
    messages: impl IntoIterator<Item = &'a ExportedMessage>,
) -> io::Result<usize> {
    let mut out = BufWriter::new(file);
    let mut count = 0;
    for message in messages {
        // Compact output never contains a raw newline: one message, one line.
        serde_json::to_writer(&mut out, message)?;
        out.write_all(b"\n")?;
        count += 1;
    }
    out.into_inner()
        .map_err(|err| err.into_error())?
        .sync_all()?;
    Ok(count)
}

/// Every message in the file, or the first line that is not one. Blank lines are
/// skipped, so a hand-edited file with a trailing empty line still loads.
pub fn read_jsonl(path: impl AsRef<Path>) -> Result<Vec<ExportedMessage>, ExportError> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|err| ExportError::io(path, "read", &err))?;
    let mut reader = BufReader::new(file);
    let mut messages = Vec::new();
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|err| ExportError::io(path, "read", &err))?;
        if read == 0 {
            break;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let message = serde_json::from_slice(&line).map_err(|err| ExportError::Line {
            path: path.to_path_buf(),
            line: number,
            reason: line_reason(&err),
        })?;
        messages.push(message);
    }
    Ok(messages)
}

/// serde_json's message without its "at line 1 column N" (every line is line 1 to it),
/// with the column kept for syntax errors, where it points at the mistake. The message
/// can quote the file (`unknown variant ...`), so it is made visible.
fn line_reason(err: &serde_json::Error) -> String {
    let message = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let message = message.strip_suffix(&suffix).unwrap_or(&message);
    let message = visible(message);
    match err.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("{message} (column {})", err.column())
        }
        _ => message,
    }
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
