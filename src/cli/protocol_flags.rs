//! The flags that belong to some protocols only: STOMP's applied to the settings, and
//! those of a protocol other than the URI's said, not silently ignored.

use super::Cli;
use crate::{
    session::{ConnectionSettings, Protocol},
    stomp::{AckMode, Destination},
    text::visible,
};

const STOMPS: &[Protocol] = &[Protocol::Stomp, Protocol::WebStomp];

impl Cli {
    /// `--destination`, `--publish-destination` and `--ack` for a STOMP or Web-STOMP URI.
    pub(super) fn apply_stomp(&self, settings: &mut ConnectionSettings) -> Result<(), String> {
        if !STOMPS.contains(&settings.protocol) {
            return Ok(());
        }
        let stomp = &mut settings.stomp;
        let mut problem = None;
        if !self.destination.is_empty() {
            stomp.destinations = self.destination.clone();
            for destination in &self.destination {
                if let Err(why) = Destination::parse(destination) {
                    problem.get_or_insert(visible(&format!("--destination: {why}.")));
                }
            }
        }
        if let Some(destination) = &self.publish_destination {
            if let Err(why) = Destination::parse(destination) {
                problem.get_or_insert(visible(&format!("--publish-destination: {why}.")));
            }
            stomp.publish_destination = destination.clone();
        }
        if let Some(ack) = &self.ack {
            match stomp_ack(ack) {
                Some(ack) => stomp.ack = ack,
                None => {
                    problem.get_or_insert(format!(
                        "--ack '{}' is not a STOMP ack mode: use auto or client (client-individual).",
                        visible(ack)
                    ));
                }
            }
        }
        problem.map_or(Ok(()), Err)
    }

    /// Flags of another protocol than the URI's: said, not silently ignored.
    pub(super) fn wrong_protocol_flags(&self, protocol: Protocol) -> Option<String> {
        use Protocol::{Amqp, Mqtt};
        let flags: [(&str, bool, &[Protocol]); 13] = [
            ("--exchange", self.exchange.is_some(), &[Amqp]),
            ("--exchange-type", self.exchange_type.is_some(), &[Amqp]),
            ("--queue", self.queue.is_some(), &[Amqp]),
            ("--watch", self.watch.is_some(), &[Amqp]),
            ("--routing-key", self.routing_key.is_some(), &[Amqp]),
            (
                "--ack",
                self.ack.is_some(),
                &[Amqp, Protocol::Stomp, Protocol::WebStomp],
            ),
            (
                "--prefetch",
                self.prefetch.is_some(),
                &[Amqp, Protocol::Stomp, Protocol::WebStomp],
            ),
            ("--topic", !self.topic.is_empty(), &[Mqtt]),
            ("--qos", self.qos.is_some(), &[Mqtt]),
            ("--publish-topic", self.publish_topic.is_some(), &[Mqtt]),
            ("--client-id", self.client_id.is_some(), &[Mqtt]),
            ("--destination", !self.destination.is_empty(), STOMPS),
            (
                "--publish-destination",
                self.publish_destination.is_some(),
                STOMPS,
            ),
        ];
        // One sentence per set of protocols the ignored flags are for.
        let mut groups: Vec<(&[Protocol], Vec<&str>)> = Vec::new();
        for (flag, given, owners) in flags {
            if !given || owners.contains(&protocol) {
                continue;
            }
            match groups.iter_mut().find(|(o, _)| *o == owners) {
                Some((_, names)) => names.push(flag),
                None => groups.push((owners, vec![flag])),
            }
        }
        let sentences: Vec<String> = groups
            .into_iter()
            .map(|(owners, given)| {
                let labels: Vec<&str> = owners.iter().map(|p| p.label()).collect();
                let schemes: Vec<String> = owners
                    .iter()
                    .flat_map(|p| [p.scheme(false), p.scheme(true)])
                    .map(|s| format!("{s}://"))
                    .collect();
                // Read aloud: "an amqp://", "an mqtt://", but "a stomp://", "a ws://".
                let article = if schemes[0].starts_with(['a', 'm']) { "an" } else { "a" };
                format!(
                    "{} {} for {} sessions, but the URI is {}: they were ignored. Use {article} {} URI for them.",
                    given.join(", "),
                    if given.len() == 1 { "is" } else { "are" },
                    or_list(&labels, "and"),
                    protocol.label(),
                    or_list(&schemes, "or"),
                )
            })
            .collect();
        (!sentences.is_empty()).then(|| sentences.join(" "))
    }
}

/// `--ack` for STOMP: `client` is short for `client-individual` (RabbitMQ's cumulative
/// `client` mode is not offered: a cumulative ACK settles messages the user never chose).
fn stomp_ack(text: &str) -> Option<AckMode> {
    match text {
        "client" => Some(AckMode::ClientIndividual),
        _ => AckMode::ALL.into_iter().find(|a| a.as_str() == text),
    }
}

/// `a, b and c`.
fn or_list<S: AsRef<str>>(items: &[S], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., end] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} {last} {}", rest.join(", "), end.as_ref())
        }
    }
}
